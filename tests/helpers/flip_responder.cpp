// Test helper: a deliberately broken echo responder for pinger's tests. It
// answers each Echo Request on a raw socket, IPv4 or (with -6) ICMPv6,
// like pong, but damages the reply first:
//   --mode flip      flips one data byte and checksums the damage, as a
//                    buggy responder would: pinger must say "wrong data byte"
//   --mode corrupt   flips one data byte and keeps the checksum of the
//                    intact reply, as corruption on the wire would: pinger
//                    must say "BAD CHECKSUM". IPv4 only: the kernel fills in
//                    every ICMPv6 checksum a raw socket sends (RFC 3542 3.1)
//   --mode intact    no damage (with --source: only the address is wrong)
//   --source ADDR    sends the reply from ADDR instead of the address the
//                    request went to: "DIFFERENT ADDRESS"
// Like pong, it answers from the request's destination (RFC 1122 3.2.2.6,
// RFC 4443 4.2), which IP_PKTINFO / IPV6_PKTINFO on the reply pin down.
// It exits after --seconds (default 60), so even a forgotten one ends.
// Run it where the kernel's own echo is off.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "control_messages.hpp"
#include "responder.hpp"
#include "sys/resolve.hpp"
#include "sys/socket_address.hpp"
#include "wire/icmp.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"

namespace {

using pong::wire::IpFamily;

enum class Mode { kFlip, kCorrupt, kIntact };

// What one request asks for: its ICMP message (in the receive buffer), who
// sent it, and where it went (on which interface, for IPv6).
struct Request {
  std::span<std::uint8_t> icmp;
  pong::sys::Endpoint sender;
  pong::wire::IpAddress destination;
  unsigned interface = 0;
};

// The family's own part of reading a request: a raw IPv4 socket reads the
// IP header too; a raw ICMPv6 socket reads the message alone, names the
// sender in msg_name and the destination in IPV6_PKTINFO (RFC 3542 3, 6.1).
std::optional<Request> read_request(IpFamily family, std::span<std::uint8_t> datagram,
                                    msghdr& header) {
  if (family == IpFamily::kIpv4) {
    const auto ip = pong::wire::Ipv4PacketMut::parse(datagram);
    if (!ip) return std::nullopt;
    return Request{ip->payload(), {ip->source(), 0, 0}, ip->destination(), 0};
  }
  const auto sender = pong::sys::from_sockaddr(
      *static_cast<const sockaddr_storage*>(header.msg_name), header.msg_namelen);
  if (!sender) return std::nullopt;
  // pong's own control-message codec.
  const auto control = pong::responder::read_ipv6_control(header);
  if (!control.has_packet_info) return std::nullopt;
  return Request{datagram,
                 {sender->address, sender->scope_id, 0},
                 control.destination,
                 control.interface_index};
}

// Turns an Echo Request into a damaged reply, in place; returns its
// sequence number, or nothing if it is no request. Written once for both
// families: only IPv4's checksum is ours to compute (ICMPv6's is the
// kernel's, on send).
template <class Type>
std::optional<std::uint16_t> damage(std::span<std::uint8_t> icmp, Mode mode, std::size_t flip_byte,
                                    bool& flipped) {
  constexpr bool kOwnChecksum = std::is_same_v<Type, pong::wire::Icmpv4Type>;
  const auto packet = pong::wire::BasicIcmpPacket<Type, std::uint8_t>::parse(icmp);
  if (!packet || !packet->is_echo_request()) return std::nullopt;
  if (kOwnChecksum && !packet->checksum_valid()) return std::nullopt;
  // RFC 792, RFC 4443 4.2: only the type changes; everything else is echoed.
  packet->set_type(pong::wire::IcmpEchoTypes<Type>::kReply);
  if (kOwnChecksum) packet->fill_checksum();
  const auto data = packet->data();
  flipped = mode != Mode::kIntact && flip_byte < data.size();
  if (flipped) {
    data[flip_byte] ^= 0xff;
    if (kOwnChecksum && mode == Mode::kFlip) packet->fill_checksum();
  }
  return packet->sequence();
}

// pong's own socket set-up for the family: Echo Requests only, with the
// control messages its codec reads.
std::expected<pong::sys::UniqueFd, std::string> open_socket(IpFamily family) {
  return family == IpFamily::kIpv4 ? pong::responder::Ipv4Family::open_socket()
                                   : pong::responder::Ipv6Family::open_socket();
}

int fail(const std::string& sentence) {
  std::fprintf(stderr, "flip_responder: %s\n", sentence.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"flip_responder: an echo responder that damages its replies (pinger's tests)"};
  std::string mode_name = "flip";
  std::size_t flip_byte = 0;
  std::string source_text;
  double seconds = 60;
  bool ipv6 = false;
  app.add_option("--mode", mode_name, "flip, corrupt (IPv4 only) or intact")
      ->check(CLI::IsMember({"flip", "corrupt", "intact"}));
  app.add_option("--flip-byte", flip_byte, "Index of the data byte to flip (0 = first)");
  app.add_option("--source", source_text, "Answer from this address (of the family served)");
  app.add_option("--seconds", seconds, "Exit after this long")->check(CLI::Range(0.1, 600.0));
  app.add_flag("-6", ipv6, "Answer ICMPv6 echo requests instead of IPv4 ones");
  CLI11_PARSE(app, argc, argv);
  const Mode mode = mode_name == "flip"      ? Mode::kFlip
                    : mode_name == "corrupt" ? Mode::kCorrupt
                                             : Mode::kIntact;
  const IpFamily family = ipv6 ? IpFamily::kIpv6 : IpFamily::kIpv4;
  if (ipv6 && mode == Mode::kCorrupt) {
    return fail("--mode corrupt is IPv4 only: the kernel checksums every ICMPv6 message sent");
  }

  std::optional<pong::wire::IpAddress> source;
  if (!source_text.empty()) {
    source = pong::sys::parse_ip_address(source_text);
    if (!source || source->family() != family) {
      return fail("'" + source_text + "' is not an " + (ipv6 ? "IPv6" : "IPv4") + " address");
    }
  }

  auto socket = open_socket(family);
  if (!socket) return fail(socket.error());
  const int fd = socket->get();
  std::printf("flip_responder: ready, mode %s\n", mode_name.c_str());
  std::fflush(stdout);

  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(seconds));
  std::array<std::uint8_t, 65536> buffer{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    sockaddr_storage name{};
    iovec in{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<std::uint8_t, 256> arrival{};
    msghdr r{};
    r.msg_name = &name;
    r.msg_namelen = sizeof name;
    r.msg_iov = &in;
    r.msg_iovlen = 1;
    r.msg_control = arrival.data();
    r.msg_controllen = arrival.size();
    const ssize_t n = ::recvmsg(fd, &r, 0);
    if (n <= 0) continue;
    const auto request = read_request(
        family, std::span<std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)), r);
    if (!request) continue;
    bool flipped = false;
    const auto sequence =
        ipv6 ? damage<pong::wire::Icmpv6Type>(request->icmp, mode, flip_byte, flipped)
             : damage<pong::wire::Icmpv4Type>(request->icmp, mode, flip_byte, flipped);
    if (!sequence) continue;

    sockaddr_storage to{};
    iovec out{request->icmp.data(), request->icmp.size()};
    msghdr h{};
    h.msg_name = &to;
    h.msg_namelen = pong::sys::to_sockaddr(request->sender, to);
    h.msg_iov = &out;
    h.msg_iovlen = 1;
    // The reply's source (and, for IPv6, interface), through pong's codec.
    pong::wire::EchoReply reply{};
    reply.source = source.value_or(request->destination);
    reply.interface_index = request->interface;
    alignas(cmsghdr) std::array<std::uint8_t, pong::responder::kReplyControlCapacity> control{};
    h.msg_control = control.data();
    h.msg_controllen = pong::responder::write_reply_control(control, reply, {});
    if (::sendmsg(fd, &h, 0) < 0) {
      std::perror("flip_responder: sendmsg");
      continue;
    }
    std::printf("answered icmp_seq=%u%s\n", *sequence,
                flipped ? (mode == Mode::kFlip ? " with a flipped byte" : " corrupted") : "");
    std::fflush(stdout);
  }
  return 0;
}
