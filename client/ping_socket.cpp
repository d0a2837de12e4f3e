#include "ping_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "sys/capabilities.hpp"
#include "sys/log.hpp"
#include "sys/raw_socket.hpp"
#include "sys/sysctl.hpp"
#include "wire/icmpv4.hpp"

namespace pong::client {
namespace {

constexpr const char* kPingGroupRange = "net.ipv4.ping_group_range";

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
std::string datagram_socket_error(int err) {
  switch (err) {
    case EACCES:
      // net/ipv4/ping.c ping_init_sock(): the caller's groups are checked
      // against ping_group_range; none inside it is EACCES.
      return fmt::format(
          "an ICMP datagram socket needs a group of this process (gid {}) inside {} (now {}): "
          "allow it with 'sysctl -w {}=\"0 2147483647\"', or use a raw socket as root",
          ::getegid(), kPingGroupRange, ping_group_range_now(), kPingGroupRange);
    case EPROTONOSUPPORT:
    case ESOCKTNOSUPPORT:
    case EAFNOSUPPORT:
      return "this kernel has no ICMP datagram (ping) sockets; use a raw socket as root";
    case EMFILE:
    case ENFILE:
      return "no file descriptors left to open a socket";
    default:
      return fmt::format("cannot open an ICMP datagram socket: {}", std::strerror(err));
  }
}

std::expected<PingSocket, std::string> open_datagram_socket(std::uint16_t wanted_identifier) {
  const int raw_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (raw_fd < 0) return std::unexpected(datagram_socket_error(errno));
  sys::UniqueFd fd(raw_fd);

  // The socket's port is the identifier the kernel writes into every
  // request and matches replies by. Ask for ours, so "pid=" means what it
  // says; if another ping socket holds it, let the kernel choose.
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_ANY);
  local.sin_port = htons(wanted_identifier);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    local.sin_port = 0;
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
      return std::unexpected(
          fmt::format("cannot bind the ICMP datagram socket: {}", std::strerror(errno)));
    }
  }
  sockaddr_in bound{};
  socklen_t length = sizeof bound;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    return std::unexpected(
        fmt::format("cannot read the ICMP datagram socket's identifier: {}", std::strerror(errno)));
  }
  // Without IP_RECVERR a ping socket reports an ICMP error only as an errno
  // on the next call, with no sequence number; with it, each error is
  // queued with the request it quotes.
  if (auto r = sys::set_int_option(fd.get(), IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR"); !r) {
    return std::unexpected(r.error());
  }
  return PingSocket{std::move(fd), SocketKind::kDatagram, ntohs(bound.sin_port)};
}

std::expected<PingSocket, std::string> open_raw_socket(std::uint16_t identifier) {
  auto fd = sys::open_raw_icmpv4_socket();
  if (!fd) return std::unexpected(fd.error());
  // Only what can concern our requests: echo replies and the three errors
  // that quote a request. The host's other ICMP traffic never wakes us.
  using wire::Icmpv4Type;
  if (auto r = sys::set_icmpv4_type_filter(
          fd->get(), {static_cast<std::uint8_t>(Icmpv4Type::kEchoReply),
                      static_cast<std::uint8_t>(Icmpv4Type::kDestinationUnreachable),
                      static_cast<std::uint8_t>(Icmpv4Type::kTimeExceeded),
                      static_cast<std::uint8_t>(Icmpv4Type::kParameterProblem)});
      !r) {
    return std::unexpected(r.error());
  }
  return PingSocket{std::move(*fd), SocketKind::kRaw, identifier};
}

}  // namespace

std::string_view socket_kind_name(SocketKind kind) {
  return kind == SocketKind::kDatagram ? "dgram" : "raw";
}

std::expected<PingSocket, std::string> open_ping_socket(SocketChoice choice,
                                                        std::uint16_t wanted_identifier) {
  switch (choice) {
    case SocketChoice::kDatagram:
      return open_datagram_socket(wanted_identifier);
    case SocketChoice::kRaw:
      return open_raw_socket(wanted_identifier);
    case SocketChoice::kAuto:
      break;
  }
  auto datagram = open_datagram_socket(wanted_identifier);
  if (datagram) return datagram;
  auto raw = open_raw_socket(wanted_identifier);
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

std::expected<void, std::string> set_ttl(int fd, int ttl) {
  return sys::set_int_option(fd, IPPROTO_IP, IP_TTL, ttl, "the TTL (IP_TTL)");
}

std::expected<void, std::string> set_tos(int fd, int tos) {
  return sys::set_int_option(fd, IPPROTO_IP, IP_TOS, tos, "the TOS (IP_TOS)");
}

std::expected<void, std::string> check_route(wire::Ipv4Address target) {
  const int raw_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (raw_fd < 0) return {};  // cannot check; the first request will tell
  const sys::UniqueFd fd(raw_fd);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(1025);
  to.sin_addr.s_addr = htonl(target.to_u32());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) return {};
  const int err = errno;
  if (err == EACCES) {
    // Connecting to a broadcast address without SO_BROADCAST.
    return std::unexpected(
        fmt::format("{} is a broadcast address, and pinger does not ping broadcasts", target));
  }
  return std::unexpected(fmt::format("no route to {}: {}", target, std::strerror(err)));
}

}  // namespace pong::client
