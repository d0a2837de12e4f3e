// `icmp-lab craft --send`: one hand-made ICMP message through a raw socket,
// then a bounded wait for the echo reply. The system part of icmp-lab;
// everything it sends was built by craft.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "sys/unique_fd.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::lab {

// Lab packets stay in the lab: loopback (127.0.0.0/8) and the private
// ranges of RFC 1918, where namespaces and compose networks live.
bool is_lab_address(wire::Ipv4Address address);

// A dotted quad, or a name the resolver turns into one (compose service
// names such as icmp-server). The address must be a lab address.
std::expected<wire::Ipv4Address, std::string> resolve_lab_host(std::string_view host);

struct SendReport {
  std::string sent;      // one line: what went where
  std::string reply;     // one line: the reply, or that none came in time; empty if not waited
  bool replied = false;  // an echo reply with our identifier and sequence came back
};

// A raw ICMP socket that hears echo replies only. Opening it is the step
// that needs CAP_NET_RAW, so it comes first and fails with one sentence.
class EchoSender {
 public:
  static std::expected<EchoSender, std::string> open();

  // Sends `icmp` (the kernel adds the IP header) and, if wait > 0, waits
  // up to `wait` for an echo reply from `to` with this identifier and
  // sequence number.
  std::expected<SendReport, std::string> send_and_wait(wire::Ipv4Address to,
                                                       std::span<const std::uint8_t> icmp,
                                                       std::uint16_t identifier,
                                                       std::uint16_t sequence,
                                                       std::chrono::milliseconds wait);

 private:
  explicit EchoSender(sys::UniqueFd fd) : fd_(std::move(fd)) {}
  sys::UniqueFd fd_;
};

}  // namespace pong::lab
