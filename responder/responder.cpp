#include "responder.hpp"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sys/raw_socket.hpp"
#include "sys/socket_address.hpp"

namespace pong::responder {
namespace {

struct SocketOption {
  int level;
  int name;
  int value;
  const char* what;
};

// Both families' socket set-up: open, let only Echo Requests through the
// type filter (replies, errors and the rest of the host's ICMP traffic
// never wake us), then each option in turn; the first failure is the error.
template <class Open, class Filter>
std::expected<sys::UniqueFd, std::string> open_echo_socket(
    Open open, Filter set_type_filter, std::uint8_t echo_request,
    std::initializer_list<SocketOption> options) {
  auto socket = open();
  if (!socket) return std::unexpected(socket.error());
  if (auto r = set_type_filter(socket->get(), {echo_request}); !r) {
    return std::unexpected(r.error());
  }
  for (const auto& o : options) {
    if (auto r = sys::set_int_option(socket->get(), o.level, o.name, o.value, o.what); !r) {
      return std::unexpected(r.error());
    }
  }
  // Whatever arrived between socket() and the filter (Neighbour Discovery,
  // MLD, other hosts' replies) is not ours to count: discard it, bounded.
  std::array<std::uint8_t, 1> discard;
  for (int i = 0; i < 1024; ++i) {
    if (::recv(socket->get(), discard.data(), discard.size(), MSG_DONTWAIT | MSG_TRUNC) < 0) break;
  }
  return socket;
}

// Best effort: a raw socket on a device without NAPI busy polling (veth,
// loopback) gains nothing from these, and raising SO_BUSY_POLL above
// net.core.busy_read needs CAP_NET_ADMIN; the user-space spin of the
// service loop does the work then.
void request_busy_polling(int fd, std::chrono::microseconds budget) {
  const int microseconds = static_cast<int>(std::min<std::int64_t>(budget.count(), 1'000'000));
  for (const auto& o : {SocketOption{SOL_SOCKET, SO_BUSY_POLL, microseconds, "SO_BUSY_POLL"},
                        SocketOption{SOL_SOCKET, SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL"}}) {
    if (auto r = sys::set_int_option(fd, o.level, o.name, o.value, o.what); !r) {
      spdlog::debug("{} (pong spins in user space instead)", r.error());
    }
  }
}

}  // namespace

// ---- the families ------------------------------------------------------------

std::expected<sys::UniqueFd, std::string> Ipv4Family::open_socket() {
  return open_echo_socket(
      sys::open_raw_icmpv4_socket, sys::set_icmpv4_type_filter,
      std::to_underlying(wire::Icmpv4Type::kEchoRequest),
      {
          // Per-packet specific destination (RFC 1122 3.2.2.6) via ipi_spec_dst.
          {IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO"},
          // RFC 1122 3.2.2.6: "If a Record Route and/or Time Stamp option is
          // received in an ICMP Echo Request, this option (these options)
          // SHOULD be updated to include the current host and included in the
          // IP header of the Echo Reply message ... If a Source Route option
          // is received, it MUST be reversed." IP_RETOPTS hands us exactly the
          // options the kernel's own echo would send (ip_options_echo); we
          // pass them back on send.
          {IPPROTO_IP, IP_RETOPTS, 1, "IP_RETOPTS"},
          // Linux's own ICMP socket sends with IP_PMTUDISC_DONT (DF clear,
          // the kernel fragments large replies); match it so replies look
          // the same.
          {IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, "IP_MTU_DISCOVER"},
      });
}

std::expected<ReplyPlan, wire::DropReason> Ipv4Family::plan(std::span<std::uint8_t> bytes,
                                                            const SocketAddress& /*peer*/,
                                                            const msghdr& header,
                                                            const wire::EchoPolicy& policy,
                                                            State& /*state*/) {
  // The IPv4 source is in the header the socket read.
  return plan_ipv4_reply(bytes, read_ipv4_control(header), policy);
}

wire::IpAddress Ipv4Family::source_of(const SocketAddress& peer) {
  return sys::from_in_addr(peer.sin_addr);
}

wire::IpAddress Ipv6Family::source_of(const SocketAddress& peer) {
  return sys::from_in6_addr(peer.sin6_addr);
}

std::expected<sys::UniqueFd, std::string> Ipv6Family::open_socket() {
  return open_echo_socket(
      sys::open_raw_icmpv6_socket, sys::set_icmpv6_type_filter,
      std::to_underlying(wire::Icmpv6Type::kEchoRequest),
      {
          // RFC 3542 6.1: the destination address and arrival interface of
          // each message. RFC 4443 4.2 needs both to choose the reply's source.
          {IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO"},
          // RFC 3542 6.5: the traffic class, which Linux's echo copies.
          {IPPROTO_IPV6, IPV6_RECVTCLASS, 1, "IPV6_RECVTCLASS"},
          // As Linux's own ICMPv6 socket: replies larger than the path MTU
          // are fragmented by this host rather than refused.
          {IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DONT, "IPV6_MTU_DISCOVER"},
      });
}

std::expected<ReplyPlan, wire::DropReason> Ipv6Family::plan(std::span<std::uint8_t> bytes,
                                                            const SocketAddress& peer,
                                                            const msghdr& header,
                                                            const wire::EchoPolicy& policy,
                                                            State& state) {
  const wire::Ipv6Address source = sys::from_in6_addr(peer.sin6_addr);
  const Ipv6ReceivedControl control = read_ipv6_control(header);
  const bool anycast = control.has_packet_info && !control.destination.is_multicast() &&
                       state.anycast.is_anycast(control.destination);
  return plan_ipv6_reply(bytes, source, control, anycast, policy);
}

// ---- the batch loop, once for both -----------------------------------------

template <class Family>
Responder<Family>::Responder(sys::UniqueFd socket, const Options& options)
    : socket_(std::move(socket)),
      options_(options),
      batch_(std::clamp<std::size_t>(options.batch, 1, kMaxBatch)),
      slots_(std::make_unique_for_overwrite<Slot[]>(batch_)) {}

template <class Family>
std::expected<std::unique_ptr<Responder<Family>>, std::string> Responder<Family>::open(
    const Options& options) {
  auto socket = Family::open_socket();
  if (!socket) return std::unexpected(socket.error());
  // Room for bursts; the kernel caps it at net.core.rmem_max.
  (void)sys::set_int_option(socket->get(), SOL_SOCKET, SO_RCVBUF, 4 << 20, "SO_RCVBUF");
  if (options.busy_poll.count() > 0) request_busy_polling(socket->get(), options.busy_poll);
  return std::unique_ptr<Responder>(new Responder(std::move(*socket), options));
}

template <class Family>
void Responder<Family>::prepare_receive_headers() {
  for (std::size_t i = 0; i < batch_; ++i) {
    Slot& slot = slots_[i];
    receive_iov_[i] = {slot.datagram.data(), slot.datagram.size()};
    msghdr& h = receive_headers_[i].msg_hdr;
    h = {};
    h.msg_name = &peers_[i];
    h.msg_namelen = sizeof peers_[i];
    h.msg_iov = &receive_iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = slot.receive_control.data();
    h.msg_controllen = slot.receive_control.size();
  }
}

template <class Family>
void Responder<Family>::refresh_policy_if_stale() {
  if (!options_.read_policy) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_policy_read_) return;
  next_policy_read_ = now + std::chrono::seconds{1};
  options_.policy = options_.read_policy();
}

template <class Family>
std::expected<void, std::string> Responder<Family>::serve_batch() {
  refresh_policy_if_stale();
  prepare_receive_headers();
  const int received = ::recvmmsg(socket_.get(), receive_headers_.data(),
                                  static_cast<unsigned>(batch_), MSG_DONTWAIT, nullptr);
  if (received < 0) {
    if (errno == EAGAIN || errno == EINTR) return {};
    if (errno == EBADF || errno == ENOTSOCK || errno == EFAULT || errno == EINVAL) {
      return std::unexpected(fmt::format("recvmmsg failed: {}", std::strerror(errno)));
    }
    // Transient (ENOBUFS, ENOMEM...): nothing to answer this time.
    spdlog::warn("recvmmsg: {}", std::strerror(errno));
    return {};
  }

  // One clock read per batch, and only when a limit needs it.
  policy::Nanoseconds now{};
  if (needs_clock()) now = std::chrono::steady_clock::now().time_since_epoch();
  unsigned replies = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
    counters_.received.add();
    if (plan_reply(i, replies, now)) ++replies;
  }
  send_replies(replies);
  if (logs_requests()) {
    options_.request_log->summarize(now);
    options_.request_log->end_batch();
  }
  return {};
}

template <class Family>
bool Responder<Family>::logs_requests() const {
  return options_.request_log != nullptr && options_.request_log->enabled();
}

template <class Family>
bool Responder<Family>::needs_clock() const {
  return (options_.admission != nullptr && options_.admission->active()) ||
         (options_.request_log != nullptr && options_.request_log->needs_clock());
}

template <class Family>
bool Responder<Family>::plan_reply(std::size_t i, std::size_t j, policy::Nanoseconds now) {
  Slot& slot = slots_[i];
  const msghdr& received = receive_headers_[i].msg_hdr;
  const std::span<std::uint8_t> bytes(slot.datagram.data(), receive_headers_[i].msg_len);
  const auto plan = Family::plan(bytes, peers_[i], received, options_.policy, state_);
  if (!plan) {
    count_drop(i, bytes.size(), plan.error(), nullptr, now);
    return false;
  }
  if (options_.admission != nullptr && options_.admission->active()) {
    if (const auto refused = options_.admission->check(plan->reply.destination, now)) {
      count_drop(i, bytes.size(), *refused, &plan->reply, now);
      return false;
    }
  }
  const std::size_t control_length =
      write_reply_control(slot.send_control, plan->reply, plan->ip_options);
  send_iov_[j] = {plan->reply.message.icmp.data(), plan->reply.message.icmp.size()};
  msghdr& s = send_headers_[j].msg_hdr;
  s = {};
  s.msg_name = &peers_[i];  // RFC 792, RFC 4443 4.2: back to the request's source
  s.msg_namelen = sizeof peers_[i];
  s.msg_iov = &send_iov_[j];
  s.msg_iovlen = 1;
  s.msg_control = slot.send_control.data();
  s.msg_controllen = control_length;
  if (logs_requests()) options_.request_log->request(plan->reply, now);
  return true;
}

// Counted always; logged at --log-level debug. `refused`: the reply a
// well-formed request would have had (the ACL and rate limits drop those).
template <class Family>
void Responder<Family>::count_drop(std::size_t i, std::size_t size, wire::DropReason reason,
                                   const wire::EchoReply* refused, policy::Nanoseconds now) {
  counters_.count_drop(reason);
  if (options_.request_log == nullptr || !options_.request_log->logs_drops()) return;
  options_.request_log->drop(
      refused != nullptr
          ? LogEvent::refused(*refused, size, reason)
          : LogEvent::drop(Family::kFamily, Family::source_of(peers_[i]), size, reason),
      now);
}

template <class Family>
void Responder<Family>::send_replies(unsigned count) {
  unsigned sent = 0;
  while (sent < count) {
    const int r = ::sendmmsg(socket_.get(), &send_headers_[sent], count - sent, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      // The first unsent reply failed: count it, skip it, send the rest.
      counters_.send_errors.add();
      spdlog::debug("sendmsg: {}", std::strerror(errno));
      ++sent;
      continue;
    }
    counters_.answered.add(static_cast<unsigned>(r));
    sent += static_cast<unsigned>(r);
  }
}

template class Responder<Ipv4Family>;
template class Responder<Ipv6Family>;

}  // namespace pong::responder
