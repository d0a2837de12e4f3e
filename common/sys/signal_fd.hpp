// Signals as a file descriptor: the caller polls it with its sockets, so a
// signal is handled between batches, never inside one, and every exit path
// runs the destructors (which restore sysctls, for example).
#pragma once

#include <initializer_list>
#include <optional>

#include "sys/unique_fd.hpp"

namespace pong::sys {

// Blocks `signals` and returns a signalfd that reads them. A shell starts
// background jobs with SIGINT ignored, and an ignored signal may be
// discarded before it is ever queued, so each signal's default action is
// put back first. Empty on failure.
std::optional<UniqueFd> open_signal_fd(std::initializer_list<int> signals);

}  // namespace pong::sys
