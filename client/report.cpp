#include "report.hpp"

#include <iterator>

#include "sys/format.hpp"

namespace pong::client {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// Milliseconds with three decimals, from whole microseconds, as iputils
// prints its RTTs ("%ld.%03ld"): 45.6 µs is "0.045".
void format_ms(fmt::memory_buffer& out, nanoseconds value) {
  const auto us = duration_cast<microseconds>(value).count();
  fmt::format_to(std::back_inserter(out), "{}.{:03}", us / 1000, us % 1000);
}

// iputils: "%g%%" of a float, so 1 lost of 3 is "33.3333%".
void format_loss(fmt::memory_buffer& out, double percent) {
  fmt::format_to(std::back_inserter(out), "{:g}", static_cast<float>(percent));
}

// iputils: whole milliseconds, rounded.
std::int64_t elapsed_ms(nanoseconds elapsed) {
  return duration_cast<milliseconds>(elapsed + microseconds{500}).count();
}

// The target as a user would type it: "172.22.0.3", "fd00::3",
// "fe80::3%eth0" (RFC 4007 11).
void format_target(fmt::memory_buffer& out, const RunDescription& run) {
  fmt::format_to(std::back_inserter(out), "{}", run.address);
  if (!run.zone.empty()) fmt::format_to(std::back_inserter(out), "%{}", run.zone);
}

}  // namespace

void format_header(fmt::memory_buffer& out, const RunDescription& run) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "PING {} (", run.host);
  format_target(out, run);
  fmt::format_to(it,
                 "): {} data bytes over a {} socket, pid={}; \"N bytes\" counts identifier + "
                 "sequence + data\n",
                 run.data_bytes, run.socket, run.identifier);
}

void format_timestamp(fmt::memory_buffer& out, std::chrono::system_clock::time_point now) {
  const auto us = duration_cast<microseconds>(now.time_since_epoch()).count();
  fmt::format_to(std::back_inserter(out), "[{}.{:06}] ", us / 1000000, us % 1000000);
}

void format_reply(fmt::memory_buffer& out, const ReplyMatch& reply, nanoseconds rtt) {
  auto it = std::back_inserter(out);
  // The article's count: identifier + sequence (4 bytes) + data.
  fmt::format_to(it, "{} bytes from {}: pid={}, icmp_type={}, icmp_seq={}, data={}, time:{}μs",
                 reply.data.size() + 4, reply.from, reply.identifier,
                 icmp_type_name(reply.icmp_type), reply.sequence,
                 sys::PayloadPreview{reply.data, kDataPreviewBytes},
                 duration_cast<microseconds>(rtt).count());
  if (reply.verdict == ReplyVerdict::kDuplicate) fmt::format_to(it, " (DUP!)");
  if (reply.verdict == ReplyVerdict::kBadChecksum) fmt::format_to(it, " (BAD CHECKSUM!)");
  if (reply.from_other_address) fmt::format_to(it, " (DIFFERENT ADDRESS!)");
  const DataCheck& check = reply.data_check;
  if (check.has_wrong_byte) {
    // iputils' wording and number format ("%x").
    fmt::format_to(it, "\nwrong data byte #{} should be 0x{:x} but was 0x{:x}",
                   check.wrong_byte_index, check.expected_byte, check.actual_byte);
  } else if (check.expected_length != check.actual_length) {
    fmt::format_to(it, "\nwrong data length {} bytes, should be {}", check.actual_length,
                   check.expected_length);
  }
  fmt::format_to(it, "\n");
}

std::string_view icmp_error_title(IcmpType type) {
  const auto error = icmp_error_of(type);
  return error ? icmp_error_title(*error) : icmp_type_name(type);
}

void format_icmp_error(fmt::memory_buffer& out, const ReplyMatch& error) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "From {} icmp_seq={} {}: ", error.from, error.sequence,
                 icmp_error_title(error.icmp_type));
  const std::string_view code = icmp_code_name(error.icmp_type, error.icmp_code);
  const ErrorDetail& detail = error.detail;
  // A code without a name is given by number, except Packet Too Big's,
  // which RFC 4443 3.2 says is "ignored by the receiver": its MTU is the
  // news.
  if (!code.empty()) {
    fmt::format_to(it, "{}", code);
  } else if (detail.kind != ErrorDetailKind::kMtu) {
    fmt::format_to(it, "code {}", error.icmp_code);
  }
  switch (detail.kind) {
    case ErrorDetailKind::kMtu:
      fmt::format_to(it, "{}mtu {}", code.empty() ? "" : ", ", detail.value);
      break;
    case ErrorDetailKind::kPointer:
      fmt::format_to(it, " at byte {}", detail.value);
      break;
    case ErrorDetailKind::kNone:
      break;
  }
  fmt::format_to(it, "\n");
}

void format_summary(fmt::memory_buffer& out, std::string_view host, const PingStatistics& stats,
                    nanoseconds elapsed) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "\n--- {} ping statistics ---\n", host);
  fmt::format_to(it, "{} packets transmitted, {} received", stats.transmitted(), stats.received());
  if (stats.duplicates() != 0) fmt::format_to(it, ", +{} duplicates", stats.duplicates());
  if (stats.corrupted() != 0) fmt::format_to(it, ", +{} corrupted", stats.corrupted());
  if (stats.errors() != 0) fmt::format_to(it, ", +{} errors", stats.errors());
  if (stats.transmitted() != 0) {
    fmt::format_to(it, ", ");
    format_loss(out, stats.loss_percent());
    fmt::format_to(it, "% packet loss, time {}ms", elapsed_ms(elapsed));
  }
  fmt::format_to(it, "\n");
  if (const auto rtt = stats.rtt()) {
    fmt::format_to(it, "rtt min/avg/max/mdev = ");
    format_ms(out, rtt->min);
    fmt::format_to(it, "/");
    format_ms(out, rtt->avg);
    fmt::format_to(it, "/");
    format_ms(out, rtt->max);
    fmt::format_to(it, "/");
    format_ms(out, rtt->mdev);
    fmt::format_to(it, " ms\n");
  }
}

void format_json_string(fmt::memory_buffer& out, std::string_view text) {
  auto it = std::back_inserter(out);
  *it++ = '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *it++ = '\\';
      *it++ = c;
    } else if (byte < 0x20) {
      // RFC 8259 7: control characters must be escaped.
      fmt::format_to(it, "\\u{:04x}", byte);
    } else {
      *it++ = c;
    }
  }
  *it++ = '"';
}

void format_json_summary(fmt::memory_buffer& out, const RunDescription& run,
                         const PingStatistics& stats, nanoseconds elapsed) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"host\":");
  format_json_string(out, run.host);
  fmt::memory_buffer target;
  format_target(target, run);
  fmt::format_to(it, ",\"address\":");
  format_json_string(out, std::string_view(target.data(), target.size()));
  fmt::format_to(it,
                 ",\"socket\":\"{}\",\"identifier\":{},\"data_bytes\":{},"
                 "\"transmitted\":{},\"received\":{},\"duplicates\":{},\"corrupted\":{},"
                 "\"errors\":{},\"packet_loss_percent\":",
                 run.socket, run.identifier, run.data_bytes, stats.transmitted(), stats.received(),
                 stats.duplicates(), stats.corrupted(), stats.errors());
  format_loss(out, stats.loss_percent());
  fmt::format_to(it, ",\"time_ms\":{},\"rtt_ms\":", elapsed_ms(elapsed));
  if (const auto rtt = stats.rtt()) {
    fmt::format_to(it, "{{\"min\":");
    format_ms(out, rtt->min);
    fmt::format_to(it, ",\"avg\":");
    format_ms(out, rtt->avg);
    fmt::format_to(it, ",\"max\":");
    format_ms(out, rtt->max);
    fmt::format_to(it, ",\"mdev\":");
    format_ms(out, rtt->mdev);
    fmt::format_to(it, "}}");
  } else {
    fmt::format_to(it, "null");
  }
  fmt::format_to(it, "}}\n");
}

}  // namespace pong::client
