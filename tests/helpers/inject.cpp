// Test helper: puts hand-made IPv4 and IPv6 packets on the wire of one
// interface, through an AF_PACKET socket, so that nothing in the sending
// host's IP stack fixes, refuses or fragments them on the way. The kernel
// only adds the Ethernet header (to DST-MAC, EtherType from the packet's
// version nibble). Run it in the client namespace of a test, on the veth
// that leads to pong; it never routes anything anywhere else.
//
//   inject send IFACE DST-MAC [--checksums | --ip-checksum] [--length N] [--cut N]
//               [--repeat N] [--ethertype 4|6] HEX...
//       One packet, the HEX arguments concatenated (IP header first).
//       --ip-checksum fills in the IPv4 header checksum (when the IHL
//       fits); --checksums that and the ICMP or ICMPv6 checksum (ICMPv6
//       after any Hop-by-Hop, Destination Options, Routing or Fragment
//       header, with the RFC 8200 8.1 pseudo-header), over what the
//       header's length field claims or the bytes there are, whichever is
//       less. Then --length N sets the IPv4 total length (refreshing the
//       header checksum) or the IPv6 payload length to N, and --cut N
//       sends only the first N bytes: so a packet can lie about exactly
//       one thing. --ethertype sends it as IPv4 or IPv6 whatever its
//       version field says.
//   inject fragments IFACE DST-MAC SRC DST --icmp-bytes N [--id N] [--seq N]
//       One Echo Request of N bytes of ICMP (IPv4) or ICMPv6 (IPv6),
//       checksummed over all N, sent as fragments of at most 1480 (IPv4)
//       or 1448 (IPv6) bytes of payload. N may exceed what any datagram can
//       hold (65515 / 65535): the fragments then reassemble to an
//       oversized datagram, the "ping of death".
//   inject flood IFACE DST-MAC DST --from PREFIX --sources N --count N [--pps N]
//       N Echo Requests to DST, the i-th from source number i % sources of
//       PREFIX: an IPv4 prefix gives consecutive addresses, an IPv6 prefix
//       of /64 or shorter gives one address (::1) in each of consecutive
//       /64s, so that every source is a different rate-limit key.
//
// It prints one sentence saying what it sent; bad arguments: one sentence
// and exit status 2; a failed send: exit status 1.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sys/resolve.hpp"
#include "sys/unique_fd.hpp"
#include "text/hex.hpp"
#include "text/mac_address.hpp"
#include "wire/bytes.hpp"
#include "wire/checksum.hpp"
#include "wire/icmp.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace {

namespace wire = pong::wire;
using Bytes = std::vector<std::uint8_t>;

constexpr int kBadArguments = 2;
constexpr int kSendFailed = 1;

// IPv6 extension headers (RFC 8200 4) that may stand before ICMPv6.
constexpr std::uint8_t kHopByHop = 0;
constexpr std::uint8_t kRouting = 43;
constexpr std::uint8_t kFragment = 44;
constexpr std::uint8_t kDestinationOptions = 60;
constexpr std::size_t kFragmentHeaderLength = 8;

// A bad argument: main prints the sentence and exits 2.
struct BadArgument {
  std::string sentence;
};

// ---- the wire ---------------------------------------------------------------

// An AF_PACKET socket that sends network-layer packets on one interface to
// one Ethernet address; the kernel writes the Ethernet header.
class LinkSender {
 public:
  LinkSender(const std::string& interface, const std::string& mac) {
    address_.sll_family = AF_PACKET;
    address_.sll_ifindex = static_cast<int>(if_nametoindex(interface.c_str()));
    if (address_.sll_ifindex == 0) throw BadArgument{fmt::format("no interface '{}'", interface)};
    address_.sll_halen = ETH_ALEN;
    const auto octets = pong::text::parse_mac(mac);
    if (!octets) {
      throw BadArgument{fmt::format("'{}' is not an Ethernet address like 02:00:00:00:00:01", mac)};
    }
    std::copy(octets->begin(), octets->end(), address_.sll_addr);
    const int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw BadArgument{
          fmt::format("cannot open an AF_PACKET socket ({}): run as root", std::strerror(errno))};
    }
    socket_ = pong::sys::UniqueFd(fd);
  }

  // Sends `packet` with the EtherType of `family`; on ENOBUFS (a full
  // device queue) waits a little and tries again, a bounded number of times.
  bool send(std::span<const std::uint8_t> packet, wire::IpFamily family) {
    address_.sll_protocol = htons(family == wire::IpFamily::kIpv4 ? ETH_P_IP : ETH_P_IPV6);
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (::sendto(socket_.get(), packet.data(), packet.size(), 0,
                   reinterpret_cast<const sockaddr*>(&address_), sizeof address_) >= 0) {
        return true;
      }
      if (errno != ENOBUFS && errno != EAGAIN) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::fprintf(stderr, "inject: sending a %zu-byte packet failed: %s\n", packet.size(),
                 std::strerror(errno));
    return false;
  }

 private:
  pong::sys::UniqueFd socket_;
  sockaddr_ll address_{};
};

// ---- building packets ------------------------------------------------------

wire::IpAddress parse_address(const std::string& text) {
  const auto address = pong::sys::parse_ip_address(text);
  if (!address) throw BadArgument{fmt::format("'{}' is not an IP address", text)};
  return *address;
}

// An Echo Request of `icmp_bytes` bytes (header included) with a counting
// payload, checksummed (ICMPv6: over `pseudo` as well).
Bytes echo_request(wire::IpFamily family, std::size_t icmp_bytes, std::uint16_t id,
                   std::uint16_t seq, wire::ChecksumAccumulator pseudo) {
  Bytes icmp(icmp_bytes);
  for (std::size_t i = wire::kIcmpHeaderLength; i < icmp.size(); ++i) {
    icmp[i] = static_cast<std::uint8_t>(i);
  }
  if (family == wire::IpFamily::kIpv4) {
    const auto packet = *wire::Icmpv4PacketMut::parse(icmp);
    wire::Icmpv4EchoRepr{.identifier = id, .sequence = seq, .data = packet.data()}.emit(packet);
  } else {
    const auto packet = *wire::Icmpv6PacketMut::parse(icmp);
    wire::Icmpv6EchoRepr{.identifier = id, .sequence = seq, .data = packet.data()}.emit(packet,
                                                                                        pseudo);
  }
  return icmp;
}

// Where the ICMPv6 message starts: after the IPv6 header and any extension
// headers. Empty when the chain runs off the packet or ends elsewhere.
std::optional<std::size_t> icmpv6_offset(std::span<const std::uint8_t> packet) {
  std::uint8_t next = packet[6];
  std::size_t offset = wire::kIpv6HeaderLength;
  for (;;) {
    if (next == wire::kIpProtocolIcmpv6) return offset;
    if (offset + 8 > packet.size()) return std::nullopt;
    const std::uint8_t following = packet[offset];
    if (next == kFragment) {
      offset += kFragmentHeaderLength;
    } else if (next == kHopByHop || next == kRouting || next == kDestinationOptions) {
      offset += (std::size_t{packet[offset + 1]} + 1) * 8;
    } else {
      return std::nullopt;
    }
    next = following;
  }
}

// --checksums and --ip-checksum: see the comment at the top.
void fill_checksums(std::span<std::uint8_t> packet, bool icmp_too) {
  if (packet.empty()) return;
  const unsigned version = packet[0] >> 4;
  if (version == 4 && packet.size() >= wire::kIpv4MinHeaderLength) {
    const std::size_t header = std::size_t{packet[0] & 0x0Fu} * 4;
    if (header < wire::kIpv4MinHeaderLength || header > packet.size()) return;
    wire::store_be16(packet.subspan<wire::ipv4_field::kChecksum, 2>(), 0);
    wire::store_be16(packet.subspan<wire::ipv4_field::kChecksum, 2>(),
                     wire::internet_checksum(packet.first(header)));
    const std::size_t total =
        std::min<std::size_t>(wire::load_be16(packet.subspan<2, 2>()), packet.size());
    const bool first_fragment = (wire::load_be16(packet.subspan<6, 2>()) & 0x1FFF) == 0;
    if (!icmp_too || packet[wire::ipv4_field::kProtocol] != wire::kIpProtocolIcmp ||
        !first_fragment || total < header + 4) {
      return;
    }
    const auto icmp = packet.subspan(header, total - header);
    wire::store_be16(icmp.subspan<2, 2>(), 0);
    wire::store_be16(icmp.subspan<2, 2>(), wire::internet_checksum(icmp));
  } else if (version == 6 && icmp_too && packet.size() >= wire::kIpv6HeaderLength) {
    const auto offset = icmpv6_offset(packet);
    const std::size_t end =
        std::min(wire::kIpv6HeaderLength + wire::load_be16(packet.subspan<4, 2>()), packet.size());
    if (!offset || end < *offset + 4) return;
    const auto ip = *wire::Ipv6Packet::parse_quoted(packet);
    const auto icmp = packet.subspan(*offset, end - *offset);
    wire::store_be16(icmp.subspan<2, 2>(), 0);
    wire::store_be16(icmp.subspan<2, 2>(),
                     wire::icmpv6_pseudo_header(ip.source(), ip.destination(), icmp.size())
                         .add(icmp)
                         .checksum());
  }
}

// --length: the IPv4 total length or IPv6 payload length field, rewritten
// after the checksums (the IPv4 header checksum then refreshed when asked).
void claim_length(std::span<std::uint8_t> packet, std::uint16_t length, bool ip_checksum) {
  const unsigned version = packet[0] >> 4;
  if (version == 4 && packet.size() >= wire::kIpv4MinHeaderLength) {
    wire::store_be16(packet.subspan<wire::ipv4_field::kTotalLength, 2>(), length);
    if (ip_checksum) fill_checksums(packet, false);
  } else if (version == 6 && packet.size() >= wire::kIpv6HeaderLength) {
    wire::store_be16(packet.subspan<4, 2>(), length);
  } else {
    throw BadArgument{"--length needs a whole IPv4 or IPv6 header"};
  }
}

Bytes from_hex(const std::vector<std::string>& parts) {
  std::string digits;
  for (const auto& part : parts) digits += part;
  if (digits.size() % 2 != 0) throw BadArgument{"give the packet as an even number of hex digits"};
  Bytes bytes(digits.size() / 2);
  if (const std::size_t bad = pong::text::decode_hex(digits, bytes); bad != digits.size()) {
    throw BadArgument{fmt::format("'{}' at position {} is not a hex digit", digits[bad], bad)};
  }
  return bytes;
}

// ---- the three commands ----------------------------------------------------

struct SendArgs {
  std::vector<std::string> hex;
  bool checksums = false;
  bool ip_checksum = false;
  std::optional<std::size_t> cut;
  std::optional<std::uint16_t> length;
  unsigned repeat = 1;
  std::optional<unsigned> ethertype_version;
};

int send_one(LinkSender& sender, const SendArgs& args) {
  Bytes packet = from_hex(args.hex);
  if (packet.empty()) throw BadArgument{"give at least the first byte of the packet"};
  const unsigned version = args.ethertype_version.value_or(packet[0] >> 4u);
  if (version != 4 && version != 6) {
    throw BadArgument{
        "the packet must start with IP version 4 or 6 (its first hex digit), or give --ethertype"};
  }
  if (args.checksums || args.ip_checksum) fill_checksums(packet, args.checksums);
  if (args.length) claim_length(packet, *args.length, args.checksums || args.ip_checksum);
  if (args.cut) packet.resize(std::min(*args.cut, packet.size()));
  const auto family = version == 4 ? wire::IpFamily::kIpv4 : wire::IpFamily::kIpv6;
  for (unsigned i = 0; i < args.repeat; ++i) {
    if (!sender.send(packet, family)) return kSendFailed;
  }
  std::printf("inject: sent %u %zu-byte IPv%u packet%s\n", args.repeat, packet.size(), version,
              args.repeat == 1 ? "" : "s");
  return 0;
}

struct FragmentArgs {
  std::string source;
  std::string destination;
  std::size_t icmp_bytes = 0;
  std::uint16_t id = 0x4242;
  std::uint16_t seq = 1;
};

int send_fragments(LinkSender& sender, const FragmentArgs& args) {
  const auto source = parse_address(args.source);
  const auto destination = parse_address(args.destination);
  if (source.family() != destination.family()) {
    throw BadArgument{"the source and destination must be of one family"};
  }
  const auto family = source.family();
  const bool v4 = family == wire::IpFamily::kIpv4;
  const std::size_t per_fragment = v4 ? 1480 : 1448;
  // The fragment offset field counts 8-byte units in 13 bits: 65528 is the
  // last offset a fragment can have.
  if ((args.icmp_bytes - 1) / per_fragment * per_fragment > 65528) {
    throw BadArgument{fmt::format("{} bytes need a fragment offset past 65528", args.icmp_bytes)};
  }
  // The ICMPv6 checksum covers the message's full length, whatever that
  // is: an oversized message's sum is still well defined.
  const auto pseudo =
      v4 ? wire::ChecksumAccumulator{}
         : wire::ipv6_pseudo_header_sum(source.ipv6().octets, destination.ipv6().octets,
                                        static_cast<std::uint32_t>(args.icmp_bytes),
                                        wire::kIpProtocolIcmpv6);
  const Bytes icmp = echo_request(family, args.icmp_bytes, args.id, args.seq, pseudo);
  const std::uint32_t ident = 0x5eed0000u | args.seq;
  std::size_t fragments = 0;
  for (std::size_t offset = 0; offset < icmp.size(); offset += per_fragment) {
    const std::size_t length = std::min(per_fragment, icmp.size() - offset);
    const bool more = offset + length < icmp.size();
    const auto offset_field = static_cast<std::uint16_t>((offset / 8) << (v4 ? 0 : 3));
    Bytes packet;
    if (v4) {
      packet.resize(wire::kIpv4MinHeaderLength + length);
      wire::Ipv4Repr{.identification = static_cast<std::uint16_t>(ident),
                     .source = source.ipv4(),
                     .destination = destination.ipv4(),
                     .payload_length = length}
          .emit(packet);
      const auto h = std::span(packet);
      wire::store_be16(h.subspan<wire::ipv4_field::kFlagsFragment, 2>(),
                       static_cast<std::uint16_t>(offset_field | (more ? 0x2000 : 0)));
      wire::store_be16(h.subspan<wire::ipv4_field::kChecksum, 2>(), 0);
      wire::store_be16(h.subspan<wire::ipv4_field::kChecksum, 2>(),
                       wire::internet_checksum(h.first(wire::kIpv4MinHeaderLength)));
    } else {
      packet.resize(wire::kIpv6HeaderLength + kFragmentHeaderLength + length);
      wire::Ipv6Repr{.next_header = kFragment,
                     .source = source.ipv6(),
                     .destination = destination.ipv6(),
                     .payload_length = kFragmentHeaderLength + length}
          .emit(packet);
      const auto f = std::span(packet).subspan<wire::kIpv6HeaderLength, kFragmentHeaderLength>();
      f[0] = wire::kIpProtocolIcmpv6;
      f[1] = 0;
      wire::store_be16(f.subspan<2, 2>(),
                       static_cast<std::uint16_t>(offset_field | (more ? 1 : 0)));
      wire::store_be32(f.subspan<4, 4>(), ident);
    }
    std::ranges::copy(std::span(icmp).subspan(offset, length),
                      packet.end() - static_cast<std::ptrdiff_t>(length));
    if (!sender.send(packet, family)) return kSendFailed;
    ++fragments;
  }
  std::printf("inject: sent a %zu-byte %s Echo Request (id %u, seq %u) in %zu fragments\n",
              icmp.size(), v4 ? "ICMP" : "ICMPv6", args.id, args.seq, fragments);
  return 0;
}

struct FloodArgs {
  std::string destination;
  std::string prefix;
  std::uint32_t sources = 0;
  std::uint64_t count = 0;
  std::uint64_t pps = 0;  // 0: as fast as the interface takes them
};

// The i-th source of `prefix` (see the comment at the top).
wire::IpAddress nth_source(const wire::IpAddress& base, std::uint32_t i) {
  if (base.is_ipv4()) return wire::Ipv4Address::from_u32(base.ipv4().to_u32() + i);
  wire::Ipv6Address a = base.ipv6();
  const std::uint32_t network =
      wire::load_be32(std::span<const std::uint8_t, 4>(std::span(a.octets).subspan<4, 4>())) + i;
  wire::store_be32(std::span(a.octets).subspan<4, 4>(), network);
  std::fill(a.octets.begin() + 8, a.octets.end(), std::uint8_t{0});
  a.octets[15] = 1;
  return a;
}

int flood(LinkSender& sender, const FloodArgs& args) {
  const auto destination = parse_address(args.destination);
  const auto slash = args.prefix.find('/');
  if (slash == std::string::npos) throw BadArgument{"--from takes a prefix such as 198.18.0.0/15"};
  const auto base = parse_address(args.prefix.substr(0, slash));
  const int bits = std::atoi(args.prefix.c_str() + slash + 1);
  if (base.family() != destination.family()) {
    throw BadArgument{"--from and the destination must be of one family"};
  }
  const bool v4 = base.is_ipv4();
  if (bits <= 0 || bits > (v4 ? 32 : 64)) {
    throw BadArgument{
        fmt::format("--from {}: the prefix length must be 1 to {}", args.prefix, v4 ? 32 : 64)};
  }
  // IPv4: addresses below the prefix; IPv6: /64s below it.
  const int free_bits = v4 ? 32 - bits : 64 - bits;
  if (free_bits < 32 && args.sources > (1ull << free_bits)) {
    throw BadArgument{fmt::format("{} holds fewer than {} {}", args.prefix, args.sources,
                                  v4 ? "addresses" : "/64s")};
  }
  constexpr std::size_t kData = 16;
  Bytes packet((v4 ? wire::kIpv4MinHeaderLength : wire::kIpv6HeaderLength) +
               wire::kIcmpHeaderLength + kData);
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t n = 0; n < args.count; ++n) {
    const auto source = nth_source(base, static_cast<std::uint32_t>(n % args.sources));
    const auto id = static_cast<std::uint16_t>(0x7000 + n % 4096);
    const auto seq = static_cast<std::uint16_t>(n);
    const std::size_t icmp_length = wire::kIcmpHeaderLength + kData;
    if (v4) {
      wire::Ipv4Repr{.identification = seq,
                     .source = source.ipv4(),
                     .destination = destination.ipv4(),
                     .payload_length = icmp_length}
          .emit(packet);
    } else {
      wire::Ipv6Repr{
          .source = source.ipv6(), .destination = destination.ipv6(), .payload_length = icmp_length}
          .emit(packet);
    }
    const auto pseudo =
        v4 ? wire::ChecksumAccumulator{}
           : wire::icmpv6_pseudo_header(source.ipv6(), destination.ipv6(), icmp_length);
    const Bytes icmp = echo_request(source.family(), icmp_length, id, seq, pseudo);
    std::ranges::copy(icmp, packet.end() - static_cast<std::ptrdiff_t>(icmp.size()));
    if (!sender.send(packet, source.family())) return kSendFailed;
    if (args.pps != 0 && n % 64 == 63) {
      std::this_thread::sleep_until(start +
                                    std::chrono::microseconds((n + 1) * 1'000'000 / args.pps));
    }
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("inject: sent %llu Echo Requests to %s from %u sources in %s in %.2f s\n",
              static_cast<unsigned long long>(args.count), args.destination.c_str(), args.sources,
              args.prefix.c_str(), took.count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"inject: puts hand-made IPv4/IPv6 packets on one interface (pong's tests)"};
  app.require_subcommand(1);
  std::string interface;
  std::string mac;
  auto add_link = [&](CLI::App* command) {
    command->add_option("IFACE", interface, "Interface to send on (the client's veth)")->required();
    command->add_option("DST-MAC", mac, "Ethernet address of the receiver")->required();
  };

  SendArgs send_args;
  auto* send_command = app.add_subcommand("send", "Send one packet given as hex");
  add_link(send_command);
  send_command->add_option("HEX", send_args.hex, "The packet, IP header first")->required();
  auto* checksums = send_command->add_flag("--checksums", send_args.checksums,
                                           "Fill in the IPv4 header and ICMP(v6) checksums");
  send_command
      ->add_flag("--ip-checksum", send_args.ip_checksum, "Fill in the IPv4 header checksum only")
      ->excludes(checksums);
  send_command->add_option("--cut", send_args.cut, "Send only the first N bytes");
  send_command->add_option("--length", send_args.length,
                           "Then set the IPv4 total length or IPv6 payload length to N");
  send_command->add_option("--repeat", send_args.repeat, "Send it N times")
      ->check(CLI::Range(1, 100000));
  send_command
      ->add_option("--ethertype", send_args.ethertype_version, "Send as IPv4 (4) or IPv6 (6)")
      ->check(CLI::IsMember({4u, 6u}));

  FragmentArgs fragment_args;
  auto* fragments = app.add_subcommand("fragments", "Send one Echo Request in fragments");
  add_link(fragments);
  fragments->add_option("SRC", fragment_args.source, "Source address")->required();
  fragments->add_option("DST", fragment_args.destination, "Destination address")->required();
  fragments->add_option("--icmp-bytes", fragment_args.icmp_bytes, "ICMP message length")
      ->required()
      ->check(CLI::Range(8, 70000));
  fragments->add_option("--id", fragment_args.id, "Echo identifier");
  fragments->add_option("--seq", fragment_args.seq, "Echo sequence number");

  FloodArgs flood_args;
  auto* flood_command = app.add_subcommand("flood", "Send Echo Requests from many sources");
  add_link(flood_command);
  flood_command->add_option("DST", flood_args.destination, "Destination address")->required();
  flood_command->add_option("--from", flood_args.prefix, "Source prefix, e.g. 198.18.0.0/15")
      ->required();
  flood_command->add_option("--sources", flood_args.sources, "Distinct sources")
      ->required()
      ->check(CLI::Range(1u, 16'000'000u));
  flood_command->add_option("--count", flood_args.count, "Requests to send")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
  flood_command->add_option("--pps", flood_args.pps, "At most this many a second (0: no limit)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "inject: %s (see inject --help)\n", e.what());
    return kBadArguments;
  }
  try {
    LinkSender sender(interface, mac);
    if (send_command->parsed()) return send_one(sender, send_args);
    if (fragments->parsed()) return send_fragments(sender, fragment_args);
    return flood(sender, flood_args);
  } catch (const BadArgument& bad) {
    std::fprintf(stderr, "inject: %s\n", bad.sentence.c_str());
    return kBadArguments;
  }
}
