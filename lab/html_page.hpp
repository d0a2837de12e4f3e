// `icmp-lab decode --html`: a capture as one self-contained web page. For
// each frame, the RFC-style diagram of its IPv4 or IPv6 header and its ICMP
// header (a 32-bit-wide table with the bit ruler of RFC 791 and RFC 792,
// each field spanning its true width), its bytes as a hex grid coloured by
// field (hovering over either highlights the other, like Wireshark's bytes
// pane), every checksum worked word by word, and for an echo reply the RTT
// and RFC 1624's incremental update from its request. Errors appear in red
// with the text output's sentences.
//
// The page needs nothing but a browser: its style and script are inline,
// it loads nothing, and it links only to its own anchors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "capture.hpp"

namespace pong::lab {

// So that the page of a huge capture stays a size a browser opens: frames
// past kFramesDrawnInFull are listed one line each, not drawn; frames past
// kFramesListed more, pairs past kPairsListed and unanswered requests past
// kUnansweredListed are only counted.
inline constexpr std::size_t kFramesDrawnInFull = 200;
inline constexpr std::size_t kFramesListed = 10000;
inline constexpr std::size_t kPairsListed = 1000;
inline constexpr std::size_t kUnansweredListed = 20;

// Pure: the page is a function of `capture` alone.
std::string render_html_page(const DecodedCapture& capture);

// `text` with &, <, >, " and ' as character references: safe as element
// text and as a quoted attribute value.
std::string html_escape(std::string_view text);

}  // namespace pong::lab
