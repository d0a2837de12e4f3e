// Logging setup (spdlog). The formatters of addresses and payloads are in
// sys/format.hpp, which this header includes for the log lines.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sys/format.hpp"

namespace pong::sys {

// Makes the default logger write to stdout through a buffer that is only
// flushed when flush() is called (or on warnings and errors), so a daemon
// can log a whole batch of packets with one write(2).
std::shared_ptr<spdlog::logger> setup_logging(spdlog::level::level_enum level);

// The per-request lines' writer: a thread of its own behind a bounded
// single-producer ring of preallocated lines, so a slow disk or terminal
// never stalls the packet loop.
//
// The packet thread formats each line straight into a free slot (no
// allocation; a line longer than kLineCapacity is cut, ending in "...")
// and wakes the writer at most once per batch (end_batch), so the two
// threads do not take turns line by line on a shared core. When the ring
// is full the new line is dropped and counted. The writer hands the lines
// to the default logger's sinks (same pattern, same file, interleaved with
// its own lines) and flushes whenever it has written all it was given.
//
// Start it in the process that serves (a thread does not survive fork),
// after its privileges are dropped (a new thread inherits credentials,
// no_new_privs and the signal mask) and before the seccomp filter, which
// then covers both threads; start() returns once the thread runs.
class AsyncLog {
 public:
  static constexpr std::size_t kLineCapacity = 496;

  static std::expected<std::unique_ptr<AsyncLog>, std::string> start(std::size_t queue_lines);
  ~AsyncLog() { stop(); }
  AsyncLog(const AsyncLog&) = delete;
  AsyncLog& operator=(const AsyncLog&) = delete;

  // The packet thread only: one info-level line.
  template <class... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) {
    Line* line = claim();
    if (line == nullptr) return;
    const auto result =
        fmt::format_to_n(line->text.data(), line->text.size(), format, std::forward<Args>(args)...);
    publish(*line, result.size);
  }
  // The packet thread only, after a batch: wakes the writer if it sleeps.
  void end_batch();
  // Writes what is queued and joins the writer; the counts stay readable.
  void stop();

  // Lines written, and lines dropped because the ring was full (each line
  // is one or the other once the writer is stopped).
  std::uint64_t written_lines() const { return written_.load(std::memory_order_relaxed); }
  std::uint64_t dropped_lines() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Line {
    std::chrono::system_clock::time_point time;
    std::size_t length;
    std::array<char, kLineCapacity> text;
  };

  explicit AsyncLog(std::size_t queue_lines);
  Line* claim();
  void publish(Line& line, std::size_t formatted_length);
  void run();
  bool write_pending();

  std::unique_ptr<Line[]> lines_;
  std::uint64_t capacity_;
  // Lines published and lines written since the start (64 bits: they
  // never wrap): the producer advances head_, the writer tail_.
  std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint64_t> tail_{0};
  // What the writer sleeps on: bumped by end_batch() and stop().
  std::atomic<std::uint32_t> wake_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  // The default logger's, when the writer started.
  std::vector<spdlog::sink_ptr> sinks_;
  std::string logger_name_;
  std::thread thread_;
};

}  // namespace pong::sys
