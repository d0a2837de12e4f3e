#include "decode.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ctime>
#include <type_traits>
#include <utility>

#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

namespace ip_field = wire::ipv4_field;

constexpr std::uint8_t kIpProtocolTcp = 6;
constexpr std::uint8_t kIpProtocolUdp = 17;
constexpr std::uint8_t kIpv6NoNextHeader = 59;  // RFC 8200 4.7
// RFC 791 3.1: the two single-octet options.
constexpr std::uint8_t kOptionEndOfList = 0;
constexpr std::uint8_t kOptionNoOperation = 1;

// Precondition: offset + 2 <= bytes.size().
std::uint16_t be16_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return wire::load_be16(bytes.subspan(offset).first<2>());
}
// Precondition: offset + 4 <= bytes.size().
std::uint32_t be32_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return wire::load_be32(bytes.subspan(offset).first<4>());
}
wire::Ipv4Address address_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return wire::Ipv4Address::from_u32(be32_at(bytes, offset));
}

// ---- ICMP types of either family ------------------------------------------

// Error messages whose body is the invoking datagram: RFC 792's Destination
// Unreachable, Source Quench, Redirect, Time Exceeded and Parameter
// Problem; RFC 4443 3's four error messages.
bool quotes_invoking_packet(wire::Icmpv4Type type) {
  using enum wire::Icmpv4Type;
  return type == kDestinationUnreachable || type == kSourceQuench || type == kRedirect ||
         type == kTimeExceeded || type == kParameterProblem;
}
bool quotes_invoking_packet(wire::Icmpv6Type type) {
  using enum wire::Icmpv6Type;
  return type == kDestinationUnreachable || type == kPacketTooBig || type == kTimeExceeded ||
         type == kParameterProblem;
}
bool quotes_invoking_packet(IcmpType type) {
  return type.visit([](auto t) { return quotes_invoking_packet(t); });
}

// Messages with an identifier and sequence number in bytes 4-7: echo in
// both families (RFC 792, RFC 4443 4), and ICMPv4's timestamp, information
// and address mask messages (RFC 792, RFC 950).
bool has_identifier(IcmpType type) {
  if (type.is_echo_request() || type.is_echo_reply()) return true;
  if (type.family() != wire::IpFamily::kIpv4) return false;
  using enum wire::Icmpv4Type;
  const auto v4 = static_cast<wire::Icmpv4Type>(type.value());
  return v4 == kTimestamp || v4 == kTimestampReply || v4 == kInformationRequest ||
         v4 == kInformationReply || v4 == kAddressMaskRequest || v4 == kAddressMaskReply;
}

// ---- IPv4 ------------------------------------------------------------------

// RFC 791 3.1: options are a single octet (End of Option List 0, No
// Operation 1) or type, length and data.
void list_options(Ipv4Header& h) {
  const auto& o = h.options;
  std::size_t i = 0;
  while (i < o.size()) {
    const std::uint8_t type = o[i];
    if (type == kOptionEndOfList) {
      h.option_list.push_back({type, 1});
      break;
    }
    if (type == kOptionNoOperation) {
      h.option_list.push_back({type, 1});
      ++i;
      continue;
    }
    if (i + 1 >= o.size() || o[i + 1] < 2 || i + o[i + 1] > o.size()) {
      h.options_malformed = true;
      break;
    }
    h.option_list.push_back({type, o[i + 1]});
    i += o[i + 1];
  }
}

// Every field of a parsed header, through the view's accessors.
Ipv4Header read_header(const wire::Ipv4Packet& ip) {
  Ipv4Header h;
  const auto header = ip.header();
  h.version = ip.version();
  h.ihl = static_cast<std::uint8_t>(ip.header_length() / 4);
  h.header_length = ip.header_length();
  h.tos = ip.tos();
  h.total_length = ip.total_length();
  h.identification = ip.identification();
  // RFC 791: "Bit 0: reserved, must be zero" (the view has no accessor
  // for a bit the protocol does not use).
  h.reserved_flag = (header[ip_field::kFlagsFragment] & 0x80) != 0;
  h.dont_fragment = ip.dont_fragment();
  h.more_fragments = ip.more_fragments();
  h.fragment_offset = ip.fragment_offset();
  h.ttl = ip.ttl();
  h.protocol = ip.protocol();
  h.checksum = check_checksum(header, ip_field::kChecksum);
  h.source = ip.source();
  h.destination = ip.destination();
  h.options.assign(ip.options().begin(), ip.options().end());
  list_options(h);
  return h;
}

// Why wire::Ipv4Packet::parse refused `ip`, as a sentence with the numbers.
// parse() makes the decision; this only explains it.
LabError explain_ipv4_refusal(wire::DropReason reason, std::span<const std::uint8_t> ip) {
  if (reason == wire::DropReason::kIpTruncated) {
    return LabError(LabErrorKind::kTruncatedIpHeader,
                    fmt::format("truncated IPv4 header: needs {} bytes, got {}",
                                wire::kIpv4MinHeaderLength, ip.size()));
  }
  if (reason == wire::DropReason::kIpBadVersion) {
    return LabError(
        LabErrorKind::kBadIpVersion,
        fmt::format("not IPv4: the version field (the first hex digit) is {}, not 4", ip[0] >> 4));
  }
  const std::size_t ihl = ip[0] & 0x0Fu;
  if (reason == wire::DropReason::kIpBadHeaderLength) {
    if (ihl < 5) {
      return LabError(
          LabErrorKind::kBadHeaderLength,
          fmt::format("bad IHL {}: the header would be {} x 4 = {} bytes, less than the 20-byte "
                      "minimum",
                      ihl, ihl, ihl * 4));
    }
    return LabError(
        LabErrorKind::kTruncatedIpHeader,
        fmt::format("truncated IPv4 header: IHL {} says the header has {} bytes, got {}", ihl,
                    ihl * 4, ip.size()));
  }
  const std::size_t total = be16_at(ip, ip_field::kTotalLength);
  if (total < ihl * 4) {
    return LabError(
        LabErrorKind::kBadTotalLength,
        fmt::format("bad total length {}: less than the {}-byte header", total, ihl * 4));
  }
  return LabError(LabErrorKind::kTruncatedDatagram,
                  fmt::format("truncated datagram: the total length field says {} bytes, got {} "
                              "(was the capture cut short, e.g. by tcpdump -s?)",
                              total, ip.size()));
}

// ---- IPv6 ------------------------------------------------------------------

Ipv6Header read_ipv6_header(const wire::Ipv6Packet& ip) {
  return {ip.version(),     ip.traffic_class(), ip.flow_label(), ip.payload_length(),
          ip.next_header(), ip.hop_limit(),     ip.source(),     ip.destination()};
}

// Why wire::Ipv6Packet::parse refused `ip`; parse() decides, this explains.
LabError explain_ipv6_refusal(wire::DropReason reason, std::span<const std::uint8_t> ip) {
  if (reason == wire::DropReason::kIpv6Truncated) {
    return LabError(LabErrorKind::kTruncatedIpHeader,
                    fmt::format("truncated IPv6 header: needs {} bytes, got {}",
                                wire::kIpv6HeaderLength, ip.size()));
  }
  if (reason == wire::DropReason::kIpv6BadVersion) {
    return LabError(
        LabErrorKind::kBadIpVersion,
        fmt::format("not IPv6: the version field (the first hex digit) is {}, not 6", ip[0] >> 4));
  }
  const std::size_t payload = be16_at(ip, wire::ipv6_field::kPayloadLength);
  return LabError(
      LabErrorKind::kTruncatedDatagram,
      fmt::format("truncated packet: the payload length field says {} bytes after the 40-byte "
                  "header, {} in all, got {} (was the capture cut short, e.g. by tcpdump -s?)",
                  payload, wire::kIpv6HeaderLength + payload, ip.size()));
}

// The sentence for a packet whose next header is not ICMPv6.
std::string next_header_note(std::uint8_t next_header, std::size_t payload_bytes) {
  if (next_header == kIpv6NoNextHeader) {
    // RFC 8200 4.7: "the value 59 in the Next Header field ... indicates
    // that there is nothing following that header".
    return fmt::format(
        "next header 59 (no next header): nothing follows the IPv6 header; {} "
        "bytes of payload are ignored (RFC 8200 4.7)",
        payload_bytes);
  }
  if (is_ipv6_extension_header(next_header)) {
    return fmt::format(
        "next header {} ({}): an extension header (RFC 8200 4) comes before any ICMPv6 message; "
        "icmp-lab decodes ICMPv6 only when it follows the IPv6 header directly; {} bytes of "
        "payload",
        next_header, ip_protocol_name(next_header), payload_bytes);
  }
  return fmt::format("next header {} ({}): icmp-lab decodes ICMPv6 (58) only; {} bytes of payload",
                     next_header, ip_protocol_name(next_header), payload_bytes);
}

// ---- quoted packets of error messages --------------------------------------

// The first 8 bytes after a quoted header, read as the protocol they
// belong to (`family` says which ICMP the protocol 1 / 58 is).
QuotedTransport read_transport(std::uint8_t protocol, std::span<const std::uint8_t> rest) {
  QuotedTransport t;
  if (protocol == wire::kIpProtocolIcmp || protocol == wire::kIpProtocolIcmpv6) {
    const auto family =
        protocol == wire::kIpProtocolIcmp ? wire::IpFamily::kIpv4 : wire::IpFamily::kIpv6;
    if (rest.size() >= 2) {
      t.icmp_type = IcmpType::from_wire(family, rest[0]);
      t.icmp_code = rest[1];
    }
    if (rest.size() >= 8 && t.icmp_type && has_identifier(*t.icmp_type)) {
      t.icmp_identifier = be16_at(rest, 4);
      t.icmp_sequence = be16_at(rest, 6);
    }
  } else if (protocol == kIpProtocolTcp || protocol == kIpProtocolUdp) {
    if (rest.size() >= 4) {
      t.source_port = be16_at(rest, 0);
      t.destination_port = be16_at(rest, 2);
    }
    if (rest.size() >= 8) {
      if (protocol == kIpProtocolUdp) {
        t.udp_length = be16_at(rest, 4);
      } else {
        t.tcp_sequence = be32_at(rest, 4);
      }
    }
  }
  return t;
}

// Why a quoted IPv4 header could not be read.
std::string quoted_ipv4_problem(wire::DropReason reason, std::span<const std::uint8_t> data) {
  switch (reason) {
    case wire::DropReason::kIpTruncated:
      return fmt::format(
          "the quoted header is cut short: {} bytes, an IPv4 header needs at least 20",
          data.size());
    case wire::DropReason::kIpBadVersion:
      return fmt::format("the quoted bytes are not an IPv4 header (version {})", data[0] >> 4);
    case wire::DropReason::kIpBadHeaderLength:
      if ((data[0] & 0x0Fu) < 5) {
        return fmt::format("the quoted header has a bad IHL ({})", data[0] & 0x0Fu);
      }
      return fmt::format("the quoted header is cut short: IHL says {} bytes, got {}",
                         std::size_t{data[0] & 0x0Fu} * 4, data.size());
    default:
      return fmt::format("the quoted header's total length {} is less than its header",
                         be16_at(data, ip_field::kTotalLength));
  }
}

// Why a quoted IPv6 header could not be read.
std::string quoted_ipv6_problem(wire::DropReason reason, std::span<const std::uint8_t> data) {
  if (reason == wire::DropReason::kIpv6Truncated) {
    return fmt::format("the quoted packet is cut short: {} bytes, an IPv6 header needs 40",
                       data.size());
  }
  return fmt::format("the quoted bytes are not an IPv6 header (version {})", data[0] >> 4);
}

// The quoted header's fields, its protocol, and the payload bytes after it.
struct QuotedHeader {
  IpHeader header;
  std::uint8_t protocol;
  std::span<const std::uint8_t> payload;
};

// The quoted header's length fields describe the original, not the quote
// (parse_quoted), so they may exceed what is here.
std::expected<QuotedHeader, std::string> parse_quoted_header(wire::IpFamily family,
                                                             std::span<const std::uint8_t> data) {
  if (family == wire::IpFamily::kIpv4) {
    const auto ip = wire::Ipv4Packet::parse_quoted(data);
    if (!ip) return std::unexpected(quoted_ipv4_problem(ip.error(), data));
    return QuotedHeader{read_header(*ip), ip->protocol(), ip->payload()};
  }
  const auto ip = wire::Ipv6Packet::parse_quoted(data);
  if (!ip) return std::unexpected(quoted_ipv6_problem(ip.error(), data));
  return QuotedHeader{read_ipv6_header(*ip), ip->next_header(), ip->payload()};
}

QuotedDatagram read_quoted(wire::IpFamily family, std::span<const std::uint8_t> data) {
  QuotedDatagram q;
  auto quoted = parse_quoted_header(family, data);
  if (!quoted) {
    q.problem = std::move(quoted.error());
    return q;
  }
  q.header = std::move(quoted->header);
  const auto rest = quoted->payload;
  q.payload_bytes = rest.size();
  q.leading.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(
                                                    std::min<std::size_t>(rest.size(), 8)));
  // A fragment after the first has no transport header: its data starts
  // in the middle of the original's (RFC 791 3.2, "fragment offset").
  const auto* v4 = std::get_if<Ipv4Header>(&*q.header);
  if (v4 != nullptr && v4->fragment_offset != 0) return q;
  q.transport = read_transport(quoted->protocol, rest);
  return q;
}

// ---- ICMP messages ---------------------------------------------------------

// iputils ping starts its data with the send time, a struct timeval in
// host order (little-endian, 64-bit on today's machines), and fills the
// rest with each byte's own offset unless -p gives a pattern.
void note_ping_payload(std::span<const std::uint8_t> data, std::vector<std::string>& notes) {
  if (data.size() < 16) return;
  std::uint64_t seconds = 0;
  std::uint64_t micros = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    seconds |= std::uint64_t{data[i]} << (8 * i);
    micros |= std::uint64_t{data[8 + i]} << (8 * i);
  }
  constexpr std::uint64_t kYear2000 = 946684800;
  constexpr std::uint64_t kYear2100 = 4102444800;
  if (seconds >= kYear2000 && seconds < kYear2100 && micros < 1000000) {
    const auto t = static_cast<std::time_t>(seconds);
    notes.push_back(fmt::format(
        "data bytes 0-15 look like iputils ping's send time (a struct timeval, little-endian): "
        "{:%Y-%m-%d %H:%M:%S}.{:06d} UTC",
        fmt::gmtime(t), micros));
  }
  if (data.size() > 16) {
    bool counting = true;
    for (std::size_t i = 16; i < data.size() && counting; ++i) {
      counting = data[i] == static_cast<std::uint8_t>(i);
    }
    if (counting) {
      notes.push_back(fmt::format(
          "data bytes 16-{} are ping's default fill: each byte holds its own offset (0x10, "
          "0x11, ...)",
          data.size() - 1));
    }
  }
}

// The fields every ICMP message of either family has (icmp.hpp's layout).
template <class Type>
IcmpMessage read_icmp_fields(const wire::BasicIcmpPacket<Type, const std::uint8_t>& packet) {
  IcmpMessage m;
  m.length = packet.bytes().size();
  m.type = packet.type();
  m.code = packet.code();
  m.checksum_field = packet.checksum();
  m.rest_of_header = packet.rest_of_header();
  const auto data = packet.data();
  m.data.assign(data.begin(), data.end());
  if (has_identifier(m.type)) {
    m.identifier = packet.identifier();
    m.sequence = packet.sequence();
  }
  if (packet.is_echo_request() || packet.is_echo_reply()) note_ping_payload(data, m.notes);
  return m;
}

IcmpMessage read_icmpv4(const wire::Icmpv4Packet& packet, bool first_fragment) {
  IcmpMessage m = read_icmp_fields(packet);
  if (first_fragment) {
    m.notes.insert(m.notes.begin(),
                   "this datagram is the first fragment of a larger message: the ICMP checksum "
                   "covers the whole message, so it cannot be checked here");
  } else {
    m.checksum = check_checksum(packet.bytes(), wire::icmpv4_field::kChecksum);
  }
  const auto data = packet.data();
  switch (packet.type()) {
    case wire::Icmpv4Type::kDestinationUnreachable:
      // RFC 1191 4: "the low-order 16 bits of the second word" hold the
      // next-hop MTU when the code is 4 (fragmentation needed).
      if (m.code == 4) m.mtu = m.rest_of_header & 0xFFFF;
      break;
    case wire::Icmpv4Type::kRedirect:
      // RFC 792: "Gateway Internet Address".
      m.gateway = wire::Ipv4Address::from_u32(m.rest_of_header);
      break;
    case wire::Icmpv4Type::kParameterProblem:
      // RFC 792: "the pointer identifies the octet of the original
      // datagram's header where the error was detected".
      m.pointer = m.rest_of_header >> 24;
      break;
    case wire::Icmpv4Type::kTimestamp:
    case wire::Icmpv4Type::kTimestampReply:
      if (data.size() >= 12) {
        m.timestamps =
            std::array<std::uint32_t, 3>{be32_at(data, 0), be32_at(data, 4), be32_at(data, 8)};
      }
      break;
    case wire::Icmpv4Type::kAddressMaskRequest:
    case wire::Icmpv4Type::kAddressMaskReply:
      if (data.size() >= 4) m.address_mask = address_at(data, 0);
      break;
    default:
      break;
  }
  if (quotes_invoking_packet(m.type)) m.quoted = read_quoted(wire::IpFamily::kIpv4, data);
  return m;
}

IcmpMessage read_icmpv6(const wire::Icmpv6Packet& packet, const wire::Ipv6Packet& ip) {
  IcmpMessage m = read_icmp_fields(packet);
  // RFC 4443 2.3: the checksum covers the message "prepended with a
  // 'pseudo-header' of IPv6 header fields", the one RFC 8200 8.1 draws.
  m.pseudo_header =
      Ipv6PseudoHeader{ip.source(), ip.destination(),
                       static_cast<std::uint32_t>(packet.bytes().size()), wire::kIpProtocolIcmpv6};
  m.checksum = check_checksum(packet.bytes(), wire::icmp_field::kChecksum, ip.pseudo_header_sum());
  m.checksum_steps = explain_checksum(packet.bytes(), *m.pseudo_header);
  switch (packet.type()) {
    case wire::Icmpv6Type::kPacketTooBig:
      // RFC 4443 3.2: "MTU: The Maximum Transmission Unit of the next-hop
      // link."
      m.mtu = m.rest_of_header;
      break;
    case wire::Icmpv6Type::kParameterProblem:
      // RFC 4443 3.4: "Pointer: Identifies the octet offset within the
      // invoking packet where the error was detected."
      m.pointer = m.rest_of_header;
      break;
    default:
      break;
  }
  if (quotes_invoking_packet(m.type)) m.quoted = read_quoted(wire::IpFamily::kIpv6, packet.data());
  return m;
}

// The parts both families fill alike: the packet is `packet`, the first
// bytes of `captured` after the link layer; the rest is padding.
DecodedPacket packet_of(LinkLayer link, IpHeader header, std::span<const std::uint8_t> packet,
                        std::span<const std::uint8_t> captured) {
  DecodedPacket p;
  p.link = std::move(link);
  p.ip = std::move(header);
  p.datagram.assign(packet.begin(), packet.end());
  p.trailing_bytes = captured.size() - packet.size();
  return p;
}

std::expected<DecodedPacket, LabError> decode_ipv4(LinkLayer link,
                                                   std::span<const std::uint8_t> ip_bytes) {
  const auto ip = wire::Ipv4Packet::parse(ip_bytes);
  if (!ip) return std::unexpected(explain_ipv4_refusal(ip.error(), ip_bytes));

  DecodedPacket p = packet_of(std::move(link), read_header(*ip), ip->bytes(), ip_bytes);

  if (ip->protocol() != wire::kIpProtocolIcmp) {
    p.notes.push_back(
        fmt::format("protocol {} ({}): icmp-lab decodes ICMP only; {} bytes of payload",
                    ip->protocol(), ip_protocol_name(ip->protocol()), ip->payload().size()));
    return p;
  }
  if (ip->fragment_offset() != 0) {
    p.notes.push_back(fmt::format(
        "a fragment starting at byte {} of the original payload: the ICMP header is in the "
        "first fragment",
        std::size_t{ip->fragment_offset()} * 8));
    return p;
  }
  const auto icmp = wire::Icmpv4Packet::parse(ip->payload());
  if (!icmp) {
    return std::unexpected(LabError(
        LabErrorKind::kTruncatedIcmp,
        fmt::format("truncated ICMP header: needs {} bytes, got {} (total length {} minus the "
                    "{}-byte IP header)",
                    wire::kIcmpv4HeaderLength, ip->payload().size(), ip->total_length(),
                    ip->header_length())));
  }
  p.icmp = read_icmpv4(*icmp, ip->more_fragments());
  return p;
}

std::expected<DecodedPacket, LabError> decode_ipv6(LinkLayer link,
                                                   std::span<const std::uint8_t> ip_bytes) {
  const auto ip = wire::Ipv6Packet::parse(ip_bytes);
  if (!ip) return std::unexpected(explain_ipv6_refusal(ip.error(), ip_bytes));

  DecodedPacket p = packet_of(std::move(link), read_ipv6_header(*ip), ip->bytes(), ip_bytes);

  if (ip->next_header() != wire::kIpProtocolIcmpv6) {
    p.notes.push_back(next_header_note(ip->next_header(), ip->payload().size()));
    return p;
  }
  const auto icmp = wire::Icmpv6Packet::parse(ip->payload());
  if (!icmp) {
    return std::unexpected(
        LabError(LabErrorKind::kTruncatedIcmp,
                 fmt::format("truncated ICMPv6 header: needs {} bytes, got {} (the payload "
                             "length)",
                             wire::kIcmpHeaderLength, ip->payload().size())));
  }
  p.icmp = read_icmpv6(*icmp, *ip);
  return p;
}

// ---- a capture cut short by its snap length ------------------------------

// How many bytes of its header an IP packet needs before anything in it
// can be read: IPv4's IHL x 4 (at least 20), IPv6's 40.
std::size_t needed_header_bytes(wire::IpFamily family, std::span<const std::uint8_t> ip_bytes) {
  if (family == wire::IpFamily::kIpv6) return wire::kIpv6HeaderLength;
  if (ip_bytes.empty()) return wire::kIpv4MinHeaderLength;
  return std::max<std::size_t>(wire::kIpv4MinHeaderLength, std::size_t{ip_bytes[0] & 0x0Fu} * 4);
}

// Takes back from a decode of the padded packet every ICMP field that the
// padding, not the capture, supplied, and reads the data's notes again
// from the bytes that were kept. `kept` bytes of the ICMP message were
// captured.
void forget_padding(IcmpMessage& m, std::size_t kept) {
  // RFC 1071: the checksum covers the whole message, so it cannot be
  // checked when part of it is missing.
  m.checksum.reset();
  m.checksum_steps.reset();
  m.data.resize(kept - wire::kIcmpHeaderLength);
  if (m.data.size() < 12) m.timestamps.reset();
  if (m.data.size() < 4) m.address_mask.reset();
  if (m.quoted) m.quoted = read_quoted(m.type.family(), m.data);
  m.notes.clear();
  if (m.type.is_echo_request() || m.type.is_echo_reply()) note_ping_payload(m.data, m.notes);
}

// The length the IP header gives its packet: IPv4's total length, or
// IPv6's 40 + payload length (RFC 791 3.1, RFC 8200 3). At most 65,575
// bytes, whatever a capture file says the frame had on the wire.
// Precondition: the header's first 8 bytes are there.
std::size_t declared_length(wire::IpFamily family, std::span<const std::uint8_t> ip_bytes) {
  if (family == wire::IpFamily::kIpv4) return be16_at(ip_bytes, ip_field::kTotalLength);
  return wire::kIpv6HeaderLength + be16_at(ip_bytes, wire::ipv6_field::kPayloadLength);
}

// The packet is decoded as if the bytes its header declares beyond the
// captured ones were zeros, then everything that read them is taken back,
// and a note says what could still be checked. How many bytes the record
// says were cut only tells that a cut happened: the header says how many
// the packet had.
std::expected<DecodedPacket, LabError> decode_cut(LinkLayer link,
                                                  std::span<const std::uint8_t> ip_bytes) {
  const wire::IpFamily family = link.family;
  const std::size_t header = needed_header_bytes(family, ip_bytes);
  if (ip_bytes.size() < header) {
    return std::unexpected(LabError(
        LabErrorKind::kTruncatedIpHeader,
        fmt::format("the capture's snap length kept {} bytes of the {}-byte {} header: nothing "
                    "can be decoded",
                    ip_bytes.size(), header, family == wire::IpFamily::kIpv4 ? "IPv4" : "IPv6")));
  }
  std::vector<std::uint8_t> padded(ip_bytes.begin(), ip_bytes.end());
  padded.resize(std::max(ip_bytes.size(), declared_length(family, ip_bytes)), 0);
  auto decoded = family == wire::IpFamily::kIpv4 ? decode_ipv4(std::move(link), padded)
                                                 : decode_ipv6(std::move(link), padded);
  if (!decoded) return decoded;
  DecodedPacket& p = *decoded;
  const std::size_t kept = std::min(ip_bytes.size(), p.datagram.size());
  p.cut_bytes = p.datagram.size() - kept;
  p.trailing_bytes = ip_bytes.size() - kept;
  p.datagram.resize(kept);
  if (p.cut_bytes == 0) return decoded;  // only link-layer padding was cut

  const std::size_t icmp_kept = kept - p.header_length();
  std::string note =
      fmt::format("the capture's snap length kept {} of the packet's {} bytes ({} cut)", kept,
                  kept + p.cut_bytes, p.cut_bytes);
  if (p.icmp && icmp_kept < wire::kIcmpHeaderLength) {
    p.icmp.reset();
    note += fmt::format(": only {} bytes of the {}-byte {} header are here", icmp_kept,
                        wire::kIcmpHeaderLength, icmp_name(family));
  } else if (p.icmp) {
    forget_padding(*p.icmp, icmp_kept);
    note += fmt::format(": the {} header is whole, but {}", icmp_name(family),
                        cut_checksum_text(p.cut_bytes));
  }
  if (family == wire::IpFamily::kIpv4) note += "; the IPv4 header checksum could be checked";
  p.notes.push_back(std::move(note));
  return decoded;
}

}  // namespace

ChecksumCheck check_checksum(std::span<const std::uint8_t> bytes, std::size_t field_offset,
                             wire::ChecksumAccumulator pseudo_header) {
  ChecksumCheck c;
  c.value = be16_at(bytes, field_offset);
  wire::ChecksumAccumulator all = pseudo_header;
  c.sum = all.add(bytes).folded();
  c.valid = c.sum == 0xFFFF;
  // The field's right value: the checksum of everything else, which is
  // the sum without the field's own contribution (RFC 1071 1(2)).
  wire::ChecksumAccumulator others = pseudo_header;
  others.add(bytes.first(field_offset));
  others.add(bytes.subspan(field_offset + 2));
  c.expected = others.checksum();
  return c;
}

std::size_t DecodedPacket::header_length() const {
  if (const auto* v4 = ipv4()) return v4->header_length;
  return wire::kIpv6HeaderLength;
}

wire::IpAddress DecodedPacket::source() const {
  if (const auto* v4 = ipv4()) return v4->source;
  return ipv6()->source;
}

wire::IpAddress DecodedPacket::destination() const {
  if (const auto* v4 = ipv4()) return v4->destination;
  return ipv6()->destination;
}

std::expected<DecodedPacket, LabError> decode_packet(std::span<const std::uint8_t> captured) {
  auto link = find_ip_header(captured);
  if (!link) return std::unexpected(link.error());
  return decode_frame(std::move(*link), captured, 0);
}

std::expected<DecodedPacket, LabError> decode_frame(LinkLayer link,
                                                    std::span<const std::uint8_t> frame,
                                                    std::size_t cut_bytes) {
  const auto ip_bytes = frame.subspan(link.length);
  if (cut_bytes != 0) return decode_cut(std::move(link), ip_bytes);
  if (link.family == wire::IpFamily::kIpv4) return decode_ipv4(std::move(link), ip_bytes);
  return decode_ipv6(std::move(link), ip_bytes);
}

std::string ipv4_flags_text(const Ipv4Header& h) {
  std::vector<std::string> set;
  if (h.reserved_flag) set.emplace_back("reserved bit set (RFC 791: must be zero)");
  if (h.dont_fragment) set.emplace_back("DF (don't fragment)");
  if (h.more_fragments) set.emplace_back("MF (more fragments)");
  if (set.empty()) return "none set";
  return fmt::format("{}", fmt::join(set, ", "));
}

std::string cut_checksum_text(std::size_t cut_bytes) {
  return fmt::format("its checksum covers the {} bytes that are missing and cannot be checked",
                     cut_bytes);
}

std::string unchecked_checksum_text(std::size_t cut_bytes) {
  if (cut_bytes == 0) return "not checkable in a fragment";
  return "not checked: " + cut_checksum_text(cut_bytes);
}

std::string ipv6_full_form(const wire::Ipv6Address& a) {
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i != 0) out += ':';
    out += fmt::format("{:04x}", a.group(i));
  }
  return out;
}

std::string dscp_ecn_text(std::uint8_t octet) {
  return fmt::format("DSCP {}, ECN {}", octet >> 2, octet & 3);
}

bool is_echo_reply_to(const DecodedPacket& candidate, const DecodedPacket& request) {
  if (!candidate.icmp || !request.icmp) return false;
  const IcmpMessage& reply = *candidate.icmp;
  const IcmpMessage& asked = *request.icmp;
  if (!reply.type.is_echo_reply() || !asked.type.is_echo_request()) return false;
  if (candidate.family() != request.family() || !reply.identifier || !asked.identifier) {
    return false;
  }
  if (reply.identifier != asked.identifier || reply.sequence != asked.sequence) return false;
  // RFC 792: "the source and destination addresses are simply reversed".
  if (candidate.destination() != request.source()) return false;
  const wire::IpAddress destination = request.destination();
  const bool group = destination.is_multicast() ||
                     (destination.is_ipv4() && destination.ipv4().is_limited_broadcast());
  return group || candidate.source() == destination;
}

std::string icmp_type_label(IcmpType type) {
  if (type.is_echo_request()) return "echo request";
  const auto name = wire::icmp_type_name(type);
  return name.empty() ? std::string("unassigned") : std::string(name);
}

std::string icmp_code_label(IcmpType type, std::uint8_t code) {
  const auto name = wire::icmp_code_name(type, code);
  if (!name.empty()) return std::string(name);
  // Types whose codes are a list the RFCs keep: a code not on it is
  // unassigned. Elsewhere only code 0 is defined.
  const bool coded = type == IcmpType{wire::Icmpv4Type::kDestinationUnreachable} ||
                     type == IcmpType{wire::Icmpv4Type::kRedirect} ||
                     type == IcmpType{wire::Icmpv4Type::kTimeExceeded} ||
                     type == IcmpType{wire::Icmpv4Type::kParameterProblem} ||
                     type == IcmpType{wire::Icmpv6Type::kDestinationUnreachable} ||
                     type == IcmpType{wire::Icmpv6Type::kTimeExceeded} ||
                     type == IcmpType{wire::Icmpv6Type::kParameterProblem};
  if (coded) return "unassigned";
  if (code == 0) return "";
  return "not defined for this type";
}

std::string_view icmp_name(wire::IpFamily family) {
  return family == wire::IpFamily::kIpv4 ? "ICMP" : "ICMPv6";
}

std::string_view ip_protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 0:
      return "IPv6 Hop-by-Hop Options";
    case 1:
      return "ICMP";
    case 2:
      return "IGMP";
    case 4:
      return "IPv4 in IP";
    case 6:
      return "TCP";
    case 17:
      return "UDP";
    case 41:
      return "IPv6 in IP";
    case 43:
      return "IPv6 Routing header";
    case 44:
      return "IPv6 Fragment header";
    case 47:
      return "GRE";
    case 50:
      return "ESP";
    case 51:
      return "AH";
    case 58:
      return "ICMPv6";
    case 59:
      return "no next header";
    case 60:
      return "IPv6 Destination Options";
    case 89:
      return "OSPF";
    case 132:
      return "SCTP";
    case 135:
      return "Mobility header";
    default:
      return "other";
  }
}

bool is_ipv6_extension_header(std::uint8_t next_header) {
  // RFC 8200 4.1's list (Hop-by-Hop 0, Destination Options 60, Routing 43,
  // Fragment 44, AH 51, ESP 50) and IANA's later ones: Mobility 135,
  // HIP 139, Shim6 140, and 253/254 for experiments (RFC 3692).
  switch (next_header) {
    case 0:
    case 43:
    case 44:
    case 50:
    case 51:
    case 60:
    case 135:
    case 139:
    case 140:
    case 253:
    case 254:
      return true;
    default:
      return false;
  }
}

std::string_view ip_option_name(std::uint8_t type) {
  switch (type) {
    case 0:
      return "end of option list";
    case 1:
      return "no operation";
    case 7:
      return "record route";
    case 68:
      return "timestamp";
    case 130:
      return "security";
    case 131:
      return "loose source route";
    case 136:
      return "stream id";
    case 137:
      return "strict source route";
    case 148:
      return "router alert";
    default:
      return "unknown option";
  }
}

}  // namespace pong::lab
