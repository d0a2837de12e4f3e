// Is this datagram a reply to one of our Echo Requests, and what is wrong
// with it? One pure function per shape a socket delivers: a whole IPv4
// datagram (raw socket), a bare ICMP message (datagram "ping" socket), or
// an error the kernel queued on a datagram socket (IP_RECVERR).
//
// Nothing here trusts the bytes: every field is read through the checked
// wire views, so a truncated or hostile reply gives kMalformed or
// kNotOurs, never an out-of-bounds read. Nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "ping_statistics.hpp"
#include "wire/address.hpp"
#include "wire/bytes.hpp"

namespace pong::client {

// What every reply of this run must look like.
struct EchoExpectation {
  wire::Ipv4Address target;  // the address the requests went to
  std::uint16_t identifier = 0;
  // The data every request carried (after identifier and sequence).
  std::span<const std::uint8_t> payload;
};

// How a received datagram counts. Annotations that do not change the
// count (a different source address, wrong data in a duplicate) are in
// ReplyMatch's other fields.
enum class ReplyVerdict : std::uint8_t {
  kReply,        // first reply to a request we sent; checksum and data as sent
  kWrongData,    // first reply to a request we sent; checksum good, data not as sent
  kDuplicate,    // a further reply to a request already answered (iputils "DUP!")
  kBadChecksum,  // ours by identifier and sequence, but the ICMP checksum fails
  kIcmpError,    // Destination Unreachable, Time Exceeded or Parameter Problem about
                 // one of our requests
  kNotOurs,      // well formed, but for someone else or for a request never sent
  kMalformed,    // too short or inconsistent to read
};

std::string_view reply_verdict_name(ReplyVerdict verdict);

// The reply's data against what was sent.
struct DataCheck {
  std::size_t expected_length = 0;
  std::size_t actual_length = 0;
  // The first byte (0 = the first after identifier and sequence) that
  // differs within the common length, if any, and the two values there.
  bool has_wrong_byte = false;
  std::size_t wrong_byte_index = 0;
  std::uint8_t expected_byte = 0;
  std::uint8_t actual_byte = 0;

  bool matches() const { return !has_wrong_byte && expected_length == actual_length; }
};

DataCheck compare_data(std::span<const std::uint8_t> expected,
                       std::span<const std::uint8_t> actual);

struct ReplyMatch {
  ReplyVerdict verdict = ReplyVerdict::kMalformed;
  // Who sent it: the IP source (raw), the peer address (datagram), or the
  // ICMP error's sender.
  wire::Ipv4Address from{};
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  // Of the reply, or for kIcmpError of the request the error quotes.
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  // The reply's data (empty for errors); borrows from the input bytes.
  std::span<const std::uint8_t> data;
  // Echo replies only: the data against what was sent, and whether the
  // reply came from another address than the target (iputils "DIFFERENT
  // ADDRESS!").
  DataCheck data_check{};
  bool from_other_address = false;
};

// A datagram as a raw IPv4 socket reads it: IP header, options, ICMP.
ReplyMatch match_ipv4_datagram(std::span<const std::uint8_t> datagram,
                               const EchoExpectation& expect, const PingStatistics& stats);

// An ICMP message without IP header, as an ICMP datagram socket reads it;
// `from` is the sender from recvmsg's msg_name.
ReplyMatch match_icmp_message(std::span<const std::uint8_t> icmp, wire::Ipv4Address from,
                              const EchoExpectation& expect, const PingStatistics& stats);

// An ICMP error queued on a datagram socket (IP_RECVERR, MSG_ERRQUEUE):
// the error's type and code and its sender from sock_extended_err and
// SO_EE_OFFENDER, and the bytes read, which are the ICMP header and data
// of our request as the error quoted it.
ReplyMatch match_queued_error(std::uint8_t type, std::uint8_t code, wire::Ipv4Address from,
                              std::span<const std::uint8_t> quoted_icmp,
                              const EchoExpectation& expect, const PingStatistics& stats);

}  // namespace pong::client
