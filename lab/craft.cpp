#include "craft.hpp"

#include <fmt/format.h>

#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {

std::expected<CraftedRequest, LabError> craft_echo_request(const CraftOptions& options) {
  if (options.data.size() > kMaxEchoData) {
    return std::unexpected(LabError(
        LabErrorKind::kBadValue,
        fmt::format("the data is {} bytes: an echo request in one IPv4 datagram holds at most {}",
                    options.data.size(), kMaxEchoData)));
  }
  const wire::Icmpv4EchoRepr echo{true, 0, options.identifier, options.sequence, options.data};
  wire::Ipv4Repr ip;
  ip.dont_fragment = true;
  ip.ttl = options.ttl;
  ip.source = options.source;
  ip.destination = options.destination;
  ip.payload_length = echo.buffer_length();

  CraftedRequest out;
  out.datagram.resize(ip.buffer_length());
  ip.emit(out.datagram);
  const auto icmp = *wire::Icmpv4PacketMut::parse(std::span(out.datagram).subspan(out.icmp_offset));
  echo.emit(icmp);
  out.correct_checksum = icmp.checksum();

  if (options.checksum) {
    icmp.set_checksum(*options.checksum);
  } else if (options.bad_checksum) {
    // Off by one, easy to spot. 0xffff and 0x0000 are the same number in
    // one's complement, so where +1 wraps round, +2 is used instead.
    std::uint16_t wrong = static_cast<std::uint16_t>(out.correct_checksum + 1);
    icmp.set_checksum(wrong);
    if (icmp.checksum_valid()) {
      wrong = static_cast<std::uint16_t>(out.correct_checksum + 2);
      icmp.set_checksum(wrong);
    }
  }
  out.checksum = icmp.checksum();
  out.checksum_valid = icmp.checksum_valid();
  return out;
}

}  // namespace pong::lab
