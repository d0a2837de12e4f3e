#include "sys/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

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
// CAP_SETPCAP; without it the set is left alone and the result is false
// (see drop_privileges).
std::expected<bool, std::string> limit_bounding_set(std::initializer_list<cap_value_t> keep) {
  if (!has_effective_capability(CAP_SETPCAP)) return false;
  const int last = static_cast<int>(cap_max_bits());
  for (int i = 0; i < last; ++i) {
    const auto cap = static_cast<cap_value_t>(i);
    if (kept(cap, keep) || CAP_IS_SUPPORTED(cap) == 0) continue;
    if (cap_drop_bound(cap) != 0) {
      return std::unexpected(errno_text("cannot take capabilities out of the bounding set"));
    }
  }
  return true;
}

std::expected<void, std::string> become_user(const UserIdentity& user) {
  if (::setgroups(0, nullptr) != 0) {
    return std::unexpected(errno_text("cannot clear the supplementary groups"));
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0) {
    return std::unexpected(
        errno_text(fmt::format("cannot switch to the group of '{}'", user.name)));
  }
  if (::setresuid(user.uid, user.uid, user.uid) != 0) {
    return std::unexpected(errno_text(fmt::format("cannot switch to user '{}'", user.name)));
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

std::expected<PrivilegesDropped, std::string> drop_privileges(
    const std::optional<UserIdentity>& user) {
  const auto bounding = limit_bounding_set({});
  if (!bounding) return std::unexpected(bounding.error());
  if (user) {
    if (auto r = become_user(*user); !r) return std::unexpected(r.error());
  }
  if (auto r = drop_all_capabilities(); !r) return std::unexpected(r.error());
  if (auto r = set_no_new_privs(); !r) return std::unexpected(r.error());
  return PrivilegesDropped{*bounding};
}

std::expected<void, std::string> keep_only_capabilities(std::initializer_list<cap_value_t> keep) {
  if (auto r = limit_bounding_set(keep); !r) return std::unexpected(r.error());
  if (auto r = set_capabilities(keep); !r) return r;
  return set_no_new_privs();
}

}  // namespace pong::sys
