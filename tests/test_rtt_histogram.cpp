// pinger's RTT histogram: the fine buckets' layout, percentiles by nearest
// rank against exact sorted percentiles, the 1-2-5 buckets a histogram
// shows, and a million RTTs in the same memory without one allocation
// (tests/helpers/count_allocations.cpp counts operator new).
#include "rtt_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <tuple>
#include <type_traits>
#include <vector>

#include "count_allocations.hpp"

namespace pong::client {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// A plain value: no pointer to memory that could grow, and bounded.
static_assert(std::is_trivially_copyable_v<RttHistogram>);
static_assert(sizeof(RttHistogram) <= 16 * 1024, "bounded, whatever the run's length");

// The exact p-th percentile by nearest rank: the sample of rank
// ceil(per_mille / 1000 * N) in sorted order, at least the first.
nanoseconds exact_nearest_rank(std::vector<nanoseconds> samples, std::uint32_t per_mille) {
  std::sort(samples.begin(), samples.end());
  const auto n = static_cast<std::uint64_t>(samples.size());
  const std::uint64_t rank = std::max<std::uint64_t>(1, (n * per_mille + 999) / 1000);
  return samples[rank - 1];
}

// |estimate - exact| <= 1% of exact.
::testing::AssertionResult within_one_percent(nanoseconds estimate, nanoseconds exact) {
  const double error = std::abs(static_cast<double>(estimate.count() - exact.count()));
  if (error <= 0.01 * static_cast<double>(exact.count())) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << estimate.count() << " ns is more than 1% from " << exact.count() << " ns";
}

TEST(RttHistogram, StartsEmpty) {
  const RttHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min(), nanoseconds{0});
  EXPECT_EQ(histogram.max(), nanoseconds{0});
  EXPECT_EQ(histogram.nearest_rank(500), nanoseconds{0});
  EXPECT_TRUE(RttDecadeBuckets(histogram).shown().empty());
}

// The layout the header promises: contiguous fine buckets, each at most
// 2% of its start wide (so its midpoint is within 1% of all it holds),
// every value found in the bucket whose range holds it.
TEST(RttHistogram, FineBucketsTileTheRangeInStepsOfAtMostTwoPercent) {
  const RttHistogram histogram;
  const RttBucket below = histogram.bucket(0);
  EXPECT_EQ(below.from, nanoseconds{0});
  EXPECT_EQ(below.to, microseconds{1});
  const RttBucket above = histogram.bucket(RttHistogram::kBucketCount - 1);
  EXPECT_EQ(above.from, seconds{1000});
  EXPECT_TRUE(above.is_open_ended());
  for (std::size_t i = 1; i + 1 < RttHistogram::kBucketCount; ++i) {
    const RttBucket b = histogram.bucket(i);
    ASSERT_EQ(histogram.bucket(i - 1).to, b.from) << i;
    ASSERT_LT(b.from, b.to) << i;
    ASSERT_LE((b.to - b.from).count() * 50, b.from.count()) << i;
    ASSERT_EQ(RttHistogram::bucket_index(b.from), i);
    ASSERT_EQ(RttHistogram::bucket_index(b.to - nanoseconds{1}), i);
  }
  EXPECT_EQ(histogram.bucket(RttHistogram::kBucketCount - 2).to, seconds{1000});
  EXPECT_EQ(RttHistogram::bucket_index(nanoseconds{999}), 0u);
  EXPECT_EQ(RttHistogram::bucket_index(seconds{1000}), RttHistogram::kBucketCount - 1);
  EXPECT_EQ(RttHistogram::bucket_index(nanoseconds::max()), RttHistogram::kBucketCount - 1);
}

TEST(RttHistogram, OneRttIsEveryPercentileExactly) {
  RttHistogram histogram;
  histogram.record(microseconds{590});
  EXPECT_EQ(histogram.count(), 1u);
  for (const std::uint32_t per_mille : {1u, 500u, 900u, 990u, 1000u}) {
    EXPECT_EQ(histogram.nearest_rank(per_mille), microseconds{590}) << per_mille;
  }
}

TEST(RttHistogram, EqualRttsAreEveryPercentileExactly) {
  RttHistogram histogram;
  for (int i = 0; i < 1000; ++i) histogram.record(nanoseconds{123457});
  EXPECT_EQ(histogram.nearest_rank(1), nanoseconds{123457});
  EXPECT_EQ(histogram.nearest_rank(500), nanoseconds{123457});
  EXPECT_EQ(histogram.nearest_rank(990), nanoseconds{123457});
  EXPECT_EQ(histogram.min(), nanoseconds{123457});
  EXPECT_EQ(histogram.max(), nanoseconds{123457});
}

// 98% of replies at 100 us, a 2% tail at 50 ms: the median and p90 are
// the fast replies, the p99 is the tail.
TEST(RttHistogram, AHeavyTailShowsInTheP99Only) {
  RttHistogram histogram;
  histogram.record(microseconds{100}, 980);
  histogram.record(milliseconds{50}, 20);
  // 100 us is in [100 us, 102 us): its midpoint, 1% off; 50 ms is the max.
  EXPECT_EQ(histogram.nearest_rank(500), microseconds{101});
  EXPECT_EQ(histogram.nearest_rank(900), microseconds{101});
  EXPECT_EQ(histogram.nearest_rank(990), milliseconds{50});
  EXPECT_TRUE(within_one_percent(histogram.nearest_rank(500), microseconds{100}));
}

// Nearest rank, not interpolation: of 1000 RTTs the p99 is the 990th.
// 990 fast ones make it fast; one more in the tail makes it slow.
TEST(RttHistogram, TheP99IsThe990thOf1000) {
  RttHistogram at_the_edge;
  at_the_edge.record(microseconds{100}, 990);
  at_the_edge.record(milliseconds{50}, 10);
  EXPECT_TRUE(within_one_percent(at_the_edge.nearest_rank(990), microseconds{100}));
  EXPECT_EQ(at_the_edge.nearest_rank(991), milliseconds{50});

  RttHistogram past_it;
  past_it.record(microseconds{100}, 989);
  past_it.record(milliseconds{50}, 11);
  EXPECT_EQ(past_it.nearest_rank(990), milliseconds{50});
}

TEST(RttHistogram, RankIsTheCeilingAndAtLeastOne) {
  // 1, 2, 3, 4 ms: p25 is rank 1, p25.1 rank ceil(1.004) = 2, p100 rank 4.
  RttHistogram histogram;
  for (int ms = 1; ms <= 4; ++ms) histogram.record(milliseconds{ms});
  EXPECT_TRUE(within_one_percent(histogram.nearest_rank(1), milliseconds{1}));
  EXPECT_TRUE(within_one_percent(histogram.nearest_rank(250), milliseconds{1}));
  EXPECT_TRUE(within_one_percent(histogram.nearest_rank(251), milliseconds{2}));
  EXPECT_TRUE(within_one_percent(histogram.nearest_rank(750), milliseconds{3}));
  EXPECT_EQ(histogram.nearest_rank(1000), milliseconds{4});
  // Out of range asks for the first or the last rank.
  EXPECT_EQ(histogram.nearest_rank(0), histogram.nearest_rank(1));
  EXPECT_EQ(histogram.nearest_rank(5000), milliseconds{4});
}

// Against exact sorted percentiles, on RTTs spread log-uniformly over the
// whole fine range, 1 us to 1000 s: every percentile within 1%.
TEST(RttHistogram, PercentilesAreWithinOnePercentOfTheExactOnes) {
  std::mt19937_64 random(12);
  std::uniform_real_distribution<double> exponent(3.0, 12.0);
  std::vector<nanoseconds> samples;
  RttHistogram histogram;
  for (int i = 0; i < 100000; ++i) {
    const nanoseconds rtt{static_cast<std::int64_t>(std::pow(10.0, exponent(random)))};
    samples.push_back(rtt);
    histogram.record(rtt);
  }
  for (const std::uint32_t per_mille : {1u, 10u, 100u, 250u, 500u, 750u, 900u, 990u, 999u, 1000u}) {
    EXPECT_TRUE(within_one_percent(histogram.nearest_rank(per_mille),
                                   exact_nearest_rank(samples, per_mille)))
        << "per mille " << per_mille;
  }
  EXPECT_EQ(histogram.min(), *std::min_element(samples.begin(), samples.end()));
  EXPECT_EQ(histogram.max(), *std::max_element(samples.begin(), samples.end()));
}

// And on a narrow spread, around a loopback RTT of 45 us, where every
// RTT falls in a handful of buckets.
TEST(RttHistogram, PercentilesOfANarrowSpread) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> around(45000.0, 4000.0);
  std::vector<nanoseconds> samples;
  RttHistogram histogram;
  for (int i = 0; i < 20000; ++i) {
    const nanoseconds rtt{static_cast<std::int64_t>(std::max(2000.0, around(random)))};
    samples.push_back(rtt);
    histogram.record(rtt);
  }
  for (const std::uint32_t per_mille : {1u, 500u, 900u, 990u, 1000u}) {
    EXPECT_TRUE(within_one_percent(histogram.nearest_rank(per_mille),
                                   exact_nearest_rank(samples, per_mille)))
        << "per mille " << per_mille;
  }
}

// -c 1000000: the same fixed array, not one allocation, and the figures
// still right.
TEST(RttHistogram, AMillionRttsInTheSameMemoryWithoutAllocating) {
  RttHistogram histogram;
  test::start_counting_allocations();
  // 1 us to 1000 us, a thousand of each.
  for (std::int64_t i = 0; i < 1000000; ++i) histogram.record(microseconds{1 + i % 1000});
  const nanoseconds p50 = histogram.nearest_rank(500);
  const nanoseconds p99 = histogram.nearest_rank(990);
  const RttDecadeBuckets decades(histogram);
  EXPECT_EQ(test::stop_counting_allocations(), 0u);
  EXPECT_EQ(histogram.count(), 1000000u);
  EXPECT_TRUE(within_one_percent(p50, microseconds{500}));
  EXPECT_TRUE(within_one_percent(p99, microseconds{990}));
  EXPECT_EQ(histogram.min(), microseconds{1});
  EXPECT_EQ(histogram.max(), microseconds{1000});
  std::uint64_t shown = 0;
  for (const RttBucket& b : decades.shown()) shown += b.count;
  EXPECT_EQ(shown, 1000000u);
}

TEST(RttHistogram, ANegativeRttCountsAsZero) {
  RttHistogram histogram;
  histogram.record(nanoseconds{-5000});
  EXPECT_EQ(histogram.min(), nanoseconds{0});
  EXPECT_EQ(histogram.nearest_rank(500), nanoseconds{0});
  EXPECT_EQ(histogram.bucket(0).count, 1u);
}

// Outside 1 us to 1000 s an RTT is counted, in one bucket each side; the
// exact min and max keep the percentiles there honest.
TEST(RttHistogram, RttsOutsideTheFineRangeAreCounted) {
  RttHistogram histogram;
  histogram.record(nanoseconds{300});
  histogram.record(seconds{5000});
  EXPECT_EQ(histogram.bucket(0).count, 1u);
  EXPECT_EQ(histogram.bucket(RttHistogram::kBucketCount - 1).count, 1u);
  EXPECT_EQ(histogram.nearest_rank(500), nanoseconds{300});
  EXPECT_EQ(histogram.nearest_rank(1000), seconds{5000});
  histogram.record(nanoseconds{100});
  EXPECT_EQ(histogram.nearest_rank(500), nanoseconds{100}) << "the min, below 1 us";
}

TEST(RttHistogram, RecordingZeroTimesChangesNothing) {
  RttHistogram histogram;
  histogram.record(milliseconds{1}, 0);
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.max(), nanoseconds{0});
}

// The 1-2-5 buckets: exact unions of fine ones, from the first with an
// RTT to the last, the empty ones between kept.
TEST(RttDecadeBuckets, FromTheFirstRttToTheLastWithEmptyOnesBetween) {
  RttHistogram histogram;
  histogram.record(microseconds{150});
  histogram.record(microseconds{199});
  histogram.record(nanoseconds{1999999});  // just below 2 ms
  histogram.record(milliseconds{2});
  histogram.record(milliseconds{4});
  const RttDecadeBuckets decades(histogram);
  const auto shown = decades.shown();
  ASSERT_EQ(shown.size(), 5u);
  const std::vector<std::tuple<nanoseconds, nanoseconds, std::uint64_t>> expected{
      {microseconds{100}, microseconds{200}, 2},
      {microseconds{200}, microseconds{500}, 0},
      {microseconds{500}, milliseconds{1}, 0},
      {milliseconds{1}, milliseconds{2}, 1},
      {milliseconds{2}, milliseconds{5}, 2}};
  for (std::size_t i = 0; i < shown.size(); ++i) {
    EXPECT_EQ(shown[i].from, std::get<0>(expected[i])) << i;
    EXPECT_EQ(shown[i].to, std::get<1>(expected[i])) << i;
    EXPECT_EQ(shown[i].count, std::get<2>(expected[i])) << i;
  }
}

TEST(RttDecadeBuckets, EveryBucketFromBelowOneMicrosecondToAbove1000Seconds) {
  RttHistogram histogram;
  histogram.record(nanoseconds{0});
  histogram.record(seconds{1000});
  const RttDecadeBuckets decades(histogram);
  const auto shown = decades.shown();
  ASSERT_EQ(shown.size(), RttDecadeBuckets::kCapacity);
  EXPECT_EQ(shown.front().from, nanoseconds{0});
  EXPECT_EQ(shown.front().to, microseconds{1});
  EXPECT_EQ(shown[1].to, microseconds{2});
  EXPECT_EQ(shown[2].to, microseconds{5});
  EXPECT_EQ(shown[3].to, microseconds{10});
  EXPECT_EQ(shown[shown.size() - 2].from, seconds{500});
  EXPECT_EQ(shown.back().from, seconds{1000});
  EXPECT_TRUE(shown.back().is_open_ended());
  for (std::size_t i = 1; i < shown.size(); ++i) EXPECT_EQ(shown[i - 1].to, shown[i].from) << i;
}

}  // namespace
}  // namespace pong::client
