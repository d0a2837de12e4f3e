// The one place where socket addresses (sockaddr_in, sockaddr_in6) and
// wire::IpAddress meet. Every sendto/recvmsg caller converts through here.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>

#include "wire/address.hpp"

namespace pong::sys {

// An address with what a socket address adds to it: the IPv6 scope (the
// interface of a link-local address, RFC 4007 11) and a port (the ICMP
// identifier, for a datagram ping socket).
struct Endpoint {
  wire::IpAddress address;
  std::uint32_t scope_id = 0;
  std::uint16_t port = 0;
};

// The address fields inside socket structures and control messages
// (sin_addr, sin6_addr, ipi_spec_dst, ipi6_addr), both ways.
wire::Ipv4Address from_in_addr(const in_addr& address);
wire::Ipv6Address from_in6_addr(const in6_addr& address);
in_addr to_in_addr(const wire::Ipv4Address& address);
in6_addr to_in6_addr(const wire::Ipv6Address& address);

inline int address_family(wire::IpFamily family) {
  return family == wire::IpFamily::kIpv4 ? AF_INET : AF_INET6;
}

// Writes `endpoint` as a sockaddr_in or sockaddr_in6 into `out`; returns
// the length to pass to the socket call.
socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& out);

// Reads a sockaddr_in or sockaddr_in6; empty for any other family or a
// length too short for its family.
std::optional<Endpoint> from_sockaddr(const sockaddr_storage& address, socklen_t length);

}  // namespace pong::sys
