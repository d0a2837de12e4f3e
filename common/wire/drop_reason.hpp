// Why a received datagram was not answered. Parsing returns one of these
// instead of throwing; the responder counts every one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pong::wire {

enum class DropReason : std::uint8_t {
  kIpTruncated,            // shorter than the 20-byte minimum IPv4 header
  kIpBadVersion,           // version field is not 4
  kIpBadHeaderLength,      // IHL < 5, or the header runs past the buffer
  kIpBadTotalLength,       // total length < header length, or > the buffer
  kIpFragment,             // a fragment; the kernel reassembles before raw delivery
  kNotIcmp,                // protocol field is not 1
  kIcmpTruncated,          // fewer than the 8 bytes of an ICMP header
  kIcmpBadChecksum,        // RFC 792 ICMP checksum does not verify
  kNotEchoRequest,         // ICMP type other than 8
  kNonUnicastDestination,  // sent to broadcast or multicast and policy says ignore
  // Found by the shell, not by parsing: the request has IP options the
  // kernel could not turn into reply options (ip_options_echo failed).
  // Linux's own icmp_reply() sends nothing then, and neither do we.
  kIpOptionsNotEchoable,
  kCount
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);

// A stable snake_case name, used in logs, counters and tests.
constexpr std::string_view drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::kIpTruncated:
      return "ip_truncated";
    case DropReason::kIpBadVersion:
      return "ip_bad_version";
    case DropReason::kIpBadHeaderLength:
      return "ip_bad_header_length";
    case DropReason::kIpBadTotalLength:
      return "ip_bad_total_length";
    case DropReason::kIpFragment:
      return "ip_fragment";
    case DropReason::kNotIcmp:
      return "not_icmp";
    case DropReason::kIcmpTruncated:
      return "icmp_truncated";
    case DropReason::kIcmpBadChecksum:
      return "icmp_bad_checksum";
    case DropReason::kNotEchoRequest:
      return "not_echo_request";
    case DropReason::kNonUnicastDestination:
      return "non_unicast_destination";
    case DropReason::kIpOptionsNotEchoable:
      return "ip_options_not_echoable";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

}  // namespace pong::wire
