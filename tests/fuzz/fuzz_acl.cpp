// libFuzzer harness: the ACL file parser and the prefixes it reads
// (common/policy/acl.hpp).
//
// Input: the text of an ACL file, as is.
//
// Properties (a __builtin_trap() when one fails), besides ASan and UBSan
// finding nothing:
//   - parse_acl_file fails exactly when a line, read here by the file's own
//     rules ("allow CIDR" or "deny CIDR", "#" comments, blank lines), does,
//     and then names the first such line, with a message;
//   - the Acl it builds answers every probe address as a reference does:
//     a matching deny wins, then a matching allow, or anything when no
//     allow is given; "matching" computed here bit by bit;
//   - a prefix Cidr::parse accepts (the first line of the input is tried
//     as one) has its host bits clear, is written with an address's
//     characters only, reads back the same from inet_ntop's text, contains
//     its first and last address, not the address past its prefix bit, and
//     nothing of the other family.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "policy/acl.hpp"

namespace {

using namespace pong;
using namespace pong::policy;

struct Rule {
  bool allow;
  Cidr cidr;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool bit(std::span<const std::uint8_t> bytes, std::size_t i) {
  return (bytes[i / 8] >> (7 - i % 8)) & 1;
}

bool reference_contains(const Cidr& cidr, const wire::IpAddress& address) {
  if (cidr.network.family() != address.family()) return false;
  for (std::size_t i = 0; i < cidr.prefix_length; ++i) {
    if (bit(cidr.network.bytes(), i) != bit(address.bytes(), i)) return false;
  }
  return true;
}

AclVerdict reference_check(const std::vector<Rule>& rules, const wire::IpAddress& source) {
  bool any_allow = false;
  bool allowed = false;
  for (const Rule& r : rules) {
    if (!r.allow && reference_contains(r.cidr, source)) return AclVerdict::kDenied;
    any_allow = any_allow || r.allow;
    allowed = allowed || (r.allow && reference_contains(r.cidr, source));
  }
  return !any_allow || allowed ? AclVerdict::kAnswer : AclVerdict::kNotAllowed;
}

// The address with bit `i` (0 = the most significant) flipped.
wire::IpAddress flip_bit(const wire::IpAddress& address, std::size_t i) {
  if (address.is_ipv4()) {
    auto a = address.ipv4();
    a.octets[i / 8] ^= static_cast<std::uint8_t>(0x80 >> (i % 8));
    return a;
  }
  auto a = address.ipv6();
  a.octets[i / 8] ^= static_cast<std::uint8_t>(0x80 >> (i % 8));
  return a;
}

// The last address of the prefix: every host bit set.
wire::IpAddress last_address(const Cidr& cidr) {
  wire::IpAddress a = cidr.network;
  const std::size_t bits = a.bytes().size() * 8;
  for (std::size_t i = cidr.prefix_length; i < bits; ++i) a = flip_bit(a, i);
  return a;
}

void check_cidr(std::string_view text) {
  const auto cidr = Cidr::parse(text);
  if (!cidr) {
    FUZZ_CHECK(!cidr.error().empty());
    return;
  }
  const std::size_t bits = cidr->network.bytes().size() * 8;
  FUZZ_CHECK(cidr->prefix_length <= bits);
  for (std::size_t i = cidr->prefix_length; i < bits; ++i) {
    FUZZ_CHECK(!bit(cidr->network.bytes(), i));
  }
  const std::string_view address_text = trim(text).substr(0, trim(text).find('/'));
  for (const char c : address_text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    FUZZ_CHECK(hex || c == ':' || c == '.');
  }

  std::array<char, INET6_ADDRSTRLEN> buffer{};
  const int af = cidr->network.is_ipv4() ? AF_INET : AF_INET6;
  FUZZ_CHECK(::inet_ntop(af, cidr->network.bytes().data(), buffer.data(), buffer.size()));
  const auto again =
      Cidr::parse(std::string(buffer.data()) + "/" + std::to_string(cidr->prefix_length));
  FUZZ_CHECK(again.has_value() && *again == *cidr);

  FUZZ_CHECK(cidr->contains(cidr->network));
  FUZZ_CHECK(cidr->contains(last_address(*cidr)));
  if (cidr->prefix_length > 0) {
    FUZZ_CHECK(!cidr->contains(flip_bit(cidr->network, cidr->prefix_length - 1u)));
  }
  const wire::IpAddress other = cidr->network.is_ipv4() ? wire::IpAddress{wire::Ipv6Address{}}
                                                        : wire::IpAddress{wire::Ipv4Address{}};
  FUZZ_CHECK(!cidr->contains(other));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_cidr(text.substr(0, text.find('\n')));

  // The file, line by line, as its format says.
  std::vector<Rule> rules;
  std::size_t first_bad = 0;
  std::size_t number = 0;
  for (std::string_view rest = text; !rest.empty() && first_bad == 0;) {
    ++number;
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto space = line.find_first_of(" \t");
    const std::string_view verb = line.substr(0, space);
    if ((verb != "allow" && verb != "deny") || space == std::string_view::npos) {
      first_bad = number;
      break;
    }
    const auto cidr = Cidr::parse(line.substr(space + 1));
    if (!cidr) {
      first_bad = number;
      break;
    }
    rules.push_back({verb == "allow", *cidr});
  }

  Acl acl;
  const auto parsed = parse_acl_file(text, acl);
  FUZZ_CHECK(parsed.has_value() == (first_bad == 0));
  if (!parsed) {
    FUZZ_CHECK(parsed.error().line == first_bad);
    FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(acl.empty() == rules.empty());

  std::vector<wire::IpAddress> probes{wire::Ipv4Address{}, wire::Ipv6Address{},
                                      wire::Ipv4Address{{10, 1, 2, 3}},
                                      wire::Ipv4Address{{172, 22, 0, 2}}};
  for (const Rule& r : rules) {
    probes.push_back(r.cidr.network);
    probes.push_back(last_address(r.cidr));
    if (r.cidr.prefix_length > 0) {
      probes.push_back(flip_bit(r.cidr.network, r.cidr.prefix_length - 1u));
    }
    if (probes.size() > 64) break;
  }
  for (const auto& probe : probes) FUZZ_CHECK(acl.check(probe) == reference_check(rules, probe));
  return 0;
}
