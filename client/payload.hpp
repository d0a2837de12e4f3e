// The data an Echo Request carries: the article's text, the user's text
// (-d) or an iputils-style hex fill pattern (-p), repeated or cut to a
// size (-s). Built once, before the first request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/icmpv4.hpp"

namespace pong::client {

// The article client's payload.
inline constexpr std::string_view kDefaultPayloadText = "hello from client";

// iputils' -p takes "up to 16 pad bytes".
inline constexpr std::size_t kMaxPatternBytes = 16;

// The largest data an IPv4 echo can carry: 65535 - 20 (IP) - 8 (ICMP).
inline constexpr std::size_t kMaxDataBytes = wire::kIcmpv4MaxEchoData;

// "ff00a5" -> {0xff, 0x00, 0xa5}. Hex digits in pairs, 1 to 16 bytes; an
// optional "0x" prefix is accepted. The error is one sentence.
std::expected<std::vector<std::uint8_t>, std::string> parse_fill_pattern(std::string_view hex);

// `pattern` repeated and cut to `size` bytes; empty when size is 0.
// Precondition: pattern is not empty unless size is 0.
std::vector<std::uint8_t> fill_payload(std::span<const std::uint8_t> pattern, std::size_t size);

}  // namespace pong::client
