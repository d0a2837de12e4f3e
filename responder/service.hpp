// The service loop: one poll(2) over every family's socket and the
// signalfd, so a signal is handled between batches, never inside one.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <span>
#include <string>

#include "responder.hpp"

namespace pong::responder {

struct ServiceOptions {
  // Called after each idle_interval without a request or a signal; when
  // empty (and `tick` too), pong sleeps until one comes.
  std::function<void()> idle;
  // Called each time the loop wakes up: after a batch, a signal or an
  // idle_interval of sleep. For cheap checks of what is due (systemd's
  // watchdog and status); it must not block.
  std::function<void()> tick;
  std::chrono::milliseconds idle_interval{1000};
  // Called on SIGUSR1, after log_counters.
  std::function<void()> report;
  // --busy-poll: after a batch, keep polling without sleeping for this
  // long before blocking in poll(2) again. A request that comes within it
  // is read at once instead of after a wake-up (tens of microseconds on a
  // virtual machine's idle vCPU), for up to this much CPU time per quiet
  // spell. Zero: always sleep.
  std::chrono::microseconds busy_poll{0};
};

// Serves until SIGINT, SIGTERM or SIGHUP arrives through `signal_fd` (the
// caller blocked them); SIGUSR1 logs the counters. Queued datagrams are
// served before a signal is handled, so counters printed for it include
// every request that arrived before it.
std::expected<void, std::string> serve(std::span<BatchServer* const> servers, int signal_fd,
                                       const ServiceOptions& options = {});

// "--- pong statistics ---", then a line per family and one per drop reason seen.
void log_counters(std::span<BatchServer* const> servers);

}  // namespace pong::responder
