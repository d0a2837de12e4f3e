// Least privilege for the process that parses packets: another user, no
// capabilities in any set (the bounding set included), no_new_privs.
#pragma once

#include <sys/capability.h>
#include <sys/types.h>

#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace pong::sys {

struct UserIdentity {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks `name` up in the user database (getpwnam_r). Done before anything
// changes, so that an unknown user is refused at start-up.
std::expected<UserIdentity, std::string> look_up_user(std::string_view name);

// For the serving process, once its sockets are open. In order:
//   - the bounding set is emptied (possible only with CAP_SETPCAP; without
//     it, as for a non-root pong granted CAP_NET_RAW by setcap, the
//     bounding set stays as it was and no_new_privs makes it moot);
//   - when `user` is given: supplementary groups cleared, then gid and uid
//     set (real, effective and saved), which also empties the permitted
//     and effective sets (no SECBIT_KEEP_CAPS);
//   - every capability set emptied, the ambient set included;
//   - PR_SET_NO_NEW_PRIVS, so no execve can ever give any of it back.
// Precondition: `user`, when given, needs CAP_SETUID and CAP_SETGID.
struct PrivilegesDropped {
  bool bounding_set_emptied = false;  // false without CAP_SETPCAP
};
std::expected<PrivilegesDropped, std::string> drop_privileges(
    const std::optional<UserIdentity>& user);

// For the monitor: keeps only `keep` in the effective and permitted sets
// (and the bounding set, when it can be changed), and sets no_new_privs.
std::expected<void, std::string> keep_only_capabilities(std::initializer_list<cap_value_t> keep);

}  // namespace pong::sys
