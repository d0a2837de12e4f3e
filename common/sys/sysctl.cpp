#include "sys/sysctl.hpp"

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
