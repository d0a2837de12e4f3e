// text/mac_address: Ethernet addresses as users type them and as sysfs
// prints them (pong-bench's --dst-mac, the inject test helper).
#include <gtest/gtest.h>

#include "text/mac_address.hpp"

namespace pong::text {
namespace {

static_assert(parse_mac("02:00:00:00:00:01") == MacAddress{0x02, 0, 0, 0, 0, 0x01});

TEST(MacAddress, ParsesSysfsForm) {
  EXPECT_EQ(parse_mac("02:42:0a:78:00:fF"), (MacAddress{0x02, 0x42, 0x0a, 0x78, 0x00, 0xff}));
  EXPECT_EQ(parse_mac("02-42-0a-78-00-03"), (MacAddress{0x02, 0x42, 0x0a, 0x78, 0x00, 0x03}));
  EXPECT_EQ(parse_mac("02:42:0a:78:00"), std::nullopt);
  EXPECT_EQ(parse_mac("02:42:0a:78:00:0g"), std::nullopt);
  EXPECT_EQ(parse_mac("02:42:0a:78:00:033"), std::nullopt);
  EXPECT_EQ(parse_mac("02:42:0a:78:00.03"), std::nullopt);
}

TEST(MacAddress, RefusesEmptyAndPaddedText) {
  EXPECT_EQ(parse_mac(""), std::nullopt);
  EXPECT_EQ(parse_mac(" 02:42:0a:78:00:03"), std::nullopt);
  EXPECT_EQ(parse_mac("02:42:0a:78:00:03 "), std::nullopt);
}

}  // namespace
}  // namespace pong::text
