// The packet path allocates nothing: requests sent to loopback go through
// Responder::serve_batch (receive, parse, admission, plan, log line, send)
// on a real raw socket while the global operator new counts what the
// serving thread allocates (the log's writer thread formats and writes on
// its own time). A file of its own, because replacing operator new is a
// whole-program choice.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "count_allocations.hpp"
#include "packets.hpp"
#include "policy/admission.hpp"
#include "request_log.hpp"
#include "responder.hpp"
#include "sys/log.hpp"
#include "sys/socket_address.hpp"
#include "sys/sysctl.hpp"
#include "sys/unique_fd.hpp"

namespace pong::responder {
namespace {

using test::allocations_during;

// stdout to /dev/null while pong logs, so the test's output stays readable.
class QuietStdout {
 public:
  QuietStdout() : saved_(::dup(STDOUT_FILENO)) {
    std::fflush(stdout);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::close(null);
  }
  ~QuietStdout() {
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

wire::Ipv6Address ipv6_loopback() {
  wire::Ipv6Address address;
  address.octets[15] = 1;  // ::1
  return address;
}

// Sends `count` copies of `message` (an ICMP or ICMPv6 message) to this
// host's loopback address through a raw socket of `family`.
void send_to_loopback(wire::IpFamily family, const std::vector<std::uint8_t>& message,
                      std::size_t count) {
  const bool v4 = family == wire::IpFamily::kIpv4;
  const int protocol = v4 ? static_cast<int>(IPPROTO_ICMP) : static_cast<int>(IPPROTO_ICMPV6);
  const sys::UniqueFd sender(::socket(sys::address_family(family), SOCK_RAW, protocol));
  ASSERT_TRUE(sender.valid());
  const wire::IpAddress loopback =
      v4 ? wire::IpAddress(wire::Ipv4Address{{127, 0, 0, 1}}) : wire::IpAddress(ipv6_loopback());
  sockaddr_storage to{};
  const socklen_t length = sys::to_sockaddr(sys::Endpoint{loopback}, to);
  for (std::size_t i = 0; i < count; ++i) {
    ASSERT_EQ(::sendto(sender.get(), message.data(), message.size(), 0,
                       static_cast<const sockaddr*>(static_cast<const void*>(&to)), length),
              static_cast<ssize_t>(message.size()));
  }
}

// Serves batches until `target` requests have been read, bounded (100 polls
// of 100 ms at most).
template <class Family>
void serve_until(Responder<Family>& responder, std::uint64_t target) {
  pollfd ready{responder.fd(), POLLIN, 0};
  for (int i = 0; i < 100 && responder.counters().received.value() < target; ++i) {
    if (::poll(&ready, 1, 100) > 0) {
      ASSERT_TRUE(responder.serve_batch());
    }
  }
}

enum class LogMode {
  kCapped,            // --log-rate 5/s, lines written on the serving thread
  kWriterThread,      // every line, handed to the writer thread's queue
  kJsonWriterThread,  // the same with --log-format json and --log-level debug
};

// A real raw socket on loopback (root only), with every per-request part
// on: an allow rule, per-source and global buckets, the request log (with
// a cap, or every line through the writer thread). `message` is what a
// client sends (the ICMP or ICMPv6 message).
template <class Family>
void expect_no_allocation_per_batch(wire::IpFamily family, const std::vector<std::uint8_t>& message,
                                    LogMode log_mode) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for raw sockets";
  const bool json = log_mode == LogMode::kJsonWriterThread;
  sys::setup_logging(json ? spdlog::level::debug : spdlog::level::info,
                     json ? sys::LogFormat::kJson : sys::LogFormat::kText);
  policy::AdmissionConfig config;
  for (const char* everyone : {"0.0.0.0/0", "::/0"}) {
    const auto cidr = policy::Cidr::parse(everyone);
    ASSERT_TRUE(cidr);
    config.acl.allow(*cidr);
  }
  config.per_source = policy::RateLimit{1e6, 1e6};
  config.global = policy::RateLimit{1e6, 1e6};
  config.table_size = 1024;
  policy::Admission admission(config);
  const QuietStdout quiet;
  RequestLog log(true,
                 log_mode == LogMode::kCapped ? policy::LogLimiter(policy::RateLimit{5, 5})
                                              : policy::LogLimiter{},
                 32);
  if (log_mode != LogMode::kCapped) {
    ASSERT_TRUE(log.start_writer(1024));
    ASSERT_TRUE(log.writer_running());
  }
  Options options;
  options.admission = &admission;
  options.request_log = &log;
  auto responder = Responder<Family>::open(options);
  ASSERT_TRUE(responder) << responder.error();

  constexpr std::size_t kRequests = 3 * kDefaultBatch;
  // The first requests may set up what lives for the whole run (stdio's
  // buffer, the rate table's slot, the log's first lines).
  send_to_loopback(family, message, kRequests);
  serve_until(**responder, kRequests);
  send_to_loopback(family, message, kRequests);
  const std::size_t allocations =
      allocations_during([&] { serve_until(**responder, 2 * kRequests); });
  const Counters& counters = (*responder)->counters();
  // Others may ping this host's loopback meanwhile: at least ours were read.
  ASSERT_GE(counters.received.value(), 2 * kRequests);
  EXPECT_GE(counters.answered.value(), 2 * kRequests) << "the requests went all the way to a reply";
  EXPECT_EQ(allocations, 0u) << "heap allocations while serving " << kRequests << " requests";
  if (log_mode != LogMode::kCapped) {
    log.stop_writer();
    EXPECT_GE(log.lines_written() + log.lines_dropped(), 2 * kRequests)
        << "every request was logged";
  }
}

TEST(HotPath, Ipv4BatchAllocatesNothing) {
  const auto datagram = test::captured_request();  // to 127.0.0.1, IP header first
  for (const auto mode : {LogMode::kCapped, LogMode::kWriterThread, LogMode::kJsonWriterThread}) {
    expect_no_allocation_per_batch<Ipv4Family>(
        wire::IpFamily::kIpv4, std::vector<std::uint8_t>(datagram.begin() + 20, datagram.end()),
        mode);
  }
}

TEST(HotPath, Ipv6BatchAllocatesNothing) {
  // A container (the image's build stage) may have no ::1.
  if (sys::read_sysctl_integer("net.ipv6.conf.lo.disable_ipv6").value_or(1) != 0) {
    GTEST_SKIP() << "no IPv6 on loopback here";
  }
  const auto packet = test::captured_ipv6_request();  // the kernel computes the checksum
  for (const auto mode : {LogMode::kCapped, LogMode::kWriterThread, LogMode::kJsonWriterThread}) {
    expect_no_allocation_per_batch<Ipv6Family>(
        wire::IpFamily::kIpv6, std::vector<std::uint8_t>(packet.begin() + 40, packet.end()), mode);
  }
}

TEST(HotPath, TheCounterSeesAnAllocation) {
  // Without this, a broken counter would make the tests above pass.
  // The pointer goes through a volatile, so that the pair is not elided.
  EXPECT_EQ(allocations_during([] {
              int* volatile p = new int(1);
              delete p;
            }),
            1u);
}

}  // namespace
}  // namespace pong::responder
