// systemd's service notifications (sd_notify(3)) for a Type=notify unit:
// READY=1 once pong serves, STATUS= with its counters every few seconds,
// WATCHDOG=1 from the packet loop (so that a hung loop is restarted) and
// STOPPING=1 on the way out. Without systemd (no NOTIFY_SOCKET) nothing is
// sent and pong behaves as it always did.
//
// Two parts: NotifySchedule, a pure type that says when a watchdog ping or a
// status line is due (the caller passes the time in, so that it is tested
// without a clock or a socket), and SystemdNotifier, which sends through
// libsystemd's sd_notify(). The packet loop asks due(now) after every batch
// and wake-up: two comparisons, no system call and no allocation unless
// something is due.
//
// Processes: with --take-over pong forks a monitor (the process systemd
// started, its MAINPID) and a serving process, and the serving process sends
// everything. A unit that runs pong --take-over therefore needs
// NotifyAccess=all; NotifyAccess=main drops the serving process's messages,
// so READY=1 never arrives and the start times out. responder/pong.service
// runs pong without --take-over (systemd is the monitor there), so pong is
// its main process and NotifyAccess=main is enough.
//
// Seccomp: on Debian 12 (libsystemd 252) each sd_notify() call makes, in
// this order (strace): socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0);
// getsockopt(SOL_SOCKET, SO_SNDBUF), setsockopt(SOL_SOCKET, SO_SNDBUF),
// getsockopt(SOL_SOCKET, SO_SNDBUF), setsockopt(SOL_SOCKET, SO_SNDBUFFORCE)
// (a bigger send buffer; failures are ignored, so a filter may answer these
// four with EPERM); getuid, geteuid, getgid, getegid (needed: a filter that
// kills on them kills pong at READY=1); sendmsg(..., MSG_NOSIGNAL) to the
// socket's address; close. Only when the real and effective ids differ
// does it attach SCM_CREDENTIALS and call getpid too. from_environment()
// runs before any filter (sd_watchdog_enabled() calls getpid when
// WATCHDOG_PID is set).
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace pong::sys {

// Times on the steady clock, since its epoch
// (std::chrono::steady_clock::now().time_since_epoch()).
using Nanoseconds = std::chrono::nanoseconds;

// When the next watchdog ping and the next status line are due. Pings go out
// at half the watchdog interval, as sd_watchdog_enabled(3) recommends; a
// status every status interval. Nothing is due before start() or after
// stop(). A pure type: no clock, no socket, no allocation.
class NotifySchedule {
 public:
  struct Due {
    bool watchdog = false;
    bool status = false;
    explicit operator bool() const { return watchdog || status; }
    friend bool operator==(const Due&, const Due&) = default;
  };

  // Nothing periodic: no watchdog, no status.
  NotifySchedule() = default;
  // `watchdog`: the interval systemd asked for (WATCHDOG_USEC), zero for
  // none. `status_interval`: how often a status line is due, zero for never.
  // Precondition: neither is negative.
  NotifySchedule(Nanoseconds watchdog, Nanoseconds status_interval)
      : watchdog_(watchdog), status_interval_(status_interval) {}

  // From `now` on: a ping is due half a watchdog interval later, a status
  // one status interval later (the caller has just sent both).
  void start(Nanoseconds now);
  // Nothing is due any more.
  void stop() { started_ = false; }

  // What is due at `now`. Cheap: the packet loop asks after every batch.
  Due due(Nanoseconds now) const {
    if (!started_) return {};
    return {watchdog_.count() > 0 && now >= next_ping_,
            status_interval_.count() > 0 && now >= next_status_};
  }
  // `what` was sent at `now`: the next of each is due one period from now
  // (from the send, not from the due time, so a late ping never pulls the
  // next one closer).
  void sent(Due what, Nanoseconds now);

  Nanoseconds watchdog_interval() const { return watchdog_; }
  Nanoseconds ping_interval() const { return watchdog_ / 2; }
  Nanoseconds status_interval() const { return status_interval_; }

  // The longest a loop may sleep between two calls of due(), so that an idle
  // pong still pings: a quarter of the watchdog interval (a ping due at half
  // of it is then sent by three quarters at the latest, before systemd gives
  // up at the whole), and at most the status interval. At least 1 ms (a
  // poll(2) timeout of 0 would spin). Empty when nothing is periodic, then
  // the loop may sleep until a packet or a signal comes.
  std::optional<std::chrono::milliseconds> wake_interval() const;
  // When the earliest of the two is due, for a loop that rather sleeps
  // exactly until then. Empty when not started or nothing is periodic.
  std::optional<Nanoseconds> next_due() const;

 private:
  Nanoseconds watchdog_{};
  Nanoseconds status_interval_{};
  bool started_ = false;
  Nanoseconds next_ping_{};
  Nanoseconds next_status_{};
};

// Sends READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 to systemd through
// sd_notify(3), when pong runs under systemd; otherwise does nothing. Errors
// are returned, never thrown; a failed send still counts as sent for the
// schedule, so a notify socket that went away costs one failure per period,
// not one per wake-up. Not thread-safe: the service loop's thread uses it.
class SystemdNotifier {
 public:
  static constexpr Nanoseconds kStatusInterval = std::chrono::seconds{5};
  // A status line longer than this is cut (the datagram is built in a fixed
  // buffer: no allocation).
  static constexpr std::size_t kMaxMessage = 1024;

  // Inactive: sends nothing.
  SystemdNotifier() = default;

  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID once: active when
  // NOTIFY_SOCKET is set, with a watchdog when sd_watchdog_enabled(3) says
  // it is meant for this process (an unparsable WATCHDOG_USEC means none).
  // Preconditions: called in the process systemd started, before any fork:
  // systemd sets WATCHDOG_PID to that process, and sd_watchdog_enabled()
  // compares it with getpid(), so in --take-over's serving process it would
  // say "no watchdog". The serving process gets the object with fork's copy
  // of memory and sends from there. The environment is left as it is
  // (unset_environment = 0): sd_notify() reads NOTIFY_SOCKET again on every
  // call, in the serving process too, and unsetenv(3) is not safe while
  // other threads (the request log's writer) may read the environment.
  static SystemdNotifier from_environment();

  bool active() const { return active_; }
  // The interval systemd asked for (WATCHDOG_USEC); zero when there is no
  // watchdog.
  Nanoseconds watchdog_interval() const { return schedule_.watchdog_interval(); }
  // See NotifySchedule::wake_interval(): the service loop's poll(2) must time
  // out at least this often. Empty when inactive.
  std::optional<std::chrono::milliseconds> wake_interval() const {
    return schedule_.wake_interval();
  }
  const NotifySchedule& schedule() const { return schedule_; }

  // "READY=1", "WATCHDOG=1" when there is a watchdog, and "STATUS=<status>"
  // unless `status` is empty, in one datagram; starts the schedule at `now`.
  // Precondition: the sockets are open and the privileges dropped.
  std::expected<void, std::string> ready(std::string_view status, Nanoseconds now);
  // "STATUS=<status>" now; the next periodic status is due one interval
  // later.
  std::expected<void, std::string> status(std::string_view status, Nanoseconds now);
  // "WATCHDOG=1" now (when there is a watchdog); the next ping is due half a
  // watchdog interval later.
  std::expected<void, std::string> ping(Nanoseconds now);
  // "STOPPING=1" and "STATUS=<status>" unless empty; ends the schedule.
  std::expected<void, std::string> stopping(std::string_view status);

  // Whether a ping or a status is due at `now`: no system call. False when
  // inactive or before ready().
  bool due(Nanoseconds now) const { return static_cast<bool>(schedule_.due(now)); }
  bool watchdog_due(Nanoseconds now) const { return schedule_.due(now).watchdog; }
  // Sends what is due at `now` in one datagram: "WATCHDOG=1" and/or
  // "STATUS=<make_status()>". `make_status` is called only when a status is
  // due and returns something a std::string_view can be made from. Nothing
  // is sent (and no system call made) when nothing is due.
  template <std::invocable MakeStatus>
  std::expected<void, std::string> send_due(Nanoseconds now, MakeStatus&& make_status) {
    const NotifySchedule::Due due = schedule_.due(now);
    if (!due) return {};
    schedule_.sent(due, now);
    if (!due.status) return send(kWatchdog, {});
    const auto& text = make_status();
    return send(due.watchdog ? kWatchdog : std::string_view{}, std::string_view{text});
  }

 private:
  static constexpr std::string_view kWatchdog = "WATCHDOG=1\n";

  explicit SystemdNotifier(Nanoseconds watchdog);
  // Sends `fixed` (whole "KEY=VALUE\n" lines) and then "STATUS=<status>"
  // unless `status` is empty, newlines in it turned into spaces.
  std::expected<void, std::string> send(std::string_view fixed, std::string_view status);

  bool active_ = false;
  NotifySchedule schedule_;
  std::array<char, kMaxMessage + 1> message_{};
};

}  // namespace pong::sys
