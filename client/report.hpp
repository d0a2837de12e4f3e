// What pinger prints: a line per reply in the article's form, a line per
// ICMP error, the iputils summary with the RTT percentiles, the RTT
// histogram (--histogram), and the same as JSON records for scripts
// (--json, --json-lines). Each function formats into a
// caller-owned buffer and reads no clock; the shell writes the buffer out.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "icmp_family.hpp"
#include "ping_statistics.hpp"
#include "reply_match.hpp"
#include "rtt_histogram.hpp"
#include "wire/address.hpp"

namespace pong::client {

// How many data bytes a reply line shows before it cuts them (the full
// length is then given).
inline constexpr std::size_t kDataPreviewBytes = 64;

// What the header line and the JSON summary say about the run.
struct RunDescription {
  std::string_view host;  // as the user gave it
  wire::IpAddress address;
  // The interface name of a link-local target's scope (RFC 4007 11), or
  // empty: the address is then printed as "fe80::3%eth0".
  std::string_view zone;
  std::string_view socket;  // "raw" or "dgram"
  std::uint16_t identifier = 0;
  std::size_t data_bytes = 0;
};

// "PING icmp-server (172.22.0.3): 17 data bytes over a raw socket,
// pid=921; "N bytes" counts identifier + sequence + data", with the
// address in its usual text (RFC 5952 for IPv6) and its zone.
void format_header(fmt::memory_buffer& out, const RunDescription& run);

// "[1712345678.123456] ", as iputils' -D prints it.
void format_timestamp(fmt::memory_buffer& out, std::chrono::system_clock::time_point now);

// An echo reply (verdict kReply, kWrongData, kDuplicate or kBadChecksum):
//   21 bytes from 172.22.0.3: pid=921, icmp_type=echo reply, icmp_seq=0,
//   data=hello from client, time:590μs
// "21 bytes" is the echo body, identifier and sequence (4 bytes) plus the
// data, as in the article. iputils' flags follow: " (DUP!)",
// " (BAD CHECKSUM!)", " (DIFFERENT ADDRESS!)", and for data not as sent a
// second line "wrong data byte #i should be 0x.. but was 0x..". Ends with
// a newline.
void format_reply(fmt::memory_buffer& out, const ReplyMatch& reply, std::chrono::nanoseconds rtt);

// "From 10.0.0.1 icmp_seq=3 Destination Unreachable: host unreachable\n",
// in either family, with what the error carries:
//   From fd00::1 icmp_seq=0 Packet Too Big: mtu 1280
//   From fd00::1 icmp_seq=0 Parameter Problem: erroneous header field
//   encountered at byte 40
// A code without a name is printed as "code N".
void format_icmp_error(fmt::memory_buffer& out, const ReplyMatch& error);

// "Destination Unreachable", "Packet Too Big", "Time Exceeded",
// "Parameter Problem"; the wire name for any other type.
std::string_view icmp_error_title(IcmpType type);

// The iputils summary, with the empty line iputils puts before it, and
// the percentiles after it:
//
//   --- HOST ping statistics ---
//   N packets transmitted, M received, +D duplicates, +C corrupted, +E errors,
//   X% packet loss, time Tms
//   rtt min/avg/max/mdev = a/b/c/d ms
//   rtt p50/p90/p99 = e/f/g ms
//
// (the second line is one line). "+D duplicates", "+C corrupted" and
// "+E errors" appear only when not zero, the rtt lines only when a reply
// was timed, loss and time only when something was sent: all as iputils.
// The percentiles (PingStatistics::rtt_percentiles) are in the rtt line's
// units and number format.
void format_summary(fmt::memory_buffer& out, std::string_view host, const PingStatistics& stats,
                    std::chrono::nanoseconds elapsed);

// The widest line format_histogram writes, in columns (code points).
inline constexpr std::size_t kHistogramColumns = 80;

// --histogram: the RTTs in 1-2-5 buckets (RttDecadeBuckets: from the first
// bucket with an RTT to the last, empty ones between them kept), a line
// each with the bucket's range, its count and a bar scaled to the largest
// count; no line is wider than kHistogramColumns, whatever the counts:
//
//   rtt histogram (1000 replies):
//     100 us - 200 us  980 #########################################################
//     200 us - 500 us    0
//     500 us -   1 ms    0
//       1 ms -   2 ms    0
//       2 ms -   5 ms    0
//       5 ms -  10 ms    0
//      10 ms -  20 ms    0
//      20 ms -  50 ms    0
//      50 ms - 100 ms   20 #
//
// That is the ASCII form, all of it ASCII: bars of '#', "us", and "inf"
// for the open end of the last bucket (1000 s and above). With `unicode`
// (stdout a terminal with a UTF-8 locale) the bars are block characters
// with eighths of a cell (▏▎▍▌▋▊▉█: the 20 above is "█▏"), microseconds
// are "μs" as in the reply lines, and the open end is "∞". A bucket with
// any RTT gets at least an eighth (a '#'). Nothing when no reply was
// timed.
void format_histogram(fmt::memory_buffer& out, const RttHistogram& histogram, bool unicode);

// JSON records (RFC 8259), made by nlohmann::json: each call appends one
// compact object and a newline, its keys always in the order shown, its
// "type" first. Strings are UTF-8 as RFC 8259 8.1 requires: a byte that
// is not (a host name or an interface name may hold any byte) becomes
// U+FFFD, never an exception. Data bytes appear as the reply line shows
// them, as text when all printable ASCII and as "hex:..." otherwise.

// The summary's figures, with the address as in the header line and the
// RTTs in milliseconds to the microsecond; rtt_ms and rtt_percentiles_ms
// are null until a reply was timed:
//   {"type":"summary","host":"icmp-server","address":"172.22.0.3",
//    "socket":"raw","identifier":921,"data_bytes":17,"transmitted":3,
//    "received":3,"duplicates":0,"corrupted":0,"errors":0,
//    "packet_loss_percent":0.0,"time_ms":2002,
//    "rtt_ms":{"min":0.137,"avg":0.189,"max":0.27,"mdev":0.057},
//    "rtt_percentiles_ms":{"p50":0.16,"p90":0.27,"p99":0.27}}
// With `with_histogram` (--histogram), last, the buckets format_histogram
// shows, [] when no reply was timed; to_ms is null for the open last one
// (1000 s and above):
//    "rtt_histogram":[{"from_ms":0.1,"to_ms":0.2,"count":3}]
void format_json_summary(fmt::memory_buffer& out, const RunDescription& run,
                         const PingStatistics& stats, std::chrono::nanoseconds elapsed,
                         bool with_histogram = false);

// An echo reply, as format_reply's line says it (verdict kReply,
// kWrongData, kDuplicate or kBadChecksum); `ttl` is the IPv4 TTL or IPv6
// hop limit it arrived with, null when the kernel gave none:
//   {"type":"reply","from":"172.22.0.3","bytes":21,"identifier":921,
//    "sequence":0,"ttl":64,"time_us":590,"data":"hello from client",
//    "duplicate":false,"bad_checksum":false,"different_address":false,
//    "wrong_data":null}
// wrong_data, when the data is not as sent, is
//   {"length":17,"expected_length":17,"byte_index":3,"expected_byte":108,
//    "actual_byte":147}
// with the last three null when only the length differs.
void format_json_reply(fmt::memory_buffer& out, const ReplyMatch& reply,
                       std::chrono::nanoseconds rtt, std::optional<std::uint8_t> ttl);

// An ICMP error about one of our requests (verdict kIcmpError), with the
// error line's text, and "mtu" or "pointer" when the error carries one:
//   {"type":"error","from":"10.0.0.1","identifier":921,"sequence":3,
//    "icmp_type":3,"icmp_code":1,
//    "message":"Destination Unreachable: host unreachable"}
void format_json_icmp_error(fmt::memory_buffer& out, const ReplyMatch& error);

// A request that never left this host (sendto failed, or the kernel
// queued a local error such as EMSGSIZE):
//   {"type":"error","sequence":4,"message":"sendto: Network is unreachable"}
void format_json_local_error(fmt::memory_buffer& out, std::uint16_t sequence,
                             std::string_view message);

}  // namespace pong::client
