#include "send.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "sys/format.hpp"
#include "sys/raw_socket.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"

namespace pong::lab {
namespace {

constexpr wire::Ipv6Address kIpv6Loopback{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};

bool is_ipv4_lab_address(wire::Ipv4Address a) {
  const auto& o = a.octets;
  return o[0] == 127 || o[0] == 10 || (o[0] == 172 && (o[1] & 0xF0) == 16) ||
         (o[0] == 192 && o[1] == 168);
}

bool is_ipv6_lab_address(const wire::Ipv6Address& a) {
  // RFC 4193 3.1: "FC00::/7 prefix to identify Local IPv6 unicast addresses".
  const bool unique_local = (a.octets[0] & 0xFE) == 0xFC;
  return a == kIpv6Loopback || unique_local || a.is_link_local();
}

std::string error_text(int error) {
  return std::strerror(error);
}

// What arrived on the socket, reduced to what both families have: the
// sender, the ICMP message, and what its checksum starts from.
struct Received {
  wire::IpAddress source;
  std::span<const std::uint8_t> icmp;
  wire::ChecksumAccumulator pseudo_header;
};

// A raw IPv4 socket reads the datagram, IP header included.
std::optional<Received> unwrap_ipv4(std::span<const std::uint8_t> bytes) {
  const auto ip = wire::Ipv4Packet::parse(bytes);
  if (!ip || ip->protocol() != wire::kIpProtocolIcmp) return std::nullopt;
  return Received{ip->source(), ip->payload(), {}};
}

// A raw ICMPv6 socket reads the message alone (RFC 3542 3): the sender
// comes from recvfrom, and the reply's destination is our own source.
std::optional<Received> unwrap_ipv6(std::span<const std::uint8_t> bytes,
                                    const std::optional<sys::Endpoint>& from,
                                    const wire::IpAddress& local) {
  if (!from || !from->address.is_ipv6()) return std::nullopt;
  return Received{from->address, bytes,
                  wire::icmpv6_pseudo_header(from->address.ipv6(), local.ipv6(), bytes.size())};
}

// The report line for an echo reply to (identifier, sequence), if this
// message is one.
template <class Type>
std::optional<std::string> reply_line(const Received& r, std::uint16_t identifier,
                                      std::uint16_t sequence, std::chrono::microseconds elapsed) {
  const auto reply = wire::BasicIcmpPacket<Type, const std::uint8_t>::parse(r.icmp);
  if (!reply || !reply->is_echo_reply() || reply->identifier() != identifier ||
      reply->sequence() != sequence) {
    return std::nullopt;
  }
  return fmt::format(
      "reply from {} after {} us: id {}, seq {}, {} data bytes, checksum 0x{:04x} ({})", r.source,
      elapsed.count(), reply->identifier(), reply->sequence(), reply->data().size(),
      reply->checksum(), reply->checksum_valid(r.pseudo_header) ? "valid" : "INVALID");
}

}  // namespace

bool is_lab_address(const wire::IpAddress& address) {
  return address.is_ipv4() ? is_ipv4_lab_address(address.ipv4())
                           : is_ipv6_lab_address(address.ipv6());
}

std::expected<sys::Endpoint, std::string> resolve_lab_host(std::string_view host,
                                                           sys::FamilyChoice choice) {
  auto resolved = sys::resolve_host(std::string(host), choice);
  if (!resolved) return std::unexpected(resolved.error());
  const wire::IpAddress& address = resolved->address;
  if (!is_lab_address(address)) {
    if (address.is_ipv4()) {
      return std::unexpected(fmt::format(
          "--send only sends to loopback (127.0.0.0/8) and private (10.0.0.0/8, "
          "172.16.0.0/12, 192.168.0.0/16) addresses, to keep lab packets in the lab; {} is "
          "neither",
          address));
    }
    return std::unexpected(fmt::format(
        "--send only sends to loopback (::1), unique local (fc00::/7) and link-local "
        "(fe80::/10) IPv6 addresses, to keep lab packets in the lab; {} is none of them",
        address));
  }
  if (address.is_ipv6() && address.ipv6().is_link_local() && resolved->scope_id == 0) {
    // RFC 4007 6: a link-local address is unique only on its link.
    return std::unexpected(
        fmt::format("--send {}: a link-local address needs the interface it is on, e.g. {}%eth0 "
                    "(RFC 4007 11)",
                    host, address));
  }
  return *resolved;
}

std::expected<EchoSender, std::string> EchoSender::open(const sys::Endpoint& to) {
  const bool v4 = to.address.is_ipv4();
  auto socket = v4 ? sys::open_raw_icmpv4_socket() : sys::open_raw_icmpv6_socket();
  if (!socket) return std::unexpected(socket.error());
  const int fd = socket->get();
  // Only echo replies come back to this socket (Linux ICMP_FILTER, RFC
  // 3542 3.2 ICMP6_FILTER).
  const auto filtered = v4 ? sys::set_icmpv4_type_filter(
                                 fd, {static_cast<std::uint8_t>(wire::Icmpv4Type::kEchoReply)})
                           : sys::set_icmpv6_type_filter(
                                 fd, {static_cast<std::uint8_t>(wire::Icmpv6Type::kEchoReply)});
  if (!filtered) return std::unexpected(filtered.error());
  // Connecting sends nothing: it fixes the destination, makes the kernel
  // choose the source address now, and keeps other senders' replies out.
  sockaddr_storage address{};
  const socklen_t length = sys::to_sockaddr(to, address);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    return std::unexpected(fmt::format("cannot send to {}: {}", to.address, error_text(errno)));
  }
  sockaddr_storage local{};
  socklen_t local_length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    return std::unexpected(
        fmt::format("cannot learn the source address for {}: {}", to.address, error_text(errno)));
  }
  const auto source = sys::from_sockaddr(local, local_length);
  if (!source) return std::unexpected(std::string("the kernel gave no source address"));
  return EchoSender(std::move(*socket), to, source->address);
}

std::expected<void, std::string> EchoSender::send_checksum_as_written() {
  if (to_.address.is_ipv6()) {
    const int off = -1;
    if (::setsockopt(fd_.get(), SOL_RAW, IPV6_CHECKSUM, &off, sizeof off) != 0) {
      return std::unexpected(fmt::format(
          "cannot keep the kernel from computing the ICMPv6 checksum (IPV6_CHECKSUM at SOL_RAW): "
          "{}",
          error_text(errno)));
    }
  }
  checksum_as_written_ = true;
  return {};
}

std::string EchoSender::sent_line(std::size_t bytes) const {
  if (to_.address.is_ipv4()) {
    return fmt::format("sent {} bytes of ICMP to {} (the kernel adds the IP header)", bytes,
                       to_.address);
  }
  return fmt::format(
      "sent {} bytes of ICMPv6 from {} to {} (the kernel adds the IPv6 header{})", bytes, source_,
      to_.address,
      checksum_as_written_
          ? "; IPV6_CHECKSUM -1 at level SOL_RAW keeps it from computing the checksum"
          : " and fills in the checksum, RFC 3542 3.1");
}

std::expected<SendReport, std::string> EchoSender::send_and_wait(std::span<const std::uint8_t> icmp,
                                                                 std::uint16_t identifier,
                                                                 std::uint16_t sequence,
                                                                 std::chrono::milliseconds wait) {
  const int fd = fd_.get();
  const bool v4 = to_.address.is_ipv4();
  const auto start = std::chrono::steady_clock::now();
  if (::send(fd, icmp.data(), icmp.size(), 0) < 0) {
    return std::unexpected(fmt::format("cannot send to {}: {}", to_.address, error_text(errno)));
  }
  SendReport report;
  report.sent = sent_line(icmp.size());
  if (wait.count() <= 0) return report;

  const auto deadline = start + wait;
  std::array<std::uint8_t, 65536> buffer{};
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    sockaddr_storage from{};
    socklen_t from_length = sizeof from;
    const ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::unexpected(fmt::format("cannot read the reply: {}", error_text(errno)));
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    const auto bytes = std::span<const std::uint8_t>(buffer).first(static_cast<std::size_t>(n));
    const auto received = v4 ? unwrap_ipv4(bytes)
                             : unwrap_ipv6(bytes, sys::from_sockaddr(from, from_length), source_);
    if (!received || received->source != to_.address) continue;
    auto line = v4 ? reply_line<wire::Icmpv4Type>(*received, identifier, sequence, elapsed)
                   : reply_line<wire::Icmpv6Type>(*received, identifier, sequence, elapsed);
    if (!line) continue;
    report.replied = true;
    report.reply = std::move(*line);
    return report;
  }
  report.reply = fmt::format("no reply from {} within {} ms", to_.address, wait.count());
  return report;
}

}  // namespace pong::lab
