// pong's answer to one Echo Request, explained: which word changes, the
// new checksum by a full recomputation and by RFC 1624 eqn. 3 (what pong
// runs), and what RFC 1141's older equation would give. For ICMPv6 the
// full recomputation starts from the pseudo-header, whose sum swapping
// source and destination leaves as it was.
//
// The reply itself comes from wire::answer_echo_request, the function the
// responder calls, so what icmp-lab shows is what pong sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <vector>

#include "checksum_steps.hpp"
#include "decode.hpp"
#include "incremental.hpp"
#include "lab_error.hpp"
#include "wire/address.hpp"

namespace pong::lab {

struct ReplyExplanation {
  DecodedPacket request;
  std::vector<std::uint8_t> request_icmp;
  std::vector<std::uint8_t> reply_icmp;  // as pong's rewrite left it
  std::uint16_t old_word = 0;            // type and code, before
  std::uint16_t new_word = 0;            // and after
  std::uint16_t old_checksum = 0;
  std::uint16_t new_checksum = 0;  // the checksum pong wrote
  ChecksumSteps full;              // the reply, checksum field zeroed (ICMPv6: pseudo-header first)
  IncrementalUpdate incremental;   // from old checksum, old and new word
  bool reply_verifies = false;     // the reply's bytes (and pseudo-header) sum to 0xffff
  // ICMPv6: the pseudo-header sums of the request (source, destination)
  // and of the reply (the two swapped), folded. One's complement addition
  // does not care about order, so they are equal (RFC 1071 2(A)).
  std::optional<std::uint16_t> request_pseudo_header_sum;
  std::optional<std::uint16_t> reply_pseudo_header_sum;
  // RFC 1122 3.2.2.6, RFC 4443 4.2: the request's destination. For an
  // IPv6 multicast request it is unspecified: the kernel picks a unicast
  // address of the interface, and computes the checksum over that
  // pseudo-header itself (RFC 3542 3.1).
  wire::IpAddress reply_source;
  wire::IpAddress reply_destination;  // the request's source
  // The request packet with its addresses swapped and pong's ICMP reply:
  // something `icmp-lab decode` reads. For IPv4 the header checksum stays
  // right, since swapping two words does not change a one's complement
  // sum. On the wire the kernel builds the IP header itself. Empty when
  // the reply's source is the kernel's choice.
  std::vector<std::uint8_t> reply_datagram;
};

// Fails with kNotEchoRequest, and pong's drop reason in the sentence, for
// anything pong would not answer; decoding errors pass through.
std::expected<ReplyExplanation, LabError> explain_reply(std::span<const std::uint8_t> captured);

// Whether `candidate` is the reply to `request`: an echo reply of the same
// family with the same identifier and sequence number, from the request's
// destination (from any address, where the kernel picks it).
bool is_reply_to(const DecodedPacket& candidate, const ReplyExplanation& request);

// The first ICMP byte where the predicted and the captured reply differ.
std::optional<std::size_t> first_difference(std::span<const std::uint8_t> a,
                                            std::span<const std::uint8_t> b);

}  // namespace pong::lab
