// Address values: the IPv6 predicates RFC 4291 defines, and IpAddress,
// the one type for both families.
#include "wire/address.hpp"

#include <gtest/gtest.h>

namespace pong::wire {
namespace {

constexpr Ipv6Address v6(std::initializer_list<std::uint16_t> groups) {
  Ipv6Address a;
  std::size_t i = 0;
  for (const auto g : groups) {
    a.octets[2 * i] = static_cast<std::uint8_t>(g >> 8);
    a.octets[2 * i + 1] = static_cast<std::uint8_t>(g);
    ++i;
  }
  return a;
}

TEST(Ipv6Address, Rfc4291Predicates) {
  EXPECT_TRUE(v6({0xff02, 0, 0, 0, 0, 0, 0, 1}).is_multicast());
  EXPECT_TRUE(v6({0xff02, 0, 0, 0, 0, 0, 0, 1}).is_link_local_multicast());
  EXPECT_FALSE(v6({0xff05, 0, 0, 0, 0, 0, 0, 2}).is_link_local_multicast());
  EXPECT_FALSE(v6({0xfd00, 0x10, 0x113, 0, 0, 0, 0, 3}).is_multicast());
  EXPECT_TRUE(v6({0xfe80, 0, 0, 0, 0x1, 0x2, 0x3, 0x4}).is_link_local());
  EXPECT_TRUE(v6({0xfebf, 0, 0, 0, 0, 0, 0, 1}).is_link_local());  // fe80::/10 ends at febf
  EXPECT_FALSE(v6({0xfec0, 0, 0, 0, 0, 0, 0, 1}).is_link_local());
  EXPECT_TRUE(Ipv6Address{}.is_unspecified());
  EXPECT_FALSE(v6({0, 0, 0, 0, 0, 0, 0, 1}).is_unspecified());
  EXPECT_TRUE(v6({0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001}).is_ipv4_mapped());
  EXPECT_EQ(v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}).group(1), 0xdb8);
}

TEST(IpAddress, HoldsEitherFamily) {
  const IpAddress four = Ipv4Address{{10, 0, 0, 1}};
  const IpAddress six = v6({0xfd00, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_TRUE(four.is_ipv4());
  EXPECT_EQ(four.family(), IpFamily::kIpv4);
  EXPECT_EQ(four.ipv4(), (Ipv4Address{{10, 0, 0, 1}}));
  EXPECT_EQ(four.bytes().size(), 4u);
  EXPECT_TRUE(six.is_ipv6());
  EXPECT_EQ(six.bytes().size(), 16u);
  EXPECT_EQ(six.ipv6(), v6({0xfd00, 0, 0, 0, 0, 0, 0, 1}));
  // The other family's accessor gives the zero address, never garbage.
  EXPECT_TRUE(six.ipv4().is_unspecified());
  EXPECT_TRUE(four.ipv6().is_unspecified());
}

TEST(IpAddress, UnspecifiedOfEachFamily) {
  EXPECT_EQ(IpAddress::unspecified(IpFamily::kIpv4), IpAddress{Ipv4Address{}});
  EXPECT_EQ(IpAddress::unspecified(IpFamily::kIpv6), IpAddress{Ipv6Address{}});
  EXPECT_TRUE(IpAddress::unspecified(IpFamily::kIpv6).is_ipv6());
}

TEST(IpAddress, EqualityNeedsTheSameFamily) {
  // 0.0.0.0 and :: are both "unspecified" but not the same address.
  EXPECT_NE(IpAddress{Ipv4Address{}}, IpAddress{Ipv6Address{}});
  EXPECT_EQ((IpAddress{Ipv4Address{{1, 2, 3, 4}}}), (IpAddress{Ipv4Address{{1, 2, 3, 4}}}));
  EXPECT_TRUE(IpAddress{Ipv6Address{}}.is_unspecified());
  EXPECT_TRUE(IpAddress{v6({0xff02, 0, 0, 0, 0, 0, 0, 1})}.is_multicast());
  EXPECT_TRUE((IpAddress{Ipv4Address{{224, 0, 0, 1}}}.is_multicast()));
}

}  // namespace
}  // namespace pong::wire
