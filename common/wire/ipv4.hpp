// IPv4 header (RFC 791 3.1): a checked view over bytes and a small Repr.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |Type of Service|          Total Length         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Identification        |Flags|      Fragment Offset    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Time to Live |    Protocol   |         Header Checksum       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       Source Address                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Destination Address                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Options                    |    Padding    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
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

namespace ipv4_field {
inline constexpr std::size_t kVersionIhl = 0;
inline constexpr std::size_t kTos = 1;
inline constexpr std::size_t kTotalLength = 2;
inline constexpr std::size_t kIdentification = 4;
inline constexpr std::size_t kFlagsFragment = 6;
inline constexpr std::size_t kTtl = 8;
inline constexpr std::size_t kProtocol = 9;
inline constexpr std::size_t kChecksum = 10;
inline constexpr std::size_t kSource = 12;
inline constexpr std::size_t kDestination = 16;
inline constexpr std::size_t kOptions = 20;
}  // namespace ipv4_field

inline constexpr std::size_t kIpv4MinHeaderLength = 20;
inline constexpr std::size_t kIpv4MaxHeaderLength = 60;
inline constexpr std::uint8_t kIpProtocolIcmp = 1;

// A view of one IPv4 datagram. `Byte` is `const std::uint8_t` for reading
// and `std::uint8_t` when the caller may rewrite the header.
//
// parse() validates once: the buffer holds at least 20 bytes, the version
// is 4, 5 <= IHL and IHL*4 <= total length <= buffer size. The view is then
// trimmed to the total length (link-layer padding is not payload), and no
// accessor can read outside it.
template <class Byte>
class BasicIpv4Packet {
 public:
  static constexpr std::expected<BasicIpv4Packet, DropReason> parse(std::span<Byte> buffer) {
    const auto lengths = claimed_lengths(buffer);
    if (!lengths) return std::unexpected(lengths.error());
    if (lengths->total > buffer.size()) return std::unexpected(DropReason::kIpBadTotalLength);
    return BasicIpv4Packet(buffer.first(lengths->total), lengths->header);
  }

  // For the datagram an ICMP error quotes: RFC 792 Destination
  // Unreachable, Time Exceeded and Parameter Problem carry "Internet Header
  // + 64 bits of Original Data Datagram" (RFC 1812 4.3.2.3 allows more).
  // The quoted total length still describes the whole original, of which
  // only a prefix is here, so it may exceed the buffer: the view then ends
  // with the buffer, and payload() is the part that was quoted. Everything
  // else is checked as in parse().
  static constexpr std::expected<BasicIpv4Packet, DropReason> parse_quoted(std::span<Byte> buffer) {
    const auto lengths = claimed_lengths(buffer);
    if (!lengths) return std::unexpected(lengths.error());
    return BasicIpv4Packet(
        buffer.first(lengths->total < buffer.size() ? lengths->total : buffer.size()),
        lengths->header);
  }

  constexpr std::uint8_t version() const { return bytes_[ipv4_field::kVersionIhl] >> 4; }
  constexpr std::size_t header_length() const { return header_length_; }
  // The whole TOS octet (RFC 791), today DSCP and ECN (RFC 2474, RFC 3168).
  constexpr std::uint8_t tos() const { return bytes_[ipv4_field::kTos]; }
  constexpr std::uint16_t total_length() const { return be16<ipv4_field::kTotalLength>(); }
  constexpr std::uint16_t identification() const { return be16<ipv4_field::kIdentification>(); }
  constexpr bool dont_fragment() const {
    return (be16<ipv4_field::kFlagsFragment>() & 0x4000) != 0;
  }
  constexpr bool more_fragments() const {
    return (be16<ipv4_field::kFlagsFragment>() & 0x2000) != 0;
  }
  // In units of 8 bytes, as on the wire.
  constexpr std::uint16_t fragment_offset() const {
    return be16<ipv4_field::kFlagsFragment>() & 0x1FFF;
  }
  constexpr bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
  constexpr std::uint8_t ttl() const { return bytes_[ipv4_field::kTtl]; }
  constexpr std::uint8_t protocol() const { return bytes_[ipv4_field::kProtocol]; }
  constexpr std::uint16_t header_checksum() const { return be16<ipv4_field::kChecksum>(); }
  constexpr Ipv4Address source() const { return address<ipv4_field::kSource>(); }
  constexpr Ipv4Address destination() const { return address<ipv4_field::kDestination>(); }

  constexpr bool header_checksum_valid() const { return checksum_is_valid(header()); }

  constexpr std::span<Byte> header() const { return bytes_.first(header_length_); }
  constexpr std::span<Byte> options() const {
    return bytes_.subspan(kIpv4MinHeaderLength, header_length_ - kIpv4MinHeaderLength);
  }
  constexpr std::span<Byte> payload() const { return bytes_.subspan(header_length_); }
  constexpr std::span<Byte> bytes() const { return bytes_; }

  // Rewriting, for mutable views only.
  constexpr void set_header_checksum(std::uint16_t value) const requires(!std::is_const_v<Byte>) {
    store_be16(bytes_.template subspan<ipv4_field::kChecksum, 2>(), value);
  }
  // RFC 791: "the checksum field is the 16 bit one's complement of the one's
  // complement sum of all 16 bit words in the header", computed with the
  // field itself taken as zero.
  constexpr void fill_header_checksum() const requires(!std::is_const_v<Byte>) {
    set_header_checksum(0);
    set_header_checksum(internet_checksum(header()));
  }

 private:
  constexpr BasicIpv4Packet(std::span<Byte> bytes, std::size_t header_length)
      : bytes_(bytes), header_length_(header_length) {}

  struct Lengths {
    std::size_t header;
    std::size_t total;
  };
  // The checks both parsers share: 20 bytes at least, version 4, an IHL of
  // 5 or more that fits the buffer, and a total length that covers the
  // header. Returns the lengths as the header claims them.
  static constexpr std::expected<Lengths, DropReason> claimed_lengths(std::span<Byte> buffer) {
    if (buffer.size() < kIpv4MinHeaderLength) return std::unexpected(DropReason::kIpTruncated);
    if ((buffer[ipv4_field::kVersionIhl] >> 4) != 4) {
      return std::unexpected(DropReason::kIpBadVersion);
    }
    const std::size_t header_len = std::size_t{buffer[ipv4_field::kVersionIhl] & 0x0Fu} * 4;
    if (header_len < kIpv4MinHeaderLength || header_len > buffer.size()) {
      return std::unexpected(DropReason::kIpBadHeaderLength);
    }
    const std::size_t total_len = load_be16(buffer.template subspan<ipv4_field::kTotalLength, 2>());
    if (total_len < header_len) return std::unexpected(DropReason::kIpBadTotalLength);
    return Lengths{header_len, total_len};
  }

  template <std::size_t Offset>
  constexpr std::uint16_t be16() const {
    return load_be16(std::span<const std::uint8_t, 2>(bytes_.template subspan<Offset, 2>()));
  }
  template <std::size_t Offset>
  constexpr Ipv4Address address() const {
    const auto b = bytes_.template subspan<Offset, 4>();
    return {{b[0], b[1], b[2], b[3]}};
  }

  std::span<Byte> bytes_;
  std::size_t header_length_;
};

using Ipv4Packet = BasicIpv4Packet<const std::uint8_t>;
using Ipv4PacketMut = BasicIpv4Packet<std::uint8_t>;

// The fields of an option-less IPv4 header, as a value. Tests and tools use
// it to build datagrams; the responder never emits an IP header itself (the
// kernel builds it from the socket and control messages).
struct Ipv4Repr {
  std::uint8_t tos = 0;
  std::uint16_t identification = 0;
  bool dont_fragment = false;
  std::uint8_t ttl = 64;
  std::uint8_t protocol = kIpProtocolIcmp;
  Ipv4Address source{};
  Ipv4Address destination{};
  std::size_t payload_length = 0;

  static constexpr Ipv4Repr parse(const Ipv4Packet& packet) {
    return {packet.tos(),         packet.identification(), packet.dont_fragment(),
            packet.ttl(),         packet.protocol(),       packet.source(),
            packet.destination(), packet.payload().size()};
  }

  constexpr std::size_t buffer_length() const { return kIpv4MinHeaderLength + payload_length; }

  // Precondition: buffer.size() >= kIpv4MinHeaderLength and
  // buffer_length() <= 65535. Writes the 20-byte header with its checksum;
  // the payload bytes are the caller's.
  constexpr void emit(std::span<std::uint8_t> buffer) const {
    auto h = buffer.first<kIpv4MinHeaderLength>();
    h[ipv4_field::kVersionIhl] = 0x45;
    h[ipv4_field::kTos] = tos;
    store_be16(h.subspan<ipv4_field::kTotalLength, 2>(),
               static_cast<std::uint16_t>(buffer_length()));
    store_be16(h.subspan<ipv4_field::kIdentification, 2>(), identification);
    store_be16(h.subspan<ipv4_field::kFlagsFragment, 2>(), dont_fragment ? 0x4000 : 0);
    h[ipv4_field::kTtl] = ttl;
    h[ipv4_field::kProtocol] = protocol;
    store_be16(h.subspan<ipv4_field::kChecksum, 2>(), 0);
    for (std::size_t i = 0; i < 4; ++i) {
      h[ipv4_field::kSource + i] = source.octets[i];
      h[ipv4_field::kDestination + i] = destination.octets[i];
    }
    store_be16(h.subspan<ipv4_field::kChecksum, 2>(), internet_checksum(h));
  }

  friend constexpr bool operator==(const Ipv4Repr&, const Ipv4Repr&) = default;
};

}  // namespace pong::wire
