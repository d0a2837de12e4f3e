#include "generator.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "sys/raw_socket.hpp"
#include "sys/socket_address.hpp"
#include "wire/icmpv4.hpp"
#include "wire/icmpv6.hpp"

namespace pong::bench {
namespace {

// Socket buffers far beyond what a window or a second's burst needs, so
// the bench's own sockets never drop a reply. *BUFFORCE needs
// CAP_NET_ADMIN; without it the sysctl-capped size is taken.
constexpr int kSocketSendBytes = 4 << 20;
constexpr int kSocketReceiveBytes = 32 << 20;

std::int64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}
std::int64_t mono_ns() {
  return now_ns(CLOCK_MONOTONIC);
}
std::int64_t real_ns() {
  return now_ns(CLOCK_REALTIME);
}

std::string errno_sentence(const char* what) {
  return fmt::format("{}: {}", what, std::strerror(errno));
}

void set_buffer(int fd, int force_option, int option, int bytes) {
  if (::setsockopt(fd, SOL_SOCKET, force_option, &bytes, sizeof bytes) != 0) {
    (void)::setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
  }
}

// The kernel's receive time (SO_TIMESTAMPNS, CLOCK_REALTIME); empty if the
// control data holds none.
std::optional<std::int64_t> receive_timestamp(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
    }
  }
  return std::nullopt;
}

}  // namespace

std::expected<Generator, std::string> Generator::open(const GeneratorSetup& setup) {
  auto builder = RequestBuilder::create(setup.source, setup.target, setup.config.identifier,
                                        setup.config.payload_size);
  if (!builder) return std::unexpected(std::string("source and target differ in family"));
  Generator generator(setup, *builder);
  if (auto opened = generator.open_sockets(); !opened) return std::unexpected(opened.error());
  return generator;
}

Generator::Generator(const GeneratorSetup& setup, RequestBuilder builder)
    : setup_(setup),
      builder_(builder),
      tracker_(request_capacity(setup.config), setup.config.timeout_ns),
      expect_{setup.target, setup.config.identifier, setup.config.payload_size},
      limit_(request_capacity(setup.config)),
      frame_length_(builder.frame_length()),
      tx_frames_(frame_length_ * setup.config.batch),
      tx_iov_(setup.config.batch),
      tx_msgs_(setup.config.batch),
      next_hop_address_(sizeof(sockaddr_ll)),
      rx_frames_(kReceiveFrame * limits::kReceiveBatch),
      rx_names_(limits::kReceiveBatch),
      rx_control_(limits::kReceiveBatch),
      rx_iov_(limits::kReceiveBatch),
      rx_msgs_(limits::kReceiveBatch) {
  for (std::uint32_t i = 0; i < setup.config.batch; ++i) {
    builder_.prepare(wire::MutableBytes(tx_frames_).subspan(i * frame_length_, frame_length_));
  }
  const bool v4 = setup.target.is_ipv4();
  sockaddr_ll next_hop{};
  next_hop.sll_family = AF_PACKET;
  next_hop.sll_protocol = htons(v4 ? ETH_P_IP : ETH_P_IPV6);
  next_hop.sll_ifindex = setup.interface_index;
  next_hop.sll_halen = static_cast<unsigned char>(setup.next_hop.size());
  std::copy(setup.next_hop.begin(), setup.next_hop.end(), next_hop.sll_addr);
  std::memcpy(next_hop_address_.data(), &next_hop, sizeof next_hop);
}

std::expected<void, std::string> Generator::open_sockets() {
  // TX: protocol 0, so this packet socket receives nothing.
  tx_ = sys::UniqueFd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!tx_.valid()) return std::unexpected(errno_sentence("cannot open an AF_PACKET socket"));
  sockaddr_ll bound{};
  bound.sll_family = AF_PACKET;
  bound.sll_ifindex = setup_.interface_index;
  if (::bind(tx_.get(), reinterpret_cast<const sockaddr*>(&bound), sizeof bound) != 0) {
    return std::unexpected(errno_sentence("cannot bind the AF_PACKET socket to the interface"));
  }
  set_buffer(tx_.get(), SO_SNDBUFFORCE, SO_SNDBUF, kSocketSendBytes);

  // RX: a raw socket that lets through Echo Replies only.
  const bool v4 = setup_.target.is_ipv4();
  auto rx = v4 ? sys::open_raw_icmpv4_socket() : sys::open_raw_icmpv6_socket();
  if (!rx) return std::unexpected(rx.error());
  rx_ = std::move(*rx);
  const auto filtered = v4 ? sys::set_icmpv4_type_filter(
                                 rx_.get(), {std::to_underlying(wire::Icmpv4Type::kEchoReply)})
                           : sys::set_icmpv6_type_filter(
                                 rx_.get(), {std::to_underlying(wire::Icmpv6Type::kEchoReply)});
  if (!filtered) return std::unexpected(filtered.error());
  const std::string& name = setup_.interface_name;
  if (::setsockopt(rx_.get(), SOL_SOCKET, SO_BINDTODEVICE, name.c_str(),
                   static_cast<socklen_t>(name.size())) != 0) {
    return std::unexpected(errno_sentence("cannot bind the raw socket to the interface"));
  }
  set_buffer(rx_.get(), SO_RCVBUFFORCE, SO_RCVBUF, kSocketReceiveBytes);
  return sys::set_int_option(rx_.get(), SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
}

// The msghdrs point into the vectors' heap storage, which stays put when a
// Generator is moved; done at the start of run() all the same.
void Generator::wire_buffers() {
  for (std::size_t i = 0; i < tx_msgs_.size(); ++i) {
    tx_iov_[i] = {tx_frames_.data() + i * frame_length_, frame_length_};
    msghdr& m = tx_msgs_[i].msg_hdr;
    m = {};
    m.msg_name = next_hop_address_.data();
    m.msg_namelen = static_cast<socklen_t>(next_hop_address_.size());
    m.msg_iov = &tx_iov_[i];
    m.msg_iovlen = 1;
  }
  for (std::size_t i = 0; i < rx_msgs_.size(); ++i) {
    rx_iov_[i] = {rx_frames_.data() + i * kReceiveFrame, kReceiveFrame};
    msghdr& m = rx_msgs_[i].msg_hdr;
    m = {};
    m.msg_name = &rx_names_[i];
    m.msg_iov = &rx_iov_[i];
    m.msg_iovlen = 1;
    m.msg_control = rx_control_[i].data();
  }
}

std::uint64_t Generator::requests_wanted(std::int64_t now_mono) const {
  const RunConfig& c = setup_.config;
  const std::uint64_t sent = tracker_.sent();
  if (warming_up_) return sent == 0 ? 1 : 0;
  std::uint64_t due = limit_;
  if (c.mode == Mode::kOpen) {
    // Requests 0..k are due once k / rate seconds have passed.
    const auto elapsed =
        static_cast<std::uint64_t>(std::max<std::int64_t>(now_mono - start_mono_, 0));
    due = std::min(due, elapsed * c.rate / 1'000'000'000u + 1);
  } else {
    const std::uint64_t in_flight = tracker_.outstanding();
    due = std::min(due, sent + (c.window > in_flight ? c.window - in_flight : 0));
  }
  return due > sent ? std::min<std::uint64_t>(due - sent, c.batch) : 0;
}

std::expected<void, std::string> Generator::send_batch(std::uint64_t want) {
  const std::uint64_t first = tracker_.sent();
  for (std::uint64_t i = 0; i < want; ++i) {
    builder_.patch(wire::MutableBytes(tx_frames_).subspan(i * frame_length_, frame_length_),
                   first + i);
  }
  const std::int64_t start = mono_ns();
  const std::int64_t tx_real = real_ns();  // the RTT's start, right before the send
  const int sent =
      ::sendmmsg(tx_.get(), tx_msgs_.data(), static_cast<unsigned>(want), MSG_DONTWAIT);
  if (sent < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    return std::unexpected(errno_sentence("sendmmsg on the AF_PACKET socket failed"));
  }
  const auto done = static_cast<std::uint64_t>(std::max(sent, 0));
  for (std::uint64_t i = 0; i < done; ++i) tracker_.on_send(tx_real);
  // The unsent rest keeps its numbers and goes out on a later call.
  tx_blocked_ = done < want;
  if (tx_blocked_) ++tx_retries_;
  if (done > 0) {
    if (first_send_mono_ < 0) first_send_mono_ = start;
    last_send_end_mono_ = mono_ns();
  }
  return {};
}

std::expected<unsigned, std::string> Generator::receive_batch() {
  for (auto& m : rx_msgs_) {
    m.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    m.msg_hdr.msg_controllen = kControlBuffer;
  }
  const int got = ::recvmmsg(rx_.get(), rx_msgs_.data(), static_cast<unsigned>(rx_msgs_.size()),
                             MSG_DONTWAIT, nullptr);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0u;
    return std::unexpected(errno_sentence("recvmmsg on the raw socket failed"));
  }
  const std::uint64_t sent = tracker_.sent();
  for (int i = 0; i < got; ++i) handle_reply(static_cast<unsigned>(i), sent);
  return static_cast<unsigned>(got);
}

void Generator::handle_reply(unsigned i, std::uint64_t sent) {
  msghdr& m = rx_msgs_[i].msg_hdr;
  const wire::Bytes bytes(rx_frames_.data() + i * kReceiveFrame,
                          std::min<std::size_t>(rx_msgs_[i].msg_len, kReceiveFrame));
  const std::int64_t rx_ns = receive_timestamp(m).value_or(real_ns());
  ReplyVerdict verdict;
  if (setup_.target.is_ipv4()) {
    verdict = check_ipv4_reply(bytes, expect_, sent);
  } else {
    sockaddr_in6 from{};
    std::memcpy(&from, &rx_names_[i], sizeof from);
    verdict = check_ipv6_reply(bytes, sys::from_in6_addr(from.sin6_addr), setup_.source.ipv6(),
                               expect_, sent);
  }
  if (verdict) {
    (void)tracker_.on_reply(*verdict, rx_ns);
  } else {
    faults_.add(verdict.error());
  }
}

// When the loop next has something to do if no reply comes first.
std::int64_t Generator::next_wake(std::int64_t now_mono, std::int64_t now_real) const {
  std::int64_t wake = sending_ ? send_end_mono_ : drain_end_mono_;
  if (sending_ && !warming_up_ && setup_.config.mode == Mode::kOpen && tracker_.sent() < limit_) {
    wake = std::min(wake, start_mono_ + static_cast<std::int64_t>(
                                            open_due_ns(tracker_.sent(), setup_.config.rate)));
  }
  if (const auto deadline = tracker_.next_deadline()) {
    // A realtime deadline, as an offset from now on the monotonic clock.
    wake = std::min(wake, now_mono + (*deadline - now_real));
  }
  // A full device queue (ENOBUFS, EAGAIN) drains in microseconds; retry
  // after a short pause rather than spinning on it.
  if (tx_blocked_) wake = std::min<std::int64_t>(wake, now_mono + 20'000);
  return wake;
}

// Sleeps until wake_mono, or until a reply can be read.
void Generator::wait(std::int64_t now_mono, std::int64_t wake_mono) {
  const std::int64_t ns = std::max<std::int64_t>(wake_mono - now_mono, 0);
  const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                         static_cast<long>(ns % 1'000'000'000)};
  pollfd fd{rx_.get(), POLLIN, 0};
  (void)::ppoll(&fd, 1, &timeout, nullptr);
}

std::expected<RunReport, std::string> Generator::run() {
  wire_buffers();
  // ppoll's timeouts are precise to the nanosecond only without the default
  // 50 us timer slack.
  (void)::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  const RunConfig& c = setup_.config;
  start_mono_ = mono_ns();
  // Set when the warm-up ends, at the latest after one timeout.
  send_end_mono_ = std::numeric_limits<std::int64_t>::max();
  // Every pass sends, reads or sleeps until something is due; the loop ends
  // by the clock at the latest at timeout (warm-up) + duration + timeout.
  for (;;) {
    const std::int64_t now_mono = mono_ns();
    const std::int64_t now_real = real_ns();
    tracker_.expire(now_real);
    const bool warm = tracker_.sent() > 0 && tracker_.outstanding() == 0;
    if (warming_up_ &&
        (warm || now_mono - start_mono_ >= static_cast<std::int64_t>(c.timeout_ns))) {
      // Request 0 is answered or timed out (or could not even be sent
      // within the timeout): the run proper starts now.
      warming_up_ = false;
      start_mono_ = now_mono;
      send_end_mono_ = now_mono + static_cast<std::int64_t>(c.duration_ns);
      first_send_mono_ = -1;
    }
    if (sending_ && (tracker_.sent() >= limit_ || now_mono >= send_end_mono_)) {
      sending_ = false;
      drain_end_mono_ = now_mono + static_cast<std::int64_t>(c.timeout_ns);
    }
    if (!sending_ && (tracker_.outstanding() == 0 || now_mono >= drain_end_mono_)) break;
    const std::uint64_t sent_before = tracker_.sent();
    if (const std::uint64_t want = sending_ ? requests_wanted(now_mono) : 0; want > 0) {
      if (auto sent = send_batch(want); !sent) return std::unexpected(sent.error());
    }
    const auto received = receive_batch();
    if (!received) return std::unexpected(received.error());
    if (*received == 0 && tracker_.sent() == sent_before)
      wait(now_mono, next_wake(now_mono, now_real));
  }
  // Read what already arrived (bounded: foreign traffic could go on).
  for (int pass = 0; pass < 64; ++pass) {
    const auto received = receive_batch();
    if (!received) return std::unexpected(received.error());
    if (*received == 0) break;
  }
  RunReport report;
  report.family = setup_.target.family();
  report.mode = c.mode;
  report.window = c.window;
  report.rate = c.rate;
  report.sent = tracker_.sent();
  report.answered = tracker_.answered();
  report.late = tracker_.late();
  report.lost = tracker_.lost();
  report.duplicates = tracker_.duplicates();
  report.faults = faults_;
  report.tx_retries = tx_retries_;
  report.send_ns =
      first_send_mono_ < 0 ? 0 : static_cast<std::uint64_t>(last_send_end_mono_ - first_send_mono_);
  report.rtt = summarize_rtts(tracker_.rtts());
  return report;
}

}  // namespace pong::bench
