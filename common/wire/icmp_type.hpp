// An ICMP type of either family as one value: the byte on the wire and the
// numbering it belongs to (RFC 792 or RFC 4443). Code written once over
// the type enum (a generic lambda) reaches the right family through
// visit(); pinger and icmp-lab both keep their types in it.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "address.hpp"
#include "icmp.hpp"
#include "icmpv4.hpp"
#include "icmpv6.hpp"

namespace pong::wire {

// Calls `f` with std::type_identity<Icmpv4Type> or <Icmpv6Type>: the one
// place that chooses between the families' numberings.
template <class F>
constexpr decltype(auto) visit_family(IpFamily family, F&& f) {
  if (family == IpFamily::kIpv4) return std::forward<F>(f)(std::type_identity<Icmpv4Type>{});
  return std::forward<F>(f)(std::type_identity<Icmpv6Type>{});
}

class IcmpType {
 public:
  constexpr IcmpType() = default;
  constexpr IcmpType(Icmpv4Type type)  // NOLINT: implicit by design
      : family_(IpFamily::kIpv4), value_(std::to_underlying(type)) {}
  constexpr IcmpType(Icmpv6Type type)  // NOLINT: implicit by design
      : family_(IpFamily::kIpv6), value_(std::to_underlying(type)) {}

  // The type byte of a message of `family` (or as the kernel reports it,
  // sock_extended_err.ee_type).
  static constexpr IcmpType from_wire(IpFamily family, std::uint8_t value) {
    return family == IpFamily::kIpv4 ? IcmpType(static_cast<Icmpv4Type>(value))
                                     : IcmpType(static_cast<Icmpv6Type>(value));
  }

  constexpr IpFamily family() const { return family_; }
  constexpr std::uint8_t value() const { return value_; }

  // Calls `f` with the type as its family's enum.
  template <class F>
  constexpr decltype(auto) visit(F&& f) const {
    return visit_family(family_, [&](auto tag) {
      return std::forward<F>(f)(static_cast<typename decltype(tag)::type>(value_));
    });
  }

  constexpr bool is_echo_request() const {
    return visit([](auto t) { return t == IcmpEchoTypes<decltype(t)>::kRequest; });
  }
  constexpr bool is_echo_reply() const {
    return visit([](auto t) { return t == IcmpEchoTypes<decltype(t)>::kReply; });
  }

  friend constexpr bool operator==(const IcmpType&, const IcmpType&) = default;

 private:
  IpFamily family_ = IpFamily::kIpv4;
  std::uint8_t value_ = 0;
};

// The family's name of a type or code: "echo reply", "time exceeded",
// "host unreachable", "hop limit exceeded in transit"...; "" for a value
// without one.
constexpr std::string_view icmp_type_name(Icmpv4Type type) {
  return icmpv4_type_name(type);
}
constexpr std::string_view icmp_type_name(Icmpv6Type type) {
  return icmpv6_type_name(type);
}
constexpr std::string_view icmp_type_name(IcmpType type) {
  return type.visit([](auto t) { return icmp_type_name(t); });
}
constexpr std::string_view icmp_code_name(Icmpv4Type type, std::uint8_t code) {
  return icmpv4_code_name(type, code);
}
constexpr std::string_view icmp_code_name(Icmpv6Type type, std::uint8_t code) {
  return icmpv6_code_name(type, code);
}
constexpr std::string_view icmp_code_name(IcmpType type, std::uint8_t code) {
  return type.visit([code](auto t) { return icmp_code_name(t, code); });
}

}  // namespace pong::wire
