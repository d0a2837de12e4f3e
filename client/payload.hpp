// The Echo Request pinger sends: its data (the article's text, the user's
// text (-d) or an iputils-style hex fill pattern (-p), repeated or cut to
// a size (-s), built once before the first request), and the header each
// send writes in front of it, for either family.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "icmp_family.hpp"
#include "wire/address.hpp"

namespace pong::client {

// The article client's payload.
inline constexpr std::string_view kDefaultPayloadText = "hello from client";

// iputils' -p takes "up to 16 pad bytes".
inline constexpr std::size_t kMaxPatternBytes = 16;

// The largest data an echo of either family can carry (IPv6's 65527);
// max_echo_data(family) is the limit for one run.
inline constexpr std::size_t kMaxDataBytesAnyFamily =
    std::max(max_echo_data(wire::IpFamily::kIpv4), max_echo_data(wire::IpFamily::kIpv6));

// "ff00a5" -> {0xff, 0x00, 0xa5}. Hex digits in pairs, 1 to 16 bytes; an
// optional "0x" prefix is accepted. The error is one sentence.
std::expected<std::vector<std::uint8_t>, std::string> parse_fill_pattern(std::string_view hex);

// `pattern` repeated and cut to `size` bytes; empty when size is 0.
// Precondition: pattern is not empty unless size is 0.
std::vector<std::uint8_t> fill_payload(std::span<const std::uint8_t> pattern, std::size_t size);

// Writes the 8-byte header of Echo Request `sequence` from `identifier`
// into the start of `request`, whose data follows it. For IPv4 the
// checksum is computed here (RFC 792); for ICMPv6 it is left 0, for the
// kernel fills it in on send (RFC 3542 3.1), over a pseudo-header with a
// source address only the kernel knows (RFC 4443 2.3). On a datagram
// socket the kernel also replaces the identifier with the socket's own.
// Precondition: request.size() >= 8.
void write_echo_request(wire::IpFamily family, std::span<std::uint8_t> request,
                        std::uint16_t identifier, std::uint16_t sequence);

}  // namespace pong::client
