// Who is answered: address prefixes to allow and to deny, for either
// family, and the ACL file that lists them. A pure type: no sockets, no
// clocks; the shell reads the file and hands its text in.
//
// The rule (issue 9): a deny that matches wins; otherwise, if any allow is
// given, the source must match one; with no allow at all, everyone not
// denied is answered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "wire/address.hpp"

namespace pong::policy {

// An address prefix (RFC 4632 3.1 for IPv4, RFC 4291 2.3 for IPv6):
// "10.0.0.0/8", "fd00:172:22::/64", or a bare address for one host.
struct Cidr {
  wire::IpAddress network;
  std::uint8_t prefix_length = 0;

  // One sentence on error, naming what is wrong. Host bits set below the
  // prefix ("10.1.2.3/8") are refused: such a rule is usually a typo.
  static std::expected<Cidr, std::string> parse(std::string_view text);

  // Whether `address` lies inside; never across families.
  bool contains(const wire::IpAddress& address) const;

  friend bool operator==(const Cidr&, const Cidr&) = default;
};

enum class AclVerdict : std::uint8_t {
  kAnswer,      // no deny matched, and an allow did (or none is given)
  kDenied,      // a deny matched
  kNotAllowed,  // allows are given and none matched
};

class Acl {
 public:
  void allow(const Cidr& cidr) { allows_.push_back(cidr); }
  void deny(const Cidr& cidr) { denies_.push_back(cidr); }
  AclVerdict check(const wire::IpAddress& source) const;
  bool empty() const { return allows_.empty() && denies_.empty(); }

 private:
  std::vector<Cidr> allows_;
  std::vector<Cidr> denies_;
};

struct AclFileError {
  std::size_t line = 0;  // 1-based
  std::string message;   // what is wrong with that line
};

// An ACL file: one rule per line, "allow CIDR" or "deny CIDR"; "#" starts
// a comment; blank lines are skipped. Rules add to `acl` (so that
// --allow/--deny and the file combine).
std::expected<void, AclFileError> parse_acl_file(std::string_view text, Acl& acl);

}  // namespace pong::policy
