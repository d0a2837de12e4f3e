// pinger's payloads: -p hex patterns and filling to -s bytes.
#include "payload.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pong::client {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(FillPattern, HexPairs) {
  EXPECT_EQ(parse_fill_pattern("ff").value(), Bytes{0xff});
  EXPECT_EQ(parse_fill_pattern("a5A5").value(), (Bytes{0xa5, 0xa5}));
  EXPECT_EQ(parse_fill_pattern("0xdeadBEEF").value(), (Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(parse_fill_pattern("00112233445566778899aabbccddeeff").value().size(), 16u);
}

TEST(FillPattern, RefusesWhatIsNotOneToSixteenBytes) {
  for (const char* bad :
       {"", "0x", "f", "abc", "zz", "0g", "00112233445566778899aabbccddeeff00", "12 34", "-1"}) {
    const auto r = parse_fill_pattern(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().find("pattern"), std::string::npos) << r.error();
  }
}

TEST(FillPayload, RepeatsAndCuts) {
  const Bytes pattern{1, 2, 3};
  EXPECT_EQ(fill_payload(pattern, 7), (Bytes{1, 2, 3, 1, 2, 3, 1}));
  EXPECT_EQ(fill_payload(pattern, 2), (Bytes{1, 2}));
  EXPECT_EQ(fill_payload(pattern, 0), Bytes{});
  EXPECT_EQ(fill_payload({}, 3), (Bytes{0, 0, 0}));
}

TEST(FillPayload, TheArticlesTextByDefault) {
  const Bytes text(kDefaultPayloadText.begin(), kDefaultPayloadText.end());
  EXPECT_EQ(fill_payload(text, text.size()), text);
  EXPECT_EQ(text.size(), 17u);  // 21 bytes with identifier and sequence
  EXPECT_EQ(fill_payload(text, kMaxDataBytes).size(), 65507u);
}

}  // namespace
}  // namespace pong::client
