// Test helper: sends one ICMP message, given as hex, to an IPv4 address
// through a raw socket (the kernel adds the IP header). Used to hand pong
// packets no well-behaved client would send.
//   send_icmp 10.0.0.3 0800ffff00010001 [IP-OPTIONS-HEX]
// IP-OPTIONS-HEX, if given, goes into the IP header (IP_OPTIONS), e.g.
// 01010101 (four NOPs) or 94040000 (Router Alert).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sys/resolve.hpp"
#include "sys/socket_address.hpp"
#include "text/hex.hpp"

namespace {

bool from_hex(const std::string& hex, std::vector<unsigned char>& out) {
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  return pong::text::decode_hex(hex, out) == hex.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: send_icmp IPV4-ADDRESS HEX [IP-OPTIONS-HEX]\n");
    return 2;
  }
  const auto address = pong::sys::parse_ip_address(argv[1]);
  if (!address || !address->is_ipv4()) {
    std::fprintf(stderr, "send_icmp: '%s' is not an IPv4 address\n", argv[1]);
    return 2;
  }
  sockaddr_storage to{};
  const socklen_t to_length = pong::sys::to_sockaddr({*address}, to);
  std::vector<unsigned char> bytes;
  std::vector<unsigned char> options;
  if (!from_hex(argv[2], bytes) || (argc == 4 && !from_hex(argv[3], options))) {
    std::fprintf(stderr, "send_icmp: give an even number of hex digits\n");
    return 2;
  }
  const int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (fd < 0) {
    std::perror("send_icmp: socket");
    return 2;
  }
  if (!options.empty() && setsockopt(fd, IPPROTO_IP, IP_OPTIONS, options.data(),
                                     static_cast<socklen_t>(options.size())) != 0) {
    std::perror("send_icmp: IP_OPTIONS");
    return 2;
  }
  if (sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), to_length) < 0) {
    std::perror("send_icmp: sendto");
    return 1;
  }
  close(fd);
  return 0;
}
