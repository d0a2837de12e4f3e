// Real packets shared by the wire tests.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "text/hex.hpp"

namespace pong::test {

// An iputils `ping -c 1 127.0.0.1` request as `tcpdump -X -i lo` printed it:
// IPv4, TTL 64, ICMP echo id 21780 (0x5514), seq 1, 56 data bytes.
inline constexpr std::string_view kCapturedRequestHex =
    "4500 0054 9210 4000 4001 aa96 7f00 0001 7f00 0001 0800 492b 5514 0001 2d08 f460 "
    "0000 0000 6c83 0d00 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 "
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

// `ping -6 -c 1 -s 4 -p 70696e67 fd00:10:113::3` between two namespaces,
// as `tcpdump -xx -i eth0` printed it (Ethernet header removed): IPv6,
// traffic class 0, flow label 0xa14b7, payload length 12, next header 58,
// hop limit 64, fd00:10:113::2 -> fd00:10:113::3; ICMPv6 echo request id
// 13185 (0x3381), seq 1, data "ping", checksum 0x7119.
inline constexpr std::string_view kCapturedIpv6RequestHex =
    "600a 14b7 000c 3a40 fd00 0010 0113 0000 0000 0000 0000 0002 fd00 0010 0113 0000 "
    "0000 0000 0000 0003 8000 7119 3381 0001 7069 6e67";
// The kernel's reply to it in the same capture: flow label 0x17d79 (the
// kernel picks its own), addresses swapped, type 129, checksum 0x7019.
inline constexpr std::string_view kCapturedIpv6ReplyHex =
    "6001 7d79 000c 3a40 fd00 0010 0113 0000 0000 0000 0000 0003 fd00 0010 0113 0000 "
    "0000 0000 0000 0002 8100 7019 3381 0001 7069 6e67";

// Hex digits in `hex`, two per byte; anything else (spaces) is skipped.
inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (const char c : hex) {
    const int v = text::hex_digit_value(c);
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

inline std::vector<std::uint8_t> captured_request() {
  return from_hex(kCapturedRequestHex);
}
inline std::vector<std::uint8_t> captured_ipv6_request() {
  return from_hex(kCapturedIpv6RequestHex);
}
inline std::vector<std::uint8_t> captured_ipv6_reply() {
  return from_hex(kCapturedIpv6ReplyHex);
}

}  // namespace pong::test
