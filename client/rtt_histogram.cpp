#include "rtt_histogram.hpp"

#include <algorithm>

namespace pong::client {
namespace {

using std::chrono::nanoseconds;

// A piece of a decade, in units of 10^(d - 2) ns, where every value of the
// decade is 100 to 999 units: [lead, next lead) cut into steps of
// step_width, the piece's first step being the decade's first_step-th.
struct DecadePiece {
  std::int64_t lead;
  std::int64_t step_width;
  std::size_t first_step;
};
// 1-2 in 50 steps of 2, 2-5 in 75 steps of 4, 5-10 in 50 steps of 10:
// each step at most 2% of its piece's lead.
constexpr std::array<DecadePiece, 3> kPieces{{{100, 2, 0}, {200, 4, 50}, {500, 10, 125}}};
static_assert(kPieces[1].first_step == (200 - 100) / 2);
static_assert(kPieces[2].first_step == kPieces[1].first_step + (500 - 200) / 4);
static_assert(RttHistogram::kStepsPerDecade == kPieces[2].first_step + (1000 - 500) / 10);

// 10^(d - 2) ns, the unit of decade d, for d = 3 (1 us) to 11 (100 s).
constexpr std::array<std::int64_t, RttHistogram::kDecadeCount> kDecadeUnitNs{
    10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000, 1'000'000'000};

constexpr nanoseconds kFineLow{100 * kDecadeUnitNs.front()};   // 1 us
constexpr nanoseconds kFineHigh{1000 * kDecadeUnitNs.back()};  // 1000 s

constexpr std::size_t kBelowFine = 0;
constexpr std::size_t kAboveFine = RttHistogram::kBucketCount - 1;

// The piece a step of a decade (0 to kStepsPerDecade - 1) lies in.
std::size_t piece_of_step(std::size_t step) {
  std::size_t piece = 0;
  while (piece + 1 < kPieces.size() && kPieces[piece + 1].first_step <= step) ++piece;
  return piece;
}

// Which 1-2-5 bucket (an index into RttDecadeBuckets) a fine one is part
// of: 0-1 us, then three per decade, then 1000 s and above.
std::size_t decade_bucket_of(std::size_t fine_index) {
  if (fine_index == kBelowFine) return 0;
  if (fine_index == kAboveFine) return RttDecadeBuckets::kCapacity - 1;
  const std::size_t decade = (fine_index - 1) / RttHistogram::kStepsPerDecade;
  const std::size_t step = (fine_index - 1) % RttHistogram::kStepsPerDecade;
  return 1 + decade * kPieces.size() + piece_of_step(step);
}

}  // namespace

void RttHistogram::record(nanoseconds rtt, std::uint64_t times) {
  if (times == 0) return;
  rtt = std::max(rtt, nanoseconds{0});
  if (count_ == 0) {
    min_ = rtt;
    max_ = rtt;
  } else {
    min_ = std::min(min_, rtt);
    max_ = std::max(max_, rtt);
  }
  count_ += times;
  counts_[bucket_index(rtt)] += times;
}

std::size_t RttHistogram::bucket_index(nanoseconds rtt) {
  if (rtt < kFineLow) return kBelowFine;
  if (rtt >= kFineHigh) return kAboveFine;
  const std::int64_t ns = rtt.count();
  std::size_t decade = 0;
  while (ns >= 1000 * kDecadeUnitNs[decade]) ++decade;
  const std::int64_t units = ns / kDecadeUnitNs[decade];  // 100 to 999
  std::size_t piece = kPieces.size() - 1;
  while (units < kPieces[piece].lead) --piece;
  const auto step_in_piece =
      static_cast<std::size_t>((units - kPieces[piece].lead) / kPieces[piece].step_width);
  return 1 + decade * kStepsPerDecade + kPieces[piece].first_step + step_in_piece;
}

RttBucket RttHistogram::bucket(std::size_t index) const {
  if (index == kBelowFine) return {nanoseconds{0}, kFineLow, counts_[index]};
  if (index == kAboveFine) return {kFineHigh, nanoseconds::max(), counts_[index]};
  const std::size_t decade = (index - 1) / kStepsPerDecade;
  const std::size_t step = (index - 1) % kStepsPerDecade;
  const DecadePiece& piece = kPieces[piece_of_step(step)];
  const std::int64_t unit = kDecadeUnitNs[decade];
  const auto from_units =
      piece.lead + static_cast<std::int64_t>(step - piece.first_step) * piece.step_width;
  return {nanoseconds{from_units * unit}, nanoseconds{(from_units + piece.step_width) * unit},
          counts_[index]};
}

nanoseconds RttHistogram::nearest_rank(std::uint32_t per_mille) const {
  if (count_ == 0) return nanoseconds{0};
  per_mille = std::clamp<std::uint32_t>(per_mille, 1, 1000);
  // rank = ceil(per_mille * N / 1000), without overflow for any N, and at
  // least 1 (the first sample).
  const std::uint64_t rank = std::max<std::uint64_t>(
      1, count_ / 1000 * per_mille + (count_ % 1000 * per_mille + 999) / 1000);
  std::uint64_t seen = 0;
  std::size_t index = 0;
  while (index < kBucketCount && seen + counts_[index] < rank) seen += counts_[index++];
  // Outside the fine range a bucket reads as the exact extreme on its
  // side: below 1 us the min, from 1000 s (no upper end) the max.
  if (index == kBelowFine) return min_;
  if (index >= kAboveFine) return max_;
  const RttBucket found = bucket(index);
  const nanoseconds midpoint = found.from + (found.to - found.from) / 2;
  return std::clamp(midpoint, min_, max_);
}

RttDecadeBuckets::RttDecadeBuckets(const RttHistogram& histogram) {
  // Fine buckets come in order, each 1-2-5 bucket a run of them: its range
  // runs from its first one's start to its last one's end.
  std::size_t previous = kCapacity;
  for (std::size_t i = 0; i < RttHistogram::kBucketCount; ++i) {
    const RttBucket fine = histogram.bucket(i);
    const std::size_t coarse = decade_bucket_of(i);
    if (coarse != previous) buckets_[coarse].from = fine.from;
    buckets_[coarse].to = fine.to;
    buckets_[coarse].count += fine.count;
    previous = coarse;
  }
  // Empty buckets before the first RTT and after the last are not shown.
  const auto has_count = [](const RttBucket& b) { return b.count != 0; };
  const auto first = std::find_if(buckets_.begin(), buckets_.end(), has_count);
  if (first == buckets_.end()) return;
  const auto last = std::find_if(buckets_.rbegin(), buckets_.rend(), has_count).base();
  first_ = static_cast<std::size_t>(first - buckets_.begin());
  size_ = static_cast<std::size_t>(last - first);
}

}  // namespace pong::client
