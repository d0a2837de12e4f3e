// The shell around the pure parts: sends Echo Requests at an interval,
// over IPv4 or IPv6 alike, reads what comes back, hands each datagram to reply_match, counts it in
// PingStatistics and prints it with report. Times come from the monotonic
// clock and a table of send times indexed by sequence number, never from
// the reply.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "ping_socket.hpp"
#include "ping_statistics.hpp"
#include "reply_match.hpp"
#include "report.hpp"
#include "sys/socket_address.hpp"

namespace pong::client {

// What goes to stdout as JSON; with either, the header, reply and error
// lines go to stderr.
enum class JsonOutput : std::uint8_t {
  kNone,
  kSummary,  // --json: the summary object alone
  kLines,    // --json-lines: a reply or error record as each arrives, then the summary
};

// --histogram, and how its bars are drawn (format_histogram).
enum class HistogramStyle : std::uint8_t {
  kNone,
  kAscii,    // '#' bars: stdout is a file, a pipe, or not UTF-8
  kUnicode,  // block characters: stdout is a terminal with a UTF-8 locale
};

struct PingerOptions {
  std::string host;  // as the user gave it, for the summary
  // The address, with its scope for a link-local IPv6 target; the socket
  // is of its family.
  sys::Endpoint target{};
  // The name of target.scope_id's interface, for the header line.
  std::string zone;
  // Requests to send; none means until Ctrl-C (or the deadline). With a
  // deadline, the number of replies to wait for, as iputils' -c with -w.
  std::optional<std::uint64_t> count;
  std::chrono::nanoseconds interval = std::chrono::seconds{1};
  // How long to wait for replies after the last request.
  std::chrono::nanoseconds reply_timeout = std::chrono::seconds{10};
  // Stop after this long, whatever was sent or received.
  std::optional<std::chrono::nanoseconds> deadline;
  std::vector<std::uint8_t> payload;
  bool quiet = false;       // no line per reply or error, summary only
  bool timestamps = false;  // "[seconds.micro] " before each line
  // -q silences the lines meant for people, never the JSON asked for.
  JsonOutput json = JsonOutput::kNone;
  // After the summary; with JSON output, in the summary object instead.
  HistogramStyle histogram = HistogramStyle::kNone;
};

class Pinger {
 public:
  Pinger(PingSocket socket, PingerOptions options);
  // expect_ borrows options_.payload: not to be copied or moved.
  Pinger(const Pinger&) = delete;
  Pinger& operator=(const Pinger&) = delete;

  // Runs until the count is done, the deadline passes or SIGINT/SIGTERM
  // arrives through `signal_fd` (the caller blocked them), then prints the
  // summary. Returns the exit status: 0 when a reply came (with a deadline
  // and a count: when `count` replies came), 1 otherwise.
  int run(int signal_fd);

  const PingStatistics& statistics() const { return stats_; }

 private:
  using Clock = std::chrono::steady_clock;

  bool wants_to_send() const;
  bool finished(Clock::time_point now, Clock::time_point last_send) const;
  void send_request();
  void receive_datagrams();
  void receive_queued_errors();
  // `ttl`: the TTL or hop limit the datagram arrived with, if known.
  void handle(const ReplyMatch& match, Clock::time_point now, std::optional<std::uint8_t> ttl);
  // A request that never left (sendto failed, a local error was queued).
  void report_local_error(std::uint16_t sequence, std::string_view message, bool even_when_quiet);
  RunDescription describe() const;
  void print_header();
  void write_line(FILE* stream);
  void print_summary(std::chrono::nanoseconds elapsed);

  PingSocket socket_;
  PingerOptions options_;
  EchoExpectation expect_;
  PingStatistics stats_;
  FILE* lines_ = stdout;  // where reply and error lines go
  std::uint16_t next_sequence_ = 0;
  // Where every request goes, as a socket address, built once.
  sockaddr_storage to_{};
  socklen_t to_length_ = 0;

  // The request: ICMP header and payload, built once; each send writes the
  // sequence number and checksum.
  std::vector<std::uint8_t> request_;
  // When each sequence number was last sent.
  std::unique_ptr<std::array<Clock::time_point, PingStatistics::kSequenceSpace>> sent_at_;
  // Any IPv4 datagram or ICMPv6 message fits.
  std::unique_ptr<std::array<std::uint8_t, 65536>> receive_buffer_;
  fmt::memory_buffer line_;
};

}  // namespace pong::client
