// pong's reply to a request, explained; the reply is the responder's own,
// for ICMP (8 -> 0) and ICMPv6 (128 -> 129).
#include "reply.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "craft.hpp"
#include "packets.hpp"
#include "sys/format.hpp"
#include "test_lab_captures.hpp"
#include "wire/checksum.hpp"
#include "wire/echo.hpp"

namespace pong::lab {
namespace {

TEST(ExplainReply, TheCapturedRequestGetsChecksum512bByEveryMethod) {
  const auto request = test::captured_request();
  const auto r = explain_reply(request);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->old_word, 0x0800);
  EXPECT_EQ(r->new_word, 0x0000);
  EXPECT_EQ(r->old_checksum, 0x492b);
  EXPECT_EQ(r->new_checksum, 0x512b);
  EXPECT_EQ(r->full.checksum, 0x512b);
  EXPECT_EQ(r->incremental.eqn3, 0x512b);
  EXPECT_EQ(r->incremental.rfc1141, 0x512b);
  EXPECT_TRUE(r->reply_verifies);
  EXPECT_EQ(r->reply_source, wire::IpAddress(wire::Ipv4Address{{127, 0, 0, 1}}));
  EXPECT_FALSE(r->request_pseudo_header_sum);
  ASSERT_EQ(r->reply_icmp.size(), 64u);
  EXPECT_EQ(r->reply_icmp[0], 0);
  EXPECT_EQ(r->reply_icmp[2], 0x51);
  EXPECT_EQ(r->reply_icmp[3], 0x2b);
  // Only bytes 0, 2 and 3 of the ICMP message change.
  for (std::size_t i = 0; i < 64; ++i) {
    if (i == 0 || i == 2 || i == 3) continue;
    EXPECT_EQ(r->reply_icmp[i], r->request_icmp[i]) << i;
  }
}

TEST(ExplainReply, ShowsExactlyWhatTheResponderSends) {
  std::mt19937 rng(792);
  std::uniform_int_distribution<int> value(0, 0xFFFF);
  std::uniform_int_distribution<std::size_t> size(0, 200);
  for (int i = 0; i < 2000; ++i) {
    CraftOptions options;
    options.identifier = static_cast<std::uint16_t>(value(rng));
    options.sequence = static_cast<std::uint16_t>(value(rng));
    options.data.resize(size(rng));
    for (auto& b : options.data) b = static_cast<std::uint8_t>(value(rng));
    auto bytes = craft_echo_request(options)->datagram;
    const auto r = explain_reply(bytes);
    ASSERT_TRUE(r) << r.error().message;
    const auto answer = wire::answer_echo_request(bytes, wire::Ipv4Arrival{}, {});
    ASSERT_TRUE(answer);
    ASSERT_TRUE(std::equal(r->reply_icmp.begin(), r->reply_icmp.end(), answer->message.icmp.begin(),
                           answer->message.icmp.end()));
    ASSERT_EQ(r->incremental.eqn3, r->new_checksum);
    ASSERT_EQ(r->full.checksum, r->new_checksum) << i;
    ASSERT_TRUE(r->reply_verifies);
  }
}

// An echo reply with nothing in it: type 0, code 0, id 0, seq 0, no data.
// A full recomputation gives 0xffff (the sum is +0); eqn. 3 gives 0x0000.
// icmp-lab shows both, and whether the reply pong would send verifies.
TEST(ExplainReply, TheAllZeroReplyShowsBothAnswers) {
  CraftOptions options;
  options.identifier = 0;
  options.sequence = 0;
  const auto request = craft_echo_request(options);
  ASSERT_EQ(request->checksum, 0xf7ff);
  auto bytes = request->datagram;
  const auto r = explain_reply(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->full.checksum, 0xffff);
  EXPECT_EQ(r->incremental.eqn3, 0x0000);
  EXPECT_EQ(r->incremental.rfc1141, 0xffff);
  const auto answer = wire::answer_echo_request(bytes, wire::Ipv4Arrival{}, {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(r->new_checksum, (answer->message.icmp[2] << 8) | answer->message.icmp[3]);
  EXPECT_EQ(r->reply_verifies, wire::checksum_is_valid(answer->message.icmp));
}

TEST(ExplainReply, TheReplyDatagramDecodesAsAValidReply) {
  const auto r = explain_reply(test::captured_request());
  ASSERT_TRUE(r);
  const auto p = decode_packet(r->reply_datagram);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->ipv4()->checksum.valid);  // swapping addresses keeps the sum
  EXPECT_EQ(p->icmp->type, IcmpType{wire::Icmpv4Type::kEchoReply});
  EXPECT_TRUE(p->icmp->checksum->valid);
  EXPECT_TRUE(is_reply_to(*p, *r));
  EXPECT_EQ(first_difference(r->reply_icmp, std::vector<std::uint8_t>(p->datagram.begin() + 20,
                                                                      p->datagram.end())),
            std::nullopt);
}

TEST(ExplainReply, WhatPongDoesNotAnswerIsSaidWithItsDropReason) {
  auto bytes = test::captured_request();
  bytes[23] ^= 0x01;
  auto r = explain_reply(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotEchoRequest);
  EXPECT_EQ(r.error().message,
            "pong drops this request and counts it as icmp_bad_checksum: its ICMP checksum is "
            "0x492a, the right one is 0x492b, so there is no reply");

  bytes = test::captured_request();
  bytes[20] = 0;
  bytes[22] = 0x51;
  r = explain_reply(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "this is an ICMP echo reply (type 0), not an echo request (type 8): pong answers echo "
            "requests only and counts this as not_echo_request");

  CraftOptions options;
  options.destination = wire::Ipv4Address{{255, 255, 255, 255}};
  r = explain_reply(craft_echo_request(options)->datagram);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("non_unicast_destination"), std::string::npos);

  bytes = test::captured_request();
  bytes[9] = 17;
  (*wire::Ipv4PacketMut::parse(bytes)).fill_header_checksum();
  r = explain_reply(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "this datagram carries protocol 17 (UDP), not ICMP: pong counts it as not_icmp");

  bytes = test::captured_request();
  bytes[6] = 0x20;  // MF: a first fragment
  (*wire::Ipv4PacketMut::parse(bytes)).fill_header_checksum();
  r = explain_reply(bytes);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ip_fragment"), std::string::npos);
}

TEST(ExplainReply, DecodingErrorsPassThroughAtEveryLength) {
  const auto full = test::captured_request();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto r = explain_reply(std::span(full).first(n));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().kind, LabErrorKind::kNotEchoRequest) << n;
  }
}

// ---- ICMPv6 -----------------------------------------------------------------

std::vector<std::uint8_t> icmp_of(const std::vector<std::uint8_t>& packet) {
  return {packet.begin() + 40, packet.end()};
}

// The captured ping -6 request: 0x8000 becomes 0x8100, and 0x41e8 becomes
// 0x40e8 by eqn. 3 (~0x41e8 + ~0x8000 + 0x8100 = 0xbe17 + 0x7fff + 0x8100
// = 0x1bf16 -> 0xbf17, ~0xbf17 = 0x40e8) and by a full recomputation over
// the swapped pseudo-header, whose sum stays 0xfda8: exactly the captured
// reply's ICMPv6 bytes.
TEST(ExplainReplyIpv6, TheCapturedRequestGetsTheCapturedReply) {
  const auto r = explain_reply(test::ping6_request());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->old_word, 0x8000);
  EXPECT_EQ(r->new_word, 0x8100);
  EXPECT_EQ(r->old_checksum, 0x41e8);
  EXPECT_EQ(r->new_checksum, 0x40e8);
  EXPECT_EQ(r->incremental.eqn3_sum.sum, 0x1bf16u);
  EXPECT_EQ(r->incremental.eqn3, 0x40e8);
  EXPECT_EQ(r->full.checksum, 0x40e8);
  EXPECT_EQ(r->full.words.size(), 52u);
  ASSERT_TRUE(r->full.pseudo_header);
  EXPECT_EQ(r->full.pseudo_header->source, r->request.ipv6()->destination);
  EXPECT_EQ(r->request_pseudo_header_sum, 0xfda8);
  EXPECT_EQ(r->reply_pseudo_header_sum, 0xfda8);
  EXPECT_TRUE(r->reply_verifies);
  EXPECT_EQ(fmt::format("{}", r->reply_source), "fd00:172:22::3");
  EXPECT_EQ(fmt::format("{}", r->reply_destination), "fd00:172:22::2");
  EXPECT_EQ(r->reply_icmp, icmp_of(test::ping6_reply()));
}

TEST(ExplainReplyIpv6, TheCapturedReplyConfirmsThePrediction) {
  const auto r = explain_reply(test::ping6_request_frame());
  ASSERT_TRUE(r);
  const auto captured = decode_packet(test::ping6_reply());
  ASSERT_TRUE(captured);
  EXPECT_TRUE(is_reply_to(*captured, *r));
  EXPECT_EQ(first_difference(r->reply_icmp, captured->payload()), std::nullopt);
  // The request itself is not its reply; an IPv4 reply never is.
  EXPECT_FALSE(is_reply_to(r->request, *r));
  EXPECT_FALSE(is_reply_to(*decode_packet(test::captured_request()), *r));

  // The predicted packet: the request's header with the addresses swapped.
  const auto p = decode_packet(r->reply_datagram);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->icmp->checksum->valid);
  EXPECT_TRUE(is_reply_to(*p, *r));
  EXPECT_EQ(p->ipv6()->flow_label, 0x61f06u);  // the request's; the kernel picks its own
}

TEST(ExplainReplyIpv6, ShowsExactlyWhatTheResponderSends) {
  std::mt19937 rng(4443);
  std::uniform_int_distribution<int> value(0, 0xFFFF);
  std::uniform_int_distribution<std::size_t> size(0, 200);
  for (int i = 0; i < 2000; ++i) {
    CraftOptions options;
    options.source = kLabClientIpv6;
    options.destination = kLabServerIpv6;
    options.identifier = static_cast<std::uint16_t>(value(rng));
    options.sequence = static_cast<std::uint16_t>(value(rng));
    options.data.resize(size(rng));
    for (auto& b : options.data) b = static_cast<std::uint8_t>(value(rng));
    const auto packet = craft_echo_request(options)->datagram;
    const auto r = explain_reply(packet);
    ASSERT_TRUE(r) << r.error().message;
    auto icmp = icmp_of(packet);
    const wire::Ipv6Arrival arrival{kLabClientIpv6, kLabServerIpv6, 0, 0, false};
    const auto answer = wire::answer_echo_request(icmp, arrival, {});
    ASSERT_TRUE(answer);
    ASSERT_TRUE(std::equal(r->reply_icmp.begin(), r->reply_icmp.end(), answer->message.icmp.begin(),
                           answer->message.icmp.end()));
    ASSERT_EQ(r->incremental.eqn3, r->new_checksum) << i;
    ASSERT_EQ(r->full.checksum, r->new_checksum) << i;
    ASSERT_EQ(r->request_pseudo_header_sum, r->reply_pseudo_header_sum) << i;
    ASSERT_TRUE(r->reply_verifies);
  }
}

// RFC 4443 4.2: a reply to a multicast request comes from a unicast
// address of the interface, which the kernel picks; Linux answers these
// by default (net.ipv6.icmp.echo_ignore_multicast=0).
TEST(ExplainReplyIpv6, AMulticastRequestIsAnsweredFromTheKernelsChoice) {
  CraftOptions options;
  options.source = kLabClientIpv6;
  wire::Ipv6Address all_nodes{};
  all_nodes.octets[0] = 0xff;
  all_nodes.octets[1] = 0x02;
  all_nodes.octets[15] = 0x01;
  options.destination = all_nodes;
  const auto r = explain_reply(craft_echo_request(options)->datagram);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->reply_source.is_unspecified());
  EXPECT_TRUE(r->reply_datagram.empty());
  EXPECT_EQ(r->full.checksum, r->incremental.eqn3);
  // A reply from any address of ours matches.
  auto reply = test::ping6_reply();
  std::copy(r->reply_icmp.begin(), r->reply_icmp.end(), reply.begin() + 40);
  reply.resize(40 + r->reply_icmp.size());
  reply[5] = static_cast<std::uint8_t>(r->reply_icmp.size());
  const auto p = decode_packet(reply);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(is_reply_to(*p, *r));
}

TEST(ExplainReplyIpv6, WhatPongDoesNotAnswerIsSaidWithItsDropReason) {
  auto bytes = test::ping6_request();
  bytes[43] ^= 0x01;
  auto r = explain_reply(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotEchoRequest);
  EXPECT_EQ(r.error().message,
            "pong drops this request and counts it as icmp_bad_checksum: its ICMPv6 checksum is "
            "0x41e9, the right one is 0x41e8, so there is no reply");

  r = explain_reply(test::ping6_reply());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "this is an ICMPv6 echo reply (type 129), not an echo request (type 128): pong "
            "answers echo requests only and counts this as not_echo_request");

  bytes = test::ping6_request();
  bytes[6] = 17;
  r = explain_reply(bytes);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "this packet's next header is 17 (UDP), not 58 (ICMPv6): there is no ICMPv6 message "
            "right after the IPv6 header to answer");
}

TEST(ExplainReplyIpv6, DecodingErrorsPassThroughAtEveryLength) {
  const auto full = test::ping6_request();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto r = explain_reply(std::span(full).first(n));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().kind, LabErrorKind::kNotEchoRequest) << n;
  }
}

TEST(FirstDifference, FindsTheByteOrTheLength) {
  const std::vector<std::uint8_t> a{1, 2, 3};
  EXPECT_EQ(first_difference(a, a), std::nullopt);
  EXPECT_EQ(first_difference(a, std::vector<std::uint8_t>{1, 9, 3}), 1u);
  EXPECT_EQ(first_difference(a, std::vector<std::uint8_t>{1, 2}), 2u);
}

}  // namespace
}  // namespace pong::lab
