// The shell's system side: checking there is a route, and opening the ICMP
// or ICMPv6 socket pinger sends and receives on. Errors come back as one
// sentence a user can act on.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "sys/socket_address.hpp"
#include "sys/unique_fd.hpp"
#include "wire/address.hpp"

namespace pong::client {

enum class SocketKind : std::uint8_t {
  // socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) or socket(AF_INET6,
  // SOCK_DGRAM, IPPROTO_ICMPV6), Linux's unprivileged "ping socket":
  // allowed, for both families, when a group of the caller is inside
  // net.ipv4.ping_group_range. The kernel owns the identifier (the
  // socket's port), fills in the checksum, hands over only replies with our
  // identifier, and queues ICMP errors on the error queue (IP_RECVERR,
  // IPV6_RECVERR).
  kDatagram,
  // socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): needs CAP_NET_RAW, reads every
  // ICMP datagram (IP header included) that ICMP_FILTER lets through.
  // socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6): the same for ICMPv6 with
  // ICMP6_FILTER, but reads give the ICMPv6 message alone, the sender in
  // msg_name, and the kernel computes and checks checksums (RFC 3542 3).
  kRaw,
};

enum class SocketChoice : std::uint8_t { kAuto, kDatagram, kRaw };

std::string_view socket_kind_name(SocketKind kind);

struct PingSocket {
  sys::UniqueFd fd;
  SocketKind kind = SocketKind::kRaw;
  wire::IpFamily family = wire::IpFamily::kIpv4;
  // The ICMP identifier the replies carry.
  std::uint16_t identifier = 0;
};

// kAuto tries a datagram socket first and falls back to a raw one, as
// iputils ping does. On a raw socket the identifier is `wanted_identifier`;
// on a datagram socket pinger asks the kernel for it and takes whatever
// the kernel gives when it is in use. Either kind hands over each
// datagram's TTL or hop limit as a control message (IP_RECVTTL,
// IPV6_RECVHOPLIMIT).
std::expected<PingSocket, std::string> open_ping_socket(wire::IpFamily family, SocketChoice choice,
                                                        std::uint16_t wanted_identifier);

// -t: IP_TTL, or for IPv6 the hop limit of unicast packets
// (IPV6_UNICAST_HOPS, RFC 3493 5.1).
std::expected<void, std::string> set_ttl(const PingSocket& socket, int ttl);
// -Q: IP_TOS, or for IPv6 the traffic class (IPV6_TCLASS, RFC 3542 6.5),
// which holds the same DSCP and ECN bits (RFC 8200 7).
std::expected<void, std::string> set_tos(const PingSocket& socket, int tos);

// Connects a UDP socket of the target's family to it (with its scope, for
// a link-local address), which sends nothing but makes the kernel look up
// the route, so "Network is unreachable" is reported before the first
// request (iputils does the same). A link-local IPv6 target without a
// scope is refused here: it names no link.
std::expected<void, std::string> check_route(const sys::Endpoint& target);

}  // namespace pong::client
