#include "reply_check.hpp"

#include "request_builder.hpp"
#include "wire/checksum.hpp"
#include "wire/icmp.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"

namespace pong::bench {
namespace {

// The ICMP part, the same for both families; `pseudo_header` is empty for
// ICMPv4 and the RFC 4443 2.3 pseudo-header sum for ICMPv6.
template <class Type>
ReplyVerdict check_echo(wire::Bytes icmp, wire::ChecksumAccumulator pseudo_header,
                        const ReplyExpectation& expect, std::uint64_t sent) {
  const auto packet = wire::BasicIcmpPacket<Type, const std::uint8_t>::parse(icmp);
  if (!packet) return std::unexpected(ReplyFault::kTruncated);
  if (!packet->checksum_valid(pseudo_header)) return std::unexpected(ReplyFault::kBadChecksum);
  if (!packet->is_echo_reply() || packet->code() != 0) {
    return std::unexpected(ReplyFault::kNotEchoReply);
  }
  if (packet->identifier() != expect.identifier) {
    return std::unexpected(ReplyFault::kWrongIdentifier);
  }
  const wire::Bytes data = packet->data();
  if (data.size() != expect.payload_size) return std::unexpected(ReplyFault::kWrongLength);
  // payload_size >= 8 (limits::kMinPayload): the request number is there.
  const std::uint64_t n = payload_request_number(data);
  if (n >= sent) return std::unexpected(ReplyFault::kUnknownRequest);
  if (packet->sequence() != static_cast<std::uint16_t>(n)) {
    return std::unexpected(ReplyFault::kSequenceMismatch);
  }
  if (!payload_pattern_matches(n, data)) return std::unexpected(ReplyFault::kPayloadMismatch);
  return n;
}

}  // namespace

std::string_view reply_fault_name(ReplyFault fault) {
  switch (fault) {
    case ReplyFault::kTruncated:
      return "truncated";
    case ReplyFault::kBadIpHeader:
      return "bad_ip_header";
    case ReplyFault::kNotFromTarget:
      return "not_from_target";
    case ReplyFault::kBadChecksum:
      return "bad_checksum";
    case ReplyFault::kNotEchoReply:
      return "not_echo_reply";
    case ReplyFault::kWrongIdentifier:
      return "wrong_identifier";
    case ReplyFault::kWrongLength:
      return "wrong_length";
    case ReplyFault::kUnknownRequest:
      return "unknown_request";
    case ReplyFault::kSequenceMismatch:
      return "sequence_mismatch";
    case ReplyFault::kPayloadMismatch:
      return "payload_mismatch";
    case ReplyFault::kCount:
      break;
  }
  return "unknown";
}

std::uint64_t FaultCounts::total() const {
  std::uint64_t sum = 0;
  for (const auto n : by_fault) sum += n;
  return sum;
}

ReplyVerdict check_ipv4_reply(wire::Bytes datagram, const ReplyExpectation& expect,
                              std::uint64_t sent) {
  const auto ip = wire::Ipv4Packet::parse(datagram);
  if (!ip) {
    const bool short_read = ip.error() == wire::DropReason::kIpTruncated ||
                            ip.error() == wire::DropReason::kIpBadTotalLength;
    return std::unexpected(short_read ? ReplyFault::kTruncated : ReplyFault::kBadIpHeader);
  }
  if (ip->protocol() != wire::kIpProtocolIcmp || ip->is_fragment()) {
    return std::unexpected(ReplyFault::kBadIpHeader);
  }
  // Linux hands raw sockets the header as it arrived (ip_rcv checked its
  // checksum already); a reply is checked end to end all the same.
  if (!ip->header_checksum_valid()) return std::unexpected(ReplyFault::kBadChecksum);
  if (wire::IpAddress{ip->source()} != expect.target) {
    return std::unexpected(ReplyFault::kNotFromTarget);
  }
  return check_echo<wire::Icmpv4Type>(ip->payload(), {}, expect, sent);
}

ReplyVerdict check_ipv6_reply(wire::Bytes icmp, const wire::Ipv6Address& source,
                              const wire::Ipv6Address& destination, const ReplyExpectation& expect,
                              std::uint64_t sent) {
  if (wire::IpAddress{source} != expect.target) {
    return std::unexpected(ReplyFault::kNotFromTarget);
  }
  return check_echo<wire::Icmpv6Type>(
      icmp, wire::icmpv6_pseudo_header(source, destination, icmp.size()), expect, sent);
}

}  // namespace pong::bench
