// pinger's reply matching, on datagrams captured with tcpdump: an echo
// reply from the kernel on lo, and a Time Exceeded and a Destination
// Unreachable that a namespace router sent back. Each test damages a copy
// the way a broken or hostile network would.
#include "reply_match.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "packets.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::client {
namespace {

using test::from_hex;
using wire::Ipv4Address;

// `pinger -c 1 127.0.0.1`, the kernel's reply as `tcpdump -x -i lo` showed
// it: 127.0.0.1 -> 127.0.0.1, echo reply, id 0x745a, seq 0,
// "hello from client".
constexpr std::string_view kReplyHex =
    "4500 002d d910 0000 4001 a3bd 7f00 0001 7f00 0001 0000 0b98 745a 0000 6865 6c6c "
    "6f20 6672 6f6d 2063 6c69 656e 74";
constexpr std::uint16_t kReplyId = 0x745a;
constexpr Ipv4Address kLoopback{{127, 0, 0, 1}};

// `pinger -t 1 10.112.98.1` through a namespace router 10.112.99.3: Time
// Exceeded in transit, quoting the request (id 0x74cc, seq 0).
constexpr std::string_view kTimeExceededHex =
    "45c0 0049 775a 0000 4001 27b5 0a70 6303 0a70 6302 0b00 f4ff 0000 0000 4500 002d "
    "ad54 4000 0101 f298 0a70 6302 0a70 6201 0800 0326 74cc 0000 6865 6c6c 6f20 6672 "
    "6f6d 2063 6c69 656e 74";
constexpr std::uint16_t kTimeExceededId = 0x74cc;
constexpr Ipv4Address kRouter{{10, 112, 99, 3}};
constexpr Ipv4Address kBeyondRouter{{10, 112, 98, 1}};

// `pinger 10.112.97.1`, which the router has an unreachable route for:
// Destination Unreachable, host unreachable (code 1), quoting id 0x74cd
// seq 0.
constexpr std::string_view kHostUnreachableHex =
    "45c0 0049 7777 0000 4001 2798 0a70 6303 0a70 6302 0301 fcfe 0000 0000 4500 002d "
    "9443 4000 4001 cda9 0a70 6302 0a70 6101 0800 0325 74cd 0000 6865 6c6c 6f20 6672 "
    "6f6d 2063 6c69 656e 74";
constexpr std::uint16_t kHostUnreachableId = 0x74cd;
constexpr Ipv4Address kUnreachableHost{{10, 112, 97, 1}};

constexpr std::string_view kPayloadText = "hello from client";
std::span<const std::uint8_t> payload() {
  return {reinterpret_cast<const std::uint8_t*>(kPayloadText.data()), kPayloadText.size()};
}

EchoExpectation expect(Ipv4Address target, std::uint16_t id) {
  return {target, id, payload()};
}

PingStatistics sent(std::uint16_t count) {
  PingStatistics stats;
  for (std::uint16_t seq = 0; seq < count; ++seq) stats.record_transmit(seq);
  return stats;
}

// The ICMP message inside a datagram from the captures (20-byte header).
std::span<std::uint8_t> icmp_of(std::vector<std::uint8_t>& datagram) {
  return std::span<std::uint8_t>(datagram).subspan(20);
}

void refill_icmp_checksum(std::vector<std::uint8_t>& datagram) {
  auto icmp = wire::Icmpv4PacketMut::parse(icmp_of(datagram));
  ASSERT_TRUE(icmp.has_value());
  icmp->fill_checksum();
}

// Cuts `n` bytes off the end, fixing the IP total length and header
// checksum (but not the ICMP checksum).
void drop_tail(std::vector<std::uint8_t>& datagram, std::size_t n) {
  datagram.erase(datagram.end() - static_cast<std::ptrdiff_t>(n), datagram.end());
  wire::store_be16(std::span<std::uint8_t>(datagram).subspan<2, 2>(),
                   static_cast<std::uint16_t>(datagram.size()));
  auto ip = wire::Ipv4PacketMut::parse(std::span<std::uint8_t>(datagram));
  ASSERT_TRUE(ip.has_value());
  ip->fill_header_checksum();
}

TEST(ReplyMatch, TheCapturedReplyIsOurs) {
  const auto datagram = from_hex(kReplyHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kReply) << reply_verdict_name(m.verdict);
  EXPECT_EQ(m.from, kLoopback);
  EXPECT_EQ(m.icmp_type, 0);
  EXPECT_EQ(m.identifier, kReplyId);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(m.data.data()), m.data.size()),
            kPayloadText);
  EXPECT_TRUE(m.data_check.matches());
  EXPECT_FALSE(m.from_other_address);
}

TEST(ReplyMatch, ADatagramSocketHandsOverTheIcmpMessageAlone) {
  auto datagram = from_hex(kReplyHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m =
      match_icmp_message(icmp_of(datagram), kLoopback, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kReply);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(m.data.size(), kPayloadText.size());
}

TEST(ReplyMatch, ASecondReplyIsADuplicate) {
  const auto datagram = from_hex(kReplyHex);
  PingStatistics stats = sent(1);
  stats.record_reply(0, std::chrono::microseconds{50});
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kDuplicate);
  EXPECT_TRUE(m.data_check.matches());
}

TEST(ReplyMatch, ABadChecksumIsReportedNotCounted) {
  auto datagram = from_hex(kReplyHex);
  datagram[22] ^= 0x01;  // the ICMP checksum's high byte
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kBadChecksum);
  EXPECT_EQ(m.sequence, 0);
}

TEST(ReplyMatch, DataCorruptedOnTheWayFailsTheChecksum) {
  // A flipped data byte with the checksum as the sender computed it.
  auto datagram = from_hex(kReplyHex);
  datagram[28 + 4] ^= 0xff;  // data byte #4, 'o'
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kBadChecksum);
  EXPECT_TRUE(m.data_check.has_wrong_byte);
  EXPECT_EQ(m.data_check.wrong_byte_index, 4u);
}

TEST(ReplyMatch, WrongDataByteWithAGoodChecksum) {
  // A responder that changed byte #3 and then checksummed its own damage.
  auto datagram = from_hex(kReplyHex);
  datagram[28 + 3] ^= 0xff;
  refill_icmp_checksum(datagram);
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kWrongData);
  ASSERT_TRUE(m.data_check.has_wrong_byte);
  EXPECT_EQ(m.data_check.wrong_byte_index, 3u);
  EXPECT_EQ(m.data_check.expected_byte, 0x6c);  // 'l'
  EXPECT_EQ(m.data_check.actual_byte, 0x93);
}

TEST(ReplyMatch, WrongDataInADuplicateIsStillADuplicate) {
  auto datagram = from_hex(kReplyHex);
  datagram[28 + 16] ^= 0x01;  // the last byte
  refill_icmp_checksum(datagram);
  PingStatistics stats = sent(1);
  stats.record_reply(0, std::chrono::microseconds{50});
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kDuplicate);
  ASSERT_TRUE(m.data_check.has_wrong_byte);
  EXPECT_EQ(m.data_check.wrong_byte_index, 16u);
}

TEST(ReplyMatch, ShortenedDataIsWrongData) {
  auto datagram = from_hex(kReplyHex);
  drop_tail(datagram, 5);
  refill_icmp_checksum(datagram);
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kWrongData);
  EXPECT_FALSE(m.data_check.has_wrong_byte);
  EXPECT_EQ(m.data_check.expected_length, 17u);
  EXPECT_EQ(m.data_check.actual_length, 12u);
}

TEST(ReplyMatch, AnotherIdentifierIsNotOurs) {
  const auto datagram = from_hex(kReplyHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kLoopback, kReplyId + 1), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kNotOurs);
}

TEST(ReplyMatch, ASequenceNeverSentIsNotOurs) {
  const auto datagram = from_hex(kReplyHex);
  const PingStatistics nothing_sent;
  EXPECT_EQ(match_ipv4_datagram(datagram, expect(kLoopback, kReplyId), nothing_sent).verdict,
            ReplyVerdict::kNotOurs);
  auto later = from_hex(kReplyHex);
  later[27] = 5;  // seq 5 of 1 sent
  refill_icmp_checksum(later);
  EXPECT_EQ(match_ipv4_datagram(later, expect(kLoopback, kReplyId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  EXPECT_EQ(match_ipv4_datagram(later, expect(kLoopback, kReplyId), sent(6)).verdict,
            ReplyVerdict::kReply);
}

TEST(ReplyMatch, AReplyFromAnotherAddressIsFlagged) {
  const auto datagram = from_hex(kReplyHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(Ipv4Address{{10, 0, 0, 1}}, kReplyId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kReply);
  EXPECT_TRUE(m.from_other_address);
  EXPECT_EQ(m.from, kLoopback);
}

TEST(ReplyMatch, AnEchoRequestOrOtherTypeIsNotOurs) {
  auto request = from_hex(kReplyHex);
  request[20] = 8;
  refill_icmp_checksum(request);
  EXPECT_EQ(match_ipv4_datagram(request, expect(kLoopback, kReplyId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  auto timestamp_reply = from_hex(kReplyHex);
  timestamp_reply[20] = 14;
  refill_icmp_checksum(timestamp_reply);
  EXPECT_EQ(match_ipv4_datagram(timestamp_reply, expect(kLoopback, kReplyId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
}

TEST(ReplyMatch, NonIcmpAndNonIpv4) {
  auto udp = from_hex(kReplyHex);
  udp[9] = 17;
  EXPECT_EQ(match_ipv4_datagram(udp, expect(kLoopback, kReplyId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  auto v6 = from_hex(kReplyHex);
  v6[0] = 0x65;
  EXPECT_EQ(match_ipv4_datagram(v6, expect(kLoopback, kReplyId), sent(1)).verdict,
            ReplyVerdict::kMalformed);
}

TEST(ReplyMatch, TimeExceededNamesTheSequenceItQuotes) {
  const auto datagram = from_hex(kTimeExceededHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m = match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError) << reply_verdict_name(m.verdict);
  EXPECT_EQ(m.from, kRouter);
  EXPECT_EQ(m.icmp_type, 11);
  EXPECT_EQ(m.icmp_code, 0);
  EXPECT_EQ(m.identifier, kTimeExceededId);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_TRUE(m.data.empty());
}

TEST(ReplyMatch, HostUnreachableNamesTheSequenceItQuotes) {
  const auto datagram = from_hex(kHostUnreachableHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(kUnreachableHost, kHostUnreachableId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.icmp_type, 3);
  EXPECT_EQ(m.icmp_code, 1);
  EXPECT_EQ(m.sequence, 0);
}

TEST(ReplyMatch, ParameterProblemIsAnErrorToo) {
  // The Time Exceeded capture retyped as Parameter Problem, pointer 1.
  auto datagram = from_hex(kTimeExceededHex);
  datagram[20] = 12;
  datagram[24] = 1;
  refill_icmp_checksum(datagram);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.icmp_type, 12);
  EXPECT_EQ(m.sequence, 0);
  // Redirect and Source Quench quote a datagram too, but are not errors
  // about our request (and ICMP_FILTER keeps them out anyway).
  for (const std::uint8_t type : std::initializer_list<std::uint8_t>{4, 5}) {
    datagram[20] = type;
    refill_icmp_checksum(datagram);
    EXPECT_EQ(
        match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1)).verdict,
        ReplyVerdict::kNotOurs);
  }
}

TEST(ReplyMatch, AnErrorAboutSomeoneElsesPacketIsNotOurs) {
  const auto datagram = from_hex(kTimeExceededHex);
  // Another identifier, another destination, a sequence never sent.
  EXPECT_EQ(
      match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId + 1), sent(1)).verdict,
      ReplyVerdict::kNotOurs);
  EXPECT_EQ(match_ipv4_datagram(datagram, expect(kRouter, kTimeExceededId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  EXPECT_EQ(match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), PingStatistics{})
                .verdict,
            ReplyVerdict::kNotOurs);
  // A quoted UDP datagram, or a quoted echo reply rather than request.
  auto udp = from_hex(kTimeExceededHex);
  udp[28 + 9] = 17;
  refill_icmp_checksum(udp);
  EXPECT_EQ(match_ipv4_datagram(udp, expect(kBeyondRouter, kTimeExceededId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  auto quoted_reply = from_hex(kTimeExceededHex);
  quoted_reply[48] = 0;
  refill_icmp_checksum(quoted_reply);
  EXPECT_EQ(
      match_ipv4_datagram(quoted_reply, expect(kBeyondRouter, kTimeExceededId), sent(1)).verdict,
      ReplyVerdict::kNotOurs);
}

TEST(ReplyMatch, AnErrorWithABadChecksumIsNotTrusted) {
  auto datagram = from_hex(kTimeExceededHex);
  datagram[23] ^= 0x10;
  EXPECT_EQ(match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1)).verdict,
            ReplyVerdict::kMalformed);
}

TEST(ReplyMatch, AQuotedHeaderWithOptionsIsSkippedByItsLength) {
  // Rebuild the Time Exceeded with 4 bytes of options (NOP NOP NOP EOL) in
  // the quoted header: IHL 6.
  auto datagram = from_hex(kTimeExceededHex);
  const std::size_t quoted = 28;
  datagram[quoted] = 0x46;
  const std::vector<std::uint8_t> options{1, 1, 1, 0};
  datagram.insert(datagram.begin() + static_cast<std::ptrdiff_t>(quoted + 20), options.begin(),
                  options.end());
  wire::store_be16(std::span<std::uint8_t>(datagram).subspan<2, 2>(),
                   static_cast<std::uint16_t>(datagram.size()));
  refill_icmp_checksum(datagram);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.sequence, 0);
}

TEST(ReplyMatch, QuotedHeadersThatLieAreRefused) {
  const std::size_t quoted = 28;
  for (const std::uint8_t version_ihl :
       std::initializer_list<std::uint8_t>{0x44, 0x4f, 0x55, 0x00}) {
    auto datagram = from_hex(kTimeExceededHex);
    datagram[quoted] = version_ihl;
    refill_icmp_checksum(datagram);
    const ReplyMatch m =
        match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1));
    EXPECT_NE(m.verdict, ReplyVerdict::kIcmpError) << int{version_ihl};
  }
}

TEST(ReplyMatch, QueuedErrorsFromADatagramSocket) {
  // What recvmsg(MSG_ERRQUEUE) reads: our request's ICMP header and data
  // as the error quoted it; type, code and sender come in the control
  // message.
  const auto error = from_hex(kTimeExceededHex);
  const auto quoted = std::span<const std::uint8_t>(error).subspan(48);
  const ReplyMatch m =
      match_queued_error(11, 0, kRouter, quoted, expect(kBeyondRouter, kTimeExceededId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.from, kRouter);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(m.icmp_type, 11);
  // A redirect is not an error about our request; another id is not ours.
  EXPECT_EQ(
      match_queued_error(5, 1, kRouter, quoted, expect(kBeyondRouter, kTimeExceededId), sent(1))
          .verdict,
      ReplyVerdict::kNotOurs);
  EXPECT_EQ(match_queued_error(3, 1, kRouter, quoted, expect(kBeyondRouter, 1), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
}

TEST(ReplyMatch, EveryTruncationOfAReplyIsSafe) {
  const auto full = from_hex(kReplyHex);
  const PingStatistics stats = sent(1);
  const auto e = expect(kLoopback, kReplyId);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::span<const std::uint8_t> cut(full.data(), n);
    // The IP total length says 45: any shorter read is malformed.
    EXPECT_EQ(match_ipv4_datagram(cut, e, stats).verdict, ReplyVerdict::kMalformed) << n;
    if (n < 20) continue;
    const ReplyMatch icmp = match_icmp_message(cut.subspan(20), kLoopback, e, stats);
    if (n < 28) {
      EXPECT_EQ(icmp.verdict, ReplyVerdict::kMalformed) << n;
    } else {
      // Identifier and sequence are there, the data is cut short: never
      // a good reply.
      EXPECT_NE(icmp.verdict, ReplyVerdict::kReply) << n;
      EXPECT_FALSE(icmp.data_check.matches()) << n;
      EXPECT_EQ(icmp.data.size(), n - 28) << n;
    }
  }
}

TEST(ReplyMatch, EveryTruncationOfAnErrorIsSafe) {
  const auto full = from_hex(kTimeExceededHex);
  const PingStatistics stats = sent(1);
  const auto e = expect(kBeyondRouter, kTimeExceededId);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::span<const std::uint8_t> cut(full.data(), n);
    EXPECT_EQ(match_ipv4_datagram(cut, e, stats).verdict, ReplyVerdict::kMalformed) << n;
    if (n < 20) continue;
    // Without the IP layer's length check: the error's own checksum no
    // longer holds, so nothing is trusted.
    EXPECT_NE(match_icmp_message(cut.subspan(20), kRouter, e, stats).verdict,
              ReplyVerdict::kIcmpError)
        << n;
  }
  // The quoted request as an error queue hands it over: the 8 header bytes
  // are what matter.
  const auto quoted = std::span<const std::uint8_t>(full).subspan(48);
  for (std::size_t n = 0; n <= quoted.size(); ++n) {
    const ReplyMatch m = match_queued_error(11, 0, kRouter, quoted.first(n), e, stats);
    EXPECT_EQ(m.verdict, n < 8 ? ReplyVerdict::kMalformed : ReplyVerdict::kIcmpError) << n;
  }
}

TEST(ReplyMatch, RandomBytesNeverCrash) {
  // Seeded noise, some of it dressed as IPv4/ICMP so that it gets past the
  // first checks. Run under the sanitizers (PONG_SANITIZE) to make any
  // out-of-bounds read fatal.
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 120);
  const PingStatistics stats = sent(3);
  const auto e = expect(kLoopback, kReplyId);
  std::size_t ours = 0;
  for (int i = 0; i < 200000; ++i) {
    std::vector<std::uint8_t> bytes(length(rng));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(byte(rng));
    if (bytes.size() >= 20 && i % 2 == 0) {
      bytes[0] = static_cast<std::uint8_t>(0x45 + (i % 4));
      wire::store_be16(std::span<std::uint8_t>(bytes).subspan<2, 2>(),
                       static_cast<std::uint16_t>(bytes.size()));
      bytes[9] = 1;
      if (bytes.size() > 24) bytes[20] = static_cast<std::uint8_t>(i % 3 == 0 ? 0 : 11);
    }
    const ReplyMatch a = match_ipv4_datagram(bytes, e, stats);
    const ReplyMatch b = match_icmp_message(bytes, kLoopback, e, stats);
    const ReplyMatch c = match_queued_error(3, 1, kLoopback, bytes, e, stats);
    for (const ReplyMatch* m : {&a, &b, &c}) {
      if (m->verdict != ReplyVerdict::kNotOurs && m->verdict != ReplyVerdict::kMalformed) ++ours;
      EXPECT_LE(m->data.size(), bytes.size());
    }
  }
  // Noise is almost never taken for one of our replies.
  EXPECT_LT(ours, 200u);
}

TEST(CompareData, FindsTheFirstDifference) {
  const std::vector<std::uint8_t> sent_bytes{1, 2, 3, 4};
  EXPECT_TRUE(compare_data(sent_bytes, sent_bytes).matches());
  const std::vector<std::uint8_t> two_wrong{1, 9, 3, 8};
  const DataCheck c = compare_data(sent_bytes, two_wrong);
  EXPECT_FALSE(c.matches());
  EXPECT_TRUE(c.has_wrong_byte);
  EXPECT_EQ(c.wrong_byte_index, 1u);
  EXPECT_EQ(c.expected_byte, 2);
  EXPECT_EQ(c.actual_byte, 9);
  const std::vector<std::uint8_t> longer{1, 2, 3, 4, 5};
  const DataCheck l = compare_data(sent_bytes, longer);
  EXPECT_FALSE(l.matches());
  EXPECT_FALSE(l.has_wrong_byte);
  EXPECT_EQ(l.actual_length, 5u);
  EXPECT_TRUE(compare_data({}, {}).matches());
}

TEST(ReplyVerdictName, EveryVerdictHasOne) {
  for (const auto v : {ReplyVerdict::kReply, ReplyVerdict::kWrongData, ReplyVerdict::kDuplicate,
                       ReplyVerdict::kBadChecksum, ReplyVerdict::kIcmpError, ReplyVerdict::kNotOurs,
                       ReplyVerdict::kMalformed}) {
    EXPECT_NE(reply_verdict_name(v), "unknown");
  }
}

}  // namespace
}  // namespace pong::client
