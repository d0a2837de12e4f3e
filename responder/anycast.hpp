// Which IPv6 addresses of this host are anycast. No header field says so;
// Linux decides per packet (ipv6_anycast_destination) and lists them in
// /proc/net/anycast6, which pong reads at most once a second while
// requests come in. The table and its parser are pure; the refresher is
// the one part that reads the file and the clock.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "wire/address.hpp"

namespace pong::responder {

// A fixed-size set, so that refreshing it never allocates. Addresses past
// the capacity are left out (and would be answered as unicast is: from the
// anycast address itself); full() says so, and pong warns once.
class AnycastAddresses {
 public:
  static constexpr std::size_t kCapacity = 1024;

  // Lines of /proc/net/anycast6: "IFINDEX IFNAME 32-HEX-DIGITS USERS".
  // Lines that do not read so are skipped.
  static AnycastAddresses parse(std::string_view proc_text);

  bool contains(const wire::Ipv6Address& address) const;
  std::size_t size() const { return size_; }
  // Whether lines were left out for want of room.
  bool full() const { return full_; }

 private:
  std::array<wire::Ipv6Address, kCapacity> addresses_{};
  std::size_t size_ = 0;
  bool full_ = false;
};

class AnycastRefresher {
 public:
  AnycastRefresher();
  bool is_anycast(const wire::Ipv6Address& address);

 private:
  void refresh_if_stale();

  // A /proc/net/anycast6 line is about 60 bytes: room for the whole table.
  static constexpr std::size_t kFileCapacity = AnycastAddresses::kCapacity * 64;
  // Allocated once, at start-up; refreshing reuses them.
  std::unique_ptr<AnycastAddresses> table_;
  std::unique_ptr<std::array<char, kFileCapacity>> file_;
  std::chrono::steady_clock::time_point next_refresh_{};
  bool warned_full_ = false;
};

}  // namespace pong::responder
