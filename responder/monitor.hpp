// --take-over's monitor: a small parent process that holds no socket and
// keeps only what restoring the echo sysctls needs. It forks the serving
// process, passes SIGTERM, SIGINT, SIGHUP and SIGUSR1 on to it, and when it
// ends -- a clean exit, a crash, the seccomp filter, SIGKILL, the OOM
// killer -- gives the kernel its echo back and exits with its status.
// RFC 1122 3.2.2.6: "Every host MUST implement an ICMP Echo server".
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "kernel_echo.hpp"
#include "sys/unique_fd.hpp"

namespace pong::responder {

// How the serving process ended, as waitid(2) and the seccomp report say.
struct ChildEnd {
  bool exited = true;                    // false: killed by `signal`
  int status = 0;                        // the exit status, or the signal number
  std::optional<int> forbidden_syscall;  // reported by the SIGSYS handler
};

// "exited with status 0", "was killed by SIGKILL (kill -9, or the OOM
// killer)", "was stopped by the seccomp filter: it called socket (41)...".
std::string describe(const ChildEnd& end);
// The monitor's own exit status: the child's, or 128 + its signal, as a
// shell reports it.
int exit_status(const ChildEnd& end);

// What the monitor does with a signal sent to it (SIGCHLD aside):
//   kForward  SIGTERM, SIGINT, SIGHUP, SIGUSR1: the same signal to the child;
//   kStop     any other signal whose default action would end the monitor
//             (SIGQUIT from Ctrl-\, SIGUSR2, SIGALRM, real-time signals...):
//             SIGTERM to the child, which stops cleanly, so the monitor
//             restores the sysctls instead of dying with them set;
//   kIgnore   SIGPIPE, job control and the rest, whose default is harmless.
enum class MonitorAction { kForward, kStop, kIgnore };
MonitorAction monitor_action(int signal);

// Every signal the monitor handles, blocked and read from a signalfd: all
// but the ones a fault raises (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
// SIGSYS), and SIGKILL and SIGSTOP, which cannot be. Blocked before the
// sysctls are changed, so that no signal can end pong between the change
// and the monitor's loop.
class MonitorSignals {
 public:
  static std::optional<MonitorSignals> block();
  int fd() const { return fd_.get(); }
  // For the serving process: closes the fd and puts back the mask pong
  // started with.
  void release();

 private:
  sys::UniqueFd fd_;
  sigset_t original_{};
};

// What the serving process gets from the monitor.
struct MonitorLink {
  pid_t monitor = 0;
  int report_fd = -1;  // for install_serving_filter: the forbidden syscall's number
};

// Forks. The child runs `serve(link)` and exits with what it returns; it
// never restores the sysctls (`take_over` is dismissed in it). The parent
// becomes the monitor, as described above, and returns its exit status.
int run_under_monitor(MonitorSignals signals, KernelEchoTakeOver& take_over,
                      const std::function<int(const MonitorLink&)>& serve);

// For the serving process once its credentials are final (a change of
// credentials clears it): SIGKILL when the monitor dies, so that no
// unsupervised pong goes on answering. False if the monitor is gone already.
bool die_with_monitor(pid_t monitor);

}  // namespace pong::responder
