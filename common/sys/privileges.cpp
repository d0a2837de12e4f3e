#include "sys/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "sys/capabilities.hpp"

namespace pong::sys {
namespace {

std::string errno_text(std::string_view what) {
  return fmt::format("{}: {}", what, std::strerror(errno));
}

bool kept(cap_value_t cap, std::initializer_list<cap_value_t> keep) {
  return std::find(keep.begin(), keep.end(), cap) != keep.end();
}

// Drops from the bounding set every capability not in `keep`. Needs
// CAP_SETPCAP; without it the set is left alone (see drop_privileges).
std::expected<void, std::string> limit_bounding_set(std::initializer_list<cap_value_t> keep) {
  if (!has_effective_capability(CAP_SETPCAP)) return {};
  const int last = static_cast<int>(cap_max_bits());
  for (int i = 0; i < last; ++i) {
    const auto cap = static_cast<cap_value_t>(i);
    if (kept(cap, keep) || CAP_IS_SUPPORTED(cap) == 0) continue;
    if (cap_drop_bound(cap) != 0) return std::unexpected(errno_text("cannot empty the bounding set"));
  }
  return {};
}

std::expected<void, std::string> become_user(const UserIdentity& user) {
  if (::setgroups(0, nullptr) != 0) {
    return std::unexpected(errno_text("cannot clear the supplementary groups"));
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0) {
    return std::unexpected(errno_text(fmt::format("cannot switch to the group of '{}'", user.name)));
  }
  if (::setresuid(user.uid, user.uid, user.uid) != 0) {
    return std::unexpected(errno_text(fmt::format("cannot switch to user '{}'", user.name)));
  }
  return {};
}

// Sets the effective and permitted sets to those of `keep` the process
// has, the inheritable and ambient sets to nothing.
std::expected<void, std::string> set_capabilities(std::initializer_list<cap_value_t> keep) {
  std::vector<cap_value_t> list;
  for (const cap_value_t cap : keep) {
    if (has_capability(cap, CAP_PERMITTED)) list.push_back(cap);
  }
  cap_t caps = cap_init();
  if (caps == nullptr) return std::unexpected(errno_text("cap_init"));
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

std::expected<void, std::string> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return std::unexpected(errno_text("cannot set no_new_privs"));
  }
  return {};
}

}  // namespace

std::expected<UserIdentity, std::string> look_up_user(std::string_view name) {
  const std::string user(name);
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    return std::unexpected(
        rc == 0 ? fmt::format("no user named '{}' on this system (see --user)", user)
                : fmt::format("cannot look up user '{}': {}", user, std::strerror(rc)));
  }
  return UserIdentity{user, entry.pw_uid, entry.pw_gid};
}

std::expected<void, std::string> drop_privileges(const std::optional<UserIdentity>& user) {
  if (auto r = limit_bounding_set({}); !r) return r;
  if (user) {
    if (auto r = become_user(*user); !r) return r;
  }
  if (auto r = set_capabilities({}); !r) return r;
  return set_no_new_privs();
}

std::expected<void, std::string> keep_only_capabilities(std::initializer_list<cap_value_t> keep) {
  if (auto r = limit_bounding_set(keep); !r) return r;
  if (auto r = set_capabilities(keep); !r) return r;
  return set_no_new_privs();
}

}  // namespace pong::sys
