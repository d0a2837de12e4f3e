// The RFC 1071 checksum as steps, pinned to the RFC's own example and to
// the code pong runs (wire::ChecksumAccumulator).
#include "checksum_steps.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "packets.hpp"
#include "wire/checksum.hpp"

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

}  // namespace
}  // namespace pong::lab
