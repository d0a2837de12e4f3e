// A real `ping -6` between two network namespaces, for icmp-lab's tests:
// iputils ping -6 -c 1 fd00:172:22::3 from fd00:172:22::2 (the addresses
// scripts/lib/netns.sh gives prefix 172.22.0, as in the demo), answered by
// pong, captured in the client namespace by two tcpdumps at once:
//
//   tcpdump -n -c 2 -xx -i eth0 'icmp6 and (ip6[40] == 128 or ip6[40] == 129)'
//   tcpdump -n -c 2 -X  -i eth0 'icmp6 and (ip6[40] == 128 or ip6[40] == 129)'
//
// Request: traffic class 0, flow label 0x61f06, payload length 64, next
// header 58, hop limit 64; ICMPv6 type 128, id 18437 (0x4805), seq 1,
// checksum 0x41e8, 56 data bytes (ping's timestamp, then 0x10, 0x11, ...).
// Reply: flow label 0x4f61c (the kernel picks its own), addresses swapped,
// type 129, checksum 0x40e8, the same data.
//
// The checksums by hand (RFC 4443 2.3 over RFC 8200 8.1's pseudo-header):
//   pseudo-header words  fd00 0172 0022 0000 0000 0000 0000 0002   source
//                        fd00 0172 0022 0000 0000 0000 0000 0003   destination
//                        0000 0040                                 length 64
//                        0000 003a                                 next header 58
//   their sum            2 x 0xfd00 + 2 x 0x0172 + 2 x 0x0022 + 2 + 3 + 0x40 + 0x3a
//                        = 0x1fa00 + 0x2e4 + 0x44 + 0x5 + 0x40 + 0x3a = 0x1fda7,
//                        folded 0xfda7 + 0x1 = 0xfda8
//   the message's 32 words with the checksum field 0000 sum to 0x4c06a
//   0x1fda7 + 0x4c06a = 0x6be11 -> 0xbe11 + 0x6 = 0xbe17; ~0xbe17 = 0x41e8
//   the reply: 0x8100 for 0x8000 adds 0x100: 0x6bf11 -> 0xbf17; ~0xbf17 = 0x40e8
//   the message alone, checksum included, sums to 0x0257 = ~0xfda8: what
//   the pseudo-header is missing.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "packets.hpp"
#include "wire/checksum.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::test {

// Both packets as `tcpdump -xx` printed them: Ethernet header included.
inline constexpr std::string_view kPing6TcpdumpXx =
    "04:33:59.887458 IP6 fd00:172:22::2 > fd00:172:22::3: ICMP6, echo request, id 18437, seq 1, "
    "length 64\n"
    "\t0x0000:  f6af b66a 5148 a696 a285 fa60 86dd 6006\n"
    "\t0x0010:  1f06 0040 3a40 fd00 0172 0022 0000 0000\n"
    "\t0x0020:  0000 0000 0002 fd00 0172 0022 0000 0000\n"
    "\t0x0030:  0000 0000 0003 8000 41e8 4805 0001 b79f\n"
    "\t0x0040:  0f6b 0000 0000 658a 0d00 0000 0000 1011\n"
    "\t0x0050:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021\n"
    "\t0x0060:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031\n"
    "\t0x0070:  3233 3435 3637\n"
    "04:33:59.887640 IP6 fd00:172:22::3 > fd00:172:22::2: ICMP6, echo reply, id 18437, seq 1, "
    "length 64\n"
    "\t0x0000:  a696 a285 fa60 f6af b66a 5148 86dd 6004\n"
    "\t0x0010:  f61c 0040 3a40 fd00 0172 0022 0000 0000\n"
    "\t0x0020:  0000 0000 0003 fd00 0172 0022 0000 0000\n"
    "\t0x0030:  0000 0000 0002 8100 40e8 4805 0001 b79f\n"
    "\t0x0040:  0f6b 0000 0000 658a 0d00 0000 0000 1011\n"
    "\t0x0050:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021\n"
    "\t0x0060:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031\n"
    "\t0x0070:  3233 3435 3637\n";

// The same two packets as `tcpdump -X` printed them: from the IPv6 header,
// with the ASCII column.
inline constexpr std::string_view kPing6TcpdumpX =
    "04:33:59.887457 IP6 fd00:172:22::2 > fd00:172:22::3: ICMP6, echo request, id 18437, seq 1, "
    "length 64\n"
    "\t0x0000:  6006 1f06 0040 3a40 fd00 0172 0022 0000  `....@:@...r.\"..\n"
    "\t0x0010:  0000 0000 0000 0002 fd00 0172 0022 0000  ...........r.\"..\n"
    "\t0x0020:  0000 0000 0000 0003 8000 41e8 4805 0001  ..........A.H...\n"
    "\t0x0030:  b79f 0f6b 0000 0000 658a 0d00 0000 0000  ...k....e.......\n"
    "\t0x0040:  1011 1213 1415 1617 1819 1a1b 1c1d 1e1f  ................\n"
    "\t0x0050:  2021 2223 2425 2627 2829 2a2b 2c2d 2e2f  .!\"#$%&'()*+,-./\n"
    "\t0x0060:  3031 3233 3435 3637                      01234567\n"
    "04:33:59.887640 IP6 fd00:172:22::3 > fd00:172:22::2: ICMP6, echo reply, id 18437, seq 1, "
    "length 64\n"
    "\t0x0000:  6004 f61c 0040 3a40 fd00 0172 0022 0000  `....@:@...r.\"..\n"
    "\t0x0010:  0000 0000 0000 0003 fd00 0172 0022 0000  ...........r.\"..\n"
    "\t0x0020:  0000 0000 0000 0002 8100 40e8 4805 0001  ..........@.H...\n"
    "\t0x0030:  b79f 0f6b 0000 0000 658a 0d00 0000 0000  ...k....e.......\n"
    "\t0x0040:  1011 1213 1415 1617 1819 1a1b 1c1d 1e1f  ................\n"
    "\t0x0050:  2021 2223 2425 2627 2829 2a2b 2c2d 2e2f  .!\"#$%&'()*+,-./\n"
    "\t0x0060:  3031 3233 3435 3637                      01234567\n";

// `icmp-lab craft --id 4660 --seq 1 --data 'hello from client' -q`: the
// IPv4 echo request the lab's tests draw.
inline constexpr std::string_view kCraftedRequestHex =
    "4500 002d 0000 4000 4001 e29e ac16 0002 ac16 0003 0800 65bd 1234 0001 6865 6c6c "
    "6f20 6672 6f6d 2063 6c69 656e 74";
// The same with --bad-checksum: 0x65be where 0x65bd is right.
inline constexpr std::string_view kCraftedBadChecksumHex =
    "4500 002d 0000 4000 4001 e29e ac16 0002 ac16 0003 0800 65be 1234 0001 6865 6c6c "
    "6f20 6672 6f6d 2063 6c69 656e 74";

// The request without its Ethernet header, as plain hex.
inline constexpr std::string_view kPing6RequestHex =
    "6006 1f06 0040 3a40 fd00 0172 0022 0000 0000 0000 0000 0002 fd00 0172 0022 0000 "
    "0000 0000 0000 0003 8000 41e8 4805 0001 b79f 0f6b 0000 0000 658a 0d00 0000 0000 "
    "1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f "
    "3031 3233 3435 3637";
// pong's reply to it.
inline constexpr std::string_view kPing6ReplyHex =
    "6004 f61c 0040 3a40 fd00 0172 0022 0000 0000 0000 0000 0003 fd00 0172 0022 0000 "
    "0000 0000 0000 0002 8100 40e8 4805 0001 b79f 0f6b 0000 0000 658a 0d00 0000 0000 "
    "1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f "
    "3031 3233 3435 3637";
// The request's Ethernet header: destination f6:af:b6:6a:51:48 (the
// server), source a6:96:a2:85:fa:60 (the client), EtherType 0x86dd (RFC
// 2464 3).
inline constexpr std::string_view kPing6RequestEthernetHex = "f6af b66a 5148 a696 a285 fa60 86dd";

inline std::vector<std::uint8_t> ping6_request() {
  return from_hex(kPing6RequestHex);
}
inline std::vector<std::uint8_t> ping6_reply() {
  return from_hex(kPing6ReplyHex);
}
inline std::vector<std::uint8_t> ping6_request_frame() {
  auto frame = from_hex(kPing6RequestEthernetHex);
  const auto packet = ping6_request();
  frame.insert(frame.end(), packet.begin(), packet.end());
  return frame;
}

// An IPv4 datagram 10.0.0.1 -> 10.0.0.2 (no options) around `payload`;
// for ICMP (protocol 1) the message's checksum is filled in first.
inline std::vector<std::uint8_t> ipv4_datagram(std::vector<std::uint8_t> payload,
                                               std::uint8_t protocol = 1) {
  if (protocol == 1 && payload.size() >= 4) {
    payload[2] = payload[3] = 0;
    const std::uint16_t c = wire::internet_checksum(payload);
    payload[2] = static_cast<std::uint8_t>(c >> 8);
    payload[3] = static_cast<std::uint8_t>(c);
  }
  wire::Ipv4Repr ip;
  ip.protocol = protocol;
  ip.source = {{10, 0, 0, 1}};
  ip.destination = {{10, 0, 0, 2}};
  ip.payload_length = payload.size();
  std::vector<std::uint8_t> bytes(ip.buffer_length());
  ip.emit(bytes);
  std::copy(payload.begin(), payload.end(), bytes.begin() + 20);
  return bytes;
}

// An IPv6 packet fd00::1 -> fd00::2 around `icmp`, whose checksum is
// filled in over the pseudo-header, or around any other payload.
inline std::vector<std::uint8_t> ipv6_packet(std::vector<std::uint8_t> icmp,
                                             std::uint8_t next_header = 58) {
  wire::Ipv6Repr ip;
  ip.next_header = next_header;
  ip.source.octets = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  ip.destination.octets = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  ip.payload_length = icmp.size();
  std::vector<std::uint8_t> bytes(ip.buffer_length());
  ip.emit(bytes);
  std::copy(icmp.begin(), icmp.end(), bytes.begin() + 40);
  if (next_header == 58 && icmp.size() >= 8) {
    const auto message = *wire::Icmpv6PacketMut::parse(std::span(bytes).subspan(40));
    message.fill_checksum(ip.pseudo_header_sum());
  }
  return bytes;
}

}  // namespace pong::test
