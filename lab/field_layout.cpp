#include "field_layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <utility>

#include "render.hpp"
#include "sys/format.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

constexpr std::size_t kBitsPerByte = 8;
constexpr std::size_t kWidestNumber = 64;     // bits a field may have to be shown as a number
constexpr std::size_t kDataPreviewBytes = 8;  // shown as a data field's hex

// The `width` bits from bit `offset` of `bytes` (bit 0 the most significant
// bit of bytes[0], as RFC 791 3.1 draws them), as a number.
// Preconditions: width <= 64; offset + width <= bytes.size() * 8.
std::uint64_t read_bits(std::span<const std::uint8_t> bytes, std::size_t offset,
                        std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t bit = offset; bit < offset + width; ++bit) {
    const std::uint8_t byte = bytes[bit / kBitsPerByte];
    value = value << 1 | ((byte >> (kBitsPerByte - 1 - bit % kBitsPerByte)) & 1u);
  }
  return value;
}

// What a field is before the builder places it.
struct FieldSpec {
  std::string name;
  FieldPart part = FieldPart::kData;
  std::size_t bits = 0;
  std::string meaning = {};
  bool problem = false;
  std::string decimal = {};  // replaces the number's decimal (dotted quads)
  std::string hex = {};      // replaces the number: an IPv6 address, data
};

// Lays fields end to end from bit 0, reading each value from the bytes, so
// that nothing is dropped and nothing overlaps.
class LayoutBuilder {
 public:
  explicit LayoutBuilder(std::span<const std::uint8_t> datagram)
      : bytes_(datagram), total_bits_(datagram.size() * kBitsPerByte) {}

  std::size_t bits_left() const { return total_bits_ - cursor_; }

  // Places `spec` at the cursor. A field the capture cut short keeps the
  // bits that are there; one with none left is not placed.
  void add(FieldSpec spec) {
    if (bits_left() == 0 || spec.bits == 0) return;
    LayoutField f;
    f.name = std::move(spec.name);
    f.part = spec.part;
    f.bit_offset = cursor_;
    f.bit_width = std::min(spec.bits, bits_left());
    f.meaning = std::move(spec.meaning);
    f.problem = spec.problem;
    const bool cut = f.bit_width < spec.bits;
    if (cut) {
      f.meaning = fmt::format("only {} of its {} bits were captured", f.bit_width, spec.bits);
      f.problem = true;
    }
    if (spec.hex.empty() && f.bit_width <= kWidestNumber) {
      const std::uint64_t value = read_bits(bytes_, f.bit_offset, f.bit_width);
      f.hex = fmt::format("0x{:0{}x}", value, (f.bit_width + 3) / 4);
      f.decimal = spec.decimal.empty() || cut ? fmt::format("{}", value) : std::move(spec.decimal);
    } else if (!cut) {
      f.hex = std::move(spec.hex);
      f.decimal = std::move(spec.decimal);
    }
    cursor_ += f.bit_width;
    fields_.push_back(std::move(f));
  }

  // `count` bytes shown as bytes ("07 07 04 ..."), not as a number: an
  // option, the data. Precondition: the cursor is at a byte boundary.
  void add_bytes(std::string name, FieldPart part, std::size_t count, std::string meaning,
                 bool problem = false) {
    const auto here = bytes_.subspan(cursor_ / kBitsPerByte);
    const auto field = here.first(std::min(here.size(), count));
    const auto shown = field.first(std::min(field.size(), kDataPreviewBytes));
    std::string hex = fmt::format("{:02x}", fmt::join(shown, " "));
    if (shown.size() < field.size()) hex += " ...";
    add({std::move(name),
         part,
         count * kBitsPerByte,
         std::move(meaning),
         problem,
         {},
         std::move(hex)});
  }

  // Everything from the cursor to the end, as one field of whole bytes.
  // Precondition: the cursor is at a byte boundary.
  void add_rest(std::string name, FieldPart part, std::string meaning) {
    add_bytes(std::move(name), part, bits_left() / kBitsPerByte, std::move(meaning));
  }

  std::vector<LayoutField> take() { return std::move(fields_); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t total_bits_;
  std::size_t cursor_ = 0;
  std::vector<LayoutField> fields_;
};

// ---- IPv4, RFC 791 3.1 ------------------------------------------------------

// `quoted`: the header an ICMP error quotes, whose lengths are the
// original's (RFC 792: "Internet Header + 64 bits of Original Data
// Datagram").
void add_ipv4_header(LayoutBuilder& b, const Ipv4Header& h, bool quoted) {
  const FieldPart part = quoted ? FieldPart::kQuotedIpv4Header : FieldPart::kIpv4Header;
  b.add({"version", part, 4});
  b.add({"IHL", part, 4, fmt::format("x 4 = {} bytes of header", h.header_length)});
  b.add({"TOS", part, 8, dscp_ecn_text(h.tos)});
  b.add({"total length", part, 16,
         quoted ? "bytes in the original datagram" : "bytes, header included"});
  b.add({"identification", part, 16});
  b.add({"flags", part, 3, ipv4_flags_text(h), h.reserved_flag});
  b.add({"fragment offset", part, 13,
         h.fragment_offset == 0
             ? ""
             : fmt::format("x 8 = byte {}", std::size_t{h.fragment_offset} * 8)});
  b.add({"TTL", part, 8});
  b.add({"protocol", part, 8, std::string(ip_protocol_name(h.protocol))});
  b.add({"header checksum", part, 16, checksum_note(h.checksum, "the header sums", Style{}),
         !h.checksum.valid});
  b.add({"source", part, 32, {}, false, fmt::format("{}", h.source)});
  b.add({"destination", part, 32, {}, false, fmt::format("{}", h.destination)});
}

// RFC 791 3.1: "The option field is variable in length. There may be zero
// or more options." Each listed option is a field; what follows the End of
// Option List is padding ("The internet header padding is used to ensure
// that the internet header ends on a 32 bit boundary"), and bytes that are
// no well-formed option are one field too.
void add_ipv4_options(LayoutBuilder& b, const Ipv4Header& h, bool quoted) {
  const FieldPart part = quoted ? FieldPart::kQuotedIpv4Options : FieldPart::kIpv4Options;
  std::size_t used = 0;
  for (const Ipv4Option& o : h.option_list) {
    b.add_bytes(fmt::format("option: {}", ip_option_name(o.type)), part, o.length,
                fmt::format("type {}, {} byte{}", o.type, o.length, o.length == 1 ? "" : "s"));
    used += o.length;
  }
  if (used >= h.options.size()) return;
  const std::size_t rest = h.options.size() - used;
  if (h.options_malformed) {
    b.add_bytes("malformed options", part, rest, "bytes that are not a well-formed option", true);
  } else {
    b.add_bytes("padding", part, rest, "after the end of option list");
  }
}

// ---- IPv6, RFC 8200 3 -------------------------------------------------------

// `quoted`: the header of the packet an ICMPv6 error quotes (RFC 4443 3.1).
void add_ipv6_header(LayoutBuilder& b, const Ipv6Header& h, bool quoted) {
  const FieldPart part = quoted ? FieldPart::kQuotedIpv6Header : FieldPart::kIpv6Header;
  b.add({"version", part, 4});
  b.add({"traffic class", part, 8, dscp_ecn_text(h.traffic_class)});
  b.add({"flow label", part, 20,
         h.flow_label == 0 ? "none (RFC 6437)" : "the sender's choice per flow (RFC 6437)"});
  b.add({"payload length", part, 16,
         quoted ? "bytes after the header, in the original packet" : "bytes after this header"});
  b.add({"next header", part, 8, std::string(ip_protocol_name(h.next_header))});
  b.add({"hop limit", part, 8});
  constexpr std::size_t kAddressBits = 128;  // RFC 8200 3: "128-bit address"
  b.add({"source",
         part,
         kAddressBits,
         fmt::format("{} (RFC 5952)", h.source),
         false,
         {},
         ipv6_full_form(h.source)});
  b.add({"destination",
         part,
         kAddressBits,
         fmt::format("{} (RFC 5952)", h.destination),
         false,
         {},
         ipv6_full_form(h.destination)});
}

// ---- ICMP, RFC 792 and RFC 4443 ---------------------------------------------

std::string icmp_checksum_meaning(const IcmpMessage& m, bool v6, std::size_t cut_bytes) {
  if (m.checksum) {
    return checksum_note(
        *m.checksum, v6 ? "with the pseudo-header, the message sums" : "the message sums", Style{});
  }
  return unchecked_checksum_text(cut_bytes);
}

// Bytes 4-7, as the type's RFC draws them.
void add_rest_of_header(LayoutBuilder& b, const IcmpMessage& m, FieldPart part, bool v6) {
  if (m.identifier) {
    // RFC 792 (Echo, Timestamp, Information, RFC 950's Address Mask) and
    // RFC 4443 4.1/4.2.
    b.add({"identifier", part, 16});
    b.add({"sequence number", part, 16});
  } else if (m.mtu && v6) {
    // RFC 4443 3.2: "MTU: The Maximum Transmission Unit of the next-hop link."
    b.add({"MTU", part, 32, "of the next-hop link (RFC 4443 3.2)"});
  } else if (m.mtu) {
    // RFC 1191 4: "The field formerly 'unused' ... the high-order 16 bits
    // remain unused; the low-order 16 bits hold the Next-Hop MTU."
    b.add({"unused", part, 16});
    b.add({"next-hop MTU", part, 16, "RFC 1191"});
  } else if (m.gateway) {
    b.add({"gateway", part, 32, "the better first hop", false, fmt::format("{}", *m.gateway)});
  } else if (m.pointer && v6) {
    b.add(
        {"pointer", part, 32,
         fmt::format("the error is at octet {} of the quoted packet (RFC 4443 3.4)", *m.pointer)});
  } else if (m.pointer) {
    // RFC 792 Parameter Problem: an 8-bit pointer, then 24 unused bits.
    b.add({"pointer", part, 8,
           fmt::format("the error is at octet {} of the quoted header", *m.pointer)});
    b.add({"unused", part, 24});
  } else if (m.quoted) {
    b.add({"unused", part, 32});
  } else {
    b.add({"rest of header", part, 32});
  }
}

// RFC 792's Timestamp and RFC 950's Address Mask messages carry their
// values in the first words after the header.
void add_message_words(LayoutBuilder& b, const IcmpMessage& m, FieldPart part) {
  if (m.timestamps) {
    for (const char* name : {"originate timestamp", "receive timestamp", "transmit timestamp"}) {
      b.add({name, part, 32, "ms since midnight UT"});
    }
  }
  if (m.address_mask) {
    b.add({"address mask", part, 32, {}, false, fmt::format("{}", *m.address_mask)});
  }
}

// ", ICMP echo request id 4660 seq 1" or ", port 40000 > 33434": what the
// quoted packet's first data bytes say, if anything.
std::string quoted_transport_text(const QuotedTransport& t) {
  if (t.icmp_type) {
    std::string out =
        fmt::format(", {} {}", icmp_name(t.icmp_type->family()), icmp_type_label(*t.icmp_type));
    if (t.icmp_identifier) {
      out += fmt::format(" id {} seq {}", *t.icmp_identifier, t.icmp_sequence.value_or(0));
    }
    return out;
  }
  if (t.source_port) {
    return fmt::format(", port {} > {}", *t.source_port, t.destination_port.value_or(0));
  }
  return "";
}

// The first 8 bytes of a quote's data as the header of its protocol, when
// all 8 are there and the protocol is one icmp-lab reads (decode.hpp's
// QuotedTransport); whether it drew them.
bool add_quoted_transport(LayoutBuilder& b, const QuotedDatagram& q) {
  constexpr std::size_t kQuotedTransportBytes = 8;  // RFC 792: "64 bits of Original Data"
  if (q.payload_bytes < kQuotedTransportBytes) return false;
  const QuotedTransport& t = q.transport;
  if (t.icmp_type) {
    const bool v6 = t.icmp_type->family() == wire::IpFamily::kIpv6;
    const FieldPart part = v6 ? FieldPart::kQuotedIcmpv6Header : FieldPart::kQuotedIcmpHeader;
    b.add({"type", part, 8, icmp_type_label(*t.icmp_type)});
    b.add({"code", part, 8, icmp_code_label(*t.icmp_type, t.icmp_code.value_or(0))});
    b.add({"checksum", part, 16});
    if (t.icmp_identifier) {
      b.add({"identifier", part, 16});
      b.add({"sequence number", part, 16});
    } else {
      b.add({"rest of header", part, 32});
    }
    return true;
  }
  if (t.udp_length) {
    constexpr FieldPart kUdp = FieldPart::kQuotedUdpHeader;  // RFC 768
    b.add({"source port", kUdp, 16});
    b.add({"destination port", kUdp, 16});
    b.add({"length", kUdp, 16, "bytes, header included"});
    b.add({"checksum", kUdp, 16});
    return true;
  }
  if (t.tcp_sequence) {
    constexpr FieldPart kTcp = FieldPart::kQuotedTcpHeader;  // RFC 9293 3.1
    b.add({"source port", kTcp, 16});
    b.add({"destination port", kTcp, 16});
    b.add({"sequence number", kTcp, 32});
    return true;
  }
  return false;
}

// The quote of the packet that caused the error: its IP header field by
// field, the first 8 bytes of its data as its protocol's header, then the
// rest of its data as one field. A quote whose header could not be read is
// one field, with the reason.
void add_quote(LayoutBuilder& b, const QuotedDatagram& q, bool v6) {
  if (!q.header) {
    b.add_rest(v6 ? "quoted packet" : "quoted datagram", FieldPart::kData,
               fmt::format("{}; {}", quote_rule_text(v6), q.problem));
    return;
  }
  if (const auto* v4 = std::get_if<Ipv4Header>(&*q.header)) {
    add_ipv4_header(b, *v4, true);
    add_ipv4_options(b, *v4, true);
  } else {
    add_ipv6_header(b, std::get<Ipv6Header>(*q.header), true);
  }
  if (add_quoted_transport(b, q)) {
    b.add_rest("quoted data", FieldPart::kData, "the rest of the original's data");
    return;
  }
  b.add_rest("quoted data", FieldPart::kData,
             fmt::format("{} bytes of the original's data{}", q.payload_bytes,
                         quoted_transport_text(q.transport)));
}

void add_icmp(LayoutBuilder& b, const DecodedPacket& p) {
  const IcmpMessage& m = *p.icmp;
  const bool v6 = p.family() == wire::IpFamily::kIpv6;
  const FieldPart part = v6 ? FieldPart::kIcmpv6Header : FieldPart::kIcmpHeader;
  b.add({"type", part, 8, icmp_type_label(m.type)});
  b.add({"code", part, 8, icmp_code_label(m.type, m.code)});
  // Wrong, or not checkable because the capture cut the message short.
  const bool checksum_problem = m.checksum ? !m.checksum->valid : p.cut_bytes > 0;
  b.add({"checksum", part, 16, icmp_checksum_meaning(m, v6, p.cut_bytes), checksum_problem});
  add_rest_of_header(b, m, part, v6);
  add_message_words(b, m, part);
  if (m.quoted) {
    add_quote(b, *m.quoted, v6);
    return;
  }
  const auto data = p.payload().subspan(std::min(p.payload().size(), std::size_t{8}));
  b.add_rest("data", FieldPart::kData,
             !data.empty() && sys::is_printable_text(data) ? describe_data(data) : "");
}

}  // namespace

std::string_view field_part_name(FieldPart part) {
  switch (part) {
    case FieldPart::kIpv4Header:
      return "IPv4 header";
    case FieldPart::kIpv4Options:
      return "IPv4 options";
    case FieldPart::kIpv6Header:
      return "IPv6 header";
    case FieldPart::kIcmpHeader:
      return "ICMP header";
    case FieldPart::kIcmpv6Header:
      return "ICMPv6 header";
    case FieldPart::kQuotedIpv4Header:
      return "quoted IPv4 header";
    case FieldPart::kQuotedIpv4Options:
      return "quoted IPv4 options";
    case FieldPart::kQuotedIpv6Header:
      return "quoted IPv6 header";
    case FieldPart::kQuotedIcmpHeader:
      return "quoted ICMP header";
    case FieldPart::kQuotedIcmpv6Header:
      return "quoted ICMPv6 header";
    case FieldPart::kQuotedUdpHeader:
      return "quoted UDP header";
    case FieldPart::kQuotedTcpHeader:
      return "quoted TCP header";
    case FieldPart::kData:
      break;
  }
  return "data";
}

std::vector<LayoutField> field_layout(const DecodedPacket& packet) {
  LayoutBuilder b(packet.datagram);
  if (const auto* v4 = packet.ipv4()) {
    add_ipv4_header(b, *v4, false);
    add_ipv4_options(b, *v4, false);
  } else {
    add_ipv6_header(b, *packet.ipv6(), false);
  }
  if (packet.icmp) {
    add_icmp(b, packet);
  } else {
    // Another protocol, or an IPv4 fragment after the first: its payload
    // is not an ICMP message (the packet's notes say why).
    b.add_rest("payload", FieldPart::kData,
               std::string(ip_protocol_name(packet.ipv4() ? packet.ipv4()->protocol
                                                          : packet.ipv6()->next_header)));
  }
  return b.take();
}

}  // namespace pong::lab
