// pong: answers ICMP and ICMPv6 Echo Requests from user space, in place of
// the kernel. This file only turns options into parts and wires them
// together.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "admission_setup.hpp"
#include "kernel_echo.hpp"
#include "metrics.hpp"
#include "metrics_export.hpp"
#include "monitor.hpp"
#include "request_log.hpp"
#include "responder.hpp"
#include "service.hpp"
#include "sys/capabilities.hpp"
#include "sys/log.hpp"
#include "sys/privileges.hpp"
#include "sys/raw_socket.hpp"
#include "sys/seccomp_filter.hpp"
#include "sys/signal_fd.hpp"
#include "sys/systemd_notify.hpp"
#include "test_fault.hpp"

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
  std::string log_format = "text";
  std::string log_rate = "100/s";
  std::size_t payload_bytes = 32;
  std::string user = "nobody";
  bool user_given = false;
  bool seccomp = true;
  unsigned busy_poll_us = 0;
  std::size_t batch = pong::responder::kDefaultBatch;
  pong::responder::AdmissionFlags admission;
  std::string metrics_listen;
  std::string metrics_file;
  double metrics_interval_s = 10;
};

// --busy-poll given without a value.
constexpr unsigned kDefaultBusyPollUs = 200;
// Request lines the log's writer thread may have queued; past that new
// lines are dropped and counted.
constexpr std::size_t kLogQueueLines = 8192;

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
  app.add_option("--log-rate", cl.log_rate,
                 "Write at most N request lines a second (e.g. 100/s), or 'unlimited'. Lines over "
                 "the cap are counted, and one line a second says how many were held back and "
                 "from how many sources")
      ->capture_default_str();
  app.add_option("--user", cl.user,
                 "When started as root: the user that serves, once the sockets are open (with no "
                 "capabilities, no_new_privs and the seccomp filter)")
      ->capture_default_str();
  app.add_flag("!--no-seccomp", cl.seccomp,
               "Serve without the seccomp allow-list of system calls (for debugging: a call "
               "outside the list otherwise kills the serving process)");
  app.add_option("--busy-poll", cl.busy_poll_us,
                 "After answering, keep polling the sockets for this many microseconds (default "
                 "200 when given without a value) before sleeping: lower latency when requests "
                 "come often, for up to that much CPU time after each batch. Off by default")
      ->expected(0, 1)
      ->default_str(std::to_string(kDefaultBusyPollUs))
      ->check(CLI::Range(1U, 1'000'000U));
  app.add_option("--batch", cl.batch,
                 "Requests read with one recvmmsg and replies sent with one sendmmsg, at most")
      ->check(CLI::Range(std::size_t{1}, pong::responder::kMaxBatch))
      ->capture_default_str();
  app.add_option("--metrics-listen", cl.metrics_listen,
                 "Serve Prometheus metrics on http://ADDRESS:PORT/metrics, e.g. 127.0.0.1:9469 "
                 "or [::1]:9469. Off by default; bind it to loopback or a management network");
  auto* metrics_file = app.add_option(
      "--metrics-file", cl.metrics_file,
      "Write the same metrics to this file every --metrics-interval seconds, replacing "
      "it atomically (for node_exporter's textfile collector: a .prom file in its "
      "directory, writable by the serving user)");
  app.add_option("--metrics-interval", cl.metrics_interval_s,
                 "Seconds between two writes of --metrics-file")
      ->needs(metrics_file)
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app.add_option("--log-level", cl.log_level, "Logging level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--log-format", cl.log_format,
                 "'text' (the default) or 'json': one JSON object per line, with time, level, "
                 "event and the request's fields, for log shippers")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--payload-bytes", cl.payload_bytes,
                 "Show at most this many payload bytes per log line (longer payloads are cut "
                 "and their full length given)")
      ->check(CLI::Range(std::size_t{0}, pong::responder::kPayloadPreviewCapacity))
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

// The parts both families share: who is answered, and the request log.
struct Shared {
  pong::policy::Admission* admission;
  pong::responder::RequestLog* request_log;
};

pong::responder::Options responder_options(const CommandLine& cl, IpFamily family,
                                           const Shared& shared) {
  pong::responder::Options options;
  options.admission = shared.admission;
  options.request_log = shared.request_log;
  options.batch = cl.batch;
  options.busy_poll = std::chrono::microseconds{cl.busy_poll_us};
  const Follow non_unicast = follow(family == IpFamily::kIpv4 ? cl.broadcasts : cl.ipv6_multicast);
  const Follow anycast = follow(cl.ipv6_anycast);
  options.read_policy = [=] { return pong::responder::echo_policy(family, non_unicast, anycast); };
  options.policy = options.read_policy();
  return options;
}

std::expected<std::unique_ptr<pong::responder::BatchServer>, std::string> open_responder(
    const CommandLine& cl, IpFamily family, const Shared& shared) {
  using namespace pong::responder;
  const Options options = responder_options(cl, family, shared);
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
    const CommandLine& cl, const std::vector<IpFamily>& families, const Shared& shared) {
  std::vector<std::unique_ptr<pong::responder::BatchServer>> servers;
  for (const auto family : families) {
    auto server = open_responder(cl, family, shared);
    if (!server) {
      spdlog::error("{}", server.error());
      return std::nullopt;
    }
    servers.push_back(std::move(*server));
  }
  return servers;
}

std::string_view families_text(const std::vector<IpFamily>& families) {
  if (families.size() == 2) return "IPv4 and IPv6";
  return families[0] == IpFamily::kIpv4 ? "IPv4" : "IPv6";
}

// --log-rate: "unlimited", or lines per second with a second's worth of burst.
std::expected<pong::policy::LogLimiter, std::string> log_limiter(const std::string& text) {
  if (text == "unlimited") return pong::policy::LogLimiter{};
  const auto rate = pong::responder::parse_rate(text, "--log-rate", "lines");
  if (!rate) return std::unexpected(rate.error());
  return pong::policy::LogLimiter(pong::policy::RateLimit{*rate, std::max(1.0, *rate)});
}

// Who serves: --user when pong starts as root; otherwise pong already runs
// unprivileged (setcap, or systemd's DynamicUser) and stays who it is.
std::expected<std::optional<pong::sys::UserIdentity>, std::string> serving_user(
    const CommandLine& cl) {
  if (::geteuid() != 0) {
    if (cl.user_given) {
      return std::unexpected(fmt::format(
          "--user {}: pong can change user only when started as root (it runs as uid {})", cl.user,
          ::geteuid()));
    }
    return std::nullopt;
  }
  auto user = pong::sys::look_up_user(cl.user);
  if (!user) return std::unexpected(user.error());
  if (user->uid == 0) {
    return std::unexpected(fmt::format(
        "--user {}: the process that parses packets must not be root; give an unprivileged "
        "user (the default is nobody)",
        cl.user));
  }
  return std::optional(std::move(*user));
}

// Everything the serving process needs from start-up.
struct ServingSetup {
  const CommandLine& cl;
  const std::vector<IpFamily>& families;
  Shared shared;
  std::optional<pong::sys::UserIdentity> user;
  std::optional<pong::responder::ListenAddress> metrics_listen;
  std::chrono::system_clock::time_point started;
  // Read from the environment before --take-over forks: sd_watchdog_enabled
  // answers only the process systemd started.
  pong::sys::SystemdNotifier* notifier;
};

// --metrics-listen and --metrics-file, reading the servers' counters
// through one collector. Stopped before the servers and the request log.
struct MetricsExport {
  std::shared_ptr<pong::responder::PongCollector> collector;
  std::unique_ptr<pong::responder::MetricsEndpoint> endpoint;
  std::unique_ptr<pong::responder::MetricsFile> file;

  void stop() {
    endpoint.reset();
    if (file) file->stop();
  }
};

// Starts what the options ask for; false (after logging why) on a failure.
bool start_metrics(const ServingSetup& setup,
                   std::span<pong::responder::BatchServer* const> servers, MetricsExport& out) {
  if (!setup.metrics_listen && setup.cl.metrics_file.empty()) return true;
  out.collector = std::make_shared<pong::responder::PongCollector>(
      servers, setup.shared.request_log, setup.started);
  if (setup.metrics_listen) {
    auto endpoint = pong::responder::MetricsEndpoint::start(*setup.metrics_listen, out.collector);
    if (!endpoint) {
      spdlog::error("{}", endpoint.error());
      return false;
    }
    out.endpoint = std::move(*endpoint);
    spdlog::info(
        "metrics on http://{}/metrics",
        pong::responder::listen_text({setup.metrics_listen->address, out.endpoint->port()}));
  }
  if (!setup.cl.metrics_file.empty()) {
    const auto interval =
        std::chrono::milliseconds(static_cast<std::int64_t>(setup.cl.metrics_interval_s * 1000));
    auto file = pong::responder::MetricsFile::start(setup.cl.metrics_file, interval, out.collector);
    if (!file) {
      spdlog::error("{}", file.error());
      return false;
    }
    out.file = std::move(*file);
    spdlog::info("metrics written to {} every {} s", setup.cl.metrics_file,
                 setup.cl.metrics_interval_s);
  }
  return true;
}

// The sockets are open: from here on the serving process needs no
// privilege at all. Then the seccomp filter. False (after logging why) if
// any step fails: pong does not serve half-sandboxed.
bool enter_sandbox(const ServingSetup& setup, const pong::responder::MonitorLink* monitor,
                   std::span<pong::responder::BatchServer* const> servers, MetricsExport& metrics) {
  const auto dropped = pong::sys::drop_privileges(setup.user);
  if (!dropped) {
    spdlog::error("{}", dropped.error());
    return false;
  }
  if (!dropped->bounding_set_emptied) {
    spdlog::warn(
        "without CAP_SETPCAP pong cannot empty its capability bounding set (no_new_privs keeps "
        "it from being used); grant it with 'setcap cap_net_raw,cap_setpcap+ep', or run as root");
  }
  if (monitor != nullptr && !pong::responder::die_with_monitor(monitor->monitor)) {
    spdlog::error("the monitor is gone; not serving without it");
    return false;
  }
  // The request log's writer thread: after the privileges went (it
  // inherits their loss), before the filter (which covers it too).
  if (auto r = setup.shared.request_log->start_writer(kLogQueueLines); !r) {
    spdlog::error("{}", r.error());
    return false;
  }
  // The metrics threads likewise.
  if (!start_metrics(setup, servers, metrics)) return false;
  pong::responder::arm_test_fault_from_environment();
  // Read now: the filter allows neither getuid nor anything else not
  // needed to serve.
  const auto pid = ::getpid();
  const auto uid = ::getuid();
  if (setup.cl.seccomp) {
    pong::sys::SandboxNeeds needs;
    needs.tcp_listener = metrics.endpoint != nullptr;
    needs.write_files = metrics.file != nullptr;
    needs.notify_socket = setup.notifier->active();
    if (auto r =
            pong::sys::install_serving_filter(monitor != nullptr ? monitor->report_fd : -1, needs);
        !r) {
      spdlog::error("{} (--no-seccomp serves without the filter)", r.error());
      return false;
    }
  }
  spdlog::info("serving process {}: uid {}, no capabilities{}, no_new_privs, {}", pid, uid,
               dropped->bounding_set_emptied ? "" : " (bounding set kept)",
               setup.cl.seccomp ? "seccomp allow-list on" : "seccomp OFF (--no-seccomp)");
  return true;
}

// The request log's own counters, after the families' (SIGUSR1, exit).
void log_request_log_counters(const pong::responder::RequestLog& request_log) {
  if (!request_log.enabled()) return;
  spdlog::info("request log: {} lines written, {} dropped because the writer fell behind",
               request_log.lines_written(), request_log.lines_dropped());
  spdlog::default_logger_raw()->flush();
}

// systemd's STATUS=: "IPv4: 5 received, 5 answered, 0 dropped; IPv6: ...".
std::string status_text(std::span<pong::responder::BatchServer* const> servers) {
  std::string text;
  for (const auto* server : servers) {
    const pong::responder::Counters& c = server->counters();
    if (!text.empty()) text += "; ";
    text += fmt::format("{}: {} received, {} answered, {} dropped", server->family_name(),
                        c.received.value(), c.answered.value(), c.dropped());
  }
  return text;
}

// Under systemd (Type=notify): READY=1 now, then from the packet loop the
// watchdog's WATCHDOG=1 and a STATUS= with the counters when due. Nothing
// without NOTIFY_SOCKET.
void notify_systemd_from_loop(pong::sys::SystemdNotifier& notifier,
                              std::span<pong::responder::BatchServer* const> servers,
                              pong::responder::ServiceOptions& service) {
  if (!notifier.active()) return;
  const auto now = [] { return std::chrono::steady_clock::now().time_since_epoch(); };
  if (auto r = notifier.ready(status_text(servers), now()); !r) spdlog::warn("{}", r.error());
  const auto wake = notifier.wake_interval();
  if (!wake) return;
  // A hung loop stops these, and systemd restarts pong.
  service.idle_interval = std::min(service.idle_interval, *wake);
  service.tick = [&notifier, servers, now] {
    const auto t = now();
    if (!notifier.due(t)) return;
    if (auto r = notifier.send_due(t, [servers] { return status_text(servers); }); !r) {
      spdlog::debug("{}", r.error());
    }
  };
}

// The serving process: opens the sockets, enters the sandbox and serves
// until a signal says stop. Returns the exit status.
int serve_pong(const ServingSetup& setup, const pong::responder::MonitorLink* monitor) {
  // SIGINT, SIGTERM and SIGHUP stop pong; SIGUSR1 prints the counters.
  auto signal_fd = pong::sys::open_signal_fd({SIGINT, SIGTERM, SIGHUP, SIGUSR1});
  if (!signal_fd) {
    spdlog::error("cannot set up signal handling");
    return kStartupError;
  }
  const auto owned = open_servers(setup.cl, setup.families, setup.shared);
  if (!owned) return kStartupError;
  std::vector<pong::responder::BatchServer*> servers;
  for (const auto& server : *owned) servers.push_back(server.get());
  MetricsExport metrics;
  if (!enter_sandbox(setup, monitor, servers, metrics)) {
    metrics.stop();
    return kStartupError;
  }

  spdlog::info("pong {} answering ICMP echo requests on all {} addresses", PONG_VERSION,
               families_text(setup.families));
  spdlog::info(
      "each line: N bytes = identifier + sequence + data (the echo body; the ICMP message is "
      "N+4 bytes); pid = ICMP identifier");
  if (setup.cl.busy_poll_us > 0) {
    spdlog::info("--busy-poll: after each batch pong polls without sleeping for {} us",
                 setup.cl.busy_poll_us);
  }
  spdlog::default_logger_raw()->flush();

  pong::responder::RequestLog& request_log = *setup.shared.request_log;
  const auto now = [] { return std::chrono::steady_clock::now().time_since_epoch(); };
  pong::responder::ServiceOptions service;
  service.busy_poll = std::chrono::microseconds{setup.cl.busy_poll_us};
  // With no request for a second, the lines the log cap held back are
  // still reported; without a cap there is nothing to report, and pong
  // sleeps until a request or a signal comes.
  if (request_log.needs_clock()) service.idle = [&] { request_log.summarize(now()); };
  service.report = [&] { log_request_log_counters(request_log); };
  notify_systemd_from_loop(*setup.notifier, servers, service);
  const auto result = pong::responder::serve(servers, signal_fd->get(), service);
  if (setup.notifier->active()) (void)setup.notifier->stopping("stopping");
  // The readers first: the metrics file gets the final counts, and nothing
  // reads the request log's writer once it is gone.
  metrics.stop();
  request_log.summarize(now(), true);
  // Every queued line is written before the counters.
  request_log.stop_writer();
  pong::responder::log_counters(servers);
  log_request_log_counters(request_log);
  if (!result) spdlog::error("{}", result.error());
  spdlog::default_logger_raw()->flush();
  return result ? 0 : 1;
}

// RFC 1122 3.2.2.6: "Every host MUST implement an ICMP Echo server"; RFC
// 4443 4.1: "Every node MUST implement an ICMPv6 Echo responder". On Linux
// that is the kernel; pong replaces it only when the kernel is told to
// stand aside, otherwise every request gets two replies. With --take-over
// pong tells it, and a monitor process gives the kernel its echo back when
// the serving process ends, however it ends; without, pong is one process
// and warns.
int serve_in_place_of_kernel(const ServingSetup& setup) {
  if (!setup.cl.take_over) {
    pong::responder::warn_if_kernel_answers(setup.families);
    return serve_pong(setup, nullptr);
  }
  // Signals first: from the moment the sysctls change, no signal may end
  // pong before the monitor can put them back.
  auto signals = pong::responder::MonitorSignals::block();
  if (!signals) {
    spdlog::error("cannot set up the monitor's signal handling");
    return kStartupError;
  }
  auto taken = pong::responder::KernelEchoTakeOver::take(setup.families);
  if (!taken) {
    spdlog::error("cannot take over from the kernel's echo: {}", taken.error());
    return kStartupError;
  }
  return pong::responder::run_under_monitor(
      std::move(*signals), *taken,
      [&setup](const pong::responder::MonitorLink& link) { return serve_pong(setup, &link); });
}

}  // namespace

static int run_pong(int argc, char** argv) {
  const auto started = std::chrono::system_clock::now();
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
  cl.user_given = app.count("--user") > 0;

  pong::sys::setup_logging(
      spdlog::level::from_str(cl.log_level),
      cl.log_format == "json" ? pong::sys::LogFormat::kJson : pong::sys::LogFormat::kText);
  // A log reader that goes away (pong | head, a dropped ssh session) must
  // not kill pong with SIGPIPE before it restores what it changed; a failed
  // write is then just a failed write.
  std::signal(SIGPIPE, SIG_IGN);

  // Rules, limits and the user first: a bad one is refused before
  // anything changes.
  auto admission_config = pong::responder::admission_config(cl.admission);
  if (!admission_config) {
    spdlog::error("{}", admission_config.error());
    return kStartupError;
  }
  pong::policy::Admission admission(std::move(*admission_config));
  auto limiter = log_limiter(cl.log_rate);
  if (!limiter) {
    spdlog::error("{}", limiter.error());
    return kStartupError;
  }
  pong::responder::RequestLog request_log(!cl.quiet, *limiter, cl.payload_bytes);
  auto user = serving_user(cl);
  if (!user) {
    spdlog::error("{}", user.error());
    return kStartupError;
  }

  std::optional<pong::responder::ListenAddress> metrics_listen;
  if (!cl.metrics_listen.empty()) {
    auto listen = pong::responder::parse_listen_address(cl.metrics_listen);
    if (!listen) {
      spdlog::error("{}", listen.error());
      return kStartupError;
    }
    metrics_listen = *listen;
  }

  if (!pong::sys::has_effective_capability(CAP_NET_RAW)) {
    spdlog::error(
        "pong needs CAP_NET_RAW to open a raw ICMP socket: run it as root, or grant it once "
        "with 'sudo setcap cap_net_raw+ep {}'",
        argv[0]);
    return kStartupError;
  }
  const auto families = choose_families(cl);
  if (!families) return kStartupError;

  auto notifier = pong::sys::SystemdNotifier::from_environment();
  const ServingSetup setup{
      cl,      *families, Shared{&admission, &request_log}, std::move(*user), metrics_listen,
      started, &notifier};
  return serve_in_place_of_kernel(setup);
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
