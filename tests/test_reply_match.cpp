// pinger's reply matching, on packets captured with tcpdump: for IPv4 an
// echo reply from the kernel on lo, and a Time Exceeded and a Destination
// Unreachable that a namespace router sent back; for IPv6 pong's echo
// reply and a namespace router's Destination Unreachable (three codes),
// Time Exceeded and Packet Too Big. Each test damages a copy the way a
// broken or hostile network would.
#include "reply_match.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "packets.hpp"
#include "payload.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::client {
namespace {

using test::from_hex;
using wire::Icmpv4Type;
using wire::Icmpv6Type;
using wire::IpAddress;
using wire::Ipv4Address;
using wire::Ipv6Address;

constexpr std::uint8_t byte_of(Icmpv4Type type) {
  return std::to_underlying(type);
}
constexpr std::uint8_t byte_of(Icmpv6Type type) {
  return std::to_underlying(type);
}

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

EchoExpectation expect(IpAddress target, std::uint16_t id) {
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
  EXPECT_EQ(m.icmp_type, Icmpv4Type::kEchoReply);
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
  request[20] = byte_of(Icmpv4Type::kEchoRequest);
  refill_icmp_checksum(request);
  EXPECT_EQ(match_ipv4_datagram(request, expect(kLoopback, kReplyId), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  auto timestamp_reply = from_hex(kReplyHex);
  timestamp_reply[20] = byte_of(Icmpv4Type::kTimestampReply);
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
  EXPECT_EQ(m.icmp_type, Icmpv4Type::kTimeExceeded);
  EXPECT_EQ(m.icmp_code, 0);
  EXPECT_EQ(m.identifier, kTimeExceededId);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_TRUE(m.data.empty());
  EXPECT_EQ(m.detail, ErrorDetail{});
}

TEST(ReplyMatch, HostUnreachableNamesTheSequenceItQuotes) {
  const auto datagram = from_hex(kHostUnreachableHex);
  const PingStatistics stats = sent(1);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(kUnreachableHost, kHostUnreachableId), stats);
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.icmp_type, Icmpv4Type::kDestinationUnreachable);
  EXPECT_EQ(m.icmp_code, 1);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(m.detail, ErrorDetail{});
}

TEST(ReplyMatch, FragmentationNeededCarriesTheNextHopMtu) {
  // The host unreachable capture as code 4 with RFC 1191's next-hop MTU
  // 1400 (0x0578) in the low 16 bits of the second word.
  auto datagram = from_hex(kHostUnreachableHex);
  datagram[21] = 4;
  datagram[26] = 0x05;
  datagram[27] = 0x78;
  refill_icmp_checksum(datagram);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(kUnreachableHost, kHostUnreachableId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.detail, (ErrorDetail{ErrorDetailKind::kMtu, 1400}));
  // RFC 1191 4: a router that predates it leaves the field zero.
  datagram[26] = datagram[27] = 0;
  refill_icmp_checksum(datagram);
  EXPECT_EQ(
      match_ipv4_datagram(datagram, expect(kUnreachableHost, kHostUnreachableId), sent(1)).detail,
      ErrorDetail{});
}

TEST(ReplyMatch, ParameterProblemIsAnErrorToo) {
  // The Time Exceeded capture retyped as Parameter Problem, pointer 1.
  auto datagram = from_hex(kTimeExceededHex);
  datagram[20] = byte_of(Icmpv4Type::kParameterProblem);
  datagram[24] = 1;
  refill_icmp_checksum(datagram);
  const ReplyMatch m =
      match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.icmp_type, Icmpv4Type::kParameterProblem);
  EXPECT_EQ(m.sequence, 0);
  // RFC 792: with code 0 the pointer is the first byte after the checksum.
  EXPECT_EQ(m.detail, (ErrorDetail{ErrorDetailKind::kPointer, 1}));
  // Code 2 (bad length) has none.
  datagram[21] = 2;
  refill_icmp_checksum(datagram);
  EXPECT_EQ(match_ipv4_datagram(datagram, expect(kBeyondRouter, kTimeExceededId), sent(1)).detail,
            ErrorDetail{});
  // Redirect and Source Quench quote a datagram too, but are not errors
  // about our request (and ICMP_FILTER keeps them out anyway).
  for (const Icmpv4Type type : {Icmpv4Type::kSourceQuench, Icmpv4Type::kRedirect}) {
    datagram[20] = byte_of(type);
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
  quoted_reply[48] = byte_of(Icmpv4Type::kEchoReply);
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
  const ReplyMatch m = match_queued_error({Icmpv4Type::kTimeExceeded, 0, 0, kRouter}, quoted,
                                          expect(kBeyondRouter, kTimeExceededId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.from, kRouter);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(m.icmp_type, Icmpv4Type::kTimeExceeded);
  // A redirect is not an error about our request; another id is not ours.
  EXPECT_EQ(match_queued_error({Icmpv4Type::kRedirect, 1, 0, kRouter}, quoted,
                               expect(kBeyondRouter, kTimeExceededId), sent(1))
                .verdict,
            ReplyVerdict::kNotOurs);
  EXPECT_EQ(match_queued_error({Icmpv4Type::kDestinationUnreachable, 1, 0, kRouter}, quoted,
                               expect(kBeyondRouter, 1), sent(1))
                .verdict,
            ReplyVerdict::kNotOurs);
  // ee_info is the pointer the kernel took out of a Parameter Problem.
  EXPECT_EQ(match_queued_error({Icmpv4Type::kParameterProblem, 0, 20, kRouter}, quoted,
                               expect(kBeyondRouter, kTimeExceededId), sent(1))
                .detail,
            (ErrorDetail{ErrorDetailKind::kPointer, 20}));
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
    const ReplyMatch m =
        match_queued_error({Icmpv4Type::kTimeExceeded, 0, 0, kRouter}, quoted.first(n), e, stats);
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
      if (bytes.size() > 24) {
        bytes[20] = byte_of(i % 3 == 0 ? Icmpv4Type::kEchoReply : Icmpv4Type::kTimeExceeded);
      }
    }
    const ReplyMatch a = match_ipv4_datagram(bytes, e, stats);
    const ReplyMatch b = match_icmp_message(bytes, kLoopback, e, stats);
    const ReplyMatch c =
        match_queued_error({Icmpv4Type::kDestinationUnreachable, 1, 0, kLoopback}, bytes, e, stats);
    for (const ReplyMatch* m : {&a, &b, &c}) {
      if (m->verdict != ReplyVerdict::kNotOurs && m->verdict != ReplyVerdict::kMalformed) ++ours;
      EXPECT_LE(m->data.size(), bytes.size());
    }
  }
  // Noise is almost never taken for one of our replies.
  EXPECT_LT(ours, 200u);
}

// ---------------------------------------------------------------------------
// IPv6. A raw ICMPv6 socket and both families' datagram sockets read the
// ICMPv6 message alone (RFC 3542 3), with the sender in msg_name: the
// tests hand match_icmp_message the capture minus its 40-byte IPv6 header.

// The addresses of `netns_create ... 10.112.5`: client fd00:10:112:5::2,
// server (pong, and the router for the errors) fd00:10:112:5::3.
constexpr Ipv6Address ula(std::uint16_t subnet, std::uint16_t host) {
  return {{0xfd, 0x00, 0x00, 0x10, 0x01, 0x12, static_cast<std::uint8_t>(subnet >> 8),
           static_cast<std::uint8_t>(subnet), 0, 0, 0, 0, 0, 0,
           static_cast<std::uint8_t>(host >> 8), static_cast<std::uint8_t>(host)}};
}
constexpr Ipv6Address kServer6 = ula(0x5, 0x3);

// `pinger --socket raw -c 1 fd00:10:112:5::3` with pong answering, pong's
// reply as `tcpdump -x -i eth0` showed it in the client namespace: id
// 0x2883 (10371), seq 0, "hello from client".
constexpr std::string_view kIpv6ReplyHex =
    "600c ffd6 0019 3a40 fd00 0010 0112 0005 0000 0000 0000 0003 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 8100 d9c6 2883 0000 6865 6c6c 6f20 6672 6f6d 2063 6c69 656e "
    "74";
constexpr std::uint16_t kIpv6ReplyId = 0x2883;

// The server namespace forwards, with an `unreachable` route for
// fd00:10:112:40::/64, a `prohibit` route for :41::/64, and :30::/64 on a
// veth whose far end answers no neighbor solicitation (MTU 1280). Each
// error quotes our request: IPv6 header, then the ICMPv6 echo request.
//
// `pinger fd00:10:112:40::1`: Destination Unreachable code 0, "no route
// to destination", id 0x2884 seq 0.
constexpr std::string_view kNoRouteHex =
    "6000 19d7 0049 3a40 fd00 0010 0112 0005 0000 0000 0000 0003 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 0100 1656 0000 0000 600f 51bc 0019 3a40 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 fd00 0010 0112 0040 0000 0000 0000 0001 8000 da8c 2884 0000 "
    "6865 6c6c 6f20 6672 6f6d 2063 6c69 656e 74";
// `pinger fd00:10:112:41::1`: code 1, "communication with destination
// administratively prohibited", id 0x2885.
constexpr std::string_view kProhibitedHex =
    "6004 9d26 0049 3a40 fd00 0010 0112 0005 0000 0000 0000 0003 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 0101 6463 0000 0000 6007 03b6 0019 3a40 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 fd00 0010 0112 0041 0000 0000 0000 0001 8000 da8a 2885 0000 "
    "6865 6c6c 6f20 6672 6f6d 2063 6c69 656e 74";
// `pinger fd00:10:112:30::1`: code 3, "address unreachable" once neighbor
// discovery gave up, id 0x2886. The quoted hop limit is 63: the router
// had already decremented it.
constexpr std::string_view kAddressUnreachableHex =
    "6005 e8c9 0049 3a40 fd00 0010 0112 0005 0000 0000 0000 0003 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 0103 8486 0000 0000 6008 e390 0019 3a3f fd00 0010 0112 0005 "
    "0000 0000 0000 0002 fd00 0010 0112 0030 0000 0000 0000 0001 8000 da9a 2886 0000 "
    "6865 6c6c 6f20 6672 6f6d 2063 6c69 656e 74";
// `pinger -t 1 fd00:10:112:30::1`: Time Exceeded, hop limit exceeded in
// transit, id 0x2887 (the quoted hop limit is 1).
constexpr std::string_view kHopLimitHex =
    "6001 ccdf 0049 3a40 fd00 0010 0112 0005 0000 0000 0000 0003 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 0300 82c7 0000 0000 6008 e390 0019 3a01 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 fd00 0010 0112 0030 0000 0000 0000 0001 8000 da99 2887 0000 "
    "6865 6c6c 6f20 6672 6f6d 2063 6c69 656e 74";
// `pinger -s 1300 fd00:10:112:30::a`: Packet Too Big, MTU 1280 (0x500),
// id 0x2888. The capture is 1280 bytes; here are its first 96 (both
// headers and both ICMPv6 headers), and packet_too_big() appends the 1184
// quoted data bytes, "hello from client" repeated, as captured. The
// checksum 0x39f3 holds for the whole, which the test checks.
constexpr std::string_view kPacketTooBigHeadHex =
    "6002 3785 04d8 3a40 fd00 0010 0112 0005 0000 0000 0000 0003 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 0200 39f3 0000 0500 600c b1e6 051c 3a40 fd00 0010 0112 0005 "
    "0000 0000 0000 0002 fd00 0010 0112 0030 0000 0000 0000 000a 8000 a832 2888 0000";

std::vector<std::uint8_t> packet_too_big() {
  auto packet = from_hex(kPacketTooBigHeadHex);
  const auto data = fill_payload(payload(), 1184);
  packet.insert(packet.end(), data.begin(), data.end());
  return packet;
}

// An IPv6 capture's ICMPv6 message, as an ICMPv6 socket reads it.
std::span<std::uint8_t> icmpv6_of(std::vector<std::uint8_t>& packet) {
  return std::span<std::uint8_t>(packet).subspan(wire::kIpv6HeaderLength);
}

// After an edit: the checksum the sender would have computed, over the
// pseudo-header of the capture's own IPv6 header (RFC 4443 2.3).
void refill_icmpv6_checksum(std::vector<std::uint8_t>& packet) {
  const auto ip = wire::Ipv6Packet::parse(std::span<const std::uint8_t>(packet));
  ASSERT_TRUE(ip.has_value());
  auto icmp = wire::Icmpv6PacketMut::parse(icmpv6_of(packet));
  ASSERT_TRUE(icmp.has_value());
  icmp->fill_checksum(ip->pseudo_header_sum());
}

bool icmpv6_checksum_holds(const std::vector<std::uint8_t>& packet) {
  const auto ip = wire::Ipv6Packet::parse(std::span<const std::uint8_t>(packet));
  if (!ip) return false;
  const auto icmp = wire::Icmpv6Packet::parse(ip->payload());
  return icmp && icmp->checksum_valid(ip->pseudo_header_sum());
}

TEST(ReplyMatchIpv6, TheCapturesAreIntact) {
  for (const auto hex :
       {kIpv6ReplyHex, kNoRouteHex, kProhibitedHex, kAddressUnreachableHex, kHopLimitHex}) {
    EXPECT_TRUE(icmpv6_checksum_holds(from_hex(hex))) << hex;
  }
  EXPECT_TRUE(icmpv6_checksum_holds(packet_too_big()));
  EXPECT_EQ(packet_too_big().size(), 1280u);
}

TEST(ReplyMatchIpv6, PongsReplyIsOurs) {
  auto packet = from_hex(kIpv6ReplyHex);
  const ReplyMatch m =
      match_icmp_message(icmpv6_of(packet), kServer6, expect(kServer6, kIpv6ReplyId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kReply) << reply_verdict_name(m.verdict);
  EXPECT_EQ(m.from, kServer6);
  EXPECT_EQ(m.icmp_type, Icmpv6Type::kEchoReply);
  EXPECT_NE(m.icmp_type, Icmpv4Type::kEchoReply);  // the same name, not the same type
  EXPECT_EQ(m.identifier, kIpv6ReplyId);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(m.data.data()), m.data.size()),
            kPayloadText);
  EXPECT_TRUE(m.data_check.matches());
  EXPECT_FALSE(m.from_other_address);
}

TEST(ReplyMatchIpv6, ASecondReplyIsADuplicate) {
  auto packet = from_hex(kIpv6ReplyHex);
  PingStatistics stats = sent(1);
  stats.record_reply(0, std::chrono::microseconds{50});
  EXPECT_EQ(match_icmp_message(icmpv6_of(packet), kServer6, expect(kServer6, kIpv6ReplyId), stats)
                .verdict,
            ReplyVerdict::kDuplicate);
}

TEST(ReplyMatchIpv6, WrongDataByte) {
  auto packet = from_hex(kIpv6ReplyHex);
  packet[48 + 3] ^= 0xff;
  refill_icmpv6_checksum(packet);
  const ReplyMatch m =
      match_icmp_message(icmpv6_of(packet), kServer6, expect(kServer6, kIpv6ReplyId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kWrongData);
  ASSERT_TRUE(m.data_check.has_wrong_byte);
  EXPECT_EQ(m.data_check.wrong_byte_index, 3u);
  EXPECT_EQ(m.data_check.expected_byte, 0x6c);
  EXPECT_EQ(m.data_check.actual_byte, 0x93);
}

TEST(ReplyMatchIpv6, TheChecksumIsTheKernelsToCheck) {
  // RFC 4443 2.3: the checksum covers a pseudo-header that no ICMPv6
  // socket hands over; the kernel drops a bad one before any socket sees
  // it (RFC 3542 3.1). So pinger never says BAD CHECKSUM for IPv6: a
  // damaged checksum in front of it is not its to judge.
  auto packet = from_hex(kIpv6ReplyHex);
  packet[42] ^= 0x01;
  ASSERT_FALSE(icmpv6_checksum_holds(packet));
  EXPECT_EQ(match_icmp_message(icmpv6_of(packet), kServer6, expect(kServer6, kIpv6ReplyId), sent(1))
                .verdict,
            ReplyVerdict::kReply);
}

TEST(ReplyMatchIpv6, AReplyFromAnotherAddressIsFlagged) {
  auto packet = from_hex(kIpv6ReplyHex);
  const Ipv6Address other = ula(0x5, 0x4);
  const ReplyMatch m =
      match_icmp_message(icmpv6_of(packet), other, expect(kServer6, kIpv6ReplyId), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kReply);
  EXPECT_TRUE(m.from_other_address);
  EXPECT_EQ(m.from, other);
}

TEST(ReplyMatchIpv6, RepliesToAMulticastPingComeFromUnicastAddresses) {
  // `pinger ff02::1%eth0`: each node answers from its own address (RFC
  // 4443 4.2), which is no DIFFERENT ADDRESS; a second node's reply to the
  // same request is a DUP!, as in iputils.
  auto packet = from_hex(kIpv6ReplyHex);
  constexpr Ipv6Address kAllNodes{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};
  PingStatistics stats = sent(1);
  const ReplyMatch first =
      match_icmp_message(icmpv6_of(packet), kServer6, expect(kAllNodes, kIpv6ReplyId), stats);
  EXPECT_EQ(first.verdict, ReplyVerdict::kReply);
  EXPECT_FALSE(first.from_other_address);
  stats.record_reply(0, std::chrono::microseconds{40});
  EXPECT_EQ(
      match_icmp_message(icmpv6_of(packet), ula(0x5, 0x7), expect(kAllNodes, kIpv6ReplyId), stats)
          .verdict,
      ReplyVerdict::kDuplicate);
  // The same for IPv4 (224.0.0.1, all systems).
  const auto v4 = from_hex(kReplyHex);
  EXPECT_FALSE(match_ipv4_datagram(v4, expect(Ipv4Address{{224, 0, 0, 1}}, kReplyId), sent(1))
                   .from_other_address);
}

TEST(ReplyMatchIpv6, WhatIsNotOurs) {
  auto packet = from_hex(kIpv6ReplyHex);
  const auto icmp = icmpv6_of(packet);
  EXPECT_EQ(match_icmp_message(icmp, kServer6, expect(kServer6, kIpv6ReplyId + 1), sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  EXPECT_EQ(
      match_icmp_message(icmp, kServer6, expect(kServer6, kIpv6ReplyId), PingStatistics{}).verdict,
      ReplyVerdict::kNotOurs);
  // ICMPv4's echo reply number, an echo request, a neighbor advertisement.
  for (const std::uint8_t type :
       {byte_of(Icmpv4Type::kEchoReply), byte_of(Icmpv6Type::kEchoRequest),
        byte_of(Icmpv6Type::kNeighborAdvertisement)}) {
    auto other = from_hex(kIpv6ReplyHex);
    other[40] = type;
    refill_icmpv6_checksum(other);
    EXPECT_EQ(
        match_icmp_message(icmpv6_of(other), kServer6, expect(kServer6, kIpv6ReplyId), sent(1))
            .verdict,
        ReplyVerdict::kNotOurs)
        << int{type};
  }
}

struct Ipv6ErrorCase {
  std::vector<std::uint8_t> packet;
  Ipv6Address target;
  std::uint16_t identifier;
  Icmpv6Type type;
  std::uint8_t code;
  ErrorDetail detail;
};

std::vector<Ipv6ErrorCase> captured_ipv6_errors() {
  using enum Icmpv6Type;
  return {
      {from_hex(kNoRouteHex), ula(0x40, 1), 0x2884, kDestinationUnreachable, 0, {}},
      {from_hex(kProhibitedHex), ula(0x41, 1), 0x2885, kDestinationUnreachable, 1, {}},
      {from_hex(kAddressUnreachableHex), ula(0x30, 1), 0x2886, kDestinationUnreachable, 3, {}},
      {from_hex(kHopLimitHex), ula(0x30, 1), 0x2887, kTimeExceeded, 0, {}},
      {packet_too_big(), ula(0x30, 0xa), 0x2888, kPacketTooBig, 0, {ErrorDetailKind::kMtu, 1280}},
  };
}

TEST(ReplyMatchIpv6, EachCapturedErrorNamesTheSequenceItQuotes) {
  for (auto& c : captured_ipv6_errors()) {
    const ReplyMatch m =
        match_icmp_message(icmpv6_of(c.packet), kServer6, expect(c.target, c.identifier), sent(1));
    SCOPED_TRACE(int{std::to_underlying(c.type)} * 100 + c.code);
    EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError) << reply_verdict_name(m.verdict);
    EXPECT_EQ(m.from, kServer6);
    EXPECT_EQ(m.icmp_type, c.type);
    EXPECT_EQ(m.icmp_code, c.code);
    EXPECT_EQ(m.identifier, c.identifier);
    EXPECT_EQ(m.sequence, 0);
    EXPECT_EQ(m.detail, c.detail);
    EXPECT_TRUE(m.data.empty());
  }
}

TEST(ReplyMatchIpv6, EveryDestinationUnreachableCodeIsAnError) {
  // RFC 4443 3.1 codes 0-6, on the no-route capture.
  for (std::uint8_t code = 0; code <= 6; ++code) {
    auto packet = from_hex(kNoRouteHex);
    packet[41] = code;
    refill_icmpv6_checksum(packet);
    const ReplyMatch m =
        match_icmp_message(icmpv6_of(packet), kServer6, expect(ula(0x40, 1), 0x2884), sent(1));
    EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError) << int{code};
    EXPECT_EQ(m.icmp_code, code);
  }
}

TEST(ReplyMatchIpv6, ParameterProblemCarriesItsPointer) {
  // The Time Exceeded capture as Parameter Problem code 0 with pointer 7
  // (the quoted hop limit), all 32 bits of it (RFC 4443 3.4).
  auto packet = from_hex(kHopLimitHex);
  packet[40] = byte_of(Icmpv6Type::kParameterProblem);
  packet[47] = 7;
  refill_icmpv6_checksum(packet);
  const ReplyMatch m =
      match_icmp_message(icmpv6_of(packet), kServer6, expect(ula(0x30, 1), 0x2887), sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.icmp_type, Icmpv6Type::kParameterProblem);
  EXPECT_EQ(m.detail, (ErrorDetail{ErrorDetailKind::kPointer, 7}));
  packet[44] = 0x01;  // pointer 0x01000007: past any packet, but what was said
  refill_icmpv6_checksum(packet);
  EXPECT_EQ(match_icmp_message(icmpv6_of(packet), kServer6, expect(ula(0x30, 1), 0x2887), sent(1))
                .detail.value,
            0x01000007u);
}

TEST(ReplyMatchIpv6, AnErrorAboutSomeoneElsesPacketIsNotOurs) {
  const auto target = ula(0x40, 1);
  const auto match = [&](std::vector<std::uint8_t> packet, const EchoExpectation& e,
                         const PingStatistics& stats) {
    return match_icmp_message(icmpv6_of(packet), kServer6, e, stats).verdict;
  };
  const auto edited = [](std::size_t at, std::uint8_t value) {
    auto packet = from_hex(kNoRouteHex);
    packet[at] = value;
    refill_icmpv6_checksum(packet);
    return packet;
  };
  const auto e = expect(target, 0x2884);
  EXPECT_EQ(match(from_hex(kNoRouteHex), expect(target, 0x2885), sent(1)), ReplyVerdict::kNotOurs);
  EXPECT_EQ(match(from_hex(kNoRouteHex), expect(ula(0x40, 2), 0x2884), sent(1)),
            ReplyVerdict::kNotOurs);
  EXPECT_EQ(match(from_hex(kNoRouteHex), e, PingStatistics{}), ReplyVerdict::kNotOurs);
  // The quoted packet: UDP rather than ICMPv6 (next header at 48 + 6), a
  // quoted echo reply rather than request (type at 88), version 4.
  EXPECT_EQ(match(edited(54, 17), e, sent(1)), ReplyVerdict::kNotOurs);
  EXPECT_EQ(match(edited(88, byte_of(Icmpv6Type::kEchoReply)), e, sent(1)), ReplyVerdict::kNotOurs);
  EXPECT_EQ(match(edited(48, 0x40), e, sent(1)), ReplyVerdict::kNotOurs);
  // A redirect (RFC 4861 8) quotes a packet too, but is no error.
  EXPECT_EQ(match(edited(40, byte_of(Icmpv6Type::kRedirect)), e, sent(1)), ReplyVerdict::kNotOurs);
  // The same bytes to an IPv4 run: not the family it speaks.
  EXPECT_NE(match(from_hex(kNoRouteHex), expect(Ipv4Address{{10, 112, 5, 3}}, 0x2884), sent(1)),
            ReplyVerdict::kIcmpError);
}

TEST(ReplyMatchIpv6, QueuedErrorsFromADatagramSocket) {
  // IPV6_RECVERR: the bytes are our request's ICMPv6 header and data as
  // quoted; type, code, MTU or pointer (ee_info) and sender come apart.
  auto packet = packet_too_big();
  const auto quoted = std::span<const std::uint8_t>(packet).subspan(88);
  const auto e = expect(ula(0x30, 0xa), 0x2888);
  const ReplyMatch m =
      match_queued_error({Icmpv6Type::kPacketTooBig, 0, 1280, kServer6}, quoted, e, sent(1));
  EXPECT_EQ(m.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(m.from, kServer6);
  EXPECT_EQ(m.icmp_type, Icmpv6Type::kPacketTooBig);
  EXPECT_EQ(m.sequence, 0);
  EXPECT_EQ(m.detail, (ErrorDetail{ErrorDetailKind::kMtu, 1280}));
  const ReplyMatch p =
      match_queued_error({Icmpv6Type::kParameterProblem, 2, 40, kServer6}, quoted, e, sent(1));
  EXPECT_EQ(p.verdict, ReplyVerdict::kIcmpError);
  EXPECT_EQ(p.detail, (ErrorDetail{ErrorDetailKind::kPointer, 40}));
  for (const Icmpv6Type type : {Icmpv6Type::kDestinationUnreachable, Icmpv6Type::kTimeExceeded}) {
    const ReplyMatch d = match_queued_error({type, 0, 0, kServer6}, quoted, e, sent(1));
    EXPECT_EQ(d.verdict, ReplyVerdict::kIcmpError);
    EXPECT_EQ(d.detail, ErrorDetail{});
  }
  EXPECT_EQ(match_queued_error({Icmpv6Type::kRedirect, 0, 0, kServer6}, quoted, e, sent(1)).verdict,
            ReplyVerdict::kNotOurs);
  // ICMPv4's Time Exceeded number (11) is no ICMPv6 error; an ICMPv4
  // error about an IPv6 run is not ours either.
  EXPECT_EQ(match_queued_error({IcmpType::from_wire(wire::IpFamily::kIpv6, 11), 0, 0, kServer6},
                               quoted, e, sent(1))
                .verdict,
            ReplyVerdict::kNotOurs);
  EXPECT_EQ(
      match_queued_error({Icmpv4Type::kTimeExceeded, 0, 0, kServer6}, quoted, e, sent(1)).verdict,
      ReplyVerdict::kNotOurs);
}

TEST(ReplyMatchIpv6, EveryTruncationIsSafe) {
  // The reply: under 8 bytes malformed, then never a good reply.
  auto reply = from_hex(kIpv6ReplyHex);
  const auto icmp = icmpv6_of(reply);
  for (std::size_t n = 0; n < icmp.size(); ++n) {
    const ReplyMatch m =
        match_icmp_message(icmp.first(n), kServer6, expect(kServer6, kIpv6ReplyId), sent(1));
    if (n < 8) {
      EXPECT_EQ(m.verdict, ReplyVerdict::kMalformed) << n;
    } else {
      EXPECT_EQ(m.verdict, ReplyVerdict::kWrongData) << n;
      EXPECT_EQ(m.data.size(), n - 8) << n;
    }
  }
  // Each error: an error only once the quoted IPv6 header and the quoted
  // ICMPv6 header are whole (8 + 40 + 8 bytes).
  for (auto& c : captured_ipv6_errors()) {
    const auto message = icmpv6_of(c.packet);
    for (std::size_t n = 0; n <= message.size(); ++n) {
      const ReplyMatch m =
          match_icmp_message(message.first(n), kServer6, expect(c.target, c.identifier), sent(1));
      EXPECT_EQ(m.verdict == ReplyVerdict::kIcmpError, n >= 56) << n;
      EXPECT_LE(m.data.size(), n);
    }
  }
  // A queued error's quoted request: the 8 header bytes are what matter.
  auto packet = from_hex(kHopLimitHex);
  const auto quoted = std::span<const std::uint8_t>(packet).subspan(88);
  for (std::size_t n = 0; n <= quoted.size(); ++n) {
    const ReplyMatch m = match_queued_error({Icmpv6Type::kTimeExceeded, 0, 0, kServer6},
                                            quoted.first(n), expect(ula(0x30, 1), 0x2887), sent(1));
    EXPECT_EQ(m.verdict, n < 8 ? ReplyVerdict::kMalformed : ReplyVerdict::kIcmpError) << n;
  }
}

TEST(ReplyMatchIpv6, RandomBytesNeverCrash) {
  std::mt19937 rng(20240608);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 140);
  const PingStatistics stats = sent(3);
  const auto e = expect(kServer6, kIpv6ReplyId);
  std::size_t ours = 0;
  for (int i = 0; i < 100000; ++i) {
    std::vector<std::uint8_t> bytes(length(rng));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(byte(rng));
    // Half of them dressed as an error quoting an IPv6 packet.
    if (bytes.size() >= 56 && i % 2 == 0) {
      bytes[0] = byte_of(i % 4 == 0 ? Icmpv6Type::kTimeExceeded : Icmpv6Type::kPacketTooBig);
      bytes[8] = 0x60;
      bytes[14] = wire::kIpProtocolIcmpv6;
    }
    const ReplyMatch a = match_icmp_message(bytes, kServer6, e, stats);
    const ReplyMatch b =
        match_queued_error({Icmpv6Type::kPacketTooBig, 0, 1280, kServer6}, bytes, e, stats);
    for (const ReplyMatch* m : {&a, &b}) {
      if (m->verdict != ReplyVerdict::kNotOurs && m->verdict != ReplyVerdict::kMalformed) ++ours;
      EXPECT_LE(m->data.size(), bytes.size());
    }
  }
  EXPECT_LT(ours, 200u);
}

TEST(RequestSequence, EitherFamily) {
  auto v4 = from_hex(kTimeExceededHex);
  const auto v4_request = std::span<const std::uint8_t>(v4).subspan(48);
  EXPECT_EQ(request_sequence(wire::IpFamily::kIpv4, v4_request), 0);
  auto v6 = from_hex(kHopLimitHex);
  const auto v6_request = std::span<const std::uint8_t>(v6).subspan(88);
  EXPECT_EQ(request_sequence(wire::IpFamily::kIpv6, v6_request), 0);
  // The kernel's local errors carry no request at all.
  EXPECT_FALSE(request_sequence(wire::IpFamily::kIpv6, {}).has_value());
  EXPECT_FALSE(request_sequence(wire::IpFamily::kIpv4, v4_request.first(7)).has_value());
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
