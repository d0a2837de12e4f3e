#include "pinger.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <span>
#include <string_view>

#include "payload.hpp"
#include "report.hpp"
#include "wire/icmp.hpp"

namespace pong::client {
namespace {

// Datagrams read per wake-up before the send schedule is looked at again.
constexpr int kReceiveBurst = 64;

timespec to_timespec(std::chrono::nanoseconds d) {
  d = std::max(d, std::chrono::nanoseconds{0});
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(d);
  return timespec{static_cast<time_t>(seconds.count()), static_cast<long>((d - seconds).count())};
}

// The sender recvmsg put in msg_name; the unspecified address of the
// run's family if the kernel gave none (then it can only be flagged as
// another address).
wire::IpAddress sender(const sockaddr_storage& name, socklen_t length, wire::IpFamily family) {
  if (const auto endpoint = sys::from_sockaddr(name, length)) return endpoint->address;
  return wire::IpAddress::unspecified(family);
}

// The TTL (IP_TTL, asked for with IP_RECVTTL) or hop limit (IPV6_HOPLIMIT,
// asked for with IPV6_RECVHOPLIMIT, RFC 3542 6.3) a datagram arrived with:
// an int in either family, 0 to 255.
std::optional<std::uint8_t> arrival_ttl(msghdr& header) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    const bool carries_ttl = (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL) ||
                             (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT);
    if (!carries_ttl || c->cmsg_len < CMSG_LEN(sizeof(int))) continue;
    int value = 0;
    std::memcpy(&value, CMSG_DATA(c), sizeof value);
    if (value >= 0 && value <= 255) return static_cast<std::uint8_t>(value);
  }
  return std::nullopt;
}

// A control message that carries a sock_extended_err: IP_RECVERR for
// IPv4, IPV6_RECVERR for IPv6 (RFC 3542 has none; Linux ip(7), ipv6(7)).
bool is_extended_error(const cmsghdr& c) {
  return (c.cmsg_level == SOL_IP && c.cmsg_type == IP_RECVERR) ||
         (c.cmsg_level == SOL_IPV6 && c.cmsg_type == IPV6_RECVERR);
}

}  // namespace

Pinger::Pinger(PingSocket socket, PingerOptions options)
    : socket_(std::move(socket)),
      options_(std::move(options)),
      lines_(options_.json == JsonOutput::kNone ? stdout : stderr),
      request_(wire::kIcmpHeaderLength + options_.payload.size()),
      sent_at_(std::make_unique<std::array<Clock::time_point, PingStatistics::kSequenceSpace>>()),
      receive_buffer_(std::make_unique<std::array<std::uint8_t, 65536>>()) {
  std::copy(options_.payload.begin(), options_.payload.end(),
            request_.begin() + wire::kIcmpHeaderLength);
  expect_ = EchoExpectation{options_.target.address, socket_.identifier, options_.payload};
  // Port 0: ping sockets ignore it, and a raw ICMPv6 socket takes 0 for its
  // own protocol (anything else is EINVAL).
  to_length_ = sys::to_sockaddr({options_.target.address, options_.target.scope_id, 0}, to_);
}

bool Pinger::wants_to_send() const {
  // iputils: with a deadline, -c is the number of replies to wait for and
  // requests go on until then.
  if (options_.deadline) return !options_.count || stats_.received() < *options_.count;
  if (options_.count) return stats_.transmitted() < *options_.count;
  return true;
}

bool Pinger::finished(Clock::time_point now, Clock::time_point last_send) const {
  if (!options_.count) return false;
  const std::uint64_t count = *options_.count;
  if (options_.deadline) return stats_.received() >= count;
  if (stats_.transmitted() < count) return false;
  // Every request answered, or refused by an ICMP error (iputils: nreceived
  // + nerrors >= npackets), or the last one has had its time.
  if (stats_.received() + stats_.errors() >= count) return true;
  return now >= last_send + options_.reply_timeout;
}

void Pinger::send_request() {
  const std::uint16_t sequence = next_sequence_++;
  // The buffer always holds the 8-byte header.
  write_echo_request(socket_.family, request_, socket_.identifier, sequence);

  stats_.record_transmit(sequence);
  (*sent_at_)[sequence] = Clock::now();
  const ssize_t sent = ::sendto(socket_.fd.get(), request_.data(), request_.size(), 0,
                                reinterpret_cast<const sockaddr*>(&to_), to_length_);
  if (sent < 0) {
    // Sent nothing: it counts as an error, like an ICMP error would.
    const int err = errno;
    stats_.record_error();
    report_local_error(sequence, fmt::format("sendto: {}", std::strerror(err)),
                       /*even_when_quiet=*/true);
  }
}

void Pinger::report_local_error(std::uint16_t sequence, std::string_view message,
                                bool even_when_quiet) {
  if (options_.json == JsonOutput::kLines) {
    line_.clear();
    format_json_local_error(line_, sequence, message);
    write_line(stdout);
  }
  if (options_.quiet && !even_when_quiet) return;
  fmt::print(stderr, "pinger: icmp_seq={}: {}\n", sequence, message);
}

void Pinger::handle(const ReplyMatch& match, Clock::time_point now,
                    std::optional<std::uint8_t> ttl) {
  // The send time comes from our own table, never from the reply.
  const auto rtt = now - (*sent_at_)[match.sequence];
  switch (match.verdict) {
    case ReplyVerdict::kReply:
    case ReplyVerdict::kWrongData:
    case ReplyVerdict::kDuplicate:
      stats_.record_reply(match.sequence, rtt);
      break;
    case ReplyVerdict::kBadChecksum:
      stats_.record_corrupted();
      break;
    case ReplyVerdict::kIcmpError:
      stats_.record_error();
      break;
    case ReplyVerdict::kNotOurs:
    case ReplyVerdict::kMalformed:
      return;
  }
  if (options_.json == JsonOutput::kLines) {
    line_.clear();
    if (match.verdict == ReplyVerdict::kIcmpError) {
      format_json_icmp_error(line_, match);
    } else {
      format_json_reply(line_, match, rtt, ttl);
    }
    write_line(stdout);
  }
  if (options_.quiet) return;
  line_.clear();
  if (options_.timestamps) format_timestamp(line_, std::chrono::system_clock::now());
  if (match.verdict == ReplyVerdict::kIcmpError) {
    format_icmp_error(line_, match);
  } else {
    format_reply(line_, match, rtt);
  }
  write_line(lines_);
}

void Pinger::write_line(FILE* stream) {
  std::fwrite(line_.data(), 1, line_.size(), stream);
  std::fflush(stream);
}

void Pinger::receive_datagrams() {
  auto& buffer = *receive_buffer_;
  for (int i = 0; i < kReceiveBurst; ++i) {
    sockaddr_storage from{};
    iovec iov{buffer.data(), buffer.size()};
    // Room for the TTL's control message (arrival_ttl), and to spare.
    alignas(cmsghdr) std::array<std::uint8_t, 64> control{};
    msghdr header{};
    header.msg_name = &from;
    header.msg_namelen = sizeof from;
    header.msg_iov = &iov;
    header.msg_iovlen = 1;
    header.msg_control = control.data();
    header.msg_controllen = control.size();
    const ssize_t received = ::recvmsg(socket_.fd.get(), &header, MSG_DONTWAIT);
    const Clock::time_point now = Clock::now();
    if (received < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      // An ICMP error also sets the socket's pending error, which the next
      // read returns once (EHOSTUNREACH...). The details, with the
      // sequence number, are on a datagram socket's error queue; a raw
      // socket reads the error itself as a datagram.
      if (socket_.kind == SocketKind::kDatagram) receive_queued_errors();
      continue;
    }
    const std::span<const std::uint8_t> bytes(buffer.data(), static_cast<std::size_t>(received));
    // Only a raw IPv4 socket reads the IP header; every other socket reads
    // the ICMP message and names its sender in msg_name.
    const bool whole_datagram =
        socket_.kind == SocketKind::kRaw && socket_.family == wire::IpFamily::kIpv4;
    const ReplyMatch match =
        whole_datagram ? match_ipv4_datagram(bytes, expect_, stats_)
                       : match_icmp_message(bytes, sender(from, header.msg_namelen, socket_.family),
                                            expect_, stats_);
    handle(match, now, arrival_ttl(header));
  }
}

void Pinger::receive_queued_errors() {
  auto& buffer = *receive_buffer_;
  for (int i = 0; i < kReceiveBurst; ++i) {
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<std::uint8_t, 512> control{};
    msghdr header{};
    header.msg_iov = &iov;
    header.msg_iovlen = 1;
    header.msg_control = control.data();
    header.msg_controllen = control.size();
    const ssize_t received = ::recvmsg(socket_.fd.get(), &header, MSG_ERRQUEUE | MSG_DONTWAIT);
    const Clock::time_point now = Clock::now();
    if (received < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN: the queue is empty
    }
    // IP_RECVERR / IPV6_RECVERR: a sock_extended_err, then the offender's
    // address (the sender of the ICMP error, SO_EE_OFFENDER).
    sock_extended_err error{};
    sockaddr_storage offender{};
    socklen_t offender_length = 0;
    bool found = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
      if (!is_extended_error(*c)) continue;
      const std::size_t length = c->cmsg_len - CMSG_LEN(0);
      if (length < sizeof error) continue;
      std::memcpy(&error, CMSG_DATA(c), sizeof error);
      offender_length = static_cast<socklen_t>(std::min(length - sizeof error, sizeof offender));
      std::memcpy(&offender, CMSG_DATA(c) + sizeof error, offender_length);
      found = true;
    }
    if (!found) continue;
    const std::span<const std::uint8_t> quoted(buffer.data(), static_cast<std::size_t>(received));
    if (error.ee_origin == SO_EE_ORIGIN_ICMP || error.ee_origin == SO_EE_ORIGIN_ICMP6) {
      const wire::IpFamily family =
          error.ee_origin == SO_EE_ORIGIN_ICMP ? wire::IpFamily::kIpv4 : wire::IpFamily::kIpv6;
      const QueuedError queued{IcmpType::from_wire(family, error.ee_type), error.ee_code,
                               error.ee_info, sender(offender, offender_length, family)};
      handle(match_queued_error(queued, quoted, expect_, stats_), now, std::nullopt);
    } else if (error.ee_origin == SO_EE_ORIGIN_LOCAL) {
      // The request never left this host (e.g. EMSGSIZE over the MTU).
      const auto sequence = request_sequence(socket_.family, quoted);
      if (!sequence) continue;
      stats_.record_error();
      report_local_error(
          *sequence,
          fmt::format("local error: {}", std::strerror(static_cast<int>(error.ee_errno))),
          /*even_when_quiet=*/false);
    }
  }
}

RunDescription Pinger::describe() const {
  return {options_.host,      options_.target.address,
          options_.zone,      socket_kind_name(socket_.kind),
          socket_.identifier, options_.payload.size()};
}

void Pinger::print_header() {
  if (options_.quiet) return;
  line_.clear();
  format_header(line_, describe());
  write_line(lines_);
}

void Pinger::print_summary(std::chrono::nanoseconds elapsed) {
  line_.clear();
  if (options_.json != JsonOutput::kNone) {
    // A program reads the buckets whether or not a person asked to see
    // them drawn.
    format_json_summary(line_, describe(), stats_, elapsed, true);
  } else {
    format_summary(line_, options_.host, stats_, elapsed);
    if (options_.histogram != HistogramStyle::kNone) {
      format_histogram(line_, stats_.rtt_histogram(),
                       options_.histogram == HistogramStyle::kUnicode);
    }
  }
  write_line(stdout);
}

int Pinger::run(int signal_fd) {
  const Clock::time_point start = Clock::now();
  std::optional<Clock::time_point> deadline_at;
  if (options_.deadline) deadline_at = start + *options_.deadline;
  Clock::time_point next_send = start;
  Clock::time_point last_send = start;

  print_header();
  std::array<pollfd, 2> fds{{{socket_.fd.get(), POLLIN, 0}, {signal_fd, POLLIN, 0}}};
  for (;;) {
    Clock::time_point now = Clock::now();
    if (deadline_at && now >= *deadline_at) break;
    if (finished(now, last_send)) break;
    if (wants_to_send() && now >= next_send) {
      send_request();
      last_send = now;
      // Keep to the schedule; after a stall, start again from now rather
      // than sending a burst to catch up.
      next_send = std::max(next_send + options_.interval, now);
      continue;
    }

    Clock::time_point wake = Clock::time_point::max();
    if (wants_to_send()) {
      wake = next_send;
    } else if (options_.count && !options_.deadline) {
      wake = last_send + options_.reply_timeout;
    }
    if (deadline_at) wake = std::min(wake, *deadline_at);
    const timespec timeout = to_timespec(wake - now);
    const int ready = ::ppoll(fds.data(), fds.size(),
                              wake == Clock::time_point::max() ? nullptr : &timeout, nullptr);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fmt::print(stderr, "pinger: poll: {}\n", std::strerror(errno));
      break;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) break;
    }
    // POLLERR: a datagram socket has queued errors; on either socket an
    // ICMP error may also have set the pending error, which only a read
    // clears (or poll would wake at once, forever).
    if (fds[0].revents & POLLERR) receive_queued_errors();
    if (fds[0].revents & (POLLIN | POLLERR)) receive_datagrams();
  }

  print_summary(Clock::now() - start);
  if (options_.deadline && options_.count) return stats_.received() >= *options_.count ? 0 : 1;
  return stats_.received() > 0 ? 0 : 1;
}

}  // namespace pong::client
