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

// Linux ICMP_FILTER (SOL_RAW): deliver only the listed ICMP types. The
// kernel's mask has a bit set for each type to *block*.
std::expected<void, std::string> set_icmpv4_type_filter(
    int fd, std::initializer_list<std::uint8_t> allowed);

// setsockopt with an int value; the message names the option.
std::expected<void, std::string> set_int_option(int fd, int level, int name, int value,
                                                const char* what);

}  // namespace pong::sys
