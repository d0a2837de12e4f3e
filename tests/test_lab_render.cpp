// What icmp-lab prints: the RFC numbers in the text, aligned columns, and
// colour only when asked for.
#include "render.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "packets.hpp"
#include "test_lab_captures.hpp"

namespace pong::lab {
namespace {

const RenderOptions kPlain{Style{false}, false};
const RenderOptions kColor{Style{true}, false};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Capture capture_of(std::vector<std::uint8_t> bytes) {
  Capture c;
  c.bytes = std::move(bytes);
  return c;
}

TEST(UseColor, OnlyOnATerminalAndWithoutNoColor) {
  EXPECT_TRUE(use_color(ColorMode::kAuto, true, nullptr));
  EXPECT_TRUE(use_color(ColorMode::kAuto, true, ""));
  EXPECT_FALSE(use_color(ColorMode::kAuto, true, "1"));
  EXPECT_FALSE(use_color(ColorMode::kAuto, false, nullptr));
  EXPECT_TRUE(use_color(ColorMode::kAlways, false, "1"));
  EXPECT_FALSE(use_color(ColorMode::kNever, true, nullptr));
}

TEST(RenderChecksum, Rfc1071ExampleStepByStep) {
  const std::vector<std::uint8_t> bytes{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  const std::string out = render_checksum(bytes, explain_checksum(bytes), false, kPlain);
  EXPECT_TRUE(contains(out, "RFC 1071 checksum of 8 bytes: 4 16-bit words")) << out;
  EXPECT_TRUE(contains(out, "     1       0  00 01   0x0001  0x00000001\n")) << out;
  EXPECT_TRUE(contains(out, "     4       6  f6 f7   0xf6f7  0x0002ddf0\n")) << out;
  EXPECT_TRUE(contains(out, "    0x0002ddf0 -> 0xddf0 + 0x0002 = 0xddf2\n")) << out;
  EXPECT_TRUE(contains(out, "  one's complement sum: 0xddf2\n")) << out;
  EXPECT_TRUE(contains(out, "  checksum = ~0xddf2 = 0x220d\n")) << out;
  EXPECT_FALSE(contains(out, "\033[")) << out;
}

TEST(RenderChecksum, VerifySaysValidOrInvalid) {
  auto header = test::captured_request();
  header.resize(20);
  std::string out = render_checksum(header, explain_checksum(header), true, kPlain);
  EXPECT_TRUE(contains(out, "  valid: with its checksum included, the data sums to 0xffff")) << out;
  header[11] ^= 1;
  out = render_checksum(header, explain_checksum(header), true, kPlain);
  EXPECT_TRUE(contains(out, "  INVALID: the sum is 0x0001, not 0xffff")) << out;
  out = render_checksum(header, explain_checksum(header), true, kColor);
  EXPECT_TRUE(contains(out, "\033[1;31mINVALID\033[0m")) << out;
}

TEST(RenderChecksum, AnOddByteIsMarkedAndLongInputsAreShortened) {
  std::vector<std::uint8_t> bytes{0x12, 0x34, 0xab};
  std::string out = render_checksum(bytes, explain_checksum(bytes), false, kPlain);
  EXPECT_TRUE(contains(out, "  ab 00*  0xab00")) << out;
  EXPECT_TRUE(contains(out, "* an odd last byte is paired with a zero low byte (RFC 1071 4.1)"));

  bytes.assign(400, 0x01);
  out = render_checksum(bytes, explain_checksum(bytes), false, kPlain);
  EXPECT_TRUE(contains(out, "  ... 168 more words (--all shows them) ...\n")) << out;
  EXPECT_TRUE(contains(out, "   200     398  01 01 ")) << out;
  const RenderOptions all{Style{false}, true};
  out = render_checksum(bytes, explain_checksum(bytes), false, all);
  EXPECT_FALSE(contains(out, "more words"));
  EXPECT_TRUE(contains(out, "   100     198  01 01 ")) << out;
}

TEST(RenderIncremental, Rfc1624ExampleShowsMinusZeroAgainstPlusZero) {
  const std::string out = render_rfc1624_example(rfc1624_example(), kPlain);
  EXPECT_TRUE(contains(out,
                       "the other header words sum to 0xcd7a; one word m = 0x5555 becomes "
                       "m' = 0x3285"))
      << out;
  EXPECT_TRUE(contains(out, "old checksum  HC  = ~(0xcd7a + 0x5555) = ~0x22d0 = 0xdd2f")) << out;
  EXPECT_TRUE(contains(out, "recomputed    HC' = ~(0xcd7a + 0x3285) = ~0xffff = 0x0000")) << out;
  EXPECT_TRUE(contains(out,
                       "RFC 1141      HC' = 0xdd2f + 0x5555 + ~0x3285 = 0xffff   wrong: -0, "
                       "where the recomputation gives +0"))
      << out;
  EXPECT_TRUE(contains(out,
                       "eqn. 3        HC' = ~(~0xdd2f + ~0x5555 + 0x3285) = ~(0x22d0 + "
                       "0xaaaa + 0x3285) = ~0xffff = 0x0000   right"))
      << out;

  const std::string update = render_incremental(rfc1624_example().update, kPlain);
  EXPECT_TRUE(contains(update, "they differ: eqn. 3 gives 0x0000, RFC 1141 gives 0xffff"))
      << update;
}

TEST(RenderDecoded, FieldsAreAlignedInColumns) {
  const auto bytes = test::captured_request();
  const auto packet = decode_packet(bytes);
  ASSERT_TRUE(packet);
  const std::string out = render_decoded(*packet, capture_of(bytes), 1, kPlain);
  EXPECT_TRUE(contains(out, "  header checksum   0xaa96        valid: the header sums to 0xffff\n"))
      << out;
  EXPECT_TRUE(
      contains(out, "  checksum          0x492b        valid: the message sums to 0xffff\n"))
      << out;
  EXPECT_TRUE(contains(out, "  identifier        21780         0x5514\n")) << out;
  EXPECT_TRUE(contains(out, "  sequence number   1             0x0001\n")) << out;
  EXPECT_TRUE(contains(out, "  TTL               64\n")) << out;
  EXPECT_TRUE(contains(out, "  type              8             echo request\n")) << out;
  EXPECT_TRUE(
      contains(out, "  0000  2d 08 f4 60 00 00 00 00  6c 83 0d 00 00 00 00 00  -..`....l.......\n"))
      << out;
  // Every field row puts its value at column 20.
  for (const std::string& line : lines_of(out)) {
    if (line.size() < 21 || line.substr(0, 2) != "  " || line[2] == ' ' ||
        contains(line, "note:")) {
      continue;
    }
    if (line.substr(2, 4) == "0000" || line.substr(2, 2) == "00" || line.substr(2, 2) == "0x")
      continue;
    EXPECT_EQ(line[19], ' ') << line;
    EXPECT_NE(line[20], ' ') << line;
  }
  EXPECT_FALSE(contains(out, "\033["));
  const std::string colored = render_decoded(*packet, capture_of(bytes), 1, kColor);
  EXPECT_TRUE(contains(colored, "\033[32mvalid\033[0m"));
}

TEST(RenderReply, ShowsTheChangedWordBothChecksumsAndTheRfc1624Example) {
  const auto r = explain_reply(test::captured_request());
  ASSERT_TRUE(r);
  const std::string out = render_reply(*r, capture_of(test::captured_request()), 1, kPlain);
  EXPECT_TRUE(contains(out, "    request  08 00  m  = 0x0800  type 8 (echo request), code 0\n"))
      << out;
  EXPECT_TRUE(contains(out, "    reply    00 00  m' = 0x0000  type 0 (echo reply), code 0\n"))
      << out;
  EXPECT_TRUE(contains(out, "      checksum = ~0xaed4 = 0x512b\n")) << out;
  EXPECT_TRUE(contains(out, "          HC'  = ~0xaed4 = 0x512b\n")) << out;
  EXPECT_TRUE(contains(out,
                       "the recomputation and eqn. 3 agree: 0x512b; pong writes 0x512b, and "
                       "the reply verifies"))
      << out;
  EXPECT_TRUE(contains(out, "= ~0xffff = 0x0000   right")) << out;
  EXPECT_TRUE(contains(out, "  0000 512b 5514 0001 2d08 f460 0000 0000\n  ^^   ^^\n")) << out;
  EXPECT_TRUE(contains(out, "  4500 0054 9210 4000 4001 aa96 7f00 0001\n")) << out;
}

TEST(RenderBytes, WiresharkStyleLinesAndLongPayloadsShortened) {
  const std::vector<std::uint8_t> hello{'h', 'i', 0x00};
  EXPECT_EQ(render_bytes(hello, "  ", false),
            "  0000  68 69 00                                          hi.\n");
  const std::vector<std::uint8_t> big(2000, 0x41);
  const std::string out = render_bytes(big, "", false);
  EXPECT_TRUE(contains(out, "... 1680 bytes not shown (--all shows them) ...")) << out;
  EXPECT_TRUE(contains(out, "07c0  41 41")) << out;
  EXPECT_EQ(lines_of(render_bytes(big, "", true)).size(), 125u);
}

TEST(RenderCrafted, ACommentLineThenHexThatDecodeReads) {
  CraftOptions options;
  options.identifier = 4660;
  options.sequence = 1;
  const std::string text = "hi";
  options.data.assign(text.begin(), text.end());
  options.bad_checksum = true;
  const auto r = craft_echo_request(options);
  const std::string out = render_crafted(*r, options, false, false);
  EXPECT_TRUE(contains(out,
                       "# ICMP echo request 172.22.0.2 > 172.22.0.3: id 4660, seq 1, 2 data "
                       "bytes \"hi\", checksum 0x"))
      << out;
  EXPECT_TRUE(contains(out, "(deliberately wrong; the right one is 0x")) << out;
  const auto captures = parse_captures(out);
  ASSERT_TRUE(captures);
  EXPECT_EQ((*captures)[0].bytes, r->datagram);
  EXPECT_EQ(render_crafted(*r, options, true, true), format_hex_groups(r->icmp()) + "\n");
}

// ---- IPv6 -------------------------------------------------------------------

TEST(RenderDecodedIpv6, EveryHeaderFieldAndBothFormsOfEachAddress) {
  const auto bytes = test::ping6_request_frame();
  const auto packet = decode_packet(bytes);
  ASSERT_TRUE(packet);
  const std::string out = render_decoded(*packet, capture_of(bytes), 1, kPlain);
  for (const std::string_view line : {
           "link layer          Ethernet II, 14 bytes: destination f6:af:b6:6a:51:48, source "
           "a6:96:a2:85:fa:60, type 0x86dd (IPv6)\n",
           "IPv6 header         40 bytes, and no header checksum (RFC 8200 3)\n",
           "  version           6\n",
           "  traffic class     0x00          DSCP 0, ECN 0\n",
           "  flow label        0x61f06       the sender's choice per flow (RFC 6437)\n",
           "  payload length    64            bytes after this header\n",
           "  next header       58            ICMPv6\n",
           "  hop limit         64\n",
           "  source            fd00:172:22::2  compressed (RFC 5952)\n",
           "                    fd00:0172:0022:0000:0000:0000:0000:0002  in full (RFC 4291 2.2)\n",
           "  destination       fd00:172:22::3  compressed (RFC 5952)\n",
           "                    fd00:0172:0022:0000:0000:0000:0000:0003  in full (RFC 4291 2.2)\n",
           "ICMPv6              64 bytes\n",
           "  type              128           echo request\n",
           "  checksum          0x41e8        valid: with the pseudo-header, the message sums to "
           "0xffff\n",
           "  identifier        18437         0x4805\n",
       }) {
    EXPECT_TRUE(contains(out, line)) << line << "\n" << out;
  }
  // Every field row puts its value at column 20, as for IPv4.
  for (const std::string& line : lines_of(out)) {
    if (line.size() < 21 || line.substr(0, 2) != "  " || line[2] == ' ' ||
        contains(line, "note:")) {
      continue;
    }
    if (line.substr(2, 4) == "0000" || line.substr(2, 2) == "00" || line.substr(2, 2) == "0x" ||
        contains(line, "pseudo-header") || contains(line, "the ICMPv6 message") ||
        contains(line, "word  offset") || contains(line, "fold each carry") ||
        contains(line, "one's complement sum") || contains(line, "valid:")) {
      continue;
    }
    EXPECT_EQ(line[19], ' ') << line;
    EXPECT_NE(line[20], ' ') << line;
  }
}

// decode works the ICMPv6 checksum through, pseudo-header first.
TEST(RenderDecodedIpv6, ThePseudoHeaderChecksumStepByStep) {
  const auto bytes = test::ping6_request();
  const auto packet = decode_packet(bytes);
  ASSERT_TRUE(packet);
  const std::string out = render_decoded(*packet, capture_of(bytes), 1, kPlain);
  for (const std::string_view line : {
           "ICMPv6 checksum     RFC 4443 2.3: the pseudo-header of RFC 8200 8.1, then the message",
           "  pseudo-header, source address: fd00:172:22::2\n"
           "     1       0  fd 00   0xfd00  0x0000fd00\n",
           "  pseudo-header, destination address: fd00:172:22::3\n"
           "     9      16  fd 00   0xfd00  0x0001fb96\n",
           "  pseudo-header, upper-layer packet length (32 bits): 64\n"
           "    17      32  00 00   0x0000  0x0001fd2d\n"
           "    18      34  00 40   0x0040  0x0001fd6d\n",
           "  pseudo-header, 24 zero bits, then the next header: 58 (ICMPv6)\n"
           "    19      36  00 00   0x0000  0x0001fd6d\n"
           "    20      38  00 3a   0x003a  0x0001fda7\n",
           "  (the pseudo-header alone: 0x0001fda7, folded 0xfda8)\n"
           "  the ICMPv6 message: 64 bytes\n"
           "    21       0  80 00   0x8000  0x00027da7\n"
           "    22       2  41 e8   0x41e8  0x0002bf8f\n",
           "    52      62  36 37   0x3637  0x0006fff9\n",
           "    0x0006fff9 -> 0xfff9 + 0x0006 = 0xffff\n",
           "  valid: with its checksum included, the pseudo-header and the data sum to 0xffff",
       }) {
    EXPECT_TRUE(contains(out, line)) << line << "\n" << out;
  }
}

TEST(RenderChecksumIpv6, ThePartsAreNamedAndTheChecksumIs41e8) {
  auto message = test::ping6_request();
  message.erase(message.begin(), message.begin() + 40);
  message[2] = message[3] = 0;
  const auto p = decode_packet(test::ping6_request())->icmp->pseudo_header;
  ASSERT_TRUE(p);
  const std::string out = render_checksum(message, explain_checksum(message, *p), false, kPlain);
  EXPECT_TRUE(contains(out,
                       "RFC 1071 checksum of 64 bytes after the IPv6 pseudo-header (RFC 8200 8.1, "
                       "RFC 4443 2.3): 52 16-bit words\n"))
      << out;
  EXPECT_TRUE(contains(out, "    0x0006be11 -> 0xbe11 + 0x0006 = 0xbe17\n")) << out;
  EXPECT_TRUE(contains(out, "  checksum = ~0xbe17 = 0x41e8\n")) << out;
  // Long messages keep every pseudo-header word and cut the message's.
  std::vector<std::uint8_t> big(400, 0x01);
  const std::string cut = render_checksum(big, explain_checksum(big, *p), false, kPlain);
  EXPECT_TRUE(contains(cut, "    20      38  00 3a ")) << cut;
  EXPECT_TRUE(contains(cut, "  ... 168 more words (--all shows them) ...\n")) << cut;
}

TEST(RenderReplyIpv6, WhyThePseudoHeaderDoesNotChangeTheUpdate) {
  const auto r = explain_reply(test::ping6_request());
  ASSERT_TRUE(r);
  const std::string out = render_reply(*r, capture_of(test::ping6_request()), 1, kPlain);
  for (const std::string_view line : {
           "pong's reply        fd00:172:22::3 > fd00:172:22::2: the addresses swapped (RFC 4443 "
           "4.2)\n",
           "    request  80 00  m  = 0x8000  type 128 (echo request), code 0\n",
           "    reply    81 00  m' = 0x8100  type 129 (echo reply), code 0\n",
           "  request  fd00:172:22::2 > fd00:172:22::3, 64 bytes, next header 58: sums to 0xfda8\n",
           "  reply    fd00:172:22::3 > fd00:172:22::2, 64 bytes, next header 58: sums to 0xfda8\n",
           "(RFC 1071 2(A))",
           "      52 words sum to 0x0006bf11\n",
           "      checksum = ~0xbf17 = 0x40e8\n",
           "          HC'  = ~0xbf17 = 0x40e8\n",
           "the recomputation and eqn. 3 agree: 0x40e8; pong writes 0x40e8, and the reply "
           "verifies (with its pseudo-header it sums to 0xffff)\n",
           "icmp-lab checksum --ipv6-src fd00:172:22::3 --ipv6-dst fd00:172:22::2",
           "reply ICMPv6 message  64 bytes, changed bytes marked\n"
           "  8100 40e8 4805 0001 b79f 0f6b 0000 0000\n"
           "  ^^   ^^\n",
           "reply packet        for icmp-lab decode: the request's IPv6 header, addresses swapped",
           "  6006 1f06 0040 3a40 fd00 0172 0022 0000\n"
           "  0000 0000 0000 0003 fd00 0172 0022 0000\n",
       }) {
    EXPECT_TRUE(contains(out, line)) << line << "\n" << out;
  }
}

TEST(RenderCraftedIpv6, SaysThePseudoHeaderIsInTheChecksum) {
  CraftOptions options;
  options.source = kLabClientIpv6;
  options.destination = kLabServerIpv6;
  options.identifier = 1;
  options.sequence = 1;
  options.data = {'h', 'i'};
  const auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(render_crafted(*r, options, false, false),
            "# ICMPv6 echo request fd00:172:22::2 > fd00:172:22::3: id 1, seq 1, 2 data bytes "
            "\"hi\", checksum 0x1a21 (correct, pseudo-header included)\n"
            "6000 0000 000a 3a40 fd00 0172 0022 0000\n"
            "0000 0000 0000 0002 fd00 0172 0022 0000\n"
            "0000 0000 0000 0003 8000 1a21 0001 0001\n"
            "6869\n");
  EXPECT_TRUE(contains(render_crafted(*r, options, true, false),
                       "; the ICMPv6 message only (its checksum also covers the pseudo-header)\n"
                       "8000 1a21 0001 0001 6869\n"));
  const auto captures = parse_captures(render_crafted(*r, options, false, false));
  ASSERT_TRUE(captures);
  EXPECT_EQ((*captures)[0].bytes, r->datagram);
}

TEST(NumberText, HexWordsSumsAndMilliseconds) {
  EXPECT_EQ(hex16(0x65bd), "0x65bd");
  EXPECT_EQ(hex16(0x1), "0x0001");
  EXPECT_EQ(hex32(0x19241), "0x00019241");
  EXPECT_EQ(milliseconds_text(182'000), "0.182 ms");
  EXPECT_EQ(milliseconds_text(1'234'567'890), "1234.568 ms");
}

TEST(RttText, ANegativeRoundTripSaysTheClockSteppedBack) {
  EXPECT_EQ(rtt_text(182'000), "0.182 ms");
  EXPECT_EQ(rtt_text(0), "0.000 ms");
  EXPECT_EQ(rtt_text(-100'000),
            "-0.100 ms (the reply is stamped before its request: the capturing host's clock "
            "stepped back)");
}

TEST(FormatCaptureTime, MicrosecondsOrNanosecondsAndTimesBefore1970) {
  EXPECT_EQ(format_capture_time(1'764'690'711'961'592'000), "2025-12-02 15:51:51.961592 UTC");
  EXPECT_EQ(format_capture_time(1'000'000'001), "1970-01-01 00:00:01.000000001 UTC");
  EXPECT_EQ(format_capture_time(-1'500'000'000), "1969-12-31 23:59:58.500000 UTC");
}

}  // namespace
}  // namespace pong::lab
