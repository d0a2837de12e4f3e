// Hand-made echo requests: the fields asked for, a right or a wrong checksum.
#include "craft.hpp"

#include <gtest/gtest.h>

#include <random>

#include "decode.hpp"
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
  EXPECT_TRUE(p->ip.checksum.valid);
  EXPECT_TRUE(p->ip.dont_fragment);
  EXPECT_EQ(p->ip.ttl, 64);
  EXPECT_EQ(p->ip.source, (wire::Ipv4Address{{172, 22, 0, 2}}));
  EXPECT_EQ(p->ip.destination, (wire::Ipv4Address{{172, 22, 0, 3}}));
  EXPECT_EQ(p->icmp->type, 8);
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
  options.data.resize(kMaxEchoData);
  auto r = craft_echo_request(options);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->datagram.size(), 65535u);
  EXPECT_TRUE(decode_packet(r->datagram));
  options.data.resize(kMaxEchoData + 1);
  r = craft_echo_request(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kBadValue);
  EXPECT_EQ(r.error().message,
            "the data is 65508 bytes: an echo request in one IPv4 datagram holds at most 65507");
}

}  // namespace
}  // namespace pong::lab
