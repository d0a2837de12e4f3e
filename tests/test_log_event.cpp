// The request log's events, rendered as text lines and as JSON objects.
#include "log_event.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace pong::responder {
namespace {

using wire::Ipv4Address;
using wire::Ipv6Address;

// "hello from client" from 172.22.0.2 to 172.22.0.3, id 921, seq 0: the
// request of the article pong grew from.
struct ArticleRequest {
  std::array<std::uint8_t, 25> icmp{};
  std::string text = "hello from client";
  wire::EchoReply reply{};

  ArticleRequest() {
    reply.message.icmp = icmp;
    reply.message.identifier = 921;
    reply.message.sequence = 0;
    reply.message.data = {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
    reply.destination = Ipv4Address{{172, 22, 0, 2}};
    reply.source = Ipv4Address{{172, 22, 0, 3}};
  }
};

std::string text_of(const LogEvent& e, spdlog::level::level_enum expected_level) {
  fmt::memory_buffer out;
  EXPECT_EQ(render_text(e, out), expected_level);
  return fmt::to_string(out);
}

nlohmann::json json_of(const LogEvent& e, spdlog::level::level_enum expected_level) {
  fmt::memory_buffer out;
  EXPECT_EQ(render_json(e, out), expected_level);
  return nlohmann::json::parse(fmt::to_string(out));
}

TEST(LogEvent, AnEchoIsTheArticlesLine) {
  const ArticleRequest r;
  EXPECT_EQ(text_of(LogEvent::echo(r.reply, 32), spdlog::level::info),
            "21 bytes from 172.22.0.2: pid=921, icmp_type=echo, icmp_seq=0, "
            "data=hello from client");
}

TEST(LogEvent, AnEchoAsJsonCarriesEveryField) {
  const ArticleRequest r;
  fmt::memory_buffer out;
  render_json(LogEvent::echo(r.reply, 32), out);
  // The exact text: the keys in this order, compact.
  EXPECT_EQ(fmt::to_string(out),
            R"({"event":"echo","family":"ipv4","source":"172.22.0.2","destination":"172.22.0.3",)"
            R"("identifier":921,"sequence":0,"size":21,"payload":"hello from client",)"
            R"("payload_cut":false})");
}

TEST(LogEvent, ALongPayloadIsCutAtTheLimitAndSaysSo) {
  const ArticleRequest r;
  const LogEvent e = LogEvent::echo(r.reply, 5);
  EXPECT_EQ(text_of(e, spdlog::level::info),
            "21 bytes from 172.22.0.2: pid=921, icmp_type=echo, icmp_seq=0, "
            "data=hello... (17 bytes)");
  const auto j = json_of(e, spdlog::level::info);
  EXPECT_EQ(j["payload"], "hello");
  EXPECT_EQ(j["payload_cut"], true);
}

TEST(LogEvent, BinaryDataIsHexInBothFormats) {
  ArticleRequest r;
  const std::array<std::uint8_t, 3> binary{0x00, 0xff, 0x22};
  r.reply.message.data = binary;
  const LogEvent e = LogEvent::echo(r.reply, 32);
  EXPECT_EQ(text_of(e, spdlog::level::info),
            "7 bytes from 172.22.0.2: pid=921, icmp_type=echo, icmp_seq=0, data=hex:00ff22");
  const auto j = json_of(e, spdlog::level::info);
  EXPECT_EQ(j["payload_hex"], "00ff22");
  EXPECT_FALSE(j.contains("payload"));
}

TEST(LogEvent, QuotesAndBackslashesInTextPayloadsAreEscapedByTheLibrary) {
  ArticleRequest r;
  r.text = R"(say "hi" \o/)";
  r.reply.message.data = {reinterpret_cast<const std::uint8_t*>(r.text.data()), r.text.size()};
  fmt::memory_buffer out;
  render_json(LogEvent::echo(r.reply, 32), out);
  EXPECT_NE(fmt::to_string(out).find(R"("payload":"say \"hi\" \\o/")"), std::string::npos);
  EXPECT_EQ(json_of(LogEvent::echo(r.reply, 32), spdlog::level::info)["payload"], r.text);
}

TEST(LogEvent, APayloadLongerThanTheEventHoldsIsCutAtItsCapacity) {
  ArticleRequest r;
  const std::string big(1000, 'x');
  r.reply.message.data = {reinterpret_cast<const std::uint8_t*>(big.data()), big.size()};
  const LogEvent e = LogEvent::echo(r.reply, 65535);
  EXPECT_EQ(e.shown_data().size(), kPayloadPreviewCapacity);
  EXPECT_EQ(json_of(e, spdlog::level::info)["size"], 1004);
}

TEST(LogEvent, AnIpv6EchoNamesItsFamily) {
  ArticleRequest r;
  r.reply.destination = Ipv6Address{{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
  r.reply.source = Ipv6Address{{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};
  const auto j = json_of(LogEvent::echo(r.reply, 32), spdlog::level::info);
  EXPECT_EQ(j["family"], "ipv6");
  EXPECT_EQ(j["source"], "fd00::2");
  EXPECT_EQ(j["destination"], "fd00::3");
}

TEST(LogEvent, AMalformedDatagramsDropHasItsSourceSizeAndReasonAtDebug) {
  const LogEvent e = LogEvent::drop(wire::IpFamily::kIpv4, Ipv4Address{{10, 0, 0, 9}}, 64,
                                    wire::DropReason::kIcmpBadChecksum);
  EXPECT_EQ(text_of(e, spdlog::level::debug), "dropped 64 bytes from 10.0.0.9: icmp_bad_checksum");
  fmt::memory_buffer out;
  render_json(e, out);
  EXPECT_EQ(fmt::to_string(out),
            R"({"event":"drop","family":"ipv4","source":"10.0.0.9","read_bytes":64,)"
            R"("reason":"icmp_bad_checksum"})");
}

TEST(LogEvent, ARefusedRequestsDropHasItsEchoFields) {
  const ArticleRequest r;
  // 45 bytes read: the IPv4 header and the 25-byte ICMP message.
  const LogEvent e = LogEvent::refused(r.reply, 45, wire::DropReason::kRateLimited);
  EXPECT_EQ(text_of(e, spdlog::level::debug),
            "dropped 45 bytes from 172.22.0.2 (pid=921, icmp_seq=0): rate_limited");
  const auto j = json_of(e, spdlog::level::debug);
  EXPECT_EQ(j["reason"], "rate_limited");
  EXPECT_EQ(j["destination"], "172.22.0.3");
  EXPECT_EQ(j["identifier"], 921);
  EXPECT_EQ(j["sequence"], 0);
  EXPECT_EQ(j["read_bytes"], 45);
  EXPECT_FALSE(j.contains("size"));
}

TEST(LogEvent, LinesHeldBackAreOneSummary) {
  policy::SuppressedLines held;
  held.lines = 500;
  held.sources = 3;
  held.period = std::chrono::milliseconds(1500);
  const LogEvent e = LogEvent::held(held);
  EXPECT_EQ(text_of(e, spdlog::level::info),
            "--log-rate held back 500 request lines in the last 1.5 s, from 3 sources (every "
            "request is still counted)");
  const auto j = json_of(e, spdlog::level::info);
  EXPECT_EQ(j["event"], "log_held_back");
  EXPECT_EQ(j["lines"], 500);
  EXPECT_EQ(j["sources"], 3);
  EXPECT_EQ(j["seconds"], 1.5);
}

}  // namespace
}  // namespace pong::responder
