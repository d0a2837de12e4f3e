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
  int flushes() {
    const std::lock_guard lock(lines_mutex_);
    return flushes_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    {
      const std::lock_guard lock(lines_mutex_);
      lines_.emplace_back(msg.payload.data(), msg.payload.size());
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
  int flushes_ = 0;
  std::mutex gate_mutex_;
  std::condition_variable gate_;
  bool held_ = false;
  bool flush_held_ = false;
  bool waiting_ = false;
};

// The default logger writes to a RecordingSink while a test runs.
class AsyncLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_shared<RecordingSink>();
    saved_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink_));
  }
  void TearDown() override { spdlog::set_default_logger(saved_); }

  static std::unique_ptr<AsyncLog> started(std::size_t lines) {
    auto log = AsyncLog::start(lines);
    EXPECT_TRUE(log) << log.error();
    return std::move(*log);
  }

  std::shared_ptr<RecordingSink> sink_;
  std::shared_ptr<spdlog::logger> saved_;
};

TEST_F(AsyncLogTest, WritesEveryLineInOrderAndFlushes) {
  auto log = started(128);  // room for all: none may be dropped
  for (int i = 0; i < 100; ++i) {
    log->info("line {} of {}", i, 100);
    if (i % 10 == 9) log->end_batch();
  }
  log->stop();
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(lines[i], "line " + std::to_string(i) + " of 100");
  EXPECT_EQ(log->written_lines(), 100u);
  EXPECT_EQ(log->dropped_lines(), 0u);
  EXPECT_GE(sink_->flushes(), 1) << "the last line of a burst is flushed";
}

TEST_F(AsyncLogTest, AFullRingDropsNewLinesAndCountsThem) {
  auto log = started(4);
  sink_->hold();
  log->info("first");
  log->end_batch();
  // The writer is inside the sink with "first": its slot is still taken.
  ASSERT_TRUE(sink_->wait_until_writer_waits());
  for (int i = 0; i < 10; ++i) log->info("more {}", i);
  log->end_batch();
  EXPECT_EQ(log->dropped_lines(), 7u) << "3 free slots for 10 lines";
  sink_->release();
  log->stop();
  EXPECT_EQ(sink_->lines(), (std::vector<std::string>{"first", "more 0", "more 1", "more 2"}));
  EXPECT_EQ(log->written_lines(), 4u);
  EXPECT_EQ(log->dropped_lines(), 7u);
}

TEST_F(AsyncLogTest, ALineLongerThanASlotIsCutAndMarked) {
  auto log = started(4);
  log->info("{}", std::string(AsyncLog::kLineCapacity + 10, 'x'));
  log->end_batch();
  log->stop();
  const auto lines = sink_->lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), AsyncLog::kLineCapacity);
  EXPECT_EQ(lines[0].substr(lines[0].size() - 4), "x...");
}

TEST_F(AsyncLogTest, StopWritesWhatIsQueuedEvenWithoutAWakeUp) {
  auto log = started(8);
  log->info("queued, never announced");
  log->stop();
  EXPECT_EQ(sink_->lines(), std::vector<std::string>{"queued, never announced"});
  log->stop();  // twice is harmless
  EXPECT_EQ(log->written_lines(), 1u);
}

TEST_F(AsyncLogTest, ALinePublishedWhileTheWriterFlushesIsWrittenBeforeItStops) {
  auto log = started(8);
  sink_->hold_flush();
  log->info("first");
  log->end_batch();
  // The writer wrote "first" and now waits inside the flush that follows.
  ASSERT_TRUE(sink_->wait_until_writer_waits());
  log->info("published during the flush");
  std::thread stopper([&log] { log->stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  sink_->release();
  stopper.join();
  EXPECT_EQ(sink_->lines(), (std::vector<std::string>{"first", "published during the flush"}));
  EXPECT_EQ(log->written_lines() + log->dropped_lines(), 2u);
}

}  // namespace
}  // namespace pong::sys
