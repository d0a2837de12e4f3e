#include "send.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "sys/format.hpp"
#include "sys/raw_socket.hpp"
#include "sys/resolve.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {

bool is_lab_address(wire::Ipv4Address a) {
  const auto& o = a.octets;
  return o[0] == 127 || o[0] == 10 || (o[0] == 172 && (o[1] & 0xF0) == 16) ||
         (o[0] == 192 && o[1] == 168);
}

std::expected<wire::Ipv4Address, std::string> resolve_lab_host(std::string_view host) {
  auto resolved = sys::resolve_host(std::string(host), sys::FamilyChoice::kIpv4Only);
  if (!resolved) return std::unexpected(resolved.error());
  const wire::Ipv4Address address = resolved->address.ipv4();
  if (!is_lab_address(address)) {
    return std::unexpected(fmt::format(
        "--send only sends to loopback (127.0.0.0/8) and private (10.0.0.0/8, "
        "172.16.0.0/12, 192.168.0.0/16) addresses, to keep lab packets in the lab; {} is neither",
        address));
  }
  return address;
}

std::expected<EchoSender, std::string> EchoSender::open() {
  auto socket = sys::open_raw_icmpv4_socket();
  if (!socket) return std::unexpected(socket.error());
  // Only echo replies come back to this socket (Linux ICMP_FILTER).
  if (auto filtered = sys::set_icmpv4_type_filter(socket->get(), {0}); !filtered) {
    return std::unexpected(filtered.error());
  }
  return EchoSender(std::move(*socket));
}

std::expected<SendReport, std::string> EchoSender::send_and_wait(wire::Ipv4Address to,
                                                                 std::span<const std::uint8_t> icmp,
                                                                 std::uint16_t identifier,
                                                                 std::uint16_t sequence,
                                                                 std::chrono::milliseconds wait) {
  const int fd = fd_.get();
  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  destination.sin_addr.s_addr = htonl(to.to_u32());
  const auto start = std::chrono::steady_clock::now();
  if (sendto(fd, icmp.data(), icmp.size(), 0, reinterpret_cast<const sockaddr*>(&destination),
             sizeof destination) < 0) {
    return std::unexpected(fmt::format("cannot send to {}: {}", to, std::strerror(errno)));
  }
  SendReport report;
  report.sent =
      fmt::format("sent {} bytes of ICMP to {} (the kernel adds the IP header)", icmp.size(), to);
  if (wait.count() <= 0) return report;

  const auto deadline = start + wait;
  std::array<std::uint8_t, 65536> buffer{};
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::unexpected(fmt::format("cannot read the reply: {}", std::strerror(errno)));
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    const auto ip = wire::Ipv4Packet::parse(
        std::span<const std::uint8_t>(buffer).first(static_cast<std::size_t>(n)));
    if (!ip || ip->source() != to || ip->protocol() != wire::kIpProtocolIcmp) continue;
    const auto reply = wire::Icmpv4Packet::parse(ip->payload());
    if (!reply || !reply->is_echo_reply() || reply->identifier() != identifier ||
        reply->sequence() != sequence) {
      continue;
    }
    report.replied = true;
    report.reply = fmt::format(
        "reply from {} after {} us: id {}, seq {}, {} data bytes, checksum 0x{:04x} ({})", to,
        elapsed.count(), reply->identifier(), reply->sequence(), reply->data().size(),
        reply->checksum(), reply->checksum_valid() ? "valid" : "INVALID");
    return report;
  }
  report.reply = fmt::format("no reply from {} within {} ms", to, wait.count());
  return report;
}

}  // namespace pong::lab
