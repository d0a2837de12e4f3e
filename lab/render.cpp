#include "render.hpp"

#include <fmt/format.h>

#include "sys/format.hpp"

namespace pong::lab {
namespace {

constexpr std::size_t kNameWidth = 18;
constexpr std::size_t kValueWidth = 14;
// Above these, the middle of a long listing is left out unless asked for.
constexpr std::size_t kWordsShownInFull = 64;
constexpr std::size_t kBytesShownInFull = 512;

std::string h16(std::uint32_t v) {
  return fmt::format("0x{:04x}", v);
}
std::string h32(std::uint32_t v) {
  return fmt::format("0x{:08x}", v);
}

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

std::string checksum_note(const ChecksumCheck& c, std::string_view what, const Style& style) {
  if (c.valid) return style.good("valid") + fmt::format(": {} sums to 0xffff", what);
  return style.bad("INVALID") + fmt::format(": {} sums to {}, not 0xffff; the right value is {}",
                                            what, h16(c.sum), h16(c.expected));
}

std::string fold_text(const CarryFold& f) {
  return fmt::format("{} -> {} + {} = {}", h32(f.before), h16(f.low), h16(f.carry), h16(f.after));
}

std::string flags_note(const Ipv4Header& h) {
  std::vector<std::string> set;
  if (h.reserved_flag) set.emplace_back("reserved bit set (RFC 791: must be zero)");
  if (h.dont_fragment) set.emplace_back("DF (don't fragment)");
  if (h.more_fragments) set.emplace_back("MF (more fragments)");
  if (set.empty()) return "none set";
  return fmt::format("{}", fmt::join(set, ", "));
}

void ipv4_rows(std::string& out, std::string_view indent, const Ipv4Header& h, bool quoted,
               std::size_t trailing, const Style& style) {
  row(out, indent, "version", fmt::format("{}", h.version));
  row(out, indent, "IHL", fmt::format("{}", h.ihl),
      fmt::format("x 4 = {} bytes of header", h.header_length));
  row(out, indent, "TOS", fmt::format("0x{:02x}", h.tos),
      fmt::format("DSCP {}, ECN {}", h.tos >> 2, h.tos & 3));
  std::string total_note = quoted ? "bytes in the original datagram" : "bytes, header included";
  if (trailing > 0) {
    total_note +=
        fmt::format("; the {} bytes after it (link-layer padding) are not part of it", trailing);
  }
  row(out, indent, "total length", fmt::format("{}", h.total_length), total_note);
  row(out, indent, "identification", fmt::format("{}", h.identification),
      fmt::format("0x{:04x}", h.identification));
  row(out, indent, "flags",
      fmt::format("0b{:d}{:d}{:d}", h.reserved_flag, h.dont_fragment, h.more_fragments),
      flags_note(h));
  row(out, indent, "fragment offset", fmt::format("{}", h.fragment_offset),
      h.fragment_offset == 0 ? ""
                             : fmt::format("x 8 = byte {}", std::size_t{h.fragment_offset} * 8));
  row(out, indent, "TTL", fmt::format("{}", h.ttl));
  row(out, indent, "protocol", fmt::format("{}", h.protocol),
      std::string(ip_protocol_name(h.protocol)));
  row(out, indent, "header checksum", h16(h.checksum.value),
      checksum_note(h.checksum, "the header", style));
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

std::string section(std::string_view title, std::string_view detail, const Style& style) {
  std::string line = style.heading(title);
  if (!detail.empty()) {
    line.append(title.size() + 2 < kNameWidth + 2 ? kNameWidth + 2 - title.size() : 2, ' ');
    line += detail;
  }
  return line + '\n';
}

void quoted_rows(std::string& out, const QuotedDatagram& q, const Style& style) {
  if (!q.header) {
    out += fmt::format("  {}\n", q.problem);
    return;
  }
  ipv4_rows(out, "  ", *q.header, true, 0, style);
  const QuotedTransport& t = q.transport;
  const std::string_view proto = ip_protocol_name(q.header->protocol);
  if (q.leading.empty()) {
    out += "  (none of its data is quoted)\n";
    return;
  }
  out += fmt::format("  {} of its data: {}\n",
                     q.leading.size() == 1 ? "1 byte" : fmt::format("{} bytes", q.leading.size()),
                     format_hex_groups(q.leading, 0));
  if (t.icmp_type) {
    row(out, "    ", "ICMP type", fmt::format("{}", *t.icmp_type), icmp_type_label(*t.icmp_type));
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

void icmp_rows(std::string& out, const IcmpMessage& m, const RenderOptions& options) {
  const Style& style = options.style;
  row(out, "  ", "type", fmt::format("{}", m.type), icmp_type_label(m.type));
  row(out, "  ", "code", fmt::format("{}", m.code), icmp_code_label(m.type, m.code));
  if (m.checksum) {
    row(out, "  ", "checksum", h16(m.checksum_field),
        checksum_note(*m.checksum, "the message", style));
  } else {
    row(out, "  ", "checksum", h16(m.checksum_field), "not checkable in a fragment");
  }
  if (m.identifier) {
    row(out, "  ", "identifier", fmt::format("{}", *m.identifier),
        fmt::format("0x{:04x}", *m.identifier));
    row(out, "  ", "sequence number", fmt::format("{}", *m.sequence),
        fmt::format("0x{:04x}", *m.sequence));
  } else if (m.next_hop_mtu) {
    row(out, "  ", "next-hop MTU", fmt::format("{}", *m.next_hop_mtu), "RFC 1191");
  } else if (m.gateway) {
    row(out, "  ", "gateway", fmt::format("{}", *m.gateway), "the better first hop");
  } else if (m.pointer) {
    row(out, "  ", "pointer", fmt::format("{}", *m.pointer),
        fmt::format("the error is at octet {} of the quoted header", *m.pointer));
  } else if (m.type == 3 || m.type == 4 || m.type == 11) {
    row(out, "  ", "unused", fmt::format("0x{:08x}", m.rest_of_header));
  } else {
    row(out, "  ", "rest of header", fmt::format("0x{:08x}", m.rest_of_header));
  }
  if (m.timestamps) {
    constexpr const char* names[] = {"originate", "receive", "transmit"};
    for (std::size_t i = 0; i < 3; ++i) {
      row(out, "  ", names[i], fmt::format("{}", (*m.timestamps)[i]), "ms since midnight UT");
    }
  }
  if (m.address_mask) row(out, "  ", "address mask", fmt::format("{}", *m.address_mask));

  if (m.quoted) {
    out += '\n';
    out += section("quoted datagram",
                   fmt::format("{} bytes: the original IP header and the first 8 bytes of its data "
                               "(RFC 792)",
                               m.data.size()),
                   style);
    quoted_rows(out, *m.quoted, style);
  } else if (!m.data.empty() || m.type == 0 || m.type == 8) {
    out += '\n';
    out += section("data",
                   fmt::format("{} bytes{}", m.data.size(),
                               m.data.empty() ? "" : ": " + describe_data(m.data)),
                   style);
    out += render_bytes(m.data, "  ", options.everything);
  }
  for (const std::string& note : m.notes) out += fmt::format("  note: {}\n", note);
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
  out += fmt::format(": {} 16-bit word{}{}\n\n", n, n == 1 ? "" : "s",
                     verify ? ", checksum field included" : "");
  out += "  word  offset  bytes   value   running 32-bit sum\n";
  const bool cut = !options.everything && n > kWordsShownInFull;
  const std::size_t head = cut ? 24 : n;
  const std::size_t tail = cut ? 8 : 0;
  bool padded = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (cut && i == head) {
      out += fmt::format("  ... {} more words (--all shows them) ...\n", n - head - tail);
    }
    if (cut && i >= head && i < n - tail) continue;
    const ChecksumWord& w = steps.words[i];
    const std::string pair =
        w.padded ? fmt::format("{:02x} 00*", bytes[w.offset])
                 : fmt::format("{:02x} {:02x} ", bytes[w.offset], bytes[w.offset + 1]);
    padded = padded || w.padded;
    out += fmt::format("  {:>4}  {:>6}  {}  {}  {}\n", i + 1, w.offset, pair, h16(w.value),
                       h32(w.running));
  }
  if (padded) {
    out += "  * an odd last byte is paired with a zero low byte (RFC 1071 4.1)\n";
  }
  out += '\n';
  if (steps.folds.empty()) {
    out += fmt::format("  no carry to fold: the sum {} already fits in 16 bits\n", h32(steps.sum));
  } else {
    out += "  fold each carry back into the low 16 bits (end-around carry):\n";
    for (const CarryFold& f : steps.folds) out += fmt::format("    {}\n", fold_text(f));
  }
  out += fmt::format("  one's complement sum: {}\n", h16(steps.folded));
  if (!verify) {
    out += fmt::format("  checksum = ~{} = {}\n", h16(steps.folded),
                       style.heading(h16(steps.checksum)));
    return out;
  }
  if (steps.verifies()) {
    out += fmt::format("  {}: with its checksum included, the data sums to 0xffff (RFC 1071)\n",
                       style.good("valid"));
  } else {
    out += fmt::format("  {}: the sum is {}, not 0xffff: the checksum field or the data is wrong\n",
                       style.bad("INVALID"), h16(steps.folded));
  }
  return out;
}

std::string render_incremental(const IncrementalUpdate& u, const RenderOptions& options,
                               std::string_view indent) {
  const Style& style = options.style;
  std::string body;
  std::string& out = body;
  const auto sum_lines = [&](const OnesComplementSum& s) {
    out += fmt::format("      sum  = {}\n", h32(s.sum));
    for (const CarryFold& f : s.folds) out += fmt::format("      fold   {}\n", fold_text(f));
  };
  out += style.heading("RFC 1624 eqn. 3, what pong runs:") + " HC' = ~(~HC + ~m + m')\n";
  out += fmt::format("      ~HC  = ~{} = {}\n", h16(u.old_checksum), h16(u.eqn3_sum.terms[0]));
  out += fmt::format("      ~m   = ~{} = {}\n", h16(u.old_word), h16(u.eqn3_sum.terms[1]));
  out += fmt::format("       m'  =          {}\n", h16(u.new_word));
  sum_lines(u.eqn3_sum);
  out += fmt::format("      HC'  = ~{} = {}\n", h16(u.eqn3_sum.folded), style.heading(h16(u.eqn3)));
  out += style.heading("RFC 1141's older equation (RFC 1624 eqn. 2):") + " HC' = HC + m + ~m'\n";
  out += fmt::format("       HC  =          {}\n", h16(u.old_checksum));
  out += fmt::format("       m   =          {}\n", h16(u.old_word));
  out += fmt::format("      ~m'  = ~{} = {}\n", h16(u.new_word), h16(u.rfc1141_sum.terms[2]));
  sum_lines(u.rfc1141_sum);
  out += fmt::format("      HC'  = {}\n", style.heading(h16(u.rfc1141)));
  if (u.eqn3 == u.rfc1141) {
    out += fmt::format("  both give {}\n", h16(u.eqn3));
  } else {
    out += fmt::format(
        "  they differ: eqn. 3 gives {}, RFC 1141 gives {}.\n"
        "  0x0000 and 0xffff are +0 and -0, one number in one's complement, but a checksum\n"
        "  computed from scratch is 0xffff only when every byte it covers is zero (RFC 1624 3)\n",
        h16(u.eqn3), h16(u.rfc1141));
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
                     h16(e.others), h16(e.old_word), h16(e.new_word));
  out += fmt::format("  old checksum  HC  = ~({} + {}) = ~{} = {}\n", h16(e.others),
                     h16(e.old_word), h16(e.old_sum.folded), h16(e.old_checksum));
  out += fmt::format("  recomputed    HC' = ~({} + {}) = ~{} = {}\n", h16(e.others),
                     h16(e.new_word), h16(e.new_sum.folded), style.heading(h16(e.recomputed)));
  out += fmt::format("  RFC 1141      HC' = {} + {} + ~{} = {}   {}\n", h16(e.old_checksum),
                     h16(e.old_word), h16(e.new_word), h16(u.rfc1141),
                     u.rfc1141 == e.recomputed
                         ? style.good("right")
                         : style.bad("wrong") + ": -0, where the recomputation gives +0");
  out +=
      fmt::format("  eqn. 3        HC' = ~(~{} + ~{} + {}) = ~({} + {} + {}) = ~{} = {}   {}\n",
                  h16(e.old_checksum), h16(e.old_word), h16(e.new_word), h16(u.eqn3_sum.terms[0]),
                  h16(u.eqn3_sum.terms[1]), h16(u.eqn3_sum.terms[2]), h16(u.eqn3_sum.folded),
                  h16(u.eqn3), u.eqn3 == e.recomputed ? style.good("right") : style.bad("wrong"));
  out +=
      "  RFC 1624 section 3: \"RFC 1141 yields an updated header checksum of -0 when it should "
      "be +0\"\n";
  return out;
}

std::string render_decoded(const DecodedPacket& p, const Capture& capture, std::size_t number,
                           const RenderOptions& options) {
  const Style& style = options.style;
  std::string out = capture_line(capture, number, capture.bytes.size(), style);
  if (p.link.kind != LinkKind::kNone) {
    out += '\n';
    out += section("link layer", p.link.summary, style);
  }
  out += '\n';
  out += section("IPv4 header", fmt::format("{} bytes", p.ip.header_length), style);
  ipv4_rows(out, "  ", p.ip, false, p.trailing_bytes, style);
  for (const std::string& note : p.notes) out += fmt::format("  note: {}\n", note);
  if (p.icmp) {
    out += '\n';
    out += section("ICMP", fmt::format("{} bytes", p.icmp->length), style);
    icmp_rows(out, *p.icmp, options);
  }
  return out;
}

std::string render_reply(const ReplyExplanation& r, const Capture& capture, std::size_t number,
                         const RenderOptions& options) {
  const Style& style = options.style;
  const IcmpMessage& req = *r.request.icmp;
  std::string out = capture_line(capture, number, capture.bytes.size(), style);
  out += fmt::format("  echo request {} > {}: id {}, seq {}, {} data bytes, checksum {}\n\n",
                     r.request.ip.source, r.request.ip.destination, req.identifier.value_or(0),
                     req.sequence.value_or(0), req.data.size(), h16(r.old_checksum));

  out += section(
      "pong's reply",
      fmt::format("{} > {}: the addresses swapped (RFC 792)", r.reply_source, r.reply_destination),
      style);
  out += "  the one word that changes: ICMP bytes 0-1, type and code\n";
  const auto type_code = [](std::uint16_t word) {
    const auto type = static_cast<std::uint8_t>(word >> 8);
    const auto code = static_cast<std::uint8_t>(word & 0xFF);
    return fmt::format("type {} ({}), code {}", type, icmp_type_label(type), code);
  };
  out += fmt::format("    request  {:02x} {:02x}  m  = {}  {}\n", r.old_word >> 8,
                     r.old_word & 0xFF, h16(r.old_word), type_code(r.old_word));
  out +=
      fmt::format("    reply    {}  m' = {}  {}\n",
                  style.changed(fmt::format("{:02x} {:02x}", r.new_word >> 8, r.new_word & 0xFF)),
                  h16(r.new_word), type_code(r.new_word));
  out +=
      "  identifier, sequence number and data go back unchanged (RFC 792); then the checksum\n\n";

  out += section("new checksum", "computed two ways", style);
  out += "  " + style.heading("1. full recomputation (RFC 1071)") +
         fmt::format(" over the reply's {} bytes, checksum field set to 0:\n", r.reply_icmp.size());
  out += fmt::format("      {} words sum to {}\n", r.full.words.size(), h32(r.full.sum));
  for (const CarryFold& f : r.full.folds) out += fmt::format("      fold   {}\n", fold_text(f));
  out += fmt::format("      checksum = ~{} = {}\n", h16(r.full.folded),
                     style.heading(h16(r.full.checksum)));
  out += "      (every word: icmp-lab checksum with the reply ICMP message below, checksum 0000)\n";
  out += "  " + style.heading("2. incremental update") +
         " from the request's checksum HC and the changed word m -> m':\n";
  out += render_incremental(r.incremental, options, "    ");
  out += '\n';
  if (r.full.checksum == r.incremental.eqn3) {
    out += fmt::format(
        "  the recomputation and eqn. 3 agree: {}; pong writes {}, and the reply "
        "{}\n",
        h16(r.full.checksum), h16(r.new_checksum),
        r.reply_verifies ? style.good("verifies") + " (it sums to 0xffff)"
                         : style.bad("does NOT verify"));
  } else {
    out += fmt::format(
        "  {}: the recomputation gives {}, eqn. 3 gives {}, and pong writes {}. Every byte "
        "of this reply is zero, the one case RFC 1624 section 3 sets aside; the reply pong "
        "builds {}\n",
        style.bad("the two disagree"), h16(r.full.checksum), h16(r.incremental.eqn3),
        h16(r.new_checksum),
        r.reply_verifies ? style.good("verifies") : style.bad("does NOT verify"));
  }
  out += '\n';
  out += render_rfc1624_example(rfc1624_example(), options);
  out += '\n';

  out += section("reply ICMP message",
                 fmt::format("{} bytes, changed bytes marked", r.reply_icmp.size()), style);
  // 16 bytes a line; under a line with changed bytes, carets point at them.
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
  out += section("reply datagram",
                 "for icmp-lab decode: the request's IP header, addresses swapped (the kernel "
                 "builds the real one)",
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
  if (!hex_only) {
    std::string checksum_text =
        request.checksum_valid
            ? fmt::format("checksum {} (correct)", h16(request.checksum))
            : fmt::format("checksum {} (deliberately wrong; the right one is {})",
                          h16(request.checksum), h16(request.correct_checksum));
    const std::string route = sending ? fmt::format("to {}", options.destination)
                                      : fmt::format("{} > {}", options.source, options.destination);
    out += fmt::format("# ICMP echo request {}: id {}, seq {}, {} data bytes{}, {}{}\n", route,
                       options.identifier, options.sequence, options.data.size(),
                       options.data.empty() ? "" : " " + describe_data(options.data), checksum_text,
                       icmp_only && !sending ? "; the ICMP message only" : "");
  }
  out += format_hex_groups(icmp_only ? request.icmp() : request.datagram) + '\n';
  return out;
}

}  // namespace pong::lab
