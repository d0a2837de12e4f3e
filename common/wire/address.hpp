// IP addresses as values: Ipv4Address, Ipv6Address, and IpAddress, the one
// type that holds either and that everything family-neutral (logs,
// counters, policies, reports) works with.
//
// All three are bytes in network order, so they compare, copy and print
// without caring about host byte order, and are constexpr throughout.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "bytes.hpp"

namespace pong::wire {

enum class IpFamily : std::uint8_t { kIpv4, kIpv6 };

// "ipv4" or "ipv6": the family as a label in metrics, JSON logs and reports.
constexpr std::string_view family_label(IpFamily family) {
  return family == IpFamily::kIpv4 ? "ipv4" : "ipv6";
}

struct Ipv4Address {
  std::array<std::uint8_t, 4> octets{};

  static constexpr Ipv4Address from_u32(std::uint32_t host_order) {
    return {{static_cast<std::uint8_t>(host_order >> 24),
             static_cast<std::uint8_t>(host_order >> 16),
             static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order)}};
  }
  constexpr std::uint32_t to_u32() const {
    return load_be32(std::span<const std::uint8_t, 4>{octets});
  }

  // 224.0.0.0/4 (RFC 5771).
  constexpr bool is_multicast() const { return (octets[0] & 0xF0) == 0xE0; }
  // 255.255.255.255 (RFC 919 "limited broadcast").
  constexpr bool is_limited_broadcast() const { return to_u32() == 0xFFFFFFFFu; }
  constexpr bool is_unspecified() const { return to_u32() == 0; }

  friend constexpr bool operator==(const Ipv4Address&, const Ipv4Address&) = default;
};

struct Ipv6Address {
  std::array<std::uint8_t, 16> octets{};

  // The eight 16-bit groups of RFC 4291 2.2, in order.
  constexpr std::uint16_t group(std::size_t i) const {
    return static_cast<std::uint16_t>((octets[2 * i] << 8) | octets[2 * i + 1]);
  }
  // RFC 4291 2.7: "binary 11111111 at the start of the address identifies
  // the address as being a multicast address" (ff00::/8).
  constexpr bool is_multicast() const { return octets[0] == 0xFF; }
  // RFC 4291 2.5.6: fe80::/10.
  constexpr bool is_link_local() const { return octets[0] == 0xFE && (octets[1] & 0xC0) == 0x80; }
  // RFC 4291 2.7: a multicast address of link-local scope (ff02::1 ...).
  constexpr bool is_link_local_multicast() const {
    return is_multicast() && (octets[1] & 0x0F) == 0x2;
  }
  // RFC 4291 2.5.2: "::".
  constexpr bool is_unspecified() const {
    for (const auto b : octets) {
      if (b != 0) return false;
    }
    return true;
  }
  // RFC 4291 2.5.5.2: ::ffff:a.b.c.d.
  constexpr bool is_ipv4_mapped() const {
    for (std::size_t i = 0; i < 10; ++i) {
      if (octets[i] != 0) return false;
    }
    return octets[10] == 0xFF && octets[11] == 0xFF;
  }

  friend constexpr bool operator==(const Ipv6Address&, const Ipv6Address&) = default;
};

// Either family. Default-constructed it is the IPv4 unspecified address.
class IpAddress {
 public:
  constexpr IpAddress() = default;
  constexpr IpAddress(Ipv4Address v4) : family_(IpFamily::kIpv4) {  // NOLINT: implicit by design
    for (std::size_t i = 0; i < 4; ++i) bytes_[i] = v4.octets[i];
  }
  constexpr IpAddress(Ipv6Address v6) : family_(IpFamily::kIpv6), bytes_(v6.octets) {}  // NOLINT

  // 0.0.0.0 or ::, the "any" address of a family.
  static constexpr IpAddress unspecified(IpFamily family) {
    return family == IpFamily::kIpv4 ? IpAddress{Ipv4Address{}} : IpAddress{Ipv6Address{}};
  }

  constexpr IpFamily family() const { return family_; }
  constexpr bool is_ipv4() const { return family_ == IpFamily::kIpv4; }
  constexpr bool is_ipv6() const { return family_ == IpFamily::kIpv6; }

  // The address as its own family's type. Precondition: is_ipv4() (resp.
  // is_ipv6()); the other family's bytes are otherwise returned as zero.
  constexpr Ipv4Address ipv4() const {
    if (!is_ipv4()) return {};
    return {{bytes_[0], bytes_[1], bytes_[2], bytes_[3]}};
  }
  constexpr Ipv6Address ipv6() const {
    if (!is_ipv6()) return {};
    return {bytes_};
  }
  // The address bytes in network order: 4 for IPv4, 16 for IPv6.
  constexpr std::span<const std::uint8_t> bytes() const {
    return std::span<const std::uint8_t>(bytes_).first(is_ipv4() ? 4 : 16);
  }

  constexpr bool is_multicast() const {
    return is_ipv4() ? ipv4().is_multicast() : ipv6().is_multicast();
  }
  constexpr bool is_unspecified() const {
    return is_ipv4() ? ipv4().is_unspecified() : ipv6().is_unspecified();
  }

  friend constexpr bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  IpFamily family_ = IpFamily::kIpv4;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace pong::wire
