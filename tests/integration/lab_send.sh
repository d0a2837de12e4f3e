#!/usr/bin/env bash
# icmp-lab craft --send against pong (issue 5): a good request is answered
# and logged, a deliberately wrong checksum gets no reply and shows up in
# pong's drop counters and in the kernel's InCsumErrors, and with pong
# stopped nothing answers. Packets go only between two namespaces this
# test creates; every send is one packet and every wait is bounded.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

netns_create "ls$$s" "ls$$c" 10.113.1
SERVER=$NETNS_SERVER_ADDR
LAB="$PONG_BIN/icmp-lab"
PONG_LOG=$TEST_TMP/pong.log

# send OUT ARGS...: craft --send from the client; exit status must be 0.
send() {
  local out=$1 status=0
  shift
  netns_in_client "$LAB" craft "$@" >"$out" 2>&1 || status=$?
  expect_status 0 "$status" "icmp-lab craft $* exits 0"
}
counters() {
  kill -USR1 "$PONG_PID"
  wait_for_log "$PONG_LOG" "$1" 5 || { cat "$PONG_LOG" >&2; fail "pong's counters: no '$1'"; }
  ok "pong counted: $1"
}
csum_errors() {
  netns_in_server cat /proc/net/snmp |
    awk '/^Icmp:/ { if (n) { for (i = 2; i <= NF; i++) if (name[i] == "InCsumErrors") print $i; exit } n = split($0, name) }'
}

step "pong answers a crafted request"
netns_start_bg "$NETNS_SERVER" "$PONG_LOG" "$PONG_BIN/pong"
PONG_PID=$NETNS_LAST_PID
wait_for_log "$PONG_LOG" "answering ICMP echo" 10
send "$TEST_TMP/good" --id 4660 --seq 1 --data 'hello from client' --send "$SERVER"
expect_grep "^sent 25 bytes of ICMP to $SERVER" "$TEST_TMP/good" "the send is reported"
expect_grep "^reply from $SERVER after [0-9]+ us: id 4660, seq 1, 17 data bytes, checksum 0x[0-9a-f]{4} \(valid\)$" \
  "$TEST_TMP/good" "the reply is matched and verified"
expect_grep "21 bytes from $NETNS_CLIENT_ADDR: pid=4660, icmp_type=echo, icmp_seq=1, data=hello from client" \
  "$PONG_LOG" "pong logged the crafted request"

step "a wrong checksum: no reply, counted by pong and by the kernel"
before=$(csum_errors)
send "$TEST_TMP/bad" --id 4660 --seq 2 --bad-checksum --send "$SERVER"
expect_grep "checksum 0x[0-9a-f]{4} \(deliberately wrong; the right one is 0x[0-9a-f]{4}\)" \
  "$TEST_TMP/bad" "the summary says the checksum is wrong"
expect_grep "^no reply from $SERVER within 1000 ms: a request with a bad checksum gets none" \
  "$TEST_TMP/bad" "no reply"
counters "dropped icmp_bad_checksum: 1"
send "$TEST_TMP/exact" --id 4660 --seq 3 --checksum 0000 --send "$SERVER" --wait 0.3
expect_grep "^no reply from $SERVER within 300 ms" "$TEST_TMP/exact" "an exact wrong checksum: no reply"
counters "dropped icmp_bad_checksum: 2"
after=$(csum_errors)
[ "$after" = $((before + 2)) ] || fail "the kernel's InCsumErrors went from $before to $after, not +2"
ok "the kernel counted both in InCsumErrors, after pong's raw socket had them"
expect_no_grep "icmp_seq=[23]," "$PONG_LOG" "pong answered neither"

step "--wait 0 sends without waiting"
send "$TEST_TMP/nowait" --id 4660 --seq 4 --send "$SERVER" --wait 0
expect_no_grep "reply" "$TEST_TMP/nowait" "no reply line"
wait_for_log "$PONG_LOG" "pid=4660, icmp_type=echo, icmp_seq=4," 5
ok "pong still got it"

step "with pong stopped nothing answers: the replies above were pong's"
stop_pid "$PONG_PID" || true
send "$TEST_TMP/stopped" --id 4660 --seq 5 --send "$SERVER" --wait 0.5
expect_grep "^no reply from $SERVER within 500 ms$" "$TEST_TMP/stopped" "no reply without pong"

finish
