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

// ---- IPv6: the same rule through the ICMPv6 adapter -------------------------

constexpr Ipv6Address kV6Client{{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
constexpr Ipv6Address kV6Server{{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};
constexpr Ipv6Address kAllNodes{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};

// The ICMPv6 message of the captured request, as a raw ICMPv6 socket
// delivers it (no IPv6 header).
std::vector<std::uint8_t> captured_icmpv6_request() {
  auto packet = test::captured_ipv6_request();
  return {packet.begin() + kIpv6HeaderLength, packet.end()};
}

// An echo request to `destination` (multicast and anycast tests), with a
// checksum right for it.
std::vector<std::uint8_t> icmpv6_request_to(const Ipv6Address& destination) {
  const std::vector<std::uint8_t> data{'p', 'i', 'n', 'g'};
  const Icmpv6EchoRepr echo{true, 0, 0x3381, 1, data};
  std::vector<std::uint8_t> bytes(echo.buffer_length());
  echo.emit(*Icmpv6PacketMut::parse(bytes),
            icmpv6_pseudo_header(kV6Client, destination, bytes.size()));
  return bytes;
}

TEST(AnswerIcmpv6EchoRequest, TheCapturedRequestBecomesTheKernelsCapturedReply) {
  auto icmp = captured_icmpv6_request();
  const Ipv6Arrival arrival{kV6Client, kV6Server, 7, 0, false};
  const auto reply = answer_echo_request(icmp, arrival, EchoPolicy{});
  ASSERT_TRUE(reply);
  // Byte for byte what the kernel sent: type 129, checksum 0x7019.
  const auto kernel = test::captured_ipv6_reply();
  EXPECT_TRUE(
      std::equal(icmp.begin(), icmp.end(), kernel.begin() + kIpv6HeaderLength, kernel.end()));
  EXPECT_EQ(reply->message.identifier, 13185);
  EXPECT_EQ(reply->message.sequence, 1);
  EXPECT_EQ(reply->destination, IpAddress{kV6Client});
  // RFC 4443 4.2: a unicast request is answered from its destination, on
  // the interface it came in by.
  EXPECT_EQ(reply->source, IpAddress{kV6Server});
  EXPECT_EQ(reply->interface_index, 7u);
  EXPECT_FALSE(reply->has_ip_options);
}

TEST(AnswerIcmpv6EchoRequest, TrafficClassIsCopied) {
  auto icmp = captured_icmpv6_request();
  const auto reply =
      answer_echo_request(icmp, Ipv6Arrival{kV6Client, kV6Server, 2, 0xb9, false}, {});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->traffic_class, 0xb9);
}

TEST(AnswerIcmpv6EchoRequest, ChecksumIsVerifiedOverThePseudoHeader) {
  auto icmp = captured_icmpv6_request();
  // The same bytes claimed to come from another source do not verify.
  Ipv6Address other = kV6Client;
  other.octets[15] = 9;
  const auto reply = answer_echo_request(icmp, Ipv6Arrival{other, kV6Server, 2, 0, false}, {});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error(), DropReason::kIcmpBadChecksum);
  EXPECT_EQ(icmp, captured_icmpv6_request());  // untouched
}

TEST(AnswerIcmpv6EchoRequest, OnlyEchoRequestsAreAnswered) {
  auto reply_bytes = test::captured_ipv6_reply();
  std::vector<std::uint8_t> icmp(reply_bytes.begin() + kIpv6HeaderLength, reply_bytes.end());
  const auto reply = answer_echo_request(icmp, Ipv6Arrival{kV6Server, kV6Client, 2, 0, false}, {});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error(), DropReason::kNotEchoRequest);
}

TEST(AnswerIcmpv6EchoRequest, MulticastIsAnsweredFromAnAddressTheKernelPicks) {
  auto icmp = icmpv6_request_to(kAllNodes);
  const Ipv6Arrival arrival{kV6Client, kAllNodes, 3, 0, false};
  // net.ipv6.icmp.echo_ignore_multicast=0, the default: answer.
  const auto reply = answer_echo_request(icmp, arrival, EchoPolicy{true, true});
  ASSERT_TRUE(reply);
  // RFC 4443 4.2: "a unicast address belonging to the interface on which
  // the multicast ... Echo Request message was received": left
  // unspecified, with the interface, for the kernel to choose.
  EXPECT_TRUE(reply->source.is_ipv6());
  EXPECT_TRUE(reply->source.is_unspecified());
  EXPECT_EQ(reply->interface_index, 3u);
}

TEST(AnswerIcmpv6EchoRequest, MulticastIsDroppedWhenPolicySaysIgnore) {
  auto icmp = icmpv6_request_to(kAllNodes);
  const auto reply = answer_echo_request(icmp, Ipv6Arrival{kV6Client, kAllNodes, 3, 0, false},
                                         EchoPolicy{false, true});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error(), DropReason::kNonUnicastDestination);
}

TEST(AnswerIcmpv6EchoRequest, AnycastFollowsItsOwnPolicy) {
  auto icmp = icmpv6_request_to(kV6Server);
  const Ipv6Arrival anycast{kV6Client, kV6Server, 3, 0, true};
  auto copy = icmp;
  const auto ignored = answer_echo_request(copy, anycast, EchoPolicy{true, false});
  ASSERT_FALSE(ignored);
  EXPECT_EQ(ignored.error(), DropReason::kAnycastDestination);
  const auto answered = answer_echo_request(icmp, anycast, EchoPolicy{true, true});
  ASSERT_TRUE(answered);
  EXPECT_TRUE(answered->source.is_unspecified());
}

TEST(AnswerIcmpv6EchoRequest, TruncationAtEveryLengthIsADropNeverARead) {
  const auto whole = captured_icmpv6_request();
  for (std::size_t n = 0; n < kIcmpHeaderLength; ++n) {
    std::vector<std::uint8_t> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
    const auto reply = answer_echo_request(cut, Ipv6Arrival{kV6Client, kV6Server, 1, 0, false}, {});
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error(), DropReason::kIcmpTruncated);
  }
}

TEST(AnswerIcmpv6EchoRequest, IncrementalChecksumAgreesWithFullRecomputationOnRandomRequests) {
  std::mt19937 rng(4443);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> size(0, 300);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> data(size(rng));
    for (auto& b : data) b = static_cast<std::uint8_t>(byte(rng));
    Ipv6Address source = kV6Client;
    for (auto& b : source.octets) b = static_cast<std::uint8_t>(byte(rng));
    source.octets[0] = 0xfd;  // unicast
    const auto id = static_cast<std::uint16_t>(byte(rng) << 8 | byte(rng));
    const Icmpv6EchoRepr echo{true, static_cast<std::uint8_t>(byte(rng)), id, 1, data};
    std::vector<std::uint8_t> icmp(echo.buffer_length());
    const auto pseudo = icmpv6_pseudo_header(source, kV6Server, icmp.size());
    echo.emit(*Icmpv6PacketMut::parse(icmp), pseudo);
    const auto reply = answer_echo_request(icmp, Ipv6Arrival{source, kV6Server, 1, 0, false}, {});
    ASSERT_TRUE(reply) << "round " << round;
    // The reply goes the other way; its pseudo-header sums the same.
    const auto back = icmpv6_pseudo_header(kV6Server, source, icmp.size());
    ASSERT_TRUE(Icmpv6Packet::parse(icmp)->checksum_valid(back)) << "round " << round;
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
