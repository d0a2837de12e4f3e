// IPv6 header (RFC 8200 3): a checked view over bytes and a small Repr.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version| Traffic Class |           Flow Label                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Payload Length        |  Next Header  |   Hop Limit   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   +                         Source Address                        +
//   |                          (16 bytes)                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                                                               |
//   +                      Destination Address                      +
//   |                          (16 bytes)                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// A raw ICMPv6 socket never delivers this header (RFC 3542 3); pong's
// responder learns addresses from msg_name and IPV6_PKTINFO instead. The
// view serves icmp-lab, pinger's quoted-packet parsing and the tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <type_traits>

#include "address.hpp"
#include "bytes.hpp"
#include "checksum.hpp"
#include "drop_reason.hpp"

namespace pong::wire {

namespace ipv6_field {
inline constexpr std::size_t kVersionClassFlow = 0;  // 4 bits, 8 bits, 20 bits
inline constexpr std::size_t kPayloadLength = 4;
inline constexpr std::size_t kNextHeader = 6;
inline constexpr std::size_t kHopLimit = 7;
inline constexpr std::size_t kSource = 8;
inline constexpr std::size_t kDestination = 24;
inline constexpr std::size_t kPayload = 40;
}  // namespace ipv6_field

inline constexpr std::size_t kIpv6HeaderLength = 40;
// RFC 4443 1: "The ICMPv6 messages have ... a Next Header value of 58".
inline constexpr std::uint8_t kIpProtocolIcmpv6 = 58;

// A view of one IPv6 packet. parse() validates once: at least 40 bytes,
// version 6, and 40 + payload length <= buffer size. The view is then
// trimmed to 40 + payload length (link-layer padding is not payload).
// Jumbograms (payload length 0 with a Jumbo Payload option, RFC 2675) are
// out of scope: payload length 0 means an empty payload.
template <class Byte>
class BasicIpv6Packet {
 public:
  static constexpr std::expected<BasicIpv6Packet, DropReason> parse(std::span<Byte> buffer) {
    const auto whole = claimed_length(buffer);
    if (!whole) return std::unexpected(whole.error());
    if (*whole > buffer.size()) return std::unexpected(DropReason::kIpv6BadPayloadLength);
    return BasicIpv6Packet(buffer.first(*whole));
  }

  // For the packet an ICMPv6 error quotes (RFC 4443 3.1: "As much of
  // invoking packet as possible without the ICMPv6 packet exceeding the
  // minimum IPv6 MTU"): the payload length still describes the whole
  // original, so it may exceed what was quoted. The view then ends with
  // the buffer. Everything else is checked as in parse().
  static constexpr std::expected<BasicIpv6Packet, DropReason> parse_quoted(std::span<Byte> buffer) {
    const auto whole = claimed_length(buffer);
    if (!whole) return std::unexpected(whole.error());
    return BasicIpv6Packet(buffer.first(*whole < buffer.size() ? *whole : buffer.size()));
  }

  constexpr std::uint8_t version() const { return bytes_[ipv6_field::kVersionClassFlow] >> 4; }
  // RFC 8200 7: the 8-bit Traffic Class, today DSCP and ECN (RFC 2474,
  // RFC 3168), as IPv4's TOS octet.
  constexpr std::uint8_t traffic_class() const {
    return static_cast<std::uint8_t>((word0() >> 20) & 0xFF);
  }
  // RFC 8200 6: 20 bits.
  constexpr std::uint32_t flow_label() const { return word0() & 0xFFFFF; }
  constexpr std::uint16_t payload_length() const {
    return load_be16(
        std::span<const std::uint8_t, 2>(bytes_.template subspan<ipv6_field::kPayloadLength, 2>()));
  }
  constexpr std::uint8_t next_header() const { return bytes_[ipv6_field::kNextHeader]; }
  constexpr std::uint8_t hop_limit() const { return bytes_[ipv6_field::kHopLimit]; }
  constexpr Ipv6Address source() const { return address<ipv6_field::kSource>(); }
  constexpr Ipv6Address destination() const { return address<ipv6_field::kDestination>(); }

  constexpr std::span<Byte> header() const { return bytes_.first(kIpv6HeaderLength); }
  constexpr std::span<Byte> payload() const { return bytes_.subspan(kIpv6HeaderLength); }
  constexpr std::span<Byte> bytes() const { return bytes_; }

  // RFC 8200 8.1: the pseudo-header sum for the upper-layer message that
  // is this packet's payload (no extension headers between).
  constexpr ChecksumAccumulator pseudo_header_sum() const {
    return ipv6_pseudo_header_sum(bytes_.template subspan<ipv6_field::kSource, 16>(),
                                  bytes_.template subspan<ipv6_field::kDestination, 16>(),
                                  static_cast<std::uint32_t>(payload().size()), next_header());
  }

 private:
  constexpr explicit BasicIpv6Packet(std::span<Byte> bytes) : bytes_(bytes) {}

  // The checks both parsers share: the fixed header is there and says
  // version 6. Returns the packet's length as the header claims it.
  static constexpr std::expected<std::size_t, DropReason> claimed_length(std::span<Byte> buffer) {
    if (buffer.size() < kIpv6HeaderLength) return std::unexpected(DropReason::kIpv6Truncated);
    if ((buffer[ipv6_field::kVersionClassFlow] >> 4) != 6) {
      return std::unexpected(DropReason::kIpv6BadVersion);
    }
    return kIpv6HeaderLength + load_be16(buffer.template subspan<ipv6_field::kPayloadLength, 2>());
  }

  constexpr std::uint32_t word0() const {
    return load_be32(std::span<const std::uint8_t, 4>(bytes_.template subspan<0, 4>()));
  }
  template <std::size_t Offset>
  constexpr Ipv6Address address() const {
    Ipv6Address a;
    const auto b = bytes_.template subspan<Offset, 16>();
    for (std::size_t i = 0; i < 16; ++i) a.octets[i] = b[i];
    return a;
  }

  std::span<Byte> bytes_;
};

using Ipv6Packet = BasicIpv6Packet<const std::uint8_t>;
using Ipv6PacketMut = BasicIpv6Packet<std::uint8_t>;

// The fields of an IPv6 header without extension headers, as a value.
// Tests and tools use it to build packets; the responder never emits an
// IPv6 header (the kernel builds it).
struct Ipv6Repr {
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;
  std::uint8_t next_header = kIpProtocolIcmpv6;
  std::uint8_t hop_limit = 64;
  Ipv6Address source{};
  Ipv6Address destination{};
  std::size_t payload_length = 0;

  static constexpr Ipv6Repr parse(const Ipv6Packet& packet) {
    return {packet.traffic_class(), packet.flow_label(), packet.next_header(),
            packet.hop_limit(),     packet.source(),     packet.destination(),
            packet.payload().size()};
  }

  constexpr std::size_t buffer_length() const { return kIpv6HeaderLength + payload_length; }

  // The pseudo-header sum of the payload this header announces.
  constexpr ChecksumAccumulator pseudo_header_sum() const {
    return ipv6_pseudo_header_sum(source.octets, destination.octets,
                                  static_cast<std::uint32_t>(payload_length), next_header);
  }

  // Precondition: buffer.size() >= kIpv6HeaderLength, payload_length <=
  // 65535. Writes the 40-byte header; the payload bytes are the caller's.
  constexpr void emit(std::span<std::uint8_t> buffer) const {
    auto h = buffer.first<kIpv6HeaderLength>();
    store_be32(
        h.subspan<ipv6_field::kVersionClassFlow, 4>(),
        (std::uint32_t{6} << 28) | (std::uint32_t{traffic_class} << 20) | (flow_label & 0xFFFFF));
    store_be16(h.subspan<ipv6_field::kPayloadLength, 2>(),
               static_cast<std::uint16_t>(payload_length));
    h[ipv6_field::kNextHeader] = next_header;
    h[ipv6_field::kHopLimit] = hop_limit;
    for (std::size_t i = 0; i < 16; ++i) {
      h[ipv6_field::kSource + i] = source.octets[i];
      h[ipv6_field::kDestination + i] = destination.octets[i];
    }
  }

  friend constexpr bool operator==(const Ipv6Repr&, const Ipv6Repr&) = default;
};

}  // namespace pong::wire
