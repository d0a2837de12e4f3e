#include "link_layer.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "wire/bytes.hpp"
#include "wire/checksum.hpp"
#include "wire/ipv4.hpp"

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

bool has_be16(std::span<const std::uint8_t> frame, std::size_t offset, std::uint16_t value) {
  return frame.size() >= offset + 2 && be16_at(frame, offset) == value;
}

// An IPv4 header that Ipv4Packet::parse would accept starts at `offset`.
bool ipv4_fits(std::span<const std::uint8_t> frame, std::size_t offset) {
  return frame.size() > offset && wire::Ipv4Packet::parse(frame.subspan(offset)).has_value();
}

bool ipv4_checksum_valid(std::span<const std::uint8_t> frame, std::size_t offset) {
  const auto ip = wire::Ipv4Packet::parse(frame.subspan(offset));
  return ip && ip->header_checksum_valid();
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
  bool says_ipv4;  // the type field (or, with no link layer, the version) says IPv4
};

std::array<Reading, 5> readings(std::span<const std::uint8_t> frame) {
  return {{
      {LinkKind::kNone, 0, !frame.empty() && (frame[0] >> 4) == 4},
      {LinkKind::kEthernet, 14, has_be16(frame, 12, kEtherTypeIpv4)},
      {LinkKind::kEthernetVlan, 18,
       has_be16(frame, 12, kEtherTypeVlan) && has_be16(frame, 16, kEtherTypeIpv4)},
      {LinkKind::kLinuxCooked, 16, has_be16(frame, 14, kEtherTypeIpv4)},
      // SLL2: protocol, then two reserved bytes that must be zero.
      {LinkKind::kLinuxCooked2, 20, has_be16(frame, 0, kEtherTypeIpv4) && has_be16(frame, 2, 0)},
  }};
}

std::string summarize(std::span<const std::uint8_t> frame, LinkKind kind) {
  switch (kind) {
    case LinkKind::kNone:
      return "";
    case LinkKind::kEthernet:
      return fmt::format("Ethernet II, 14 bytes: destination {}, source {}, type 0x0800 (IPv4)",
                         mac_at(frame, 0), mac_at(frame, 6));
    case LinkKind::kEthernetVlan:
      return fmt::format(
          "Ethernet II with an 802.1Q tag, 18 bytes: destination {}, source {}, VLAN {}, "
          "type 0x0800 (IPv4)",
          mac_at(frame, 0), mac_at(frame, 6), be16_at(frame, 14) & 0x0FFF);
    case LinkKind::kLinuxCooked:
      return fmt::format(
          "Linux cooked header (tcpdump -i any), 16 bytes: packet {}, type 0x0800 (IPv4)",
          packet_type_name(be16_at(frame, 0)));
    case LinkKind::kLinuxCooked2:
      return fmt::format(
          "Linux cooked header v2 (tcpdump -i any), 20 bytes: interface index {}, packet {}, "
          "type 0x0800 (IPv4)",
          wire::load_be32(frame.subspan(4).first<4>()), packet_type_name(frame[10]));
  }
  return "";
}

LinkLayer make(std::span<const std::uint8_t> frame, const Reading& r) {
  return {r.kind, r.length, summarize(frame, r.kind)};
}

// What the frame seems to carry when it is not IPv4, for the error.
std::string_view other_protocol(std::uint16_t type) {
  switch (type) {
    case kEtherTypeIpv6:
      return "IPv6";
    case kEtherTypeArp:
      return "ARP";
    default:
      return "";
  }
}

}  // namespace

std::expected<LinkLayer, LabError> find_ipv4_header(std::span<const std::uint8_t> frame) {
  const auto all = readings(frame);
  for (const Reading& r : all) {
    if (r.says_ipv4 && ipv4_fits(frame, r.length) && ipv4_checksum_valid(frame, r.length)) {
      return make(frame, r);
    }
  }
  for (const Reading& r : all) {
    if (r.says_ipv4 && ipv4_fits(frame, r.length)) return make(frame, r);
  }
  for (const Reading& r : all) {
    if (r.says_ipv4) return make(frame, r);
  }

  if (frame.empty()) return std::unexpected(LabError(LabErrorKind::kEmptyInput, "no bytes given"));
  if ((frame[0] >> 4) == 6) {
    return std::unexpected(LabError(
        LabErrorKind::kNotIpv4,
        "this is an IPv6 packet (version 6 in the first byte): icmp-lab decodes IPv4 only"));
  }
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
      return std::unexpected(LabError(
          LabErrorKind::kNotIpv4,
          fmt::format("this looks like {} carrying {} (type 0x{:04x} at offset {}): icmp-lab "
                      "decodes IPv4 only",
                      f.header, name, type, f.offset)));
    }
  }
  return std::unexpected(LabError(
      LabErrorKind::kNoIpv4,
      fmt::format("cannot find an IPv4 header: the first byte is 0x{:02x}, not 0x45-0x4f, and no "
                  "Ethernet or Linux cooked header says IPv4 (type 0x0800)",
                  frame[0])));
}

}  // namespace pong::lab
