#include "checksum_steps.hpp"

namespace pong::lab {
namespace {

std::vector<CarryFold> fold_carries(std::uint32_t sum) {
  std::vector<CarryFold> folds;
  while (sum >> 16) {
    const CarryFold f{sum, sum >> 16, sum & 0xFFFF, (sum & 0xFFFF) + (sum >> 16)};
    folds.push_back(f);
    sum = f.after;
  }
  return folds;
}

std::uint16_t last_value(std::uint32_t sum, const std::vector<CarryFold>& folds) {
  return static_cast<std::uint16_t>(folds.empty() ? sum : folds.back().after);
}

}  // namespace

OnesComplementSum ones_complement_sum(std::initializer_list<std::uint16_t> terms) {
  OnesComplementSum s;
  s.terms.assign(terms.begin(), terms.end());
  for (const std::uint16_t t : terms) s.sum += t;
  s.folds = fold_carries(s.sum);
  s.folded = last_value(s.sum, s.folds);
  return s;
}

ChecksumSteps explain_checksum(std::span<const std::uint8_t> bytes) {
  ChecksumSteps steps;
  steps.words.reserve(bytes.size() / 2 + 1);
  // RFC 1071 4.1: "Adjacent octets to be checksummed are paired to form
  // 16-bit integers"; "Add left-over byte, if any".
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    ChecksumWord w;
    w.offset = i;
    w.padded = i + 1 == bytes.size();
    w.value = static_cast<std::uint16_t>(bytes[i] << 8 | (w.padded ? 0 : bytes[i + 1]));
    steps.sum += w.value;
    w.running = steps.sum;
    steps.words.push_back(w);
  }
  // RFC 1071 4.1: "Fold 32-bit sum to 16 bits".
  steps.folds = fold_carries(steps.sum);
  steps.folded = last_value(steps.sum, steps.folds);
  steps.checksum = static_cast<std::uint16_t>(~steps.folded);
  return steps;
}

}  // namespace pong::lab
