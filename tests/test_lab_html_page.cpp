// The HTML page of `icmp-lab decode --html`, from captures built by hand
// out of real packets: the diagrams with every field and its value, the
// coloured bytes, the checksum tables, the incremental update of a reply,
// the errors in red with the text output's sentences, escaping, no
// reference to anything outside the page, and the cap on drawn frames.
#include "html_page.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "capture.hpp"
#include "decode.hpp"
#include "field_layout.hpp"
#include "packets.hpp"
#include "render.hpp"
#include "test_lab_captures.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

constexpr std::string_view kRequestHex = test::kCraftedRequestHex;
constexpr std::string_view kBadChecksumHex = test::kCraftedBadChecksumHex;
// `icmp-lab reply` to kRequestHex: addresses swapped, type 0, checksum 0x6dbd.
constexpr std::string_view kReplyHex =
    "4500 002d 0000 4000 4001 e29e ac16 0003 ac16 0002 0000 6dbd 1234 0001 6865 6c6c "
    "6f20 6672 6f6d 2063 6c69 656e 74";
// A router's RFC 792 Time Exceeded for the request above sent with TTL 1:
// from 172.22.0.1, quoting the request's header (TTL 1) and its first 8
// data bytes, the ICMP echo header.
constexpr std::string_view kTimeExceededHex =
    "45c0 0038 1f40 0000 4001 0296 ac16 0001 ac16 0002 0b00 750d 0000 0000 4500 002d "
    "0000 4000 0101 219f ac16 0002 ac16 0003 0800 65bd 1234 0001";
// The Ethernet header of the ping -6 reply (test_lab_captures.hpp's -xx dump).
constexpr std::string_view kPing6ReplyEthernetHex = "a696 a285 fa60 f6af b66a 5148 86dd";

constexpr std::int64_t kFirstTime = 1714538039887458000;  // 2024-05-01 04:33:59.887458 UTC
constexpr std::int64_t kRtt = 182000;                     // 0.182 ms

Frame frame_of(std::vector<std::uint8_t> bytes, std::size_t number,
               std::optional<std::int64_t> time = std::nullopt, std::string caption = {}) {
  Frame f{
      {number, time, bytes.size(), bytes.size(), std::move(caption)}, bytes, decode_packet(bytes)};
  return f;
}

std::vector<std::uint8_t> ping6_reply_frame() {
  auto frame = test::from_hex(kPing6ReplyEthernetHex);
  const auto packet = test::ping6_reply();
  frame.insert(frame.end(), packet.begin(), packet.end());
  return frame;
}

// Frames 1-2: the IPv4 echo and its reply; 3-4: the real ping -6 and its
// reply, with their Ethernet headers; 5: the bad checksum, unanswered;
// 6: bytes that are no packet.
DecodedCapture lab_capture() {
  DecodedCapture c;
  c.source = "lab.pcap";
  c.format = "pcap";
  c.link_type = "EN10MB (Ethernet)";
  c.frames.push_back(frame_of(test::from_hex(kRequestHex), 1, kFirstTime, "the request"));
  c.frames.push_back(frame_of(test::from_hex(kReplyHex), 2, kFirstTime + kRtt));
  c.frames.push_back(frame_of(test::ping6_request_frame(), 3, kFirstTime + 1'000'000));
  c.frames.push_back(frame_of(ping6_reply_frame(), 4, kFirstTime + 1'000'000 + kRtt));
  c.frames.push_back(frame_of(test::from_hex(kBadChecksumHex), 5, kFirstTime + 2'000'000));
  c.frames.push_back(frame_of(test::from_hex("4500 0054 0000"), 6, kFirstTime + 3'000'000));
  c.skipped = 7;
  c.pairs = {{0, 1, kRtt}, {2, 3, kRtt}};
  c.unanswered = {4};
  return c;
}

// The <section> of frame `number`.
std::string section_of(const std::string& page, std::size_t number) {
  const std::string start = fmt::format("<section class=\"frame\" id=\"frame-{}\"", number);
  const auto from = page.find(start);
  if (from == std::string::npos) return "";
  return page.substr(from, page.find("</section>", from) - from);
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The data-i of every byte span with `css_class` among its classes.
std::vector<std::size_t> bytes_with_class(const std::string& html, const std::string& css_class) {
  std::vector<std::size_t> out;
  static const std::regex span(R"re(<span class="b ([^"]*)" data-i="(\d+)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), span), end; it != end; ++it) {
    const std::string classes = " " + (*it)[1].str() + " ";
    if (classes.find(" " + css_class + " ") != std::string::npos) {
      out.push_back(std::stoul((*it)[2].str()));
    }
  }
  return out;
}

TEST(HtmlPage, IsOneDocumentThatLoadsNothing) {
  const std::string page = render_html_page(lab_capture());
  EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"));
  EXPECT_TRUE(page.ends_with("</html>\n"));
  EXPECT_EQ(count(page, "<style>"), 1u);
  EXPECT_EQ(count(page, "<script>"), 1u);
  EXPECT_EQ(count(page, "<script"), 1u);  // no <script src=...>
  for (const std::string_view outside : {"http:", "https:", "src=", "url(", "@import", "<link",
                                         "<img", "<iframe", "//fonts", "@font-face"}) {
    EXPECT_EQ(page.find(outside), std::string::npos) << outside;
  }
  // Every link is to an anchor of the page, and the anchor exists.
  static const std::regex href(R"re(href="([^"]*)")re");
  std::size_t links = 0;
  for (std::sregex_iterator it(page.begin(), page.end(), href), end; it != end; ++it, ++links) {
    const std::string target = (*it)[1].str();
    ASSERT_TRUE(target.starts_with("#")) << target;
    EXPECT_NE(page.find(fmt::format("id=\"{}\"", target.substr(1))), std::string::npos) << target;
  }
  EXPECT_GT(links, 0u);
}

TEST(HtmlPage, TheTopSaysWhatTheCaptureIs) {
  const std::string page = render_html_page(lab_capture());
  EXPECT_NE(page.find("<title>icmp-lab: lab.pcap</title>"), std::string::npos);
  EXPECT_NE(page.find("<table class=\"facts\" data-frames=\"6\" data-skipped=\"7\" "
                      "data-pairs=\"2\" data-unanswered=\"1\">"),
            std::string::npos);
  EXPECT_NE(page.find("<tr><th>format</th><td>pcap</td></tr>"), std::string::npos);
  EXPECT_NE(page.find("<tr><th>link type</th><td>EN10MB (Ethernet)</td></tr>"), std::string::npos);
  EXPECT_NE(page.find("<tr><th>unanswered requests</th><td>1: <a href=\"#frame-5\">packet 5</a>"),
            std::string::npos);
  // The pairs, with their RTTs, linking to the frames.
  EXPECT_NE(page.find("<tr data-request=\"1\" data-reply=\"2\"><td><a href=\"#frame-1\">packet "
                      "1</a></td><td><a href=\"#frame-2\">packet 2</a></td><td>4660</td><td>1</td>"
                      "<td>0.182 ms</td><td class=\"good\">0x6dbd = the reply's 0x6dbd</td></tr>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr data-request=\"3\" data-reply=\"4\">"), std::string::npos);
  EXPECT_NE(page.find("0x40e8 = the reply's 0x40e8"), std::string::npos);
}

TEST(HtmlPage, EachFrameHasItsHeading) {
  const std::string page = render_html_page(lab_capture());
  const std::string request = section_of(page, 1);
  EXPECT_NE(request.find("<h2>Packet 1: <span class=\"summary\">172.22.0.2 &gt; 172.22.0.3: ICMP "
                         "echo request, id 4660, seq 1</span></h2>"),
            std::string::npos);
  EXPECT_NE(request.find("<span class=\"time\">2024-05-01 04:33:59.887458 UTC (+0.000 "
                         "ms)</span><span class=\"length\">45 bytes captured, 45 on the "
                         "wire</span>"),
            std::string::npos);
  EXPECT_NE(request.find("<p class=\"caption\">the request</p>"), std::string::npos);
  EXPECT_NE(request.find("Answered by <a href=\"#frame-2\">packet 2</a> after 0.182 ms."),
            std::string::npos);
  const std::string ping6 = section_of(page, 3);
  EXPECT_NE(ping6.find("<span class=\"link\">link layer: Ethernet II, 14 bytes: destination "
                       "f6:af:b6:6a:51:48, source a6:96:a2:85:fa:60, type 0x86dd (IPv6)</span>"),
            std::string::npos);
  EXPECT_NE(ping6.find("(+1.000 ms)"), std::string::npos);
  EXPECT_NE(ping6.find("<p class=\"mono outside\">before it, the link-layer header, 14 bytes: "
                       "f6 af b6 6a 51 48 a6 96 a2 85 fa 60 86 dd</p>"),
            std::string::npos);
  EXPECT_NE(section_of(page, 5).find("No frame of this capture answers this echo request."),
            std::string::npos);
}

// Every field of the layout is a cell with its name, bit range and value.
void expect_every_field_drawn(const std::string& section, const DecodedPacket& p,
                              std::string_view anchor) {
  const auto fields = field_layout(p);
  ASSERT_FALSE(fields.empty());
  for (std::size_t k = 0; k < fields.size(); ++k) {
    const LayoutField& f = fields[k];
    EXPECT_NE(section.find(fmt::format("data-field=\"{}\"", k)), std::string::npos) << f.name;
    EXPECT_NE(section.find(fmt::format("id=\"{}-field-{}\" tabindex=\"0\" data-name=\"{}\" "
                                       "data-bit-offset=\"{}\" data-bit-width=\"{}\" "
                                       "data-hex=\"{}\" data-dec=\"{}\">",
                                       anchor, k, html_escape(f.name), f.bit_offset, f.bit_width,
                                       html_escape(f.hex), html_escape(f.decimal))),
              std::string::npos)
        << f.name;
    if (!f.meaning.empty()) {
      EXPECT_NE(section.find(fmt::format("<span class=\"fm\">{}</span>", html_escape(f.meaning))),
                std::string::npos)
          << f.name;
    }
  }
  EXPECT_EQ(count(section, "data-name=\""), fields.size());
}

TEST(HtmlPage, TheIpv4DiagramHasEveryFieldAtItsTrueWidth) {
  const DecodedCapture c = lab_capture();
  const std::string page = render_html_page(c);
  const std::string section = section_of(page, 1);
  expect_every_field_drawn(section, *c.frames[0].decoded, "frame-1");
  // RFC 791 3.1's first row: version 4, IHL 4, TOS 8, total length 16.
  EXPECT_NE(section.find("<tr><td colspan=\"4\" class=\"fld ca0\" data-field=\"0\" "
                         "title=\"version: bits 0-3 (byte 0): 0x4 = 4\" id=\"frame-1-field-0\""),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"4\" class=\"fld ca1\" data-field=\"1\""),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"8\" class=\"fld ca2\" data-field=\"2\""),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"16\" class=\"fld ca3\" data-field=\"3\""),
            std::string::npos);
  // Flags 3 bits and fragment offset 13.
  EXPECT_NE(section.find("<td colspan=\"3\" class=\"fld ca5\" data-field=\"5\" title=\"flags: "
                         "bits 48-50 (byte 6): 0x2 = 2, DF (don&#39;t fragment)\""),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"13\" class=\"fld ca6\" data-field=\"6\""),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"fn\">source</span><span class=\"fv\">0xac160002 = "
                         "172.22.0.2</span>"),
            std::string::npos);
  // The ICMP header under its own title, and the data as one cell.
  EXPECT_NE(section.find("<tr class=\"part\"><th colspan=\"32\">IPv4 header (RFC 791 3.1): 20 "
                         "bytes</th></tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"part\"><th colspan=\"32\">ICMP header (RFC 792): 8 "
                         "bytes</th></tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"fn\">data: 17 bytes</span><span class=\"fv\">68 65 6c "
                         "6c 6f 20 66 72 ...</span><span class=\"fm\">&quot;hello from "
                         "client&quot;</span>"),
            std::string::npos);
}

TEST(HtmlPage, TheIpv6DiagramDrawsAddressesOverFourRows) {
  const DecodedCapture c = lab_capture();
  const std::string page = render_html_page(c);
  const std::string section = section_of(page, 3);
  expect_every_field_drawn(section, *c.frames[2].decoded, "frame-3");
  EXPECT_NE(section.find("<tr><td colspan=\"32\" rowspan=\"4\" style=\"height:calc(4 * 3.6em)\" "
                         "class=\"fld ca6\" data-field=\"6\" title=\"source: bits 64-191 (bytes "
                         "8-23): fd00:0172:0022:0000:0000:0000:0000:0002, fd00:172:22::2 (RFC "
                         "5952)\""),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"20\" class=\"fld ca2\" data-field=\"2\" title=\"flow "
                         "label: bits 12-31 (bytes 1-3): 0x61f06 = 401158"),
            std::string::npos);
  EXPECT_NE(section.find("IPv6 header (RFC 8200 3, no header checksum): 40 bytes"),
            std::string::npos);
  EXPECT_NE(section.find("ICMPv6 header (RFC 4443): 8 bytes"), std::string::npos);
  EXPECT_EQ(count(section, "<tr class=\"spanned\"></tr>"), 6u);  // 3 under each address
}

TEST(HtmlPage, AnErrorsQuoteIsDrawnAsTheOriginalsHeaderAndTheTextListsTheSame) {
  DecodedCapture c;
  c.frames.push_back(frame_of(test::from_hex(kTimeExceededHex), 1));
  const std::string section = section_of(render_html_page(c), 1);
  EXPECT_NE(section.find("<tr class=\"part\"><th colspan=\"32\">quoted IPv4 header (RFC 792: the "
                         "header of the datagram the error is about): 20 bytes</th></tr>"),
            std::string::npos);
  // The quote's TTL, field 20 of the layout (12 of the IPv4 header, 4 of
  // the ICMP header, then version, IHL, TOS, total length, identification,
  // flags, fragment offset): 1, as the text output says.
  EXPECT_NE(section.find("data-name=\"TTL\" data-bit-offset=\"288\" data-bit-width=\"8\" "
                         "data-hex=\"0x01\" data-dec=\"1\""),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"part\"><th colspan=\"32\">quoted ICMP header (RFC 792: the "
                         "first 8 bytes of the original&#39;s data): 8 bytes</th></tr>"),
            std::string::npos);
  // ICMPv6: the quoted packet's header under RFC 4443's title.
  DecodedCapture v6;
  auto too_big = test::from_hex("0200 0000 0000 0500");  // packet too big, MTU 1280
  const auto request = test::ping6_request();
  too_big.insert(too_big.end(), request.begin(), request.end());
  v6.frames.push_back(frame_of(test::ipv6_packet(too_big), 1));
  EXPECT_NE(render_html_page(v6).find("quoted IPv6 header (RFC 4443 3.1: the header of the packet "
                                      "the error is about): 40 bytes"),
            std::string::npos);
  const std::string text = render_capture(c, RenderOptions{});
  EXPECT_NE(text.find("\n  TTL               1\n"), std::string::npos);
}

TEST(HtmlPage, TheRulerNumbersBitsAsRfc791Does) {
  const std::string section = section_of(render_html_page(lab_capture()), 1);
  std::string tens = "<tr class=\"ruler\">";
  std::string units = "<tr class=\"ruler\">";
  for (int bit = 0; bit < 32; ++bit) {
    tens += fmt::format("<th class=\"bit\">{}</th>", bit % 10 == 0 ? std::to_string(bit / 10) : "");
    units += fmt::format("<th class=\"bit\">{}</th>", bit % 10);
  }
  EXPECT_NE(section.find(tens + "</tr>\n" + units + "</tr>\n"), std::string::npos);
  EXPECT_NE(section.find("<colgroup><col span=\"32\"></colgroup>"), std::string::npos);
}

TEST(HtmlPage, BytesAreColouredByTheFieldsTheyHold) {
  const DecodedCapture c = lab_capture();
  const std::string page = render_html_page(c);
  const std::string section = section_of(page, 1);
  // Byte 0 holds version and IHL; byte 6 flags and the top of the
  // fragment offset; byte 20 the ICMP type.
  EXPECT_NE(section.find("<div class=\"row\"><span class=\"off\">0000</span><span class=\"b ca0 "
                         "cb1 two\" data-i=\"0\" data-fields=\"0 1\">45</span><span class=\"b "
                         "ca2\" data-i=\"1\" data-fields=\"2\">00</span>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"b ca5 cb6 two\" data-i=\"6\" data-fields=\"5 6\">40"
                         "</span><span class=\"b ca6 mid\" data-i=\"7\" data-fields=\"6\">00"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"b ca4\" data-i=\"20\" data-fields=\"12\">08</span>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"asc\">o from client</span>"), std::string::npos);
  // One span per datagram byte, each with its fields.
  EXPECT_EQ(count(section, "\" data-i=\""), 45u);
  EXPECT_EQ(count(section, "data-fields=\""), 45u);
  // The IPv6 frame: the grid starts at the IPv6 header, after Ethernet.
  const std::string ping6 = section_of(page, 3);
  EXPECT_EQ(count(ping6, "\" data-i=\""), 104u);
  EXPECT_NE(ping6.find("<span class=\"b ca0 cb1 two\" data-i=\"0\" data-fields=\"0 1\">60</span>"
                       "<span class=\"b ca1 cb2 two\" data-i=\"1\" data-fields=\"1 2\">06</span>"),
            std::string::npos);
}

TEST(HtmlPage, ChecksumsAreWorkedWordByWord) {
  const DecodedCapture c = lab_capture();
  const std::string page = render_html_page(c);
  const std::string section = section_of(page, 1);
  EXPECT_NE(section.find("<table class=\"sum\" data-checksum=\"ip-header\" data-words=\"10\" "
                         "data-sum=\"0x0002fffd\" data-folded=\"0xffff\" data-valid=\"true\">"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"0 1\" title=\"word 1: 0x4500\"><td>1"
                         "</td><td>0</td><td>45 00</td><td>0x4500</td><td>0x00004500</td></tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"18 19\" title=\"word 10: 0x0003\"><td>"
                         "10</td><td>18</td><td>00 03</td><td>0x0003</td><td>0x0002fffd</td>"
                         "</tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"2\">0x0002fffd &rarr; 0xfffd + 0x0002</td><td>0xffff"
                         "</td>"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"total\"><td colspan=\"4\">its complement ~0xffff</td><td>"
                         "0x0000</td></tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<p class=\"verdict good\">valid: the header sums to 0xffff</p>"),
            std::string::npos);
  // The ICMP message: 13 words, the last an odd byte padded with zero.
  EXPECT_NE(section.find("<table class=\"sum\" data-checksum=\"icmp\" data-words=\"13\" "
                         "data-sum=\"0x0003fffc\" data-folded=\"0xffff\" data-valid=\"true\">"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"20 21\" title=\"word 1: 0x0800\">"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"44\" title=\"word 13: 0x7400\"><td>13"
                         "</td><td>24</td><td>74 00*</td>"),
            std::string::npos);
  EXPECT_NE(section.find("<p class=\"verdict good\">valid: the message sums to 0xffff</p>"),
            std::string::npos);
}

// RFC 4443 2.3 over test_lab_captures.hpp's hand computation: the
// pseudo-header sums to 0x1fda7, and all of it to 0xffff.
TEST(HtmlPage, TheIcmpv6ChecksumStartsWithThePseudoHeader) {
  const std::string section = section_of(render_html_page(lab_capture()), 3);
  EXPECT_EQ(section.find("data-checksum=\"ip-header\""), std::string::npos);
  EXPECT_NE(section.find("<table class=\"sum\" data-checksum=\"icmp\" data-words=\"52\""),
            std::string::npos);
  EXPECT_NE(section.find("data-folded=\"0xffff\" data-valid=\"true\">"), std::string::npos);
  EXPECT_NE(section.find("<tr class=\"part\"><td colspan=\"5\">pseudo-header, source address: "
                         "fd00:172:22::2</td></tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"part\"><td colspan=\"5\">the pseudo-header alone: "
                         "0x0001fda7</td></tr>"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"part\"><td colspan=\"5\">the ICMPv6 message: 64 bytes"),
            std::string::npos);
  // Address words light the IPv6 header's bytes; message words the message's.
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"8 9\" title=\"word 1: 0xfd00\">"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"24 25\" title=\"word 9: 0xfd00\">"),
            std::string::npos);
  EXPECT_NE(section.find("<tr class=\"word\"><td>17</td>"), std::string::npos);  // length
  EXPECT_NE(section.find("<tr class=\"word\" data-bytes=\"40 41\" title=\"word 21: 0x8000\">"),
            std::string::npos);
  EXPECT_NE(section.find("<p class=\"verdict good\">valid: with the pseudo-header, the message "
                         "sums to 0xffff</p>"),
            std::string::npos);
}

TEST(HtmlPage, AReplyShowsRfc1624sUpdateFromItsRequest) {
  const std::string page = render_html_page(lab_capture());
  const std::string reply = section_of(page, 2);
  EXPECT_NE(reply.find("<h3>Echo reply to <a href=\"#frame-1\">packet 1</a></h3>\n<p>Round-trip "
                       "time: 0.182 ms</p>"),
            std::string::npos);
  EXPECT_NE(reply.find("<table class=\"incr\" data-hc=\"0x65bd\" data-m=\"0x0800\" "
                       "data-m-new=\"0x0000\" data-eqn3=\"0x6dbd\" data-reply-checksum=\"0x6dbd\" "
                       "data-matches=\"true\">"),
            std::string::npos);
  // HC' = ~(~HC + ~m + m') = ~(0x9a42 + 0xf7ff + 0x0000) = ~(0x19241 -> 0x9242) = 0x6dbd
  EXPECT_NE(reply.find("<tr><td>~HC</td><td>~0x65bd, the request's checksum</td><td>0x9a42</td>"
                       "</tr>\n<tr><td>~m</td><td>~0x0800, the request's type and code</td><td>"
                       "0xf7ff</td></tr>\n<tr><td>m'</td><td>the reply's type and code</td><td>"
                       "0x0000</td></tr>\n<tr class=\"step\"><td>sum</td><td>32 bits</td><td>"
                       "0x00019241</td></tr>\n<tr class=\"step\"><td>fold</td><td>0x00019241 "
                       "&rarr; 0x9241 + 0x0001</td><td>0x9242</td></tr>\n<tr class=\"total\"><td>"
                       "HC'</td><td>~0x9242</td><td>0x6dbd</td></tr>\n<tr><td>reply</td><td>its "
                       "checksum field</td><td>0x6dbd</td></tr>"),
            std::string::npos);
  EXPECT_NE(reply.find("<p class=\"verdict good\">matches: the reply's checksum is 0x6dbd</p>"),
            std::string::npos);
  EXPECT_NE(reply.find("gives 0x6dbd, the same."), std::string::npos);
  // ICMPv6: 0x8000 becomes 0x8100.
  EXPECT_NE(section_of(page, 4).find(
                "<table class=\"incr\" data-hc=\"0x41e8\" data-m=\"0x8000\" data-m-new=\"0x8100\" "
                "data-eqn3=\"0x40e8\" data-reply-checksum=\"0x40e8\" data-matches=\"true\">"),
            std::string::npos);
  // The request has no such table.
  EXPECT_EQ(section_of(page, 1).find("class=\"incr\""), std::string::npos);
}

TEST(HtmlPage, AReplyStampedBeforeItsRequestSaysTheClockSteppedBackAsTheTextDoes) {
  DecodedCapture c = lab_capture();
  c.frames[1].origin.timestamp_ns = kFirstTime - 100'000;
  pair_echoes(c);
  ASSERT_EQ(c.pairs.size(), 2u);
  ASSERT_EQ(c.pairs[0].rtt_ns, -100'000);
  const std::string said =
      "-0.100 ms (the reply is stamped before its request: the capturing host's clock stepped "
      "back)";
  EXPECT_NE(render_capture(c, RenderOptions{}).find(", rtt " + said), std::string::npos);
  const std::string page = render_html_page(c);
  EXPECT_NE(section_of(page, 2).find("<p>Round-trip time: " + said + "</p>"), std::string::npos);
  // Its time from the first frame is negative, not "+-".
  EXPECT_NE(section_of(page, 2).find("UTC (-0.100 ms)"), std::string::npos);
  EXPECT_EQ(page.find("+-"), std::string::npos);
  const std::string text = render_capture(c, RenderOptions{});
  EXPECT_NE(text.find("UTC (-0.000100 s)"), std::string::npos);
  EXPECT_EQ(text.find("+-"), std::string::npos);
}

TEST(HtmlPage, TheChangedWordIsOutlinedInTheReplysBytes) {
  const std::string page = render_html_page(lab_capture());
  const std::string reply = section_of(page, 2);
  EXPECT_EQ(bytes_with_class(reply, "changed"), (std::vector<std::size_t>{20, 21}));
  EXPECT_EQ(bytes_with_class(reply, "recomputed"), (std::vector<std::size_t>{22, 23}));
  EXPECT_NE(reply.find("class=\"fld ca4 changed\" data-field=\"12\""), std::string::npos);
  EXPECT_NE(reply.find("class=\"fld ca5 changed\" data-field=\"13\""), std::string::npos);
  const std::string ping6_reply = section_of(page, 4);
  EXPECT_EQ(bytes_with_class(ping6_reply, "changed"), (std::vector<std::size_t>{40, 41}));
  EXPECT_EQ(bytes_with_class(ping6_reply, "recomputed"), (std::vector<std::size_t>{42, 43}));
  EXPECT_TRUE(bytes_with_class(section_of(page, 1), "changed").empty());
}

TEST(HtmlPage, AReplyThatChangedMoreDoesNotMatch) {
  DecodedCapture c = lab_capture();
  auto bytes = test::from_hex(kReplyHex);
  bytes[30] = 'j';  // "hello" -> "jello": a data word changed as well
  c.frames[1] = frame_of(bytes, 2, kFirstTime + kRtt);
  const std::string reply = section_of(render_html_page(c), 2);
  EXPECT_NE(reply.find("data-eqn3=\"0x6dbd\" data-reply-checksum=\"0x6dbd\" data-matches=\"true\""),
            std::string::npos);
  EXPECT_EQ(bytes_with_class(reply, "changed"), (std::vector<std::size_t>{20, 21, 30, 31}));

  bytes[22] = 0x6c;  // and a checksum that says so
  c.frames[1] = frame_of(bytes, 2, kFirstTime + kRtt);
  const std::string page = render_html_page(c);
  EXPECT_NE(section_of(page, 2).find("<p class=\"verdict bad\">does not match: eqn. 3 gives "
                                     "0x6dbd, the reply's checksum field holds 0x6cbd"),
            std::string::npos);
  EXPECT_NE(page.find("<td class=\"bad\">0x6dbd &ne; the reply's 0x6cbd</td>"), std::string::npos);
}

TEST(HtmlPage, ABadChecksumIsRedWithTheTextOutputsSentence) {
  const DecodedCapture c = lab_capture();
  const std::string section = section_of(render_html_page(c), 5);
  const std::string sentence =
      checksum_note(*c.frames[4].decoded->icmp->checksum, "the message sums", Style{});
  EXPECT_EQ(sentence, "INVALID: the message sums to 0x0001, not 0xffff; the right value is 0x65bd");
  EXPECT_NE(section.find("<p class=\"verdict bad\">" + sentence + "</p>"), std::string::npos);
  EXPECT_NE(section.find("data-checksum=\"icmp\" data-words=\"13\" data-sum=\"0x0003fffd\" "
                         "data-folded=\"0x0001\" data-valid=\"false\">"),
            std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"16\" class=\"fld ca6 problem\" data-field=\"14\""),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"fm\">" + sentence + "</span>"), std::string::npos);
  EXPECT_NE(section.find("<p class=\"verdict good\">valid: the header sums to 0xffff</p>"),
            std::string::npos);
}

TEST(HtmlPage, AFrameThatFailedToDecodeShowsItsErrorAndItsBytes) {
  const std::string page = render_html_page(lab_capture());
  const std::string section = section_of(page, 6);
  EXPECT_NE(section.find("<h2>Packet 6: <span class=\"summary error\">not decoded</span></h2>"),
            std::string::npos);
  EXPECT_NE(section.find("<p class=\"error\">truncated IPv4 header: needs 20 bytes, got 6</p>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"b\" data-i=\"3\">54</span>"), std::string::npos);
  EXPECT_EQ(section.find("class=\"diagram\""), std::string::npos);
  EXPECT_NE(page.find(".error{font-weight:600}"), std::string::npos);
  EXPECT_NE(page.find(".bad,.error,.problem .fm{color:var(--bad)}"), std::string::npos);
}

TEST(HtmlPage, NotesAreShownAsTheDecoderWroteThem) {
  const DecodedCapture c = lab_capture();
  const std::string section = section_of(render_html_page(c), 3);
  const auto& notes = c.frames[2].decoded->icmp->notes;
  ASSERT_EQ(notes.size(), 2u);
  for (const std::string& note : notes) {
    EXPECT_NE(section.find("<li class=\"note\">note: " + html_escape(note) + "</li>"),
              std::string::npos)
        << note;
  }
}

// The snap length kept 30 of the 45 bytes: the cut is in red, with the
// decoder's note, and the ICMP checksum is not checked.
TEST(HtmlPage, ACutFrameIsMarkedInRed) {
  DecodedCapture c = lab_capture();
  Frame& f = c.frames[0];
  f.bytes.resize(30);
  f.origin.captured_length = 30;
  f.decoded = decode_frame(LinkLayer{}, f.bytes, 15);
  ASSERT_TRUE(f.decoded) << f.decoded.error().message;
  ASSERT_EQ(f.decoded->notes.size(), 1u);
  const std::string section = section_of(render_html_page(c), 1);
  EXPECT_NE(section.find("<span class=\"length bad\">30 bytes captured of 45 on the wire: the "
                         "snap length cut it</span>"),
            std::string::npos);
  EXPECT_NE(
      section.find("<li class=\"note bad\">note: " + html_escape(f.decoded->notes[0]) + "</li>"),
      std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"32\" class=\"cut\">15 more bytes were on the wire"),
            std::string::npos);
  EXPECT_NE(section.find("<p class=\"bad\">ICMP checksum: not checked: its checksum covers the "
                         "15 bytes that are missing and cannot be checked</p>"),
            std::string::npos);
  EXPECT_EQ(section.find("data-checksum=\"icmp\""), std::string::npos);
  EXPECT_NE(section.find("data-checksum=\"ip-header\""), std::string::npos);
  EXPECT_NE(section.find("<span class=\"fn\">data: 2 bytes</span>"), std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"16\" class=\"fld ca6 problem\" data-field=\"14\""),
            std::string::npos);  // the ICMP checksum, not checkable
  EXPECT_EQ(count(section, "\" data-i=\""), 30u);

  // Cut inside the ICMP header: the 3 bytes that are there are drawn.
  f.bytes.resize(23);
  f.origin.captured_length = 23;
  f.decoded = decode_frame(LinkLayer{}, f.bytes, 22);
  ASSERT_TRUE(f.decoded) << f.decoded.error().message;
  const std::string header_cut = section_of(render_html_page(c), 1);
  EXPECT_NE(header_cut.find("<span class=\"fn\">payload: 3 bytes</span>"), std::string::npos);
  EXPECT_NE(header_cut.find("<td colspan=\"32\" class=\"cut\">22 more bytes"), std::string::npos);
  EXPECT_NE(
      header_cut.find("<li class=\"note bad\">note: " + html_escape(f.decoded->notes[0]) + "</li>"),
      std::string::npos);
}

TEST(HtmlPage, TextFromTheCaptureIsEscaped) {
  DecodedCapture c = lab_capture();
  c.source = "<b>x</b>.pcap";
  c.link_type = "\"quoted\" & 'single'";
  c.frames[0].origin.caption = "<script>alert(\"caption\")</script>";
  const std::string page = render_html_page(c);
  EXPECT_EQ(count(page, "<script"), 1u);
  EXPECT_EQ(page.find("<b>x"), std::string::npos);
  EXPECT_NE(page.find("<p class=\"caption\">&lt;script&gt;alert(&quot;caption&quot;)&lt;/script"
                      "&gt;</p>"),
            std::string::npos);
  EXPECT_NE(page.find("<title>icmp-lab: &lt;b&gt;x&lt;/b&gt;.pcap</title>"), std::string::npos);
  EXPECT_NE(page.find("<td>&quot;quoted&quot; &amp; &#39;single&#39;</td>"), std::string::npos);
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlPage, LongMessagesShowTheirFirstAndLastWords) {
  // An echo request with 1400 data bytes: 704 ICMP words, 1428 bytes.
  std::vector<std::uint8_t> icmp{8, 0, 0, 0, 0, 1, 0, 1};
  for (std::size_t i = 0; i < 1400; ++i) icmp.push_back(static_cast<std::uint8_t>(i));
  auto bytes = test::from_hex("4500 0594 0000 4000 4001 0000 0a00 0001 0a00 0002");
  bytes.insert(bytes.end(), icmp.begin(), icmp.end());
  DecodedCapture c;
  c.source = "big";
  c.format = "pasted text";
  c.frames.push_back(frame_of(bytes, 1));
  ASSERT_TRUE(c.frames[0].decoded) << c.frames[0].decoded.error().message;
  const std::string section = section_of(render_html_page(c), 1);
  EXPECT_NE(section.find("title=\"word 64: "), std::string::npos);
  EXPECT_EQ(section.find("title=\"word 65: "), std::string::npos);
  EXPECT_NE(section.find("<td colspan=\"5\">... 632 more words ...</td>"), std::string::npos);
  EXPECT_NE(section.find("title=\"word 697: "), std::string::npos);
  EXPECT_NE(section.find("title=\"word 704: "), std::string::npos);
  // 16 rows of bytes, then the last 4 (the 90th row is the last).
  EXPECT_NE(section.find("<div class=\"row elided\">... 1120 bytes not shown ...</div>"),
            std::string::npos);
  EXPECT_NE(section.find("<span class=\"off\">00f0</span>"), std::string::npos);
  EXPECT_EQ(section.find("<span class=\"off\">0100</span>"), std::string::npos);
  EXPECT_NE(section.find("<span class=\"off\">0590</span>"), std::string::npos);
  EXPECT_EQ(count(section, "\" data-i=\""), 20u * 16 - 12);
}

TEST(HtmlPage, AHugeCaptureDrawsTheFirstFramesAndListsTheRest) {
  DecodedCapture c;
  c.source = "huge.pcap";
  c.format = "pcap";
  const Frame request = frame_of(test::from_hex(kRequestHex), 1);
  const std::size_t n = kFramesDrawnInFull + 50;
  for (std::size_t i = 0; i < n; ++i) {
    c.frames.push_back(request);
    c.frames.back().origin.number = i + 1;
    c.frames.back().origin.timestamp_ns = kFirstTime + static_cast<std::int64_t>(i);
  }
  const std::string page = render_html_page(c);
  EXPECT_EQ(count(page, "<section class=\"frame\""), kFramesDrawnInFull);
  EXPECT_NE(page.find("This capture has 250 frames: the first 200 are drawn in full below, the "
                      "50 after them are <a href=\"#more-frames\">listed at the end</a>, one line "
                      "each."),
            std::string::npos);
  EXPECT_NE(page.find("<section id=\"more-frames\">"), std::string::npos);
  EXPECT_EQ(page.find("<tr id=\"frame-200\">"), std::string::npos);
  EXPECT_NE(page.find("<tr id=\"frame-201\"><td>201</td><td>2024-05-01 04:33:59.887458200 UTC "
                      "(+0.000 ms)</td><td>45</td><td class=\"summary\">172.22.0.2 &gt; "
                      "172.22.0.3: ICMP echo request, id 4660, seq 1</td></tr>"),
            std::string::npos);
  EXPECT_NE(page.find("<tr id=\"frame-250\">"), std::string::npos);
  EXPECT_EQ(page.find("are not on this page"), std::string::npos);
}

// Past the frames listed, frames, pairs and unanswered requests are only
// counted: twice the capture makes (nearly) the same page.
TEST(HtmlPage, ThePageOfAHugeCaptureIsBounded) {
  const Frame request = frame_of(test::from_hex(kRequestHex), 1);
  const auto capture_of = [&](std::size_t frames) {
    DecodedCapture c;
    c.source = "huge.pcap";
    c.format = "pcap";
    c.frames.assign(frames, request);
    for (std::size_t i = 0; i < frames; ++i) {
      c.frames[i].origin.number = i + 1;
      if (i % 2 == 0) c.unanswered.push_back(i);
    }
    c.pairs.assign(frames / 2, EchoPair{0, 1, kRtt});
    return c;
  };
  const std::size_t on_page = kFramesDrawnInFull + kFramesListed;
  const std::string page = render_html_page(capture_of(on_page + 100));
  EXPECT_EQ(count(page, "<section class=\"frame\""), kFramesDrawnInFull);
  EXPECT_EQ(count(page, "<tr id=\"frame-"), kFramesListed);
  EXPECT_NE(page.find(fmt::format("<tr id=\"frame-{}\">", on_page)), std::string::npos);
  EXPECT_NE(page.find("The other 100 frames are not on this page"), std::string::npos);
  EXPECT_NE(page.find("one line each, and the rest only counted."), std::string::npos);
  EXPECT_EQ(count(page, "<tr data-request="), kPairsListed);
  EXPECT_NE(page.find(fmt::format("and {} more pairs", (on_page + 100) / 2 - kPairsListed)),
            std::string::npos);
  EXPECT_NE(page.find(fmt::format("<tr><th>unanswered requests</th><td>{}: <a href=\"#frame-1\">"
                                  "packet 1</a>, <a href=\"#frame-3\">packet 3</a>",
                                  (on_page + 101) / 2)),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"#frame-39\">packet 39</a>, ...</td>"), std::string::npos);

  const std::string twice = render_html_page(capture_of(2 * on_page));
  EXPECT_LT(twice.size(), page.size() + 100);
}

TEST(HtmlPage, AnEmptyCaptureSaysSo) {
  DecodedCapture c;
  c.source = "empty.pcap";
  c.format = "pcapng";
  c.skipped = 3;
  const std::string page = render_html_page(c);
  EXPECT_NE(page.find("<p class=\"note\">No ICMP or ICMPv6 frames.</p>"), std::string::npos);
  EXPECT_NE(page.find("data-frames=\"0\" data-skipped=\"3\""), std::string::npos);
  EXPECT_EQ(page.find("id=\"pairs\""), std::string::npos);
}

TEST(HtmlPage, TheScriptLightsFieldsAndBytesByHoverAndFocus) {
  const std::string page = render_html_page(lab_capture());
  for (const std::string_view hook :
       {"addEventListener(\"mouseover\"", "addEventListener(\"focusin\"",
        "addEventListener(\"mouseout\"", "addEventListener(\"hashchange\"",
        "'.b[data-fields~=\"' + f + '\"]'", "'[data-field=\"' + f + '\"]'",
        "setAttribute(\"data-linked-fields\"", "setAttribute(\"data-script\", \"ready\")"}) {
    EXPECT_NE(page.find(hook), std::string::npos) << hook;
  }
  EXPECT_NE(page.find(".b.hl{"), std::string::npos);
  EXPECT_NE(page.find("@media print{"), std::string::npos);
}

TEST(HtmlPage, AFileDamagedPartWaySaysSoInRedAtTheTop) {
  DecodedCapture c;
  c.source = "truncated.pcap";
  c.format = "pcap";
  c.damage = LabError(LabErrorKind::kTruncatedDatagram,
                      "truncated.pcap: the file is damaged at packet 8 (truncated dump file); "
                      "the 7 packets before it were read");
  const std::string page = render_html_page(c);
  EXPECT_NE(page.find("<p class=\"error damage\">truncated.pcap: the file is damaged at packet 8 "
                      "(truncated dump file); the 7 packets before it were read</p>"),
            std::string::npos);
}

TEST(HtmlPage, AReplyToAMulticastRequestGetsNoEqn3Verdict) {
  // The real ping -6, sent to ff02::1 instead: pong answers from its
  // unicast address (RFC 4443 4.2), so the pseudo-header changed.
  auto request = test::ping6_request();
  for (std::size_t i = 24; i < 40; ++i) request[i] = 0;
  request[24] = 0xff;
  request[25] = 0x02;
  request[39] = 0x01;
  const auto ip = *wire::Ipv6Packet::parse(request);
  (*wire::Icmpv6PacketMut::parse(std::span(request).subspan(40)))
      .fill_checksum(ip.pseudo_header_sum());
  DecodedCapture c;
  c.source = "multicast.pcap";
  c.format = "pcap";
  c.frames.push_back(frame_of(request, 1, kFirstTime));
  c.frames.push_back(frame_of(test::ping6_reply(), 2, kFirstTime + kRtt));
  pair_echoes(c);
  ASSERT_EQ(c.pairs.size(), 1u);
  const std::string page = render_html_page(c);
  EXPECT_NE(page.find("<td>does not apply: the reply's source is not the request's "
                      "destination</td>"),
            std::string::npos);
  EXPECT_NE(page.find("The request went to ff02::1, and the reply comes from fd00:172:22::3"),
            std::string::npos);
  EXPECT_EQ(page.find("verdict bad"), std::string::npos);
}

}  // namespace
}  // namespace pong::lab
