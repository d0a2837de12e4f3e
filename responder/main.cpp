// pong: answers ICMP and ICMPv6 Echo Requests from user space, in place of
// the kernel. This file only turns options into parts and wires them
// together.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "admission_setup.hpp"
#include "kernel_echo.hpp"
#include "responder.hpp"
#include "service.hpp"
#include "sys/capabilities.hpp"
#include "sys/log.hpp"
#include "sys/raw_socket.hpp"
#include "sys/signal_fd.hpp"

namespace {

using pong::responder::Follow;
using pong::wire::IpFamily;

constexpr int kStartupError = 2;

Follow follow(const std::string& choice) {
  return choice == "answer"   ? Follow::kAnswer
         : choice == "ignore" ? Follow::kIgnore
                              : Follow::kAuto;
}

struct CommandLine {
  bool quiet = false;
  bool take_over = false;
  bool ipv4_only = false;
  bool ipv6_only = false;
  std::string broadcasts = "auto";
  std::string ipv6_multicast = "auto";
  std::string ipv6_anycast = "auto";
  std::string log_level = "info";
  std::size_t payload_bytes = 32;
  pong::responder::AdmissionFlags admission;
};

void add_options(CLI::App& app, CommandLine& cl) {
  app.add_flag("-q,--quiet", cl.quiet,
               "Do not log each request; start-up notes and counters remain");
  auto* v4 = app.add_flag("-4", cl.ipv4_only, "Serve IPv4 only");
  app.add_flag("-6", cl.ipv6_only, "Serve IPv6 only")->excludes(v4);
  app.add_flag("--take-over", cl.take_over,
               "Set net.ipv4.icmp_echo_ignore_all=1 and net.ipv6.icmp.echo_ignore_all=1 (for the "
               "families served) while pong runs, so the kernel stops answering, and restore the "
               "values it found on exit");
  app.add_option("--broadcasts", cl.broadcasts,
                 "IPv4 Echo Requests sent to broadcast or multicast addresses: 'auto' follows "
                 "net.ipv4.icmp_echo_ignore_broadcasts like the kernel, 'answer' or 'ignore'")
      ->check(CLI::IsMember({"auto", "answer", "ignore"}))
      ->capture_default_str();
  app.add_option("--ipv6-multicast", cl.ipv6_multicast,
                 "IPv6 Echo Requests sent to multicast addresses (ff02::1...): 'auto' follows "
                 "net.ipv6.icmp.echo_ignore_multicast like the kernel (which answers them by "
                 "default), 'answer' or 'ignore'")
      ->check(CLI::IsMember({"auto", "answer", "ignore"}))
      ->capture_default_str();
  app.add_option("--ipv6-anycast", cl.ipv6_anycast,
                 "IPv6 Echo Requests sent to anycast addresses of this host: 'auto' follows "
                 "net.ipv6.icmp.echo_ignore_anycast like the kernel, 'answer' or 'ignore'")
      ->check(CLI::IsMember({"auto", "answer", "ignore"}))
      ->capture_default_str();
  app.add_option("--allow", cl.admission.allow,
                 "Answer only sources inside this prefix (IPv4 or IPv6 CIDR, or one address); "
                 "repeatable. Default: everyone")
      ->take_all();
  app.add_option("--deny", cl.admission.deny,
                 "Never answer sources inside this prefix; repeatable. Deny wins over allow")
      ->take_all();
  app.add_option("--acl-file", cl.admission.acl_file,
                 "Read allow/deny rules from this file: one 'allow CIDR' or 'deny CIDR' per line, "
                 "# starts a comment");
  app.add_option("--rate", cl.admission.rate,
                 "Answer each source (an IPv4 address, or an IPv6 /64) at most N times a second, "
                 "e.g. 20/s. Default: no limit, as the kernel");
  app.add_option("--burst", cl.admission.burst,
                 "With --rate: how many requests a source may send at once (default: one "
                 "second's worth)")
      ->check(CLI::Range(1.0, 1e9));
  app.add_option("--rate-table", cl.admission.rate_table,
                 "With --rate: how many sources are tracked at once, in memory fixed at start-up; "
                 "past that the least recently seen source of a slot's set is forgotten")
      ->check(CLI::Range(std::size_t{8}, std::size_t{1} << 24))
      ->capture_default_str();
  app.add_option("--global-rate", cl.admission.global_rate,
                 "Answer at most N requests a second in all, e.g. 1000/s. Default: no limit");
  app.add_option("--log-level", cl.log_level, "Logging level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--payload-bytes", cl.payload_bytes,
                 "Show at most this many payload bytes per log line (longer payloads are cut "
                 "and their full length given)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
}

// The families to serve: both by default, IPv4 alone (with one line
// saying why) where the host has no IPv6. Empty with a message on error.
std::optional<std::vector<IpFamily>> choose_families(const CommandLine& cl) {
  const auto no_ipv6 = pong::responder::ipv6_unavailable_reason();
  if (cl.ipv4_only) return std::vector{IpFamily::kIpv4};
  if (cl.ipv6_only) {
    if (no_ipv6) {
      spdlog::error("cannot serve IPv6 (-6): {}", *no_ipv6);
      return std::nullopt;
    }
    return std::vector{IpFamily::kIpv6};
  }
  if (no_ipv6) {
    spdlog::info("serving IPv4 only: {}", *no_ipv6);
    return std::vector{IpFamily::kIpv4};
  }
  return std::vector{IpFamily::kIpv4, IpFamily::kIpv6};
}

pong::responder::Options responder_options(const CommandLine& cl, IpFamily family,
                                           pong::policy::Admission* admission) {
  pong::responder::Options options;
  options.admission = admission;
  options.log_each_request = !cl.quiet;
  options.payload_preview_bytes = cl.payload_bytes;
  const Follow non_unicast = follow(family == IpFamily::kIpv4 ? cl.broadcasts : cl.ipv6_multicast);
  const Follow anycast = follow(cl.ipv6_anycast);
  options.read_policy = [=] { return pong::responder::echo_policy(family, non_unicast, anycast); };
  options.policy = options.read_policy();
  return options;
}

std::expected<std::unique_ptr<pong::responder::BatchServer>, std::string> open_responder(
    const CommandLine& cl, IpFamily family, pong::policy::Admission* admission) {
  using namespace pong::responder;
  const Options options = responder_options(cl, family, admission);
  if (family == IpFamily::kIpv4) {
    auto r = Responder<Ipv4Family>::open(options);
    if (!r) return std::unexpected(r.error());
    return std::unique_ptr<BatchServer>(std::move(*r));
  }
  auto r = Responder<Ipv6Family>::open(options);
  if (!r) return std::unexpected(r.error());
  return std::unique_ptr<BatchServer>(std::move(*r));
}

// One engine per family; empty (after logging why) if a socket cannot be opened.
std::optional<std::vector<std::unique_ptr<pong::responder::BatchServer>>> open_servers(
    const CommandLine& cl, const std::vector<IpFamily>& families,
    pong::policy::Admission* admission) {
  std::vector<std::unique_ptr<pong::responder::BatchServer>> servers;
  for (const auto family : families) {
    auto server = open_responder(cl, family, admission);
    if (!server) {
      spdlog::error("{}", server.error());
      return std::nullopt;
    }
    servers.push_back(std::move(*server));
  }
  return servers;
}

// RFC 1122 3.2.2.6: "Every host MUST implement an ICMP Echo server"; RFC
// 4443 4.1: "Every node MUST implement an ICMPv6 Echo responder". On Linux
// that is the kernel; pong replaces it only when the kernel is told to
// stand aside, otherwise every request gets two replies. With --take-over
// pong tells it; without, it warns. False (after logging why) on failure.
bool take_over_or_warn(const CommandLine& cl, const std::vector<IpFamily>& families,
                       std::optional<pong::responder::KernelEchoTakeOver>& take_over) {
  if (!cl.take_over) {
    pong::responder::warn_if_kernel_answers(families);
    return true;
  }
  auto taken = pong::responder::KernelEchoTakeOver::take(families);
  if (!taken) {
    spdlog::error("cannot take over from the kernel's echo: {}", taken.error());
    return false;
  }
  take_over.emplace(std::move(*taken));
  return true;
}

std::string_view families_text(const std::vector<IpFamily>& families) {
  if (families.size() == 2) return "IPv4 and IPv6";
  return families[0] == IpFamily::kIpv4 ? "IPv4" : "IPv6";
}

}  // namespace

static int run_pong(int argc, char** argv) {
  CLI::App app{
      "pong: a user-space ICMP echo responder. It answers IPv4 and IPv6 Echo Requests on raw "
      "sockets in place of the kernel, logs each one and counts what it drops.\n"
      "Example: sudo pong --take-over"};
  app.set_version_flag("-V,--version", std::string("pong ") + PONG_VERSION);
  CommandLine cl;
  add_options(app, cl);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kStartupError;
  }

  pong::sys::setup_logging(spdlog::level::from_str(cl.log_level));
  // A log reader that goes away (pong | head, a dropped ssh session) must
  // not kill pong with SIGPIPE before it restores what it changed; a failed
  // write is then just a failed write.
  std::signal(SIGPIPE, SIG_IGN);

  // Rules and limits first: a bad one is refused before anything changes.
  auto admission_config = pong::responder::admission_config(cl.admission);
  if (!admission_config) {
    spdlog::error("{}", admission_config.error());
    return kStartupError;
  }
  pong::policy::Admission admission(std::move(*admission_config));

  if (!pong::sys::has_effective_capability(CAP_NET_RAW)) {
    spdlog::error(
        "pong needs CAP_NET_RAW to open a raw ICMP socket: run it as root, or grant it once "
        "with 'sudo setcap cap_net_raw+ep {}'",
        argv[0]);
    return kStartupError;
  }
  const auto families = choose_families(cl);
  if (!families) return kStartupError;

  // SIGINT, SIGTERM and SIGHUP stop pong; SIGUSR1 prints the counters.
  auto signal_fd = pong::sys::open_signal_fd({SIGINT, SIGTERM, SIGHUP, SIGUSR1});
  if (!signal_fd) {
    spdlog::error("cannot set up signal handling");
    return kStartupError;
  }

  std::optional<pong::responder::KernelEchoTakeOver> take_over;
  if (!take_over_or_warn(cl, *families, take_over)) return kStartupError;
  const auto owned = open_servers(cl, *families, &admission);
  if (!owned) return kStartupError;
  std::vector<pong::responder::BatchServer*> servers;
  for (const auto& server : *owned) servers.push_back(server.get());
  // The sockets are open; pong needs no privilege from here on. Restoring
  // the sysctls on exit needs none either when pong runs as root
  // (/proc/sys/net is writable by the root user of the namespace), but a
  // non-root pong that took over with CAP_NET_ADMIN keeps its capabilities
  // to give the kernel its echo back.
  if (!take_over || geteuid() == 0) {
    if (auto dropped = pong::sys::drop_all_capabilities(); !dropped) {
      spdlog::warn("{}", dropped.error());
    }
  }

  spdlog::info("pong {} answering ICMP echo requests on all {} addresses", PONG_VERSION,
               families_text(*families));
  spdlog::info(
      "each line: N bytes = identifier + sequence + data (the echo body; the ICMP message is "
      "N+4 bytes); pid = ICMP identifier");
  spdlog::default_logger_raw()->flush();

  const auto result = pong::responder::serve(servers, signal_fd->get());
  pong::responder::log_counters(servers);
  if (!result) spdlog::error("{}", result.error());
  if (take_over && !take_over->restore()) return 1;
  if (!result) return 1;
  spdlog::default_logger_raw()->flush();
  return 0;
}

int main(int argc, char** argv) {
  // Nothing on the packet path throws; this catches start-up failures such
  // as std::bad_alloc, after the stack (and so the sysctl guards, which
  // restore what pong changed) has been unwound.
  try {
    return run_pong(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pong: %s\n", e.what());
    return 1;
  }
}
