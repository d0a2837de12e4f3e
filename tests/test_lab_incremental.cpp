// RFC 1624's incremental update and RFC 1141's, step by step, with the
// numbers RFC 1624 prints.
#include "incremental.hpp"

#include <gtest/gtest.h>

#include <random>

#include "wire/checksum.hpp"

namespace pong::lab {
namespace {

// RFC 1624 section 4: other header words sum to 0xCD7A; m = 0x5555 becomes
// m' = 0x3285. HC = 0xDD2F. Recomputed: 0x0000. RFC 1141's equation:
// 0xFFFF. Eqn. 3: ~(0x22D0 + 0xAAAA + 0x3285) = ~0xFFFF = 0x0000.
TEST(Rfc1624Example, GivesTheNumbersTheRfcPrints) {
  const auto e = rfc1624_example();
  EXPECT_EQ(e.others, 0xCD7A);
  EXPECT_EQ(e.old_sum.folded, 0x22D0);
  EXPECT_EQ(e.old_checksum, 0xDD2F);
  EXPECT_EQ(e.new_sum.folded, 0xFFFF);
  EXPECT_EQ(e.recomputed, 0x0000);
  EXPECT_EQ(e.update.rfc1141, 0xFFFF);  // -0: wrong
  EXPECT_EQ(e.update.eqn3, 0x0000);     // +0: right
  ASSERT_EQ(e.update.eqn3_sum.terms.size(), 3u);
  EXPECT_EQ(e.update.eqn3_sum.terms[0], 0x22D0);  // ~HC
  EXPECT_EQ(e.update.eqn3_sum.terms[1], 0xAAAA);  // ~m
  EXPECT_EQ(e.update.eqn3_sum.terms[2], 0x3285);  // m'
  EXPECT_EQ(e.update.eqn3_sum.sum, 0xFFFFu);
  EXPECT_TRUE(e.update.eqn3_sum.folds.empty());
  EXPECT_EQ(e.update.rfc1141_sum.terms[2], 0xCD7A);  // ~m'
  EXPECT_EQ(e.update.rfc1141_sum.sum, 0x1FFFEu);
}

TEST(ExplainIncrementalUpdate, TheEchoRewriteOfTheCapturedRequest) {
  const auto u = explain_incremental_update(0x492b, 0x0800, 0x0000);
  EXPECT_EQ(u.eqn3, 0x512b);
  EXPECT_EQ(u.rfc1141, 0x512b);
  EXPECT_EQ(u.eqn3_sum.sum, 0x1aed3u);
  ASSERT_EQ(u.eqn3_sum.folds.size(), 1u);
  EXPECT_EQ(u.eqn3_sum.folded, 0xaed4);
}

TEST(ExplainIncrementalUpdate, AgreesWithTheResponderOnRandomWords) {
  std::mt19937 rng(1624);
  std::uniform_int_distribution<int> word(0, 0xFFFF);
  for (int i = 0; i < 100000; ++i) {
    const auto hc = static_cast<std::uint16_t>(word(rng));
    const auto m = static_cast<std::uint16_t>(word(rng));
    const auto m2 = static_cast<std::uint16_t>(word(rng));
    const auto u = explain_incremental_update(hc, m, m2);
    ASSERT_EQ(u.eqn3, wire::checksum_update(hc, m, m2)) << i;
    ASSERT_EQ(u.rfc1141, wire::checksum_update_rfc1141(hc, m, m2)) << i;
  }
}

}  // namespace
}  // namespace pong::lab
