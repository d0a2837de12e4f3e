// Ethernet addresses as text ("02:42:0a:78:00:03"), for --dst-mac. Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pong::bench {

using MacAddress = std::array<std::uint8_t, 6>;

// Six pairs of hex digits separated by ':' (or '-'), either case, as
// /sys/class/net/IF/address prints them; empty for anything else.
std::optional<MacAddress> parse_mac(std::string_view text);

}  // namespace pong::bench
