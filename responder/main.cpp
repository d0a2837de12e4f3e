// pong: answers ICMP Echo Requests from user space, in place of the kernel.
// This file only turns options into parts and wires them together.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "responder.hpp"
#include "sys/capabilities.hpp"
#include "sys/log.hpp"
#include "sys/signal_fd.hpp"
#include "sys/sysctl.hpp"
#include "sys/unique_fd.hpp"

namespace {

constexpr const char* kEchoIgnoreAll = "net.ipv4.icmp_echo_ignore_all";
constexpr const char* kEchoIgnoreBroadcasts = "net.ipv4.icmp_echo_ignore_broadcasts";
constexpr int kStartupError = 2;

}  // namespace

static int run_pong(int argc, char** argv) {
  CLI::App app{
      "pong: a user-space ICMP echo responder. It answers IPv4 Echo Requests on a raw socket "
      "in place of the kernel, logs each one and counts what it drops.\n"
      "Example: sudo pong --take-over"};
  app.set_version_flag("-V,--version", std::string("pong ") + PONG_VERSION);

  bool quiet = false;
  bool take_over = false;
  std::string broadcasts = "auto";
  std::string log_level = "info";
  std::size_t payload_bytes = 32;
  app.add_flag("-q,--quiet", quiet, "Do not log each request; start-up notes and counters remain");
  app.add_flag("--take-over", take_over,
               "Set net.ipv4.icmp_echo_ignore_all=1 while pong runs, so the kernel stops "
               "answering, and restore the value it found on exit");
  app.add_option("--broadcasts", broadcasts,
                 "Echo Requests sent to broadcast or multicast addresses: 'auto' follows "
                 "net.ipv4.icmp_echo_ignore_broadcasts like the kernel, 'answer' or 'ignore'")
      ->check(CLI::IsMember({"auto", "answer", "ignore"}))
      ->capture_default_str();
  app.add_option("--log-level", log_level, "Logging level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--payload-bytes", payload_bytes,
                 "Show at most this many payload bytes per log line (longer payloads are cut "
                 "and their full length given)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kStartupError;
  }

  pong::sys::setup_logging(spdlog::level::from_str(log_level));
  // A log reader that goes away (pong | head, a dropped ssh session) must
  // not kill pong with SIGPIPE before it restores what it changed; a failed
  // write is then just a failed write.
  std::signal(SIGPIPE, SIG_IGN);

  if (!pong::sys::has_effective_capability(CAP_NET_RAW)) {
    spdlog::error(
        "pong needs CAP_NET_RAW to open a raw ICMP socket: run it as root, or grant it once "
        "with 'sudo setcap cap_net_raw+ep {}'",
        argv[0]);
    return kStartupError;
  }

  // SIGINT, SIGTERM and SIGHUP stop pong; SIGUSR1 prints the counters.
  auto signal_fd = pong::sys::open_signal_fd({SIGINT, SIGTERM, SIGHUP, SIGUSR1});
  if (!signal_fd) {
    spdlog::error("cannot set up signal handling");
    return kStartupError;
  }

  // RFC 1122 3.2.2.6: "Every host MUST implement an ICMP Echo server". On
  // Linux that is the kernel; pong replaces it only when the kernel is told
  // to stand aside, otherwise every request gets two replies.
  std::optional<pong::sys::ScopedSysctl> kernel_echo_off;
  if (take_over) {
    auto scoped = pong::sys::ScopedSysctl::set(kEchoIgnoreAll, "1");
    if (!scoped) {
      spdlog::error("cannot take over from the kernel's echo: {}", scoped.error());
      return kStartupError;
    }
    kernel_echo_off.emplace(std::move(*scoped));
    if (kernel_echo_off->original()) {
      spdlog::info("kernel echo turned off ({}=1); {} will be restored on exit", kEchoIgnoreAll,
                   *kernel_echo_off->original());
    }
  } else if (auto value = pong::sys::read_sysctl(kEchoIgnoreAll); value && *value == "0") {
    spdlog::warn(
        "the kernel still answers echo requests ({}=0): clients will get two replies and show "
        "DUP!. Run pong with --take-over, or set it with 'sysctl -w {}=1'",
        kEchoIgnoreAll, kEchoIgnoreAll);
  }

  pong::responder::Options options;
  options.log_each_request = !quiet;
  options.payload_preview_bytes = payload_bytes;
  if (broadcasts == "auto") {
    const auto ignore = pong::sys::read_sysctl(kEchoIgnoreBroadcasts);
    options.policy.answer_non_unicast = ignore && *ignore == "0";
  } else {
    options.policy.answer_non_unicast = broadcasts == "answer";
  }

  auto responder = pong::responder::Responder::open(options);
  if (!responder) {
    spdlog::error("{}", responder.error());
    return kStartupError;
  }
  // The socket is open; pong needs no privilege from here on. Restoring the
  // sysctl on exit needs none either when pong runs as root (/proc/sys/net
  // is writable by the root user of the namespace), but a non-root pong
  // that took over with CAP_NET_ADMIN keeps its capabilities to give the
  // kernel its echo back.
  if (!kernel_echo_off || geteuid() == 0) {
    if (auto dropped = pong::sys::drop_all_capabilities(); !dropped) {
      spdlog::warn("{}", dropped.error());
    }
  }

  spdlog::info("pong {} answering ICMP echo requests on all IPv4 addresses", PONG_VERSION);
  spdlog::info(
      "each line: N bytes = identifier + sequence + data (the echo body; the ICMP message is "
      "N+4 bytes); pid = ICMP identifier");
  spdlog::default_logger_raw()->flush();

  const auto result = (*responder)->run(signal_fd->get());
  (*responder)->log_counters();
  if (kernel_echo_off) {
    const bool changed = kernel_echo_off->original().has_value();
    const std::string original = changed ? *kernel_echo_off->original() : "";
    if (auto restored = kernel_echo_off->restore(); !restored) {
      spdlog::error("{}", restored.error());
      return 1;
    }
    if (changed) spdlog::info("restored {}={}", kEchoIgnoreAll, original);
  }
  if (!result) {
    spdlog::error("{}", result.error());
    return 1;
  }
  spdlog::default_logger_raw()->flush();
  return 0;
}

int main(int argc, char** argv) {
  // Nothing on the packet path throws; this catches start-up failures such
  // as std::bad_alloc, after the stack (and so the sysctl guard, which
  // restores what pong changed) has been unwound.
  try {
    return run_pong(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pong: %s\n", e.what());
    return 1;
  }
}
