// fmt formatters for the values logs and reports print: IP addresses of
// either family and packet payloads. Header-only and fmt-only, so the pure libraries
// (pinger's and icmp-lab's) can print without the system layer.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/address.hpp"
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

// The same, from a copy of the payload's first bytes: `shown` (at most the
// limit), the payload's full length, and whether all of it is printable.
struct PayloadExcerpt {
  std::span<const std::uint8_t> shown;
  std::size_t length = 0;
  bool printable = true;
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

// RFC 5952 4: the canonical text of an IPv6 address. Leading zeros are
// suppressed (4.1); "::" replaces the longest run of two or more zero
// groups, the first such run on a tie (4.2.1-4.2.3); hex is lower case
// (4.3). RFC 5952 5: an IPv4-mapped address ends in dotted decimal.
template <>
struct fmt::formatter<pong::wire::Ipv6Address> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const pong::wire::Ipv6Address& a, Context& ctx) const {
    auto out = ctx.out();
    if (a.is_ipv4_mapped()) {
      return fmt::format_to(out, "::ffff:{}.{}.{}.{}", a.octets[12], a.octets[13], a.octets[14],
                            a.octets[15]);
    }
    std::size_t best_start = 8, best_length = 0;
    for (std::size_t i = 0; i < 8;) {
      std::size_t run = 0;
      while (i + run < 8 && a.group(i + run) == 0) ++run;
      if (run > best_length) {
        best_start = i;
        best_length = run;
      }
      i += run == 0 ? 1 : run;
    }
    if (best_length < 2) best_start = 8;  // 4.2.2: never "::" for one group
    for (std::size_t i = 0; i < 8; ++i) {
      if (i == best_start) {
        out = fmt::format_to(out, "::");
        i += best_length - 1;
        continue;
      }
      if (i != 0 && i != best_start + best_length) *out++ = ':';
      out = fmt::format_to(out, "{:x}", a.group(i));
    }
    return out;
  }
};

template <>
struct fmt::formatter<pong::wire::IpAddress> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const pong::wire::IpAddress& a, Context& ctx) const {
    if (a.is_ipv4()) return fmt::format_to(ctx.out(), "{}", a.ipv4());
    return fmt::format_to(ctx.out(), "{}", a.ipv6());
  }
};

template <>
struct fmt::formatter<pong::sys::PayloadExcerpt> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const pong::sys::PayloadExcerpt& p, Context& ctx) const {
    auto out = ctx.out();
    if (p.length == 0) return fmt::format_to(out, "(empty)");
    if (p.printable) {
      for (const std::uint8_t b : p.shown) *out++ = static_cast<char>(b);
    } else {
      // Two digits a byte straight from a table: this runs for every
      // logged request, and a format string per byte costs more than the
      // rest of the line.
      constexpr std::string_view kDigits = "0123456789abcdef";
      out = fmt::format_to(out, "hex:");
      for (const std::uint8_t b : p.shown) {
        *out++ = kDigits[b >> 4];
        *out++ = kDigits[b & 0x0f];
      }
    }
    if (p.shown.size() < p.length) out = fmt::format_to(out, "... ({} bytes)", p.length);
    return out;
  }
};

template <>
struct fmt::formatter<pong::sys::PayloadPreview> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Context>
  auto format(const pong::sys::PayloadPreview& p, Context& ctx) const {
    const auto shown = p.bytes.first(std::min(p.bytes.size(), p.limit));
    return fmt::formatter<pong::sys::PayloadExcerpt>{}.format(
        {shown, p.bytes.size(), pong::sys::is_printable_text(p.bytes)}, ctx);
  }
};
