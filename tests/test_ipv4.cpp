// IPv4 header view and Repr.
#include "wire/ipv4.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "packets.hpp"

namespace pong::wire {
namespace {

using test::captured_request;

TEST(Ipv4Packet, ParsesTheCapturedRequest) {
  const auto bytes = captured_request();
  const auto ip = Ipv4Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->version(), 4);
  EXPECT_EQ(ip->header_length(), 20u);
  EXPECT_EQ(ip->tos(), 0);
  EXPECT_EQ(ip->total_length(), 84);
  EXPECT_EQ(ip->identification(), 0x9210);
  EXPECT_TRUE(ip->dont_fragment());
  EXPECT_FALSE(ip->more_fragments());
  EXPECT_EQ(ip->fragment_offset(), 0);
  EXPECT_EQ(ip->ttl(), 64);
  EXPECT_EQ(ip->protocol(), kIpProtocolIcmp);
  EXPECT_EQ(ip->header_checksum(), 0xaa96);
  EXPECT_TRUE(ip->header_checksum_valid());
  EXPECT_EQ(ip->source(), (Ipv4Address{{127, 0, 0, 1}}));
  EXPECT_EQ(ip->destination(), (Ipv4Address{{127, 0, 0, 1}}));
  EXPECT_TRUE(ip->options().empty());
  EXPECT_EQ(ip->payload().size(), 64u);
}

TEST(Ipv4Packet, TruncationAtEveryLengthIsRejectedNotRead) {
  const auto bytes = captured_request();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto ip = Ipv4Packet::parse(std::span(bytes).first(n));
    ASSERT_FALSE(ip) << "length " << n;
    EXPECT_EQ(ip.error(),
              n < kIpv4MinHeaderLength ? DropReason::kIpTruncated : DropReason::kIpBadTotalLength)
        << "length " << n;
  }
}

TEST(Ipv4Packet, RejectsAVersionOtherThanFour) {
  auto bytes = captured_request();
  bytes[0] = 0x65;
  EXPECT_EQ(Ipv4Packet::parse(bytes).error(), DropReason::kIpBadVersion);
}

TEST(Ipv4Packet, RejectsAnIhlBelowFive) {
  auto bytes = captured_request();
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
    bytes[0] = static_cast<std::uint8_t>(0x40 | ihl);
    EXPECT_EQ(Ipv4Packet::parse(bytes).error(), DropReason::kIpBadHeaderLength) << int{ihl};
  }
}

TEST(Ipv4Packet, RejectsAnIhlPastTheBuffer) {
  auto bytes = captured_request();
  bytes.resize(40);
  bytes[0] = 0x4f;  // 60-byte header in a 40-byte buffer
  EXPECT_EQ(Ipv4Packet::parse(bytes).error(), DropReason::kIpBadHeaderLength);
}

TEST(Ipv4Packet, RejectsATotalLengthLargerThanTheBuffer) {
  auto bytes = captured_request();
  bytes[3] = 0x55;  // 85 > 84
  EXPECT_EQ(Ipv4Packet::parse(bytes).error(), DropReason::kIpBadTotalLength);
}

TEST(Ipv4Packet, RejectsATotalLengthSmallerThanTheHeader) {
  auto bytes = captured_request();
  bytes[2] = 0;
  bytes[3] = 19;
  EXPECT_EQ(Ipv4Packet::parse(bytes).error(), DropReason::kIpBadTotalLength);
}

TEST(Ipv4Packet, TrimsLinkLayerPaddingToTheTotalLength) {
  auto bytes = captured_request();
  bytes.insert(bytes.end(), {0, 0, 0, 0, 0, 0});
  const auto ip = Ipv4Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->bytes().size(), 84u);
  EXPECT_EQ(ip->payload().size(), 64u);
}

TEST(Ipv4Packet, SeesOptionsAndThePayloadAfterThem) {
  // A Record Route option (RFC 791 3.1: type 7, length 39, pointer 4) with
  // room for nine addresses, plus one NOP to pad to a 4-byte boundary:
  // IHL 15, the longest header there is.
  std::vector<std::uint8_t> bytes{0x4f, 0x00, 0x00, 0x44, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01,
                                  0x00, 0x00, 10,   0,    0,    2,    10,   0,    0,    3};
  bytes.push_back(0x01);  // NOP
  bytes.insert(bytes.end(), {0x07, 39, 4});
  bytes.resize(60, 0);
  const std::vector<std::uint8_t> icmp{0x08, 0, 0xf7, 0xfe, 0, 1, 0, 0};
  bytes.insert(bytes.end(), icmp.begin(), icmp.end());
  const auto ip = Ipv4Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->header_length(), 60u);
  ASSERT_EQ(ip->options().size(), 40u);
  EXPECT_EQ(ip->options()[0], 0x01);
  EXPECT_EQ(ip->options()[1], 0x07);
  EXPECT_EQ(ip->payload().size(), 8u);
  EXPECT_EQ(ip->payload()[0], 0x08);
}

TEST(Ipv4Packet, FragmentFields) {
  auto bytes = captured_request();
  bytes[6] = 0x20;  // MF
  bytes[7] = 0x00;
  auto ip = Ipv4Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_fragment());
  EXPECT_FALSE(ip->dont_fragment());
  bytes[6] = 0x01;  // offset 0x100 * 8 bytes, no MF
  bytes[7] = 0x00;
  ip = Ipv4Packet::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->fragment_offset(), 0x100);
  EXPECT_TRUE(ip->is_fragment());
}

TEST(Ipv4Packet, ParseQuotedAcceptsThePrefixAnIcmpErrorCarries) {
  // RFC 792: an error quotes the header and the first 8 data bytes; the
  // quoted total length (84) still describes the whole original.
  const auto full = captured_request();
  const auto quote = std::span(full).first(28);
  EXPECT_EQ(Ipv4Packet::parse(quote).error(), DropReason::kIpBadTotalLength);
  const auto ip = Ipv4Packet::parse_quoted(quote);
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->total_length(), 84);
  EXPECT_EQ(ip->payload().size(), 8u);
  EXPECT_EQ(ip->payload()[0], 0x08);
  EXPECT_EQ(ip->destination(), (Ipv4Address{{127, 0, 0, 1}}));
  // A whole datagram parses as with parse(), padding trimmed.
  auto padded = full;
  padded.push_back(0);
  EXPECT_EQ(Ipv4Packet::parse_quoted(padded)->bytes().size(), 84u);
}

TEST(Ipv4Packet, ParseQuotedStillRejectsBrokenHeadersAtEveryLength) {
  const auto full = captured_request();
  for (std::size_t n = 0; n < kIpv4MinHeaderLength; ++n) {
    EXPECT_EQ(Ipv4Packet::parse_quoted(std::span(full).first(n)).error(), DropReason::kIpTruncated);
  }
  for (std::size_t n = kIpv4MinHeaderLength; n <= full.size(); ++n) {
    const auto ip = Ipv4Packet::parse_quoted(std::span(full).first(n));
    ASSERT_TRUE(ip) << n;
    EXPECT_EQ(ip->payload().size(), n - kIpv4MinHeaderLength);
  }
  auto bad = full;
  bad[0] = 0x44;
  EXPECT_EQ(Ipv4Packet::parse_quoted(bad).error(), DropReason::kIpBadHeaderLength);
  bad = full;
  bad[2] = 0;
  bad[3] = 10;
  EXPECT_EQ(Ipv4Packet::parse_quoted(bad).error(), DropReason::kIpBadTotalLength);
}

TEST(Ipv4PacketMut, FillHeaderChecksumRestoresTheCapturedValue) {
  auto bytes = captured_request();
  bytes[10] = 0;
  bytes[11] = 0;
  const auto ip = Ipv4PacketMut::parse(bytes);
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->header_checksum_valid());
  ip->fill_header_checksum();
  EXPECT_EQ(ip->header_checksum(), 0xaa96);
}

TEST(Ipv4Repr, RoundTripsThroughEmitAndParse) {
  const auto original = captured_request();
  const auto parsed = Ipv4Packet::parse(original);
  ASSERT_TRUE(parsed);
  const Ipv4Repr repr = Ipv4Repr::parse(*parsed);
  std::vector<std::uint8_t> out(repr.buffer_length());
  repr.emit(out);
  std::copy(parsed->payload().begin(), parsed->payload().end(), out.begin() + 20);
  EXPECT_EQ(out, original);  // byte for byte, header checksum included
  const auto reparsed = Ipv4Packet::parse(out);
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(Ipv4Repr::parse(*reparsed), repr);
}

TEST(Ipv4Address, Classification) {
  EXPECT_TRUE((Ipv4Address{{224, 0, 0, 1}}).is_multicast());
  EXPECT_TRUE((Ipv4Address{{239, 255, 255, 255}}).is_multicast());
  EXPECT_FALSE((Ipv4Address{{223, 255, 255, 255}}).is_multicast());
  EXPECT_TRUE((Ipv4Address{{255, 255, 255, 255}}).is_limited_broadcast());
  EXPECT_TRUE(Ipv4Address{}.is_unspecified());
  EXPECT_EQ(Ipv4Address::from_u32(0x7f000001), (Ipv4Address{{127, 0, 0, 1}}));
  EXPECT_EQ((Ipv4Address{{10, 1, 2, 3}}).to_u32(), 0x0a010203u);
}

}  // namespace
}  // namespace pong::wire
