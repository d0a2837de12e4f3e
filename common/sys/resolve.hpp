// Host names to IPv4 addresses, with errors a user can act on.
#pragma once

#include <expected>
#include <string>

#include "wire/bytes.hpp"

namespace pong::sys {

// A dotted quad or a name (getaddrinfo: /etc/hosts, then DNS). An IPv6
// literal, or a name with only IPv6 addresses, is refused with a sentence
// saying IPv6 is not supported yet.
std::expected<wire::Ipv4Address, std::string> resolve_ipv4(const std::string& host);

}  // namespace pong::sys
