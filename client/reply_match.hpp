// Is this datagram a reply to one of our Echo Requests, and what is wrong
// with it? One matcher, written once over the family's ICMP type enum
// (icmp_family.hpp), behind one thin adapter per shape a socket delivers:
// a whole IPv4 datagram (raw IPv4 socket), a bare ICMP or ICMPv6 message
// and its sender (datagram "ping" sockets of both families, and raw
// ICMPv6 sockets, which never deliver the IPv6 header), or an error the
// kernel queued on a datagram socket (IP_RECVERR, IPV6_RECVERR).
//
// Nothing here trusts the bytes: every field is read through the checked
// wire views, so a truncated or hostile reply gives kMalformed or
// kNotOurs, never an out-of-bounds read. Nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "icmp_family.hpp"
#include "ping_statistics.hpp"
#include "wire/address.hpp"

namespace pong::client {

// What every reply of this run must look like.
struct EchoExpectation {
  // The address the requests went to; its family is the run's.
  wire::IpAddress target;
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
                 // (IPv4 only: the kernel drops bad ICMPv6 before any socket)
  kIcmpError,    // an IcmpError (Destination Unreachable, Packet Too Big, Time
                 // Exceeded, Parameter Problem) about one of our requests
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
  // Who sent it: the IP source (raw IPv4), the sender from msg_name
  // (datagram sockets, raw ICMPv6), or the ICMP error's sender.
  wire::IpAddress from{};
  IcmpType icmp_type{};
  std::uint8_t icmp_code = 0;
  // kIcmpError only: the MTU (Packet Too Big, IPv4 "fragmentation
  // needed") or the pointer (Parameter Problem) the error carries.
  ErrorDetail detail{};
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

// An ICMP message without IP header, in the family of expect.target: what
// a datagram socket of either family reads, and what a raw ICMPv6 socket
// reads (RFC 3542 3: "the IPv6 header is never returned"). `from` is the
// sender from recvmsg's msg_name.
ReplyMatch match_icmp_message(std::span<const std::uint8_t> icmp, wire::IpAddress from,
                              const EchoExpectation& expect, const PingStatistics& stats);

// What a datagram socket's error queue says about an ICMP error besides
// the bytes: sock_extended_err's ee_type, ee_code and ee_info (the MTU or
// pointer, already taken out of bytes 4..7), and the error's sender
// (SO_EE_OFFENDER).
struct QueuedError {
  IcmpType type{};
  std::uint8_t code = 0;
  std::uint32_t info = 0;
  wire::IpAddress from{};
};

// An ICMP error queued on a datagram socket (MSG_ERRQUEUE); the bytes
// read are the ICMP header and data of our request as the error quoted it.
ReplyMatch match_queued_error(const QueuedError& error, std::span<const std::uint8_t> quoted_icmp,
                              const EchoExpectation& expect, const PingStatistics& stats);

// The sequence number in the ICMP header of a request of `family`, as a
// queued local error (SO_EE_ORIGIN_LOCAL) may hold it; empty when the
// bytes are too short.
std::optional<std::uint16_t> request_sequence(wire::IpFamily family,
                                              std::span<const std::uint8_t> icmp);

}  // namespace pong::client
