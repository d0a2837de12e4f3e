// The run's result and its text form: one "key value" pair per line on
// stdout, for awk. Pure.
#pragma once

#include <cstdint>
#include <string>

#include "flight_tracker.hpp"
#include "reply_check.hpp"
#include "run_config.hpp"
#include "wire/address.hpp"

namespace pong::bench {

// Every key, for --help (and the reader of this header).
inline constexpr const char* kReportKeys =
    "Output: one 'key value' line each on stdout:\n"
    "  family ipv4|ipv6         mode closed|open\n"
    "  window N (closed mode)   rate R (open mode, requests per second asked for)\n"
    "  sent N                   requests sent\n"
    "  answered N               requests answered within --timeout (once each)\n"
    "  lost N                   sent - answered - late: no valid reply by the end\n"
    "  late N                   requests whose first valid reply came after --timeout\n"
    "  duplicates N             further valid replies to an answered or late request\n"
    "  invalid N                replies that failed a check, then one line per nonzero kind:\n"
    "    invalid_truncated, invalid_bad_ip_header, invalid_not_from_target,\n"
    "    invalid_bad_checksum, invalid_not_echo_reply, invalid_wrong_identifier,\n"
    "    invalid_wrong_length, invalid_unknown_request, invalid_sequence_mismatch,\n"
    "    invalid_payload_mismatch\n"
    "  tx_retries N             sendmmsg calls that sent less than asked (ENOBUFS, EAGAIN)\n"
    "  send_seconds S           from the first send to the end of the last\n"
    "  sent_per_second X        sent / send_seconds\n"
    "  replies_per_second X     answered / send_seconds\n"
    "  rtt_p50_us X, rtt_p90_us X, rtt_p99_us X, rtt_p999_us X, rtt_max_us X\n"
    "                           RTT of answered replies in microseconds, nearest-rank\n"
    "                           percentiles ('-' when nothing was answered); RTT is the\n"
    "                           kernel's receive timestamp minus the time read just before\n"
    "                           the sendmmsg that sent the request\n"
    "Exit status: 0 when the run happened (whatever was lost), 1 when a socket failed,\n"
    "2 on bad options or when refusing to run in the initial network namespace.";

struct RunReport {
  wire::IpFamily family = wire::IpFamily::kIpv4;
  Mode mode = Mode::kClosed;
  std::uint32_t window = 0;
  std::uint32_t rate = 0;
  std::uint64_t sent = 0;
  std::uint64_t answered = 0;
  std::uint64_t lost = 0;
  std::uint64_t late = 0;
  std::uint64_t duplicates = 0;
  FaultCounts faults;
  std::uint64_t tx_retries = 0;
  std::uint64_t send_ns = 0;
  RttSummary rtt;
};

std::string format_report(const RunReport& report);

}  // namespace pong::bench
