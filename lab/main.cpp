// icmp-lab: compute, verify and explain Internet checksums and decode ICMP
// packets, for a class with a packet capture open beside it (LAB.md).
// This file only turns options into calls to the parts in this directory.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <expected>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "capture.hpp"
#include "checksum_steps.hpp"
#include "craft.hpp"
#include "decode.hpp"
#include "hex_input.hpp"
#include "html_page.hpp"
#include "incremental.hpp"
#include "pcap_file.hpp"
#include "render.hpp"
#include "reply.hpp"
#include "send.hpp"
#include "style.hpp"
#include "sys/format.hpp"
#include "sys/resolve.hpp"
#include "text/hex.hpp"

namespace {

using namespace pong::lab;

// Exit statuses: 0 done; 1 checked and found wrong (checksum --verify);
// 2 bad input, bad options, or a system error.
constexpr int kExitWrong = 1;
constexpr int kExitBadInput = 2;

int fail(std::string_view command, std::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "icmp-lab %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return kExitBadInput;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// The arguments, or all of standard input when there are none.
std::string read_input(const std::vector<std::string>& args) {
  if (!args.empty()) return join(args);
  if (isatty(STDIN_FILENO)) {
    std::fprintf(stderr,
                 "icmp-lab: paste a packet (hex, tcpdump -X or -xx, or a Wireshark hex "
                 "dump), then press Ctrl-D\n");
  }
  std::string text;
  char chunk[65536];
  while (std::cin.read(chunk, sizeof chunk) || std::cin.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(std::cin.gcount()));
    if (text.size() > kMaxInputChars) break;  // parse_* reports it
  }
  return text;
}

std::optional<std::uint16_t> parse_u16_hex(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.empty() || text.size() > 4) return std::nullopt;
  unsigned value = 0;
  for (const char c : text) {
    const int digit = pong::text::hex_digit_value(c);
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return static_cast<std::uint16_t>(value);
}

// -4 and -6 as a resolver's choice.
pong::sys::FamilyChoice family_choice(bool ipv4, bool ipv6) {
  if (ipv6) return pong::sys::FamilyChoice::kIpv6Only;
  if (ipv4) return pong::sys::FamilyChoice::kIpv4Only;
  return pong::sys::FamilyChoice::kAny;
}

std::string_view family_words(pong::sys::FamilyChoice choice) {
  switch (choice) {
    case pong::sys::FamilyChoice::kIpv4Only:
      return "an IPv4 address";
    case pong::sys::FamilyChoice::kIpv6Only:
      return "an IPv6 address";
    case pong::sys::FamilyChoice::kAny:
      break;
  }
  return "an IPv4 or IPv6 address";
}

// An address literal of the family `choice` allows, or a sentence naming
// `option`.
std::expected<pong::wire::IpAddress, std::string> parse_address(std::string_view option,
                                                                const std::string& text,
                                                                pong::sys::FamilyChoice choice) {
  const auto address = pong::sys::parse_ip_address(text);
  const bool allowed =
      address && (choice == pong::sys::FamilyChoice::kAny ||
                  address->is_ipv6() == (choice == pong::sys::FamilyChoice::kIpv6Only));
  if (!allowed) {
    return std::unexpected(fmt::format("{}: '{}' is not {}", option, text, family_words(choice)));
  }
  return *address;
}

struct Common {
  std::string color = "auto";
  bool everything = false;

  RenderOptions render() const {
    ColorMode mode = ColorMode::kAuto;
    if (color == "always") mode = ColorMode::kAlways;
    if (color == "never") mode = ColorMode::kNever;
    return {Style{use_color(mode, isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"))},
            everything};
  }
};

// What `checksum` was given.
struct ChecksumCommand {
  std::vector<std::string> hex;
  bool verify = false;
  std::vector<std::string> update;
  std::string ipv6_source;
  std::string ipv6_destination;
};

int run_update(const RenderOptions& options, const ChecksumCommand& command) {
  if (!command.hex.empty()) return fail("checksum", "--update takes HC M M' and no other bytes");
  std::uint16_t words[3]{};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto w = parse_u16_hex(command.update[i]);
    if (!w) {
      return fail("checksum", fmt::format("--update: '{}' is not a 16-bit hex number such as "
                                          "dd2f",
                                          command.update[i]));
    }
    words[i] = *w;
  }
  std::fputs(
      render_incremental(explain_incremental_update(words[0], words[1], words[2]), options).c_str(),
      stdout);
  return 0;
}

// --ipv6-src and --ipv6-dst: the pseudo-header for `length` bytes of
// ICMPv6 (RFC 4443 2.3), or nothing when neither is given.
std::expected<std::optional<Ipv6PseudoHeader>, std::string> pseudo_header_of(
    const ChecksumCommand& command, std::size_t length) {
  if (command.ipv6_source.empty() && command.ipv6_destination.empty()) return std::nullopt;
  if (command.ipv6_source.empty() || command.ipv6_destination.empty()) {
    return std::unexpected(std::string(
        "--ipv6-src and --ipv6-dst go together: the pseudo-header holds both addresses"));
  }
  const auto v6 = pong::sys::FamilyChoice::kIpv6Only;
  const auto source = parse_address("--ipv6-src", command.ipv6_source, v6);
  if (!source) return std::unexpected(source.error());
  const auto destination = parse_address("--ipv6-dst", command.ipv6_destination, v6);
  if (!destination) return std::unexpected(destination.error());
  return Ipv6PseudoHeader{source->ipv6(), destination->ipv6(), static_cast<std::uint32_t>(length),
                          pong::wire::kIpProtocolIcmpv6};
}

int run_checksum(const Common& common, const ChecksumCommand& command) {
  const RenderOptions options = common.render();
  if (!command.update.empty()) return run_update(options, command);
  if (command.hex.empty()) return fail("checksum", "no bytes given: try icmp-lab checksum --help");
  const auto bytes = parse_plain_hex(join(command.hex));
  if (!bytes) return fail("checksum", bytes.error().message);
  const auto pseudo_header = pseudo_header_of(command, bytes->size());
  if (!pseudo_header) return fail("checksum", pseudo_header.error());
  if (bytes->size() > kMaxChecksumBytes) {
    return fail("checksum", fmt::format("{} bytes is more than one {} ({} bytes)", bytes->size(),
                                        *pseudo_header ? "ICMPv6 message" : "IPv4 datagram",
                                        kMaxChecksumBytes));
  }
  const ChecksumSteps steps =
      *pseudo_header ? explain_checksum(*bytes, **pseudo_header) : explain_checksum(*bytes);
  std::fputs(render_checksum(*bytes, steps, command.verify, options).c_str(), stdout);
  return command.verify && !steps.verifies() ? kExitWrong : 0;
}

// What `decode` was given.
struct DecodeCommand {
  std::vector<std::string> input;
  std::string html;    // write the page here too
  std::string filter;  // a tcpdump expression, for a capture file
};

std::expected<void, std::string> write_html(const std::string& path,
                                            const DecodedCapture& capture) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return std::unexpected(fmt::format("--html: cannot write {}", path));
  out << render_html_page(capture);
  if (!out.flush()) return std::unexpected(fmt::format("--html: cannot write {}", path));
  const std::size_t packets = capture.frames.size();
  std::fprintf(stderr, "icmp-lab decode: wrote %s (%zu %s): open it in a browser\n", path.c_str(),
               packets, packets == 1 ? "packet" : "packets");
  return {};
}

// The one sentence a capture's decode ends with when something in it
// could not be read or checked, and the exit status that goes with it.
int capture_status(const DecodedCapture& capture) {
  if (capture.damage) return fail("decode", capture.damage->message);
  std::size_t broken = 0;
  std::size_t cut = 0;
  for (const Frame& frame : capture.frames) {
    if (!frame.decoded) ++broken;
    if (frame.decoded && frame.decoded->cut_bytes != 0) ++cut;
  }
  if (broken != 0) {
    return fail("decode", fmt::format("{}: {} packets could not be decoded (see above)",
                                      capture.source, broken));
  }
  if (cut != 0) {
    fail("decode",
         fmt::format("{}: the snap length cut {} packets short, so their ICMP checksums could not "
                     "be checked; capture with tcpdump -s 0 to keep whole packets",
                     capture.source, cut));
    return kExitWrong;
  }
  return 0;
}

int run_decode_file(const Common& common, const DecodeCommand& command) {
  const std::string& path = command.input.front();
  const auto file = read_capture_file(path, command.filter);
  if (!file) return fail("decode", file.error().message);
  const DecodedCapture capture = decode_capture_file(*file, path);
  std::fputs(render_capture(capture, common.render()).c_str(), stdout);
  if (!command.html.empty()) {
    if (auto written = write_html(command.html, capture); !written) {
      return fail("decode", written.error());
    }
  }
  return capture_status(capture);
}

// A single argument that names a file: a capture, or a saved text dump.
bool names_a_file(const std::vector<std::string>& input) {
  std::error_code error;
  return input.size() == 1 && std::filesystem::is_regular_file(input.front(), error);
}

std::expected<std::string, std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  char chunk[65536];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxInputChars) break;  // parse_captures reports it
  }
  if (in.bad()) return std::unexpected(fmt::format("{}: cannot be read", path));
  return text;
}

int run_decode(const Common& common, const DecodeCommand& command) {
  const bool from_file = names_a_file(command.input);
  if (from_file && capture_format_of_file(command.input.front())) {
    return run_decode_file(common, command);
  }
  if (!command.filter.empty()) {
    return fail("decode", "--filter selects packets of a pcap or pcapng file, and none was given");
  }
  const RenderOptions options = common.render();
  std::string text;
  if (from_file) {
    auto read = read_text_file(command.input.front());
    if (!read) return fail("decode", read.error());
    text = std::move(*read);
  } else {
    text = read_input(command.input);
  }
  const auto captures = parse_captures(text);
  if (!captures) return fail("decode", captures.error().message);
  int status = 0;
  for (std::size_t i = 0; i < captures->size(); ++i) {
    const Capture& capture = (*captures)[i];
    const auto decoded = decode_packet(capture.bytes);
    if (i != 0) std::fputs("\n", stdout);
    if (!decoded) {
      status = fail("decode", captures->size() == 1
                                  ? decoded.error().message
                                  : fmt::format("packet {}: {}", i + 1, decoded.error().message));
      continue;
    }
    std::fputs(render_decoded(*decoded, capture, i + 1, options).c_str(), stdout);
  }
  if (!command.html.empty()) {
    DecodedCapture capture = decode_paste(*captures);
    if (from_file) capture.source = command.input.front();
    if (auto written = write_html(command.html, capture); !written) {
      return fail("decode", written.error());
    }
  }
  return status;
}

int run_reply(const Common& common, const std::vector<std::string>& args) {
  const RenderOptions options = common.render();
  const auto text = read_input(args);
  const auto captures = parse_captures(text);
  if (!captures) return fail("reply", captures.error().message);
  const std::size_t count = captures->size();
  const auto label = [&](std::size_t i, const std::string& message) {
    return count == 1 ? message : fmt::format("packet {}: {}", i + 1, message);
  };

  std::vector<std::optional<DecodedPacket>> decoded(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (auto d = decode_packet((*captures)[i].bytes)) decoded[i] = std::move(*d);
  }
  std::vector<bool> matched(count, false);
  std::size_t explained = 0;
  bool malformed = false;
  for (std::size_t i = 0; i < count; ++i) {
    if (matched[i]) continue;
    const auto reply = explain_reply((*captures)[i].bytes);
    if (!reply) {
      malformed = malformed || reply.error().kind != pong::lab::LabErrorKind::kNotEchoRequest;
      fail("reply", label(i, reply.error().message));
      continue;
    }
    if (explained++ != 0) std::fputs("\n", stdout);
    std::string out = render_reply(*reply, (*captures)[i], i + 1, options);
    for (std::size_t j = 0; j < count; ++j) {
      if (j == i || !decoded[j] || !is_reply_to(*decoded[j], *reply)) continue;
      matched[j] = true;
      const auto diff = first_difference(reply->reply_icmp, decoded[j]->payload());
      if (!diff) {
        out += fmt::format(
            "{}: packet {} in the paste, the captured reply, has exactly these "
            "{} bytes\n",
            options.style.good("prediction confirmed"), j + 1, icmp_name(decoded[j]->family()));
      } else {
        out += fmt::format(
            "{}: packet {}, the captured reply, differs from the prediction at {} byte {}\n",
            options.style.bad("prediction differs"), j + 1, icmp_name(decoded[j]->family()), *diff);
      }
    }
    std::fputs(out.c_str(), stdout);
  }
  if (malformed || explained == 0) return kExitBadInput;
  return 0;
}

// What `craft` was given, as text until it is checked.
struct CraftCommand {
  CraftOptions options;
  std::string data_text = "hello from client";
  std::string data_hex;
  bool data_hex_given = false;
  std::string checksum_hex;
  std::string source;
  std::string destination;
  std::string send;
  double wait_seconds = 1.0;
  unsigned ttl = 64;
  bool ipv4 = false;
  bool ipv6 = false;
  bool icmp_only = false;
  bool hex_only = false;
  std::string pcap;  // also write the packet to this capture file
};

// The options' data and checksum from their text.
std::expected<void, std::string> read_payload(const CraftCommand& command, CraftOptions& options) {
  if (command.data_hex_given) {
    auto bytes = parse_plain_hex(command.data_hex);
    if (!bytes) return std::unexpected("--data-hex: " + bytes.error().message);
    options.data = std::move(*bytes);
  } else {
    options.data.assign(command.data_text.begin(), command.data_text.end());
  }
  if (!command.checksum_hex.empty()) {
    const auto value = parse_u16_hex(command.checksum_hex);
    if (!value) {
      return std::unexpected(fmt::format("--checksum: '{}' is not a 16-bit hex number such as 492b",
                                         command.checksum_hex));
    }
    options.checksum = *value;
  }
  return {};
}

// The addresses: --send's, --src and --dst, or the lab's defaults of the
// family they (or -4/-6) choose.
std::expected<std::optional<pong::sys::Endpoint>, std::string> read_addresses(
    const CraftCommand& command, CraftOptions& options) {
  using pong::wire::IpFamily;
  const auto choice = family_choice(command.ipv4, command.ipv6);
  std::optional<pong::wire::IpAddress> source;
  std::optional<pong::wire::IpAddress> destination;
  std::optional<pong::sys::Endpoint> send_to;
  if (!command.source.empty()) {
    auto a = parse_address("--src", command.source, choice);
    if (!a) return std::unexpected(a.error());
    source = *a;
  }
  if (!command.destination.empty()) {
    auto a = parse_address("--dst", command.destination, choice);
    if (!a) return std::unexpected(a.error());
    destination = *a;
  }
  if (!command.send.empty()) {
    auto to = resolve_lab_host(command.send, choice);
    if (!to) return std::unexpected(to.error());
    send_to = *to;
    destination = to->address;
  }
  IpFamily family = command.ipv6 ? IpFamily::kIpv6 : IpFamily::kIpv4;
  if (destination) {
    family = destination->family();
  } else if (source) {
    family = source->family();
  }
  const bool v4 = family == IpFamily::kIpv4;
  options.source = source.value_or(v4 ? pong::wire::IpAddress{kLabClientIpv4}
                                      : pong::wire::IpAddress{kLabClientIpv6});
  options.destination = destination.value_or(v4 ? pong::wire::IpAddress{kLabServerIpv4}
                                                : pong::wire::IpAddress{kLabServerIpv6});
  return send_to;
}

int send_crafted(const CraftCommand& command, CraftOptions options, const pong::sys::Endpoint& to) {
  auto sender = EchoSender::open(to);
  if (!sender) return fail("craft", sender.error());
  if (options.bad_checksum || options.checksum) {
    if (auto ok = sender->send_checksum_as_written(); !ok) return fail("craft", ok.error());
  }
  // The ICMPv6 checksum covers the source the kernel chose (RFC 4443 2.3).
  options.source = sender->source();
  const auto request = craft_echo_request(options);
  if (!request) return fail("craft", request.error().message);
  std::fputs(render_crafted(*request, options, true, false, true).c_str(), stdout);
  std::fflush(stdout);
  const auto wait = std::chrono::milliseconds(static_cast<long>(command.wait_seconds * 1000));
  const auto report =
      sender->send_and_wait(request->icmp(), options.identifier, options.sequence, wait);
  if (!report) return fail("craft", report.error());
  std::printf("%s\n", report->sent.c_str());
  if (!report->reply.empty()) {
    const char* why = "";
    if (!report->replied && !request->checksum_valid) {
      why = to.address.is_ipv4()
                ? ": a request with a bad checksum gets none (see pong's drop counters)"
                : ": a request with a bad checksum gets none (the kernel drops it before a raw "
                  "ICMPv6 socket can read it, and counts Icmp6InCsumErrors)";
    }
    std::printf("%s%s\n", report->reply.c_str(), why);
  }
  return 0;
}

int run_craft(const CraftCommand& command) {
  CraftOptions options = command.options;
  options.ttl = static_cast<std::uint8_t>(command.ttl);
  if (auto ok = read_payload(command, options); !ok) return fail("craft", ok.error());
  const auto send_to = read_addresses(command, options);
  if (!send_to) return fail("craft", send_to.error());
  // Checked before anything is opened, so that bad options say so first.
  const auto request = craft_echo_request(options);
  if (!request) return fail("craft", request.error().message);
  if (*send_to) return send_crafted(command, options, **send_to);
  // With --pcap -, standard output carries the capture alone.
  if (command.pcap != "-") {
    std::fputs(
        render_crafted(*request, options, command.icmp_only, command.hex_only, false).c_str(),
        stdout);
  }
  if (!command.pcap.empty()) {
    if (auto written = write_raw_ip_pcap(command.pcap, {request->datagram}); !written) {
      return fail("craft", written.error().message);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{
      "icmp-lab: compute, verify and explain Internet checksums (RFC 1071, RFC 1624, and the "
      "IPv6 pseudo-header of RFC 8200 8.1), decode IPv4/ICMP and IPv6/ICMPv6 packets from hex "
      "or tcpdump/Wireshark dumps, show how pong answers an echo request, and craft requests "
      "to send. The lab hand-out is LAB.md."};
  app.set_version_flag("-V,--version", std::string("icmp-lab ") + PONG_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Examples:\n"
      "  icmp-lab checksum 00 01 f2 03 f4 f5 f6 f7\n"
      "  sudo tcpdump -i lo -c 2 -X icmp | icmp-lab decode\n"
      "  icmp-lab craft --id 1 --seq 1 --data hi | icmp-lab reply\n"
      "  icmp-lab craft -6 --id 1 --seq 1 --data hi | icmp-lab reply\n"
      "Exit status: 0 done, 1 a checksum --verify found the checksum wrong (or, for decode, a "
      "capture's snap length cut packets short), 2 bad input or options.\n");
  Common common;
  app.add_option("--color", common.color,
                 "Colour: 'auto' (on a terminal, unless NO_COLOR is set), 'always' or 'never'")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();

  // checksum
  auto* checksum = app.add_subcommand(
      "checksum", "The Internet checksum (RFC 1071) of some bytes, step by step");
  ChecksumCommand checksum_command;
  checksum->add_option("HEX", checksum_command.hex,
                       "The bytes, in hex: with or without spaces, e.g. 4500 0054 or 45000054");
  checksum->add_flag("--verify", checksum_command.verify,
                     "The bytes include their checksum field: say whether they sum to 0xffff "
                     "(exit status 1 if not)");
  auto* update_option =
      checksum
          ->add_option("--update", checksum_command.update,
                       "Incremental update instead: old checksum HC, old word m, new word m', "
                       "by RFC 1624 eqn. 3 and by RFC 1141")
          ->expected(3)
          ->type_name("HC M M'");
  update_option->excludes(checksum->get_option("--verify"));
  checksum
      ->add_option("--ipv6-src", checksum_command.ipv6_source,
                   "The bytes are an ICMPv6 message from this IPv6 address: the sum starts "
                   "with the pseudo-header (RFC 8200 8.1, RFC 4443 2.3); needs --ipv6-dst")
      ->type_name("ADDR")
      ->excludes(update_option);
  checksum
      ->add_option("--ipv6-dst", checksum_command.ipv6_destination,
                   "The IPv6 destination for the pseudo-header; needs --ipv6-src")
      ->type_name("ADDR")
      ->excludes(update_option);
  checksum->add_flag("--all", common.everything, "Show every word, however many");
  checksum->footer(
      "Examples:\n"
      "  icmp-lab checksum 00 01 f2 03 f4 f5 f6 f7            (RFC 1071's example: 220d)\n"
      "  icmp-lab checksum 4500 0054 9210 4000 4001 0000 7f00 0001 7f00 0001\n"
      "  icmp-lab checksum --verify 4500005492104000 4001aa96 7f000001 7f000001\n"
      "  icmp-lab checksum --update dd2f 5555 3285            (RFC 1624's example)\n"
      "  icmp-lab checksum --ipv6-src fd00:172:22::2 --ipv6-dst fd00:172:22::3 8000 0000 1234 "
      "0001 6869\n");

  // decode
  auto* decode = app.add_subcommand(
      "decode",
      "Every field of IPv4/ICMP and IPv6/ICMPv6 packets given as hex or as a tcpdump/Wireshark "
      "dump, with the ICMPv6 pseudo-header checksum step by step");
  DecodeCommand decode_command;
  decode->add_option("INPUT", decode_command.input,
                     "A pcap or pcapng capture file (tcpdump -w, Wireshark), a text file, or the "
                     "packet in hex; without it, packets are read from standard input: plain hex, "
                     "tcpdump -x/-X/-xx/-XX output, xxd, or Wireshark's \"Copy as Hex Dump\", "
                     "several one after another");
  decode
      ->add_option("--filter", decode_command.filter,
                   "With a capture file: decode only the packets this tcpdump expression "
                   "selects, e.g. 'icmp and host 10.0.0.1' (compiled by libpcap)")
      ->type_name("EXPR");
  decode
      ->add_option("--html", decode_command.html,
                   "Also write one self-contained web page: each packet's RFC diagram, its bytes "
                   "coloured by field, and the checksum arithmetic")
      ->type_name("FILE.html");
  decode->add_flag("--all", common.everything, "Show every payload byte, however many");
  decode->footer(
      "Examples:\n"
      "  sudo tcpdump -i any -c 4 -w ping.pcap icmp; icmp-lab decode ping.pcap --html ping.html\n"
      "  icmp-lab decode ping.pcap --filter 'icmp6 and ip6[40] == 129'   (IPv6 echo replies)\n"
      "  icmp-lab decode 4500 001e 0000 4000 4001 e2ad ac16 0002 ac16 0003 0800 8f94 0001 0001 "
      "6869\n"
      "  icmp-lab decode 6000 0000 000a 3a40 fd00 0172 0022 0000 0000 0000 0000 0002 fd00 0172 "
      "0022 0000 0000 0000 0000 0003 8000 1a21 0001 0001 6869\n"
      "  sudo tcpdump -i eth0 -c 2 -X icmp > capture.txt; icmp-lab decode capture.txt\n"
      "Exit status: 0 done (a wrong checksum is shown, not refused), 1 the snap length cut "
      "packets so their checksums could not be checked, 2 bad input or a damaged file.\n");

  // reply
  auto* reply = app.add_subcommand(
      "reply",
      "pong's reply to an echo request: the changed word and the new checksum, by a "
      "full recomputation and by RFC 1624 eqn. 3, with RFC 1141's equation beside it; for "
      "ICMPv6 (128 -> 129) why the pseudo-header does not change it");
  std::vector<std::string> reply_input;
  reply->add_option("HEX", reply_input,
                    "The echo request, in any form decode reads; without it, standard input. A "
                    "captured reply in the same paste is compared with the prediction");
  reply->footer(
      "Examples:\n"
      "  icmp-lab reply 4500 0054 9210 4000 4001 aa96 7f00 0001 7f00 0001 0800 492b 5514 0001 \\\n"
      "                 2d08 f460 0000 0000 6c83 0d00 0000 0000 1011 1213 1415 1617 1819 1a1b \\\n"
      "                 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637\n"
      "  icmp-lab reply < capture.txt          (a tcpdump -X capture of a ping)\n");

  // craft
  auto* craft = app.add_subcommand(
      "craft",
      "Build an echo request (IPv4, or IPv6 with -6) with a chosen id, seq and data; print it as "
      "hex or send it");
  CraftCommand craft_command;
  CraftOptions& craft_options = craft_command.options;
  craft_options.identifier = 4660;
  craft->add_option("--id", craft_options.identifier, "ICMP identifier")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  craft->add_option("--seq", craft_options.sequence, "Sequence number")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  auto* data_option =
      craft->add_option("--data", craft_command.data_text, "Data, as text")->capture_default_str();
  auto* data_hex_option =
      craft->add_option("--data-hex", craft_command.data_hex, "Data, as hex bytes")
          ->excludes(data_option);
  auto* bad = craft->add_flag("--bad-checksum", craft_options.bad_checksum,
                              "Give it a deliberately wrong checksum: the right one plus one");
  craft->add_option("--checksum", craft_command.checksum_hex, "Give it exactly this checksum (hex)")
      ->excludes(bad);
  auto* ipv4_flag =
      craft->add_flag("-4", craft_command.ipv4, "IPv4: an ICMP echo request (type 8); the default");
  craft
      ->add_flag("-6", craft_command.ipv6,
                 "IPv6: an ICMPv6 echo request (type 128) in an IPv6 packet, its checksum over "
                 "the pseudo-header (RFC 4443 2.3)")
      ->excludes(ipv4_flag);
  auto* src = craft
                  ->add_option("--src", craft_command.source,
                               "Source of the printed packet; its family chooses IPv4 or IPv6")
                  ->default_str("172.22.0.2, with -6 fd00:172:22::2");
  auto* dst = craft
                  ->add_option("--dst", craft_command.destination,
                               "Destination of the printed packet; its family chooses IPv4 or IPv6")
                  ->default_str("172.22.0.3, with -6 fd00:172:22::3");
  craft->add_option("--ttl", craft_command.ttl, "TTL (IPv4) or hop limit (IPv6) of the packet")
      ->check(CLI::Range(1, 255))
      ->capture_default_str();
  craft->add_flag("--icmp-only", craft_command.icmp_only,
                  "Print the ICMP message only, without an IP header");
  craft->add_flag("-q,--hex-only", craft_command.hex_only,
                  "Print the hex only, without the # summary line");
  craft
      ->add_option("--send", craft_command.send,
                   "Send it with a raw socket (needs CAP_NET_RAW) to HOST, and wait for the reply. "
                   "HOST is a loopback or private IPv4 address, ::1, a unique local (fc00::/7) "
                   "or link-local (fe80::/10, with %interface) IPv6 address, or a name for one")
      ->type_name("HOST")
      ->excludes(src)
      ->excludes(dst);
  craft
      ->add_option("--pcap", craft_command.pcap,
                   "Also write the packet, IP header included, to this pcap file (link type "
                   "raw IP) for Wireshark or tcpdump -r; '-' writes it to standard output")
      ->type_name("FILE")
      ->excludes(craft->get_option("--icmp-only"))
      ->excludes(craft->get_option("--send"));
  craft
      ->add_option("--wait", craft_command.wait_seconds,
                   "With --send: seconds to wait for a reply (0: none)")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  craft->footer(
      "Examples:\n"
      "  icmp-lab craft --id 4660 --seq 1 --data 'hello from client'\n"
      "  icmp-lab craft --bad-checksum | icmp-lab decode\n"
      "  icmp-lab craft --bad-checksum --pcap broken.pcap; wireshark broken.pcap\n"
      "  icmp-lab craft -6 --id 4660 --seq 1 --data 'hello from client'\n"
      "  sudo ip netns exec icmp-client icmp-lab craft --bad-checksum --send 172.22.0.3\n"
      "  sudo ip netns exec icmp-client icmp-lab craft -6 --send fd00:172:22::3\n");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitBadInput;
  }

  if (*checksum) return run_checksum(common, checksum_command);
  if (*decode) return run_decode(common, decode_command);
  if (*reply) return run_reply(common, reply_input);
  if (*craft) {
    craft_command.data_hex_given = data_hex_option->count() > 0;
    return run_craft(craft_command);
  }
  return kExitBadInput;
} catch (const std::exception& e) {
  std::fprintf(stderr, "icmp-lab: %s\n", e.what());
  return kExitBadInput;
}
