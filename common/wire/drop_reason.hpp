// Why a received datagram was not answered. Parsing returns one of these
// instead of throwing; the responder counts every one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pong::wire {

enum class DropReason : std::uint8_t {
  // IPv4 (the datagram a raw IPv4 socket reads, header included).
  kIpTruncated,        // shorter than the 20-byte minimum IPv4 header
  kIpBadVersion,       // version field is not 4
  kIpBadHeaderLength,  // IHL < 5, or the header runs past the buffer
  kIpBadTotalLength,   // total length < header length, or > the buffer
  kIpFragment,         // a fragment; the kernel reassembles before raw delivery
  kNotIcmp,            // protocol field is not 1
  // IPv6 (icmp-lab and pinger read whole packets; a raw ICMPv6 socket
  // delivers none of the header, so pong's responder never sees these).
  kIpv6Truncated,         // shorter than the 40-byte IPv6 header
  kIpv6BadVersion,        // version field is not 6
  kIpv6BadPayloadLength,  // 40 + payload length runs past the buffer
  kNotIcmpv6,             // next header is not 58 (an extension header, or another protocol)
  // Both families.
  kIcmpTruncated,          // fewer than the 8 bytes of an ICMP header
  kIcmpBadChecksum,        // the ICMP (RFC 792) or ICMPv6 (RFC 4443 2.3) checksum fails
  kNotEchoRequest,         // ICMP type other than Echo Request (8, or 128 for ICMPv6)
  kNonUnicastDestination,  // sent to broadcast or multicast and policy says ignore
  kAnycastDestination,     // IPv6: sent to an anycast address and policy says ignore
  // Found by the shell, not by parsing: the request has IP options the
  // kernel could not turn into reply options (ip_options_echo failed).
  // Linux's own icmp_reply() sends nothing then, and neither do we.
  kIpOptionsNotEchoable,
  // Found by the shell: the kernel gave no IPV6_PKTINFO, so neither the
  // request's destination (the reply's source) nor its checksum can be known.
  kArrivalUnknown,
  // Found by the shell's admission policy (issue 9), after the request was
  // found well formed: the ACL and the rate limits.
  kDenied,             // the source matches a --deny rule
  kNotAllowed,         // --allow rules are given and the source matches none
  kRateLimited,        // the source's token bucket is empty (--rate, --burst)
  kGlobalRateLimited,  // the bucket for all replies is empty (--global-rate)
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
    case DropReason::kIpv6Truncated:
      return "ipv6_truncated";
    case DropReason::kIpv6BadVersion:
      return "ipv6_bad_version";
    case DropReason::kIpv6BadPayloadLength:
      return "ipv6_bad_payload_length";
    case DropReason::kNotIcmpv6:
      return "not_icmpv6";
    case DropReason::kIcmpTruncated:
      return "icmp_truncated";
    case DropReason::kIcmpBadChecksum:
      return "icmp_bad_checksum";
    case DropReason::kNotEchoRequest:
      return "not_echo_request";
    case DropReason::kNonUnicastDestination:
      return "non_unicast_destination";
    case DropReason::kAnycastDestination:
      return "anycast_destination";
    case DropReason::kIpOptionsNotEchoable:
      return "ip_options_not_echoable";
    case DropReason::kArrivalUnknown:
      return "arrival_unknown";
    case DropReason::kDenied:
      return "denied";
    case DropReason::kNotAllowed:
      return "not_allowed";
    case DropReason::kRateLimited:
      return "rate_limited";
    case DropReason::kGlobalRateLimited:
      return "global_rate_limited";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

}  // namespace pong::wire
