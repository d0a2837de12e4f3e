// What pong-bench asks the host before it opens its sockets: which network
// namespace it is in, the interface the frames leave by, and the source
// address the kernel would pick. Errors are one sentence.
#pragma once

#include <expected>
#include <string>

#include "sys/socket_address.hpp"
#include "wire/address.hpp"

namespace pong::bench {

struct Interface {
  std::string name;
  int index = 0;
  bool loopback = false;
};

// The interface called `name` in this network namespace.
std::expected<Interface, std::string> find_interface(const std::string& name);

// Whether this process shares PID 1's network namespace (the st_ino of
// /proc/self/ns/net and /proc/1/ns/net are equal). Where PID 1's is out of
// reach (EACCES), the answer is "yes" unless this namespace is one of the
// named ones under /run/netns (`ip netns add`), as the bench's are.
std::expected<bool, std::string> in_initial_network_namespace();

// The address the kernel would send from towards `target` (a UDP socket's
// connect and getsockname; nothing is sent). `interface_index` is the scope
// of a link-local IPv6 target.
std::expected<wire::IpAddress, std::string> kernel_source_address(const wire::IpAddress& target,
                                                                  int interface_index);

}  // namespace pong::bench
