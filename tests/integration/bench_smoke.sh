#!/usr/bin/env bash
# pong-bench against pong, in two namespaces joined by a veth pair: every
# request is answered once, intact, in open and closed mode, over IPv4 and
# IPv6. Only correctness is asserted, never timing. Also: the refusal to
# run in the initial network namespace, and a bad option. Every run is
# bounded by --duration and --timeout.
source "$(dirname "$0")/testlib.sh"

netns_create "bs$$s" "bs$$c" 10.120.0
BENCH=$PONG_BIN/pong-bench
MAC=$(ip netns exec "$NETNS_SERVER" cat /sys/class/net/eth0/address)

# value KEY FILE: the value of a "key value" line of the report.
value() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# bench_run NAME TARGET OPTIONS...: pong-bench in the client namespace;
# asserts exit 0 and that every request sent was answered once, intact.
bench_run() {
  local name=$1 target=$2
  shift 2
  local status
  status=$(run_in_client "$name" "$BENCH" --interface eth0 --dst-mac "$MAC" --target "$target" \
    --timeout 2000 "$@")
  [ "$status" = 0 ] || { cat "$TEST_TMP/$name.err" >&2; fail "$name: pong-bench exit status $status"; }
  local out=$TEST_TMP/$name sent answered
  sent=$(value sent "$out")
  answered=$(value answered "$out")
  [ -n "$sent" ] && [ "$sent" -gt 0 ] || { cat "$out" >&2; fail "$name: nothing sent"; }
  [ "$answered" = "$sent" ] || { cat "$out" >&2; fail "$name: $answered of $sent answered"; }
  for key in lost late duplicates invalid; do
    [ "$(value "$key" "$out")" = 0 ] || { cat "$out" >&2; fail "$name: $key is not 0"; }
  done
  ok "$name: $sent sent, all answered once, 0 lost/late/duplicates/invalid"
}

step "pong answers every request of an open-loop run (IPv4, 2000/s for 1 s)"
start_pong --quiet
bench_run open4 "$NETNS_SERVER_ADDR" --mode open --rate 2000 --duration 1
expect_grep "^family ipv4$" "$TEST_TMP/open4" "family ipv4 reported"
expect_grep "^rate 2000$" "$TEST_TMP/open4" "rate reported"
expect_grep "^rtt_p99_us [0-9]+\.[0-9]$" "$TEST_TMP/open4" "p99 in us with one decimal"

step "closed loop, window 8, 1 s (IPv4)"
bench_run closed4 "$NETNS_SERVER_ADDR" --window 8 --duration 1
expect_grep "^window 8$" "$TEST_TMP/closed4" "window reported"

if [ -n "$NETNS_SERVER_ADDR6" ]; then
  step "the same over IPv6"
  bench_run open6 "$NETNS_SERVER_ADDR6" --mode open --rate 2000 --duration 1
  expect_grep "^family ipv6$" "$TEST_TMP/open6" "family ipv6 reported"
  bench_run closed6 "$NETNS_SERVER_ADDR6" --window 8 --duration 1 --size 1400
fi
stop_pong

step "refuses to run in the initial network namespace on a real interface"
root_if=$(ip -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2; exit }')
if [ -n "$root_if" ]; then
  status=0
  "$BENCH" --interface "$root_if" --dst-mac 02:00:00:00:00:01 --target 192.0.2.1 --count 1 --duration 0.001 \
    >"$TEST_TMP/root" 2>&1 || status=$?
  expect_status 2 "$status" "exit 2 on '$root_if' in the initial namespace"
  expect_grep "refusing to send" "$TEST_TMP/root" "and says why"
  [ "$(wc -l <"$TEST_TMP/root")" = 1 ] || fail "the refusal is one line"
  ok "in one line"
else
  ok "(no non-loopback interface in the initial namespace: refusal not checked)"
fi

step "bad options: one sentence, exit 2"
status=$(run_in_client badrate "$BENCH" --interface eth0 --dst-mac "$MAC" \
  --target "$NETNS_SERVER_ADDR" --mode open --rate 0)
expect_status 2 "$status" "--rate 0 exits 2"
expect_grep "rate" "$TEST_TMP/badrate.err" "the message names the option"
status=$(run_in_client badmac "$BENCH" --interface eth0 --dst-mac 02:00 --target "$NETNS_SERVER_ADDR")
expect_status 2 "$status" "a bad --dst-mac exits 2"
status=$(run_in_client badtarget "$BENCH" --interface eth0 --dst-mac "$MAC" --target nowhere)
expect_status 2 "$status" "a target that is no address exits 2"
status=$(run_in_client badif "$BENCH" --interface nosuch0 --dst-mac "$MAC" --target "$NETNS_SERVER_ADDR")
expect_status 2 "$status" "an unknown interface exits 2"
"$BENCH" --help | grep -q "replies_per_second" || fail "--help documents the output keys"
ok "--help documents the output keys"

finish
