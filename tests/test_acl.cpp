// Allow and deny prefixes for both families, and the ACL file.
#include "policy/acl.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <string_view>

namespace pong::policy {
namespace {

wire::IpAddress ip(const char* text) {
  wire::Ipv4Address v4;
  if (::inet_pton(AF_INET, text, v4.octets.data()) == 1) return v4;
  wire::Ipv6Address v6;
  EXPECT_EQ(::inet_pton(AF_INET6, text, v6.octets.data()), 1) << text;
  return v6;
}

TEST(Cidr, ParsesBothFamiliesAndBareAddresses) {
  const auto v4 = Cidr::parse("10.0.0.0/8");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->prefix_length, 8);
  EXPECT_TRUE(v4->contains(ip("10.255.1.2")));
  EXPECT_FALSE(v4->contains(ip("11.0.0.1")));
  const auto v6 = Cidr::parse(" fd00:172:22::/64 ");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(ip("fd00:172:22::2")));
  EXPECT_FALSE(v6->contains(ip("fd00:172:23::2")));
  const auto host = Cidr::parse("192.0.2.7");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->prefix_length, 32);
  EXPECT_TRUE(host->contains(ip("192.0.2.7")));
  EXPECT_FALSE(host->contains(ip("192.0.2.8")));
}

TEST(Cidr, OddPrefixLengthsCompareTheRightBits) {
  const auto c = Cidr::parse("172.16.0.0/12");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->contains(ip("172.31.255.255")));
  EXPECT_FALSE(c->contains(ip("172.32.0.0")));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->contains(ip("203.0.113.9")));
  EXPECT_TRUE(Cidr::parse("fe80::/10")->contains(ip("febf::1")));
  EXPECT_FALSE(Cidr::parse("fe80::/10")->contains(ip("fec0::1")));
}

TEST(Cidr, NeverMatchesAcrossFamilies) {
  // ::/0 is every IPv6 address and no IPv4 one; 0.0.0.0/0 the reverse.
  EXPECT_FALSE(Cidr::parse("::/0")->contains(ip("10.0.0.1")));
  EXPECT_FALSE(Cidr::parse("0.0.0.0/0")->contains(ip("::1")));
  EXPECT_FALSE(Cidr::parse("::ffff:10.0.0.0/104")->contains(ip("10.0.0.1")));
}

TEST(Cidr, BadRulesAreOneSentenceEach) {
  EXPECT_EQ(Cidr::parse("10.0.0/8").error(), "'10.0.0' is not an IPv4 or IPv6 address");
  EXPECT_EQ(Cidr::parse("10.0.0.0/33").error(), "'33' is not a prefix length from 0 to 32");
  EXPECT_EQ(Cidr::parse("fd00::/129").error(), "'129' is not a prefix length from 0 to 128");
  EXPECT_EQ(Cidr::parse("10.0.0.0/").error(), "'' is not a prefix length from 0 to 32");
  EXPECT_EQ(Cidr::parse("10.0.0.0/8x").error(), "'8x' is not a prefix length from 0 to 32");
  EXPECT_EQ(Cidr::parse("10.1.2.3/8").error(),
            "10.1.2.3/8 has bits set past its /8 prefix (host bits must be zero)");
}

TEST(Acl, DenyWinsOverAllow) {
  Acl acl;
  acl.allow(*Cidr::parse("10.0.0.0/8"));
  acl.deny(*Cidr::parse("10.0.0.66"));
  EXPECT_EQ(acl.check(ip("10.0.0.2")), AclVerdict::kAnswer);
  EXPECT_EQ(acl.check(ip("10.0.0.66")), AclVerdict::kDenied);
  EXPECT_EQ(acl.check(ip("192.0.2.1")), AclVerdict::kNotAllowed);
  EXPECT_EQ(acl.check(ip("fd00::2")), AclVerdict::kNotAllowed);
}

TEST(Acl, WithoutAllowsEveryoneNotDeniedIsAnswered) {
  Acl acl;
  EXPECT_TRUE(acl.empty());
  EXPECT_EQ(acl.check(ip("203.0.113.1")), AclVerdict::kAnswer);
  acl.deny(*Cidr::parse("2001:db8::/32"));
  EXPECT_EQ(acl.check(ip("2001:db8::1")), AclVerdict::kDenied);
  EXPECT_EQ(acl.check(ip("2001:db9::1")), AclVerdict::kAnswer);
}

TEST(AclFile, RulesCommentsAndBlankLines) {
  Acl acl;
  const auto parsed = parse_acl_file(
      "# lab hosts only\n"
      "allow 172.22.0.0/16\n"
      "\n"
      "allow fd00:172:22::/64   # the ULA subnet\n"
      "  deny 172.22.0.66\r\n",
      acl);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(acl.check(ip("172.22.0.2")), AclVerdict::kAnswer);
  EXPECT_EQ(acl.check(ip("fd00:172:22::2")), AclVerdict::kAnswer);
  EXPECT_EQ(acl.check(ip("172.22.0.66")), AclVerdict::kDenied);
  EXPECT_EQ(acl.check(ip("10.0.0.1")), AclVerdict::kNotAllowed);
}

TEST(AclFile, AMalformedLineIsNamedByNumber) {
  Acl acl;
  auto e = parse_acl_file("allow 10.0.0.0/8\n# fine\npermit 10.1.0.0/16\n", acl);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().line, 3u);
  EXPECT_EQ(e.error().message,
            "'permit 10.1.0.0/16' is not a rule: write 'allow CIDR' or 'deny CIDR'");
  e = parse_acl_file("deny\n", acl);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().line, 1u);
  EXPECT_EQ(e.error().message, "'deny' names no address");
  e = parse_acl_file("\n\nallow 10.0.0.1/24\n", acl);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().line, 3u);
  EXPECT_EQ(e.error().message,
            "10.0.0.1/24 has bits set past its /24 prefix (host bits must be zero)");
}

// Found by tests/fuzz/fuzz_acl.cpp: inet_pton stops at a NUL, so a rule
// with a NUL byte after its address was read as the address alone.
TEST(AclFile, ANulByteIsNotTheEndOfAnAddress) {
  using namespace std::string_view_literals;
  EXPECT_FALSE(Cidr::parse("10.0.0.1\0junk"sv));
  EXPECT_FALSE(Cidr::parse("fd00::1\0/64"sv));
  Acl acl;
  const auto e = parse_acl_file("allow 10.0.0.0/8\ndeny 10.0.0.1\0/8\n"sv, acl);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().line, 2u);
}

}  // namespace
}  // namespace pong::policy
