// ICMPv6: the view over the shared layout, the pseudo-header checksum on
// a real captured request and reply, the echo Repr, and the names.
#include "wire/icmpv6.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "packets.hpp"

namespace pong::wire {
namespace {

struct Captured {
  std::vector<std::uint8_t> packet;
  Ipv6Packet ip() const { return *Ipv6Packet::parse(packet); }
  Icmpv6Packet icmp() const { return *Icmpv6Packet::parse(ip().payload()); }
};

TEST(Icmpv6Packet, ReadsTheCapturedEchoRequest) {
  const Captured c{test::captured_ipv6_request()};
  const auto icmp = c.icmp();
  EXPECT_EQ(icmp.type(), Icmpv6Type::kEchoRequest);
  EXPECT_TRUE(icmp.is_echo_request());
  EXPECT_FALSE(icmp.is_echo_reply());
  EXPECT_EQ(icmp.code(), 0);
  EXPECT_EQ(icmp.checksum(), 0x7119);
  EXPECT_EQ(icmp.identifier(), 13185);
  EXPECT_EQ(icmp.sequence(), 1);
  ASSERT_EQ(icmp.data().size(), 4u);
  EXPECT_EQ(icmp.data()[0], 'p');
}

// RFC 4443 2.3 by hand, for the captured request (all words hex):
//   pseudo-header  source       fd00+0010+0113+0000+0000+0000+0000+0002 = fe25
//                  destination  fd00+0010+0113+0000+0000+0000+0000+0003 = fe26
//                  length       0000+000c, zero and next header 0000+003a
//                  fe25+fe26 = 1fc4b -> fc4c; +000c = fc58; +003a = fc92
//   message        8000 (type 128, code 0) + 0000 (checksum taken as zero)
//                  + 3381 (id) + 0001 (seq) + 7069 + 6e67 ("ping") = 9253
//   total          fc92 + 9253 = 18ee5 -> 8ee6; checksum ~8ee6 = 7119
// which is what the capture carries. The reply differs in one word, 8100
// for 8000: 8ee6 + 0100 = 8fe6, checksum ~8fe6 = 7019, again as captured.
TEST(Icmpv6Checksum, CapturedRequestAndReplyVerifyByHand) {
  const Captured request{test::captured_ipv6_request()};
  const Captured reply{test::captured_ipv6_reply()};
  EXPECT_EQ(request.ip().pseudo_header_sum().folded(), 0xfc92);
  EXPECT_TRUE(request.icmp().checksum_valid(request.ip().pseudo_header_sum()));
  EXPECT_TRUE(reply.icmp().checksum_valid(reply.ip().pseudo_header_sum()));
  EXPECT_EQ(reply.icmp().checksum(), 0x7019);
  // Without the pseudo-header (as if it were ICMPv4) it does not verify.
  EXPECT_FALSE(request.icmp().checksum_valid());
}

TEST(Icmpv6Checksum, PseudoHeaderFromAddressesEqualsTheHeaderOne) {
  const Captured c{test::captured_ipv6_request()};
  const auto ip = c.ip();
  EXPECT_EQ(icmpv6_pseudo_header(ip.source(), ip.destination(), 12).folded(),
            ip.pseudo_header_sum().folded());
  // Swapping source and destination does not change the sum: the reply's
  // pseudo-header is the request's (why pong's incremental update holds).
  EXPECT_EQ(icmpv6_pseudo_header(ip.destination(), ip.source(), 12).folded(), 0xfc92);
}

TEST(Icmpv6Checksum, FillChecksumRecomputesTheCapturedValue) {
  Captured c{test::captured_ipv6_request()};
  const auto pseudo = c.ip().pseudo_header_sum();
  auto icmp = *Icmpv6PacketMut::parse(std::span(c.packet).subspan(kIpv6HeaderLength));
  icmp.set_checksum(0xdead);
  icmp.fill_checksum(pseudo);
  EXPECT_EQ(icmp.checksum(), 0x7119);
}

TEST(Icmpv6Packet, TruncatedBelowEightBytesIsRefused) {
  const Captured c{test::captured_ipv6_request()};
  const auto payload = c.ip().payload();
  for (std::size_t n = 0; n < kIcmpHeaderLength; ++n) {
    const auto icmp = Icmpv6Packet::parse(payload.first(n));
    ASSERT_FALSE(icmp) << n;
    EXPECT_EQ(icmp.error(), DropReason::kIcmpTruncated);
  }
  EXPECT_TRUE(Icmpv6Packet::parse(payload.first(kIcmpHeaderLength)));
}

TEST(Icmpv6EchoRepr, ParsesAndEmitsTheCapturedReplyByteForByte) {
  const Captured reply{test::captured_ipv6_reply()};
  const auto repr = Icmpv6EchoRepr::parse(reply.icmp());
  ASSERT_TRUE(repr);
  EXPECT_FALSE(repr->is_request);
  EXPECT_EQ(repr->type(), Icmpv6Type::kEchoReply);
  EXPECT_EQ(repr->identifier, 13185);
  std::vector<std::uint8_t> out(repr->buffer_length());
  repr->emit(*Icmpv6PacketMut::parse(out), reply.ip().pseudo_header_sum());
  const auto expected = reply.ip().payload();
  EXPECT_TRUE(std::equal(out.begin(), out.end(), expected.begin(), expected.end()));
}

TEST(Icmpv6EchoRepr, RefusesOtherTypes) {
  // A Neighbor Solicitation header (type 135).
  const std::vector<std::uint8_t> ns{135, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(Icmpv6EchoRepr::parse(*Icmpv6Packet::parse(ns)).error(), DropReason::kNotEchoRequest);
  // ICMPv4's echo numbers mean nothing here: type 8 is not an ICMPv6 echo.
  const std::vector<std::uint8_t> v4_echo{8, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(Icmpv6Packet::parse(v4_echo)->is_echo_request());
}

TEST(Icmpv6Names, TypesAndCodes) {
  EXPECT_EQ(icmpv6_type_name(Icmpv6Type::kEchoRequest), "echo");
  EXPECT_EQ(icmpv6_type_name(Icmpv6Type::kEchoReply), "echo reply");
  EXPECT_EQ(icmpv6_type_name(Icmpv6Type::kPacketTooBig), "packet too big");
  EXPECT_EQ(icmpv6_type_name(Icmpv6Type{200}), "");
  EXPECT_EQ(icmpv6_code_name(Icmpv6Type::kDestinationUnreachable, 0), "no route to destination");
  EXPECT_EQ(icmpv6_code_name(Icmpv6Type::kDestinationUnreachable, 3), "address unreachable");
  EXPECT_EQ(icmpv6_code_name(Icmpv6Type::kDestinationUnreachable, 4), "port unreachable");
  EXPECT_EQ(icmpv6_code_name(Icmpv6Type::kTimeExceeded, 0), "hop limit exceeded in transit");
  EXPECT_EQ(icmpv6_code_name(Icmpv6Type::kParameterProblem, 1),
            "unrecognized Next Header type encountered");
  EXPECT_EQ(icmpv6_code_name(Icmpv6Type::kEchoRequest, 0), "");
  for (std::uint8_t code = 0; code <= 6; ++code) {
    EXPECT_NE(icmpv6_code_name(Icmpv6Type::kDestinationUnreachable, code), "") << int{code};
  }
}

TEST(Icmpv6Limits, LargestEchoCarries65527DataBytes) {
  // RFC 8200 3: the 16-bit payload length counts the ICMPv6 message but
  // not the 40-byte IPv6 header.
  EXPECT_EQ(kIcmpv6MaxEchoData, 65527u);
}

}  // namespace
}  // namespace pong::wire
