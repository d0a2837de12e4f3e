#include "flight_tracker.hpp"

#include <algorithm>

namespace pong::bench {

FlightTracker::FlightTracker(std::uint64_t capacity, std::uint64_t timeout_ns)
    : timeout_ns_(static_cast<std::int64_t>(timeout_ns)),
      send_ns_(capacity, 0),
      state_(capacity, State::kOutstanding),
      rtt_ns_(capacity, 0) {}

void FlightTracker::on_send(std::int64_t tx_ns) {
  send_ns_[sent_] = tx_ns;
  state_[sent_] = State::kOutstanding;
  ++sent_;
  ++outstanding_;
}

ReplyOutcome FlightTracker::on_reply(std::uint64_t n, std::int64_t rx_ns) {
  State& state = state_[n];
  if (state == State::kAnswered || state == State::kLate) {
    ++duplicates_;
    return ReplyOutcome::kDuplicate;
  }
  if (state == State::kOutstanding) --outstanding_;
  // A clock step between send and receive could make this negative; such a
  // reply counts as instantaneous rather than corrupting the percentiles.
  const std::int64_t rtt = std::max<std::int64_t>(rx_ns - send_ns_[n], 0);
  if (rtt > timeout_ns_) {
    state = State::kLate;
    ++late_;
    return ReplyOutcome::kLate;
  }
  state = State::kAnswered;
  ++answered_;
  // rtt <= timeout < 2^32 ns.
  rtt_ns_[rtt_count_++] = static_cast<std::uint32_t>(rtt);
  return ReplyOutcome::kAnswered;
}

std::uint64_t FlightTracker::expire(std::int64_t now_ns) {
  std::uint64_t expired = 0;
  while (oldest_ < sent_) {
    State& state = state_[oldest_];
    if (state == State::kOutstanding) {
      if (send_ns_[oldest_] + timeout_ns_ > now_ns) break;
      state = State::kTimedOut;
      --outstanding_;
      ++expired;
    }
    ++oldest_;
  }
  return expired;
}

std::optional<std::int64_t> FlightTracker::next_deadline() const {
  if (outstanding_ == 0 || oldest_ >= sent_) return std::nullopt;
  return send_ns_[oldest_] + timeout_ns_;
}

std::uint32_t nearest_rank(std::span<const std::uint32_t> sorted, std::uint32_t per_mille) {
  const std::uint64_t n = sorted.size();
  std::uint64_t rank = (n * per_mille + 999) / 1000;  // ceil(per_mille / 1000 * n)
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

RttSummary summarize_rtts(std::span<std::uint32_t> samples) {
  RttSummary summary;
  summary.samples = samples.size();
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  summary.p50 = nearest_rank(samples, 500);
  summary.p90 = nearest_rank(samples, 900);
  summary.p99 = nearest_rank(samples, 990);
  summary.p999 = nearest_rank(samples, 999);
  summary.max = samples.back();
  return summary;
}

}  // namespace pong::bench
