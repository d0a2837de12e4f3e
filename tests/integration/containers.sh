#!/usr/bin/env bash
# tests/integration/containers.sh - the article's icmp-server / icmp-client setup,
# built and run for real with a private Docker engine (scripts/docker-engine,
# whose functions come from scripts/lib/docker/engine.sh).
#
# Checks, in order, for IPv4 and for IPv6 (the network has both):
#   1. docker-compose config -q passes, with and without the monitoring profile;
#   2. docker-compose build (multi-stage, unit tests inside; and the monitoring
#      profile's Prometheus image) and up -d work;
#   3. the client's start-up pings (pinger and iputils ping, -4 and -6) are
#      all answered, with no DUP!, and `docker exec icmp-client pinger
#      icmp-server` works (and pinger -6);
#   4. the server's log shows each request, with the client's IPv4 or IPv6
#      address; the server runs with CAP_NET_RAW only, a read-only root and
#      kernel echo off for both families;
#   5. the monitoring profile: Prometheus starts beside the running lab
#      without restarting it, /-/ready answers, its targets list
#      icmp-server:9469, and once it has scraped pong, pong_replies_total is
#      what pong logged for each family (> 0); the PromQL of
#      docs/containers.md evaluates;
#   6. the article's point: a second pong where kernel echo is still on makes
#      every request get two replies, and ping -4 and ping -6 show DUP!;
#   7. the server stops within a second on SIGTERM, with exit status 0;
#   8. with pong stopped - a container with the server's name, addresses and
#      sysctls but no pong in it - the same pings go unanswered, over either
#      family;
#   9. docker-compose down.
# Afterwards (also after a failure or an interrupt) the engine is stopped and
# its bridges, iptables chains, mounts, cgroups and sysctl changes are removed.
#
# Needs root. Exit status: 0 pass, 1 fail, 77 skipped (not root, or another
# Docker engine runs on this machine).
#
# Environment:
#   PONG_CONTAINERS_FRESH=1  delete the engine's images and the debootstrap cache
#                            first (a run from scratch)
#   PING_COUNT               pings per tool and family (default 4)
#   PONG_CONTAINERS_LOGDIR   where build and daemon logs go
#                            (default /tmp/pong-containers-logs)
#   PONG_DOCKER_MAX_MB       above this, unused images are removed at the end
#                            (default 6000)
#   PONG_PROMETHEUS_PUBLISH  the compose file's: where the host publishes
#                            Prometheus (default 127.0.0.1:9090)

# step, ok and fail; the steps show the seconds since the start.
TESTLIB_CLOCK=1
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/testlib.sh"

REPO="$TESTLIB_ROOT"
T0="$(date +%s)"
PING_COUNT="${PING_COUNT:-4}"
LOGDIR="${PONG_CONTAINERS_LOGDIR:-/tmp/pong-containers-logs}"
PONG_DOCKER_MAX_MB="${PONG_DOCKER_MAX_MB:-6000}"
export PING_COUNT

echo "=== containers: START $(date -u '+%Y-%m-%d %H:%M:%S UTC'): private dockerd, debootstrap base image, compose build/up, pings, Prometheus, down (a few minutes; the first run downloads packages) ==="

end_line() { echo "=== containers: $1 ($(($(date +%s) - T0)) s) ==="; }

if [[ $EUID -ne 0 ]]; then
  echo "containers: needs root (dockerd, debootstrap, iptables)"
  end_line "SKIP"
  exit 77
fi

# shellcheck source=scripts/lib/docker/engine.sh
source "$REPO/scripts/lib/docker/engine.sh"

export DOCKER_HOST="unix://$PONG_DOCKER_SOCK"
TESTLIB_STEP="setup"
INTERRUPTED=""
ENGINE_STARTED=0

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

# Leftovers the engine must not leave on the host: what
# pong_docker_leftovers looks for (processes, bridges, iptables, mounts,
# cgroups), and the forwarding sysctls as they were before.
check_leftovers() {
  local bad=() left
  left="$(pong_docker_leftovers)" || bad+=("$left")
  [[ "$(cat /proc/sys/net/ipv4/ip_forward)" == "$IP_FORWARD_BEFORE" ]] ||
    bad+=("leftover: net.ipv4.ip_forward is $(cat /proc/sys/net/ipv4/ip_forward), was $IP_FORWARD_BEFORE")
  [[ "$(ip6_forwarding)" == "$IP6_FORWARD_BEFORE" ]] ||
    bad+=("leftover: IPv6 forwarding (all, default) is $(ip6_forwarding), was $IP6_FORWARD_BEFORE")
  if ((${#bad[@]})); then
    printf '%s\n' "${bad[@]}" | indent >&2
    return 1
  fi
  ok "no leftovers (bridges, iptables, ip_forward=$IP_FORWARD_BEFORE, IPv6 forwarding=$IP6_FORWARD_BEFORE, processes, mounts, cgroups)"
}
# net.ipv6.conf.{all,default}.forwarding, or "none" without IPv6.
ip6_forwarding() {
  local f out=""
  for f in /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv6/conf/default/forwarding; do
    out+="$(cat "$f" 2>/dev/null || echo none) "
  done
  echo "${out% }"
}

# The EXIT trap: compose down, stop the engine, check that nothing is left,
# print the END line. (testlib's own trap, netns_cleanup, runs from here.)
containers_finish() {
  local rc=$? failed="$TESTLIB_FAILURE"
  trap - EXIT INT TERM
  set +e
  exec 1>&7 2>&8 # a signal may have come while a command's output went to a log
  if [[ -n "$PONG_DOCKER_CHILD" ]]; then
    stop_pid "$PONG_DOCKER_CHILD" 15
    PONG_DOCKER_CHILD=""
  fi
  [[ -z "$INTERRUPTED" ]] || failed="$TESTLIB_STEP: interrupted by $INTERRUPTED"
  if ((rc != 0)) && [[ -z "$failed" ]]; then
    failed="$TESTLIB_STEP: exit status $rc"
  fi
  if ((ENGINE_STARTED)); then
    step "cleanup: compose down, stop dockerd, remove what it made"
    if ((rc != 0)) && pong_docker_cli_quiet_version; then
      for c in icmp-server icmp-client pong-prometheus; do
        dk_t 30 logs --tail 30 "$c" >"$LOGDIR/$c.log" 2>&1 && show_log "$LOGDIR/$c.log" 30
      done
    fi
    if pong_docker_cli_quiet_version; then
      dk_t 30 rm -f icmp-server-idle icmp-server-dup >/dev/null 2>&1
      timeout -k 5 60 docker-compose --profile monitoring down --remove-orphans -t 2 >"$LOGDIR/down-cleanup.log" 2>&1
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
      [[ -n "$failed" ]] || failed="cleanup left things behind"
    fi
  fi
  netns_cleanup
  if [[ -n "$failed" ]]; then
    echo "containers: logs in $LOGDIR" >&2
    end_line "FAIL: $failed"
    exit 1
  fi
  end_line "PASS"
  exit 0
}
on_signal() {
  exec 1>&7 2>&8
  INTERRUPTED="SIG$1"
  echo "    interrupted by SIG$1" >&2
  exit 1
}
exec 7>&1 8>&2
trap containers_finish EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log
IP_FORWARD_BEFORE="$(cat /proc/sys/net/ipv4/ip_forward)"
IP6_FORWARD_BEFORE="$(ip6_forwarding)"

# --- the engine -------------------------------------------------------------------
step "install docker.io docker-compose debootstrap (if missing)"
pong_docker_install_deps >"$LOGDIR/apt.log" 2>&1 || { show_log "$LOGDIR/apt.log"; fail "apt-get install failed"; }
ok "$(/usr/bin/docker --version); $(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')"

if foreign="$(pong_docker_foreign_engine)"; then
  echo "containers: another Docker engine runs here ($foreign); this test needs the DOCKER iptables chains to itself"
  end_line "SKIP"
  trap netns_cleanup EXIT
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
step "docker-compose config -q, also with --profile monitoring"
docker-compose config -q || fail "docker-compose config -q failed"
docker-compose --profile monitoring config -q || fail "docker-compose --profile monitoring config -q failed"
ok "docker-compose.yml is valid for docker-compose $(docker-compose version --short)"
if docker compose version >/dev/null 2>&1; then
  docker compose config -q || fail "docker compose (v2) config -q failed"
  docker compose --profile monitoring config -q || fail "docker compose (v2) --profile monitoring config -q failed"
  ok "and for $(docker compose version --short 2>/dev/null | sed 's/^/docker compose /')"
fi

step "docker-compose --profile monitoring build (pong's build stage compiles and runs the unit tests; then Prometheus; up to 30 min)"
t="$(date +%s)"
bounded 1800 "$LOGDIR/build.log" docker-compose --profile monitoring build ||
  { show_log "$LOGDIR/build.log" 60; fail "docker-compose --profile monitoring build failed"; }
tests_line="$(grep -E 'tests passed|tests failed' "$LOGDIR/build.log" | tail -n 1 || true)"
echo "    unit tests in the build: ${tests_line:-(cached: the sources did not change since the last build)}"
size="$(dk image inspect -f '{{.Size}}' pong-lab:latest)"
ok "built in $(($(date +%s) - t)) s; image pong-lab:latest is $((size / 1000000)) MB ($(dk run --rm --network none --entrypoint sh pong-lab:latest -c 'ls /usr/local/bin | paste -sd" " -'))"
# docker-compose.yml starts icmp-server with --metrics-listen: a pong without
# it would not start, and every later step would fail for that one reason.
dk_t 60 run --rm --network none --entrypoint pong pong-lab:latest --help >"$LOGDIR/pong-help.txt" 2>&1 ||
  { show_log "$LOGDIR/pong-help.txt"; fail "pong --help failed in the image"; }
grep -q -- '--metrics-listen' "$LOGDIR/pong-help.txt" ||
  fail "the image's pong has no --metrics-listen, which docker-compose.yml gives icmp-server (see $LOGDIR/pong-help.txt)"
ok "pong has --metrics-listen"
size="$(dk image inspect -f '{{.Size}}' pong-prometheus:latest)"
ok "image pong-prometheus:latest is $((size / 1000000)) MB: $(dk_t 60 run --rm --network none pong-prometheus:latest --version 2>&1 | head -n 1)"

step "docker-compose up -d (the client waits for the server's healthcheck)"
bounded 240 "$LOGDIR/up.log" docker-compose up -d || { show_log "$LOGDIR/up.log"; fail "docker-compose up -d failed"; }
SERVER_IP="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' icmp-server)"
CLIENT_IP="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' icmp-client)"
SERVER_IP6="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}' icmp-server)"
CLIENT_IP6="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}' icmp-client)"
[[ "$SERVER_IP6" == fd* && "$CLIENT_IP6" == fd* ]] ||
  fail "the containers have no ULA IPv6 addresses (server '$SERVER_IP6', client '$CLIENT_IP6')"
ok "icmp-server $SERVER_IP $SERVER_IP6, icmp-client $CLIENT_IP $CLIENT_IP6 on bridge pong-lab0"

# --- the client's start-up pings ----------------------------------------------------
# ERE for an address, dots escaped (IPv6 addresses have none).
addr_re() { printf '%s' "${1//./\\.}"; }
# Part of the client's start-up log: from "icmp-client: TOOL -c" to
# "icmp-client: TOOL exit status"; TOOL is e.g. "pinger" or "ping -6".
client_part() { awk -v t="icmp-client: $1 " 'index($0, t "-c ") == 1 { on = 1 } on { print } on && index($0, t "exit status") == 1 { exit }' "$client_log"; }
# check_replies TOOL FIRST_SEQ ADDR: COUNT replies from ADDR, exit status 0.
check_replies() {
  local tool="$1" first="$2" addr="$3" part s
  part="$(client_part "$tool")"
  [[ -n "$part" ]] || fail "the client's log has no '$tool' run"
  grep -qx "icmp-client: $tool exit status 0" <<<"$part" || fail "$tool did not exit 0"
  for ((s = first; s < first + PING_COUNT; s++)); do
    grep -qE "bytes from ([^ ]+ \()?$(addr_re "$addr")\)?: .*icmp_seq=$s([^0-9]|$)" <<<"$part" ||
      fail "$tool got no reply from $addr for icmp_seq=$s"
  done
  grep -qE "^$PING_COUNT packets transmitted, $PING_COUNT received" <<<"$part" || fail "$tool's summary is not $PING_COUNT/$PING_COUNT"
}
step "the client's start-up pings (pinger, pinger -6, ping -4, ping -6; $PING_COUNT each) are all answered, no DUP!"
client_log="$LOGDIR/icmp-client.start.log"
for ((i = 0; i < 120; i++)); do
  dk_t 30 logs icmp-client >"$client_log" 2>&1 || true
  grep -q 'icmp-client: ready' "$client_log" && break
  sleep 0.5
done
grep -q 'icmp-client: ready' "$client_log" || { show_log "$client_log"; fail "the client did not finish its pings within 60 s"; }
indent <"$client_log"
if grep -q 'DUP!' "$client_log"; then fail "duplicate replies (DUP!): is kernel echo on in the server?"; fi
check_replies "pinger" 0 "$SERVER_IP"
check_replies "ping -4" 1 "$SERVER_IP"
check_replies "pinger -6" 0 "$SERVER_IP6"
check_replies "ping -6" 1 "$SERVER_IP6"
ok "pinger, ping -4, pinger -6 and ping -6: $PING_COUNT/$PING_COUNT each, from $SERVER_IP or $SERVER_IP6, no DUP!"

step "the server's log shows each request, with the client's IPv4 or IPv6 address"
server_log="$LOGDIR/icmp-server.start.log"
dk_t 30 logs icmp-server >"$server_log" 2>&1 || fail "docker logs icmp-server failed"
indent <"$server_log"
grep -q 'answering ICMP echo requests on all IPv4 and IPv6 addresses' "$server_log" || fail "pong does not serve both families"
# check_logged ADDR FIRST_SEQ DATA_FILTER WHAT: a line per request of one tool.
check_logged() {
  local addr="$1" first="$2" filter="$3" what="$4" s
  for ((s = first; s < first + PING_COUNT; s++)); do
    grep -E "\] [0-9]+ bytes from $(addr_re "$addr"): pid=[0-9]+, icmp_type=echo, icmp_seq=$s," "$server_log" |
      grep -E -- "$filter" >/dev/null || fail "no log line for $what's request icmp_seq=$s from $addr"
  done
}
v4="$(grep -cE "\] [0-9]+ bytes from $(addr_re "$CLIENT_IP"): " "$server_log" || true)"
v6="$(grep -cE "\] [0-9]+ bytes from $(addr_re "$CLIENT_IP6"): " "$server_log" || true)"
((v4 == 2 * PING_COUNT)) || fail "the server logged $v4 requests from $CLIENT_IP, expected $((2 * PING_COUNT))"
((v6 == 2 * PING_COUNT)) || fail "the server logged $v6 requests from $CLIENT_IP6, expected $((2 * PING_COUNT))"
check_logged "$CLIENT_IP" 0 'data=hello from client$' "pinger"
check_logged "$CLIENT_IP" 1 'data=hex:' "ping -4"
check_logged "$CLIENT_IP6" 1 'data=hex:' "ping -6"
check_logged "$CLIENT_IP6" 0 'data=hello from client$' "pinger -6"
ok "$v4 requests from $CLIENT_IP and $v6 from $CLIENT_IP6 logged with their id, seq and data"

step "the article's command: docker exec icmp-client pinger -c 3 icmp-server (and pinger -6)"
for fam in 4 6; do
  args=(-c 3 -i 0.2 icmp-server)
  ((fam == 4)) || args=(-6 "${args[@]}")
  rc=0
  out="$(dk_t 60 exec icmp-client pinger "${args[@]}" 2>&1)" || rc=$?
  indent <<<"$out"
  ((rc == 0)) || fail "pinger ${args[*]}: exit status $rc"
  if grep -q 'DUP!' <<<"$out"; then fail "pinger ${args[*]}: duplicate replies"; fi
  server_addr="$SERVER_IP"
  ((fam == 4)) || server_addr="$SERVER_IP6"
  (($(grep -cE "bytes from $(addr_re "$server_addr"): " <<<"$out") == 3)) || fail "pinger ${args[*]}: expected 3 replies from $server_addr"
done
ok "3 replies each, from $SERVER_IP and from $SERVER_IP6"

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

step "the monitoring profile: Prometheus beside the running lab scrapes pong's /metrics"
# Where the compose file publishes Prometheus: [ADDRESS:]PORT, ADDRESS
# 127.0.0.1 by default; an address of every interface is reached on loopback.
publish="${PONG_PROMETHEUS_PUBLISH:-127.0.0.1:9090}"
prom_port="${publish##*:}"
prom_addr="127.0.0.1"
[[ "$publish" != *:* || "${publish%:*}" == 0.0.0.0 ]] || prom_addr="${publish%:*}"
PROM_URL="http://$prom_addr:$prom_port"
# prom PATH [CURL-OPTIONS...]: Prometheus's HTTP API, bounded; no proxy, the
# address is this machine's.
prom() { curl -fsS --noproxy '*' --max-time 5 "$PROM_URL$1" "${@:2}"; }
# prom_query PROMQL: the API's JSON answer to an instant query.
prom_query() { prom /api/v1/query -G --data-urlencode "query=$1"; }
lab_ids="$(dk inspect -f '{{.Id}} {{.State.StartedAt}}' icmp-server icmp-client)"
bounded 240 "$LOGDIR/up-monitoring.log" docker-compose --profile monitoring up -d ||
  { show_log "$LOGDIR/up-monitoring.log"; fail "docker-compose --profile monitoring up -d failed"; }
[[ "$(dk inspect -f '{{.Id}} {{.State.StartedAt}}' icmp-server icmp-client)" == "$lab_ids" ]] ||
  fail "adding the monitoring profile recreated or restarted icmp-server or icmp-client"
for ((i = 0; i < 60; i++)); do
  prom /-/ready >"$LOGDIR/prometheus-ready.txt" 2>&1 && break
  sleep 0.5
done
prom /-/ready >"$LOGDIR/prometheus-ready.txt" 2>&1 ||
  { show_log "$LOGDIR/prometheus-ready.txt"; fail "Prometheus's $PROM_URL/-/ready did not answer within 30 s"; }
ok "pong-prometheus is up beside the running lab (icmp-server and icmp-client not restarted); $PROM_URL/-/ready: $(cat "$LOGDIR/prometheus-ready.txt")"
# Ready comes before the scrape manager has its targets: a bounded wait.
has_pong_target() {
  prom /api/v1/targets >"$LOGDIR/prometheus-targets.json" 2>&1 &&
    jq -e '.data.activeTargets[] | select(.labels.job == "pong" and .labels.instance == "icmp-server:9469")' \
      "$LOGDIR/prometheus-targets.json" >/dev/null
}
for ((i = 0; i < 40; i++)); do
  has_pong_target && break
  sleep 0.5
done
has_pong_target || fail "Prometheus's targets do not list icmp-server:9469 (job pong) within 20 s: $(cat "$LOGDIR/prometheus-targets.json")"
# Debian's Prometheus has the classic web UI, under /classic/ ("/" leads
# there).
prom /classic/targets >"$LOGDIR/prometheus-targets.html" || fail "Prometheus's web UI has no /classic/targets page"
grep -q 'http://icmp-server:9469/metrics' "$LOGDIR/prometheus-targets.html" || fail "Prometheus's targets page does not list icmp-server"
prom / -L >"$LOGDIR/prometheus-graph.html" || fail "Prometheus's web UI does not answer on /"
# Every script, style sheet and icon of the graph page is served (the image
# leaves out part of a JavaScript package).
assets="$(grep -oE '(src|href)="/classic/static/[^"]+"' "$LOGDIR/prometheus-graph.html" | sed -E 's/^(src|href)="//; s/"$//' | sort -u)"
(($(wc -l <<<"$assets") >= 10)) || fail "the graph page names few static files: $assets"
while read -r asset; do
  prom "$asset" -o /dev/null || fail "the graph page's $asset is not served"
done <<<"$assets"
ok "its targets (/api/v1/targets and the /classic/targets page) list http://icmp-server:9469/metrics; / leads to the graph page, whose $(wc -l <<<"$assets") static files are all served"
# pong's endpoint itself, from the host through the lab's bridge.
curl -fsS --noproxy '*' --max-time 5 "http://$SERVER_IP:9469/metrics" >"$LOGDIR/metrics.txt" 2>&1 ||
  { show_log "$LOGDIR/metrics.txt"; fail "pong does not serve http://$SERVER_IP:9469/metrics (docker-compose.yml starts it with --metrics-listen 0.0.0.0:9469)"; }
grep -qE '^pong_replies_total\{' "$LOGDIR/metrics.txt" || { show_log "$LOGDIR/metrics.txt"; fail "pong's /metrics has no pong_replies_total"; }
ok "pong serves http://$SERVER_IP:9469/metrics ($(grep -c '^pong_' "$LOGDIR/metrics.txt") pong_* samples)"
health=""
for ((i = 0; i < 30; i++)); do
  health="$(prom /api/v1/targets | jq -r '.data.activeTargets[] | select(.labels.job == "pong") | .health' 2>/dev/null)" || true
  [[ "$health" == up ]] && break
  sleep 1
done
[[ "$health" == up ]] || fail "Prometheus cannot scrape icmp-server:9469 within 30 s (health '$health'): $(prom /api/v1/targets | jq -c '.data.activeTargets[] | select(.labels.job == "pong") | {lastError, lastScrape}')"
ok "Prometheus scrapes icmp-server:9469 (health up)"
# Every request pong logged from the client was answered (the checks above):
# pong_replies_total must come to that count for each family, > 0.
dk_t 30 logs icmp-server >"$server_log" 2>&1 || fail "docker logs icmp-server failed"
want4="$(grep -cE "\] [0-9]+ bytes from $(addr_re "$CLIENT_IP"): " "$server_log" || true)"
want6="$(grep -cE "\] [0-9]+ bytes from $(addr_re "$CLIENT_IP6"): " "$server_log" || true)"
# family_value JSON FAMILY: the sample of that family in a query's answer (0 if none).
family_value() { jq -r --arg f "$2" '[.data.result[] | select(.metric.family == $f) | .value[1] | tonumber] | add // 0' <<<"$1"; }
got4="" got6=""
for ((i = 0; i < 30; i++)); do
  result="$(prom_query pong_replies_total)" || result='{}'
  got4="$(family_value "$result" ipv4 2>/dev/null)" || got4=""
  got6="$(family_value "$result" ipv6 2>/dev/null)" || got6=""
  [[ "$got4" == "$want4" && "$got6" == "$want6" ]] && break
  sleep 1
done
echo "$result" >"$LOGDIR/prometheus-replies.json"
[[ "${got4:-0}" != 0 && "${got6:-0}" != 0 ]] ||
  fail "pong_replies_total in Prometheus after the client's pings: ipv4 '${got4}', ipv6 '${got6}'; expected > 0 (answer in $LOGDIR/prometheus-replies.json)"
[[ "$got4" == "$want4" && "$got6" == "$want6" ]] ||
  fail "pong_replies_total in Prometheus: ipv4 $got4, ipv6 $got6; pong logged $want4 and $want6 requests"
ok "/api/v1/query?query=pong_replies_total: ipv4 $got4, ipv6 $got6, the requests pong logged from $CLIENT_IP and $CLIENT_IP6"
# The queries docs/containers.md gives students, as they paste them.
rate_query='sum by (family) (rate(pong_replies_total[1m]))'
drop_query='sum by (reason) (rate(pong_dropped_total[1m]))'
for q in "$rate_query" "$drop_query"; do
  grep -qF "$q" "$REPO/docs/containers.md" || fail "docs/containers.md no longer gives the query '$q' this test runs"
done
families=""
for ((i = 0; i < 20; i++)); do
  result="$(prom_query "$rate_query")" || result='{}'
  families="$(jq -r '[.data.result[].metric.family] | sort | join(" ")' <<<"$result" 2>/dev/null)" || families=""
  [[ "$families" == "ipv4 ipv6" ]] && break
  sleep 1
done
[[ "$families" == "ipv4 ipv6" ]] || fail "'$rate_query' gives families '$families', not ipv4 and ipv6: $result"
result="$(prom_query "$drop_query")" || fail "'$drop_query' failed"
[[ "$(jq -r .status <<<"$result")" == success ]] || fail "'$drop_query': $result"
ok "docs/containers.md's queries evaluate: '$rate_query' (ipv4, ipv6) and '$drop_query'"

step "the server's confinement: pong as nobody with no capabilities, read-only root, kernel echo off for both families"
[[ "$(dk inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.CapAdd}}' icmp-server)" == "true [ALL] [NET_RAW SETUID SETGID SETPCAP]" ]] ||
  fail "unexpected HostConfig: $(dk inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.CapAdd}}' icmp-server)"
pong_pid="$(dk inspect -f '{{.State.Pid}}' icmp-server)"
[[ "$(cat "/proc/$pong_pid/comm")" == pong ]] || fail "PID 1 of icmp-server is $(cat "/proc/$pong_pid/comm"), not pong"
# The container gives pong CAP_NET_RAW for its sockets and what it needs to
# drop everything once they are open: then pong runs as nobody, with every
# capability set empty, no_new_privs and its seccomp filter.
for field in CapBnd CapEff CapPrm; do
  value="$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pong_pid/status")"
  [[ "$value" == 0000000000000000 ]] || fail "pong's $field is $value, expected 0"
done
[[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pong_pid/status")" == 65534 ]] || fail "pong does not serve as nobody"
[[ "$(awk '/^Seccomp:/ { print $2 }' "/proc/$pong_pid/status")" == 2 ]] || fail "pong has no seccomp filter"
echo_sysctls="$(dk_t 30 exec icmp-server cat /proc/sys/net/ipv4/icmp_echo_ignore_all /proc/sys/net/ipv6/icmp/echo_ignore_all | paste -sd' ' -)"
[[ "$echo_sysctls" == "1 1" ]] || fail "kernel echo is on in icmp-server (icmp_echo_ignore_all for IPv4, IPv6: $echo_sysctls)"
# Both raw sockets are pong's: ICMP (protocol 1) and ICMPv6 (58 = 0x3A).
grep -q ':0001 ' "/proc/$pong_pid/net/raw" || fail "no raw ICMP socket in icmp-server"
grep -q ':003A ' "/proc/$pong_pid/net/raw6" || fail "no raw ICMPv6 socket in icmp-server"
if dk_t 30 exec icmp-server touch /probe 2>/dev/null; then fail "icmp-server's root is writable"; fi
ok "pong is PID 1 as nobody with CapBnd, CapEff and CapPrm 0 and a seccomp filter, root read-only, raw ICMP and ICMPv6 sockets, net.ipv4.icmp_echo_ignore_all=1 and net.ipv6.icmp.echo_ignore_all=1"

step "the article's point: with kernel echo on as well, every request gets two replies (DUP!), over either family"
# A second pong, in a container that keeps the kernel's echo on for both
# families (disable_ipv6=0: Docker 20.10 gives IPv6 to eth0 only otherwise,
# and pong would serve IPv4 only).
# shellcheck disable=SC2016 # a Go template, not shell
network="$(dk inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' icmp-server)"
dk_t 60 run -d --name icmp-server-dup --network "$network" --sysctl net.ipv6.conf.all.disable_ipv6=0 \
  --cap-drop ALL --cap-add NET_RAW --cap-add SETUID --cap-add SETGID --cap-add SETPCAP --read-only \
  pong-lab:latest pong >/dev/null 2>"$LOGDIR/dup.err" || { show_log "$LOGDIR/dup.err"; fail "could not start icmp-server-dup"; }
dup_pid="$(dk inspect -f '{{.State.Pid}}' icmp-server-dup)"
for ((i = 0; i < 40; i++)); do
  grep -q ':0001 ' "/proc/$dup_pid/net/raw" 2>/dev/null && grep -q ':003A ' "/proc/$dup_pid/net/raw6" 2>/dev/null && break
  sleep 0.25
done
for fam in 4 6; do
  rc=0
  out="$(dk_t 60 exec icmp-client ping "-$fam" -c "$PING_COUNT" -i 0.2 -W 1 icmp-server-dup 2>&1)" || rc=$?
  indent <<<"$out"
  dups="$(grep -c 'DUP!' <<<"$out" || true)"
  # ping stops at the last request's first reply, so that one shows no DUP!.
  ((rc == 0 && dups >= PING_COUNT - 1)) ||
    fail "ping -$fam: expected $((PING_COUNT - 1)) or more DUP! replies, got $dups (ping exit status $rc)"
  ok "ping -$fam: $dups DUP! replies: kernel and pong both answered"
done
dk_t 30 rm -f icmp-server-dup >/dev/null || fail "could not remove icmp-server-dup"

step "docker stop icmp-server: pong exits on SIGTERM, before docker's SIGKILL"
t1="$(date +%s%N)"
dk_t 60 stop -t 10 icmp-server >/dev/null || fail "docker stop failed"
t2="$(date +%s%N)"
ms=$(((t2 - t1) / 1000000))
code="$(dk inspect -f '{{.State.ExitCode}}' icmp-server)"
dk_t 30 logs --tail 5 icmp-server 2>&1 | indent
# Exit status 0 is pong's own clean exit on SIGTERM; docker's SIGKILL after
# -t 10 would show as 137. The time is reported, not asserted.
[[ "$code" == 0 ]] || fail "pong's exit status after SIGTERM is $code, expected 0"
ok "stopped in $ms ms, exit status 0"

step "pong stopped: same name, addresses and sysctls, no pong; the same pings go unanswered, over either family"
bounded 120 "$LOGDIR/run-idle.log" docker-compose run -d --use-aliases --no-deps --name icmp-server-idle icmp-server sleep 600 ||
  { show_log "$LOGDIR/run-idle.log"; fail "could not start the idle server"; }
idle_ip="$(dk inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.GlobalIPv6Address}}{{end}}' icmp-server-idle)"
[[ "$idle_ip" == "$SERVER_IP $SERVER_IP6" ]] || fail "the idle server has addresses $idle_ip, not $SERVER_IP $SERVER_IP6"
# The name resolves to the idle server's addresses, both families.
resolved() { dk_t 30 exec icmp-client sh -c 'getent ahostsv4 icmp-server | head -n 1; getent ahostsv6 icmp-server | head -n 1' | awk '{ print $1 }' | paste -sd' ' -; }
for ((i = 0; i < 40; i++)); do
  [[ "$(resolved)" == "$SERVER_IP $SERVER_IP6" ]] && break
  sleep 0.5
done
[[ "$(resolved)" == "$SERVER_IP $SERVER_IP6" ]] || fail "icmp-server resolves to $(resolved) in the client, not $SERVER_IP $SERVER_IP6"
echo_sysctls="$(dk_t 30 exec icmp-server-idle cat /proc/sys/net/ipv4/icmp_echo_ignore_all /proc/sys/net/ipv6/icmp/echo_ignore_all | paste -sd' ' -)"
[[ "$echo_sysctls" == "1 1" ]] || fail "kernel echo is on in the idle server (IPv4, IPv6: $echo_sysctls)"
procs="$(dk_t 30 top icmp-server-idle -o pid,comm | awk 'NR > 1 { print $2 }' | paste -sd' ' -)"
[[ "$procs" == sleep ]] || fail "the idle server runs '$procs', not just sleep"
# The path works both ways, for both families: the idle server's own pings
# to the client (whose kernel answers) get their replies.
for fam in 4 6; do
  dk_t 30 exec icmp-server-idle ping "-$fam" -c 1 -W 2 icmp-client >/dev/null ||
    fail "the idle server cannot reach the client over IPv$fam: the test would prove nothing"
done
ok "icmp-server is $SERVER_IP and $SERVER_IP6 again, kernel echo off for both, no pong; the path to the client works both ways"
for tool in "ping -4" "ping -6" "pinger" "pinger -6"; do
  rc=0
  # shellcheck disable=SC2086 # the tool and its family option, split on purpose
  out="$(dk_t 60 exec icmp-client $tool -c "$PING_COUNT" -i 0.2 -W 1 icmp-server 2>&1)" || rc=$?
  indent <<<"$out"
  ((rc == 1)) || fail "$tool: exit status $rc, expected 1 (no reply)"
  if grep -q 'bytes from' <<<"$out"; then fail "$tool got replies with no pong running"; fi
  grep -qE "^$PING_COUNT packets transmitted, 0 received" <<<"$out" || fail "$tool: the summary is not $PING_COUNT sent, 0 received"
done
ok "ping -4, ping -6, pinger and pinger -6: 0/$PING_COUNT each: the kernel does not answer, pong did"
dk_t 30 rm -f icmp-server-idle >/dev/null || fail "could not remove the idle server"

step "docker-compose --profile monitoring down"
t="$(date +%s%N)"
bounded 120 "$LOGDIR/down.log" docker-compose --profile monitoring down -t 5 ||
  { show_log "$LOGDIR/down.log"; fail "docker-compose --profile monitoring down failed"; }
ok "down in $((($(date +%s%N) - t) / 1000000)) ms"
left="$(dk ps -aq --filter label=com.docker.compose.project=pong | wc -l)"
((left == 0)) || fail "$left containers left after down"
networks="$(dk network ls --format '{{.Name}}')"
if grep -qxE 'pong-lab|pong-monitoring' <<<"$networks"; then fail "a network is left after down: $(paste -sd' ' - <<<"$networks")"; fi
ok "no containers or networks left"
# containers_finish (the EXIT trap) stops dockerd, cleans up and prints the END line.
