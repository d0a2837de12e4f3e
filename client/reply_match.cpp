#include "reply_match.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::client {
namespace {

using wire::Icmpv4Type;

bool is_reported_error(std::uint8_t type) {
  switch (static_cast<Icmpv4Type>(type)) {
    case Icmpv4Type::kDestinationUnreachable:
    case Icmpv4Type::kTimeExceeded:
    case Icmpv4Type::kParameterProblem:
      return true;
    default:
      return false;
  }
}

// The datagram an ICMP error quotes (RFC 792: "Internet Header + 64 bits of
// Original Data Datagram") must be ICMP, sent to our target, with at least
// the 8 bytes of an ICMP header quoted. Returns the quoted ICMP bytes.
std::optional<std::span<const std::uint8_t>> quoted_icmp_of_ours(
    std::span<const std::uint8_t> quoted, wire::Ipv4Address target) {
  const auto ip = wire::Ipv4Packet::parse_quoted(quoted);
  if (!ip || ip->protocol() != wire::kIpProtocolIcmp || ip->destination() != target) {
    return std::nullopt;
  }
  if (ip->payload().size() < wire::kIcmpv4HeaderLength) return std::nullopt;
  return ip->payload();
}

// The quoted ICMP header must be one of our Echo Requests: type 8, our
// identifier, a sequence number we sent.
ReplyMatch match_quoted_request(ReplyMatch m, std::span<const std::uint8_t> quoted_icmp,
                                const EchoExpectation& expect, const PingStatistics& stats) {
  const auto request = wire::Icmpv4Packet::parse(quoted_icmp);
  if (!request) {
    m.verdict = ReplyVerdict::kMalformed;
    return m;
  }
  m.identifier = request->identifier();
  m.sequence = request->sequence();
  const bool ours =
      request->is_echo_request() && m.identifier == expect.identifier && stats.was_sent(m.sequence);
  m.verdict = ours ? ReplyVerdict::kIcmpError : ReplyVerdict::kNotOurs;
  return m;
}

ReplyMatch match_echo_reply(ReplyMatch m, const wire::Icmpv4Packet& packet,
                            const EchoExpectation& expect, const PingStatistics& stats) {
  m.identifier = packet.identifier();
  m.sequence = packet.sequence();
  m.data = packet.data();
  // On a raw socket every echo reply on the host arrives here; ours carry
  // our identifier and a sequence number we have used.
  if (m.identifier != expect.identifier || !stats.was_sent(m.sequence)) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  m.from_other_address = m.from != expect.target;
  m.data_check = compare_data(expect.payload, m.data);
  // RFC 792: the checksum covers the whole ICMP message. A raw socket
  // gets the reply before the kernel checks it; a datagram socket never
  // sees a bad one.
  if (!packet.checksum_valid()) {
    m.verdict = ReplyVerdict::kBadChecksum;
  } else if (stats.has_reply(m.sequence)) {
    m.verdict = ReplyVerdict::kDuplicate;
  } else {
    m.verdict = m.data_check.matches() ? ReplyVerdict::kReply : ReplyVerdict::kWrongData;
  }
  return m;
}

}  // namespace

std::string_view reply_verdict_name(ReplyVerdict verdict) {
  switch (verdict) {
    case ReplyVerdict::kReply:
      return "reply";
    case ReplyVerdict::kWrongData:
      return "wrong_data";
    case ReplyVerdict::kDuplicate:
      return "duplicate";
    case ReplyVerdict::kBadChecksum:
      return "bad_checksum";
    case ReplyVerdict::kIcmpError:
      return "icmp_error";
    case ReplyVerdict::kNotOurs:
      return "not_ours";
    case ReplyVerdict::kMalformed:
      return "malformed";
  }
  return "unknown";
}

DataCheck compare_data(std::span<const std::uint8_t> expected,
                       std::span<const std::uint8_t> actual) {
  DataCheck check;
  check.expected_length = expected.size();
  check.actual_length = actual.size();
  const std::size_t common = std::min(expected.size(), actual.size());
  const auto [e, a] = std::mismatch(expected.begin(), expected.begin() + common, actual.begin());
  if (e != expected.begin() + common) {
    check.has_wrong_byte = true;
    check.wrong_byte_index = static_cast<std::size_t>(e - expected.begin());
    check.expected_byte = *e;
    check.actual_byte = *a;
  }
  return check;
}

ReplyMatch match_icmp_message(std::span<const std::uint8_t> icmp, wire::Ipv4Address from,
                              const EchoExpectation& expect, const PingStatistics& stats) {
  ReplyMatch m;
  m.from = from;
  const auto packet = wire::Icmpv4Packet::parse(icmp);
  if (!packet) return m;  // kMalformed: under the 8-byte ICMP header
  m.icmp_type = std::to_underlying(packet->type());
  m.icmp_code = packet->code();
  if (packet->is_echo_reply()) {
    return match_echo_reply(m, *packet, expect, stats);
  }
  if (!is_reported_error(m.icmp_type)) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  // An error whose own checksum fails cannot be trusted to quote anything.
  if (!packet->checksum_valid()) return m;
  const auto quoted = quoted_icmp_of_ours(packet->data(), expect.target);
  if (!quoted) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  return match_quoted_request(m, *quoted, expect, stats);
}

ReplyMatch match_ipv4_datagram(std::span<const std::uint8_t> datagram,
                               const EchoExpectation& expect, const PingStatistics& stats) {
  const auto ip = wire::Ipv4Packet::parse(datagram);
  if (!ip) return ReplyMatch{};
  if (ip->protocol() != wire::kIpProtocolIcmp) {
    ReplyMatch m;
    m.from = ip->source();
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  return match_icmp_message(ip->payload(), ip->source(), expect, stats);
}

ReplyMatch match_queued_error(std::uint8_t type, std::uint8_t code, wire::Ipv4Address from,
                              std::span<const std::uint8_t> quoted_icmp,
                              const EchoExpectation& expect, const PingStatistics& stats) {
  ReplyMatch m;
  m.from = from;
  m.icmp_type = type;
  m.icmp_code = code;
  if (!is_reported_error(type)) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  return match_quoted_request(m, quoted_icmp, expect, stats);
}

}  // namespace pong::client
