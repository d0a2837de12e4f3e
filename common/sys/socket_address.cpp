#include "sys/socket_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace pong::sys {

wire::Ipv4Address from_in_addr(const in_addr& address) {
  wire::Ipv4Address a;
  std::memcpy(a.octets.data(), &address, a.octets.size());
  return a;
}

wire::Ipv6Address from_in6_addr(const in6_addr& address) {
  wire::Ipv6Address a;
  std::memcpy(a.octets.data(), &address, a.octets.size());
  return a;
}

in_addr to_in_addr(const wire::Ipv4Address& address) {
  in_addr a;
  std::memcpy(&a, address.octets.data(), sizeof a);
  return a;
}

in6_addr to_in6_addr(const wire::Ipv6Address& address) {
  in6_addr a;
  std::memcpy(&a, address.octets.data(), sizeof a);
  return a;
}

socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& out) {
  out = {};
  if (endpoint.address.is_ipv4()) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(endpoint.port);
    v4.sin_addr = to_in_addr(endpoint.address.ipv4());
    std::memcpy(&out, &v4, sizeof v4);
    return sizeof v4;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(endpoint.port);
  v6.sin6_scope_id = endpoint.scope_id;
  v6.sin6_addr = to_in6_addr(endpoint.address.ipv6());
  std::memcpy(&out, &v6, sizeof v6);
  return sizeof v6;
}

std::optional<Endpoint> from_sockaddr(const sockaddr_storage& address, socklen_t length) {
  if (address.ss_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, &address, sizeof v4);
    return Endpoint{from_in_addr(v4.sin_addr), 0, ntohs(v4.sin_port)};
  }
  if (address.ss_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, &address, sizeof v6);
    return Endpoint{from_in6_addr(v6.sin6_addr), v6.sin6_scope_id, ntohs(v6.sin6_port)};
  }
  return std::nullopt;
}

}  // namespace pong::sys
