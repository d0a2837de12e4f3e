#include "sys/log.hpp"

#include <fmt/chrono.h>
#include <spdlog/sinks/base_sink.h>
#include <nlohmann/json.hpp>

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

// One JSON object per line. A line of the event logger already is an
// object of the event's fields; {"time", "level"} go in front of them.
// Any other line is {"time", "level", "event": "message", "message"}.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto level_name = spdlog::level::to_string_view(msg.level);
    const std::string_view level(level_name.data(), level_name.size());
    fmt::memory_buffer time;
    format_rfc3339(time, msg.time);
    fmt::format_to(std::back_inserter(dest), R"({{"time":"{}","level":"{}",)",
                   std::string_view(time.data(), time.size()), level);
    const std::string_view text(msg.payload.data(), msg.payload.size());
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    if (logger == kEventLoggerName && text.size() > 2 && text.front() == '{') {
      // The event's own object, without its opening brace.
      dest.append(text.substr(1));
    } else {
      // The library escapes: quotes, control characters, and bytes that
      // are not UTF-8 (replaced, so that a line is always valid JSON).
      const nlohmann::json message = std::string(text);
      const std::string escaped =
          message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      fmt::format_to(std::back_inserter(dest), R"("event":"message","message":{}}})", escaped);
    }
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

LogFormat g_format = LogFormat::kText;
std::shared_ptr<spdlog::logger> g_event_logger;

}  // namespace

void format_rfc3339(fmt::memory_buffer& out, std::chrono::system_clock::time_point time) {
  const auto micros = std::chrono::floor<std::chrono::microseconds>(time);
  const auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
  fmt::format_to(std::back_inserter(out), "{:%Y-%m-%dT%H:%M:%S}.{:06}Z",
                 fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)),
                 (micros - seconds).count());
}

std::shared_ptr<spdlog::logger> setup_logging(spdlog::level::level_enum level, LogFormat format) {
  auto sink = std::make_shared<BufferedStdoutSink>();
  if (format == LogFormat::kJson) {
    sink->set_formatter(json_formatter());
  } else {
    sink->set_pattern("[%T.%e] [%l] %v");
  }
  auto logger = std::make_shared<spdlog::logger>("pong", sink);
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  g_event_logger = std::make_shared<spdlog::logger>(std::string(kEventLoggerName), sink);
  g_event_logger->set_level(level);
  g_event_logger->flush_on(spdlog::level::warn);
  g_format = format;
  return logger;
}

LogFormat log_format() {
  return g_format;
}

std::unique_ptr<spdlog::formatter> json_formatter() {
  return std::make_unique<JsonFormatter>();
}

spdlog::logger& event_logger() {
  // Before setup_logging (unit tests): the default logger's sinks.
  if (!g_event_logger) {
    g_event_logger = std::make_shared<spdlog::logger>(std::string(kEventLoggerName),
                                                      spdlog::default_logger_raw()->sinks().begin(),
                                                      spdlog::default_logger_raw()->sinks().end());
  }
  return *g_event_logger;
}

}  // namespace pong::sys
