// The service loop: one poll(2) over every family's socket and the
// signalfd, so a signal is handled between batches, never inside one.
#pragma once

#include <expected>
#include <functional>
#include <span>
#include <string>

#include "responder.hpp"

namespace pong::responder {

// Serves until SIGINT, SIGTERM or SIGHUP arrives through `signal_fd` (the
// caller blocked them); SIGUSR1 logs the counters. Queued datagrams are
// served before a signal is handled, so counters printed for it include
// every request that arrived before it. `idle`, when given, is called
// after each second without a request or a signal.
std::expected<void, std::string> serve(std::span<BatchServer* const> servers, int signal_fd,
                                       const std::function<void()>& idle = {});

// "--- pong statistics ---", then a line per family and one per drop reason seen.
void log_counters(std::span<BatchServer* const> servers);

}  // namespace pong::responder
