// The control-message codec: what the kernel tells pong about each
// received datagram (IP_PKTINFO, IP_RETOPTS; IPV6_PKTINFO, IPV6_TCLASS),
// read into plain values, and the control messages a reply is sent with,
// written from a plan. Nothing here decides anything; reply_plan does.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/address.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

// IPv4: what the control messages of one received datagram told us.
struct Ipv4ReceivedControl {
  wire::Ipv4Arrival arrival{};
  // IP_RETOPTS: the request's options as ip_options_echo() turned them
  // into reply options (source route reversed, record-route and timestamp
  // slots reset so the kernel fills them in on the way out). Present but
  // empty when the request's options hold nothing a reply echoes (padding,
  // Router Alert...): the reply then goes without options, as Linux's does.
  bool has_reply_options = false;
  std::span<const std::uint8_t> reply_options;
  // MSG_CTRUNC: the kernel could not hand over every control message; it
  // sets it, in particular, when ip_options_echo() fails.
  bool truncated = false;
};

// IPv6: IPV6_PKTINFO and IPV6_TCLASS of one received message.
struct Ipv6ReceivedControl {
  bool has_packet_info = false;
  wire::Ipv6Address destination{};    // ipi6_addr
  std::uint32_t interface_index = 0;  // ipi6_ifindex
  std::uint8_t traffic_class = 0;
};

// Precondition: `header` is a msghdr recvmsg/recvmmsg filled in (its
// msg_control and msg_controllen describe what the kernel wrote).
Ipv4ReceivedControl read_ipv4_control(const msghdr& header);
Ipv6ReceivedControl read_ipv6_control(const msghdr& header);

// The control messages for one reply: the source address and interface
// (IP_PKTINFO / IPV6_PKTINFO), the TOS / traffic class (IP_TOS /
// IPV6_TCLASS) and, for IPv4, the options to echo (IP_RETOPTS). Returns
// the bytes written.
// Precondition: `out` is aligned for cmsghdr and has kReplyControlCapacity
// bytes at least.
inline constexpr std::size_t kReplyControlCapacity = 128;
std::size_t write_reply_control(std::span<std::uint8_t> out, const wire::EchoReply& reply,
                                std::span<const std::uint8_t> ip_options);

}  // namespace pong::responder
