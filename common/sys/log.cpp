#include "sys/log.hpp"

#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <latch>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

namespace pong::sys {
namespace {

// Writes formatted lines into stdio's buffer and leaves flushing to
// flush(): one write(2) per batch instead of one per line.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedStdoutSink() { std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

std::shared_ptr<spdlog::logger> setup_logging(spdlog::level::level_enum level) {
  auto sink = std::make_shared<BufferedStdoutSink>();
  auto logger = std::make_shared<spdlog::logger>("pong", std::move(sink));
  logger->set_pattern("[%T.%e] [%l] %v");
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return logger;
}

std::expected<std::unique_ptr<AsyncLog>, std::string> AsyncLog::start(std::size_t queue_lines) {
  std::unique_ptr<AsyncLog> log(new AsyncLog(queue_lines));
  std::latch running(1);
  try {
    log->thread_ = std::thread([&running, writer = log.get()] {
      running.count_down();
      writer->run();
    });
  } catch (const std::system_error& e) {
    return std::unexpected(
        fmt::format("cannot start the request log's writer thread: {}", e.what()));
  }
  // By now libc has set the thread up (rseq, its robust futex list):
  // system calls that a seccomp filter loaded next would refuse.
  running.wait();
  return log;
}

AsyncLog::AsyncLog(std::size_t queue_lines)
    // Value-initialized: every slot is touched now, so the resident size
    // does not grow later as the ring goes round.
    : lines_(std::make_unique<Line[]>(queue_lines)),
      capacity_(queue_lines),
      sinks_(spdlog::default_logger_raw()->sinks()),
      logger_name_(spdlog::default_logger_raw()->name()) {}

AsyncLog::Line* AsyncLog::claim() {
  const std::uint64_t head = head_.load(std::memory_order_relaxed);
  if (head - tail_.load(std::memory_order_acquire) >= capacity_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  return &lines_[head % capacity_];
}

void AsyncLog::publish(Line& line, std::size_t formatted_length) {
  line.time = std::chrono::system_clock::now();
  line.length = std::min(formatted_length, line.text.size());
  if (formatted_length > line.text.size()) {
    std::fill(line.text.end() - 3, line.text.end(), '.');
  }
  head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

void AsyncLog::end_batch() {
  wake_.fetch_add(1, std::memory_order_release);
  // No system call unless the writer sleeps.
  wake_.notify_one();
}

void AsyncLog::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true, std::memory_order_release);
  end_batch();
  thread_.join();
}

// Writes every line published so far; false when there was none.
bool AsyncLog::write_pending() {
  const std::uint64_t head = head_.load(std::memory_order_acquire);
  std::uint64_t tail = tail_.load(std::memory_order_relaxed);
  if (tail == head) return false;
  for (; tail != head; ++tail) {
    const Line& line = lines_[tail % capacity_];
    const spdlog::details::log_msg message(line.time, spdlog::source_loc{}, logger_name_,
                                           spdlog::level::info,
                                           spdlog::string_view_t(line.text.data(), line.length));
    for (const auto& sink : sinks_) {
      if (sink->should_log(message.level)) sink->log(message);
    }
    // The slot is free again.
    tail_.store(tail + 1, std::memory_order_release);
    written_.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

void AsyncLog::run() {
  for (;;) {
    // Both read before looking for lines: a wake-up (or a stop, which
    // wakes too) after the look changes `wake`, and the wait returns at
    // once; a stop seen here comes after every line published before it.
    const std::uint32_t wake = wake_.load(std::memory_order_acquire);
    const bool stopping = stopping_.load(std::memory_order_acquire);
    if (write_pending()) continue;
    for (const auto& sink : sinks_) sink->flush();
    if (stopping) return;
    wake_.wait(wake, std::memory_order_acquire);
  }
}

}  // namespace pong::sys
