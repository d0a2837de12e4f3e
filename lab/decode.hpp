// A captured IPv4 datagram or IPv6 packet, decoded field by field for a
// student: every IP header field, the ICMP or ICMPv6 header with the names
// of RFC 792 and RFC 4443, whether each checksum is right (and what it
// should be), for ICMPv6 the pseudo-header sum step by step, the payload,
// and for error messages the quoted original header.
//
// Unlike the responder's views, decoding tolerates what a class meets:
// a bad checksum is shown, not refused. What cannot be decoded (too few
// bytes, a header length that makes no sense) is a LabError with one
// sentence that says what is wrong.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checksum_steps.hpp"
#include "lab_error.hpp"
#include "link_layer.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"
#include "wire/checksum.hpp"
#include "wire/icmp_type.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"

namespace pong::lab {

// An ICMP type of either family (the wire core's one value for both).
using wire::IcmpType;

struct ChecksumCheck {
  std::uint16_t value = 0;     // as found in the packet
  std::uint16_t sum = 0;       // one's complement sum of the bytes, field included
  std::uint16_t expected = 0;  // what the field should hold
  bool valid = false;          // RFC 1071: sum == 0xffff
};

// `pseudo_header` is what the sum starts from: nothing for an IPv4 header
// or ICMPv4, RFC 8200 8.1's pseudo-header for ICMPv6.
// Precondition: field_offset + 2 <= bytes.size().
ChecksumCheck check_checksum(std::span<const std::uint8_t> bytes, std::size_t field_offset,
                             wire::ChecksumAccumulator pseudo_header = {});

struct Ipv4Option {
  std::uint8_t type = 0;
  std::size_t length = 0;  // bytes, type and length octets included
};

struct Ipv4Header {
  std::uint8_t version = 0;
  std::uint8_t ihl = 0;  // in 32-bit words
  std::size_t header_length = 0;
  std::uint8_t tos = 0;
  std::uint16_t total_length = 0;
  std::uint16_t identification = 0;
  bool reserved_flag = false;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t fragment_offset = 0;  // in 8-byte units, as on the wire
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  ChecksumCheck checksum;
  wire::Ipv4Address source;
  wire::Ipv4Address destination;
  std::vector<std::uint8_t> options;
  std::vector<Ipv4Option> option_list;
  bool options_malformed = false;
};

// RFC 8200 3. There is no header checksum.
struct Ipv6Header {
  std::uint8_t version = 0;
  std::uint8_t traffic_class = 0;  // DSCP (high 6 bits) and ECN (low 2), RFC 2474, RFC 3168
  std::uint32_t flow_label = 0;    // 20 bits, RFC 6437
  std::uint16_t payload_length = 0;
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 0;
  wire::Ipv6Address source;
  wire::Ipv6Address destination;
};

using IpHeader = std::variant<Ipv4Header, Ipv6Header>;

// The first bytes after a quoted header, read as the protocol they
// belong to.
struct QuotedTransport {
  std::optional<IcmpType> icmp_type;
  std::optional<std::uint8_t> icmp_code;
  std::optional<std::uint16_t> icmp_identifier;
  std::optional<std::uint16_t> icmp_sequence;
  std::optional<std::uint16_t> source_port;       // UDP, TCP
  std::optional<std::uint16_t> destination_port;  // UDP, TCP
  std::optional<std::uint16_t> udp_length;
  std::optional<std::uint32_t> tcp_sequence;
};

// RFC 792: "Internet Header + 64 bits of Original Data Datagram"; RFC 4443
// 3.1: "As much of invoking packet as possible without the ICMPv6 packet
// exceeding the minimum IPv6 MTU".
struct QuotedDatagram {
  std::optional<IpHeader> header;     // its length field is the original's, not what is here
  std::string problem;                // why the header could not be read
  std::size_t payload_bytes = 0;      // how much of its payload is quoted
  std::vector<std::uint8_t> leading;  // the first 8 of them at most
  QuotedTransport transport;
};

struct IcmpMessage {
  std::size_t length = 0;
  IcmpType type = wire::Icmpv4Type::kEchoReply;
  std::uint8_t code = 0;
  std::uint16_t checksum_field = 0;
  // Absent for the first fragment of a fragmented IPv4 message: the
  // checksum covers bytes this datagram does not hold.
  std::optional<ChecksumCheck> checksum;
  // ICMPv6: the pseudo-header the checksum starts from (RFC 4443 2.3) and
  // the whole sum, step by step.
  std::optional<Ipv6PseudoHeader> pseudo_header;
  std::optional<ChecksumSteps> checksum_steps;
  std::uint32_t rest_of_header = 0;  // bytes 4-7
  // Echo (and ICMPv4 13-18): identifier and sequence number.
  std::optional<std::uint16_t> identifier;
  std::optional<std::uint16_t> sequence;
  // ICMPv4 3 code 4: the next-hop MTU (RFC 1191); ICMPv6 2: the MTU
  // (RFC 4443 3.2).
  std::optional<std::uint32_t> mtu;
  std::optional<wire::Ipv4Address> gateway;  // ICMPv4 5
  // ICMPv4 12: an octet of the quoted header (RFC 792); ICMPv6 4: an
  // offset into the invoking packet (RFC 4443 3.4).
  std::optional<std::uint32_t> pointer;
  std::optional<std::array<std::uint32_t, 3>> timestamps;  // ICMPv4 13/14
  std::optional<wire::Ipv4Address> address_mask;           // ICMPv4 17/18
  std::vector<std::uint8_t> data;                          // everything after byte 7
  std::optional<QuotedDatagram> quoted;                    // error messages
  std::vector<std::string> notes;
};

struct DecodedPacket {
  LinkLayer link;
  IpHeader ip;
  std::optional<IcmpMessage> icmp;
  // The IP packet: IPv4 total length bytes, or IPv6 40 + payload length.
  std::vector<std::uint8_t> datagram;
  std::size_t trailing_bytes = 0;  // after it: link-layer padding
  // Bytes at the end of the datagram that the capture did not keep (its
  // snap length): `datagram` holds the rest. When non-zero, the ICMP
  // checksum cannot be checked and `icmp->checksum` is absent.
  std::size_t cut_bytes = 0;
  std::vector<std::string> notes;

  wire::IpFamily family() const { return link.family; }
  const Ipv4Header* ipv4() const { return std::get_if<Ipv4Header>(&ip); }
  const Ipv6Header* ipv6() const { return std::get_if<Ipv6Header>(&ip); }
  // Where the ICMP message starts in `datagram`.
  std::size_t header_length() const;
  wire::IpAddress source() const;
  wire::IpAddress destination() const;
  std::span<const std::uint8_t> payload() const {
    return std::span(datagram).subspan(header_length());
  }
};

// A paste: the link layer is guessed (find_ip_header).
std::expected<DecodedPacket, LabError> decode_packet(std::span<const std::uint8_t> captured);

// A frame of a capture file, whose link layer its link type gave
// (ip_header_in). `cut_bytes`: how many bytes on the wire the capture's
// snap length left out at the end (pcap's len - caplen). What those bytes
// would have allowed is not done: a cut ICMP message has no checksum
// check, and a note says what could still be checked. A cut inside the
// IP header is a LabError.
std::expected<DecodedPacket, LabError> decode_frame(LinkLayer link,
                                                    std::span<const std::uint8_t> frame,
                                                    std::size_t cut_bytes);

// "DF (don't fragment)", "none set", ...: the IPv4 flags that are set, for
// every output that shows them.
std::string ipv4_flags_text(const Ipv4Header& header);
// "its checksum covers the 178 bytes that are missing and cannot be
// checked": why the ICMP checksum of a packet the snap length cut has no
// verdict (RFC 1071: it covers the whole message), for every output.
std::string cut_checksum_text(std::size_t cut_bytes);
// What every output says in place of an ICMP checksum verdict: the cut
// above, or (no bytes cut) the first fragment of a larger message.
std::string unchecked_checksum_text(std::size_t cut_bytes);

// RFC 4291 2.2's preferred form, for beside the compressed one: all eight
// groups, each four hex digits.
std::string ipv6_full_form(const wire::Ipv6Address& address);

// "DSCP 46, ECN 0": IPv4's TOS octet or IPv6's traffic class read as RFC
// 2474's DSCP (high 6 bits) and RFC 3168's ECN (low 2).
std::string dscp_ecn_text(std::uint8_t octet);

// Whether `candidate` is an echo reply to the echo request `request`: the
// same family, identifier and sequence number, sent to the request's
// source from its destination. A request to a multicast or broadcast
// address is answered from a unicast one (RFC 1122 3.2.2.6, RFC 4443
// 4.2), so then only the reply's destination is compared.
bool is_echo_reply_to(const DecodedPacket& candidate, const DecodedPacket& request);

// "echo request" for 8 and 128 (the RFCs say "Echo" and "Echo Request"),
// the family's name otherwise, "unassigned" for a type it does not know.
std::string icmp_type_label(IcmpType type);
// The RFCs' code name; "" where the type has no named codes and the code
// is 0.
std::string icmp_code_label(IcmpType type, std::uint8_t code);
// "ICMP" or "ICMPv6": the family's ICMP, as output names it.
std::string_view icmp_name(wire::IpFamily family);
// IANA's Assigned Internet Protocol Numbers: IPv4's protocol field and
// IPv6's next header share them.
std::string_view ip_protocol_name(std::uint8_t protocol);
// RFC 8200 4: the values that name an extension header, not an
// upper-layer protocol.
bool is_ipv6_extension_header(std::uint8_t next_header);
std::string_view ip_option_name(std::uint8_t type);

}  // namespace pong::lab
