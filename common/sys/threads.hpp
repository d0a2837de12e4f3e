// The process's threads as /proc/self/task shows them.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace pong::sys {

// Runs `body` on a new thread, and returns once the thread runs: by then
// libc has set it up (rseq, its robust futex list), system calls that a
// seccomp filter loaded next would refuse. For the threads pong starts
// between dropping its privileges and loading its filter. `what` names
// the thread in the error ("the request log's writer").
std::expected<std::thread, std::string> start_running_thread(std::string_view what,
                                                             std::function<void()> body);

// Waits (polling, up to `timeout`) until at least `count` threads of this
// process are named `name` (prctl PR_SET_NAME, pthread_setname_np: at most
// 15 characters). For threads a library starts: once a thread has named
// itself it is past libc's and the library's start-up calls (rseq,
// set_robust_list, its signal set-up), which a seccomp filter loaded
// afterwards would refuse. False on timeout.
bool wait_for_named_threads(std::string_view name, std::size_t count,
                            std::chrono::milliseconds timeout);

}  // namespace pong::sys
