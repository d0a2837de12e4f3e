// The responder's decision, as one pure function over bytes: is this
// datagram an Echo Request we answer, and if so what is the reply?
//
// No sockets, clocks, logging or allocation here. The shell hands in the
// bytes a raw socket read (IP header included) plus what IP_PKTINFO said,
// and gets back either the rewritten reply or the reason to drop.
#pragma once

#include <cstdint>
#include <expected>
#include <span>

#include "bytes.hpp"
#include "checksum.hpp"
#include "drop_reason.hpp"
#include "icmpv4.hpp"
#include "ipv4.hpp"

namespace pong::wire {

struct EchoPolicy {
  // RFC 1122 3.2.2.6: "An ICMP Echo Request destined to an IP broadcast or
  // IP multicast address MAY be silently discarded." Linux discards them
  // while net.ipv4.icmp_echo_ignore_broadcasts=1, its default.
  bool answer_non_unicast = false;
};

// What the kernel told us about where the datagram arrived.
struct ArrivalInfo {
  // IP_PKTINFO's ipi_spec_dst: for a unicast datagram the address it was
  // sent to, otherwise the address the kernel itself would answer from
  // (fib_compute_spec_dst). Unspecified when the kernel gave none.
  Ipv4Address specific_destination{};
};

struct EchoReply {
  // The ICMP message, rewritten in place inside the datagram buffer; send
  // exactly these bytes.
  std::span<std::uint8_t> icmp;
  Ipv4Address destination;  // the request's source (RFC 792: addresses swapped)
  Ipv4Address source;       // the request's specific destination (RFC 1122 3.2.2.6)
  std::uint8_t tos;         // copied from the request, as Linux does
  bool has_ip_options;      // the request carried IP options to be echoed
  std::uint16_t identifier;
  std::uint16_t sequence;
  std::span<const std::uint8_t> data;
};

// Whether every byte of an ICMP message is zero, its checksum field apart.
constexpr bool is_all_zero_but_checksum(std::span<const std::uint8_t> icmp) {
  for (std::size_t i = 0; i < icmp.size(); ++i) {
    if (i == icmpv4_field::kChecksum || i == icmpv4_field::kChecksum + 1) continue;
    if (icmp[i] != 0) return false;
  }
  return true;
}

// Rewrites a valid Echo Request into its Echo Reply in place: type 8
// becomes 0, and the code, identifier, sequence and data stay as they came
// (RFC 792; Linux keeps the code too). The checksum is updated with RFC
// 1624 eqn. 3 over the one word that changed.
// Precondition: packet.type() == 8.
constexpr void rewrite_echo_request_as_reply(const Icmpv4PacketMut& packet) {
  const std::uint16_t old_word = packet.type_code_word();
  packet.set_type(static_cast<std::uint8_t>(Icmpv4Type::kEchoReply));
  const std::uint16_t new_word = packet.type_code_word();
  std::uint16_t updated = checksum_update(packet.checksum(), old_word, new_word);
  // RFC 1624 3 rests on "at least one non-zero field": one's complement
  // addition of non-zero words gives -0 (0xFFFF) but never +0. An Echo
  // Reply can be all zero, though (code 0, identifier 0, sequence 0, no or
  // zero data). Its sum is then +0 and its checksum must be ~(+0) = 0xFFFF,
  // as a full recomputation gives, while eqn. 3 answers 0x0000. That is the
  // only case where eqn. 3 can be wrong, and it can only be when it answers
  // 0x0000, so only then is the message scanned.
  if (updated == 0x0000 && is_all_zero_but_checksum(packet.bytes())) updated = 0xFFFF;
  packet.set_checksum(updated);
}

constexpr bool is_non_unicast_destination(Ipv4Address header_destination,
                                          const ArrivalInfo& arrival) {
  if (header_destination.is_multicast() || header_destination.is_limited_broadcast()) return true;
  // A directed broadcast (e.g. 10.0.0.255) looks like any address; the
  // kernel reveals it by giving a specific destination that differs from
  // the header's, because fib_compute_spec_dst returns the header
  // destination itself only for local unicast.
  return !arrival.specific_destination.is_unspecified() &&
         arrival.specific_destination != header_destination;
}

// Decides and, on success, rewrites `datagram` in place.
// Precondition: `datagram` is one IPv4 datagram as a raw socket reads it.
constexpr std::expected<EchoReply, DropReason> answer_echo_request(std::span<std::uint8_t> datagram,
                                                                   const ArrivalInfo& arrival,
                                                                   const EchoPolicy& policy) {
  const auto ip = Ipv4PacketMut::parse(datagram);
  if (!ip) return std::unexpected(ip.error());
  // The IP header checksum is not checked here: the kernel verified it in
  // ip_rcv() before delivery, and then, for a Record Route or Timestamp
  // option, wrote this host's entry into the header (ip_options_compile)
  // without updating the checksum. A raw socket therefore sees a stale
  // checksum on exactly the requests whose options we must echo.
  if (ip->protocol() != kIpProtocolIcmp) return std::unexpected(DropReason::kNotIcmp);
  // Raw sockets see datagrams after reassembly (RFC 791 3.2); a fragment
  // here is malformed, and answering it would echo only part of the data.
  if (ip->is_fragment()) return std::unexpected(DropReason::kIpFragment);

  const auto icmp = Icmpv4PacketMut::parse(ip->payload());
  if (!icmp) return std::unexpected(icmp.error());
  // Linux's icmp_rcv checks the checksum before looking at the type, and
  // counts a failure as InCsumErrors; so do we.
  if (!icmp->checksum_valid()) return std::unexpected(DropReason::kIcmpBadChecksum);
  if (icmp->type() != static_cast<std::uint8_t>(Icmpv4Type::kEchoRequest)) {
    return std::unexpected(DropReason::kNotEchoRequest);
  }

  const Ipv4Address header_destination = ip->destination();
  const bool non_unicast = is_non_unicast_destination(header_destination, arrival);
  if (non_unicast && !policy.answer_non_unicast) {
    return std::unexpected(DropReason::kNonUnicastDestination);
  }
  // RFC 1122 3.2.2.6: "The IP source address in an ICMP Echo Reply MUST be
  // the same as the specific-destination address ... of the corresponding
  // ICMP Echo Request message." For a broadcast or multicast request that
  // is an address of the receiving interface, which is what the kernel's
  // specific destination is.
  Ipv4Address reply_source = header_destination;
  if (!arrival.specific_destination.is_unspecified()) reply_source = arrival.specific_destination;

  // RFC 1122 3.2.2.6: "Data received in an ICMP Echo Request MUST be
  // entirely included in the resulting Echo Reply." It is: only the
  // type and checksum words change.
  rewrite_echo_request_as_reply(*icmp);

  return EchoReply{icmp->bytes(),          ip->source(),       reply_source,     ip->tos(),
                   !ip->options().empty(), icmp->identifier(), icmp->sequence(), icmp->data()};
}

}  // namespace pong::wire
