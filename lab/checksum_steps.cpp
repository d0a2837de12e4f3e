#include "checksum_steps.hpp"

#include "wire/bytes.hpp"

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

// The field of RFC 8200 8.1's pseudo-header that holds byte `offset`.
ChecksumPart pseudo_header_part(std::size_t offset) {
  if (offset < 16) return ChecksumPart::kSource;
  if (offset < 32) return ChecksumPart::kDestination;
  if (offset < 36) return ChecksumPart::kUpperLayerLength;
  return ChecksumPart::kNextHeader;
}

// Adds the words of `bytes` to `steps`, each labelled by `part_of(offset)`.
// RFC 1071 4.1: "Adjacent octets to be checksummed are paired to form
// 16-bit integers"; "Add left-over byte, if any".
template <class PartOf>
void add_words(ChecksumSteps& steps, std::span<const std::uint8_t> bytes, PartOf part_of) {
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    ChecksumWord w;
    w.part = part_of(i);
    w.offset = i;
    w.padded = i + 1 == bytes.size();
    w.value = static_cast<std::uint16_t>(bytes[i] << 8 | (w.padded ? 0 : bytes[i + 1]));
    steps.sum += w.value;
    w.running = steps.sum;
    steps.words.push_back(w);
  }
}

// RFC 1071 4.1: "Fold 32-bit sum to 16 bits", then the complement.
void finish(ChecksumSteps& steps) {
  steps.folds = fold_carries(steps.sum);
  steps.folded = last_value(steps.sum, steps.folds);
  steps.checksum = static_cast<std::uint16_t>(~steps.folded);
}

ChecksumSteps explain(std::span<const std::uint8_t> bytes,
                      const std::optional<Ipv6PseudoHeader>& pseudo_header) {
  ChecksumSteps steps;
  steps.words.reserve(bytes.size() / 2 + 1 + (pseudo_header ? Ipv6PseudoHeader::kLength / 2 : 0));
  steps.data_bytes = bytes.size();
  if (pseudo_header) {
    steps.pseudo_header = pseudo_header;
    const auto prefix = pseudo_header->bytes();
    add_words(steps, prefix, pseudo_header_part);
  }
  add_words(steps, bytes, [](std::size_t) { return ChecksumPart::kData; });
  finish(steps);
  return steps;
}

}  // namespace

std::string_view checksum_part_name(ChecksumPart part) {
  switch (part) {
    case ChecksumPart::kSource:
      return "source address";
    case ChecksumPart::kDestination:
      return "destination address";
    case ChecksumPart::kUpperLayerLength:
      return "upper-layer packet length (32 bits)";
    case ChecksumPart::kNextHeader:
      return "24 zero bits, then the next header";
    case ChecksumPart::kData:
      return "the data";
  }
  return "";
}

std::array<std::uint8_t, Ipv6PseudoHeader::kLength> Ipv6PseudoHeader::bytes() const {
  std::array<std::uint8_t, kLength> out{};
  const std::span<std::uint8_t, kLength> view(out);
  for (std::size_t i = 0; i < 16; ++i) {
    out[i] = source.octets[i];
    out[16 + i] = destination.octets[i];
  }
  wire::store_be32(view.subspan<32, 4>(), upper_layer_length);
  out[39] = next_header;  // bytes 36-38 stay zero
  return out;
}

OnesComplementSum ones_complement_sum(std::initializer_list<std::uint16_t> terms) {
  OnesComplementSum s;
  s.terms.assign(terms.begin(), terms.end());
  for (const std::uint16_t t : terms) s.sum += t;
  s.folds = fold_carries(s.sum);
  s.folded = last_value(s.sum, s.folds);
  return s;
}

ChecksumSteps explain_checksum(std::span<const std::uint8_t> bytes) {
  return explain(bytes, std::nullopt);
}

ChecksumSteps explain_checksum(std::span<const std::uint8_t> bytes,
                               const Ipv6PseudoHeader& pseudo_header) {
  return explain(bytes, pseudo_header);
}

}  // namespace pong::lab
