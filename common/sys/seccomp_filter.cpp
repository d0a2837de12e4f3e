#include "sys/seccomp_filter.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include <fmt/format.h>

namespace pong::sys {
namespace {

// What the serving loop calls, after start-up. Names unknown to this
// architecture (open, stat... on arm64) are skipped.
constexpr std::array kAllowed = {
    // The loop: poll over the sockets and the signalfd, one recvmmsg and
    // one sendmmsg per batch (recvmsg/sendmsg/recvfrom/sendto for libc
    // fallbacks), and the signalfd read.
    "poll", "ppoll", "recvmmsg", "sendmmsg", "recvmsg", "sendmsg", "recvfrom", "sendto", "read",
    "readv",
    // Logging: stdout writes; spdlog's mutex.
    "write", "writev", "futex",
    // The once-a-second re-read of the echo sysctls and /proc/net/anycast6
    // (openat and open are further limited to read-only below).
    "close", "lseek", "fstat", "newfstatat", "statx", "stat", "fcntl",
    // Memory: the allocator (mmap and mprotect are limited to
    // non-executable pages below).
    "brk", "munmap", "mremap", "madvise",
    // Clocks (usually the vDSO, but libc falls back to the call).
    "clock_gettime", "clock_getres", "gettimeofday", "time", "clock_nanosleep", "nanosleep",
    // Signals, and the SIGSYS handler's own way out: raise(3) blocks
    // signals and calls tgkill.
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "restart_syscall", "getpid", "gettid",
    "tgkill", "sched_yield", "getrandom",
    // Sanitizer builds (ASan) check the alternate signal stack.
    "sigaltstack",
    // Leaving.
    "exit", "exit_group"};

volatile int g_report_fd = -1;

// Async-signal-safe: writes the decimal digits of `n` to the end of `out`.
std::size_t put_number(char* out, std::size_t at, int n) {
  std::array<char, 12> digits{};
  std::size_t count = 0;
  unsigned value = n < 0 ? 0U : static_cast<unsigned>(n);
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && count < digits.size());
  while (count > 0) out[at++] = digits[--count];
  return at;
}

void on_forbidden_syscall(int /*signal*/, siginfo_t* info, void* /*context*/) {
  const int number = info->si_syscall;
  const int fd = g_report_fd;
  if (fd >= 0) {
    (void)::write(fd, &number, sizeof number);
  } else {
    constexpr std::string_view kText =
        "pong: the seccomp filter stopped a forbidden system call, number ";
    std::array<char, 128> line{};
    std::memcpy(line.data(), kText.data(), kText.size());
    std::size_t at = put_number(line.data(), kText.size(), number);
    line[at++] = '\n';
    (void)::write(STDERR_FILENO, line.data(), at);
  }
  // Die of SIGSYS, as SECCOMP_RET_KILL_PROCESS would have: the signal is
  // blocked in its own handler, so it is delivered, with the default
  // action, once the handler returns.
  struct sigaction fallback{};
  fallback.sa_handler = SIG_DFL;
  ::sigaction(SIGSYS, &fallback, nullptr);
  ::raise(SIGSYS);
}

struct FilterDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

std::expected<void, std::string> allow(scmp_filter_ctx ctx, const char* name) {
  const int number = seccomp_syscall_resolve_name(name);
  if (number == __NR_SCMP_ERROR) return {};  // not a call of this architecture
  if (const int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, number, 0); rc != 0) {
    return std::unexpected(fmt::format("seccomp: cannot allow {}: {}", name, std::strerror(-rc)));
  }
  return {};
}

// `name`, but only when argument `arg` masked with `mask` is zero: open
// and openat without write access or O_CREAT, mmap and mprotect without
// PROT_EXEC.
std::expected<void, std::string> allow_when_clear(scmp_filter_ctx ctx, const char* name,
                                                  unsigned arg, scmp_datum_t mask) {
  const int number = seccomp_syscall_resolve_name(name);
  if (number == __NR_SCMP_ERROR) return {};
  const scmp_arg_cmp rule{arg, SCMP_CMP_MASKED_EQ, mask, 0};
  if (const int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, number, 1, &rule); rc != 0) {
    return std::unexpected(fmt::format("seccomp: cannot allow {}: {}", name, std::strerror(-rc)));
  }
  return {};
}

std::expected<void, std::string> add_rules(scmp_filter_ctx ctx) {
  for (const char* name : kAllowed) {
    if (auto r = allow(ctx, name); !r) return r;
  }
  constexpr scmp_datum_t kWriting = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
  if (auto r = allow_when_clear(ctx, "openat", 2, kWriting); !r) return r;
  if (auto r = allow_when_clear(ctx, "open", 1, kWriting); !r) return r;
  if (auto r = allow_when_clear(ctx, "mmap", 2, PROT_EXEC); !r) return r;
  return allow_when_clear(ctx, "mprotect", 2, PROT_EXEC);
}

}  // namespace

std::expected<void, std::string> install_serving_filter(int report_fd) {
  g_report_fd = report_fd;
  struct sigaction action{};
  action.sa_sigaction = on_forbidden_syscall;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGSYS, &action, nullptr) != 0) {
    return std::unexpected(fmt::format("cannot handle SIGSYS: {}", std::strerror(errno)));
  }
  const std::unique_ptr<void, FilterDeleter> ctx(seccomp_init(SCMP_ACT_TRAP));
  if (!ctx) return std::unexpected(std::string("seccomp_init failed"));
  if (auto r = add_rules(ctx.get()); !r) return r;
  if (const int rc = seccomp_load(ctx.get()); rc != 0) {
    return std::unexpected(
        fmt::format("cannot load the seccomp filter: {}", std::strerror(-rc)));
  }
  return {};
}

std::string syscall_name(int number) {
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number);
  std::string text = name != nullptr ? fmt::format("{} ({})", name, number)
                                     : fmt::format("system call {}", number);
  std::free(name);
  return text;
}

}  // namespace pong::sys
