// The responder: a raw ICMPv4 socket, a batch of receive buffers, and the
// loop that hands each datagram to wire::answer_echo_request and sends the
// replies back in one sendmmsg(2).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "counters.hpp"
#include "sys/unique_fd.hpp"
#include "wire/echo.hpp"

namespace pong::responder {

struct Options {
  wire::EchoPolicy policy{};
  bool log_each_request = true;
  std::size_t payload_preview_bytes = 32;
};

class Responder {
 public:
  // Opens and configures the socket. Needs CAP_NET_RAW.
  static std::expected<std::unique_ptr<Responder>, std::string> open(const Options& options);

  // Serves until SIGINT or SIGTERM (which the caller must have blocked:
  // they arrive through a signalfd). SIGUSR1 logs the counters.
  std::expected<void, std::string> run(int signal_fd);

  const Counters& counters() const { return counters_; }
  void log_counters() const;

  static constexpr std::size_t kBatch = 32;
  // Any IPv4 datagram fits: the total length field is 16 bits.
  static constexpr std::size_t kDatagramCapacity = 65536;
  static constexpr std::size_t kControlCapacity = 256;

 private:
  Responder(sys::UniqueFd socket, const Options& options);

  // Reads up to kBatch datagrams, answers the ones that deserve it.
  std::expected<void, std::string> serve_batch();
  void send_replies(unsigned count);

  struct Slot {
    std::array<std::uint8_t, kDatagramCapacity> datagram;
    alignas(cmsghdr) std::array<std::uint8_t, kControlCapacity> receive_control;
    alignas(cmsghdr) std::array<std::uint8_t, kControlCapacity> send_control;
  };

  sys::UniqueFd socket_;
  Options options_;
  Counters counters_;
  std::unique_ptr<std::array<Slot, kBatch>> slots_;
  std::array<mmsghdr, kBatch> receive_headers_{};
  std::array<iovec, kBatch> receive_iov_{};
  std::array<sockaddr_in, kBatch> peers_{};
  std::array<mmsghdr, kBatch> send_headers_{};
  std::array<iovec, kBatch> send_iov_{};
  std::array<sockaddr_in, kBatch> reply_destinations_{};
};

}  // namespace pong::responder
