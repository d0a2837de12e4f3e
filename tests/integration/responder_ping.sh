#!/usr/bin/env bash
# pong against real clients, in two namespaces joined by a veth pair.
# Everything iputils ping and fping can observe must match the kernel's
# own echo; every send is bounded by -c and -W.
source "$(dirname "$0")/testlib.sh"

netns_create "pr$$s" "pr$$c" 10.111.0
SERVER=$NETNS_SERVER_ADDR


step "ping -c 5 is answered 5 times, once each"
start_pong
status=$(client_ping "$TEST_TMP/p5" -c 5 -i 0.2 -e 4242 "$SERVER")
expect_status 0 "$status" "ping exits 0"
expect_grep "5 packets transmitted, 5 received, 0% packet loss" "$TEST_TMP/p5" "5 of 5 replies"
expect_no_grep "DUP!" "$TEST_TMP/p5" "no duplicate replies"
for seq in 1 2 3 4 5; do
  expect_grep "bytes from 10\.111\.0\.2: pid=4242, icmp_type=echo, icmp_seq=$seq, data=hex:" \
    "$PONG_LOG" "pong logged id 4242 seq $seq with its payload"
done

step "payload sizes 0, 1, 56, 1472, 4000 (fragmented) and 65507 come back intact"
for size in 0 1 56 1472 4000 65507; do
  status=$(client_ping "$TEST_TMP/size$size" -c 2 -i 0.2 -s "$size" "$SERVER")
  expect_status 0 "$status" "ping -s $size exits 0"
  expect_grep "2 packets transmitted, 2 received" "$TEST_TMP/size$size" "ping -s $size: 2 of 2"
  expect_no_grep "wrong data byte|DUP!|BAD CHECKSUM" "$TEST_TMP/size$size" "ping -s $size: data intact"
  expect_grep "^\[.*\] $((size + 4)) bytes from" "$PONG_LOG" "pong logged the $size-byte payload"
done
expect_grep "data=hex:.*\.\.\. \(65507 bytes\)" "$PONG_LOG" "a long payload is cut in the log, with its length"

step "-p patterns are echoed"
for pattern in ff 00 a5 deadbeef 0123456789abcdef; do
  status=$(client_ping "$TEST_TMP/pat$pattern" -c 2 -i 0.2 -p "$pattern" "$SERVER")
  expect_grep "2 received" "$TEST_TMP/pat$pattern" "pattern $pattern: 2 of 2"
  expect_no_grep "wrong data byte" "$TEST_TMP/pat$pattern" "pattern $pattern: data intact"
done

step "a printable payload is logged as text"
# Echo Request id 0x1234 seq 5, data "hello from client", checksum 0x65b9.
netns_in_client "$PONG_BIN/send_icmp" "$SERVER" 080065b91234000568656c6c6f2066726f6d20636c69656e74
wait_for_log "$PONG_LOG" "21 bytes from 10\.111\.0\.2: pid=4660, icmp_type=echo, icmp_seq=5, data=hello from client$" 5
ok "logged as in the article: 21 bytes ... data=hello from client"

step "an all-zero reply gets checksum 0xffff, as the kernel's full recomputation gives"
# id 0, seq 0, no data: RFC 1624 eqn. 3 alone would answer 0x0000.
netns_in_client "$PONG_BIN/icmp-lab" craft --id 0 --seq 0 --data '' --send "$SERVER" \
  >"$TEST_TMP/zero" 2>&1 || true
expect_grep "reply from 10\.111\.0\.3 .*checksum 0xffff \(valid\)" "$TEST_TMP/zero" "valid 0xffff checksum"

step "options with nothing to echo (padding, Router Alert) are answered, as the kernel does"
for options in 01010101 94040000; do
  start_capture "$NETNS_CLIENT" "$TEST_TMP/opt$options" -c 1 -i eth0 \
    "icmp[icmptype] == icmp-echoreply"
  netns_in_client "$PONG_BIN/send_icmp" "$SERVER" 080065b91234000568656c6c6f2066726f6d20636c69656e74 \
    "$options"
  wait "$CAPTURE_PID" || true
  expect_grep "10\.111\.0\.3 > 10\.111\.0\.2: ICMP echo reply, id 4660, seq 5" "$TEST_TMP/opt$options" \
    "request with IP options $options answered"
done

step "fping, which matches replies by payload, sees every reply"
status=0
netns_in_client fping -c 3 -p 200 -t 1000 "$SERVER" >"$TEST_TMP/fping" 2>&1 || status=$?
expect_status 0 "$status" "fping exits 0"
expect_grep "xmt/rcv/%loss = 3/3/0%" "$TEST_TMP/fping" "fping: 3 of 3"
expect_no_grep "duplicate" "$TEST_TMP/fping" "fping: no duplicates"

step "the reply comes from the address the request was sent to (RFC 1122 3.2.2.6)"
netns_in_server ip addr add 10.111.0.33/24 dev eth0
status=$(client_ping "$TEST_TMP/second" -c 2 -i 0.2 10.111.0.33)
expect_status 0 "$status" "ping to the second address exits 0"
expect_grep "bytes from 10\.111\.0\.33: icmp_seq=1" "$TEST_TMP/second" "reply source is 10.111.0.33"
expect_no_grep "bytes from 10\.111\.0\.3:" "$TEST_TMP/second" "never from the primary address"

step "a corrupted request is dropped, counted, and pong goes on"
# Echo Request id 1 seq 1 with a wrong checksum (0x0000).
netns_in_client "$PONG_BIN/send_icmp" "$SERVER" 0800000000010001
kill -USR1 "$PONG_PID"
wait_for_log "$PONG_LOG" "dropped icmp_bad_checksum: 1" 5
ok "SIGUSR1 shows the bad checksum under its reason"
status=$(client_ping "$TEST_TMP/after" -c 1 "$SERVER")
expect_status 0 "$status" "pong still answers afterwards"

step "broadcasts follow net.ipv4.icmp_echo_ignore_broadcasts, like the kernel"
status=$(client_ping "$TEST_TMP/bcast" -b -c 2 -i 0.2 10.111.0.255)
expect_grep "0 received" "$TEST_TMP/bcast" "broadcast request not answered by default"
kill -USR1 "$PONG_PID"
wait_for_log "$PONG_LOG" "dropped non_unicast_destination: 2" 5
ok "counted as non_unicast_destination"

step "SIGTERM: pong exits 0 and prints its counters"
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong exit status"
expect_grep "received, [0-9]+ answered, 3 dropped, 0 send errors" "$PONG_LOG" "final counters"

step "SIGHUP stops pong cleanly too"
start_pong --quiet
kill -HUP "$PONG_PID"
status=0
wait "$PONG_PID" || status=$?
PONG_PID=""
expect_status 0 "$status" "pong exits 0 on SIGHUP"
expect_grep "received HUP, shutting down" "$PONG_LOG" "and says why"

step "--broadcasts answer: replies come from the interface address"
start_pong --broadcasts answer
status=$(client_ping "$TEST_TMP/bcast2" -b -c 2 -i 0.2 10.111.0.255)
expect_grep "bytes from 10\.111\.0\.3: icmp_seq=1" "$TEST_TMP/bcast2" "broadcast answered from 10.111.0.3"
stop_pong

step "--quiet: no line per request, counters still printed; SIGINT exits 0 too"
start_pong --quiet
status=$(client_ping "$TEST_TMP/quiet" -c 2 -i 0.2 "$SERVER")
expect_grep "2 received" "$TEST_TMP/quiet" "2 of 2 with --quiet"
kill -INT "$PONG_PID"
status=0
wait "$PONG_PID" || status=$?
PONG_PID=""
expect_status 0 "$status" "pong exits 0 on SIGINT"
expect_grep "received INT, shutting down" "$PONG_LOG" "pong says why it stopped"
expect_grep "2 received, 2 answered, 0 dropped" "$PONG_LOG" "counters printed"
expect_no_grep "bytes from" "$PONG_LOG" "no per-request lines"

step "with pong stopped, nothing answers: the kernel's echo really is off"
status=$(client_ping "$TEST_TMP/none" -c 3 -i 0.2 "$SERVER")
expect_status 1 "$status" "ping exits 1"
expect_grep "3 packets transmitted, 0 received, 100% packet loss" "$TEST_TMP/none" "no replies"

step "the kernel's echo, side by side: TOS, TTL, DF, length, RR and TS options"
# Capture one request/reply pair from each responder and compare what a
# client can see of the reply: everything but the IP identification.
capture_reply() { # OUT PING-OPTIONS...
  local out=$1
  shift
  start_capture "$NETNS_CLIENT" "$out.pcap.txt" -v -c 2 -i eth0 icmp
  netns_in_client ping -c 1 -W 2 "$@" "$SERVER" >"$out" 2>&1 || true
  wait "$CAPTURE_PID" || true
  # The reply's header line, without its identification, and its body.
  grep -A1 -E "^.*IP \(tos" "$out.pcap.txt" | tail -2 | sed -E 's/id [0-9]+, //; s/^[0-9:.]+ //; s/[0-9]+@/T@/g' >"$out.reply"
}
compare_with_kernel() { # NAME PING-OPTIONS...
  local name=$1
  shift
  replies_match_kernel "$name" net.ipv4.icmp_echo_ignore_all capture_reply "$@"
  ok "$name: reply header identical to the kernel's ($(head -c 60 "$TEST_TMP/pong-$name.reply")...)"
  # What ping itself printed about options (RR/TS lines) must match too.
  # Timestamps are times, so only their places are compared.
  local times='s/(\s|^TS:\s*)-?[0-9]+( absolute)?$/\1T/'
  diff <(grep -E "^(RR|TS|\s+[0-9])" "$TEST_TMP/kernel-$name" | sed -E "$times") \
    <(grep -E "^(RR|TS|\s+[0-9])" "$TEST_TMP/pong-$name" | sed -E "$times") ||
    fail "$name: ping's option report differs"
}
compare_with_kernel plain
compare_with_kernel tos -Q 0xb8
compare_with_kernel ecn -Q 0x03
compare_with_kernel record-route -R
compare_with_kernel timestamp -T tsonly
compare_with_kernel big -s 3000
expect_grep "RR:\s+10\.111\.0\.2" "$TEST_TMP/pong-record-route" "ping -R shows the recorded route"

step "--take-over turns kernel echo off while pong runs and restores it"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
start_pong --take-over
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 1 ] || fail "sysctl not set"
ok "net.ipv4.icmp_echo_ignore_all=1 while pong runs"
status=$(client_ping "$TEST_TMP/takeover" -c 3 -i 0.2 "$SERVER")
expect_grep "3 received" "$TEST_TMP/takeover" "3 of 3"
expect_no_grep "DUP!" "$TEST_TMP/takeover" "no duplicates: only pong answers"
stop_pong
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 0 ] || fail "sysctl not restored"
ok "net.ipv4.icmp_echo_ignore_all restored to 0 on exit"
expect_grep "restored net.ipv4.icmp_echo_ignore_all=0" "$PONG_LOG" "pong says it restored it"

step "--take-over restores the sysctl even when its log reader has gone (SIGPIPE)"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
exec 3> >(head -n 1 >/dev/null)
ip netns exec "$NETNS_SERVER" "$PONG_BIN/pong" --take-over >&3 2>&1 &
PONG_PID=$!
NETNS_PIDS+=("$PONG_PID")
exec 3>&-
sleep 0.5
status=$(client_ping "$TEST_TMP/pipe" -c 3 -i 0.2 "$SERVER")
expect_grep "3 received" "$TEST_TMP/pipe" "pong answers with nobody reading its log"
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong exits 0, not killed by SIGPIPE"
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 0 ] || fail "sysctl not restored"
ok "net.ipv4.icmp_echo_ignore_all restored to 0"

step "without --take-over and with kernel echo on: a warning, and clients see DUP!"
start_pong
expect_grep "clients will get two replies" "$PONG_LOG" "pong warns about duplicates"
status=$(client_ping "$TEST_TMP/dup" -c 2 -i 0.3 "$SERVER")
expect_grep "DUP!" "$TEST_TMP/dup" "ping shows DUP! with two responders"
stop_pong
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1

step "errors: one sentence and a non-zero exit"
status=0
"$PONG_BIN/pong" --no-such-option >"$TEST_TMP/badopt" 2>&1 || status=$?
expect_status 2 "$status" "a bad option exits 2"
expect_grep "no-such-option" "$TEST_TMP/badopt" "the message names the option"
status=0
netns_in_server setpriv --bounding-set=-net_raw --inh-caps=-net_raw "$PONG_BIN/pong" \
  >"$TEST_TMP/nocap" 2>&1 || status=$?
expect_status 2 "$status" "without CAP_NET_RAW pong exits 2"
expect_grep "needs CAP_NET_RAW" "$TEST_TMP/nocap" "and says what is missing"
[ "$(wc -l <"$TEST_TMP/nocap")" -le 2 ] || fail "the error is short, not a trace"
"$PONG_BIN/pong" --help | grep -q -- "--take-over" || fail "--help lists --take-over"
ok "--help documents the options"
"$PONG_BIN/pong" --version | grep -qE "^pong [0-9]+\.[0-9]+\.[0-9]+$" || fail "--version"
ok "--version prints 'pong X.Y.Z'"

finish
