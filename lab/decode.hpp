// A captured IPv4 datagram, decoded field by field for a student: every
// IPv4 header field, the ICMP header with the RFC 792 names, whether each
// checksum is right (and what it should be), the payload, and for ICMP
// error messages the quoted original header.
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
#include <vector>

#include "lab_error.hpp"
#include "link_layer.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::lab {

struct ChecksumCheck {
  std::uint16_t value = 0;     // as found in the packet
  std::uint16_t sum = 0;       // one's complement sum of the bytes, field included
  std::uint16_t expected = 0;  // what the field should hold
  bool valid = false;          // RFC 1071: sum == 0xffff
};

// Precondition: field_offset + 2 <= bytes.size().
ChecksumCheck check_checksum(std::span<const std::uint8_t> bytes, std::size_t field_offset);

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

// The 8 bytes after the quoted header (RFC 792: "the first 64 bits of the
// original datagram's data"), read as the protocol they belong to.
struct QuotedTransport {
  std::optional<std::uint8_t> icmp_type;
  std::optional<std::uint8_t> icmp_code;
  std::optional<std::uint16_t> icmp_identifier;
  std::optional<std::uint16_t> icmp_sequence;
  std::optional<std::uint16_t> source_port;       // UDP, TCP
  std::optional<std::uint16_t> destination_port;  // UDP, TCP
  std::optional<std::uint16_t> udp_length;
  std::optional<std::uint32_t> tcp_sequence;
};

struct QuotedDatagram {
  std::optional<Ipv4Header> header;   // its total length is the original's, not what is here
  std::string problem;                // why the header could not be read
  std::vector<std::uint8_t> leading;  // the bytes after the quoted header
  QuotedTransport transport;
};

struct IcmpMessage {
  std::size_t length = 0;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t checksum_field = 0;
  // Absent for the first fragment of a fragmented message: the checksum
  // covers bytes this datagram does not hold.
  std::optional<ChecksumCheck> checksum;
  std::uint32_t rest_of_header = 0;  // bytes 4-7
  // Types 0, 8, 13-18: identifier and sequence number.
  std::optional<std::uint16_t> identifier;
  std::optional<std::uint16_t> sequence;
  std::optional<std::uint16_t> next_hop_mtu;               // 3/4, RFC 1191
  std::optional<wire::Ipv4Address> gateway;                // 5
  std::optional<std::uint8_t> pointer;                     // 12
  std::optional<std::array<std::uint32_t, 3>> timestamps;  // 13/14: originate, receive, transmit
  std::optional<wire::Ipv4Address> address_mask;           // 17/18
  std::vector<std::uint8_t> data;                          // everything after byte 7
  std::optional<QuotedDatagram> quoted;                    // error messages: 3, 4, 5, 11, 12
  std::vector<std::string> notes;
};

struct DecodedPacket {
  LinkLayer link;
  Ipv4Header ip;
  std::optional<IcmpMessage> icmp;
  std::vector<std::uint8_t> datagram;  // the IPv4 datagram, total length bytes
  std::size_t trailing_bytes = 0;      // after the datagram: link-layer padding
  std::vector<std::string> notes;
};

std::expected<DecodedPacket, LabError> decode_packet(std::span<const std::uint8_t> captured);

// "echo request" for 8 (RFC 792 says "Echo"), wire::icmpv4_type_name
// otherwise, "unassigned" for a type it does not know.
std::string icmp_type_label(std::uint8_t type);
// RFC 792 and successors' code name; "" where the type has no named codes
// and the code is 0.
std::string icmp_code_label(std::uint8_t type, std::uint8_t code);
std::string_view ip_protocol_name(std::uint8_t protocol);
std::string_view ip_option_name(std::uint8_t type);

}  // namespace pong::lab
