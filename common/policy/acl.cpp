#include "policy/acl.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <span>

#include <fmt/format.h>

namespace pong::policy {
namespace {

std::string_view trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

// Whether the bits of `bytes` from bit `from` on are all zero.
bool host_bits_clear(std::span<const std::uint8_t> bytes, std::size_t from) {
  for (std::size_t bit = from; bit < bytes.size() * 8; ++bit) {
    if (bytes[bit / 8] & (0x80 >> (bit % 8))) return false;
  }
  return true;
}

// Whether the first `bits` bits of `a` and `b` agree.
bool same_prefix(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                 std::size_t bits) {
  const std::size_t whole = bits / 8;
  for (std::size_t i = 0; i < whole; ++i) {
    if (a[i] != b[i]) return false;
  }
  if (bits % 8 == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits % 8));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

std::expected<Cidr, std::string> Cidr::parse(std::string_view text) {
  const std::string whole(trim(text));
  const auto slash = whole.find('/');
  const std::string address_text = whole.substr(0, slash);
  Cidr cidr;
  wire::Ipv4Address v4;
  wire::Ipv6Address v6;
  // inet_pton stops at a NUL: "10.0.0.1\0junk" must not pass as 10.0.0.1.
  const bool has_nul = address_text.find('\0') != std::string::npos;
  if (!has_nul && ::inet_pton(AF_INET, address_text.c_str(), v4.octets.data()) == 1) {
    cidr.network = v4;
  } else if (!has_nul && ::inet_pton(AF_INET6, address_text.c_str(), v6.octets.data()) == 1) {
    cidr.network = v6;
  } else {
    return std::unexpected(fmt::format("'{}' is not an IPv4 or IPv6 address", address_text));
  }
  const std::size_t max_bits = cidr.network.bytes().size() * 8;
  cidr.prefix_length = static_cast<std::uint8_t>(max_bits);
  if (slash != std::string::npos) {
    const std::string_view length = std::string_view(whole).substr(slash + 1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), value);
    if (error != std::errc{} || end != length.data() + length.size() || length.empty() ||
        value > max_bits) {
      return std::unexpected(
          fmt::format("'{}' is not a prefix length from 0 to {}", length, max_bits));
    }
    cidr.prefix_length = static_cast<std::uint8_t>(value);
  }
  if (!host_bits_clear(cidr.network.bytes(), cidr.prefix_length)) {
    return std::unexpected(fmt::format(
        "{} has bits set past its /{} prefix (host bits must be zero)", whole, cidr.prefix_length));
  }
  return cidr;
}

bool Cidr::contains(const wire::IpAddress& address) const {
  return address.family() == network.family() &&
         same_prefix(network.bytes(), address.bytes(), prefix_length);
}

AclVerdict Acl::check(const wire::IpAddress& source) const {
  for (const auto& d : denies_) {
    if (d.contains(source)) return AclVerdict::kDenied;
  }
  if (allows_.empty()) return AclVerdict::kAnswer;
  for (const auto& a : allows_) {
    if (a.contains(source)) return AclVerdict::kAnswer;
  }
  return AclVerdict::kNotAllowed;
}

std::expected<void, AclFileError> parse_acl_file(std::string_view text, Acl& acl) {
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto space = line.find_first_of(" \t");
    const std::string_view verb = line.substr(0, space);
    if (verb != "allow" && verb != "deny") {
      return std::unexpected(AclFileError{
          number, fmt::format("'{}' is not a rule: write 'allow CIDR' or 'deny CIDR'", line)});
    }
    if (space == std::string_view::npos) {
      return std::unexpected(AclFileError{number, fmt::format("'{}' names no address", verb)});
    }
    const auto cidr = Cidr::parse(line.substr(space + 1));
    if (!cidr) return std::unexpected(AclFileError{number, cidr.error()});
    if (verb == "allow") {
      acl.allow(*cidr);
    } else {
      acl.deny(*cidr);
    }
  }
  return {};
}

}  // namespace pong::policy
