#include "reply_match.hpp"

#include <algorithm>
#include <optional>

#include "wire/icmp.hpp"
#include "wire/ipv4.hpp"

namespace pong::client {
namespace {

template <class Type>
using IcmpView = wire::BasicIcmpPacket<Type, const std::uint8_t>;

// The quoted ICMP header must be one of our Echo Requests: the family's
// request type, our identifier, a sequence number we sent.
template <class Type>
ReplyMatch match_quoted_request(ReplyMatch m, std::span<const std::uint8_t> quoted_icmp,
                                const EchoExpectation& expect, const PingStatistics& stats) {
  const auto request = IcmpView<Type>::parse(quoted_icmp);
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

template <class Type>
ReplyMatch match_echo_reply(ReplyMatch m, const IcmpView<Type>& packet,
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
  // A reply to a multicast request comes from a unicast address (RFC 4443
  // 4.2: "MUST be a unicast address belonging to the interface on which the
  // Echo Request message was received"; RFC 1122 3.2.2.6 for IPv4), so
  // only a unicast target can be answered from the wrong address.
  m.from_other_address = m.from != expect.target && !expect.target.is_multicast();
  m.data_check = compare_data(expect.payload, m.data);
  // RFC 792: the checksum covers the whole ICMP message. A raw IPv4
  // socket gets the reply before the kernel checks it; a datagram socket
  // never sees a bad one, nor does any ICMPv6 socket (IcmpRules).
  if (IcmpRules<Type>::kChecksumCoversMessageOnly && !packet.checksum_valid()) {
    m.verdict = ReplyVerdict::kBadChecksum;
  } else if (stats.has_reply(m.sequence)) {
    m.verdict = ReplyVerdict::kDuplicate;
  } else {
    m.verdict = m.data_check.matches() ? ReplyVerdict::kReply : ReplyVerdict::kWrongData;
  }
  return m;
}

// The one matcher: an ICMP message of the family `Type` names, from `from`.
template <class Type>
ReplyMatch match_message(std::span<const std::uint8_t> icmp, wire::IpAddress from,
                         const EchoExpectation& expect, const PingStatistics& stats) {
  using Rules = IcmpRules<Type>;
  ReplyMatch m;
  m.from = from;
  const auto packet = IcmpView<Type>::parse(icmp);
  if (!packet) return m;  // kMalformed: under the 8-byte ICMP header
  m.icmp_type = packet->type();
  m.icmp_code = packet->code();
  if (packet->is_echo_reply()) return match_echo_reply<Type>(m, *packet, expect, stats);
  const auto error = Rules::error_of(packet->type());
  if (!error) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  // An error whose own checksum fails cannot be trusted to quote anything.
  if (Rules::kChecksumCoversMessageOnly && !packet->checksum_valid()) return m;
  const auto quoted = Rules::quoted_request(packet->data(), expect.target);
  if (!quoted) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  m.detail =
      Rules::detail_of(*error, m.icmp_code, Rules::info_of(*error, packet->rest_of_header()));
  return match_quoted_request<Type>(m, *quoted, expect, stats);
}

template <class Type>
ReplyMatch match_queued(const QueuedError& error, Type type,
                        std::span<const std::uint8_t> quoted_icmp, const EchoExpectation& expect,
                        const PingStatistics& stats) {
  using Rules = IcmpRules<Type>;
  ReplyMatch m;
  m.from = error.from;
  m.icmp_type = type;
  m.icmp_code = error.code;
  const auto kind = Rules::error_of(type);
  if (!kind || expect.target.family() != Rules::kFamily) {
    m.verdict = ReplyVerdict::kNotOurs;
    return m;
  }
  m.detail = Rules::detail_of(*kind, error.code, error.info);
  return match_quoted_request<Type>(m, quoted_icmp, expect, stats);
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

ReplyMatch match_icmp_message(std::span<const std::uint8_t> icmp, wire::IpAddress from,
                              const EchoExpectation& expect, const PingStatistics& stats) {
  return visit_family(expect.target.family(), [&](auto family) {
    return match_message<typename decltype(family)::type>(icmp, from, expect, stats);
  });
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
  return match_message<wire::Icmpv4Type>(ip->payload(), ip->source(), expect, stats);
}

ReplyMatch match_queued_error(const QueuedError& error, std::span<const std::uint8_t> quoted_icmp,
                              const EchoExpectation& expect, const PingStatistics& stats) {
  return error.type.visit(
      [&](auto type) { return match_queued(error, type, quoted_icmp, expect, stats); });
}

std::optional<std::uint16_t> request_sequence(wire::IpFamily family,
                                              std::span<const std::uint8_t> icmp) {
  return visit_family(family, [icmp](auto tag) -> std::optional<std::uint16_t> {
    const auto request = IcmpView<typename decltype(tag)::type>::parse(icmp);
    if (!request) return std::nullopt;
    return request->sequence();
  });
}

}  // namespace pong::client
