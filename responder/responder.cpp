#include "responder.hpp"

#include <netinet/ip.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <span>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "sys/log.hpp"
#include "sys/raw_socket.hpp"

namespace pong::responder {
namespace {

// What the control messages of one received datagram told us.
struct ReceivedControl {
  wire::ArrivalInfo arrival{};
  // IP_RETOPTS: the request's options as ip_options_echo() turned them
  // into reply options (source route reversed, record-route and timestamp
  // slots reset so the kernel fills them in on the way out). Present but
  // empty when the request's options hold nothing a reply echoes (padding,
  // Router Alert...): the reply then goes without options, as Linux's does.
  bool has_reply_options = false;
  std::span<const std::uint8_t> reply_options;
  // MSG_CTRUNC: the kernel could not hand over every control message; it
  // sets it, in particular, when ip_options_echo() fails.
  bool truncated = false;
};

ReceivedControl read_control(msghdr& header) {
  ReceivedControl control;
  control.truncated = (header.msg_flags & MSG_CTRUNC) != 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level != IPPROTO_IP) continue;
    const auto* data = reinterpret_cast<const std::uint8_t*>(CMSG_DATA(c));
    const std::size_t length = c->cmsg_len - CMSG_LEN(0);
    if (c->cmsg_type == IP_PKTINFO && length >= sizeof(in_pktinfo)) {
      in_pktinfo info;
      std::memcpy(&info, data, sizeof info);
      control.arrival.specific_destination =
          wire::Ipv4Address::from_u32(ntohl(info.ipi_spec_dst.s_addr));
    } else if (c->cmsg_type == IP_RETOPTS) {
      control.has_reply_options = true;
      control.reply_options = {data, length};
    }
  }
  return control;
}

// Appends one control message; returns the bytes used.
std::size_t put_control(std::span<std::uint8_t> buffer, std::size_t used, int type,
                        std::span<const std::uint8_t> payload) {
  auto* header = reinterpret_cast<cmsghdr*>(buffer.data() + used);
  header->cmsg_level = IPPROTO_IP;
  header->cmsg_type = type;
  header->cmsg_len = CMSG_LEN(payload.size());
  std::memcpy(CMSG_DATA(header), payload.data(), payload.size());
  return used + CMSG_SPACE(payload.size());
}

template <class T>
std::span<const std::uint8_t> as_bytes_of(const T& value) {
  return {reinterpret_cast<const std::uint8_t*>(&value), sizeof value};
}

}  // namespace

Responder::Responder(sys::UniqueFd socket, const Options& options)
    : socket_(std::move(socket)),
      options_(options),
      slots_(std::make_unique<std::array<Slot, kBatch>>()) {}

std::expected<std::unique_ptr<Responder>, std::string> Responder::open(const Options& options) {
  auto socket = sys::open_raw_icmpv4_socket();
  if (!socket) return std::unexpected(socket.error());
  const int fd = socket->get();

  // Ask the kernel for Echo Requests only; replies, errors and the rest of
  // the host's ICMP traffic never wake us.
  if (auto r = sys::set_icmpv4_type_filter(
          fd, {static_cast<std::uint8_t>(wire::Icmpv4Type::kEchoRequest)});
      !r)
    return std::unexpected(r.error());
  // Per-packet specific destination (RFC 1122 3.2.2.6) via ipi_spec_dst.
  if (auto r = sys::set_int_option(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO"); !r) {
    return std::unexpected(r.error());
  }
  // RFC 1122 3.2.2.6: "If a Record Route and/or Time Stamp option is
  // received in an ICMP Echo Request, this option (these options) SHOULD
  // be updated to include the current host and included in the IP header
  // of the Echo Reply message ... If a Source Route option is received, it
  // MUST be reversed." IP_RETOPTS hands us exactly the options the kernel's
  // own echo would send (ip_options_echo); we pass them back on send.
  if (auto r = sys::set_int_option(fd, IPPROTO_IP, IP_RETOPTS, 1, "IP_RETOPTS"); !r) {
    return std::unexpected(r.error());
  }
  // Linux's own ICMP socket sends with IP_PMTUDISC_DONT (DF clear, the
  // kernel fragments large replies); match it so replies look the same.
  if (auto r =
          sys::set_int_option(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, "IP_MTU_DISCOVER");
      !r) {
    return std::unexpected(r.error());
  }
  // Room for bursts; the kernel caps it at net.core.rmem_max.
  (void)sys::set_int_option(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20, "SO_RCVBUF");

  return std::unique_ptr<Responder>(new Responder(std::move(*socket), options));
}

std::expected<void, std::string> Responder::run(int signal_fd) {
  std::array<pollfd, 2> fds{{{socket_.get(), POLLIN, 0}, {signal_fd, POLLIN, 0}}};
  for (;;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(fmt::format("poll failed: {}", std::strerror(errno)));
    }
    // Datagrams first: counters printed for a signal then include every
    // request that arrived before it.
    if (fds[0].revents & POLLIN) {
      if (auto r = serve_batch(); !r) return r;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGUSR1) {
          log_counters();
        } else {
          spdlog::info("received {}, shutting down",
                       sigabbrev_np(static_cast<int>(info.ssi_signo)));
          return {};
        }
      }
    }
  }
}

std::expected<void, std::string> Responder::serve_batch() {
  auto& slots = *slots_;
  for (std::size_t i = 0; i < kBatch; ++i) {
    receive_iov_[i] = {slots[i].datagram.data(), slots[i].datagram.size()};
    msghdr& h = receive_headers_[i].msg_hdr;
    h = {};
    h.msg_name = &peers_[i];
    h.msg_namelen = sizeof peers_[i];
    h.msg_iov = &receive_iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = slots[i].receive_control.data();
    h.msg_controllen = slots[i].receive_control.size();
  }
  const int received =
      ::recvmmsg(socket_.get(), receive_headers_.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (received < 0) {
    if (errno == EAGAIN || errno == EINTR) return {};
    if (errno == EBADF || errno == ENOTSOCK || errno == EFAULT || errno == EINVAL) {
      return std::unexpected(fmt::format("recvmmsg failed: {}", std::strerror(errno)));
    }
    // Transient (ENOBUFS, ENOMEM...): nothing to answer this time.
    spdlog::warn("recvmmsg: {}", std::strerror(errno));
    return {};
  }

  unsigned replies = 0;
  bool logged = false;
  for (int i = 0; i < received; ++i) {
    ++counters_.received;
    msghdr& h = receive_headers_[static_cast<std::size_t>(i)].msg_hdr;
    Slot& slot = slots[static_cast<std::size_t>(i)];
    const ReceivedControl control = read_control(h);
    const std::span<std::uint8_t> datagram(slot.datagram.data(),
                                           receive_headers_[static_cast<std::size_t>(i)].msg_len);

    const auto reply = wire::answer_echo_request(datagram, control.arrival, options_.policy);
    if (!reply) {
      counters_.count_drop(reply.error());
      continue;
    }
    if (reply->has_ip_options && (control.truncated || !control.has_reply_options)) {
      // Linux's icmp_reply() sends nothing when ip_options_echo() fails.
      counters_.count_drop(wire::DropReason::kIpOptionsNotEchoable);
      continue;
    }

    const unsigned j = replies++;
    sockaddr_in& to = reply_destinations_[j];
    to = {};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(reply->destination.to_u32());
    send_iov_[j] = {reply->icmp.data(), reply->icmp.size()};

    // Per-reply control messages: source address, TOS, IP options.
    in_pktinfo source{};
    source.ipi_ifindex = 0;  // route as the kernel's own reply would
    source.ipi_spec_dst.s_addr = htonl(reply->source.to_u32());
    const int tos = reply->tos;  // the kernel's echo copies the request's TOS
    std::span<std::uint8_t> out(slot.send_control);
    std::size_t used = put_control(out, 0, IP_PKTINFO, as_bytes_of(source));
    used = put_control(out, used, IP_TOS, as_bytes_of(tos));
    if (!control.reply_options.empty())
      used = put_control(out, used, IP_RETOPTS, control.reply_options);

    msghdr& s = send_headers_[j].msg_hdr;
    s = {};
    s.msg_name = &to;
    s.msg_namelen = sizeof to;
    s.msg_iov = &send_iov_[j];
    s.msg_iovlen = 1;
    s.msg_control = out.data();
    s.msg_controllen = used;

    if (options_.log_each_request) {
      // "bytes" counts the echo body, identifier + sequence + data, as the
      // article's server did; the ICMP message is 4 bytes longer.
      spdlog::info("{} bytes from {}: pid={}, icmp_type=echo, icmp_seq={}, data={}",
                   reply->data.size() + 4, reply->destination, reply->identifier, reply->sequence,
                   sys::PayloadPreview{reply->data, options_.payload_preview_bytes});
      logged = true;
    }
  }
  send_replies(replies);
  if (logged) spdlog::default_logger_raw()->flush();
  return {};
}

void Responder::send_replies(unsigned count) {
  unsigned sent = 0;
  while (sent < count) {
    const int r = ::sendmmsg(socket_.get(), &send_headers_[sent], count - sent, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      // The first unsent reply failed: count it, skip it, send the rest.
      ++counters_.send_errors;
      spdlog::debug("sendmsg: {}", std::strerror(errno));
      ++sent;
      continue;
    }
    counters_.answered += static_cast<unsigned>(r);
    sent += static_cast<unsigned>(r);
  }
}

void Responder::log_counters() const {
  spdlog::info("--- pong statistics ---");
  spdlog::info("{} received, {} answered, {} dropped, {} send errors", counters_.received,
               counters_.answered, counters_.dropped(), counters_.send_errors);
  for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
    if (counters_.dropped_by_reason[i] == 0) continue;
    spdlog::info("  dropped {}: {}", wire::drop_reason_name(static_cast<wire::DropReason>(i)),
                 counters_.dropped_by_reason[i]);
  }
  spdlog::default_logger_raw()->flush();
}

}  // namespace pong::responder
