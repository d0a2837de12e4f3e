// Text for a terminal: every model of this directory, laid out in aligned
// columns. Colour comes from the Style; the text is the same without it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "capture.hpp"
#include "checksum_steps.hpp"
#include "craft.hpp"
#include "decode.hpp"
#include "hex_input.hpp"
#include "incremental.hpp"
#include "reply.hpp"
#include "style.hpp"

namespace pong::lab {

struct RenderOptions {
  Style style;
  bool everything = false;  // every checksum word and payload byte, however many
};

std::string render_checksum(std::span<const std::uint8_t> bytes, const ChecksumSteps& steps,
                            bool verify, const RenderOptions& options);

// Both equations with their arithmetic, and whether they agree.
std::string render_incremental(const IncrementalUpdate& update, const RenderOptions& options,
                               std::string_view indent = "");

std::string render_rfc1624_example(const Rfc1624Example& example, const RenderOptions& options);

// `number` counts packets in the paste from 1.
std::string render_decoded(const DecodedPacket& packet, const Capture& capture, std::size_t number,
                           const RenderOptions& options);

// A capture file: a line about the file, every frame with its time and
// decode (or the sentence that says why it has none), the echo pairs with
// their round-trip times, the requests without a reply, and one line that
// counts the packets skipped.
std::string render_capture(const DecodedCapture& capture, const RenderOptions& options);

// "12:00:00.000123 UTC" style: the date and time of a capture's timestamp.
std::string format_capture_time(std::int64_t timestamp_ns);

// "0x1c46" and "0x0001e389": how every output writes a 16-bit word and a
// 32-bit sum.
std::string hex16(std::uint32_t value);
std::string hex32(std::uint32_t value);

// What an ICMP error quotes of the packet it is about, by its RFC's rule:
// "the original IP header and the first 8 bytes of its data (RFC 792)",
// or for ICMPv6 "as much of the invoking packet as fits in the minimum
// IPv6 MTU (RFC 4443 3.1)".
std::string_view quote_rule_text(bool v6);

// "0.182 ms": a time between two capture timestamps.
std::string milliseconds_text(std::int64_t nanoseconds);

// An echo pair's round-trip time, "0.182 ms". A negative one, the reply
// stamped before its request, says why it can be: the capture's clock
// stepped back between them (timestamps come from the capturing host's
// wall clock, which NTP or an admin may set back).
std::string rtt_text(std::int64_t nanoseconds);

std::string render_reply(const ReplyExplanation& reply, const Capture& capture, std::size_t number,
                         const RenderOptions& options);

// `sending`: the kernel will add the IP header, so no source is shown.
std::string render_crafted(const CraftedRequest& request, const CraftOptions& options,
                           bool icmp_only, bool hex_only, bool sending = false);

// Wireshark-style lines: offset, 16 bytes in two groups of 8, ASCII.
std::string render_bytes(std::span<const std::uint8_t> bytes, std::string_view indent,
                         bool everything);

// "valid: the header sums to 0xffff", or "INVALID: ... the right value is
// 0x66de": the verdict on one checksum, for every output that shows one.
// `what` is "the header sums" or "the message sums".
std::string checksum_note(const ChecksumCheck& check, std::string_view what, const Style& style);

// The one line `craft` and `decode` use for an echo message's contents.
std::string describe_data(std::span<const std::uint8_t> data);

}  // namespace pong::lab
