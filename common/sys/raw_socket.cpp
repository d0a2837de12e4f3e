#include "sys/raw_socket.hpp"

#include <linux/icmp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace pong::sys {

std::expected<UniqueFd, std::string> open_raw_icmpv4_socket() {
  const int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd >= 0) return UniqueFd(fd);
  const int err = errno;
  switch (err) {
    case EPERM:
    case EACCES:
      // Raw sockets need CAP_NET_RAW in the socket's network namespace.
      return std::unexpected(std::string(
          "opening a raw ICMP socket needs CAP_NET_RAW: run as root, or grant it once with "
          "'setcap cap_net_raw+ep' on the binary"));
    case EAFNOSUPPORT:
      // Kernel built without IPv4, or IPv4 disabled.
      return std::unexpected(std::string("this kernel does not support IPv4 sockets"));
    case EMFILE:
    case ENFILE:
      return std::unexpected(std::string("no file descriptors left to open a socket"));
    case ENOBUFS:
    case ENOMEM:
      return std::unexpected(std::string("the kernel is out of memory for a new socket"));
    default:
      return std::unexpected(fmt::format("cannot open a raw ICMP socket: {}", std::strerror(err)));
  }
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
