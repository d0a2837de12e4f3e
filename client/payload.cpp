#include "payload.hpp"

#include <fmt/format.h>

#include "text/hex.hpp"
#include "wire/icmp.hpp"

namespace pong::client {

std::expected<std::vector<std::uint8_t>, std::string> parse_fill_pattern(std::string_view hex) {
  const std::string_view given = hex;
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * kMaxPatternBytes) {
    return std::unexpected(fmt::format(
        "the pattern '{}' must be 1 to {} bytes written as pairs of hex digits, e.g. -p ff00",
        given, kMaxPatternBytes));
  }
  std::vector<std::uint8_t> bytes(hex.size() / 2);
  if (text::decode_hex(hex, bytes) != hex.size()) {
    return std::unexpected(
        fmt::format("the pattern '{}' has a character that is not a hex digit", given));
  }
  return bytes;
}

std::vector<std::uint8_t> fill_payload(std::span<const std::uint8_t> pattern, std::size_t size) {
  std::vector<std::uint8_t> payload(size);
  if (pattern.empty()) return payload;
  for (std::size_t i = 0; i < size; ++i) payload[i] = pattern[i % pattern.size()];
  return payload;
}

void write_echo_request(wire::IpFamily family, std::span<std::uint8_t> request,
                        std::uint16_t identifier, std::uint16_t sequence) {
  visit_family(family, [&](auto tag) {
    using Type = typename decltype(tag)::type;
    const auto packet = wire::BasicIcmpPacket<Type, std::uint8_t>::parse(request);
    if (!packet) return;  // shorter than the header: broken precondition
    wire::IcmpEchoRepr<Type>{true, 0, identifier, sequence, packet->data()}.emit(*packet);
    if constexpr (!IcmpRules<Type>::kChecksumCoversMessageOnly) packet->set_checksum(0);
  });
}

}  // namespace pong::client
