// A capture's model: each echo request paired with its reply (and its
// duplicates), the requests without one, and what a snap length that cut
// a packet short leaves to check. Built from real packets: the ping of
// tests/packets.hpp and the ping -6 of tests/test_lab_captures.hpp.
#include "capture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "packets.hpp"
#include "reply.hpp"
#include "test_lab_captures.hpp"

namespace pong::lab {
namespace {

Capture pasted(std::vector<std::uint8_t> bytes) {
  Capture c;
  c.bytes = std::move(bytes);
  return c;
}

// The reply pong would send to the captured IPv4 request.
std::vector<std::uint8_t> ipv4_reply() {
  const auto reply = explain_reply(test::captured_request());
  EXPECT_TRUE(reply);
  return reply->reply_datagram;
}

TEST(PairEchoes, ARequestAndItsReply) {
  const DecodedCapture c =
      decode_paste({pasted(test::captured_ipv6_request()), pasted(test::captured_ipv6_reply())});
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0].request, 0u);
  EXPECT_EQ(c.pairs[0].reply, 1u);
  EXPECT_FALSE(c.pairs[0].rtt_ns);  // a paste has no times
  EXPECT_FALSE(c.pairs[0].duplicate);
  EXPECT_TRUE(c.unanswered.empty());
}

TEST(PairEchoes, AReplyBeforeItsRequestOrOfTheOtherFamilyAnswersNothing) {
  const DecodedCapture c = decode_paste({pasted(ipv4_reply()), pasted(test::captured_request()),
                                         pasted(test::captured_ipv6_reply())});
  EXPECT_TRUE(c.pairs.empty());
  EXPECT_EQ(c.unanswered, std::vector<std::size_t>{1});
}

TEST(PairEchoes, AReplyFromAnotherAddressIsNotTheReply) {
  auto reply = ipv4_reply();
  reply[15] ^= 1;  // the source's last byte; the header checksum does not matter here
  const DecodedCapture c = decode_paste({pasted(test::captured_request()), pasted(reply)});
  EXPECT_TRUE(c.pairs.empty());
  EXPECT_EQ(c.unanswered.size(), 1u);
}

TEST(PairEchoes, APacketCapturedTwiceIsNeitherADuplicateNorUnanswered) {
  // tcpdump -i any sees a packet that crosses a bridge and a veth twice,
  // byte for byte the same.
  const DecodedCapture c =
      decode_paste({pasted(test::captured_request()), pasted(test::captured_request()),
                    pasted(ipv4_reply()), pasted(ipv4_reply())});
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0].request, 0u);
  EXPECT_EQ(c.pairs[0].reply, 2u);
  EXPECT_FALSE(c.pairs[0].duplicate);
  EXPECT_TRUE(c.unanswered.empty());
}

TEST(PairEchoes, ASecondReplyWithItsOwnIpIdentificationIsADuplicate) {
  auto second = ipv4_reply();
  second[5] ^= 1;  // another identification: another packet, from another responder
  const DecodedCapture c =
      decode_paste({pasted(test::captured_request()), pasted(ipv4_reply()), pasted(second)});
  ASSERT_EQ(c.pairs.size(), 2u);
  EXPECT_TRUE(c.pairs[1].duplicate);
}

TEST(PairEchoes, TheRoundTripTimeComesFromTheTimestamps) {
  DecodedCapture c =
      decode_paste({pasted(test::captured_ipv6_request()), pasted(test::captured_ipv6_reply())});
  c.frames[0].origin.timestamp_ns = 1'000'000'000;
  c.frames[1].origin.timestamp_ns = 1'000'123'456;
  pair_echoes(c);
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0].rtt_ns, 123'456);
}

// ---- a snap length shorter than the packet --------------------------------

LinkLayer no_link() {
  return {LinkKind::kNone, 0, wire::IpFamily::kIpv4, ""};
}

std::vector<std::uint8_t> first(std::size_t n) {
  auto bytes = test::captured_request();
  bytes.resize(n);
  return bytes;
}

TEST(DecodeFrame, ACutInsideTheIpHeaderLeavesNothingToDecode) {
  const auto whole = test::captured_request().size();
  const auto d = decode_frame(no_link(), first(10), whole - 10);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, LabErrorKind::kTruncatedIpHeader);
  EXPECT_EQ(d.error().message,
            "the capture's snap length kept 10 bytes of the 20-byte IPv4 header: nothing can be "
            "decoded");
}

TEST(DecodeFrame, ACutInsideTheIcmpHeaderKeepsTheIpHeader) {
  const auto whole = test::captured_request().size();
  const auto d = decode_frame(no_link(), first(24), whole - 24);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->icmp);
  EXPECT_EQ(d->cut_bytes, whole - 24);
  EXPECT_TRUE(d->ipv4()->checksum.valid);
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_NE(d->notes[0].find("only 4 bytes of the 8-byte ICMP header are here"), std::string::npos)
      << d->notes[0];
}

TEST(DecodeFrame, ACutInTheDataKeepsTheHeaderButNotTheChecksumCheck) {
  const auto whole = test::captured_request().size();
  const auto d = decode_frame(no_link(), first(40), whole - 40);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->icmp);
  EXPECT_FALSE(d->icmp->checksum);  // RFC 1071: it covers the bytes that are missing
  EXPECT_EQ(d->icmp->data.size(), 12u);
  EXPECT_EQ(d->datagram.size(), 40u);
  EXPECT_EQ(d->cut_bytes, whole - 40);
  EXPECT_EQ(d->icmp->identifier, 0x5514);
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(d->notes[0],
            fmt::format("the capture's snap length kept 40 of the packet's {} bytes ({} cut): the "
                        "ICMP header is whole, but its checksum covers the {} bytes that are "
                        "missing and cannot be checked; the IPv4 header checksum could be checked",
                        whole, whole - 40, whole - 40));
}

TEST(DecodeFrame, AWireLengthFarBeyondTheHeadersIsNotBelieved) {
  // A record whose len says 4 GiB: only what the IP header declares is
  // taken as cut.
  const auto whole = test::captured_request().size();
  const auto d = decode_frame(no_link(), first(40), 0xffffffffu);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->cut_bytes, whole - 40);
  EXPECT_EQ(d->datagram.size(), 40u);
}

TEST(DecodeFrame, ACutPacketsNotesAreReadFromTheBytesThatWereKept) {
  const auto d = decode_frame(no_link(), first(60), 24);
  ASSERT_TRUE(d && d->icmp);
  ASSERT_EQ(d->icmp->notes.size(), 2u);
  EXPECT_EQ(d->icmp->notes[1],
            "data bytes 16-31 are ping's default fill: each byte holds its own offset (0x10, "
            "0x11, ...)");
}

TEST(DecodeFrame, ACutOfLinkLayerPaddingOnlyChangesNothing) {
  // A 60-byte Ethernet minimum frame around a 30-byte datagram, its last
  // padding byte cut.
  std::vector<std::uint8_t> frame(14, 0);
  frame[12] = 0x08;
  const std::vector<std::uint8_t> datagram = {
      0x45, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0xe2, 0xad, 0xac, 0x16, 0x00,
      0x02, 0xac, 0x16, 0x00, 0x03, 0x08, 0x00, 0x8f, 0x94, 0x00, 0x01, 0x00, 0x01, 0x68, 0x69};
  frame.insert(frame.end(), datagram.begin(), datagram.end());
  frame.resize(59, 0);
  const auto link = ip_header_in(CaptureLinkType::kEthernet, frame);
  ASSERT_TRUE(link && *link);
  const auto d = decode_frame(**link, frame, 1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->cut_bytes, 0u);
  EXPECT_EQ(d->trailing_bytes, 15u);
  ASSERT_TRUE(d->icmp && d->icmp->checksum);
  EXPECT_TRUE(d->icmp->checksum->valid);
  EXPECT_TRUE(d->notes.empty());
}

}  // namespace
}  // namespace pong::lab
