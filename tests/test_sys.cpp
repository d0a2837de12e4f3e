// The system layer: payload previews, sysctl paths and the sysctl guard.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <vector>

#include "sys/log.hpp"
#include "sys/resolve.hpp"
#include "sys/socket_address.hpp"
#include "sys/sysctl.hpp"

namespace pong::sys {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

TEST(PayloadPreview, PrintableTextIsShownAsText) {
  const auto data = bytes_of("hello from client");
  EXPECT_EQ(fmt::format("{}", PayloadPreview{data, 32}), "hello from client");
}

TEST(PayloadPreview, BinaryIsShownAsHex) {
  const std::vector<std::uint8_t> data{0x00, 0x01, 0xab, 0x7f};
  EXPECT_EQ(fmt::format("{}", PayloadPreview{data, 32}), "hex:0001ab7f");
}

TEST(PayloadPreview, LongPayloadsAreCutWithTheirLength) {
  const auto text = bytes_of("abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(fmt::format("{}", PayloadPreview{text, 5}), "abcde... (26 bytes)");
  const std::vector<std::uint8_t> binary(56, 0x10);
  EXPECT_EQ(fmt::format("{}", PayloadPreview{binary, 2}), "hex:1010... (56 bytes)");
}

TEST(PayloadPreview, EmptyAndZeroLimit) {
  EXPECT_EQ(fmt::format("{}", PayloadPreview{{}, 32}), "(empty)");
  const auto text = bytes_of("abc");
  EXPECT_EQ(fmt::format("{}", PayloadPreview{text, 0}), "... (3 bytes)");
}

TEST(Ipv4AddressFormat, DottedQuad) {
  EXPECT_EQ(fmt::format("{}", wire::Ipv4Address{{172, 22, 0, 3}}), "172.22.0.3");
}

TEST(Sysctl, PathFromName) {
  EXPECT_EQ(sysctl_path("net.ipv4.icmp_echo_ignore_all"),
            "/proc/sys/net/ipv4/icmp_echo_ignore_all");
}

TEST(Sysctl, ReadsAKnownValueAndReportsAMissingOne) {
  const auto value = read_sysctl("net.ipv4.icmp_echo_ignore_all");
  ASSERT_TRUE(value);
  EXPECT_TRUE(*value == "0" || *value == "1");
  const auto missing = read_sysctl("net.ipv4.no_such_sysctl");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("net.ipv4.no_such_sysctl"), std::string::npos);
}

TEST(ScopedSysctl, WritesNothingWhenTheValueIsAlreadyRight) {
  const auto current = read_sysctl("net.ipv4.icmp_echo_ignore_all");
  ASSERT_TRUE(current);
  auto scoped = ScopedSysctl::set("net.ipv4.icmp_echo_ignore_all", *current);
  ASSERT_TRUE(scoped);
  EXPECT_FALSE(scoped->original().has_value());
}

// RFC 5952 4 and 5, one case per rule.
std::string text_of(const std::string& address) {
  const auto parsed = parse_ip_address(address);
  EXPECT_TRUE(parsed) << address;
  return parsed ? fmt::format("{}", *parsed) : "";
}

TEST(Ipv6Text, Rfc5952CanonicalForm) {
  EXPECT_EQ(text_of("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // 4.1, 4.2.1
  EXPECT_EQ(text_of("2001:DB8::AbCd"), "2001:db8::abcd");                        // 4.3
  EXPECT_EQ(text_of("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");            // 4.2.2
  EXPECT_EQ(text_of("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");                     // 4.2.3 longest
  EXPECT_EQ(text_of("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");               // 4.2.3 first
  EXPECT_EQ(text_of("::"), "::");
  EXPECT_EQ(text_of("::1"), "::1");
  EXPECT_EQ(text_of("fe80::"), "fe80::");
  EXPECT_EQ(text_of("fd00:10:113:0::3"), "fd00:10:113::3");
  EXPECT_EQ(text_of("ff02::1"), "ff02::1");
  EXPECT_EQ(text_of("::ffff:192.0.2.1"), "::ffff:192.0.2.1");  // 5
  EXPECT_EQ(text_of("10.0.0.2"), "10.0.0.2");
}

TEST(SocketAddress, RoundTripsBothFamiliesWithScopeAndPort) {
  for (const std::string text : {"192.0.2.7", "fe80::1", "fd00::3"}) {
    const Endpoint in{*parse_ip_address(text), text == "fe80::1" ? 4u : 0u, 4242};
    sockaddr_storage storage;
    const socklen_t length = to_sockaddr(in, storage);
    EXPECT_EQ(storage.ss_family, in.address.is_ipv4() ? AF_INET : AF_INET6);
    EXPECT_EQ(length, in.address.is_ipv4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    const auto out = from_sockaddr(storage, length);
    ASSERT_TRUE(out) << text;
    EXPECT_EQ(out->address, in.address);
    EXPECT_EQ(out->scope_id, in.scope_id);
    EXPECT_EQ(out->port, 4242);
  }
}

TEST(SocketAddress, ShortOrForeignAddressesAreRefused) {
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr({*parse_ip_address("fd00::3")}, storage);
  EXPECT_FALSE(from_sockaddr(storage, length - 1));
  storage.ss_family = AF_UNIX;
  EXPECT_FALSE(from_sockaddr(storage, length));
}

TEST(Resolve, LiteralsAndZones) {
  const auto v4 = resolve_host("10.1.2.3", FamilyChoice::kAny);
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->address.is_ipv4());
  const auto v6 = resolve_host("fd00::3", FamilyChoice::kIpv6Only);
  ASSERT_TRUE(v6);
  EXPECT_EQ(fmt::format("{}", v6->address), "fd00::3");
  // A zone of "lo" is the loopback interface, index 1 in every namespace.
  const auto scoped = resolve_host("fe80::1%lo", FamilyChoice::kAny);
  ASSERT_TRUE(scoped);
  EXPECT_EQ(scoped->scope_id, 1u);
  EXPECT_EQ(resolve_host("fe80::1%nosuchif0", FamilyChoice::kAny).error(),
            "fe80::1%nosuchif0: there is no interface named nosuchif0 (see 'ip link')");
  const auto wrong = resolve_host("fd00::3", FamilyChoice::kIpv4Only);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), "fd00::3 is an IPv6 address, and IPv4 (-4) was asked for");
}

TEST(SysctlInteger, ReadsWithoutAllocatingAndRefusesWhatIsNotThere) {
  // Every network namespace has these, with their kernel defaults or not.
  const auto value = read_sysctl_integer("net.ipv4.icmp_echo_ignore_all");
  ASSERT_TRUE(value);
  EXPECT_TRUE(*value == 0 || *value == 1);
  EXPECT_EQ(read_sysctl_integer("net.ipv4.icmp_echo_ignore_all"),
            std::stol(*read_sysctl("net.ipv4.icmp_echo_ignore_all")));
  EXPECT_FALSE(read_sysctl_integer("net.ipv4.no_such_sysctl"));
  EXPECT_FALSE(read_sysctl_integer(std::string(300, 'x')));
}

}  // namespace
}  // namespace pong::sys
