// ICMPv4 view, echo Repr and names.
#include "wire/icmpv4.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "packets.hpp"
#include "wire/ipv4.hpp"

namespace pong::wire {
namespace {

std::vector<std::uint8_t> captured_icmp() {
  auto bytes = test::captured_request();
  return {bytes.begin() + 20, bytes.end()};
}

TEST(Icmpv4Packet, ParsesTheCapturedRequest) {
  const auto bytes = captured_icmp();
  const auto icmp = Icmpv4Packet::parse(bytes);
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->type(), Icmpv4Type::kEchoRequest);
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_EQ(icmp->checksum(), 0x492b);
  EXPECT_TRUE(icmp->checksum_valid());
  EXPECT_EQ(icmp->identifier(), 21780);
  EXPECT_EQ(icmp->sequence(), 1);
  EXPECT_EQ(icmp->data().size(), 56u);
  EXPECT_EQ(icmp->data()[16], 0x10);
  EXPECT_EQ(icmp->type_code_word(), 0x0800);
}

TEST(Icmpv4Packet, TruncationAtEveryLength) {
  const auto bytes = captured_icmp();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const auto icmp = Icmpv4Packet::parse(std::span(bytes).first(n));
    if (n < kIcmpv4HeaderLength) {
      ASSERT_FALSE(icmp) << n;
      EXPECT_EQ(icmp.error(), DropReason::kIcmpTruncated);
    } else {
      ASSERT_TRUE(icmp) << n;
      EXPECT_EQ(icmp->data().size(), n - kIcmpv4HeaderLength);
      // A cut message no longer verifies, except where the cut bytes were
      // zero words; either way nothing is read past the cut.
      (void)icmp->checksum_valid();
    }
  }
}

TEST(Icmpv4Packet, ChecksumDetectsEverySingleBitFlip) {
  const auto original = captured_icmp();
  for (std::size_t bit = 0; bit < original.size() * 8; ++bit) {
    auto bytes = original;
    bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    const auto icmp = Icmpv4Packet::parse(bytes);
    ASSERT_TRUE(icmp);
    EXPECT_FALSE(icmp->checksum_valid()) << "bit " << bit;
  }
}

TEST(Icmpv4EchoRepr, ParsesAndRoundTrips) {
  const auto bytes = captured_icmp();
  const auto icmp = Icmpv4Packet::parse(bytes);
  ASSERT_TRUE(icmp);
  const auto echo = Icmpv4EchoRepr::parse(*icmp);
  ASSERT_TRUE(echo);
  EXPECT_TRUE(echo->is_request);
  EXPECT_EQ(echo->identifier, 21780);
  EXPECT_EQ(echo->sequence, 1);
  EXPECT_EQ(echo->buffer_length(), bytes.size());

  std::vector<std::uint8_t> out(echo->buffer_length());
  const auto view = Icmpv4PacketMut::parse(out);
  ASSERT_TRUE(view);
  echo->emit(*view);
  EXPECT_EQ(out, bytes);  // checksum 492b recomputed from scratch
}

TEST(Icmpv4EchoRepr, EmitsAnEmptyPayload) {
  const Icmpv4EchoRepr echo{true, 0, 0x1234, 7, {}};
  std::vector<std::uint8_t> out(echo.buffer_length());
  echo.emit(*Icmpv4PacketMut::parse(out));
  EXPECT_EQ(out.size(), 8u);
  EXPECT_TRUE(Icmpv4Packet::parse(out)->checksum_valid());
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0x08, 0x00, 0xe5, 0xc4, 0x12, 0x34, 0x00, 0x07}));
}

TEST(Icmpv4EchoRepr, RejectsOtherTypes) {
  auto bytes = captured_icmp();
  for (const int type : {3, 5, 11, 12, 13, 14}) {
    bytes[0] = static_cast<std::uint8_t>(type);
    EXPECT_EQ(Icmpv4EchoRepr::parse(*Icmpv4Packet::parse(bytes)).error(),
              DropReason::kNotEchoRequest);
  }
}

TEST(Icmpv4Names, TypesAndCodes) {
  EXPECT_EQ(icmpv4_type_name(Icmpv4Type{0}), "echo reply");
  EXPECT_EQ(icmpv4_type_name(Icmpv4Type{8}), "echo");
  EXPECT_EQ(icmpv4_type_name(Icmpv4Type{3}), "destination unreachable");
  EXPECT_EQ(icmpv4_type_name(Icmpv4Type{200}), "");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{3}, 3), "port unreachable");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{3}, 4), "fragmentation needed and DF set");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{3}, 13), "communication administratively prohibited");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{11}, 0), "time to live exceeded in transit");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{12}, 0), "pointer indicates the error");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{5}, 1), "redirect datagrams for the host");
  EXPECT_EQ(icmpv4_code_name(Icmpv4Type{8}, 0), "");
  for (int code = 0; code <= 15; ++code) {
    EXPECT_NE(icmpv4_code_name(Icmpv4Type{3}, static_cast<std::uint8_t>(code)), "") << code;
  }
}

}  // namespace
}  // namespace pong::wire
