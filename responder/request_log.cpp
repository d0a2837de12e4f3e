#include "request_log.hpp"

#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "sys/format.hpp"

namespace pong::responder {

RequestLog::RequestLog(bool enabled, policy::LogLimiter limiter, std::size_t payload_preview_bytes)
    : enabled_(enabled), limiter_(limiter), payload_preview_bytes_(payload_preview_bytes) {}

RequestLog::~RequestLog() = default;

std::expected<void, std::string> RequestLog::start_writer(std::size_t queue_lines) {
  if (!enabled_ || writer_) return {};
  auto writer = sys::AsyncLog::start(queue_lines);
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

template <class... Args>
void RequestLog::write_line(fmt::format_string<Args...> format, Args&&... args) {
  // --log-level warn or error hides the request lines, as it hides every info line.
  if (!spdlog::default_logger_raw()->should_log(spdlog::level::info)) return;
  if (writer_) {
    writer_->info(format, std::forward<Args>(args)...);
  } else {
    spdlog::default_logger_raw()->info(format, std::forward<Args>(args)...);
    ++written_here_;
  }
  unflushed_ = true;
}

void RequestLog::request(const wire::EchoReply& reply, policy::Nanoseconds now) {
  if (!enabled_ || !limiter_.admit(reply.destination, now)) return;
  // "bytes" counts the echo body, identifier + sequence + data, as the
  // article's server did; the ICMP message is 4 bytes longer.
  const wire::EchoMessage& m = reply.message;
  write_line("{} bytes from {}: pid={}, icmp_type=echo, icmp_seq={}, data={}", m.data.size() + 4,
             reply.destination, m.identifier, m.sequence,
             sys::PayloadPreview{m.data, payload_preview_bytes_});
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
  const double seconds = std::chrono::duration<double>(held_back->period).count();
  write_line(
      "--log-rate held back {} request lines in the last {:.1f} s, from {}{} source{} (every "
      "request is still counted)",
      held_back->lines, seconds, held_back->sources_at_least ? "at least " : "", held_back->sources,
      held_back->sources == 1 ? "" : "s");
  end_batch();
}

}  // namespace pong::responder
