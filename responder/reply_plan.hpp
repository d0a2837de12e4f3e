// "Plan the reply": the pure step between what a socket read (bytes and
// control messages, as values) and what is sent. It applies the wire
// core's echo rule through the family's adapter, plus the one rule that
// only the control messages can tell: an IPv4 request whose options the
// kernel could not echo gets no reply. No sockets here; the unit test
// drives it with real bytes.
#pragma once

#include <cstdint>
#include <expected>
#include <span>

#include "control_messages.hpp"
#include "wire/address.hpp"
#include "wire/drop_reason.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

struct ReplyPlan {
  wire::EchoReply reply;
  // IPv4: the options to send back (IP_RETOPTS); empty for none.
  std::span<const std::uint8_t> ip_options;
};

// `datagram` as a raw IPv4 socket read it, header included. Rewritten in
// place on success.
std::expected<ReplyPlan, wire::DropReason> plan_ipv4_reply(std::span<std::uint8_t> datagram,
                                                           const Ipv4ReceivedControl& control,
                                                           const wire::EchoPolicy& policy);

// `icmp` as a raw ICMPv6 socket read it; `source` from msg_name;
// `destination_is_anycast` from the host's anycast addresses. Rewritten in
// place on success.
std::expected<ReplyPlan, wire::DropReason> plan_ipv6_reply(std::span<std::uint8_t> icmp,
                                                           const wire::Ipv6Address& source,
                                                           const Ipv6ReceivedControl& control,
                                                           bool destination_is_anycast,
                                                           const wire::EchoPolicy& policy);

}  // namespace pong::responder
