#!/usr/bin/env bash
# scripts/demo, as a new user runs it: the article's lines on both sides,
# DUP! once the kernel answers too, and nothing left behind.
source "$(dirname "$0")/testlib.sh"

step "scripts/demo runs and shows both sides"
status=0
PONG_BIN=$PONG_BIN "$TESTLIB_ROOT/scripts/demo" >"$TEST_TMP/demo" 2>&1 || status=$?
expect_status 0 "$status" "scripts/demo exits 0"
expect_grep "^21 bytes from 172\.22\.0\.3: pid=[0-9]+, icmp_type=echo reply, icmp_seq=0, data=hello from client, time:[0-9]+μs$" \
  "$TEST_TMP/demo" "pinger prints the article's client line"
expect_grep "3 packets transmitted, 3 received, 0% packet loss" "$TEST_TMP/demo" "every request answered"
expect_grep "\] 21 bytes from 172\.22\.0\.2: pid=[0-9]+, icmp_type=echo, icmp_seq=0, data=hello from client$" \
  "$TEST_TMP/demo" "pong prints the article's server line"
expect_grep "6 received, 6 answered, 0 dropped" "$TEST_TMP/demo" "pong's counters"
expect_grep "\(DUP!\)" "$TEST_TMP/demo" "kernel and pong together: DUP!"

step "nothing is left behind"
if ip netns list | grep -qE "^icmp-(server|client)\b"; then fail "namespaces left behind"; fi
[ ! -e /etc/netns/icmp-server ] && [ ! -e /etc/netns/icmp-client ] || fail "/etc/netns entries left behind"
ok "namespaces and hosts files removed"

step "bad options: a clear sentence and exit 2"
status=0
"$TESTLIB_ROOT/scripts/demo" --bogus >"$TEST_TMP/bad" 2>&1 || status=$?
expect_status 2 "$status" "unknown option exits 2"
expect_grep "unknown option '--bogus'" "$TEST_TMP/bad" "and names it"
finish
