// What the harnesses share: a check that stops the fuzzer where a property
// fails, and the slow RFC 1071 sum the echo harnesses hold checksums to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

// Stops the run at the broken property; libFuzzer saves the input.
#define FUZZ_CHECK(condition)           \
  do {                                  \
    if (!(condition)) __builtin_trap(); \
  } while (false)

namespace pong::fuzz {

// RFC 1071: the one's complement sum of 16-bit big-endian words, an odd
// last byte as the high byte, carries folded at every step; continued from
// `sum`, so that a pseudo-header can be summed first. Not complemented.
inline std::uint16_t reference_sum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    const std::uint32_t low = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    sum += (std::uint32_t{bytes[i]} << 8) | low;
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

}  // namespace pong::fuzz
