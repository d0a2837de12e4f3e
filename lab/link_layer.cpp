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
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
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

std::array<Reading, 5> readings(std::span<const std::uint8_t> frame) {
  const bool tagged = frame.size() >= 14 && be16_at(frame, 12) == kEtherTypeVlan;
  // SLL2: protocol, then two reserved bytes that must be zero.
  const bool sll2_reserved = frame.size() >= 4 && be16_at(frame, 2) == 0;
  return {{
      {LinkKind::kNone, 0, family_of_version(frame)},
      {LinkKind::kEthernet, 14, family_at(frame, 12)},
      {LinkKind::kEthernetVlan, 18, tagged ? family_at(frame, 16) : std::nullopt},
      {LinkKind::kLinuxCooked, 16, family_at(frame, 14)},
      {LinkKind::kLinuxCooked2, 20, sll2_reserved ? family_at(frame, 0) : std::nullopt},
  }};
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
    case LinkKind::kLinuxCooked:
      return fmt::format("Linux cooked header (tcpdump -i any), 16 bytes: packet {}, {}",
                         packet_type_name(be16_at(frame, 0)), type_text(family));
    case LinkKind::kLinuxCooked2:
      return fmt::format(
          "Linux cooked header v2 (tcpdump -i any), 20 bytes: interface index {}, packet {}, {}",
          wire::load_be32(frame.subspan(4).first<4>()), packet_type_name(frame[10]),
          type_text(family));
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

}  // namespace

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
