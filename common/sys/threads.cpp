#include "sys/threads.hpp"

#include <filesystem>
#include <latch>

#include <fmt/format.h>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>

namespace pong::sys {
namespace {

std::size_t threads_named(std::string_view name) {
  std::size_t found = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream comm(task.path() / "comm");
    std::string line;
    if (std::getline(comm, line) && line == name) ++found;
  }
  return found;
}

}  // namespace

std::expected<std::thread, std::string> start_running_thread(std::string_view what,
                                                             std::function<void()> body) {
  std::latch running(1);
  std::thread thread;
  try {
    thread = std::thread([&running, run = std::move(body)] {
      running.count_down();
      run();
    });
  } catch (const std::system_error& e) {
    return std::unexpected(fmt::format("cannot start {} thread: {}", what, e.what()));
  }
  running.wait();
  return thread;
}

bool wait_for_named_threads(std::string_view name, std::size_t count,
                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (threads_named(name) >= count) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace pong::sys
