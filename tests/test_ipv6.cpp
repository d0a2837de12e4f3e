// The IPv6 header view and Repr, on a real captured ping -6 request.
#include "wire/ipv6.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "packets.hpp"

namespace pong::wire {
namespace {

constexpr Ipv6Address kClient{{0xfd, 0x00, 0x00, 0x10, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
constexpr Ipv6Address kServer{{0xfd, 0x00, 0x00, 0x10, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};

TEST(Ipv6Packet, ParsesEveryFieldOfTheCapturedRequest) {
  const auto bytes = test::captured_ipv6_request();
  const auto ip = Ipv6Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->version(), 6);
  EXPECT_EQ(ip->traffic_class(), 0);
  EXPECT_EQ(ip->flow_label(), 0xa14b7u);
  EXPECT_EQ(ip->payload_length(), 12);
  EXPECT_EQ(ip->next_header(), kIpProtocolIcmpv6);
  EXPECT_EQ(ip->hop_limit(), 64);
  EXPECT_EQ(ip->source(), kClient);
  EXPECT_EQ(ip->destination(), kServer);
  EXPECT_EQ(ip->payload().size(), 12u);
  EXPECT_EQ(ip->payload()[0], 0x80);  // ICMPv6 echo request
}

TEST(Ipv6Packet, TrafficClassAndFlowLabelShareTheFirstWord) {
  // Version 6, traffic class 0xb8 (DSCP 46, EF), flow label 0xfffff.
  auto bytes = test::captured_ipv6_request();
  bytes[0] = 0x6b;
  bytes[1] = 0x8f;
  bytes[2] = 0xff;
  bytes[3] = 0xff;
  const auto ip = Ipv6Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->traffic_class(), 0xb8);
  EXPECT_EQ(ip->flow_label(), 0xfffffu);
  EXPECT_EQ(ip->version(), 6);
}

TEST(Ipv6Packet, TruncationAtEveryLengthIsRefused) {
  const auto bytes = test::captured_ipv6_request();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto ip = Ipv6Packet::parse(std::span(bytes).first(n));
    ASSERT_FALSE(ip) << n;
    EXPECT_EQ(ip.error(), n < kIpv6HeaderLength ? DropReason::kIpv6Truncated
                                                : DropReason::kIpv6BadPayloadLength)
        << n;
  }
  EXPECT_TRUE(Ipv6Packet::parse(bytes));
}

TEST(Ipv6Packet, BadVersionIsRefused) {
  auto bytes = test::captured_ipv6_request();
  for (const int version : {0, 4, 5, 7, 15}) {
    bytes[0] = static_cast<std::uint8_t>(version << 4);
    const auto ip = Ipv6Packet::parse(bytes);
    ASSERT_FALSE(ip);
    EXPECT_EQ(ip.error(), DropReason::kIpv6BadVersion);
  }
}

TEST(Ipv6Packet, PayloadLengthBeyondTheBufferIsRefused) {
  auto bytes = test::captured_ipv6_request();
  bytes[5] = 13;  // one more than the 12 bytes that follow
  const auto ip = Ipv6Packet::parse(bytes);
  ASSERT_FALSE(ip);
  EXPECT_EQ(ip.error(), DropReason::kIpv6BadPayloadLength);
  bytes[4] = 0xff;
  bytes[5] = 0xff;
  EXPECT_EQ(Ipv6Packet::parse(bytes).error(), DropReason::kIpv6BadPayloadLength);
}

TEST(Ipv6Packet, LinkLayerPaddingIsNotPayload) {
  auto bytes = test::captured_ipv6_request();
  bytes.insert(bytes.end(), {0, 0, 0, 0, 0, 0});
  const auto ip = Ipv6Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->payload().size(), 12u);
  EXPECT_EQ(ip->bytes().size(), 52u);
}

TEST(Ipv6Packet, QuotedPacketMayBeCutShort) {
  // RFC 4443 3.1: an error quotes "as much of invoking packet as possible";
  // the payload length still counts the whole original.
  const auto bytes = test::captured_ipv6_request();
  const auto quoted = std::span(bytes).first(44);
  EXPECT_FALSE(Ipv6Packet::parse(quoted));
  const auto ip = Ipv6Packet::parse_quoted(quoted);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->payload_length(), 12);
  EXPECT_EQ(ip->payload().size(), 4u);
  EXPECT_EQ(Ipv6Packet::parse_quoted(std::span(bytes).first(39)).error(),
            DropReason::kIpv6Truncated);
}

TEST(Ipv6Repr, RoundTripsTheCapturedHeader) {
  const auto bytes = test::captured_ipv6_request();
  const auto repr = Ipv6Repr::parse(*Ipv6Packet::parse(bytes));
  EXPECT_EQ(repr.flow_label, 0xa14b7u);
  EXPECT_EQ(repr.payload_length, 12u);
  std::vector<std::uint8_t> out(repr.buffer_length());
  repr.emit(out);
  std::copy(bytes.begin() + 40, bytes.end(), out.begin() + 40);
  EXPECT_EQ(out, bytes);
}

TEST(Ipv6Repr, PseudoHeaderSumMatchesTheView) {
  const auto bytes = test::captured_ipv6_request();
  const auto ip = *Ipv6Packet::parse(bytes);
  EXPECT_EQ(Ipv6Repr::parse(ip).pseudo_header_sum().folded(), ip.pseudo_header_sum().folded());
  // Worked by hand in test_checksum.cpp: 0xfc92.
  EXPECT_EQ(ip.pseudo_header_sum().folded(), 0xfc92);
}

}  // namespace
}  // namespace pong::wire
