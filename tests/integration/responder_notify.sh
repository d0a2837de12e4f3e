#!/usr/bin/env bash
# pong and systemd's notify protocol (sd_notify(3)), in namespaces of this
# test's own.
#
# Everywhere: a python3 receiver binds an AF_UNIX datagram socket, pong runs
# with NOTIFY_SOCKET naming it, as under a Type=notify unit, and the test
# reads what arrives: READY=1 (with a STATUS=) only once pong answers,
# STATUS= with its counters every 5 s or so, WATCHDOG=1 at half of
# WATCHDOG_USEC (never as late as WATCHDOG_USEC itself, when systemd would
# kill it), STOPPING=1 on SIGTERM; with --take-over the forked serving
# process notifies; without NOTIFY_SOCKET pong sends nothing and serves as
# ever.
# Where systemd is PID 1 and systemd-run works: pong --take-over also runs
# as a transient Type=notify unit with a watchdog and must become active and
# stay so.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

[ "$(id -u)" = 0 ] || { echo "responder_notify.sh: needs root (namespaces)"; exit 77; }
command -v python3 >/dev/null || { echo "responder_notify.sh: needs python3"; exit 77; }

netns_create "pn$$s" "pn$$c" 10.114.0
SERVER=$NETNS_SERVER_ADDR

# The socket lives where pong, once it serves as nobody, may still reach it
# (search permission on the way, write permission on the socket), as
# systemd's /run/systemd/notify. An abstract name ("@...") would not do:
# those belong to one network namespace, and pong runs in another.
chmod 711 "$TEST_TMP"
mkdir -m 711 "$TEST_TMP/notify"
NOTIFY=$TEST_TMP/notify/socket
RECEIVED=$TEST_TMP/received

# The receiver writes one line per datagram to RECEIVED:
#   SECONDS PID TEXT     (monotonic seconds, the sender's pid from
#                         SCM_CREDENTIALS, the text with its newlines as |)
# and, when a datagram says READY=1, tests right away whether pong answers
# a ping and what its log says by then:
#   SECONDS - ready-ping STATUS / a copy of the log in $RECEIVED.log-at-ready
cat >"$TEST_TMP/receiver.py" <<'EOF'
import os, shutil, socket, struct, subprocess, sys, time

path, out, log, client, server = sys.argv[1:6]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
os.chmod(path, 0o777)
ucred = struct.calcsize("3i")
with open(out, "a", buffering=1) as f:
    f.write("%.3f - listening\n" % time.monotonic())
    while True:
        data, ancillary, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(ucred))
        pid = "?"
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = str(struct.unpack("3i", value[:ucred])[0])
        text = data.decode("utf-8", "replace").replace("\n", "|")
        f.write("%.3f %s %s\n" % (time.monotonic(), pid, text))
        if "READY=1" in text.split("|"):
            shutil.copyfile(log, out + ".log-at-ready")
            ping = subprocess.run(["ip", "netns", "exec", client, "ping", "-c", "1", "-W", "2", server],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            f.write("%.3f - ready-ping %d\n" % (time.monotonic(), ping.returncode))
EOF
: >"$RECEIVED"
timeout 300 python3 "$TEST_TMP/receiver.py" "$NOTIFY" "$RECEIVED" "$PONG_LOG" "$NETNS_CLIENT" "$SERVER" \
  >"$TEST_TMP/receiver.err" 2>&1 &
RECEIVER_PID=$!
NETNS_PIDS+=("$RECEIVER_PID")
wait_for_log "$RECEIVED" "listening" 10 || fail "the notify receiver did not start: $(cat "$TEST_TMP/receiver.err")"

show_received() {
  echo "---- datagrams received ($RECEIVED) ----" >&2
  cat "$RECEIVED" >&2
  echo "---- pong's log ----" >&2
  cat "$PONG_LOG" >&2 || true
}
TESTLIB_ON_FAIL+=(show_received)

# The datagrams (lines of RECEIVED) from line FROM on.
received_from() { tail -n "+$1" "$RECEIVED"; }
received_lines() { wc -l <"$RECEIVED"; }
# wait_received FROM PATTERN SECONDS: bounded wait for a datagram matching
# PATTERN (an ERE on "SECONDS PID TEXT") from line FROM on.
wait_received() {
  local from=$1 pattern=$2 seconds=$3 i
  for ((i = 0; i < seconds * 10; i++)); do
    # grep reads all of it (no -q): an early exit would fail the pipe.
    received_from "$from" | grep -E -- "$pattern" >/dev/null && return 0
    sleep 0.1
  done
  fail "no datagram matching /$pattern/ within ${seconds}s"
}
# The longest gap, in seconds, between two datagrams from line FROM on that
# match PATTERN; "none" when fewer than two match.
longest_gap() {
  received_from "$1" | awk -v pattern="$2" '
    $3 ~ pattern { if (n++) { gap = $1 - last; if (gap > max) max = gap } last = $1 }
    END { if (n < 2) print "none"; else printf "%.3f\n", max }'
}
count_received() { received_from "$1" | awk -v pattern="$2" '$3 ~ pattern { n++ } END { print n + 0 }'; }
# start_notifying_pong ENV... -- PONG-OPTIONS...: pong with NOTIFY_SOCKET and
# the given environment, in the server namespace; PONG_PID is its PID.
start_notifying_pong() {
  local env=("NOTIFY_SOCKET=$NOTIFY")
  while [ "$1" != -- ]; do
    env+=("$1")
    shift
  done
  shift
  : >"$PONG_LOG"
  netns_start_bg "$NETNS_SERVER" "$PONG_LOG" env -u WATCHDOG_USEC -u WATCHDOG_PID "${env[@]}" \
    "$PONG_BIN/pong" "$@"
  PONG_PID=$NETNS_LAST_PID
}

step "READY=1 once pong answers, with a STATUS="
from=$(($(received_lines) + 1))
start_notifying_pong WATCHDOG_USEC=1000000 -- --quiet
wait_received "$from" ' READY=1' 15
wait_for_log "$RECEIVED" "ready-ping" 10 || fail "the receiver did not try a ping at READY=1"
first=$(received_from "$from" | awk '$2 != "-" && !n++')
[[ "$first" == *" READY=1"* ]] || fail "the first datagram is not READY=1: '$first'"
ok "nothing comes before READY=1"
[[ "$first" =~ \|STATUS=.+ ]] || fail "READY=1 comes without a STATUS=: '$first'"
ok "READY=1 comes with a STATUS= (${first#* * })"
ready_pid=$(awk '{ print $2 }' <<<"$first")
[ "$ready_pid" = "$PONG_PID" ] || fail "READY=1 came from pid $ready_pid, not pong's $PONG_PID"
ok "READY=1 comes from pong's main process (NotifyAccess=main hears it)"
expect_grep "ready-ping 0" "$RECEIVED" "at READY=1 pong already answers a ping"
expect_grep "serving process" "$RECEIVED.log-at-ready" \
  "at READY=1 pong has logged its 'serving process' line (sockets open, privileges dropped)"

step "WATCHDOG=1 at half of WATCHDOG_USEC=1000000, while idle too; STATUS= every few seconds"
status=$(client_ping "$TEST_TMP/ping3" -c 3 -i 0.2 "$SERVER")
expect_status 0 "$status" "3 pings answered"
sleep 12
pings=$(count_received "$from" '^WATCHDOG=1')
[ "$pings" -ge 12 ] || fail "$pings WATCHDOG=1 in 12 s, expected one every 0.5 s"
ok "$pings WATCHDOG=1 in about 12 s"
gap=$(longest_gap "$from" '^(READY=1[|])?WATCHDOG=1')
if [ "$gap" = none ] || ! awk -v g="$gap" 'BEGIN { exit !(g < 1.0) }'; then
  fail "WATCHDOG=1 came $gap s apart at worst: systemd kills a service after WATCHDOG_USEC (1 s)"
fi
ok "at most $gap s between two WATCHDOG=1, less than WATCHDOG_USEC"
statuses=$(count_received "$from" 'STATUS=')
# READY=1's own, then one about every 5 s: 2 or 3 more in 12 s.
if [ "$statuses" -lt 3 ] || [ "$statuses" -gt 6 ]; then
  fail "$statuses datagrams with STATUS= in about 12 s, expected one every 5 s or so"
fi
ok "$statuses STATUS= in about 12 s"
gap=$(longest_gap "$from" 'STATUS=')
awk -v g="$gap" 'BEGIN { exit !(g >= 2 && g <= 10) }' || fail "STATUS= $gap s apart at worst"
ok "STATUS= every few seconds ($gap s apart at worst)"
last_status=$(received_from "$from" | grep 'STATUS=' | tail -n 1)
# The counters, worded as in pong's own counter lines ("N received, N
# answered"): the receiver's ping at READY=1 and these three.
[[ "$last_status" =~ (^|[^0-9])4\ answered ]] ||
  fail "the latest STATUS= does not count the 4 answered requests: '$last_status'"
ok "STATUS= carries the counters (${last_status#*STATUS=})"

step "STOPPING=1 on SIGTERM"
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong exits 0"
wait_received "$from" ' STOPPING=1' 5
ok "STOPPING=1 arrives"
after=$(received_from "$from" | awk '$2 != "-"' | sed -n '/ STOPPING=1/,$p' | grep -c 'READY=1\|WATCHDOG=1' || true)
[ "$after" = 0 ] || fail "READY=1 or WATCHDOG=1 after STOPPING=1"
ok "nothing but STOPPING=1 at the end"

step "--take-over: the forked serving process notifies for the monitor systemd would start"
from=$(($(received_lines) + 1))
: >"$PONG_LOG"
# WATCHDOG_PID names the process systemd started: the monitor (sh execs
# pong, so $$ is pong's PID).
# shellcheck disable=SC2016 # $$ and $1 are the inner shell's
netns_start_bg "$NETNS_SERVER" "$PONG_LOG" env "NOTIFY_SOCKET=$NOTIFY" WATCHDOG_USEC=1000000 \
  sh -c 'WATCHDOG_PID=$$ exec "$1" --quiet --take-over' sh "$PONG_BIN/pong"
PONG_PID=$NETNS_LAST_PID
wait_received "$from" ' READY=1' 15
ready_pid=$(received_from "$from" | awk '/ READY=1/ && !n++ { print $2 }')
if [ "$ready_pid" = "$PONG_PID" ] || [ "$(ps -o ppid= -p "$ready_pid" | tr -d ' ')" != "$PONG_PID" ]; then
  fail "READY=1 came from pid $ready_pid, not from the monitor $PONG_PID's serving process"
fi
ok "READY=1 from the serving process $ready_pid, a child of the monitor $PONG_PID (the unit needs NotifyAccess=all)"
sleep 3
pings=$(received_from "$from" | awk -v pid="$ready_pid" '$2 == pid && $3 ~ /^WATCHDOG=1/ { n++ } END { print n + 0 }')
[ "$pings" -ge 4 ] || fail "$pings WATCHDOG=1 from the serving process in 3 s: the watchdog meant for the monitor was lost in the fork"
ok "$pings WATCHDOG=1 from the serving process in 3 s"
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong --take-over exits 0"
wait_received "$from" ' STOPPING=1' 5
ok "STOPPING=1 arrives"

step "without NOTIFY_SOCKET pong sends nothing and serves as ever"
from=$(($(received_lines) + 1))
: >"$PONG_LOG"
netns_start_bg "$NETNS_SERVER" "$PONG_LOG" env -u NOTIFY_SOCKET -u WATCHDOG_USEC -u WATCHDOG_PID \
  "$PONG_BIN/pong" --quiet
PONG_PID=$NETNS_LAST_PID
wait_for_log "$PONG_LOG" "answering ICMP echo" 10
status=$(client_ping "$TEST_TMP/plain" -c 3 -i 0.2 "$SERVER")
expect_status 0 "$status" "3 pings answered"
sleep 6
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong exits 0"
[ "$(count_received "$from" '.')" = 0 ] || fail "datagrams arrived from a pong without NOTIFY_SOCKET"
ok "not one datagram"
expect_no_grep "systemd|notify" "$PONG_LOG" "and not a word about systemd in its log"

step "under systemd: a transient Type=notify unit with a watchdog"
if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ] || [ ! -d /run/systemd/system ] ||
  ! timeout 30 systemd-run --quiet --wait --collect true >/dev/null 2>&1; then
  echo "  (systemd is not PID 1 here, or systemd-run does not work: the check is left out)"
  finish
  exit 0
fi
UNIT=pong-notify-test-$$
stop_unit() {
  systemctl stop "$UNIT.service" 2>/dev/null || true
  systemctl reset-failed "$UNIT.service" 2>/dev/null || true
}
NETNS_CLEANUP_HOOKS+=(stop_unit)
# The kernel's echo on: --take-over turns it off while pong runs and back on
# after.
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
timeout 120 systemd-run --unit="$UNIT" --quiet --wait --collect -p Type=notify -p NotifyAccess=all \
  -p WatchdogSec=4s -p TimeoutStartSec=20s \
  ip netns exec "$NETNS_SERVER" "$PONG_BIN/pong" --quiet --take-over >"$TEST_TMP/systemd-run" 2>&1 &
RUN_PID=$!
NETNS_PIDS+=("$RUN_PID")
state=""
for ((i = 0; i < 200; i++)); do
  state=$(systemctl show -p ActiveState --value "$UNIT.service" 2>/dev/null || true)
  [ "$state" = activating ] || [ -z "$state" ] || [ "$state" = inactive ] || break
  sleep 0.1
done
[ "$state" = active ] || fail "the unit is '$state', not active: $(journalctl -u "$UNIT" -n 20 --no-pager 2>&1)"
ok "systemd got READY=1: the unit is active"
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 1 ] ||
  fail "pong --take-over runs, but net.ipv4.icmp_echo_ignore_all is not 1"
status=$(client_ping "$TEST_TMP/unit-ping" -c 3 -i 0.2 "$SERVER")
expect_status 0 "$status" "3 pings answered by pong under systemd"
# Longer than WatchdogSec: a missing ping would have failed the unit.
sleep 6
state=$(systemctl show -p ActiveState --value "$UNIT.service")
[ "$state" = active ] || fail "after 6 s with WatchdogSec=4s the unit is '$state'"
ok "still active after 6 s with WatchdogSec=4s: the watchdog is fed"
status_text=$(systemctl show -p StatusText --value "$UNIT.service")
[[ "$status_text" =~ (^|[^0-9])3\ answered ]] || fail "StatusText='$status_text' does not count the 3 requests"
ok "systemctl shows pong's counters: $status_text"
systemctl stop "$UNIT.service"
status=0
wait "$RUN_PID" || status=$?
expect_status 0 "$status" "systemd-run --wait: the service ended successfully"
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 0 ] ||
  fail "net.ipv4.icmp_echo_ignore_all not restored to 0"
ok "net.ipv4.icmp_echo_ignore_all restored to 0"

finish
