# shellcheck shell=bash
# The one shell library of the integration tests (tests/integration/*.sh):
# step, ok and fail, the expect_* assertions that say what they expected and
# what they saw, the namespace helpers and stop_pid of scripts/lib/netns.sh,
# and pong's start and stop in the server namespace.
#
# A test sources it first thing; it sets `set -euo pipefail`, makes
# $TEST_TMP and installs an EXIT trap (netns_cleanup) that removes the
# namespaces, processes and $TEST_TMP however the test ends. A test with an
# EXIT trap of its own calls netns_cleanup from it.
#
# Hooks, for what one test needs beyond this:
#   TESTLIB_ON_FAIL  an array of function names that fail runs, in order,
#                    before it exits: e.g. one that prints the output file
#                    the failed check read.
#   TESTLIB_CLOCK=1  (set before sourcing) step titles carry the seconds
#                    since the test started: for the slow tests.
# and what fail leaves for an EXIT trap to report:
#   TESTLIB_STEP     the title of the current step
#   TESTLIB_FAILURE  "STEP: MESSAGE" of the failed check, empty until then
set -euo pipefail

TESTLIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib/netns.sh
source "$TESTLIB_ROOT/scripts/lib/netns.sh"

PONG_BIN=${PONG_BIN:-$TESTLIB_ROOT/build/bin}
TEST_TMP=$(mktemp -d)
_testlib_remove_tmp() { rm -rf "$TEST_TMP"; }
NETNS_CLEANUP_HOOKS+=(_testlib_remove_tmp)
# netns_create installs the same traps again; a test that makes no
# namespace still has its $TEST_TMP removed.
trap netns_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

CHECKS=0
TESTLIB_CLOCK=${TESTLIB_CLOCK:-0}
TESTLIB_STEP=""
TESTLIB_FAILURE=""
TESTLIB_ON_FAIL=()
# step TITLE: starts a group of checks.
step() {
  TESTLIB_STEP="$*"
  if [ "$TESTLIB_CLOCK" = 1 ]; then
    printf '\n== [%ss] %s\n' "$SECONDS" "$*"
  else
    printf '\n== %s\n' "$*"
  fi
}
# ok [WHAT]: counts a passed check and, given WHAT, says so.
ok() {
  CHECKS=$((CHECKS + 1))
  [ $# -eq 0 ] || printf '  ok: %s\n' "$*"
}
# fail WHAT: says what failed, runs the TESTLIB_ON_FAIL hooks, exits 1.
fail() {
  # shellcheck disable=SC2034 # for the test's own EXIT trap to report
  TESTLIB_FAILURE="${TESTLIB_STEP:+$TESTLIB_STEP: }$*"
  printf '  FAIL: %s\n' "$*" >&2
  # Each hook runs once, even if it fails in turn.
  local hooks=("${TESTLIB_ON_FAIL[@]}") hook
  TESTLIB_ON_FAIL=()
  for hook in "${hooks[@]}"; do "$hook" || true; done
  exit 1
}
# expect_grep PATTERN FILE WHAT
expect_grep() {
  grep -qE -- "$1" "$2" || {
    echo "---- $2 ----" >&2
    cat "$2" >&2
    fail "$3: no line matching /$1/"
  }
  ok "$3"
}
# expect_no_grep PATTERN FILE WHAT
expect_no_grep() {
  if grep -qE -- "$1" "$2"; then
    echo "---- $2 ----" >&2
    cat "$2" >&2
    fail "$3: unexpected line matching /$1/"
  fi
  ok "$3"
}
# expect_status WANT GOT WHAT
expect_status() {
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
  ok "$3"
}
# start_capture NS OUT TCPDUMP-ARGS...: tcpdump in namespace NS, bounded
# to 10 s, its packets in OUT. Returns once tcpdump is really listening (it
# says so on stderr), so the packets sent next cannot be missed even on a
# loaded machine; CAPTURE_PID is then the capture to `wait` for.
start_capture() {
  local ns=$1 out=$2
  shift 2
  : >"$out.err"
  ip netns exec "$ns" timeout 10 tcpdump -l -n "$@" >"$out" 2>"$out.err" &
  CAPTURE_PID=$!
  NETNS_PIDS+=("$CAPTURE_PID")
  wait_for_log "$out.err" "listening on" 10
}

# run_in_client NAME CMD...: runs CMD in the client namespace with its
# output in $TEST_TMP/NAME and $TEST_TMP/NAME.err; prints the exit status.
run_in_client() {
  local name=$1
  shift
  local status=0
  netns_in_client "$@" >"$TEST_TMP/$name" 2>"$TEST_TMP/$name.err" || status=$?
  echo "$status"
}
# start_pong [PONG-OPTIONS...]: pong in the server namespace, its log in
# $PONG_LOG (default $TEST_TMP/pong.log), its PID in PONG_PID; returns once
# it is answering. stop_pong: SIGTERM and a bounded wait, with pong's exit
# status.
PONG_LOG=${PONG_LOG:-$TEST_TMP/pong.log}
PONG_PID=""
start_pong() {
  : >"$PONG_LOG"
  netns_start_bg "$NETNS_SERVER" "$PONG_LOG" "$PONG_BIN/pong" "$@"
  PONG_PID=$NETNS_LAST_PID
  wait_for_log "$PONG_LOG" "answering ICMP echo" 10
}
stop_pong() {
  local status=0
  stop_pid "$PONG_PID" || status=$?
  PONG_PID=""
  return "$status"
}
# pong_counters: SIGUSR1 to pong, then (bounded wait) the counter block it
# printed, in $TEST_TMP/pong.now.
pong_counters() {
  local before i
  before=$(grep -c -- "--- pong statistics ---" "$PONG_LOG" || true)
  kill -USR1 "$PONG_PID" 2>/dev/null || fail "pong (pid $PONG_PID) is gone"
  for ((i = 0; i < 50; i++)); do
    [ "$(grep -c -- "--- pong statistics ---" "$PONG_LOG" || true)" -gt "$before" ] && break
    sleep 0.1
  done
  awk '/--- pong statistics ---/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$PONG_LOG" \
    >"$TEST_TMP/pong.now"
}
# client_ping OUT [ping options...]: iputils ping in the client namespace,
# always bounded by -W (the caller gives -c); prints the exit status.
client_ping() {
  local out=$1
  shift
  local status=0
  netns_in_client ping -W 2 "$@" >"$out" 2>&1 || status=$?
  echo "$status"
}
# replies_match_kernel NAME SYSCTL CAPTURE PING-OPTIONS...: CAPTURE OUT
# PING-OPTIONS... pings once and writes the reply as a client sees it to
# OUT.reply. It runs with the kernel's echo on (SYSCTL=0), then with it off
# and pong answering; the two replies must be the same.
replies_match_kernel() {
  local name=$1 sysctl=$2 capture=$3
  shift 3
  netns_in_server sysctl -qw "$sysctl=0"
  "$capture" "$TEST_TMP/kernel-$name" "$@"
  netns_in_server sysctl -qw "$sysctl=1"
  start_pong --quiet
  "$capture" "$TEST_TMP/pong-$name" "$@"
  stop_pong
  [ -s "$TEST_TMP/kernel-$name.reply" ] || fail "$name: no reply captured from the kernel"
  if ! diff -u "$TEST_TMP/kernel-$name.reply" "$TEST_TMP/pong-$name.reply"; then
    fail "$name: pong's reply differs from the kernel's"
  fi
}
finish() { printf '\n%s: %d checks passed\n' "$(basename "$0")" "$CHECKS"; }
