// Logging setup (spdlog). The formatters of addresses and payloads are in
// sys/format.hpp, which this header includes for the log lines.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "sys/format.hpp"

namespace pong::sys {

// Makes the default logger write to stdout through a buffer that is only
// flushed when flush() is called (or on warnings and errors), so a daemon
// can log a whole batch of packets with one write(2).
std::shared_ptr<spdlog::logger> setup_logging(spdlog::level::level_enum level);

}  // namespace pong::sys
