// Building an Echo Request by hand: chosen identifier, sequence number and
// data, and on request a checksum that is deliberately wrong, so that a
// class can watch pong drop it and count it. IPv4 (RFC 792 type 8 in an
// IPv4 datagram) or IPv6 (RFC 4443 type 128 in an IPv6 packet, its
// checksum over the pseudo-header), as the addresses say.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <vector>

#include "lab_error.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::lab {

// The compose setup's and the demo's client and server, in each family
// (scripts/lib/netns.sh derives fd00:172:22::/64 from 172.22.0).
inline constexpr wire::Ipv4Address kLabClientIpv4{{172, 22, 0, 2}};
inline constexpr wire::Ipv4Address kLabServerIpv4{{172, 22, 0, 3}};
inline constexpr wire::Ipv6Address kLabClientIpv6{
    {0xfd, 0x00, 0x01, 0x72, 0x00, 0x22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02}};
inline constexpr wire::Ipv6Address kLabServerIpv6{
    {0xfd, 0x00, 0x01, 0x72, 0x00, 0x22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03}};

// The most data one echo request carries: 65507 in an IPv4 datagram,
// 65527 in an IPv6 packet (wire::kIcmpv4MaxEchoData, kIcmpv6MaxEchoData).
std::size_t max_echo_data(wire::IpFamily family);

struct CraftOptions {
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::vector<std::uint8_t> data;
  bool bad_checksum = false;              // the right checksum plus one
  std::optional<std::uint16_t> checksum;  // this exact value instead
  // Both of one family, which decides the packet's.
  wire::IpAddress source = kLabClientIpv4;
  wire::IpAddress destination = kLabServerIpv4;
  std::uint8_t ttl = 64;  // IPv4 TTL, IPv6 hop limit
};

struct CraftedRequest {
  wire::IpFamily family = wire::IpFamily::kIpv4;
  // IPv4 header (20 bytes, DF set) or IPv6 header (40 bytes), then the
  // ICMP message.
  std::vector<std::uint8_t> datagram;
  std::size_t icmp_offset = 20;
  std::uint16_t correct_checksum = 0;
  std::uint16_t checksum = 0;  // as written
  bool checksum_valid = true;

  std::vector<std::uint8_t> icmp() const {
    return {datagram.begin() + static_cast<std::ptrdiff_t>(icmp_offset), datagram.end()};
  }
};

std::expected<CraftedRequest, LabError> craft_echo_request(const CraftOptions& options);

}  // namespace pong::lab
