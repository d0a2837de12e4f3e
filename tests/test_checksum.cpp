// RFC 1071 full checksum and RFC 1624 incremental update.
#include "wire/checksum.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace pong::wire {
namespace {

// The RFC 1071 4.1 loop, word by word, as slowly and plainly as written.
std::uint16_t reference_checksum(const std::vector<std::uint8_t>& data) {
  std::uint32_t sum = 0;
  std::size_t count = data.size();
  std::size_t i = 0;
  while (count > 1) {
    sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
    i += 2;
    count -= 2;
  }
  if (count > 0) sum += static_cast<std::uint32_t>(data[i] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

TEST(Checksum, Rfc1071WorkedExample) {
  // RFC 1071 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
  constexpr std::array<std::uint8_t, 8> bytes{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(ChecksumAccumulator{}.add(bytes).folded(), 0xddf2);
  EXPECT_EQ(internet_checksum(bytes), 0x220d);
}

TEST(Checksum, EmptyInputIsAllOnes) {
  EXPECT_EQ(internet_checksum({}), 0xFFFF);
}

TEST(Checksum, OddLengthPadsTheLastByteAsHighByte) {
  // RFC 1071 4.1: the left-over byte is added as if followed by a zero.
  constexpr std::array<std::uint8_t, 3> odd{0x12, 0x34, 0x56};
  constexpr std::array<std::uint8_t, 4> padded{0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(internet_checksum(odd), internet_checksum(padded));
  EXPECT_EQ(internet_checksum(odd), static_cast<std::uint16_t>(~(0x1234 + 0x5600)));
  constexpr std::array<std::uint8_t, 1> one{0xab};
  EXPECT_EQ(internet_checksum(one), static_cast<std::uint16_t>(~0xab00));
}

TEST(Checksum, CarriesAreFoldedBackIn) {
  constexpr std::array<std::uint8_t, 4> bytes{0xff, 0xff, 0x00, 0x01};
  // 0xffff + 0x0001 = 0x10000 -> 0x0001 after folding.
  EXPECT_EQ(ChecksumAccumulator{}.add(bytes).folded(), 0x0001);
}

TEST(Checksum, VerifyIncludesTheChecksumField) {
  std::array<std::uint8_t, 6> bytes{0x45, 0x00, 0x00, 0x00, 0x12, 0x34};
  const std::uint16_t sum = internet_checksum(bytes);
  bytes[2] = static_cast<std::uint8_t>(sum >> 8);
  bytes[3] = static_cast<std::uint8_t>(sum);
  EXPECT_TRUE(checksum_is_valid(bytes));
  bytes[5] ^= 0x01;
  EXPECT_FALSE(checksum_is_valid(bytes));
}

TEST(Checksum, MatchesReferenceOnSeededRandomBuffers) {
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 1600);
  for (int round = 0; round < 100000; ++round) {
    std::vector<std::uint8_t> data(round < 64 ? static_cast<std::size_t>(round) : length(rng));
    for (auto& b : data) b = static_cast<std::uint8_t>(byte(rng));
    ASSERT_EQ(internet_checksum(data), reference_checksum(data)) << "round " << round;
  }
}

TEST(Checksum, LargestDatagramDoesNotOverflow) {
  std::vector<std::uint8_t> data(65535, 0xff);
  EXPECT_EQ(internet_checksum(data), reference_checksum(data));
}

TEST(ChecksumUpdate, Rfc1624Section4Example) {
  // m = 0x5555 -> m' = 0x3285; the other words sum to 0xCD7A.
  EXPECT_EQ(checksum_update(0xDD2F, 0x5555, 0x3285), 0x0000);          // eqn. 3, correct
  EXPECT_EQ(checksum_update_rfc1141(0xDD2F, 0x5555, 0x3285), 0xFFFF);  // RFC 1141, -0
  // A full recomputation agrees with eqn. 3.
  constexpr std::array<std::uint8_t, 4> after{0xCD, 0x7A, 0x32, 0x85};
  EXPECT_EQ(internet_checksum(after), 0x0000);
}

TEST(ChecksumUpdate, EchoRequestToReply) {
  // Type/code word 0x0800 -> 0x0000 on the captured request's checksum.
  EXPECT_EQ(checksum_update(0x492b, 0x0800, 0x0000), 0x512b);
}

TEST(ChecksumUpdate, AgreesWithFullRecomputationOnSeededRandomPackets) {
  std::mt19937 rng(1624);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> words(1, 200);
  for (int round = 0; round < 100000; ++round) {
    std::vector<std::uint8_t> data(2 * words(rng));
    for (auto& b : data) b = static_cast<std::uint8_t>(byte(rng));
    const std::uint16_t before = reference_checksum(data);
    std::uniform_int_distribution<std::size_t> pick(0, data.size() / 2 - 1);
    const std::size_t w = 2 * pick(rng);
    const auto old_word = static_cast<std::uint16_t>((data[w] << 8) | data[w + 1]);
    const auto new_word = static_cast<std::uint16_t>(byte(rng) << 8 | byte(rng));
    data[w] = static_cast<std::uint8_t>(new_word >> 8);
    data[w + 1] = static_cast<std::uint8_t>(new_word);
    ASSERT_EQ(checksum_update(before, old_word, new_word), reference_checksum(data))
        << "round " << round;
  }
}

// RFC 8200 8.1: the pseudo-header, written out as the RFC draws it (16
// bytes of source, 16 of destination, the 32-bit length, three zero bytes
// and the next header) and summed with the slow reference.
std::vector<std::uint8_t> pseudo_header_bytes(const std::array<std::uint8_t, 16>& source,
                                              const std::array<std::uint8_t, 16>& destination,
                                              std::uint32_t length, std::uint8_t next_header) {
  std::vector<std::uint8_t> bytes(source.begin(), source.end());
  bytes.insert(bytes.end(), destination.begin(), destination.end());
  for (const int shift : {24, 16, 8, 0})
    bytes.push_back(static_cast<std::uint8_t>(length >> shift));
  bytes.insert(bytes.end(), {0, 0, 0, next_header});
  return bytes;
}

TEST(Ipv6PseudoHeader, CapturedPingWorkedByHand) {
  // fd00:10:113::2 -> fd00:10:113::3, 12 bytes of ICMPv6 (next header 58):
  // fe25 + fe26 + 000c + 003a = fc92 (see test_icmpv6.cpp for the rest).
  const std::array<std::uint8_t, 16> src{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0,
                                         0,    0, 0, 0,    0,    0,    0, 2};
  const std::array<std::uint8_t, 16> dst{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0,
                                         0,    0, 0, 0,    0,    0,    0, 3};
  EXPECT_EQ(ipv6_pseudo_header_sum(src, dst, 12, 58).folded(), 0xfc92);
}

TEST(Ipv6PseudoHeader, MatchesTheReferenceOverTheDrawnBytesOnSeededRandomInput) {
  std::mt19937 rng(8200);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::uint32_t> length(0, 0xFFFFFFFFu);
  for (int round = 0; round < 100000; ++round) {
    std::array<std::uint8_t, 16> src{}, dst{};
    for (auto& b : src) b = static_cast<std::uint8_t>(byte(rng));
    for (auto& b : dst) b = static_cast<std::uint8_t>(byte(rng));
    const std::uint32_t len = length(rng);
    const auto next = static_cast<std::uint8_t>(byte(rng));
    const auto drawn = pseudo_header_bytes(src, dst, len, next);
    ASSERT_EQ(ipv6_pseudo_header_sum(src, dst, len, next).checksum(), reference_checksum(drawn))
        << "round " << round;
  }
}

}  // namespace
}  // namespace pong::wire
