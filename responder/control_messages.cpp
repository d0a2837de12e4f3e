#include "control_messages.hpp"

#include <netinet/in.h>
#include <netinet/ip.h>

#include <cstring>

#include "sys/socket_address.hpp"

namespace pong::responder {
namespace {

template <class T>
T read_payload(const cmsghdr* c) {
  T value{};
  std::memcpy(&value, CMSG_DATA(c), sizeof value);
  return value;
}

std::size_t payload_length(const cmsghdr* c) {
  return c->cmsg_len - CMSG_LEN(0);
}

// Appends one control message; returns the bytes used.
std::size_t put_control(std::span<std::uint8_t> buffer, std::size_t used, int level, int type,
                        std::span<const std::uint8_t> payload) {
  cmsghdr header{};
  header.cmsg_level = level;
  header.cmsg_type = type;
  header.cmsg_len = CMSG_LEN(payload.size());
  std::memcpy(buffer.data() + used, &header, sizeof header);
  std::memcpy(buffer.data() + used + CMSG_LEN(0), payload.data(), payload.size());
  return used + CMSG_SPACE(payload.size());
}

template <class T>
std::span<const std::uint8_t> as_bytes_of(const T& value) {
  return {reinterpret_cast<const std::uint8_t*>(&value), sizeof value};
}

}  // namespace

Ipv4ReceivedControl read_ipv4_control(const msghdr& header) {
  Ipv4ReceivedControl control;
  control.truncated = (header.msg_flags & MSG_CTRUNC) != 0;
  auto& h = const_cast<msghdr&>(header);  // the CMSG macros take non-const
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level != IPPROTO_IP) continue;
    if (c->cmsg_type == IP_PKTINFO && payload_length(c) >= sizeof(in_pktinfo)) {
      const auto info = read_payload<in_pktinfo>(c);
      control.arrival.specific_destination = sys::from_in_addr(info.ipi_spec_dst);
    } else if (c->cmsg_type == IP_RETOPTS) {
      control.has_reply_options = true;
      control.reply_options = {CMSG_DATA(c), payload_length(c)};
    }
  }
  return control;
}

Ipv6ReceivedControl read_ipv6_control(const msghdr& header) {
  Ipv6ReceivedControl control;
  auto& h = const_cast<msghdr&>(header);
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_PKTINFO && payload_length(c) >= sizeof(in6_pktinfo)) {
      const auto info = read_payload<in6_pktinfo>(c);
      control.has_packet_info = true;
      control.destination = sys::from_in6_addr(info.ipi6_addr);
      control.interface_index = info.ipi6_ifindex;
    } else if (c->cmsg_type == IPV6_TCLASS && payload_length(c) >= sizeof(int)) {
      control.traffic_class = static_cast<std::uint8_t>(read_payload<int>(c));
    }
  }
  return control;
}

std::size_t write_reply_control(std::span<std::uint8_t> out, const wire::EchoReply& reply,
                                std::span<const std::uint8_t> ip_options) {
  const int traffic_class = reply.traffic_class;  // the kernel's echo copies it
  std::size_t used = 0;
  if (reply.source.is_ipv4()) {
    in_pktinfo source{};
    source.ipi_ifindex = 0;  // route as the kernel's own reply would
    source.ipi_spec_dst = sys::to_in_addr(reply.source.ipv4());
    used = put_control(out, used, IPPROTO_IP, IP_PKTINFO, as_bytes_of(source));
    used = put_control(out, used, IPPROTO_IP, IP_TOS, as_bytes_of(traffic_class));
    if (!ip_options.empty()) used = put_control(out, used, IPPROTO_IP, IP_RETOPTS, ip_options);
    return used;
  }
  // An unspecified ipi6_addr lets the kernel choose a source on the
  // interface (RFC 4443 4.2, for multicast and anycast requests).
  in6_pktinfo source{};
  source.ipi6_addr = sys::to_in6_addr(reply.source.ipv6());
  source.ipi6_ifindex = reply.interface_index;
  used = put_control(out, used, IPPROTO_IPV6, IPV6_PKTINFO, as_bytes_of(source));
  used = put_control(out, used, IPPROTO_IPV6, IPV6_TCLASS, as_bytes_of(traffic_class));
  return used;
}

}  // namespace pong::responder
