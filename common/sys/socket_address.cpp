#include "sys/socket_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace pong::sys {

socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& out) {
  out = {};
  if (endpoint.address.is_ipv4()) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(endpoint.port);
    std::memcpy(&v4.sin_addr, endpoint.address.bytes().data(), 4);
    std::memcpy(&out, &v4, sizeof v4);
    return sizeof v4;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(endpoint.port);
  v6.sin6_scope_id = endpoint.scope_id;
  std::memcpy(&v6.sin6_addr, endpoint.address.bytes().data(), 16);
  std::memcpy(&out, &v6, sizeof v6);
  return sizeof v6;
}

std::optional<Endpoint> from_sockaddr(const sockaddr_storage& address, socklen_t length) {
  if (address.ss_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, &address, sizeof v4);
    wire::Ipv4Address a;
    std::memcpy(a.octets.data(), &v4.sin_addr, 4);
    return Endpoint{a, 0, ntohs(v4.sin_port)};
  }
  if (address.ss_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, &address, sizeof v6);
    wire::Ipv6Address a;
    std::memcpy(a.octets.data(), &v6.sin6_addr, 16);
    return Endpoint{a, v6.sin6_scope_id, ntohs(v6.sin6_port)};
  }
  return std::nullopt;
}

}  // namespace pong::sys
