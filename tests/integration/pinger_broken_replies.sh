#!/usr/bin/env bash
# pinger against a responder that damages its replies (tests/helpers/
# flip_responder): a flipped data byte with a fixed-up checksum ("wrong
# data byte"), a flipped byte with the old checksum, as corruption on the
# wire would leave it ("BAD CHECKSUM"), and replies from another address
# ("DIFFERENT ADDRESS"), each also as --json-lines's flags (read with jq).
# Every run is bounded by -c and -W.
source "$(dirname "$0")/testlib.sh"

netns_create "pb$$s" "pb$$c" 10.112.4
SERVER=$NETNS_SERVER_ADDR
PINGER=$PONG_BIN/pinger
OTHER=10.112.4.4
ip -n "$NETNS_SERVER" addr add "$OTHER/24" dev eth0
netns_in_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"

run_pinger() { run_in_client "$1" "$PINGER" "${@:2}"; } # NAME ARGS... -> exit status
RESPONDER_PID=""
start_responder() { # NAME ARGS...
  local log=$TEST_TMP/$1.responder
  shift
  netns_start_bg "$NETNS_SERVER" "$log" "$PONG_BIN/flip_responder" --seconds 60 "$@"
  RESPONDER_PID=$NETNS_LAST_PID
  wait_for_log "$log" "ready" 10
}
stop_responder() { stop_pid "$RESPONDER_PID" || true; }
# expect_record NAME FILTER WHAT: the first line of NAME's stdout is a
# reply record for which the jq FILTER is true.
expect_record() {
  head -n 1 "$TEST_TMP/$1" | jq -e ".type == \"reply\" and ($2)" >/dev/null ||
    fail "$3: $(cat "$TEST_TMP/$1")"
  ok "$3"
}

step "a responder that flips data byte #3: 'wrong data byte', still received"
start_responder flip --mode flip --flip-byte 3
for socket in raw dgram; do
  status=$(run_pinger "flip-$socket" --socket "$socket" -c 2 -i 0.2 -W 2 "$SERVER")
  out=$TEST_TMP/flip-$socket
  expect_status 0 "$status" "$socket: exit 0, replies came"
  for seq in 0 1; do
    expect_grep "^21 bytes from 10\.112\.4\.3: pid=[0-9]+, icmp_type=echo reply, icmp_seq=$seq, data=hex:68656c936f2066726f6d20636c69656e74, time:[0-9]+μs$" \
      "$out" "$socket: icmp_seq=$seq shows the damaged data"
  done
  [ "$(grep -c "^wrong data byte #3 should be 0x6c but was 0x93$" "$out")" = 2 ] ||
    fail "$socket: two 'wrong data byte #3' lines"
  ok "$socket: 'wrong data byte #3 should be 0x6c but was 0x93' under each reply"
  expect_grep "^2 packets transmitted, 2 received, 0% packet loss" "$out" \
    "$socket: counted as received, as iputils does"
done
status=$(run_pinger flip-json --json-lines -c 1 -W 2 "$SERVER")
expect_record flip-json '.wrong_data == {"length": 17, "expected_length": 17, "byte_index": 3,
    "expected_byte": 108, "actual_byte": 147} and .duplicate == false and .bad_checksum == false
    and .data == "hex:68656c936f2066726f6d20636c69656e74"' \
  "--json-lines: wrong_data names byte #3, 0x6c (108) expected, 0x93 (147) seen"
status=$(run_pinger flip-text -c 1 -W 2 -d "abcdef" "$SERVER")
expect_grep "^wrong data byte #3 should be 0x64 but was 0x9b$" "$TEST_TMP/flip-text" \
  "with -d abcdef: byte #3 is 'd', compared with what was sent"
stop_responder

step "a byte corrupted on the wire (old checksum): BAD CHECKSUM on a raw socket"
start_responder corrupt --mode corrupt --flip-byte 0
status=$(run_pinger corrupt-raw --socket raw -c 2 -i 0.2 -W 1 "$SERVER")
out=$TEST_TMP/corrupt-raw
expect_status 1 "$status" "raw: exit 1, no good reply came"
for seq in 0 1; do
  expect_grep "^21 bytes from 10\.112\.4\.3: .*icmp_seq=$seq, .*time:[0-9]+μs \(BAD CHECKSUM!\)$" \
    "$out" "raw: icmp_seq=$seq flagged (BAD CHECKSUM!)"
done
expect_grep "^wrong data byte #0 should be 0x68 but was 0x97$" "$out" "raw: and the damaged byte named"
expect_grep "^2 packets transmitted, 0 received, \+2 corrupted, 100% packet loss" "$out" \
  "raw: +2 corrupted, not received"
status=$(run_pinger corrupt-json --json-lines --socket raw -c 1 -W 1 "$SERVER")
expect_record corrupt-json '.bad_checksum == true and .wrong_data.byte_index == 0' \
  "raw --json-lines: bad_checksum true, and the damaged byte in wrong_data"
# A datagram socket never sees them: the kernel drops bad checksums first.
status=$(run_pinger corrupt-dgram --socket dgram -c 2 -i 0.2 -W 1 "$SERVER")
expect_status 1 "$status" "dgram: exit 1"
expect_grep "^2 packets transmitted, 0 received, 100% packet loss" "$TEST_TMP/corrupt-dgram" \
  "dgram: the kernel dropped both (it checks ICMP checksums before ping sockets)"
stop_responder

step "replies from another address than the one pinged: DIFFERENT ADDRESS"
start_responder other --mode intact --source "$OTHER"
for socket in raw dgram; do
  status=$(run_pinger "other-$socket" --socket "$socket" -c 2 -i 0.2 -W 2 "$SERVER")
  out=$TEST_TMP/other-$socket
  expect_status 0 "$status" "$socket: exit 0"
  expect_grep "^21 bytes from 10\.112\.4\.4: .*icmp_seq=1, data=hello from client, time:[0-9]+μs \(DIFFERENT ADDRESS!\)$" \
    "$out" "$socket: the reply names its real source and is flagged"
  expect_grep "^2 packets transmitted, 2 received, 0% packet loss" "$out" "$socket: 2 received"
done
status=$(run_pinger other-json --json-lines -c 1 -W 2 "$SERVER")
expect_record other-json ".different_address == true and .from == \"$OTHER\" and .wrong_data == null" \
  "--json-lines: different_address true, from $OTHER"
stop_responder

finish
