#include "html_page.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "checksum_steps.hpp"
#include "field_layout.hpp"
#include "incremental.hpp"
#include "render.hpp"
#include "sys/format.hpp"

namespace pong::lab {
namespace {

// RFC 791 3.1 and RFC 792 draw headers 32 bits to a line.
constexpr std::size_t kBitsPerRow = 32;
constexpr std::size_t kFieldColours = 8;  // the palette the style sheet defines
// The byte grid: 16 bytes a row, as tcpdump -X and Wireshark show them; a
// long datagram shows its first and last rows only (render.cpp's listing
// cuts at the same length).
constexpr std::size_t kBytesPerRow = 16;
constexpr std::size_t kBytesShownInFull = 512;
constexpr std::size_t kHeadRows = 16;
constexpr std::size_t kTailRows = 4;
// The checksum tables: the first 64 words of the message (after an IPv6
// pseudo-header's 20) and the last 8.
constexpr std::size_t kWordsShownInFull = 64;
constexpr std::size_t kTailWords = 8;
constexpr std::size_t kIcmpChecksumOffset = 2;  // RFC 792, RFC 4443 2.1

using Out = std::back_insert_iterator<std::string>;

// ---- what each frame is to the capture ------------------------------------

// The page's view of one capture: which pair each frame is in, and the
// first timestamp, for times relative to it.
struct CaptureIndex {
  std::vector<const EchoPair*> pair_of_request;  // by frame index
  std::vector<const EchoPair*> pair_of_reply;
  std::vector<bool> unanswered;
  std::optional<std::int64_t> first_timestamp_ns;

  explicit CaptureIndex(const DecodedCapture& c)
      : pair_of_request(c.frames.size()),
        pair_of_reply(c.frames.size()),
        unanswered(c.frames.size()) {
    for (const EchoPair& p : c.pairs) {
      if (p.request < c.frames.size()) pair_of_request[p.request] = &p;
      if (p.reply < c.frames.size()) pair_of_reply[p.reply] = &p;
    }
    for (const std::size_t i : c.unanswered) {
      if (i < c.frames.size()) unanswered[i] = true;
    }
    for (const Frame& f : c.frames) {
      if (f.origin.timestamp_ns) {
        first_timestamp_ns = f.origin.timestamp_ns;
        break;
      }
    }
  }
};

// A frame's number as the page shows it and its anchor: the record in the
// file or the packet in the paste.
std::size_t frame_number(const DecodedCapture& c, std::size_t index) {
  const std::size_t number = c.frames[index].origin.number;
  return number != 0 ? number : index + 1;
}
std::string frame_anchor(const DecodedCapture& c, std::size_t index) {
  return fmt::format("frame-{}", frame_number(c, index));
}
// Whether the page shows frame `index` at all, drawn or listed.
bool on_page(std::size_t index) {
  return index < kFramesDrawnInFull + kFramesListed;
}
// A link to the frame, or its name alone when the page leaves it out.
std::string frame_link(const DecodedCapture& c, std::size_t index) {
  if (!on_page(index)) return fmt::format("packet {}", frame_number(c, index));
  return fmt::format("<a href=\"#{}\">packet {}</a>", frame_anchor(c, index),
                     frame_number(c, index));
}

// "172.22.0.2 > 172.22.0.3: ICMP echo request, id 4660, seq 1", or why the
// frame could not be decoded.
std::string frame_summary(const Frame& f) {
  if (!f.decoded) return fmt::format("not decoded: {}", f.decoded.error().message);
  const DecodedPacket& p = *f.decoded;
  std::string out = fmt::format("{} > {}: ", p.source(), p.destination());
  if (!p.icmp) {
    const std::uint8_t protocol = p.ipv4() ? p.ipv4()->protocol : p.ipv6()->next_header;
    return out + fmt::format("protocol {} ({})", protocol, ip_protocol_name(protocol));
  }
  out += fmt::format("{} {}", icmp_name(p.family()), icmp_type_label(p.icmp->type));
  if (p.icmp->identifier) {
    out += fmt::format(", id {}, seq {}", *p.icmp->identifier, p.icmp->sequence.value_or(0));
  }
  return out;
}

// "2024-05-01 04:33:59.887458000 UTC (+0.182 ms)", the time since the
// capture's first timestamp in brackets; empty without a timestamp.
std::string time_text(const FrameOrigin& o, std::optional<std::int64_t> first_ns) {
  if (!o.timestamp_ns) return "";
  std::string out = format_capture_time(*o.timestamp_ns);
  if (first_ns) {
    // A frame stamped before the first (the clock stepped back) is "-".
    const std::int64_t since_first = *o.timestamp_ns - *first_ns;
    out += fmt::format(" ({}{})", since_first >= 0 ? "+" : "", milliseconds_text(since_first));
  }
  return out;
}

// ---- the page's style and script ------------------------------------------

constexpr std::string_view kStyle = R"css(
:root{--c0:#cfe3ff;--c1:#ffe0b5;--c2:#d2f1cc;--c3:#f7d1e5;--c4:#e2d9ff;--c5:#fff2a6;
--c6:#c4eeeb;--c7:#f2d5c4;--bad:#b00020;--good:#17692b;--hl:#1a56c8}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#111;background:#fff;max-width:82em;margin:1.5em auto;padding:0 1em}
h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.25em;margin:0 0 .4em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
code,.mono,table.diagram,.bytes,table.sum,table.incr,table.list{
font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace}
a{color:#1a4fa8}
table.facts,table.pairs,table.list{border-collapse:collapse;margin:.4em 0 1em}
table.facts th,table.facts td,table.pairs th,table.pairs td,table.list th,table.list td{
text-align:left;padding:.15em .8em .15em 0;border-bottom:1px solid #e4e4e4;vertical-align:top}
.legend{background:#f6f7f9;border:1px solid #dde;padding:.5em .8em;font-size:.9em}
.frame{border-top:3px solid #333;margin-top:2em;padding-top:.8em}
.meta{margin:.2em 0 .6em;color:#333}.meta span{margin-right:1.4em}
.caption{font-style:italic}
.bad,.error,.problem .fm{color:var(--bad)}.error{font-weight:600}.good{color:var(--good)}
ul.notes{margin:.3em 0;padding-left:1.2em}
table.diagram{border-collapse:collapse;table-layout:fixed;width:100%;max-width:66em;
font-size:12px;line-height:1.25}
table.diagram th.bit{font-weight:normal;color:#555;padding:0;text-align:center}
table.diagram tr.part th{text-align:left;padding:.7em 0 .2em;
font:600 13px system-ui,sans-serif}
table.diagram td{border:1px solid #444;text-align:center;vertical-align:middle;
padding:3px 2px;height:3.6em;overflow-wrap:anywhere;background:var(--a,#fff)}
table.diagram td.gap{background:#f3f3f3;border-style:dashed}
table.diagram td.cut{background:#fde8ec;color:var(--bad);font-weight:600}
.fn{display:block;font-weight:700}.fv{display:block}.fm{display:block;font-size:11px;color:#333}
td.problem{outline:2px solid var(--bad);outline-offset:-3px}
.ca0{--a:var(--c0)}.ca1{--a:var(--c1)}.ca2{--a:var(--c2)}.ca3{--a:var(--c3)}
.ca4{--a:var(--c4)}.ca5{--a:var(--c5)}.ca6{--a:var(--c6)}.ca7{--a:var(--c7)}
.cb0{--b:var(--c0)}.cb1{--b:var(--c1)}.cb2{--b:var(--c2)}.cb3{--b:var(--c3)}
.cb4{--b:var(--c4)}.cb5{--b:var(--c5)}.cb6{--b:var(--c6)}.cb7{--b:var(--c7)}
.bytes{font-size:13px;line-height:1.7;margin:.3em 0}
.bytes .row{white-space:pre}
.off{color:#666;margin-right:1.2ch}
.b{display:inline-block;width:2.6ch;text-align:center;margin-right:.5ch;border-radius:2px;
background:var(--a,transparent)}
.b.two{background:linear-gradient(90deg,var(--a) 50%,var(--b) 50%)}
.b.mid{margin-right:1.5ch}.b.link,.b.pad{color:#777}
.asc{margin-left:1.5ch;color:#555}
.b.changed,td.changed,.sample.changed{outline:2px dashed var(--bad);outline-offset:-2px}
.b.recomputed,.sample.recomputed{outline:2px dotted #7a4b00;outline-offset:-2px}
.elided{color:#777;font-style:italic}
.outside{font-size:13px;color:#555;margin:.2em 0}
.b.hl{background:var(--hl);color:#fff}
td.hl,tr.hl td{box-shadow:inset 0 0 0 3px var(--hl)}
td:target{box-shadow:inset 0 0 0 3px var(--hl)}
.status{min-height:1.4em;margin:0;color:#333;font-size:.9em}
.sample{padding:0 .3em}
.sums{display:flex;flex-wrap:wrap;gap:1em 2.5em;align-items:flex-start}
table.sum,table.incr{border-collapse:collapse;font-size:12.5px;margin:.2em 0}
table.sum caption,table.incr caption{text-align:left;font:600 13px system-ui,sans-serif;
padding-bottom:.3em}
table.sum th,table.sum td,table.incr th,table.incr td{padding:.1em .7em;text-align:right;
border-bottom:1px solid #eee}
table.incr td:nth-child(2),table.incr th:nth-child(2){text-align:left}
table.sum tr.part td{text-align:left;color:#555;font-style:italic}
table.sum tr.step td,table.incr tr.step td{background:#f6f7f9}
table.sum tr.total td,table.incr tr.total td{font-weight:700;border-top:2px solid #999}
.verdict{margin:.3em 0 .8em}
@media print{body{max-width:none;margin:0;font-size:11px}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
table.diagram,.bytes,table.incr,.sum-box{break-inside:avoid}.status,.legend{display:none}
td.hl,tr.hl td{box-shadow:none}.b.hl{background:var(--a,transparent);color:inherit}}
)css";

// Hover (or keyboard focus) on a diagram field lights its bytes; on a byte,
// its fields; on a checksum word, its two bytes. A `#frame-N-field-K` in
// the address lights that field. Once its listeners are in place the script
// marks each frame with how many of its fields it found bytes for.
constexpr std::string_view kScript = R"js(
(function () {
  "use strict";
  var HOVERABLE = "[data-field],[data-fields],[data-bytes]";
  var lit = [];
  function clear() {
    lit.forEach(function (e) { e.classList.remove("hl"); });
    lit = [];
  }
  function light(nodes) {
    Array.prototype.forEach.call(nodes, function (e) { e.classList.add("hl"); lit.push(e); });
  }
  function fieldsOf(el) {
    if (el.hasAttribute("data-field")) return [el.getAttribute("data-field")];
    var list = el.getAttribute("data-fields");
    return list ? list.split(" ") : [];
  }
  function show(target) {
    clear();
    var el = target && target.closest ? target.closest(HOVERABLE) : null;
    var frame = el ? el.closest(".frame") : null;
    if (!frame) return;
    light([el]);
    fieldsOf(el).forEach(function (f) {
      light(frame.querySelectorAll('[data-field="' + f + '"]'));
      light(frame.querySelectorAll('.b[data-fields~="' + f + '"]'));
    });
    var bytes = el.getAttribute("data-bytes");
    if (bytes) bytes.split(" ").forEach(function (i) {
      light(frame.querySelectorAll('.b[data-i="' + i + '"]'));
    });
    var status = frame.querySelector(".status");
    if (status) status.textContent = el.getAttribute("title") || describeByte(frame, el);
  }
  function describeByte(frame, el) {
    if (!el.hasAttribute("data-i")) return "";
    var names = fieldsOf(el).map(function (f) {
      var cell = frame.querySelector('td[data-name][data-field="' + f + '"]');
      return cell ? cell.getAttribute("title") : "";
    });
    return "byte " + el.getAttribute("data-i") + ": " + names.join("; ");
  }
  document.addEventListener("mouseover", function (e) { show(e.target); });
  document.addEventListener("focusin", function (e) { show(e.target); });
  document.addEventListener("mouseout", function (e) {
    var to = e.relatedTarget;
    if (!to || !to.closest || !to.closest(HOVERABLE)) clear();
  });
  function fromAddress() {
    var id = location.hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { return; }
    var el = id ? document.getElementById(id) : null;
    if (el && el.hasAttribute("data-field")) show(el);
  }
  window.addEventListener("hashchange", fromAddress);
  document.querySelectorAll(".frame").forEach(function (frame) {
    var linked = 0;
    frame.querySelectorAll("td[data-name]").forEach(function (cell) {
      var f = cell.getAttribute("data-field");
      if (frame.querySelector('.b[data-fields~="' + f + '"]')) linked++;
    });
    frame.setAttribute("data-linked-fields", String(linked));
  });
  document.documentElement.setAttribute("data-script", "ready");
  fromAddress();
})();
)js";

// ---- the capture's summary and its pairs -----------------------------------

void page_start(Out out, const DecodedCapture& c) {
  fmt::format_to(out,
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>icmp-lab: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                 html_escape(c.source), kStyle);
}

void capture_facts(Out out, const DecodedCapture& c) {
  fmt::format_to(out, "<header>\n<h1>icmp-lab decode: {}</h1>\n", html_escape(c.source));
  fmt::format_to(out,
                 "<table class=\"facts\" data-frames=\"{}\" data-skipped=\"{}\" data-pairs=\"{}\" "
                 "data-unanswered=\"{}\">\n",
                 c.frames.size(), c.skipped, c.pairs.size(), c.unanswered.size());
  const auto row = [&](std::string_view name, std::string_view value) {
    fmt::format_to(out, "<tr><th>{}</th><td>{}</td></tr>\n", name, value);
  };
  row("source", html_escape(c.source));
  row("format", html_escape(c.format));
  if (!c.link_type.empty()) row("link type", html_escape(c.link_type));
  row("packets",
      fmt::format("{} (ICMP and ICMPv6, and any that failed to decode)", c.frames.size()));
  row("skipped", fmt::format("{} (packets with neither ICMP nor ICMPv6)", c.skipped));
  row("echo pairs", fmt::format("{} (a request and the reply to it)", c.pairs.size()));
  std::vector<std::string> links;
  for (const std::size_t i : c.unanswered) {
    if (i < c.frames.size() && links.size() < kUnansweredListed) links.push_back(frame_link(c, i));
  }
  std::string unanswered = fmt::format("{}", c.unanswered.size());
  if (!links.empty()) unanswered += fmt::format(": {}", fmt::join(links, ", "));
  if (c.unanswered.size() > links.size()) unanswered += ", ...";
  row("unanswered requests", unanswered);
  fmt::format_to(out, "</table>\n");
  if (c.damage) {
    fmt::format_to(out, "<p class=\"error damage\">{}</p>\n", html_escape(c.damage->message));
  }
  fmt::format_to(
      out,
      "<p class=\"legend\">Each diagram is drawn 32 bits to a row, with the bit "
      "numbers of RFC 791 on top. Hover over a field, or tab to it, to light its bytes "
      "in the grid; hover over a byte to light its fields; hover over a checksum word "
      "to light its two bytes. In a reply, a <span class=\"sample changed\">dashed</span> "
      "outline marks a word that differs from the request and a "
      "<span class=\"sample recomputed\">dotted</span> one the checksum that changed with "
      "it. <span class=\"bad\">Red</span> marks an error.</p>\n</header>\n");
}

// The incremental update a reply's checksum should follow from its
// request's: RFC 1624 eqn. 3 over the type/code word, m -> m'.
// Preconditions: both frames decoded with an ICMP message.
IncrementalUpdate update_for(const DecodedPacket& request, const DecodedPacket& reply) {
  const auto word = [](const IcmpMessage& m) {
    return static_cast<std::uint16_t>(m.type.value() << 8 | m.code);
  };
  return explain_incremental_update(request.icmp->checksum_field, word(*request.icmp),
                                    word(*reply.icmp));
}

// RFC 4443 4.2: a request to a multicast address is answered from a
// unicast address of the interface, so the reply's pseudo-header holds
// other words than the request's, and eqn. 3 over the type word alone
// cannot give its checksum. (An IPv4 reply's checksum covers no address.)
bool pseudo_header_changed(const DecodedPacket& request, const DecodedPacket& reply) {
  return request.family() == wire::IpFamily::kIpv6 && reply.source() != request.destination();
}

const DecodedPacket* icmp_packet(const DecodedCapture& c, std::size_t index) {
  if (index >= c.frames.size() || !c.frames[index].decoded) return nullptr;
  const DecodedPacket& p = *c.frames[index].decoded;
  return p.icmp ? &p : nullptr;
}

void pairs_table(Out out, const DecodedCapture& c) {
  if (c.pairs.empty()) return;
  fmt::format_to(out,
                 "<section id=\"pairs\">\n<h2>Echo pairs</h2>\n<table class=\"pairs\">\n"
                 "<tr><th>request</th><th>reply</th><th>identifier</th><th>sequence</th>"
                 "<th>RTT</th><th>RFC 1624 eqn. 3</th></tr>\n");
  for (std::size_t i = 0; i < std::min(c.pairs.size(), kPairsListed); ++i) {
    const EchoPair& pair = c.pairs[i];
    const DecodedPacket* request = icmp_packet(c, pair.request);
    const DecodedPacket* reply = icmp_packet(c, pair.reply);
    if (request == nullptr || reply == nullptr) continue;
    const IncrementalUpdate u = update_for(*request, *reply);
    const bool matches = u.eqn3 == reply->icmp->checksum_field;
    if (pseudo_header_changed(*request, *reply)) {
      fmt::format_to(out,
                     "<tr data-request=\"{}\" data-reply=\"{}\"><td>{}</td><td>{}</td><td>{}</td>"
                     "<td>{}</td><td>{}</td><td>does not apply: the reply's source is not the "
                     "request's destination</td></tr>\n",
                     frame_number(c, pair.request), frame_number(c, pair.reply),
                     frame_link(c, pair.request), frame_link(c, pair.reply),
                     request->icmp->identifier.value_or(0), request->icmp->sequence.value_or(0),
                     pair.rtt_ns ? rtt_text(*pair.rtt_ns) : "(no timestamps)");
      continue;
    }
    fmt::format_to(out,
                   "<tr data-request=\"{}\" data-reply=\"{}\"><td>{}</td><td>{}</td><td>{}</td>"
                   "<td>{}</td><td>{}</td><td class=\"{}\">{} {} the reply's {}</td></tr>\n",
                   frame_number(c, pair.request), frame_number(c, pair.reply),
                   frame_link(c, pair.request), frame_link(c, pair.reply),
                   request->icmp->identifier.value_or(0), request->icmp->sequence.value_or(0),
                   pair.rtt_ns ? rtt_text(*pair.rtt_ns) : "(no timestamps)",
                   matches ? "good" : "bad", hex16(u.eqn3), matches ? "=" : "&ne;",
                   hex16(reply->icmp->checksum_field));
  }
  if (c.pairs.size() > kPairsListed) {
    fmt::format_to(out, "<tr><td colspan=\"6\" class=\"note\">and {} more pairs</td></tr>\n",
                   c.pairs.size() - kPairsListed);
  }
  fmt::format_to(out, "</table>\n</section>\n");
}
// ---- one frame: what its drawings share ------------------------------------

// Per byte of the datagram, what the reply did to it.
struct ReplyMarks {
  std::vector<bool> changed;     // in a 16-bit word that differs from the request's
  std::vector<bool> recomputed;  // in the checksum word, which changed with it
};

// RFC 792 / RFC 4443 4.2: the reply returns the request's message with the
// type changed (and the checksum with it). Compares the two ICMP messages
// word by word; bytes past the request's end count as changed.
// Preconditions: both packets have an ICMP message.
ReplyMarks reply_marks(const DecodedPacket& request, const DecodedPacket& reply) {
  ReplyMarks m;
  m.changed.assign(reply.datagram.size(), false);
  m.recomputed.assign(reply.datagram.size(), false);
  const auto before = request.payload();
  const auto after = reply.payload();
  const std::size_t base = reply.header_length();
  for (std::size_t word = 0; word < after.size(); word += 2) {
    const std::size_t end = std::min(word + 2, after.size());
    bool differs = end > before.size();
    for (std::size_t i = word; i < end && !differs; ++i) differs = before[i] != after[i];
    if (!differs) continue;
    auto& marks = word == kIcmpChecksumOffset ? m.recomputed : m.changed;
    for (std::size_t i = word; i < end; ++i) marks[base + i] = true;
  }
  return m;
}

// One decoded frame as the page draws it: its fields, the fields each
// byte holds, and for a reply what it changed.
struct FrameView {
  std::string anchor;  // "frame-3"
  const DecodedPacket& packet;
  std::vector<LayoutField> layout;
  std::vector<std::vector<std::size_t>> fields_of_byte;  // by datagram offset
  std::optional<ReplyMarks> marks;

  FrameView(std::string a, const DecodedPacket& p) : anchor(std::move(a)), packet(p) {
    layout = field_layout(p);
    fields_of_byte.resize(p.datagram.size());
    for (std::size_t k = 0; k < layout.size(); ++k) {
      for (std::size_t b = layout[k].first_byte(); b < layout[k].end_byte(); ++b) {
        fields_of_byte[b].push_back(k);
      }
    }
  }

  bool field_changed(std::size_t k) const {
    if (!marks) return false;
    for (std::size_t b = layout[k].first_byte(); b < layout[k].end_byte(); ++b) {
      if (marks->changed[b]) return true;
    }
    return false;
  }
};

// ---- the RFC-style diagram -------------------------------------------------

// RFC 791 3.1's ruler: the tens of each bit number above its units.
void bit_ruler(Out out) {
  fmt::format_to(out, "<colgroup><col span=\"{}\"></colgroup>\n<thead>\n", kBitsPerRow);
  for (const bool tens : {true, false}) {
    fmt::format_to(out, "<tr class=\"ruler\">");
    for (std::size_t bit = 0; bit < kBitsPerRow; ++bit) {
      const bool shown = !tens || bit % 10 == 0;
      fmt::format_to(out, "<th class=\"bit\">{}</th>",
                     shown ? fmt::format("{}", tens ? bit / 10 : bit % 10) : "");
    }
    fmt::format_to(out, "</tr>\n");
  }
  fmt::format_to(out, "</thead>\n");
}

std::string part_title(FieldPart part, const std::vector<LayoutField>& layout) {
  std::size_t bits = 0;
  for (const LayoutField& f : layout) bits += f.part == part ? f.bit_width : 0;
  std::string_view rfc;
  switch (part) {
    case FieldPart::kIpv4Header:
    case FieldPart::kIpv4Options:
      rfc = "RFC 791 3.1";
      break;
    case FieldPart::kIpv6Header:
      rfc = "RFC 8200 3, no header checksum";
      break;
    case FieldPart::kIcmpHeader:
      rfc = "RFC 792";
      break;
    case FieldPart::kIcmpv6Header:
      rfc = "RFC 4443";
      break;
    case FieldPart::kQuotedIpv4Header:
    case FieldPart::kQuotedIpv4Options:
      rfc = "RFC 792: the header of the datagram the error is about";
      break;
    case FieldPart::kQuotedIpv6Header:
      rfc = "RFC 4443 3.1: the header of the packet the error is about";
      break;
    case FieldPart::kQuotedIcmpHeader:
      rfc = "RFC 792: the first 8 bytes of the original's data";
      break;
    case FieldPart::kQuotedIcmpv6Header:
      rfc = "RFC 4443";
      break;
    case FieldPart::kQuotedUdpHeader:
      rfc = "RFC 768";
      break;
    case FieldPart::kQuotedTcpHeader:
      rfc = "RFC 9293, its first 8 bytes";
      break;
    case FieldPart::kData:
      return fmt::format("{}: {} bytes", field_part_name(part), bits / 8);
  }
  return fmt::format("{} ({}): {} bytes", field_part_name(part), rfc, bits / 8);
}

std::string value_text(const LayoutField& f) {
  if (f.decimal.empty() || f.decimal == f.hex) return f.hex;
  return fmt::format("{} = {}", f.hex, f.decimal);
}

// "flags: bits 48-50 (byte 6): 0x2 = 2, DF (don't fragment)"
std::string field_title(const LayoutField& f) {
  const std::size_t last_byte = f.end_byte() - 1;
  std::string out = fmt::format("{}: bits {}-{} ({} {}", f.name, f.bit_offset, f.bit_end() - 1,
                                f.first_byte() == last_byte ? "byte" : "bytes", f.first_byte());
  if (f.first_byte() != last_byte) out += fmt::format("-{}", last_byte);
  out += fmt::format("): {}", value_text(f));
  if (!f.meaning.empty()) out += fmt::format(", {}", f.meaning);
  return out;
}

// One cell of field `k`: all of it, or (`first` false) a piece of it on a
// later row.
void field_cell(Out out, const FrameView& v, std::size_t k, std::size_t columns, std::size_t rows,
                bool first) {
  const LayoutField& f = v.layout[k];
  std::string classes = fmt::format("fld ca{}", k % kFieldColours);
  if (f.problem) classes += " problem";
  if (v.field_changed(k)) classes += " changed";
  fmt::format_to(out, "<td colspan=\"{}\"", columns);
  // Rows of their own have no cells to give them height: the cell does.
  if (rows > 1) fmt::format_to(out, " rowspan=\"{0}\" style=\"height:calc({0} * 3.6em)\"", rows);
  fmt::format_to(out, " class=\"{}\" data-field=\"{}\" title=\"{}\"", classes, k,
                 html_escape(field_title(f)));
  if (!first) {
    fmt::format_to(out, "><span class=\"fn\">{} (continued)</span></td>", html_escape(f.name));
    return;
  }
  fmt::format_to(out,
                 " id=\"{}-field-{}\" tabindex=\"0\" data-name=\"{}\" data-bit-offset=\"{}\" "
                 "data-bit-width=\"{}\" data-hex=\"{}\" data-dec=\"{}\">",
                 v.anchor, k, html_escape(f.name), f.bit_offset, f.bit_width, html_escape(f.hex),
                 html_escape(f.decimal));
  const std::string name =
      f.part == FieldPart::kData ? fmt::format("{}: {} bytes", f.name, f.bit_width / 8) : f.name;
  fmt::format_to(out, "<span class=\"fn\">{}</span><span class=\"fv\">{}</span>", html_escape(name),
                 html_escape(value_text(f)));
  if (!f.meaning.empty())
    fmt::format_to(out, "<span class=\"fm\">{}</span>", html_escape(f.meaning));
  fmt::format_to(out, "</td>");
}

// Field `k` on the rows it covers. A field of whole rows (an IPv6 address)
// is one cell spanning them; a field crossing a row's end is cut into a
// piece per row; the data is one cell to the end of its row, whatever its
// length.
void field_rows(Out out, const FrameView& v, std::size_t k) {
  const LayoutField& f = v.layout[k];
  if (f.bit_offset % kBitsPerRow == 0 && f.bit_width % kBitsPerRow == 0 &&
      f.bit_width > kBitsPerRow && f.part != FieldPart::kData) {
    const std::size_t rows = f.bit_width / kBitsPerRow;
    fmt::format_to(out, "<tr>");
    field_cell(out, v, k, kBitsPerRow, rows, true);
    fmt::format_to(out, "</tr>\n");
    for (std::size_t r = 1; r < rows; ++r) fmt::format_to(out, "<tr class=\"spanned\"></tr>\n");
    return;
  }
  const std::size_t end = f.part == FieldPart::kData
                              ? f.bit_offset + (kBitsPerRow - f.bit_offset % kBitsPerRow)
                              : f.bit_end();
  for (std::size_t at = f.bit_offset; at < end;) {
    const std::size_t column = at % kBitsPerRow;
    const std::size_t piece = std::min(end - at, kBitsPerRow - column);
    if (column == 0) fmt::format_to(out, "<tr>");
    field_cell(out, v, k, piece, 1, at == f.bit_offset);
    at += piece;
    if (at % kBitsPerRow == 0) fmt::format_to(out, "</tr>\n");
  }
}

void diagram(Out out, const FrameView& v) {
  fmt::format_to(out, "<table class=\"diagram\">\n");
  bit_ruler(out);
  fmt::format_to(out, "<tbody>\n");
  std::optional<FieldPart> part;
  std::size_t end = 0;
  for (std::size_t k = 0; k < v.layout.size(); ++k) {
    const LayoutField& f = v.layout[k];
    // The data's own cell names it; the other parts get a title row.
    if (f.part != part && f.part != FieldPart::kData && f.bit_offset % kBitsPerRow == 0) {
      fmt::format_to(out, "<tr class=\"part\"><th colspan=\"{}\">{}</th></tr>\n", kBitsPerRow,
                     html_escape(part_title(f.part, v.layout)));
    }
    part = f.part;
    field_rows(out, v, k);
    end = f.part == FieldPart::kData ? 0 : f.bit_end() % kBitsPerRow;
  }
  if (end != 0) {
    fmt::format_to(out, "<td colspan=\"{}\" class=\"gap\"></td></tr>\n", kBitsPerRow - end);
  }
  if (v.packet.cut_bytes > 0) {
    fmt::format_to(out,
                   "<tr><td colspan=\"{}\" class=\"cut\">{} more bytes were on the wire: the "
                   "capture's snap length cut them</td></tr>\n",
                   kBitsPerRow, v.packet.cut_bytes);
  }
  fmt::format_to(out, "</tbody>\n</table>\n");
}

// ---- the bytes -------------------------------------------------------------

// One byte of the datagram: coloured by its field (split between two when
// it holds bits of both, e.g. version and IHL), with the fields it belongs
// to for the script. `v` is null for a frame that could not be decoded.
void byte_span(Out out, const FrameView* v, std::span<const std::uint8_t> bytes, std::size_t i) {
  std::string classes = "b";
  std::string fields;
  if (v != nullptr) {
    const auto& owners = v->fields_of_byte[i];
    if (!owners.empty()) classes += fmt::format(" ca{}", owners[0] % kFieldColours);
    if (owners.size() > 1) classes += fmt::format(" cb{} two", owners[1] % kFieldColours);
    fields = fmt::format("{}", fmt::join(owners, " "));
    if (v->marks && v->marks->changed[i]) classes += " changed";
    if (v->marks && v->marks->recomputed[i]) classes += " recomputed";
  }
  if (i % kBytesPerRow == kBytesPerRow / 2 - 1) classes += " mid";
  fmt::format_to(out, "<span class=\"{}\" data-i=\"{}\"", classes, i);
  if (!fields.empty()) fmt::format_to(out, " data-fields=\"{}\"", fields);
  fmt::format_to(out, ">{:02x}</span>", bytes[i]);
}

void byte_row(Out out, const FrameView* v, std::span<const std::uint8_t> bytes, std::size_t start) {
  const std::size_t end = std::min(bytes.size(), start + kBytesPerRow);
  fmt::format_to(out, "<div class=\"row\"><span class=\"off\">{:04x}</span>", start);
  std::string ascii;
  for (std::size_t i = start; i < end; ++i) {
    byte_span(out, v, bytes, i);
    ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? static_cast<char>(bytes[i]) : '.';
  }
  for (std::size_t i = end; i < start + kBytesPerRow; ++i) {
    fmt::format_to(out, "<span class=\"b{}\"> </span>",
                   i % kBytesPerRow == kBytesPerRow / 2 - 1 ? " mid" : "");
  }
  fmt::format_to(out, "<span class=\"asc\">{}</span></div>\n", html_escape(ascii));
}

// 16 bytes a row from offset 0; past kBytesShownInFull, the first and last
// rows with a line for those between.
void byte_grid(Out out, const FrameView* v, std::span<const std::uint8_t> bytes) {
  const std::size_t rows = (bytes.size() + kBytesPerRow - 1) / kBytesPerRow;
  const bool elide = bytes.size() > kBytesShownInFull;
  fmt::format_to(out, "<div class=\"bytes\">\n");
  for (std::size_t row = 0; row < rows; ++row) {
    if (elide && row == kHeadRows) {
      fmt::format_to(out, "<div class=\"row elided\">... {} bytes not shown ...</div>\n",
                     (rows - kHeadRows - kTailRows) * kBytesPerRow);
    }
    if (elide && row >= kHeadRows && row < rows - kTailRows) continue;
    byte_row(out, v, bytes, row * kBytesPerRow);
  }
  fmt::format_to(out, "</div>\n");
}

// The bytes around the datagram: the link-layer header, and padding after.
void outside_bytes(Out out, std::string_view what, std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  fmt::format_to(out, "<p class=\"mono outside\">{}, {} bytes: {:02x}</p>\n", what, bytes.size(),
                 fmt::join(bytes, " "));
}

void bytes_section(Out out, const Frame& frame, const FrameView& v) {
  const DecodedPacket& p = v.packet;
  fmt::format_to(out,
                 "<h3>Bytes</h3>\n<p>The {} from its first byte (offset 0 is bit 0 of the "
                 "diagram).</p>\n",
                 p.ipv4() ? "IPv4 datagram" : "IPv6 packet");
  const auto frame_bytes = std::span<const std::uint8_t>(frame.bytes);
  if (p.link.length <= frame_bytes.size()) {
    outside_bytes(out, "before it, the link-layer header", frame_bytes.first(p.link.length));
  }
  fmt::format_to(out, "<p class=\"status\" aria-live=\"polite\"></p>\n");
  byte_grid(out, &v, p.datagram);
  if (p.trailing_bytes > 0 && p.trailing_bytes <= frame_bytes.size()) {
    outside_bytes(out, "after it, link-layer padding (not part of the datagram)",
                  frame_bytes.last(p.trailing_bytes));
  }
  if (p.cut_bytes > 0) {
    fmt::format_to(out,
                   "<p class=\"bad\">and {} more bytes that were on the wire but not in the "
                   "capture</p>\n",
                   p.cut_bytes);
  }
}

// ---- checksums -------------------------------------------------------------

// Where a summed word's bytes are in the datagram, for the script: the
// message's words follow `data_base`; the pseudo-header's addresses are the
// IPv6 header's (RFC 8200 3: source at byte 8, destination at 24, as in
// the pseudo-header's first 32 bytes); its length and next header words
// are in no byte of the packet.
std::string word_bytes(const ChecksumWord& w, std::size_t data_base) {
  constexpr std::size_t kIpv6SourceOffset = 8;
  std::size_t first = 0;
  switch (w.part) {
    case ChecksumPart::kData:
      first = data_base + w.offset;
      break;
    case ChecksumPart::kSource:
    case ChecksumPart::kDestination:
      first = kIpv6SourceOffset + w.offset;
      break;
    default:
      return "";
  }
  return w.padded ? fmt::format("{}", first) : fmt::format("{} {}", first, first + 1);
}

// The heading row above the words of one part of a sum with a pseudo-header.
std::string part_row_text(const ChecksumSteps& steps, ChecksumPart part) {
  const Ipv6PseudoHeader& p = *steps.pseudo_header;
  const std::string_view name = checksum_part_name(part);
  switch (part) {
    case ChecksumPart::kSource:
      return fmt::format("pseudo-header, {}: {}", name, p.source);
    case ChecksumPart::kDestination:
      return fmt::format("pseudo-header, {}: {}", name, p.destination);
    case ChecksumPart::kUpperLayerLength:
      return fmt::format("pseudo-header, {}: {}", name, p.upper_layer_length);
    case ChecksumPart::kNextHeader:
      return fmt::format("pseudo-header, {}: {} ({})", name, p.next_header,
                         ip_protocol_name(p.next_header));
    case ChecksumPart::kData:
      break;
  }
  return fmt::format("the ICMPv6 message: {} bytes", steps.data_bytes);
}

void word_row(Out out, const ChecksumWord& w, std::size_t number, std::size_t data_base) {
  const std::string bytes = w.padded ? fmt::format("{:02x} 00*", w.value >> 8)
                                     : fmt::format("{:02x} {:02x}", w.value >> 8, w.value & 0xFF);
  const std::string where = word_bytes(w, data_base);
  fmt::format_to(out, "<tr class=\"word\"");
  if (!where.empty()) {
    fmt::format_to(out, " data-bytes=\"{}\" title=\"word {}: {}\"", where, number, hex16(w.value));
  }
  fmt::format_to(out, "><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", number,
                 w.offset, bytes, hex16(w.value), hex32(w.running));
}

// The words with their running sum; a long message shows its first
// kWordsShownInFull words and its last kTailWords.
void word_rows(Out out, const ChecksumSteps& steps, std::size_t data_base) {
  const std::size_t n = steps.words.size();
  const std::size_t prefix = steps.pseudo_header ? Ipv6PseudoHeader::kLength / 2 : 0;
  const bool elide = n > prefix + kWordsShownInFull + kTailWords;
  const std::size_t head = elide ? prefix + kWordsShownInFull : n;
  std::optional<ChecksumPart> part;
  for (std::size_t i = 0; i < n; ++i) {
    if (elide && i == head) {
      fmt::format_to(out, "<tr class=\"part\"><td colspan=\"5\">... {} more words ...</td></tr>\n",
                     n - head - kTailWords);
    }
    if (elide && i >= head && i < n - kTailWords) continue;
    const ChecksumWord& w = steps.words[i];
    if (steps.pseudo_header && w.part != part) {
      if (w.part == ChecksumPart::kData && i > 0) {
        const std::uint32_t pseudo = steps.words[i - 1].running;
        fmt::format_to(out,
                       "<tr class=\"part\"><td colspan=\"5\">the pseudo-header alone: {}"
                       "</td></tr>\n",
                       hex32(pseudo));
      }
      fmt::format_to(out, "<tr class=\"part\"><td colspan=\"5\">{}</td></tr>\n",
                     html_escape(part_row_text(steps, w.part)));
    }
    part = w.part;
    word_row(out, w, i + 1, data_base);
  }
}

// RFC 1071 4.1: fold the carries, then the one's complement.
void fold_rows(Out out, const ChecksumSteps& steps) {
  if (steps.folds.empty()) {
    fmt::format_to(out,
                   "<tr class=\"step\"><td colspan=\"4\">no carry to fold: the sum already fits "
                   "in 16 bits</td><td>{}</td></tr>\n",
                   hex16(steps.folded));
  }
  for (const CarryFold& f : steps.folds) {
    fmt::format_to(out,
                   "<tr class=\"step fold\"><td colspan=\"2\">fold the carry</td>"
                   "<td colspan=\"2\">{} &rarr; {} + {}</td><td>{}</td></tr>\n",
                   hex32(f.before), hex16(f.low), hex16(f.carry), hex16(f.after));
  }
  fmt::format_to(out,
                 "<tr class=\"total\"><td colspan=\"4\">one's complement sum</td><td>{}</td></tr>\n"
                 "<tr class=\"total\"><td colspan=\"4\">its complement ~{}</td><td>{}</td></tr>\n",
                 hex16(steps.folded), hex16(steps.folded), hex16(steps.checksum));
}

// One checksum, worked: `name` says which ("ip-header", "icmp"), the
// verdict is checksum_note's sentence, in red when it is wrong.
void checksum_table(Out out, std::string_view name, std::string_view caption,
                    const ChecksumSteps& steps, std::size_t data_base, const ChecksumCheck& check,
                    std::string_view what) {
  fmt::format_to(out,
                 "<div class=\"sum-box\">\n<table class=\"sum\" data-checksum=\"{}\" "
                 "data-words=\"{}\" data-sum=\"{}\" data-folded=\"{}\" data-valid=\"{}\">\n"
                 "<caption>{}</caption>\n<thead><tr><th>word</th><th>offset</th><th>bytes</th>"
                 "<th>value</th><th>running 32-bit sum</th></tr></thead>\n<tbody>\n",
                 name, steps.words.size(), hex32(steps.sum), hex16(steps.folded), check.valid,
                 caption);
  word_rows(out, steps, data_base);
  if (std::any_of(steps.words.begin(), steps.words.end(),
                  [](const ChecksumWord& w) { return w.padded; })) {
    fmt::format_to(out,
                   "<tr class=\"part\"><td colspan=\"5\">* an odd last byte is paired with a zero "
                   "low byte (RFC 1071 4.1)</td></tr>\n");
  }
  fold_rows(out, steps);
  fmt::format_to(out, "</tbody>\n</table>\n<p class=\"verdict {}\">{}</p>\n</div>\n",
                 check.valid ? "good" : "bad", html_escape(checksum_note(check, what, Style{})));
}

void checksums_section(Out out, const FrameView& v) {
  const DecodedPacket& p = v.packet;
  const auto* v4 = p.ipv4();
  const bool icmp_checkable = p.icmp && p.icmp->checksum;
  fmt::format_to(out, "<h3>Checksums</h3>\n<div class=\"sums\">\n");
  if (v4 != nullptr) {
    const auto header = std::span(p.datagram).first(v4->header_length);
    checksum_table(out, "ip-header",
                   "IPv4 header checksum (RFC 791 3.1): the header's words, checksum included",
                   explain_checksum(header), 0, v4->checksum, "the header sums");
  }
  if (icmp_checkable && v4 != nullptr) {
    checksum_table(out, "icmp", "ICMP checksum (RFC 792): the message's words, checksum included",
                   explain_checksum(p.payload()), p.header_length(), *p.icmp->checksum,
                   "the message sums");
  } else if (icmp_checkable) {
    const ChecksumSteps steps = p.icmp->checksum_steps
                                    ? *p.icmp->checksum_steps
                                    : explain_checksum(p.payload(), *p.icmp->pseudo_header);
    checksum_table(out, "icmp",
                   "ICMPv6 checksum (RFC 4443 2.3): the pseudo-header of RFC 8200 8.1, then the "
                   "message, checksum included",
                   steps, p.header_length(), *p.icmp->checksum,
                   "with the pseudo-header, the message sums");
  } else if (p.icmp) {
    fmt::format_to(out, "<p class=\"{}\">{} checksum: {}</p>\n", p.cut_bytes > 0 ? "bad" : "note",
                   icmp_name(p.family()), unchecked_checksum_text(p.cut_bytes));
  }
  fmt::format_to(out, "</div>\n");
}

// ---- echo pairs ------------------------------------------------------------

void incremental_rows(Out out, const IncrementalUpdate& u) {
  const auto term = [&](std::string_view name, std::string_view from, std::uint16_t value) {
    fmt::format_to(out, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", name, from, hex16(value));
  };
  term("~HC", fmt::format("~{}, the request's checksum", hex16(u.old_checksum)),
       u.eqn3_sum.terms[0]);
  term("~m", fmt::format("~{}, the request's type and code", hex16(u.old_word)),
       u.eqn3_sum.terms[1]);
  term("m'", "the reply's type and code", u.eqn3_sum.terms[2]);
  fmt::format_to(out, "<tr class=\"step\"><td>sum</td><td>32 bits</td><td>{}</td></tr>\n",
                 hex32(u.eqn3_sum.sum));
  for (const CarryFold& f : u.eqn3_sum.folds) {
    fmt::format_to(out,
                   "<tr class=\"step\"><td>fold</td><td>{} &rarr; {} + {}</td><td>{}</td></tr>\n",
                   hex32(f.before), hex16(f.low), hex16(f.carry), hex16(f.after));
  }
  fmt::format_to(out, "<tr class=\"total\"><td>HC'</td><td>~{}</td><td>{}</td></tr>\n",
                 hex16(u.eqn3_sum.folded), hex16(u.eqn3));
}

// The terms of eqn. 3 in a table, whether the reply's checksum field is
// what they give, and what RFC 1141's older equation gives.
void incremental_table(Out out, const IncrementalUpdate& u, std::uint16_t actual) {
  const bool matches = u.eqn3 == actual;
  fmt::format_to(out,
                 "<table class=\"incr\" data-hc=\"{}\" data-m=\"{}\" data-m-new=\"{}\" "
                 "data-eqn3=\"{}\" data-reply-checksum=\"{}\" data-matches=\"{}\">\n"
                 "<caption>RFC 1624 eqn. 3</caption>\n"
                 "<thead><tr><th>term</th><th>from</th><th>value</th></tr></thead>\n<tbody>\n",
                 hex16(u.old_checksum), hex16(u.old_word), hex16(u.new_word), hex16(u.eqn3),
                 hex16(actual), matches);
  incremental_rows(out, u);
  fmt::format_to(out,
                 "<tr><td>reply</td><td>its checksum field</td><td>{}</td></tr>\n</tbody>\n"
                 "</table>\n",
                 hex16(actual));
  if (matches) {
    fmt::format_to(out, "<p class=\"verdict good\">matches: the reply's checksum is {}</p>\n",
                   hex16(actual));
  } else {
    fmt::format_to(out,
                   "<p class=\"verdict bad\">does not match: eqn. 3 gives {}, the reply's "
                   "checksum field holds {}; more than the type changed, or a checksum is "
                   "wrong</p>\n",
                   hex16(u.eqn3), hex16(actual));
  }
  // RFC 1624 3: the two equations differ only where RFC 1141 gives -0.
  fmt::format_to(
      out, "<p>RFC 1141's older equation <code>HC' = HC + m + ~m'</code> gives {}{}.</p>\n",
      hex16(u.rfc1141),
      u.rfc1141 == u.eqn3 ? ", the same" : ": -0 where eqn. 3 gives +0 (RFC 1624 section 3)");
}

// On the reply: the RTT, and the reply's checksum predicted from the
// request's by RFC 1624 eqn. 3, since the reply changes one word.
// Precondition: both frames of `pair` decoded with an ICMP message.
void reply_block(Out out, const DecodedCapture& c, const EchoPair& pair, const FrameView& v) {
  const DecodedPacket& request = *c.frames[pair.request].decoded;
  const IncrementalUpdate u = update_for(request, v.packet);
  fmt::format_to(
      out, "<h3>Echo reply to {}</h3>\n<p>Round-trip time: {}</p>\n", frame_link(c, pair.request),
      pair.rtt_ns ? rtt_text(*pair.rtt_ns) : "not known (the frames have no timestamps)");
  fmt::format_to(out,
                 "<p>The reply returns the request's message with one 16-bit word changed, type "
                 "and code: m = {} becomes m' = {} (the dashed word in the bytes above). RFC 1624 "
                 "eqn. 3 updates the checksum HC from that word alone: "
                 "<code>HC' = ~(~HC + ~m + m')</code>.</p>\n",
                 hex16(u.old_word), hex16(u.new_word));
  if (pseudo_header_changed(request, v.packet)) {
    fmt::format_to(out,
                   "<p class=\"note\">The request went to {}, and the reply comes from {}, a "
                   "unicast address of the interface (RFC 4443 4.2): the pseudo-header (RFC 8200 "
                   "8.1) holds other words than the request's, so eqn. 3 over the type word alone "
                   "does not give the reply's checksum, and no verdict is drawn from it.</p>\n",
                   html_escape(fmt::format("{}", request.destination())),
                   html_escape(fmt::format("{}", v.packet.source())));
    return;
  }
  if (v.packet.family() == wire::IpFamily::kIpv6) {
    fmt::format_to(out,
                   "<p>The ICMPv6 checksum also covers the pseudo-header (RFC 8200 8.1), but the "
                   "reply swaps source and destination, which only reorders its words, and one's "
                   "complement addition does not care about order (RFC 1071 2(A)): the update "
                   "from the one word holds.</p>\n");
  }
  incremental_table(out, u, v.packet.icmp->checksum_field);
}

// On the request: where its reply is, if any.
void request_line(Out out, const DecodedCapture& c, const CaptureIndex& index, std::size_t i) {
  if (const EchoPair* pair = index.pair_of_request[i]) {
    fmt::format_to(out, "<p class=\"pair-note\">Answered by {}{}.</p>\n",
                   frame_link(c, pair->reply),
                   pair->rtt_ns ? fmt::format(" after {}", rtt_text(*pair->rtt_ns)) : "");
  } else if (index.unanswered[i]) {
    fmt::format_to(out,
                   "<p class=\"pair-note bad\">No frame of this capture answers this echo "
                   "request.</p>\n");
  }
}

// ---- a frame ---------------------------------------------------------------

void frame_heading(Out out, const DecodedCapture& c, const CaptureIndex& index, std::size_t i) {
  const Frame& f = c.frames[i];
  fmt::format_to(out, "<section class=\"frame\" id=\"{}\" data-frame=\"{}\">\n", frame_anchor(c, i),
                 frame_number(c, i));
  fmt::format_to(out, "<h2>Packet {}: <span class=\"{}\">{}</span></h2>\n<p class=\"meta\">",
                 frame_number(c, i), f.decoded ? "summary" : "summary error",
                 f.decoded ? html_escape(frame_summary(f)) : "not decoded");
  const std::string time = time_text(f.origin, index.first_timestamp_ns);
  if (!time.empty()) fmt::format_to(out, "<span class=\"time\">{}</span>", time);
  if (f.cut()) {
    fmt::format_to(out,
                   "<span class=\"length bad\">{} bytes captured of {} on the wire: the snap "
                   "length cut it</span>",
                   f.origin.captured_length, f.origin.original_length);
  } else if (!f.origin.timestamp_ns && f.origin.captured_length == f.origin.original_length) {
    // A paste: its bytes are all there is to know.
    fmt::format_to(out, "<span class=\"length\">{} bytes</span>", f.origin.captured_length);
  } else {
    fmt::format_to(out, "<span class=\"length\">{} bytes captured, {} on the wire</span>",
                   f.origin.captured_length, f.origin.original_length);
  }
  if (f.decoded && !f.decoded->link.summary.empty()) {
    fmt::format_to(out, "<span class=\"link\">link layer: {}</span>",
                   html_escape(f.decoded->link.summary));
  }
  fmt::format_to(out, "</p>\n");
  if (!f.origin.caption.empty()) {
    fmt::format_to(out, "<p class=\"caption\">{}</p>\n", html_escape(f.origin.caption));
  }
}

// The decoder's notes; those on a packet the snap length cut are in red,
// since they say what could not be checked.
void notes_list(Out out, const DecodedPacket& p) {
  std::vector<std::pair<const std::string*, bool>> notes;
  for (const std::string& n : p.notes) notes.emplace_back(&n, p.cut_bytes > 0);
  if (p.icmp) {
    for (const std::string& n : p.icmp->notes) notes.emplace_back(&n, false);
  }
  if (notes.empty()) return;
  fmt::format_to(out, "<ul class=\"notes\">\n");
  for (const auto& [text, red] : notes) {
    fmt::format_to(out, "<li class=\"note{}\">note: {}</li>\n", red ? " bad" : "",
                   html_escape(*text));
  }
  fmt::format_to(out, "</ul>\n");
}

void undecoded_frame(Out out, const Frame& f) {
  fmt::format_to(out, "<p class=\"error\">{}</p>\n<h3>Bytes</h3>\n<p>The frame as captured.</p>\n",
                 html_escape(f.decoded.error().message));
  byte_grid(out, nullptr, f.bytes);
}

void frame_section(Out out, const DecodedCapture& c, const CaptureIndex& index, std::size_t i) {
  const Frame& f = c.frames[i];
  frame_heading(out, c, index, i);
  if (!f.decoded) {
    undecoded_frame(out, f);
    fmt::format_to(out, "</section>\n");
    return;
  }
  FrameView v(frame_anchor(c, i), *f.decoded);
  const EchoPair* answers = index.pair_of_reply[i];
  const DecodedPacket* request = answers != nullptr ? icmp_packet(c, answers->request) : nullptr;
  const bool paired_reply = request != nullptr && v.packet.icmp;
  if (paired_reply) v.marks = reply_marks(*request, v.packet);
  notes_list(out, v.packet);
  request_line(out, c, index, i);
  fmt::format_to(out, "<h3>Header diagram</h3>\n");
  diagram(out, v);
  bytes_section(out, f, v);
  checksums_section(out, v);
  if (paired_reply) reply_block(out, c, *answers, v);
  fmt::format_to(out, "</section>\n");
}

// ---- frames past the cap ---------------------------------------------------

void frame_list(Out out, const DecodedCapture& c, const CaptureIndex& index, std::size_t from) {
  const std::size_t end = std::min(c.frames.size(), from + kFramesListed);
  fmt::format_to(out,
                 "<section id=\"more-frames\">\n<h2>Frames not drawn</h2>\n<p class=\"note\">The "
                 "first {} frames are drawn in full; these {} are listed one line each.</p>\n"
                 "<table class=\"list\">\n<tr><th>frame</th><th>time</th><th>bytes</th>"
                 "<th>summary</th></tr>\n",
                 from, end - from);
  for (std::size_t i = from; i < end; ++i) {
    const Frame& f = c.frames[i];
    fmt::format_to(out,
                   "<tr id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
                   frame_anchor(c, i), frame_number(c, i),
                   time_text(f.origin, index.first_timestamp_ns), f.origin.captured_length,
                   f.decoded ? "summary" : "summary error", html_escape(frame_summary(f)));
  }
  fmt::format_to(out, "</table>\n");
  if (end < c.frames.size()) {
    fmt::format_to(out,
                   "<p class=\"note\">The other {} frames are not on this page: --filter with a "
                   "tcpdump expression picks the packets to look at.</p>\n",
                   c.frames.size() - end);
  }
  fmt::format_to(out, "</section>\n");
}

}  // namespace

std::string render_html_page(const DecodedCapture& capture) {
  std::string page;
  const Out out(page);
  const CaptureIndex index(capture);
  page_start(out, capture);
  capture_facts(out, capture);
  pairs_table(out, capture);
  const std::size_t drawn = std::min(capture.frames.size(), kFramesDrawnInFull);
  if (capture.frames.empty()) {
    fmt::format_to(out, "<p class=\"note\">No ICMP or ICMPv6 frames.</p>\n");
  }
  if (drawn < capture.frames.size()) {
    fmt::format_to(out,
                   "<p class=\"note cap\">This capture has {} frames: the first {} are drawn in "
                   "full below, the {} after them are <a href=\"#more-frames\">listed at the "
                   "end</a>, one line each{}.</p>\n",
                   capture.frames.size(), drawn,
                   std::min(capture.frames.size() - drawn, kFramesListed),
                   on_page(capture.frames.size() - 1) ? "" : ", and the rest only counted");
  }
  for (std::size_t i = 0; i < drawn; ++i) frame_section(out, capture, index, i);
  if (drawn < capture.frames.size()) frame_list(out, capture, index, drawn);
  fmt::format_to(out, "<script>{}</script>\n</body>\n</html>\n", kScript);
  return page;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

}  // namespace pong::lab
