#include "ping_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <utility>

#include "sys/capabilities.hpp"
#include "sys/format.hpp"
#include "sys/raw_socket.hpp"
#include "sys/sysctl.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"

namespace pong::client {
namespace {

// Both families' ping sockets are governed by this one sysctl
// (net/ipv4/ping.c ping_init_sock serves IPv6 too).
constexpr const char* kPingGroupRange = "net.ipv4.ping_group_range";

bool is_ipv4(wire::IpFamily family) {
  return family == wire::IpFamily::kIpv4;
}

std::string ping_group_range_now() {
  auto value = sys::read_sysctl(kPingGroupRange);
  if (!value) return "unreadable";
  for (char& c : *value) {
    if (c == '\t') c = ' ';
  }
  return fmt::format("\"{}\"", *value);
}

// socket(2) errors for a ping socket, one sentence each (after iputils'
// per-errno notes on creating its sockets).
std::string datagram_socket_error(wire::IpFamily family, int err) {
  switch (err) {
    case EACCES:
      // net/ipv4/ping.c ping_init_sock(): the caller's groups are checked
      // against ping_group_range; none inside it is EACCES.
      return fmt::format(
          "an ICMP datagram socket needs a group of this process (gid {}) inside {} (now {}): "
          "allow it with 'sysctl -w {}=\"0 2147483647\"', or use a raw socket as root",
          ::getegid(), kPingGroupRange, ping_group_range_now(), kPingGroupRange);
    case EAFNOSUPPORT:
      if (!is_ipv4(family)) return "this kernel has no IPv6 (EAFNOSUPPORT)";
      [[fallthrough]];
    case EPROTONOSUPPORT:
    case ESOCKTNOSUPPORT:
      return fmt::format("this kernel has no {} datagram (ping) sockets; use a raw socket as root",
                         is_ipv4(family) ? "ICMP" : "ICMPv6");
    case EMFILE:
    case ENFILE:
      return "no file descriptors left to open a socket";
    default:
      return fmt::format("cannot open an ICMP datagram socket: {}", std::strerror(err));
  }
}

// Asks for the error queue: without it a ping socket reports an ICMP error
// only as an errno on the next call, with no sequence number; with it,
// each error is queued with the request it quotes.
std::expected<void, std::string> receive_errors(int fd, wire::IpFamily family) {
  return is_ipv4(family) ? sys::set_int_option(fd, IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR")
                         : sys::set_int_option(fd, IPPROTO_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
}

// Asks for the TTL (IPv4) or hop limit (IPv6, RFC 3542 6.3) of every
// datagram read, as a control message: the JSON reply records carry it.
// Raw and datagram sockets of both families deliver it.
std::expected<void, std::string> receive_ttls(int fd, wire::IpFamily family) {
  return is_ipv4(family)
             ? sys::set_int_option(fd, IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL")
             : sys::set_int_option(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
}

std::expected<PingSocket, std::string> open_datagram_socket(wire::IpFamily family,
                                                            std::uint16_t wanted_identifier) {
  const int raw_fd = ::socket(sys::address_family(family), SOCK_DGRAM | SOCK_CLOEXEC,
                              is_ipv4(family) ? int{IPPROTO_ICMP} : int{IPPROTO_ICMPV6});
  if (raw_fd < 0) return std::unexpected(datagram_socket_error(family, errno));
  sys::UniqueFd fd(raw_fd);

  // The socket's port is the identifier the kernel writes into every
  // request and matches replies by. Ask for ours, so "pid=" means what it
  // says; if another ping socket holds it, let the kernel choose.
  const wire::IpAddress any = wire::IpAddress::unspecified(family);
  sockaddr_storage local{};
  socklen_t length = sys::to_sockaddr({any, 0, wanted_identifier}, local);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), length) != 0) {
    length = sys::to_sockaddr({any, 0, 0}, local);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), length) != 0) {
      return std::unexpected(
          fmt::format("cannot bind the ICMP datagram socket: {}", std::strerror(errno)));
    }
  }
  sockaddr_storage bound{};
  length = sizeof bound;
  const auto endpoint = ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) == 0
                            ? sys::from_sockaddr(bound, length)
                            : std::nullopt;
  if (!endpoint) {
    return std::unexpected(
        fmt::format("cannot read the ICMP datagram socket's identifier: {}", std::strerror(errno)));
  }
  if (auto r = receive_errors(fd.get(), family); !r) return std::unexpected(r.error());
  if (auto r = receive_ttls(fd.get(), family); !r) return std::unexpected(r.error());
  return PingSocket{std::move(fd), SocketKind::kDatagram, family, endpoint->port};
}

// Only what can concern our requests: echo replies and the errors that
// quote a request (IcmpRules::error_of). The host's other ICMP traffic
// never wakes us.
std::expected<void, std::string> pass_replies_and_errors(int fd, wire::IpFamily family) {
  if (is_ipv4(family)) {
    using enum wire::Icmpv4Type;
    return sys::set_icmpv4_type_filter(
        fd, {std::to_underlying(kEchoReply), std::to_underlying(kDestinationUnreachable),
             std::to_underlying(kTimeExceeded), std::to_underlying(kParameterProblem)});
  }
  using enum wire::Icmpv6Type;
  return sys::set_icmpv6_type_filter(
      fd, {std::to_underlying(kEchoReply), std::to_underlying(kDestinationUnreachable),
           std::to_underlying(kPacketTooBig), std::to_underlying(kTimeExceeded),
           std::to_underlying(kParameterProblem)});
}

std::expected<PingSocket, std::string> open_raw_socket(wire::IpFamily family,
                                                       std::uint16_t identifier) {
  auto fd = is_ipv4(family) ? sys::open_raw_icmpv4_socket() : sys::open_raw_icmpv6_socket();
  if (!fd) return std::unexpected(fd.error());
  if (auto r = pass_replies_and_errors(fd->get(), family); !r) return std::unexpected(r.error());
  if (auto r = receive_ttls(fd->get(), family); !r) return std::unexpected(r.error());
  return PingSocket{std::move(*fd), SocketKind::kRaw, family, identifier};
}

}  // namespace

std::string_view socket_kind_name(SocketKind kind) {
  return kind == SocketKind::kDatagram ? "dgram" : "raw";
}

std::expected<PingSocket, std::string> open_ping_socket(wire::IpFamily family, SocketChoice choice,
                                                        std::uint16_t wanted_identifier) {
  switch (choice) {
    case SocketChoice::kDatagram:
      return open_datagram_socket(family, wanted_identifier);
    case SocketChoice::kRaw:
      return open_raw_socket(family, wanted_identifier);
    case SocketChoice::kAuto:
      break;
  }
  auto datagram = open_datagram_socket(family, wanted_identifier);
  if (datagram) return datagram;
  auto raw = open_raw_socket(family, wanted_identifier);
  if (raw) return raw;
  if (!sys::has_effective_capability(CAP_NET_RAW)) {
    return std::unexpected(fmt::format(
        "cannot open an ICMP socket: a raw socket needs CAP_NET_RAW (run it as root, or "
        "'setcap cap_net_raw+ep' the binary) and a datagram socket needs a group of this process "
        "(gid {}) inside {} (now {})",
        ::getegid(), kPingGroupRange, ping_group_range_now()));
  }
  return std::unexpected(raw.error());
}

std::expected<void, std::string> set_ttl(const PingSocket& socket, int ttl) {
  if (is_ipv4(socket.family)) {
    return sys::set_int_option(socket.fd.get(), IPPROTO_IP, IP_TTL, ttl, "the TTL (IP_TTL)");
  }
  return sys::set_int_option(socket.fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl,
                             "the hop limit (IPV6_UNICAST_HOPS)");
}

std::expected<void, std::string> set_tos(const PingSocket& socket, int tos) {
  if (is_ipv4(socket.family)) {
    return sys::set_int_option(socket.fd.get(), IPPROTO_IP, IP_TOS, tos, "the TOS (IP_TOS)");
  }
  return sys::set_int_option(socket.fd.get(), IPPROTO_IPV6, IPV6_TCLASS, tos,
                             "the traffic class (IPV6_TCLASS)");
}

std::expected<void, std::string> check_route(const sys::Endpoint& target) {
  const wire::IpAddress& address = target.address;
  // RFC 4007 6: a link-local address is ambiguous without its zone; the
  // kernel would refuse the connect with a bare EINVAL.
  if (address.is_ipv6() && target.scope_id == 0 &&
      (address.ipv6().is_link_local() || address.ipv6().is_link_local_multicast())) {
    return std::unexpected(
        fmt::format("{} is a link-local address: say which interface it is on, e.g. {}%eth0",
                    address, address));
  }
  // RFC 4291 2.5.5.2: ::ffff:a.b.c.d stands for an IPv4 node; no ICMPv6
  // socket can reach it (a UDP connect would, over IPv4).
  if (address.is_ipv6() && address.ipv6().is_ipv4_mapped()) {
    const auto& o = address.ipv6().octets;
    return std::unexpected(
        fmt::format("{} is an IPv4 address in IPv6 form: ping {}.{}.{}.{} instead", address, o[12],
                    o[13], o[14], o[15]));
  }
  const int raw_fd =
      ::socket(sys::address_family(address.family()), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (raw_fd < 0) return {};  // cannot check; the first request will tell
  const sys::UniqueFd fd(raw_fd);
  sockaddr_storage to{};
  const socklen_t length = sys::to_sockaddr({address, target.scope_id, 1025}, to);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), length) == 0) return {};
  const int err = errno;
  if (err == EACCES && address.is_ipv4()) {
    // Connecting to a broadcast address without SO_BROADCAST.
    return std::unexpected(
        fmt::format("{} is a broadcast address, and pinger does not ping broadcasts", address));
  }
  if (err == EACCES) {
    // IPv6 has no broadcast; a "prohibit" route answers EACCES
    // (ip6_pkt_prohibit: "administratively prohibited").
    return std::unexpected(
        fmt::format("no route to {}: a route prohibits it (Permission denied)", address));
  }
  return std::unexpected(fmt::format("no route to {}: {}", address, std::strerror(err)));
}

}  // namespace pong::client
