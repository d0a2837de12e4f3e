#include "hex_input.hpp"

#include <fmt/format.h>

#include <optional>
#include <span>

#include "text/hex.hpp"

namespace pong::lab {
namespace {

constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

using text::hex_digit_value;

struct Line {
  std::string_view text;
  std::size_t number;  // 1-based
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  std::size_t number = 1;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, number++});
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  // A final newline does not start another line.
  while (!lines.empty() && lines.back().text.empty() && lines.size() > 1) lines.pop_back();
  return lines;
}

// Where a character is, in words a student can find: "position 12" for a
// one-line input (the arguments), "line 3, column 12" otherwise.
struct Locator {
  bool multiline = false;
  std::string at(std::size_t line, std::size_t index) const {
    if (multiline) return fmt::format("line {}, column {}", line, index + 1);
    return fmt::format("position {}", index + 1);
  }
};

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80) return "a non-ASCII character";
  if (byte < 0x20 || byte == 0x7f) return fmt::format("the control character 0x{:02x}", byte);
  return fmt::format("'{}'", c);
}

std::string shorten(std::string_view text) {
  if (text.size() <= 24) return std::string(text);
  return fmt::format("{}...", text.substr(0, 20));
}

struct Token {
  std::size_t begin;
  std::size_t end;
};

std::vector<Token> tokenize(std::string_view line, std::size_t from, bool comma_separates) {
  std::vector<Token> tokens;
  std::size_t i = from;
  const auto separator = [&](char c) { return is_blank(c) || (comma_separates && c == ','); };
  while (i < line.size()) {
    while (i < line.size() && separator(line[i])) ++i;
    if (i >= line.size()) break;
    const std::size_t begin = i;
    while (i < line.size() && !separator(line[i])) ++i;
    tokens.push_back({begin, i});
  }
  return tokens;
}

// The digits of a group, without an optional "0x" prefix.
std::string_view group_digits(std::string_view line, Token t) {
  std::string_view g = line.substr(t.begin, t.end - t.begin);
  if (g.size() >= 2 && g[0] == '0' && (g[1] == 'x' || g[1] == 'X')) g.remove_prefix(2);
  return g;
}

bool is_hex_group(std::string_view line, Token t) {
  const std::string_view digits = group_digits(line, t);
  if (digits.empty()) return false;
  for (const char c : digits) {
    if (hex_digit_value(c) < 0) return false;
  }
  return true;
}

bool is_even_hex_group(std::string_view line, Token t) {
  return is_hex_group(line, t) && group_digits(line, t).size() % 2 == 0;
}

std::expected<void, LabError> append_group(std::string_view line, std::size_t line_number, Token t,
                                           const Locator& where, std::vector<std::uint8_t>& out) {
  const std::string_view token = line.substr(t.begin, t.end - t.begin);
  const std::string_view digits = group_digits(line, t);
  const std::size_t digits_begin = t.end - digits.size();
  const auto not_hex = [&](std::size_t i) {
    return LabError(LabErrorKind::kNotHex,
                    fmt::format("{}: {} is not a hex digit",
                                where.at(line_number, digits_begin + i), describe_char(digits[i])));
  };
  if (digits.empty()) {
    return std::unexpected(
        LabError(LabErrorKind::kNotHex, fmt::format("{}: '{}' has no hex digits after the 0x",
                                                    where.at(line_number, t.begin), token)));
  }
  const std::size_t paired = digits.size() - digits.size() % 2;
  const std::size_t start = out.size();
  out.resize(start + paired / 2);
  const std::size_t bad = text::decode_hex(digits.substr(0, paired), std::span(out).subspan(start));
  if (bad < paired) {
    out.resize(start);
    return std::unexpected(not_hex(bad));
  }
  if (paired < digits.size()) {
    out.resize(start);
    if (hex_digit_value(digits.back()) < 0) return std::unexpected(not_hex(paired));
    return std::unexpected(
        LabError(LabErrorKind::kOddDigits,
                 fmt::format("{}: odd number of hex digits in '{}' ({}): every byte needs two",
                             where.at(line_number, t.begin), shorten(token), digits.size())));
  }
  return {};
}

std::expected<void, LabError> check_size(std::string_view text) {
  if (text.size() > kMaxInputChars) {
    return std::unexpected(
        LabError(LabErrorKind::kInputTooLarge,
                 fmt::format("the input is too large: icmp-lab reads at most {} MiB",
                             kMaxInputChars / (1024 * 1024))));
  }
  return {};
}

bool has_several_lines(const std::vector<Line>& lines) {
  std::size_t non_empty = 0;
  for (const Line& l : lines) {
    if (!l.text.empty()) ++non_empty;
  }
  return lines.size() > 1 && non_empty > 0;
}

// ---- dumps ---------------------------------------------------------------

enum class LineKind { kBlank, kComment, kDump, kHex, kText };

struct Classified {
  LineKind kind = LineKind::kText;
  std::size_t offset = 0;  // kDump: the offset value
  std::size_t body = 0;    // kDump: where the bytes start
};

std::optional<std::size_t> parse_offset(std::string_view digits) {
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::size_t value = 0;
  for (const char c : digits) {
    const int d = hex_digit_value(c);
    if (d < 0) return std::nullopt;
    value = value * 16 + static_cast<std::size_t>(d);
  }
  return value;
}

// `in_dump` and `last_offset` let Wireshark's colon-less offsets ("0010")
// be told from a plain hex line: they must start a dump at 0 or continue one.
Classified classify(std::string_view line, bool in_dump, std::size_t last_offset) {
  std::size_t p = 0;
  while (p < line.size() && is_blank(line[p])) ++p;
  if (p == line.size()) return {LineKind::kBlank};
  if (line[p] == '#') return {LineKind::kComment};

  std::size_t q = p;
  const bool prefixed =
      line.size() - p >= 2 && line[p] == '0' && (line[p + 1] == 'x' || line[p + 1] == 'X');
  if (prefixed) q += 2;
  std::size_t digits_end = q;
  while (digits_end < line.size() && hex_digit_value(line[digits_end]) >= 0) ++digits_end;
  const auto offset = parse_offset(line.substr(q, digits_end - q));
  if (offset && digits_end < line.size() && line[digits_end] == ':') {
    // tcpdump "0x0010:" and xxd "00000010:" (a colon, then a blank or the end).
    const bool blank_after = digits_end + 1 == line.size() || is_blank(line[digits_end + 1]);
    if (prefixed || blank_after) return {LineKind::kDump, *offset, digits_end + 1};
  }
  if (offset && !prefixed && digits_end - q >= 4) {
    // Wireshark "0010   45 00 ..." : an offset, a tab or two spaces, then hex.
    std::size_t r = digits_end;
    std::size_t spaces = 0;
    bool tab = false;
    while (r < line.size() && is_blank(line[r])) {
      tab = tab || line[r] == '\t';
      ++spaces;
      ++r;
    }
    const bool wide_gap = tab || spaces >= 2;
    if (wide_gap && r < line.size() && hex_digit_value(line[r]) >= 0 &&
        (*offset == 0 || (in_dump && *offset > last_offset))) {
      return {LineKind::kDump, *offset, digits_end};
    }
  }

  const auto tokens = tokenize(line, 0, true);
  std::size_t hexish = 0;
  for (const Token& t : tokens) {
    if (is_hex_group(line, t)) ++hexish;
  }
  return {hexish * 2 >= tokens.size() ? LineKind::kHex : LineKind::kText};
}

struct DumpLine {
  const Line* line;
  std::size_t offset;
  std::size_t body;
};

// The ASCII column a dump tool prints for `bytes`: printable ASCII as
// itself, everything else as '.'.
std::string ascii_column(const std::vector<std::uint8_t>& bytes) {
  std::string s;
  for (const std::uint8_t b : bytes)
    s.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
  return s;
}

std::string without_blanks(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (!is_blank(c)) out.push_back(c);
  }
  return out;
}

// For a dump line whose length no later offset gives: how many leading
// groups are bytes, the rest being the ASCII column. The split is the one
// whose bytes, shown as ASCII, are exactly the text after them.
std::size_t groups_before_ascii(std::string_view line, const std::vector<Token>& tokens) {
  std::size_t hex_groups = 0;
  while (hex_groups < tokens.size() && is_even_hex_group(line, tokens[hex_groups])) ++hex_groups;
  for (std::size_t j = hex_groups; j >= 1; --j) {
    if (j == tokens.size()) continue;
    std::vector<std::uint8_t> bytes;
    for (std::size_t k = 0; k < j; ++k) {
      (void)append_group(line, 0, tokens[k], Locator{}, bytes);
    }
    const std::string rest = without_blanks(line.substr(tokens[j - 1].end));
    if (!rest.empty() && rest == without_blanks(ascii_column(bytes))) return j;
  }
  // No ASCII column: every group is bytes, and a bad one is reported.
  return tokens.size();
}

std::expected<std::vector<std::uint8_t>, LabError> resolve_dump(const std::vector<DumpLine>& dump,
                                                                const Locator& where) {
  std::vector<std::uint8_t> bytes;
  bool ascii_known = false;  // learnt from the first line with a known length
  std::optional<std::size_t> ascii_start;
  for (std::size_t i = 0; i < dump.size(); ++i) {
    const std::string_view text = dump[i].line->text;
    const std::size_t number = dump[i].line->number;
    const auto tokens = tokenize(text, dump[i].body, false);
    if (i + 1 < dump.size()) {
      // The next offset says how many bytes this line holds.
      const std::size_t next = dump[i + 1].offset;
      const std::size_t want = next - dump[i].offset;
      std::size_t got = 0;
      std::size_t k = 0;
      const auto short_line = [&] {
        return LabError(LabErrorKind::kDumpLineLength,
                        fmt::format("line {}: this line holds {} bytes, but the next line's "
                                    "offset (0x{:04x}) says {}: is part of the dump missing?",
                                    number, got, next, want));
      };
      while (got < want) {
        if (k == tokens.size()) return std::unexpected(short_line());
        if (!is_hex_group(text, tokens[k]) && got > 0 && tokens[k].begin >= tokens[k - 1].end + 2) {
          return std::unexpected(short_line());  // the ASCII column came early
        }
        std::vector<std::uint8_t> group;
        if (auto ok = append_group(text, number, tokens[k], where, group); !ok) {
          return std::unexpected(ok.error());
        }
        if (got + group.size() > want) {
          return std::unexpected(LabError(
              LabErrorKind::kDumpLineLength,
              fmt::format("line {}: this line holds more than the {} bytes the next line's "
                          "offset (0x{:04x}) leaves room for",
                          number, want, next)));
        }
        bytes.insert(bytes.end(), group.begin(), group.end());
        got += group.size();
        ++k;
      }
      if (!ascii_known) {
        ascii_known = true;
        // The ASCII column starts after the hex, not at its first token:
        // xxd and Wireshark show a byte 0x20 as a blank, so the column may
        // begin with blanks, or be nothing else.
        if (text.size() > tokens[k - 1].end + 1) ascii_start = tokens[k - 1].end + 1;
      }
      continue;
    }
    // The last line: bytes up to the ASCII column of the lines above, or,
    // for a one-line dump, up to where the ASCII column matches.
    std::size_t groups = tokens.size();
    if (ascii_known) {
      groups = 0;
      while (groups < tokens.size() && (!ascii_start || tokens[groups].begin < *ascii_start)) {
        ++groups;
      }
    } else {
      groups = groups_before_ascii(text, tokens);
    }
    for (std::size_t k = 0; k < groups; ++k) {
      if (auto ok = append_group(text, number, tokens[k], where, bytes); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  return bytes;
}

}  // namespace

std::expected<std::vector<std::uint8_t>, LabError> parse_plain_hex(std::string_view text) {
  if (auto ok = check_size(text); !ok) return std::unexpected(ok.error());
  const auto lines = split_lines(text);
  const Locator where{has_several_lines(lines)};
  std::vector<std::uint8_t> bytes;
  for (const Line& line : lines) {
    for (const Token& t : tokenize(line.text, 0, true)) {
      if (auto ok = append_group(line.text, line.number, t, where, bytes); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  if (bytes.empty()) {
    return std::unexpected(LabError(LabErrorKind::kEmptyInput, "no hex bytes given"));
  }
  return bytes;
}

std::expected<std::vector<Capture>, LabError> parse_captures(std::string_view text) {
  if (auto ok = check_size(text); !ok) return std::unexpected(ok.error());
  const auto lines = split_lines(text);
  const Locator where{has_several_lines(lines)};

  std::vector<Capture> captures;
  std::string caption;
  // The packet being read: plain hex lines, or dump lines.
  std::vector<const Line*> plain;
  std::vector<DumpLine> dump;

  const auto flush = [&]() -> std::expected<void, LabError> {
    Capture capture;
    if (!plain.empty()) {
      capture.format = InputFormat::kPlainHex;
      capture.first_line = plain.front()->number;
      for (const Line* line : plain) {
        for (const Token& t : tokenize(line->text, 0, true)) {
          if (auto ok = append_group(line->text, line->number, t, where, capture.bytes); !ok) {
            return std::unexpected(ok.error());
          }
        }
      }
    } else if (!dump.empty()) {
      capture.format = InputFormat::kDump;
      capture.first_line = dump.front().line->number;
      auto bytes = resolve_dump(dump, where);
      if (!bytes) return std::unexpected(bytes.error());
      capture.bytes = std::move(*bytes);
    } else {
      return {};
    }
    plain.clear();
    dump.clear();
    capture.caption = std::move(caption);
    caption.clear();
    if (!capture.bytes.empty()) captures.push_back(std::move(capture));
    return {};
  };

  for (const Line& line : lines) {
    const bool in_dump = !dump.empty();
    const Classified c = classify(line.text, in_dump, in_dump ? dump.back().offset : 0);
    switch (c.kind) {
      case LineKind::kBlank:
        if (auto ok = flush(); !ok) return std::unexpected(ok.error());
        break;
      case LineKind::kComment:
      case LineKind::kText: {
        if (auto ok = flush(); !ok) return std::unexpected(ok.error());
        std::string_view t = line.text;
        while (!t.empty() && (is_blank(t.front()) || t.front() == '#')) t.remove_prefix(1);
        while (!t.empty() && is_blank(t.back())) t.remove_suffix(1);
        if (!caption.empty() && !t.empty()) caption += ' ';
        caption += t;
        if (caption.size() > 200) caption = caption.substr(0, 197) + "...";
        break;
      }
      case LineKind::kHex:
        if (!dump.empty()) {
          if (auto ok = flush(); !ok) return std::unexpected(ok.error());
        }
        plain.push_back(&line);
        break;
      case LineKind::kDump:
        if (!plain.empty() || (!dump.empty() && c.offset == 0)) {
          if (auto ok = flush(); !ok) return std::unexpected(ok.error());
        }
        if (dump.empty() && c.offset != 0) {
          return std::unexpected(LabError(
              LabErrorKind::kDumpOffset,
              fmt::format("line {}: this dump starts at offset 0x{:04x}, not 0: is its first "
                          "line missing?",
                          line.number, c.offset)));
        }
        if (!dump.empty() && c.offset <= dump.back().offset) {
          return std::unexpected(
              LabError(LabErrorKind::kDumpOffset,
                       fmt::format("line {}: offset 0x{:04x} does not follow 0x{:04x} on the line "
                                   "before: are two dumps mixed up?",
                                   line.number, c.offset, dump.back().offset)));
        }
        dump.push_back({&line, c.offset, c.body});
        break;
    }
  }
  if (auto ok = flush(); !ok) return std::unexpected(ok.error());
  if (captures.empty()) {
    return std::unexpected(LabError(LabErrorKind::kEmptyInput,
                                    "no packet found in the input: give hex bytes, a tcpdump -X "
                                    "or -xx dump, or a Wireshark hex dump"));
  }
  return captures;
}

std::string format_hex_groups(const std::vector<std::uint8_t>& bytes, std::size_t per_line) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0 && per_line != 0 && i % per_line == 0) {
      out += '\n';
    } else if (i != 0 && i % 2 == 0) {
      out += ' ';
    }
    out += fmt::format("{:02x}", bytes[i]);
  }
  return out;
}

}  // namespace pong::lab
