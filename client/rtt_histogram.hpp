// Round-trip times counted in logarithmic buckets, HDR-histogram style:
// percentiles and a histogram in a fixed array of counts, so a run of a
// million replies takes the same memory as a run of one. Pure: no clock,
// I/O or allocation; a plain value, copied freely.
//
// Debian packages no C or C++ HDR histogram library (only Java and Go
// ones), hence this small one. Its buckets cut every decade at 1, 2 and 5
// (1 us, 2 us, 5 us, 10 us, ... 1000 s) and each of those pieces into equal
// steps of at most 2% of the piece's start:
//
//   [1, 2) x 10^d ns   50 steps of 0.02 x 10^d
//   [2, 5) x 10^d ns   75 steps of 0.04 x 10^d
//   [5, 10) x 10^d ns  50 steps of 0.1 x 10^d
//
// so a bucket's midpoint is within 1% of every value in it, and the 1-2-5
// bucket a histogram shows is an exact union of fine ones. Below 1 us is
// one bucket, and so is 1000 s and above: an RTT there is counted, only
// coarsely.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pong::client {

// A range of RTTs and how many fell in it: [from, to).
struct RttBucket {
  std::chrono::nanoseconds from{};
  // nanoseconds::max() for the last bucket, which has no upper end.
  std::chrono::nanoseconds to{};
  std::uint64_t count = 0;

  bool is_open_ended() const { return to == std::chrono::nanoseconds::max(); }
};

class RttHistogram;

// The 1-2-5 buckets a histogram shows (0-1 us, 1-2 us, 2-5 us, 5-10 us,
// ..., 500-1000 s, 1000 s and above), from the first that holds an RTT to
// the last that does: the empty ones in between are kept, with count 0.
class RttDecadeBuckets {
 public:
  // 0-1 us, three per decade from 1 us to 1000 s, and 1000 s and above.
  static constexpr std::size_t kCapacity = 1 + 9 * 3 + 1;

  explicit RttDecadeBuckets(const RttHistogram& histogram);

  std::span<const RttBucket> shown() const { return {buckets_.data() + first_, size_}; }

 private:
  std::array<RttBucket, kCapacity> buckets_{};
  std::size_t first_ = 0;
  std::size_t size_ = 0;
};

class RttHistogram {
 public:
  // The decades tracked finely: 10^3 ns (1 us) up to 10^12 ns (1000 s).
  static constexpr int kFirstDecade = 3;
  static constexpr int kDecadeCount = 9;
  static constexpr std::size_t kStepsPerDecade = 50 + 75 + 50;
  // Below 1 us, the fine buckets, then 1000 s and above.
  static constexpr std::size_t kBucketCount = 1 + kDecadeCount * kStepsPerDecade + 1;

  // Counts `times` RTTs of this value (HDR's "record with count"). A
  // negative one (a caller's garbage; a clock cannot run backwards) is
  // taken as zero. The total is not to pass 2^64 - 1: a reply each
  // nanosecond for 584 years.
  void record(std::chrono::nanoseconds rtt, std::uint64_t times = 1);

  std::uint64_t count() const { return count_; }
  // The exact smallest and largest RTT recorded; zero while count() is 0.
  std::chrono::nanoseconds min() const { return min_; }
  std::chrono::nanoseconds max() const { return max_; }

  // The percentile by nearest rank on the bucketed counts: the bucket
  // that holds the sample of rank ceil(per_mille / 1000 * N) (1-based, at
  // least 1) in sorted order, read as its midpoint clamped to the exact
  // min and max, so one RTT, or N equal ones, give exactly that RTT, and
  // any other within 1%. Below 1 us the bucket reads as the min, from
  // 1000 s as the max. per_mille in 1..1000 (500 is the median, 990 the
  // p99). Zero while count() is 0.
  std::chrono::nanoseconds nearest_rank(std::uint32_t per_mille) const;

  // The fine buckets, for tests and for RttDecadeBuckets: which one holds
  // an RTT (non-negative), and the range and count of one.
  static std::size_t bucket_index(std::chrono::nanoseconds rtt);
  RttBucket bucket(std::size_t index) const;

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::chrono::nanoseconds min_{};
  std::chrono::nanoseconds max_{};
};

}  // namespace pong::client
