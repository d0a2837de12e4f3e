#!/usr/bin/env bash
# pinger against the kernel's own echo, against the kernel and pong at once
# (the article's DUP! case), and against nothing at all. Raw and datagram
# sockets alike. Every run is bounded by -c and -W.
source "$(dirname "$0")/testlib.sh"

netns_create "pk$$s" "pk$$c" 10.112.2
SERVER=$NETNS_SERVER_ADDR
PINGER=$PONG_BIN/pinger
PONG_LOG=$TEST_TMP/pong.log
# The datagram runs need our group inside ping_group_range.
netns_in_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"

run_pinger() { run_in_client "$1" "$PINGER" "${@:2}"; } # NAME ARGS... -> exit status

for socket in raw dgram; do
  step "$socket: the kernel's echo answers every request once"
  netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
  status=$(run_pinger "kernel-$socket" --socket "$socket" -c 5 -i 0.2 -W 2 "$SERVER")
  out=$TEST_TMP/kernel-$socket
  expect_status 0 "$status" "$socket: exit 0"
  for seq in 0 1 2 3 4; do
    expect_grep "^21 bytes from 10\.112\.2\.3: pid=[0-9]+, icmp_type=echo reply, icmp_seq=$seq, data=hello from client, time:[0-9]+μs$" \
      "$out" "$socket: icmp_seq=$seq answered"
  done
  expect_grep "^5 packets transmitted, 5 received, 0% packet loss, time [0-9]+ms$" "$out" \
    "$socket: 5 of 5, no duplicates, no errors"
  expect_grep "^rtt min/avg/max/mdev = " "$out" "$socket: rtt line"
  expect_no_grep "DUP!|BAD CHECKSUM|wrong data|DIFFERENT" "$out" "$socket: no flags"
done

for socket in raw dgram; do
  step "$socket: kernel echo on and pong running: two replies each, DUP!"
  netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
  : >"$PONG_LOG"
  netns_start_bg "$NETNS_SERVER" "$PONG_LOG" "$PONG_BIN/pong"
  pong_pid=$NETNS_LAST_PID
  wait_for_log "$PONG_LOG" "answering ICMP echo" 10
  status=$(run_pinger "both-$socket" --socket "$socket" -c 4 -i 0.3 -W 2 "$SERVER")
  out=$TEST_TMP/both-$socket
  expect_status 0 "$status" "$socket: exit 0"
  # pinger stops once every request has its first reply, so the second
  # reply to the last request may come too late to be seen: 3 or 4.
  expect_grep "^4 packets transmitted, 4 received, \+[34] duplicates, 0% packet loss, time [0-9]+ms$" \
    "$out" "$socket: 4 received and the duplicates counted"
  dups=$(grep -c "(DUP!)$" "$out" || true)
  summary_dups=$(sed -nE 's/.*\+([0-9]+) duplicates.*/\1/p' "$out")
  [ "$dups" = "$summary_dups" ] || fail "$socket: $dups DUP! lines but +$summary_dups duplicates"
  ok "$socket: one (DUP!) line per duplicate ($dups)"
  for seq in 0 1 2; do
    [ "$(grep -c "icmp_seq=$seq, .*(DUP!)$" "$out")" = 1 ] || fail "$socket: seq $seq: one DUP!"
  done
  ok "$socket: the second reply to each of icmp_seq 0-2 is the DUP!"
  stop_pid "$pong_pid" || true
done

for socket in raw dgram; do
  step "$socket: nothing answers: 100% loss, exit 1"
  netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
  # Under a 20 s timeout: -W 1 must end the wait (a hang would exit 124).
  status=$(run_in_client "none-$socket" timeout 20 "$PINGER" --socket "$socket" -c 3 -i 0.2 -W 1 "$SERVER")
  out=$TEST_TMP/none-$socket
  expect_status 1 "$status" "$socket: exit 1 when no reply came, the -W wait over"
  expect_grep "^3 packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$" "$out" \
    "$socket: 3 sent, none received"
  expect_no_grep "bytes from|^rtt" "$out" "$socket: no reply lines, no rtt line"
done

step "--json with nothing answering: rtt_ms is null"
status=$(run_pinger none-json --json -c 2 -i 0.2 -W 1 "$SERVER")
expect_status 1 "$status" "--json: exit 1"
python3 - "$TEST_TMP/none-json" <<'EOF' || fail "JSON for a silent host"
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["transmitted"], d["received"], d["packet_loss_percent"], d["rtt_ms"]) == (2, 0, 100, None), d
EOF
ok "--json: transmitted 2, received 0, loss 100, rtt_ms null"

step "half the replies: loss is counted per request"
# The kernel answers, then stops answering after the first replies.
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
netns_start_bg "$NETNS_CLIENT" "$TEST_TMP/half" "$PINGER" -c 4 -i 0.5 -W 1 "$SERVER"
half_pid=$NETNS_LAST_PID
wait_for_log "$TEST_TMP/half" "icmp_seq=1," 10
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
status=0
wait "$half_pid" || status=$?
expect_status 0 "$status" "exit 0: some replies came"
expect_grep "^4 packets transmitted, 2 received, 50% packet loss, time [0-9]+ms$" "$TEST_TMP/half" \
  "2 of 4: 50% packet loss"

finish
