// The socket loop: sends prebuilt Echo Requests through an AF_PACKET socket
// and reads the replies from a raw ICMP socket, closed-loop (a window of
// requests in flight) or open-loop (paced at a fixed rate). Everything the
// loop touches is allocated in open(); run() allocates nothing until it
// returns its report.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "flight_tracker.hpp"
#include "reply_check.hpp"
#include "report.hpp"
#include "request_builder.hpp"
#include "run_config.hpp"
#include "sys/unique_fd.hpp"
#include "text/mac_address.hpp"
#include "wire/address.hpp"

namespace pong::bench {

using text::MacAddress;

struct GeneratorSetup {
  RunConfig config;
  wire::IpAddress source;
  wire::IpAddress target;
  std::string interface_name;
  int interface_index = 0;
  MacAddress next_hop{};
};

class Generator {
 public:
  // Opens and configures both sockets and allocates every buffer and the
  // per-request arrays. Errors are one sentence (a socket failed).
  static std::expected<Generator, std::string> open(const GeneratorSetup& setup);

  // One run, bounded by the duration, the count and then the timeout.
  std::expected<RunReport, std::string> run();

 private:
  Generator(const GeneratorSetup& setup, RequestBuilder builder);

  std::expected<void, std::string> open_sockets();
  void wire_buffers();
  std::uint64_t requests_wanted(std::int64_t now_mono) const;
  std::expected<void, std::string> send_batch(std::uint64_t want);
  std::expected<unsigned, std::string> receive_batch();
  void handle_reply(unsigned i, std::uint64_t sent);
  void wait(std::int64_t now_mono, std::int64_t wake_mono);
  std::int64_t next_wake(std::int64_t now_mono, std::int64_t now_real) const;

  GeneratorSetup setup_;
  RequestBuilder builder_;
  FlightTracker tracker_;
  ReplyExpectation expect_;
  FaultCounts faults_;
  sys::UniqueFd tx_;
  sys::UniqueFd rx_;
  std::uint64_t limit_ = 0;  // requests this run may send

  // TX: one prepared frame per sendmmsg slot.
  std::size_t frame_length_ = 0;
  std::vector<std::uint8_t> tx_frames_;
  std::vector<iovec> tx_iov_;
  std::vector<mmsghdr> tx_msgs_;
  std::vector<std::uint8_t> next_hop_address_;  // a sockaddr_ll
  std::uint64_t tx_retries_ = 0;
  bool tx_blocked_ = false;

  // RX: limits::kReceiveBatch buffers with their names and control data.
  static constexpr std::size_t kReceiveFrame = 2048;
  static constexpr std::size_t kControlBuffer = 64;
  std::vector<std::uint8_t> rx_frames_;
  std::vector<sockaddr_storage> rx_names_;
  std::vector<std::array<std::uint64_t, kControlBuffer / 8>> rx_control_;
  std::vector<iovec> rx_iov_;
  std::vector<mmsghdr> rx_msgs_;

  // The schedule and the send window (CLOCK_MONOTONIC ns).
  std::int64_t start_mono_ = 0;
  std::int64_t first_send_mono_ = -1;
  std::int64_t last_send_end_mono_ = 0;
  // Request 0 goes out alone and the run proper (its duration, the open
  // schedule, the send window) starts once it is answered or timed out:
  // the responder's host resolves this host's link-layer address (ARP,
  // neighbour discovery) on its first reply, and Linux queues only so much
  // meanwhile (unres_qlen_bytes). A burst lost there would be counted
  // against a responder that did nothing wrong.
  bool warming_up_ = true;
  bool sending_ = true;
  std::int64_t send_end_mono_ = 0;
  std::int64_t drain_end_mono_ = 0;
};

}  // namespace pong::bench
