#include "policy/log_limit.hpp"

#include <bit>
#include <cmath>

namespace pong::policy {

bool LogLimiter::admit(const wire::IpAddress& source, Nanoseconds now) {
  if (!limit_) return true;
  if (!started_) {
    bucket_ = TokenBucket(*limit_, now);  // starts full: a burst's worth
    started_ = true;
  }
  if (bucket_.take(*limit_, now)) return true;
  if (suppressed_++ == 0) first_suppressed_ = now;
  note_source(source);
  return false;
}

void LogLimiter::note_source(const wire::IpAddress& source) {
  // FNV-1a over the whole address (not the /64: this counts senders).
  std::uint64_t h = 0xcbf29ce484222325u;
  h ^= static_cast<std::uint8_t>(source.family());
  h *= 0x100000001b3u;
  for (const auto b : source.bytes()) {
    h ^= b;
    h *= 0x100000001b3u;
  }
  // SplitMix64's finalizer: every input bit reaches the low bits used here.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9u;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebu;
  h ^= h >> 31;
  const std::size_t bit = h % kSketchBits;
  sketch_[bit / 64] |= std::uint64_t{1} << (bit % 64);
}

std::uint64_t LogLimiter::estimated_sources(bool& saturated) const {
  std::size_t set = 0;
  for (const auto word : sketch_) set += static_cast<std::size_t>(std::popcount(word));
  const std::size_t zeros = kSketchBits - set;
  saturated = zeros == 0;
  // Linear counting: n = -m ln(zeros / m); with no zero bit left, the
  // estimate for one zero bit is a lower bound.
  const double m = kSketchBits;
  const double z = saturated ? 1.0 : static_cast<double>(zeros);
  return static_cast<std::uint64_t>(std::llround(-m * std::log(z / m)));
}

std::optional<SuppressedLines> LogLimiter::take_summary(Nanoseconds now, bool final) {
  if (suppressed_ == 0) return std::nullopt;
  if (!final && now - first_suppressed_ < kSummaryInterval) return std::nullopt;
  SuppressedLines summary;
  summary.lines = suppressed_;
  summary.sources = estimated_sources(summary.sources_at_least);
  summary.period = now - first_suppressed_;
  suppressed_ = 0;
  sketch_ = {};
  return summary;
}

}  // namespace pong::policy
