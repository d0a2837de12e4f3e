// Where the IP header starts in a captured frame, and which IP it is.
// `tcpdump -x` and -X print from the IP header; `-xx`, `-XX` and Wireshark
// include the link layer: Ethernet (untagged, with an 802.1Q tag, or with
// 802.1ad's two) or,
// for `tcpdump -i any`, Linux's cooked header, version 1 or 2. Each says
// IPv4 (EtherType 0x0800) or IPv6 (0x86dd, RFC 2464 3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>

#include "lab_error.hpp"
#include "wire/address.hpp"

namespace pong::lab {

enum class LinkKind {
  kNone,          // the bytes start with the IP header
  kEthernet,      // 14 bytes, EtherType at offset 12
  kEthernetVlan,  // 18 bytes, 802.1Q tag 0x8100 at 12, EtherType at 16
  kEthernetQinQ,  // 22 bytes, 802.1ad: S-tag 0x88a8 (or 0x8100) at 12, C-tag 0x8100 at 16,
                  // EtherType at 20
  kLinuxCooked,   // 16 bytes (DLT_LINUX_SLL), protocol at offset 14
  kLinuxCooked2,  // 20 bytes (DLT_LINUX_SLL2), protocol at offset 0
  kLoopback,      // 4 bytes (DLT_NULL, DLT_LOOP): the BSD loopback's address family
};

struct LinkLayer {
  LinkKind kind = LinkKind::kNone;
  std::size_t length = 0;  // bytes before the IP header
  wire::IpFamily family = wire::IpFamily::kIpv4;
  std::string summary;  // one line for the decode; empty for kNone
};

// Picks the reading under which an IP header fits the bytes, preferring
// one that is confirmed, in this order: none, Ethernet, 802.1Q, 802.1ad,
// cooked, cooked v2. A reading fits when its type field (or, without a link
// layer, the version) names a family and that family's view parses there
// (wire::Ipv4Packet, wire::Ipv6Packet). It is confirmed by a right IPv4
// header checksum, or, since IPv6 has no header checksum (RFC 8200 3), by
// an IPv6 payload length that ends exactly where the frame does. When no
// reading fits, the one whose type field names a family is returned, so
// that decoding can say what is wrong with that header; failing that, an
// error names what the frame seems to be.
std::expected<LinkLayer, LabError> find_ip_header(std::span<const std::uint8_t> frame);

// The link type a capture file declares for all its frames (libpcap's
// DLT_ values; pcap_file.cpp maps them), so that the first header is
// known rather than guessed.
enum class CaptureLinkType {
  kEthernet,           // DLT_EN10MB: Ethernet II, with 802.1Q or 802.1ad tags or none
  kLinuxCooked,        // DLT_LINUX_SLL: tcpdump -i any before 4.99
  kLinuxCooked2,       // DLT_LINUX_SLL2: tcpdump -i any since 4.99
  kRawIp,              // DLT_RAW: the IP header first; its version says which
  kRawIpv4,            // DLT_IPV4
  kRawIpv6,            // DLT_IPV6
  kLoopback,           // DLT_NULL: a 4-byte address family in the capturing host's byte order
  kLoopbackBigEndian,  // DLT_LOOP (OpenBSD): the same family, big-endian
};

// Where the IP header starts in one frame of a capture of `type`. nullopt:
// the frame carries something other than IPv4 or IPv6 (ARP, LLDP), which
// a decoder skips. A frame shorter than its link header is a LabError.
std::expected<std::optional<LinkLayer>, LabError> ip_header_in(CaptureLinkType type,
                                                               std::span<const std::uint8_t> frame);

}  // namespace pong::lab
