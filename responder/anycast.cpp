#include "anycast.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "text/hex.hpp"

namespace pong::responder {
namespace {

std::string_view next_field(std::string_view& line) {
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  const auto end = line.find_first_of(" \t");
  const auto field = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return field;
}

bool parse_address(std::string_view hex, wire::Ipv6Address& out) {
  return hex.size() == 32 && text::decode_hex(hex, out.octets) == hex.size();
}

}  // namespace

AnycastAddresses AnycastAddresses::parse(std::string_view proc_text) {
  AnycastAddresses table;
  while (!proc_text.empty()) {
    const auto end = proc_text.find('\n');
    std::string_view line = proc_text.substr(0, end);
    proc_text.remove_prefix(end == std::string_view::npos ? proc_text.size() : end + 1);
    next_field(line);  // interface index
    next_field(line);  // interface name
    wire::Ipv6Address address;
    if (!parse_address(next_field(line), address)) continue;
    if (table.size_ == kCapacity) {
      table.full_ = true;
      break;
    }
    table.addresses_[table.size_++] = address;
  }
  return table;
}

bool AnycastAddresses::contains(const wire::Ipv6Address& address) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (addresses_[i] == address) return true;
  }
  return false;
}

AnycastRefresher::AnycastRefresher()
    : table_(std::make_unique<AnycastAddresses>()),
      file_(std::make_unique<std::array<char, kFileCapacity>>()) {}

bool AnycastRefresher::is_anycast(const wire::Ipv6Address& address) {
  refresh_if_stale();
  return table_->contains(address);
}

void AnycastRefresher::refresh_if_stale() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_refresh_) return;
  next_refresh_ = now + std::chrono::seconds{1};
  auto& buffer = *file_;
  const int fd = ::open("/proc/net/anycast6", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *table_ = {};
    return;
  }
  std::size_t used = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n <= 0) break;
    used += static_cast<std::size_t>(n);
    if (used == buffer.size()) break;
  }
  ::close(fd);
  *table_ = AnycastAddresses::parse({buffer.data(), used});
  if ((table_->full() || used == buffer.size()) && !warned_full_) {
    warned_full_ = true;
    spdlog::warn(
        "this host has more than {} anycast addresses; pong answers requests to the others as "
        "unicast ones (from the anycast address)",
        AnycastAddresses::kCapacity);
  }
}

}  // namespace pong::responder
