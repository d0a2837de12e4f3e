// The fields of a decoded packet as the RFCs draw them: each with its
// name, where it sits (bit offset and width from the first bit of the IP
// datagram), its value in hex and decimal, and the short meaning the text
// output gives it. The HTML page draws its header diagrams and colours its
// byte grid from this list.
//
// The layouts are RFC 791 3.1 (IPv4), RFC 8200 3 (IPv6), RFC 792 and
// RFC 4443 (ICMP, ICMPv6). Bits are numbered as the RFCs number them: bit
// 0 is the most significant bit of the first octet.
//
// The fields never overlap and leave no gap: together they cover every bit
// of `DecodedPacket::datagram`, the part of the datagram that was captured.
// A field the capture cut through is shortened to the bits that are there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decode.hpp"

namespace pong::lab {

enum class FieldPart : std::uint8_t {
  kIpv4Header,    // RFC 791 3.1, up to the options
  kIpv4Options,   // RFC 791 3.1's options and padding, when IHL > 5
  kIpv6Header,    // RFC 8200 3
  kIcmpHeader,    // RFC 792: type, code, checksum and the type's own fields
  kIcmpv6Header,  // RFC 4443 2.1 and the type's own fields
  // An error message's quote of the packet that caused it (RFC 792, RFC
  // 4443 3.1): its IP header, drawn as the packet's own.
  kQuotedIpv4Header,
  kQuotedIpv4Options,
  kQuotedIpv6Header,
  // The first 8 bytes of the quoted packet's data, which RFC 792 quotes
  // "to match the message to the appropriate process": its ICMP, ICMPv6,
  // UDP or TCP header (TCP's first 8 bytes only).
  kQuotedIcmpHeader,
  kQuotedIcmpv6Header,
  kQuotedUdpHeader,
  kQuotedTcpHeader,
  kData,  // everything after: the echo data, the quoted packet's data, another protocol
};

// "IPv4 header", "IPv4 options", "IPv6 header", "ICMP header",
// "ICMPv6 header", "quoted IPv4 header", "quoted IPv4 options", "quoted
// IPv6 header", "quoted ICMP header", "quoted ICMPv6 header", "quoted UDP
// header", "quoted TCP header", "data".
std::string_view field_part_name(FieldPart part);

struct LayoutField {
  std::string name;  // as the text output names it: "version", "IHL", "flow label", "type"...
  FieldPart part = FieldPart::kData;
  std::size_t bit_offset = 0;  // from the first bit of the IP datagram
  std::size_t bit_width = 0;
  // A header field: its bits as a number, e.g. "0x5" and "5", "0x0054"
  // and "84"; an IPv4 address with "127.0.0.1" as its decimal; an IPv6
  // address in full ("fd00:0172:...") and no decimal. IPv4 options and the
  // data: their first bytes ("68 65 6c ...") and no decimal.
  std::string hex;
  std::string decimal;
  // What the text output says beside the value: "ICMP", "echo request",
  // "x 4 = 20 bytes of header", a checksum's verdict... May be empty.
  std::string meaning;
  // The value is wrong (an invalid checksum, a reserved bit set, malformed
  // options), or the capture cut the field short or left its checksum
  // uncheckable: shown in red.
  bool problem = false;

  std::size_t bit_end() const { return bit_offset + bit_width; }
  std::size_t first_byte() const { return bit_offset / 8; }
  // One past the last byte that holds any of its bits.
  std::size_t end_byte() const { return (bit_end() + 7) / 8; }
};

// In order of their offsets. Pure: it reads `packet` only.
std::vector<LayoutField> field_layout(const DecodedPacket& packet);

}  // namespace pong::lab
