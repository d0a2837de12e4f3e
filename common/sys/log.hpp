// Logging setup (spdlog). The formatters of addresses and payloads are in
// sys/format.hpp, which this header includes for the log lines.
#pragma once

#include <fmt/format.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "sys/format.hpp"
#include "sys/threads.hpp"

namespace pong::sys {

// How log lines look: "[12:00:00.123] [info] text" for people, or one
// JSON object per line for log shippers (Loki, Vector, journald's JSON
// export).
enum class LogFormat { kText, kJson };

// Makes the default logger write to stdout through a buffer that is only
// flushed when flush() is called (or on warnings and errors), so a daemon
// can log a whole batch of packets with one write(2).
//
// JSON: every line is {"time": RFC 3339 UTC with microseconds, "level",
// "event", ...}. A line logged through the default logger is event
// "message" with its text in "message"; a line logged through
// event_logger_name() carries its own fields (see event_logger()).
std::shared_ptr<spdlog::logger> setup_logging(spdlog::level::level_enum level,
                                              LogFormat format = LogFormat::kText);
LogFormat log_format();

// The formatter of the JSON format's lines (setup_logging's, for tests).
std::unique_ptr<spdlog::formatter> json_formatter();

// Lines of structured events (a request, a drop...). With the JSON format
// the text of such a line must be one JSON object, which the line's
// {"time", "level"} are put in front of; with the text format it is text,
// as any other line. Shares the default logger's sinks and level.
inline constexpr std::string_view kEventLoggerName = "pong.event";
spdlog::logger& event_logger();

// "2026-12-02T12:00:00.123456Z" (RFC 3339, UTC, microseconds).
void format_rfc3339(fmt::memory_buffer& out, std::chrono::system_clock::time_point time);

// The per-request lines' writer: a thread of its own behind a bounded
// single-producer ring of preallocated events, so a slow disk or terminal
// never stalls the packet loop, and lines are formatted off it.
//
// The packet thread copies each event into a free slot (no allocation,
// no formatting) and wakes the writer at most once per batch (end_batch),
// so the two threads do not take turns line by line on a shared core.
// When the ring is full the new event is dropped and counted. The writer
// renders each event into a line and hands it to the default logger's
// sinks (same file, interleaved with its other lines), under the name of
// the logger given at start, and flushes whenever it has written all it
// was given.
//
// Start it in the process that serves (a thread does not survive fork),
// after its privileges are dropped (a new thread inherits credentials,
// no_new_privs and the signal mask) and before the seccomp filter, which
// then covers both threads; start() returns once the thread runs.
//
// Event: trivially copyable, so that a slot is filled without allocation.
template <class Event>
class AsyncLog {
  static_assert(std::is_trivially_copyable_v<Event>);

 public:
  // On the writer thread: the text of the event's line, and its level.
  using Render = std::function<spdlog::level::level_enum(const Event&, fmt::memory_buffer&)>;

  static std::expected<std::unique_ptr<AsyncLog>, std::string> start(std::size_t queue_events,
                                                                     Render render,
                                                                     std::string_view logger_name);
  ~AsyncLog() { stop(); }
  AsyncLog(const AsyncLog&) = delete;
  AsyncLog& operator=(const AsyncLog&) = delete;

  // The packet thread only: a copy of `event` goes on the ring, or is
  // dropped and counted when the ring is full.
  void push(const Event& event);
  // The packet thread only, after a batch: wakes the writer if it sleeps.
  void end_batch();
  // Writes what is queued and joins the writer; the counts stay readable.
  void stop();

  // Lines written, and events dropped because the ring was full (each
  // event is one or the other once the writer is stopped). Any thread.
  std::uint64_t written_lines() const { return written_.load(std::memory_order_relaxed); }
  std::uint64_t dropped_lines() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::chrono::system_clock::time_point time;
    Event event;
  };

  AsyncLog(std::size_t queue_events, Render render, std::string_view logger_name);
  void run();
  bool write_pending(fmt::memory_buffer& line);

  std::unique_ptr<Slot[]> slots_;
  std::uint64_t capacity_;
  Render render_;
  // Events published and events written since the start (64 bits: they
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

template <class Event>
std::expected<std::unique_ptr<AsyncLog<Event>>, std::string> AsyncLog<Event>::start(
    std::size_t queue_events, Render render, std::string_view logger_name) {
  std::unique_ptr<AsyncLog> log(new AsyncLog(queue_events, std::move(render), logger_name));
  auto thread =
      start_running_thread("the request log's writer", [writer = log.get()] { writer->run(); });
  if (!thread) return std::unexpected(thread.error());
  log->thread_ = std::move(*thread);
  return log;
}

template <class Event>
AsyncLog<Event>::AsyncLog(std::size_t queue_events, Render render, std::string_view logger_name)
    // Value-initialized: every slot is touched now, so the resident size
    // does not grow later as the ring goes round.
    : slots_(std::make_unique<Slot[]>(queue_events)),
      capacity_(queue_events),
      render_(std::move(render)),
      sinks_(spdlog::default_logger_raw()->sinks()),
      logger_name_(logger_name) {}

template <class Event>
void AsyncLog<Event>::push(const Event& event) {
  const std::uint64_t head = head_.load(std::memory_order_relaxed);
  if (head - tail_.load(std::memory_order_acquire) >= capacity_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Slot& slot = slots_[head % capacity_];
  slot.time = std::chrono::system_clock::now();
  slot.event = event;
  head_.store(head + 1, std::memory_order_release);
}

template <class Event>
void AsyncLog<Event>::end_batch() {
  wake_.fetch_add(1, std::memory_order_release);
  // No system call unless the writer sleeps.
  wake_.notify_one();
}

template <class Event>
void AsyncLog<Event>::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true, std::memory_order_release);
  end_batch();
  thread_.join();
}

// Writes every event published so far; false when there was none.
template <class Event>
bool AsyncLog<Event>::write_pending(fmt::memory_buffer& line) {
  const std::uint64_t head = head_.load(std::memory_order_acquire);
  std::uint64_t tail = tail_.load(std::memory_order_relaxed);
  if (tail == head) return false;
  for (; tail != head; ++tail) {
    const Slot& slot = slots_[tail % capacity_];
    line.clear();
    const auto level = render_(slot.event, line);
    const auto time = slot.time;
    // The slot is free again once rendered.
    tail_.store(tail + 1, std::memory_order_release);
    const spdlog::details::log_msg message(time, spdlog::source_loc{}, logger_name_, level,
                                           spdlog::string_view_t(line.data(), line.size()));
    for (const auto& sink : sinks_) {
      if (sink->should_log(message.level)) sink->log(message);
    }
    written_.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

template <class Event>
void AsyncLog<Event>::run() {
  fmt::memory_buffer line;
  for (;;) {
    // Both read before looking for events: a wake-up (or a stop, which
    // wakes too) after the look changes `wake`, and the wait returns at
    // once; a stop seen here comes after every event published before it.
    const std::uint32_t wake = wake_.load(std::memory_order_acquire);
    const bool stopping = stopping_.load(std::memory_order_acquire);
    if (write_pending(line)) continue;
    for (const auto& sink : sinks_) sink->flush();
    if (stopping) return;
    wake_.wait(wake, std::memory_order_acquire);
  }
}

}  // namespace pong::sys
