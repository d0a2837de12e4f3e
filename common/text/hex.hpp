// Hex digits in text typed or pasted by a user (patterns, packet dumps,
// /proc files). Every reader of hex in pong goes through these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pong::text {

// The value of one hex digit, either case; -1 for any other character.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte two hex digits spell ("ff" -> 0xff); empty if either is not one.
constexpr std::optional<std::uint8_t> hex_byte(char high, char low) {
  const int h = hex_digit_value(high);
  const int l = hex_digit_value(low);
  if (h < 0 || l < 0) return std::nullopt;
  return static_cast<std::uint8_t>(h << 4 | l);
}

// Decodes `digits` (an even number of hex digits, nothing else) into the
// first digits.size()/2 bytes of `out`. Returns the index of the first
// character that is not a hex digit, or digits.size() when all were.
// Precondition: digits.size() is even and out.size() >= digits.size() / 2.
constexpr std::size_t decode_hex(std::string_view digits, std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    const auto byte = hex_byte(digits[i], digits[i + 1]);
    if (!byte) return hex_digit_value(digits[i]) < 0 ? i : i + 1;
    out[i / 2] = *byte;
  }
  return digits.size();
}

}  // namespace pong::text
