#include "sys/capabilities.hpp"

#include <sys/prctl.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

namespace pong::sys {
namespace {

std::string errno_text(std::string_view what) {
  return fmt::format("{}: {}", what, std::strerror(errno));
}

}  // namespace

bool has_capability(cap_value_t cap, cap_flag_t set) {
  cap_t caps = cap_get_proc();
  if (caps == nullptr) return false;
  cap_flag_value_t value = CAP_CLEAR;
  const bool ok = cap_get_flag(caps, cap, set, &value) == 0;
  cap_free(caps);
  return ok && value == CAP_SET;
}

// Sets the effective and permitted sets to those of `keep` the process
// has, the inheritable and ambient sets to nothing.
std::expected<void, std::string> set_capabilities(std::initializer_list<cap_value_t> keep) {
  std::vector<cap_value_t> list;
  for (const cap_value_t cap : keep) {
    if (has_capability(cap, CAP_PERMITTED)) list.push_back(cap);
  }
  cap_t caps = cap_init();
  if (caps == nullptr)
    return std::unexpected(errno_text("cannot read the capability sets (cap_init)"));
  int rc = 0;
  if (!list.empty()) {
    rc |= cap_set_flag(caps, CAP_EFFECTIVE, static_cast<int>(list.size()), list.data(), CAP_SET);
    rc |= cap_set_flag(caps, CAP_PERMITTED, static_cast<int>(list.size()), list.data(), CAP_SET);
  }
  if (rc == 0) rc = cap_set_proc(caps);
  const int saved = errno;
  cap_free(caps);
  errno = saved;
  if (rc != 0) return std::unexpected(errno_text("cannot drop capabilities"));
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return std::unexpected(errno_text("cannot clear the ambient capabilities"));
  }
  return {};
}

std::expected<void, std::string> drop_all_capabilities() {
  return set_capabilities({});
}

}  // namespace pong::sys
