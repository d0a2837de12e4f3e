#include "host.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "sys/unique_fd.hpp"

namespace pong::bench {

std::expected<Interface, std::string> find_interface(const std::string& name) {
  if (name.empty() || name.size() >= IF_NAMESIZE) {
    return std::unexpected(fmt::format("'{}' is not an interface name", name));
  }
  const unsigned index = ::if_nametoindex(name.c_str());
  if (index == 0) {
    return std::unexpected(
        fmt::format("there is no interface '{}' in this network namespace", name));
  }
  sys::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) fd = sys::UniqueFd(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq request{};
  std::memcpy(request.ifr_name, name.c_str(), name.size());
  if (!fd.valid() || ::ioctl(fd.get(), SIOCGIFFLAGS, &request) != 0) {
    return std::unexpected(
        fmt::format("cannot read the flags of interface '{}': {}", name, std::strerror(errno)));
  }
  return Interface{name, static_cast<int>(index), (request.ifr_flags & IFF_LOOPBACK) != 0};
}

namespace {

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

// Whether `self` is one of the namespaces `ip netns add` bind-mounted
// under /run/netns.
bool is_named_namespace(const struct stat& self) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", error)) {
    struct stat named {};
    if (::stat(entry.path().c_str(), &named) == 0 && same_file(self, named)) return true;
  }
  return false;
}

}  // namespace

std::expected<bool, std::string> in_initial_network_namespace() {
  struct stat self {};
  if (::stat("/proc/self/ns/net", &self) != 0) {
    return std::unexpected(fmt::format("cannot read /proc/self/ns/net: {}", std::strerror(errno)));
  }
  struct stat init {};
  if (::stat("/proc/1/ns/net", &init) == 0) return same_file(self, init);
  // PID 1 may be out of reach (a non-dumpable init: EACCES even for
  // root). Then only a namespace that `ip netns` made counts as separate.
  if (errno != EACCES && errno != EPERM) {
    return std::unexpected(fmt::format("cannot read /proc/1/ns/net: {}", std::strerror(errno)));
  }
  return !is_named_namespace(self);
}

std::expected<wire::IpAddress, std::string> kernel_source_address(const wire::IpAddress& target,
                                                                  int interface_index) {
  const bool link_local = target.is_ipv6() && target.ipv6().is_link_local();
  sys::Endpoint endpoint{target, link_local ? static_cast<std::uint32_t>(interface_index) : 0u,
                         9 /* discard; connect() on UDP sends nothing */};
  sockaddr_storage address{};
  const socklen_t length = sys::to_sockaddr(endpoint, address);
  sys::UniqueFd fd(
      ::socket(sys::address_family(target.family()), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  if (!fd.valid() ||
      ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    return std::unexpected(fmt::format(
        "no route to the target, so no source address: {} (give --source)", std::strerror(errno)));
  }
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    return std::unexpected(fmt::format("getsockname: {}", std::strerror(errno)));
  }
  const auto source = sys::from_sockaddr(local, local_length);
  if (!source) return std::unexpected(std::string("getsockname gave no IP address"));
  return source->address;
}

}  // namespace pong::bench
