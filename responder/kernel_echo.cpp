#include "kernel_echo.hpp"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sys/raw_socket.hpp"

namespace pong::responder {

std::optional<std::string> ipv6_unavailable_reason() {
  std::error_code error;
  std::filesystem::directory_iterator interfaces("/proc/sys/net/ipv6/conf", error);
  if (error) return "this kernel has no IPv6";
  if (!sys::ipv6_sockets_supported()) {
    return "IPv6 sockets are refused here (EAFNOSUPPORT: a seccomp filter, or systemd's "
           "RestrictAddressFamilies= without AF_INET6)";
  }
  // What counts is each interface's own switch: net.ipv6.conf.all is only
  // what was last written to all of them. Docker, for one, sets all=1 and
  // then eth0's back to 0, and the kernel answers ICMPv6 echo on eth0.
  for (const auto& entry : interfaces) {
    const std::string name = entry.path().filename().string();
    if (name == "all" || name == "default") continue;
    const auto disabled = sys::read_sysctl(fmt::format("net.ipv6.conf.{}.disable_ipv6", name));
    if (disabled && *disabled == "0") return std::nullopt;
  }
  return "IPv6 is disabled on every interface (net.ipv6.conf.*.disable_ipv6=1)";
}

bool answers(Follow choice, std::string_view ignore_sysctl, bool default_answer) {
  switch (choice) {
    case Follow::kAnswer:
      return true;
    case Follow::kIgnore:
      return false;
    case Follow::kAuto:
      break;
  }
  // Read while pong serves (at most once a second): no allocation.
  const auto value = sys::read_sysctl_integer(ignore_sysctl);
  if (!value) return default_answer;
  return *value == 0;
}

wire::EchoPolicy echo_policy(wire::IpFamily family, Follow non_unicast, Follow anycast) {
  const KernelEchoSysctls& knobs = echo_sysctls(family);
  const bool v6 = family == wire::IpFamily::kIpv6;
  wire::EchoPolicy policy;
  // The kernel's defaults where a sysctl cannot be read: IPv4 ignores
  // broadcasts, IPv6 answers multicast and anycast.
  policy.answer_non_unicast = answers(non_unicast, knobs.ignore_non_unicast, v6);
  policy.answer_anycast = v6 && answers(anycast, knobs.ignore_anycast, true);
  return policy;
}

std::expected<KernelEchoTakeOver, std::string> KernelEchoTakeOver::take(
    const std::vector<wire::IpFamily>& families) {
  KernelEchoTakeOver take_over;
  for (const auto family : families) {
    const auto name = echo_sysctls(family).ignore_all;
    auto scoped = sys::ScopedSysctl::set(name, "1");
    // Returning destroys take_over, which restores what was already set.
    if (!scoped) return std::unexpected(scoped.error());
    if (scoped->original()) {
      spdlog::info("kernel echo turned off ({}=1); {} will be restored on exit", name,
                   *scoped->original());
    }
    take_over.changed_.push_back(std::move(*scoped));
  }
  return take_over;
}

bool KernelEchoTakeOver::restore() {
  bool ok = true;
  for (auto& scoped : changed_) {
    if (!scoped.original()) continue;
    const std::string original = *scoped.original();
    if (auto restored = scoped.restore(); !restored) {
      spdlog::error("{}", restored.error());
      ok = false;
    } else {
      spdlog::info("restored {}={}", scoped.name(), original);
    }
  }
  return ok;
}

void KernelEchoTakeOver::dismiss() {
  for (auto& scoped : changed_) scoped.dismiss();
  changed_.clear();
}

void warn_if_kernel_answers(const std::vector<wire::IpFamily>& families) {
  for (const auto family : families) {
    const auto name = echo_sysctls(family).ignore_all;
    if (auto value = sys::read_sysctl(name); value && *value == "0") {
      spdlog::warn(
          "the kernel still answers {} echo requests ({}=0): clients will get two replies and "
          "show DUP!. Run pong with --take-over, or set it with 'sysctl -w {}=1'",
          echo_sysctls(family).family_name, name, name);
    }
  }
}

}  // namespace pong::responder
