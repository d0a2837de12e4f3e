// The responder's decision, as pure functions over bytes: is this message
// an Echo Request we answer, and if so what is the reply?
//
// One rule for both families (answer_echo_message): the checksum first,
// then the type, then the destination policy, then the rewrite in place.
// Two thin adapters feed it: one for the IPv4 datagram a raw IPv4 socket
// reads (IP header included), one for the bare ICMPv6 message a raw ICMPv6
// socket reads, with the addresses IPV6_PKTINFO gave.
//
// No sockets, clocks, logging or allocation here.
#pragma once

#include <cstdint>
#include <expected>
#include <span>

#include "address.hpp"
#include "bytes.hpp"
#include "checksum.hpp"
#include "drop_reason.hpp"
#include "icmp.hpp"
#include "icmpv4.hpp"
#include "icmpv6.hpp"
#include "ipv4.hpp"

namespace pong::wire {

struct EchoPolicy {
  // RFC 1122 3.2.2.6: "An ICMP Echo Request destined to an IP broadcast or
  // IP multicast address MAY be silently discarded." Linux discards IPv4
  // ones while net.ipv4.icmp_echo_ignore_broadcasts=1, its default, but
  // answers IPv6 multicast unless net.ipv6.icmp.echo_ignore_multicast=1.
  bool answer_non_unicast = false;
  // IPv6 only: net.ipv6.icmp.echo_ignore_anycast (default 0, answer).
  bool answer_anycast = true;
};

// How the request was addressed, as the family adapter classified it.
enum class DestinationKind : std::uint8_t { kUnicast, kBroadcastOrMulticast, kAnycast };

// The reply's ICMP message and the echo fields, family-neutral.
struct EchoMessage {
  // Rewritten in place inside the caller's buffer; send exactly these bytes.
  std::span<std::uint8_t> icmp;
  std::uint16_t identifier;
  std::uint16_t sequence;
  std::span<const std::uint8_t> data;
};

// What the responder sends, for either family.
struct EchoReply {
  EchoMessage message;
  IpAddress destination;  // the request's source (RFC 792, RFC 4443 4.2: addresses swapped)
  // The request's specific destination (RFC 1122 3.2.2.6, RFC 4443 4.2).
  // Unspecified where the kernel is to choose: an IPv6 multicast or anycast
  // request, answered from a unicast address of the receiving interface.
  IpAddress source;
  // IPv6: the interface the request arrived on, which the reply must
  // leave by (Linux: flowi6_oif = icmp6_iif(skb)). 0 for IPv4: routed.
  std::uint32_t interface_index;
  std::uint8_t traffic_class;  // IPv4 TOS / IPv6 Traffic Class, copied as Linux does
  bool has_ip_options;         // IPv4: the request carried IP options to be echoed
};

// Whether every byte of an ICMP message is zero, its checksum field apart.
constexpr bool is_all_zero_but_checksum(std::span<const std::uint8_t> icmp) {
  for (std::size_t i = 0; i < icmp.size(); ++i) {
    if (i == icmp_field::kChecksum || i == icmp_field::kChecksum + 1) continue;
    if (icmp[i] != 0) return false;
  }
  return true;
}

// Rewrites a valid Echo Request into its Echo Reply in place: the type
// becomes the family's reply type (8 -> 0, 128 -> 129), and the code,
// identifier, sequence and data stay as they came (RFC 792; RFC 4443 4.2
// "The data received in the ICMPv6 Echo Request message MUST be returned
// entirely and unmodified"; Linux keeps the code too). The checksum is
// updated with RFC 1624 eqn. 3 over the one word that changed. For ICMPv6
// the pseudo-header is unchanged by swapping source and destination, so
// the update holds there too; the kernel recomputes it on send anyway
// (RFC 3542 3.1).
// Precondition: packet.is_echo_request().
template <class Type>
constexpr void rewrite_echo_request_as_reply(const BasicIcmpPacket<Type, std::uint8_t>& packet) {
  const std::uint16_t old_word = packet.type_code_word();
  packet.set_type(IcmpEchoTypes<Type>::kReply);
  const std::uint16_t new_word = packet.type_code_word();
  std::uint16_t updated = checksum_update(packet.checksum(), old_word, new_word);
  // RFC 1624 3 rests on "at least one non-zero field": one's complement
  // addition of non-zero words gives -0 (0xFFFF) but never +0. An ICMPv4
  // Echo Reply can be all zero, though (code 0, identifier 0, sequence 0,
  // no or zero data). Its sum is then +0 and its checksum must be ~(+0) =
  // 0xFFFF, as a full recomputation gives, while eqn. 3 answers 0x0000.
  // That is the only case where eqn. 3 can be wrong, and it can only be
  // when it answers 0x0000, so only then is the message scanned. (An
  // ICMPv6 reply never is: its type is 129 and its pseudo-header non-zero.)
  if (updated == 0x0000 && is_all_zero_but_checksum(packet.bytes())) updated = 0xFFFF;
  packet.set_checksum(updated);
}

// The echo rule both families share, in the order Linux applies it
// (icmp_rcv, icmpv6_rcv): the checksum, then the type, then the
// destination policy; then the rewrite. `pseudo_header` is empty for
// ICMPv4 and the RFC 4443 2.3 pseudo-header sum for ICMPv6.
template <class Type>
constexpr std::expected<EchoMessage, DropReason> answer_echo_message(
    std::span<std::uint8_t> icmp, ChecksumAccumulator pseudo_header, DestinationKind destination,
    const EchoPolicy& policy) {
  const auto packet = BasicIcmpPacket<Type, std::uint8_t>::parse(icmp);
  if (!packet) return std::unexpected(packet.error());
  // Linux checks the checksum before looking at the type, and counts a
  // failure as InCsumErrors / Icmp6InCsumErrors; so do we.
  if (!packet->checksum_valid(pseudo_header)) return std::unexpected(DropReason::kIcmpBadChecksum);
  if (!packet->is_echo_request()) return std::unexpected(DropReason::kNotEchoRequest);
  if (destination == DestinationKind::kBroadcastOrMulticast && !policy.answer_non_unicast) {
    return std::unexpected(DropReason::kNonUnicastDestination);
  }
  if (destination == DestinationKind::kAnycast && !policy.answer_anycast) {
    return std::unexpected(DropReason::kAnycastDestination);
  }
  rewrite_echo_request_as_reply(*packet);
  return EchoMessage{packet->bytes(), packet->identifier(), packet->sequence(), packet->data()};
}

// ---- IPv4 -----------------------------------------------------------------

// What IP_PKTINFO said about where an IPv4 datagram arrived.
struct Ipv4Arrival {
  // ipi_spec_dst: for a unicast datagram the address it was sent to,
  // otherwise the address the kernel itself would answer from
  // (fib_compute_spec_dst). Unspecified when the kernel gave none.
  Ipv4Address specific_destination{};
};

constexpr DestinationKind classify_ipv4_destination(Ipv4Address header_destination,
                                                    const Ipv4Arrival& arrival) {
  if (header_destination.is_multicast() || header_destination.is_limited_broadcast()) {
    return DestinationKind::kBroadcastOrMulticast;
  }
  // A directed broadcast (e.g. 10.0.0.255) looks like any address; the
  // kernel reveals it by giving a specific destination that differs from
  // the header's, because fib_compute_spec_dst returns the header
  // destination itself only for local unicast.
  if (!arrival.specific_destination.is_unspecified() &&
      arrival.specific_destination != header_destination) {
    return DestinationKind::kBroadcastOrMulticast;
  }
  return DestinationKind::kUnicast;
}

// Decides and, on success, rewrites `datagram` in place.
// Precondition: `datagram` is one IPv4 datagram as a raw socket reads it.
constexpr std::expected<EchoReply, DropReason> answer_echo_request(std::span<std::uint8_t> datagram,
                                                                   const Ipv4Arrival& arrival,
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

  const Ipv4Address header_destination = ip->destination();
  const auto message = answer_echo_message<Icmpv4Type>(
      ip->payload(), {}, classify_ipv4_destination(header_destination, arrival), policy);
  if (!message) return std::unexpected(message.error());
  // RFC 1122 3.2.2.6: "The IP source address in an ICMP Echo Reply MUST be
  // the same as the specific-destination address ... of the corresponding
  // ICMP Echo Request message." For a broadcast or multicast request that
  // is an address of the receiving interface, which is what the kernel's
  // specific destination is.
  const Ipv4Address reply_source = arrival.specific_destination.is_unspecified()
                                       ? header_destination
                                       : arrival.specific_destination;
  return EchoReply{*message, ip->source(), reply_source, 0, ip->tos(), !ip->options().empty()};
}

// ---- IPv6 -----------------------------------------------------------------

// What the socket said about where an ICMPv6 message arrived: the sender
// from msg_name, the rest from IPV6_PKTINFO and IPV6_TCLASS. A raw ICMPv6
// socket delivers no IPv6 header, so this is all there is of it.
struct Ipv6Arrival {
  Ipv6Address source{};
  Ipv6Address destination{};          // ipi6_addr: the header's destination
  std::uint32_t interface_index = 0;  // ipi6_ifindex
  std::uint8_t traffic_class = 0;
  // Whether `destination` is an anycast address of this host, which no
  // header field tells; the shell looks it up (/proc/net/anycast6).
  bool destination_is_anycast = false;
};

constexpr DestinationKind classify_ipv6_destination(const Ipv6Arrival& arrival) {
  if (arrival.destination.is_multicast()) return DestinationKind::kBroadcastOrMulticast;
  if (arrival.destination_is_anycast) return DestinationKind::kAnycast;
  return DestinationKind::kUnicast;
}

// Decides and, on success, rewrites `icmp` in place.
// Precondition: `icmp` is one ICMPv6 message as a raw ICMPv6 socket reads
// it (no IPv6 header), and `arrival` describes its packet.
constexpr std::expected<EchoReply, DropReason> answer_echo_request(std::span<std::uint8_t> icmp,
                                                                   const Ipv6Arrival& arrival,
                                                                   const EchoPolicy& policy) {
  const DestinationKind kind = classify_ipv6_destination(arrival);
  const auto message = answer_echo_message<Icmpv6Type>(
      icmp, icmpv6_pseudo_header(arrival.source, arrival.destination, icmp.size()), kind, policy);
  if (!message) return std::unexpected(message.error());
  // RFC 4443 4.2: "If the corresponding Echo Request was sent to a unicast
  // address, the source address of the Echo Reply MUST be that address. If
  // it was sent to a multicast or anycast address, the source address of
  // the Echo Reply MUST be a unicast address belonging to the interface on
  // which the multicast or anycast Echo Request message was received."
  // The kernel picks that address when the source is left unspecified and
  // the reply is bound to the arrival interface.
  const IpAddress reply_source =
      kind == DestinationKind::kUnicast ? IpAddress{arrival.destination} : IpAddress{Ipv6Address{}};
  return EchoReply{
      *message, arrival.source, reply_source, arrival.interface_index, arrival.traffic_class,
      false};
}

}  // namespace pong::wire
