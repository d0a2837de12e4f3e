// Token buckets per source in a table of fixed size, with the time passed
// in (no clock, no sleeps).
#include "policy/rate_limit.hpp"

#include <gtest/gtest.h>

namespace pong::policy {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

wire::IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return wire::Ipv4Address{{a, b, c, d}};
}
wire::IpAddress v6(std::uint16_t group3, std::uint16_t last) {
  wire::Ipv6Address a;
  a.octets[0] = 0xfd;
  a.octets[6] = static_cast<std::uint8_t>(group3 >> 8);
  a.octets[7] = static_cast<std::uint8_t>(group3);
  a.octets[14] = static_cast<std::uint8_t>(last >> 8);
  a.octets[15] = static_cast<std::uint8_t>(last);
  return a;
}

TEST(TokenBucket, BurstThenRate) {
  const RateLimit limit{10, 3};  // 10/s, burst 3
  TokenBucket bucket(limit, Nanoseconds{0});
  EXPECT_TRUE(bucket.take(limit, Nanoseconds{0}));
  EXPECT_TRUE(bucket.take(limit, Nanoseconds{0}));
  EXPECT_TRUE(bucket.take(limit, Nanoseconds{0}));
  EXPECT_FALSE(bucket.take(limit, Nanoseconds{0}));
  // 100 ms at 10/s is one token.
  EXPECT_TRUE(bucket.take(limit, milliseconds{100}));
  EXPECT_FALSE(bucket.take(limit, milliseconds{100}));
  // A long pause refills to the burst, no further.
  int taken = 0;
  while (bucket.take(limit, seconds{100})) ++taken;
  EXPECT_EQ(taken, 3);
}

TEST(TokenBucket, TimeGoingBackwardsAddsNothing) {
  const RateLimit limit{1, 1};
  TokenBucket bucket(limit, seconds{10});
  EXPECT_TRUE(bucket.take(limit, seconds{10}));
  EXPECT_FALSE(bucket.take(limit, seconds{5}));
}

TEST(SourceKey, Ipv6SourcesShareTheirSlash64) {
  EXPECT_EQ(SourceKey::of(v6(1, 1)), SourceKey::of(v6(1, 0xffff)));
  EXPECT_NE(SourceKey::of(v6(1, 1)), SourceKey::of(v6(2, 1)));
  EXPECT_NE(SourceKey::of(v4(10, 0, 0, 1)), SourceKey::of(v4(10, 0, 0, 2)));
  // 10.0.0.1 and an IPv6 address starting 0a00:0001 are not the same source.
  wire::Ipv6Address lookalike;
  lookalike.octets[0] = 10;
  lookalike.octets[3] = 1;
  EXPECT_NE(SourceKey::of(v4(10, 0, 0, 1)), SourceKey::of(lookalike));
}

TEST(SourceRateLimiter, EachSourceHasItsOwnBucket) {
  SourceRateLimiter limiter({1, 2}, 64, 42);
  EXPECT_TRUE(limiter.allow(v4(10, 0, 0, 1), Nanoseconds{0}));
  EXPECT_TRUE(limiter.allow(v4(10, 0, 0, 1), Nanoseconds{0}));
  EXPECT_FALSE(limiter.allow(v4(10, 0, 0, 1), Nanoseconds{0}));
  EXPECT_TRUE(limiter.allow(v4(10, 0, 0, 2), Nanoseconds{0}));
  EXPECT_TRUE(limiter.allow(v4(10, 0, 0, 1), seconds{1}));
  EXPECT_EQ(limiter.tracked(), 2u);
}

TEST(SourceRateLimiter, RotatingThroughASlash64DoesNotDodgeTheLimit) {
  SourceRateLimiter limiter({1, 3}, 64, 42);
  int answered = 0;
  for (std::uint16_t host = 1; host <= 100; ++host) {
    if (limiter.allow(v6(7, host), Nanoseconds{0})) ++answered;
  }
  EXPECT_EQ(answered, 3);
  EXPECT_EQ(limiter.tracked(), 1u);
}

TEST(SourceRateLimiter, AFloodOfSpoofedSourcesNeitherGrowsTheTableNorLocksOutAClient) {
  SourceRateLimiter limiter({5, 5}, 1024, 7);
  const auto capacity = limiter.capacity();
  const wire::IpAddress client = v4(172, 22, 0, 2);
  Nanoseconds now{0};
  int asked = 0;
  int answered = 0;
  // 100,000 spoofed sources, one request each, 10 us apart (a second in
  // all); the client pings within its limit, every 0.2 s, throughout.
  for (std::uint32_t i = 0; i < 100000; ++i) {
    now += std::chrono::microseconds{10};
    limiter.allow(v4(10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                     static_cast<std::uint8_t>(i)),
                  now);
    if (i % 20000 == 0) {
      ++asked;
      if (limiter.allow(client, now)) ++answered;
    }
  }
  EXPECT_EQ(limiter.capacity(), capacity);
  EXPECT_LE(limiter.tracked(), capacity);
  EXPECT_GT(limiter.evictions(), 90000u);
  EXPECT_EQ(answered, asked);
}

TEST(SourceRateLimiter, CapacityIsAWholeNumberOfSets) {
  EXPECT_EQ(SourceRateLimiter({1, 1}, 1, 0).capacity(), SourceRateLimiter::kWays);
  EXPECT_EQ(SourceRateLimiter({1, 1}, 100, 0).capacity(), 104u);
}

}  // namespace
}  // namespace pong::policy
