// libFuzzer harness: icmp-lab's reader of pasted packets (lab/hex_input.hpp):
// plain hex, tcpdump -x/-xx/-X/-XX, xxd and Wireshark hex dumps.
//
// Input: the pasted text, as is.
//
// Properties (a __builtin_trap() when one fails), besides ASan and UBSan
// finding nothing:
//   - an error always comes with a message;
//   - parse_plain_hex: what it accepts is not empty, and reading back
//     format_hex_groups() of it (with and without line breaks) gives the
//     same bytes;
//   - parse_captures: what it accepts is at least one capture; each has
//     bytes, a first line within the text and a caption of at most 200
//     characters, and its bytes survive the same round trip;
//   - plain hex of more than 16 bytes, pasted as a tcpdump -xx, tcpdump -X,
//     xxd or Wireshark dump of itself (the last three with their ASCII
//     column), reads back as it was.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fuzz_check.hpp"
#include "hex_input.hpp"

namespace {

using namespace pong::lab;

void check_round_trip(const std::vector<std::uint8_t>& bytes) {
  for (const std::size_t per_line : {std::size_t{0}, std::size_t{16}}) {
    const auto again = parse_plain_hex(format_hex_groups(bytes, per_line));
    FUZZ_CHECK(again.has_value() && *again == bytes);
  }
}

enum class Dump { kTcpdumpXx, kTcpdumpX, kXxd, kWireshark };

// `bytes` as the tool prints them, 16 a line:
//   tcpdump -xx  "\t0x0010:  4500 0054 ..."
//   tcpdump -X   "\t0x0010:  4500 0054 ...  E..T" (hex padded to 40 columns)
//   xxd          "00000010: 4500 0054 ...  E..T"
//   Wireshark    "0010   45 00 00 54 ...   E..T" (hex padded to 48 columns)
std::string as_dump(const std::vector<std::uint8_t>& bytes, Dump tool) {
  std::string out = "12:00:00.000000 IP 10.0.0.2 > 10.0.0.3: ICMP echo request\n";
  for (std::size_t line = 0; line < bytes.size(); line += 16) {
    const std::size_t end = std::min(line + 16, bytes.size());
    switch (tool) {
      case Dump::kXxd:
        out += fmt::format("{:08x}:", line);
        break;
      case Dump::kWireshark:
        out += fmt::format("{:04x}  ", line);
        break;
      default:
        out += fmt::format("\t0x{:04x}: ", line);
        break;
    }
    std::string hex;
    std::string ascii;
    for (std::size_t i = line; i < end; ++i) {
      if (i % 2 == 0 || tool == Dump::kWireshark) hex += ' ';
      hex += fmt::format("{:02x}", bytes[i]);
      // tcpdump shows a space as '.'; xxd and Wireshark as a blank.
      const std::uint8_t lowest = tool == Dump::kTcpdumpX ? 0x21 : 0x20;
      ascii += bytes[i] >= lowest && bytes[i] < 0x7f ? static_cast<char>(bytes[i]) : '.';
    }
    out += hex;
    if (tool == Dump::kWireshark) {
      out += std::string(48 - hex.size() + 3, ' ') + ascii;
    } else if (tool != Dump::kTcpdumpXx) {
      out += std::string(40 - hex.size() + 2, ' ') + ascii;
    }
    out += '\n';
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t lines =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;

  const auto plain = parse_plain_hex(text);
  if (plain) {
    FUZZ_CHECK(!plain->empty());
    check_round_trip(*plain);
    // A one-line dump is ambiguous (its last groups may read as the ASCII
    // column of the first ones, as in "3030 3030 0000"); from two lines on,
    // the offsets say where the bytes end. tcpdump prints 16-bit offsets.
    if (plain->size() > 16 && plain->size() <= 0xFFFF) {
      for (const Dump tool : {Dump::kTcpdumpXx, Dump::kTcpdumpX, Dump::kXxd, Dump::kWireshark}) {
        const auto dumped = parse_captures(as_dump(*plain, tool));
        FUZZ_CHECK(dumped.has_value() && dumped->size() == 1);
        FUZZ_CHECK(dumped->front().bytes == *plain);
        FUZZ_CHECK(dumped->front().format == InputFormat::kDump);
      }
    }
  } else {
    FUZZ_CHECK(!plain.error().message.empty());
  }

  const auto captures = parse_captures(text);
  if (!captures) {
    FUZZ_CHECK(!captures.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(!captures->empty());
  std::size_t previous_line = 0;
  for (const Capture& capture : *captures) {
    FUZZ_CHECK(!capture.bytes.empty());
    FUZZ_CHECK(capture.first_line > previous_line && capture.first_line <= lines);
    previous_line = capture.first_line;
    FUZZ_CHECK(capture.caption.size() <= 200);
    check_round_trip(capture.bytes);
  }
  return 0;
}
