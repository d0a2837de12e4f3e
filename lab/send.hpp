// `icmp-lab craft --send`: one hand-made echo request through a raw ICMP
// or ICMPv6 socket, then a bounded wait for the echo reply. The system
// part of icmp-lab; everything it sends was built by craft.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "sys/resolve.hpp"
#include "sys/socket_address.hpp"
#include "sys/unique_fd.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::lab {

// Lab packets stay in the lab, where namespaces and compose networks
// live: IPv4 loopback (127.0.0.0/8) and the private ranges of RFC 1918;
// IPv6 loopback (::1), unique local addresses (fc00::/7, RFC 4193) and
// link-local addresses (fe80::/10, RFC 4291 2.5.6).
bool is_lab_address(const wire::IpAddress& address);

// An address literal (fe80:: ones with a %zone) or a name the resolver
// turns into one (compose service names such as icmp-server), of the
// family `choice` allows. The address must be a lab address, and a
// link-local one needs its zone.
std::expected<sys::Endpoint, std::string> resolve_lab_host(std::string_view host,
                                                           sys::FamilyChoice choice);

struct SendReport {
  std::string sent;      // one line: what went where
  std::string reply;     // one line: the reply, or that none came in time; empty if not waited
  bool replied = false;  // an echo reply with our identifier and sequence came back
};

// A raw socket of the destination's family, connected to it, that hears
// echo replies only. Opening it is the step that needs CAP_NET_RAW, so it
// comes first and fails with one sentence.
class EchoSender {
 public:
  static std::expected<EchoSender, std::string> open(const sys::Endpoint& to);

  // The source address the kernel gives what this socket sends: an ICMPv6
  // checksum covers it (RFC 4443 2.3), so a request is crafted for it.
  const wire::IpAddress& source() const { return source_; }

  // Makes the kernel send the checksum field as written. IPv4 raw ICMP
  // sockets always do. For ICMPv6 the kernel computes the checksum itself
  // (RFC 3542 3.1) unless told not to by IPV6_CHECKSUM -1 at level
  // SOL_RAW, a Linux extension (RFC 3542's level IPPROTO_IPV6 is refused
  // on ICMPv6 sockets). Received messages are then no longer checked by
  // the kernel either; send_and_wait checks them.
  std::expected<void, std::string> send_checksum_as_written();

  // Sends `icmp` (the kernel adds the IP header; for ICMPv6 it also
  // computes the checksum, unless send_checksum_as_written) and, if wait
  // > 0, waits up to `wait` for an echo reply from the destination with
  // this identifier and sequence number.
  std::expected<SendReport, std::string> send_and_wait(std::span<const std::uint8_t> icmp,
                                                       std::uint16_t identifier,
                                                       std::uint16_t sequence,
                                                       std::chrono::milliseconds wait);

 private:
  std::string sent_line(std::size_t bytes) const;

  EchoSender(sys::UniqueFd fd, sys::Endpoint to, wire::IpAddress source)
      : fd_(std::move(fd)), to_(std::move(to)), source_(source) {}
  sys::UniqueFd fd_;
  sys::Endpoint to_;
  wire::IpAddress source_;
  bool checksum_as_written_ = false;
};

}  // namespace pong::lab
