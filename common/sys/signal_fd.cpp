#include "sys/signal_fd.hpp"

#include <sys/signalfd.h>

#include <signal.h>

namespace pong::sys {

std::optional<UniqueFd> open_signal_fd(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (const int s : signals) sigaddset(&set, s);
  return open_signal_fd(set);
}

std::optional<UniqueFd> open_signal_fd(const sigset_t& set, sigset_t* previous) {
  if (sigprocmask(SIG_BLOCK, &set, previous) != 0) return std::nullopt;
  const int fd = signalfd(-1, &set, SFD_CLOEXEC);
  if (fd < 0) return std::nullopt;
  return UniqueFd(fd);
}

}  // namespace pong::sys
