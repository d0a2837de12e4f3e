// The Internet checksum (RFC 1071) as a list of steps a student can follow
// with pencil and paper: the 16-bit words, the running 32-bit sum, each
// carry folded back, and the one's complement at the end.
//
// This is a teaching model, not the fast path: it keeps every step. Tests
// pin it to wire::ChecksumAccumulator, the code pong runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

namespace pong::lab {

struct ChecksumWord {
  std::size_t offset = 0;     // of the word's first byte
  std::uint16_t value = 0;    // big-endian: first byte high
  bool padded = false;        // RFC 1071 4.1: an odd last byte, with 00 as its low byte
  std::uint32_t running = 0;  // the 32-bit sum once this word is added
};

// One end-around carry: the bits above 16 are added back into the low 16.
struct CarryFold {
  std::uint32_t before = 0;
  std::uint32_t carry = 0;  // before >> 16
  std::uint32_t low = 0;    // before & 0xffff
  std::uint32_t after = 0;  // low + carry
};

// A one's complement sum: terms added as 32-bit integers, then folded.
struct OnesComplementSum {
  std::vector<std::uint16_t> terms;
  std::uint32_t sum = 0;         // before folding
  std::vector<CarryFold> folds;  // until nothing is left above bit 15
  std::uint16_t folded = 0;      // the 16-bit one's complement sum
};

OnesComplementSum ones_complement_sum(std::initializer_list<std::uint16_t> terms);

// 65535 bytes, the largest IPv4 datagram, keep the running sum below 2^31.
inline constexpr std::size_t kMaxChecksumBytes = 65535;

struct ChecksumSteps {
  std::vector<ChecksumWord> words;
  std::uint32_t sum = 0;  // of every word
  std::vector<CarryFold> folds;
  std::uint16_t folded = 0;    // the one's complement sum
  std::uint16_t checksum = 0;  // ~folded, the value a checksum field gets

  // RFC 1071 1(2): summed with its checksum field, correct data gives all
  // one bits (-0).
  bool verifies() const { return folded == 0xFFFF; }
};

// Precondition: bytes.size() <= kMaxChecksumBytes.
ChecksumSteps explain_checksum(std::span<const std::uint8_t> bytes);

}  // namespace pong::lab
