// Signals as a file descriptor: the caller polls it with its sockets, so a
// signal is handled between batches, never inside one, and every exit path
// runs the destructors (which restore sysctls, for example).
#pragma once

#include <signal.h>

#include <initializer_list>
#include <optional>

#include "sys/unique_fd.hpp"

namespace pong::sys {

// Blocks `signals` and returns a signalfd that reads them. This works even
// when the program was started with SIGINT ignored (a script's background
// job): Linux never discards a blocked signal, ignored or not
// (kernel/signal.c, sig_ignored()). Empty on failure.
std::optional<UniqueFd> open_signal_fd(std::initializer_list<int> signals);
// The same for a whole set; `previous`, when given, receives the mask
// the caller had before.
std::optional<UniqueFd> open_signal_fd(const sigset_t& signals, sigset_t* previous = nullptr);

}  // namespace pong::sys
