// Whether a well-formed request is answered at all: the ACL, then the
// source's token bucket, then the bucket for all replies. One object for
// the whole process, so the global limit covers both families. Pure: the
// time is passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "policy/acl.hpp"
#include "policy/rate_limit.hpp"
#include "wire/address.hpp"
#include "wire/drop_reason.hpp"

namespace pong::policy {

struct AdmissionConfig {
  Acl acl;
  std::optional<RateLimit> per_source;  // none: no per-source limit (the kernel's default)
  std::size_t table_size = 65536;       // sources tracked at once (--rate-table)
  std::optional<RateLimit> global;      // none: no global limit
  std::uint64_t seed = 0;               // for the table's hash; pick at random at start-up
};

class Admission {
 public:
  explicit Admission(AdmissionConfig config);

  // Empty when the request from `source` may be answered; otherwise why not.
  std::optional<wire::DropReason> check(const wire::IpAddress& source, Nanoseconds now);

  // Whether any rule or limit is set (pong skips the clock otherwise).
  bool active() const { return active_; }

 private:
  Acl acl_;
  std::optional<SourceRateLimiter> per_source_;
  std::optional<RateLimit> global_limit_;
  TokenBucket global_;
  bool active_;
};

}  // namespace pong::policy
