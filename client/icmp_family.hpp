// ICMP of either family as pinger sees it. Everything in which RFC 792
// (ICMP for IPv4) and RFC 4443 (ICMPv6) differ for a ping client is in the
// two IcmpRules specialisations below: the numbers, which
// errors concern a request we sent, what their bytes 4..7 carry, how the
// request is quoted, what the checksum covers, and the largest echo.
// Reply matching, reporting and the request itself are written once, as
// templates over the family's type enum or through IcmpType::visit.
//
// Pure: no sockets, no allocation, constexpr throughout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "wire/address.hpp"
#include "wire/icmp_type.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::client {

// The ICMP errors that quote a request and say why it got no reply, by
// meaning, whatever their number in either family.
enum class IcmpError : std::uint8_t {
  kDestinationUnreachable,
  kPacketTooBig,  // ICMPv6 only; IPv4 says it as Destination Unreachable code 4
  kTimeExceeded,
  kParameterProblem,
};

// The title an error line prints.
constexpr std::string_view icmp_error_title(IcmpError error) {
  switch (error) {
    case IcmpError::kDestinationUnreachable:
      return "Destination Unreachable";
    case IcmpError::kPacketTooBig:
      return "Packet Too Big";
    case IcmpError::kTimeExceeded:
      return "Time Exceeded";
    case IcmpError::kParameterProblem:
      return "Parameter Problem";
  }
  return "";
}

// What an error carries in its bytes 4..7 that a user wants to see.
enum class ErrorDetailKind : std::uint8_t { kNone, kMtu, kPointer };

struct ErrorDetail {
  ErrorDetailKind kind = ErrorDetailKind::kNone;
  std::uint32_t value = 0;

  friend constexpr bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

template <class Type>
struct IcmpRules;

template <>
struct IcmpRules<wire::Icmpv4Type> {
  using Type = wire::Icmpv4Type;
  static constexpr wire::IpFamily kFamily = wire::IpFamily::kIpv4;
  static constexpr std::size_t kMaxEchoData = wire::kIcmpv4MaxEchoData;
  // RFC 792: "the ICMP message starting with the ICMP Type" is all the
  // checksum covers, so pinger can check it on the bytes it reads.
  static constexpr bool kChecksumCoversMessageOnly = true;

  // RFC 1122 3.2.2.1, 3.2.2.4, 3.2.2.5: the errors reported to the
  // transport (here: to the user) about a datagram it sent. Source Quench
  // and Redirect quote a datagram too, but are not failures (RFC 1812
  // 4.3.3.3 deprecates Source Quench; RFC 1122 3.2.2.2 Redirect is routing).
  static constexpr std::optional<IcmpError> error_of(Type type) {
    switch (type) {
      case Type::kDestinationUnreachable:
        return IcmpError::kDestinationUnreachable;
      case Type::kTimeExceeded:
        return IcmpError::kTimeExceeded;
      case Type::kParameterProblem:
        return IcmpError::kParameterProblem;
      default:
        return std::nullopt;
    }
  }

  // Bytes 4..7 of an error as the kernel hands them to an error queue
  // (sock_extended_err.ee_info): RFC 792 Parameter Problem "Pointer" is
  // the first byte; RFC 1191 4 "Next-Hop MTU" is "the low-order 16 bits".
  static constexpr std::uint32_t info_of(IcmpError error, std::uint32_t rest_of_header) {
    switch (error) {
      case IcmpError::kParameterProblem:
        return rest_of_header >> 24;
      case IcmpError::kDestinationUnreachable:
        return rest_of_header & 0xFFFF;
      default:
        return 0;
    }
  }

  static constexpr ErrorDetail detail_of(IcmpError error, std::uint8_t code, std::uint32_t info) {
    // RFC 792: "If code = 0, identifies the octet where an error was
    // detected"; codes 1 and 2 have no pointer.
    if (error == IcmpError::kParameterProblem && code == 0) {
      return {ErrorDetailKind::kPointer, info};
    }
    // RFC 1191 4: code 4 "fragmentation needed and DF set" carries the
    // next-hop MTU; "routers [that do not] will set this field to zero".
    if (error == IcmpError::kDestinationUnreachable && code == 4 && info != 0) {
      return {ErrorDetailKind::kMtu, info};
    }
    return {};
  }

  // RFC 792: an error carries "Internet Header + 64 bits of Original Data
  // Datagram". Returns the quoted ICMP message when that datagram is ICMP
  // to `target` with at least an ICMP header quoted.
  static constexpr std::optional<std::span<const std::uint8_t>> quoted_request(
      std::span<const std::uint8_t> quoted, const wire::IpAddress& target) {
    const auto ip = wire::Ipv4Packet::parse_quoted(quoted);
    if (!ip || !target.is_ipv4() || ip->protocol() != wire::kIpProtocolIcmp ||
        ip->destination() != target.ipv4() || ip->payload().size() < wire::kIcmpHeaderLength) {
      return std::nullopt;
    }
    return ip->payload();
  }
};

template <>
struct IcmpRules<wire::Icmpv6Type> {
  using Type = wire::Icmpv6Type;
  static constexpr wire::IpFamily kFamily = wire::IpFamily::kIpv6;
  static constexpr std::size_t kMaxEchoData = wire::kIcmpv6MaxEchoData;
  // RFC 4443 2.3: the checksum covers an IPv6 pseudo-header too, and no
  // ICMPv6 socket hands over the IPv6 header it would come from. The kernel
  // checks it before any socket sees the message (RFC 3542 3.1) and fills
  // it in on send, so a reply with a bad checksum never reaches pinger.
  static constexpr bool kChecksumCoversMessageOnly = false;

  // RFC 4443 2.1: the error messages are types 0 to 127; 1 to 4 are
  // defined (3.1-3.4), and each quotes "as much of invoking packet as
  // possible".
  static constexpr std::optional<IcmpError> error_of(Type type) {
    switch (type) {
      case Type::kDestinationUnreachable:
        return IcmpError::kDestinationUnreachable;
      case Type::kPacketTooBig:
        return IcmpError::kPacketTooBig;
      case Type::kTimeExceeded:
        return IcmpError::kTimeExceeded;
      case Type::kParameterProblem:
        return IcmpError::kParameterProblem;
      default:
        return std::nullopt;
    }
  }

  // RFC 4443 3.2 "MTU" and 3.4 "Pointer" are the whole 32 bits, as the
  // kernel's ee_info.
  static constexpr std::uint32_t info_of(IcmpError /*error*/, std::uint32_t rest_of_header) {
    return rest_of_header;
  }

  static constexpr ErrorDetail detail_of(IcmpError error, std::uint8_t /*code*/,
                                         std::uint32_t info) {
    // RFC 4443 3.2: "MTU: The Maximum Transmission Unit of the next-hop link."
    if (error == IcmpError::kPacketTooBig) return {ErrorDetailKind::kMtu, info};
    // RFC 4443 3.4: "Pointer: Identifies the octet offset within the
    // invoking packet where the error was detected", for every code.
    if (error == IcmpError::kParameterProblem) return {ErrorDetailKind::kPointer, info};
    return {};
  }

  // RFC 4443 3.1-3.4: "As much of invoking packet as possible without the
  // ICMPv6 packet exceeding the minimum IPv6 MTU". Our requests have no
  // extension headers, so the quoted packet's next header is 58.
  static constexpr std::optional<std::span<const std::uint8_t>> quoted_request(
      std::span<const std::uint8_t> quoted, const wire::IpAddress& target) {
    const auto ip = wire::Ipv6Packet::parse_quoted(quoted);
    if (!ip || !target.is_ipv6() || ip->next_header() != wire::kIpProtocolIcmpv6 ||
        ip->destination() != target.ipv6() || ip->payload().size() < wire::kIcmpHeaderLength) {
      return std::nullopt;
    }
    return ip->payload();
  }
};

// The family-neutral type value and its dispatch live in the wire core.
using wire::icmp_code_name;
using wire::icmp_type_name;
using wire::IcmpType;
using wire::visit_family;

// The rules of the family whose type enum is `decltype(type)`.
template <class Type>
using RulesOf = IcmpRules<std::remove_cvref_t<Type>>;

// Which error this type is, if it is one that concerns a request.
constexpr std::optional<IcmpError> icmp_error_of(IcmpType type) {
  return type.visit([](auto t) { return RulesOf<decltype(t)>::error_of(t); });
}

// The largest data an echo of this family carries: 65507 bytes for IPv4
// (65535 less a 20-byte header and the 8-byte ICMP header), 65527 for
// IPv6 (the payload length does not count the 40-byte header).
constexpr std::size_t max_echo_data(wire::IpFamily family) {
  return visit_family(
      family, [](auto tag) { return IcmpRules<typename decltype(tag)::type>::kMaxEchoData; });
}

}  // namespace pong::client
