#!/usr/bin/env bash
# scripts/lib/dockerd.sh - a private Docker engine for pong's container lab and test.
#
# Our machines run no Docker daemon and can pull no image. This file starts one
# of our own (containerd + dockerd, with their own data root, exec root and
# socket), builds the base image debian:bookworm-slim with debootstrap from the
# machine's apt mirror, and afterwards removes everything the engine left on the
# host: processes, mounts, cgroups, bridges, iptables chains and sysctls.
#
# As a command:
#   scripts/lib/dockerd.sh start       # install packages if missing, start the engine
#   scripts/lib/dockerd.sh base-image  # make debian:bookworm-slim (cached tarball)
#   scripts/lib/dockerd.sh env         # print the exports to use the engine
#   scripts/lib/dockerd.sh status
#   scripts/lib/dockerd.sh stop        # stop the engine and clean the host up
#   scripts/lib/dockerd.sh purge       # stop, then delete images and caches too
#
# As a library: `source scripts/lib/dockerd.sh`, then call the pong_docker_*
# functions. Every wait is bounded. Every step is idempotent: a run killed half
# way is cleaned up by the next `start` or `stop`.
#
# The engine is set up so that it touches the host as little as possible:
#   --bridge=none        no docker0; compose makes its own bridge (pong-lab0)
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
# reach the apt mirror: `pong_docker_env` exports PONG_BUILD_NETWORK=host, which
# docker-compose.yml passes to `build: network:`.
# dockerd still creates its DOCKER* iptables chains; `stop` removes them and
# puts back the FORWARD policy and the bridge-netfilter sysctls it found.

# Paths (overridable from the environment).
: "${PONG_DOCKER_RUN:=/run/pong-docker}"            # sockets, pid files, exec root, saved host state
: "${PONG_DOCKER_DATA:=/var/lib/pong-docker}"       # images, layers, build cache (kept between runs)
: "${PONG_DOCKER_CACHE:=/var/cache/pong-containers}" # debootstrap tarballs (kept between runs)
: "${PONG_DOCKER_CGROUP:=pong-docker}"
: "${PONG_DOCKER_START_TIMEOUT:=90}"
: "${PONG_BASE_IMAGE:=debian:bookworm-slim}"
: "${PONG_BASE_SUITE:=bookworm}"

PONG_DOCKER_SOCK="$PONG_DOCKER_RUN/docker.sock"
PONG_CONTAINERD_SOCK="$PONG_DOCKER_RUN/containerd/containerd.sock"
PONG_DOCKER_STATE="$PONG_DOCKER_RUN/host-state"
# Bridges our engine may create: compose's network is named pong-lab0 by
# docker-compose.yml; br-<12 hex> only if someone makes a network by hand.
PONG_DOCKER_BRIDGE_RE='^(pong-[a-z0-9-]+|br-[0-9a-f]{12})$'

# The docker.io client matches the daemon; a newer client elsewhere in PATH
# (e.g. /usr/local/bin/docker) would also work, but one pair is easier to debug.
_pd_docker_bin() {
  if [[ -x /usr/bin/docker ]]; then echo /usr/bin/docker; else command -v docker; fi
}
pong_docker_cli() {
  DOCKER_HOST="unix://$PONG_DOCKER_SOCK" "$(_pd_docker_bin)" "$@"
}
# The same, bounded: pong_docker_cli_t SECONDS ARGS...
pong_docker_cli_t() {
  local secs="$1"
  shift
  DOCKER_HOST="unix://$PONG_DOCKER_SOCK" timeout "$secs" "$(_pd_docker_bin)" "$@"
}

# The pid of a long command the library runs in the background (debootstrap,
# import), so that a caller's signal trap can end it: see pong_docker_stop.
PONG_DOCKER_CHILD=""

# Runs CMD bounded by SECS seconds, in the background, and waits for it: a
# trapped signal interrupts `wait` at once, where a foreground child would
# delay the trap until it ends. Usage: pong_docker_bounded SECS CMD...
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

_pd_log() { printf '[dockerd.sh] %s\n' "$*" >&2; }
_pd_die() { _pd_log "error: $*"; return 1; }

# --- packages --------------------------------------------------------------------

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

# --- processes -------------------------------------------------------------------

# Prints the pids whose command line contains $1 (a path of ours), except ours.
_pd_pids_with() {
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

# Sends SIGTERM to pid $1, waits up to $2 seconds, then SIGKILL.
_pd_stop_pid() {
  local pid="$1" secs="$2" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  _pd_log "pid $pid ignored SIGTERM for ${secs}s, killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 0
}

# Pid from a pid file, only if that process still runs with $2 in its command line.
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

# Every cgroup directory named $PONG_DOCKER_CGROUP, in v1 and v2 hierarchies.
_pd_cgroup_dirs() {
  local d
  for d in /sys/fs/cgroup/"$PONG_DOCKER_CGROUP" /sys/fs/cgroup/*/"$PONG_DOCKER_CGROUP"; do
    [[ -d "$d" ]] && printf '%s\n' "$d"
  done
  return 0
}

# Kills whatever still runs in our containers' cgroups and removes the cgroups.
_pd_clean_cgroups() {
  local d pids pid i
  for ((i = 0; i < 20; i++)); do
    pids="$(_pd_cgroup_dirs | while read -r d; do find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un)"
    [[ -z "$pids" ]] && break
    ((i == 0)) && _pd_log "killing leftover container processes: $(echo "$pids" | tr '\n' ' ')"
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.2
  done
  _pd_cgroup_dirs | while read -r d; do
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  return 0
}

# --- mounts ------------------------------------------------------------------------

# Unmounts everything below the given directories, deepest first.
_pd_unmount_below() {
  local dir m
  for dir in "$@"; do
    [[ -d "$dir" ]] || continue
    dir="$(readlink -f "$dir")"
    while read -r m; do
      [[ -z "$m" ]] && continue
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || _pd_log "warning: could not unmount $m"
    done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  done
  return 0
}

# --- host state (sysctls, iptables) ----------------------------------------------

# Saves what dockerd may change, once: a run killed half way must not make the
# next run think that dockerd's values were the host's.
_pd_save_host_state() {
  [[ -s "$PONG_DOCKER_STATE" ]] && return 0
  mkdir -p "$PONG_DOCKER_RUN"
  local f tmp="$PONG_DOCKER_STATE.tmp"
  : >"$tmp"
  for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv6/conf/default/forwarding \
    /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables; do
    [[ -r "$f" ]] && printf 'sysctl %s %s\n' "$f" "$(cat "$f")" >>"$tmp"
  done
  local policy
  policy="$(iptables -w 5 -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }')"
  [[ -n "$policy" ]] && printf 'forward-policy %s\n' "$policy" >>"$tmp"
  _pd_iptables_digest >"$PONG_DOCKER_RUN/iptables.before"
  mv "$tmp" "$PONG_DOCKER_STATE"
}

# iptables' rules and chains, one per line with its table; a built-in chain with
# policy ACCEPT and no rules counts as absent (iptables-nft cannot delete a table).
_pd_iptables_digest() {
  command -v iptables-save >/dev/null 2>&1 || return 0
  iptables-save 2>/dev/null | awk '
    /^\*/ { t = substr($0, 2); next }
    /^:/ { if ($2 == "ACCEPT" && $1 ~ /^:(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/) next; print t, $1, $2; next }
    /^-/ { print t, $0 }'
}

# Removes dockerd's rules and chains from the filter and nat tables: rules that
# jump to a DOCKER* chain or name one of our bridges, then the chains.
_pd_clean_iptables() {
  command -v iptables >/dev/null 2>&1 || return 0
  local table rule chain bridges
  bridges="$(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | { grep -E "$PONG_DOCKER_BRIDGE_RE" || true; } | paste -sd'|' -)"
  for table in filter nat; do
    iptables -w 5 -t "$table" -S >/dev/null 2>&1 || continue
    while read -r rule; do
      # shellcheck disable=SC2086  # the rule is iptables' own words, split on purpose
      eval "iptables -w 5 -t $table -D ${rule#-A }" 2>/dev/null || true
    done < <(iptables -w 5 -t "$table" -S | grep -E '^-A ' | grep -vE '^-A DOCKER' |
      grep -E -- "-j DOCKER|-g DOCKER|[io] (pong-[a-z0-9-]+|br-[0-9a-f]{12})( |$)${bridges:+|[io] ($bridges)( |$)}" || true)
    while read -r chain; do
      iptables -w 5 -t "$table" -F "$chain" 2>/dev/null || true
    done < <(iptables -w 5 -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }')
    while read -r chain; do
      iptables -w 5 -t "$table" -X "$chain" 2>/dev/null || _pd_log "warning: could not delete iptables chain $table/$chain"
    done < <(iptables -w 5 -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ { print $2 }')
  done
  return 0
}

_pd_restore_host_state() {
  [[ -r "$PONG_DOCKER_STATE" ]] || return 0
  local kind a b
  while read -r kind a b; do
    case "$kind" in
      sysctl)
        if [[ -w "$a" && "$(cat "$a" 2>/dev/null)" != "$b" ]]; then
          _pd_log "restoring ${a#/proc/sys/} = $b"
          echo "$b" >"$a" || _pd_log "warning: could not restore $a"
        fi
        ;;
      forward-policy)
        iptables -w 5 -P FORWARD "$a" 2>/dev/null || true
        ;;
    esac
  done <"$PONG_DOCKER_STATE"
  if [[ -r "$PONG_DOCKER_RUN/iptables.before" ]]; then
    _pd_iptables_digest >"$PONG_DOCKER_RUN/iptables.after"
    if ! diff -q "$PONG_DOCKER_RUN/iptables.before" "$PONG_DOCKER_RUN/iptables.after" >/dev/null; then
      _pd_log "warning: iptables rules differ from before the engine started:"
      diff "$PONG_DOCKER_RUN/iptables.before" "$PONG_DOCKER_RUN/iptables.after" >&2 || true
    fi
  fi
  rm -f "$PONG_DOCKER_STATE"
}

_pd_clean_links() {
  local link
  while read -r link; do
    [[ -z "$link" ]] && continue
    _pd_log "deleting bridge $link"
    ip link delete "$link" 2>/dev/null || true
  done < <(ip -o link show type bridge 2>/dev/null | awk -F': ' '{ print $2 }' | grep -E "$PONG_DOCKER_BRIDGE_RE" || true)
  return 0
}

# --- start / stop ------------------------------------------------------------------

# Is our engine answering? (bounded: a hung daemon counts as not answering)
pong_docker_cli_quiet_version() {
  [[ -S "$PONG_DOCKER_SOCK" ]] || return 1
  pong_docker_cli_t 10 version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Stops our engine (if any) and removes all it left: safe to call at any time.
pong_docker_stop() {
  local pid
  if [[ -n "$PONG_DOCKER_CHILD" ]]; then
    _pd_stop_pid "$PONG_DOCKER_CHILD" 15
    PONG_DOCKER_CHILD=""
  fi
  _pd_clean_partial_rootfs
  if pid="$(_pd_pid_from_file "$PONG_DOCKER_RUN/dockerd.pid" "$PONG_DOCKER_SOCK")"; then
    _pd_log "stopping dockerd (pid $pid)"
    _pd_stop_pid "$pid" 40
  fi
  for pid in $(_pd_pids_with "$PONG_DOCKER_SOCK"); do
    # a dockerd whose pid file is gone
    [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == */dockerd ]] && _pd_stop_pid "$pid" 20
  done
  if pid="$(_pd_pid_from_file "$PONG_DOCKER_RUN/containerd.pid" "$PONG_DOCKER_RUN/containerd.toml")"; then
    _pd_log "stopping containerd (pid $pid)"
    _pd_stop_pid "$pid" 20
  fi
  for pid in $(_pd_pids_with "$PONG_DOCKER_RUN/containerd.toml"); do _pd_stop_pid "$pid" 10; done
  # Shims outlive containerd when it is killed; they name its socket.
  for pid in $(_pd_pids_with "$PONG_CONTAINERD_SOCK"); do
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

_pd_wait_socket() {
  local sock="$1" pid="$2" secs="$3" i
  for ((i = 0; i < secs * 5; i++)); do
    [[ -S "$sock" ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
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

  cat >"$PONG_DOCKER_RUN/containerd.toml" <<EOF
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
EOF
  echo '{}' >"$PONG_DOCKER_RUN/daemon.json"

  _pd_log "starting containerd"
  setsid containerd --config "$PONG_DOCKER_RUN/containerd.toml" --log-level warn \
    </dev/null >"$PONG_DOCKER_RUN/containerd.log" 2>&1 &
  local cpid=$!
  echo "$cpid" >"$PONG_DOCKER_RUN/containerd.pid"
  _pd_wait_socket "$PONG_CONTAINERD_SOCK" "$cpid" 30 ||
    { tail -n 20 "$PONG_DOCKER_RUN/containerd.log" >&2; _pd_die "containerd did not start"; return 1; }

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

pong_docker_env() {
  printf 'export DOCKER_HOST=unix://%s\n' "$PONG_DOCKER_SOCK"
  printf 'export PONG_BUILD_NETWORK=host\n'
}

# --- base image ----------------------------------------------------------------------

# The Debian archive URL from the machine's apt sources (deb822 *.sources first,
# then one-line *.list): the first enabled `deb` entry for suite bookworm with
# component main. PONG_APT_MIRROR overrides it.
pong_apt_mirror() {
  if [[ -n "${PONG_APT_MIRROR:-}" ]]; then
    printf '%s\n' "$PONG_APT_MIRROR"
    return 0
  fi
  local suite="$PONG_BASE_SUITE" f url="" etc="${PONG_APT_ETC:-/etc/apt}"
  for f in "$etc"/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    url="$(awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" suite "( |$)") && comps ~ /(^| )main( |$)/ && tolower(enabled) != "no" && uris != "") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = uris = suites = comps = enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "") }
      key == "types" { types = $0 } key == "uris" { uris = $0 } key == "suites" { suites = $0 }
      key == "components" { comps = $0 } key == "enabled" { enabled = $0 }
      END { if (!found) flush() }' "$f")"
    [[ -n "$url" ]] && break
  done
  if [[ -z "$url" ]]; then
    for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
      [[ -r "$f" ]] || continue
      url="$(awk -v suite="$suite" '
        $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                      if ($(i + 1) == suite) { for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit } } }' "$f")"
      [[ -n "$url" ]] && break
    done
  fi
  [[ -n "$url" ]] || _pd_die "no enabled 'deb' source for $suite/main in $etc (set PONG_APT_MIRROR)" || return 1
  printf '%s\n' "${url%/}"
}

# Trims a debootstrapped tree the way Debian's -slim images are trimmed.
_pd_slimify() {
  local root="$1"
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d"
  cat >"$root/etc/dpkg/dpkg.cfg.d/pong-slim" <<'EOF'
# Like debian:*-slim: no documentation, manuals or translations.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat >"$root/etc/apt/apt.conf.d/pong-slim" <<'EOF'
Acquire::Languages "none";
APT::AutoRemove::SuggestsImportant "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf --one-file-system "$root"/usr/share/{man,groff,info,lintian,linda,locale}/* \
    "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/log/* "$root"/tmp/* "$root"/var/tmp/* 2>/dev/null || true
  : >"$root/etc/machine-id" 2>/dev/null || true
}

# Removes what a debootstrap that was interrupted left in the cache: processes
# still working in its tree (by their root or command line), mounts, the tree.
_pd_clean_partial_rootfs() {
  local stale p i
  for stale in "$PONG_DOCKER_CACHE"/rootfs.*; do
    [[ -d "$stale" ]] || continue
    for ((i = 0; i < 3; i++)); do
      for p in /proc/[0-9]*; do
        if [[ "$(readlink "$p/root" 2>/dev/null)" == "$stale"* ||
          "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" == *"$stale"* ]]; then
          kill -KILL "${p#/proc/}" 2>/dev/null || true
        fi
      done
      sleep 0.2
    done
    _pd_unmount_below "$stale"
    rm -rf --one-file-system "$stale"
  done
  rm -f "$PONG_DOCKER_CACHE"/*.tar.part
  return 0
}

# Makes the image $PONG_BASE_IMAGE if the engine does not have it. The rootfs
# tarball is cached in $PONG_DOCKER_CACHE, keyed by mirror, suite and arch.
pong_docker_base_image() {
  if pong_docker_cli_t 30 image inspect "$PONG_BASE_IMAGE" >/dev/null 2>&1; then
    _pd_log "base image $PONG_BASE_IMAGE already present"
    return 0
  fi
  local mirror arch key tarball
  mirror="$(pong_apt_mirror)" || return 1
  arch="$(dpkg --print-architecture)"
  key="$(printf '%s' "$mirror" | sha256sum | cut -c1-12)"
  tarball="$PONG_DOCKER_CACHE/debian-$PONG_BASE_SUITE-minbase-$arch-$key.tar"
  mkdir -p "$PONG_DOCKER_CACHE"
  _pd_clean_partial_rootfs
  if [[ ! -s "$tarball" ]]; then
    local root
    root="$(mktemp -d "$PONG_DOCKER_CACHE/rootfs.XXXXXX")"
    _pd_log "debootstrap --variant=minbase $PONG_BASE_SUITE from $mirror (a few minutes)"
    if ! pong_docker_bounded 1200 debootstrap --variant=minbase --arch="$arch" "$PONG_BASE_SUITE" "$root" "$mirror" \
      >"$PONG_DOCKER_CACHE/debootstrap.log" 2>&1; then
      tail -n 30 "$PONG_DOCKER_CACHE/debootstrap.log" >&2
      _pd_clean_partial_rootfs
      _pd_die "debootstrap failed (log: $PONG_DOCKER_CACHE/debootstrap.log)"
      return 1
    fi
    _pd_unmount_below "$root"
    _pd_slimify "$root"
    tar --numeric-owner --one-file-system -C "$root" -cf "$tarball.part" . &&
      mv "$tarball.part" "$tarball"
    rm -rf --one-file-system "$root"
    [[ -s "$tarball" ]] || _pd_die "could not write $tarball" || return 1
  fi
  _pd_log "importing $tarball as $PONG_BASE_IMAGE"
  DOCKER_HOST="unix://$PONG_DOCKER_SOCK" pong_docker_bounded 600 "$(_pd_docker_bin)" import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "debootstrap --variant=minbase $PONG_BASE_SUITE $mirror" \
    "$tarball" "$PONG_BASE_IMAGE" >/dev/null
}

# Stops the engine and deletes its data root and the debootstrap cache.
pong_docker_purge() {
  pong_docker_stop
  _pd_unmount_below "$PONG_DOCKER_DATA" "$PONG_DOCKER_CACHE"
  rm -rf --one-file-system "$PONG_DOCKER_DATA" "$PONG_DOCKER_CACHE"
}

pong_docker_status() {
  local pid
  if pid="$(_pd_pid_from_file "$PONG_DOCKER_RUN/dockerd.pid" "$PONG_DOCKER_SOCK")"; then
    echo "dockerd running (pid $pid) on unix://$PONG_DOCKER_SOCK"
    pong_docker_cli ps -a
  else
    echo "dockerd not running"
    return 3
  fi
}

# --- command line ----------------------------------------------------------------------

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  case "${1:-}" in
    start) pong_docker_install_deps && pong_docker_start && pong_docker_env ;;
    stop) pong_docker_stop ;;
    base-image) pong_docker_base_image ;;
    env) pong_docker_env ;;
    status) pong_docker_status ;;
    purge) pong_docker_purge ;;
    mirror) pong_apt_mirror ;;
    *)
      echo "usage: $0 start|stop|status|base-image|env|purge|mirror" >&2
      exit 2
      ;;
  esac
fi
