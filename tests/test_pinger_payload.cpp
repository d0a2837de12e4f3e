// pinger's requests: -p hex patterns, filling to -s bytes, each family's
// largest echo, and the Echo Request header written in front of the data.
#include "payload.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"

namespace pong::client {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(FillPattern, HexPairs) {
  EXPECT_EQ(parse_fill_pattern("ff").value(), Bytes{0xff});
  EXPECT_EQ(parse_fill_pattern("a5A5").value(), (Bytes{0xa5, 0xa5}));
  EXPECT_EQ(parse_fill_pattern("0xdeadBEEF").value(), (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(parse_fill_pattern("00112233445566778899aabbccddeeff").value().size(), 16u);
}

TEST(FillPattern, RefusesWhatIsNotOneToSixteenBytes) {
  for (const char* bad :
       {"", "0x", "f", "abc", "zz", "0g", "00112233445566778899aabbccddeeff00", "12 34", "-1"}) {
    const auto r = parse_fill_pattern(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().find("pattern"), std::string::npos) << r.error();
  }
}

TEST(FillPayload, RepeatsAndCuts) {
  const Bytes pattern{1, 2, 3};
  EXPECT_EQ(fill_payload(pattern, 7), (Bytes{1, 2, 3, 1, 2, 3, 1}));
  EXPECT_EQ(fill_payload(pattern, 2), (Bytes{1, 2}));
  EXPECT_EQ(fill_payload(pattern, 0), Bytes{});
  EXPECT_EQ(fill_payload({}, 3), (Bytes{0, 0, 0}));
}

TEST(FillPayload, TheArticlesTextByDefault) {
  const Bytes text(kDefaultPayloadText.begin(), kDefaultPayloadText.end());
  EXPECT_EQ(fill_payload(text, text.size()), text);
  EXPECT_EQ(text.size(), 17u);  // 21 bytes with identifier and sequence
  EXPECT_EQ(fill_payload(text, max_echo_data(wire::IpFamily::kIpv4)).size(), 65507u);
}

TEST(MaxEchoData, EachFamilysLargestEcho) {
  // IPv4: the 16-bit total length counts the 20-byte header and the 8
  // bytes of ICMP; IPv6: the payload length counts only the 8 (RFC 8200 3).
  EXPECT_EQ(max_echo_data(wire::IpFamily::kIpv4), 65535u - 20 - 8);
  EXPECT_EQ(max_echo_data(wire::IpFamily::kIpv6), 65535u - 8);
  EXPECT_EQ(kMaxDataBytesAnyFamily, 65527u);
}

TEST(EchoRequest, Ipv4IsChecksummedHere) {
  Bytes request(8 + 4, 0);
  request[8] = 'p';
  request[11] = 'g';
  write_echo_request(wire::IpFamily::kIpv4, request, 0x1234, 7);
  const auto packet = wire::Icmpv4Packet::parse(std::span<const std::uint8_t>(request));
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(packet->type(), wire::Icmpv4Type::kEchoRequest);
  EXPECT_EQ(packet->code(), 0);
  EXPECT_EQ(packet->identifier(), 0x1234);
  EXPECT_EQ(packet->sequence(), 7);
  EXPECT_TRUE(packet->checksum_valid());
  EXPECT_EQ(request[8], 'p');
  EXPECT_EQ(request[11], 'g');
  // The next send rewrites only what changes.
  write_echo_request(wire::IpFamily::kIpv4, request, 0x1234, 8);
  EXPECT_EQ(wire::Icmpv4Packet::parse(std::span<const std::uint8_t>(request))->sequence(), 8);
  EXPECT_TRUE(wire::Icmpv4Packet::parse(std::span<const std::uint8_t>(request))->checksum_valid());
}

TEST(EchoRequest, Ipv6LeavesTheChecksumToTheKernel) {
  // What iputils `ping -6` sent in tests/packets.hpp's capture: type 128,
  // id 0x3381, seq 1, "ping". Its checksum (0x7119) covers a pseudo-header
  // with the source address, which only the kernel knows when it sends.
  Bytes request{0, 0, 0, 0, 0, 0, 0, 0, 'p', 'i', 'n', 'g'};
  write_echo_request(wire::IpFamily::kIpv6, request, 0x3381, 1);
  EXPECT_EQ(request, (Bytes{std::to_underlying(wire::Icmpv6Type::kEchoRequest), 0, 0, 0, 0x33, 0x81,
                            0, 1, 'p', 'i', 'n', 'g'}));
  // Nothing to write into is no crash.
  Bytes tiny(7, 0xaa);
  write_echo_request(wire::IpFamily::kIpv6, tiny, 1, 1);
  EXPECT_EQ(tiny, Bytes(7, 0xaa));
}

}  // namespace
}  // namespace pong::client
