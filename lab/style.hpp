// Colour for terminal output. Everything icmp-lab prints goes through a
// Style, so that plain text and coloured text line up the same: callers pad
// first, then colour.
#pragma once

#include <string>
#include <string_view>

namespace pong::lab {

struct Style {
  bool color = false;

  std::string good(std::string_view text) const { return wrap("32", text); }       // green
  std::string bad(std::string_view text) const { return wrap("1;31", text); }      // bold red
  std::string heading(std::string_view text) const { return wrap("1", text); }     // bold
  std::string changed(std::string_view text) const { return wrap("1;33", text); }  // bold yellow
  std::string dim(std::string_view text) const { return wrap("2", text); }

 private:
  std::string wrap(std::string_view code, std::string_view text) const {
    if (!color || text.empty()) return std::string(text);
    std::string out;
    out.reserve(text.size() + 12);
    out.append("\033[").append(code).append("m").append(text).append("\033[0m");
    return out;
  }
};

enum class ColorMode { kAuto, kAlways, kNever };

// kAuto follows https://no-color.org: colour only when standard output is a
// terminal and NO_COLOR is unset or empty.
constexpr bool use_color(ColorMode mode, bool stdout_is_terminal, const char* no_color) {
  switch (mode) {
    case ColorMode::kAlways:
      return true;
    case ColorMode::kNever:
      return false;
    case ColorMode::kAuto:
      break;
  }
  const bool no_color_set = no_color != nullptr && no_color[0] != '\0';
  return stdout_is_terminal && !no_color_set;
}

}  // namespace pong::lab
