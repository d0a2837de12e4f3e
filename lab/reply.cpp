#include "reply.hpp"

#include <fmt/format.h>

#include "sys/format.hpp"
#include "wire/drop_reason.hpp"
#include "wire/echo.hpp"

namespace pong::lab {
namespace {

LabError not_answered(wire::DropReason reason, const DecodedPacket& request) {
  const auto name = wire::drop_reason_name(reason);
  const auto& icmp = request.icmp;
  switch (reason) {
    case wire::DropReason::kIcmpBadChecksum:
      return LabError(
          LabErrorKind::kNotEchoRequest,
          fmt::format("pong drops this request and counts it as {}: its ICMP checksum is "
                      "0x{:04x}, the right one is 0x{:04x}, so there is no reply",
                      name, icmp->checksum_field, icmp->checksum ? icmp->checksum->expected : 0));
    case wire::DropReason::kNotEchoRequest:
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("this is an ICMP {} (type {}), not an echo request (type 8): "
                                  "pong answers echo requests only and counts this as {}",
                                  icmp_type_label(icmp->type), icmp->type, name));
    case wire::DropReason::kNonUnicastDestination:
      return LabError(LabErrorKind::kNotEchoRequest,
                      fmt::format("pong drops this request and counts it as {}: it was sent to "
                                  "{}, a broadcast or multicast address (RFC 1122 3.2.2.6 MAY)",
                                  name, request.ip.destination));
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

}  // namespace

std::expected<ReplyExplanation, LabError> explain_reply(std::span<const std::uint8_t> captured) {
  auto request = decode_packet(captured);
  if (!request) return std::unexpected(request.error());
  if (request->ip.protocol != wire::kIpProtocolIcmp) {
    return std::unexpected(LabError(
        LabErrorKind::kNotEchoRequest,
        fmt::format("this datagram carries protocol {} ({}), not ICMP: pong counts it as {}",
                    request->ip.protocol, ip_protocol_name(request->ip.protocol),
                    wire::drop_reason_name(wire::DropReason::kNotIcmp))));
  }

  // What the responder does with it, on a copy.
  std::vector<std::uint8_t> datagram = request->datagram;
  const auto answer = wire::answer_echo_request(datagram, wire::Ipv4Arrival{}, wire::EchoPolicy{});
  if (!answer) return std::unexpected(not_answered(answer.error(), *request));

  ReplyExplanation r;
  const std::size_t icmp_offset = request->ip.header_length;
  r.request_icmp.assign(request->datagram.begin() + static_cast<std::ptrdiff_t>(icmp_offset),
                        request->datagram.end());
  r.reply_icmp.assign(answer->message.icmp.begin(), answer->message.icmp.end());
  const auto before = *wire::Icmpv4Packet::parse(r.request_icmp);
  const auto after = *wire::Icmpv4Packet::parse(r.reply_icmp);
  r.old_word = before.type_code_word();
  r.new_word = after.type_code_word();
  r.old_checksum = before.checksum();
  r.new_checksum = after.checksum();
  std::vector<std::uint8_t> zeroed = r.reply_icmp;
  zeroed[wire::icmpv4_field::kChecksum] = 0;
  zeroed[wire::icmpv4_field::kChecksum + 1] = 0;
  r.full = explain_checksum(zeroed);
  r.incremental = explain_incremental_update(r.old_checksum, r.old_word, r.new_word);
  r.reply_verifies = after.checksum_valid();
  r.reply_source = answer->source.ipv4();
  r.reply_destination = answer->destination.ipv4();

  r.reply_datagram = datagram;  // the ICMP part already holds the reply
  for (std::size_t i = 0; i < 4; ++i) {
    r.reply_datagram[wire::ipv4_field::kSource + i] = r.reply_source.octets[i];
    r.reply_datagram[wire::ipv4_field::kDestination + i] = r.reply_destination.octets[i];
  }
  r.request = std::move(*request);
  return r;
}

bool is_reply_to(const DecodedPacket& candidate, const ReplyExplanation& request) {
  return candidate.icmp && candidate.icmp->type == 0 && request.request.icmp &&
         candidate.icmp->identifier == request.request.icmp->identifier &&
         candidate.icmp->sequence == request.request.icmp->sequence &&
         candidate.ip.source == request.reply_source;
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
