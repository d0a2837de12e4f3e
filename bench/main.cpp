// pong-bench: an ICMP echo load generator for measuring pong (or the
// kernel's own echo) from another network namespace. This file only turns
// options into a GeneratorSetup and prints the report.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <new>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "generator.hpp"
#include "host.hpp"
#include "report.hpp"
#include "run_config.hpp"
#include "sys/resolve.hpp"
#include "text/mac_address.hpp"

namespace {

using pong::bench::Mode;
namespace limits = pong::bench::limits;

constexpr int kSocketFailed = 1;
constexpr int kBadOptions = 2;

int fail(int status, const std::string& sentence) {
  fmt::print(stderr, "pong-bench: {}\n", sentence);
  return status;
}

struct CommandLine {
  std::string interface;
  std::string dst_mac;
  std::string target;
  std::optional<std::string> source;
  std::string mode = "closed";
  std::optional<std::uint32_t> window;
  std::optional<std::uint32_t> rate;
  double duration = 5;
  std::uint64_t count = 10'000'000;
  std::uint32_t timeout_ms = 1000;
  std::size_t size = 56;
  std::uint32_t batch = 32;
  std::optional<std::uint16_t> id;
};

constexpr const char* kDescription =
    "pong-bench: sends ICMP Echo Requests as fast as asked and checks every reply, to measure "
    "an echo responder (pong, or the kernel's own echo) from another network namespace.\n"
    "Requests leave through an AF_PACKET socket on --interface to --dst-mac as prebuilt IP "
    "datagrams (sendmmsg); replies are read from a raw ICMP socket (recvmmsg) with the "
    "kernel's receive timestamps. It refuses to run in the initial network namespace unless "
    "the interface is loopback.\n"
    "Example: pong-bench --interface eth0 --dst-mac 02:00:00:00:00:03 --target 10.120.0.3 "
    "--mode open --rate 100000 --duration 3";

void add_options(CLI::App& app, CommandLine& cl) {
  app.add_option("--interface", cl.interface, "Interface the requests go out of")->required();
  app.add_option("--dst-mac", cl.dst_mac,
                 "Ethernet address of the next hop (e.g. the peer's /sys/class/net/eth0/address)")
      ->required();
  app.add_option("--target", cl.target, "IPv4 or IPv6 address to ping; the family follows")
      ->required();
  app.add_option("--source", cl.source,
                 "Source address of the requests (default: the one the kernel would use towards "
                 "the target)");
  app.add_option("--mode", cl.mode,
                 "closed: keep --window requests in flight; open: send --rate requests per "
                 "second whatever comes back (past the responder's capacity: overload)")
      ->check(CLI::IsMember({"closed", "open"}))
      ->capture_default_str();
  app.add_option("--window", cl.window, "closed mode: requests in flight (default 64)")
      ->check(CLI::Range(std::uint32_t{1}, limits::kMaxWindow));
  app.add_option("--rate", cl.rate, "open mode: requests per second (default 10000)")
      ->check(CLI::Range(std::uint32_t{1}, limits::kMaxRate));
  app.add_option("--duration", cl.duration, "Seconds to send for")
      ->check(CLI::Range(0.001, limits::kMaxDurationSeconds))
      ->capture_default_str();
  app.add_option("--count", cl.count, "Requests to send at most")
      ->check(CLI::Range(std::uint64_t{1}, limits::kMaxCount))
      ->capture_default_str();
  app.add_option("--timeout", cl.timeout_ms,
                 "Milliseconds a request waits for its reply; a later reply counts as late. "
                 "Also the wait for outstanding replies at the end")
      ->check(CLI::Range(std::uint32_t{1}, limits::kMaxTimeoutMs))
      ->capture_default_str();
  app.add_option("--size", cl.size, "Data bytes per request after identifier and sequence")
      ->check(CLI::Range(limits::kMinPayload, limits::kMaxPayload))
      ->capture_default_str();
  app.add_option("--batch", cl.batch, "Requests per sendmmsg at most")
      ->check(CLI::Range(std::uint32_t{1}, limits::kMaxBatch))
      ->capture_default_str();
  app.add_option("--id", cl.id, "ICMP identifier (default: process id & 0xffff)");
  app.footer(pong::bench::kReportKeys);
}

// The run's numbers from the options. Preconditions: CLI11's checks passed.
std::expected<pong::bench::RunConfig, std::string> run_config(const CommandLine& cl) {
  pong::bench::RunConfig config;
  config.mode = cl.mode == "open" ? Mode::kOpen : Mode::kClosed;
  if (config.mode == Mode::kClosed && cl.rate) {
    return std::unexpected(std::string("--rate is for --mode open; closed mode uses --window"));
  }
  if (config.mode == Mode::kOpen && cl.window) {
    return std::unexpected(std::string("--window is for --mode closed; open mode uses --rate"));
  }
  config.window = cl.window.value_or(config.window);
  config.rate = cl.rate.value_or(config.rate);
  config.duration_ns = static_cast<std::uint64_t>(std::llround(cl.duration * 1e9));
  config.count = cl.count;
  config.timeout_ns = std::uint64_t{cl.timeout_ms} * 1'000'000;
  config.payload_size = cl.size;
  config.batch = cl.batch;
  config.identifier = cl.id.value_or(static_cast<std::uint16_t>(::getpid() & 0xffff));
  return config;
}

// Everything but the sockets; the status to exit with on failure.
struct SetupError {
  int status;
  std::string sentence;
};

std::expected<pong::bench::GeneratorSetup, SetupError> make_setup(const CommandLine& cl) {
  pong::bench::GeneratorSetup setup;
  auto config = run_config(cl);
  if (!config) return std::unexpected(SetupError{kBadOptions, config.error()});
  setup.config = *config;
  const auto target = pong::sys::parse_ip_address(cl.target);
  if (!target) {
    return std::unexpected(SetupError{
        kBadOptions, fmt::format("--target '{}' is not an IPv4 or IPv6 address", cl.target)});
  }
  setup.target = *target;
  const auto mac = pong::text::parse_mac(cl.dst_mac);
  if (!mac) {
    return std::unexpected(
        SetupError{kBadOptions, fmt::format("--dst-mac '{}' is not an Ethernet address like "
                                            "02:00:0a:78:00:03",
                                            cl.dst_mac)});
  }
  setup.next_hop = *mac;
  const auto interface = pong::bench::find_interface(cl.interface);
  if (!interface) return std::unexpected(SetupError{kBadOptions, interface.error()});
  setup.interface_name = interface->name;
  setup.interface_index = interface->index;
  // Safety: flooding a real network by mistake is what this prevents.
  const auto initial = pong::bench::in_initial_network_namespace();
  if (!initial) return std::unexpected(SetupError{kBadOptions, initial.error()});
  if (*initial && !interface->loopback) {
    return std::unexpected(SetupError{
        kBadOptions, fmt::format("refusing to send on '{}' from the initial network namespace; "
                                 "run inside a test namespace (ip netns exec) or on loopback",
                                 cl.interface)});
  }
  if (cl.source) {
    const auto source = pong::sys::parse_ip_address(*cl.source);
    if (!source || source->family() != target->family()) {
      return std::unexpected(SetupError{
          kBadOptions,
          fmt::format("--source '{}' is not an address of the target's family", *cl.source)});
    }
    setup.source = *source;
  } else {
    const auto source = pong::bench::kernel_source_address(*target, interface->index);
    if (!source) return std::unexpected(SetupError{kSocketFailed, source.error()});
    setup.source = *source;
  }
  return setup;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription};
  app.set_version_flag("-V,--version", std::string("pong-bench ") + PONG_VERSION);
  CommandLine cl;
  add_options(app, cl);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(kBadOptions, fmt::format("{} (see pong-bench --help)", e.what()));
  }
  const auto setup = make_setup(cl);
  if (!setup) return fail(setup.error().status, setup.error().sentence);
  try {
    auto generator = pong::bench::Generator::open(*setup);
    if (!generator) return fail(kSocketFailed, generator.error());
    const auto report = generator->run();
    if (!report) return fail(kSocketFailed, report.error());
    fmt::print("{}", pong::bench::format_report(*report));
    std::fflush(stdout);
  } catch (const std::bad_alloc&) {
    return fail(kSocketFailed, "not enough memory for the per-request arrays (lower --count)");
  }
  return 0;
}
