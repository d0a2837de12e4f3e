#include "policy/admission.hpp"

#include <utility>

namespace pong::policy {

Admission::Admission(AdmissionConfig config)
    : acl_(std::move(config.acl)),
      global_limit_(config.global),
      global_(config.global.value_or(RateLimit{}), Nanoseconds{0}),
      active_(!acl_.empty() || config.per_source || config.global) {
  if (config.per_source) per_source_.emplace(*config.per_source, config.table_size, config.seed);
}

std::optional<wire::DropReason> Admission::check(const wire::IpAddress& source, Nanoseconds now) {
  switch (acl_.check(source)) {
    case AclVerdict::kDenied:
      return wire::DropReason::kDenied;
    case AclVerdict::kNotAllowed:
      return wire::DropReason::kNotAllowed;
    case AclVerdict::kAnswer:
      break;
  }
  // A source over its own limit does not spend the global budget.
  if (per_source_ && !per_source_->allow(source, now)) return wire::DropReason::kRateLimited;
  if (global_limit_ && !global_.take(*global_limit_, now)) {
    return wire::DropReason::kGlobalRateLimited;
  }
  return std::nullopt;
}

}  // namespace pong::policy
