#include "sys/resolve.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace pong::sys {

std::expected<wire::Ipv4Address, std::string> resolve_ipv4(const std::string& host) {
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return std::unexpected(
        fmt::format("{} is an IPv6 address, and IPv6 is not supported yet", host));
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;  // one entry per address, not one per socket type
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    switch (rc) {
      case EAI_ADDRFAMILY:
      case EAI_NODATA:
        return std::unexpected(fmt::format("{} has no IPv4 address (IPv6 is not supported yet): {}",
                                           host, ::gai_strerror(rc)));
      case EAI_SYSTEM:
        return std::unexpected(fmt::format("cannot resolve {}: {}", host, std::strerror(errno)));
      default:
        return std::unexpected(fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc)));
    }
  }
  sockaddr_in address{};
  std::memcpy(&address, found->ai_addr, sizeof address);
  ::freeaddrinfo(found);
  return wire::Ipv4Address::from_u32(ntohl(address.sin_addr.s_addr));
}

}  // namespace pong::sys
