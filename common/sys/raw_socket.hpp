// Opening and configuring raw ICMP sockets. Errors come back as one
// sentence a user can act on.
#pragma once

#include <cstdint>
#include <expected>
#include <initializer_list>
#include <string>

#include "sys/unique_fd.hpp"

namespace pong::sys {

// socket(AF_INET, SOCK_RAW, IPPROTO_ICMP). Needs CAP_NET_RAW.
std::expected<UniqueFd, std::string> open_raw_icmpv4_socket();

// socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6). Needs CAP_NET_RAW. Reads give
// the ICMPv6 message without the IPv6 header; the kernel checks the
// checksum of what it delivers and fills it in on send (RFC 3542 3.1).
std::expected<UniqueFd, std::string> open_raw_icmpv6_socket();

// Whether this process may open IPv6 sockets at all: false when socket(2)
// says EAFNOSUPPORT (a kernel booted with ipv6.disable=1, a seccomp filter
// or systemd's RestrictAddressFamilies= without AF_INET6).
bool ipv6_sockets_supported();

// Linux ICMP_FILTER (SOL_RAW): deliver only the listed ICMP types. The
// kernel's mask has a bit set for each type to *block*.
std::expected<void, std::string> set_icmpv4_type_filter(
    int fd, std::initializer_list<std::uint8_t> allowed);

// RFC 3542 3.2 ICMP6_FILTER: deliver only the listed ICMPv6 types.
std::expected<void, std::string> set_icmpv6_type_filter(
    int fd, std::initializer_list<std::uint8_t> allowed);

// setsockopt with an int value; the message names the option.
std::expected<void, std::string> set_int_option(int fd, int level, int name, int value,
                                                const char* what);

}  // namespace pong::sys
