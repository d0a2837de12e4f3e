// Where the IP header starts, and which IP it is: no link layer, Ethernet,
// 802.1Q, 802.1ad, cooked; IPv4 and IPv6.
#include "link_layer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "packets.hpp"
#include "test_lab_captures.hpp"

namespace pong::lab {
namespace {

std::vector<std::uint8_t> prefixed(std::vector<std::uint8_t> header) {
  const auto ip = test::captured_request();
  header.insert(header.end(), ip.begin(), ip.end());
  return header;
}

TEST(FindIpHeader, NoLinkLayer) {
  const auto r = find_ip_header(test::captured_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kNone);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv4);
  EXPECT_EQ(r->length, 0u);
  EXPECT_EQ(r->summary, "");
}

TEST(FindIpHeader, EthernetAsTcpdumpXxPrintsIt) {
  const auto frame = prefixed(
      {0x02, 0x42, 0xac, 0x16, 0x00, 0x03, 0x02, 0x42, 0xac, 0x16, 0x00, 0x02, 0x08, 0x00});
  const auto r = find_ip_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
  EXPECT_EQ(r->length, 14u);
  EXPECT_EQ(r->summary,
            "Ethernet II, 14 bytes: destination 02:42:ac:16:00:03, source 02:42:ac:16:00:02, "
            "type 0x0800 (IPv4)");
}

TEST(FindIpHeader, EthernetWithAVlanTag) {
  const auto frame =
      prefixed({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00});
  const auto r = find_ip_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernetVlan);
  EXPECT_EQ(r->length, 18u);
  EXPECT_NE(r->summary.find("VLAN 100"), std::string::npos);
}

// 802.1ad (Q-in-Q): a service tag, 0x88a8, over a customer tag, 0x8100;
// some switches write the outer tag as 0x8100 too.
TEST(FindIpHeader, EthernetWithTwoTags) {
  for (const std::uint8_t outer_high : {std::uint8_t{0x88}, std::uint8_t{0x81}}) {
    const std::uint8_t outer_low = outer_high == 0x88 ? 0xa8 : 0x00;
    const auto frame =
        prefixed({0, 0,          0,         0,    0,    1,    0,    0,    0,    0,    0,
                  2, outer_high, outer_low, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00});
    const auto r = find_ip_header(frame);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, LinkKind::kEthernetQinQ);
    EXPECT_EQ(r->length, 22u);
    EXPECT_EQ(r->family, wire::IpFamily::kIpv4);
    EXPECT_EQ(r->summary,
              "Ethernet II with 802.1ad tags, 22 bytes: destination 00:00:00:00:00:01, source "
              "00:00:00:00:00:02, service VLAN 10, customer VLAN 100, type 0x0800 (IPv4)");
  }
}

TEST(FindIpHeader, LinuxCookedV1AndV2AsTcpdumpDashIAnyWritesThem) {
  // tcpdump -i any -y LINUX_SLL: packet type 0, ARPHRD_LOOPBACK, 6-byte address.
  auto r = find_ip_header(
      prefixed({0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kLinuxCooked);
  EXPECT_EQ(r->length, 16u);
  // tcpdump 4.99 -i any: LINUX_SLL2, interface index 1.
  r = find_ip_header(prefixed({0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04,
                               0x00, 0x06, 0,    0,    0,    0,    0,    0,    0,    0}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kLinuxCooked2);
  EXPECT_EQ(r->length, 20u);
  EXPECT_EQ(r->summary,
            "Linux cooked header v2 (tcpdump -i any), 20 bytes: interface index 1, packet to "
            "this host, type 0x0800 (IPv4)");
}

TEST(FindIpHeader, ATruncatedEthernetFrameStillPointsAtItsIpHeader) {
  auto frame = prefixed({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00});
  frame.resize(14 + 13);
  const auto r = find_ip_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
}

TEST(FindIpHeader, SaysWhatAFrameIsWhenItIsNotIp) {
  std::vector<std::uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  auto r = find_ip_header(arp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNoIpHeader);
  EXPECT_EQ(r.error().message,
            "this looks like an Ethernet frame carrying ARP (type 0x0806 at offset 12): icmp-lab "
            "decodes IPv4 and IPv6");

  r = find_ip_header(std::vector<std::uint8_t>{0x12, 0x34, 0x56});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kNoIpHeader);
  EXPECT_EQ(r.error().message,
            "cannot find an IP header: the first byte is 0x12, neither 0x45-0x4f (IPv4) nor "
            "0x60-0x6f (IPv6), and no Ethernet or Linux cooked header says IPv4 (type 0x0800) or "
            "IPv6 (type 0x86dd)");

  r = find_ip_header(std::vector<std::uint8_t>{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, LabErrorKind::kEmptyInput);
}

TEST(FindIpHeader, AnIpv6PacketWithoutALinkLayer) {
  const auto r = find_ip_header(test::ping6_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kNone);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
  EXPECT_EQ(r->length, 0u);
}

// The captured request as tcpdump -xx printed it: EtherType 0x86dd.
TEST(FindIpHeader, EthernetWithEtherType86ddIsIpv6) {
  const auto r = find_ip_header(test::ping6_request_frame());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
  EXPECT_EQ(r->length, 14u);
  EXPECT_EQ(r->summary,
            "Ethernet II, 14 bytes: destination f6:af:b6:6a:51:48, source a6:96:a2:85:fa:60, "
            "type 0x86dd (IPv6)");
}

TEST(FindIpHeader, Ipv6BehindAVlanTagAndTheCookedHeaders) {
  const auto packet = test::ping6_request();
  const auto behind = [&](std::vector<std::uint8_t> header) {
    header.insert(header.end(), packet.begin(), packet.end());
    return find_ip_header(header);
  };
  auto r = behind({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x64, 0x86, 0xdd});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernetVlan);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
  r = behind({0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kLinuxCooked);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
  EXPECT_EQ(r->summary,
            "Linux cooked header (tcpdump -i any), 16 bytes: packet to this host, type 0x86dd "
            "(IPv6)");
  r = behind({0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x04,
              0x00, 0x06, 0,    0,    0,    0,    0,    0,    0,    0});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kLinuxCooked2);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
}

// A MAC address may start with a 6 (0x62: locally administered unicast),
// so the frame's first byte looks like an IPv6 version. Its payload length
// would then come from the MAC address too, and not end where the frame
// does: the EtherType, which does, wins.
TEST(FindIpHeader, AnEthernetFrameStartingWithSixIsStillEthernet) {
  auto frame = test::ping6_request_frame();
  frame[0] = 0x62;
  frame[4] = 0x00;  // bytes 4-5 as a payload length: 0x0000, which fits
  frame[5] = 0x00;
  const auto r = find_ip_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv6);
}

TEST(FindIpHeader, AnIpv4FrameWhoseHeaderSaysSixStillPointsAtIt) {
  // The EtherType says IPv4; decoding then says what is wrong there.
  auto frame = prefixed({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00});
  frame[14] = 0x65;
  const auto r = find_ip_header(frame);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LinkKind::kEthernet);
  EXPECT_EQ(r->family, wire::IpFamily::kIpv4);
}

TEST(FindIpHeader, TruncationAtEveryLengthNeverReadsPastTheEnd) {
  const auto frame = prefixed({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00});
  for (std::size_t n = 0; n <= frame.size(); ++n) {
    const auto r = find_ip_header(std::span(frame).first(n));
    if (!r) {
      EXPECT_FALSE(r.error().message.empty());
      continue;
    }
    // From the byte after the EtherType on, the frame reads as Ethernet.
    EXPECT_GE(n, 14u);
    EXPECT_EQ(r->kind, LinkKind::kEthernet) << n;
  }
}

TEST(FindIpHeader, Ipv6TruncationAtEveryLengthNeverReadsPastTheEnd) {
  const auto frame = test::ping6_request_frame();
  for (std::size_t n = 0; n <= frame.size(); ++n) {
    const auto r = find_ip_header(std::span(frame).first(n));
    if (!r) {
      EXPECT_FALSE(r.error().message.empty()) << n;
      EXPECT_LT(n, 14u) << n;
      continue;
    }
    EXPECT_GE(n, 14u) << n;
    EXPECT_EQ(r->kind, LinkKind::kEthernet) << n;
    EXPECT_EQ(r->family, wire::IpFamily::kIpv6) << n;
  }
}

// ---- a capture file's declared link type -----------------------------------

TEST(IpHeaderIn, EachLinkTypePutsTheIpHeaderWhereItSays) {
  struct Case {
    CaptureLinkType type;
    std::vector<std::uint8_t> header;
    LinkKind kind;
  };
  const std::vector<Case> cases = {
      {CaptureLinkType::kEthernet,
       {2, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 2, 0x08, 0x00},
       LinkKind::kEthernet},
      {CaptureLinkType::kEthernet,
       {2, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 0x07, 0x08, 0x00},
       LinkKind::kEthernetVlan},
      {CaptureLinkType::kEthernet,
       {2, 0,    0,    0,    0,    3,    2,    0,    0,    0,    0,
        2, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x07, 0x08, 0x00},
       LinkKind::kEthernetQinQ},
      {CaptureLinkType::kLinuxCooked,
       {0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0, 0x08, 0x00},
       LinkKind::kLinuxCooked},
      {CaptureLinkType::kLinuxCooked2,
       {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 2, 0, 0},
       LinkKind::kLinuxCooked2},
      {CaptureLinkType::kRawIp, {}, LinkKind::kNone},
      {CaptureLinkType::kRawIpv4, {}, LinkKind::kNone},
      {CaptureLinkType::kLoopback, {2, 0, 0, 0}, LinkKind::kLoopback},
      {CaptureLinkType::kLoopback, {0, 0, 0, 2}, LinkKind::kLoopback},
      {CaptureLinkType::kLoopbackBigEndian, {0, 0, 0, 2}, LinkKind::kLoopback},
  };
  for (const Case& c : cases) {
    const auto r = ip_header_in(c.type, prefixed(c.header));
    ASSERT_TRUE(r && *r) << static_cast<int>(c.type);
    EXPECT_EQ((*r)->kind, c.kind);
    EXPECT_EQ((*r)->length, c.header.size());
    EXPECT_EQ((*r)->family, wire::IpFamily::kIpv4);
  }
}

TEST(IpHeaderIn, TheLoopbackFamilyOfEverySystemThatWritesIt) {
  // AF_INET6: Linux 10, NetBSD and OpenBSD 24, FreeBSD 28, macOS 30.
  for (const std::uint8_t family :
       {std::uint8_t{10}, std::uint8_t{24}, std::uint8_t{28}, std::uint8_t{30}}) {
    const auto r = ip_header_in(CaptureLinkType::kLoopback,
                                std::vector<std::uint8_t>{family, 0, 0, 0, 0x60, 0, 0, 0});
    ASSERT_TRUE(r && *r) << int{family};
    EXPECT_EQ((*r)->family, wire::IpFamily::kIpv6);
  }
  const auto r = ip_header_in(CaptureLinkType::kLoopback, prefixed({30, 0, 0, 0}));
  EXPECT_EQ((*r)->summary, "BSD loopback header, 4 bytes: address family 30 (IPv6)");
  EXPECT_FALSE(*ip_header_in(CaptureLinkType::kLoopback, prefixed({7, 0, 0, 0})));
}

TEST(IpHeaderIn, ArpAndOtherProtocolsAreNotIpAndSkipped) {
  const std::vector<std::uint8_t> arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0,
                                         0,    0,    2,    0x08, 0x06, 0,    1, 8, 0};
  const auto r = ip_header_in(CaptureLinkType::kEthernet, arp);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  const auto raw = ip_header_in(CaptureLinkType::kRawIp, std::vector<std::uint8_t>{0x50, 0});
  ASSERT_TRUE(raw);
  EXPECT_FALSE(*raw);
}

TEST(IpHeaderIn, ThreeTagsOrALoneServiceTagAreSkipped) {
  const auto skipped = [](std::vector<std::uint8_t> tags) {
    std::vector<std::uint8_t> header = {2, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 2};
    header.insert(header.end(), tags.begin(), tags.end());
    const auto r = ip_header_in(CaptureLinkType::kEthernet, prefixed(header));
    return r && !*r;
  };
  EXPECT_TRUE(skipped({0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x81, 0x00, 0, 3, 0x08, 0x00}));
  EXPECT_TRUE(skipped({0x88, 0xa8, 0, 1, 0x08, 0x00}));
}

TEST(IpHeaderIn, AFrameShorterThanItsLinkHeaderIsOneSentence) {
  const auto r = ip_header_in(CaptureLinkType::kLinuxCooked2, std::vector<std::uint8_t>(7, 0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "7 bytes, fewer than the 20-byte Linux cooked v2 header");
  EXPECT_FALSE(ip_header_in(CaptureLinkType::kRawIp, std::vector<std::uint8_t>{}));
}

}  // namespace
}  // namespace pong::lab
