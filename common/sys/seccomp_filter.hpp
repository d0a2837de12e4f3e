// The serving process's seccomp allow-list (libseccomp): the system calls
// its loop needs, nothing else. Anything else traps: a SIGSYS handler
// reports the call's number and the process then dies of SIGSYS.
#pragma once

#include <expected>
#include <string>

namespace pong::sys {

// Installs the filter on the calling process (and its future threads).
// Precondition: no_new_privs is set (drop_privileges) or the caller has
// CAP_SYS_ADMIN. A forbidden call writes its number, as a native int, to
// `report_fd` when it is >= 0 (the monitor's pipe), else one line to
// stderr; then the process is killed by SIGSYS.
//
// `needs` adds what the optional parts need, only when they run.
struct SandboxNeeds {
  // --metrics-listen: the HTTP listener's threads accept and serve
  // connections on the socket they opened before the filter.
  bool tcp_listener = false;
  // --metrics-file: create a file, write it and rename it over another.
  bool write_files = false;
  // systemd's notify socket: sd_notify opens an AF_UNIX datagram socket
  // for each message.
  bool notify_socket = false;
};
std::expected<void, std::string> install_serving_filter(int report_fd,
                                                        const SandboxNeeds& needs = {});

// "socket (41)" for a syscall number of this architecture.
std::string syscall_name(int number);

}  // namespace pong::sys
