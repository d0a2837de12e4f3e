// pong-bench's pure core on real bytes: requests from the request builder,
// turned into the replies a responder would send (wire's own echo rewrite,
// addresses swapped), then damaged once per fault the checker knows; the
// flight tracker's accounting; nearest-rank percentiles; the report.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flight_tracker.hpp"
#include "packets.hpp"
#include "reply_check.hpp"
#include "report.hpp"
#include "request_builder.hpp"
#include "run_config.hpp"
#include "wire/echo.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::bench {
namespace {

using wire::IpAddress;
using wire::Ipv4Address;
using wire::Ipv6Address;

constexpr Ipv4Address kClient4{{10, 120, 0, 2}};
constexpr Ipv4Address kServer4{{10, 120, 0, 3}};
constexpr Ipv6Address kClient6{{0xfd, 0, 0, 0x10, 0x01, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
constexpr Ipv6Address kServer6{{0xfd, 0, 0, 0x10, 0x01, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};
constexpr std::uint16_t kId = 0x4242;
constexpr std::size_t kSize = 56;

RequestBuilder builder(IpAddress source, IpAddress target, std::size_t size = kSize) {
  auto b = RequestBuilder::create(source, target, kId, size);
  EXPECT_TRUE(b.has_value());
  return *b;
}

std::vector<std::uint8_t> request(const RequestBuilder& b, std::uint64_t n) {
  std::vector<std::uint8_t> frame(b.frame_length());
  b.prepare(frame);
  b.patch(frame, n);
  return frame;
}

// What a responder sends back for an IPv4 request: the whole datagram, with
// addresses swapped and the ICMP message rewritten by wire's echo rule.
std::vector<std::uint8_t> ipv4_reply(std::uint64_t n, std::size_t size = kSize) {
  auto frame = request(builder(kClient4, kServer4, size), n);
  const auto reply = wire::answer_echo_request(frame, wire::Ipv4Arrival{}, wire::EchoPolicy{});
  EXPECT_TRUE(reply.has_value());
  wire::Ipv4Repr ip;
  ip.source = kServer4;
  ip.destination = kClient4;
  ip.payload_length = frame.size() - wire::kIpv4MinHeaderLength;
  ip.emit(frame);
  return frame;
}

// An ICMPv6 reply as a raw ICMPv6 socket reads it: the message alone.
std::vector<std::uint8_t> ipv6_reply(std::uint64_t n) {
  auto frame = request(builder(kClient6, kServer6), n);
  std::vector<std::uint8_t> icmp(frame.begin() + wire::kIpv6HeaderLength, frame.end());
  wire::Ipv6Arrival arrival;
  arrival.source = kClient6;
  arrival.destination = kServer6;
  EXPECT_TRUE(wire::answer_echo_request(std::span<std::uint8_t>(icmp), arrival, wire::EchoPolicy{})
                  .has_value());
  return icmp;
}

const ReplyExpectation kExpect4{IpAddress{kServer4}, kId, kSize};
const ReplyExpectation kExpect6{IpAddress{kServer6}, kId, kSize};

ReplyVerdict check4(std::span<const std::uint8_t> bytes, std::uint64_t sent = 100) {
  return check_ipv4_reply(bytes, kExpect4, sent);
}
ReplyVerdict check6(std::span<const std::uint8_t> bytes, std::uint64_t sent = 100,
                    Ipv6Address from = kServer6) {
  return check_ipv6_reply(bytes, from, kClient6, kExpect6, sent);
}

// Re-checksums the ICMP part of an IPv4 reply after a test changed it, so
// that only the intended fault is left.
void fix_icmp4(std::vector<std::uint8_t>& datagram) {
  const auto icmp = std::span<std::uint8_t>(datagram).subspan(wire::kIpv4MinHeaderLength);
  (*wire::Icmpv4PacketMut::parse(icmp)).fill_checksum();
}
void fix_icmp6(std::vector<std::uint8_t>& icmp, Ipv6Address from = kServer6) {
  (*wire::Icmpv6PacketMut::parse(icmp))
      .fill_checksum(wire::icmpv6_pseudo_header(from, kClient6, icmp.size()));
}

// ---- request builder --------------------------------------------------------

TEST(RequestBuilder, Ipv4RequestIsValidAndCarriesTheRequestNumber) {
  const auto b = builder(kClient4, kServer4);
  const std::uint64_t n = 0x1'0002'0003;  // past 32 bits, sequence 0x0003
  const auto frame = request(b, n);
  ASSERT_EQ(frame.size(), 20u + 8u + kSize);
  const auto ip = wire::Ipv4Packet::parse(frame);
  ASSERT_TRUE(ip.has_value());
  EXPECT_TRUE(ip->header_checksum_valid());
  EXPECT_EQ(ip->ttl(), 64);
  EXPECT_FALSE(ip->dont_fragment());
  EXPECT_EQ(ip->identification(), 0x0003);
  EXPECT_EQ(ip->source(), kClient4);
  EXPECT_EQ(ip->destination(), kServer4);
  EXPECT_EQ(ip->total_length(), frame.size());
  const auto icmp = wire::Icmpv4Packet::parse(ip->payload());
  ASSERT_TRUE(icmp.has_value());
  EXPECT_TRUE(icmp->is_echo_request());
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_TRUE(icmp->checksum_valid());
  EXPECT_EQ(icmp->identifier(), kId);
  EXPECT_EQ(icmp->sequence(), 0x0003);
  EXPECT_EQ(payload_request_number(icmp->data()), n);
  EXPECT_TRUE(payload_pattern_matches(n, icmp->data()));
  EXPECT_EQ(icmp->data()[8], static_cast<std::uint8_t>(n * 7 + 8));
}

TEST(RequestBuilder, Ipv6RequestHasThePseudoHeaderChecksum) {
  const auto b = builder(kClient6, kServer6);
  const auto frame = request(b, 77);
  const auto ip = wire::Ipv6Packet::parse(frame);
  ASSERT_TRUE(ip.has_value());
  EXPECT_EQ(ip->hop_limit(), 64);
  EXPECT_EQ(ip->next_header(), wire::kIpProtocolIcmpv6);
  EXPECT_EQ(ip->payload_length(), 8 + kSize);
  const auto icmp = wire::Icmpv6Packet::parse(ip->payload());
  ASSERT_TRUE(icmp.has_value());
  EXPECT_TRUE(icmp->is_echo_request());
  EXPECT_TRUE(icmp->checksum_valid(ip->pseudo_header_sum()));
  EXPECT_EQ(icmp->sequence(), 77);
  EXPECT_EQ(payload_request_number(icmp->data()), 77u);
}

TEST(RequestBuilder, RepatchingAFrameGivesTheSameBytesAsAFreshOne) {
  for (const auto& [source, target] : {std::pair{IpAddress{kClient4}, IpAddress{kServer4}},
                                       std::pair{IpAddress{kClient6}, IpAddress{kServer6}}}) {
    const auto b = builder(source, target, 1400);
    std::vector<std::uint8_t> frame(b.frame_length());
    b.prepare(frame);
    b.patch(frame, 65535);
    b.patch(frame, 65536);  // the sequence wraps to 0
    EXPECT_EQ(frame, request(b, 65536));
  }
}

TEST(RequestBuilder, RefusesMixedFamiliesAndBadSizes) {
  EXPECT_EQ(RequestBuilder::create(kClient4, kServer6, 1, 56).error(), BuildFault::kFamilyMismatch);
  EXPECT_EQ(RequestBuilder::create(kClient4, kServer4, 1, 7).error(), BuildFault::kBadPayloadSize);
  EXPECT_EQ(RequestBuilder::create(kClient4, kServer4, 1, 1401).error(),
            BuildFault::kBadPayloadSize);
}

// ---- reply checker: good replies ----------------------------------------------

TEST(ReplyCheck, GoodIpv4ReplyGivesItsRequestNumber) {
  EXPECT_EQ(check4(ipv4_reply(42)), 42u);
  EXPECT_EQ(check4(ipv4_reply(0), 1), 0u);
  EXPECT_EQ(check4(ipv4_reply(70000)), std::unexpected(ReplyFault::kUnknownRequest));
  EXPECT_EQ(check4(ipv4_reply(70000), 70001), 70000u);
}

TEST(ReplyCheck, GoodIpv6ReplyGivesItsRequestNumber) {
  EXPECT_EQ(check6(ipv6_reply(9)), 9u);
}

// `ping -c 1 -e 16962 -s 8 -p 0000000000000001` against the kernel's echo
// in a namespace pair, the reply as `tcpdump -x -i eth0` captured it:
// 10.121.0.3 -> 10.121.0.2, id 0x4242, seq 1, and 8 data bytes holding 1
// big-endian: what pong-bench's request 1 of --size 8 gets back.
constexpr std::string_view kKernelReplyHex =
    "4500 0024 3ff6 0000 4001 25ed 0a79 0003 0a79 0002 0000 bdbb 4242 0001 0000 0000 "
    "0000 0001";

TEST(ReplyCheck, KernelReplyCapturedWithTcpdump) {
  const auto bytes = test::from_hex(kKernelReplyHex);
  const ReplyExpectation expect{IpAddress{Ipv4Address{{10, 121, 0, 3}}}, kId, 8};
  EXPECT_EQ(check_ipv4_reply(bytes, expect, 2), 1u);
  EXPECT_EQ(check_ipv4_reply(bytes, expect, 1), std::unexpected(ReplyFault::kUnknownRequest));
  EXPECT_EQ(check_ipv4_reply(bytes, kExpect4, 2), std::unexpected(ReplyFault::kNotFromTarget));
}

// ---- reply checker: one broken variant per fault ----------------------------

TEST(ReplyCheck, Ipv4Truncated) {
  auto reply = ipv4_reply(1);
  EXPECT_EQ(check4(std::span(reply).first(19)), std::unexpected(ReplyFault::kTruncated));
  // The header claims more than arrived.
  EXPECT_EQ(check4(std::span(reply).first(reply.size() - 1)),
            std::unexpected(ReplyFault::kTruncated));
}

TEST(ReplyCheck, Ipv4BadHeader) {
  auto reply = ipv4_reply(1);
  reply[0] = 0x65;  // version 6
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kBadIpHeader));
  reply = ipv4_reply(1);
  reply[wire::ipv4_field::kProtocol] = 17;
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kBadIpHeader));
}

TEST(ReplyCheck, Ipv4BadHeaderChecksum) {
  auto reply = ipv4_reply(1);
  reply[wire::ipv4_field::kTtl] ^= 1;  // header checksum no longer fits
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kBadChecksum));
}

TEST(ReplyCheck, WrongSource) {
  auto reply = ipv4_reply(1);
  wire::Ipv4Repr ip = wire::Ipv4Repr::parse(*wire::Ipv4Packet::parse(reply));
  ip.source = Ipv4Address{{10, 120, 0, 9}};
  ip.emit(reply);
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kNotFromTarget));
  const Ipv6Address other{{0xfd, 0, 0, 0x10, 0x01, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}};
  auto reply6 = ipv6_reply(1);
  fix_icmp6(reply6, other);
  EXPECT_EQ(check6(reply6, 100, other), std::unexpected(ReplyFault::kNotFromTarget));
}

TEST(ReplyCheck, BadIcmpChecksum) {
  auto reply = ipv4_reply(1);
  reply.back() ^= 0xff;
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kBadChecksum));
  auto reply6 = ipv6_reply(1);
  reply6.back() ^= 0xff;
  EXPECT_EQ(check6(reply6), std::unexpected(ReplyFault::kBadChecksum));
}

TEST(ReplyCheck, NotAnEchoReply) {
  auto reply = ipv4_reply(1);
  reply[wire::kIpv4MinHeaderLength] = std::to_underlying(wire::Icmpv4Type::kEchoRequest);
  fix_icmp4(reply);
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kNotEchoReply));
  reply = ipv4_reply(1);
  reply[wire::kIpv4MinHeaderLength + wire::icmp_field::kCode] = 1;
  fix_icmp4(reply);
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kNotEchoReply));
  auto reply6 = ipv6_reply(1);
  reply6[0] = std::to_underlying(wire::Icmpv6Type::kEchoRequest);
  fix_icmp6(reply6);
  EXPECT_EQ(check6(reply6), std::unexpected(ReplyFault::kNotEchoReply));
}

TEST(ReplyCheck, WrongIdentifier) {
  auto reply = ipv4_reply(1);
  reply[wire::kIpv4MinHeaderLength + wire::icmp_field::kIdentifier] ^= 1;
  fix_icmp4(reply);
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kWrongIdentifier));
}

TEST(ReplyCheck, WrongLength) {
  // A reply of another size, otherwise valid.
  EXPECT_EQ(check4(ipv4_reply(1, kSize + 1)), std::unexpected(ReplyFault::kWrongLength));
  auto reply6 = ipv6_reply(1);
  reply6.pop_back();
  fix_icmp6(reply6);
  EXPECT_EQ(check6(reply6), std::unexpected(ReplyFault::kWrongLength));
  auto tiny = ipv6_reply(1);
  tiny.resize(7);
  EXPECT_EQ(check6(tiny), std::unexpected(ReplyFault::kTruncated));
}

TEST(ReplyCheck, UnknownRequestNumber) {
  EXPECT_EQ(check4(ipv4_reply(100), 100), std::unexpected(ReplyFault::kUnknownRequest));
  EXPECT_EQ(check6(ipv6_reply(5), 5), std::unexpected(ReplyFault::kUnknownRequest));
}

TEST(ReplyCheck, SequenceMismatch) {
  auto reply = ipv4_reply(1);
  reply[wire::kIpv4MinHeaderLength + wire::icmp_field::kSequence + 1] = 2;
  fix_icmp4(reply);
  EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kSequenceMismatch));
}

TEST(ReplyCheck, PayloadByteFlipped) {
  for (const std::size_t k : {std::size_t{8}, kSize - 1}) {
    auto reply = ipv4_reply(3);
    reply[wire::kIpv4MinHeaderLength + 8 + k] ^= 0x01;
    fix_icmp4(reply);
    EXPECT_EQ(check4(reply), std::unexpected(ReplyFault::kPayloadMismatch)) << "byte " << k;
  }
  auto reply6 = ipv6_reply(3);
  reply6[8 + 20] ^= 0x80;
  fix_icmp6(reply6);
  EXPECT_EQ(check6(reply6), std::unexpected(ReplyFault::kPayloadMismatch));
}

TEST(ReplyCheck, FaultNamesAreDistinct) {
  for (std::size_t i = 0; i < kReplyFaultCount; ++i) {
    for (std::size_t j = i + 1; j < kReplyFaultCount; ++j) {
      EXPECT_NE(reply_fault_name(static_cast<ReplyFault>(i)),
                reply_fault_name(static_cast<ReplyFault>(j)));
    }
  }
  EXPECT_EQ(reply_fault_name(ReplyFault::kBadChecksum), "bad_checksum");
}

// ---- flight tracker ---------------------------------------------------------

constexpr std::int64_t kMs = 1'000'000;

TEST(FlightTracker, AnsweredDuplicateLateAndLost) {
  FlightTracker t(10, 100 * kMs);
  for (int i = 0; i < 4; ++i) t.on_send(i * kMs);
  EXPECT_EQ(t.outstanding(), 4u);
  EXPECT_EQ(t.on_reply(0, 0 + 3 * kMs), ReplyOutcome::kAnswered);
  EXPECT_EQ(t.on_reply(0, 0 + 4 * kMs), ReplyOutcome::kDuplicate);
  EXPECT_EQ(t.on_reply(1, 1 * kMs + 101 * kMs), ReplyOutcome::kLate);  // past its deadline
  EXPECT_EQ(t.on_reply(1, 1 * kMs + 102 * kMs), ReplyOutcome::kDuplicate);
  EXPECT_EQ(t.outstanding(), 2u);
  EXPECT_EQ(t.sent(), 4u);
  EXPECT_EQ(t.answered(), 1u);
  EXPECT_EQ(t.late(), 1u);
  EXPECT_EQ(t.duplicates(), 2u);
  EXPECT_EQ(t.lost(), 2u);  // 2 and 3 never answered
  EXPECT_TRUE(t.is_lost(2));
  EXPECT_FALSE(t.is_lost(0));
  ASSERT_EQ(t.rtts().size(), 1u);
  EXPECT_EQ(t.rtts()[0], 3 * kMs);  // the late one is not a sample
}

TEST(FlightTracker, ExpireFreesTheWindowInOrder) {
  FlightTracker t(10, 100 * kMs);
  t.on_send(0);
  t.on_send(10 * kMs);
  t.on_send(20 * kMs);
  EXPECT_EQ(t.on_reply(1, 15 * kMs), ReplyOutcome::kAnswered);
  EXPECT_EQ(t.next_deadline(), 100 * kMs);
  EXPECT_EQ(t.expire(99 * kMs), 0u);
  EXPECT_EQ(t.expire(100 * kMs), 1u);  // request 0: deadline reached
  EXPECT_EQ(t.outstanding(), 1u);
  EXPECT_EQ(t.next_deadline(), 120 * kMs);  // request 1 is answered, 2 is next
  EXPECT_EQ(t.expire(500 * kMs), 1u);
  EXPECT_EQ(t.outstanding(), 0u);
  EXPECT_EQ(t.next_deadline(), std::nullopt);
  // A timed-out request's reply: late, counted once, the window unchanged.
  EXPECT_EQ(t.on_reply(0, 150 * kMs), ReplyOutcome::kLate);
  EXPECT_EQ(t.on_reply(0, 151 * kMs), ReplyOutcome::kDuplicate);
  EXPECT_EQ(t.outstanding(), 0u);
  EXPECT_EQ(t.lost(), 1u);  // request 2
}

TEST(FlightTracker, ReplyReadAfterExpiryButStampedInTimeIsAnswered) {
  FlightTracker t(2, 100 * kMs);
  t.on_send(0);
  EXPECT_EQ(t.expire(200 * kMs), 1u);
  EXPECT_EQ(t.on_reply(0, 99 * kMs), ReplyOutcome::kAnswered);
  EXPECT_EQ(t.answered(), 1u);
  EXPECT_EQ(t.lost(), 0u);
  EXPECT_EQ(t.outstanding(), 0u);
}

// ---- percentiles ------------------------------------------------------------

TEST(Percentiles, OneSample) {
  std::vector<std::uint32_t> s{1234};
  const auto r = summarize_rtts(s);
  EXPECT_EQ(r.samples, 1u);
  EXPECT_EQ(r.p50, 1234u);
  EXPECT_EQ(r.p999, 1234u);
  EXPECT_EQ(r.max, 1234u);
}

TEST(Percentiles, AllEqual) {
  std::vector<std::uint32_t> s(1000, 7);
  const auto r = summarize_rtts(s);
  EXPECT_EQ(r.p50, 7u);
  EXPECT_EQ(r.p90, 7u);
  EXPECT_EQ(r.p99, 7u);
  EXPECT_EQ(r.p999, 7u);
  EXPECT_EQ(r.max, 7u);
}

TEST(Percentiles, HeavyTailByNearestRank) {
  // 1..1000 shuffled-ish (reversed), then ranks ceil(p * 1000).
  std::vector<std::uint32_t> s;
  for (std::uint32_t v = 1000; v >= 1; --v) s.push_back(v);
  auto r = summarize_rtts(s);
  EXPECT_EQ(r.p50, 500u);
  EXPECT_EQ(r.p90, 900u);
  EXPECT_EQ(r.p99, 990u);
  EXPECT_EQ(r.p999, 999u);
  EXPECT_EQ(r.max, 1000u);
  // 990 fast samples and 10 slow ones: p99 is still fast, p99.9 is slow.
  std::vector<std::uint32_t> tail(990, 10);
  tail.insert(tail.end(), 10, 50'000);
  r = summarize_rtts(tail);
  EXPECT_EQ(r.p50, 10u);
  EXPECT_EQ(r.p99, 10u);
  EXPECT_EQ(r.p999, 50'000u);
  EXPECT_EQ(r.max, 50'000u);
  // Ten samples: p50 is the 5th, p90 the 9th, p99 and p99.9 the 10th.
  std::vector<std::uint32_t> ten{10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  r = summarize_rtts(ten);
  EXPECT_EQ(r.p50, 50u);
  EXPECT_EQ(r.p90, 90u);
  EXPECT_EQ(r.p99, 100u);
  EXPECT_EQ(r.p999, 100u);
}

TEST(Percentiles, NoSamples) {
  std::vector<std::uint32_t> none;
  const auto r = summarize_rtts(none);
  EXPECT_EQ(r.samples, 0u);
  EXPECT_EQ(r.max, 0u);
}

// ---- run config, MAC, report -------------------------------------------------

TEST(RunConfig, CapacityFollowsTheBoundActuallyUsed) {
  RunConfig c;
  c.count = 1000;
  EXPECT_EQ(request_capacity(c), 1000u);  // closed: --count
  c.mode = Mode::kOpen;
  c.rate = 2000;
  c.duration_ns = 1'000'000'000;
  EXPECT_EQ(request_capacity(c), 1000u);  // open, but --count is smaller
  c.count = 10'000'000;
  EXPECT_EQ(request_capacity(c), 2001u);  // rate * duration + 1
  c.rate = limits::kMaxRate;
  c.duration_ns = 600'000'000'000;
  c.count = limits::kMaxCount;
  EXPECT_EQ(request_capacity(c), limits::kMaxCount);
}

TEST(RunConfig, OpenScheduleRoundsUp) {
  EXPECT_EQ(open_due_ns(0, 3), 0u);
  EXPECT_EQ(open_due_ns(1, 3), 333'333'334u);
  EXPECT_EQ(open_due_ns(3, 3), 1'000'000'000u);
  EXPECT_EQ(open_due_ns(limits::kMaxCount, 1), 20'000'000'000'000'000u);
}

TEST(Report, KeyValueLines) {
  RunReport r;
  r.mode = Mode::kOpen;
  r.rate = 2000;
  r.sent = 2000;
  r.answered = 1990;
  r.late = 4;
  r.lost = 6;
  r.duplicates = 1;
  r.faults.add(ReplyFault::kBadChecksum);
  r.faults.add(ReplyFault::kBadChecksum);
  r.faults.add(ReplyFault::kWrongIdentifier);
  r.send_ns = 1'000'000'000;
  std::vector<std::uint32_t> s{10'000, 12'340};
  r.rtt = summarize_rtts(s);
  EXPECT_EQ(format_report(r),
            "family ipv4\nmode open\nrate 2000\nsent 2000\nanswered 1990\nlost 6\nlate 4\n"
            "duplicates 1\ninvalid 3\ninvalid_bad_checksum 2\ninvalid_wrong_identifier 1\n"
            "tx_retries 0\nsend_seconds 1.000\nsent_per_second 2000\nreplies_per_second 1990\n"
            "rtt_p50_us 10.0\nrtt_p90_us 12.3\nrtt_p99_us 12.3\nrtt_p999_us 12.3\n"
            "rtt_max_us 12.3\n");
  RunReport empty;
  const std::string text = format_report(empty);
  EXPECT_NE(text.find("window 0\n"), std::string::npos);
  EXPECT_NE(text.find("rtt_p50_us -\n"), std::string::npos);
  EXPECT_NE(text.find("sent_per_second 0\n"), std::string::npos);
}

}  // namespace
}  // namespace pong::bench
