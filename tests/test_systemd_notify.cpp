// systemd notifications: the schedule with the time passed in, and the real
// datagrams sd_notify() sends to a socket bound here as NOTIFY_SOCKET.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "sys/systemd_notify.hpp"
#include "sys/unique_fd.hpp"

namespace pong::sys {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Due = NotifySchedule::Due;

constexpr Nanoseconds kT0 = seconds{1000};

// --- NotifySchedule: pure, the time passed in ------------------------------

TEST(NotifySchedule, NothingPeriodicIsNeverDue) {
  NotifySchedule schedule;
  schedule.start(kT0);
  EXPECT_FALSE(schedule.due(kT0 + seconds{3600}));
  EXPECT_EQ(schedule.wake_interval(), std::nullopt);
  EXPECT_EQ(schedule.next_due(), std::nullopt);
}

TEST(NotifySchedule, NothingIsDueBeforeStart) {
  const NotifySchedule schedule(seconds{10}, seconds{5});
  EXPECT_FALSE(schedule.due(kT0 + seconds{3600}));
  EXPECT_EQ(schedule.next_due(), std::nullopt);
  // The interval is known before start: the loop needs it to set up.
  EXPECT_EQ(schedule.wake_interval(), milliseconds{2500});
}

TEST(NotifySchedule, PingsAtHalfTheWatchdogIntervalAndStatusAtItsOwn) {
  NotifySchedule schedule(seconds{4}, seconds{5});
  EXPECT_EQ(schedule.ping_interval(), seconds{2});
  schedule.start(kT0);
  EXPECT_EQ(schedule.due(kT0), Due{});
  EXPECT_EQ(schedule.due(kT0 + seconds{2} - Nanoseconds{1}), Due{});
  EXPECT_EQ(schedule.due(kT0 + seconds{2}), (Due{.watchdog = true, .status = false}));
  EXPECT_EQ(schedule.next_due(), kT0 + seconds{2});
  schedule.sent({.watchdog = true, .status = false}, kT0 + seconds{2});
  EXPECT_EQ(schedule.due(kT0 + seconds{3}), Due{});
  EXPECT_EQ(schedule.next_due(), kT0 + seconds{4});
  schedule.sent({.watchdog = true, .status = false}, kT0 + seconds{4});
  // 5 s: the status is due, the next ping only at 6 s.
  EXPECT_EQ(schedule.due(kT0 + seconds{5}), (Due{.watchdog = false, .status = true}));
  // 6 s, with the status not yet sent: both.
  EXPECT_EQ(schedule.due(kT0 + seconds{6}), (Due{.watchdog = true, .status = true}));
  schedule.sent({.watchdog = true, .status = true}, kT0 + seconds{6});
  EXPECT_EQ(schedule.due(kT0 + seconds{8}), (Due{.watchdog = true, .status = false}));
  EXPECT_EQ(schedule.due(kT0 + seconds{11}), (Due{.watchdog = true, .status = true}));
}

TEST(NotifySchedule, ALatePingCountsFromWhenItWasSent) {
  NotifySchedule schedule(seconds{10}, Nanoseconds{0});
  schedule.start(kT0);
  // Due at 5 s, sent at 7 s: the next is due at 12 s, not 10 s.
  schedule.sent({.watchdog = true, .status = false}, kT0 + seconds{7});
  EXPECT_FALSE(schedule.due(kT0 + seconds{12} - Nanoseconds{1}));
  EXPECT_TRUE(schedule.due(kT0 + seconds{12}).watchdog);
  EXPECT_FALSE(schedule.due(kT0 + seconds{3600}).status);
}

TEST(NotifySchedule, StopEndsIt) {
  NotifySchedule schedule(seconds{10}, seconds{5});
  schedule.start(kT0);
  schedule.stop();
  EXPECT_FALSE(schedule.due(kT0 + seconds{3600}));
  EXPECT_EQ(schedule.next_due(), std::nullopt);
}

TEST(NotifySchedule, WakeIntervalIsAQuarterOfTheWatchdogAndAtMostTheStatusInterval) {
  EXPECT_EQ(NotifySchedule(seconds{10}, seconds{5}).wake_interval(), milliseconds{2500});
  EXPECT_EQ(NotifySchedule(seconds{1}, seconds{5}).wake_interval(), milliseconds{250});
  EXPECT_EQ(NotifySchedule(seconds{60}, seconds{5}).wake_interval(), seconds{5});
  EXPECT_EQ(NotifySchedule(Nanoseconds{0}, seconds{5}).wake_interval(), seconds{5});
  EXPECT_EQ(NotifySchedule(seconds{60}, Nanoseconds{0}).wake_interval(), seconds{15});
  // Rounded down to milliseconds, never 0 (a poll(2) that never sleeps).
  EXPECT_EQ(NotifySchedule(Nanoseconds{1'001'000}, seconds{5}).wake_interval(), milliseconds{1});
  EXPECT_EQ(NotifySchedule(std::chrono::microseconds{2}, seconds{5}).wake_interval(),
            milliseconds{1});
}

// A loop that checks only when poll(2) times out, at the wake interval,
// starting at any phase: the pings are never further apart than three
// quarters of the watchdog interval, and the status lines than the status
// interval plus one wake-up.
TEST(NotifySchedule, AnIdleLoopWakingAtTheWakeIntervalPingsInTime) {
  for (const Nanoseconds watchdog :
       {Nanoseconds{milliseconds{7}}, Nanoseconds{seconds{1}}, Nanoseconds{seconds{3}},
        Nanoseconds{seconds{10}}, Nanoseconds{seconds{180}}}) {
    for (const Nanoseconds phase :
         {Nanoseconds{0}, Nanoseconds{milliseconds{1}} / 3, Nanoseconds{milliseconds{999}}}) {
      NotifySchedule schedule(watchdog, seconds{5});
      const Nanoseconds wake = *schedule.wake_interval();
      schedule.start(kT0);
      Nanoseconds last_ping = kT0;
      Nanoseconds last_status = kT0;
      Nanoseconds longest_ping_gap{};
      Nanoseconds longest_status_gap{};
      for (Nanoseconds now = kT0 + phase % wake; now < kT0 + seconds{600}; now += wake) {
        const Due due = schedule.due(now);
        if (due.watchdog) {
          longest_ping_gap = std::max(longest_ping_gap, now - last_ping);
          last_ping = now;
        }
        if (due.status) {
          longest_status_gap = std::max(longest_status_gap, now - last_status);
          last_status = now;
        }
        schedule.sent(due, now);
      }
      EXPECT_LE(longest_ping_gap, watchdog * 3 / 4) << "watchdog " << watchdog.count() << " ns";
      EXPECT_GE(longest_ping_gap, watchdog / 2) << "watchdog " << watchdog.count() << " ns";
      EXPECT_LE(longest_status_gap, seconds{5} + wake);
    }
  }
}

// --- SystemdNotifier: real datagrams ----------------------------------------

// An AF_UNIX datagram socket bound at a path in a directory of its own, or
// at an abstract name ("@..."), as systemd's notify socket is. Each datagram
// comes with its sender's credentials (SO_PASSCRED, as systemd asks too).
class NotifySocket {
 public:
  struct Datagram {
    std::string text;
    pid_t pid = 0;
  };

  explicit NotifySocket(bool abstract) {
    fd_ = UniqueFd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd_.valid()) return;
    const int on = 1;
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (abstract) {
      name_ = "@pong-test-systemd-notify-" + std::to_string(::getpid());
    } else {
      std::string dir = (std::filesystem::temp_directory_path() / "pong-notify-XXXXXX").string();
      if (::mkdtemp(dir.data()) == nullptr) return;
      dir_ = dir;
      name_ = dir + "/notify";
    }
    if (name_.size() >= sizeof address.sun_path) return;
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (abstract) address.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    bound_ = ::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0;
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  bool bound() const { return bound_; }
  // What NOTIFY_SOCKET says: the path, or "@" and the abstract name.
  const std::string& name() const { return name_; }

  // The next datagram, waiting up to `timeout`; empty if none came.
  std::optional<Datagram> next(milliseconds timeout = milliseconds{2000}) {
    pollfd pfd{fd_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    std::array<char, 4096> buffer{};
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(ucred))> control{};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const ssize_t n = ::recvmsg(fd_.get(), &message, MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    Datagram datagram{std::string(buffer.data(), static_cast<std::size_t>(n)), 0};
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred credentials{};
        std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
        datagram.pid = credentials.pid;
      }
    }
    return datagram;
  }
  std::optional<std::string> next_text() {
    auto datagram = next();
    if (!datagram) return std::nullopt;
    return std::move(datagram->text);
  }
  // True when nothing comes within a short wait.
  bool silent() { return !next(milliseconds{100}); }

 private:
  UniqueFd fd_;
  std::string dir_;
  std::string name_;
  bool bound_ = false;
};

// Each test starts from an environment without systemd's variables (as if
// pong were started from a shell, even when the tests run under systemd)
// and puts back what it found.
class SystemdNotifierTest : public ::testing::Test {
 protected:
  static constexpr std::array kVariables = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"};

  void SetUp() override {
    for (std::size_t i = 0; i < kVariables.size(); ++i) {
      if (const char* value = std::getenv(kVariables[i])) saved_[i] = value;
      ::unsetenv(kVariables[i]);
    }
  }
  void TearDown() override {
    for (std::size_t i = 0; i < kVariables.size(); ++i) {
      if (saved_[i]) {
        ::setenv(kVariables[i], saved_[i]->c_str(), 1);
      } else {
        ::unsetenv(kVariables[i]);
      }
    }
  }
  static void set(const char* name, const std::string& value) {
    ASSERT_EQ(::setenv(name, value.c_str(), 1), 0);
  }

 private:
  std::array<std::optional<std::string>, kVariables.size()> saved_;
};

TEST_F(SystemdNotifierTest, WithoutNotifySocketItIsInactiveAndSendsNothing) {
  const SystemdNotifier constructed;
  EXPECT_FALSE(constructed.active());
  auto notifier = SystemdNotifier::from_environment();
  EXPECT_FALSE(notifier.active());
  EXPECT_EQ(notifier.watchdog_interval(), Nanoseconds{0});
  EXPECT_EQ(notifier.wake_interval(), std::nullopt);  // pong sleeps as it always did
  // Even a NOTIFY_SOCKET set afterwards is not used: the environment is
  // read once.
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name());
  set("WATCHDOG_USEC", "1000000");
  EXPECT_TRUE(notifier.ready("serving", kT0));
  EXPECT_TRUE(notifier.status("counters", kT0 + seconds{1}));
  EXPECT_TRUE(notifier.ping(kT0 + seconds{1}));
  EXPECT_FALSE(notifier.due(kT0 + seconds{3600}));
  bool called = false;
  EXPECT_TRUE(notifier.send_due(kT0 + seconds{3600}, [&] {
    called = true;
    return std::string("counters");
  }));
  EXPECT_FALSE(called);
  EXPECT_TRUE(notifier.stopping("stopping"));
  EXPECT_TRUE(socket.silent());
}

TEST_F(SystemdNotifierTest, AnEmptyNotifySocketIsNoSystemd) {
  set("NOTIFY_SOCKET", "");
  EXPECT_FALSE(SystemdNotifier::from_environment().active());
}

TEST_F(SystemdNotifierTest, ReadyStatusAndStoppingAtAPath) {
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name());
  auto notifier = SystemdNotifier::from_environment();
  ASSERT_TRUE(notifier.active());
  EXPECT_EQ(notifier.watchdog_interval(), Nanoseconds{0});
  // No watchdog: a status every 5 s is all that wakes the loop.
  EXPECT_EQ(notifier.wake_interval(), seconds{5});

  ASSERT_TRUE(notifier.ready("IPv4: 0 received, 0 answered", kT0));
  const auto ready = socket.next();
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->text, "READY=1\nSTATUS=IPv4: 0 received, 0 answered");
  EXPECT_EQ(ready->pid, ::getpid());  // the main process: NotifyAccess=main accepts it

  ASSERT_TRUE(notifier.status("IPv4: 3 received, 3 answered", kT0 + seconds{1}));
  EXPECT_EQ(socket.next_text(), "STATUS=IPv4: 3 received, 3 answered");
  // Without a watchdog there is nothing to ping.
  ASSERT_TRUE(notifier.ping(kT0 + seconds{2}));
  EXPECT_TRUE(socket.silent());

  // The status just sent at 1 s: the next is due at 6 s.
  EXPECT_FALSE(notifier.due(kT0 + seconds{6} - Nanoseconds{1}));
  ASSERT_TRUE(notifier.due(kT0 + seconds{6}));
  EXPECT_FALSE(notifier.watchdog_due(kT0 + seconds{6}));
  ASSERT_TRUE(notifier.send_due(kT0 + seconds{6}, [] { return "IPv4: 5 received, 5 answered"; }));
  EXPECT_EQ(socket.next_text(), "STATUS=IPv4: 5 received, 5 answered");

  ASSERT_TRUE(notifier.stopping("received TERM, shutting down"));
  EXPECT_EQ(socket.next_text(), "STOPPING=1\nSTATUS=received TERM, shutting down");
  EXPECT_FALSE(notifier.due(kT0 + seconds{3600}));
  ASSERT_TRUE(notifier.stopping(""));
  EXPECT_EQ(socket.next_text(), "STOPPING=1");
  EXPECT_TRUE(socket.silent());
  // The environment is left as it was.
  ASSERT_NE(std::getenv("NOTIFY_SOCKET"), nullptr);
  EXPECT_EQ(std::string(std::getenv("NOTIFY_SOCKET")), socket.name());
}

TEST_F(SystemdNotifierTest, AnAbstractSocketName) {
  NotifySocket socket(true);
  ASSERT_TRUE(socket.bound());
  ASSERT_EQ(socket.name().front(), '@');
  set("NOTIFY_SOCKET", socket.name());
  auto notifier = SystemdNotifier::from_environment();
  ASSERT_TRUE(notifier.active());
  ASSERT_TRUE(notifier.ready("serving", kT0));
  EXPECT_EQ(socket.next_text(), "READY=1\nSTATUS=serving");
}

TEST_F(SystemdNotifierTest, WatchdogPingsFromThePacketLoop) {
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name());
  set("WATCHDOG_USEC", "1000000");  // WATCHDOG_PID unset: meant for whoever reads it
  auto notifier = SystemdNotifier::from_environment();
  ASSERT_TRUE(notifier.active());
  EXPECT_EQ(notifier.watchdog_interval(), seconds{1});
  EXPECT_EQ(notifier.wake_interval(), milliseconds{250});
  // Nothing is due before ready().
  EXPECT_FALSE(notifier.due(kT0 + seconds{3600}));

  ASSERT_TRUE(notifier.ready("serving", kT0));
  EXPECT_EQ(socket.next_text(), "READY=1\nWATCHDOG=1\nSTATUS=serving");

  int statuses = 0;
  const auto make_status = [&statuses] {
    ++statuses;
    return std::string("IPv4: 1 received, 1 answered");
  };
  // Not due yet: no system call, no datagram.
  EXPECT_FALSE(notifier.due(kT0 + milliseconds{499}));
  ASSERT_TRUE(notifier.send_due(kT0 + milliseconds{499}, make_status));
  EXPECT_TRUE(socket.silent());
  // Half the interval: a ping, and no status made for it.
  ASSERT_TRUE(notifier.watchdog_due(kT0 + milliseconds{500}));
  ASSERT_TRUE(notifier.send_due(kT0 + milliseconds{500}, make_status));
  EXPECT_EQ(socket.next_text(), "WATCHDOG=1");
  EXPECT_EQ(statuses, 0);
  ASSERT_TRUE(notifier.ping(kT0 + milliseconds{800}));
  EXPECT_EQ(socket.next_text(), "WATCHDOG=1");
  // 5 s: both at once, in one datagram.
  ASSERT_TRUE(notifier.send_due(kT0 + seconds{5}, make_status));
  EXPECT_EQ(socket.next_text(), "WATCHDOG=1\nSTATUS=IPv4: 1 received, 1 answered");
  EXPECT_EQ(statuses, 1);
  EXPECT_TRUE(socket.silent());
}

TEST_F(SystemdNotifierTest, TheWatchdogIsForTheProcessWatchdogPidNames) {
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name());
  set("WATCHDOG_USEC", "3000000");
  set("WATCHDOG_PID", std::to_string(::getpid()));
  EXPECT_EQ(SystemdNotifier::from_environment().watchdog_interval(), seconds{3});
  set("WATCHDOG_PID", std::to_string(::getppid()));
  const auto other = SystemdNotifier::from_environment();
  EXPECT_TRUE(other.active());
  EXPECT_EQ(other.watchdog_interval(), Nanoseconds{0});
  set("WATCHDOG_PID", "1");
  set("WATCHDOG_USEC", "not a number");
  EXPECT_EQ(SystemdNotifier::from_environment().watchdog_interval(), Nanoseconds{0});
}

// --take-over: systemd started the monitor (WATCHDOG_PID), the serving
// process is its child. The notifier read in the monitor and copied by
// fork() pings from the child; one read in the child would have no
// watchdog.
TEST_F(SystemdNotifierTest, AForkedServingProcessPingsWithTheMonitorsNotifier) {
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name());
  set("WATCHDOG_USEC", "2000000");
  set("WATCHDOG_PID", std::to_string(::getpid()));
  auto notifier = SystemdNotifier::from_environment();
  ASSERT_EQ(notifier.watchdog_interval(), seconds{2});
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool own_has_none = SystemdNotifier::from_environment().watchdog_interval().count() == 0;
    const bool ready = notifier.ready("serving", kT0).has_value();
    const bool pinged = notifier.send_due(kT0 + seconds{1}, [] { return ""; }).has_value();
    ::_exit(own_has_none && ready && pinged ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const auto ready = socket.next();
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->text, "READY=1\nWATCHDOG=1\nSTATUS=serving");
  EXPECT_EQ(ready->pid, child);  // not the main PID: the unit needs NotifyAccess=all
  EXPECT_EQ(socket.next_text(), "WATCHDOG=1");
}

TEST_F(SystemdNotifierTest, AStatusStaysOneLineAndFitsTheBuffer) {
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name());
  auto notifier = SystemdNotifier::from_environment();
  ASSERT_TRUE(notifier.status("IPv4: 1 received\nIPv6: 2 received", kT0));
  EXPECT_EQ(socket.next_text(), "STATUS=IPv4: 1 received IPv6: 2 received");
  ASSERT_TRUE(notifier.status(std::string(5000, 'x'), kT0));
  const auto cut = socket.next_text();
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->size(), SystemdNotifier::kMaxMessage);
  EXPECT_EQ(*cut, "STATUS=" + std::string(SystemdNotifier::kMaxMessage - 7, 'x'));
}

TEST_F(SystemdNotifierTest, ASocketNobodyListensOnIsAnErrorNotACrash) {
  NotifySocket socket(false);
  ASSERT_TRUE(socket.bound());
  set("NOTIFY_SOCKET", socket.name() + ".gone");
  auto notifier = SystemdNotifier::from_environment();
  ASSERT_TRUE(notifier.active());
  const auto ready = notifier.ready("serving", kT0);
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().find("READY=1"), std::string::npos) << ready.error();
  // The schedule goes on: one failure per period, not one per wake-up.
  EXPECT_FALSE(notifier.due(kT0 + seconds{1}));
  EXPECT_TRUE(notifier.due(kT0 + seconds{5}));
  EXPECT_FALSE(notifier.send_due(kT0 + seconds{5}, [] { return "counters"; }));
  EXPECT_FALSE(notifier.due(kT0 + seconds{6}));
}

}  // namespace
}  // namespace pong::sys
