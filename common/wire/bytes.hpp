// Big-endian field access over byte spans.
//
// Every helper takes a fixed-extent span, so the caller states at compile
// time how many bytes it reads; the views in this directory obtain those
// spans with `subspan<Offset, N>()` after their checked constructor has
// proved the buffer long enough. No helper casts bytes to wider types.
#pragma once

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

}  // namespace pong::wire
