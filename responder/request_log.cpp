#include "request_log.hpp"

#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "sys/format.hpp"

namespace pong::responder {

namespace {

spdlog::level::level_enum render(const LogEvent& event, fmt::memory_buffer& out) {
  return sys::log_format() == sys::LogFormat::kJson ? render_json(event, out)
                                                    : render_text(event, out);
}

// The logger whose name the lines carry: the JSON format puts the time and
// level in front of an event logger's line (sys::event_logger()).
spdlog::logger& line_logger() {
  return sys::log_format() == sys::LogFormat::kJson ? sys::event_logger()
                                                    : *spdlog::default_logger_raw();
}

}  // namespace

RequestLog::RequestLog(bool enabled, policy::LogLimiter limiter, std::size_t payload_preview_bytes)
    : enabled_(enabled), limiter_(limiter), payload_preview_bytes_(payload_preview_bytes) {}

RequestLog::~RequestLog() = default;

std::expected<void, std::string> RequestLog::start_writer(std::size_t queue_lines) {
  if (!enabled_ || writer_) return {};
  auto writer =
      sys::AsyncLog<LogEvent>::start(queue_lines, render, std::string_view(line_logger().name()));
  if (!writer) return std::unexpected(writer.error());
  writer_ = std::move(*writer);
  return {};
}

void RequestLog::stop_writer() {
  if (!writer_) return;
  // Joined first: then each line handed over is written or dropped.
  writer_->stop();
  written_by_stopped_writers_ += writer_->written_lines();
  dropped_by_stopped_writers_ += writer_->dropped_lines();
  writer_.reset();
  spdlog::default_logger_raw()->flush();
}

std::uint64_t RequestLog::lines_written() const {
  return written_here_ + written_by_stopped_writers_ + (writer_ ? writer_->written_lines() : 0);
}

std::uint64_t RequestLog::lines_dropped() const {
  return dropped_by_stopped_writers_ + (writer_ ? writer_->dropped_lines() : 0);
}

void RequestLog::write(const LogEvent& event) {
  if (writer_) {
    writer_->push(event);
  } else {
    fmt::memory_buffer line;
    const auto level = render(event, line);
    line_logger().log(level, std::string_view(line.data(), line.size()));
    ++written_here_;
  }
  unflushed_ = true;
}

void RequestLog::request(const wire::EchoReply& reply, policy::Nanoseconds now) {
  if (!enabled_) return;
  // --log-level warn or error hides the request lines, as it hides every info line.
  if (!spdlog::default_logger_raw()->should_log(spdlog::level::info)) return;
  if (!limiter_.admit(reply.destination, now)) {
    suppressed_.add();
    return;
  }
  write(LogEvent::echo(reply, payload_preview_bytes_));
}

void RequestLog::drop(const LogEvent& event, policy::Nanoseconds now) {
  if (!logs_drops()) return;
  if (!limiter_.admit(event.source, now)) {
    suppressed_.add();
    return;
  }
  write(event);
}

void RequestLog::end_batch() {
  if (!unflushed_) return;
  unflushed_ = false;
  // One wake-up of the writer, or one write(2), for the batch's lines.
  if (writer_) {
    writer_->end_batch();
  } else {
    spdlog::default_logger_raw()->flush();
  }
}

void RequestLog::summarize(policy::Nanoseconds now, bool final) {
  if (!needs_clock()) return;
  const auto held_back = limiter_.take_summary(now, final);
  if (!held_back) return;
  if (spdlog::default_logger_raw()->should_log(spdlog::level::info)) {
    write(LogEvent::held(*held_back));
  }
  end_batch();
}

}  // namespace pong::responder
