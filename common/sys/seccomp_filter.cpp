#include "sys/seccomp_filter.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
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
    "close", "lseek", "fstat", "newfstatat", "statx", "stat",
    // Memory: the allocator (mmap and mprotect are limited to
    // non-executable pages below).
    "brk", "munmap", "mremap", "madvise",
    // Clocks (usually the vDSO, but libc falls back to the call).
    "clock_gettime", "clock_getres", "gettimeofday", "time", "clock_nanosleep", "nanosleep",
    // Signals, and the SIGSYS handler's own way out: raise(3) blocks
    // signals and calls tgkill (limited to this process below). Not
    // rt_sigaction: no handler, SIGSYS's above all, can be changed.
    "rt_sigprocmask", "rt_sigreturn", "restart_syscall", "getpid", "gettid", "sched_yield",
    "getrandom",
    // Sanitizer builds (ASan) check the alternate signal stack.
    "sigaltstack",
    // Leaving.
    "exit", "exit_group"};

volatile int g_report_fd = -1;

// si_code of a SIGSYS raised by a seccomp filter (asm-generic/siginfo.h,
// which glibc's headers do not expose).
constexpr int kSigsysFromSeccomp = 1;

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

// Installed with SA_RESETHAND: SIGSYS is back to its default action when
// this runs, and blocked until it returns.
void on_forbidden_syscall(int /*signal*/, siginfo_t* info, void* /*context*/) {
  const int number = info->si_syscall;
  const int fd = g_report_fd;
  if (info->si_code != kSigsysFromSeccomp) {
    // A SIGSYS sent by someone (kill -SYS): nothing to report.
  } else if (fd >= 0) {
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
  ::raise(SIGSYS);
}

struct FilterDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

// Allows `name`, only when `condition` holds if one is given. A name this
// architecture does not have is skipped.
std::expected<void, std::string> allow(scmp_filter_ctx ctx, const char* name,
                                       std::optional<scmp_arg_cmp> condition = std::nullopt) {
  const int number = seccomp_syscall_resolve_name(name);
  if (number == __NR_SCMP_ERROR) return {};
  const unsigned count = condition ? 1 : 0;
  const scmp_arg_cmp* conditions = condition ? &*condition : nullptr;
  if (const int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, number, count, conditions);
      rc != 0) {
    return std::unexpected(fmt::format("seccomp: cannot allow {}: {}", name, std::strerror(-rc)));
  }
  return {};
}

// Argument `arg` has none of the bits of `mask`.
constexpr scmp_arg_cmp bits_clear(unsigned arg, scmp_datum_t mask) {
  return {arg, SCMP_CMP_MASKED_EQ, mask, 0};
}

// What --metrics-listen's threads call once the listener is open: the
// accept loop and each connection's reads and writes (civetweb 1.15 on
// Linux). Socket options are allowed below at the SOL_SOCKET level only.
constexpr std::array kTcpListener = {"accept",   "accept4", "getsockname", "getpeername",
                                     "shutdown", "fcntl",   "recvfrom",    "sendto"};
// Reading the process's own user and group ids.
constexpr std::array kIdentity = {"getuid", "geteuid", "getgid", "getegid"};
constexpr std::array kWriteFiles = {"rename", "renameat", "renameat2",
                                    "unlink", "unlinkat", "fchmod"};

std::expected<void, std::string> allow_all(scmp_filter_ctx ctx,
                                           std::span<const char* const> names) {
  for (const char* name : names) {
    if (auto r = allow(ctx, name); !r) return r;
  }
  return {};
}

std::expected<void, std::string> add_optional_rules(scmp_filter_ctx ctx,
                                                    const SandboxNeeds& needs) {
  // SO_KEEPALIVE, SO_LINGER, SO_SNDBUF... but never IPPROTO_IP options such
  // as IP_HDRINCL, which would let the raw sockets write whole IP headers.
  if (needs.tcp_listener || needs.notify_socket) {
    const scmp_arg_cmp socket_level{1, SCMP_CMP_EQ, SOL_SOCKET, 0};
    if (auto r = allow(ctx, "getsockopt", socket_level); !r) return r;
    if (auto r = allow(ctx, "setsockopt", socket_level); !r) return r;
  }
  if (needs.tcp_listener) {
    if (auto r = allow_all(ctx, kTcpListener); !r) return r;
  }
  if (needs.write_files) {
    if (auto r = allow_all(ctx, kWriteFiles); !r) return r;
    // O_WRONLY | O_CREAT | O_TRUNC, never O_RDWR or O_APPEND.
    constexpr scmp_datum_t kOther = O_RDWR | O_APPEND;
    if (auto r = allow(ctx, "openat", bits_clear(2, kOther)); !r) return r;
    if (auto r = allow(ctx, "open", bits_clear(1, kOther)); !r) return r;
  }
  if (needs.notify_socket) {
    // sd_notify(3) of libsystemd 252, per message: socket(AF_UNIX,
    // SOCK_DGRAM), its send buffer's size (SOL_SOCKET options), the
    // process's ids (for the credentials it may attach), sendmsg, close.
    const scmp_arg_cmp unix_domain{0, SCMP_CMP_EQ, AF_UNIX, 0};
    if (auto r = allow(ctx, "socket", unix_domain); !r) return r;
    if (auto r = allow_all(ctx, kIdentity); !r) return r;
  }
  return {};
}

std::expected<void, std::string> add_rules(scmp_filter_ctx ctx, const SandboxNeeds& needs) {
  if (auto r = add_optional_rules(ctx, needs); !r) return r;
  for (const char* name : kAllowed) {
    if (auto r = allow(ctx, name); !r) return r;
  }
  // Reading files, never writing or creating one; memory, never executable.
  constexpr scmp_datum_t kWriting = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;
  if (auto r = allow(ctx, "openat", bits_clear(2, kWriting)); !r) return r;
  if (auto r = allow(ctx, "open", bits_clear(1, kWriting)); !r) return r;
  if (auto r = allow(ctx, "mmap", bits_clear(2, PROT_EXEC)); !r) return r;
  if (auto r = allow(ctx, "mprotect", bits_clear(2, PROT_EXEC)); !r) return r;
  // tgkill(tgid, ...): signals to this process only, never to the monitor
  // or to another process of the same user.
  const scmp_arg_cmp this_process{0, SCMP_CMP_EQ, static_cast<scmp_datum_t>(::getpid()), 0};
  return allow(ctx, "tgkill", this_process);
}

}  // namespace

std::expected<void, std::string> install_serving_filter(int report_fd, const SandboxNeeds& needs) {
  g_report_fd = report_fd;
  struct sigaction action {};
  action.sa_sigaction = on_forbidden_syscall;
  action.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  if (::sigaction(SIGSYS, &action, nullptr) != 0) {
    return std::unexpected(fmt::format("cannot handle SIGSYS: {}", std::strerror(errno)));
  }
  const std::unique_ptr<void, FilterDeleter> ctx(seccomp_init(SCMP_ACT_TRAP));
  if (!ctx) return std::unexpected(std::string("seccomp_init failed"));
  if (auto r = add_rules(ctx.get(), needs); !r) return r;
  // Every thread of the process, the log's writer too, gets the filter.
  if (const int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_TSYNC, 1); rc != 0) {
    return std::unexpected(fmt::format("seccomp: cannot sync threads: {}", std::strerror(-rc)));
  }
  if (const int rc = seccomp_load(ctx.get()); rc != 0) {
    return std::unexpected(fmt::format("cannot load the seccomp filter: {}", std::strerror(-rc)));
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
