// The RFC 1071 checksum as steps, pinned to the RFC's own example, to a
// captured ping -6 worked by hand, and to the code pong runs
// (wire::ChecksumAccumulator, wire::icmpv6_pseudo_header).
#include "checksum_steps.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <vector>

#include "packets.hpp"
#include "test_lab_captures.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv6.hpp"

namespace pong::lab {
namespace {

// RFC 1071 section 3: "Byte 0/1: 00 01 ... Byte 6/7: f6 f7", "Sum1: 2ddf0",
// "Carrys: 2", "Sum2: ddf2"; the checksum is its complement.
TEST(ExplainChecksum, Rfc1071Section3Example) {
  const std::vector<std::uint8_t> bytes{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  const auto s = explain_checksum(bytes);
  ASSERT_EQ(s.words.size(), 4u);
  EXPECT_EQ(s.words[0].value, 0x0001);
  EXPECT_EQ(s.words[1].value, 0xf203);
  EXPECT_EQ(s.words[2].value, 0xf4f5);
  EXPECT_EQ(s.words[3].value, 0xf6f7);
  EXPECT_EQ(s.words[0].running, 0x00001u);
  EXPECT_EQ(s.words[1].running, 0x0f204u);
  EXPECT_EQ(s.words[2].running, 0x1e6f9u);
  EXPECT_EQ(s.words[3].running, 0x2ddf0u);
  EXPECT_EQ(s.words[3].offset, 6u);
  EXPECT_EQ(s.sum, 0x2ddf0u);
  ASSERT_EQ(s.folds.size(), 1u);
  EXPECT_EQ(s.folds[0].carry, 2u);
  EXPECT_EQ(s.folds[0].low, 0xddf0u);
  EXPECT_EQ(s.folds[0].after, 0xddf2u);
  EXPECT_EQ(s.folded, 0xddf2);
  EXPECT_EQ(s.checksum, 0x220d);
  EXPECT_FALSE(s.verifies());
}

TEST(ExplainChecksum, TheCapturedIpHeaderVerifiesAndItsChecksumIsAa96) {
  auto header = test::captured_request();
  header.resize(20);
  EXPECT_TRUE(explain_checksum(header).verifies());
  header[10] = header[11] = 0;
  const auto s = explain_checksum(header);
  EXPECT_EQ(s.checksum, 0xaa96);
  EXPECT_EQ(s.words.size(), 10u);
}

TEST(ExplainChecksum, AnOddLastByteIsPaddedWithAZeroLowByte) {
  const std::vector<std::uint8_t> bytes{0x12, 0x34, 0xab};
  const auto s = explain_checksum(bytes);
  ASSERT_EQ(s.words.size(), 2u);
  EXPECT_FALSE(s.words[0].padded);
  EXPECT_TRUE(s.words[1].padded);
  EXPECT_EQ(s.words[1].value, 0xab00);
  EXPECT_EQ(s.checksum, wire::internet_checksum(bytes));
}

TEST(ExplainChecksum, CarriesAreFoldedUntilNoneIsLeft) {
  // 0xffff + 0xffff + 0x0001 = 0x1ffff -> 0xffff + 0x1 = 0x10000 -> 0x0001.
  const std::vector<std::uint8_t> bytes{0xff, 0xff, 0xff, 0xff, 0x00, 0x01};
  const auto s = explain_checksum(bytes);
  ASSERT_EQ(s.folds.size(), 2u);
  EXPECT_EQ(s.folds[0].before, 0x1ffffu);
  EXPECT_EQ(s.folds[0].after, 0x10000u);
  EXPECT_EQ(s.folds[1].after, 0x0001u);
  EXPECT_EQ(s.folded, 0x0001);
}

TEST(ExplainChecksum, NothingToSum) {
  const auto s = explain_checksum({});
  EXPECT_TRUE(s.words.empty());
  EXPECT_EQ(s.folded, 0);
  EXPECT_EQ(s.checksum, 0xffff);
}

TEST(ExplainChecksum, AgreesWithTheResponderOnRandomBuffers) {
  std::mt19937 rng(1071);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 1500);
  for (int i = 0; i < 10000; ++i) {
    std::vector<std::uint8_t> bytes(length(rng));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(byte(rng));
    const auto s = explain_checksum(bytes);
    ASSERT_EQ(s.folded, wire::ChecksumAccumulator{}.add(bytes).folded()) << i;
    ASSERT_EQ(s.checksum, wire::internet_checksum(bytes)) << i;
    ASSERT_EQ(s.verifies(), wire::checksum_is_valid(bytes)) << i;
    ASSERT_EQ(s.words.size(), (bytes.size() + 1) / 2);
  }
}

TEST(ExplainChecksum, TheLargestDatagramDoesNotOverflowTheRunningSum) {
  const std::vector<std::uint8_t> bytes(kMaxChecksumBytes, 0xff);
  const auto s = explain_checksum(bytes);
  EXPECT_EQ(s.folded, wire::ChecksumAccumulator{}.add(bytes).folded());
  EXPECT_LT(s.sum, 0x80000000u);
}

TEST(OnesComplementSum, AddsThenFolds) {
  const auto s = ones_complement_sum({0xdd2f, 0x5555, 0xcd7a});
  EXPECT_EQ(s.sum, 0x1fffeu);
  ASSERT_EQ(s.folds.size(), 1u);
  EXPECT_EQ(s.folded, 0xffff);
  EXPECT_EQ(ones_complement_sum({}).folded, 0);
}

// ---- the IPv6 pseudo-header (RFC 8200 8.1) ----------------------------------

// The captured ping -6 request of test_lab_captures.hpp.
Ipv6PseudoHeader captured_pseudo_header() {
  const auto packet = test::ping6_request();
  Ipv6PseudoHeader p;
  std::copy(packet.begin() + 8, packet.begin() + 24, p.source.octets.begin());
  std::copy(packet.begin() + 24, packet.begin() + 40, p.destination.octets.begin());
  p.upper_layer_length = 64;
  p.next_header = 58;
  return p;
}

std::vector<std::uint8_t> captured_message() {
  const auto packet = test::ping6_request();
  return {packet.begin() + 40, packet.end()};
}

TEST(Ipv6PseudoHeader, TheFortyBytesOfRfc8200Section8_1) {
  const auto bytes = captured_pseudo_header().bytes();
  const auto packet = test::ping6_request();
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.begin() + 32, packet.begin() + 8));
  // Upper-layer packet length, 32 bits; then 24 zero bits and next header.
  const std::array<std::uint8_t, 8> tail{0, 0, 0, 64, 0, 0, 0, 58};
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), bytes.begin() + 32));
  // The same sum as the code pong runs.
  EXPECT_EQ(wire::ChecksumAccumulator{}.add(bytes).folded(), 0xfda8);
  const auto captured = captured_pseudo_header();
  EXPECT_EQ(wire::icmpv6_pseudo_header(captured.source, captured.destination, 64).folded(), 0xfda8);
}

// By hand, as test_lab_captures.hpp works it: the pseudo-header sums to
// 0x1fda7; the message, checksum field zero, adds 0x4c06a; 0x6be11 folds
// to 0xbe17; the checksum is ~0xbe17 = 0x41e8, as captured.
TEST(ExplainChecksumWithPseudoHeader, TheCapturedRequestByHand) {
  auto message = captured_message();
  message[2] = message[3] = 0;
  const auto s = explain_checksum(message, captured_pseudo_header());
  ASSERT_TRUE(s.pseudo_header);
  EXPECT_EQ(s.data_bytes, 64u);
  ASSERT_EQ(s.words.size(), 52u);
  EXPECT_EQ(s.words[0].part, ChecksumPart::kSource);
  EXPECT_EQ(s.words[0].value, 0xfd00);
  EXPECT_EQ(s.words[7].value, 0x0002);
  EXPECT_EQ(s.words[8].part, ChecksumPart::kDestination);
  EXPECT_EQ(s.words[8].offset, 16u);
  EXPECT_EQ(s.words[15].value, 0x0003);
  EXPECT_EQ(s.words[16].part, ChecksumPart::kUpperLayerLength);
  EXPECT_EQ(s.words[16].value, 0x0000);
  EXPECT_EQ(s.words[17].value, 0x0040);
  EXPECT_EQ(s.words[18].part, ChecksumPart::kNextHeader);
  EXPECT_EQ(s.words[18].value, 0x0000);
  EXPECT_EQ(s.words[19].value, 0x003a);
  EXPECT_EQ(s.words[19].running, 0x1fda7u);
  EXPECT_EQ(s.words[20].part, ChecksumPart::kData);
  EXPECT_EQ(s.words[20].offset, 0u);
  EXPECT_EQ(s.words[20].value, 0x8000);
  EXPECT_EQ(s.words[51].offset, 62u);
  EXPECT_EQ(s.sum, 0x1fda7u + 0x4c06au);
  EXPECT_EQ(s.sum, 0x6be11u);
  ASSERT_EQ(s.folds.size(), 1u);
  EXPECT_EQ(s.folds[0].low, 0xbe11u);
  EXPECT_EQ(s.folds[0].carry, 0x6u);
  EXPECT_EQ(s.folded, 0xbe17);
  EXPECT_EQ(s.checksum, 0x41e8);
}

TEST(ExplainChecksumWithPseudoHeader, TheCapturedRequestVerifiesOnlyWithIt) {
  const auto message = captured_message();
  EXPECT_TRUE(explain_checksum(message, captured_pseudo_header()).verifies());
  // The message alone sums to 0x0257 = ~0xfda8: exactly what the
  // pseudo-header adds.
  const auto alone = explain_checksum(message);
  EXPECT_FALSE(alone.verifies());
  EXPECT_EQ(alone.folded, 0x0257);
  EXPECT_EQ(static_cast<std::uint16_t>(~alone.folded), 0xfda8);
}

TEST(ExplainChecksumWithPseudoHeader, AgreesWithTheResponderOnRandomMessages) {
  std::mt19937 rng(4443);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 1500);
  for (int i = 0; i < 5000; ++i) {
    Ipv6PseudoHeader p;
    for (auto& b : p.source.octets) b = static_cast<std::uint8_t>(byte(rng));
    for (auto& b : p.destination.octets) b = static_cast<std::uint8_t>(byte(rng));
    std::vector<std::uint8_t> message(length(rng));
    for (auto& b : message) b = static_cast<std::uint8_t>(byte(rng));
    p.upper_layer_length = static_cast<std::uint32_t>(message.size());
    p.next_header = 58;
    const auto s = explain_checksum(message, p);
    auto reference = wire::icmpv6_pseudo_header(p.source, p.destination, message.size());
    ASSERT_EQ(s.folded, reference.add(message).folded()) << i;
    ASSERT_EQ(s.words.size(), 20 + (message.size() + 1) / 2);
  }
}

TEST(ExplainChecksumWithPseudoHeader, TheLargestMessageDoesNotOverflowTheRunningSum) {
  Ipv6PseudoHeader p;
  p.source.octets.fill(0xff);
  p.destination.octets.fill(0xff);
  p.upper_layer_length = kMaxChecksumBytes;
  p.next_header = 0xff;
  const std::vector<std::uint8_t> bytes(kMaxChecksumBytes, 0xff);
  const auto s = explain_checksum(bytes, p);
  auto reference = wire::ipv6_pseudo_header_sum(p.source.octets, p.destination.octets,
                                                p.upper_layer_length, p.next_header);
  EXPECT_EQ(s.folded, reference.add(bytes).folded());
  EXPECT_GT(s.sum, 0x80000000u);  // past 2^31, still far from 2^32
}

TEST(ChecksumPartName, NamesEachFieldOfThePseudoHeader) {
  EXPECT_EQ(checksum_part_name(ChecksumPart::kSource), "source address");
  EXPECT_EQ(checksum_part_name(ChecksumPart::kUpperLayerLength),
            "upper-layer packet length (32 bits)");
  EXPECT_EQ(checksum_part_name(ChecksumPart::kNextHeader), "24 zero bits, then the next header");
}

}  // namespace
}  // namespace pong::lab
