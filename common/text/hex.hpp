// Hex digits in text typed or pasted by a user (patterns, packet dumps).
#pragma once

namespace pong::text {

// The value of one hex digit, either case; -1 for any other character.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace pong::text
