#include "sys/log.hpp"

#include <spdlog/sinks/base_sink.h>

#include <cstdio>
#include <mutex>

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

}  // namespace pong::sys
