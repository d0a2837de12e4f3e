// icmp-lab's reader of pasted packets: plain hex, tcpdump, xxd, Wireshark.
#include "hex_input.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "packets.hpp"
#include "test_lab_captures.hpp"

namespace pong::lab {
namespace {

// The captured request of tests/packets.hpp as `tcpdump -X` prints it:
// tab, offset, two spaces, 4-digit groups, two spaces, the ASCII column.
constexpr std::string_view kTcpdumpX =
    "12:00:00.000000 IP localhost > localhost: ICMP echo request, id 21780, seq 1, length 64\n"
    "\t0x0000:  4500 0054 9210 4000 4001 aa96 7f00 0001  E..T..@.@.......\n"
    "\t0x0010:  7f00 0001 0800 492b 5514 0001 2d08 f460  ......I+U...-..`\n"
    "\t0x0020:  0000 0000 6c83 0d00 0000 0000 1011 1213  ....l...........\n"
    "\t0x0030:  1415 1617 1819 1a1b 1c1d 1e1f 2021 2223  ............ !\"#\n"
    "\t0x0040:  2425 2627 2829 2a2b 2c2d 2e2f 3031 3233  $%&'()*+,-./0123\n"
    "\t0x0050:  3435 3637                                4567\n";

// `xxd` of the same bytes.
constexpr std::string_view kXxd =
    "00000000: 4500 0054 9210 4000 4001 aa96 7f00 0001  E..T..@.@.......\n"
    "00000010: 7f00 0001 0800 492b 5514 0001 2d08 f460  ......I+U...-..`\n"
    "00000020: 0000 0000 6c83 0d00 0000 0000 1011 1213  ....l...........\n"
    "00000030: 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223  ............ !\"#\n"
    "00000040: 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233  $%&'()*+,-./0123\n"
    "00000050: 3435 3637                                4567\n";

// Wireshark's "Copy Bytes as Hex + ASCII Dump" of the frame on loopback
// (an Ethernet header of zeros): "%04x  ", " %02x" per byte, 3 spaces.
constexpr std::string_view kWireshark =
    "0000   00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.\n"
    "0010   00 54 92 10 40 00 40 01 aa 96 7f 00 00 01 7f 00   .T..@.@.........\n"
    "0020   00 01 08 00 49 2b 55 14 00 01 2d 08 f4 60 00 00   ....I+U...-..`..\n"
    "0030   00 00 6c 83 0d 00 00 00 00 00 10 11 12 13 14 15   ..l.............\n"
    "0040   16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25   .......... !\"#$%\n"
    "0050   26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35   &'()*+,-./012345\n"
    "0060   36 37                                             67\n";

std::vector<std::uint8_t> with_ethernet(std::vector<std::uint8_t> ip) {
  std::vector<std::uint8_t> frame(12, 0);
  frame.push_back(0x08);
  frame.push_back(0x00);
  frame.insert(frame.end(), ip.begin(), ip.end());
  return frame;
}

TEST(ParsePlainHex, AcceptsSpacesNoSpacesPrefixesCommasAndCase) {
  const std::vector<std::uint8_t> want{0x45, 0x00, 0x00, 0x54};
  for (const std::string_view text :
       {"4500 0054", "45000054", "45 00 00 54", "0x45, 0x00, 0x00, 0x54", "4500\n0054\n",
        "  45 00\t00 54  ", "4500 0054\r\n", "0X4500 0054"}) {
    const auto bytes = parse_plain_hex(text);
    ASSERT_TRUE(bytes) << text << ": " << bytes.error().message;
    EXPECT_EQ(*bytes, want) << text;
  }
  EXPECT_EQ(*parse_plain_hex("aAbBcCdD"), (std::vector<std::uint8_t>{0xaa, 0xbb, 0xcc, 0xdd}));
}

TEST(ParsePlainHex, NamesTheFirstNonHexCharacterAndWhereItIs) {
  auto r = parse_plain_hex("4500 0054 9g10");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotHex);
  EXPECT_EQ(r.error().message, "position 12: 'g' is not a hex digit");

  r = parse_plain_hex("4500 0054\n9210 z000\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "line 2, column 6: 'z' is not a hex digit");

  r = parse_plain_hex("45:00");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "position 3: ':' is not a hex digit");

  r = parse_plain_hex("45 \xce\xbc");  // a UTF-8 mu
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "position 4: a non-ASCII character is not a hex digit");

  r = parse_plain_hex("45 0x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotHex);
  EXPECT_EQ(r.error().message, "position 4: '0x' has no hex digits after the 0x");
}

TEST(ParsePlainHex, OddDigitCountsAreRefusedWithTheGroup) {
  auto r = parse_plain_hex("4500 005");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kOddDigits);
  EXPECT_EQ(r.error().message,
            "position 6: odd number of hex digits in '005' (3): every byte needs two");
  r = parse_plain_hex("450000541");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kOddDigits);
}

TEST(ParsePlainHex, EmptyAndHugeInputs) {
  for (const std::string_view text : {"", "   ", "\n\n"}) {
    const auto r = parse_plain_hex(text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, LabErrorKind::kEmptyInput);
    EXPECT_EQ(r.error().message, "no hex bytes given");
  }
  const std::string huge(kMaxInputChars + 1, '0');
  const auto r = parse_plain_hex(huge);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kInputTooLarge);
}

TEST(ParseCaptures, TcpdumpXWithOffsetsAndTheAsciiColumn) {
  const auto captures = parse_captures(kTcpdumpX);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 1u);
  const Capture& c = (*captures)[0];
  EXPECT_EQ(c.bytes, test::captured_request());
  EXPECT_EQ(c.format, InputFormat::kDump);
  EXPECT_EQ(c.first_line, 2u);
  EXPECT_EQ(c.caption,
            "12:00:00.000000 IP localhost > localhost: ICMP echo request, id 21780, seq 1, "
            "length 64");
}

TEST(ParseCaptures, XxdAndWireshark) {
  auto captures = parse_captures(kXxd);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 1u);
  EXPECT_EQ((*captures)[0].bytes, test::captured_request());

  captures = parse_captures(kWireshark);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 1u);
  EXPECT_EQ((*captures)[0].bytes, with_ethernet(test::captured_request()));
}

// Found by tests/fuzz/fuzz_lab_hex_input.cpp. xxd and Wireshark print a
// byte 0x20 as a blank, so when a dump's first byte is 0x20 its ASCII
// column starts with one; the reader took the column to start at its
// first non-blank character, one column late, and read the last line's
// ASCII column as hex. A real case: `xxd` of an Ethernet frame (ping -s 16
// 10.99.0.3, captured with tcpdump -w) to a MAC address of the OUI
// 20:4e:7f.
TEST(ParseCaptures, AnAsciiColumnThatStartsWithABlank) {
  constexpr std::string_view kXxdFrame =
      "00000000: 204e 7f00 0003 204e 7f00 0002 0800 4500   N.... N......E.\n"
      "00000010: 002c 7ca8 4000 4001 a95e 0a63 0002 0a63  .,|.@.@..^.c...c\n"
      "00000020: 0003 0800 b3fb 72c5 0001 f6bd 0f6b 0000  ......r......k..\n"
      "00000030: 0000 c414 0700 0000 0000                 ..........\n";
  const auto captures = parse_captures(kXxdFrame);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 1u);
  const auto& bytes = (*captures)[0].bytes;
  ASSERT_EQ(bytes.size(), 58u);  // 14 + 20 + 8 + 16
  EXPECT_EQ(bytes.front(), 0x20);
  EXPECT_EQ(bytes.back(), 0x00);
  EXPECT_EQ(bytes[50], 0xc4);

  // Sixteen 0x20 bytes: a first line whose ASCII column is only blanks.
  const auto blanks = parse_captures(
      "00000000: 2020 2020 2020 2020 2020 2020 2020 2020                  \n"
      "00000010: 4500                                     E.\n");
  ASSERT_TRUE(blanks) << blanks.error().message;
  EXPECT_EQ((*blanks)[0].bytes.size(), 18u);
}

TEST(ParseCaptures, WiresharkHexOnlyAndTcpdumpXxHaveNoAsciiColumn) {
  std::string hex_only;  // "...as Hex Dump": the same lines without ASCII
  for (std::size_t pos = 0; pos < kWireshark.size();) {
    const std::size_t end = kWireshark.find('\n', pos);
    std::string line(kWireshark.substr(pos, end - pos));
    line = line.substr(0, std::min<std::size_t>(line.size(), 6 + 16 * 3));
    while (line.back() == ' ') line.pop_back();
    hex_only += line + "\n";
    pos = end + 1;
  }
  auto captures = parse_captures(hex_only);
  ASSERT_TRUE(captures) << captures.error().message;
  EXPECT_EQ((*captures)[0].bytes, with_ethernet(test::captured_request()));

  // tcpdump -xx on loopback, as printed: no ASCII column.
  constexpr std::string_view kXx =
      "\t0x0000:  0000 0000 0000 0000 0000 0000 0800 4500\n"
      "\t0x0010:  001f 7a0c 4000 4001 c2cf 7f00 0001 7f00\n"
      "\t0x0020:  0001 0800 c52b 30d2 0001 0001 02\n";
  captures = parse_captures(kXx);
  ASSERT_TRUE(captures) << captures.error().message;
  EXPECT_EQ((*captures)[0].bytes.size(), 45u);
  EXPECT_EQ((*captures)[0].bytes.back(), 0x02);
}

TEST(ParseCaptures, SeveralPacketsInOnePaste) {
  // A request and its reply as tcpdump -X prints them: summary lines and
  // offsets back at 0 separate them.
  std::string paste(kTcpdumpX);
  std::string reply(kTcpdumpX);
  reply.replace(reply.find("0800 492b"), 9, "0000 512b");
  reply.replace(reply.find("echo request"), 12, "echo reply");
  paste += reply;
  auto captures = parse_captures(paste);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 2u);
  EXPECT_EQ((*captures)[0].bytes[20], 0x08);
  EXPECT_EQ((*captures)[1].bytes[20], 0x00);
  EXPECT_NE((*captures)[1].caption.find("echo reply"), std::string::npos);

  // Plain hex: a blank line or a "# comment" separates packets.
  captures = parse_captures("# first\n4500 0054\n\n4500 0055\n# third\n4500\n0056\n");
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 3u);
  EXPECT_EQ((*captures)[0].caption, "first");
  EXPECT_EQ((*captures)[1].caption, "");
  EXPECT_EQ((*captures)[2].caption, "third");
  EXPECT_EQ((*captures)[2].bytes, (std::vector<std::uint8_t>{0x45, 0x00, 0x00, 0x56}));
  EXPECT_EQ((*captures)[2].first_line, 6u);

  // Wireshark dumps one after the other: the offset returns to 0.
  captures = parse_captures(std::string(kWireshark) + std::string(kWireshark));
  ASSERT_TRUE(captures);
  EXPECT_EQ(captures->size(), 2u);
}

TEST(ParseCaptures, APing6AsTcpdumpXxAndXPrintedIt) {
  auto captures = parse_captures(test::kPing6TcpdumpXx);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 2u);
  EXPECT_EQ((*captures)[0].bytes, test::ping6_request_frame());
  EXPECT_EQ((*captures)[0].format, InputFormat::kDump);
  EXPECT_NE((*captures)[0].caption.find("ICMP6, echo request, id 18437"), std::string::npos);
  EXPECT_EQ((*captures)[1].bytes.size(), 118u);

  captures = parse_captures(test::kPing6TcpdumpX);
  ASSERT_TRUE(captures) << captures.error().message;
  ASSERT_EQ(captures->size(), 2u);
  EXPECT_EQ((*captures)[0].bytes, test::ping6_request());
  EXPECT_EQ((*captures)[1].bytes, test::ping6_reply());
}

TEST(ParseCaptures, OneLineDumpsFindTheirAsciiColumnByContent) {
  // The ASCII column "abcd" is itself valid hex: it must not be read as bytes.
  auto captures = parse_captures("\t0x0000:  6162 6364  abcd\n");
  ASSERT_TRUE(captures) << captures.error().message;
  EXPECT_EQ((*captures)[0].bytes, (std::vector<std::uint8_t>{0x61, 0x62, 0x63, 0x64}));
  // An ASCII column that starts with a space (byte 0x20).
  captures = parse_captures("0000   20 41 42                                           AB\n");
  ASSERT_TRUE(captures) << captures.error().message;
  EXPECT_EQ((*captures)[0].bytes, (std::vector<std::uint8_t>{0x20, 0x41, 0x42}));
  // Unprintable bytes are dots in the ASCII column (xxd of an ICMP header).
  captures = parse_captures("00000000: 0800 f7fc 0001 0002                      ........\n");
  ASSERT_TRUE(captures) << captures.error().message;
  EXPECT_EQ((*captures)[0].bytes,
            (std::vector<std::uint8_t>{0x08, 0x00, 0xf7, 0xfc, 0x00, 0x01, 0x00, 0x02}));
  // No ASCII column at all.
  captures = parse_captures("\t0x0000:  6162 6364 6566\n");
  ASSERT_TRUE(captures);
  EXPECT_EQ((*captures)[0].bytes.size(), 6u);
}

TEST(ParseCaptures, BrokenDumpsSayWhichLineAndWhy) {
  // The first line is missing.
  std::string text(kTcpdumpX);
  text.erase(text.find("\t0x0000"), text.find("\t0x0010") - text.find("\t0x0000"));
  auto r = parse_captures(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kDumpOffset);
  EXPECT_EQ(r.error().message,
            "line 2: this dump starts at offset 0x0010, not 0: is its first line missing?");

  // A line in the middle is missing: the line before it is too short.
  text = kTcpdumpX;
  text.erase(text.find("\t0x0020"), text.find("\t0x0030") - text.find("\t0x0020"));
  r = parse_captures(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kDumpLineLength);
  EXPECT_EQ(r.error().message,
            "line 3: this line holds 16 bytes, but the next line's offset (0x0030) says 32: is "
            "part of the dump missing?");

  // Offsets going backwards.
  text = kTcpdumpX;
  text.replace(text.find("0x0040"), 6, "0x0008");
  r = parse_captures(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kDumpOffset);

  // A typo inside the bytes.
  text = kTcpdumpX;
  text.replace(text.find("492b"), 4, "49zb");
  r = parse_captures(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotHex);
  EXPECT_EQ(r.error().message, "line 3, column 28: 'z' is not a hex digit");

  r = parse_captures("12:00:00 IP a > b: ICMP echo request\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kEmptyInput);
}

TEST(ParseCaptures, ATypoInPlainHexIsAnErrorNotACaption) {
  const auto r = parse_captures("4500 0054 9g10 4000\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotHex);
  EXPECT_EQ(r.error().message, "position 12: 'g' is not a hex digit");
}

// However the paste is cut, reading it never fails badly: it gives bytes
// or says what is wrong. Cut at the end of a line, it gives exactly the
// bytes of the lines before the cut.
TEST(ParseCaptures, TruncationOfTheTextAtEveryLength) {
  const auto full = test::captured_request();
  for (const std::string_view text :
       {kTcpdumpX, kXxd, kWireshark, std::string_view(test::kCapturedRequestHex)}) {
    std::size_t lines_seen = 0;
    for (std::size_t n = 0; n <= text.size(); ++n) {
      const auto r = parse_captures(text.substr(0, n));
      if (!r) {
        EXPECT_FALSE(r.error().message.empty());
        continue;
      }
      const bool at_line_end = n == text.size() || (n > 0 && text[n - 1] == '\n');
      if (!at_line_end) continue;
      ++lines_seen;
      ASSERT_EQ(r->size(), 1u) << n;
      const auto& bytes = (*r)[0].bytes;
      ASSERT_LE(bytes.size(), full.size() + 14) << n;
      if (text == kWireshark) {
        EXPECT_TRUE(std::equal(bytes.begin() + 14, bytes.end(), full.begin())) << n;
      } else {
        EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), full.begin())) << n;
      }
    }
    EXPECT_GE(lines_seen, 1u);
  }
}

TEST(FormatHexGroups, TwoBytesAGroupSixteenALine) {
  const auto bytes = test::captured_request();
  const std::string text = format_hex_groups(bytes);
  EXPECT_EQ(text.substr(0, 40), "4500 0054 9210 4000 4001 aa96 7f00 0001\n");
  EXPECT_EQ(*parse_plain_hex(text), bytes);
  EXPECT_EQ(format_hex_groups({0x01, 0x02, 0x03}, 0), "0102 03");
  EXPECT_EQ(format_hex_groups({}), "");
}

}  // namespace
}  // namespace pong::lab
