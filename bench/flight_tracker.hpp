// Every request of a run, from its send to its reply or its timeout. Pure:
// times come in as nanoseconds (the generator uses CLOCK_REALTIME, the
// clock of the kernel's receive timestamps). All memory is taken in the
// constructor; nothing afterwards allocates.
//
// A request's life:
//   outstanding --reply within timeout--> answered (RTT recorded)
//   outstanding --expire() past deadline--> timed_out (leaves the window)
//   outstanding or timed_out --reply after the deadline--> late
//   timed_out --reply within the deadline--> answered (the reply was read
//       after expire() ran, but the kernel's timestamp says it was in time)
//   answered or late --another reply--> counted as a duplicate, no change
// At the end every request is answered, late, or lost (the rest).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace pong::bench {

enum class ReplyOutcome : std::uint8_t { kAnswered, kDuplicate, kLate };

class FlightTracker {
 public:
  // Room for `capacity` requests. timeout_ns < 2^32 (limits::kMaxTimeoutMs).
  FlightTracker(std::uint64_t capacity, std::uint64_t timeout_ns);

  std::uint64_t capacity() const { return send_ns_.size(); }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t answered() const { return answered_; }
  std::uint64_t late() const { return late_; }
  std::uint64_t duplicates() const { return duplicates_; }
  // Sent, neither answered nor late nor timed out: what occupies the window.
  std::uint64_t outstanding() const { return outstanding_; }
  // Neither answered nor late (yet): timed out or still outstanding.
  std::uint64_t lost() const { return sent_ - answered_ - late_; }

  // Request number sent() goes out at tx_ns. Precondition: sent() < capacity().
  void on_send(std::int64_t tx_ns);

  // A valid reply to request n, received at rx_ns. Precondition: n < sent()
  // (the reply checker refuses any other number).
  ReplyOutcome on_reply(std::uint64_t n, std::int64_t rx_ns);

  // Times out every outstanding request whose deadline (send + timeout) is
  // at or before now_ns; returns how many. Requests are sent in order with
  // one timeout, so deadlines are in order too: this walks from the oldest
  // unsettled request and stops at the first still in time (amortised O(1)).
  std::uint64_t expire(std::int64_t now_ns);

  // The deadline of the oldest request that may still be outstanding
  // (possibly one already answered: then a wake-up comes early, never
  // late); empty when none is.
  std::optional<std::int64_t> next_deadline() const;

  // Whether request n (< sent()) has neither been answered nor come late.
  bool is_lost(std::uint64_t n) const {
    return state_[n] == State::kOutstanding || state_[n] == State::kTimedOut;
  }

  // The RTTs of answered replies, in ns, in the order they came.
  std::span<std::uint32_t> rtts() { return {rtt_ns_.data(), rtt_count_}; }

 private:
  enum class State : std::uint8_t { kOutstanding, kAnswered, kTimedOut, kLate };

  std::int64_t timeout_ns_;
  std::vector<std::int64_t> send_ns_;
  std::vector<State> state_;
  std::vector<std::uint32_t> rtt_ns_;
  std::uint64_t rtt_count_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t answered_ = 0;
  std::uint64_t late_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t outstanding_ = 0;
  std::uint64_t oldest_ = 0;  // no outstanding request is older
};

// RTT percentiles by nearest rank: the p-th percentile of N sorted samples
// is the sample at rank ceil(p/100 * N) (1-based), so it is always one of
// the samples, never an interpolation. All values in ns; zero samples give
// all zeros.
struct RttSummary {
  std::uint64_t samples = 0;
  std::uint32_t p50 = 0;
  std::uint32_t p90 = 0;
  std::uint32_t p99 = 0;
  std::uint32_t p999 = 0;
  std::uint32_t max = 0;
};

// The sample of nearest rank ceil(per_mille/1000 * N) in `sorted`
// (ascending, non-empty); per_mille in 1..1000.
std::uint32_t nearest_rank(std::span<const std::uint32_t> sorted, std::uint32_t per_mille);

// Sorts `samples` in place and summarises them.
RttSummary summarize_rtts(std::span<std::uint32_t> samples);

}  // namespace pong::bench
