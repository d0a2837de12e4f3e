// libFuzzer harness: pinger's reply matcher (client/reply_match.hpp), for
// every shape a socket delivers.
//
// Input: a 38-byte prefix that sets up the run, then the bytes read.
//   [0]       bits 0-1: the shape: 0 a raw IPv4 datagram
//             (match_ipv4_datagram), 1 an ICMP message and its sender
//             (match_icmp_message), 2 a queued error (match_queued_error:
//             the message's type, code and bytes 4..7 are the
//             sock_extended_err, the rest the quoted request), 3
//             request_sequence alone
//             bit 2: the family for shapes 1-3 (0 IPv4, 1 IPv6)
//             bit 3: replies are recorded already for the even sequences
//             bit 4: the sequence numbers have wrapped (65536 + n sent)
//   [1-2]     the run's identifier, big-endian
//   [3-4]     how many requests were sent, big-endian, modulo 4096
//   [5]       the data every request carried: 0 "hello from client",
//             otherwise (value & 0x7f) bytes counting up from 0x00
//   [6-21]    the target address (IPv4: the first 4 bytes)
//   [22-37]   the sender, for shapes 1 and 2 (IPv4: the first 4 bytes)
//
// Properties (a __builtin_trap() when one fails), besides ASan and UBSan
// finding nothing: an Echo Reply gets exactly the verdict a reference
// written here gives (not ours, bad checksum, duplicate, reply or wrong
// data), with "DIFFERENT ADDRESS" exactly when a unicast target did not
// send it; every verdict has a name; the data span lies inside the
// bytes read; a reply, wrong-data reply or duplicate carries the run's
// identifier and a sequence that was sent, a first reply or wrong-data
// reply one not yet answered, a duplicate one that was; a reply's data is
// what was sent, and over IPv4 its checksum verifies; an error names one
// of our requests; DataCheck agrees with compare_data and with the bytes;
// "DIFFERENT ADDRESS" only when the sender is not the target.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "payload.hpp"
#include "ping_statistics.hpp"
#include "reply_match.hpp"
#include "wire/ipv4.hpp"

namespace {

using namespace pong;
using namespace pong::client;

constexpr std::size_t kPrefix = 38;

wire::IpAddress address_of(wire::IpFamily family, const std::uint8_t* bytes) {
  if (family == wire::IpFamily::kIpv4)
    return wire::Ipv4Address{{bytes[0], bytes[1], bytes[2], bytes[3]}};
  wire::Ipv6Address a;
  for (std::size_t i = 0; i < 16; ++i) a.octets[i] = bytes[i];
  return a;
}

bool ones_complement_sum_is_ffff(std::span<const std::uint8_t> bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    sum += std::uint32_t{bytes[i]} << 8 | (i + 1 < bytes.size() ? bytes[i + 1] : 0u);
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return sum == 0xFFFF;
}

bool within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer) {
  if (inner.empty()) return true;
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

void check_data_check(const DataCheck& check, std::span<const std::uint8_t> expected,
                      std::span<const std::uint8_t> actual) {
  FUZZ_CHECK(check.expected_length == expected.size());
  FUZZ_CHECK(check.actual_length == actual.size());
  const std::size_t common = std::min(expected.size(), actual.size());
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < common && !first; ++i) {
    if (expected[i] != actual[i]) first = i;
  }
  FUZZ_CHECK(check.has_wrong_byte == first.has_value());
  if (first) {
    FUZZ_CHECK(check.wrong_byte_index == *first);
    FUZZ_CHECK(check.expected_byte == expected[*first] && check.actual_byte == actual[*first]);
  }
  FUZZ_CHECK(check.matches() == (!first && expected.size() == actual.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kPrefix) return 0;
  const std::uint8_t mode = data[0];
  const unsigned shape = mode & 0x03u;
  const wire::IpFamily family =
      shape != 0 && (mode & 0x04) ? wire::IpFamily::kIpv6 : wire::IpFamily::kIpv4;

  std::vector<std::uint8_t> payload;
  if (data[5] == 0) {
    payload.assign(kDefaultPayloadText.begin(), kDefaultPayloadText.end());
  } else {
    for (unsigned i = 0; i < (data[5] & 0x7Fu); ++i)
      payload.push_back(static_cast<std::uint8_t>(i));
  }
  const EchoExpectation expect{address_of(family, data + 6),
                               static_cast<std::uint16_t>(data[1] << 8 | data[2]), payload};
  const wire::IpAddress from = address_of(family, data + 22);

  PingStatistics stats;
  const std::size_t sent =
      ((std::size_t{data[3]} << 8 | data[4]) % 4096) + ((mode & 0x10) ? 65536 : 0);
  for (std::size_t i = 0; i < sent; ++i) stats.record_transmit(static_cast<std::uint16_t>(i));
  if (mode & 0x08) {
    for (std::size_t i = 0; i < sent && i < 65536; i += 2) {
      stats.record_reply(static_cast<std::uint16_t>(i), std::chrono::nanoseconds{1000});
    }
  }

  // The bytes read, in a buffer of their own so that ASan sees its ends.
  const std::vector<std::uint8_t> bytes(data + kPrefix, data + size);
  const std::span<const std::uint8_t> read(bytes);

  ReplyMatch m;
  std::span<const std::uint8_t> message = read;  // the ICMP message, for shapes 0 and 1
  switch (shape) {
    case 0:
      m = match_ipv4_datagram(read, expect, stats);
      if (const auto ip = wire::Ipv4Packet::parse(read)) {
        FUZZ_CHECK(m.from == wire::IpAddress{ip->source()});
        message = ip->payload();
      } else {
        FUZZ_CHECK(m.verdict == ReplyVerdict::kMalformed);
      }
      break;
    case 1:
      m = match_icmp_message(read, from, expect, stats);
      FUZZ_CHECK(m.from == from);
      if (bytes.size() < 8) FUZZ_CHECK(m.verdict == ReplyVerdict::kMalformed);
      break;
    case 2: {
      if (bytes.size() < 8) return 0;
      const QueuedError error{wire::IcmpType::from_wire(family, bytes[0]), bytes[1],
                              std::uint32_t{bytes[4]} << 24 | std::uint32_t{bytes[5]} << 16 |
                                  std::uint32_t{bytes[6]} << 8 | bytes[7],
                              from};
      m = match_queued_error(error, read.subspan(8), expect, stats);
      FUZZ_CHECK(m.verdict == ReplyVerdict::kIcmpError || m.verdict == ReplyVerdict::kNotOurs ||
                 m.verdict == ReplyVerdict::kMalformed);
      FUZZ_CHECK(m.data.empty());
      break;
    }
    default: {
      const auto sequence = request_sequence(family, read);
      FUZZ_CHECK(sequence.has_value() == (bytes.size() >= 8));
      if (sequence) FUZZ_CHECK(*sequence == (bytes[6] << 8 | bytes[7]));
      return 0;
    }
  }

  FUZZ_CHECK(reply_verdict_name(m.verdict) != "unknown");
  FUZZ_CHECK(within(m.data, read));
  FUZZ_CHECK(within(message, read));

  // An Echo Reply gets the verdict iputils would give it, computed here.
  const std::uint8_t reply_type = family == wire::IpFamily::kIpv4 ? 0 : 129;
  const auto ip = wire::Ipv4Packet::parse(read);
  const bool icmp = shape == 1 || (ip && ip->protocol() == wire::kIpProtocolIcmp);
  if (icmp && message.size() >= 8 && message[0] == reply_type) {
    const auto identifier = static_cast<std::uint16_t>(message[4] << 8 | message[5]);
    const auto sequence = static_cast<std::uint16_t>(message[6] << 8 | message[7]);
    const auto data_sent = compare_data(payload, message.subspan(8));
    ReplyVerdict expected = ReplyVerdict::kNotOurs;
    if (identifier == expect.identifier && stats.was_sent(sequence)) {
      if (family == wire::IpFamily::kIpv4 && !ones_complement_sum_is_ffff(message)) {
        expected = ReplyVerdict::kBadChecksum;
      } else if (stats.has_reply(sequence)) {
        expected = ReplyVerdict::kDuplicate;
      } else {
        expected = data_sent.matches() ? ReplyVerdict::kReply : ReplyVerdict::kWrongData;
      }
      FUZZ_CHECK(m.from_other_address ==
                 (m.from != expect.target && !expect.target.is_multicast()));
    }
    FUZZ_CHECK(m.verdict == expected);
  }
  switch (m.verdict) {
    case ReplyVerdict::kReply:
    case ReplyVerdict::kWrongData:
    case ReplyVerdict::kDuplicate:
    case ReplyVerdict::kBadChecksum:
      FUZZ_CHECK(m.icmp_type.is_echo_reply() && m.icmp_type.family() == family);
      FUZZ_CHECK(m.data.data() == message.data() + 8 && m.data.size() == message.size() - 8);
      FUZZ_CHECK(m.identifier == expect.identifier && stats.was_sent(m.sequence));
      check_data_check(m.data_check, payload, m.data);
      FUZZ_CHECK(!m.from_other_address || m.from != expect.target);
      break;
    case ReplyVerdict::kIcmpError:
      FUZZ_CHECK(m.identifier == expect.identifier && stats.was_sent(m.sequence));
      FUZZ_CHECK(m.data.empty());
      break;
    case ReplyVerdict::kNotOurs:
    case ReplyVerdict::kMalformed:
      break;
  }
  if (m.verdict == ReplyVerdict::kReply) FUZZ_CHECK(m.data_check.matches());
  if (m.verdict == ReplyVerdict::kWrongData) FUZZ_CHECK(!m.data_check.matches());
  if (m.verdict == ReplyVerdict::kReply || m.verdict == ReplyVerdict::kWrongData) {
    FUZZ_CHECK(!stats.has_reply(m.sequence));
  }
  if (m.verdict == ReplyVerdict::kDuplicate) FUZZ_CHECK(stats.has_reply(m.sequence));
  if (m.verdict == ReplyVerdict::kBadChecksum) FUZZ_CHECK(family == wire::IpFamily::kIpv4);
  // Over IPv4 the checksum covers the message alone, and a reply that
  // counts has one that verifies.
  if (family == wire::IpFamily::kIpv4 &&
      (m.verdict == ReplyVerdict::kReply || m.verdict == ReplyVerdict::kWrongData ||
       m.verdict == ReplyVerdict::kDuplicate)) {
    FUZZ_CHECK(ones_complement_sum_is_ffff(message));
  }
  const auto data_check = compare_data(payload, m.data);
  check_data_check(data_check, payload, m.data);
  return 0;
}
