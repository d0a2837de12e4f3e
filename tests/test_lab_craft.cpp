// Hand-made echo requests, IPv4 and IPv6: the fields asked for, a right or a
// wrong checksum.
#include "craft.hpp"

#include <gtest/gtest.h>

#include <random>

#include "decode.hpp"
#include "test_lab_captures.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {
namespace {

TEST(CraftEchoRequest, BuildsWhatWasAskedWithValidChecksums) {
  CraftOptions options;
  options.identifier = 4660;
  options.sequence = 7;
  const std::string text = "hello from client";
  options.data.assign(text.begin(), text.end());
  const auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->datagram.size(), 20u + 8u + 17u);
  EXPECT_TRUE(r->checksum_valid);
  EXPECT_EQ(r->checksum, r->correct_checksum);
  const auto p = decode_packet(r->datagram);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_NE(p->ipv4(), nullptr);
  EXPECT_TRUE(p->ipv4()->checksum.valid);
  EXPECT_TRUE(p->ipv4()->dont_fragment);
  EXPECT_EQ(p->ipv4()->ttl, 64);
  EXPECT_EQ(p->ipv4()->source, (wire::Ipv4Address{{172, 22, 0, 2}}));
  EXPECT_EQ(p->ipv4()->destination, (wire::Ipv4Address{{172, 22, 0, 3}}));
  EXPECT_EQ(p->icmp->type, IcmpType{wire::Icmpv4Type::kEchoRequest});
  EXPECT_EQ(p->icmp->identifier, 4660);
  EXPECT_EQ(p->icmp->sequence, 7);
  EXPECT_EQ(std::string(p->icmp->data.begin(), p->icmp->data.end()), text);
  EXPECT_TRUE(p->icmp->checksum->valid);
  EXPECT_EQ(r->icmp().size(), 25u);
}

TEST(CraftEchoRequest, ABadChecksumIsTheRightOnePlusOneAndNeverValid) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> value(0, 0xFFFF);
  for (int i = 0; i < 5000; ++i) {
    CraftOptions options;
    options.identifier = static_cast<std::uint16_t>(value(rng));
    options.sequence = static_cast<std::uint16_t>(value(rng));
    options.data.resize(static_cast<std::size_t>(value(rng) % 64));
    for (auto& b : options.data) b = static_cast<std::uint8_t>(value(rng));
    options.bad_checksum = true;
    const auto r = craft_echo_request(options);
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->checksum_valid);
    ASSERT_FALSE(wire::checksum_is_valid(r->icmp()));
    ASSERT_EQ(r->checksum, static_cast<std::uint16_t>(r->correct_checksum + 1));
  }
}

TEST(CraftEchoRequest, AnExactChecksum) {
  CraftOptions options;
  options.checksum = 0x512b;
  const auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checksum, 0x512b);
  EXPECT_EQ(r->checksum_valid, wire::checksum_is_valid(r->icmp()));
}

TEST(CraftEchoRequest, DataUpToTheLargestDatagram) {
  CraftOptions options;
  options.data.resize(max_echo_data(wire::IpFamily::kIpv4));
  auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->datagram.size(), 65535u);
  EXPECT_TRUE(decode_packet(r->datagram));
  options.data.resize(max_echo_data(wire::IpFamily::kIpv4) + 1);
  r = craft_echo_request(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kBadValue);
  EXPECT_EQ(r.error().message,
            "the data is 65508 bytes: an echo request in one IPv4 datagram holds at most 65507");
}

// ---- IPv6 -------------------------------------------------------------------

CraftOptions ipv6_options() {
  CraftOptions options;
  options.source = kLabClientIpv6;
  options.destination = kLabServerIpv6;
  return options;
}

// The captured ping -6 request of test_lab_captures.hpp, rebuilt from its
// fields: the same ICMPv6 bytes, checksum 0x41e8 over the pseudo-header.
TEST(CraftIpv6EchoRequest, RebuildsTheCapturedRequestByteForByte) {
  const auto captured = test::ping6_request();
  CraftOptions options = ipv6_options();
  options.identifier = 18437;
  options.sequence = 1;
  options.data.assign(captured.begin() + 48, captured.end());
  const auto r = craft_echo_request(options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
  EXPECT_EQ(r->icmp_offset, 40u);
  EXPECT_EQ(r->checksum, 0x41e8);
  EXPECT_TRUE(r->checksum_valid);
  EXPECT_EQ(r->icmp(), std::vector<std::uint8_t>(captured.begin() + 40, captured.end()));
  // The header too, but for the flow label ping's kernel chose (0x61f06).
  auto expected = captured;
  expected[1] = 0x00;
  expected[2] = expected[3] = 0x00;
  EXPECT_EQ(r->datagram, expected);
}

TEST(CraftIpv6EchoRequest, BuildsWhatWasAskedAndDecodesValid) {
  CraftOptions options = ipv6_options();
  options.identifier = 4660;
  options.sequence = 7;
  options.ttl = 9;
  const std::string text = "hello from client";
  options.data.assign(text.begin(), text.end());
  const auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->datagram.size(), 40u + 8u + 17u);
  const auto p = decode_packet(r->datagram);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_NE(p->ipv6(), nullptr);
  EXPECT_EQ(p->ipv6()->payload_length, 25);
  EXPECT_EQ(p->ipv6()->next_header, 58);
  EXPECT_EQ(p->ipv6()->hop_limit, 9);
  EXPECT_EQ(p->source(), wire::IpAddress(kLabClientIpv6));
  EXPECT_EQ(p->icmp->type, IcmpType{wire::Icmpv6Type::kEchoRequest});
  EXPECT_EQ(p->icmp->identifier, 4660);
  EXPECT_TRUE(p->icmp->checksum->valid);
  // The ICMPv6 message alone does not verify: the pseudo-header is missing.
  EXPECT_FALSE(wire::checksum_is_valid(r->icmp()));
}

TEST(CraftIpv6EchoRequest, ABadChecksumIsNeverValidWithThePseudoHeader) {
  std::mt19937 rng(128);
  std::uniform_int_distribution<int> value(0, 0xFFFF);
  for (int i = 0; i < 5000; ++i) {
    CraftOptions options = ipv6_options();
    options.identifier = static_cast<std::uint16_t>(value(rng));
    options.sequence = static_cast<std::uint16_t>(value(rng));
    options.data.resize(static_cast<std::size_t>(value(rng) % 64));
    for (auto& b : options.data) b = static_cast<std::uint8_t>(value(rng));
    options.bad_checksum = true;
    const auto r = craft_echo_request(options);
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->checksum_valid);
    const auto p = decode_packet(r->datagram);
    ASSERT_TRUE(p);
    ASSERT_FALSE(p->icmp->checksum->valid);
    ASSERT_EQ(p->icmp->checksum->expected, r->correct_checksum);
  }
}

TEST(CraftIpv6EchoRequest, DataUpToTheLargestPacket) {
  CraftOptions options = ipv6_options();
  options.data.resize(max_echo_data(wire::IpFamily::kIpv6));
  auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->datagram.size(), 40u + 65535u);
  const auto p = decode_packet(r->datagram);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->icmp->checksum->valid);
  options.data.resize(max_echo_data(wire::IpFamily::kIpv6) + 1);
  r = craft_echo_request(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "the data is 65528 bytes: an echo request in one IPv6 packet holds at most 65527");
}

TEST(CraftIpv6EchoRequest, BothAddressesOfOneFamily) {
  CraftOptions options = ipv6_options();
  options.source = kLabClientIpv4;
  const auto r = craft_echo_request(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kBadValue);
  EXPECT_EQ(r.error().message,
            "the source 172.22.0.2 and the destination fd00:172:22::3 are not of one family");
}

}  // namespace
}  // namespace pong::lab
