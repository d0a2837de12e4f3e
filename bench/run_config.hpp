// What one pong-bench run is asked to do, as plain values, and the bounds
// every option is checked against. Pure: no sockets, no clocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pong::bench {

// closed: keep `window` requests in flight; open: send at `rate` per second
// whatever comes back (past the responder's capacity: the overload mode).
enum class Mode : std::uint8_t { kClosed, kOpen };

constexpr std::string_view mode_name(Mode mode) {
  return mode == Mode::kClosed ? "closed" : "open";
}

// The bounds of the options; main.cpp checks them, everything else may
// rely on them.
namespace limits {
inline constexpr std::uint32_t kMaxWindow = 32768;
inline constexpr std::uint32_t kMaxRate = 5'000'000;
inline constexpr double kMaxDurationSeconds = 600;
inline constexpr std::uint64_t kMaxCount = 20'000'000;
// An RTT is kept as 32-bit nanoseconds, and an answered request's RTT is
// never longer than the timeout, so the timeout stays below 2^32 ns.
inline constexpr std::uint32_t kMaxTimeoutMs = 4000;
// 8 bytes carry the request number; 1400 keeps every request in one frame
// on any Ethernet-sized MTU, IPv6 header included.
inline constexpr std::size_t kMinPayload = 8;
inline constexpr std::size_t kMaxPayload = 1400;
inline constexpr std::uint32_t kMaxBatch = 256;
// Replies read per recvmmsg.
inline constexpr std::uint32_t kReceiveBatch = 64;
}  // namespace limits

struct RunConfig {
  Mode mode = Mode::kClosed;
  std::uint32_t window = 64;    // closed mode
  std::uint32_t rate = 10'000;  // open mode, requests per second
  std::uint64_t duration_ns = 5'000'000'000;
  std::uint64_t count = 10'000'000;  // requests at most
  std::uint64_t timeout_ns = 1'000'000'000;
  std::size_t payload_size = 56;
  std::uint32_t batch = 32;  // requests per sendmmsg at most
  std::uint16_t identifier = 0;
};

// When open-mode request n is due, in ns after the first one: n / rate
// seconds, rounded up, so that at that time floor(elapsed * rate / 1e9) >= n
// (the generator's count of due requests) holds. Precondition: rate > 0,
// n <= limits::kMaxCount (n * 1e9 then fits 64 bits).
constexpr std::uint64_t open_due_ns(std::uint64_t n, std::uint32_t rate) {
  return (n * 1'000'000'000u + rate - 1) / rate;
}

// How many requests the run can send at most, which is what the per-request
// arrays are sized to: --count, and in open mode also the requests due
// within the duration (n is due before the end while n < rate * duration),
// plus one for rounding. Precondition: the config is within `limits`.
constexpr std::uint64_t request_capacity(const RunConfig& config) {
  if (config.mode == Mode::kClosed) return config.count;
  const std::uint64_t due =
      (static_cast<std::uint64_t>(config.rate) * config.duration_ns + 999'999'999u) /
          1'000'000'000u +
      1;
  return due < config.count ? due : config.count;
}

}  // namespace pong::bench
