// pong's metrics: the families a known sample gives, in the text format,
// and the --metrics-listen address.
#include "metrics.hpp"
#include "metrics_export.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pong::responder {
namespace {

MetricsSample known_sample() {
  MetricsSample s;
  FamilySample v4;
  v4.family = wire::IpFamily::kIpv4;
  v4.requests = 7;
  v4.replies = 5;
  v4.send_errors = 1;
  v4.dropped[static_cast<std::size_t>(wire::DropReason::kIcmpBadChecksum)] = 2;
  v4.kernel_echo_ignored = 1;
  FamilySample v6;
  v6.family = wire::IpFamily::kIpv6;
  v6.requests = 3;
  v6.replies = 3;
  v6.kernel_echo_ignored = 0;
  s.families = {v4, v6};
  s.log_lines_suppressed = 11;
  s.log_lines_dropped = 4;
  s.version = "0.1.0";
  s.process.start_time_seconds = 1796000000.5;
  s.process.cpu_seconds = 0.25;
  s.process.resident_memory_bytes = 4096;
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(Metrics, CountersPerFamily) {
  const std::string text = exposition_text(metric_families(known_sample()));
  EXPECT_TRUE(has_line(text, R"(pong_requests_total{family="ipv4"} 7)")) << text;
  EXPECT_TRUE(has_line(text, R"(pong_requests_total{family="ipv6"} 3)"));
  EXPECT_TRUE(has_line(text, R"(pong_replies_total{family="ipv4"} 5)"));
  EXPECT_TRUE(has_line(text, R"(pong_replies_total{family="ipv6"} 3)"));
  EXPECT_TRUE(has_line(text, R"(pong_send_errors_total{family="ipv4"} 1)"));
  EXPECT_TRUE(has_line(text, "# TYPE pong_requests_total counter"));
  EXPECT_NE(text.find("# HELP pong_requests_total "), std::string::npos);
}

TEST(Metrics, EveryDropReasonHasASeriesForEachFamily) {
  const std::string text = exposition_text(metric_families(known_sample()));
  EXPECT_TRUE(has_line(text, R"(pong_dropped_total{family="ipv4",reason="icmp_bad_checksum"} 2)"));
  for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
    const auto name = std::string(wire::drop_reason_name(static_cast<wire::DropReason>(i)));
    for (const std::string family : {"ipv4", "ipv6"}) {
      EXPECT_NE(
          text.find(R"(pong_dropped_total{family=")" + family + R"(",reason=")" + name + "\"}"),
          std::string::npos)
          << family << " " << name;
    }
  }
  EXPECT_TRUE(has_line(text, R"(pong_dropped_total{family="ipv6",reason="rate_limited"} 0)"));
  EXPECT_TRUE(has_line(text, R"(pong_dropped_total{family="ipv4",reason="denied"} 0)"));
}

TEST(Metrics, TheKernelsEchoSysctlIsAGauge) {
  const std::string text = exposition_text(metric_families(known_sample()));
  EXPECT_TRUE(has_line(text, "# TYPE pong_kernel_echo_ignored gauge"));
  EXPECT_TRUE(has_line(text, R"(pong_kernel_echo_ignored{family="ipv4"} 1)"));
  EXPECT_TRUE(has_line(text, R"(pong_kernel_echo_ignored{family="ipv6"} 0)"));
}

TEST(Metrics, AnUnreadableSysctlHasNoSeries) {
  MetricsSample s = known_sample();
  s.families[1].kernel_echo_ignored.reset();
  const std::string text = exposition_text(metric_families(s));
  EXPECT_EQ(text.find(R"(pong_kernel_echo_ignored{family="ipv6"})"), std::string::npos);
}

TEST(Metrics, LogBuildAndProcessSeries) {
  const std::string text = exposition_text(metric_families(known_sample()));
  EXPECT_TRUE(has_line(text, "pong_log_lines_suppressed_total 11"));
  EXPECT_TRUE(has_line(text, "pong_log_lines_dropped_total 4"));
  EXPECT_TRUE(has_line(text, R"(pong_build_info{version="0.1.0"} 1)"));
  EXPECT_TRUE(has_line(text, "process_start_time_seconds 1796000000.5"));
  EXPECT_TRUE(has_line(text, "process_cpu_seconds_total 0.25"));
  EXPECT_TRUE(has_line(text, "# TYPE process_cpu_seconds_total counter"));
  EXPECT_TRUE(has_line(text, "process_resident_memory_bytes 4096"));
  EXPECT_EQ(text.find("process_virtual_memory_bytes"), std::string::npos)
      << "a figure that could not be read is left out";
}

TEST(ListenAddress, Ipv4AndPort) {
  const auto a = parse_listen_address("127.0.0.1:9469");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->address, wire::IpAddress(wire::Ipv4Address{{127, 0, 0, 1}}));
  EXPECT_EQ(a->port, 9469);
}

TEST(ListenAddress, Ipv6InBrackets) {
  const auto a = parse_listen_address("[::1]:9469");
  ASSERT_TRUE(a) << a.error();
  EXPECT_FALSE(a->address.is_ipv4());
  EXPECT_EQ(a->port, 9469);
}

TEST(ListenAddress, MistakesAreOneSentenceEach) {
  for (const char* bad : {"9469", "localhost:9469", "::1:9469", "[::1]9469", "127.0.0.1:",
                          "127.0.0.1:65536", "127.0.0.1:x", "[127.0.0.1]:80", "1.2.3:80"}) {
    const auto a = parse_listen_address(bad);
    ASSERT_FALSE(a) << bad;
    EXPECT_TRUE(a.error().starts_with(std::string("--metrics-listen ") + bad + ": ")) << a.error();
    EXPECT_EQ(a.error().find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace pong::responder
