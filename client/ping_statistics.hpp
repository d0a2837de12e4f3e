// What a ping run counted, as a value: requests sent, replies, duplicates,
// corrupted replies and ICMP errors, the duplicate bitmap and the round-trip
// times, with their percentiles and histogram (RttHistogram). Pure: no
// clock, socket or output; the caller hands in the RTTs it measured.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "rtt_histogram.hpp"

namespace pong::client {

// min/avg/max and mdev, the population standard deviation (what iputils
// prints as "mdev": sqrt(mean(rtt^2) - mean(rtt)^2)).
struct RttSummary {
  std::chrono::nanoseconds min{};
  std::chrono::nanoseconds avg{};
  std::chrono::nanoseconds max{};
  std::chrono::nanoseconds mdev{};
};

// The median, p90 and p99 by nearest rank (RttHistogram::nearest_rank:
// within 1% of the exact sample, exact for one RTT or equal ones).
struct RttPercentiles {
  std::chrono::nanoseconds p50{};
  std::chrono::nanoseconds p90{};
  std::chrono::nanoseconds p99{};
};

class PingStatistics {
 public:
  // Every 16-bit ICMP sequence number has its own bit.
  static constexpr std::size_t kSequenceSpace = 1u << 16;

  enum class ReplyKind : std::uint8_t { kFirst, kDuplicate };

  // A request with this sequence number went out. After 65536 requests the
  // numbers wrap; like iputils, sending a number again forgets the reply to
  // its previous use, so the new reply is not taken for a duplicate.
  void record_transmit(std::uint16_t sequence);

  // Whether a request with this sequence number has been sent: numbers are
  // handed out 0, 1, 2, ... so that is every number below the count, or
  // all of them once the count has wrapped.
  bool was_sent(std::uint16_t sequence) const {
    return transmitted_ >= kSequenceSpace || sequence < transmitted_;
  }
  bool has_reply(std::uint16_t sequence) const {
    return (replied_[sequence / 64] >> (sequence % 64)) & 1u;
  }

  // A reply with a good checksum to a request that was sent. The first
  // one for a sequence number counts as received; later ones are
  // duplicates. As in iputils, every one of them contributes its RTT (the
  // average is over replies and duplicates alike, and so are the min, max,
  // mdev, percentiles and histogram: one population for every figure).
  ReplyKind record_reply(std::uint16_t sequence, std::chrono::nanoseconds rtt);
  // A reply whose ICMP checksum failed: counted apart ("+N corrupted"),
  // never received, never timed.
  void record_corrupted() { ++corrupted_; }
  // An ICMP error (Destination Unreachable, Time Exceeded, Parameter
  // Problem) about one of our requests, or a local send error.
  void record_error() { ++errors_; }

  std::uint64_t transmitted() const { return transmitted_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t corrupted() const { return corrupted_; }
  std::uint64_t errors() const { return errors_; }

  // (transmitted - received) * 100 / transmitted; 0 before anything was
  // sent.
  double loss_percent() const;

  // Empty until a reply was timed.
  std::optional<RttSummary> rtt() const;
  std::optional<RttPercentiles> rtt_percentiles() const;
  // Every RTT timed, in buckets: the same population as rtt().
  const RttHistogram& rtt_histogram() const { return rtt_histogram_; }

 private:
  std::uint64_t transmitted_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t corrupted_ = 0;
  std::uint64_t errors_ = 0;

  // Welford's running mean and sum of squared deviations, in nanoseconds:
  // no cancellation between two large sums, whatever the run's length.
  std::uint64_t timed_ = 0;
  double rtt_mean_ns_ = 0;
  double rtt_m2_ns2_ = 0;
  // The min and max, the percentiles and the histogram: a fixed array,
  // whatever the run's length.
  RttHistogram rtt_histogram_;

  std::array<std::uint64_t, kSequenceSpace / 64> replied_{};
};

}  // namespace pong::client
