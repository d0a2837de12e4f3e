#include "sys/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace pong::sys {

void NotifySchedule::start(Nanoseconds now) {
  started_ = true;
  next_ping_ = now + ping_interval();
  next_status_ = now + status_interval_;
}

void NotifySchedule::sent(Due what, Nanoseconds now) {
  if (what.watchdog) next_ping_ = now + ping_interval();
  if (what.status) next_status_ = now + status_interval_;
}

std::optional<std::chrono::milliseconds> NotifySchedule::wake_interval() const {
  std::optional<Nanoseconds> wake;
  if (watchdog_.count() > 0) wake = watchdog_ / 4;
  if (status_interval_.count() > 0)
    wake = std::min(wake.value_or(status_interval_), status_interval_);
  if (!wake) return std::nullopt;
  // Rounded down: waking early is harmless, waking late is not.
  return std::max(std::chrono::floor<std::chrono::milliseconds>(*wake),
                  std::chrono::milliseconds{1});
}

std::optional<Nanoseconds> NotifySchedule::next_due() const {
  if (!started_) return std::nullopt;
  std::optional<Nanoseconds> next;
  if (watchdog_.count() > 0) next = next_ping_;
  if (status_interval_.count() > 0) next = std::min(next.value_or(next_status_), next_status_);
  return next;
}

SystemdNotifier::SystemdNotifier(Nanoseconds watchdog)
    : active_(true), schedule_(watchdog, kStatusInterval) {}

SystemdNotifier SystemdNotifier::from_environment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') return {};
  // > 0: WATCHDOG_USEC is set and valid, and WATCHDOG_PID (when set) is
  // this process; 0: no watchdog for this process; < 0: WATCHDOG_USEC or
  // WATCHDOG_PID cannot be parsed, which systemd never does: no watchdog.
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) <= 0) usec = 0;
  return SystemdNotifier(std::chrono::microseconds{usec});
}

std::expected<void, std::string> SystemdNotifier::ready(std::string_view status, Nanoseconds now) {
  if (!active_) return {};
  schedule_.start(now);
  const bool watchdog = schedule_.watchdog_interval().count() > 0;
  return send(watchdog ? "READY=1\nWATCHDOG=1\n" : "READY=1\n", status);
}

std::expected<void, std::string> SystemdNotifier::status(std::string_view status, Nanoseconds now) {
  if (!active_) return {};
  schedule_.sent({.watchdog = false, .status = true}, now);
  return send({}, status);
}

std::expected<void, std::string> SystemdNotifier::ping(Nanoseconds now) {
  if (!active_ || schedule_.watchdog_interval().count() == 0) return {};
  schedule_.sent({.watchdog = true, .status = false}, now);
  return send(kWatchdog, {});
}

std::expected<void, std::string> SystemdNotifier::stopping(std::string_view status) {
  if (!active_) return {};
  schedule_.stop();
  return send("STOPPING=1\n", status);
}

std::expected<void, std::string> SystemdNotifier::send(std::string_view fixed,
                                                       std::string_view status) {
  if (!active_) return {};
  constexpr std::string_view kStatus = "STATUS=";
  // Precondition: `fixed` is one of this file's constants, which fit.
  std::size_t length = fixed.copy(message_.data(), kMaxMessage);
  if (!status.empty() && length + kStatus.size() < kMaxMessage) {
    length += kStatus.copy(message_.data() + length, kMaxMessage - length);
    const std::size_t start = length;
    length += status.copy(message_.data() + length, kMaxMessage - length);
    // One line per assignment: a newline in the text would start another,
    // and a NUL would end the message.
    std::replace_if(
        message_.data() + start, message_.data() + length,
        [](char c) { return c == '\n' || c == '\0'; }, ' ');
  } else if (length > 0 && message_[length - 1] == '\n') {
    --length;  // no empty last line
  }
  message_[length] = '\0';
  if (const int rc = sd_notify(/*unset_environment=*/0, message_.data()); rc < 0) {
    const std::string_view first(message_.data(), std::strcspn(message_.data(), "\n"));
    return std::unexpected(
        fmt::format("cannot notify systemd ({}): {}", first, std::strerror(-rc)));
  }
  return {};
}

}  // namespace pong::sys
