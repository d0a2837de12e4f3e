// ICMP for IPv4 (RFC 792): the type enum, the view and echo Repr over the
// layout both families share (icmp.hpp), and the names of every type and
// code RFC 792 (and its successors) define. The ICMPv4 checksum covers the
// message alone: no pseudo-header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <type_traits>

#include "bytes.hpp"
#include "checksum.hpp"
#include "drop_reason.hpp"
#include "icmp.hpp"

namespace pong::wire {

// The family's names for the shared layout (icmp.hpp).
namespace icmpv4_field = icmp_field;
inline constexpr std::size_t kIcmpv4HeaderLength = kIcmpHeaderLength;

// The most data an Echo Request carries in one IPv4 datagram: 65535 bytes
// of total length less the 20-byte header without options and the 8-byte
// ICMP header.
inline constexpr std::size_t kIcmpv4MaxEchoData = 65535 - 20 - kIcmpHeaderLength;

enum class Icmpv4Type : std::uint8_t {
  kEchoReply = 0,
  kDestinationUnreachable = 3,
  kSourceQuench = 4,
  kRedirect = 5,
  kEchoRequest = 8,
  kRouterAdvertisement = 9,
  kRouterSolicitation = 10,
  kTimeExceeded = 11,
  kParameterProblem = 12,
  kTimestamp = 13,
  kTimestampReply = 14,
  kInformationRequest = 15,
  kInformationReply = 16,
  kAddressMaskRequest = 17,
  kAddressMaskReply = 18,
};

// RFC 792: "Echo message" type 8, "Echo Reply message" type 0.
template <>
struct IcmpEchoTypes<Icmpv4Type> {
  static constexpr Icmpv4Type kRequest = Icmpv4Type::kEchoRequest;
  static constexpr Icmpv4Type kReply = Icmpv4Type::kEchoReply;
};

using Icmpv4Packet = BasicIcmpPacket<Icmpv4Type, const std::uint8_t>;
using Icmpv4PacketMut = BasicIcmpPacket<Icmpv4Type, std::uint8_t>;
using Icmpv4EchoRepr = IcmpEchoRepr<Icmpv4Type>;

// Names for logs and for teaching. Unknown values give "".
constexpr std::string_view icmpv4_type_name(Icmpv4Type type) {
  using enum Icmpv4Type;
  switch (type) {
    case kEchoReply:
      return "echo reply";
    case kDestinationUnreachable:
      return "destination unreachable";
    case kSourceQuench:
      return "source quench";
    case kRedirect:
      return "redirect";
    case kEchoRequest:
      return "echo";
    case kRouterAdvertisement:
      return "router advertisement";
    case kRouterSolicitation:
      return "router solicitation";
    case kTimeExceeded:
      return "time exceeded";
    case kParameterProblem:
      return "parameter problem";
    case kTimestamp:
      return "timestamp";
    case kTimestampReply:
      return "timestamp reply";
    case kInformationRequest:
      return "information request";
    case kInformationReply:
      return "information reply";
    case kAddressMaskRequest:
      return "address mask request";
    case kAddressMaskReply:
      return "address mask reply";
    default:
      return "";
  }
}

// Code names: RFC 792 for types 3, 5, 11 and 12, with the Destination
// Unreachable codes 6-15 of RFC 1122 3.2.2.1 and RFC 1812 5.2.7.1, and
// Parameter Problem code 1 and 2 of RFC 1108 / RFC 1122.
constexpr std::string_view icmpv4_code_name(Icmpv4Type type, std::uint8_t code) {
  switch (type) {
    case Icmpv4Type::kDestinationUnreachable:
      switch (code) {
        case 0:
          return "net unreachable";
        case 1:
          return "host unreachable";
        case 2:
          return "protocol unreachable";
        case 3:
          return "port unreachable";
        case 4:
          return "fragmentation needed and DF set";
        case 5:
          return "source route failed";
        case 6:
          return "destination network unknown";
        case 7:
          return "destination host unknown";
        case 8:
          return "source host isolated";
        case 9:
          return "network administratively prohibited";
        case 10:
          return "host administratively prohibited";
        case 11:
          return "network unreachable for TOS";
        case 12:
          return "host unreachable for TOS";
        case 13:
          return "communication administratively prohibited";
        case 14:
          return "host precedence violation";
        case 15:
          return "precedence cutoff in effect";
        default:
          return "";
      }
    case Icmpv4Type::kRedirect:
      switch (code) {
        case 0:
          return "redirect datagrams for the network";
        case 1:
          return "redirect datagrams for the host";
        case 2:
          return "redirect datagrams for the type of service and network";
        case 3:
          return "redirect datagrams for the type of service and host";
        default:
          return "";
      }
    case Icmpv4Type::kTimeExceeded:
      switch (code) {
        case 0:
          return "time to live exceeded in transit";
        case 1:
          return "fragment reassembly time exceeded";
        default:
          return "";
      }
    case Icmpv4Type::kParameterProblem:
      switch (code) {
        case 0:
          return "pointer indicates the error";
        case 1:
          return "missing a required option";
        case 2:
          return "bad length";
        default:
          return "";
      }
    default:
      return "";
  }
}

}  // namespace pong::wire
