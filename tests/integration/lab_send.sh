#!/usr/bin/env bash
# icmp-lab craft --send against pong (issues 5 and 8): a good request is
# answered and logged, over IPv4 and over IPv6 (to the server's unique local
# address, to its link-local address with %eth0, and to its name), a
# deliberately wrong checksum gets no reply and shows up in pong's drop
# counters and in the kernel's InCsumErrors, and with pong stopped nothing
# answers. Packets go only between two namespaces this
# test creates; every send is one packet and every wait is bounded.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

netns_create "ls$$s" "ls$$c" 10.113.1
SERVER=$NETNS_SERVER_ADDR
# fd00:10:113:1::3: the text netns.sh gives is already RFC 5952's, as
# icmp-lab and pong print it.
SERVER6=$NETNS_SERVER_ADDR6
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

step "craft -6: pong answers an ICMPv6 request"
send "$TEST_TMP/good6" -6 --id 4660 --seq 11 --data 'hello from client' --send "$SERVER6"
expect_grep "^# ICMPv6 echo request to $SERVER6: id 4660, seq 11, 17 data bytes \"hello from client\", checksum 0x[0-9a-f]{4} \(correct, pseudo-header included\)$" \
  "$TEST_TMP/good6" "the summary names ICMPv6 and the pseudo-header"
expect_grep "^sent 25 bytes of ICMPv6 from $NETNS_CLIENT_ADDR6 to $SERVER6 \(the kernel adds the IPv6 header and fills in the checksum, RFC 3542 3.1\)$" \
  "$TEST_TMP/good6" "the send is reported with the source the kernel chose"
expect_grep "^reply from $SERVER6 after [0-9]+ us: id 4660, seq 11, 17 data bytes, checksum 0x[0-9a-f]{4} \(valid\)$" \
  "$TEST_TMP/good6" "the ICMPv6 reply is matched and verified over its pseudo-header"
expect_grep "21 bytes from $NETNS_CLIENT_ADDR6: pid=4660, icmp_type=echo, icmp_seq=11, data=hello from client" \
  "$PONG_LOG" "pong logged the crafted ICMPv6 request"
# The checksum the tool printed is the one that went out: the kernel's,
# over the pseudo-header with the source it chose.
printed=$(sed -n 2p "$TEST_TMP/good6" | awk '{print $2}')
netns_in_client "$LAB" checksum --verify --ipv6-src "$NETNS_CLIENT_ADDR6" --ipv6-dst "$SERVER6" \
  "$(sed -n '2,$p' "$TEST_TMP/good6" | grep -v '^sent\|^reply')" >"$TEST_TMP/verify6"
expect_grep "valid: with its checksum included, the pseudo-header and the data sum to 0xffff" \
  "$TEST_TMP/verify6" "the printed request ($printed) verifies over the real pseudo-header"

step "craft -6 to the server's link-local address and to its name"
LINK_LOCAL=$(netns_in_server ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
[ -n "$LINK_LOCAL" ] || fail "the server has no link-local address"
send "$TEST_TMP/link6" -6 --id 4660 --seq 12 --send "$LINK_LOCAL%eth0"
expect_grep "^reply from $LINK_LOCAL after [0-9]+ us: id 4660, seq 12, 17 data bytes, checksum 0x[0-9a-f]{4} \(valid\)$" \
  "$TEST_TMP/link6" "a link-local request with its zone is answered on the link"
send "$TEST_TMP/name6" -6 --id 4660 --seq 13 --send "$NETNS_SERVER"
expect_grep "^reply from $SERVER6 after [0-9]+ us: id 4660, seq 13," "$TEST_TMP/name6" \
  "-6 resolves the server's name to its IPv6 address"

step "craft -6 with a wrong checksum: sent as written, dropped by the kernel before pong reads it"
csum6_errors() {
  netns_in_server cat /proc/net/snmp6 | awk '$1 == "Icmp6InCsumErrors" { print $2 }'
}
before6=$(csum6_errors)
send "$TEST_TMP/bad6" -6 --id 4660 --seq 14 --bad-checksum --send "$SERVER6"
expect_grep "checksum 0x[0-9a-f]{4} \(deliberately wrong; the right one is 0x[0-9a-f]{4}\)" \
  "$TEST_TMP/bad6" "the summary says the checksum is wrong"
expect_grep "IPV6_CHECKSUM -1 at level SOL_RAW keeps it from computing the checksum" \
  "$TEST_TMP/bad6" "the kernel was told to leave the checksum as written"
expect_grep "^no reply from $SERVER6 within 1000 ms: a request with a bad checksum gets none \(the kernel drops it before a raw ICMPv6 socket can read it, and counts Icmp6InCsumErrors\)$" \
  "$TEST_TMP/bad6" "no reply, and the sentence says why"
after6=$(csum6_errors)
[ "$after6" = $((before6 + 1)) ] || fail "Icmp6InCsumErrors went from $before6 to $after6, not +1"
ok "the server kernel counted it in Icmp6InCsumErrors"
expect_no_grep "icmp_seq=14," "$PONG_LOG" "pong never read it"
send "$TEST_TMP/after6" -6 --id 4660 --seq 16 --send "$SERVER6"
expect_grep "^reply from $SERVER6 after [0-9]+ us: id 4660, seq 16," "$TEST_TMP/after6" \
  "pong goes on answering ICMPv6"

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
send "$TEST_TMP/stopped6" -6 --id 4660 --seq 15 --send "$SERVER6" --wait 0.5
expect_grep "^no reply from $SERVER6 within 500 ms$" "$TEST_TMP/stopped6" \
  "no ICMPv6 reply without pong: the kernel's IPv6 echo is off"

finish
