// What the request log writes, as a value: a request answered, a datagram
// dropped, or the lines the --log-rate cap held back. The packet thread
// fills one (a copy of a few fields and the payload's first bytes, no
// formatting, no allocation); the log's writer thread renders it as a text
// line or as a JSON object (--log-format json).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <fmt/format.h>
#include <spdlog/common.h>

#include "policy/log_limit.hpp"
#include "wire/address.hpp"
#include "wire/drop_reason.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

enum class LogEventKind : std::uint8_t {
  kEcho,      // a request answered
  kDrop,      // a datagram not answered, and why
  kHeldBack,  // lines the --log-rate cap held back
};

// The payload bytes a line shows at most (--payload-bytes is capped here).
inline constexpr std::size_t kPayloadPreviewCapacity = 256;

struct LogEvent {
  LogEventKind kind = LogEventKind::kEcho;
  wire::IpFamily family = wire::IpFamily::kIpv4;
  // kDrop: why.
  wire::DropReason reason = wire::DropReason::kCount;
  // kEcho, and a kDrop of a request found well formed (the ACL and the
  // rate limits drop those): the destination, identifier and sequence.
  bool has_echo_fields = false;
  wire::IpAddress source;       // the request's source
  wire::IpAddress destination;  // the request's destination (unspecified: the kernel chose)
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  // kEcho: the echo body, identifier + sequence + data (the ICMP message is
  // 4 bytes longer), as the article's server counted; kDrop: the bytes the
  // socket read (an IPv4 datagram with its header, an ICMPv6 message).
  std::uint32_t size = 0;
  // kEcho: the data's length, whether all of it is printable ASCII, and
  // its first bytes (up to --payload-bytes).
  std::uint32_t data_length = 0;
  bool data_printable = true;
  std::uint16_t preview_length = 0;
  std::array<std::uint8_t, kPayloadPreviewCapacity> preview{};
  // kHeldBack.
  policy::SuppressedLines held_back{};

  // The first `preview_limit` bytes of the data; all when it is shorter.
  static LogEvent echo(const wire::EchoReply& reply, std::size_t preview_limit);
  static LogEvent drop(wire::IpFamily family, const wire::IpAddress& source, std::size_t size,
                       wire::DropReason reason);
  // A well-formed request of `size` bytes read, which the ACL or a rate
  // limit refused.
  static LogEvent refused(const wire::EchoReply& reply, std::size_t size, wire::DropReason reason);
  static LogEvent held(const policy::SuppressedLines& lines);

  std::span<const std::uint8_t> shown_data() const { return {preview.data(), preview_length}; }
};

// The line's text and level:
//   text: "21 bytes from 10.0.0.2: pid=921, icmp_type=echo, icmp_seq=0, data=hello"
//         (info; a drop, at debug: "dropped 64 bytes from 10.0.0.2: icmp_bad_checksum")
//   JSON: one object of the event's fields, {"event":"echo","family":"ipv4",...},
//         which the JSON log format puts the time and level in front of.
spdlog::level::level_enum render_text(const LogEvent& event, fmt::memory_buffer& out);
spdlog::level::level_enum render_json(const LogEvent& event, fmt::memory_buffer& out);

}  // namespace pong::responder
