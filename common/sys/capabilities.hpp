// Linux capabilities through libcap.
#pragma once

#include <sys/capability.h>

#include <expected>
#include <string>

namespace pong::sys {

// Whether the calling thread has `cap` in its effective set.
bool has_effective_capability(cap_value_t cap);

// Clears the effective, permitted and inheritable sets. Sockets already
// open keep working; nothing new can be opened that needs privilege.
std::expected<void, std::string> drop_all_capabilities();

}  // namespace pong::sys
