// pinger's statistics value type: counters, the duplicate bitmap,
// min/avg/max/mdev against figures computed by hand, and the percentiles
// over the same replies.
#include "ping_statistics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

namespace pong::client {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

static_assert(std::is_trivially_copyable_v<PingStatistics>, "a plain value, copied freely");

PingStatistics sent(std::uint16_t count) {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < count; ++seq) stats.record_transmit(seq);
  return stats;
}

TEST(PingStatistics, StartsEmpty) {
  const PingStatistics stats;
  EXPECT_EQ(stats.transmitted(), 0u);
  EXPECT_EQ(stats.received(), 0u);
  EXPECT_EQ(stats.duplicates(), 0u);
  EXPECT_EQ(stats.corrupted(), 0u);
  EXPECT_EQ(stats.errors(), 0u);
  EXPECT_EQ(stats.loss_percent(), 0.0);
  EXPECT_FALSE(stats.rtt().has_value());
  EXPECT_FALSE(stats.rtt_percentiles().has_value());
  EXPECT_EQ(stats.rtt_histogram().count(), 0u);
  EXPECT_FALSE(stats.was_sent(0));
}

TEST(PingStatistics, MdevIsThePopulationStandardDeviation) {
  // RTTs 1, 2, 3, 4 ms. Mean 2.5 ms; squared deviations 2.25, 0.25, 0.25,
  // 2.25 sum to 5, over n = 4 (population, not n - 1) gives 1.25 ms^2;
  // sqrt(1.25) = 1.118034 ms. (The sample deviation would be 1.290994.)
  PingStatistics stats = sent(4);
  for (std::uint16_t seq = 0; seq < 4; ++seq) {
    EXPECT_EQ(stats.record_reply(seq, milliseconds{seq + 1}), PingStatistics::ReplyKind::kFirst);
  }
  const auto rtt = stats.rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_EQ(rtt->min, milliseconds{1});
  EXPECT_EQ(rtt->max, milliseconds{4});
  EXPECT_EQ(rtt->avg, microseconds{2500});
  EXPECT_NEAR(static_cast<double>(rtt->mdev.count()), 1118034.0, 1.0);
}

TEST(PingStatistics, MdevOfAnUnevenSet) {
  // 0.5, 0.5 and 2.0 ms: mean 1.0; deviations -0.5, -0.5, +1.0; squares
  // 0.25 + 0.25 + 1 = 1.5; / 3 = 0.5; sqrt = 0.707107 ms.
  PingStatistics stats = sent(3);
  stats.record_reply(0, microseconds{500});
  stats.record_reply(1, microseconds{500});
  stats.record_reply(2, microseconds{2000});
  const auto rtt = stats.rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_EQ(rtt->avg, microseconds{1000});
  EXPECT_NEAR(static_cast<double>(rtt->mdev.count()), 707107.0, 1.0);
}

TEST(PingStatistics, OneReplyHasNoDeviation) {
  PingStatistics stats = sent(1);
  stats.record_reply(0, microseconds{590});
  const auto rtt = stats.rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_EQ(rtt->min, microseconds{590});
  EXPECT_EQ(rtt->avg, microseconds{590});
  EXPECT_EQ(rtt->max, microseconds{590});
  EXPECT_EQ(rtt->mdev, nanoseconds{0});
}

TEST(PingStatistics, LossPercent) {
  PingStatistics stats = sent(4);
  stats.record_reply(0, microseconds{10});
  stats.record_reply(1, microseconds{10});
  stats.record_reply(3, microseconds{10});
  EXPECT_EQ(stats.loss_percent(), 25.0);

  PingStatistics third = sent(3);
  third.record_reply(2, microseconds{10});
  EXPECT_NEAR(third.loss_percent(), 200.0 / 3.0, 1e-9);

  EXPECT_EQ(sent(5).loss_percent(), 100.0);
}

TEST(PingStatistics, ASecondReplyIsADuplicate) {
  PingStatistics stats = sent(2);
  EXPECT_FALSE(stats.has_reply(0));
  EXPECT_EQ(stats.record_reply(0, microseconds{100}), PingStatistics::ReplyKind::kFirst);
  EXPECT_TRUE(stats.has_reply(0));
  EXPECT_FALSE(stats.has_reply(1));
  EXPECT_EQ(stats.record_reply(0, microseconds{300}), PingStatistics::ReplyKind::kDuplicate);
  EXPECT_EQ(stats.record_reply(0, microseconds{300}), PingStatistics::ReplyKind::kDuplicate);
  EXPECT_EQ(stats.received(), 1u);
  EXPECT_EQ(stats.duplicates(), 2u);
  // Duplicates are not received twice: loss is still 1 of 2.
  EXPECT_EQ(stats.loss_percent(), 50.0);
  // As in iputils, duplicates are timed too: avg = (100 + 300 + 300) / 3.
  const auto rtt = stats.rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_NEAR(static_cast<double>(rtt->avg.count()), 233333.3, 1.0);
  EXPECT_EQ(rtt->max, microseconds{300});
}

TEST(PingStatistics, EveryBitOfTheBitmapIsItsOwn) {
  PingStatistics stats;
  for (std::uint32_t i = 0; i < PingStatistics::kSequenceSpace; ++i) {
    stats.record_transmit(static_cast<std::uint16_t>(i));
  }
  for (const std::uint16_t seq :
       std::initializer_list<std::uint16_t>{0, 1, 63, 64, 65, 4095, 32768, 65534, 65535}) {
    EXPECT_FALSE(stats.has_reply(seq)) << seq;
    EXPECT_EQ(stats.record_reply(seq, microseconds{1}), PingStatistics::ReplyKind::kFirst) << seq;
    EXPECT_TRUE(stats.has_reply(seq)) << seq;
  }
  EXPECT_FALSE(stats.has_reply(2));
  EXPECT_FALSE(stats.has_reply(62));
  EXPECT_FALSE(stats.has_reply(66));
  EXPECT_EQ(stats.received(), 9u);
}

TEST(PingStatistics, SequenceNumbersWrapAndAreReusable) {
  PingStatistics stats;
  stats.record_transmit(0);
  stats.record_reply(0, microseconds{1});
  for (std::uint32_t i = 1; i < PingStatistics::kSequenceSpace; ++i) {
    stats.record_transmit(static_cast<std::uint16_t>(i));
  }
  // Request 65536 reuses sequence 0: its reply is new, not a duplicate.
  stats.record_transmit(0);
  EXPECT_FALSE(stats.has_reply(0));
  EXPECT_EQ(stats.record_reply(0, microseconds{1}), PingStatistics::ReplyKind::kFirst);
  EXPECT_EQ(stats.transmitted(), PingStatistics::kSequenceSpace + 1);
  EXPECT_EQ(stats.received(), 2u);
  EXPECT_EQ(stats.duplicates(), 0u);
}

TEST(PingStatistics, WasSentFollowsTheCountUntilItWraps) {
  PingStatistics stats = sent(3);
  EXPECT_TRUE(stats.was_sent(0));
  EXPECT_TRUE(stats.was_sent(2));
  EXPECT_FALSE(stats.was_sent(3));
  EXPECT_FALSE(stats.was_sent(65535));
  for (std::uint32_t i = 3; i < PingStatistics::kSequenceSpace; ++i) {
    stats.record_transmit(static_cast<std::uint16_t>(i));
  }
  EXPECT_TRUE(stats.was_sent(65535));
}

TEST(PingStatistics, CorruptedAndErrorsAreNeitherReceivedNorTimed) {
  PingStatistics stats = sent(3);
  stats.record_corrupted();
  stats.record_error();
  stats.record_error();
  EXPECT_EQ(stats.received(), 0u);
  EXPECT_EQ(stats.corrupted(), 1u);
  EXPECT_EQ(stats.errors(), 2u);
  EXPECT_EQ(stats.loss_percent(), 100.0);
  EXPECT_FALSE(stats.rtt().has_value());
  EXPECT_FALSE(stats.rtt_percentiles().has_value());
}

// The percentiles count what the average counts: every timed reply,
// duplicates included (iputils), so the two rtt lines describe one set.
TEST(PingStatistics, PercentilesCountDuplicatesLikeTheAverage) {
  PingStatistics stats = sent(2);
  stats.record_reply(0, microseconds{590});
  stats.record_reply(1, milliseconds{7});
  stats.record_reply(1, milliseconds{7});  // a duplicate
  EXPECT_EQ(stats.rtt_histogram().count(), 3u);
  const auto percentiles = stats.rtt_percentiles();
  ASSERT_TRUE(percentiles.has_value());
  // Nearest rank of 3: p50 is the 2nd, p90 and p99 the 3rd; a 7 ms RTT
  // is the max, so read exactly.
  EXPECT_EQ(percentiles->p50, milliseconds{7});
  EXPECT_EQ(percentiles->p90, milliseconds{7});
  EXPECT_EQ(percentiles->p99, milliseconds{7});
  stats.record_reply(0, microseconds{590});
  stats.record_reply(0, microseconds{590});
  // Now 590, 590, 590, 7000, 7000 us: the median is the 3rd, a 590 us
  // one, read as its bucket's midpoint (590 to 600 us).
  EXPECT_EQ(stats.rtt_percentiles()->p50, microseconds{595});
}

TEST(PingStatistics, ANegativeRttCountsAsZero) {
  PingStatistics stats = sent(2);
  stats.record_reply(0, nanoseconds{-5000});
  stats.record_reply(1, nanoseconds{2000});
  const auto rtt = stats.rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_EQ(rtt->min, nanoseconds{0});
  EXPECT_EQ(rtt->avg, nanoseconds{1000});
}

TEST(PingStatistics, LongRunsKeepTheirPrecision) {
  // 100,000 replies alternating 10 s and 10 s + 2 us: mean 10 s + 1 us,
  // mdev exactly 1 us. Naive sums of squares (1e26 ns^2) would lose it.
  PingStatistics stats;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    stats.record_transmit(seq);
    stats.record_reply(seq, std::chrono::seconds{10} + microseconds{(i % 2) * 2});
  }
  const auto rtt = stats.rtt();
  ASSERT_TRUE(rtt.has_value());
  EXPECT_NEAR(static_cast<double>(rtt->mdev.count()), 1000.0, 1.0);
  EXPECT_EQ(rtt->avg, std::chrono::seconds{10} + microseconds{1});
}

}  // namespace
}  // namespace pong::client
