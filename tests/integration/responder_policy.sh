#!/usr/bin/env bash
# pong's admission policy against iputils ping, both families, in two
# namespaces: --deny, --allow, --acl-file, --rate/--burst, --global-rate.
# Rate limits are checked by counting replies within wide bounds (no
# timing assertion); every send is bounded by -c and -W.
source "$(dirname "$0")/testlib.sh"

netns_create "pp$$s" "pp$$c" 10.116.0
SERVER=$NETNS_SERVER_ADDR
SERVER6=$NETNS_SERVER_ADDR6
CLIENT=$NETNS_CLIENT_ADDR

# counted REASON: how many drops pong counted under REASON, over both
# families, from the counters it prints on SIGTERM.
counted() {
  awk -v r="dropped $1:" '$0 ~ r { n += $NF } END { print n + 0 }' "$PONG_LOG"
}
received_of() { sed -nE 's/.* ([0-9]+) received.*/\1/p' "$1"; }
# expect_rate OUT BURST RATE WHAT: the replies ping counted in OUT are
# within x2 either way of BURST + RATE x the run's own length, as ping
# reported it (so a slow machine moves the bound, not the verdict).
expect_rate() {
  local out=$1 burst=$2 rate=$3 what=$4 got ms expected
  got=$(received_of "$out")
  ms=$(sed -nE 's/.*time ([0-9]+)ms.*/\1/p' "$out")
  expected=$((burst + rate * ms / 1000))
  if [ "$got" -lt $((expected / 2)) ] || [ "$got" -gt $((expected * 2)) ]; then
    fail "$what: $got replies in $ms ms, expected about $expected"
  fi
  ok "$what: $got replies of 100 in $ms ms (about $expected expected)"
}

step "by default nothing is limited, as with the kernel"
start_pong --quiet
status=$(client_ping "$TEST_TMP/flood0" -c 200 -i 0.002 "$SERVER")
expect_grep "200 packets transmitted, 200 received" "$TEST_TMP/flood0" "200 of 200 at 500 requests a second"
stop_pong

step "--deny: a denied source gets nothing, over either family; others are answered"
start_pong --deny "$CLIENT" --deny "${NETNS_CLIENT_ADDR6%::*}::/64"
status=$(client_ping "$TEST_TMP/deny4" -c 3 -i 0.2 "$SERVER")
expect_grep "3 packets transmitted, 0 received" "$TEST_TMP/deny4" "IPv4 client denied"
status=$(client_ping "$TEST_TMP/deny6" -6 -c 3 -i 0.2 "$SERVER6")
expect_grep "3 packets transmitted, 0 received" "$TEST_TMP/deny6" "IPv6 /64 denied"
LL=$(netns_in_server ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
status=$(client_ping "$TEST_TMP/deny-ll" -6 -c 2 -i 0.2 "$LL%eth0")
expect_grep "2 received" "$TEST_TMP/deny-ll" "the client's link-local address is not denied"
stop_pong
[ "$(counted denied)" = 6 ] || fail "6 requests counted as denied, not $(counted denied)"
ok "counted: denied 6"

step "--allow: only the allowed prefix is answered"
start_pong --allow 10.116.0.0/30
status=$(client_ping "$TEST_TMP/allow4" -c 2 -i 0.2 "$SERVER")
expect_grep "2 received" "$TEST_TMP/allow4" "10.116.0.2 is inside 10.116.0.0/30"
status=$(client_ping "$TEST_TMP/allow6" -6 -c 2 -i 0.2 "$SERVER6")
expect_grep "2 packets transmitted, 0 received" "$TEST_TMP/allow6" "IPv6 is outside every allow"
stop_pong
[ "$(counted not_allowed)" = 2 ] || fail "2 requests counted as not_allowed, not $(counted not_allowed)"
ok "counted: not_allowed 2"

step "--acl-file: rules, comments, deny over allow"
cat >"$TEST_TMP/pong.acl" <<ACL
# the lab's own hosts
allow 10.116.0.0/24
allow ${NETNS_CLIENT_ADDR6%::*}::/64   # the ULA subnet
deny $CLIENT
ACL
start_pong --acl-file "$TEST_TMP/pong.acl"
status=$(client_ping "$TEST_TMP/acl4" -c 2 -i 0.2 "$SERVER")
expect_grep "2 packets transmitted, 0 received" "$TEST_TMP/acl4" "deny wins for $CLIENT"
status=$(client_ping "$TEST_TMP/acl6" -6 -c 2 -i 0.2 "$SERVER6")
expect_grep "2 received" "$TEST_TMP/acl6" "the ULA subnet is allowed"
stop_pong

step "a bad rule: exit 2, one sentence with the line number, nothing changed"
printf 'allow 10.0.0.0/8\n# fine\npermit 10.1.0.0/16\n' >"$TEST_TMP/bad.acl"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
status=0
netns_in_server "$PONG_BIN/pong" --take-over --acl-file "$TEST_TMP/bad.acl" >"$TEST_TMP/bad" 2>&1 ||
  status=$?
expect_status 2 "$status" "a bad ACL file exits 2"
expect_grep "bad.acl line 3: 'permit 10.1.0.0/16' is not a rule" "$TEST_TMP/bad" "names the line"
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 0 ] || fail "the sysctl was changed"
ok "the sysctl was never touched"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
status=0
"$PONG_BIN/pong" --deny 10.0.0.1/8 >"$TEST_TMP/bad2" 2>&1 || status=$?
expect_status 2 "$status" "a bad --deny exits 2"
expect_grep "--deny 10.0.0.1/8: 10.0.0.1/8 has bits set past its /8 prefix" "$TEST_TMP/bad2" "and says why"

step "--rate 5/s --burst 5: 100 requests in about a second get about 5 + 5 a second"
start_pong --quiet --rate 5/s --burst 5
status=$(client_ping "$TEST_TMP/rate" -c 100 -i 0.01 "$SERVER")
expect_rate "$TEST_TMP/rate" 5 5 "IPv4"
status=$(client_ping "$TEST_TMP/rate6" -6 -c 100 -i 0.01 "$SERVER6")
expect_rate "$TEST_TMP/rate6" 5 5 "IPv6, from a bucket of its own"
stop_pong
[ "$(counted rate_limited)" -ge 160 ] || fail "only $(counted rate_limited) counted as rate_limited"
ok "counted: rate_limited $(counted rate_limited)"

step "--global-rate 5/s caps all replies together"
start_pong --quiet --global-rate 5/s
status=$(client_ping "$TEST_TMP/global" -c 100 -i 0.01 "$SERVER")
expect_rate "$TEST_TMP/global" 5 5 "all sources together"
stop_pong
[ "$(counted global_rate_limited)" -ge 80 ] || fail "global_rate_limited counted $(counted global_rate_limited)"
ok "counted: global_rate_limited $(counted global_rate_limited)"

finish
