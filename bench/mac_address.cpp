#include "mac_address.hpp"

#include "text/hex.hpp"

namespace pong::bench {

std::optional<MacAddress> parse_mac(std::string_view text) {
  // "xx:xx:xx:xx:xx:xx": 6 * 2 digits and 5 separators.
  if (text.size() != 17) return std::nullopt;
  MacAddress mac{};
  for (std::size_t i = 0; i < mac.size(); ++i) {
    const std::size_t at = i * 3;
    if (i > 0 && text[at - 1] != ':' && text[at - 1] != '-') return std::nullopt;
    const auto byte = text::hex_byte(text[at], text[at + 1]);
    if (!byte) return std::nullopt;
    mac[i] = *byte;
  }
  return mac;
}

}  // namespace pong::bench
