#include "sys/raw_socket.hpp"

#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace pong::sys {

namespace {

std::expected<UniqueFd, std::string> open_raw_socket(int family, int protocol) {
  const int fd = ::socket(family, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd >= 0) return UniqueFd(fd);
  const int err = errno;
  const bool v6 = family == AF_INET6;
  switch (err) {
    case EPERM:
    case EACCES:
      // Raw sockets need CAP_NET_RAW in the socket's network namespace.
      return std::unexpected(fmt::format(
          "opening a raw {} socket needs CAP_NET_RAW: run as root, or grant it once with "
          "'setcap cap_net_raw+ep' on the binary",
          v6 ? "ICMPv6" : "ICMP"));
    case EAFNOSUPPORT:
      // Kernel built without the family (ipv6.disable=1 on the command line).
      return std::unexpected(std::string(v6 ? "IPv6 sockets are not supported here (EAFNOSUPPORT)"
                                            : "IPv4 sockets are not supported here"));
    case EMFILE:
    case ENFILE:
      return std::unexpected(std::string("no file descriptors left to open a socket"));
    case ENOBUFS:
    case ENOMEM:
      return std::unexpected(std::string("the kernel is out of memory for a new socket"));
    default:
      return std::unexpected(fmt::format("cannot open a raw {} socket: {}", v6 ? "ICMPv6" : "ICMP",
                                         std::strerror(err)));
  }
}

}  // namespace

std::expected<UniqueFd, std::string> open_raw_icmpv4_socket() {
  return open_raw_socket(AF_INET, IPPROTO_ICMP);
}

std::expected<UniqueFd, std::string> open_raw_icmpv6_socket() {
  return open_raw_socket(AF_INET6, IPPROTO_ICMPV6);
}

bool ipv6_sockets_supported() {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  return errno != EAFNOSUPPORT;
}

std::expected<void, std::string> set_icmpv6_type_filter(
    int fd, std::initializer_list<std::uint8_t> allowed) {
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  for (const std::uint8_t type : allowed) ICMP6_FILTER_SETPASS(type, &filter);
  if (::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0) {
    return std::unexpected(fmt::format("cannot set ICMP6_FILTER: {}", std::strerror(errno)));
  }
  return {};
}

std::expected<void, std::string> set_icmpv4_type_filter(
    int fd, std::initializer_list<std::uint8_t> allowed) {
  icmp_filter filter{};
  filter.data = ~0u;
  for (const std::uint8_t type : allowed) {
    if (type < 32) filter.data &= ~(1u << type);
  }
  if (::setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0) {
    return std::unexpected(fmt::format("cannot set ICMP_FILTER: {}", std::strerror(errno)));
  }
  return {};
}

std::expected<void, std::string> set_int_option(int fd, int level, int name, int value,
                                                const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) {
    return std::unexpected(fmt::format("cannot set {}: {}", what, std::strerror(errno)));
  }
  return {};
}

}  // namespace pong::sys
