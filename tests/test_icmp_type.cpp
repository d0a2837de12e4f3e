// IcmpType: one value for an ICMP type of either family.
#include "wire/icmp_type.hpp"

#include <gtest/gtest.h>

namespace pong::wire {
namespace {

TEST(IcmpType, TheSameByteMeansDifferentThingsPerFamily) {
  const auto v4 = IcmpType::from_wire(IpFamily::kIpv4, 3);
  const auto v6 = IcmpType::from_wire(IpFamily::kIpv6, 3);
  EXPECT_NE(v4, v6);
  EXPECT_EQ(v4, IcmpType{Icmpv4Type::kDestinationUnreachable});
  EXPECT_EQ(v6, IcmpType{Icmpv6Type::kTimeExceeded});
  EXPECT_EQ(icmp_type_name(v4), "destination unreachable");
  EXPECT_EQ(icmp_type_name(v6), "time exceeded");
  EXPECT_EQ(v6.family(), IpFamily::kIpv6);
  EXPECT_EQ(v6.value(), 3);
}

TEST(IcmpType, EchoPairsOfBothFamilies) {
  EXPECT_TRUE(IcmpType{Icmpv4Type::kEchoRequest}.is_echo_request());
  EXPECT_TRUE(IcmpType{Icmpv6Type::kEchoRequest}.is_echo_request());
  EXPECT_TRUE(IcmpType{Icmpv4Type::kEchoReply}.is_echo_reply());
  EXPECT_TRUE(IcmpType{Icmpv6Type::kEchoReply}.is_echo_reply());
  // 8 is an echo request only in ICMPv4's numbering, 128 only in ICMPv6's.
  EXPECT_FALSE(IcmpType::from_wire(IpFamily::kIpv6, 8).is_echo_request());
  EXPECT_FALSE(IcmpType::from_wire(IpFamily::kIpv4, 128).is_echo_request());
  EXPECT_FALSE(IcmpType{Icmpv6Type::kEchoRequest}.is_echo_reply());
}

TEST(IcmpType, CodeNamesFollowTheFamily) {
  EXPECT_EQ(icmp_code_name(IcmpType{Icmpv4Type::kDestinationUnreachable}, 3), "port unreachable");
  EXPECT_EQ(icmp_code_name(IcmpType{Icmpv6Type::kDestinationUnreachable}, 3),
            "address unreachable");
  EXPECT_EQ(icmp_code_name(IcmpType{Icmpv6Type::kEchoReply}, 0), "");
}

}  // namespace
}  // namespace pong::wire
