// The responder's pure parts: the control-message codec, the reply plan,
// and the anycast table, on real bytes and on control messages laid out as
// the kernel lays them out. No sockets.
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <csignal>
#include <cstring>
#include <vector>

#include "admission_setup.hpp"
#include "anycast.hpp"
#include "control_messages.hpp"
#include "monitor.hpp"
#include "packets.hpp"
#include "reply_plan.hpp"
#include "service.hpp"
#include "sys/signal_fd.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::responder {
namespace {

constexpr wire::Ipv6Address kClient{{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
constexpr wire::Ipv6Address kServer{{0xfd, 0, 0, 0x10, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};

// A control buffer and the msghdr recvmsg would have filled in.
struct Received {
  alignas(cmsghdr) std::array<std::uint8_t, 256> control{};
  std::size_t used = 0;
  int flags = 0;

  template <class T>
  void add(int level, int type, const T& value) {
    cmsghdr header{};
    header.cmsg_level = level;
    header.cmsg_type = type;
    header.cmsg_len = CMSG_LEN(sizeof value);
    std::memcpy(control.data() + used, &header, sizeof header);
    std::memcpy(control.data() + used + CMSG_LEN(0), &value, sizeof value);
    used += CMSG_SPACE(sizeof value);
  }
  msghdr header() {
    msghdr h{};
    h.msg_control = control.data();
    h.msg_controllen = used;
    h.msg_flags = flags;
    return h;
  }
};

Received ipv6_arrival(const wire::Ipv6Address& destination, unsigned interface, int tclass) {
  Received r;
  in6_pktinfo info{};
  std::memcpy(&info.ipi6_addr, destination.octets.data(), 16);
  info.ipi6_ifindex = interface;
  r.add(IPPROTO_IPV6, IPV6_PKTINFO, info);
  r.add(IPPROTO_IPV6, IPV6_TCLASS, tclass);
  return r;
}

std::vector<std::uint8_t> captured_icmpv6_request() {
  const auto packet = test::captured_ipv6_request();
  return {packet.begin() + wire::kIpv6HeaderLength, packet.end()};
}

TEST(ControlMessages, ReadsIpv6PacketInfoAndTrafficClass) {
  auto received = ipv6_arrival(kServer, 5, 0xb8);
  const auto control = read_ipv6_control(received.header());
  EXPECT_TRUE(control.has_packet_info);
  EXPECT_EQ(control.destination, kServer);
  EXPECT_EQ(control.interface_index, 5u);
  EXPECT_EQ(control.traffic_class, 0xb8);
}

TEST(ControlMessages, NoControlMessagesMeansNoPacketInfo) {
  Received none;
  EXPECT_FALSE(read_ipv6_control(none.header()).has_packet_info);
  const auto v4 = read_ipv4_control(none.header());
  EXPECT_TRUE(v4.arrival.specific_destination.is_unspecified());
  EXPECT_FALSE(v4.has_reply_options);
}

TEST(ControlMessages, ReadsIpv4SpecificDestinationOptionsAndTruncation) {
  Received received;
  in_pktinfo info{};
  info.ipi_spec_dst.s_addr = htonl(0x0a000003);
  received.add(IPPROTO_IP, IP_PKTINFO, info);
  const std::array<std::uint8_t, 8> options{0x07, 0x07, 0x04, 0, 0, 0, 0, 0x01};
  received.add(IPPROTO_IP, IP_RETOPTS, options);
  received.flags = MSG_CTRUNC;
  const auto control = read_ipv4_control(received.header());
  EXPECT_EQ(control.arrival.specific_destination, (wire::Ipv4Address{{10, 0, 0, 3}}));
  EXPECT_TRUE(control.has_reply_options);
  ASSERT_EQ(control.reply_options.size(), 8u);
  EXPECT_EQ(control.reply_options[0], 0x07);
  EXPECT_TRUE(control.truncated);
}

TEST(ControlMessages, Ipv6ReplyControlReadsBackAsWritten) {
  wire::EchoReply reply{};
  reply.source = kServer;
  reply.interface_index = 9;
  reply.traffic_class = 0x2e;
  Received written;
  written.used = write_reply_control(written.control, reply, {});
  const auto back = read_ipv6_control(written.header());
  EXPECT_TRUE(back.has_packet_info);
  EXPECT_EQ(back.destination, kServer);  // ipi6_addr: the reply's source
  EXPECT_EQ(back.interface_index, 9u);
  EXPECT_EQ(back.traffic_class, 0x2e);
  EXPECT_LE(written.used, kReplyControlCapacity);
}

TEST(ControlMessages, Ipv4ReplyControlCarriesSourceTosAndOptions) {
  wire::EchoReply reply{};
  reply.source = wire::Ipv4Address{{10, 0, 0, 33}};
  reply.traffic_class = 0xb8;
  const std::array<std::uint8_t, 4> options{0x01, 0x01, 0x01, 0x00};
  Received written;
  written.used = write_reply_control(written.control, reply, options);
  EXPECT_LE(written.used, kReplyControlCapacity);
  const auto back = read_ipv4_control(written.header());
  EXPECT_EQ(back.arrival.specific_destination, (wire::Ipv4Address{{10, 0, 0, 33}}));
  EXPECT_TRUE(back.has_reply_options);
  EXPECT_EQ(back.reply_options.size(), 4u);
  // The TOS is there too, as an int.
  msghdr h = written.header();
  bool found_tos = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_TOS) continue;
    int tos = 0;
    std::memcpy(&tos, CMSG_DATA(c), sizeof tos);
    EXPECT_EQ(tos, 0xb8);
    found_tos = true;
  }
  EXPECT_TRUE(found_tos);
}

TEST(ReplyPlan, Ipv4RequestIsAnsweredFromItsSpecificDestination) {
  auto datagram = test::captured_request();
  Ipv4ReceivedControl control;
  control.arrival.specific_destination = {{127, 0, 0, 1}};
  const auto plan = plan_ipv4_reply(datagram, control, {});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->reply.source, (wire::IpAddress{wire::Ipv4Address{{127, 0, 0, 1}}}));
  EXPECT_TRUE(plan->ip_options.empty());
  EXPECT_EQ(plan->reply.message.icmp[0], 0);  // echo reply
}

// The captured request with four NOP options (IHL 6).
std::vector<std::uint8_t> request_with_options() {
  auto bytes = test::captured_request();
  bytes.insert(bytes.begin() + 20, {0x01, 0x01, 0x01, 0x01});
  bytes[0] = 0x46;
  bytes[3] = static_cast<std::uint8_t>(bytes[3] + 4);
  return bytes;
}

TEST(ReplyPlan, Ipv4OptionsTheKernelCouldNotEchoAreNotAnswered) {
  // Linux's icmp_reply() sends nothing when ip_options_echo() fails; the
  // socket shows it as a missing IP_RETOPTS or MSG_CTRUNC.
  auto missing = request_with_options();
  EXPECT_EQ(plan_ipv4_reply(missing, {}, {}).error(), wire::DropReason::kIpOptionsNotEchoable);
  auto truncated = request_with_options();
  Ipv4ReceivedControl control;
  control.has_reply_options = true;
  control.truncated = true;
  EXPECT_EQ(plan_ipv4_reply(truncated, control, {}).error(),
            wire::DropReason::kIpOptionsNotEchoable);
  // Options with nothing to echo: IP_RETOPTS present but empty, answered.
  auto nothing_to_echo = request_with_options();
  control.truncated = false;
  const auto plan = plan_ipv4_reply(nothing_to_echo, control, {});
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->ip_options.empty());
}

TEST(ReplyPlan, Ipv6RequestBecomesTheKernelsReply) {
  auto icmp = captured_icmpv6_request();
  auto received = ipv6_arrival(kServer, 4, 0x01);
  const auto plan = plan_ipv6_reply(icmp, kClient, read_ipv6_control(received.header()), false, {});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->reply.source, wire::IpAddress{kServer});
  EXPECT_EQ(plan->reply.destination, wire::IpAddress{kClient});
  EXPECT_EQ(plan->reply.interface_index, 4u);
  EXPECT_EQ(plan->reply.traffic_class, 0x01);
  const auto kernel = test::captured_ipv6_reply();
  EXPECT_TRUE(
      std::equal(icmp.begin(), icmp.end(), kernel.begin() + wire::kIpv6HeaderLength, kernel.end()));
}

TEST(ReplyPlan, Ipv6WithoutPacketInfoIsDroppedUntouched) {
  auto icmp = captured_icmpv6_request();
  const auto plan = plan_ipv6_reply(icmp, kClient, Ipv6ReceivedControl{}, false, {});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error(), wire::DropReason::kArrivalUnknown);
  EXPECT_EQ(icmp, captured_icmpv6_request());
}

TEST(AnycastAddresses, ParsesProcNetAnycast6) {
  // As Linux prints it: index, name, address, users.
  const auto table = AnycastAddresses::parse(
      "2    eth0            fd000010011300000000000000000000     1\n"
      "2    eth0            fe800000000000000000000000000000     1\n"
      "garbage line\n"
      "3    eth1            not-an-address     1\n");
  EXPECT_EQ(table.size(), 2u);
  wire::Ipv6Address subnet_router{{0xfd, 0, 0, 0x10, 0x01, 0x13}};
  EXPECT_TRUE(table.contains(subnet_router));
  EXPECT_FALSE(table.contains(kServer));
  EXPECT_EQ(AnycastAddresses::parse("").size(), 0u);
}

TEST(AnycastAddresses, StaysWithinItsFixedCapacity) {
  std::string text;
  for (std::size_t i = 0; i < AnycastAddresses::kCapacity + 10; ++i) {
    text += fmt::format("2 eth0 fd00000000000000000000000000{:04x} 1\n", i);
  }
  const auto table = AnycastAddresses::parse(text);
  EXPECT_EQ(table.size(), AnycastAddresses::kCapacity);
  EXPECT_TRUE(table.full());
  EXPECT_FALSE(AnycastAddresses::parse("2 eth0 fd000000000000000000000000000001 1\n").full());
}

// A family engine whose "socket" is an eventfd: readable while a count is
// pending, and serve_batch() reads it, as a batch of datagrams would be.
class FakeServer final : public BatchServer {
 public:
  FakeServer() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~FakeServer() override { ::close(fd_); }
  void queue() const {
    const std::uint64_t one = 1;
    ASSERT_EQ(::write(fd_, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  }
  int fd() const override { return fd_; }
  std::expected<void, std::string> serve_batch() override {
    std::uint64_t count = 0;
    if (::read(fd_, &count, sizeof count) == static_cast<ssize_t>(sizeof count)) batches += count;
    return {};
  }
  const Counters& counters() const override { return counters_; }
  std::string_view family_name() const override { return "fake"; }
  wire::IpFamily family() const override { return wire::IpFamily::kIpv4; }

  std::uint64_t batches = 0;

 private:
  int fd_;
  Counters counters_;
};

TEST(Serve, QueuedDatagramsOfEveryFamilyAreServedBeforeTheStopSignal) {
  auto signals = sys::open_signal_fd({SIGTERM, SIGUSR1});
  ASSERT_TRUE(signals);
  FakeServer v4, v6;
  v4.queue();
  v6.queue();
  // Blocked, so pending: the signalfd is readable with both sockets.
  ASSERT_EQ(::raise(SIGTERM), 0);
  std::array<BatchServer*, 2> servers{&v4, &v6};
  EXPECT_TRUE(serve(servers, signals->get()));
  EXPECT_EQ(v4.batches, 1u);
  EXPECT_EQ(v6.batches, 1u);
}

TEST(Serve, Sigusr1KeepsServing) {
  auto signals = sys::open_signal_fd({SIGTERM, SIGUSR1});
  ASSERT_TRUE(signals);
  FakeServer only;
  ASSERT_EQ(::raise(SIGUSR1), 0);
  only.queue();
  // SIGUSR1 is handled (the counters logged) and serving goes on; the
  // SIGTERM that follows ends it.
  ASSERT_EQ(::raise(SIGTERM), 0);
  std::array<BatchServer*, 1> servers{&only};
  EXPECT_TRUE(serve(servers, signals->get()));
  EXPECT_EQ(only.batches, 1u);
  // Both signals were read: had SIGUSR1 stopped pong, SIGTERM would still
  // be pending on the signalfd.
  pollfd pending{signals->get(), POLLIN, 0};
  EXPECT_EQ(::poll(&pending, 1, 0), 0);
}

TEST(Serve, RefusesNoServersOrMoreThanTwo) {
  FakeServer a, b, c;
  std::array<BatchServer*, 3> three{&a, &b, &c};
  EXPECT_FALSE(serve(three, -1));
  EXPECT_FALSE(serve(std::span<BatchServer* const>{}, -1));
}

TEST(AdmissionSetup, RatesReadAsNumbersPerSecond) {
  EXPECT_EQ(parse_rate("20", "--rate"), 20.0);
  EXPECT_EQ(parse_rate("0.5/s", "--rate"), 0.5);
  EXPECT_EQ(parse_rate("0", "--rate").error(),
            "--rate 0: give replies per second, a number above 0, e.g. 20/s");
  EXPECT_EQ(parse_rate("fast", "--global-rate").error(),
            "--global-rate fast: give replies per second, a number above 0, e.g. 20/s");
}

TEST(AdmissionSetup, RatesNameWhatTheyCount) {
  EXPECT_EQ(parse_rate("none", "--log-rate", "lines").error(),
            "--log-rate none: give lines per second, a number above 0, e.g. 20/s");
}

TEST(AdmissionSetup, DefaultsLimitNothing) {
  const auto config = admission_config({});
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->per_source);
  EXPECT_FALSE(config->global);
  EXPECT_TRUE(config->acl.empty());
}

TEST(AdmissionSetup, BurstDefaultsToASecondsWorth) {
  AdmissionFlags flags;
  flags.rate = "20/s";
  auto config = admission_config(flags);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->per_source->burst, 20.0);
  flags.rate = "0.2";
  EXPECT_EQ(admission_config(flags)->per_source->burst, 1.0);
  flags.burst = 7;
  EXPECT_EQ(admission_config(flags)->per_source->burst, 7.0);
}

TEST(AdmissionSetup, BadRulesAndFilesAreOneSentence) {
  AdmissionFlags flags;
  flags.allow = {"10.0.0.0/33"};
  EXPECT_EQ(admission_config(flags).error(),
            "--allow 10.0.0.0/33: '33' is not a prefix length from 0 to 32");
  flags = {};
  flags.burst = 3;
  EXPECT_EQ(admission_config(flags).error(), "--burst needs --rate");
  flags = {};
  flags.acl_file = "/nonexistent/pong.acl";
  EXPECT_EQ(admission_config(flags).error(),
            "cannot read the ACL file /nonexistent/pong.acl: No such file or directory");
}

// ---- the monitor's report -----------------------------------------------------

TEST(Monitor, SaysHowTheServingProcessEnded) {
  EXPECT_EQ(describe({true, 0, {}}), "exited with status 0");
  EXPECT_EQ(describe({false, SIGKILL, {}}),
            "was killed by SIGKILL (kill -9, or the kernel's OOM killer)");
  EXPECT_EQ(describe({false, SIGSEGV, {}}), "was killed by SIGSEGV");
  EXPECT_EQ(describe({false, SIGSYS, 41}),
            "was stopped by the seccomp filter: it called socket (41), which is not on pong's "
            "allow-list (--no-seccomp turns the filter off, for debugging)");
  // A SIGSYS nobody reported (sent with kill) is just a signal.
  EXPECT_EQ(describe({false, SIGSYS, {}}), "was killed by SIGSYS");
}

TEST(Monitor, PassesOnStopsOrIgnoresEachSignal) {
  for (const int forwarded : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) {
    EXPECT_EQ(monitor_action(forwarded), MonitorAction::kForward) << sigabbrev_np(forwarded);
  }
  // Ctrl-\, and any other signal that would end the monitor by default:
  // the serving process is stopped, and the sysctls restored.
  for (const int stopping : {SIGQUIT, SIGUSR2, SIGALRM, SIGXCPU, SIGPWR, SIGRTMIN, SIGRTMAX}) {
    EXPECT_EQ(monitor_action(stopping), MonitorAction::kStop) << stopping;
  }
  for (const int harmless : {SIGPIPE, SIGTSTP, SIGCONT, SIGWINCH, SIGURG}) {
    EXPECT_EQ(monitor_action(harmless), MonitorAction::kIgnore) << sigabbrev_np(harmless);
  }
}

TEST(Monitor, ExitsWithTheServingProcessStatusAsAShellWould) {
  EXPECT_EQ(exit_status({true, 0, {}}), 0);
  EXPECT_EQ(exit_status({true, 2, {}}), 2);
  EXPECT_EQ(exit_status({false, SIGKILL, {}}), 137);
  EXPECT_EQ(exit_status({false, SIGSYS, 41}), 159);
}

}  // namespace
}  // namespace pong::responder
