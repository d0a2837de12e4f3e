#include "sys/capabilities.hpp"

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace pong::sys {

bool has_capability(cap_value_t cap, cap_flag_t set) {
  cap_t caps = cap_get_proc();
  if (caps == nullptr) return false;
  cap_flag_value_t value = CAP_CLEAR;
  const bool ok = cap_get_flag(caps, cap, set, &value) == 0;
  cap_free(caps);
  return ok && value == CAP_SET;
}

std::expected<void, std::string> drop_all_capabilities() {
  cap_t caps = cap_init();  // all sets empty
  if (caps == nullptr) return std::unexpected(std::string("cap_init failed"));
  const int rc = cap_set_proc(caps);
  const int err = errno;
  cap_free(caps);
  if (rc != 0) {
    return std::unexpected(fmt::format("cannot drop capabilities: {}", std::strerror(err)));
  }
  return {};
}

}  // namespace pong::sys
