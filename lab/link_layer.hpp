// Where the IPv4 header starts in a captured frame. `tcpdump -x` and -X
// print from the IP header; `-xx`, `-XX` and Wireshark include the link
// layer: Ethernet (with or without an 802.1Q tag) or, for `tcpdump -i any`,
// Linux's cooked header, version 1 or 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>

#include "lab_error.hpp"

namespace pong::lab {

enum class LinkKind {
  kNone,          // the bytes start with the IPv4 header
  kEthernet,      // 14 bytes, EtherType 0x0800 at offset 12
  kEthernetVlan,  // 18 bytes, 802.1Q tag 0x8100 at 12, EtherType at 16
  kLinuxCooked,   // 16 bytes (DLT_LINUX_SLL), protocol at offset 14
  kLinuxCooked2,  // 20 bytes (DLT_LINUX_SLL2), protocol at offset 0
};

struct LinkLayer {
  LinkKind kind = LinkKind::kNone;
  std::size_t length = 0;  // bytes before the IPv4 header
  std::string summary;     // one line for the decode; empty for kNone
};

// Picks the reading under which an IPv4 header fits the bytes (version 4,
// IHL >= 5, lengths inside the frame), preferring one whose header checksum
// is right, in this order: none, Ethernet, 802.1Q, cooked, cooked v2. When
// no reading fits, the one whose type field says IPv4 is returned, so that
// decoding can say what is wrong with that header; failing that, an error
// names what the frame seems to be.
std::expected<LinkLayer, LabError> find_ipv4_header(std::span<const std::uint8_t> frame);

}  // namespace pong::lab
