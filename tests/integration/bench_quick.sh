#!/usr/bin/env bash
# scripts/bench --quick as a new user runs it, on the binaries under test:
# it must finish and print the whole table (every figure, both setups,
# each family the host has) with ratios. Nothing about the figures
# themselves is asserted: this checks the instrument, not the speed.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"
ROOT=$TESTLIB_ROOT
OUT=$TEST_TMP
# A failed check shows the whole output it read.
show_bench_output() { cat "$OUT/bench" >&2; }
TESTLIB_ON_FAIL+=(show_bench_output)

status=0
PONG_BIN=$PONG_BIN timeout 600 "$ROOT/scripts/bench" --quick >"$OUT/bench" 2>&1 || status=$?
[ "$status" = 0 ] || fail "scripts/bench --quick exited $status"
ok "scripts/bench --quick finished"
! grep -qE "^(awk|mawk|gawk):|syntax error|command not found" "$OUT/bench" || fail "an error in the script"
ok "no error from the script itself"
families=(IPv4)
[ -d /proc/sys/net/ipv6 ] && families+=(IPv6)
for setup in "split (" "default (nothing pinned)"; do
  grep -qF "$setup" "$OUT/bench" || fail "no '$setup' table"
done
ok "both setups' tables"
for f in "${families[@]}"; do
  for figure in "capacity (replies/s, window 256)" "server CPU per echo (us, CPU1)" \
    "RTT p50 at 10000/s (us)" "RTT p99 at 10000/s, pong --busy-poll (us)" \
    "capacity logging every request to a file" "lines the log writer dropped" \
    "capacity while /metrics is scraped" \
    "at 2× capacity: goodput / capacity" "at 2× capacity: duplicate or invalid replies" \
    "at 2× capacity: pong RSS growth" "after overload: a plain ping answered"; do
    grep -qF "| $f $figure" "$OUT/bench" || fail "no row '$f $figure'"
  done
  # Capacity rows carry a number for both and a ratio: the runs answered.
  rows=$(grep -cE "^\| $f capacity \(replies/s, window 256\) \| [0-9]+ \| [0-9]+ \| [0-9.]+ \|" "$OUT/bench" || true)
  [ "$rows" = 2 ] || fail "$f: capacity rows without figures and a ratio ($rows of 2)"
  # pong-bench found no bad reply from either responder.
  grep -E "^\| $f at 2× capacity: duplicate or invalid replies" "$OUT/bench" | grep -qvE "\| 0 \| 0 \|" &&
    fail "$f: duplicate or invalid replies"
  ok "$f: every figure in both setups, capacity with a ratio, no duplicate or invalid reply"
done
finish
