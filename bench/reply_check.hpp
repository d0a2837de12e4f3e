// Is a received Echo Reply the intact answer to one of this run's
// requests? Pure: the generator hands in the bytes a raw socket read, the
// tests hand in bytes they built; nothing here allocates or throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <string_view>

#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::bench {

// Why a reply was not counted as the answer to a request. The checks run
// in this order, so a reply gets the first fault that applies.
enum class ReplyFault : std::uint8_t {
  kTruncated,         // shorter than an IPv4 header, than its total length, or than 8 ICMP bytes
  kBadIpHeader,       // IPv4: not version 4, bad IHL or total length, not ICMP, a fragment
  kNotFromTarget,     // its source is not the target
  kBadChecksum,       // the IPv4 header checksum, or the ICMP/ICMPv6 checksum, fails
  kNotEchoReply,      // not type 0 (ICMPv6: 129), or code not 0
  kWrongIdentifier,   // not this run's identifier
  kWrongLength,       // data length differs from --size
  kUnknownRequest,    // the request number it carries was never sent
  kSequenceMismatch,  // sequence != request number & 0xffff
  kPayloadMismatch,   // the data differs from what that request carried
  kCount
};

inline constexpr std::size_t kReplyFaultCount = static_cast<std::size_t>(ReplyFault::kCount);

// snake_case, as in the report's invalid_<name> lines.
std::string_view reply_fault_name(ReplyFault fault);

struct ReplyExpectation {
  wire::IpAddress target;  // where the requests went; the replies' source
  std::uint16_t identifier = 0;
  std::size_t payload_size = 0;  // data bytes after identifier and sequence
};

using ReplyVerdict = std::expected<std::uint64_t, ReplyFault>;

// A datagram as a raw IPv4 socket reads it: header (options allowed) and
// ICMP. On success the request number the reply answers; `sent` is how
// many requests have been sent so far (numbers 0..sent-1 exist).
ReplyVerdict check_ipv4_reply(wire::Bytes datagram, const ReplyExpectation& expect,
                              std::uint64_t sent);

// An ICMPv6 message as a raw ICMPv6 socket reads it (no IPv6 header):
// `source` from msg_name, `destination` the address the reply was sent to
// (this run's source address), both for the pseudo-header checksum.
ReplyVerdict check_ipv6_reply(wire::Bytes icmp, const wire::Ipv6Address& source,
                              const wire::Ipv6Address& destination, const ReplyExpectation& expect,
                              std::uint64_t sent);

// Faults counted by kind.
struct FaultCounts {
  std::array<std::uint64_t, kReplyFaultCount> by_fault{};

  void add(ReplyFault fault) { ++by_fault[static_cast<std::size_t>(fault)]; }
  std::uint64_t of(ReplyFault fault) const { return by_fault[static_cast<std::size_t>(fault)]; }
  std::uint64_t total() const;
};

}  // namespace pong::bench
