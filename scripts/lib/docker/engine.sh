# shellcheck shell=bash
# scripts/lib/docker/engine.sh - a private Docker engine for pong's container
# lab and test: Debian's docker.io (containerd and dockerd) started by hand,
# with its own data root, exec root and socket, on a machine that runs no
# Docker daemon and can pull no image. The command is scripts/docker-engine;
# tests/integration/containers.sh sources this file and calls the
# pong_docker_* functions.
#
# This file sources its two parts:
#   host_state.sh   what the engine changes on the host (bridges, iptables,
#                   sysctls, mounts, cgroups): saved before, put back after
#   base_image.sh   debian:bookworm-slim made with debootstrap from the
#                   machine's apt mirror
#
# Every wait is bounded. Every step is idempotent: a run killed half way is
# cleaned up by the next start or stop.
#
# The engine touches the host as little as it can:
#   --bridge=none        no docker0; compose makes its own bridges (pong-lab0,
#                        and pong-mon0 for the monitoring profile)
#   --ip-forward=false   the host's net.ipv4.ip_forward is left alone, and so
#                        is IPv6 forwarding (dockerd turns that on only for an
#                        IPv6 network when it may forward)
#   --ip-masq=false      no NAT: containers cannot reach beyond their bridge
#   --ip6tables=false    no ip6tables rules (experimental in 20.10)
#   --cgroup-parent      every container sits under one cgroup, pong-docker
# IPv6: docker.io 20.10 makes user-defined IPv6 networks (compose's
# `enable_ipv6: true` with an IPv6 subnet) without `--ipv6` or
# `--fixed-cidr-v6`; those two are for docker0, which this engine does not
# have. The bridge gets the subnet's ::1; with IPv6 forwarding off on the host,
# nothing the containers send to other addresses goes further.
# Because there is no default bridge, `docker build` needs the host network to
# reach the apt mirror: pong_docker_env exports PONG_BUILD_NETWORK=host, which
# docker-compose.yml passes to `build: network:`.

# Paths and limits (overridable from the environment).
: "${PONG_DOCKER_RUN:=/run/pong-docker}"             # sockets, pid files, exec root, saved host state
: "${PONG_DOCKER_DATA:=/var/lib/pong-docker}"        # images, layers, build cache (kept between runs)
: "${PONG_DOCKER_CACHE:=/var/cache/pong-containers}" # debootstrap tarballs (kept between runs)
: "${PONG_DOCKER_CGROUP:=pong-docker}"
: "${PONG_DOCKER_START_TIMEOUT:=90}"
: "${PONG_BASE_IMAGE:=debian:bookworm-slim}"
: "${PONG_BASE_SUITE:=bookworm}"

PONG_DOCKER_SOCK="$PONG_DOCKER_RUN/docker.sock"
PONG_CONTAINERD_SOCK="$PONG_DOCKER_RUN/containerd/containerd.sock"

_pd_lib_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# stop_pid lives with the other process helpers of pong's scripts.
# shellcheck source=scripts/lib/netns.sh
source "$_pd_lib_dir/../netns.sh"
# shellcheck source=scripts/lib/docker/host_state.sh
source "$_pd_lib_dir/host_state.sh"
# shellcheck source=scripts/lib/docker/base_image.sh
source "$_pd_lib_dir/base_image.sh"

_pd_log() { printf '[docker-engine] %s\n' "$*" >&2; }
_pd_die() {
  _pd_log "error: $*"
  return 1
}

# --- the docker client ---------------------------------------------------------------

# The docker.io client matches the daemon; a newer client elsewhere in PATH
# (e.g. /usr/local/bin/docker) would also work, but one pair is easier to debug.
_pd_docker_bin() {
  if [[ -x /usr/bin/docker ]]; then echo /usr/bin/docker; else command -v docker; fi
}
# pong_docker_cli ARGS...: the docker client, talking to our engine.
pong_docker_cli() {
  DOCKER_HOST="unix://$PONG_DOCKER_SOCK" "$(_pd_docker_bin)" "$@"
}
# pong_docker_cli_t SECONDS ARGS...: the same, bounded.
pong_docker_cli_t() {
  local secs="$1"
  shift
  DOCKER_HOST="unix://$PONG_DOCKER_SOCK" timeout "$secs" "$(_pd_docker_bin)" "$@"
}

# The pid of a long command the library runs in the background (debootstrap,
# import), so that a caller's signal trap can end it: see pong_docker_stop.
PONG_DOCKER_CHILD=""

# pong_docker_bounded SECS CMD...: runs CMD bounded by SECS seconds, in the
# background, and waits for it: a trapped signal interrupts `wait` at once,
# where a foreground child would delay the trap until it ends.
pong_docker_bounded() {
  local secs="$1" rc=0
  shift
  timeout -k 10 "$secs" "$@" &
  PONG_DOCKER_CHILD=$!
  wait "$PONG_DOCKER_CHILD" || rc=$?
  PONG_DOCKER_CHILD=""
  ((rc != 124)) || _pd_log "timed out after ${secs}s: $*"
  return "$rc"
}

# --- packages --------------------------------------------------------------------------

# Installs docker.io, docker-compose, debootstrap and iptables if any is missing.
pong_docker_install_deps() {
  local missing=() cmd
  for cmd in dockerd containerd runc docker-init docker-compose debootstrap iptables iptables-save; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  [[ -x /usr/bin/docker ]] || missing+=(/usr/bin/docker)
  ((${#missing[@]} == 0)) && return 0
  _pd_log "installing docker.io docker-compose debootstrap iptables (missing: ${missing[*]})"
  # Keep the package's init script from starting the system dockerd.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  {
    if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ]] ||
      ! apt-cache show docker.io >/dev/null 2>&1; then
      timeout 600 apt-get update -q
    fi
    DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -q --no-install-recommends \
      docker.io docker-compose debootstrap iptables ca-certificates
  } || rc=$?
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  return "$rc"
}

# --- processes ---------------------------------------------------------------------------

# pong_docker_pids_with TEXT: the pids whose command line contains TEXT (a
# path of ours), except this shell's.
pong_docker_pids_with() {
  local needle="$1" p cmdline
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ "$p" == "$$" || "$p" == "$BASHPID" ]] && continue
    cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")" || continue
    [[ "$cmdline" == *"$needle"* ]] && printf '%s\n' "$p"
  done
  return 0
}

# Is there a dockerd or containerd on this machine that is not ours? Two engines
# would fight over the DOCKER iptables chains, so we refuse to start then.
# Prints the first one found.
pong_docker_foreign_engine() {
  local p exe cmdline
  for p in /proc/[0-9]*; do
    exe="$(readlink "$p/exe" 2>/dev/null)" || continue
    case "${exe##*/}" in
      dockerd | containerd) ;;
      *) continue ;;
    esac
    cmdline="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" || continue
    [[ "$cmdline" == *"$PONG_DOCKER_RUN"* ]] && continue
    printf '%s (pid %s)\n' "$cmdline" "${p#/proc/}"
    return 0
  done
  return 1
}

# _pd_pid_from_file FILE TEXT: the pid in FILE, only if that process still
# runs with TEXT in its command line (a pid file outlives its process).
_pd_pid_from_file() {
  local file="$1" needle="$2" pid
  [[ -r "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$cmdline" == *"$needle"* ]] || return 1
  printf '%s\n' "$pid"
}

_pd_wait_socket() {
  local sock="$1" pid="$2" secs="$3" i
  for ((i = 0; i < secs * 5; i++)); do
    [[ -S "$sock" ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# --- start, stop, status ---------------------------------------------------------------

# Is our engine answering? (bounded: a hung daemon counts as not answering)
pong_docker_cli_quiet_version() {
  [[ -S "$PONG_DOCKER_SOCK" ]] || return 1
  pong_docker_cli_t 10 version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Stops our engine (if any) and removes all it left: safe to call at any time.
pong_docker_stop() {
  local pid
  if [[ -n "$PONG_DOCKER_CHILD" ]]; then
    stop_pid "$PONG_DOCKER_CHILD" 15 || true
    PONG_DOCKER_CHILD=""
  fi
  _pd_clean_partial_rootfs
  if pid="$(_pd_pid_from_file "$PONG_DOCKER_RUN/dockerd.pid" "$PONG_DOCKER_SOCK")"; then
    _pd_log "stopping dockerd (pid $pid)"
    stop_pid "$pid" 40 || true
  fi
  for pid in $(pong_docker_pids_with "$PONG_DOCKER_SOCK"); do
    # a dockerd whose pid file is gone
    [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */dockerd ]] && { stop_pid "$pid" 20 || true; }
  done
  if pid="$(_pd_pid_from_file "$PONG_DOCKER_RUN/containerd.pid" "$PONG_DOCKER_RUN/containerd.toml")"; then
    _pd_log "stopping containerd (pid $pid)"
    stop_pid "$pid" 20 || true
  fi
  for pid in $(pong_docker_pids_with "$PONG_DOCKER_RUN/containerd.toml"); do stop_pid "$pid" 10 || true; done
  # Shims outlive containerd when it is killed; they name its socket.
  for pid in $(pong_docker_pids_with "$PONG_CONTAINERD_SOCK"); do
    [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == *containerd-shim* ]] || continue
    _pd_log "killing leftover containerd shim (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
  done
  _pd_clean_cgroups
  _pd_unmount_below "$PONG_DOCKER_RUN" "$PONG_DOCKER_DATA"
  _pd_clean_links
  _pd_clean_iptables
  _pd_restore_host_state
  if [[ -d "$PONG_DOCKER_RUN" ]]; then
    # keep the daemon logs of the last run for a post-mortem, outside /run
    mkdir -p "$PONG_DOCKER_DATA"
    cp -f "$PONG_DOCKER_RUN"/*.log "$PONG_DOCKER_DATA/" 2>/dev/null || true
    rm -rf --one-file-system "$PONG_DOCKER_RUN"
  fi
  return 0
}

# Starts containerd and dockerd; cleans up a previous run's leftovers first.
pong_docker_start() {
  [[ $EUID -eq 0 ]] || _pd_die "must run as root" || return 1
  if pong_docker_cli_quiet_version 2>/dev/null && _pd_pid_from_file "$PONG_DOCKER_RUN/dockerd.pid" "$PONG_DOCKER_SOCK" >/dev/null; then
    _pd_log "dockerd already running on $PONG_DOCKER_SOCK"
    return 0
  fi
  local foreign
  if foreign="$(pong_docker_foreign_engine)"; then
    _pd_die "another Docker engine runs on this machine: $foreign" || return 1
  fi
  pong_docker_stop
  _pd_save_host_state
  mkdir -p "$PONG_DOCKER_RUN/containerd" "$PONG_DOCKER_DATA/containerd" "$PONG_DOCKER_DATA/docker"

  cat >"$PONG_DOCKER_RUN/containerd.toml" <<TOML
version = 2
root = "$PONG_DOCKER_DATA/containerd"
state = "$PONG_DOCKER_RUN/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$PONG_CONTAINERD_SOCK"
[ttrpc]
  address = "$PONG_CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$PONG_DOCKER_DATA/containerd/opt"
TOML
  echo '{}' >"$PONG_DOCKER_RUN/daemon.json"

  _pd_log "starting containerd"
  setsid containerd --config "$PONG_DOCKER_RUN/containerd.toml" --log-level warn \
    </dev/null >"$PONG_DOCKER_RUN/containerd.log" 2>&1 &
  local cpid=$!
  echo "$cpid" >"$PONG_DOCKER_RUN/containerd.pid"
  _pd_wait_socket "$PONG_CONTAINERD_SOCK" "$cpid" 30 || {
    tail -n 20 "$PONG_DOCKER_RUN/containerd.log" >&2
    _pd_die "containerd did not start"
    return 1
  }

  _pd_log "starting dockerd on $PONG_DOCKER_SOCK"
  setsid dockerd \
    --config-file "$PONG_DOCKER_RUN/daemon.json" \
    --data-root "$PONG_DOCKER_DATA/docker" \
    --exec-root "$PONG_DOCKER_RUN/exec" \
    --pidfile "$PONG_DOCKER_RUN/dockerd.pid" \
    -H "unix://$PONG_DOCKER_SOCK" \
    --containerd "$PONG_CONTAINERD_SOCK" \
    --cgroup-parent "$PONG_DOCKER_CGROUP" \
    --bridge none --ip-forward=false --ip-masq=false --ip6tables=false --userland-proxy=false \
    --storage-driver overlay2 --log-level warn \
    </dev/null >"$PONG_DOCKER_RUN/dockerd.log" 2>&1 &
  local dpid=$! i
  for ((i = 0; i < PONG_DOCKER_START_TIMEOUT * 2; i++)); do
    if pong_docker_cli_quiet_version; then
      _pd_log "dockerd is up (pid $dpid, $(pong_docker_cli version --format '{{.Server.Version}}'))"
      return 0
    fi
    kill -0 "$dpid" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 30 "$PONG_DOCKER_RUN/dockerd.log" >&2
  _pd_die "dockerd did not come up within ${PONG_DOCKER_START_TIMEOUT}s"
}

# The exports a shell needs to use our engine (docker, docker-compose).
pong_docker_env() {
  printf 'export DOCKER_HOST=unix://%s\n' "$PONG_DOCKER_SOCK"
  printf 'export PONG_BUILD_NETWORK=host\n'
}

# Stops the engine and deletes its data root and the debootstrap cache.
pong_docker_purge() {
  pong_docker_stop
  _pd_unmount_below "$PONG_DOCKER_DATA" "$PONG_DOCKER_CACHE"
  rm -rf --one-file-system "$PONG_DOCKER_DATA" "$PONG_DOCKER_CACHE"
}

# Says whether our engine runs (exit status 0) and lists its containers; when
# it does not run (exit status 3), lists what it left on the host, if anything.
pong_docker_status() {
  local pid
  if pid="$(_pd_pid_from_file "$PONG_DOCKER_RUN/dockerd.pid" "$PONG_DOCKER_SOCK")"; then
    echo "dockerd running (pid $pid) on unix://$PONG_DOCKER_SOCK"
    pong_docker_cli ps -a
    return 0
  fi
  echo "dockerd not running"
  pong_docker_leftovers || true
  return 3
}
