#include "request_log.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "sys/format.hpp"
#include "sys/log.hpp"

namespace pong::responder {

void RequestLog::request(const wire::EchoReply& reply, policy::Nanoseconds now) {
  if (!enabled_ || !limiter_.admit(reply.destination, now)) return;
  // "bytes" counts the echo body, identifier + sequence + data, as the
  // article's server did; the ICMP message is 4 bytes longer.
  const wire::EchoMessage& m = reply.message;
  spdlog::info("{} bytes from {}: pid={}, icmp_type=echo, icmp_seq={}, data={}", m.data.size() + 4,
               reply.destination, m.identifier, m.sequence,
               sys::PayloadPreview{m.data, payload_preview_bytes_});
}

void RequestLog::summarize(policy::Nanoseconds now, bool final) {
  if (!needs_clock()) return;
  const auto held_back = limiter_.take_summary(now, final);
  if (!held_back) return;
  const double seconds = std::chrono::duration<double>(held_back->period).count();
  spdlog::info(
      "--log-rate held back {} request lines in the last {:.1f} s, from {}{} source{} (every "
      "request is still counted)",
      held_back->lines, seconds, held_back->sources_at_least ? "at least " : "", held_back->sources,
      held_back->sources == 1 ? "" : "s");
  spdlog::default_logger_raw()->flush();
}

}  // namespace pong::responder
