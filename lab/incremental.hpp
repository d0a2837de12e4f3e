// Incremental checksum update, step by step: RFC 1624 eqn. 3, the one pong
// uses, next to RFC 1141's older equation (RFC 1624's eqn. 2).
//
// RFC 1624 section 3: "RFC 1141 yields an updated header checksum of -0
// when it should be +0": where a full recomputation gives 0x0000, RFC
// 1141's equation gives 0xFFFF. Section 4 shows it on one example, which
// rfc1624_example() recomputes.
#pragma once

#include <cstdint>

#include "checksum_steps.hpp"

namespace pong::lab {

struct IncrementalUpdate {
  std::uint16_t old_checksum = 0;  // HC
  std::uint16_t old_word = 0;      // m
  std::uint16_t new_word = 0;      // m'
  // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').
  OnesComplementSum eqn3_sum;  // of ~HC, ~m and m'
  std::uint16_t eqn3 = 0;
  // RFC 1141 (RFC 1624 eqn. 2): HC' = HC + m + ~m'.
  OnesComplementSum rfc1141_sum;  // of HC, m and ~m'
  std::uint16_t rfc1141 = 0;
};

IncrementalUpdate explain_incremental_update(std::uint16_t old_checksum, std::uint16_t old_word,
                                             std::uint16_t new_word);

// RFC 1624 section 4: a header whose other words sum to 0xCD7A, and one
// word m = 0x5555 that becomes m' = 0x3285.
struct Rfc1624Example {
  std::uint16_t others = 0xCD7A;
  std::uint16_t old_word = 0x5555;
  std::uint16_t new_word = 0x3285;
  OnesComplementSum old_sum;       // others + m
  std::uint16_t old_checksum = 0;  // HC = ~(others + m)
  OnesComplementSum new_sum;       // others + m'
  std::uint16_t recomputed = 0;    // ~(others + m'), the right answer
  IncrementalUpdate update;        // from HC, m and m'
};

Rfc1624Example rfc1624_example();

}  // namespace pong::lab
