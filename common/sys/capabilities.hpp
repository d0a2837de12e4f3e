// Linux capabilities through libcap.
#pragma once

#include <sys/capability.h>

#include <expected>
#include <string>

namespace pong::sys {

// Whether the calling thread has `cap` in `set` (CAP_EFFECTIVE, CAP_PERMITTED...).
bool has_capability(cap_value_t cap, cap_flag_t set);
// Whether the calling thread has `cap` in its effective set.
inline bool has_effective_capability(cap_value_t cap) { return has_capability(cap, CAP_EFFECTIVE); }

// Clears the effective, permitted and inheritable sets. Sockets already
// open keep working; nothing new can be opened that needs privilege.
std::expected<void, std::string> drop_all_capabilities();

}  // namespace pong::sys
