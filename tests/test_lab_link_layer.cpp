// Where the IPv4 header starts: no link layer, Ethernet, 802.1Q, cooked.
#include "link_layer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "packets.hpp"

namespace pong::lab {
namespace {

std::vector<std::uint8_t> prefixed(std::vector<std::uint8_t> header) {
  const auto ip = test::captured_request();
  header.insert(header.end(), ip.begin(), ip.end());
  return header;
}

TEST(FindIpv4Header, NoLinkLayer) {
  const auto r = find_ipv4_header(test::captured_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kNone);
  EXPECT_EQ(r->length, 0u);
  EXPECT_EQ(r->summary, "");
}

TEST(FindIpv4Header, EthernetAsTcpdumpXxPrintsIt) {
  const auto frame = prefixed(
      {0x02, 0x42, 0xac, 0x16, 0x00, 0x03, 0x02, 0x42, 0xac, 0x16, 0x00, 0x02, 0x08, 0x00});
  const auto r = find_ipv4_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
  EXPECT_EQ(r->length, 14u);
  EXPECT_EQ(r->summary,
            "Ethernet II, 14 bytes: destination 02:42:ac:16:00:03, source 02:42:ac:16:00:02, "
            "type 0x0800 (IPv4)");
}

TEST(FindIpv4Header, EthernetWithAVlanTag) {
  const auto frame =
      prefixed({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00});
  const auto r = find_ipv4_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernetVlan);
  EXPECT_EQ(r->length, 18u);
  EXPECT_NE(r->summary.find("VLAN 100"), std::string::npos);
}

TEST(FindIpv4Header, LinuxCookedV1AndV2AsTcpdumpDashIAnyWritesThem) {
  // tcpdump -i any -y LINUX_SLL: packet type 0, ARPHRD_LOOPBACK, 6-byte address.
  auto r = find_ipv4_header(
      prefixed({0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kLinuxCooked);
  EXPECT_EQ(r->length, 16u);
  // tcpdump 4.99 -i any: LINUX_SLL2, interface index 1.
  r = find_ipv4_header(prefixed({0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04,
                                 0x00, 0x06, 0,    0,    0,    0,    0,    0,    0,    0}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kLinuxCooked2);
  EXPECT_EQ(r->length, 20u);
  EXPECT_EQ(r->summary,
            "Linux cooked header v2 (tcpdump -i any), 20 bytes: interface index 1, packet to "
            "this host, type 0x0800 (IPv4)");
}

TEST(FindIpv4Header, ATruncatedEthernetFrameStillPointsAtItsIpHeader) {
  auto frame = prefixed({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00});
  frame.resize(14 + 13);
  const auto r = find_ipv4_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
}

TEST(FindIpv4Header, SaysWhatAFrameIsWhenItIsNotIpv4) {
  std::vector<std::uint8_t> ipv6(40, 0);
  ipv6[0] = 0x60;
  auto r = find_ipv4_header(ipv6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNotIpv4);
  EXPECT_EQ(r.error().message,
            "this is an IPv6 packet (version 6 in the first byte): icmp-lab decodes IPv4 only");

  std::vector<std::uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  r = find_ipv4_header(arp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "this looks like an Ethernet frame carrying ARP (type 0x0806 at offset 12): icmp-lab "
            "decodes IPv4 only");

  r = find_ipv4_header(std::vector<std::uint8_t>{0x12, 0x34, 0x56});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNoIpv4);
  EXPECT_EQ(r.error().message,
            "cannot find an IPv4 header: the first byte is 0x12, not 0x45-0x4f, and no Ethernet "
            "or Linux cooked header says IPv4 (type 0x0800)");

  r = find_ipv4_header(std::vector<std::uint8_t>{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kEmptyInput);
}

TEST(FindIpv4Header, TruncationAtEveryLengthNeverReadsPastTheEnd) {
  const auto frame = prefixed({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00});
  for (std::size_t n = 0; n <= frame.size(); ++n) {
    const auto r = find_ipv4_header(std::span(frame).first(n));
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
      continue;
    }
    // From the byte after the EtherType on, the frame reads as Ethernet.
    EXPECT_GE(n, 14u);
    EXPECT_EQ(r->kind, LinkKind::kEthernet) << n;
  }
}

}  // namespace
}  // namespace pong::lab
