#include "decode.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <utility>

#include <algorithm>
#include <ctime>

#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {
namespace {

namespace ip_field = wire::ipv4_field;

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

bool is_icmp_error(std::uint8_t type) {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}
bool has_identifier(std::uint8_t type) {
  return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

// RFC 791 3.1: options are a single octet (End of Option List 0, No
// Operation 1) or type, length and data.
void list_options(Ipv4Header& h) {
  const auto& o = h.options;
  std::size_t i = 0;
  while (i < o.size()) {
    const std::uint8_t type = o[i];
    if (type == 0) {
      h.option_list.push_back({type, 1});
      break;
    }
    if (type == 1) {
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
        LabErrorKind::kNotIpv4,
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

QuotedDatagram read_quoted(std::span<const std::uint8_t> data) {
  QuotedDatagram q;
  // RFC 792: "Internet Header + 64 bits of Original Data Datagram"; the
  // quoted total length describes the original, not the quote.
  const auto ip = wire::Ipv4Packet::parse_quoted(data);
  if (!ip) {
    switch (ip.error()) {
      case wire::DropReason::kIpTruncated:
        q.problem = fmt::format(
            "the quoted header is cut short: {} bytes, an IPv4 header needs at least 20",
            data.size());
        break;
      case wire::DropReason::kIpBadVersion:
        q.problem =
            fmt::format("the quoted bytes are not an IPv4 header (version {})", data[0] >> 4);
        break;
      case wire::DropReason::kIpBadHeaderLength:
        if ((data[0] & 0x0Fu) < 5) {
          q.problem = fmt::format("the quoted header has a bad IHL ({})", data[0] & 0x0Fu);
        } else {
          q.problem = fmt::format("the quoted header is cut short: IHL says {} bytes, got {}",
                                  std::size_t{data[0] & 0x0Fu} * 4, data.size());
        }
        break;
      default:
        q.problem = fmt::format("the quoted header's total length {} is less than its header",
                                be16_at(data, ip_field::kTotalLength));
        break;
    }
    return q;
  }
  q.header = read_header(*ip);
  const auto rest = ip->payload();
  q.leading.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(
                                                    std::min<std::size_t>(rest.size(), 8)));
  QuotedTransport& t = q.transport;
  switch (q.header->protocol) {
    case wire::kIpProtocolIcmp:
      if (rest.size() >= 2) {
        t.icmp_type = rest[0];
        t.icmp_code = rest[1];
      }
      if (rest.size() >= 8 && t.icmp_type && has_identifier(*t.icmp_type)) {
        t.icmp_identifier = be16_at(rest, 4);
        t.icmp_sequence = be16_at(rest, 6);
      }
      break;
    case 6:   // TCP
    case 17:  // UDP
      if (rest.size() >= 4) {
        t.source_port = be16_at(rest, 0);
        t.destination_port = be16_at(rest, 2);
      }
      if (rest.size() >= 8) {
        if (q.header->protocol == 17) {
          t.udp_length = be16_at(rest, 4);
        } else {
          t.tcp_sequence = be32_at(rest, 4);
        }
      }
      break;
    default:
      break;
  }
  return q;
}

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

IcmpMessage read_icmp(const wire::Icmpv4Packet& packet, bool first_fragment) {
  IcmpMessage m;
  const auto bytes = packet.bytes();
  m.length = bytes.size();
  m.type = std::to_underlying(packet.type());
  m.code = packet.code();
  m.checksum_field = packet.checksum();
  if (first_fragment) {
    m.notes.push_back(
        "this datagram is the first fragment of a larger message: the ICMP checksum covers the "
        "whole message, so it cannot be checked here");
  } else {
    m.checksum = check_checksum(bytes, wire::icmpv4_field::kChecksum);
  }
  m.rest_of_header = packet.rest_of_header();
  const auto data = packet.data();
  m.data.assign(data.begin(), data.end());
  if (has_identifier(m.type)) {
    m.identifier = packet.identifier();
    m.sequence = packet.sequence();
  }
  switch (m.type) {
    case 3:
      // RFC 1191 4: "the low-order 16 bits of the second word" hold the
      // next-hop MTU when the code is 4 (fragmentation needed).
      if (m.code == 4) m.next_hop_mtu = static_cast<std::uint16_t>(m.rest_of_header & 0xFFFF);
      break;
    case 5:
      // RFC 792: "Gateway Internet Address".
      m.gateway = wire::Ipv4Address::from_u32(m.rest_of_header);
      break;
    case 12:
      // RFC 792: "the pointer identifies the octet of the original
      // datagram's header where the error was detected".
      m.pointer = static_cast<std::uint8_t>(m.rest_of_header >> 24);
      break;
    case 13:
    case 14:
      if (data.size() >= 12) {
        m.timestamps =
            std::array<std::uint32_t, 3>{be32_at(data, 0), be32_at(data, 4), be32_at(data, 8)};
      }
      break;
    case 17:
    case 18:
      if (data.size() >= 4) m.address_mask = address_at(data, 0);
      break;
    default:
      break;
  }
  if (is_icmp_error(m.type)) m.quoted = read_quoted(data);
  if (m.type == 0 || m.type == 8) note_ping_payload(data, m.notes);
  return m;
}

}  // namespace

ChecksumCheck check_checksum(std::span<const std::uint8_t> bytes, std::size_t field_offset) {
  ChecksumCheck c;
  c.value = be16_at(bytes, field_offset);
  c.sum = wire::ChecksumAccumulator{}.add(bytes).folded();
  c.valid = c.sum == 0xFFFF;
  // The field's right value: the checksum of everything else, which is
  // the sum without the field's own contribution (RFC 1071 1(2)).
  wire::ChecksumAccumulator others;
  others.add(bytes.first(field_offset));
  others.add(bytes.subspan(field_offset + 2));
  c.expected = others.checksum();
  return c;
}

std::expected<DecodedPacket, LabError> decode_packet(std::span<const std::uint8_t> captured) {
  auto link = find_ipv4_header(captured);
  if (!link) return std::unexpected(link.error());
  const auto ip_bytes = captured.subspan(link->length);
  const auto ip = wire::Ipv4Packet::parse(ip_bytes);
  if (!ip) return std::unexpected(explain_ipv4_refusal(ip.error(), ip_bytes));

  DecodedPacket p;
  p.link = std::move(*link);
  p.ip = read_header(*ip);
  p.datagram.assign(ip->bytes().begin(), ip->bytes().end());
  p.trailing_bytes = ip_bytes.size() - ip->bytes().size();

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
  p.icmp = read_icmp(*icmp, ip->more_fragments());
  return p;
}

std::string icmp_type_label(std::uint8_t type) {
  if (type == 8) return "echo request";
  const auto name = wire::icmpv4_type_name(static_cast<wire::Icmpv4Type>(type));
  return name.empty() ? std::string("unassigned") : std::string(name);
}

std::string icmp_code_label(std::uint8_t type, std::uint8_t code) {
  const auto name = wire::icmpv4_code_name(static_cast<wire::Icmpv4Type>(type), code);
  if (!name.empty()) return std::string(name);
  if (type == 3 || type == 5 || type == 11 || type == 12) return "unassigned";
  if (code == 0) return "";
  return "not defined for this type";
}

std::string_view ip_protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 1:
      return "ICMP";
    case 2:
      return "IGMP";
    case 6:
      return "TCP";
    case 17:
      return "UDP";
    case 41:
      return "IPv6 in IPv4";
    case 47:
      return "GRE";
    case 50:
      return "ESP";
    case 51:
      return "AH";
    case 89:
      return "OSPF";
    case 132:
      return "SCTP";
    default:
      return "other";
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
