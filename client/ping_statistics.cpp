#include "ping_statistics.hpp"

#include <algorithm>
#include <cmath>

namespace pong::client {

void PingStatistics::record_transmit(std::uint16_t sequence) {
  ++transmitted_;
  replied_[sequence / 64] &= ~(std::uint64_t{1} << (sequence % 64));
}

PingStatistics::ReplyKind PingStatistics::record_reply(std::uint16_t sequence,
                                                       std::chrono::nanoseconds rtt) {
  const ReplyKind kind = has_reply(sequence) ? ReplyKind::kDuplicate : ReplyKind::kFirst;
  if (kind == ReplyKind::kDuplicate) {
    ++duplicates_;
  } else {
    ++received_;
    replied_[sequence / 64] |= std::uint64_t{1} << (sequence % 64);
  }

  // A clock cannot run backwards, but a caller could pass garbage: an RTT
  // below zero is taken as zero rather than poisoning the figures.
  rtt = std::max(rtt, std::chrono::nanoseconds{0});
  // iputils times duplicates too: the percentiles count the same replies
  // as min/avg/max/mdev, so the two summary lines describe one set.
  rtt_histogram_.record(rtt);
  ++timed_;
  const double x = static_cast<double>(rtt.count());
  const double delta = x - rtt_mean_ns_;
  rtt_mean_ns_ += delta / static_cast<double>(timed_);
  rtt_m2_ns2_ += delta * (x - rtt_mean_ns_);
  return kind;
}

double PingStatistics::loss_percent() const {
  if (transmitted_ == 0) return 0.0;
  // received_ never exceeds transmitted_: only replies to sent sequence
  // numbers are recorded, each once. Guard anyway.
  const std::uint64_t lost = transmitted_ - std::min(received_, transmitted_);
  return static_cast<double>(lost) * 100.0 / static_cast<double>(transmitted_);
}

std::optional<RttSummary> PingStatistics::rtt() const {
  if (timed_ == 0) return std::nullopt;
  // Population variance: M2 / n (iputils: tsum2/n - (tsum/n)^2).
  const double variance = rtt_m2_ns2_ / static_cast<double>(timed_);
  const auto to_ns = [](double v) {
    return std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(v))};
  };
  return RttSummary{rtt_histogram_.min(), to_ns(rtt_mean_ns_), rtt_histogram_.max(),
                    to_ns(std::sqrt(variance))};
}

std::optional<RttPercentiles> PingStatistics::rtt_percentiles() const {
  if (timed_ == 0) return std::nullopt;
  return RttPercentiles{rtt_histogram_.nearest_rank(500), rtt_histogram_.nearest_rank(900),
                        rtt_histogram_.nearest_rank(990)};
}

}  // namespace pong::client
