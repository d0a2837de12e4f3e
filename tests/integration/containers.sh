#!/usr/bin/env bash
# tests/integration/containers.sh - the article's icmp-server / icmp-client setup,
# built and run for real with a private Docker engine (scripts/lib/dockerd.sh).
#
# Checks, in order:
#   1. docker-compose config -q passes;
#   2. docker-compose build (multi-stage, unit tests inside) and up -d work;
#   3. the client's start-up pings (pinger and iputils ping) are all answered,
#      with no DUP!, and `docker exec icmp-client pinger icmp-server` works;
#   4. the server's log shows each request; the server runs with CAP_NET_RAW
#      only, a read-only root and kernel echo off;
#   5. the article's point: a second pong where kernel echo is still on makes
#      every request get two replies, and ping shows DUP!;
#   6. the server stops within a second on SIGTERM, with exit status 0;
#   7. with pong stopped - a container with the server's name, address and
#      sysctls but no pong in it - the same pings go unanswered;
#   8. docker-compose down.
# Afterwards (also after a failure or an interrupt) the engine is stopped and
# its bridges, iptables chains, mounts, cgroups and sysctl changes are removed.
#
# Needs root. Exit status: 0 pass, 1 fail, 77 skipped (not root, or another
# Docker engine runs on this machine).
#
# Environment:
#   PONG_CONTAINERS_FRESH=1  delete the engine's images and the debootstrap cache
#                            first (a run from scratch)
#   PING_COUNT               pings per tool (default 4)
#   PONG_STOP_LIMIT_MS       how fast the server must stop (default 1000)
#   PONG_CONTAINERS_LOGDIR   where build and daemon logs go
#                            (default /tmp/pong-containers-logs)
#   PONG_DOCKER_MAX_MB       above this, unused images are removed at the end
#                            (default 6000)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T0="$(date +%s)"
PING_COUNT="${PING_COUNT:-4}"
PONG_STOP_LIMIT_MS="${PONG_STOP_LIMIT_MS:-1000}"
LOGDIR="${PONG_CONTAINERS_LOGDIR:-/tmp/pong-containers-logs}"
PONG_DOCKER_MAX_MB="${PONG_DOCKER_MAX_MB:-6000}"
export PING_COUNT

echo "=== containers: START $(date -u '+%Y-%m-%d %H:%M:%S UTC'): private dockerd, debootstrap base image, compose build/up, pings, down (a few minutes; the first run downloads packages) ==="

end_line() { echo "=== containers: $1 ($(($(date +%s) - T0)) s) ==="; }

if [[ $EUID -ne 0 ]]; then
  echo "containers: needs root (dockerd, debootstrap, iptables)"
  end_line "SKIP"
  exit 77
fi

# shellcheck source=scripts/lib/dockerd.sh
source "$REPO/scripts/lib/dockerd.sh"

export DOCKER_HOST="unix://$PONG_DOCKER_SOCK"
STEP="setup"
FAILED=""
ENGINE_STARTED=0

step() {
  STEP="$1"
  echo "--- [$(($(date +%s) - T0))s] $STEP"
}
ok() { echo "    ok: $*"; }
fail() {
  FAILED="$STEP: $*"
  echo "    FAIL: $*" >&2
  exit 1
}
indent() { sed "s/^/    | /"; }
dk() { pong_docker_cli "$@"; }
dk_t() { pong_docker_cli_t "$@"; }

# Long commands run in the background (pong_docker_bounded), so that a signal
# to this script is handled at once; the trap then ends them by their pid.
# Usage: bounded SECONDS LOGFILE CMD...
bounded() {
  local secs="$1" log="$2"
  shift 2
  pong_docker_bounded "$secs" "$@" >"$log" 2>&1
}

show_log() {
  local log="$1" n="${2:-40}"
  [[ -r "$log" ]] || return 0
  echo "    --- last $n lines of $log:" >&2
  tail -n "$n" "$log" | indent >&2
}

# Leftovers the engine must not leave on the host.
check_leftovers() {
  local bad=() pids links rules
  # (each listing is read whole before it is searched: `cmd | grep -q` could
  # fail under pipefail when grep quits early)
  links="$(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')"
  links="$(grep -E "$PONG_DOCKER_BRIDGE_RE" <<<"$links" | paste -sd' ' - || true)"
  [[ -z "$links" ]] || bad+=("bridges: $links")
  rules="$(iptables-save 2>/dev/null || true)"
  rules="$(grep -cE 'DOCKER|pong-lab' <<<"$rules" || true)"
  ((rules == 0)) || bad+=("iptables: $rules lines mention DOCKER or pong-lab")
  [[ "$(cat /proc/sys/net/ipv4/ip_forward)" == "$IP_FORWARD_BEFORE" ]] ||
    bad+=("net.ipv4.ip_forward is $(cat /proc/sys/net/ipv4/ip_forward), was $IP_FORWARD_BEFORE")
  pids="$(_pd_pids_with "$PONG_DOCKER_RUN" | paste -sd' ' -)"
  [[ -z "$pids" ]] || bad+=("processes: $pids")
  if awk -v r="$PONG_DOCKER_RUN" -v d="$PONG_DOCKER_DATA" '
    $5 == r || $5 == d || index($5, r "/") == 1 || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    bad+=("mounts under $PONG_DOCKER_RUN or $PONG_DOCKER_DATA")
  fi
  [[ -z "$(_pd_cgroup_dirs)" ]] || bad+=("cgroups: $(_pd_cgroup_dirs | paste -sd' ' -)")
  if ((${#bad[@]})); then
    printf '    leftover: %s\n' "${bad[@]}" >&2
    return 1
  fi
  echo "    ok: no leftovers (bridges, iptables, ip_forward=$IP_FORWARD_BEFORE, processes, mounts, cgroups)"
}

finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  exec 1>&7 2>&8 # a signal may have come while a command's output went to a log
  if [[ -n "$PONG_DOCKER_CHILD" ]]; then
    _pd_stop_pid "$PONG_DOCKER_CHILD" 15
    PONG_DOCKER_CHILD=""
  fi
  if ((rc != 0)) && [[ -z "$FAILED" ]]; then
    FAILED="$STEP: exit status $rc"
  fi
  if ((ENGINE_STARTED)); then
    echo "--- [$(($(date +%s) - T0))s] cleanup: compose down, stop dockerd, remove what it made"
    if ((rc != 0)) && pong_docker_cli_quiet_version; then
      dk_t 30 logs --tail 30 icmp-server >"$LOGDIR/icmp-server.log" 2>&1 && show_log "$LOGDIR/icmp-server.log" 30
      dk_t 30 logs --tail 30 icmp-client >"$LOGDIR/icmp-client.log" 2>&1 && show_log "$LOGDIR/icmp-client.log" 30
    fi
    if pong_docker_cli_quiet_version; then
      dk_t 30 rm -f icmp-server-idle icmp-server-dup >/dev/null 2>&1
      timeout -k 5 60 docker-compose down --remove-orphans -t 2 >"$LOGDIR/down-cleanup.log" 2>&1
    fi
    # Each rebuild leaves the previous images behind; keep the data root bounded.
    used_mb="$(du -smx "$PONG_DOCKER_DATA" 2>/dev/null | cut -f1)"
    if ((${used_mb:-0} > PONG_DOCKER_MAX_MB)) && pong_docker_cli_quiet_version; then
      echo "    $PONG_DOCKER_DATA holds ${used_mb} MB (over $PONG_DOCKER_MAX_MB): removing unused images"
      dk_t 300 image prune -af >/dev/null 2>&1
    fi
    cp -f "$PONG_DOCKER_RUN"/*.log "$LOGDIR/" 2>/dev/null
    pong_docker_stop
    if ! check_leftovers; then
      [[ -n "$FAILED" ]] || FAILED="cleanup left things behind"
    fi
  fi
  if [[ -n "$FAILED" ]]; then
    echo "containers: logs in $LOGDIR" >&2
    end_line "FAIL: $FAILED"
    exit 1
  fi
  end_line "PASS"
  exit 0
}
on_signal() {
  exec 1>&7 2>&8
  FAILED="$STEP: interrupted by SIG$1"
  echo "    interrupted by SIG$1" >&2
  exit 1
}
exec 7>&1 8>&2
trap finish EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log
IP_FORWARD_BEFORE="$(cat /proc/sys/net/ipv4/ip_forward)"

# --- the engine -------------------------------------------------------------------
step "install docker.io docker-compose debootstrap (if missing)"
pong_docker_install_deps >"$LOGDIR/apt.log" 2>&1 || { show_log "$LOGDIR/apt.log"; fail "apt-get install failed"; }
ok "$(/usr/bin/docker --version); $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"

if foreign="$(pong_docker_foreign_engine)"; then
  echo "containers: another Docker engine runs here ($foreign); this test needs the DOCKER iptables chains to itself"
  end_line "SKIP"
  trap - EXIT
  exit 77
fi

step "start a private dockerd (socket $PONG_DOCKER_SOCK)"
ENGINE_STARTED=1
pong_docker_stop # a previous run's engine, if it was killed
if [[ "${PONG_CONTAINERS_FRESH:-0}" == 1 ]]; then
  echo "    PONG_CONTAINERS_FRESH=1: deleting $PONG_DOCKER_DATA and $PONG_DOCKER_CACHE"
  pong_docker_purge
fi
pong_docker_start || { show_log "$PONG_DOCKER_RUN/dockerd.log"; fail "dockerd did not start"; }
export PONG_BUILD_NETWORK=host # the engine has no default bridge: builds use the host's network
export COMPOSE_PROJECT_NAME=pong COMPOSE_FILE="$REPO/docker-compose.yml"
unset COMPOSE_DOCKER_CLI_BUILD DOCKER_BUILDKIT
cd "$REPO"
ok "dockerd $(dk version --format '{{.Server.Version}}')"

step "base image debian:bookworm-slim (debootstrap --variant=minbase from $(pong_apt_mirror))"
pong_docker_base_image || fail "could not make the base image"
ok "$(dk image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' debian:bookworm-slim)"

# A run that was killed leaves its containers in the data root.
dk_t 30 rm -f icmp-server-idle icmp-server-dup >/dev/null 2>&1 || true
timeout -k 5 60 docker-compose down --remove-orphans -t 1 >/dev/null 2>&1 || true

# --- compose ----------------------------------------------------------------------
step "docker-compose config -q"
docker-compose config -q || fail "docker-compose config -q failed"
ok "docker-compose.yml is valid for docker-compose $(docker-compose version --short)"
if docker compose version >/dev/null 2>&1; then
  docker compose config -q || fail "docker compose (v2) config -q failed"
  ok "and for $(docker compose version --short 2>/dev/null | sed 's/^/docker compose /')"
fi

step "docker-compose build (build stage compiles and runs the unit tests; up to 30 min)"
t="$(date +%s)"
bounded 1800 "$LOGDIR/build.log" docker-compose build || { show_log "$LOGDIR/build.log" 60; fail "docker-compose build failed"; }
tests_line="$(grep -E 'tests passed|tests failed' "$LOGDIR/build.log" | tail -n 1 || true)"
echo "    unit tests in the build: ${tests_line:-(cached: the sources did not change since the last build)}"
size="$(dk image inspect -f '{{.Size}}' pong-lab:latest)"
ok "built in $(($(date +%s) - t)) s; image pong-lab:latest is $((size / 1000000)) MB ($(dk run --rm --network none --entrypoint sh pong-lab:latest -c 'ls /usr/local/bin | paste -sd" " -'))"

step "docker-compose up -d (the client waits for the server's healthcheck)"
bounded 240 "$LOGDIR/up.log" docker-compose up -d || { show_log "$LOGDIR/up.log"; fail "docker-compose up -d failed"; }
SERVER_IP="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' icmp-server)"
CLIENT_IP="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' icmp-client)"
ok "icmp-server $SERVER_IP, icmp-client $CLIENT_IP on bridge pong-lab0"

# --- the client's start-up pings ----------------------------------------------------
step "the client's $PING_COUNT pinger + $PING_COUNT ping requests are all answered, no DUP!"
client_log="$LOGDIR/icmp-client.start.log"
for ((i = 0; i < 120; i++)); do
  dk_t 30 logs icmp-client >"$client_log" 2>&1 || true
  grep -q 'icmp-client: ready' "$client_log" && break
  sleep 0.5
done
grep -q 'icmp-client: ready' "$client_log" || { show_log "$client_log"; fail "the client did not finish its pings within 60 s"; }
indent <"$client_log"
if grep -q 'DUP!' "$client_log"; then fail "duplicate replies (DUP!): is kernel echo on in the server?"; fi
grep -q 'icmp-client: pinger is not installed' "$client_log" && fail "pinger is not in the image"
pinger_part="$(sed -n '/^icmp-client: pinger -c/,/^icmp-client: pinger exit status/p' "$client_log")"
ping_part="$(sed -n '/^icmp-client: ping -c/,/^icmp-client: ping exit status/p' "$client_log")"
grep -qx 'icmp-client: pinger exit status 0' <<<"$pinger_part" || fail "pinger did not exit 0"
grep -qx 'icmp-client: ping exit status 0' <<<"$ping_part" || fail "ping did not exit 0"
for ((s = 0; s < PING_COUNT; s++)); do
  grep -qE "bytes from .*icmp_seq=$s([^0-9]|$)" <<<"$pinger_part" || fail "pinger got no reply for icmp_seq=$s"
done
for ((s = 1; s <= PING_COUNT; s++)); do
  grep -qE "bytes from .*icmp_seq=$s([^0-9]|$)" <<<"$ping_part" || fail "ping got no reply for icmp_seq=$s"
done
grep -qE "^$PING_COUNT packets transmitted, $PING_COUNT received" <<<"$ping_part" || fail "ping's summary is not $PING_COUNT/$PING_COUNT"
grep -qE "^$PING_COUNT packets transmitted, $PING_COUNT received" <<<"$pinger_part" || fail "pinger's summary is not $PING_COUNT/$PING_COUNT"
ok "pinger $PING_COUNT/$PING_COUNT and ping $PING_COUNT/$PING_COUNT answered, no DUP!"

step "the server's log shows each request"
server_log="$LOGDIR/icmp-server.start.log"
dk_t 30 logs icmp-server >"$server_log" 2>&1 || fail "docker logs icmp-server failed"
indent <"$server_log"
requests="$(grep -cE "from $CLIENT_IP\b.*icmp_seq=" "$server_log" || true)"
((requests == 2 * PING_COUNT)) || fail "the server logged $requests requests from $CLIENT_IP, expected $((2 * PING_COUNT))"
for ((s = 0; s < PING_COUNT; s++)); do
  grep -E "from $CLIENT_IP\b.*icmp_seq=$s([^0-9]|$)" "$server_log" | grep 'hello from client' >/dev/null ||
    fail "no log line for pinger's request icmp_seq=$s with data 'hello from client'"
done
for ((s = 1; s <= PING_COUNT; s++)); do
  grep -E "from $CLIENT_IP\b.*icmp_seq=$s([^0-9]|$)" "$server_log" | grep -v 'hello from client' >/dev/null ||
    fail "no log line for ping's request icmp_seq=$s"
done
ok "$requests requests logged with their id, seq and data"

step "the article's command: docker exec icmp-client pinger -c 3 icmp-server"
rc=0
out="$(dk_t 60 exec icmp-client pinger -c 3 -i 0.2 icmp-server 2>&1)" || rc=$?
((rc == 0)) || { indent <<<"$out"; fail "pinger's exit status is $rc"; }
indent <<<"$out"
grep -q 'DUP!' <<<"$out" && fail "duplicate replies"
(($(grep -c 'bytes from' <<<"$out") == 3)) || fail "expected 3 replies"
ok "3 replies"

step "LAB.md's helpers for the compose setup work as the hand-out says"
# The hand-out's table defines client, server, lab and pong_counters for
# compose; define them exactly as written there (docker bounded to 30 s,
# through this test's engine) and use each once.
# shellcheck disable=SC2016 # backticks in the pattern, not expansions
helpers="$(sed -nE 's/^\| `[a-z_]+` \| `([a-z_]+\(\) \{.*\})` \|$/\1/p' "$REPO/LAB.md")"
(($(wc -l <<<"$helpers") >= 4)) || fail "LAB.md's compose helper table not found"
eval "${helpers//docker /dk_t 30 }"
out="$(client ping -c 2 -i 0.2 icmp-server 2>&1)" || { indent <<<"$out"; fail "client ping"; }
grep -q "2 received" <<<"$out" || { indent <<<"$out"; fail "client ping: not 2 of 2"; }
out="$(lab checksum 00 01 f2 03 f4 f5 f6 f7 2>&1)" || { indent <<<"$out"; fail "lab checksum"; }
grep -q "0xddf2" <<<"$out" || { indent <<<"$out"; fail "lab checksum: no 0xddf2"; }
[[ "$(server cat /proc/sys/net/ipv4/icmp_echo_ignore_all)" == 1 ]] || fail "server: kernel echo on"
out="$(pong_counters 2>&1)" || true
grep -qE "[0-9]+ received, [0-9]+ answered" <<<"$out" || { indent <<<"$out"; fail "pong_counters"; }
ok "client, server, lab and pong_counters from LAB.md all work against the containers"

step "the server's confinement: CAP_NET_RAW only, read-only root, kernel echo off"
[[ "$(dk inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.CapAdd}}' icmp-server)" == "true [ALL] [NET_RAW]" ]] ||
  fail "unexpected HostConfig: $(dk inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.CapAdd}}' icmp-server)"
pong_pid="$(dk inspect -f '{{.State.Pid}}' icmp-server)"
[[ "$(cat "/proc/$pong_pid/comm")" == pong ]] || fail "PID 1 of icmp-server is $(cat "/proc/$pong_pid/comm"), not pong"
# The container's bounding set is CAP_NET_RAW alone; pong may have dropped even
# that from its effective set once its socket was open.
capbnd="$(awk '/^CapBnd:/ { print $2 }' "/proc/$pong_pid/status")"
capeff="$(awk '/^CapEff:/ { print $2 }' "/proc/$pong_pid/status")"
[[ "$capbnd" == 0000000000002000 ]] || fail "pong's bounding capabilities are $capbnd, expected 0000000000002000 (CAP_NET_RAW)"
[[ "$capeff" == 0000000000002000 || "$capeff" == 0000000000000000 ]] || fail "pong's effective capabilities are $capeff"
[[ "$(dk_t 30 exec icmp-server cat /proc/sys/net/ipv4/icmp_echo_ignore_all)" == 1 ]] || fail "kernel echo is on in icmp-server"
if dk_t 30 exec icmp-server touch /probe 2>/dev/null; then fail "icmp-server's root is writable"; fi
ok "pong is PID 1 with CapBnd=$capbnd (CAP_NET_RAW) CapEff=$capeff, root read-only, icmp_echo_ignore_all=1"

step "the article's point: with kernel echo on as well, every request gets two replies (DUP!)"
# A second pong, in a container that keeps the kernel's echo on.
# shellcheck disable=SC2016 # a Go template, not shell
network="$(dk inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' icmp-server)"
dk_t 60 run -d --name icmp-server-dup --network "$network" --cap-drop ALL --cap-add NET_RAW --read-only \
  pong-lab:latest pong >/dev/null 2>"$LOGDIR/dup.err" || { show_log "$LOGDIR/dup.err"; fail "could not start icmp-server-dup"; }
for ((i = 0; i < 40; i++)); do
  grep -q ':0001 ' "/proc/$(dk inspect -f '{{.State.Pid}}' icmp-server-dup)/net/raw" 2>/dev/null && break
  sleep 0.25
done
rc=0
out="$(dk_t 60 exec icmp-client ping -c "$PING_COUNT" -i 0.2 -W 1 icmp-server-dup 2>&1)" || rc=$?
indent <<<"$out"
dups="$(grep -c 'DUP!' <<<"$out" || true)"
# ping stops at the last request's first reply, so that one shows no DUP!.
((rc == 0 && dups >= PING_COUNT - 1)) || fail "expected $((PING_COUNT - 1)) or more DUP! replies, got $dups (ping exit status $rc)"
dk_t 30 rm -f icmp-server-dup >/dev/null || fail "could not remove icmp-server-dup"
ok "$dups DUP! replies: kernel and pong both answered"

step "docker stop icmp-server: pong exits on SIGTERM within ${PONG_STOP_LIMIT_MS} ms"
t1="$(date +%s%N)"
dk_t 60 stop -t 10 icmp-server >/dev/null || fail "docker stop failed"
t2="$(date +%s%N)"
ms=$(((t2 - t1) / 1000000))
code="$(dk inspect -f '{{.State.ExitCode}}' icmp-server)"
dk_t 30 logs --tail 4 icmp-server 2>&1 | indent
[[ "$code" == 0 ]] || fail "pong's exit status after SIGTERM is $code, expected 0"
((ms <= PONG_STOP_LIMIT_MS)) || fail "stopping took $ms ms (limit $PONG_STOP_LIMIT_MS ms)"
ok "stopped in $ms ms, exit status 0"

step "pong stopped: same name, address and sysctls, no pong; the same pings go unanswered"
bounded 120 "$LOGDIR/run-idle.log" docker-compose run -d --use-aliases --no-deps --name icmp-server-idle icmp-server sleep 600 ||
  { show_log "$LOGDIR/run-idle.log"; fail "could not start the idle server"; }
idle_ip="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' icmp-server-idle)"
[[ "$idle_ip" == "$SERVER_IP" ]] || fail "the idle server has address $idle_ip, not $SERVER_IP"
for ((i = 0; i < 40; i++)); do
  [[ "$(dk_t 30 exec icmp-client getent hosts icmp-server | awk '{ print $1 }')" == "$SERVER_IP" ]] && break
  sleep 0.5
done
[[ "$(dk_t 30 exec icmp-client getent hosts icmp-server | awk '{ print $1 }')" == "$SERVER_IP" ]] ||
  fail "icmp-server does not resolve to $SERVER_IP in the client"
[[ "$(dk_t 30 exec icmp-server-idle cat /proc/sys/net/ipv4/icmp_echo_ignore_all)" == 1 ]] || fail "kernel echo is on in the idle server"
procs="$(dk_t 30 top icmp-server-idle -o pid,comm | awk 'NR > 1 { print $2 }' | paste -sd' ' -)"
[[ "$procs" == sleep ]] || fail "the idle server runs '$procs', not just sleep"
# The path works both ways: the idle server's own ping to the client (whose
# kernel answers) gets its reply.
dk_t 30 exec icmp-server-idle ping -c 1 -W 2 icmp-client >/dev/null || fail "the idle server cannot reach the client: the test would prove nothing"
ok "icmp-server is $SERVER_IP again, kernel echo off, no pong; the path to the client works"
rc=0
out="$(dk_t 60 exec icmp-client ping -c "$PING_COUNT" -i 0.2 -W 1 icmp-server 2>&1)" || rc=$?
indent <<<"$out"
((rc == 1)) || fail "ping's exit status is $rc, expected 1 (no reply)"
grep -qE "^$PING_COUNT packets transmitted, 0 received" <<<"$out" || fail "ping got replies with no pong running"
rc=0
out="$(dk_t 60 exec icmp-client pinger -c "$PING_COUNT" -i 0.2 -W 1 icmp-server 2>&1)" || rc=$?
indent <<<"$out"
((rc == 1)) || fail "pinger's exit status is $rc, expected 1 (no reply)"
if grep -q 'bytes from' <<<"$out"; then fail "pinger got replies with no pong running"; fi
ok "ping 0/$PING_COUNT and pinger 0/$PING_COUNT: the kernel does not answer, pong did"
dk_t 30 rm -f icmp-server-idle >/dev/null || fail "could not remove the idle server"

step "docker-compose down"
t="$(date +%s%N)"
bounded 120 "$LOGDIR/down.log" docker-compose down -t 5 || { show_log "$LOGDIR/down.log"; fail "docker-compose down failed"; }
ok "down in $((($(date +%s%N) - t) / 1000000)) ms"
left="$(dk ps -aq --filter label=com.docker.compose.project=pong | wc -l)"
((left == 0)) || fail "$left containers left after down"
networks="$(dk network ls --format '{{.Name}}')"
if grep -qx 'pong-lab' <<<"$networks"; then fail "the network is left after down"; fi
ok "no containers or networks left"
# finish (the EXIT trap) stops dockerd, cleans up and prints the END line.
