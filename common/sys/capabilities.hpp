// Linux capabilities through libcap.
#pragma once

#include <sys/capability.h>

#include <expected>
#include <initializer_list>
#include <string>

namespace pong::sys {

// Whether the calling thread has `cap` in `set` (CAP_EFFECTIVE, CAP_PERMITTED...).
bool has_capability(cap_value_t cap, cap_flag_t set);
// Whether the calling thread has `cap` in its effective set.
inline bool has_effective_capability(cap_value_t cap) {
  return has_capability(cap, CAP_EFFECTIVE);
}

// Sets the effective and permitted sets to those of `keep` the process has
// (the rest are dropped), the inheritable and ambient sets to nothing.
std::expected<void, std::string> set_capabilities(std::initializer_list<cap_value_t> keep);

// Clears the effective, permitted, inheritable and ambient sets. Sockets
// already open keep working; nothing new can be opened that needs privilege.
std::expected<void, std::string> drop_all_capabilities();

}  // namespace pong::sys
