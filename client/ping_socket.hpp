// The shell's system side: resolving the host, checking there is a route,
// and opening the ICMP socket pinger sends and receives on. Errors come
// back as one sentence a user can act on.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "sys/unique_fd.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::client {

enum class SocketKind : std::uint8_t {
  // socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), Linux's unprivileged "ping
  // socket": allowed when a group of the caller is inside
  // net.ipv4.ping_group_range. The kernel owns the identifier (the
  // socket's port), fills in the checksum, hands over only replies with our
  // identifier, and queues ICMP errors on the error queue (IP_RECVERR).
  kDatagram,
  // socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): needs CAP_NET_RAW, reads every
  // ICMP datagram (IP header included) that ICMP_FILTER lets through.
  kRaw,
};

enum class SocketChoice : std::uint8_t { kAuto, kDatagram, kRaw };

std::string_view socket_kind_name(SocketKind kind);

struct PingSocket {
  sys::UniqueFd fd;
  SocketKind kind = SocketKind::kRaw;
  // The ICMP identifier the replies carry.
  std::uint16_t identifier = 0;
};

// kAuto tries a datagram socket first and falls back to a raw one, as
// iputils ping does. On a raw socket the identifier is `wanted_identifier`;
// on a datagram socket pinger asks the kernel for it and takes whatever
// the kernel gives when it is in use.
std::expected<PingSocket, std::string> open_ping_socket(SocketChoice choice,
                                                        std::uint16_t wanted_identifier);

// IP_TTL and IP_TOS.
std::expected<void, std::string> set_ttl(int fd, int ttl);
std::expected<void, std::string> set_tos(int fd, int tos);

// Connects a UDP socket to `target`, which sends nothing but makes the
// kernel look up the route, so "Network is unreachable" is reported before
// the first request (iputils does the same).
std::expected<void, std::string> check_route(wire::Ipv4Address target);

}  // namespace pong::client
