// The kernel's own echo, per family: the sysctls that turn it off, that
// pong obeys as the kernel does, and whether the host has IPv6 at all.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/sysctl.hpp"
#include "wire/address.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

struct KernelEchoSysctls {
  std::string_view family_name;
  std::string_view ignore_all;          // the kernel stops answering echo when 1
  std::string_view ignore_non_unicast;  // broadcast/multicast requests ignored when 1
  std::string_view ignore_anycast;      // IPv6 only; empty for IPv4
};

inline constexpr KernelEchoSysctls kIpv4EchoSysctls{"IPv4", "net.ipv4.icmp_echo_ignore_all",
                                                    "net.ipv4.icmp_echo_ignore_broadcasts", ""};
// net/ipv6/icmp.c: echo_ignore_multicast and echo_ignore_anycast default
// to 0, so unlike IPv4, the kernel answers IPv6 multicast echo.
inline constexpr KernelEchoSysctls kIpv6EchoSysctls{"IPv6", "net.ipv6.icmp.echo_ignore_all",
                                                    "net.ipv6.icmp.echo_ignore_multicast",
                                                    "net.ipv6.icmp.echo_ignore_anycast"};

constexpr const KernelEchoSysctls& echo_sysctls(wire::IpFamily family) {
  return family == wire::IpFamily::kIpv4 ? kIpv4EchoSysctls : kIpv6EchoSysctls;
}

// Why IPv6 cannot be served here, if it cannot: no IPv6 in the kernel, or
// disable_ipv6=1 on every interface (as net.ipv6.conf.all.disable_ipv6=1
// makes it). Empty when it can.
std::optional<std::string> ipv6_unavailable_reason();

// 'auto' follows a sysctl (answer when it reads 0, as the kernel); 'answer'
// and 'ignore' override it.
enum class Follow { kAuto, kAnswer, kIgnore };
bool answers(Follow choice, std::string_view ignore_sysctl, bool default_answer);

// The policy for one family: its broadcast/multicast and anycast choices.
wire::EchoPolicy echo_policy(wire::IpFamily family, Follow non_unicast, Follow anycast);

// --take-over: sets ignore_all=1 for each family and restores what it
// found when destroyed or restore()d.
class KernelEchoTakeOver {
 public:
  static std::expected<KernelEchoTakeOver, std::string> take(
      const std::vector<wire::IpFamily>& families);
  // Puts every value back; logs each one restored. False if one failed.
  bool restore();
  // Forgets what was changed without restoring it: for a forked process
  // whose parent restores it.
  void dismiss();

 private:
  std::vector<sys::ScopedSysctl> changed_;
};

// Logs a warning for each family whose kernel echo is still on.
void warn_if_kernel_answers(const std::vector<wire::IpFamily>& families);

}  // namespace pong::responder
