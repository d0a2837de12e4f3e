// The Internet checksum: RFC 1071 (full computation) and RFC 1624
// (incremental update). Everything here is constexpr and allocation-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pong::wire {

// A running one's complement sum, not yet folded. Feed it byte ranges in
// packet order with add(); an odd-length range may only be the last one,
// because RFC 1071 4.1 pads "the last byte" with a zero low byte.
class ChecksumAccumulator {
 public:
  constexpr ChecksumAccumulator& add(std::span<const std::uint8_t> data) {
    // RFC 1071 2(B): the sum is independent of byte order and may be taken
    // over wider words; 32-bit big-endian words, folded at the end, give
    // the same 16-bit result as 16-bit words. A 64-bit accumulator cannot
    // overflow on any IPv4 or (non-jumbo) IPv6 packet, nor on the IPv6
    // pseudo-header added to one (2^17 bytes * 2^32 per word < 2^64).
    std::size_t i = 0;
    const std::size_t n = data.size();
    for (; i + 4 <= n; i += 4) {
      sum_ += (std::uint64_t{data[i]} << 24) | (std::uint64_t{data[i + 1]} << 16) |
              (std::uint64_t{data[i + 2]} << 8) | std::uint64_t{data[i + 3]};
    }
    if (i + 2 <= n) {
      sum_ += (std::uint64_t{data[i]} << 8) | std::uint64_t{data[i + 1]};
      i += 2;
    }
    if (i < n) {
      // RFC 1071 4.1: "Add left-over byte, if any" as the high byte.
      sum_ += std::uint64_t{data[i]} << 8;
    }
    return *this;
  }

  constexpr ChecksumAccumulator& add_word(std::uint16_t word) {
    sum_ += word;
    return *this;
  }

  // The 16-bit one's complement sum with every carry folded back in.
  constexpr std::uint16_t folded() const {
    std::uint64_t s = sum_;
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
    return static_cast<std::uint16_t>(s);
  }

  // The value to store in a checksum field: the complement of the sum.
  constexpr std::uint16_t checksum() const { return static_cast<std::uint16_t>(~folded()); }

 private:
  std::uint64_t sum_ = 0;
};

// RFC 8200 8.1: "Any transport or other upper-layer protocol that includes
// the addresses from the IP header in its checksum computation must be
// modified for use over IPv6, to include the 128-bit IPv6 addresses":
//
//   +-------------------------------------------+
//   |          Source Address (16 bytes)        |
//   |       Destination Address (16 bytes)      |
//   |        Upper-Layer Packet Length (32)     |
//   |      zero (24 bits)     |  Next Header (8) |
//   +-------------------------------------------+
//
// RFC 4443 2.3 makes ICMPv6 such a protocol. Returns the sum of those 40
// bytes, to which the caller adds the upper-layer message itself.
constexpr ChecksumAccumulator ipv6_pseudo_header_sum(std::span<const std::uint8_t, 16> source,
                                                     std::span<const std::uint8_t, 16> destination,
                                                     std::uint32_t upper_layer_length,
                                                     std::uint8_t next_header) {
  ChecksumAccumulator sum;
  sum.add(source).add(destination);
  sum.add_word(static_cast<std::uint16_t>(upper_layer_length >> 16))
      .add_word(static_cast<std::uint16_t>(upper_layer_length))
      .add_word(0)
      .add_word(next_header);
  return sum;
}

// RFC 1071: the checksum of `data` (checksum field zeroed by the caller).
constexpr std::uint16_t internet_checksum(std::span<const std::uint8_t> data) {
  return ChecksumAccumulator{}.add(data).checksum();
}

// RFC 1071 1(2): "To check a checksum, the 1's complement sum is computed
// over the same set of octets, including the checksum field. If the result
// is all 1 bits (-0 in 1's complement arithmetic), the check succeeds."
constexpr bool checksum_is_valid(std::span<const std::uint8_t> data) {
  return ChecksumAccumulator{}.add(data).folded() == 0xFFFF;
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), where HC is the old checksum,
// m the old value of one 16-bit word and m' its new value.
// RFC 1624 3: "RFC 1141 yields an updated header checksum of -0 when it
// should be +0": its HC' = HC + m + ~m' can answer 0xFFFF where a full
// recomputation gives 0x0000 (the RFC's own example, section 4, is
// HC = 0xDD2F, m = 0x5555, m' = 0x3285). Eqn. 3 gets that right, on the
// RFC's premise that at least one covered word is non-zero; where all of
// them are zero the right checksum is 0xFFFF and eqn. 3 gives 0x0000 (see
// rewrite_echo_request_as_reply, where an all-zero Echo Reply meets it).
constexpr std::uint16_t checksum_update(std::uint16_t old_checksum, std::uint16_t old_word,
                                        std::uint16_t new_word) {
  return ChecksumAccumulator{}
      .add_word(static_cast<std::uint16_t>(~old_checksum))
      .add_word(static_cast<std::uint16_t>(~old_word))
      .add_word(new_word)
      .checksum();
}

// RFC 1141's older equation, HC' = HC + m + ~m' (RFC 1624 eqn. 2), summed
// with end-around carry. Kept only so that tests and icmp-lab can show
// where it goes wrong; never use it to rewrite a packet.
constexpr std::uint16_t checksum_update_rfc1141(std::uint16_t old_checksum, std::uint16_t old_word,
                                                std::uint16_t new_word) {
  return ChecksumAccumulator{}
      .add_word(old_checksum)
      .add_word(old_word)
      .add_word(static_cast<std::uint16_t>(~new_word))
      .folded();
}

}  // namespace pong::wire
