#include "link_layer.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string_view>

#include "wire/bytes.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6.hpp"

namespace pong::lab {
namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;         // IEEE 802.1Q customer tag
constexpr std::uint16_t kEtherTypeServiceVlan = 0x88a8;  // IEEE 802.1ad service tag
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;

// Precondition: offset + 2 <= frame.size().
std::uint16_t be16_at(std::span<const std::uint8_t> frame, std::size_t offset) {
  return wire::load_be16(frame.subspan(offset).first<2>());
}

// The family an EtherType (or cooked protocol field) at `offset` names.
std::optional<wire::IpFamily> family_at(std::span<const std::uint8_t> frame, std::size_t offset) {
  if (frame.size() < offset + 2) return std::nullopt;
  switch (be16_at(frame, offset)) {
    case kEtherTypeIpv4:
      return wire::IpFamily::kIpv4;
    case kEtherTypeIpv6:
      return wire::IpFamily::kIpv6;
    default:
      return std::nullopt;
  }
}

// How many VLAN tags follow the MAC addresses: an 802.1Q tag, or an 802.1ad
// service tag (some switches write it as 0x8100 too) over an 802.1Q one.
// Two at most: in a frame with more, what stands where the EtherType should
// be names neither IPv4 nor IPv6, so a capture file's frame is skipped and
// a pasted one is no IP packet found.
std::size_t vlan_tags(std::span<const std::uint8_t> frame) {
  if (frame.size() < 14) return 0;
  const std::uint16_t outer = be16_at(frame, 12);
  if (outer != kEtherTypeVlan && outer != kEtherTypeServiceVlan) return 0;
  if (frame.size() >= 18 && be16_at(frame, 16) == kEtherTypeVlan) return 2;
  return outer == kEtherTypeVlan ? 1 : 0;
}

// Without a link layer the first nibble is the version (RFC 791, RFC 8200).
std::optional<wire::IpFamily> family_of_version(std::span<const std::uint8_t> frame) {
  if (frame.empty()) return std::nullopt;
  if ((frame[0] >> 4) == 4) return wire::IpFamily::kIpv4;
  if ((frame[0] >> 4) == 6) return wire::IpFamily::kIpv6;
  return std::nullopt;
}

bool fits(std::span<const std::uint8_t> frame, std::size_t offset, wire::IpFamily family) {
  if (frame.size() <= offset) return false;
  const auto ip = frame.subspan(offset);
  if (family == wire::IpFamily::kIpv4) return wire::Ipv4Packet::parse(ip).has_value();
  return wire::Ipv6Packet::parse(ip).has_value();
}

// Precondition: fits(frame, offset, family).
bool confirmed(std::span<const std::uint8_t> frame, std::size_t offset, wire::IpFamily family) {
  const auto ip = frame.subspan(offset);
  if (family == wire::IpFamily::kIpv4) return wire::Ipv4Packet::parse(ip)->header_checksum_valid();
  return wire::Ipv6Packet::parse(ip)->bytes().size() == ip.size();
}

std::string mac_at(std::span<const std::uint8_t> frame, std::size_t offset) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", frame[offset], frame[offset + 1],
                     frame[offset + 2], frame[offset + 3], frame[offset + 4], frame[offset + 5]);
}

std::string_view packet_type_name(unsigned type) {
  switch (type) {
    case 0:
      return "to this host";
    case 1:
      return "broadcast";
    case 2:
      return "multicast";
    case 3:
      return "to another host";
    case 4:
      return "sent by this host";
    default:
      return "unknown";
  }
}

struct Reading {
  LinkKind kind;
  std::size_t length;
  std::optional<wire::IpFamily> says;  // what the type field (or the version) names
};

std::array<Reading, 6> readings(std::span<const std::uint8_t> frame) {
  const std::size_t tags = vlan_tags(frame);
  // SLL2: protocol, then two reserved bytes that must be zero.
  const bool sll2_reserved = frame.size() >= 4 && be16_at(frame, 2) == 0;
  return {{
      {LinkKind::kNone, 0, family_of_version(frame)},
      {LinkKind::kEthernet, 14, family_at(frame, 12)},
      {LinkKind::kEthernetVlan, 18, tags == 1 ? family_at(frame, 16) : std::nullopt},
      {LinkKind::kEthernetQinQ, 22, tags == 2 ? family_at(frame, 20) : std::nullopt},
      {LinkKind::kLinuxCooked, 16, family_at(frame, 14)},
      {LinkKind::kLinuxCooked2, 20, sll2_reserved ? family_at(frame, 0) : std::nullopt},
  }};
}

// DLT_NULL's family field is in the byte order of the host that captured;
// every family value is below 256, so a non-zero first byte means
// little-endian. Precondition: frame.size() >= 4.
std::uint32_t loopback_family_value(std::span<const std::uint8_t> frame) {
  const std::uint32_t big = wire::load_be32(frame.first<4>());
  if (frame[0] == 0) return big;
  return (big >> 24) | ((big >> 8) & 0xFF00u) | ((big << 8) & 0xFF0000u) | (big << 24);
}

// libpcap's DLT_NULL notes: AF_INET is 2 everywhere; AF_INET6 is 10
// (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS).
std::optional<wire::IpFamily> loopback_family(std::uint32_t value) {
  if (value == 2) return wire::IpFamily::kIpv4;
  if (value == 10 || value == 24 || value == 28 || value == 30) return wire::IpFamily::kIpv6;
  return std::nullopt;
}

std::string_view type_text(wire::IpFamily family) {
  return family == wire::IpFamily::kIpv4 ? "type 0x0800 (IPv4)" : "type 0x86dd (IPv6)";
}

std::string summarize(std::span<const std::uint8_t> frame, LinkKind kind, wire::IpFamily family) {
  switch (kind) {
    case LinkKind::kNone:
      return "";
    case LinkKind::kEthernet:
      return fmt::format("Ethernet II, 14 bytes: destination {}, source {}, {}", mac_at(frame, 0),
                         mac_at(frame, 6), type_text(family));
    case LinkKind::kEthernetVlan:
      return fmt::format(
          "Ethernet II with an 802.1Q tag, 18 bytes: destination {}, source {}, VLAN {}, {}",
          mac_at(frame, 0), mac_at(frame, 6), be16_at(frame, 14) & 0x0FFF, type_text(family));
    case LinkKind::kEthernetQinQ:
      return fmt::format(
          "Ethernet II with 802.1ad tags, 22 bytes: destination {}, source {}, service VLAN {}, "
          "customer VLAN {}, {}",
          mac_at(frame, 0), mac_at(frame, 6), be16_at(frame, 14) & 0x0FFF,
          be16_at(frame, 18) & 0x0FFF, type_text(family));
    case LinkKind::kLinuxCooked:
      return fmt::format("Linux cooked header (tcpdump -i any), 16 bytes: packet {}, {}",
                         packet_type_name(be16_at(frame, 0)), type_text(family));
    case LinkKind::kLinuxCooked2:
      return fmt::format(
          "Linux cooked header v2 (tcpdump -i any), 20 bytes: interface index {}, packet {}, {}",
          wire::load_be32(frame.subspan(4).first<4>()), packet_type_name(frame[10]),
          type_text(family));
    case LinkKind::kLoopback:
      return fmt::format("BSD loopback header, 4 bytes: address family {} ({})",
                         loopback_family_value(frame),
                         family == wire::IpFamily::kIpv4 ? "IPv4" : "IPv6");
  }
  return "";
}

LinkLayer make(std::span<const std::uint8_t> frame, const Reading& r) {
  return {r.kind, r.length, *r.says, summarize(frame, r.kind, *r.says)};
}

// What the frame seems to carry when it is not IP, for the error.
std::string_view other_protocol(std::uint16_t type) {
  return type == kEtherTypeArp ? "ARP" : "";
}

LabError explain_no_ip(std::span<const std::uint8_t> frame) {
  struct TypeField {
    std::size_t offset;
    std::string_view header;
  };
  for (const TypeField& f :
       {TypeField{12, "an Ethernet frame"}, TypeField{14, "a Linux cooked capture"},
        TypeField{0, "a Linux cooked v2 capture"}}) {
    if (frame.size() < f.offset + 2) continue;
    const std::uint16_t type = be16_at(frame, f.offset);
    if (const auto name = other_protocol(type); !name.empty()) {
      return LabError(
          LabErrorKind::kNoIpHeader,
          fmt::format("this looks like {} carrying {} (type 0x{:04x} at offset {}): icmp-lab "
                      "decodes IPv4 and IPv6",
                      f.header, name, type, f.offset));
    }
  }
  return LabError(
      LabErrorKind::kNoIpHeader,
      fmt::format("cannot find an IP header: the first byte is 0x{:02x}, neither 0x45-0x4f (IPv4) "
                  "nor 0x60-0x6f (IPv6), and no Ethernet or Linux cooked header says IPv4 (type "
                  "0x0800) or IPv6 (type 0x86dd)",
                  frame[0]));
}

struct KnownHeader {
  LinkKind kind;
  std::size_t length;
  std::string_view name;  // for the error about a short frame
};

KnownHeader known_header(CaptureLinkType type, std::span<const std::uint8_t> frame) {
  switch (type) {
    case CaptureLinkType::kEthernet: {
      switch (vlan_tags(frame)) {
        case 1:
          return {LinkKind::kEthernetVlan, 18, "802.1Q-tagged Ethernet header"};
        case 2:
          return {LinkKind::kEthernetQinQ, 22, "802.1ad-tagged Ethernet header"};
        default:
          return {LinkKind::kEthernet, 14, "Ethernet header"};
      }
    }
    case CaptureLinkType::kLinuxCooked:
      return {LinkKind::kLinuxCooked, 16, "Linux cooked header"};
    case CaptureLinkType::kLinuxCooked2:
      return {LinkKind::kLinuxCooked2, 20, "Linux cooked v2 header"};
    case CaptureLinkType::kLoopback:
    case CaptureLinkType::kLoopbackBigEndian:
      return {LinkKind::kLoopback, 4, "loopback header"};
    case CaptureLinkType::kRawIp:
    case CaptureLinkType::kRawIpv4:
    case CaptureLinkType::kRawIpv6:
      break;
  }
  return {LinkKind::kNone, 1, "IP version field"};
}

// What the known header says the frame carries. Precondition: the frame
// holds the whole header.
std::optional<wire::IpFamily> declared_family(CaptureLinkType type, const KnownHeader& header,
                                              std::span<const std::uint8_t> frame) {
  switch (type) {
    case CaptureLinkType::kEthernet:
    case CaptureLinkType::kLinuxCooked:
      return family_at(frame, header.length - 2);
    case CaptureLinkType::kLinuxCooked2:
      return family_at(frame, 0);
    case CaptureLinkType::kLoopback:
      return loopback_family(loopback_family_value(frame));
    case CaptureLinkType::kLoopbackBigEndian:
      return loopback_family(wire::load_be32(frame.first<4>()));
    case CaptureLinkType::kRawIp:
      return family_of_version(frame);
    case CaptureLinkType::kRawIpv4:
      return wire::IpFamily::kIpv4;
    case CaptureLinkType::kRawIpv6:
      return wire::IpFamily::kIpv6;
  }
  return std::nullopt;
}

}  // namespace

std::expected<std::optional<LinkLayer>, LabError> ip_header_in(
    CaptureLinkType type, std::span<const std::uint8_t> frame) {
  const KnownHeader header = known_header(type, frame);
  if (frame.size() < header.length) {
    return std::unexpected(
        LabError(LabErrorKind::kNoIpHeader, fmt::format("{} bytes, fewer than the {}-byte {}",
                                                        frame.size(), header.length, header.name)));
  }
  const auto family = declared_family(type, header, frame);
  if (!family) return std::nullopt;
  const std::size_t length = header.kind == LinkKind::kNone ? 0 : header.length;
  return LinkLayer{header.kind, length, *family, summarize(frame, header.kind, *family)};
}

std::expected<LinkLayer, LabError> find_ip_header(std::span<const std::uint8_t> frame) {
  if (frame.empty()) return std::unexpected(LabError(LabErrorKind::kEmptyInput, "no bytes given"));
  const auto all = readings(frame);
  for (const Reading& r : all) {
    if (r.says && fits(frame, r.length, *r.says) && confirmed(frame, r.length, *r.says)) {
      return make(frame, r);
    }
  }
  for (const Reading& r : all) {
    if (r.says && fits(frame, r.length, *r.says)) return make(frame, r);
  }
  for (const Reading& r : all) {
    if (r.says) return make(frame, r);
  }
  return std::unexpected(explain_no_ip(frame));
}

}  // namespace pong::lab
