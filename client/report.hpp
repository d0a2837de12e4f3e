// What pinger prints: a line per reply in the article's form, a line per
// ICMP error, the iputils summary and the JSON summary. Each function
// formats into a caller-owned buffer and reads no clock; the shell writes
// the buffer out.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ping_statistics.hpp"
#include "reply_match.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::client {

// How many data bytes a reply line shows before it cuts them (the full
// length is then given).
inline constexpr std::size_t kDataPreviewBytes = 64;

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

// "From 10.0.0.1 icmp_seq=3 Destination Unreachable: host unreachable\n"
void format_icmp_error(fmt::memory_buffer& out, const ReplyMatch& error);

// "Destination Unreachable", "Time Exceeded", "Parameter Problem"; the
// wire name for any other type.
std::string_view icmp_error_title(std::uint8_t type);

// The iputils summary, with the empty line iputils puts before it:
//
//   --- HOST ping statistics ---
//   N packets transmitted, M received, +D duplicates, +C corrupted, +E errors,
//   X% packet loss, time Tms
//   rtt min/avg/max/mdev = a/b/c/d ms
//
// (the second line is one line). "+D duplicates", "+C corrupted" and
// "+E errors" appear only when not zero, the rtt line only when a reply
// was timed, loss and time only when something was sent: all as iputils.
void format_summary(fmt::memory_buffer& out, std::string_view host, const PingStatistics& stats,
                    std::chrono::nanoseconds elapsed);

// The same figures for scripts, as one JSON object on one line.
struct RunDescription {
  std::string_view host;  // as the user gave it
  wire::Ipv4Address address;
  std::string_view socket;  // "raw" or "dgram"
  std::uint16_t identifier = 0;
  std::size_t data_bytes = 0;
};
void format_json_summary(fmt::memory_buffer& out, const RunDescription& run,
                         const PingStatistics& stats, std::chrono::nanoseconds elapsed);

// A JSON string literal, quotes included (RFC 8259 7).
void format_json_string(fmt::memory_buffer& out, std::string_view text);

}  // namespace pong::client
