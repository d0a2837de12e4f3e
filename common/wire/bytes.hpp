// Big-endian field access over byte spans.
//
// Every helper takes a fixed-extent span, so the caller states at compile
// time how many bytes it reads; the views in this directory obtain those
// spans with `subspan<Offset, N>()` after their checked constructor has
// proved the buffer long enough. No helper casts bytes to wider types.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pong::wire {

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

constexpr std::uint16_t load_be16(std::span<const std::uint8_t, 2> b) {
  return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}

constexpr std::uint32_t load_be32(std::span<const std::uint8_t, 4> b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

constexpr void store_be16(std::span<std::uint8_t, 2> b, std::uint16_t value) {
  b[0] = static_cast<std::uint8_t>(value >> 8);
  b[1] = static_cast<std::uint8_t>(value);
}

constexpr void store_be32(std::span<std::uint8_t, 4> b, std::uint32_t value) {
  b[0] = static_cast<std::uint8_t>(value >> 24);
  b[1] = static_cast<std::uint8_t>(value >> 16);
  b[2] = static_cast<std::uint8_t>(value >> 8);
  b[3] = static_cast<std::uint8_t>(value);
}

// An IPv4 address in network order, as four bytes. A value type: compare,
// copy and print it without caring about host byte order.
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

}  // namespace pong::wire
