#include "monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sys/privileges.hpp"
#include "sys/seccomp_filter.hpp"
#include "sys/signal_fd.hpp"

namespace pong::responder {
namespace {

std::string signal_name(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", signal);
}

struct Pipe {
  sys::UniqueFd read;
  sys::UniqueFd write;
};

std::optional<Pipe> open_report_pipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK) != 0) return std::nullopt;
  return Pipe{sys::UniqueFd(fds[0]), sys::UniqueFd(fds[1])};
}

// The serving process's side, after fork(2). Never returns.
[[noreturn]] void become_serving_process(KernelEchoTakeOver& take_over, pid_t monitor,
                                         MonitorSignals& signals, Pipe& report,
                                         const std::function<int(const MonitorLink&)>& serve) {
  take_over.dismiss();  // the monitor restores the sysctls, not this process
  signals.release();
  report.read.reset();
  int status = 1;
  try {
    if (die_with_monitor(monitor)) status = serve(MonitorLink{monitor, report.write.get()});
  } catch (const std::exception& e) {
    // Never unwind into the monitor's half of the stack.
    spdlog::error("{}", e.what());
  }
  spdlog::default_logger_raw()->flush();
  std::fflush(nullptr);
  ::_exit(status);
}

// Reads what the SIGSYS handler wrote, if anything.
std::optional<int> read_report(int fd) {
  int number = 0;
  if (::read(fd, &number, sizeof number) == static_cast<ssize_t>(sizeof number)) return number;
  return std::nullopt;
}

ChildEnd child_end(const siginfo_t& status, int report_fd, std::optional<int> reported) {
  ChildEnd end;
  end.exited = status.si_code == CLD_EXITED;
  end.status = status.si_status;
  end.forbidden_syscall = reported ? reported : read_report(report_fd);
  return end;
}

// Acts on one signal read from the signalfd; true once the child has ended
// (then `status` says how).
bool handle_signal(pid_t child, int signal_fd, siginfo_t& status) {
  signalfd_siginfo info{};
  if (::read(signal_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return false;
  const int signal = static_cast<int>(info.ssi_signo);
  if (signal == SIGCHLD) {
    return ::waitid(P_PID, static_cast<id_t>(child), &status, WEXITED | WNOHANG) == 0 &&
           status.si_pid == child;
  }
  switch (monitor_action(signal)) {
    case MonitorAction::kForward:
      ::kill(child, signal);
      break;
    case MonitorAction::kStop:
      spdlog::info("monitor: received {}; stopping the serving process", signal_name(signal));
      ::kill(child, SIGTERM);
      break;
    case MonitorAction::kIgnore:
      break;
  }
  return false;
}

// The monitor's loop: acts on signals until the child has ended.
ChildEnd supervise(pid_t child, int signal_fd, int report_fd) {
  std::optional<int> reported;
  std::array<pollfd, 2> fds{{{signal_fd, POLLIN, 0}, {report_fd, POLLIN, 0}}};
  siginfo_t status{};
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      // Cannot happen with two valid fds; if it does, wait without poll.
      spdlog::error("monitor: poll failed: {}; waiting for the serving process",
                    std::strerror(errno));
      ::waitid(P_PID, static_cast<id_t>(child), &status, WEXITED);
      return child_end(status, report_fd, reported);
    }
    if (fds[1].revents & POLLIN) {
      if (const auto number = read_report(report_fd)) reported = number;
    }
    if (fds[1].revents & (POLLHUP | POLLERR)) fds[1].fd = -1;  // the child closed it
    if ((fds[0].revents & POLLIN) && handle_signal(child, signal_fd, status)) {
      return child_end(status, report_fd, reported);
    }
  }
}

}  // namespace

std::string describe(const ChildEnd& end) {
  if (end.exited) return fmt::format("exited with status {}", end.status);
  if (end.status == SIGSYS && end.forbidden_syscall) {
    return fmt::format(
        "was stopped by the seccomp filter: it called {}, which is not on pong's allow-list "
        "(--no-seccomp turns the filter off, for debugging)",
        sys::syscall_name(*end.forbidden_syscall));
  }
  if (end.status == SIGKILL) {
    return "was killed by SIGKILL (kill -9, or the kernel's OOM killer)";
  }
  return fmt::format("was killed by {}", signal_name(end.status));
}

int exit_status(const ChildEnd& end) {
  return end.exited ? end.status : 128 + end.status;
}

bool die_with_monitor(pid_t monitor) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return false;
  // The monitor may have died before the request took effect.
  return ::getppid() == monitor;
}

MonitorAction monitor_action(int signal) {
  switch (signal) {
    case SIGTERM:
    case SIGINT:
    case SIGHUP:
    case SIGUSR1:
      return MonitorAction::kForward;
    case SIGPIPE:
    case SIGCHLD:
    case SIGCONT:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGWINCH:
    case SIGURG:
      return MonitorAction::kIgnore;
    default:
      return MonitorAction::kStop;
  }
}

std::optional<MonitorSignals> MonitorSignals::block() {
  sigset_t set;
  sigfillset(&set);
  for (const int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) sigdelset(&set, fault);
  MonitorSignals signals;
  auto fd = sys::open_signal_fd(set, &signals.original_);
  if (!fd) return std::nullopt;
  signals.fd_ = std::move(*fd);
  return signals;
}

void MonitorSignals::release() {
  fd_.reset();
  ::sigprocmask(SIG_SETMASK, &original_, nullptr);
}

int run_under_monitor(MonitorSignals signals, KernelEchoTakeOver& take_over,
                      const std::function<int(const MonitorLink&)>& serve) {
  auto report = open_report_pipe();
  if (!report) {
    spdlog::error("monitor: cannot open its pipe: {}", std::strerror(errno));
    return 1;
  }
  const pid_t monitor = ::getpid();
  spdlog::default_logger_raw()->flush();
  // The signals are blocked already, so none, SIGCHLD above all, is lost
  // between the fork and the loop.
  const pid_t child = ::fork();
  if (child < 0) {
    spdlog::error("monitor: cannot start the serving process: {}", std::strerror(errno));
    return 1;
  }
  if (child == 0) become_serving_process(take_over, monitor, signals, *report, serve);
  report->write.reset();
  // Restoring the sysctls needs root in this network namespace or
  // CAP_NET_ADMIN; passing signals on to a child of another user needs
  // CAP_KILL. Nothing else is kept.
  if (auto kept = sys::keep_only_capabilities({CAP_NET_ADMIN, CAP_KILL}); !kept) {
    spdlog::error("monitor: {}; it keeps the privileges it started with", kept.error());
  }
  spdlog::info("monitor {}: serving process {} started; the kernel's echo comes back when it ends",
               monitor, child);
  spdlog::default_logger_raw()->flush();

  const ChildEnd end = supervise(child, signals.fd(), report->read.get());
  const auto log = end.exited && end.status == 0 ? spdlog::level::info : spdlog::level::err;
  spdlog::log(log, "monitor: serving process {} {}", child, describe(end));
  const bool restored = take_over.restore();
  spdlog::default_logger_raw()->flush();
  const int status = exit_status(end);
  return !restored && status == 0 ? 1 : status;
}

}  // namespace pong::responder
