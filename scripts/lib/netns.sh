# shellcheck shell=bash
# Two network namespaces joined by a veth pair: the topology of pong's
# tests and demo. Source this file, then call netns_create; netns_cleanup
# runs from the EXIT trap it installs, on success and on failure alike.
#
# Nothing here sends a packet anywhere but between the two namespaces.
#
# It is also the home of stop_pid, which tests/integration/testlib.sh and
# scripts/lib/docker/engine.sh use too. Sourcing it a second time (testlib.sh
# and then a library that wants stop_pid) changes nothing: the lists below
# keep what they hold.
[ -z "${PONG_NETNS_SH_SOURCED:-}" ] || return 0
PONG_NETNS_SH_SOURCED=1

NETNS_SERVER=""
NETNS_CLIENT=""
NETNS_SERVER_ADDR=""
NETNS_CLIENT_ADDR=""
NETNS_SERVER_ADDR6=""
NETNS_CLIENT_ADDR6=""
NETNS_PIDS=()
NETNS_CLEANUP_HOOKS=()

# netns_create SERVER_NS CLIENT_NS [SUBNET_PREFIX]
#   SUBNET_PREFIX is the first three octets of a /24, default 10.111.0;
#   the client gets .2 and the server .3, as in the article's compose setup.
#   IPv6 mirrors it in a ULA /64 (RFC 4193) built from the same numbers:
#   10.111.0 gives fd00:10:111:0::2 and ::3 (NETNS_CLIENT_ADDR6,
#   NETNS_SERVER_ADDR6). Both ends also have their link-local fe80::/64.
netns_create() {
  NETNS_SERVER=$1
  NETNS_CLIENT=$2
  local prefix=${3:-10.111.0}
  NETNS_CLIENT_ADDR=$prefix.2
  NETNS_SERVER_ADDR=$prefix.3
  # A kernel booted with ipv6.disable=1 has no IPv6 at all: then the
  # topology is IPv4 only and the *_ADDR6 variables stay empty.
  local prefix6="" has_ipv6=0
  [ -d /proc/sys/net/ipv6 ] && has_ipv6=1
  if [ "$has_ipv6" = 1 ]; then
    prefix6="fd00:${prefix//./:}:"
    NETNS_CLIENT_ADDR6=${prefix6}:2
    NETNS_SERVER_ADDR6=${prefix6}:3
  fi
  trap netns_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # Leftovers of an earlier, killed run with the same names.
  ip netns del "$NETNS_SERVER" 2>/dev/null || true
  ip netns del "$NETNS_CLIENT" 2>/dev/null || true
  rm -rf "/etc/netns/$NETNS_SERVER" "/etc/netns/$NETNS_CLIENT"
  ip netns add "$NETNS_SERVER"
  ip netns add "$NETNS_CLIENT"
  local veth_s="vs$$" veth_c="vc$$"
  ip link add "$veth_c" netns "$NETNS_CLIENT" type veth peer name "$veth_s" netns "$NETNS_SERVER"
  ip -n "$NETNS_CLIENT" link set "$veth_c" name eth0
  ip -n "$NETNS_SERVER" link set "$veth_s" name eth0
  ip -n "$NETNS_CLIENT" addr add "$NETNS_CLIENT_ADDR/24" dev eth0
  ip -n "$NETNS_SERVER" addr add "$NETNS_SERVER_ADDR/24" dev eth0
  # nodad: the addresses are usable at once, not after duplicate address
  # detection; nothing else is on this link.
  if [ "$has_ipv6" = 1 ]; then
    ip -n "$NETNS_CLIENT" addr add "$NETNS_CLIENT_ADDR6/64" dev eth0 nodad
    ip -n "$NETNS_SERVER" addr add "$NETNS_SERVER_ADDR6/64" dev eth0 nodad
  fi
  for ns in "$NETNS_SERVER" "$NETNS_CLIENT"; do
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
  done
  # Each namespace resolves both names, as containers on a compose network
  # do: ip netns exec mounts /etc/netns/NS/hosts over /etc/hosts.
  for ns in "$NETNS_SERVER" "$NETNS_CLIENT"; do
    mkdir -p "/etc/netns/$ns"
    {
      printf '127.0.0.1\tlocalhost\n%s\t%s\n%s\t%s\n' "$NETNS_SERVER_ADDR" "$NETNS_SERVER" \
        "$NETNS_CLIENT_ADDR" "$NETNS_CLIENT"
      [ "$has_ipv6" = 1 ] && printf '::1\tlocalhost\n%s\t%s\n%s\t%s\n' "$NETNS_SERVER_ADDR6" \
        "$NETNS_SERVER" "$NETNS_CLIENT_ADDR6" "$NETNS_CLIENT"
    } >"/etc/netns/$ns/hosts"
    # Any name not in hosts is asked of loopback inside the namespace, so
    # no DNS query can leave it.
    printf 'nameserver 127.0.0.1\n' >"/etc/netns/$ns/resolv.conf"
  done
  # The server namespace starts with the kernel's echo off, for both
  # families: pong answers.
  ip netns exec "$NETNS_SERVER" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
  [ "$has_ipv6" = 1 ] || return 0
  ip netns exec "$NETNS_SERVER" sysctl -qw net.ipv6.icmp.echo_ignore_all=1
  # Link-local addresses come with the link; wait (bounded) until both
  # ends have left the tentative state, so link-local tests can start.
  local i
  for ((i = 0; i < 50; i++)); do
    ip -n "$NETNS_SERVER" -6 addr show dev eth0 scope link tentative | grep -q inet6 ||
      ip -n "$NETNS_CLIENT" -6 addr show dev eth0 scope link tentative | grep -q inet6 || break
    sleep 0.1
  done
}

# netns_in_server CMD... / netns_in_client CMD...
netns_in_server() { ip netns exec "$NETNS_SERVER" "$@"; }
netns_in_client() { ip netns exec "$NETNS_CLIENT" "$@"; }

# netns_start_bg NS LOGFILE CMD...: runs CMD inside namespace NS in the
# background, remembers it for cleanup, and sets NETNS_LAST_PID to the
# command's own PID (ip netns exec execs it), so signals reach it.
netns_start_bg() {
  local ns=$1 log=$2
  shift 2
  # Emptied now, not by the background job's redirection: a wait_for_log
  # that follows must not find a line a previous process left in LOG.
  : >"$log"
  ip netns exec "$ns" "$@" >>"$log" 2>&1 &
  NETNS_LAST_PID=$!
  NETNS_PIDS+=("$NETNS_LAST_PID")
}

# wait_for_log FILE PATTERN [SECONDS]: bounded wait for a line in a log.
wait_for_log() {
  local file=$1 pattern=$2 seconds=${3:-10} i
  for ((i = 0; i < seconds * 10; i++)); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out after ${seconds}s waiting for '$pattern' in $file" >&2
  return 1
}

# stop_pid PID [SECONDS]: SIGTERM, a bounded wait (SECONDS, default 5),
# then SIGKILL and another bounded wait, so that PID is gone on return.
# Returns what `wait` says: a child's exit status (its own, or 143 and 137
# when SIGTERM or SIGKILL ended it), or 127 for a process that is not this
# shell's child (nothing to wait for: callers that stop such a process, like
# the Docker engine's daemons, ignore the status).
stop_pid() {
  local pid=$1 seconds=${2:-5} i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop_pid: pid $pid still runs ${seconds}s after SIGTERM: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  local status=0
  wait "$pid" 2>/dev/null || status=$?
  return "$status"
}

netns_cleanup() {
  local status=$?
  local pid hook
  for hook in "${NETNS_CLEANUP_HOOKS[@]}"; do "$hook" || true; done
  for pid in "${NETNS_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NETNS_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Anything else still running inside the namespaces.
  for ns in "$NETNS_SERVER" "$NETNS_CLIENT"; do
    [ -n "$ns" ] || continue
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
  done
  return "$status"
}
