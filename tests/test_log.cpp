// sys/log: the request lines' writer thread and its ring (AsyncLog). A
// sink that records what reaches it, and can hold the writer inside a
// write, makes a full ring happen on purpose.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/base_sink.h>

#include <nlohmann/json.hpp>

#include "sys/log.hpp"

namespace pong::sys {
namespace {

// Records each line's text; while held, the writer waits inside log().
class RecordingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Until release(), the writer waits inside its next log() (or, with
  // hold_flush, its next flush()).
  void hold() {
    const std::lock_guard lock(gate_mutex_);
    held_ = true;
  }
  void hold_flush() {
    const std::lock_guard lock(gate_mutex_);
    flush_held_ = true;
  }
  void release() {
    {
      const std::lock_guard lock(gate_mutex_);
      held_ = false;
      flush_held_ = false;
    }
    gate_.notify_all();
  }
  // Waits (bounded) until the writer is inside log(), holding.
  bool wait_until_writer_waits() {
    std::unique_lock lock(gate_mutex_);
    return gate_.wait_for(lock, std::chrono::seconds(5), [this] { return waiting_; });
  }
  std::vector<std::string> lines() {
    const std::lock_guard lock(lines_mutex_);
    return lines_;
  }
  std::vector<spdlog::level::level_enum> levels() {
    const std::lock_guard lock(lines_mutex_);
    return levels_;
  }
  std::vector<std::string> logger_names() {
    const std::lock_guard lock(lines_mutex_);
    return logger_names_;
  }
  int flushes() {
    const std::lock_guard lock(lines_mutex_);
    return flushes_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    {
      const std::lock_guard lock(lines_mutex_);
      lines_.emplace_back(msg.payload.data(), msg.payload.size());
      levels_.push_back(msg.level);
      logger_names_.emplace_back(msg.logger_name.data(), msg.logger_name.size());
    }
    std::unique_lock lock(gate_mutex_);
    waiting_ = held_;
    gate_.notify_all();
    gate_.wait(lock, [this] { return !held_; });
    waiting_ = false;
  }
  void flush_() override {
    {
      const std::lock_guard lock(lines_mutex_);
      ++flushes_;
    }
    std::unique_lock lock(gate_mutex_);
    waiting_ = flush_held_;
    gate_.notify_all();
    gate_.wait(lock, [this] { return !flush_held_; });
    waiting_ = false;
  }

 private:
  std::mutex lines_mutex_;
  std::vector<std::string> lines_;
  std::vector<spdlog::level::level_enum> levels_;
  std::vector<std::string> logger_names_;
  int flushes_ = 0;
  std::mutex gate_mutex_;
  std::condition_variable gate_;
  bool held_ = false;
  bool flush_held_ = false;
  bool waiting_ = false;
};

// A test's event: a number, rendered as "event N" at info (at debug when
// negative).
struct NumberEvent {
  int number;
};
using Log = AsyncLog<NumberEvent>;

spdlog::level::level_enum render(const NumberEvent& e, fmt::memory_buffer& out) {
  if (e.number < 0) {
    fmt::format_to(std::back_inserter(out), "negative");
    return spdlog::level::debug;
  }
  fmt::format_to(std::back_inserter(out), "event {}", e.number);
  return spdlog::level::info;
}

// The default logger writes to a RecordingSink while a test runs.
class AsyncLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<RecordingSink>();
    saved_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("test", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override { spdlog::set_default_logger(saved_); }

  static std::unique_ptr<Log> started(std::size_t events) {
    auto log = Log::start(events, render, "test");
    EXPECT_TRUE(log) << log.error();
    return std::move(*log);
  }

  std::shared_ptr<RecordingSink> sink_;
  std::shared_ptr<spdlog::logger> saved_;
};

TEST_F(AsyncLogTest, WritesEveryEventInOrderAndFlushes) {
  auto log = started(128);  // room for all: none may be dropped
  for (int i = 0; i < 100; ++i) {
    log->push({i});
    if (i % 10 == 9) log->end_batch();
  }
  log->stop();
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(lines[i], "event " + std::to_string(i));
  EXPECT_EQ(log->written_lines(), 100u);
  EXPECT_EQ(log->dropped_lines(), 0u);
  EXPECT_GE(sink_->flushes(), 1) << "the last line of a burst is flushed";
}

TEST_F(AsyncLogTest, TheLineHasTheLevelAndLoggerNameTheRendererGives) {
  auto log = started(4);
  log->push({-1});
  log->push({7});
  log->stop();
  EXPECT_EQ(sink_->levels(),
            (std::vector<spdlog::level::level_enum>{spdlog::level::debug, spdlog::level::info}));
  EXPECT_EQ(sink_->logger_names(), (std::vector<std::string>{"test", "test"}));
}

TEST_F(AsyncLogTest, AFullRingDropsNewEventsAndCountsThem) {
  auto log = started(4);
  sink_->hold();
  log->push({0});
  log->end_batch();
  // The writer is inside the sink with event 0, which it has rendered:
  // its slot is free again, and 4 are.
  ASSERT_TRUE(sink_->wait_until_writer_waits());
  for (int i = 1; i <= 10; ++i) log->push({i});
  log->end_batch();
  EXPECT_EQ(log->dropped_lines(), 6u) << "4 free slots for 10 events";
  sink_->release();
  log->stop();
  EXPECT_EQ(sink_->lines(),
            (std::vector<std::string>{"event 0", "event 1", "event 2", "event 3", "event 4"}));
  EXPECT_EQ(log->written_lines(), 5u);
  EXPECT_EQ(log->dropped_lines(), 6u);
}

TEST_F(AsyncLogTest, StopWritesWhatIsQueuedEvenWithoutAWakeUp) {
  auto log = started(8);
  log->push({42});
  log->stop();
  EXPECT_EQ(sink_->lines(), std::vector<std::string>{"event 42"});
  log->stop();  // twice is harmless
  EXPECT_EQ(log->written_lines(), 1u);
}

TEST_F(AsyncLogTest, AnEventPublishedWhileTheWriterFlushesIsWrittenBeforeItStops) {
  auto log = started(8);
  sink_->hold_flush();
  log->push({1});
  log->end_batch();
  // The writer wrote event 1 and now waits inside the flush that follows.
  ASSERT_TRUE(sink_->wait_until_writer_waits());
  log->push({2});
  std::thread stopper([&log] { log->stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  sink_->release();
  stopper.join();
  EXPECT_EQ(sink_->lines(), (std::vector<std::string>{"event 1", "event 2"}));
  EXPECT_EQ(log->written_lines() + log->dropped_lines(), 2u);
}

std::string json_line(std::string_view logger, spdlog::level::level_enum level,
                      std::string_view text) {
  using namespace std::chrono;
  const system_clock::time_point t = sys_days{2026y / 12 / 2} + 12h + 1us;
  const spdlog::details::log_msg msg(t, spdlog::source_loc{}, logger, level, text);
  spdlog::memory_buf_t out;
  json_formatter()->format(msg, out);
  return fmt::to_string(out);
}

TEST(JsonFormat, AMessageIsEscapedByTheLibrary) {
  EXPECT_EQ(json_line("pong", spdlog::level::warn, "say \"hi\"\tand\\go"),
            R"({"time":"2026-12-02T12:00:00.000001Z","level":"warning","event":"message",)"
            R"("message":"say \"hi\"\tand\\go"})"
            "\n");
}

TEST(JsonFormat, BytesThatAreNotUtf8AreReplacedSoTheLineStaysJson) {
  const std::string line = json_line("pong", spdlog::level::info, "bad \xff byte");
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["message"], "bad \xef\xbf\xbd byte");  // U+FFFD
}

TEST(JsonFormat, AnEventLinesFieldsFollowTheTimeAndLevel) {
  EXPECT_EQ(json_line(kEventLoggerName, spdlog::level::info, R"({"event":"echo","sequence":1})"),
            R"({"time":"2026-12-02T12:00:00.000001Z","level":"info","event":"echo","sequence":1})"
            "\n");
  // Text from elsewhere under the event logger's name is still a message.
  const auto j = nlohmann::json::parse(json_line(kEventLoggerName, spdlog::level::info, "plain"));
  EXPECT_EQ(j["event"], "message");
  EXPECT_EQ(j["message"], "plain");
}

TEST(Rfc3339, UtcWithMicroseconds) {
  using namespace std::chrono;
  const system_clock::time_point t = sys_days{2026y / 12 / 2} + 12h + 3min + 4s + 56789us;
  fmt::memory_buffer out;
  format_rfc3339(out, t);
  EXPECT_EQ(fmt::to_string(out), "2026-12-02T12:03:04.056789Z");
}

}  // namespace
}  // namespace pong::sys
