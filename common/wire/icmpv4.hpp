// ICMP for IPv4 (RFC 792): a checked view, the echo Repr, and the names
// of every type and code RFC 792 (and its successors) define.
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
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <type_traits>

#include "bytes.hpp"
#include "checksum.hpp"
#include "drop_reason.hpp"

namespace pong::wire {

namespace icmpv4_field {
inline constexpr std::size_t kType = 0;
inline constexpr std::size_t kCode = 1;
inline constexpr std::size_t kChecksum = 2;
inline constexpr std::size_t kIdentifier = 4;  // echo, timestamp, information
inline constexpr std::size_t kSequence = 6;
inline constexpr std::size_t kData = 8;
}  // namespace icmpv4_field

inline constexpr std::size_t kIcmpv4HeaderLength = 8;

enum class Icmpv4Type : std::uint8_t {
  kEchoReply = 0,
  kDestinationUnreachable = 3,
  kSourceQuench = 4,
  kRedirect = 5,
  kEchoRequest = 8,
  kRouterAdvertisement = 9,
  kRouterSolicitation = 10,
  kTimeExceeded = 11,
  kParameterProblem = 12,
  kTimestamp = 13,
  kTimestampReply = 14,
  kInformationRequest = 15,
  kInformationReply = 16,
  kAddressMaskRequest = 17,
  kAddressMaskReply = 18,
};

// A view of one ICMPv4 message: everything after the IP header.
// parse() checks for the 8-byte header once; afterwards every accessor is
// in bounds. The checksum is not checked by parse(): callers decide (and
// count) what a bad checksum means to them.
template <class Byte>
class BasicIcmpv4Packet {
 public:
  static constexpr std::expected<BasicIcmpv4Packet, DropReason> parse(std::span<Byte> buffer) {
    if (buffer.size() < kIcmpv4HeaderLength) return std::unexpected(DropReason::kIcmpTruncated);
    return BasicIcmpv4Packet(buffer);
  }

  constexpr std::uint8_t type() const { return bytes_[icmpv4_field::kType]; }
  constexpr std::uint8_t code() const { return bytes_[icmpv4_field::kCode]; }
  constexpr std::uint16_t checksum() const { return be16<icmpv4_field::kChecksum>(); }
  constexpr std::uint16_t identifier() const { return be16<icmpv4_field::kIdentifier>(); }
  constexpr std::uint16_t sequence() const { return be16<icmpv4_field::kSequence>(); }
  // Bytes 4..7, whatever the type makes of them (pointer, gateway, MTU...).
  constexpr std::uint32_t rest_of_header() const {
    return load_be32(std::span<const std::uint8_t, 4>(bytes_.template subspan<4, 4>()));
  }
  constexpr std::span<Byte> data() const { return bytes_.subspan(icmpv4_field::kData); }
  constexpr std::span<Byte> bytes() const { return bytes_; }

  // RFC 792: "The checksum is the 16-bit ones's complement of the one's
  // complement sum of the ICMP message starting with the ICMP Type."
  constexpr bool checksum_valid() const { return checksum_is_valid(bytes_); }

  // The 16-bit word holding type (high byte) and code (low byte), the word
  // an echo rewrite changes.
  constexpr std::uint16_t type_code_word() const { return be16<icmpv4_field::kType>(); }

  constexpr void set_type(std::uint8_t value) const requires(!std::is_const_v<Byte>) {
    bytes_[icmpv4_field::kType] = value;
  }
  constexpr void set_code(std::uint8_t value) const requires(!std::is_const_v<Byte>) {
    bytes_[icmpv4_field::kCode] = value;
  }
  constexpr void set_checksum(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<icmpv4_field::kChecksum, 2>(), value);
  }
  constexpr void set_identifier(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<icmpv4_field::kIdentifier, 2>(), value);
  }
  constexpr void set_sequence(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<icmpv4_field::kSequence, 2>(), value);
  }
  // Full RFC 1071 recomputation over the whole message.
  constexpr void fill_checksum() const requires(!std::is_const_v<Byte>) {
    set_checksum(0);
    set_checksum(internet_checksum(bytes_));
  }

 private:
  constexpr explicit BasicIcmpv4Packet(std::span<Byte> bytes) : bytes_(bytes) {}

  template <std::size_t Offset>
  constexpr std::uint16_t be16() const {
    return load_be16(std::span<const std::uint8_t, 2>(bytes_.template subspan<Offset, 2>()));
  }

  std::span<Byte> bytes_;
};

using Icmpv4Packet = BasicIcmpv4Packet<const std::uint8_t>;
using Icmpv4PacketMut = BasicIcmpv4Packet<std::uint8_t>;

// An Echo or Echo Reply message (RFC 792, type 8 / type 0) as a value.
// `data` borrows from the buffer it was parsed from.
struct Icmpv4EchoRepr {
  bool is_request = true;
  std::uint8_t code = 0;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::span<const std::uint8_t> data;

  // Fails with kNotEchoRequest for any type other than 0 or 8. Does not
  // check the checksum.
  static constexpr std::expected<Icmpv4EchoRepr, DropReason> parse(const Icmpv4Packet& packet) {
    const auto type = static_cast<Icmpv4Type>(packet.type());
    if (type != Icmpv4Type::kEchoRequest && type != Icmpv4Type::kEchoReply) {
      return std::unexpected(DropReason::kNotEchoRequest);
    }
    return Icmpv4EchoRepr{type == Icmpv4Type::kEchoRequest, packet.code(), packet.identifier(),
                          packet.sequence(), packet.data()};
  }

  constexpr std::size_t buffer_length() const { return kIcmpv4HeaderLength + data.size(); }

  // Precondition: buffer.size() == buffer_length(). Writes header, data and
  // a full RFC 1071 checksum. `data` may alias the buffer's data area.
  constexpr void emit(const Icmpv4PacketMut& packet) const {
    packet.set_type(
        static_cast<std::uint8_t>(is_request ? Icmpv4Type::kEchoRequest : Icmpv4Type::kEchoReply));
    packet.set_code(code);
    packet.set_identifier(identifier);
    packet.set_sequence(sequence);
    const auto out = packet.data();
    if (out.data() != data.data()) {
      for (std::size_t i = 0; i < data.size() && i < out.size(); ++i) out[i] = data[i];
    }
    packet.fill_checksum();
  }
};

// Names for logs and for teaching. Unknown values give "".
constexpr std::string_view icmpv4_type_name(std::uint8_t type) {
  switch (type) {
    case 0:
      return "echo reply";
    case 3:
      return "destination unreachable";
    case 4:
      return "source quench";
    case 5:
      return "redirect";
    case 8:
      return "echo";
    case 9:
      return "router advertisement";
    case 10:
      return "router solicitation";
    case 11:
      return "time exceeded";
    case 12:
      return "parameter problem";
    case 13:
      return "timestamp";
    case 14:
      return "timestamp reply";
    case 15:
      return "information request";
    case 16:
      return "information reply";
    case 17:
      return "address mask request";
    case 18:
      return "address mask reply";
    default:
      return "";
  }
}

// Code names: RFC 792 for types 3, 5, 11 and 12, with the Destination
// Unreachable codes 6-15 of RFC 1122 3.2.2.1 and RFC 1812 5.2.7.1, and
// Parameter Problem code 1 and 2 of RFC 1108 / RFC 1122.
constexpr std::string_view icmpv4_code_name(std::uint8_t type, std::uint8_t code) {
  switch (type) {
    case 3:
      switch (code) {
        case 0:
          return "net unreachable";
        case 1:
          return "host unreachable";
        case 2:
          return "protocol unreachable";
        case 3:
          return "port unreachable";
        case 4:
          return "fragmentation needed and DF set";
        case 5:
          return "source route failed";
        case 6:
          return "destination network unknown";
        case 7:
          return "destination host unknown";
        case 8:
          return "source host isolated";
        case 9:
          return "network administratively prohibited";
        case 10:
          return "host administratively prohibited";
        case 11:
          return "network unreachable for TOS";
        case 12:
          return "host unreachable for TOS";
        case 13:
          return "communication administratively prohibited";
        case 14:
          return "host precedence violation";
        case 15:
          return "precedence cutoff in effect";
        default:
          return "";
      }
    case 5:
      switch (code) {
        case 0:
          return "redirect datagrams for the network";
        case 1:
          return "redirect datagrams for the host";
        case 2:
          return "redirect datagrams for the type of service and network";
        case 3:
          return "redirect datagrams for the type of service and host";
        default:
          return "";
      }
    case 11:
      switch (code) {
        case 0:
          return "time to live exceeded in transit";
        case 1:
          return "fragment reassembly time exceeded";
        default:
          return "";
      }
    case 12:
      switch (code) {
        case 0:
          return "pointer indicates the error";
        case 1:
          return "missing a required option";
        case 2:
          return "bad length";
        default:
          return "";
      }
    default:
      return "";
  }
}

}  // namespace pong::wire
