// Reading packets out of what a student pastes: plain hex, `tcpdump -x`,
// `-X`, `-xx` and `-XX` (offsets and an ASCII column), `xxd`, and
// Wireshark's "Copy as Hex Dump". Several packets may follow one another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "lab_error.hpp"

namespace pong::lab {

// Far more than any lab paste; keeps a stray `cat /dev/urandom` harmless.
inline constexpr std::size_t kMaxInputChars = 16 * 1024 * 1024;

enum class InputFormat {
  kPlainHex,  // hex digits, spaces optional
  kDump,      // lines that start with an offset (tcpdump, xxd, Wireshark)
};

struct Capture {
  std::vector<std::uint8_t> bytes;
  InputFormat format = InputFormat::kPlainHex;
  // The line before the bytes that was not hex, e.g. tcpdump's summary
  // "12:00:00.000000 IP 10.0.0.2 > 10.0.0.3: ICMP echo request, ...", or a
  // "# ..." comment. Empty when there was none.
  std::string caption;
  std::size_t first_line = 1;  // 1-based line of the first byte
};

// Plain hex only, as `icmp-lab checksum` takes it: groups of hex digits
// separated by spaces, newlines or commas, each optionally prefixed with
// "0x". Every group needs an even number of digits.
std::expected<std::vector<std::uint8_t>, LabError> parse_plain_hex(std::string_view text);

// Every packet in a paste, in order. Lines that are neither hex nor a dump
// line (tcpdump's summary lines, "# comments") separate packets and become
// the next packet's caption; so do blank lines and an offset of 0.
std::expected<std::vector<Capture>, LabError> parse_captures(std::string_view text);

// "4500 0054 9210 ..." - two bytes per group, `per_line` bytes per line.
std::string format_hex_groups(const std::vector<std::uint8_t>& bytes, std::size_t per_line = 16);

}  // namespace pong::lab
