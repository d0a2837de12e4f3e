// The ICMP message layout both families share: RFC 792 for IPv4 and RFC
// 4443 2.1 for IPv6 give every message the same first four bytes, and
// their Echo messages (RFC 792 type 8/0, RFC 4443 4.1/4.2 type 128/129)
// the same identifier, sequence and data after them.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type      |     Code      |          Checksum             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Identifier          |        Sequence Number        |  (echo)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Data ...
//   +-+-+-+-+-
//
// The view and the echo Repr are templates over the family's type enum
// (Icmpv4Type, Icmpv6Type); icmpv4.hpp and icmpv6.hpp name them. What
// differs between the families is only what the checksum covers: ICMPv6
// adds the IPv6 pseudo-header (RFC 4443 2.3), which callers pass in as a
// ChecksumAccumulator seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <type_traits>

#include "bytes.hpp"
#include "checksum.hpp"
#include "drop_reason.hpp"

namespace pong::wire {

namespace icmp_field {
inline constexpr std::size_t kType = 0;
inline constexpr std::size_t kCode = 1;
inline constexpr std::size_t kChecksum = 2;
inline constexpr std::size_t kIdentifier = 4;  // echo (and ICMPv4 timestamp, information)
inline constexpr std::size_t kSequence = 6;
inline constexpr std::size_t kData = 8;
}  // namespace icmp_field

// Type, code, checksum and the four bytes every message has after them.
inline constexpr std::size_t kIcmpHeaderLength = 8;

// Which type values are the echo pair; specialised by each family.
template <class Type>
struct IcmpEchoTypes;

// A view of one ICMP message. parse() checks for the 8-byte header once;
// afterwards every accessor is in bounds. The checksum is not checked by
// parse(): callers decide (and count) what a bad checksum means to them.
template <class Type, class Byte>
class BasicIcmpPacket {
 public:
  static constexpr std::expected<BasicIcmpPacket, DropReason> parse(std::span<Byte> buffer) {
    if (buffer.size() < kIcmpHeaderLength) return std::unexpected(DropReason::kIcmpTruncated);
    return BasicIcmpPacket(buffer);
  }

  constexpr Type type() const { return static_cast<Type>(bytes_[icmp_field::kType]); }
  constexpr std::uint8_t code() const { return bytes_[icmp_field::kCode]; }
  constexpr std::uint16_t checksum() const { return be16<icmp_field::kChecksum>(); }
  constexpr std::uint16_t identifier() const { return be16<icmp_field::kIdentifier>(); }
  constexpr std::uint16_t sequence() const { return be16<icmp_field::kSequence>(); }
  // Bytes 4..7, whatever the type makes of them (pointer, gateway, MTU...).
  constexpr std::uint32_t rest_of_header() const {
    return load_be32(std::span<const std::uint8_t, 4>(bytes_.template subspan<4, 4>()));
  }
  constexpr std::span<Byte> data() const { return bytes_.subspan(icmp_field::kData); }
  constexpr std::span<Byte> bytes() const { return bytes_; }

  constexpr bool is_echo_request() const { return type() == IcmpEchoTypes<Type>::kRequest; }
  constexpr bool is_echo_reply() const { return type() == IcmpEchoTypes<Type>::kReply; }

  // RFC 792: "The checksum is the 16-bit ones's complement of the one's
  // complement sum of the ICMP message starting with the ICMP Type."
  // RFC 4443 2.3: for ICMPv6 the sum starts with the pseudo-header, which
  // the caller passes as `pseudo_header` (see ipv6_pseudo_header_sum).
  constexpr bool checksum_valid(ChecksumAccumulator pseudo_header = {}) const {
    return pseudo_header.add(bytes_).folded() == 0xFFFF;
  }

  // The 16-bit word holding type (high byte) and code (low byte), the word
  // an echo rewrite changes.
  constexpr std::uint16_t type_code_word() const { return be16<icmp_field::kType>(); }

  constexpr void set_type(Type value) const requires(!std::is_const_v<Byte>) {
    bytes_[icmp_field::kType] = static_cast<std::uint8_t>(value);
  }
  constexpr void set_code(std::uint8_t value) const requires(!std::is_const_v<Byte>) {
    bytes_[icmp_field::kCode] = value;
  }
  constexpr void set_checksum(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<icmp_field::kChecksum, 2>(), value);
  }
  constexpr void set_identifier(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<icmp_field::kIdentifier, 2>(), value);
  }
  constexpr void set_sequence(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<icmp_field::kSequence, 2>(), value);
  }
  // Full RFC 1071 recomputation over the whole message (and, for ICMPv6,
  // the pseudo-header).
  constexpr void fill_checksum(ChecksumAccumulator pseudo_header = {}) const
      requires(!std::is_const_v<Byte>) {
    set_checksum(0);
    set_checksum(pseudo_header.add(bytes_).checksum());
  }

 private:
  constexpr explicit BasicIcmpPacket(std::span<Byte> bytes) : bytes_(bytes) {}

  template <std::size_t Offset>
  constexpr std::uint16_t be16() const {
    return load_be16(std::span<const std::uint8_t, 2>(bytes_.template subspan<Offset, 2>()));
  }

  std::span<Byte> bytes_;
};

// An Echo Request or Echo Reply as a value. `data` borrows from the buffer
// it was parsed from.
template <class Type>
struct IcmpEchoRepr {
  bool is_request = true;
  std::uint8_t code = 0;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::span<const std::uint8_t> data;

  // Fails with kNotEchoRequest for any type but the family's echo pair.
  // Does not check the checksum.
  static constexpr std::expected<IcmpEchoRepr, DropReason> parse(
      const BasicIcmpPacket<Type, const std::uint8_t>& packet) {
    if (!packet.is_echo_request() && !packet.is_echo_reply()) {
      return std::unexpected(DropReason::kNotEchoRequest);
    }
    return IcmpEchoRepr{packet.is_echo_request(), packet.code(), packet.identifier(),
                        packet.sequence(), packet.data()};
  }

  constexpr Type type() const {
    return is_request ? IcmpEchoTypes<Type>::kRequest : IcmpEchoTypes<Type>::kReply;
  }
  constexpr std::size_t buffer_length() const { return kIcmpHeaderLength + data.size(); }

  // Precondition: packet.bytes().size() == buffer_length(). Writes header,
  // data and a full RFC 1071 checksum (over `pseudo_header` too, for
  // ICMPv6). `data` may alias the packet's data area.
  constexpr void emit(const BasicIcmpPacket<Type, std::uint8_t>& packet,
                      ChecksumAccumulator pseudo_header = {}) const {
    packet.set_type(type());
    packet.set_code(code);
    packet.set_identifier(identifier);
    packet.set_sequence(sequence);
    const auto out = packet.data();
    if (out.data() != data.data()) {
      for (std::size_t i = 0; i < data.size() && i < out.size(); ++i) out[i] = data[i];
    }
    packet.fill_checksum(pseudo_header);
  }
};

}  // namespace pong::wire
