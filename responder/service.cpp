#include "service.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pong::responder {
namespace {

constexpr std::size_t kMaxServers = 2;  // one per family

// Reads one signal; true when it asks pong to stop.
bool handle_signal(int signal_fd, std::span<BatchServer* const> servers,
                   const ServiceOptions& options) {
  signalfd_siginfo info{};
  if (::read(signal_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return false;
  if (info.ssi_signo == SIGUSR1) {
    log_counters(servers);
    if (options.report) options.report();
    return false;
  }
  spdlog::info("received {}, shutting down", sigabbrev_np(static_cast<int>(info.ssi_signo)));
  return true;
}

// How long the next poll(2) may sleep: not at all while a busy-poll spell
// lasts, idle_interval when an idle or tick callback wants to run, else
// until an event.
class PollTimeout {
 public:
  explicit PollTimeout(const ServiceOptions& options)
      : busy_poll_(options.busy_poll),
        sleep_ms_(options.idle || options.tick ? static_cast<int>(options.idle_interval.count())
                                               : -1) {}

  // After a batch: a busy-poll spell starts (or goes on) from now.
  void served() {
    if (busy_poll_.count() > 0) spell_end_ = Clock::now() + busy_poll_;
  }
  int next_ms() const {
    if (busy_poll_.count() > 0 && Clock::now() < spell_end_) return 0;
    return sleep_ms_;
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::chrono::microseconds busy_poll_;
  int sleep_ms_;
  Clock::time_point spell_end_{};
};

}  // namespace

std::expected<void, std::string> serve(std::span<BatchServer* const> servers, int signal_fd,
                                       const ServiceOptions& options) {
  if (servers.empty() || servers.size() > kMaxServers) {
    return std::unexpected(fmt::format("pong serves 1 or 2 families, not {}", servers.size()));
  }
  std::array<pollfd, kMaxServers + 1> fds{};
  for (std::size_t i = 0; i < servers.size(); ++i) fds[i] = {servers[i]->fd(), POLLIN, 0};
  const std::size_t signal_index = servers.size();
  fds[signal_index] = {signal_fd, POLLIN, 0};
  PollTimeout timeout(options);
  for (;;) {
    const int timeout_ms = timeout.next_ms();
    const int ready = ::poll(fds.data(), signal_index + 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(fmt::format("poll failed: {}", std::strerror(errno)));
    }
    if (options.tick) options.tick();
    if (ready == 0) {
      if (timeout_ms == 0) {
        // Spinning: any other task that wants this CPU (the client on a
        // shared core, the softirq thread) runs first, then the spin goes on.
        ::sched_yield();
      } else if (options.idle) {
        options.idle();
      }
      continue;
    }
    for (std::size_t i = 0; i < servers.size(); ++i) {
      if (fds[i].revents & POLLNVAL) {
        return std::unexpected(
            fmt::format("{} socket closed under pong", servers[i]->family_name()));
      }
      // POLLERR with nothing to read: recvmmsg(2) keeps an error met after
      // the first datagram for the next call, which reads and clears it.
      // Left unread, poll would return at once, forever.
      if ((fds[i].revents & (POLLIN | POLLERR | POLLHUP)) == 0) continue;
      if (auto r = servers[i]->serve_batch(); !r) return r;
      timeout.served();
    }
    if ((fds[signal_index].revents & POLLIN) && handle_signal(signal_fd, servers, options)) {
      return {};
    }
  }
}

void log_counters(std::span<BatchServer* const> servers) {
  spdlog::info("--- pong statistics ---");
  for (const BatchServer* server : servers) {
    const Counters& c = server->counters();
    spdlog::info("{}: {} received, {} answered, {} dropped, {} send errors", server->family_name(),
                 c.received.value(), c.answered.value(), c.dropped(), c.send_errors.value());
    for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
      const auto reason = static_cast<wire::DropReason>(i);
      if (c.dropped(reason) == 0) continue;
      spdlog::info("  {} dropped {}: {}", server->family_name(), wire::drop_reason_name(reason),
                   c.dropped(reason));
    }
  }
  spdlog::default_logger_raw()->flush();
}

}  // namespace pong::responder
