// pinger: sends ICMP Echo Requests and reports each reply the way the
// article's client did, then sums up like iputils ping. This file only
// turns options into parts and wires them together.
#include <langinfo.h>
#include <net/if.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <clocale>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "payload.hpp"
#include "ping_socket.hpp"
#include "pinger.hpp"
#include "sys/capabilities.hpp"
#include "sys/resolve.hpp"
#include "sys/signal_fd.hpp"
#include "sys/unique_fd.hpp"

namespace {

// iputils' exit statuses: 0 a reply came, 1 none did, 2 any other error.
constexpr int kUsageOrSystemError = 2;

int fail(const std::string& sentence) {
  fmt::print(stderr, "pinger: {}\n", sentence);
  return kUsageOrSystemError;
}

std::chrono::nanoseconds seconds(double value) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(value));
}

std::string_view family_name(pong::wire::IpFamily family) {
  return family == pong::wire::IpFamily::kIpv4 ? "IPv4" : "IPv6";
}

// The name of a link-local target's interface, for "fe80::3%eth0"; the
// number itself if the interface has gone.
std::string zone_name(std::uint32_t scope_id) {
  if (scope_id == 0) return {};
  std::array<char, IF_NAMESIZE> name{};
  if (::if_indextoname(scope_id, name.data()) == nullptr) return std::to_string(scope_id);
  return name.data();
}

struct CommandLine {
  std::string host;
  std::optional<std::uint64_t> count;
  double interval = 1.0;
  double timeout = 10.0;
  std::optional<double> deadline;
  std::optional<std::size_t> size;
  std::optional<std::string> text;
  std::optional<std::string> pattern;
  std::optional<int> ttl;
  std::optional<int> tos;
  bool quiet = false;
  bool timestamps = false;
  bool json = false;
  bool json_lines = false;
  bool histogram = false;
  bool ipv4 = false;
  bool ipv6 = false;
  std::string socket_choice = "auto";
};

constexpr const char* kDescription =
    "pinger: sends ICMP Echo Requests to HOST and prints a line per reply, as the article's "
    "client did:\n"
    "  21 bytes from 172.22.0.3: pid=921, icmp_type=echo reply, icmp_seq=0, data=hello from "
    "client, time:590μs\n"
    "\"21 bytes\" is the echo body: identifier and sequence (4 bytes) plus the data (17 bytes "
    "of \"hello from client\"); the ICMP message adds 4 bytes of type, code and checksum, the "
    "IPv4 header 20 more (the IPv6 header 40). pid is the ICMP identifier (this process's id "
    "& 0xffff; on a datagram socket the kernel's choice when that one is taken). Sequence "
    "numbers start at 0; time is the round trip in microseconds. Flags as iputils ping: (DUP!), "
    "(BAD CHECKSUM!), (DIFFERENT ADDRESS!), 'wrong data byte #i ...'.\n"
    "HOST is a name, an IPv4 address or an IPv6 address (fe80::1%eth0 for a link-local one); a "
    "name with addresses of both families is pinged over IPv4, as iputils does, unless -6 is "
    "given.\n"
    "Without -c it pings until Ctrl-C. The run ends with an iputils-style summary and a line "
    "of RTT percentiles, 'rtt p50/p90/p99 = a/b/c ms' (nearest rank, read from log buckets: "
    "within 1%, exact for one RTT or equal ones; duplicates count, as in the rtt line).\n"
    "Exit status: 0 when a reply came (with -w and -c: when COUNT replies came), 1 when none "
    "did, 2 on an error (bad option, unknown host, no socket).\n"
    "Example: pinger -c 4 icmp-server";

void add_options(CLI::App& app, CommandLine& cl) {
  app.add_option("host", cl.host,
                 "Host name, IPv4 address or IPv6 address (with %zone if link-local)")
      ->required();
  app.add_option("-c,--count", cl.count,
                 "Stop after sending COUNT requests (and waiting for their replies). Default: "
                 "until Ctrl-C. With -w: stop once COUNT replies came")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{4294967295}));
  app.add_option("-i,--interval", cl.interval, "Seconds between requests, at least 0.002")
      ->check(CLI::Range(0.002, 86400.0))
      ->capture_default_str();
  app.add_option("-W,--timeout", cl.timeout,
                 "Seconds to wait for the replies after the last request (as iputils -W); "
                 "later replies are lost")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("-w,--deadline", cl.deadline,
                 "Stop after this many seconds, whatever was sent or received")
      ->check(CLI::Range(0.001, 86400.0 * 365));
  app.add_option("-s,--size", cl.size,
                 fmt::format("Data bytes per request, after identifier and sequence (0 to {} over "
                             "IPv4, {} over IPv6). The text or pattern is repeated or cut to this "
                             "size. Default: the text's length, or 56 with -p",
                             pong::client::max_echo_data(pong::wire::IpFamily::kIpv4),
                             pong::client::max_echo_data(pong::wire::IpFamily::kIpv6)));
  auto* data_option = app.add_option(
      "-d,--data", cl.text,
      fmt::format("Payload text (default \"{}\")", pong::client::kDefaultPayloadText));
  app.add_option("-p,--pattern", cl.pattern,
                 "Fill the payload with this hex pattern of 1 to 16 bytes, e.g. ff00 (as "
                 "iputils -p)")
      ->excludes(data_option);
  app.add_option("-t,--ttl", cl.ttl,
                 "IP time to live of the requests (1 to 255); over IPv6 their hop limit")
      ->check(CLI::Range(1, 255));
  app.add_option("-Q,--tos", cl.tos,
                 "IP type of service byte of the requests (0 to 255; DSCP << 2 | ECN), "
                 "decimal or 0x hex; over IPv6 their traffic class")
      ->check(CLI::Range(0, 255));
  app.add_flag("-q,--quiet", cl.quiet,
               "Print the summary only (with --json-lines: the JSON records all the same)");
  app.add_flag("-D,--timestamps", cl.timestamps,
               "Print the time (seconds.microseconds since 1970) before each line");
  auto* json = app.add_flag(
      "--json", cl.json,
      "Print the summary as one JSON object on stdout (type \"summary\", host, address, "
      "socket, identifier, data_bytes, transmitted, received, duplicates, corrupted, errors, "
      "packet_loss_percent, time_ms, rtt_ms{min,avg,max,mdev} or null, "
      "rtt_percentiles_ms{p50,p90,p99} or null, and rtt_histogram[{from_ms,to_ms,count}], "
      "the buckets of --histogram); the header, reply and error lines then go to "
      "stderr");
  app.add_flag("--json-lines", cl.json_lines,
               "Like --json, but first one JSON object per line on stdout as each reply or error "
               "arrives: type \"reply\" (from, bytes, identifier, sequence, ttl (IPv6: hop "
               "limit), time_us, data as the reply line shows it, duplicate, bad_checksum, "
               "different_address, wrong_data) or type \"error\" (sequence, message; for an "
               "ICMP error also from, identifier, icmp_type, icmp_code, mtu or pointer). The "
               "last line is --json's summary. Not with --json")
      ->excludes(json);
  app.add_flag("--histogram", cl.histogram,
               "End the summary with a histogram of the RTTs in 1-2-5 buckets (1-2 ms, 2-5 ms, "
               "5-10 ms, ...; empty ones at either end left out): a line per bucket with its "
               "count and a bar, at most 80 columns wide. Bars of Unicode blocks when stdout is a "
               "terminal with a UTF-8 locale, of '#' otherwise. --json and --json-lines always "
               "carry the buckets in the summary object instead, as rtt_histogram (to_ms null for "
               "the last, open one)");
  auto* v4 = app.add_flag("-4", cl.ipv4, "Use IPv4 only: resolve HOST to an IPv4 address");
  app.add_flag("-6", cl.ipv6, "Use IPv6 only: resolve HOST to an IPv6 address (AAAA)")
      ->excludes(v4);
  app.add_option(
         "--socket", cl.socket_choice,
         "ICMP socket: 'dgram' is the unprivileged ping socket (needs a group inside "
         "net.ipv4.ping_group_range, for IPv6 too), 'raw' needs CAP_NET_RAW, 'auto' tries dgram "
         "then raw as iputils does")
      ->check(CLI::IsMember({"auto", "dgram", "raw"}))
      ->capture_default_str();
}

// The fill the payload repeats: the -p pattern, or the -d text.
std::expected<std::vector<std::uint8_t>, std::string> payload_fill(const CommandLine& cl) {
  if (cl.pattern) return pong::client::parse_fill_pattern(*cl.pattern);
  const std::string_view chosen =
      cl.text ? std::string_view(*cl.text) : pong::client::kDefaultPayloadText;
  return std::vector<std::uint8_t>(chosen.begin(), chosen.end());
}

// Without -s: the text once, or iputils' 56 bytes of a pattern; at most
// what an echo of the family carries.
std::expected<std::size_t, std::string> data_size(const CommandLine& cl, std::size_t fill_size,
                                                  pong::wire::IpFamily family) {
  const std::size_t data_bytes = cl.size.value_or(cl.pattern ? 56 : fill_size);
  const std::size_t max_data = pong::client::max_echo_data(family);
  if (data_bytes <= max_data) return data_bytes;
  return std::unexpected(fmt::format("{} {} bytes; an {} echo carries at most {} data bytes",
                                     cl.size ? "the size (-s) is" : "the payload text is",
                                     data_bytes, family_name(family), max_data));
}

// The socket, with -t and -Q applied.
std::expected<pong::client::PingSocket, std::string> open_socket(const CommandLine& cl,
                                                                 pong::wire::IpFamily family) {
  const auto choice = cl.socket_choice == "raw"     ? pong::client::SocketChoice::kRaw
                      : cl.socket_choice == "dgram" ? pong::client::SocketChoice::kDatagram
                                                    : pong::client::SocketChoice::kAuto;
  auto socket =
      pong::client::open_ping_socket(family, choice, static_cast<std::uint16_t>(::getpid()));
  if (!socket) return socket;
  if (cl.ttl) {
    if (auto r = pong::client::set_ttl(*socket, *cl.ttl); !r) return std::unexpected(r.error());
  }
  if (cl.tos) {
    if (auto r = pong::client::set_tos(*socket, *cl.tos); !r) return std::unexpected(r.error());
  }
  return socket;
}

// --histogram draws with Unicode blocks on a terminal: stdout is a tty and
// the codeset of the environment's LC_CTYPE (LC_ALL, LC_CTYPE, LANG) is
// UTF-8. A file, a pipe or LANG=C gets ASCII.
bool stdout_shows_unicode() {
  if (::isatty(STDOUT_FILENO) != 1) return false;
  if (std::setlocale(LC_CTYPE, "") == nullptr) return false;  // unknown locale: still "C"
  const bool utf8 = std::string_view(::nl_langinfo(CODESET)) == "UTF-8";
  // Back to the C locale: nothing else in pinger is to depend on it.
  std::setlocale(LC_CTYPE, "C");
  return utf8;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription};
  app.set_version_flag("-V,--version", std::string("pinger ") + PONG_VERSION);
  CommandLine cl;
  add_options(app, cl);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(fmt::format("{} (see pinger --help)", e.what()));
  }

  auto fill = payload_fill(cl);
  if (!fill) return fail(fill.error());
  const auto family_choice = cl.ipv4   ? pong::sys::FamilyChoice::kIpv4Only
                             : cl.ipv6 ? pong::sys::FamilyChoice::kIpv6Only
                                       : pong::sys::FamilyChoice::kAny;
  auto resolved = pong::sys::resolve_host(cl.host, family_choice);
  if (!resolved) return fail(resolved.error());
  const pong::wire::IpFamily family = resolved->address.family();
  const auto data_bytes = data_size(cl, fill->size(), family);
  if (!data_bytes) return fail(data_bytes.error());
  if (auto route = pong::client::check_route(*resolved); !route) return fail(route.error());

  auto socket = open_socket(cl, family);
  if (!socket) return fail(socket.error());
  // The socket is open: nothing from here on needs privilege.
  (void)pong::sys::drop_all_capabilities();

  // SIGINT and SIGTERM end the run with the summary.
  auto signal_fd = pong::sys::open_signal_fd({SIGINT, SIGTERM});
  if (!signal_fd) return fail("cannot set up signal handling");

  pong::client::PingerOptions options;
  options.host = cl.host;
  options.target = *resolved;
  options.zone = zone_name(resolved->scope_id);
  options.count = cl.count;
  options.interval = seconds(cl.interval);
  options.reply_timeout = seconds(cl.timeout);
  if (cl.deadline) options.deadline = seconds(*cl.deadline);
  options.payload = pong::client::fill_payload(*fill, *data_bytes);
  options.quiet = cl.quiet;
  options.timestamps = cl.timestamps;
  options.json = cl.json_lines ? pong::client::JsonOutput::kLines
                 : cl.json     ? pong::client::JsonOutput::kSummary
                               : pong::client::JsonOutput::kNone;
  if (cl.histogram) {
    options.histogram = stdout_shows_unicode() ? pong::client::HistogramStyle::kUnicode
                                               : pong::client::HistogramStyle::kAscii;
  }

  pong::client::Pinger pinger(std::move(*socket), std::move(options));
  return pinger.run(signal_fd->get());
}
