#include "policy/rate_limit.hpp"

#include <algorithm>

namespace pong::policy {

bool TokenBucket::take(const RateLimit& limit, Nanoseconds now) {
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(limit.burst, tokens_ + elapsed * limit.per_second);
    last_ = now;
  }
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

SourceKey SourceKey::of(const wire::IpAddress& source) {
  SourceKey key;
  key.family = source.family();
  const auto bytes = source.bytes();
  // IPv4: the whole address; IPv6: its first 64 bits.
  std::copy_n(bytes.begin(), std::min<std::size_t>(bytes.size(), key.bytes.size()),
              key.bytes.begin());
  return key;
}

SourceRateLimiter::SourceRateLimiter(const RateLimit& limit, std::size_t capacity,
                                     std::uint64_t seed)
    : limit_(limit),
      seed_(seed),
      slots_(std::max<std::size_t>(1, (capacity + kWays - 1) / kWays) * kWays) {}

std::size_t SourceRateLimiter::set_of(const SourceKey& key) const {
  // FNV-1a over the seed and the key: cheap, and the seed makes the sets
  // of given keys unpredictable from outside.
  std::uint64_t h = 0xcbf29ce484222325u ^ seed_;
  const auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 0x100000001b3u;
  };
  mix(static_cast<std::uint8_t>(key.family));
  for (const auto b : key.bytes) mix(b);
  h ^= h >> 29;
  return static_cast<std::size_t>(h % (slots_.size() / kWays));
}

SourceRateLimiter::Slot& SourceRateLimiter::slot_for(const SourceKey& key, Nanoseconds now) {
  const std::size_t first = set_of(key) * kWays;
  Slot* free = nullptr;
  Slot* oldest = &slots_[first];
  for (std::size_t i = first; i < first + kWays; ++i) {
    Slot& s = slots_[i];
    if (s.used && s.key == key) return s;
    if (!s.used) {
      if (free == nullptr) free = &s;
    } else if (s.last_seen < oldest->last_seen || !oldest->used) {
      oldest = &s;
    }
  }
  Slot* chosen = free;
  if (chosen == nullptr) {
    chosen = oldest;
    ++evictions_;
  } else {
    ++tracked_;
  }
  *chosen = Slot{true, key, now, TokenBucket(limit_, now)};
  return *chosen;
}

bool SourceRateLimiter::allow(const wire::IpAddress& source, Nanoseconds now) {
  Slot& slot = slot_for(SourceKey::of(source), now);
  slot.last_seen = now;
  return slot.bucket.take(limit_, now);
}

}  // namespace pong::policy
