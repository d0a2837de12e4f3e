#include "sys/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include <spdlog/spdlog.h>

namespace pong::sys {

std::string sysctl_path(std::string_view name) {
  std::string path = "/proc/sys/";
  for (const char c : name) path.push_back(c == '.' ? '/' : c);
  return path;
}

std::expected<std::string, std::string> read_sysctl(std::string_view name) {
  std::ifstream in(sysctl_path(name));
  if (!in) {
    return std::unexpected(fmt::format("cannot read sysctl {}: {}", name, std::strerror(errno)));
  }
  std::string value;
  std::getline(in, value);
  return value;
}

std::optional<long> read_sysctl_integer(std::string_view name) {
  std::array<char, 256> path{};
  constexpr std::string_view kRoot = "/proc/sys/";
  if (kRoot.size() + name.size() >= path.size()) return std::nullopt;
  std::copy(kRoot.begin(), kRoot.end(), path.begin());
  for (std::size_t i = 0; i < name.size(); ++i) {
    path[kRoot.size() + i] = name[i] == '.' ? '/' : name[i];
  }
  const int fd = ::open(path.data(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::array<char, 32> text{};
  const ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n <= 0) return std::nullopt;
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + n, value);
  if (error != std::errc{}) return std::nullopt;
  return value;
}

std::expected<void, std::string> write_sysctl(std::string_view name, std::string_view value) {
  std::ofstream out(sysctl_path(name));
  if (out) out << value << '\n';
  if (out) out.flush();
  if (!out) {
    return std::unexpected(
        fmt::format("cannot set sysctl {}={}: {}", name, value, std::strerror(errno)));
  }
  return {};
}

std::expected<ScopedSysctl, std::string> ScopedSysctl::set(std::string_view name,
                                                           std::string_view value) {
  auto found = read_sysctl(name);
  if (!found) return std::unexpected(found.error());
  if (*found == value) return ScopedSysctl(std::string(name), std::nullopt);
  if (auto written = write_sysctl(name, value); !written) return std::unexpected(written.error());
  return ScopedSysctl(std::string(name), std::move(*found));
}

ScopedSysctl::ScopedSysctl(ScopedSysctl&& other) noexcept
    : name_(std::move(other.name_)), original_(std::exchange(other.original_, std::nullopt)) {}

std::expected<void, std::string> ScopedSysctl::restore() {
  if (!original_) return {};
  auto result = write_sysctl(name_, *original_);
  if (result) original_.reset();
  return result;
}

ScopedSysctl::~ScopedSysctl() {
  if (auto result = restore(); !result) {
    spdlog::error("{} (it must be restored by hand)", result.error());
  }
}

}  // namespace pong::sys
