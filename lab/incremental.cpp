#include "incremental.hpp"

namespace pong::lab {
namespace {

constexpr std::uint16_t complement(std::uint16_t v) {
  return static_cast<std::uint16_t>(~v);
}

}  // namespace

IncrementalUpdate explain_incremental_update(std::uint16_t old_checksum, std::uint16_t old_word,
                                             std::uint16_t new_word) {
  IncrementalUpdate u;
  u.old_checksum = old_checksum;
  u.old_word = old_word;
  u.new_word = new_word;
  u.eqn3_sum = ones_complement_sum({complement(old_checksum), complement(old_word), new_word});
  u.eqn3 = complement(u.eqn3_sum.folded);
  u.rfc1141_sum = ones_complement_sum({old_checksum, old_word, complement(new_word)});
  u.rfc1141 = u.rfc1141_sum.folded;
  return u;
}

Rfc1624Example rfc1624_example() {
  Rfc1624Example e;
  e.old_sum = ones_complement_sum({e.others, e.old_word});
  e.old_checksum = complement(e.old_sum.folded);
  e.new_sum = ones_complement_sum({e.others, e.new_word});
  e.recomputed = complement(e.new_sum.folded);
  e.update = explain_incremental_update(e.old_checksum, e.old_word, e.new_word);
  return e;
}

}  // namespace pong::lab
