// What pinger prints: the header, the article's reply line, iputils'
// flags, error lines of both families, the iputils summary with the
// percentiles, the --histogram in ASCII and Unicode, and the JSON summary,
// reply and error records, byte for byte.
#include "report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"

namespace pong::client {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using wire::Icmpv4Type;
using wire::Icmpv6Type;

// fd00:10:112:5::3, the server of the IPv6 tests' namespaces.
constexpr wire::Ipv6Address kServer6{
    {0xfd, 0x00, 0x00, 0x10, 0x01, 0x12, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x03}};
// fe80::a84f:dbff:fe2e:75c3, a link-local address.
constexpr wire::Ipv6Address kLinkLocal{
    {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xa8, 0x4f, 0xdb, 0xff, 0xfe, 0x2e, 0x75, 0xc3}};

constexpr std::string_view kText = "hello from client";

std::span<const std::uint8_t> text_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string str(const fmt::memory_buffer& b) {
  return fmt::to_string(b);
}

ReplyMatch article_reply() {
  ReplyMatch m;
  m.verdict = ReplyVerdict::kReply;
  m.from = wire::Ipv4Address{{172, 22, 0, 3}};
  m.icmp_type = Icmpv4Type::kEchoReply;
  m.identifier = 921;
  m.sequence = 0;
  m.data = text_bytes(kText);
  m.data_check = compare_data(text_bytes(kText), text_bytes(kText));
  return m;
}

TEST(ReplyLine, IsTheArticlesLine) {
  fmt::memory_buffer out;
  format_reply(out, article_reply(), microseconds{590});
  EXPECT_EQ(str(out),
            "21 bytes from 172.22.0.3: pid=921, icmp_type=echo reply, icmp_seq=0, data=hello "
            "from client, time:590μs\n");
}

TEST(ReplyLine, Ipv6IsTheSameLineWithTheAddressInRfc5952Form) {
  ReplyMatch m = article_reply();
  m.from = kServer6;
  m.icmp_type = Icmpv6Type::kEchoReply;
  fmt::memory_buffer out;
  format_reply(out, m, microseconds{590});
  EXPECT_EQ(str(out),
            "21 bytes from fd00:10:112:5::3: pid=921, icmp_type=echo reply, icmp_seq=0, "
            "data=hello from client, time:590μs\n");
  m.from = kLinkLocal;
  m.verdict = ReplyVerdict::kDuplicate;
  m.from_other_address = true;
  out.clear();
  format_reply(out, m, microseconds{7});
  EXPECT_EQ(str(out),
            "21 bytes from fe80::a84f:dbff:fe2e:75c3: pid=921, icmp_type=echo reply, icmp_seq=0, "
            "data=hello from client, time:7μs (DUP!) (DIFFERENT ADDRESS!)\n");
}

TEST(Header, NamesHostAddressSocketAndIdentifier) {
  fmt::memory_buffer out;
  format_header(out, {"icmp-server", wire::Ipv4Address{{172, 22, 0, 3}}, "", "raw", 921, 17});
  EXPECT_EQ(str(out),
            "PING icmp-server (172.22.0.3): 17 data bytes over a raw socket, pid=921; \"N bytes\" "
            "counts identifier + sequence + data\n");
  out.clear();
  format_header(out, {"icmp-server", kServer6, "", "dgram", 7, 56});
  EXPECT_EQ(str(out),
            "PING icmp-server (fd00:10:112:5::3): 56 data bytes over a dgram socket, pid=7; \"N "
            "bytes\" counts identifier + sequence + data\n");
  // RFC 4007 11: a link-local address with its zone.
  out.clear();
  format_header(out, {"fe80::A84F:DBFF:FE2E:75C3%eth0", kLinkLocal, "eth0", "raw", 7, 17});
  EXPECT_TRUE(str(out).starts_with(
      "PING fe80::A84F:DBFF:FE2E:75C3%eth0 (fe80::a84f:dbff:fe2e:75c3%eth0): 17 data bytes"))
      << str(out);
}

TEST(ReplyLine, TimeIsInWholeMicroseconds) {
  fmt::memory_buffer out;
  format_reply(out, article_reply(), nanoseconds{12345999});
  EXPECT_NE(str(out).find(", time:12345μs\n"), std::string::npos) << str(out);
}

TEST(ReplyLine, FlagsAsIputils) {
  ReplyMatch dup = article_reply();
  dup.verdict = ReplyVerdict::kDuplicate;
  fmt::memory_buffer out;
  format_reply(out, dup, microseconds{1});
  EXPECT_TRUE(str(out).ends_with("time:1μs (DUP!)\n")) << str(out);

  ReplyMatch bad = article_reply();
  bad.verdict = ReplyVerdict::kBadChecksum;
  out.clear();
  format_reply(out, bad, microseconds{1});
  EXPECT_TRUE(str(out).ends_with("time:1μs (BAD CHECKSUM!)\n")) << str(out);

  ReplyMatch elsewhere = article_reply();
  elsewhere.from_other_address = true;
  out.clear();
  format_reply(out, elsewhere, microseconds{1});
  EXPECT_TRUE(str(out).ends_with("time:1μs (DIFFERENT ADDRESS!)\n")) << str(out);
}

TEST(ReplyLine, WrongDataByteFollowsOnItsOwnLine) {
  const std::string_view flipped = "hel\x93o from client";
  ReplyMatch m = article_reply();
  m.verdict = ReplyVerdict::kWrongData;
  m.data = text_bytes(flipped);
  m.data_check = compare_data(text_bytes(kText), m.data);
  fmt::memory_buffer out;
  format_reply(out, m, microseconds{7});
  EXPECT_EQ(str(out),
            "21 bytes from 172.22.0.3: pid=921, icmp_type=echo reply, icmp_seq=0, "
            "data=hex:68656c936f2066726f6d20636c69656e74, time:7μs\n"
            "wrong data byte #3 should be 0x6c but was 0x93\n");
}

TEST(ReplyLine, WrongDataLength) {
  ReplyMatch m = article_reply();
  m.verdict = ReplyVerdict::kWrongData;
  m.data = text_bytes(kText.substr(0, 5));
  m.data_check = compare_data(text_bytes(kText), m.data);
  fmt::memory_buffer out;
  format_reply(out, m, microseconds{7});
  EXPECT_EQ(str(out),
            "9 bytes from 172.22.0.3: pid=921, icmp_type=echo reply, icmp_seq=0, data=hello, "
            "time:7μs\nwrong data length 5 bytes, should be 17\n");
}

TEST(ReplyLine, LongAndEmptyData) {
  const std::vector<std::uint8_t> zeros(100, 0);
  ReplyMatch m = article_reply();
  m.data = zeros;
  fmt::memory_buffer out;
  format_reply(out, m, microseconds{7});
  EXPECT_NE(str(out).find("104 bytes from"), std::string::npos);
  EXPECT_NE(str(out).find("data=hex:0000"), std::string::npos);
  EXPECT_NE(str(out).find("... (100 bytes), time:7μs"), std::string::npos) << str(out);

  m.data = {};
  out.clear();
  format_reply(out, m, microseconds{7});
  EXPECT_NE(str(out).find("4 bytes from 172.22.0.3"), std::string::npos);
  EXPECT_NE(str(out).find("data=(empty)"), std::string::npos);
}

TEST(ErrorLine, NamesTypeCodeAndSequence) {
  ReplyMatch e;
  e.verdict = ReplyVerdict::kIcmpError;
  e.from = wire::Ipv4Address{{10, 0, 0, 1}};
  e.icmp_type = Icmpv4Type::kDestinationUnreachable;
  e.icmp_code = 1;
  e.sequence = 3;
  fmt::memory_buffer out;
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Destination Unreachable: host unreachable\n");

  e.icmp_type = Icmpv4Type::kTimeExceeded;
  e.icmp_code = 0;
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Time Exceeded: time to live exceeded in transit\n");

  e.icmp_type = Icmpv4Type::kParameterProblem;
  e.icmp_code = 2;
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Parameter Problem: bad length\n");

  e.icmp_type = Icmpv4Type::kDestinationUnreachable;
  e.icmp_code = 42;
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Destination Unreachable: code 42\n");

  // What bytes 4..7 carried: RFC 792's pointer, RFC 1191's next-hop MTU.
  e.icmp_type = Icmpv4Type::kParameterProblem;
  e.icmp_code = 0;
  e.detail = {ErrorDetailKind::kPointer, 20};
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out),
            "From 10.0.0.1 icmp_seq=3 Parameter Problem: pointer indicates the error at byte 20\n");
  e.icmp_type = Icmpv4Type::kDestinationUnreachable;
  e.icmp_code = 4;
  e.detail = {ErrorDetailKind::kMtu, 1400};
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out),
            "From 10.0.0.1 icmp_seq=3 Destination Unreachable: fragmentation needed and DF set, "
            "mtu 1400\n");
}

ReplyMatch ipv6_error(Icmpv6Type type, std::uint8_t code, ErrorDetail detail = {}) {
  ReplyMatch e;
  e.verdict = ReplyVerdict::kIcmpError;
  e.from = kServer6;
  e.icmp_type = type;
  e.icmp_code = code;
  e.detail = detail;
  e.sequence = 2;
  return e;
}

std::string error_line(const ReplyMatch& e) {
  fmt::memory_buffer out;
  format_icmp_error(out, e);
  return str(out);
}

TEST(ErrorLine, Ipv6DestinationUnreachableNamesEachCode) {
  // RFC 4443 3.1's seven codes.
  const std::vector<std::string> names{
      "no route to destination",
      "communication with destination administratively prohibited",
      "beyond scope of source address",
      "address unreachable",
      "port unreachable",
      "source address failed ingress/egress policy",
      "reject route to destination",
  };
  for (std::uint8_t code = 0; code < names.size(); ++code) {
    EXPECT_EQ(error_line(ipv6_error(Icmpv6Type::kDestinationUnreachable, code)),
              "From fd00:10:112:5::3 icmp_seq=2 Destination Unreachable: " + names[code] + "\n");
  }
  EXPECT_EQ(error_line(ipv6_error(Icmpv6Type::kDestinationUnreachable, 7)),
            "From fd00:10:112:5::3 icmp_seq=2 Destination Unreachable: code 7\n");
}

TEST(ErrorLine, Ipv6PacketTooBigTimeExceededParameterProblem) {
  EXPECT_EQ(error_line(ipv6_error(Icmpv6Type::kPacketTooBig, 0, {ErrorDetailKind::kMtu, 1280})),
            "From fd00:10:112:5::3 icmp_seq=2 Packet Too Big: mtu 1280\n");
  EXPECT_EQ(error_line(ipv6_error(Icmpv6Type::kTimeExceeded, 0)),
            "From fd00:10:112:5::3 icmp_seq=2 Time Exceeded: hop limit exceeded in transit\n");
  EXPECT_EQ(error_line(ipv6_error(Icmpv6Type::kTimeExceeded, 1)),
            "From fd00:10:112:5::3 icmp_seq=2 Time Exceeded: fragment reassembly time exceeded\n");
  EXPECT_EQ(
      error_line(ipv6_error(Icmpv6Type::kParameterProblem, 0, {ErrorDetailKind::kPointer, 7})),
      "From fd00:10:112:5::3 icmp_seq=2 Parameter Problem: erroneous header field encountered "
      "at byte 7\n");
  EXPECT_EQ(
      error_line(ipv6_error(Icmpv6Type::kParameterProblem, 1, {ErrorDetailKind::kPointer, 6})),
      "From fd00:10:112:5::3 icmp_seq=2 Parameter Problem: unrecognized Next Header type "
      "encountered at byte 6\n");
  EXPECT_EQ(
      error_line(ipv6_error(Icmpv6Type::kParameterProblem, 2, {ErrorDetailKind::kPointer, 42})),
      "From fd00:10:112:5::3 icmp_seq=2 Parameter Problem: unrecognized IPv6 option encountered "
      "at byte 42\n");
  EXPECT_EQ(
      error_line(ipv6_error(Icmpv6Type::kParameterProblem, 9, {ErrorDetailKind::kPointer, 42})),
      "From fd00:10:112:5::3 icmp_seq=2 Parameter Problem: code 9 at byte 42\n");
}

TEST(ErrorTitle, EachFamilyByItsOwnNumbers) {
  EXPECT_EQ(icmp_error_title(Icmpv4Type::kDestinationUnreachable), "Destination Unreachable");
  EXPECT_EQ(icmp_error_title(Icmpv6Type::kDestinationUnreachable), "Destination Unreachable");
  EXPECT_EQ(icmp_error_title(Icmpv6Type::kPacketTooBig), "Packet Too Big");
  EXPECT_EQ(icmp_error_title(Icmpv4Type::kTimeExceeded), "Time Exceeded");
  EXPECT_EQ(icmp_error_title(Icmpv6Type::kTimeExceeded), "Time Exceeded");
  EXPECT_EQ(icmp_error_title(Icmpv6Type::kParameterProblem), "Parameter Problem");
  // The same byte means different things: 3 is Time Exceeded in ICMPv6.
  EXPECT_EQ(icmp_error_title(IcmpType::from_wire(wire::IpFamily::kIpv6, 3)), "Time Exceeded");
  EXPECT_EQ(icmp_error_title(IcmpType::from_wire(wire::IpFamily::kIpv4, 3)),
            "Destination Unreachable");
  EXPECT_EQ(icmp_error_title(Icmpv4Type::kRedirect), "redirect");
}

TEST(Timestamp, SecondsAndMicroseconds) {
  fmt::memory_buffer out;
  format_timestamp(out, std::chrono::system_clock::time_point{microseconds{1712345678000042}});
  EXPECT_EQ(str(out), "[1712345678.000042] ");
}

PingStatistics four_sent_three_back() {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < 4; ++seq) stats.record_transmit(seq);
  stats.record_reply(0, microseconds{1000});
  stats.record_reply(1, microseconds{2000});
  stats.record_reply(2, microseconds{3000});
  return stats;
}

TEST(Summary, IsIputilsSummary) {
  fmt::memory_buffer out;
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < 4; ++seq) {
    stats.record_transmit(seq);
    stats.record_reply(seq, milliseconds{seq + 1});
  }
  format_summary(out, "icmp-server", stats, milliseconds{3004});
  EXPECT_EQ(str(out),
            "\n--- icmp-server ping statistics ---\n"
            "4 packets transmitted, 4 received, 0% packet loss, time 3004ms\n"
            "rtt min/avg/max/mdev = 1.000/2.500/4.000/1.118 ms\n"
            "rtt p50/p90/p99 = 2.020/4.000/4.000 ms\n");
}

TEST(Summary, LossDuplicatesCorruptedErrors) {
  PingStatistics stats = four_sent_three_back();
  stats.record_reply(1, microseconds{2000});
  stats.record_reply(2, microseconds{3000});
  stats.record_corrupted();
  stats.record_error();
  fmt::memory_buffer out;
  format_summary(out, "h", stats, nanoseconds{1500500});
  EXPECT_EQ(str(out),
            "\n--- h ping statistics ---\n"
            "4 packets transmitted, 3 received, +2 duplicates, +1 corrupted, +1 errors, 25% "
            "packet loss, time 2ms\n"
            "rtt min/avg/max/mdev = 1.000/2.200/3.000/0.748 ms\n"
            "rtt p50/p90/p99 = 2.020/3.000/3.000 ms\n");
}

TEST(Summary, NothingCameBack) {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < 3; ++seq) stats.record_transmit(seq);
  fmt::memory_buffer out;
  format_summary(out, "10.0.0.9", stats, milliseconds{2001});
  EXPECT_EQ(str(out),
            "\n--- 10.0.0.9 ping statistics ---\n"
            "3 packets transmitted, 0 received, 100% packet loss, time 2001ms\n");
}

TEST(Summary, LossIsPrintedLikePrintfG) {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < 3; ++seq) stats.record_transmit(seq);
  stats.record_reply(0, microseconds{45});
  fmt::memory_buffer out;
  format_summary(out, "h", stats, milliseconds{1});
  EXPECT_NE(str(out).find(", 66.6667% packet loss,"), std::string::npos) << str(out);
  // RTTs are cut to whole microseconds, as iputils keeps them.
  EXPECT_NE(str(out).find("= 0.045/0.045/0.045/0.000 ms"), std::string::npos) << str(out);
}

TEST(Summary, NothingSent) {
  fmt::memory_buffer out;
  format_summary(out, "h", PingStatistics{}, milliseconds{5});
  EXPECT_EQ(str(out), "\n--- h ping statistics ---\n0 packets transmitted, 0 received\n");
}

// 98 replies at 100 us and a tail of 2 at 50 ms, as PingStatistics counts
// them.
PingStatistics fast_with_a_slow_tail() {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    stats.record_transmit(seq);
    stats.record_reply(seq, seq < 98 ? nanoseconds{microseconds{100}} : milliseconds{50});
  }
  return stats;
}

// The median and p90 are the fast replies, read from their bucket (100 to
// 102 us) as its midpoint: 1% off. The p99 is the tail, clamped to the max.
TEST(Summary, PercentilesFollowTheRttLineInItsFormat) {
  fmt::memory_buffer out;
  format_summary(out, "h", fast_with_a_slow_tail(), milliseconds{99});
  EXPECT_TRUE(
      str(out).ends_with("rtt min/avg/max/mdev = 0.100/1.098/50.000/6.986 ms\n"
                         "rtt p50/p90/p99 = 0.101/0.101/50.000 ms\n"))
      << str(out);
}

TEST(Summary, PercentilesCountDuplicatesAsTheRttLineDoes) {
  // One reply at 1 ms and three duplicates of it at 9 ms: iputils times
  // all four, and so the median is 9 ms.
  PingStatistics stats;
  stats.record_transmit(0);
  stats.record_reply(0, milliseconds{1});
  for (int i = 0; i < 3; ++i) stats.record_reply(0, milliseconds{9});
  fmt::memory_buffer out;
  format_summary(out, "h", stats, milliseconds{1});
  EXPECT_NE(str(out).find("rtt p50/p90/p99 = 9.000/9.000/9.000 ms\n"), std::string::npos)
      << str(out);
}

// --histogram, byte for byte, in both modes: 3 RTTs of 70 us, 8 of
// 150 us, none in 200-500 us, 1 of 700 us, 2 of 1.5 ms. The largest count
// (8) fills the 59 cells left of 80 columns; 3 of 8 is 22.125 cells (ASCII
// 22, Unicode 22 and an eighth), 1 is 7.375 (7; 7 and 3 eighths), 2 is
// 14.75 (15; 14 and 6 eighths).
RttHistogram small_sample() {
  RttHistogram histogram;
  histogram.record(microseconds{70}, 3);
  histogram.record(microseconds{150}, 8);
  histogram.record(microseconds{700}, 1);
  histogram.record(microseconds{1500}, 2);
  return histogram;
}

std::string repeat(std::string_view text, std::size_t times) {
  std::string result;
  for (std::size_t i = 0; i < times; ++i) result += text;
  return result;
}

// The lines, each ended by a newline.
std::string lines(std::initializer_list<std::string> each) {
  std::string result;
  for (const std::string& line : each) result += line + "\n";
  return result;
}

TEST(Histogram, AsciiWhenNotATerminal) {
  fmt::memory_buffer out;
  format_histogram(out, small_sample(), /*unicode=*/false);
  EXPECT_EQ(str(out), lines({
                          "rtt histogram (14 replies):",
                          "   50 us - 100 us  3 " + repeat("#", 22),
                          "  100 us - 200 us  8 " + repeat("#", 59),
                          "  200 us - 500 us  0",
                          "  500 us -   1 ms  1 " + repeat("#", 7),
                          "    1 ms -   2 ms  2 " + repeat("#", 15),
                      }));
}

TEST(Histogram, UnicodeBlocksWithEighthsOnATerminal) {
  fmt::memory_buffer out;
  format_histogram(out, small_sample(), /*unicode=*/true);
  EXPECT_EQ(str(out), lines({
                          "rtt histogram (14 replies):",
                          "   50 μs - 100 μs  3 " + repeat("█", 22) + "▏",
                          "  100 μs - 200 μs  8 " + repeat("█", 59),
                          "  200 μs - 500 μs  0",
                          "  500 μs -   1 ms  1 " + repeat("█", 7) + "▍",
                          "    1 ms -   2 ms  2 " + repeat("█", 14) + "▊",
                      }));
}

// Seconds from 1 s up, and the last bucket, 1000 s and above, open.
TEST(Histogram, SecondsAndTheOpenLastBucket) {
  RttHistogram histogram;
  histogram.record(milliseconds{700});
  histogram.record(std::chrono::seconds{1500});
  fmt::memory_buffer out;
  format_histogram(out, histogram, /*unicode=*/false);
  EXPECT_EQ(str(out), lines({
                          "rtt histogram (2 replies):",
                          "  500 ms -    1 s  1 " + repeat("#", 59),
                          "     1 s -    2 s  0",
                          "     2 s -    5 s  0",
                          "     5 s -   10 s  0",
                          "    10 s -   20 s  0",
                          "    20 s -   50 s  0",
                          "    50 s -  100 s  0",
                          "   100 s -  200 s  0",
                          "   200 s -  500 s  0",
                          "   500 s - 1000 s  0",
                          "  1000 s -    inf  1 " + repeat("#", 59),
                      }));
  out.clear();
  format_histogram(out, histogram, /*unicode=*/true);
  EXPECT_TRUE(str(out).ends_with("\n  1000 s -      ∞  1 " + repeat("█", 59) + "\n")) << str(out);
}

TEST(Histogram, NothingWithoutAnRtt) {
  fmt::memory_buffer out;
  format_histogram(out, RttHistogram{}, /*unicode=*/true);
  EXPECT_EQ(str(out), "");
}

std::size_t code_points(std::string_view line) {
  return static_cast<std::size_t>(std::count_if(line.begin(), line.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// Every bucket from below 1 us to above 1000 s, and counts of 20 digits:
// still no line past 80 columns, and one RTT among 10^19 still shows.
TEST(Histogram, NoLineIsWiderThan80ColumnsWhateverTheData) {
  RttHistogram histogram;
  histogram.record(nanoseconds{1});
  histogram.record(microseconds{3}, 10'000'000'000'000'000'000u);
  histogram.record(milliseconds{3}, 999'999'999);
  histogram.record(std::chrono::seconds{2000});
  for (const bool unicode : {false, true}) {
    fmt::memory_buffer out;
    format_histogram(out, histogram, unicode);
    const std::string text = str(out);
    std::size_t lines = 0;
    std::size_t widest = 0;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = text.find('\n', start);
      ASSERT_NE(end, std::string::npos) << "every line ends with a newline";
      const std::string_view line(text.data() + start, end - start);
      EXPECT_LE(code_points(line), kHistogramColumns) << line;
      widest = std::max(widest, code_points(line));
      ++lines;
      start = end + 1;
    }
    EXPECT_EQ(widest, kHistogramColumns) << "the largest bar fills the line";
    EXPECT_EQ(lines, 1 + RttDecadeBuckets::kCapacity) << text;
    const std::string unit = unicode ? "μs" : "us";
    EXPECT_NE(text.find("\n    0 " + unit + " -   1 " + unit + "                     1 " +
                        (unicode ? "▏" : "#") + "\n"),
              std::string::npos)
        << text;
    if (!unicode) {
      EXPECT_TRUE(std::all_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
      })) << "ASCII mode is all ASCII";
    }
  }
}

// The JSON records (nlohmann::json), byte for byte: key order, number
// forms, escaping.

TEST(JsonSummary, OneObjectWithEveryFigure) {
  const PingStatistics stats = four_sent_three_back();
  fmt::memory_buffer out;
  const RunDescription run{"icmp-server", wire::Ipv4Address{{10, 112, 1, 3}}, "", "raw", 921, 17};
  format_json_summary(out, run, stats, milliseconds{3004});
  EXPECT_EQ(str(out),
            "{\"type\":\"summary\",\"host\":\"icmp-server\",\"address\":\"10.112.1.3\","
            "\"socket\":\"raw\",\"identifier\":921,\"data_bytes\":17,\"transmitted\":4,"
            "\"received\":3,\"duplicates\":0,\"corrupted\":0,\"errors\":0,"
            "\"packet_loss_percent\":25.0,\"time_ms\":3004,\"rtt_ms\":{\"min\":1.0,\"avg\":2.0,"
            "\"max\":3.0,\"mdev\":0.816},\"rtt_percentiles_ms\":{\"p50\":2.02,\"p90\":3.0,"
            "\"p99\":3.0}}\n");
}

TEST(JsonSummary, PercentilesAndWithHistogramTheBuckets) {
  const RunDescription run{"h", wire::Ipv4Address{{10, 0, 0, 1}}, "", "raw", 1, 17};
  fmt::memory_buffer out;
  format_json_summary(out, run, fast_with_a_slow_tail(), milliseconds{99}, /*with_histogram=*/true);
  EXPECT_TRUE(str(out).ends_with(
      "\"rtt_percentiles_ms\":{\"p50\":0.101,\"p90\":0.101,\"p99\":50.0},"
      "\"rtt_histogram\":[{\"from_ms\":0.1,\"to_ms\":0.2,\"count\":98},"
      "{\"from_ms\":0.2,\"to_ms\":0.5,\"count\":0},{\"from_ms\":0.5,\"to_ms\":1.0,\"count\":0},"
      "{\"from_ms\":1.0,\"to_ms\":2.0,\"count\":0},{\"from_ms\":2.0,\"to_ms\":5.0,\"count\":0},"
      "{\"from_ms\":5.0,\"to_ms\":10.0,\"count\":0},{\"from_ms\":10.0,\"to_ms\":20.0,\"count\":0},"
      "{\"from_ms\":20.0,\"to_ms\":50.0,\"count\":0},{\"from_ms\":50.0,\"to_ms\":100.0,"
      "\"count\":2}]}\n"))
      << str(out);
  // Without --histogram, no buckets.
  out.clear();
  format_json_summary(out, run, fast_with_a_slow_tail(), milliseconds{99});
  EXPECT_EQ(str(out).find("rtt_histogram"), std::string::npos) << str(out);
}

TEST(JsonSummary, HistogramOfNothingIsEmptyAndTheOpenBucketHasNoEnd) {
  const RunDescription run{"h", wire::Ipv4Address{{10, 0, 0, 1}}, "", "raw", 1, 17};
  PingStatistics stats;
  stats.record_transmit(0);
  fmt::memory_buffer out;
  format_json_summary(out, run, stats, milliseconds{10}, /*with_histogram=*/true);
  EXPECT_TRUE(
      str(out).ends_with("\"rtt_ms\":null,\"rtt_percentiles_ms\":null,\"rtt_histogram\":[]}\n"))
      << str(out);
  stats.record_reply(0, std::chrono::seconds{1200});
  out.clear();
  format_json_summary(out, run, stats, milliseconds{10}, /*with_histogram=*/true);
  EXPECT_TRUE(str(out).ends_with(
      "\"rtt_histogram\":[{\"from_ms\":1000000.0,\"to_ms\":null,\"count\":1}]}\n"))
      << str(out);
}

TEST(JsonSummary, NoRttIsNull) {
  PingStatistics stats;
  stats.record_transmit(0);
  fmt::memory_buffer out;
  const RunDescription run{"h", wire::Ipv4Address{{10, 0, 0, 1}}, "", "dgram", 1, 0};
  format_json_summary(out, run, stats, milliseconds{10});
  EXPECT_TRUE(
      str(out).ends_with("\"packet_loss_percent\":100.0,\"time_ms\":10,\"rtt_ms\":null,\"rtt_"
                         "percentiles_ms\":null}\n"))
      << str(out);
}

TEST(JsonSummary, LossAndRttAreTheTextSummarysFigures) {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < 3; ++seq) stats.record_transmit(seq);
  stats.record_reply(0, nanoseconds{45999});
  fmt::memory_buffer out;
  format_json_summary(out, {"h", wire::Ipv4Address{{10, 0, 0, 1}}, "", "raw", 1, 17}, stats,
                      milliseconds{1});
  // "66.6667% packet loss" and "0.045/0.045/0.045/0.000 ms" in the text.
  EXPECT_NE(str(out).find("\"packet_loss_percent\":66.6667,"), std::string::npos) << str(out);
  EXPECT_NE(str(out).find("\"rtt_ms\":{\"min\":0.045,\"avg\":0.045,\"max\":0.045,\"mdev\":0.0}"),
            std::string::npos)
      << str(out);
}

TEST(JsonSummary, Ipv6AddressInRfc5952FormWithItsZone) {
  PingStatistics stats;
  stats.record_transmit(0);
  fmt::memory_buffer out;
  format_json_summary(out, {"icmp-server", kServer6, "", "raw", 1, 17}, stats, milliseconds{10});
  EXPECT_TRUE(str(out).starts_with(
      R"({"type":"summary","host":"icmp-server","address":"fd00:10:112:5::3","socket":"raw",)"))
      << str(out);
  out.clear();
  format_json_summary(out, {"x", kLinkLocal, "eth0", "raw", 1, 17}, stats, milliseconds{10});
  EXPECT_TRUE(str(out).starts_with(
      R"({"type":"summary","host":"x","address":"fe80::a84f:dbff:fe2e:75c3%eth0",)"))
      << str(out);
}

// RFC 8259 7: quotation mark, reverse solidus and the control characters
// U+0000 to U+001F must be escaped; nothing else needs to be.
TEST(JsonSummary, StringsAreEscaped) {
  PingStatistics stats;
  fmt::memory_buffer out;
  format_json_summary(out, {"a\"b\\c\nd\te\x01\x1f\x7f/", kLinkLocal, "eth\"0", "raw", 1, 0}, stats,
                      milliseconds{0});
  EXPECT_TRUE(str(out).starts_with(
      "{\"type\":\"summary\",\"host\":\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f\x7f/\","
      "\"address\":\"fe80::a84f:dbff:fe2e:75c3%eth\\\"0\","))
      << str(out);
}

// RFC 8259 8.1: JSON text is UTF-8. A host or interface name may hold any
// byte: each that is not UTF-8 becomes U+FFFD (EF BF BD) and the line
// stays valid; UTF-8 passes as it is.
TEST(JsonSummary, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  PingStatistics stats;
  fmt::memory_buffer out;
  format_json_summary(out, {"caf\xc3\xa9-\xff-\xc3", kLinkLocal, "w\xfe", "raw", 1, 0}, stats,
                      milliseconds{0});
  EXPECT_TRUE(str(out).starts_with(
      "{\"type\":\"summary\",\"host\":\"caf\xc3\xa9-\xef\xbf\xbd-\xef\xbf\xbd\","
      "\"address\":\"fe80::a84f:dbff:fe2e:75c3%w\xef\xbf\xbd\","))
      << str(out);
}

TEST(JsonReply, IsTheArticlesLineAsOneObject) {
  fmt::memory_buffer out;
  format_json_reply(out, article_reply(), microseconds{590}, 64);
  EXPECT_EQ(str(out),
            "{\"type\":\"reply\",\"from\":\"172.22.0.3\",\"bytes\":21,\"identifier\":921,"
            "\"sequence\":0,\"ttl\":64,\"time_us\":590,\"data\":\"hello from client\","
            "\"duplicate\":false,\"bad_checksum\":false,\"different_address\":false,"
            "\"wrong_data\":null}\n");
}

TEST(JsonReply, Ipv6DuplicateFromAnotherAddressWithoutTtl) {
  ReplyMatch m = article_reply();
  m.from = kLinkLocal;
  m.icmp_type = Icmpv6Type::kEchoReply;
  m.verdict = ReplyVerdict::kDuplicate;
  m.from_other_address = true;
  m.sequence = 65535;
  fmt::memory_buffer out;
  format_json_reply(out, m, nanoseconds{12345999}, std::nullopt);
  EXPECT_EQ(str(out),
            "{\"type\":\"reply\",\"from\":\"fe80::a84f:dbff:fe2e:75c3\",\"bytes\":21,"
            "\"identifier\":921,\"sequence\":65535,\"ttl\":null,\"time_us\":12345,"
            "\"data\":\"hello from client\",\"duplicate\":true,\"bad_checksum\":false,"
            "\"different_address\":true,\"wrong_data\":null}\n");
}

TEST(JsonReply, BadChecksumAndWrongDataByte) {
  const std::string_view flipped = "hel\x93o from client";
  ReplyMatch m = article_reply();
  m.verdict = ReplyVerdict::kBadChecksum;
  m.data = text_bytes(flipped);
  m.data_check = compare_data(text_bytes(kText), m.data);
  fmt::memory_buffer out;
  format_json_reply(out, m, microseconds{7}, 255);
  EXPECT_EQ(str(out),
            "{\"type\":\"reply\",\"from\":\"172.22.0.3\",\"bytes\":21,\"identifier\":921,"
            "\"sequence\":0,\"ttl\":255,\"time_us\":7,"
            "\"data\":\"hex:68656c936f2066726f6d20636c69656e74\",\"duplicate\":false,"
            "\"bad_checksum\":true,\"different_address\":false,\"wrong_data\":{\"length\":17,"
            "\"expected_length\":17,\"byte_index\":3,\"expected_byte\":108,\"actual_byte\":147}}"
            "\n");
}

TEST(JsonReply, WrongDataLengthOnly) {
  ReplyMatch m = article_reply();
  m.verdict = ReplyVerdict::kWrongData;
  m.data = text_bytes(kText.substr(0, 5));
  m.data_check = compare_data(text_bytes(kText), m.data);
  fmt::memory_buffer out;
  format_json_reply(out, m, microseconds{7}, 0);
  EXPECT_TRUE(str(out).ends_with(
      "\"ttl\":0,\"time_us\":7,\"data\":\"hello\",\"duplicate\":false,\"bad_checksum\":false,"
      "\"different_address\":false,\"wrong_data\":{\"length\":5,\"expected_length\":17,"
      "\"byte_index\":null,\"expected_byte\":null,\"actual_byte\":null}}\n"))
      << str(out);
}

// The data as the reply line shows it: printable text escaped as JSON
// needs; any other byte (a control byte, 0xff) makes it hex, so the
// payload can never put a byte into the record that is not UTF-8.
TEST(JsonReply, DataAsTheLineShowsItEscaped) {
  const std::string_view quoted = R"(say "hi" \o/)";
  ReplyMatch m = article_reply();
  m.data = text_bytes(quoted);
  m.data_check = compare_data(m.data, m.data);
  fmt::memory_buffer out;
  format_json_reply(out, m, microseconds{7}, 64);
  EXPECT_NE(str(out).find(R"("bytes":16,)"), std::string::npos) << str(out);
  EXPECT_NE(str(out).find(R"("data":"say \"hi\" \\o/",)"), std::string::npos) << str(out);

  const std::string_view binary{"\xff\n\"\\", 4};
  m.data = text_bytes(binary);
  m.data_check = compare_data(m.data, m.data);
  out.clear();
  format_json_reply(out, m, microseconds{7}, 64);
  EXPECT_NE(str(out).find(R"("data":"hex:ff0a225c",)"), std::string::npos) << str(out);

  const std::vector<std::uint8_t> zeros(100, 0);
  m.data = zeros;
  m.data_check = compare_data(m.data, m.data);
  out.clear();
  format_json_reply(out, m, microseconds{7}, 64);
  EXPECT_NE(str(out).find("\"bytes\":104,"), std::string::npos) << str(out);
  EXPECT_NE(str(out).find("\"data\":\"hex:" + std::string(128, '0') + "... (100 bytes)\","),
            std::string::npos)
      << str(out);
}

TEST(JsonError, IcmpErrorWithTheLinesText) {
  ReplyMatch e;
  e.verdict = ReplyVerdict::kIcmpError;
  e.from = wire::Ipv4Address{{10, 0, 0, 1}};
  e.icmp_type = Icmpv4Type::kDestinationUnreachable;
  e.icmp_code = 1;
  e.identifier = 921;
  e.sequence = 3;
  fmt::memory_buffer out;
  format_json_icmp_error(out, e);
  EXPECT_EQ(str(out),
            "{\"type\":\"error\",\"from\":\"10.0.0.1\",\"identifier\":921,\"sequence\":3,"
            "\"icmp_type\":3,\"icmp_code\":1,"
            "\"message\":\"Destination Unreachable: host unreachable\"}\n");

  e.icmp_code = 4;
  e.detail = {ErrorDetailKind::kMtu, 1400};
  out.clear();
  format_json_icmp_error(out, e);
  EXPECT_TRUE(str(out).ends_with(
      "\"icmp_type\":3,\"icmp_code\":4,\"message\":\"Destination Unreachable: fragmentation "
      "needed and DF set, mtu 1400\",\"mtu\":1400}\n"))
      << str(out);
}

TEST(JsonError, Ipv6ErrorsByTheirOwnNumbers) {
  fmt::memory_buffer out;
  format_json_icmp_error(out,
                         ipv6_error(Icmpv6Type::kPacketTooBig, 0, {ErrorDetailKind::kMtu, 1280}));
  EXPECT_EQ(str(out),
            "{\"type\":\"error\",\"from\":\"fd00:10:112:5::3\",\"identifier\":0,\"sequence\":2,"
            "\"icmp_type\":2,\"icmp_code\":0,\"message\":\"Packet Too Big: mtu 1280\","
            "\"mtu\":1280}\n");
  out.clear();
  format_json_icmp_error(
      out, ipv6_error(Icmpv6Type::kParameterProblem, 0, {ErrorDetailKind::kPointer, 7}));
  EXPECT_TRUE(str(out).ends_with(
      "\"icmp_type\":4,\"icmp_code\":0,\"message\":\"Parameter Problem: erroneous header field "
      "encountered at byte 7\",\"pointer\":7}\n"))
      << str(out);
}

TEST(JsonError, LocalErrorMessageIsEscaped) {
  fmt::memory_buffer out;
  format_json_local_error(out, 4, "sendto: Network is unreachable");
  EXPECT_EQ(str(out),
            "{\"type\":\"error\",\"sequence\":4,\"message\":\"sendto: Network is unreachable\"}\n");
  out.clear();
  format_json_local_error(out, 5, "\"x\"\\\r\x02\xff");
  EXPECT_EQ(str(out),
            "{\"type\":\"error\",\"sequence\":5,\"message\":\"\\\"x\\\"\\\\\\r\\u0002"
            "\xef\xbf\xbd\"}\n");
}

}  // namespace
}  // namespace pong::client
