// Building an Echo Request by hand: chosen identifier, sequence number and
// data, and on request a checksum that is deliberately wrong, so that a
// class can watch pong drop it and count it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <vector>

#include "lab_error.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"
#include "wire/icmpv4.hpp"

namespace pong::lab {

// 65535 - 20 (IPv4 header) - 8 (ICMP header), as for ping -s.
inline constexpr std::size_t kMaxEchoData = wire::kIcmpv4MaxEchoData;

struct CraftOptions {
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::vector<std::uint8_t> data;
  bool bad_checksum = false;                  // the right checksum plus one
  std::optional<std::uint16_t> checksum;      // this exact value instead
  wire::Ipv4Address source{{172, 22, 0, 2}};  // the compose setup's client
  wire::Ipv4Address destination{{172, 22, 0, 3}};
  std::uint8_t ttl = 64;
};

struct CraftedRequest {
  std::vector<std::uint8_t> datagram;  // IPv4 header (20 bytes, DF set) and ICMP message
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
