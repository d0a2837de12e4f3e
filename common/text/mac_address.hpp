// Ethernet addresses as text ("02:42:0a:78:00:03"), as people type them
// and as /sys/class/net/IF/address prints them. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "text/hex.hpp"

namespace pong::text {

using MacAddress = std::array<std::uint8_t, 6>;

// Six pairs of hex digits separated by ':' (or '-'), either case; empty
// for anything else.
constexpr std::optional<MacAddress> parse_mac(std::string_view text) {
  // "xx:xx:xx:xx:xx:xx": 6 * 2 digits and 5 separators.
  if (text.size() != 17) return std::nullopt;
  MacAddress mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const std::size_t at = i * 3;
    if (i > 0 && text[at - 1] != ':' && text[at - 1] != '-') return std::nullopt;
    const auto byte = hex_byte(text[at], text[at + 1]);
    if (!byte) return std::nullopt;
    mac[i] = *byte;
  }
  return mac;
}

}  // namespace pong::text
