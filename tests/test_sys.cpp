// The system layer: payload previews, sysctl paths and the sysctl guard.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <vector>

#include "sys/log.hpp"
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

}  // namespace
}  // namespace pong::sys
