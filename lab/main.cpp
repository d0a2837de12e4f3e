// icmp-lab: compute, verify and explain Internet checksums and decode ICMP
// packets, for a class with a packet capture open beside it (LAB.md).
// This file only turns options into calls to the parts in this directory.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "checksum_steps.hpp"
#include "craft.hpp"
#include "decode.hpp"
#include "hex_input.hpp"
#include "incremental.hpp"
#include "render.hpp"
#include "reply.hpp"
#include "send.hpp"
#include "style.hpp"

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
    const int d = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
    if (d < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(d);
  }
  return static_cast<std::uint16_t>(value);
}

std::optional<pong::wire::Ipv4Address> parse_address(const std::string& text) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return std::nullopt;
  if (a > 255 || b > 255 || c > 255 || d > 255) return std::nullopt;
  return pong::wire::Ipv4Address{{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                                  static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d)}};
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

int run_checksum(const Common& common, const std::vector<std::string>& hex, bool verify,
                 const std::vector<std::string>& update) {
  const RenderOptions options = common.render();
  if (!update.empty()) {
    if (!hex.empty()) return fail("checksum", "--update takes HC M M' and no other bytes");
    std::uint16_t words[3]{};
    for (std::size_t i = 0; i < 3; ++i) {
      const auto w = parse_u16_hex(update[i]);
      if (!w) {
        return fail("checksum", fmt::format("--update: '{}' is not a 16-bit hex number such as "
                                            "dd2f",
                                            update[i]));
      }
      words[i] = *w;
    }
    std::fputs(render_incremental(explain_incremental_update(words[0], words[1], words[2]), options)
                   .c_str(),
               stdout);
    return 0;
  }
  if (hex.empty()) return fail("checksum", "no bytes given: try icmp-lab checksum --help");
  const auto bytes = parse_plain_hex(join(hex));
  if (!bytes) return fail("checksum", bytes.error().message);
  if (bytes->size() > kMaxChecksumBytes) {
    return fail("checksum", fmt::format("{} bytes is more than one IPv4 datagram ({} bytes)",
                                        bytes->size(), kMaxChecksumBytes));
  }
  const ChecksumSteps steps = explain_checksum(*bytes);
  std::fputs(render_checksum(*bytes, steps, verify, options).c_str(), stdout);
  return verify && !steps.verifies() ? kExitWrong : 0;
}

int run_decode(const Common& common, const std::vector<std::string>& args) {
  const RenderOptions options = common.render();
  const auto text = read_input(args);
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
      const std::vector<std::uint8_t> icmp(
          decoded[j]->datagram.begin() + static_cast<std::ptrdiff_t>(decoded[j]->ip.header_length),
          decoded[j]->datagram.end());
      const auto diff = first_difference(reply->reply_icmp, icmp);
      if (!diff) {
        out += fmt::format(
            "{}: packet {} in the paste, the captured reply, has exactly these "
            "ICMP bytes\n",
            options.style.good("prediction confirmed"), j + 1);
      } else {
        out += fmt::format(
            "{}: packet {}, the captured reply, differs from the prediction at ICMP byte {}\n",
            options.style.bad("prediction differs"), j + 1, *diff);
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
  bool icmp_only = false;
  bool hex_only = false;
};

int run_craft(const CraftCommand& command) {
  CraftOptions options = command.options;
  options.ttl = static_cast<std::uint8_t>(command.ttl);
  if (command.data_hex_given) {
    auto bytes = parse_plain_hex(command.data_hex);
    if (!bytes) return fail("craft", "--data-hex: " + bytes.error().message);
    options.data = std::move(*bytes);
  } else {
    options.data.assign(command.data_text.begin(), command.data_text.end());
  }
  if (!command.checksum_hex.empty()) {
    const auto value = parse_u16_hex(command.checksum_hex);
    if (!value) {
      return fail("craft", fmt::format("--checksum: '{}' is not a 16-bit hex number such as 492b",
                                       command.checksum_hex));
    }
    options.checksum = *value;
  }
  if (!command.source.empty()) {
    const auto a = parse_address(command.source);
    if (!a) return fail("craft", fmt::format("--src: '{}' is not an IPv4 address", command.source));
    options.source = *a;
  }
  if (!command.destination.empty()) {
    const auto a = parse_address(command.destination);
    if (!a)
      return fail("craft", fmt::format("--dst: '{}' is not an IPv4 address", command.destination));
    options.destination = *a;
  }
  std::optional<pong::wire::Ipv4Address> send_to;
  if (!command.send.empty()) {
    auto to = resolve_lab_host(command.send);
    if (!to) return fail("craft", to.error());
    send_to = *to;
    options.destination = *to;
  }
  const auto request = craft_echo_request(options);
  if (!request) return fail("craft", request.error().message);
  if (!send_to) {
    std::fputs(
        render_crafted(*request, options, command.icmp_only, command.hex_only, false).c_str(),
        stdout);
    return 0;
  }
  auto sender = EchoSender::open();
  if (!sender) return fail("craft", sender.error());
  std::fputs(render_crafted(*request, options, true, false, true).c_str(), stdout);
  std::fflush(stdout);
  const auto wait = std::chrono::milliseconds(static_cast<long>(command.wait_seconds * 1000));
  const auto report =
      sender->send_and_wait(*send_to, request->icmp(), options.identifier, options.sequence, wait);
  if (!report) return fail("craft", report.error());
  std::printf("%s\n", report->sent.c_str());
  if (!report->reply.empty()) {
    std::printf("%s%s\n", report->reply.c_str(),
                !report->replied && !request->checksum_valid
                    ? ": a request with a bad checksum gets none (see pong's drop counters)"
                    : "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{
      "icmp-lab: compute, verify and explain Internet checksums (RFC 1071, RFC 1624), decode "
      "ICMP packets from hex or tcpdump/Wireshark dumps, show how pong answers an echo request, "
      "and craft requests to send. The lab hand-out is LAB.md."};
  app.set_version_flag("-V,--version", std::string("icmp-lab ") + PONG_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(
      "Examples:\n"
      "  icmp-lab checksum 00 01 f2 03 f4 f5 f6 f7\n"
      "  sudo tcpdump -i lo -c 2 -X icmp | icmp-lab decode\n"
      "  icmp-lab craft --id 1 --seq 1 --data hi | icmp-lab reply\n"
      "Exit status: 0 done, 1 a checksum --verify found the checksum wrong, 2 bad input or "
      "options.\n");
  Common common;
  app.add_option("--color", common.color,
                 "Colour: 'auto' (on a terminal, unless NO_COLOR is set), 'always' or 'never'")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();

  // checksum
  auto* checksum = app.add_subcommand(
      "checksum", "The Internet checksum (RFC 1071) of some bytes, step by step");
  std::vector<std::string> checksum_hex;
  bool verify = false;
  std::vector<std::string> update;
  checksum->add_option("HEX", checksum_hex,
                       "The bytes, in hex: with or without spaces, e.g. 4500 0054 or 45000054");
  checksum->add_flag("--verify", verify,
                     "The bytes include their checksum field: say whether they sum to 0xffff "
                     "(exit status 1 if not)");
  auto* update_option =
      checksum
          ->add_option("--update", update,
                       "Incremental update instead: old checksum HC, old word m, new word m', "
                       "by RFC 1624 eqn. 3 and by RFC 1141")
          ->expected(3)
          ->type_name("HC M M'");
  update_option->excludes(checksum->get_option("--verify"));
  checksum->add_flag("--all", common.everything, "Show every word, however many");
  checksum->footer(
      "Examples:\n"
      "  icmp-lab checksum 00 01 f2 03 f4 f5 f6 f7            (RFC 1071's example: 220d)\n"
      "  icmp-lab checksum 4500 0054 9210 4000 4001 0000 7f00 0001 7f00 0001\n"
      "  icmp-lab checksum --verify 4500005492104000 4001aa96 7f000001 7f000001\n"
      "  icmp-lab checksum --update dd2f 5555 3285            (RFC 1624's example)\n");

  // decode
  auto* decode = app.add_subcommand(
      "decode", "Every field of IPv4/ICMP packets given as hex or as a tcpdump/Wireshark dump");
  std::vector<std::string> decode_input;
  decode->add_option("HEX", decode_input,
                     "The packet; without it, packets are read from standard input: plain hex, "
                     "tcpdump -x/-X/-xx/-XX output, xxd, or Wireshark's \"Copy as Hex Dump\", "
                     "several one after another");
  decode->add_flag("--all", common.everything, "Show every payload byte, however many");
  decode->footer(
      "Examples:\n"
      "  icmp-lab decode 4500 001e 0000 4000 4001 e2ad ac16 0002 ac16 0003 0800 8f94 0001 0001 "
      "6869\n"
      "  sudo tcpdump -i eth0 -c 2 -X icmp > capture.txt; icmp-lab decode < capture.txt\n");

  // reply
  auto* reply = app.add_subcommand(
      "reply",
      "pong's reply to an echo request: the changed word and the new checksum, by a "
      "full recomputation and by RFC 1624 eqn. 3, with RFC 1141's equation beside it");
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
      "craft", "Build an echo request with a chosen id, seq and data; print it as hex or send it");
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
  auto* src =
      craft->add_option("--src", craft_command.source, "IPv4 source of the printed datagram")
          ->default_str("172.22.0.2");
  auto* dst = craft
                  ->add_option("--dst", craft_command.destination,
                               "IPv4 destination of the printed datagram")
                  ->default_str("172.22.0.3");
  craft->add_option("--ttl", craft_command.ttl, "TTL of the printed datagram")
      ->check(CLI::Range(1, 255))
      ->capture_default_str();
  craft->add_flag("--icmp-only", craft_command.icmp_only,
                  "Print the ICMP message only, without an IP header");
  craft->add_flag("-q,--hex-only", craft_command.hex_only,
                  "Print the hex only, without the # summary line");
  craft
      ->add_option("--send", craft_command.send,
                   "Send it with a raw socket (needs CAP_NET_RAW) to HOST, a loopback or private "
                   "address or a name for one, and wait for the reply")
      ->type_name("HOST")
      ->excludes(src)
      ->excludes(dst);
  craft
      ->add_option("--wait", craft_command.wait_seconds,
                   "With --send: seconds to wait for a reply (0: none)")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  craft->footer(
      "Examples:\n"
      "  icmp-lab craft --id 4660 --seq 1 --data 'hello from client'\n"
      "  icmp-lab craft --bad-checksum | icmp-lab decode\n"
      "  sudo ip netns exec icmp-client icmp-lab craft --bad-checksum --send 172.22.0.3\n");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitBadInput;
  }

  if (*checksum) return run_checksum(common, checksum_hex, verify, update);
  if (*decode) return run_decode(common, decode_input);
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
