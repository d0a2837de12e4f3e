// How many per-request log lines are written (--log-rate): a token bucket
// of lines, and for the lines it holds back a count and an estimate of how
// many sources sent them, to be reported in one summary line at most once a
// second. A pure type: the caller passes the time in; nothing allocates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "policy/rate_limit.hpp"
#include "wire/address.hpp"

namespace pong::policy {

struct SuppressedLines {
  std::uint64_t lines = 0;
  // Distinct source addresses among them, estimated by linear counting
  // (Whang et al., 1990) over a fixed bitmap: almost always exact for a
  // few sources, within a few per cent up to about 100,000.
  std::uint64_t sources = 0;
  // True when the bitmap filled up: there were at least `sources`.
  bool sources_at_least = false;
  Nanoseconds period{};  // from the first line held back to the summary
};

class LogLimiter {
 public:
  static constexpr Nanoseconds kSummaryInterval = std::chrono::seconds{1};
  static constexpr std::size_t kSketchBits = 32768;  // 4 KiB

  // No limit: every line is written.
  LogLimiter() = default;
  explicit LogLimiter(const RateLimit& limit) : limit_(limit) {}

  // Whether the line for a request from `source` at `now` may be written;
  // when not, it is counted for the next summary.
  bool admit(const wire::IpAddress& source, Nanoseconds now);

  // The lines held back since the last summary, once at least
  // kSummaryInterval has passed since the first of them (or at once when
  // `final`); empty when none are due. Starts a new count.
  std::optional<SuppressedLines> take_summary(Nanoseconds now, bool final = false);

  bool limited() const { return limit_.has_value(); }

 private:
  void note_source(const wire::IpAddress& source);
  std::uint64_t estimated_sources(bool& saturated) const;

  std::optional<RateLimit> limit_;
  TokenBucket bucket_;
  bool started_ = false;
  std::uint64_t suppressed_ = 0;
  Nanoseconds first_suppressed_{};
  std::array<std::uint64_t, kSketchBits / 64> sketch_{};
};

}  // namespace pong::policy
