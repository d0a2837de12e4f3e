// Decoding captured IPv4 datagrams and IPv6 packets field by field, as
// icmp-lab shows them.
#include "decode.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hex_input.hpp"
#include "packets.hpp"
#include "sys/format.hpp"
#include "test_lab_captures.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

constexpr wire::Ipv4Address kLoopback{{127, 0, 0, 1}};

// An IPv4 datagram around `icmp` (tests/test_lab_captures.hpp).
std::vector<std::uint8_t> datagram(std::vector<std::uint8_t> icmp, std::uint8_t protocol = 1) {
  return test::ipv4_datagram(std::move(icmp), protocol);
}

void fix_ip_checksum(std::vector<std::uint8_t>& bytes) {
  (*wire::Ipv4PacketMut::parse(bytes)).fill_header_checksum();
}

TEST(DecodePacket, TheCapturedRequestDecodesToExactlyItsFields) {
  const auto p = decode_packet(test::captured_request());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->link.kind, LinkKind::kNone);
  ASSERT_NE(p->ipv4(), nullptr);
  const Ipv4Header& ip = *p->ipv4();
  EXPECT_EQ(ip.version, 4);
  EXPECT_EQ(ip.ihl, 5);
  EXPECT_EQ(ip.header_length, 20u);
  EXPECT_EQ(ip.tos, 0);
  EXPECT_EQ(ip.total_length, 84);
  EXPECT_EQ(ip.identification, 0x9210);
  EXPECT_FALSE(ip.reserved_flag);
  EXPECT_TRUE(ip.dont_fragment);
  EXPECT_FALSE(ip.more_fragments);
  EXPECT_EQ(ip.fragment_offset, 0);
  EXPECT_EQ(ip.ttl, 64);
  EXPECT_EQ(ip.protocol, 1);
  EXPECT_EQ(ip.checksum.value, 0xaa96);
  EXPECT_TRUE(ip.checksum.valid);
  EXPECT_EQ(ip.checksum.sum, 0xffff);
  EXPECT_EQ(ip.checksum.expected, 0xaa96);
  EXPECT_EQ(ip.source, kLoopback);
  EXPECT_EQ(ip.destination, kLoopback);
  EXPECT_TRUE(ip.options.empty());
  EXPECT_EQ(p->trailing_bytes, 0u);

  ASSERT_TRUE(p->icmp);
  const IcmpMessage& icmp = *p->icmp;
  EXPECT_EQ(icmp.length, 64u);
  EXPECT_EQ(icmp.type, IcmpType{wire::Icmpv4Type::kEchoRequest});
  EXPECT_EQ(icmp.code, 0);
  EXPECT_EQ(icmp.checksum_field, 0x492b);
  ASSERT_TRUE(icmp.checksum);
  EXPECT_TRUE(icmp.checksum->valid);
  EXPECT_EQ(icmp.identifier, 21780);
  EXPECT_EQ(icmp.sequence, 1);
  EXPECT_EQ(icmp.data.size(), 56u);
  EXPECT_EQ(icmp.data[16], 0x10);
  EXPECT_FALSE(icmp.quoted);
  EXPECT_EQ(icmp_type_label(icmp.type), "echo request");
  ASSERT_EQ(icmp.notes.size(), 2u);
  EXPECT_EQ(icmp.notes[0],
            "data bytes 0-15 look like iputils ping's send time (a struct timeval, "
            "little-endian): 2021-07-18 10:53:33.885612 UTC");
  EXPECT_EQ(icmp.notes[1],
            "data bytes 16-55 are ping's default fill: each byte holds its own offset (0x10, "
            "0x11, ...)");
}

TEST(DecodePacket, WithChecksum512bAndType0ItIsAValidReply) {
  auto bytes = test::captured_request();
  bytes[20] = 0;     // type 8 -> 0
  bytes[22] = 0x51;  // checksum 492b -> 512b
  bytes[23] = 0x2b;
  const auto p = decode_packet(bytes);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->ipv4()->checksum.valid);
  ASSERT_TRUE(p->icmp);
  EXPECT_EQ(p->icmp->type, IcmpType{wire::Icmpv4Type::kEchoReply});
  EXPECT_EQ(icmp_type_label(p->icmp->type), "echo reply");
  EXPECT_EQ(p->icmp->checksum_field, 0x512b);
  EXPECT_TRUE(p->icmp->checksum->valid);
  EXPECT_EQ(p->icmp->identifier, 21780);
  EXPECT_EQ(p->icmp->sequence, 1);
}

TEST(DecodePacket, TheSameFromATcpdumpXPasteAndFromAnEthernetFrame) {
  const std::string paste =
      "\t0x0000:  4500 0054 9210 4000 4001 aa96 7f00 0001  E..T..@.@.......\n"
      "\t0x0010:  7f00 0001 0800 492b 5514 0001 2d08 f460  ......I+U...-..`\n"
      "\t0x0020:  0000 0000 6c83 0d00 0000 0000 1011 1213  ....l...........\n"
      "\t0x0030:  1415 1617 1819 1a1b 1c1d 1e1f 2021 2223  ............ !\"#\n"
      "\t0x0040:  2425 2627 2829 2a2b 2c2d 2e2f 3031 3233  $%&'()*+,-./0123\n"
      "\t0x0050:  3435 3637                                4567\n";
  const auto captures = parse_captures(paste);
  ASSERT_TRUE(captures);
  const auto p = decode_packet((*captures)[0].bytes);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->identifier, 21780);
  EXPECT_EQ(p->ipv4()->ttl, 64);
  EXPECT_TRUE(p->ipv4()->checksum.valid);
  EXPECT_TRUE(p->icmp->checksum->valid);

  std::vector<std::uint8_t> frame(12, 0);
  frame.push_back(0x08);
  frame.push_back(0x00);
  const auto ip = test::captured_request();
  frame.insert(frame.end(), ip.begin(), ip.end());
  frame.resize(frame.size() + 4, 0);  // padding after the datagram
  const auto q = decode_packet(frame);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->link.kind, LinkKind::kEthernet);
  EXPECT_EQ(q->trailing_bytes, 4u);
  EXPECT_EQ(q->datagram, ip);
  EXPECT_EQ(q->icmp->sequence, 1);
}

TEST(DecodePacket, WrongChecksumsAreShownWithTheRightValues) {
  auto bytes = test::captured_request();
  bytes[11] ^= 0x01;  // IP checksum aa96 -> aa97
  bytes[23] ^= 0x01;  // ICMP checksum 492b -> 492a
  const auto p = decode_packet(bytes);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->ipv4()->checksum.valid);
  EXPECT_EQ(p->ipv4()->checksum.value, 0xaa97);
  EXPECT_EQ(p->ipv4()->checksum.expected, 0xaa96);
  EXPECT_EQ(p->ipv4()->checksum.sum, 0x0001);  // one more than 0xffff, with the carry folded
  EXPECT_FALSE(p->icmp->checksum->valid);
  EXPECT_EQ(p->icmp->checksum->expected, 0x492b);
}

TEST(DecodePacket, TruncationAtEveryLength) {
  const auto full = test::captured_request();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto p = decode_packet(std::span(full).first(n));
    ASSERT_FALSE(p) << n;
    if (n == 0) {
      EXPECT_EQ(p.error().kind, LabErrorKind::kEmptyInput);
    } else if (n < 20) {
      EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedIpHeader) << n;
      EXPECT_EQ(p.error().message,
                "truncated IPv4 header: needs 20 bytes, got " + std::to_string(n));
    } else {
      EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedDatagram) << n;
      EXPECT_EQ(p.error().message,
                "truncated datagram: the total length field says 84 bytes, got " +
                    std::to_string(n) + " (was the capture cut short, e.g. by tcpdump -s?)");
    }
  }
  EXPECT_TRUE(decode_packet(full));
}

TEST(DecodePacket, AnIcmpHeaderCutShortAtEveryLength) {
  for (std::size_t icmp_length = 0; icmp_length < 8; ++icmp_length) {
    auto bytes = test::captured_request();
    bytes.resize(20 + icmp_length);
    bytes[2] = 0;
    bytes[3] = static_cast<std::uint8_t>(20 + icmp_length);
    fix_ip_checksum(bytes);
    const auto p = decode_packet(bytes);
    ASSERT_FALSE(p) << icmp_length;
    EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedIcmp);
    EXPECT_EQ(p.error().message,
              fmt::format("truncated ICMP header: needs 8 bytes, got {} (total length {} minus "
                          "the 20-byte IP header)",
                          icmp_length, 20 + icmp_length));
  }
}

TEST(DecodePacket, BadHeaderFields) {
  auto bytes = test::captured_request();
  bytes[0] = 0x44;  // IHL 4
  auto p = decode_packet(bytes);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kBadHeaderLength);
  EXPECT_EQ(p.error().message,
            "bad IHL 4: the header would be 4 x 4 = 16 bytes, less than the 20-byte minimum");

  bytes = test::captured_request();
  bytes[0] = 0x4f;  // IHL 15 = 60 bytes, but the capture is cut at 40
  bytes.resize(40);
  p = decode_packet(bytes);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedIpHeader);
  EXPECT_EQ(p.error().message,
            "truncated IPv4 header: IHL 15 says the header has 60 bytes, got 40");

  bytes = test::captured_request();
  bytes[2] = 0;
  bytes[3] = 16;  // total length 16 < 20
  p = decode_packet(bytes);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kBadTotalLength);
  EXPECT_EQ(p.error().message, "bad total length 16: less than the 20-byte header");

  bytes = test::captured_request();
  bytes[0] = 0x65;  // version 6 after an Ethernet header that says IPv4
  std::vector<std::uint8_t> frame(12, 0);
  frame.push_back(0x08);
  frame.push_back(0x00);
  frame.insert(frame.end(), bytes.begin(), bytes.end());
  p = decode_packet(frame);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kBadIpVersion);
  EXPECT_EQ(p.error().message, "not IPv4: the version field (the first hex digit) is 6, not 4");
}

TEST(DecodePacket, OptionsAreListed) {
  // Record route with room for two addresses, then End of Option List.
  wire::Ipv4Repr repr;
  repr.source = {{10, 0, 0, 1}};
  repr.destination = {{10, 0, 0, 2}};
  std::vector<std::uint8_t> icmp{8, 0, 0, 0, 0, 1, 0, 1};
  const std::vector<std::uint8_t> options{7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<std::uint8_t> bytes(20 + options.size() + icmp.size());
  repr.payload_length = options.size() + icmp.size();
  repr.emit(bytes);
  bytes[0] = 0x48;
  std::copy(options.begin(), options.end(), bytes.begin() + 20);
  const std::uint16_t c = wire::internet_checksum(icmp);
  icmp[2] = static_cast<std::uint8_t>(c >> 8);
  icmp[3] = static_cast<std::uint8_t>(c);
  std::copy(icmp.begin(), icmp.end(), bytes.begin() + 32);
  fix_ip_checksum(bytes);
  const auto p = decode_packet(bytes);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->ipv4()->header_length, 32u);
  ASSERT_EQ(p->ipv4()->option_list.size(), 2u);
  EXPECT_EQ(p->ipv4()->option_list[0].type, 7);
  EXPECT_EQ(p->ipv4()->option_list[0].length, 11u);
  EXPECT_EQ(ip_option_name(7), "record route");
  EXPECT_FALSE(p->ipv4()->options_malformed);
  EXPECT_TRUE(p->icmp->checksum->valid);
}

TEST(DecodePacket, NotIcmpAndFragments) {
  auto p = decode_packet(datagram({0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00}, 17));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->icmp);
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_EQ(p->notes[0], "protocol 17 (UDP): icmp-lab decodes ICMP only; 8 bytes of payload");

  auto later = datagram({0, 1, 2, 3, 4, 5, 6, 7});
  later[6] = 0x00;
  later[7] = 0xb9;  // fragment offset 185 (1480 bytes)
  fix_ip_checksum(later);
  p = decode_packet(later);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->icmp);
  EXPECT_EQ(p->notes[0],
            "a fragment starting at byte 1480 of the original payload: the ICMP header is in the "
            "first fragment");

  auto first = test::captured_request();
  first[6] = 0x20;  // MF
  fix_ip_checksum(first);
  p = decode_packet(first);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->icmp);
  EXPECT_FALSE(p->icmp->checksum);
}

TEST(DecodePacket, ErrorMessagesQuoteTheOriginalDatagram) {
  // Port unreachable for a UDP datagram 10.0.0.2:12345 -> 10.0.0.1:53.
  wire::Ipv4Repr original;
  original.protocol = 17;
  original.source = {{10, 0, 0, 2}};
  original.destination = {{10, 0, 0, 1}};
  original.payload_length = 40;
  std::vector<std::uint8_t> quoted(20);
  original.emit(quoted);
  for (const int b : {0x30, 0x39, 0x00, 0x35, 0x00, 0x28, 0xab, 0xcd}) {
    quoted.push_back(static_cast<std::uint8_t>(b));
  }
  std::vector<std::uint8_t> icmp{3, 3, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());
  auto p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(p->icmp);
  EXPECT_EQ(icmp_type_label(wire::Icmpv4Type::kDestinationUnreachable), "destination unreachable");
  EXPECT_EQ(icmp_code_label(wire::Icmpv4Type::kDestinationUnreachable, 3), "port unreachable");
  ASSERT_TRUE(p->icmp->quoted);
  const QuotedDatagram& q = *p->icmp->quoted;
  ASSERT_TRUE(q.header);
  ASSERT_TRUE(std::holds_alternative<Ipv4Header>(*q.header));
  const auto& quoted_header = std::get<Ipv4Header>(*q.header);
  EXPECT_EQ(quoted_header.protocol, 17);
  EXPECT_EQ(quoted_header.total_length, 60);  // the original's, not what is quoted
  EXPECT_TRUE(quoted_header.checksum.valid);
  EXPECT_EQ(quoted_header.source, (wire::Ipv4Address{{10, 0, 0, 2}}));
  EXPECT_EQ(q.transport.source_port, 12345);
  EXPECT_EQ(q.transport.destination_port, 53);
  EXPECT_EQ(q.transport.udp_length, 40);

  // Time exceeded for an echo request: the quoted ICMP id and seq.
  const auto request = test::captured_request();
  icmp = {11, 0, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(icmp_code_label(wire::Icmpv4Type::kTimeExceeded, 0),
            "time to live exceeded in transit");
  EXPECT_EQ(p->icmp->quoted->transport.icmp_type, IcmpType{wire::Icmpv4Type::kEchoRequest});
  EXPECT_EQ(p->icmp->quoted->transport.icmp_identifier, 21780);
  EXPECT_EQ(p->icmp->quoted->transport.icmp_sequence, 1);

  // Fragmentation needed: the next-hop MTU (RFC 1191).
  icmp = {3, 4, 0, 0, 0, 0, 0x05, 0xdc};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->mtu, 1500u);

  // Redirect: the gateway. Parameter problem: the pointer.
  icmp = {5, 1, 0, 0, 10, 0, 0, 254};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->gateway, (wire::Ipv4Address{{10, 0, 0, 254}}));
  icmp = {12, 0, 0, 0, 9, 0, 0, 0};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->pointer, 9u);

  // A quotation cut short is reported, not a failure.
  icmp = {3, 1, 0, 0, 0, 0, 0, 0, 0x45, 0x00};
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->icmp->quoted->header);
  EXPECT_EQ(p->icmp->quoted->problem,
            "the quoted header is cut short: 2 bytes, an IPv4 header needs at least 20");
}

TEST(DecodePacket, QuotedDataCutAtEveryLength) {
  const auto request = test::captured_request();
  for (std::size_t n = 0; n <= 40; ++n) {
    std::vector<std::uint8_t> icmp{11, 0, 0, 0, 0, 0, 0, 0};
    icmp.insert(icmp.end(), request.begin(), request.begin() + static_cast<std::ptrdiff_t>(n));
    const auto p = decode_packet(datagram(icmp));
    ASSERT_TRUE(p) << n;
    ASSERT_TRUE(p->icmp->quoted) << n;
    EXPECT_EQ(p->icmp->quoted->header.has_value(), n >= 20) << n;
  }
}

TEST(DecodePacket, TimestampAndAddressMask) {
  auto p = decode_packet(datagram({13, 0, 0, 0, 0, 7, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}));
  ASSERT_TRUE(p);
  EXPECT_EQ(icmp_type_label(wire::Icmpv4Type::kTimestamp), "timestamp");
  EXPECT_EQ(p->icmp->identifier, 7);
  ASSERT_TRUE(p->icmp->timestamps);
  EXPECT_EQ((*p->icmp->timestamps)[2], 3u);
  p = decode_packet(datagram({18, 0, 0, 0, 0, 7, 0, 1, 255, 255, 255, 0}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->address_mask, (wire::Ipv4Address{{255, 255, 255, 0}}));
}

// RFC 792 names every code of Destination Unreachable (0-5), Redirect
// (0-3), Time Exceeded (0-1) and Parameter Problem (0).
TEST(IcmpLabels, EveryRfc792CodeHasAName) {
  using enum wire::Icmpv4Type;
  for (std::uint8_t code = 0; code <= 5; ++code) {
    EXPECT_NE(icmp_code_label(kDestinationUnreachable, code), "unassigned");
  }
  for (std::uint8_t code = 0; code <= 3; ++code)
    EXPECT_NE(icmp_code_label(kRedirect, code), "unassigned");
  for (std::uint8_t code = 0; code <= 1; ++code) {
    EXPECT_NE(icmp_code_label(kTimeExceeded, code), "unassigned");
  }
  EXPECT_EQ(icmp_code_label(kParameterProblem, 0), "pointer indicates the error");
  EXPECT_EQ(icmp_code_label(kDestinationUnreachable, 99), "unassigned");
  EXPECT_EQ(icmp_code_label(kEchoRequest, 0), "");
  EXPECT_EQ(icmp_code_label(kEchoRequest, 1), "not defined for this type");
  EXPECT_EQ(icmp_type_label(kEchoReply), "echo reply");
  EXPECT_EQ(icmp_type_label(static_cast<wire::Icmpv4Type>(42)), "unassigned");
}

// RFC 4443 3.1, 3.3 and 3.4 name every code of their error messages.
TEST(IcmpLabels, EveryRfc4443CodeHasAName) {
  using enum wire::Icmpv6Type;
  for (std::uint8_t code = 0; code <= 6; ++code) {
    EXPECT_NE(icmp_code_label(kDestinationUnreachable, code), "unassigned") << int{code};
  }
  EXPECT_EQ(icmp_code_label(kDestinationUnreachable, 4), "port unreachable");
  EXPECT_EQ(icmp_code_label(kTimeExceeded, 0), "hop limit exceeded in transit");
  EXPECT_EQ(icmp_code_label(kParameterProblem, 1), "unrecognized Next Header type encountered");
  EXPECT_EQ(icmp_code_label(kParameterProblem, 9), "unassigned");
  EXPECT_EQ(icmp_code_label(kPacketTooBig, 0), "");
  EXPECT_EQ(icmp_code_label(kEchoRequest, 1), "not defined for this type");
  EXPECT_EQ(icmp_type_label(kEchoRequest), "echo request");
  EXPECT_EQ(icmp_type_label(kEchoReply), "echo reply");
  EXPECT_EQ(icmp_type_label(kPacketTooBig), "packet too big");
  EXPECT_EQ(icmp_type_label(kNeighborSolicitation), "neighbor solicitation");
  EXPECT_EQ(icmp_type_label(static_cast<wire::Icmpv6Type>(200)), "unassigned");
  // The same number means different things in the two families.
  EXPECT_EQ(icmp_type_label(IcmpType::from_wire(wire::IpFamily::kIpv4, 3)),
            "destination unreachable");
  EXPECT_EQ(icmp_type_label(IcmpType::from_wire(wire::IpFamily::kIpv6, 3)), "time exceeded");
  EXPECT_EQ(IcmpType{wire::Icmpv6Type::kEchoReply}.value(), 129);
}

// ---- IPv6 -------------------------------------------------------------------

using test::ipv6_packet;

void expect_captured_ipv6_header(const DecodedPacket& p) {
  ASSERT_NE(p.ipv6(), nullptr);
  const Ipv6Header& ip = *p.ipv6();
  EXPECT_EQ(p.family(), wire::IpFamily::kIpv6);
  EXPECT_EQ(ip.version, 6);
  EXPECT_EQ(ip.traffic_class, 0);
  EXPECT_EQ(ip.flow_label, 0x61f06u);
  EXPECT_EQ(ip.payload_length, 64);
  EXPECT_EQ(ip.next_header, 58);
  EXPECT_EQ(ip.hop_limit, 64);
  EXPECT_EQ(fmt::format("{}", ip.source), "fd00:172:22::2");
  EXPECT_EQ(fmt::format("{}", ip.destination), "fd00:172:22::3");
  EXPECT_EQ(p.header_length(), 40u);
  EXPECT_EQ(p.trailing_bytes, 0u);
  EXPECT_EQ(p.datagram, test::ping6_request());
}

// The ping -6 request of test_lab_captures.hpp, field by field, and its
// checksum pinned to the hand computation stated there.
TEST(DecodeIpv6, TheCapturedRequestDecodesToExactlyItsFields) {
  const auto p = decode_packet(test::ping6_request());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->link.kind, LinkKind::kNone);
  expect_captured_ipv6_header(*p);
  ASSERT_TRUE(p->icmp);
  const IcmpMessage& icmp = *p->icmp;
  EXPECT_EQ(icmp.length, 64u);
  EXPECT_EQ(icmp.type, IcmpType{wire::Icmpv6Type::kEchoRequest});
  EXPECT_EQ(icmp_type_label(icmp.type), "echo request");
  EXPECT_EQ(icmp.code, 0);
  EXPECT_EQ(icmp.checksum_field, 0x41e8);
  ASSERT_TRUE(icmp.checksum);
  EXPECT_TRUE(icmp.checksum->valid);
  EXPECT_EQ(icmp.checksum->sum, 0xffff);
  EXPECT_EQ(icmp.checksum->expected, 0x41e8);
  EXPECT_EQ(icmp.identifier, 18437);
  EXPECT_EQ(icmp.sequence, 1);
  EXPECT_EQ(icmp.data.size(), 56u);
  EXPECT_FALSE(icmp.quoted);
  EXPECT_FALSE(icmp.mtu);
  ASSERT_EQ(icmp.notes.size(), 2u);
  EXPECT_EQ(icmp.notes[1],
            "data bytes 16-55 are ping's default fill: each byte holds its own offset (0x10, "
            "0x11, ...)");

  ASSERT_TRUE(icmp.pseudo_header);
  EXPECT_EQ(icmp.pseudo_header->upper_layer_length, 64u);
  EXPECT_EQ(icmp.pseudo_header->next_header, 58);
  ASSERT_TRUE(icmp.checksum_steps);
  const ChecksumSteps& steps = *icmp.checksum_steps;
  ASSERT_EQ(steps.words.size(), 20u + 32u);
  // The pseudo-header by hand: 0x1fda7 after its 20 words.
  EXPECT_EQ(steps.words[19].running, 0x1fda7u);
  EXPECT_EQ(steps.words[20].part, ChecksumPart::kData);
  EXPECT_EQ(steps.words[20].value, 0x8000);
  // With the checksum field 0x41e8 included: 0x1fda7 + 0x4c06a + 0x41e8.
  EXPECT_EQ(steps.sum, 0x6fff9u);
  EXPECT_EQ(steps.folded, 0xffff);
  EXPECT_TRUE(steps.verifies());
}

TEST(DecodeIpv6, TheCapturedReplyIsPongsType129WithChecksum40e8) {
  const auto p = decode_packet(test::ping6_reply());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->ipv6()->flow_label, 0x4f61cu);
  EXPECT_EQ(fmt::format("{}", p->source()), "fd00:172:22::3");
  EXPECT_EQ(fmt::format("{}", p->destination()), "fd00:172:22::2");
  EXPECT_EQ(p->icmp->type, IcmpType{wire::Icmpv6Type::kEchoReply});
  EXPECT_EQ(p->icmp->checksum_field, 0x40e8);
  EXPECT_TRUE(p->icmp->checksum->valid);
  EXPECT_EQ(p->icmp->identifier, 18437);
  EXPECT_EQ(p->icmp->data, decode_packet(test::ping6_request())->icmp->data);
}

// tcpdump -xx (Ethernet, EtherType 0x86dd) and tcpdump -X of the same
// ping, as printed.
TEST(DecodeIpv6, TheSameFromTcpdumpXxAndXPastes) {
  for (const std::string_view paste : {test::kPing6TcpdumpXx, test::kPing6TcpdumpX}) {
    const auto captures = parse_captures(paste);
    ASSERT_TRUE(captures);
    ASSERT_EQ(captures->size(), 2u);
    const auto request = decode_packet((*captures)[0].bytes);
    ASSERT_TRUE(request) << request.error().message;
    expect_captured_ipv6_header(*request);
    EXPECT_EQ(request->icmp->checksum_field, 0x41e8);
    EXPECT_TRUE(request->icmp->checksum->valid);
    const auto reply = decode_packet((*captures)[1].bytes);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->icmp->type, IcmpType{wire::Icmpv6Type::kEchoReply});
    EXPECT_TRUE(reply->icmp->checksum->valid);
  }
  const auto xx = parse_captures(test::kPing6TcpdumpXx);
  const auto frame = decode_packet((*xx)[0].bytes);
  EXPECT_EQ(frame->link.kind, LinkKind::kEthernet);
  EXPECT_EQ(frame->link.family, wire::IpFamily::kIpv6);
  const auto x = parse_captures(test::kPing6TcpdumpX);
  EXPECT_EQ(decode_packet((*x)[0].bytes)->link.kind, LinkKind::kNone);
}

TEST(DecodeIpv6, TruncationAtEveryLength) {
  const auto full = test::ping6_request();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const auto p = decode_packet(std::span(full).first(n));
    ASSERT_FALSE(p) << n;
    if (n == 0) {
      EXPECT_EQ(p.error().kind, LabErrorKind::kEmptyInput);
    } else if (n < 40) {
      EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedIpHeader) << n;
      EXPECT_EQ(p.error().message, fmt::format("truncated IPv6 header: needs 40 bytes, got {}", n));
    } else {
      EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedDatagram) << n;
      EXPECT_EQ(p.error().message,
                fmt::format("truncated packet: the payload length field says 64 bytes after the "
                            "40-byte header, 104 in all, got {} (was the capture cut short, e.g. "
                            "by tcpdump -s?)",
                            n));
    }
  }
  EXPECT_TRUE(decode_packet(full));
}

TEST(DecodeIpv6, TheFrameCutAtEveryLength) {
  const auto frame = test::ping6_request_frame();
  for (std::size_t n = 14; n < frame.size(); ++n) {
    const auto p = decode_packet(std::span(frame).first(n));
    ASSERT_FALSE(p) << n;
    EXPECT_EQ(p.error().kind,
              n < 14 + 40 ? LabErrorKind::kTruncatedIpHeader : LabErrorKind::kTruncatedDatagram)
        << n;
  }
}

TEST(DecodeIpv6, APayloadLengthBeyondTheBytesGiven) {
  auto bytes = test::ping6_request();
  bytes[5] = 0x50;  // payload length 80, but 64 bytes follow
  const auto p = decode_packet(bytes);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedDatagram);
  EXPECT_EQ(p.error().message,
            "truncated packet: the payload length field says 80 bytes after the 40-byte header, "
            "120 in all, got 104 (was the capture cut short, e.g. by tcpdump -s?)");
}

TEST(DecodeIpv6, BytesAfterThePayloadAreLinkLayerPadding) {
  auto frame = test::ping6_request_frame();
  frame.resize(frame.size() + 4, 0);
  const auto p = decode_packet(frame);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->link.kind, LinkKind::kEthernet);
  EXPECT_EQ(p->trailing_bytes, 4u);
  EXPECT_EQ(p->datagram, test::ping6_request());
}

TEST(DecodeIpv6, ABadVersionBehindAnEtherTypeThatSaysIpv6) {
  auto frame = test::ping6_request_frame();
  frame[14] = 0x46;  // version 4
  auto p = decode_packet(frame);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kBadIpVersion);
  EXPECT_EQ(p.error().message, "not IPv6: the version field (the first hex digit) is 4, not 6");

  // Without a link layer, a version that is neither 4 nor 6 is no IP.
  auto bytes = test::ping6_request();
  bytes[0] = 0x56;
  p = decode_packet(bytes);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, LabErrorKind::kNoIpHeader);
}

TEST(DecodeIpv6, AnIcmpv6HeaderCutShortAtEveryLength) {
  for (std::size_t icmp_length = 0; icmp_length < 8; ++icmp_length) {
    auto bytes = test::ping6_request();
    bytes.resize(40 + icmp_length);
    bytes[4] = 0;
    bytes[5] = static_cast<std::uint8_t>(icmp_length);
    const auto p = decode_packet(bytes);
    ASSERT_FALSE(p) << icmp_length;
    EXPECT_EQ(p.error().kind, LabErrorKind::kTruncatedIcmp);
    EXPECT_EQ(p.error().message,
              fmt::format("truncated ICMPv6 header: needs 8 bytes, got {} (the payload length)",
                          icmp_length));
  }
}

TEST(DecodeIpv6, AWrongChecksumIsShownWithTheRightValue) {
  auto bytes = test::ping6_request();
  bytes[43] ^= 0x01;  // 0x41e8 -> 0x41e9
  const auto p = decode_packet(bytes);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->icmp->checksum->valid);
  EXPECT_EQ(p->icmp->checksum->value, 0x41e9);
  EXPECT_EQ(p->icmp->checksum->expected, 0x41e8);
  EXPECT_EQ(p->icmp->checksum->sum, 0x0001);
  EXPECT_FALSE(p->icmp->checksum_steps->verifies());

  // The addresses are in the sum: the same message from another source
  // does not verify (RFC 4443 2.3).
  bytes = test::ping6_request();
  bytes[23] = 0x09;  // source fd00:172:22::9
  const auto q = decode_packet(bytes);
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->icmp->checksum->valid);
  // ::9 instead of ::2 adds 7: 0xffff + 7 folds to 0x0007.
  EXPECT_EQ(q->icmp->checksum->sum, 0x0007);
}

TEST(DecodeIpv6, ANextHeaderThatIsNotIcmpv6GetsASentence) {
  auto p = decode_packet(ipv6_packet({0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00}, 17));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->icmp);
  ASSERT_EQ(p->notes.size(), 1u);
  EXPECT_EQ(p->notes[0],
            "next header 17 (UDP): icmp-lab decodes ICMPv6 (58) only; 8 bytes of payload");

  // A Hop-by-Hop Options header, as an MLD report carries (RFC 2710 3).
  p = decode_packet(ipv6_packet({58, 0, 5, 2, 0, 0, 1, 0, 143, 0, 0, 0, 0, 0, 0, 0}, 0));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->icmp);
  EXPECT_EQ(p->notes[0],
            "next header 0 (IPv6 Hop-by-Hop Options): an extension header (RFC 8200 4) comes "
            "before any ICMPv6 message; icmp-lab decodes ICMPv6 only when it follows the IPv6 "
            "header directly; 16 bytes of payload");

  p = decode_packet(ipv6_packet({}, 59));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->notes[0],
            "next header 59 (no next header): nothing follows the IPv6 header; 0 bytes of payload "
            "are ignored (RFC 8200 4.7)");
}

TEST(DecodeIpv6, ErrorMessagesQuoteTheInvokingPacket) {
  const auto request = test::ping6_request();
  // Packet Too Big: the MTU (RFC 4443 3.2), and the request quoted whole.
  std::vector<std::uint8_t> icmp{2, 0, 0, 0, 0, 0, 0x05, 0x00};
  icmp.insert(icmp.end(), request.begin(), request.end());
  auto p = decode_packet(ipv6_packet(icmp));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->icmp->checksum->valid);
  EXPECT_EQ(icmp_type_label(p->icmp->type), "packet too big");
  EXPECT_EQ(p->icmp->mtu, 1280u);
  ASSERT_TRUE(p->icmp->quoted);
  const QuotedDatagram& q = *p->icmp->quoted;
  ASSERT_TRUE(q.header);
  ASSERT_TRUE(std::holds_alternative<Ipv6Header>(*q.header));
  EXPECT_EQ(std::get<Ipv6Header>(*q.header).flow_label, 0x61f06u);
  EXPECT_EQ(q.payload_bytes, 64u);
  EXPECT_EQ(q.leading.size(), 8u);
  EXPECT_EQ(q.transport.icmp_type, IcmpType{wire::Icmpv6Type::kEchoRequest});
  EXPECT_EQ(q.transport.icmp_identifier, 18437);
  EXPECT_EQ(q.transport.icmp_sequence, 1);

  // Parameter Problem: a 32-bit pointer into the invoking packet (RFC
  // 4443 3.4), here at its next header field.
  icmp = {4, 1, 0, 0, 0, 0, 0, 6};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 48);
  p = decode_packet(ipv6_packet(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->pointer, 6u);
  EXPECT_EQ(icmp_code_label(p->icmp->type, p->icmp->code),
            "unrecognized Next Header type encountered");

  // Destination Unreachable, port unreachable, for a UDP datagram: the
  // payload length is the original's, more than is quoted.
  wire::Ipv6Repr original;
  original.next_header = 17;
  original.source.octets[15] = 2;
  original.destination.octets[15] = 1;
  original.payload_length = 40;
  std::vector<std::uint8_t> quoted(40);
  original.emit(quoted);
  for (const int b : {0x30, 0x39, 0x00, 0x35, 0x00, 0x28, 0xab, 0xcd}) {
    quoted.push_back(static_cast<std::uint8_t>(b));
  }
  icmp = {1, 4, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quoted.begin(), quoted.end());
  p = decode_packet(ipv6_packet(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(icmp_code_label(p->icmp->type, p->icmp->code), "port unreachable");
  const auto& udp = p->icmp->quoted->transport;
  EXPECT_EQ(std::get<Ipv6Header>(*p->icmp->quoted->header).payload_length, 40);
  EXPECT_EQ(udp.source_port, 12345);
  EXPECT_EQ(udp.destination_port, 53);
  EXPECT_EQ(udp.udp_length, 40);
}

TEST(DecodeIpv6, AQuotationCutAtEveryLength) {
  const auto request = test::ping6_request();
  for (std::size_t n = 0; n <= 60; ++n) {
    std::vector<std::uint8_t> icmp{3, 0, 0, 0, 0, 0, 0, 0};
    icmp.insert(icmp.end(), request.begin(), request.begin() + static_cast<std::ptrdiff_t>(n));
    const auto p = decode_packet(ipv6_packet(icmp));
    ASSERT_TRUE(p) << n;
    ASSERT_TRUE(p->icmp->quoted) << n;
    EXPECT_EQ(p->icmp->quoted->header.has_value(), n >= 40) << n;
    if (n < 40 && n > 0) {
      EXPECT_EQ(
          p->icmp->quoted->problem,
          fmt::format("the quoted packet is cut short: {} bytes, an IPv6 header needs 40", n));
    }
    if (n >= 40) {
      EXPECT_EQ(p->icmp->quoted->payload_bytes, n - 40) << n;
    }
  }
}

TEST(DecodeIpv6, ProtocolNamesAndExtensionHeaders) {
  EXPECT_EQ(ip_protocol_name(58), "ICMPv6");
  EXPECT_EQ(ip_protocol_name(44), "IPv6 Fragment header");
  EXPECT_TRUE(is_ipv6_extension_header(0));
  EXPECT_TRUE(is_ipv6_extension_header(44));
  EXPECT_TRUE(is_ipv6_extension_header(60));
  EXPECT_FALSE(is_ipv6_extension_header(58));
  EXPECT_FALSE(is_ipv6_extension_header(17));
}

}  // namespace
}  // namespace pong::lab
