// Test helper: sends one ICMP message, given as hex, to an IPv4 address
// through a raw socket (the kernel adds the IP header). Used to hand pong
// packets no well-behaved client would send.
//   send_icmp 10.0.0.3 0800ffff00010001
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: send_icmp IPV4-ADDRESS HEX\n");
    return 2;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    std::fprintf(stderr, "send_icmp: '%s' is not an IPv4 address\n", argv[1]);
    return 2;
  }
  const std::string hex = argv[2];
  if (hex.size() % 2 != 0) {
    std::fprintf(stderr, "send_icmp: odd number of hex digits\n");
    return 2;
  }
  std::vector<unsigned char> bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<unsigned char>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  const int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (fd < 0) {
    std::perror("send_icmp: socket");
    return 2;
  }
  if (sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
    std::perror("send_icmp: sendto");
    return 1;
  }
  close(fd);
  return 0;
}
