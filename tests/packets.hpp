// Real packets shared by the wire tests.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pong::test {

// An iputils `ping -c 1 127.0.0.1` request as `tcpdump -X -i lo` printed it:
// IPv4, TTL 64, ICMP echo id 21780 (0x5514), seq 1, 56 data bytes.
inline constexpr std::string_view kCapturedRequestHex =
    "4500 0054 9210 4000 4001 aa96 7f00 0001 7f00 0001 0800 492b 5514 0001 2d08 f460 "
    "0000 0000 6c83 0d00 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 "
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (const char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
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

}  // namespace pong::test
