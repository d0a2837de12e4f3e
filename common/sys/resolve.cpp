#include "sys/resolve.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace pong::sys {
namespace {

std::string_view family_words(FamilyChoice choice) {
  switch (choice) {
    case FamilyChoice::kIpv4Only:
      return "IPv4 ";
    case FamilyChoice::kIpv6Only:
      return "IPv6 ";
    case FamilyChoice::kAny:
      break;
  }
  return "";
}

std::string lookup_error(const std::string& host, FamilyChoice choice, int rc) {
  switch (rc) {
    case EAI_ADDRFAMILY:
    case EAI_NODATA:
    case EAI_FAMILY:
      return fmt::format("{} has no {}address: {}", host, family_words(choice), ::gai_strerror(rc));
    case EAI_SYSTEM:
      return fmt::format("cannot resolve {}: {}", host, std::strerror(errno));
    default:
      return fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc));
  }
}

// "fe80::1%nosuchif": an IPv6 literal whose RFC 4007 11 zone names no
// interface here (and is not an interface number). getaddrinfo only says
// "Name or service not known"; this says what is wrong.
std::optional<std::string> unknown_zone(const std::string& host) {
  const auto percent = host.find('%');
  if (percent == std::string::npos) return std::nullopt;
  const std::string address = host.substr(0, percent);
  const std::string zone = host.substr(percent + 1);
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) != 1) return std::nullopt;
  if (zone.empty()) return fmt::format("{} has an empty zone after '%': name an interface", host);
  if (zone.find_first_not_of("0123456789") == std::string::npos) return std::nullopt;
  if (::if_nametoindex(zone.c_str()) != 0) return std::nullopt;
  return fmt::format("{}: there is no interface named {} (see 'ip link')", host, zone);
}

}  // namespace

std::optional<wire::IpAddress> parse_ip_address(const std::string& text) {
  wire::Ipv4Address v4;
  if (::inet_pton(AF_INET, text.c_str(), v4.octets.data()) == 1) return v4;
  wire::Ipv6Address v6;
  if (::inet_pton(AF_INET6, text.c_str(), v6.octets.data()) == 1) return v6;
  return std::nullopt;
}

std::expected<Endpoint, std::string> resolve_host(const std::string& host, FamilyChoice choice) {
  addrinfo hints{};
  hints.ai_family = choice == FamilyChoice::kIpv4Only   ? AF_INET
                    : choice == FamilyChoice::kIpv6Only ? AF_INET6
                                                        : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;  // one entry per address, not one per socket type
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    if (auto zone = unknown_zone(host)) return std::unexpected(*zone);
    // A literal of the other family gets a sentence of its own.
    if (const auto literal = parse_ip_address(host)) {
      return std::unexpected(fmt::format("{} is an {} address, and {} was asked for", host,
                                         literal->is_ipv4() ? "IPv4" : "IPv6",
                                         literal->is_ipv4() ? "IPv6 (-6)" : "IPv4 (-4)"));
    }
    return std::unexpected(lookup_error(host, choice, rc));
  }
  // iputils: IPv4 first when a name has both.
  const addrinfo* chosen = found;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
  }
  sockaddr_storage storage{};
  const auto length =
      static_cast<socklen_t>(std::min<std::size_t>(chosen->ai_addrlen, sizeof storage));
  std::memcpy(&storage, chosen->ai_addr, length);
  ::freeaddrinfo(found);
  auto endpoint = from_sockaddr(storage, length);
  if (!endpoint) return std::unexpected(fmt::format("cannot resolve {}: no IP address", host));
  return *endpoint;
}

}  // namespace pong::sys
