// The per-request log line, shared by both families' engines: written for
// each answered request unless --quiet, capped by --log-rate, and a summary
// line for the lines the cap held back.
#pragma once

#include <cstddef>

#include "policy/log_limit.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

class RequestLog {
 public:
  RequestLog(bool enabled, policy::LogLimiter limiter, std::size_t payload_preview_bytes)
      : enabled_(enabled), limiter_(limiter), payload_preview_bytes_(payload_preview_bytes) {}

  bool enabled() const { return enabled_; }
  // Whether request() needs the current time (only to apply a cap).
  bool needs_clock() const { return enabled_ && limiter_.limited(); }

  // "21 bytes from 10.0.0.2: pid=921, icmp_type=echo, icmp_seq=0, data=...",
  // unless the cap holds it back (then it is counted).
  void request(const wire::EchoReply& reply, policy::Nanoseconds now);

  // One line for the lines held back, when one is due (once a second while
  // the cap holds lines back; at once when `final`).
  void summarize(policy::Nanoseconds now, bool final = false);

 private:
  bool enabled_;
  policy::LogLimiter limiter_;
  std::size_t payload_preview_bytes_;
};

}  // namespace pong::responder
