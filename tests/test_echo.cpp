// The responder's pure decision: reply or drop, and why.
#include "wire/echo.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "packets.hpp"

namespace pong::wire {
namespace {

constexpr Ipv4Address kLoopback{{127, 0, 0, 1}};
const Ipv4Arrival kUnicastLoopback{kLoopback};

// A well-formed request from 10.0.0.2 to `destination` with `data`.
std::vector<std::uint8_t> make_request(Ipv4Address destination, std::vector<std::uint8_t> data,
                                       std::uint8_t tos = 0) {
  const Icmpv4EchoRepr echo{true, 0, 0xbeef, 42, data};
  Ipv4Repr ip;
  ip.tos = tos;
  ip.source = {{10, 0, 0, 2}};
  ip.destination = destination;
  ip.payload_length = echo.buffer_length();
  std::vector<std::uint8_t> bytes(ip.buffer_length());
  ip.emit(bytes);
  echo.emit(*Icmpv4PacketMut::parse(std::span(bytes).subspan(20)));
  return bytes;
}

TEST(AnswerEchoRequest, TheCapturedRequestBecomesAReplyWithChecksum512b) {
  auto bytes = test::captured_request();
  const auto original = bytes;
  const auto reply = answer_echo_request(bytes, kUnicastLoopback, {});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->message.icmp.size(), 64u);
  EXPECT_EQ(reply->message.icmp[0], 0);     // type 8 -> 0
  EXPECT_EQ(reply->message.icmp[1], 0);     // code kept
  EXPECT_EQ(reply->message.icmp[2], 0x51);  // checksum 512b
  EXPECT_EQ(reply->message.icmp[3], 0x2b);
  EXPECT_TRUE(Icmpv4Packet::parse(reply->message.icmp)->checksum_valid());
  EXPECT_EQ(reply->message.identifier, 21780);
  EXPECT_EQ(reply->message.sequence, 1);
  EXPECT_EQ(reply->destination, IpAddress{kLoopback});
  EXPECT_EQ(reply->source, IpAddress{kLoopback});
  EXPECT_EQ(reply->traffic_class, 0);
  EXPECT_FALSE(reply->has_ip_options);
  // Only the type byte and the checksum word changed.
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 20 || i == 22 || i == 23) continue;
    EXPECT_EQ(bytes[i], original[i]) << "byte " << i;
  }
}

TEST(AnswerEchoRequest, AnAllZeroReplyGetsChecksumFfffNotZero) {
  // Request: type 8, code 0, id 0, seq 0, no data; checksum ~0x0800 =
  // 0xf7ff. The reply is all zero but its checksum: the sum is +0, so the
  // checksum is ~(+0) = 0xffff, which a full recomputation gives and
  // receivers verify. RFC 1624 eqn. 3 alone would give 0x0000.
  EXPECT_EQ(checksum_update(0xf7ff, 0x0800, 0x0000), 0x0000);
  for (const std::size_t zero_data : {0u, 1u, 2u, 56u}) {
    const std::vector<std::uint8_t> data(zero_data);
    const Icmpv4EchoRepr echo{true, 0, 0, 0, data};
    Ipv4Repr ip;
    ip.source = {{10, 0, 0, 2}};
    ip.destination = kLoopback;
    ip.payload_length = echo.buffer_length();
    std::vector<std::uint8_t> bytes(ip.buffer_length());
    ip.emit(bytes);
    echo.emit(*Icmpv4PacketMut::parse(std::span(bytes).subspan(20)));
    const auto reply = answer_echo_request(bytes, kUnicastLoopback, {});
    ASSERT_TRUE(reply) << zero_data;
    const auto icmp = Icmpv4Packet::parse(reply->message.icmp);
    EXPECT_EQ(icmp->checksum(), 0xffff) << zero_data;
    EXPECT_TRUE(icmp->checksum_valid()) << zero_data;
  }
}

TEST(AnswerEchoRequest, AZeroChecksumIsKeptWhenItIsRight) {
  // A reply whose other words sum to -0 (here its identifier, 0xffff) has
  // the checksum ~0xffff = 0x0000, rightly: the all-zero correction must
  // leave it alone.
  const Icmpv4EchoRepr echo{true, 0, 0xffff, 0, {}};
  std::vector<std::uint8_t> icmp_bytes(echo.buffer_length());
  echo.emit(*Icmpv4PacketMut::parse(icmp_bytes));
  Ipv4Repr ip;
  ip.destination = kLoopback;
  ip.payload_length = icmp_bytes.size();
  std::vector<std::uint8_t> bytes(ip.buffer_length());
  ip.emit(bytes);
  std::copy(icmp_bytes.begin(), icmp_bytes.end(), bytes.begin() + 20);
  const auto reply = answer_echo_request(bytes, kUnicastLoopback, {});
  ASSERT_TRUE(reply);
  const auto icmp = Icmpv4Packet::parse(reply->message.icmp);
  EXPECT_EQ(icmp->checksum(), 0x0000);
  EXPECT_TRUE(icmp->checksum_valid());
}

TEST(AnswerEchoRequest, KeepsTheCodeAndIdSeqAndDataAsTheyCame) {
  auto bytes = make_request(kLoopback, {'h', 'i'});
  bytes[21] = 5;  // a non-zero code, checksum fixed below
  Icmpv4PacketMut::parse(std::span(bytes).subspan(20))->fill_checksum();
  const auto reply = answer_echo_request(bytes, kUnicastLoopback, {});
  ASSERT_TRUE(reply);
  const auto icmp = Icmpv4Packet::parse(reply->message.icmp);
  EXPECT_EQ(icmp->type(), Icmpv4Type::kEchoReply);
  EXPECT_EQ(icmp->code(), 5);
  EXPECT_EQ(icmp->identifier(), 0xbeef);
  EXPECT_EQ(icmp->sequence(), 42);
  EXPECT_TRUE(icmp->checksum_valid());
  ASSERT_EQ(reply->message.data.size(), 2u);
  EXPECT_EQ(reply->message.data[0], 'h');
}

TEST(AnswerEchoRequest, CopiesTheTosAndReportsOptions) {
  auto bytes = make_request(kLoopback, {}, 0xb8);
  auto reply = answer_echo_request(bytes, kUnicastLoopback, {});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->traffic_class, 0xb8);

  // The same request with a 4-byte option block (NOP x4), IHL 6.
  auto with_options = make_request(kLoopback, {});
  with_options.insert(with_options.begin() + 20, {1, 1, 1, 1});
  with_options[0] = 0x46;
  with_options[3] = static_cast<std::uint8_t>(with_options.size());
  Ipv4PacketMut::parse(with_options)->fill_header_checksum();
  reply = answer_echo_request(with_options, kUnicastLoopback, {});
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->has_ip_options);
}

TEST(AnswerEchoRequest, AnswersFromTheSpecificDestination) {
  // RFC 1122 3.2.2.6: a request to a second address on the interface is
  // answered from that address, whatever the routing table prefers.
  const Ipv4Address second{{10, 0, 0, 33}};
  auto bytes = make_request(second, {});
  const auto reply = answer_echo_request(bytes, Ipv4Arrival{second}, {});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->source, IpAddress{second});
  EXPECT_EQ(reply->destination, IpAddress{(Ipv4Address{{10, 0, 0, 2}})});
}

TEST(AnswerEchoRequest, FallsBackToTheHeaderDestinationWithoutPktinfo) {
  auto bytes = make_request(kLoopback, {});
  const auto reply = answer_echo_request(bytes, Ipv4Arrival{}, {});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->source, IpAddress{kLoopback});
}

TEST(AnswerEchoRequest, BroadcastAndMulticastFollowThePolicy) {
  const Ipv4Address interface_address{{10, 0, 0, 3}};
  for (const Ipv4Address destination :
       {Ipv4Address{{255, 255, 255, 255}}, Ipv4Address{{224, 0, 0, 1}},
        Ipv4Address{{10, 0, 0, 255}} /* directed: spec_dst differs */}) {
    auto bytes = make_request(destination, {});
    const auto dropped = answer_echo_request(bytes, Ipv4Arrival{interface_address}, {});
    ASSERT_FALSE(dropped);
    EXPECT_EQ(dropped.error(), DropReason::kNonUnicastDestination);

    bytes = make_request(destination, {});
    const auto answered =
        answer_echo_request(bytes, Ipv4Arrival{interface_address}, EchoPolicy{true});
    ASSERT_TRUE(answered);
    // RFC 1122 3.2.2.6 / RFC 1812: answered from a unicast address of the
    // receiving interface, never from the broadcast address.
    EXPECT_EQ(answered->source, interface_address);
  }
}

TEST(AnswerEchoRequest, DropsABadIcmpChecksum) {
  auto bytes = test::captured_request();
  bytes[30] ^= 0xff;  // a data byte
  EXPECT_EQ(answer_echo_request(bytes, kUnicastLoopback, {}).error(), DropReason::kIcmpBadChecksum);
}

TEST(AnswerEchoRequest, DropsOtherIcmpTypes) {
  auto bytes = test::captured_request();
  bytes[20] = 13;  // timestamp
  Icmpv4PacketMut::parse(std::span(bytes).subspan(20))->fill_checksum();
  EXPECT_EQ(answer_echo_request(bytes, kUnicastLoopback, {}).error(), DropReason::kNotEchoRequest);
  bytes[20] = 0;  // a reply is never answered
  Icmpv4PacketMut::parse(std::span(bytes).subspan(20))->fill_checksum();
  EXPECT_EQ(answer_echo_request(bytes, kUnicastLoopback, {}).error(), DropReason::kNotEchoRequest);
}

TEST(AnswerEchoRequest, DropsOtherProtocolsAndFragments) {
  auto bytes = test::captured_request();
  bytes[9] = 17;
  EXPECT_EQ(answer_echo_request(bytes, kUnicastLoopback, {}).error(), DropReason::kNotIcmp);
  bytes = test::captured_request();
  bytes[6] = 0x20;  // more fragments
  EXPECT_EQ(answer_echo_request(bytes, kUnicastLoopback, {}).error(), DropReason::kIpFragment);
}

TEST(AnswerEchoRequest, TruncationAtEveryLengthIsADropNeverARead) {
  const auto original = test::captured_request();
  for (std::size_t n = 0; n < original.size(); ++n) {
    auto bytes = original;
    bytes.resize(n);
    const auto result = answer_echo_request(bytes, kUnicastLoopback, {});
    ASSERT_FALSE(result) << n;
  }
  // A header that claims just 20 + 7 bytes: an ICMP message too short.
  auto bytes = original;
  bytes[2] = 0;
  bytes[3] = 27;
  EXPECT_EQ(answer_echo_request(bytes, kUnicastLoopback, {}).error(), DropReason::kIcmpTruncated);
}

TEST(AnswerEchoRequest, DoesNotTouchTheBufferWhenDropping) {
  auto bytes = test::captured_request();
  bytes[30] ^= 0xff;
  const auto before = bytes;
  (void)answer_echo_request(bytes, kUnicastLoopback, {});
  EXPECT_EQ(bytes, before);
}

TEST(AnswerEchoRequest, IncrementalChecksumAgreesWithFullRecomputationOnRandomRequests) {
  std::mt19937 rng(792);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 1500);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> data(round % 4 == 0 ? length(rng) % 8 : length(rng));
    // Every fourth request is all zero but for its type: the corner case
    // of RFC 1624 eqn. 3 (see AnAllZeroReplyGetsChecksumFfffNotZero).
    if (round % 4 != 0) {
      for (auto& b : data) b = static_cast<std::uint8_t>(byte(rng));
    }
    auto bytes = make_request(kLoopback, data);
    bytes[21] = round % 4 == 0 ? 0 : static_cast<std::uint8_t>(byte(rng));  // any code
    if (round % 4 == 0) {
      bytes[24] = bytes[25] = bytes[26] = bytes[27] = 0;  // id and seq zero
    }
    Icmpv4PacketMut::parse(std::span(bytes).subspan(20))->fill_checksum();
    const auto reply = answer_echo_request(bytes, kUnicastLoopback, {});
    ASSERT_TRUE(reply);
    const std::uint16_t incremental = Icmpv4Packet::parse(reply->message.icmp)->checksum();
    const auto view = Icmpv4PacketMut::parse(reply->message.icmp);
    view->fill_checksum();
    ASSERT_EQ(incremental, view->checksum()) << "round " << round;
  }
}

TEST(DropReason, EveryReasonHasADistinctName) {
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    const auto name = drop_reason_name(static_cast<DropReason>(i));
    EXPECT_NE(name, "unknown");
    for (std::size_t j = 0; j < i; ++j) {
      EXPECT_NE(name, drop_reason_name(static_cast<DropReason>(j)));
    }
  }
}

}  // namespace
}  // namespace pong::wire
