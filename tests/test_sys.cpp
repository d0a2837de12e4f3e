// The system layer: payload previews, sysctl paths and the sysctl guard.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "sys/log.hpp"
#include "sys/privileges.hpp"
#include "sys/resolve.hpp"
#include "sys/seccomp_filter.hpp"
#include "sys/socket_address.hpp"
#include "sys/sysctl.hpp"

namespace pong::sys {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

TEST(PayloadPreview, PrintableTextIsShownAsText) {
  const auto data = bytes_of("hello from client");
  EXPECT_EQ(fmt::format("{}", PayloadPreview{data, 32}), "hello from client");
}

TEST(PayloadPreview, BinaryIsShownAsHex) {
  const std::vector<std::uint8_t> data{0x00, 0x01, 0xab, 0x7f};
  EXPECT_EQ(fmt::format("{}", PayloadPreview{data, 32}), "hex:0001ab7f");
}

TEST(PayloadPreview, LongPayloadsAreCutWithTheirLength) {
  const auto text = bytes_of("abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(fmt::format("{}", PayloadPreview{text, 5}), "abcde... (26 bytes)");
  const std::vector<std::uint8_t> binary(56, 0x10);
  EXPECT_EQ(fmt::format("{}", PayloadPreview{binary, 2}), "hex:1010... (56 bytes)");
}

TEST(PayloadPreview, EmptyAndZeroLimit) {
  EXPECT_EQ(fmt::format("{}", PayloadPreview{{}, 32}), "(empty)");
  const auto text = bytes_of("abc");
  EXPECT_EQ(fmt::format("{}", PayloadPreview{text, 0}), "... (3 bytes)");
}

TEST(Ipv4AddressFormat, DottedQuad) {
  EXPECT_EQ(fmt::format("{}", wire::Ipv4Address{{172, 22, 0, 3}}), "172.22.0.3");
}

TEST(Sysctl, PathFromName) {
  EXPECT_EQ(sysctl_path("net.ipv4.icmp_echo_ignore_all"),
            "/proc/sys/net/ipv4/icmp_echo_ignore_all");
}

TEST(Sysctl, ReadsAKnownValueAndReportsAMissingOne) {
  const auto value = read_sysctl("net.ipv4.icmp_echo_ignore_all");
  ASSERT_TRUE(value);
  EXPECT_TRUE(*value == "0" || *value == "1");
  const auto missing = read_sysctl("net.ipv4.no_such_sysctl");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("net.ipv4.no_such_sysctl"), std::string::npos);
}

TEST(ScopedSysctl, WritesNothingWhenTheValueIsAlreadyRight) {
  const auto current = read_sysctl("net.ipv4.icmp_echo_ignore_all");
  ASSERT_TRUE(current);
  auto scoped = ScopedSysctl::set("net.ipv4.icmp_echo_ignore_all", *current);
  ASSERT_TRUE(scoped);
  EXPECT_FALSE(scoped->original().has_value());
}

// RFC 5952 4 and 5, one case per rule.
std::string text_of(const std::string& address) {
  const auto parsed = parse_ip_address(address);
  EXPECT_TRUE(parsed) << address;
  return parsed ? fmt::format("{}", *parsed) : "";
}

TEST(Ipv6Text, Rfc5952CanonicalForm) {
  EXPECT_EQ(text_of("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");  // 4.1, 4.2.1
  EXPECT_EQ(text_of("2001:DB8::AbCd"), "2001:db8::abcd");                        // 4.3
  EXPECT_EQ(text_of("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");            // 4.2.2
  EXPECT_EQ(text_of("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");                     // 4.2.3 longest
  EXPECT_EQ(text_of("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");               // 4.2.3 first
  EXPECT_EQ(text_of("::"), "::");
  EXPECT_EQ(text_of("::1"), "::1");
  EXPECT_EQ(text_of("fe80::"), "fe80::");
  EXPECT_EQ(text_of("fd00:10:113:0::3"), "fd00:10:113::3");
  EXPECT_EQ(text_of("ff02::1"), "ff02::1");
  EXPECT_EQ(text_of("::ffff:192.0.2.1"), "::ffff:192.0.2.1");  // 5
  EXPECT_EQ(text_of("10.0.0.2"), "10.0.0.2");
}

TEST(SocketAddress, RoundTripsBothFamiliesWithScopeAndPort) {
  for (const std::string text : {"192.0.2.7", "fe80::1", "fd00::3"}) {
    const Endpoint in{*parse_ip_address(text), text == "fe80::1" ? 4u : 0u, 4242};
    sockaddr_storage storage;
    const socklen_t length = to_sockaddr(in, storage);
    EXPECT_EQ(storage.ss_family, in.address.is_ipv4() ? AF_INET : AF_INET6);
    EXPECT_EQ(length, in.address.is_ipv4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    const auto out = from_sockaddr(storage, length);
    ASSERT_TRUE(out) << text;
    EXPECT_EQ(out->address, in.address);
    EXPECT_EQ(out->scope_id, in.scope_id);
    EXPECT_EQ(out->port, 4242);
  }
}

TEST(SocketAddress, ShortOrForeignAddressesAreRefused) {
  sockaddr_storage storage;
  const socklen_t length = to_sockaddr({*parse_ip_address("fd00::3")}, storage);
  EXPECT_FALSE(from_sockaddr(storage, length - 1));
  storage.ss_family = AF_UNIX;
  EXPECT_FALSE(from_sockaddr(storage, length));
}

TEST(Resolve, LiteralsAndZones) {
  const auto v4 = resolve_host("10.1.2.3", FamilyChoice::kAny);
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->address.is_ipv4());
  const auto v6 = resolve_host("fd00::3", FamilyChoice::kIpv6Only);
  ASSERT_TRUE(v6);
  EXPECT_EQ(fmt::format("{}", v6->address), "fd00::3");
  // A zone of "lo" is the loopback interface, index 1 in every namespace.
  const auto scoped = resolve_host("fe80::1%lo", FamilyChoice::kAny);
  ASSERT_TRUE(scoped);
  EXPECT_EQ(scoped->scope_id, 1u);
  EXPECT_EQ(resolve_host("fe80::1%nosuchif0", FamilyChoice::kAny).error(),
            "fe80::1%nosuchif0: there is no interface named nosuchif0 (see 'ip link')");
  const auto wrong = resolve_host("fd00::3", FamilyChoice::kIpv4Only);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), "fd00::3 is an IPv6 address, and IPv4 (-4) was asked for");
}

TEST(SysctlInteger, ReadsWithoutAllocatingAndRefusesWhatIsNotThere) {
  // Every network namespace has these, with their kernel defaults or not.
  const auto value = read_sysctl_integer("net.ipv4.icmp_echo_ignore_all");
  ASSERT_TRUE(value);
  EXPECT_TRUE(*value == 0 || *value == 1);
  EXPECT_EQ(read_sysctl_integer("net.ipv4.icmp_echo_ignore_all"),
            std::stol(*read_sysctl("net.ipv4.icmp_echo_ignore_all")));
  EXPECT_FALSE(read_sysctl_integer("net.ipv4.no_such_sysctl"));
  EXPECT_FALSE(read_sysctl_integer(std::string(300, 'x')));
}

// Runs `body` in a forked child (privileges and filters cannot be undone
// in this process) and returns its wait status.
int in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

std::string status_field(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(name + ":")) {
      const auto value = line.find_first_not_of(" \t", name.size() + 1);
      return line.substr(value);
    }
  }
  return "";
}

TEST(Privileges, LooksUpUsersAndRefusesUnknownOnes) {
  const auto root = look_up_user("root");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(look_up_user("no-such-user-here").error(),
            "no user named 'no-such-user-here' on this system (see --user)");
}

TEST(Privileges, DropLeavesNoCapabilityAndNoNewPrivs) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const int status = in_child([] {
    const auto nobody = look_up_user("nobody");
    if (!nobody) return 10;
    const auto dropped = drop_privileges(*nobody);
    if (!dropped || !dropped->bounding_set_emptied) return 10;
    if (::getuid() != nobody->uid || ::geteuid() != nobody->uid || ::getgid() != nobody->gid) {
      return 11;
    }
    for (const char* set : {"CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"}) {
      if (status_field(set) != "0000000000000000") return 12;
    }
    if (status_field("NoNewPrivs") != "1") return 13;
    // Nothing gives root back.
    if (::setuid(0) == 0) return 14;
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Privileges, MonitorKeepsOnlyWhatItIsGiven) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const int status = in_child([] {
    if (!keep_only_capabilities({CAP_NET_ADMIN, CAP_KILL})) return 10;
    // CAP_KILL is bit 5, CAP_NET_ADMIN bit 12; a root without one of them
    // (a container's) keeps fewer.
    constexpr unsigned long kKept = 0x1020;
    for (const char* set : {"CapEff", "CapPrm", "CapBnd"}) {
      if ((std::stoul(status_field(set), nullptr, 16) & ~kKept) != 0) return 11;
    }
    if (status_field("NoNewPrivs") != "1") return 12;
    return ::getuid() == 0 ? 0 : 13;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// The serving loop's calls pass the filter; anything else kills by SIGSYS.
int after_filter(const std::function<int()>& body) {
  return in_child([&body] {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDERR_FILENO);  // the handler's line
    if (!install_serving_filter(-1)) return 11;
    return body();
  });
}

TEST(SeccompFilter, AllowsTheServingLoopsCalls) {
  const int status = after_filter([] {
    std::array<char, 16> buffer{};
    const int fd = ::open("/proc/sys/net/ipv4/icmp_echo_ignore_all", O_RDONLY);
    if (fd < 0 || ::read(fd, buffer.data(), buffer.size()) <= 0) return 20;
    ::close(fd);
    std::vector<char> big(1 << 20);  // malloc's mmap
    big[0] = 1;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return ::getpid() > 0 ? 0 : 21;
  });
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SeccompFilter, KillsOnACallOutsideTheList) {
  const std::vector<std::pair<const char*, std::function<int()>>> forbidden = {
      {"socket", [] { return ::socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 1; }},
      {"open for writing", [] { return ::open("/dev/null", O_WRONLY) >= 0 ? 0 : 1; }},
      {"executable mmap",
       [] {
         void* p = ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
         return p != MAP_FAILED ? 0 : 1;
       }},
      {"execve",
       [] {
         char* const argv[] = {nullptr};
         return ::execve("/bin/true", argv, argv);
       }},
      // A signal to another process: the monitor, or another process of
      // the same user.
      {"tgkill to the parent",
       [] { return static_cast<int>(::syscall(SYS_tgkill, ::getppid(), ::getppid(), 0)); }},
      // A new handler could keep the process alive after a forbidden call.
      {"sigaction", [] { return std::signal(SIGSYS, SIG_IGN) == SIG_ERR ? 1 : 0; }},
  };
  for (const auto& [what, call] : forbidden) {
    const int status = after_filter(call);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) << what;
  }
}

TEST(SeccompFilter, ReportsTheForbiddenCallsNumberOnly) {
  std::array<int, 2> pipe_fds{};
  ASSERT_EQ(::pipe(pipe_fds.data()), 0);
  // A forbidden call: its number is reported.
  const int status = in_child([&pipe_fds] {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
    if (!install_serving_filter(pipe_fds[1])) return 11;
    return ::socket(AF_INET, SOCK_DGRAM, 0) >= 0 ? 0 : 1;
  });
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS);
  int number = -1;
  ASSERT_EQ(::read(pipe_fds[0], &number, sizeof number), static_cast<ssize_t>(sizeof number));
  EXPECT_EQ(number, SYS_socket);

  // A SIGSYS sent with kill(2): the process dies of it, nothing reported.
  std::array<int, 2> ready{};
  ASSERT_EQ(::pipe(ready.data()), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !install_serving_filter(pipe_fds[1])) {
      ::_exit(10);
    }
    (void)::write(ready[1], "r", 1);
    for (;;) ::poll(nullptr, 0, -1);  // allowed, unlike pause(2)
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::kill(pid, SIGSYS);
  int killed = 0;
  ::waitpid(pid, &killed, 0);
  EXPECT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGSYS);
  ::close(pipe_fds[1]);
  EXPECT_EQ(::read(pipe_fds[0], &number, sizeof number), 0) << "reported " << number;
  for (const int fd : {pipe_fds[0], ready[0], ready[1]}) ::close(fd);
}

// The wait status of a child that installs the filter with `needs` and
// then runs `call`: exit 0 when the call was let through (whatever it
// returned), SIGSYS when the filter stopped it.
int after_filter(const SandboxNeeds& needs, const std::function<void()>& call) {
  return in_child([&] {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
    if (!install_serving_filter(-1, needs)) return 11;
    call();
    return 0;
  });
}

bool let_through(int status) {
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
bool stopped(int status) {
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

TEST(SeccompFilter, TheMetricsListenerMaySetSocketLevelOptionsOnly) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for a raw socket";
  // A raw socket opened before the filter, as pong's are.
  const int raw = ::socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  ASSERT_GE(raw, 0);
  const int one = 1;
  const auto set = [raw, &one](int level, int name) {
    (void)::setsockopt(raw, level, name, &one, sizeof one);
  };
  SandboxNeeds listener;
  listener.tcp_listener = true;
  EXPECT_TRUE(stopped(after_filter({}, [&] { set(SOL_SOCKET, SO_KEEPALIVE); })))
      << "without the listener, no socket option at all";
  EXPECT_TRUE(let_through(after_filter(listener, [&] { set(SOL_SOCKET, SO_KEEPALIVE); })));
  EXPECT_TRUE(stopped(after_filter(listener, [&] { set(IPPROTO_IP, IP_HDRINCL); })))
      << "IP_HDRINCL would let a raw socket write whole IP headers";
  EXPECT_TRUE(stopped(after_filter(listener, [&] { (void)::ioctl(raw, FIONREAD, &one); })));
  EXPECT_TRUE(
      let_through(after_filter(listener, [&] { (void)::accept4(raw, nullptr, nullptr, 0); })));
  EXPECT_TRUE(stopped(after_filter({}, [&] { (void)::accept4(raw, nullptr, nullptr, 0); })));
  ::close(raw);
}

TEST(SeccompFilter, TheMetricsFileMayCreateAndRenameButNotOpenForReadingAndWriting) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/pong-seccomp-test." + std::to_string(::getpid());
  SandboxNeeds files;
  files.write_files = true;
  const auto create = [&] { ::close(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644)); };
  EXPECT_TRUE(stopped(after_filter({}, create)));
  EXPECT_TRUE(let_through(after_filter(files, create)));
  EXPECT_TRUE(stopped(after_filter(files, [&] { ::close(::open(path.c_str(), O_RDWR)); })));
  EXPECT_TRUE(
      stopped(after_filter(files, [&] { ::close(::open(path.c_str(), O_WRONLY | O_APPEND)); })));
  EXPECT_TRUE(
      let_through(after_filter(files, [&] { (void)::rename(path.c_str(), path.c_str()); })));
  EXPECT_TRUE(stopped(after_filter({}, [&] { (void)::rename(path.c_str(), path.c_str()); })));
  ::unlink(path.c_str());
}

TEST(SeccompFilter, TheNotifySocketMayBeAUnixSocketOnly) {
  SandboxNeeds notify;
  notify.notify_socket = true;
  const auto unix_socket = [] { ::close(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)); };
  EXPECT_TRUE(stopped(after_filter({}, unix_socket)));
  EXPECT_TRUE(let_through(after_filter(notify, unix_socket)));
  EXPECT_TRUE(stopped(after_filter(notify, [] { ::close(::socket(AF_INET, SOCK_DGRAM, 0)); })));
  EXPECT_TRUE(let_through(after_filter(notify, [] { (void)::getuid(); })));
  EXPECT_TRUE(stopped(after_filter({}, [] { (void)::getuid(); })));
}

TEST(SeccompFilter, NamesSystemCalls) {
  EXPECT_EQ(syscall_name(SYS_socket), fmt::format("socket ({})", SYS_socket));
  EXPECT_EQ(syscall_name(100000), "system call 100000");
}

}  // namespace
}  // namespace pong::sys
