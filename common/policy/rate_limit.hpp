// How often a source is answered: token buckets (RFC 2697's idea, one rate
// and one burst), one per source in a table of fixed size, and one for
// everything. Pure types: the caller passes the time in; nothing here reads
// a clock, and nothing allocates after construction.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "wire/address.hpp"

namespace pong::policy {

using Nanoseconds = std::chrono::nanoseconds;

struct RateLimit {
  double per_second = 0;  // tokens added each second
  double burst = 1;       // the most a bucket holds; a new bucket starts full
};

// One bucket. take() refills it for the time since the last call, then
// takes a token if there is one.
class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(const RateLimit& limit, Nanoseconds now) : tokens_(limit.burst), last_(now) {}

  bool take(const RateLimit& limit, Nanoseconds now);

 private:
  double tokens_ = 0;
  Nanoseconds last_{};
};

// What a source is limited by: an IPv4 address, or the /64 of an IPv6 one
// (RFC 4291 2.5.4's interface identifier is the host's own to pick, so one
// host can rotate through its whole /64).
struct SourceKey {
  wire::IpFamily family = wire::IpFamily::kIpv4;
  std::array<std::uint8_t, 8> bytes{};

  static SourceKey of(const wire::IpAddress& source);
  friend bool operator==(const SourceKey&, const SourceKey&) = default;
};

// A bucket per source, in a table of fixed size allocated once. The table
// is set-associative, like a CPU cache: a key (hashed with a seed chosen at
// start-up, so that an attacker cannot aim at one set) belongs to one set
// of kWays slots. A key not in its set takes a free slot, or else evicts
// the slot of that set seen least recently, and starts with a full bucket.
// So memory never grows, each decision touches kWays slots at most, and a
// flood from any number of spoofed sources can cost a well-behaved client
// its bucket (it then starts afresh, full) but never lock it out.
class SourceRateLimiter {
 public:
  static constexpr std::size_t kWays = 8;

  // `capacity` is rounded up to a whole number of sets.
  SourceRateLimiter(const RateLimit& limit, std::size_t capacity, std::uint64_t seed);

  // Whether a request from `source` at `now` may be answered.
  bool allow(const wire::IpAddress& source, Nanoseconds now);

  std::size_t capacity() const { return slots_.size(); }
  std::size_t tracked() const { return tracked_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  struct Slot {
    bool used = false;
    SourceKey key;
    Nanoseconds last_seen{};
    TokenBucket bucket;
  };

  std::size_t set_of(const SourceKey& key) const;
  Slot& slot_for(const SourceKey& key, Nanoseconds now);

  RateLimit limit_;
  std::uint64_t seed_;
  std::vector<Slot> slots_;
  std::size_t tracked_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace pong::policy
