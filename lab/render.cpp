#include "render.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <utility>
#include <variant>

#include "sys/format.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

constexpr std::size_t kNameWidth = 18;
constexpr std::size_t kValueWidth = 14;
// Above these, the middle of a long listing is left out unless asked for.
constexpr std::size_t kWordsShownInFull = 64;
constexpr std::size_t kBytesShownInFull = 512;

// "  name              value         note"
void row(std::string& out, std::string_view indent, std::string_view name, std::string_view value,
         std::string_view note = {}) {
  std::string line = fmt::format("{}{:<{}}{}", indent, name, kNameWidth, value);
  if (!note.empty()) {
    if (value.size() < kValueWidth)
      line.append(kValueWidth - value.size(), ' ');
    else
      line += "  ";
    line += note;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

std::string fold_text(const CarryFold& f) {
  return fmt::format("{} -> {} + {} = {}", hex32(f.before), hex16(f.low), hex16(f.carry),
                     hex16(f.after));
}

void ipv4_rows(std::string& out, std::string_view indent, const Ipv4Header& h, bool quoted,
               std::size_t trailing, const Style& style) {
  row(out, indent, "version", fmt::format("{}", h.version));
  row(out, indent, "IHL", fmt::format("{}", h.ihl),
      fmt::format("x 4 = {} bytes of header", h.header_length));
  row(out, indent, "TOS", fmt::format("0x{:02x}", h.tos), dscp_ecn_text(h.tos));
  std::string total_note = quoted ? "bytes in the original datagram" : "bytes, header included";
  if (trailing > 0) {
    total_note +=
        fmt::format("; the {} bytes after it (link-layer padding) are not part of it", trailing);
  }
  row(out, indent, "total length", fmt::format("{}", h.total_length), total_note);
  row(out, indent, "identification", fmt::format("{}", h.identification), hex16(h.identification));
  row(out, indent, "flags",
      fmt::format("0b{:d}{:d}{:d}", h.reserved_flag, h.dont_fragment, h.more_fragments),
      ipv4_flags_text(h));
  row(out, indent, "fragment offset", fmt::format("{}", h.fragment_offset),
      h.fragment_offset == 0 ? ""
                             : fmt::format("x 8 = byte {}", std::size_t{h.fragment_offset} * 8));
  row(out, indent, "TTL", fmt::format("{}", h.ttl));
  row(out, indent, "protocol", fmt::format("{}", h.protocol),
      std::string(ip_protocol_name(h.protocol)));
  row(out, indent, "header checksum", hex16(h.checksum.value),
      checksum_note(h.checksum, "the header sums", style));
  row(out, indent, "source", fmt::format("{}", h.source));
  row(out, indent, "destination", fmt::format("{}", h.destination));
  if (!h.options.empty()) {
    std::vector<std::string> names;
    for (const Ipv4Option& o : h.option_list) {
      names.push_back(fmt::format("{} ({}, {} bytes)", ip_option_name(o.type), o.type, o.length));
    }
    if (h.options_malformed) names.emplace_back("then bytes that are not a well-formed option");
    row(out, indent, "options", fmt::format("{} bytes", h.options.size()),
        fmt::format("{}", fmt::join(names, ", ")));
  }
}

void address_rows(std::string& out, std::string_view indent, std::string_view name,
                  const wire::Ipv6Address& a) {
  row(out, indent, name, fmt::format("{}", a), "compressed (RFC 5952)");
  row(out, indent, "", ipv6_full_form(a), "in full (RFC 4291 2.2)");
}

// `quoted`: the header of an invoking packet, whose payload length is the
// original's.
void ipv6_rows(std::string& out, std::string_view indent, const Ipv6Header& h, bool quoted,
               std::size_t trailing) {
  row(out, indent, "version", fmt::format("{}", h.version));
  row(out, indent, "traffic class", fmt::format("0x{:02x}", h.traffic_class),
      dscp_ecn_text(h.traffic_class));
  row(out, indent, "flow label", fmt::format("0x{:05x}", h.flow_label),
      h.flow_label == 0 ? "none (RFC 6437)" : "the sender's choice per flow (RFC 6437)");
  std::string length_note =
      quoted ? "bytes after the header, in the original packet" : "bytes after this header";
  if (trailing > 0) {
    length_note +=
        fmt::format("; the {} bytes after them (link-layer padding) are not part of it", trailing);
  }
  row(out, indent, "payload length", fmt::format("{}", h.payload_length), length_note);
  row(out, indent, "next header", fmt::format("{}", h.next_header),
      std::string(ip_protocol_name(h.next_header)));
  row(out, indent, "hop limit", fmt::format("{}", h.hop_limit));
  address_rows(out, indent, "source", h.source);
  address_rows(out, indent, "destination", h.destination);
}

void ip_rows(std::string& out, std::string_view indent, const IpHeader& header, bool quoted,
             std::size_t trailing, const Style& style) {
  if (const auto* v4 = std::get_if<Ipv4Header>(&header)) {
    ipv4_rows(out, indent, *v4, quoted, trailing, style);
  } else {
    ipv6_rows(out, indent, std::get<Ipv6Header>(header), quoted, trailing);
  }
}

std::string section(std::string_view title, std::string_view detail, const Style& style) {
  std::string line = style.heading(title);
  if (!detail.empty()) {
    line.append(title.size() + 2 < kNameWidth + 2 ? kNameWidth + 2 - title.size() : 2, ' ');
    line += detail;
  }
  return line + '\n';
}

std::uint8_t protocol_of(const IpHeader& header) {
  if (const auto* v4 = std::get_if<Ipv4Header>(&header)) return v4->protocol;
  return std::get<Ipv6Header>(header).next_header;
}

void quoted_rows(std::string& out, const QuotedDatagram& q, const Style& style) {
  if (!q.header) {
    out += fmt::format("  {}\n", q.problem);
    return;
  }
  ip_rows(out, "  ", *q.header, true, 0, style);
  const QuotedTransport& t = q.transport;
  const std::string_view proto = ip_protocol_name(protocol_of(*q.header));
  if (q.leading.empty()) {
    out += "  (none of its data is quoted)\n";
    return;
  }
  if (q.payload_bytes <= q.leading.size()) {
    out += fmt::format("  {} of its data: {}\n",
                       q.leading.size() == 1 ? "1 byte" : fmt::format("{} bytes", q.leading.size()),
                       format_hex_groups(q.leading, 0));
  } else {
    out += fmt::format("  {} bytes of its data, the first {}: {}\n", q.payload_bytes,
                       q.leading.size(), format_hex_groups(q.leading, 0));
  }
  if (t.icmp_type) {
    row(out, "    ", fmt::format("{} type", icmp_name(t.icmp_type->family())),
        fmt::format("{}", t.icmp_type->value()), icmp_type_label(*t.icmp_type));
    row(out, "    ", "code", fmt::format("{}", t.icmp_code.value_or(0)),
        icmp_code_label(*t.icmp_type, t.icmp_code.value_or(0)));
    if (t.icmp_identifier) row(out, "    ", "identifier", fmt::format("{}", *t.icmp_identifier));
    if (t.icmp_sequence) row(out, "    ", "sequence number", fmt::format("{}", *t.icmp_sequence));
  }
  if (t.source_port) {
    row(out, "    ", fmt::format("{} source port", proto), fmt::format("{}", *t.source_port));
    row(out, "    ", "destination port", fmt::format("{}", t.destination_port.value_or(0)));
  }
  if (t.udp_length) row(out, "    ", "UDP length", fmt::format("{}", *t.udp_length));
  if (t.tcp_sequence) row(out, "    ", "TCP sequence", fmt::format("{}", *t.tcp_sequence));
}

// The heading above the words of one part of a checksum with a pseudo-header.
std::string part_heading(const ChecksumSteps& steps, ChecksumPart part) {
  const Ipv6PseudoHeader& p = *steps.pseudo_header;
  switch (part) {
    case ChecksumPart::kSource:
      return fmt::format("pseudo-header, {}: {}", checksum_part_name(part), p.source);
    case ChecksumPart::kDestination:
      return fmt::format("pseudo-header, {}: {}", checksum_part_name(part), p.destination);
    case ChecksumPart::kUpperLayerLength:
      return fmt::format("pseudo-header, {}: {}", checksum_part_name(part), p.upper_layer_length);
    case ChecksumPart::kNextHeader:
      return fmt::format("pseudo-header, {}: {} ({})", checksum_part_name(part), p.next_header,
                         ip_protocol_name(p.next_header));
    case ChecksumPart::kData:
      break;
  }
  return fmt::format("the {} message: {} bytes",
                     p.next_header == wire::kIpProtocolIcmpv6 ? "ICMPv6" : "upper-layer",
                     steps.data_bytes);
}

// The words with the running sum, the folds and the one's complement sum.
std::string checksum_body(const ChecksumSteps& steps, const RenderOptions& options) {
  std::string out = "  word  offset  bytes   value   running 32-bit sum\n";
  const std::size_t n = steps.words.size();
  const std::size_t prefix = steps.pseudo_header ? Ipv6PseudoHeader::kLength / 2 : 0;
  const bool cut = !options.everything && n > kWordsShownInFull + prefix;
  const std::size_t head = cut ? prefix + 24 : n;
  const std::size_t tail = cut ? 8 : 0;
  bool padded = false;
  std::optional<ChecksumPart> part;
  for (std::size_t i = 0; i < n; ++i) {
    if (cut && i == head) {
      out += fmt::format("  ... {} more words (--all shows them) ...\n", n - head - tail);
    }
    if (cut && i >= head && i < n - tail) continue;
    const ChecksumWord& w = steps.words[i];
    if (steps.pseudo_header && w.part != part) {
      if (w.part == ChecksumPart::kData && i > 0) {
        const std::uint32_t pseudo = steps.words[i - 1].running;
        out += fmt::format("  (the pseudo-header alone: {}, folded {})\n", hex32(pseudo),
                           hex16(ones_complement_sum({static_cast<std::uint16_t>(pseudo >> 16),
                                                      static_cast<std::uint16_t>(pseudo)})
                                     .folded));
      }
      out += fmt::format("  {}\n", options.style.dim(part_heading(steps, w.part)));
    }
    part = w.part;
    const std::string pair = w.padded ? fmt::format("{:02x} 00*", w.value >> 8)
                                      : fmt::format("{:02x} {:02x} ", w.value >> 8, w.value & 0xFF);
    padded = padded || w.padded;
    out += fmt::format("  {:>4}  {:>6}  {}  {}  {}\n", i + 1, w.offset, pair, hex16(w.value),
                       hex32(w.running));
  }
  if (padded) {
    out += "  * an odd last byte is paired with a zero low byte (RFC 1071 4.1)\n";
  }
  out += '\n';
  if (steps.folds.empty()) {
    out +=
        fmt::format("  no carry to fold: the sum {} already fits in 16 bits\n", hex32(steps.sum));
  } else {
    out += "  fold each carry back into the low 16 bits (end-around carry):\n";
    for (const CarryFold& f : steps.folds) out += fmt::format("    {}\n", fold_text(f));
  }
  out += fmt::format("  one's complement sum: {}\n", hex16(steps.folded));
  return out;
}

// With the checksum field included: does it all sum to 0xffff?
std::string checksum_verdict(const ChecksumSteps& steps, const Style& style) {
  const std::string_view what =
      steps.pseudo_header ? "the pseudo-header and the data sum" : "the data sums";
  if (steps.verifies()) {
    return fmt::format("  {}: with its checksum included, {} to 0xffff (RFC 1071)\n",
                       style.good("valid"), what);
  }
  return fmt::format("  {}: the sum is {}, not 0xffff: the checksum field or the data is wrong\n",
                     style.bad("INVALID"), hex16(steps.folded));
}

// `cut_bytes`: what the capture's snap length left out of the packet.
void icmp_header_rows(std::string& out, const IcmpMessage& m, std::size_t cut_bytes,
                      const Style& style) {
  const bool v6 = m.type.family() == wire::IpFamily::kIpv6;
  row(out, "  ", "type", fmt::format("{}", m.type.value()), icmp_type_label(m.type));
  row(out, "  ", "code", fmt::format("{}", m.code), icmp_code_label(m.type, m.code));
  if (m.checksum) {
    row(out, "  ", "checksum", hex16(m.checksum_field),
        checksum_note(*m.checksum,
                      v6 ? "with the pseudo-header, the message sums" : "the message sums", style));
  } else {
    row(out, "  ", "checksum", hex16(m.checksum_field),
        cut_bytes != 0 ? style.bad(unchecked_checksum_text(cut_bytes))
                       : unchecked_checksum_text(cut_bytes));
  }
  if (m.identifier) {
    row(out, "  ", "identifier", fmt::format("{}", *m.identifier), hex16(*m.identifier));
    row(out, "  ", "sequence number", fmt::format("{}", *m.sequence), hex16(*m.sequence));
  } else if (m.mtu) {
    row(out, "  ", v6 ? "MTU" : "next-hop MTU", fmt::format("{}", *m.mtu),
        v6 ? "of the next-hop link (RFC 4443 3.2)" : "RFC 1191");
  } else if (m.gateway) {
    row(out, "  ", "gateway", fmt::format("{}", *m.gateway), "the better first hop");
  } else if (m.pointer) {
    row(out, "  ", "pointer", fmt::format("{}", *m.pointer),
        v6 ? fmt::format("the error is at octet {} of the quoted packet (RFC 4443 3.4)", *m.pointer)
           : fmt::format("the error is at octet {} of the quoted header", *m.pointer));
  } else if (m.quoted) {
    row(out, "  ", "unused", hex32(m.rest_of_header));
  } else {
    row(out, "  ", "rest of header", hex32(m.rest_of_header));
  }
  if (m.timestamps) {
    constexpr const char* names[] = {"originate", "receive", "transmit"};
    for (std::size_t i = 0; i < 3; ++i) {
      row(out, "  ", names[i], fmt::format("{}", (*m.timestamps)[i]), "ms since midnight UT");
    }
  }
  if (m.address_mask) row(out, "  ", "address mask", fmt::format("{}", *m.address_mask));
}

// What follows the header: the quoted packet or the data, the notes, and
// for ICMPv6 the checksum step by step.
void icmp_body(std::string& out, const IcmpMessage& m, const RenderOptions& options) {
  const Style& style = options.style;
  const bool v6 = m.type.family() == wire::IpFamily::kIpv6;
  if (m.quoted) {
    out += '\n';
    out += section(v6 ? "quoted packet" : "quoted datagram",
                   fmt::format("{} bytes: {}", m.data.size(), quote_rule_text(v6)), style);
    quoted_rows(out, *m.quoted, style);
  } else if (!m.data.empty() || m.type.is_echo_request() || m.type.is_echo_reply()) {
    out += '\n';
    out += section("data",
                   fmt::format("{} bytes{}", m.data.size(),
                               m.data.empty() ? "" : ": " + describe_data(m.data)),
                   style);
    out += render_bytes(m.data, "  ", options.everything);
  }
  for (const std::string& note : m.notes) out += fmt::format("  note: {}\n", note);
  if (m.checksum_steps) {
    out += '\n';
    out += section("ICMPv6 checksum",
                   "RFC 4443 2.3: the pseudo-header of RFC 8200 8.1, then the message, checksum "
                   "field included",
                   style);
    out += checksum_body(*m.checksum_steps, options);
    out += checksum_verdict(*m.checksum_steps, style);
  }
}

std::string capture_line(const Capture& capture, std::size_t number, std::size_t size,
                         const Style& style) {
  const std::string_view form =
      capture.format == InputFormat::kDump ? "a dump with offsets" : "plain hex";
  std::string out = style.heading(fmt::format("packet {}", number)) +
                    fmt::format(": {} bytes of {}, from line {}\n", size, form, capture.first_line);
  if (!capture.caption.empty()) out += fmt::format("  {}\n", style.dim(capture.caption));
  return out;
}

}  // namespace

std::string checksum_note(const ChecksumCheck& c, std::string_view what, const Style& style) {
  if (c.valid) return style.good("valid") + fmt::format(": {} to 0xffff", what);
  return style.bad("INVALID") + fmt::format(": {} to {}, not 0xffff; the right value is {}", what,
                                            hex16(c.sum), hex16(c.expected));
}

std::string describe_data(std::span<const std::uint8_t> data) {
  bool text = !data.empty();
  for (const std::uint8_t b : data) text = text && b >= 0x20 && b < 0x7f;
  if (!text) return "binary, see below";
  std::string s(data.begin(), data.end());
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return fmt::format("\"{}\"", s);
}

std::string render_bytes(std::span<const std::uint8_t> bytes, std::string_view indent,
                         bool everything) {
  std::string out;
  const std::size_t lines = (bytes.size() + 15) / 16;
  const bool cut = !everything && bytes.size() > kBytesShownInFull;
  const std::size_t head = cut ? 16 : lines;  // lines shown at the start
  const std::size_t tail = cut ? 4 : 0;       // and at the end
  for (std::size_t line = 0; line < lines; ++line) {
    if (cut && line == head) {
      out += fmt::format("{}... {} bytes not shown (--all shows them) ...\n", indent,
                         (lines - head - tail) * 16);
    }
    if (cut && line >= head && line < lines - tail) continue;
    const std::size_t start = line * 16;
    const std::size_t end = std::min(bytes.size(), start + 16);
    std::string hex;
    std::string ascii;
    for (std::size_t i = start; i < start + 16; ++i) {
      if (i == start + 8) hex += ' ';
      if (i < end) {
        hex += fmt::format("{:02x} ", bytes[i]);
        ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? static_cast<char>(bytes[i]) : '.';
      } else {
        hex += "   ";
      }
    }
    out += fmt::format("{}{:04x}  {} {}\n", indent, start, hex, ascii);
  }
  return out;
}

std::string render_checksum(std::span<const std::uint8_t> bytes, const ChecksumSteps& steps,
                            bool verify, const RenderOptions& options) {
  const Style& style = options.style;
  std::string out;
  const std::size_t n = steps.words.size();
  out += style.heading(
      fmt::format("RFC 1071 {} of {} bytes", verify ? "check" : "checksum", bytes.size()));
  if (steps.pseudo_header) {
    out += " after the IPv6 pseudo-header (RFC 8200 8.1, RFC 4443 2.3)";
  }
  out += fmt::format(": {} 16-bit word{}{}\n\n", n, n == 1 ? "" : "s",
                     verify ? ", checksum field included" : "");
  out += checksum_body(steps, options);
  if (!verify) {
    out += fmt::format("  checksum = ~{} = {}\n", hex16(steps.folded),
                       style.heading(hex16(steps.checksum)));
    return out;
  }
  return out + checksum_verdict(steps, style);
}

std::string render_incremental(const IncrementalUpdate& u, const RenderOptions& options,
                               std::string_view indent) {
  const Style& style = options.style;
  std::string body;
  std::string& out = body;
  const auto sum_lines = [&](const OnesComplementSum& s) {
    out += fmt::format("      sum  = {}\n", hex32(s.sum));
    for (const CarryFold& f : s.folds) out += fmt::format("      fold   {}\n", fold_text(f));
  };
  out += style.heading("RFC 1624 eqn. 3, what pong runs:") + " HC' = ~(~HC + ~m + m')\n";
  out += fmt::format("      ~HC  = ~{} = {}\n", hex16(u.old_checksum), hex16(u.eqn3_sum.terms[0]));
  out += fmt::format("      ~m   = ~{} = {}\n", hex16(u.old_word), hex16(u.eqn3_sum.terms[1]));
  out += fmt::format("       m'  =          {}\n", hex16(u.new_word));
  sum_lines(u.eqn3_sum);
  out += fmt::format("      HC'  = ~{} = {}\n", hex16(u.eqn3_sum.folded),
                     style.heading(hex16(u.eqn3)));
  out += style.heading("RFC 1141's older equation (RFC 1624 eqn. 2):") + " HC' = HC + m + ~m'\n";
  out += fmt::format("       HC  =          {}\n", hex16(u.old_checksum));
  out += fmt::format("       m   =          {}\n", hex16(u.old_word));
  out += fmt::format("      ~m'  = ~{} = {}\n", hex16(u.new_word), hex16(u.rfc1141_sum.terms[2]));
  sum_lines(u.rfc1141_sum);
  out += fmt::format("      HC'  = {}\n", style.heading(hex16(u.rfc1141)));
  if (u.eqn3 == u.rfc1141) {
    out += fmt::format("  both give {}\n", hex16(u.eqn3));
  } else {
    out += fmt::format(
        "  they differ: eqn. 3 gives {}, RFC 1141 gives {}.\n"
        "  0x0000 and 0xffff are +0 and -0, one number in one's complement, but a checksum\n"
        "  computed from scratch is 0xffff only when every byte it covers is zero (RFC 1624 3)\n",
        hex16(u.eqn3), hex16(u.rfc1141));
  }
  std::string indented;
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = body.find('\n', start);
    indented += indent;
    indented += body.substr(start, end - start + 1);
    start = end + 1;
  }
  return indented;
}

std::string render_rfc1624_example(const Rfc1624Example& e, const RenderOptions& options) {
  const Style& style = options.style;
  std::string out;
  const auto& u = e.update;
  out += style.heading("Where RFC 1141's equation goes wrong: RFC 1624 section 4's example") + '\n';
  out += fmt::format("  the other header words sum to {}; one word m = {} becomes m' = {}\n",
                     hex16(e.others), hex16(e.old_word), hex16(e.new_word));
  out += fmt::format("  old checksum  HC  = ~({} + {}) = ~{} = {}\n", hex16(e.others),
                     hex16(e.old_word), hex16(e.old_sum.folded), hex16(e.old_checksum));
  out +=
      fmt::format("  recomputed    HC' = ~({} + {}) = ~{} = {}\n", hex16(e.others),
                  hex16(e.new_word), hex16(e.new_sum.folded), style.heading(hex16(e.recomputed)));
  out += fmt::format("  RFC 1141      HC' = {} + {} + ~{} = {}   {}\n", hex16(e.old_checksum),
                     hex16(e.old_word), hex16(e.new_word), hex16(u.rfc1141),
                     u.rfc1141 == e.recomputed
                         ? style.good("right")
                         : style.bad("wrong") + ": -0, where the recomputation gives +0");
  out += fmt::format("  eqn. 3        HC' = ~(~{} + ~{} + {}) = ~({} + {} + {}) = ~{} = {}   {}\n",
                     hex16(e.old_checksum), hex16(e.old_word), hex16(e.new_word),
                     hex16(u.eqn3_sum.terms[0]), hex16(u.eqn3_sum.terms[1]),
                     hex16(u.eqn3_sum.terms[2]), hex16(u.eqn3_sum.folded), hex16(u.eqn3),
                     u.eqn3 == e.recomputed ? style.good("right") : style.bad("wrong"));
  out +=
      "  RFC 1624 section 3: \"RFC 1141 yields an updated header checksum of -0 when it should "
      "be +0\"\n";
  return out;
}

namespace {

// Everything after a packet's first line: the link layer, the IP header,
// the notes and the ICMP message.
std::string decoded_body(const DecodedPacket& p, const RenderOptions& options) {
  const Style& style = options.style;
  std::string out;
  if (p.link.kind != LinkKind::kNone) {
    out += '\n';
    out += section("link layer", p.link.summary, style);
  }
  out += '\n';
  if (const auto* v4 = p.ipv4()) {
    out += section("IPv4 header", fmt::format("{} bytes", v4->header_length), style);
    ipv4_rows(out, "  ", *v4, false, p.trailing_bytes, style);
  } else {
    out += section(
        "IPv6 header",
        fmt::format("{} bytes, and no header checksum (RFC 8200 3)", wire::kIpv6HeaderLength),
        style);
    ipv6_rows(out, "  ", *p.ipv6(), false, p.trailing_bytes);
  }
  for (const std::string& note : p.notes) out += fmt::format("  note: {}\n", note);
  if (p.icmp) {
    out += '\n';
    out += section(icmp_name(p.family()), fmt::format("{} bytes", p.icmp->length), style);
    icmp_header_rows(out, *p.icmp, p.cut_bytes, style);
    icmp_body(out, *p.icmp, options);
  }
  return out;
}

}  // namespace

std::string render_decoded(const DecodedPacket& p, const Capture& capture, std::size_t number,
                           const RenderOptions& options) {
  return capture_line(capture, number, capture.bytes.size(), options.style) +
         decoded_body(p, options);
}

std::string hex16(std::uint32_t value) {
  return fmt::format("0x{:04x}", value);
}

std::string hex32(std::uint32_t value) {
  return fmt::format("0x{:08x}", value);
}

std::string_view quote_rule_text(bool v6) {
  return v6 ? "as much of the invoking packet as fits in the minimum IPv6 MTU (RFC 4443 3.1)"
            : "the original IP header and the first 8 bytes of its data (RFC 792)";
}

std::string milliseconds_text(std::int64_t nanoseconds) {
  return fmt::format("{:.3f} ms", static_cast<double>(nanoseconds) / 1e6);
}

std::string rtt_text(std::int64_t nanoseconds) {
  if (nanoseconds >= 0) return milliseconds_text(nanoseconds);
  return milliseconds_text(nanoseconds) +
         " (the reply is stamped before its request: the capturing host's clock stepped back)";
}

std::string format_capture_time(std::int64_t timestamp_ns) {
  constexpr std::int64_t kNsPerSecond = 1'000'000'000;
  // Floored, so that a time before 1970 still has 0 to 999999999 ns.
  std::int64_t seconds = timestamp_ns / kNsPerSecond;
  std::int64_t nanoseconds = timestamp_ns % kNsPerSecond;
  if (nanoseconds < 0) {
    nanoseconds += kNsPerSecond;
    --seconds;
  }
  const auto whole = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (gmtime_r(&whole, &utc) == nullptr) return fmt::format("{} s since 1970", seconds);
  // Microseconds, as tcpdump prints them, unless the file holds more.
  if (nanoseconds % 1000 == 0) {
    return fmt::format("{:%Y-%m-%d %H:%M:%S}.{:06} UTC", utc, nanoseconds / 1000);
  }
  return fmt::format("{:%Y-%m-%d %H:%M:%S}.{:09} UTC", utc, nanoseconds);
}

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "packet 3: 98 bytes, 2026-12-02 15:50:01.123456 UTC (+1.000123 s)"
std::string frame_line(const Frame& f, std::optional<std::int64_t> first_ns, const Style& style) {
  const FrameOrigin& o = f.origin;
  std::string out = style.heading(fmt::format("packet {}", o.number)) + ": ";
  if (f.cut()) {
    out += style.bad(fmt::format("{} of {} bytes kept by the snap length", o.captured_length,
                                 o.original_length));
  } else {
    out += plural(o.captured_length, "byte", "bytes");
  }
  if (o.timestamp_ns) {
    out += ", " + format_capture_time(*o.timestamp_ns);
    if (first_ns) {
      // "+": after the first frame; "-": before it, the clock stepped back.
      out += fmt::format(" ({:+.6f} s)", static_cast<double>(*o.timestamp_ns - *first_ns) / 1e9);
    }
  }
  return out + "\n";
}

std::string frame_text(const Frame& f, std::optional<std::int64_t> first_ns,
                       const RenderOptions& options) {
  std::string out = frame_line(f, first_ns, options.style);
  if (!f.decoded) {
    return out + "  " + options.style.bad("cannot be decoded: " + f.decoded.error().message) + "\n";
  }
  return out + decoded_body(*f.decoded, options);
}

// "ICMP 10.0.0.1 > 10.0.0.2, id 0x1234, seq 1"
std::string echo_text(const DecodedPacket& request) {
  return fmt::format("{} {} > {}, id {}, seq {}", icmp_name(request.family()), request.source(),
                     request.destination(), hex16(*request.icmp->identifier),
                     *request.icmp->sequence);
}

std::string pairs_text(const DecodedCapture& c, const Style& style) {
  std::string out;
  if (!c.pairs.empty()) {
    out += "\n" +
           section("echo pairs", "each request and its reply, by identifier and sequence", style);
  }
  for (const EchoPair& pair : c.pairs) {
    const Frame& request = c.frames[pair.request];
    const Frame& reply = c.frames[pair.reply];
    out += fmt::format("  packet {} -> packet {}: {}", request.origin.number, reply.origin.number,
                       echo_text(*request.decoded));
    if (pair.rtt_ns) out += ", rtt " + rtt_text(*pair.rtt_ns);
    if (pair.duplicate) out += " " + style.bad("DUP!") + " (a second reply)";
    out += "\n";
  }
  for (const std::size_t index : c.unanswered) {
    const Frame& request = c.frames[index];
    out += fmt::format("  packet {}: {}: no reply in the capture\n", request.origin.number,
                       echo_text(*request.decoded));
  }
  return out;
}

}  // namespace

std::string render_capture(const DecodedCapture& c, const RenderOptions& options) {
  const Style& style = options.style;
  std::string out =
      style.heading(c.source) + fmt::format(": {}, link type {}\n", c.format, c.link_type);
  std::optional<std::int64_t> first_ns;
  for (const Frame& f : c.frames) {
    if (!first_ns) first_ns = f.origin.timestamp_ns;
    out += "\n" + frame_text(f, first_ns, options);
  }
  out += pairs_text(c, style);
  const auto broken = static_cast<std::size_t>(std::count_if(
      c.frames.begin(), c.frames.end(), [](const Frame& f) { return !f.decoded.has_value(); }));
  out += fmt::format("\n{} decoded", plural(c.frames.size() - broken, "ICMP or ICMPv6 packet",
                                            "ICMP or ICMPv6 packets"));
  if (broken != 0) out += fmt::format(", {} could not be (see above)", broken);
  out += fmt::format("; {} skipped, neither ICMP nor ICMPv6",
                     plural(c.skipped, "other packet", "other packets"));
  if (c.filtered_out != 0) {
    out += fmt::format("; {} left out by --filter", plural(c.filtered_out, "packet", "packets"));
  }
  return out + "\n";
}

namespace {

// ICMPv6: why the one-word update is enough although the checksum also
// covers the addresses.
std::string pseudo_header_lines(const ReplyExplanation& r, const Style& style) {
  const Ipv6Header& request = *r.request.ipv6();
  std::string out =
      section("the pseudo-header", "RFC 8200 8.1: the addresses are in the ICMPv6 checksum", style);
  const std::size_t length = r.reply_icmp.size();
  out += fmt::format("  request  {} > {}, {} bytes, next header 58: sums to {}\n", request.source,
                     request.destination, length, hex16(*r.request_pseudo_header_sum));
  if (r.reply_source.is_unspecified()) {
    out += fmt::format(
        "  reply    from a unicast address of the receiving interface, which the kernel picks "
        "(RFC 4443 4.2): {} went to a multicast group\n",
        request.destination);
    return out;
  }
  out += fmt::format("  reply    {} > {}, {} bytes, next header 58: sums to {}\n", r.reply_source,
                     r.reply_destination, length, hex16(*r.reply_pseudo_header_sum));
  out +=
      "  the reply swaps source and destination, which only reorders the words, and one's\n"
      "  complement addition does not care about order (RFC 1071 2(A)): the pseudo-header adds\n"
      "  the same to both checksums, so eqn. 3 over the one changed word holds for ICMPv6 too\n";
  return out;
}

std::string full_recomputation_lines(const ReplyExplanation& r, const Style& style) {
  const bool v6 = r.request.family() == wire::IpFamily::kIpv6;
  std::string out = "  " + style.heading("1. full recomputation (RFC 1071)") +
                    fmt::format(" over the reply's {}{} bytes, checksum field set to 0:\n",
                                v6 ? "pseudo-header and its " : "", r.reply_icmp.size());
  out += fmt::format("      {} words sum to {}\n", r.full.words.size(), hex32(r.full.sum));
  for (const CarryFold& f : r.full.folds) out += fmt::format("      fold   {}\n", fold_text(f));
  out += fmt::format("      checksum = ~{} = {}\n", hex16(r.full.folded),
                     style.heading(hex16(r.full.checksum)));
  if (v6) {
    const Ipv6PseudoHeader& p = *r.full.pseudo_header;
    out += fmt::format(
        "      (every word: icmp-lab checksum --ipv6-src {} --ipv6-dst {} with the reply "
        "ICMPv6 message below, checksum 0000)\n",
        p.source, p.destination);
  } else {
    out +=
        "      (every word: icmp-lab checksum with the reply ICMP message below, checksum "
        "0000)\n";
  }
  return out;
}

std::string agreement_lines(const ReplyExplanation& r, const Style& style) {
  std::string out;
  if (r.full.checksum == r.incremental.eqn3) {
    out += fmt::format(
        "  the recomputation and eqn. 3 agree: {}; pong writes {}, and the reply "
        "{}\n",
        hex16(r.full.checksum), hex16(r.new_checksum),
        r.reply_verifies ? style.good("verifies") +
                               (r.full.pseudo_header ? " (with its pseudo-header it sums to 0xffff)"
                                                     : " (it sums to 0xffff)")
                         : style.bad("does NOT verify"));
  } else {
    out += fmt::format(
        "  {}: the recomputation gives {}, eqn. 3 gives {}, and pong writes {}. Every byte "
        "of this reply is zero, the one case RFC 1624 section 3 sets aside; the reply pong "
        "builds {}\n",
        style.bad("the two disagree"), hex16(r.full.checksum), hex16(r.incremental.eqn3),
        hex16(r.new_checksum),
        r.reply_verifies ? style.good("verifies") : style.bad("does NOT verify"));
  }
  if (r.request.family() == wire::IpFamily::kIpv6) {
    out += r.reply_source.is_unspecified()
               ? "  the values above use the request's addresses: on a raw ICMPv6 socket the "
                 "kernel computes the\n  checksum itself when pong sends (RFC 3542 3.1), over the "
                 "pseudo-header with the source it picks\n"
               : "  on a raw ICMPv6 socket the kernel computes the checksum itself when pong "
                 "sends (RFC 3542 3.1),\n  over the same pseudo-header: the same value\n";
  }
  return out;
}

// 16 bytes a line; under a line with changed bytes, carets point at them.
std::string marked_icmp_lines(const ReplyExplanation& r, const Style& style) {
  std::string out;
  for (std::size_t start = 0; start < r.reply_icmp.size(); start += 16) {
    std::string hex = "  ";
    std::string carets = "  ";
    bool changed = false;
    for (std::size_t i = start; i < std::min(start + 16, r.reply_icmp.size()); ++i) {
      if (i != start && i % 2 == 0) {
        hex += ' ';
        carets += ' ';
      }
      const std::string byte = fmt::format("{:02x}", r.reply_icmp[i]);
      const bool differs = r.reply_icmp[i] != r.request_icmp[i];
      changed = changed || differs;
      hex += differs ? style.changed(byte) : byte;
      carets += differs ? "^^" : "  ";
    }
    out += hex + '\n';
    if (changed) {
      while (carets.back() == ' ') carets.pop_back();
      out += carets + '\n';
    }
  }
  return out;
}

}  // namespace

std::string render_reply(const ReplyExplanation& r, const Capture& capture, std::size_t number,
                         const RenderOptions& options) {
  const Style& style = options.style;
  const IcmpMessage& req = *r.request.icmp;
  const wire::IpFamily family = r.request.family();
  const bool v6 = family == wire::IpFamily::kIpv6;
  const std::string_view rfc = v6 ? "RFC 4443 4.2" : "RFC 792";
  std::string out = capture_line(capture, number, capture.bytes.size(), style);
  out += fmt::format("  echo request {} > {}: id {}, seq {}, {} data bytes, checksum {}\n\n",
                     r.request.source(), r.request.destination(), req.identifier.value_or(0),
                     req.sequence.value_or(0), req.data.size(), hex16(r.old_checksum));

  const std::string reply_source =
      r.reply_source.is_unspecified() ? "(the kernel's choice)" : fmt::format("{}", r.reply_source);
  out += section(
      "pong's reply",
      fmt::format("{} > {}: the addresses swapped ({})", reply_source, r.reply_destination, rfc),
      style);
  out +=
      fmt::format("  the one word that changes: {} bytes 0-1, type and code\n", icmp_name(family));
  const auto type_code = [family](std::uint16_t word) {
    const IcmpType type = IcmpType::from_wire(family, static_cast<std::uint8_t>(word >> 8));
    return fmt::format("type {} ({}), code {}", type.value(), icmp_type_label(type), word & 0xFF);
  };
  out += fmt::format("    request  {:02x} {:02x}  m  = {}  {}\n", r.old_word >> 8,
                     r.old_word & 0xFF, hex16(r.old_word), type_code(r.old_word));
  out +=
      fmt::format("    reply    {}  m' = {}  {}\n",
                  style.changed(fmt::format("{:02x} {:02x}", r.new_word >> 8, r.new_word & 0xFF)),
                  hex16(r.new_word), type_code(r.new_word));
  out += fmt::format(
      "  identifier, sequence number and data go back unchanged ({}); then the checksum\n\n", rfc);
  if (v6) out += pseudo_header_lines(r, style) + '\n';

  out += section("new checksum", "computed two ways", style);
  out += full_recomputation_lines(r, style);
  out += "  " + style.heading("2. incremental update") +
         " from the request's checksum HC and the changed word m -> m':\n";
  out += render_incremental(r.incremental, options, "    ");
  out += '\n';
  out += agreement_lines(r, style);
  out += '\n';
  out += render_rfc1624_example(rfc1624_example(), options);
  out += '\n';

  out += section(fmt::format("reply {} message", icmp_name(family)),
                 fmt::format("{} bytes, changed bytes marked", r.reply_icmp.size()), style);
  out += marked_icmp_lines(r, style);
  if (r.reply_datagram.empty()) return out;
  out += section(v6 ? "reply packet" : "reply datagram",
                 fmt::format("for icmp-lab decode: the request's {} header, addresses swapped (the "
                             "kernel builds the real one)",
                             v6 ? "IPv6" : "IP"),
                 style);
  std::string datagram = format_hex_groups(r.reply_datagram);
  out += "  ";
  for (const char c : datagram) {
    out += c;
    if (c == '\n') out += "  ";
  }
  out += '\n';
  return out;
}

std::string render_crafted(const CraftedRequest& request, const CraftOptions& options,
                           bool icmp_only, bool hex_only, bool sending) {
  std::string out;
  const bool v6 = request.family == wire::IpFamily::kIpv6;
  if (!hex_only) {
    const std::string_view correct = v6 ? "correct, pseudo-header included" : "correct";
    std::string checksum_text =
        request.checksum_valid
            ? fmt::format("checksum {} ({})", hex16(request.checksum), correct)
            : fmt::format("checksum {} (deliberately wrong; the right one is {})",
                          hex16(request.checksum), hex16(request.correct_checksum));
    const std::string route = sending ? fmt::format("to {}", options.destination)
                                      : fmt::format("{} > {}", options.source, options.destination);
    const std::string_view only =
        !icmp_only || sending
            ? ""
            : (v6 ? "; the ICMPv6 message only (its checksum also covers the pseudo-header)"
                  : "; the ICMP message only");
    out += fmt::format(
        "# {} echo request {}: id {}, seq {}, {} data bytes{}, {}{}\n", icmp_name(request.family),
        route, options.identifier, options.sequence, options.data.size(),
        options.data.empty() ? "" : " " + describe_data(options.data), checksum_text, only);
  }
  out += format_hex_groups(icmp_only ? request.icmp() : request.datagram) + '\n';
  return out;
}

}  // namespace pong::lab
