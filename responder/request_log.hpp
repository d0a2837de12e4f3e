// The per-request log line, shared by both families' engines: written for
// each answered request unless --quiet (and, at --log-level debug, for
// each dropped datagram), capped by --log-rate, and a summary line for the
// lines the cap held back. Text or JSON (sys::log_format(), --log-format).
//
// Once start_writer() has run, each line's fields are copied on the packet
// thread into a preallocated slot, as a LogEvent, and rendered and written
// by a thread of their own (sys::AsyncLog): no allocation or formatting
// per line on the packet thread, and a slow disk or terminal costs lines,
// counted, never the packet loop's time. Before, they are rendered and
// written through spdlog on the caller's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "counters.hpp"
#include "log_event.hpp"
#include "policy/log_limit.hpp"
#include "sys/log.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

class RequestLog {
 public:
  RequestLog(bool enabled, policy::LogLimiter limiter, std::size_t payload_preview_bytes);
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  bool enabled() const { return enabled_; }
  // Whether request() needs the current time (only to apply a cap).
  bool needs_clock() const { return enabled_ && limiter_.limited(); }

  // From now on the lines are written by a thread of their own, through a
  // ring of `queue_lines` events. See sys::AsyncLog for when to call it.
  std::expected<void, std::string> start_writer(std::size_t queue_lines);
  bool writer_running() const { return writer_ != nullptr; }
  // Writes what is queued, and goes back to writing on the caller's thread.
  void stop_writer();

  // "21 bytes from 10.0.0.2: pid=921, icmp_type=echo, icmp_seq=0, data=...",
  // unless the cap holds it back (then it is counted).
  void request(const wire::EchoReply& reply, policy::Nanoseconds now);

  // Whether drop() writes anything: only at --log-level debug (and not
  // with --quiet), since hostile traffic is mostly drops.
  bool logs_drops() const {
    return enabled_ && spdlog::default_logger_raw()->should_log(spdlog::level::debug);
  }
  // "dropped 64 bytes from 10.0.0.2: icmp_bad_checksum", capped as request
  // lines are. `event` is a LogEvent::drop or LogEvent::refused.
  void drop(const LogEvent& event, policy::Nanoseconds now);

  // After each batch: the batch's lines go out in one write(2).
  void end_batch();

  // One line for the lines held back, when one is due (once a second while
  // the cap holds lines back; at once when `final`).
  void summarize(policy::Nanoseconds now, bool final = false);

  // Lines written (request and summary lines), and lines the writer's full
  // queue dropped. Lines still queued are neither: after stop_writer()
  // every line is one or the other.
  std::uint64_t lines_written() const;
  std::uint64_t lines_dropped() const;
  // Lines the --log-rate cap held back (any thread may read it).
  std::uint64_t lines_suppressed() const { return suppressed_.value(); }

 private:
  // One line, through the writer when it runs.
  void write(const LogEvent& event);

  bool enabled_;
  policy::LogLimiter limiter_;
  std::size_t payload_preview_bytes_;
  std::unique_ptr<sys::AsyncLog<LogEvent>> writer_;
  SharedCounter suppressed_;

  std::uint64_t written_here_ = 0;
  std::uint64_t written_by_stopped_writers_ = 0;
  std::uint64_t dropped_by_stopped_writers_ = 0;
  bool unflushed_ = false;
};

}  // namespace pong::responder
