// Host names and address literals to addresses, with errors a user can
// act on.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "sys/socket_address.hpp"
#include "wire/address.hpp"

namespace pong::sys {

enum class FamilyChoice : std::uint8_t { kAny, kIpv4Only, kIpv6Only };

// An address literal (dotted quad, RFC 4291 2.2 text, with an optional
// RFC 4007 11 "%zone" such as fe80::1%eth0) or a name (getaddrinfo:
// /etc/hosts, then DNS). With kAny, a name that has addresses of both
// families gives its IPv4 one, as iputils ping does. The endpoint's port
// is 0; its scope_id is the zone's interface index.
std::expected<Endpoint, std::string> resolve_host(const std::string& host, FamilyChoice choice);

// An address literal only, no zone and no lookup; empty if `text` is not one.
std::optional<wire::IpAddress> parse_ip_address(const std::string& text);

}  // namespace pong::sys
