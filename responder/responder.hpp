// The responder: one raw socket per family, a batch of receive buffers,
// and the loop that reads up to a batch of requests (Options::batch) with one recvmmsg(2),
// plans each reply (reply_plan) and sends them all with one sendmmsg(2).
//
// The loop is written once, as a template over a family policy
// (Ipv4Family, Ipv6Family) that supplies the socket address type, the
// socket set-up and how to plan a reply from what a read gave. Polling the
// sockets and the signals is service.hpp's.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "anycast.hpp"
#include "control_messages.hpp"
#include "counters.hpp"
#include "policy/admission.hpp"
#include "reply_plan.hpp"
#include "request_log.hpp"
#include "sys/unique_fd.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

inline constexpr std::size_t kDefaultBatch = 32;
inline constexpr std::size_t kMaxBatch = 256;

struct Options {
  wire::EchoPolicy policy{};
  // Reads the policy again (the kernel reads its echo sysctls per packet);
  // called at most once a second, before a batch. Empty: keep `policy`.
  std::function<wire::EchoPolicy()> read_policy;
  // Who is answered and how often (ACL, rate limits), shared by the
  // families; nothing is limited when absent or inactive.
  policy::Admission* admission = nullptr;
  // The per-request log line, shared by the families; none when absent.
  RequestLog* request_log = nullptr;
  // Datagrams read by one recvmmsg(2) and replies sent by one sendmmsg(2),
  // 1 to kMaxBatch. BENCHMARKS.md gives the measurement behind the default.
  std::size_t batch = kDefaultBatch;
  // --busy-poll: asks the kernel to busy-poll the device for this long
  // (SO_BUSY_POLL, SO_PREFER_BUSY_POLL) where its driver can; the service
  // loop spins in user space either way (ServiceOptions::busy_poll).
  std::chrono::microseconds busy_poll{0};
};

// What one family's engine shows the service loop.
class BatchServer {
 public:
  virtual ~BatchServer() = default;
  virtual int fd() const = 0;
  // Reads and answers what is queued; an error is fatal (the socket broke).
  virtual std::expected<void, std::string> serve_batch() = 0;
  virtual const Counters& counters() const = 0;
  virtual std::string_view family_name() const = 0;
  virtual wire::IpFamily family() const = 0;
};

// IPv4: a raw ICMP socket reads whole datagrams, IP header and options
// included; IP_PKTINFO gives the specific destination, IP_RETOPTS the
// options to echo.
struct Ipv4Family {
  static constexpr std::string_view kName = "IPv4";
  static constexpr wire::IpFamily kFamily = wire::IpFamily::kIpv4;
  using SocketAddress = sockaddr_in;
  // Any IPv4 datagram fits: the total length field is 16 bits.
  static constexpr std::size_t kReadCapacity = 65535;
  struct State {};

  static std::expected<sys::UniqueFd, std::string> open_socket();
  // The datagram's source, as the socket read it.
  static wire::IpAddress source_of(const SocketAddress& peer);
  static std::expected<ReplyPlan, wire::DropReason> plan(std::span<std::uint8_t> bytes,
                                                         const SocketAddress& peer,
                                                         const msghdr& header,
                                                         const wire::EchoPolicy& policy,
                                                         State& state);
};

// IPv6: a raw ICMPv6 socket reads the ICMPv6 message only (RFC 3542 3);
// msg_name gives the source, IPV6_PKTINFO the destination and interface,
// IPV6_TCLASS the traffic class.
struct Ipv6Family {
  static constexpr std::string_view kName = "IPv6";
  static constexpr wire::IpFamily kFamily = wire::IpFamily::kIpv6;
  using SocketAddress = sockaddr_in6;
  // The largest ICMPv6 message without a jumbogram: a 16-bit payload length.
  static constexpr std::size_t kReadCapacity = 65535;
  struct State {
    AnycastRefresher anycast;
  };

  static std::expected<sys::UniqueFd, std::string> open_socket();
  // The datagram's source, as the socket read it.
  static wire::IpAddress source_of(const SocketAddress& peer);
  static std::expected<ReplyPlan, wire::DropReason> plan(std::span<std::uint8_t> bytes,
                                                         const SocketAddress& peer,
                                                         const msghdr& header,
                                                         const wire::EchoPolicy& policy,
                                                         State& state);
};

template <class Family>
class Responder final : public BatchServer {
 public:
  // Opens and configures the socket. Needs CAP_NET_RAW.
  static std::expected<std::unique_ptr<Responder>, std::string> open(const Options& options);

  int fd() const override { return socket_.get(); }
  std::expected<void, std::string> serve_batch() override;
  const Counters& counters() const override { return counters_; }
  std::string_view family_name() const override { return Family::kName; }
  wire::IpFamily family() const override { return Family::kFamily; }

  static constexpr std::size_t kControlCapacity = 256;

 private:
  Responder(sys::UniqueFd socket, const Options& options);

  void refresh_policy_if_stale();
  void prepare_receive_headers();
  // Plans the reply to datagram i of the batch into send slot j; false
  // when it is dropped (and counted).
  bool plan_reply(std::size_t i, std::size_t j, policy::Nanoseconds now);
  bool needs_clock() const;
  bool logs_requests() const;
  void count_drop(std::size_t i, std::size_t size, wire::DropReason reason,
                  const wire::EchoReply* refused, policy::Nanoseconds now);
  void send_replies(unsigned count);

  struct Slot {
    std::array<std::uint8_t, Family::kReadCapacity> datagram;
    alignas(cmsghdr) std::array<std::uint8_t, kControlCapacity> receive_control;
    alignas(cmsghdr) std::array<std::uint8_t, kReplyControlCapacity> send_control;
  };

  sys::UniqueFd socket_;
  Options options_;
  Counters counters_;
  typename Family::State state_{};
  std::chrono::steady_clock::time_point next_policy_read_{};
  std::size_t batch_;
  // `batch_` slots, allocated once and not touched until a datagram fills
  // one: the memory a slot's datagram never reaches is never resident.
  std::unique_ptr<Slot[]> slots_;
  std::array<mmsghdr, kMaxBatch> receive_headers_{};
  std::array<iovec, kMaxBatch> receive_iov_{};
  // The requests' sources, which are the replies' destinations as read.
  std::array<typename Family::SocketAddress, kMaxBatch> peers_{};
  std::array<mmsghdr, kMaxBatch> send_headers_{};
  std::array<iovec, kMaxBatch> send_iov_{};
};

extern template class Responder<Ipv4Family>;
extern template class Responder<Ipv6Family>;

}  // namespace pong::responder
