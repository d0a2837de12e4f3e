#include "craft.hpp"

#include <fmt/format.h>

#include "sys/format.hpp"
#include "wire/checksum.hpp"
#include "wire/icmp.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

// The family's IP header for `icmp_length` bytes of ICMP, written at the
// start of `out`; returns where the ICMP message starts.
std::size_t emit_ip_header(const CraftOptions& options, std::size_t icmp_length,
                           std::vector<std::uint8_t>& out) {
  if (options.destination.is_ipv4()) {
    wire::Ipv4Repr ip;
    ip.dont_fragment = true;
    ip.ttl = options.ttl;
    ip.source = options.source.ipv4();
    ip.destination = options.destination.ipv4();
    ip.payload_length = icmp_length;
    out.resize(ip.buffer_length());
    ip.emit(out);
    return wire::kIpv4MinHeaderLength;
  }
  wire::Ipv6Repr ip;
  ip.hop_limit = options.ttl;
  ip.source = options.source.ipv6();
  ip.destination = options.destination.ipv6();
  ip.payload_length = icmp_length;
  out.resize(ip.buffer_length());
  ip.emit(out);
  return wire::kIpv6HeaderLength;
}

// Writes the echo request with a right checksum (over `pseudo_header`
// too, for ICMPv6), then the wrong or exact one the options ask for.
template <class Type>
void emit_echo(const CraftOptions& options, wire::ChecksumAccumulator pseudo_header,
               CraftedRequest& out) {
  const wire::IcmpEchoRepr<Type> echo{true, 0, options.identifier, options.sequence, options.data};
  const auto icmp = *wire::BasicIcmpPacket<Type, std::uint8_t>::parse(
      std::span(out.datagram).subspan(out.icmp_offset));
  echo.emit(icmp, pseudo_header);
  out.correct_checksum = icmp.checksum();

  if (options.checksum) {
    icmp.set_checksum(*options.checksum);
  } else if (options.bad_checksum) {
    // Off by one, easy to spot. 0xffff and 0x0000 are the same number in
    // one's complement, so where +1 wraps round, +2 is used instead.
    icmp.set_checksum(static_cast<std::uint16_t>(out.correct_checksum + 1));
    if (icmp.checksum_valid(pseudo_header)) {
      icmp.set_checksum(static_cast<std::uint16_t>(out.correct_checksum + 2));
    }
  }
  out.checksum = icmp.checksum();
  out.checksum_valid = icmp.checksum_valid(pseudo_header);
}

}  // namespace

std::size_t max_echo_data(wire::IpFamily family) {
  return family == wire::IpFamily::kIpv4 ? wire::kIcmpv4MaxEchoData : wire::kIcmpv6MaxEchoData;
}

std::expected<CraftedRequest, LabError> craft_echo_request(const CraftOptions& options) {
  const wire::IpFamily family = options.destination.family();
  const bool v4 = family == wire::IpFamily::kIpv4;
  if (options.source.family() != family) {
    return std::unexpected(
        LabError(LabErrorKind::kBadValue,
                 fmt::format("the source {} and the destination {} are not of one family",
                             options.source, options.destination)));
  }
  if (options.data.size() > max_echo_data(family)) {
    return std::unexpected(
        LabError(LabErrorKind::kBadValue,
                 fmt::format("the data is {} bytes: an echo request in one {} holds at most {}",
                             options.data.size(), v4 ? "IPv4 datagram" : "IPv6 packet",
                             max_echo_data(family))));
  }
  CraftedRequest out;
  out.family = family;
  out.icmp_offset =
      emit_ip_header(options, wire::kIcmpHeaderLength + options.data.size(), out.datagram);
  if (v4) {
    emit_echo<wire::Icmpv4Type>(options, {}, out);
  } else {
    // RFC 4443 2.3: the checksum covers the pseudo-header too.
    emit_echo<wire::Icmpv6Type>(
        options,
        wire::icmpv6_pseudo_header(options.source.ipv6(), options.destination.ipv6(),
                                   wire::kIcmpHeaderLength + options.data.size()),
        out);
  }
  return out;
}

}  // namespace pong::lab
