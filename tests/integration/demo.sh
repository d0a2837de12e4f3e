#!/usr/bin/env bash
# scripts/demo, as a new user runs it: the article's lines on both sides,
# for IPv4 and for IPv6, DUP! for both families once the kernel answers too,
# and nothing left behind.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

step "scripts/demo runs and shows both sides, over IPv4 and IPv6"
status=0
PONG_BIN=$PONG_BIN "$TESTLIB_ROOT/scripts/demo" >"$TEST_TMP/demo" 2>&1 || status=$?
expect_status 0 "$status" "scripts/demo exits 0"
# The part with pong alone, and the part with the kernel's echo on as well.
sed '/the article.s point/,$d' "$TEST_TMP/demo" >"$TEST_TMP/pong-only"
sed -n '/the article.s point/,$p' "$TEST_TMP/demo" >"$TEST_TMP/dup"
[ -s "$TEST_TMP/dup" ] || fail "the transcript has no DUP! part"
expect_grep "answering ICMP echo requests on all IPv4 and IPv6 addresses" "$TEST_TMP/pong-only" \
  "pong serves both families"

# IPv4: the article's lines.
expect_grep "^21 bytes from 172\.22\.0\.3: pid=[0-9]+, icmp_type=echo reply, icmp_seq=0, data=hello from client, time:[0-9]+μs$" \
  "$TEST_TMP/pong-only" "pinger prints the article's client line"
expect_grep "^icmp-client# ping -4 " "$TEST_TMP/pong-only" "the demo asks ping for IPv4 explicitly"
expect_grep "^64 bytes from icmp-server \(172\.22\.0\.3\): icmp_seq=3 " "$TEST_TMP/pong-only" "ping -4 gets its replies"
expect_grep "\] 21 bytes from 172\.22\.0\.2: pid=[0-9]+, icmp_type=echo, icmp_seq=0, data=hello from client$" \
  "$TEST_TMP/pong-only" "pong prints the article's server line"
expect_grep "\] 60 bytes from 172\.22\.0\.2: pid=[0-9]+, icmp_type=echo, icmp_seq=3, data=hex:" \
  "$TEST_TMP/pong-only" "pong logs ping -4's requests"

# IPv6: the same, over ICMPv6.
expect_grep "^icmp-client# ping -6 " "$TEST_TMP/pong-only" "the demo asks ping for IPv6 explicitly"
expect_grep "^64 bytes from icmp-server \(fd00:172:22::3\): icmp_seq=3 " "$TEST_TMP/pong-only" "ping -6 gets its replies"
expect_grep "\] 60 bytes from fd00:172:22::2: pid=[0-9]+, icmp_type=echo, icmp_seq=3, data=hex:" \
  "$TEST_TMP/pong-only" "pong logs ping -6's requests with the client's IPv6 address"
expect_grep "^21 bytes from fd00:172:22::3: pid=[0-9]+, icmp_type=echo reply, icmp_seq=0, data=hello from client, time:[0-9]+μs$" \
  "$TEST_TMP/pong-only" "pinger -6 prints the article's client line"
expect_grep "\] 21 bytes from fd00:172:22::2: pid=[0-9]+, icmp_type=echo, icmp_seq=0, data=hello from client$" \
  "$TEST_TMP/pong-only" "pong prints the article's server line for pinger -6"

# Every request answered once: 3 per tool, no DUP! while pong answers alone.
runs=$(grep -c "^3 packets transmitted, 3 received, 0% packet loss" "$TEST_TMP/pong-only" || true)
[ "$runs" = 4 ] || fail "expected 4 runs (pinger, ping -4, pinger -6, ping -6) with 3 of 3 answered, got $runs"
ok "pinger, ping -4, pinger -6 and ping -6 each got 3 of 3 replies"
expect_no_grep "DUP!" "$TEST_TMP/pong-only" "no DUP! while pong answers alone"
expect_grep "IPv4: 6 received, 6 answered, 0 dropped, 0 send errors" "$TEST_TMP/pong-only" "pong's IPv4 counters"
expect_grep "IPv6: 6 received, 6 answered, 0 dropped, 0 send errors" "$TEST_TMP/pong-only" "pong's IPv6 counters"

step "kernel and pong together: DUP! for both families"
expect_grep "^64 bytes from icmp-server \(172\.22\.0\.3\): .*\(DUP!\)" "$TEST_TMP/dup" "IPv4: DUP!"
expect_grep "^64 bytes from icmp-server \(fd00:172:22::3\): .*\(DUP!\)" "$TEST_TMP/dup" "IPv6: DUP!"

step "nothing is left behind"
if ip netns list | grep -qE "^icmp-(server|client)\b"; then fail "namespaces left behind"; fi
if [ -e /etc/netns/icmp-server ] || [ -e /etc/netns/icmp-client ]; then fail "/etc/netns entries left behind"; fi
ok "namespaces and hosts files removed"

step "bad options: a clear sentence and exit 2"
status=0
"$TESTLIB_ROOT/scripts/demo" --bogus >"$TEST_TMP/bad" 2>&1 || status=$?
expect_status 2 "$status" "unknown option exits 2"
expect_grep "unknown option '--bogus'" "$TEST_TMP/bad" "and names it"
status=0
"$TESTLIB_ROOT/scripts/demo" --help >"$TEST_TMP/help" 2>&1 || status=$?
expect_status 0 "$status" "--help exits 0"
expect_grep "over IPv4 and over IPv6" "$TEST_TMP/help" "--help describes the demo"
expect_no_grep "^set |pipefail" "$TEST_TMP/help" "--help prints the header comment only"
finish
