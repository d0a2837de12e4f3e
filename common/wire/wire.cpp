// The wire layer is header-only so that its functions can be constexpr;
// this file anchors the static library and proves, at compile time, that
// the core agrees with the published vectors it is tested against.
#include <array>
#include <cstdint>

#include "checksum.hpp"
#include "echo.hpp"
#include "icmpv4.hpp"
#include "ipv4.hpp"
#include "ipv6.hpp"

namespace pong::wire {
namespace {

// RFC 1071 3: the worked example, bytes 00 01 f2 03 f4 f5 f6 f7, whose
// one's complement sum is ddf2.
constexpr std::array<std::uint8_t, 8> kRfc1071Example{0x00, 0x01, 0xf2, 0x03,
                                                      0xf4, 0xf5, 0xf6, 0xf7};
static_assert(ChecksumAccumulator{}.add(kRfc1071Example).folded() == 0xddf2);

// RFC 1624 4: m = 0x5555 -> m' = 0x3285 under HC = 0xDD2F.
static_assert(checksum_update(0xDD2F, 0x5555, 0x3285) == 0x0000);
static_assert(checksum_update_rfc1141(0xDD2F, 0x5555, 0x3285) == 0xFFFF);

// Echo request 8/0 with checksum 492b (the tcpdump capture in tests/)
// becomes a reply with checksum 512b.
static_assert(checksum_update(0x492b, 0x0800, 0x0000) == 0x512b);

// The captured ping -6 in tests/packets.hpp: fd00:10:113::2 -> ::3, 12
// bytes of ICMPv6. Its pseudo-header sums to fc92 (RFC 8200 8.1, worked by
// hand in tests/test_icmpv6.cpp), and the request's checksum 7119 becomes
// the reply's 7019 when type 128 becomes 129.
constexpr std::array<std::uint8_t, 16> kCapturedClient{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0,
                                                       0,    0, 0, 0,    0,    0,    0, 2};
constexpr std::array<std::uint8_t, 16> kCapturedServer{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0,
                                                       0,    0, 0, 0,    0,    0,    0, 3};
static_assert(ipv6_pseudo_header_sum(kCapturedClient, kCapturedServer, 12, kIpProtocolIcmpv6)
                  .folded() == 0xfc92);
static_assert(checksum_update(0x7119, 0x8000, 0x8100) == 0x7019);

}  // namespace
}  // namespace pong::wire
