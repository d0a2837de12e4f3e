#include "reply.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sys/format.hpp"
#include "wire/drop_reason.hpp"
#include "wire/echo.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

LabError not_answered(wire::DropReason reason, const DecodedPacket& request) {
  const auto name = wire::drop_reason_name(reason);
  const auto& icmp = request.icmp;
  const auto family = request.family();
  switch (reason) {
    case wire::DropReason::kIcmpBadChecksum:
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("pong drops this request and counts it as {}: its {} checksum is "
                                  "0x{:04x}, the right one is 0x{:04x}, so there is no reply",
                                  name, icmp_name(family), icmp->checksum_field,
                                  icmp->checksum ? icmp->checksum->expected : 0));
    case wire::DropReason::kNotEchoRequest: {
      const IcmpType request_type = family == wire::IpFamily::kIpv4
                                        ? IcmpType{wire::Icmpv4Type::kEchoRequest}
                                        : IcmpType{wire::Icmpv6Type::kEchoRequest};
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("this is an {} {} (type {}), not an echo request (type {}): "
                                  "pong answers echo requests only and counts this as {}",
                                  icmp_name(family), icmp_type_label(icmp->type),
                                  icmp->type.value(), request_type.value(), name));
    }
    case wire::DropReason::kNonUnicastDestination:
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("pong drops this request and counts it as {}: it was sent to "
                                  "{}, a broadcast or multicast address (RFC 1122 3.2.2.6 MAY)",
                                  name, request.destination()));
    case wire::DropReason::kIpFragment:
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("pong drops this datagram and counts it as {}: it is a "
                                  "fragment, and a raw socket only sees reassembled datagrams",
                                  name));
    default:
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("pong drops this datagram and counts it as {}", name));
  }
}

// A packet with no ICMP message right after its IP header.
std::optional<LabError> not_icmp(const DecodedPacket& request) {
  if (const auto* v4 = request.ipv4(); v4 && v4->protocol != wire::kIpProtocolIcmp) {
    return LabError(
        LabErrorKind::kNotEchoRequest,
        fmt::format("this datagram carries protocol {} ({}), not ICMP: pong counts it as {}",
                    v4->protocol, ip_protocol_name(v4->protocol),
                    wire::drop_reason_name(wire::DropReason::kNotIcmp)));
  }
  if (const auto* v6 = request.ipv6(); v6 && v6->next_header != wire::kIpProtocolIcmpv6) {
    return LabError(LabErrorKind::kNotEchoRequest,
                    fmt::format("this packet's next header is {} ({}), not 58 (ICMPv6): there is "
                                "no ICMPv6 message right after the IPv6 header to answer",
                                v6->next_header, ip_protocol_name(v6->next_header)));
  }
  return std::nullopt;
}

// The responder's rule, on a copy, for the family of `request`. The
// policy is each family's kernel default: IPv4 ignores broadcast and
// multicast requests (net.ipv4.icmp_echo_ignore_broadcasts=1), IPv6
// answers multicast ones (net.ipv6.icmp.echo_ignore_multicast=0).
// Returns the reply's ICMP bytes, left in `buffer`, and its addresses.
std::expected<wire::EchoReply, wire::DropReason> answer(const DecodedPacket& request,
                                                        std::vector<std::uint8_t>& buffer) {
  if (request.family() == wire::IpFamily::kIpv4) {
    buffer = request.datagram;
    return wire::answer_echo_request(buffer, wire::Ipv4Arrival{}, wire::EchoPolicy{});
  }
  const auto& v6 = *request.ipv6();
  buffer.assign(request.payload().begin(), request.payload().end());
  const wire::Ipv6Arrival arrival{v6.source, v6.destination, 0, v6.traffic_class, false};
  return wire::answer_echo_request(buffer, arrival, wire::EchoPolicy{.answer_non_unicast = true});
}

std::uint16_t word_at(std::span<const std::uint8_t> icmp, std::size_t offset) {
  return wire::load_be16(icmp.subspan(offset).first<2>());
}

// The request's packet with `r`'s reply in it and the addresses swapped.
std::vector<std::uint8_t> reply_packet(const DecodedPacket& request, const ReplyExplanation& r) {
  std::vector<std::uint8_t> packet = request.datagram;
  std::copy(r.reply_icmp.begin(), r.reply_icmp.end(),
            packet.begin() + static_cast<std::ptrdiff_t>(request.header_length()));
  const bool v4 = request.family() == wire::IpFamily::kIpv4;
  const std::size_t source = v4 ? wire::ipv4_field::kSource : wire::ipv6_field::kSource;
  const std::size_t destination =
      v4 ? wire::ipv4_field::kDestination : wire::ipv6_field::kDestination;
  std::ranges::copy(r.reply_source.bytes(), packet.begin() + static_cast<std::ptrdiff_t>(source));
  std::ranges::copy(r.reply_destination.bytes(),
                    packet.begin() + static_cast<std::ptrdiff_t>(destination));
  return packet;
}

// The checksum pong's reply should carry, recomputed in full: for ICMPv6
// over the reply's own pseudo-header (RFC 4443 2.3), with source and
// destination swapped.
void recompute(ReplyExplanation& r) {
  std::vector<std::uint8_t> zeroed = r.reply_icmp;
  zeroed[wire::icmp_field::kChecksum] = 0;
  zeroed[wire::icmp_field::kChecksum + 1] = 0;
  const auto* v6 = r.request.ipv6();
  if (v6 == nullptr) {
    r.full = explain_checksum(zeroed);
    r.reply_verifies = wire::checksum_is_valid(r.reply_icmp);
    return;
  }
  const auto length = static_cast<std::uint32_t>(r.reply_icmp.size());
  // For a multicast request the kernel picks the reply's source; the
  // request's destination stands in for it here (render says so).
  const wire::Ipv6Address source =
      r.reply_source.is_unspecified() ? v6->destination : r.reply_source.ipv6();
  const Ipv6PseudoHeader reply_pseudo{source, v6->source, length, wire::kIpProtocolIcmpv6};
  r.full = explain_checksum(zeroed, reply_pseudo);
  r.request_pseudo_header_sum =
      wire::icmpv6_pseudo_header(v6->source, v6->destination, length).folded();
  const auto reply_sum = wire::icmpv6_pseudo_header(source, v6->source, length);
  r.reply_pseudo_header_sum = reply_sum.folded();
  wire::ChecksumAccumulator all = reply_sum;
  r.reply_verifies = all.add(r.reply_icmp).folded() == 0xFFFF;
}

}  // namespace

std::expected<ReplyExplanation, LabError> explain_reply(std::span<const std::uint8_t> captured) {
  auto request = decode_packet(captured);
  if (!request) return std::unexpected(request.error());
  if (auto refusal = not_icmp(*request)) return std::unexpected(std::move(*refusal));

  std::vector<std::uint8_t> buffer;
  const auto reply = answer(*request, buffer);
  if (!reply) return std::unexpected(not_answered(reply.error(), *request));

  ReplyExplanation r;
  const auto request_icmp = request->payload();
  r.request_icmp.assign(request_icmp.begin(), request_icmp.end());
  r.reply_icmp.assign(reply->message.icmp.begin(), reply->message.icmp.end());
  r.old_word = word_at(r.request_icmp, wire::icmp_field::kType);
  r.new_word = word_at(r.reply_icmp, wire::icmp_field::kType);
  r.old_checksum = word_at(r.request_icmp, wire::icmp_field::kChecksum);
  r.new_checksum = word_at(r.reply_icmp, wire::icmp_field::kChecksum);
  r.incremental = explain_incremental_update(r.old_checksum, r.old_word, r.new_word);
  r.reply_source = reply->source;
  r.reply_destination = reply->destination;
  r.request = std::move(*request);
  recompute(r);
  if (!r.reply_source.is_unspecified()) r.reply_datagram = reply_packet(r.request, r);
  return r;
}

bool is_reply_to(const DecodedPacket& candidate, const ReplyExplanation& request) {
  return is_echo_reply_to(candidate, request.request);
}

std::optional<std::size_t> first_difference(std::span<const std::uint8_t> a,
                                            std::span<const std::uint8_t> b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return i;
  }
  if (a.size() != b.size()) return n;
  return std::nullopt;
}

}  // namespace pong::lab
