// The fields of decoded packets as the RFC diagrams draw them: names, bit
// ranges and values of real packets, and that the fields of any packet
// cover its captured bytes bit for bit, with no gap and no overlap.
#include "field_layout.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decode.hpp"
#include "packets.hpp"
#include "test_lab_captures.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

using test::kCraftedBadChecksumHex;
using test::kCraftedRequestHex;

struct Expected {
  std::string_view name;
  FieldPart part;
  std::size_t bit_offset;
  std::size_t bit_width;
  std::string_view hex;
  std::string_view decimal;
  std::string_view meaning;
};

void expect_layout(const std::vector<LayoutField>& fields, const std::vector<Expected>& expected) {
  ASSERT_EQ(fields.size(), expected.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const LayoutField& f = fields[i];
    const Expected& e = expected[i];
    SCOPED_TRACE(testing::Message() << "field " << i << " (" << e.name << ")");
    EXPECT_EQ(f.name, e.name);
    EXPECT_EQ(f.part, e.part);
    EXPECT_EQ(f.bit_offset, e.bit_offset);
    EXPECT_EQ(f.bit_width, e.bit_width);
    EXPECT_EQ(f.hex, e.hex);
    EXPECT_EQ(f.decimal, e.decimal);
    EXPECT_EQ(f.meaning, e.meaning);
    EXPECT_FALSE(f.problem);
  }
}

// The fields lie end to end from bit 0 to the last captured bit.
void expect_covers_every_bit(const DecodedPacket& p, const std::string& what) {
  SCOPED_TRACE(what);
  const auto fields = field_layout(p);
  std::size_t next = 0;
  for (const LayoutField& f : fields) {
    EXPECT_EQ(f.bit_offset, next) << f.name;
    EXPECT_GT(f.bit_width, 0u) << f.name;
    next = f.bit_end();
  }
  EXPECT_EQ(next, p.datagram.size() * 8);
}

const LayoutField& field(const std::vector<LayoutField>& fields, std::string_view name) {
  const auto it =
      std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
  if (it == fields.end()) throw std::runtime_error("no field " + std::string(name));
  return *it;
}

DecodedPacket decoded(const std::vector<std::uint8_t>& bytes) {
  auto p = decode_packet(bytes);
  if (!p) throw std::runtime_error(p.error().message);
  return std::move(*p);
}

using test::ipv4_datagram;

using test::ipv6_packet;

void fix_ip_checksum(std::vector<std::uint8_t>& bytes) {
  (*wire::Ipv4PacketMut::parse(bytes)).fill_header_checksum();
}

TEST(FieldLayout, TheCraftedRequestIsRfc791AndRfc792FieldByField) {
  constexpr auto kIp = FieldPart::kIpv4Header;
  constexpr auto kIcmp = FieldPart::kIcmpHeader;
  const auto p = decoded(test::from_hex(kCraftedRequestHex));
  expect_layout(
      field_layout(p),
      {
          {"version", kIp, 0, 4, "0x4", "4", ""},
          {"IHL", kIp, 4, 4, "0x5", "5", "x 4 = 20 bytes of header"},
          {"TOS", kIp, 8, 8, "0x00", "0", "DSCP 0, ECN 0"},
          {"total length", kIp, 16, 16, "0x002d", "45", "bytes, header included"},
          {"identification", kIp, 32, 16, "0x0000", "0", ""},
          {"flags", kIp, 48, 3, "0x2", "2", "DF (don't fragment)"},
          {"fragment offset", kIp, 51, 13, "0x0000", "0", ""},
          {"TTL", kIp, 64, 8, "0x40", "64", ""},
          {"protocol", kIp, 72, 8, "0x01", "1", "ICMP"},
          {"header checksum", kIp, 80, 16, "0xe29e", "58014", "valid: the header sums to 0xffff"},
          {"source", kIp, 96, 32, "0xac160002", "172.22.0.2", ""},
          {"destination", kIp, 128, 32, "0xac160003", "172.22.0.3", ""},
          {"type", kIcmp, 160, 8, "0x08", "8", "echo request"},
          {"code", kIcmp, 168, 8, "0x00", "0", ""},
          {"checksum", kIcmp, 176, 16, "0x65bd", "26045", "valid: the message sums to 0xffff"},
          {"identifier", kIcmp, 192, 16, "0x1234", "4660", ""},
          {"sequence number", kIcmp, 208, 16, "0x0001", "1", ""},
          {"data", FieldPart::kData, 224, 17 * 8, "68 65 6c 6c 6f 20 66 72 ...", "",
           "\"hello from client\""},
      });
}

TEST(FieldLayout, TheCapturedPing6RequestIsRfc8200AndRfc4443FieldByField) {
  constexpr auto kIp = FieldPart::kIpv6Header;
  constexpr auto kIcmp = FieldPart::kIcmpv6Header;
  const auto p = decoded(test::ping6_request());
  expect_layout(field_layout(p),
                {
                    {"version", kIp, 0, 4, "0x6", "6", ""},
                    {"traffic class", kIp, 4, 8, "0x00", "0", "DSCP 0, ECN 0"},
                    {"flow label", kIp, 12, 20, "0x61f06", "401158",
                     "the sender's choice per flow (RFC 6437)"},
                    {"payload length", kIp, 32, 16, "0x0040", "64", "bytes after this header"},
                    {"next header", kIp, 48, 8, "0x3a", "58", "ICMPv6"},
                    {"hop limit", kIp, 56, 8, "0x40", "64", ""},
                    {"source", kIp, 64, 128, "fd00:0172:0022:0000:0000:0000:0000:0002", "",
                     "fd00:172:22::2 (RFC 5952)"},
                    {"destination", kIp, 192, 128, "fd00:0172:0022:0000:0000:0000:0000:0003", "",
                     "fd00:172:22::3 (RFC 5952)"},
                    {"type", kIcmp, 320, 8, "0x80", "128", "echo request"},
                    {"code", kIcmp, 328, 8, "0x00", "0", ""},
                    {"checksum", kIcmp, 336, 16, "0x41e8", "16872",
                     "valid: with the pseudo-header, the message sums to 0xffff"},
                    {"identifier", kIcmp, 352, 16, "0x4805", "18437", ""},
                    {"sequence number", kIcmp, 368, 16, "0x0001", "1", ""},
                    {"data", FieldPart::kData, 384, 56 * 8, "b7 9f 0f 6b 00 00 00 00 ...", "", ""},
                });
}

TEST(FieldLayout, ALinkLayerHeaderIsNotPartOfTheDatagram) {
  const auto framed = field_layout(decoded(test::ping6_request_frame()));
  const auto bare = field_layout(decoded(test::ping6_request()));
  ASSERT_EQ(framed.size(), bare.size());
  for (std::size_t i = 0; i < framed.size(); ++i) {
    EXPECT_EQ(framed[i].bit_offset, bare[i].bit_offset) << framed[i].name;
    EXPECT_EQ(framed[i].hex, bare[i].hex) << framed[i].name;
  }
}

TEST(FieldLayout, BytesHoldingTwoFieldsBelongToBoth) {
  const auto v4 = field_layout(decoded(test::from_hex(kCraftedRequestHex)));
  EXPECT_EQ(field(v4, "version").first_byte(), 0u);
  EXPECT_EQ(field(v4, "version").end_byte(), 1u);
  EXPECT_EQ(field(v4, "IHL").first_byte(), 0u);
  EXPECT_EQ(field(v4, "flags").end_byte(), 7u);
  EXPECT_EQ(field(v4, "fragment offset").first_byte(), 6u);
  EXPECT_EQ(field(v4, "fragment offset").end_byte(), 8u);
  const auto v6 = field_layout(decoded(test::ping6_request()));
  EXPECT_EQ(field(v6, "traffic class").first_byte(), 0u);
  EXPECT_EQ(field(v6, "traffic class").end_byte(), 2u);
  EXPECT_EQ(field(v6, "flow label").first_byte(), 1u);
  EXPECT_EQ(field(v6, "source").first_byte(), 8u);
  EXPECT_EQ(field(v6, "source").end_byte(), 24u);
}

TEST(FieldLayout, ABadChecksumIsAProblemWithTheTextOutputsSentence) {
  const auto fields = field_layout(decoded(test::from_hex(kCraftedBadChecksumHex)));
  const LayoutField& checksum = field(fields, "checksum");
  EXPECT_TRUE(checksum.problem);
  EXPECT_EQ(checksum.hex, "0x65be");
  EXPECT_EQ(checksum.meaning,
            "INVALID: the message sums to 0x0001, not 0xffff; the right value is 0x65bd");
  EXPECT_FALSE(field(fields, "header checksum").problem);

  auto bad_header = test::from_hex(kCraftedRequestHex);
  bad_header[11] ^= 0x01;
  const auto header_fields = field_layout(decoded(bad_header));
  EXPECT_TRUE(field(header_fields, "header checksum").problem);
  EXPECT_EQ(field(header_fields, "header checksum").meaning,
            "INVALID: the header sums to 0x0001, not 0xffff; the right value is 0xe29e");
}

TEST(FieldLayout, FlagsAndFragmentOffsetAreReadBitByBit) {
  // More fragments, offset 185 (byte 1480): the word is 001 0000010111001.
  auto bytes = ipv4_datagram({0, 1, 2, 3, 4, 5, 6, 7});
  bytes[6] = 0x20;
  bytes[7] = 0xb9;
  fix_ip_checksum(bytes);
  const auto p = decoded(bytes);
  const auto fields = field_layout(p);
  EXPECT_EQ(field(fields, "flags").hex, "0x1");
  EXPECT_EQ(field(fields, "flags").meaning, "MF (more fragments)");
  EXPECT_EQ(field(fields, "fragment offset").hex, "0x00b9");
  EXPECT_EQ(field(fields, "fragment offset").decimal, "185");
  EXPECT_EQ(field(fields, "fragment offset").meaning, "x 8 = byte 1480");
  // Not the first fragment: its payload is no ICMP header.
  EXPECT_EQ(fields.back().name, "payload");
  EXPECT_EQ(fields.back().bit_width, 64u);
  expect_covers_every_bit(p, "a later fragment");

  auto reserved = test::from_hex(kCraftedRequestHex);
  reserved[6] |= 0x80;
  fix_ip_checksum(reserved);
  const auto reserved_fields = field_layout(decoded(reserved));
  const LayoutField& flags = field(reserved_fields, "flags");
  EXPECT_TRUE(flags.problem);
  EXPECT_EQ(flags.hex, "0x6");
  EXPECT_EQ(flags.meaning, "reserved bit set (RFC 791: must be zero), DF (don't fragment)");
}

TEST(FieldLayout, OptionsAreFieldsOfTheirOwnLengthThenPadding) {
  // No Operation, record route with room for one address, End of Option
  // List, one byte of padding: IHL 8.
  const std::vector<std::uint8_t> options{1, 7, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<std::uint8_t> icmp{8, 0, 0, 0, 0, 1, 0, 1};
  const std::uint16_t c = wire::internet_checksum(icmp);
  icmp[2] = static_cast<std::uint8_t>(c >> 8);
  icmp[3] = static_cast<std::uint8_t>(c);
  auto bytes = ipv4_datagram({});
  bytes[0] = 0x48;
  bytes.insert(bytes.end(), options.begin(), options.end());
  bytes.insert(bytes.end(), icmp.begin(), icmp.end());
  bytes[3] = static_cast<std::uint8_t>(bytes.size());
  fix_ip_checksum(bytes);
  const auto p = decoded(bytes);
  const auto fields = field_layout(p);
  std::vector<std::string> names;
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kIpv4Options) names.push_back(f.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"option: no operation", "option: record route",
                                             "option: end of option list", "padding"}));
  EXPECT_EQ(field(fields, "option: record route").bit_offset, 168u);
  EXPECT_EQ(field(fields, "option: record route").bit_width, 56u);
  EXPECT_EQ(field(fields, "option: record route").meaning, "type 7, 7 bytes");
  EXPECT_EQ(field(fields, "option: record route").hex, "07 07 04 00 00 00 00");
  EXPECT_EQ(field(fields, "option: record route").decimal, "");
  EXPECT_EQ(field(fields, "option: no operation").hex, "01");
  EXPECT_EQ(field(fields, "padding").bit_width, 24u);
  EXPECT_EQ(field(fields, "type").bit_offset, 256u);
  expect_covers_every_bit(p, "options");

  // An option whose length runs past the header.
  bytes[22] = 40;
  fix_ip_checksum(bytes);
  const auto malformed = decoded(bytes);
  EXPECT_TRUE(field(field_layout(malformed), "malformed options").problem);
  expect_covers_every_bit(malformed, "malformed options");
}

TEST(FieldLayout, RestOfHeaderAsEachTypeDrawsIt) {
  const auto request = test::from_hex(kCraftedRequestHex);
  std::vector<std::uint8_t> quote(request.begin(), request.begin() + 28);
  const auto icmp_with_quote = [&](std::vector<std::uint8_t> header) {
    header.insert(header.end(), quote.begin(), quote.end());
    return decoded(ipv4_datagram(header));
  };
  const auto names = [](const std::vector<LayoutField>& fields) {
    std::vector<std::string> out;
    for (const LayoutField& f : fields) {
      if (f.part == FieldPart::kIcmpHeader) out.push_back(f.name);
    }
    return out;
  };
  // RFC 1191 4: fragmentation needed, with the next-hop MTU.
  auto fields = field_layout(icmp_with_quote({3, 4, 0, 0, 0, 0, 0x05, 0xdc}));
  EXPECT_EQ(names(fields),
            (std::vector<std::string>{"type", "code", "checksum", "unused", "next-hop MTU"}));
  EXPECT_EQ(field(fields, "next-hop MTU").decimal, "1500");
  EXPECT_EQ(field(fields, "code").meaning, "fragmentation needed and DF set");
  // RFC 792 Parameter Problem: an 8-bit pointer.
  fields = field_layout(icmp_with_quote({12, 0, 0, 0, 9, 0, 0, 0}));
  EXPECT_EQ(field(fields, "pointer").bit_width, 8u);
  EXPECT_EQ(field(fields, "pointer").decimal, "9");
  EXPECT_EQ(field(fields, "unused").bit_width, 24u);
  // Redirect: the gateway address.
  fields = field_layout(icmp_with_quote({5, 1, 0, 0, 10, 0, 0, 254}));
  EXPECT_EQ(field(fields, "gateway").decimal, "10.0.0.254");
  // Time exceeded: 32 unused bits.
  fields = field_layout(icmp_with_quote({11, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(field(fields, "unused").bit_width, 32u);
  // Timestamp: three 32-bit timestamps after identifier and sequence.
  fields = field_layout(
      decoded(ipv4_datagram({13, 0, 0, 0, 0, 7, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3})));
  EXPECT_EQ(names(fields), (std::vector<std::string>{"type", "code", "checksum", "identifier",
                                                     "sequence number", "originate timestamp",
                                                     "receive timestamp", "transmit timestamp"}));
  EXPECT_EQ(field(fields, "transmit timestamp").decimal, "3");
  // Address mask reply (RFC 950).
  fields = field_layout(decoded(ipv4_datagram({18, 0, 0, 0, 0, 7, 0, 1, 255, 255, 255, 0})));
  EXPECT_EQ(field(fields, "address mask").decimal, "255.255.255.0");
  // A type without fields of its own (router solicitation, RFC 1256).
  fields = field_layout(decoded(ipv4_datagram({10, 0, 0, 0, 1, 2, 3, 4})));
  EXPECT_EQ(field(fields, "rest of header").hex, "0x01020304");
}

// RFC 792 Time Exceeded: "Internet Header + 64 bits of Original Data
// Datagram", drawn as the original's own header, then its data.
TEST(FieldLayout, AnErrorsQuoteIsDrawnAsTheOriginalsHeader) {
  const auto request = test::from_hex(kCraftedRequestHex);
  std::vector<std::uint8_t> icmp = {11, 0, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 28);
  const DecodedPacket p = decoded(ipv4_datagram(icmp));
  expect_covers_every_bit(p, "time exceeded");
  const auto fields = field_layout(p);
  std::vector<LayoutField> quoted;
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kQuotedIpv4Header) quoted.push_back(f);
  }
  constexpr FieldPart kQ = FieldPart::kQuotedIpv4Header;
  constexpr std::size_t kAt = (20 + 8) * 8;  // after the IPv4 and ICMP headers
  expect_layout(quoted, {
                            {"version", kQ, kAt, 4, "0x4", "4", ""},
                            {"IHL", kQ, kAt + 4, 4, "0x5", "5", "x 4 = 20 bytes of header"},
                            {"TOS", kQ, kAt + 8, 8, "0x00", "0", "DSCP 0, ECN 0"},
                            {"total length", kQ, kAt + 16, 16, "0x002d", "45",
                             "bytes in the original datagram"},
                            {"identification", kQ, kAt + 32, 16, "0x0000", "0", ""},
                            {"flags", kQ, kAt + 48, 3, "0x2", "2", "DF (don't fragment)"},
                            {"fragment offset", kQ, kAt + 51, 13, "0x0000", "0", ""},
                            {"TTL", kQ, kAt + 64, 8, "0x40", "64", ""},
                            {"protocol", kQ, kAt + 72, 8, "0x01", "1", "ICMP"},
                            {"header checksum", kQ, kAt + 80, 16, "0xe29e", "58014",
                             "valid: the header sums to 0xffff"},
                            {"source", kQ, kAt + 96, 32, "0xac160002", "172.22.0.2", ""},
                            {"destination", kQ, kAt + 128, 32, "0xac160003", "172.22.0.3", ""},
                        });
  // Its first 8 data bytes: the echo request's header, which is all the
  // quote holds of its data.
  constexpr FieldPart kQi = FieldPart::kQuotedIcmpHeader;
  const std::vector<LayoutField> transport(fields.end() - 5, fields.end());
  expect_layout(transport, {
                               {"type", kQi, kAt + 160, 8, "0x08", "8", "echo request"},
                               {"code", kQi, kAt + 168, 8, "0x00", "0", ""},
                               {"checksum", kQi, kAt + 176, 16, "0x65bd", "26045", ""},
                               {"identifier", kQi, kAt + 192, 16, "0x1234", "4660", ""},
                               {"sequence number", kQi, kAt + 208, 16, "0x0001", "1", ""},
                           });
  EXPECT_EQ(field_part_name(kQ), "quoted IPv4 header");
  EXPECT_EQ(field_part_name(kQi), "quoted ICMP header");
}

TEST(FieldLayout, AQuotedHeadersOptionsAreTheirOwnPart) {
  // The request as sent with a Router Alert option (RFC 2113): IHL 6.
  std::vector<std::uint8_t> quote = {0x46, 0,   0,    49, 0,    0,    0x40, 0,    1, 1,    0,
                                     0,    172, 22,   0,  2,    172,  22,   0,    3, 0x94, 0x04,
                                     0,    0,   0x08, 0,  0x65, 0xbd, 0x12, 0x34, 0, 1};
  const std::uint16_t sum = wire::internet_checksum(std::span(quote).first(24));
  quote[10] = static_cast<std::uint8_t>(sum >> 8);
  quote[11] = static_cast<std::uint8_t>(sum);
  std::vector<std::uint8_t> icmp = {11, 0, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quote.begin(), quote.end());
  const DecodedPacket p = decoded(ipv4_datagram(icmp));
  expect_covers_every_bit(p, "a quote with options");
  const auto fields = field_layout(p);
  constexpr std::size_t kAt = (20 + 8) * 8;
  std::vector<const LayoutField*> options;
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kQuotedIpv4Options) options.push_back(&f);
  }
  ASSERT_EQ(options.size(), 1u);
  EXPECT_EQ(options[0]->name, "option: router alert");
  EXPECT_EQ(options[0]->bit_offset, kAt + 160);
  EXPECT_EQ(options[0]->bit_width, 32u);
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kQuotedIpv4Header && f.name == "IHL") {
      EXPECT_EQ(f.meaning, "x 4 = 24 bytes of header");
    }
    if (f.part == FieldPart::kQuotedIpv4Header && f.name == "header checksum") {
      EXPECT_EQ(f.meaning, "valid: the header sums to 0xffff");  // options included
    }
  }
  EXPECT_EQ(field(fields, "identifier").part, FieldPart::kQuotedIcmpHeader);
  EXPECT_EQ(field(fields, "identifier").bit_offset, kAt + 192 + 32);
  EXPECT_EQ(field_part_name(FieldPart::kQuotedIpv4Options), "quoted IPv4 options");
}

// RFC 792 Destination Unreachable, port unreachable, for a UDP datagram
// (traceroute's probes): the UDP header (RFC 768) is the quoted data.
TEST(FieldLayout, AQuotedUdpHeaderIsDrawnAsRfc768Does) {
  std::vector<std::uint8_t> quote = {0x45, 0,    0,    60,   0x12, 0x34, 0,    0,   1, 17,
                                     0,    0,    172,  22,   0,    2,    172,  22,  0, 3,
                                     0x9c, 0x40, 0x82, 0x9a, 0,    40,   0xab, 0xcd};
  const std::uint16_t sum = wire::internet_checksum(std::span(quote).first(20));
  quote[10] = static_cast<std::uint8_t>(sum >> 8);
  quote[11] = static_cast<std::uint8_t>(sum);
  std::vector<std::uint8_t> icmp = {3, 3, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), quote.begin(), quote.end());
  const DecodedPacket p = decoded(ipv4_datagram(icmp));
  expect_covers_every_bit(p, "port unreachable");
  const auto fields = field_layout(p);
  constexpr FieldPart kU = FieldPart::kQuotedUdpHeader;
  constexpr std::size_t kAt = (20 + 8 + 20) * 8;
  const std::vector<LayoutField> udp(fields.end() - 4, fields.end());
  expect_layout(udp, {
                         {"source port", kU, kAt, 16, "0x9c40", "40000", ""},
                         {"destination port", kU, kAt + 16, 16, "0x829a", "33434", ""},
                         {"length", kU, kAt + 32, 16, "0x0028", "40", "bytes, header included"},
                         {"checksum", kU, kAt + 48, 16, "0xabcd", "43981", ""},
                     });
  EXPECT_EQ(field_part_name(kU), "quoted UDP header");
}

// A fragment after the first starts in the middle of the original's data:
// its first 8 bytes are no transport header, and are not drawn as one.
TEST(FieldLayout, AQuotedLaterFragmentHasNoTransportHeader) {
  std::vector<std::uint8_t> quote = {0x45, 0,    0,    60,   0x12, 0x34, 0,    0x03, 64, 17,
                                     0,    0,    172,  22,   0,    2,    172,  22,   0,  3,
                                     0x9c, 0x40, 0x82, 0x9a, 0,    40,   0xab, 0xcd};
  const std::uint16_t sum = wire::internet_checksum(std::span(quote).first(20));
  quote[10] = static_cast<std::uint8_t>(sum >> 8);
  quote[11] = static_cast<std::uint8_t>(sum);
  std::vector<std::uint8_t> icmp = {11, 1, 0, 0, 0, 0, 0, 0};  // fragment reassembly time exceeded
  icmp.insert(icmp.end(), quote.begin(), quote.end());
  const DecodedPacket p = decoded(ipv4_datagram(icmp));
  ASSERT_TRUE(p.icmp && p.icmp->quoted);
  EXPECT_FALSE(p.icmp->quoted->transport.source_port);
  const auto fields = field_layout(p);
  EXPECT_EQ(fields.back().name, "quoted data");
  EXPECT_EQ(fields.back().meaning, "8 bytes of the original's data");
}

TEST(FieldLayout, AQuoteThatIsNoHeaderIsOneFieldThatSaysWhy) {
  std::vector<std::uint8_t> icmp = {3, 1, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 0x2d, 0, 0};
  const DecodedPacket p = decoded(ipv4_datagram(icmp));
  expect_covers_every_bit(p, "a short quote");
  const auto fields = field_layout(p);
  EXPECT_EQ(fields.back().name, "quoted datagram");
  EXPECT_EQ(fields.back().meaning,
            "the original IP header and the first 8 bytes of its data (RFC 792); the quoted "
            "header is cut short: 6 bytes, an IPv4 header needs at least 20");
}

TEST(FieldLayout, Icmpv6ErrorsAsRfc4443DrawsThem) {
  const auto request = test::ping6_request();
  std::vector<std::uint8_t> icmp{2, 0, 0, 0, 0, 0, 0x05, 0x00};
  icmp.insert(icmp.end(), request.begin(), request.end());
  auto fields = field_layout(decoded(ipv6_packet(icmp)));
  EXPECT_EQ(field(fields, "type").meaning, "packet too big");
  EXPECT_EQ(field(fields, "MTU").bit_width, 32u);
  EXPECT_EQ(field(fields, "MTU").decimal, "1280");
  std::vector<std::string> quoted_header;
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kQuotedIpv6Header) quoted_header.push_back(f.name);
  }
  EXPECT_EQ(quoted_header,
            (std::vector<std::string>{"version", "traffic class", "flow label", "payload length",
                                      "next header", "hop limit", "source", "destination"}));
  // The quoted echo request's header, then its data.
  std::vector<std::string> quoted_icmp;
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kQuotedIcmpv6Header) quoted_icmp.push_back(f.name);
  }
  EXPECT_EQ(quoted_icmp, (std::vector<std::string>{"type", "code", "checksum", "identifier",
                                                   "sequence number"}));
  EXPECT_EQ(field(fields, "quoted data").bit_width, (request.size() - 40 - 8) * 8);
  EXPECT_EQ(field(fields, "quoted data").part, FieldPart::kData);
  EXPECT_EQ(field(fields, "quoted data").meaning, "the rest of the original's data");
  for (const LayoutField& f : fields) {
    if (f.part == FieldPart::kQuotedIpv6Header && f.name == "payload length") {
      EXPECT_EQ(f.meaning, "bytes after the header, in the original packet");
    }
  }
  EXPECT_EQ(field_part_name(FieldPart::kQuotedIpv6Header), "quoted IPv6 header");

  icmp = {4, 1, 0, 0, 0, 0, 0, 6};
  icmp.insert(icmp.end(), request.begin(), request.begin() + 48);
  fields = field_layout(decoded(ipv6_packet(icmp)));
  EXPECT_EQ(field(fields, "pointer").bit_width, 32u);
  EXPECT_EQ(field(fields, "pointer").meaning,
            "the error is at octet 6 of the quoted packet (RFC 4443 3.4)");
}

TEST(FieldLayout, AnotherProtocolsPayloadIsOneField) {
  const auto p = decoded(ipv4_datagram({0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00}, 17));
  const auto fields = field_layout(p);
  EXPECT_EQ(fields.back().name, "payload");
  EXPECT_EQ(fields.back().meaning, "UDP");
  EXPECT_EQ(fields.back().hex, "30 39 00 35 00 08 00 00");
  expect_covers_every_bit(p, "UDP");
}

// The property the diagram and the byte grid rely on, over every kind of
// packet above and over every length a packet can be cut to and still
// decode.
TEST(FieldLayout, FieldsCoverEveryCapturedBitWithoutGapOrOverlap) {
  expect_covers_every_bit(decoded(test::from_hex(kCraftedRequestHex)), "crafted");
  expect_covers_every_bit(decoded(test::captured_request()), "ping");
  expect_covers_every_bit(decoded(test::ping6_request_frame()), "ping -6 frame");
  expect_covers_every_bit(decoded(test::captured_ipv6_reply()), "ping -6 reply");
  expect_covers_every_bit(decoded(ipv4_datagram({8, 0, 0, 0, 0, 1, 0, 1})), "no data");
  const auto request = test::captured_request();
  for (std::size_t n = 0; n <= 40; ++n) {
    std::vector<std::uint8_t> icmp{11, 0, 0, 0, 0, 0, 0, 0};
    icmp.insert(icmp.end(), request.begin(), request.begin() + static_cast<std::ptrdiff_t>(n));
    expect_covers_every_bit(decoded(ipv4_datagram(icmp)),
                            "time exceeded quoting " + std::to_string(n) + " bytes");
  }
  for (std::size_t n = 0; n <= 64; ++n) {
    std::vector<std::uint8_t> icmp{1, 4, 0, 0, 0, 0, 0, 0};
    icmp.insert(icmp.end(), request.begin(), request.begin() + static_cast<std::ptrdiff_t>(n));
    expect_covers_every_bit(decoded(ipv6_packet(icmp)),
                            "unreachable quoting " + std::to_string(n) + " bytes");
  }
}

// A capture whose snap length cut the datagram: only what was kept is laid
// out (decode_frame keeps no more), and a field the cut went through is
// shortened and marked.
TEST(FieldLayout, ACutDatagramIsLaidOutAsFarAsItGoes) {
  const auto bytes = test::from_hex(kCraftedRequestHex);
  for (std::size_t kept = 20; kept < bytes.size(); ++kept) {
    const auto cut = decode_frame(LinkLayer{}, std::span(bytes).first(kept), bytes.size() - kept);
    ASSERT_TRUE(cut) << kept << ": " << cut.error().message;
    EXPECT_EQ(cut->datagram.size(), kept);
    expect_covers_every_bit(*cut, "kept " + std::to_string(kept));
    if (kept >= 28) {
      // The ICMP header is whole; its checksum covers what is missing.
      const auto fields = field_layout(*cut);
      EXPECT_TRUE(field(fields, "checksum").problem) << kept;
      EXPECT_EQ(field(fields, "checksum").meaning,
                "not checked: its checksum covers the " + std::to_string(bytes.size() - kept) +
                    " bytes that are missing and cannot be checked");
    }
  }
  // A decoded packet whose bytes end inside the checksum field.
  auto p = decoded(bytes);
  p.cut_bytes = 22;
  p.datagram.resize(23);
  p.icmp->checksum.reset();
  const auto fields = field_layout(p);
  const LayoutField& checksum = fields.back();
  EXPECT_EQ(checksum.name, "checksum");
  EXPECT_EQ(checksum.bit_width, 8u);
  EXPECT_TRUE(checksum.problem);
  EXPECT_EQ(checksum.meaning, "only 8 of its 16 bits were captured");
  EXPECT_EQ(checksum.hex, "0x65");
  EXPECT_EQ(field(fields, "type").meaning, "echo request");
}

TEST(FieldLayout, PartNames) {
  EXPECT_EQ(field_part_name(FieldPart::kIpv4Header), "IPv4 header");
  EXPECT_EQ(field_part_name(FieldPart::kIpv4Options), "IPv4 options");
  EXPECT_EQ(field_part_name(FieldPart::kIpv6Header), "IPv6 header");
  EXPECT_EQ(field_part_name(FieldPart::kIcmpHeader), "ICMP header");
  EXPECT_EQ(field_part_name(FieldPart::kIcmpv6Header), "ICMPv6 header");
  EXPECT_EQ(field_part_name(FieldPart::kData), "data");
}

}  // namespace
}  // namespace pong::lab
