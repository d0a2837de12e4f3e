// fmt formatters for the values logs and reports print: IPv4 addresses
// and packet payloads. Header-only and fmt-only, so the pure libraries
// (pinger's and icmp-lab's) can print without the system layer.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/bytes.hpp"

namespace pong::sys {

// A payload as a log shows it: text when every byte is printable ASCII,
// otherwise "hex:" and the bytes; past `limit` bytes it is cut and the full
// length is given, e.g. `hex:00010203... (56 bytes)`. Formats straight into
// the log line, without allocating.
struct PayloadPreview {
  std::span<const std::uint8_t> bytes;
  std::size_t limit = 32;
};

constexpr bool is_printable_text(std::span<const std::uint8_t> bytes) {
  for (const std::uint8_t b : bytes) {
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

}  // namespace pong::sys

template <>
struct fmt::formatter<pong::wire::Ipv4Address> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const pong::wire::Ipv4Address& a, Context& ctx) const {
    return fmt::format_to(ctx.out(), "{}.{}.{}.{}", a.octets[0], a.octets[1], a.octets[2],
                          a.octets[3]);
  }
};

template <>
struct fmt::formatter<pong::sys::PayloadPreview> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const pong::sys::PayloadPreview& p, Context& ctx) const {
    auto out = ctx.out();
    if (p.bytes.empty()) return fmt::format_to(out, "(empty)");
    const bool cut = p.bytes.size() > p.limit;
    const auto shown = p.bytes.first(cut ? p.limit : p.bytes.size());
    if (pong::sys::is_printable_text(p.bytes)) {
      for (const std::uint8_t b : shown) *out++ = static_cast<char>(b);
    } else {
      out = fmt::format_to(out, "hex:");
      for (const std::uint8_t b : shown) out = fmt::format_to(out, "{:02x}", b);
    }
    if (cut) out = fmt::format_to(out, "... ({} bytes)", p.bytes.size());
    return out;
  }
};
