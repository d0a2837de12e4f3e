#include "payload.hpp"

#include <fmt/format.h>

#include "text/hex.hpp"

namespace pong::client {

std::expected<std::vector<std::uint8_t>, std::string> parse_fill_pattern(std::string_view hex) {
  const std::string_view given = hex;
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * kMaxPatternBytes) {
    return std::unexpected(fmt::format(
        "the pattern '{}' must be 1 to {} bytes written as pairs of hex digits, e.g. -p ff00",
        given, kMaxPatternBytes));
  }
  std::vector<std::uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = text::hex_digit_value(hex[i]);
    const int low = text::hex_digit_value(hex[i + 1]);
    if (high < 0 || low < 0) {
      return std::unexpected(
          fmt::format("the pattern '{}' has a character that is not a hex digit", given));
    }
    bytes.push_back(static_cast<std::uint8_t>((high << 4) | low));
  }
  return bytes;
}

std::vector<std::uint8_t> fill_payload(std::span<const std::uint8_t> pattern, std::size_t size) {
  std::vector<std::uint8_t> payload(size);
  if (pattern.empty()) return payload;
  for (std::size_t i = 0; i < size; ++i) payload[i] = pattern[i % pattern.size()];
  return payload;
}

}  // namespace pong::client
