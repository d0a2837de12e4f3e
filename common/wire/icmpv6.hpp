// ICMP for IPv6 (RFC 4443): the type enum, the view and echo Repr over the
// layout both families share (icmp.hpp), the pseudo-header the checksum
// covers, and the names of the types and codes RFC 4443 and RFC 4861
// define.
//
// RFC 4443 2.3: "The checksum is the 16-bit one's complement of the one's
// complement sum of the entire ICMPv6 message, starting with the ICMPv6
// message type field, and prepended with a 'pseudo-header' of IPv6 header
// fields, as specified in [IPv6, Section 8.1]. The Next Header value used
// in the pseudo-header is 58."
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "address.hpp"
#include "checksum.hpp"
#include "icmp.hpp"
#include "ipv6.hpp"

namespace pong::wire {

enum class Icmpv6Type : std::uint8_t {
  kDestinationUnreachable = 1,
  kPacketTooBig = 2,
  kTimeExceeded = 3,
  kParameterProblem = 4,
  kEchoRequest = 128,
  kEchoReply = 129,
  kMulticastListenerQuery = 130,
  kMulticastListenerReport = 131,
  kMulticastListenerDone = 132,
  kRouterSolicitation = 133,
  kRouterAdvertisement = 134,
  kNeighborSolicitation = 135,
  kNeighborAdvertisement = 136,
  kRedirect = 137,
  kMulticastListenerReportV2 = 143,
};

// RFC 4443 4.1 "Echo Request Message" type 128, 4.2 "Echo Reply Message"
// type 129.
template <>
struct IcmpEchoTypes<Icmpv6Type> {
  static constexpr Icmpv6Type kRequest = Icmpv6Type::kEchoRequest;
  static constexpr Icmpv6Type kReply = Icmpv6Type::kEchoReply;
};

using Icmpv6Packet = BasicIcmpPacket<Icmpv6Type, const std::uint8_t>;
using Icmpv6PacketMut = BasicIcmpPacket<Icmpv6Type, std::uint8_t>;
using Icmpv6EchoRepr = IcmpEchoRepr<Icmpv6Type>;

// The largest ICMPv6 message in a non-jumbo packet: the 16-bit payload
// length counts it but not the 40-byte IPv6 header (RFC 8200 3), so an
// Echo carries at most 65535 - 8 = 65527 data bytes.
inline constexpr std::size_t kIcmpv6MaxMessageLength = 65535;
inline constexpr std::size_t kIcmpv6MaxEchoData = kIcmpv6MaxMessageLength - kIcmpHeaderLength;

// The pseudo-header sum for an ICMPv6 message of `length` bytes from
// `source` to `destination` (RFC 4443 2.3, RFC 8200 8.1).
constexpr ChecksumAccumulator icmpv6_pseudo_header(const Ipv6Address& source,
                                                   const Ipv6Address& destination,
                                                   std::size_t length) {
  return ipv6_pseudo_header_sum(source.octets, destination.octets,
                                static_cast<std::uint32_t>(length), kIpProtocolIcmpv6);
}

// Names for logs and for teaching; Echo is named as for ICMPv4, so that a
// log line reads the same in both families. Unknown values give "".
constexpr std::string_view icmpv6_type_name(Icmpv6Type type) {
  using enum Icmpv6Type;
  switch (type) {
    case kDestinationUnreachable:
      return "destination unreachable";
    case kPacketTooBig:
      return "packet too big";
    case kTimeExceeded:
      return "time exceeded";
    case kParameterProblem:
      return "parameter problem";
    case kEchoRequest:
      return "echo";
    case kEchoReply:
      return "echo reply";
    case kMulticastListenerQuery:
      return "multicast listener query";
    case kMulticastListenerReport:
      return "multicast listener report";
    case kMulticastListenerDone:
      return "multicast listener done";
    case kRouterSolicitation:
      return "router solicitation";
    case kRouterAdvertisement:
      return "router advertisement";
    case kNeighborSolicitation:
      return "neighbor solicitation";
    case kNeighborAdvertisement:
      return "neighbor advertisement";
    case kRedirect:
      return "redirect";
    case kMulticastListenerReportV2:
      return "multicast listener report v2";
  }
  return "";
}

// Code names of RFC 4443 3.1, 3.3 and 3.4. Packet Too Big has code 0 and
// its MTU in bytes 4..7 (rest_of_header()).
constexpr std::string_view icmpv6_code_name(Icmpv6Type type, std::uint8_t code) {
  switch (type) {
    case Icmpv6Type::kDestinationUnreachable:
      switch (code) {
        case 0:
          return "no route to destination";
        case 1:
          return "communication with destination administratively prohibited";
        case 2:
          return "beyond scope of source address";
        case 3:
          return "address unreachable";
        case 4:
          return "port unreachable";
        case 5:
          return "source address failed ingress/egress policy";
        case 6:
          return "reject route to destination";
        default:
          return "";
      }
    case Icmpv6Type::kTimeExceeded:
      switch (code) {
        case 0:
          return "hop limit exceeded in transit";
        case 1:
          return "fragment reassembly time exceeded";
        default:
          return "";
      }
    case Icmpv6Type::kParameterProblem:
      switch (code) {
        case 0:
          return "erroneous header field encountered";
        case 1:
          return "unrecognized Next Header type encountered";
        case 2:
          return "unrecognized IPv6 option encountered";
        default:
          return "";
      }
    default:
      return "";
  }
}

}  // namespace pong::wire
