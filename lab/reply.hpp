// pong's answer to one Echo Request, explained: which word changes, the
// new checksum by a full recomputation and by RFC 1624 eqn. 3 (what pong
// runs), and what RFC 1141's older equation would give.
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

namespace pong::lab {

struct ReplyExplanation {
  DecodedPacket request;
  std::vector<std::uint8_t> request_icmp;
  std::vector<std::uint8_t> reply_icmp;  // as pong's rewrite left it
  std::uint16_t old_word = 0;            // type and code, before
  std::uint16_t new_word = 0;            // and after
  std::uint16_t old_checksum = 0;
  std::uint16_t new_checksum = 0;       // the checksum pong wrote
  ChecksumSteps full;                   // the reply, checksum field zeroed
  IncrementalUpdate incremental;        // from old checksum, old and new word
  bool reply_verifies = false;          // the reply's bytes sum to 0xffff
  wire::Ipv4Address reply_source;       // RFC 1122 3.2.2.6: the request's destination
  wire::Ipv4Address reply_destination;  // the request's source
  // The request datagram with its addresses swapped and pong's ICMP reply:
  // something `icmp-lab decode` reads. The header checksum stays right,
  // since swapping two words does not change a one's complement sum. On
  // the wire the kernel builds the IP header itself.
  std::vector<std::uint8_t> reply_datagram;
};

// Fails with kNotEchoRequest, and pong's drop reason in the sentence, for
// anything pong would not answer; decoding errors pass through.
std::expected<ReplyExplanation, LabError> explain_reply(std::span<const std::uint8_t> captured);

// Whether `candidate` is the reply to `request`: an echo reply with the
// same identifier and sequence number, from the request's destination.
bool is_reply_to(const DecodedPacket& candidate, const ReplyExplanation& request);

// The first ICMP byte where the predicted and the captured reply differ.
std::optional<std::size_t> first_difference(std::span<const std::uint8_t> a,
                                            std::span<const std::uint8_t> b);

}  // namespace pong::lab
