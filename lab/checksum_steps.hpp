// The Internet checksum (RFC 1071) as a list of steps a student can follow
// with pencil and paper: the 16-bit words, the running 32-bit sum, each
// carry folded back, and the one's complement at the end.
//
// For ICMPv6 (and any other checksum over an IPv6 pseudo-header) the sum
// starts with the 40 bytes of RFC 8200 8.1's pseudo-header: the same
// steps, with each word labelled with the field it comes from.
//
// This is a teaching model, not the fast path: it keeps every step. Tests
// pin it to wire::ChecksumAccumulator, the code pong runs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "wire/address.hpp"

namespace pong::lab {

// What a summed word is part of: a field of the pseudo-header, or the
// data (the message) itself.
enum class ChecksumPart : std::uint8_t {
  kSource,            // pseudo-header bytes 0-15
  kDestination,       // 16-31
  kUpperLayerLength,  // 32-35
  kNextHeader,        // 36-39: three zero bytes, then the next header
  kData,
};

// "source address", ... "the data"; for the headings of a listing.
std::string_view checksum_part_name(ChecksumPart part);

// RFC 8200 8.1: "Any transport or other upper-layer protocol that includes
// the addresses from the IP header in its checksum computation must be
// modified for use over IPv6, to include the 128-bit IPv6 addresses":
// source, destination, the 32-bit upper-layer packet length, 24 zero bits
// and the 8-bit next header, 40 bytes in all. They are never sent: sender
// and receiver each build them from the IPv6 header.
struct Ipv6PseudoHeader {
  wire::Ipv6Address source;
  wire::Ipv6Address destination;
  std::uint32_t upper_layer_length = 0;
  std::uint8_t next_header = 0;

  static constexpr std::size_t kLength = 40;
  std::array<std::uint8_t, kLength> bytes() const;
};

struct ChecksumWord {
  ChecksumPart part = ChecksumPart::kData;
  std::size_t offset = 0;     // of the word's first byte, within its part's bytes
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

// 65535 bytes, the largest IPv4 datagram or ICMPv6 message. With the
// 40-byte pseudo-header in front, at most 32788 words of 0xffff: the
// running sum stays below 2^32.
inline constexpr std::size_t kMaxChecksumBytes = 65535;

struct ChecksumSteps {
  std::vector<ChecksumWord> words;  // the pseudo-header's first, if any
  std::optional<Ipv6PseudoHeader> pseudo_header;
  std::size_t data_bytes = 0;
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
// The same over the pseudo-header's 40 bytes, then `bytes` (RFC 4443 2.3
// for ICMPv6, where `bytes` is the whole message).
ChecksumSteps explain_checksum(std::span<const std::uint8_t> bytes,
                               const Ipv6PseudoHeader& pseudo_header);

}  // namespace pong::lab
