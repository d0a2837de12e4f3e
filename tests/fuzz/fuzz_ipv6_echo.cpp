// libFuzzer harness: the IPv6 parser, the ICMPv6 view and the responder's
// echo decision for an ICMPv6 message as a raw ICMPv6 socket reads it
// (answer_echo_request in wire/echo.hpp), with the addresses and traffic
// class IPV6_PKTINFO and IPV6_TCLASS would give.
//
// Input: one selector byte, then an IPv6 packet as tcpdump shows it (the
// 40-byte header, then the ICMPv6 message). The header is parsed with the
// wire view; its payload is what the socket would deliver, its addresses
// and traffic class are the arrival's. The selector picks the rest:
//   bit 0     EchoPolicy::answer_non_unicast
//   bit 1     EchoPolicy::answer_anycast
//   bit 2     Ipv6Arrival::destination_is_anycast
//   bit 3     repair: write a correct checksum (over the arrival's
//             pseudo-header) first, so that the fuzzer gets past it
//   bit 4     the arrival's destination is ff02::1 instead of the header's
//   bits 5-7  Ipv6Arrival::interface_index
//
// Properties (a __builtin_trap() when one fails):
//   - the parser accepts exactly what RFC 8200 3 allows (40 bytes, version
//     6, payload length within the buffer) and trims to 40 + payload
//     length; Ipv6Repr reproduces the 40 header bytes it parsed;
//   - the message is answered exactly when a reference decision written
//     here says so (checksum good over the pseudo-header, type 128,
//     destination admitted by the policy); a dropped one is left untouched;
//   - a reply has the request's length, differs from it only in the type
//     (128 -> 129) and the checksum, and verifies over the pseudo-header of
//     the reply's addresses (the request's swapped; where the reply's source
//     is left to the kernel, multicast or anycast, over the request's
//     destination, which the kernel replaces and recomputes the checksum for);
//   - the reply goes to the request's source, from its destination if that
//     was unicast, out of the arrival interface, with its traffic class.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/echo.hpp"
#include "wire/ipv6.hpp"

namespace {

using namespace pong::wire;

// RFC 1071 over the RFC 8200 8.1 pseudo-header and the message: the
// reference the code under test is held to.
std::uint16_t icmpv6_sum(const Ipv6Address& source, const Ipv6Address& destination,
                         std::span<const std::uint8_t> message) {
  std::array<std::uint8_t, 40> pseudo{};
  for (std::size_t i = 0; i < 16; ++i) {
    pseudo[i] = source.octets[i];
    pseudo[16 + i] = destination.octets[i];
  }
  const auto length = static_cast<std::uint32_t>(message.size());
  for (std::size_t i = 0; i < 4; ++i)
    pseudo[32 + i] = static_cast<std::uint8_t>(length >> (24 - 8 * i));
  pseudo[39] = 58;  // next header: ICMPv6
  return pong::fuzz::reference_sum(message, pong::fuzz::reference_sum(pseudo));
}

Ipv6Address address_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  Ipv6Address a;
  for (std::size_t i = 0; i < 16; ++i) a.octets[i] = bytes[offset + i];
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  std::vector<std::uint8_t> packet(data + 1, data + size);

  // The parser against RFC 8200 3, from the bytes.
  const bool parses = packet.size() >= 40 && (packet[0] >> 4) == 6 &&
                      40 + (std::size_t{packet[4]} << 8 | packet[5]) <= packet.size();
  const auto quoted = Ipv6Packet::parse_quoted(std::span<const std::uint8_t>(packet));
  FUZZ_CHECK(quoted.has_value() == (packet.size() >= 40 && (packet[0] >> 4) == 6));
  const auto view = Ipv6PacketMut::parse(packet);
  FUZZ_CHECK(view.has_value() == parses);
  if (!view) return 0;
  const std::size_t length = 40 + (std::size_t{packet[4]} << 8 | packet[5]);
  FUZZ_CHECK(view->bytes().data() == packet.data() && view->bytes().size() == length);
  FUZZ_CHECK(quoted->bytes().size() == length);
  {
    const auto repr = Ipv6Repr::parse(*Ipv6Packet::parse(std::span<const std::uint8_t>(packet)));
    std::vector<std::uint8_t> header(40);
    repr.emit(header);
    for (std::size_t i = 0; i < 40; ++i) FUZZ_CHECK(header[i] == packet[i]);
    FUZZ_CHECK(repr.payload_length == length - 40);
  }

  Ipv6Arrival arrival;
  arrival.source = view->source();
  arrival.destination = view->destination();
  if (selector & 0x10)
    arrival.destination = {{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
  arrival.traffic_class = view->traffic_class();
  arrival.interface_index = selector >> 5;
  arrival.destination_is_anycast = (selector & 0x04) != 0;
  FUZZ_CHECK(arrival.source == address_at(packet, 8));
  FUZZ_CHECK(view->destination() == address_at(packet, 24));
  FUZZ_CHECK(arrival.traffic_class == ((packet[0] & 0x0F) << 4 | packet[1] >> 4));
  EchoPolicy policy;
  policy.answer_non_unicast = (selector & 0x01) != 0;
  policy.answer_anycast = (selector & 0x02) != 0;

  const auto icmp = view->payload();
  if ((selector & 0x08) && icmp.size() >= 8) {
    icmp[2] = 0;
    icmp[3] = 0;
    const auto checksum =
        static_cast<std::uint16_t>(~icmpv6_sum(arrival.source, arrival.destination, icmp));
    icmp[2] = static_cast<std::uint8_t>(checksum >> 8);
    icmp[3] = static_cast<std::uint8_t>(checksum);
  }
  const std::vector<std::uint8_t> request = packet;

  // RFC 4443 2.3, 4.1 and 4.2, with Linux's policy knobs.
  const bool multicast = arrival.destination.octets[0] == 0xFF;
  const bool admitted = multicast                        ? policy.answer_non_unicast
                        : arrival.destination_is_anycast ? policy.answer_anycast
                                                         : true;
  const bool answer = icmp.size() >= 8 &&
                      icmpv6_sum(arrival.source, arrival.destination, icmp) == 0xFFFF &&
                      icmp[0] == 128 && admitted;

  const auto reply = answer_echo_request(icmp, arrival, policy);
  FUZZ_CHECK(reply.has_value() == answer);
  if (!reply) {
    FUZZ_CHECK(packet == request);
    return 0;
  }

  const auto message = reply->message.icmp;
  FUZZ_CHECK(message.data() == icmp.data() && message.size() == icmp.size());
  FUZZ_CHECK(request[40] == 128 && message[0] == 129);
  for (std::size_t i = 0; i < packet.size(); ++i) {
    if (i == 40 || i == 42 || i == 43) continue;
    FUZZ_CHECK(packet[i] == request[i]);
  }

  const bool unicast = !multicast && !arrival.destination_is_anycast;
  FUZZ_CHECK(reply->destination == IpAddress{arrival.source});
  FUZZ_CHECK(reply->source ==
             (unicast ? IpAddress{arrival.destination} : IpAddress{Ipv6Address{}}));
  const Ipv6Address reply_source = unicast ? reply->source.ipv6() : arrival.destination;
  FUZZ_CHECK(icmpv6_sum(reply_source, reply->destination.ipv6(), message) == 0xFFFF);
  FUZZ_CHECK(reply->interface_index == arrival.interface_index);
  FUZZ_CHECK(reply->traffic_class == arrival.traffic_class);
  FUZZ_CHECK(!reply->has_ip_options);
  FUZZ_CHECK(reply->message.identifier == (request[44] << 8 | request[45]));
  FUZZ_CHECK(reply->message.sequence == (request[46] << 8 | request[47]));
  FUZZ_CHECK(reply->message.data.data() == message.data() + 8);
  FUZZ_CHECK(reply->message.data.size() == message.size() - 8);
  return 0;
}
