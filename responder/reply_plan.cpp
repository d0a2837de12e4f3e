#include "reply_plan.hpp"

namespace pong::responder {

std::expected<ReplyPlan, wire::DropReason> plan_ipv4_reply(std::span<std::uint8_t> datagram,
                                                           const Ipv4ReceivedControl& control,
                                                           const wire::EchoPolicy& policy) {
  const auto reply = wire::answer_echo_request(datagram, control.arrival, policy);
  if (!reply) return std::unexpected(reply.error());
  if (reply->has_ip_options && (control.truncated || !control.has_reply_options)) {
    // Linux's icmp_reply() sends nothing when ip_options_echo() fails.
    return std::unexpected(wire::DropReason::kIpOptionsNotEchoable);
  }
  return ReplyPlan{*reply, control.reply_options};
}

std::expected<ReplyPlan, wire::DropReason> plan_ipv6_reply(std::span<std::uint8_t> icmp,
                                                           const wire::Ipv6Address& source,
                                                           const Ipv6ReceivedControl& control,
                                                           bool destination_is_anycast,
                                                           const wire::EchoPolicy& policy) {
  if (!control.has_packet_info) return std::unexpected(wire::DropReason::kArrivalUnknown);
  const wire::Ipv6Arrival arrival{source, control.destination, control.interface_index,
                                  control.traffic_class, destination_is_anycast};
  const auto reply = wire::answer_echo_request(icmp, arrival, policy);
  if (!reply) return std::unexpected(reply.error());
  return ReplyPlan{*reply, {}};
}

}  // namespace pong::responder
