// Test helper: a deliberately broken echo responder for pinger's tests. It
// answers each Echo Request on a raw socket, like pong, but damages the
// reply first:
//   --mode flip      flips one data byte and checksums the damage, as a
//                    buggy responder would: pinger must say "wrong data byte"
//   --mode corrupt   flips one data byte and keeps the checksum of the
//                    intact reply, as corruption on the wire would: pinger
//                    must say "BAD CHECKSUM"
//   --mode intact    no damage (with --source: only the address is wrong)
//   --source ADDR    sends the reply from ADDR (IP_PKTINFO) instead of the
//                    address the request went to: "DIFFERENT ADDRESS"
// It exits after --seconds (default 60), so even a forgotten one ends.
// Run it where the kernel's own echo is off.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>

#include <CLI/CLI.hpp>

#include "sys/raw_socket.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace {

enum class Mode { kFlip, kCorrupt, kIntact };

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"flip_responder: an echo responder that damages its replies (pinger's tests)"};
  std::string mode_name = "flip";
  std::size_t flip_byte = 0;
  std::string source_text;
  double seconds = 60;
  app.add_option("--mode", mode_name, "flip, corrupt or intact")
      ->check(CLI::IsMember({"flip", "corrupt", "intact"}));
  app.add_option("--flip-byte", flip_byte, "Index of the data byte to flip (0 = first)");
  app.add_option("--source", source_text, "Answer from this IPv4 address");
  app.add_option("--seconds", seconds, "Exit after this long")->check(CLI::Range(0.1, 600.0));
  CLI11_PARSE(app, argc, argv);
  const Mode mode = mode_name == "flip"      ? Mode::kFlip
                    : mode_name == "corrupt" ? Mode::kCorrupt
                                             : Mode::kIntact;

  std::optional<in_addr> source;
  if (!source_text.empty()) {
    in_addr a{};
    if (inet_pton(AF_INET, source_text.c_str(), &a) != 1) {
      std::fprintf(stderr, "flip_responder: '%s' is not an IPv4 address\n", source_text.c_str());
      return 2;
    }
    source = a;
  }

  auto socket = pong::sys::open_raw_icmpv4_socket();
  if (!socket) {
    std::fprintf(stderr, "flip_responder: %s\n", socket.error().c_str());
    return 2;
  }
  const int fd = socket->get();
  if (auto r = pong::sys::set_icmpv4_type_filter(
          fd, {static_cast<std::uint8_t>(pong::wire::Icmpv4Type::kEchoRequest)});
      !r) {
    std::fprintf(stderr, "flip_responder: %s\n", r.error().c_str());
    return 2;
  }
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
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) continue;
    auto ip = pong::wire::Ipv4PacketMut::parse(
        std::span<std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
    if (!ip) continue;
    auto icmp = pong::wire::Icmpv4PacketMut::parse(ip->payload());
    if (!icmp || !icmp->is_echo_request() || !icmp->checksum_valid()) continue;

    // RFC 792: type 8 becomes 0, everything else is echoed; then the damage.
    icmp->set_type(pong::wire::Icmpv4Type::kEchoReply);
    icmp->fill_checksum();
    const auto data = icmp->data();
    const bool flipped = mode != Mode::kIntact && flip_byte < data.size();
    if (flipped) {
      data[flip_byte] ^= 0xff;
      if (mode == Mode::kFlip) icmp->fill_checksum();
    }

    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(ip->source().to_u32());
    iovec iov{icmp->bytes().data(), icmp->bytes().size()};
    msghdr h{};
    h.msg_name = &to;
    h.msg_namelen = sizeof to;
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(in_pktinfo))> control{};
    if (source) {
      h.msg_control = control.data();
      h.msg_controllen = control.size();
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      info.ipi_spec_dst = *source;
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
    if (::sendmsg(fd, &h, 0) < 0) {
      std::perror("flip_responder: sendmsg");
      continue;
    }
    std::printf("answered icmp_seq=%u%s\n", icmp->sequence(),
                flipped ? (mode == Mode::kFlip ? " with a flipped byte" : " corrupted") : "");
    std::fflush(stdout);
  }
  return 0;
}
