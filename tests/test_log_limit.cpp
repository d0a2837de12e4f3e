// The per-request log cap (--log-rate): which lines are written, and the
// summary of those held back, with the time passed in (no clock, no sleeps).
#include "policy/log_limit.hpp"

#include <gtest/gtest.h>

namespace pong::policy {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

wire::IpAddress v4(std::uint32_t n) {
  return wire::Ipv4Address{{10, static_cast<std::uint8_t>(n >> 16),
                            static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
}

TEST(LogLimiter, UnlimitedWritesEveryLineAndNeverSummarizes) {
  LogLimiter log;
  for (std::uint32_t i = 0; i < 10'000; ++i) EXPECT_TRUE(log.admit(v4(i), Nanoseconds{0}));
  EXPECT_FALSE(log.limited());
  EXPECT_FALSE(log.take_summary(seconds{5}, true));
}

TEST(LogLimiter, BurstThenRateThenCountsTheRest) {
  LogLimiter log(RateLimit{10, 5});  // 10 lines/s, 5 at once
  int written = 0;
  for (int i = 0; i < 100; ++i) written += log.admit(v4(1), Nanoseconds{0}) ? 1 : 0;
  EXPECT_EQ(written, 5);
  // 200 ms at 10/s: two more lines.
  for (int i = 0; i < 100; ++i) written += log.admit(v4(1), milliseconds{200}) ? 1 : 0;
  EXPECT_EQ(written, 7);
}

TEST(LogLimiter, SummaryComesOnceASecondAfterTheFirstLineHeldBack) {
  LogLimiter log(RateLimit{1, 1});
  EXPECT_TRUE(log.admit(v4(1), Nanoseconds{0}));
  EXPECT_FALSE(log.admit(v4(1), milliseconds{100}));  // first held back at 100 ms
  EXPECT_FALSE(log.admit(v4(2), milliseconds{200}));
  EXPECT_FALSE(log.take_summary(milliseconds{900}));  // not yet a second
  const auto summary = log.take_summary(milliseconds{1100});
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->lines, 2u);
  EXPECT_EQ(summary->sources, 2u);
  EXPECT_FALSE(summary->sources_at_least);
  EXPECT_EQ(summary->period, seconds{1});
  // Counting starts again.
  EXPECT_FALSE(log.take_summary(seconds{5}));
}

TEST(LogLimiter, FinalSummaryIsNotHeldForTheInterval) {
  LogLimiter log(RateLimit{1, 1});
  EXPECT_TRUE(log.admit(v4(1), Nanoseconds{0}));
  EXPECT_FALSE(log.admit(v4(1), Nanoseconds{0}));
  const auto summary = log.take_summary(milliseconds{1}, true);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->lines, 1u);
  EXPECT_EQ(summary->sources, 1u);
}

TEST(LogLimiter, SourcesOfAFloodAreEstimatedWithinAFewPerCent) {
  LogLimiter log(RateLimit{1, 1});
  constexpr std::uint32_t kSources = 100'000;
  for (std::uint32_t i = 0; i < kSources; ++i) (void)log.admit(v4(i), Nanoseconds{0});
  // The same sources again change nothing.
  for (std::uint32_t i = 0; i < 1000; ++i) (void)log.admit(v4(i), Nanoseconds{0});
  const auto summary = log.take_summary(seconds{1});
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->lines, kSources + 1000 - 1);
  EXPECT_NEAR(static_cast<double>(summary->sources), kSources, kSources * 0.05);
  EXPECT_FALSE(summary->sources_at_least);
}

TEST(LogLimiter, IpAndIpv6SourcesAreCountedApart) {
  LogLimiter log(RateLimit{1, 1});
  wire::Ipv6Address six;
  six.octets[0] = 0xfd;
  (void)log.admit(v4(0), Nanoseconds{0});
  for (int i = 0; i < 10; ++i) {
    (void)log.admit(v4(0), Nanoseconds{0});
    (void)log.admit(six, Nanoseconds{0});
  }
  const auto summary = log.take_summary(seconds{1});
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->lines, 20u);
  EXPECT_EQ(summary->sources, 2u);
}

}  // namespace
}  // namespace pong::policy
