// What pinger prints: the article's reply line, iputils' flags, error
// lines, the iputils summary and the JSON summary, byte for byte.
#include "report.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pong::client {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

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
  m.icmp_type = 0;
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
  e.icmp_type = 3;
  e.icmp_code = 1;
  e.sequence = 3;
  fmt::memory_buffer out;
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Destination Unreachable: host unreachable\n");

  e.icmp_type = 11;
  e.icmp_code = 0;
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Time Exceeded: time to live exceeded in transit\n");

  e.icmp_type = 12;
  e.icmp_code = 2;
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Parameter Problem: bad length\n");

  e.icmp_type = 3;
  e.icmp_code = 42;
  out.clear();
  format_icmp_error(out, e);
  EXPECT_EQ(str(out), "From 10.0.0.1 icmp_seq=3 Destination Unreachable: code 42\n");
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
            "rtt min/avg/max/mdev = 1.000/2.500/4.000/1.118 ms\n");
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
            "rtt min/avg/max/mdev = 1.000/2.200/3.000/0.748 ms\n");
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

TEST(Json, OneObjectWithEveryFigure) {
  const PingStatistics stats = four_sent_three_back();
  fmt::memory_buffer out;
  const RunDescription run{"icmp-server", wire::Ipv4Address{{10, 112, 1, 3}}, "raw", 921, 17};
  format_json_summary(out, run, stats, milliseconds{3004});
  EXPECT_EQ(str(out),
            "{\"host\":\"icmp-server\",\"address\":\"10.112.1.3\",\"socket\":\"raw\","
            "\"identifier\":921,\"data_bytes\":17,\"transmitted\":4,\"received\":3,"
            "\"duplicates\":0,\"corrupted\":0,\"errors\":0,\"packet_loss_percent\":25,"
            "\"time_ms\":3004,\"rtt_ms\":{\"min\":1.000,\"avg\":2.000,\"max\":3.000,"
            "\"mdev\":0.816}}\n");
}

TEST(Json, NoRttIsNull) {
  PingStatistics stats;
  stats.record_transmit(0);
  fmt::memory_buffer out;
  const RunDescription run{"h", wire::Ipv4Address{{10, 0, 0, 1}}, "dgram", 1, 0};
  format_json_summary(out, run, stats, milliseconds{10});
  EXPECT_TRUE(str(out).ends_with("\"packet_loss_percent\":100,\"time_ms\":10,\"rtt_ms\":null}\n"))
      << str(out);
}

TEST(Json, StringsAreEscaped) {
  fmt::memory_buffer out;
  format_json_string(out, "a\"b\\c\nd\x01");
  EXPECT_EQ(str(out), R"("a\"b\\c\u000ad\u0001")");
}

}  // namespace
}  // namespace pong::client
