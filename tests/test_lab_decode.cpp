// Decoding captured datagrams field by field, as icmp-lab shows them.
#include "decode.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hex_input.hpp"
#include "packets.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {
namespace {

constexpr wire::Ipv4Address kLoopback{{127, 0, 0, 1}};

// An IPv4 datagram (no options) around `icmp`, whose checksum is filled in.
std::vector<std::uint8_t> datagram(std::vector<std::uint8_t> icmp, std::uint8_t protocol = 1) {
  if (protocol == 1 && icmp.size() >= 4) {
    icmp[2] = icmp[3] = 0;
    const std::uint16_t c = wire::internet_checksum(icmp);
    icmp[2] = static_cast<std::uint8_t>(c >> 8);
    icmp[3] = static_cast<std::uint8_t>(c);
  }
  wire::Ipv4Repr ip;
  ip.protocol = protocol;
  ip.source = {{10, 0, 0, 1}};
  ip.destination = {{10, 0, 0, 2}};
  ip.payload_length = icmp.size();
  std::vector<std::uint8_t> bytes(ip.buffer_length());
  ip.emit(bytes);
  std::copy(icmp.begin(), icmp.end(), bytes.begin() + 20);
  return bytes;
}

void fix_ip_checksum(std::vector<std::uint8_t>& bytes) {
  (*wire::Ipv4PacketMut::parse(bytes)).fill_header_checksum();
}

TEST(DecodePacket, TheCapturedRequestDecodesToExactlyItsFields) {
  const auto p = decode_packet(test::captured_request());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->link.kind, LinkKind::kNone);
  const Ipv4Header& ip = p->ip;
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
  EXPECT_EQ(icmp.type, 8);
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
  EXPECT_TRUE(p->ip.checksum.valid);
  ASSERT_TRUE(p->icmp);
  EXPECT_EQ(p->icmp->type, 0);
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
  EXPECT_EQ(p->ip.ttl, 64);
  EXPECT_TRUE(p->ip.checksum.valid);
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
  EXPECT_FALSE(p->ip.checksum.valid);
  EXPECT_EQ(p->ip.checksum.value, 0xaa97);
  EXPECT_EQ(p->ip.checksum.expected, 0xaa96);
  EXPECT_EQ(p->ip.checksum.sum, 0x0001);  // one more than 0xffff, with the carry folded
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
  EXPECT_EQ(p.error().kind, LabErrorKind::kNotIpv4);
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
  EXPECT_EQ(p->ip.header_length, 32u);
  ASSERT_EQ(p->ip.option_list.size(), 2u);
  EXPECT_EQ(p->ip.option_list[0].type, 7);
  EXPECT_EQ(p->ip.option_list[0].length, 11u);
  EXPECT_EQ(ip_option_name(7), "record route");
  EXPECT_FALSE(p->ip.options_malformed);
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
  EXPECT_EQ(icmp_type_label(3), "destination unreachable");
  EXPECT_EQ(icmp_code_label(3, 3), "port unreachable");
  ASSERT_TRUE(p->icmp->quoted);
  const QuotedDatagram& q = *p->icmp->quoted;
  ASSERT_TRUE(q.header);
  EXPECT_EQ(q.header->protocol, 17);
  EXPECT_EQ(q.header->total_length, 60);  // the original's, not what is quoted
  EXPECT_TRUE(q.header->checksum.valid);
  EXPECT_EQ(q.header->source, (wire::Ipv4Address{{10, 0, 0, 2}}));
  EXPECT_EQ(q.transport.source_port, 12345);
  EXPECT_EQ(q.transport.destination_port, 53);
  EXPECT_EQ(q.transport.udp_length, 40);

  // Time exceeded for an echo request: the quoted ICMP id and seq.
  const auto request = test::captured_request();
  icmp = {11, 0, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(icmp_code_label(11, 0), "time to live exceeded in transit");
  EXPECT_EQ(p->icmp->quoted->transport.icmp_type, 8);
  EXPECT_EQ(p->icmp->quoted->transport.icmp_identifier, 21780);
  EXPECT_EQ(p->icmp->quoted->transport.icmp_sequence, 1);

  // Fragmentation needed: the next-hop MTU (RFC 1191).
  icmp = {3, 4, 0, 0, 0, 0, 0x05, 0xdc};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  p = decode_packet(datagram(icmp));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->icmp->next_hop_mtu, 1500);

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
  EXPECT_EQ(p->icmp->pointer, 9);

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
  EXPECT_EQ(icmp_type_label(13), "timestamp");
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
  for (std::uint8_t code = 0; code <= 5; ++code) EXPECT_NE(icmp_code_label(3, code), "unassigned");
  for (std::uint8_t code = 0; code <= 3; ++code) EXPECT_NE(icmp_code_label(5, code), "unassigned");
  for (std::uint8_t code = 0; code <= 1; ++code) EXPECT_NE(icmp_code_label(11, code), "unassigned");
  EXPECT_EQ(icmp_code_label(12, 0), "pointer indicates the error");
  EXPECT_EQ(icmp_code_label(3, 99), "unassigned");
  EXPECT_EQ(icmp_code_label(8, 0), "");
  EXPECT_EQ(icmp_code_label(8, 1), "not defined for this type");
  EXPECT_EQ(icmp_type_label(0), "echo reply");
  EXPECT_EQ(icmp_type_label(42), "unassigned");
}

}  // namespace
}  // namespace pong::lab
