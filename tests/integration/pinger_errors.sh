#!/usr/bin/env bash
# pinger and ICMP errors, and pinger's own errors. The server namespace is
# made a router for 10.112.30.0/24, which lies behind a veth whose far end
# is in the server namespace too and answers no ARP: a request to
# 10.112.30.1 gets Destination Unreachable (host unreachable) once address
# resolution fails, and with -t 1 Time Exceeded on the way; --json-lines
# gives an error record for each, and for each request that could not be
# sent. Nothing leaves the two namespaces.
source "$(dirname "$0")/testlib.sh"

netns_create "pe$$s" "pe$$c" 10.112.3
SERVER=$NETNS_SERVER_ADDR
PINGER=$PONG_BIN/pinger
BEYOND=10.112.30.1

ip -n "$NETNS_SERVER" link add far0 type veth peer name far1
ip -n "$NETNS_SERVER" addr add 10.112.30.254/24 dev far0
ip -n "$NETNS_SERVER" link set far0 up
ip -n "$NETNS_SERVER" link set far1 up
# Forward; give up on ARP after one 100 ms try instead of three 1 s ones;
# and do not rate-limit ICMP errors (icmp_ratelimit applies to types 3
# and 11), so every request gets its error.
netns_in_server sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 \
  net.ipv4.neigh.far0.mcast_solicit=1 net.ipv4.neigh.far0.retrans_time_ms=100
ip -n "$NETNS_CLIENT" route add 10.112.30.0/24 via "$SERVER"
netns_in_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"

# Host names come from a hosts file only: no DNS query can leave.
NETNS_ETC=/etc/netns/$NETNS_CLIENT
mkdir -p "$NETNS_ETC"
_remove_netns_etc() { rm -rf "$NETNS_ETC"; }
NETNS_CLEANUP_HOOKS+=(_remove_netns_etc)
printf '127.0.0.1 localhost\n' >"$NETNS_ETC/hosts"
printf 'hosts: files\n' >"$NETNS_ETC/nsswitch.conf"

run_pinger() { run_in_client "$1" "$PINGER" "${@:2}"; } # NAME ARGS... -> exit status

for socket in raw dgram; do
  step "$socket: Destination Unreachable is printed with the sequence it quotes"
  status=$(run_pinger "unreach-$socket" --socket "$socket" -c 3 -i 0.2 -W 5 "$BEYOND")
  out=$TEST_TMP/unreach-$socket
  expect_status 1 "$status" "$socket: exit 1, no reply came"
  for seq in 0 1 2; do
    expect_grep "^From 10\.112\.3\.3 icmp_seq=$seq Destination Unreachable: host unreachable$" \
      "$out" "$socket: icmp_seq=$seq unreachable, from the router"
  done
  expect_grep "^3 packets transmitted, 0 received, \+3 errors, 100% packet loss, time [0-9]+ms$" \
    "$out" "$socket: summary counts 3 errors"
done

for socket in raw dgram; do
  step "$socket: Time Exceeded (-t 1) is printed with the sequence it quotes"
  # -W 60 under a 30 s timeout: an error answers a request, so pinger ends
  # without waiting for replies (a wait would end in the timeout's 124).
  status=$(run_in_client "ttl-$socket" timeout 30 "$PINGER" --socket "$socket" -c 3 -i 0.2 -W 60 -t 1 "$BEYOND")
  out=$TEST_TMP/ttl-$socket
  expect_status 1 "$status" "$socket: exit 1, done when every request had its error"
  for seq in 0 1 2; do
    expect_grep "^From 10\.112\.3\.3 icmp_seq=$seq Time Exceeded: time to live exceeded in transit$" \
      "$out" "$socket: icmp_seq=$seq time exceeded"
  done
  expect_grep "^3 packets transmitted, 0 received, \+3 errors, 100% packet loss" "$out" \
    "$socket: 3 errors counted"
done

for socket in raw dgram; do
  step "$socket: --json-lines gives an error record per ICMP error, then the summary"
  status=$(run_in_client "json-ttl-$socket" timeout 30 "$PINGER" --json-lines --socket "$socket" \
    -c 3 -i 0.2 -W 60 -t 1 "$BEYOND")
  out=$TEST_TMP/json-ttl-$socket
  expect_status 1 "$status" "$socket: exit 1"
  jq -e -s 'length == 4 and ([.[0:3][] | .type == "error" and .from == "10.112.3.3"
      and .icmp_type == 11 and .icmp_code == 0
      and .message == "Time Exceeded: time to live exceeded in transit"] | all)
    and ([.[0:3][].sequence] | sort) == [0, 1, 2]
    and (.[0:3] | map(.identifier) | unique | length) == 1
    and .[3].type == "summary" and .[3].errors == 3 and .[3].received == 0
    and .[3].identifier == .[0].identifier' "$out" >/dev/null ||
    fail "$socket: --json-lines records: $(cat "$out")"
  ok "$socket: three Time Exceeded records, icmp_seq 0 1 2, then the summary with +3 errors"
  expect_grep "^From 10\.112\.3\.3 icmp_seq=2 Time Exceeded" "$out.err" \
    "$socket: the error lines went to stderr"
done

step "--json-lines: a request that cannot be sent gives an error record with its sequence"
# The server's kernel answers 10.112.31.3 (its echo on for this step),
# which the client routes through it. Once icmp_seq=0 has its reply, the
# client's route goes, and each later sendto fails (ENETUNREACH): an error
# record with the sequence, no ICMP.
ip -n "$NETNS_SERVER" addr add 10.112.31.3/32 dev eth0
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
ip -n "$NETNS_CLIENT" route add 10.112.31.0/24 via "$SERVER"
netns_in_client timeout 30 "$PINGER" --json-lines -c 3 -i 1 -W 2 10.112.31.3 \
  >"$TEST_TMP/json-local" 2>"$TEST_TMP/json-local.err" &
pinger_pid=$!
NETNS_PIDS+=("$pinger_pid")
wait_for_log "$TEST_TMP/json-local.err" "icmp_seq=0," 10 || fail "no reply to icmp_seq=0"
ip -n "$NETNS_CLIENT" route del 10.112.31.0/24
status=0
wait "$pinger_pid" || status=$?
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
expect_status 0 "$status" "exit 0, a reply came"
# On a slow machine icmp_seq=1 may leave before the route goes; icmp_seq=2
# cannot.
jq -e -s 'length == 4 and (.[0:3] | map(.sequence)) == [0, 1, 2]
    and .[0].type == "reply"
    and (.[2] | keys_unsorted == ["type", "sequence", "message"])
    and .[2].type == "error" and .[2].message == "sendto: Network is unreachable"
    and .[3].type == "summary" and .[3].transmitted == 3 and .[3].errors >= 1
    and .[3].received + .[3].errors == 3' "$TEST_TMP/json-local" >/dev/null ||
  fail "records: $(cat "$TEST_TMP/json-local")"
ok "a reply record for icmp_seq=0, a sendto error record for icmp_seq=2, then the summary"
expect_grep "^pinger: icmp_seq=2: sendto: Network is unreachable$" "$TEST_TMP/json-local.err" \
  "the sendto error line on stderr as before"

step "-q hides the error lines but counts them"
status=$(run_pinger ttl-quiet -q -c 2 -i 0.2 -t 1 "$BEYOND")
expect_no_grep "^From" "$TEST_TMP/ttl-quiet" "-q: no error lines"
expect_grep "\+2 errors" "$TEST_TMP/ttl-quiet" "-q: the errors are counted"

# expect_usage_error NAME PATTERN WHAT ARGS...: exit 2, one line on stderr
# that matches PATTERN, nothing on stdout.
expect_usage_error() {
  local name=$1 pattern=$2 what=$3
  shift 3
  local status
  status=$(run_pinger "$name" "$@")
  expect_status 2 "$status" "$what: exit 2"
  [ "$(wc -l <"$TEST_TMP/$name.err")" = 1 ] ||
    fail "$what: one line on stderr, got: $(cat "$TEST_TMP/$name.err")"
  expect_grep "^pinger: .*$pattern" "$TEST_TMP/$name.err" "$what: one sentence"
  [ ! -s "$TEST_TMP/$name" ] || fail "$what: nothing on stdout"
}

step "errors before the first request: exit 2 and one sentence"
expect_usage_error badopt "--no-such-option" "an unknown option" --no-such-option "$SERVER"
expect_usage_error count0 "count" "-c 0" -c 0 "$SERVER"
expect_usage_error interval "interval" "-i 0.0001 (a flood)" -i 0.0001 -c 1 "$SERVER"
expect_usage_error size "size" "-s 65508" -s 65508 -c 1 "$SERVER"
expect_usage_error pattern "pattern 'xyz'" "-p xyz" -p xyz -c 1 "$SERVER"
expect_usage_error ttl0 "ttl" "-t 0" -t 0 -c 1 "$SERVER"
expect_usage_error nohost "host" "no host" -c 1
expect_usage_error size-v6 "an IPv6 echo carries at most 65527 data bytes$" "-s 65528 -6" \
  -6 -s 65528 -c 1 "$NETNS_SERVER_ADDR6"
expect_usage_error text-v4 "the payload text is 65508 bytes; an IPv4 echo carries at most 65507" \
  "a -d text over the IPv4 limit" -d "$(head -c 65508 /dev/zero | tr '\0' x)" -c 1 "$SERVER"
expect_usage_error v6-of-v4 "10\.112\.3\.3 is an IPv4 address, and IPv6 \(-6\) was asked for$" \
  "-6 with an IPv4 address" -6 -c 1 "$SERVER"
expect_usage_error v4-of-v6 "2001:db8::1 is an IPv6 address, and IPv4 \(-4\) was asked for$" \
  "-4 with an IPv6 address" -4 -c 1 2001:db8::1
expect_usage_error noroute6 "no route to 2001:db8::1: Network is unreachable$" \
  "an IPv6 address without a route" -c 1 2001:db8::1
expect_usage_error linklocal "fe80::1 is a link-local address: say which interface" \
  "a link-local address without %zone" -c 1 fe80::1
expect_usage_error mapped "::ffff:10\.112\.3\.3 is an IPv4 address in IPv6 form: ping 10\.112\.3\.3 instead$" \
  "an IPv4-mapped IPv6 address" -c 1 ::ffff:10.112.3.3
expect_usage_error badzone "fe80::1%nosuchif" "a zone that is no interface" -c 1 fe80::1%nosuchif
expect_usage_error both "-6 excludes -4|-4 excludes -6" "-4 and -6 together" -4 -6 -c 1 "$SERVER"
expect_usage_error json-both "--json-lines excludes --json|--json excludes --json-lines" \
  "--json and --json-lines together" --json --json-lines -c 1 "$SERVER"
expect_usage_error unknown "cannot resolve no-such-host.invalid" "an unknown host" \
  -c 1 no-such-host.invalid
expect_usage_error noroute "no route to 192\.0\.2\.1: Network is unreachable" "no route" \
  -c 1 192.0.2.1
netns_in_client sysctl -qw net.ipv4.ping_group_range="1 0"
expect_usage_error dgram-denied "ping_group_range" "--socket dgram outside ping_group_range" \
  --socket dgram -c 1 "$SERVER"
status=0
netns_in_client setpriv --bounding-set=-net_raw --inh-caps=-net_raw "$PINGER" -c 1 "$SERVER" \
  >"$TEST_TMP/nosocket" 2>"$TEST_TMP/nosocket.err" || status=$?
expect_status 2 "$status" "neither socket allowed: exit 2"
[ "$(wc -l <"$TEST_TMP/nosocket.err")" = 1 ] || fail "one line: $(cat "$TEST_TMP/nosocket.err")"
expect_grep "^pinger: .*CAP_NET_RAW.*ping_group_range" "$TEST_TMP/nosocket.err" \
  "the sentence names CAP_NET_RAW and ping_group_range"

step "--help documents every option and what the byte count counts"
"$PINGER" --help >"$TEST_TMP/help"
for option in -c -i -W -w -s -d -p -t -Q -q -D --json --json-lines --histogram -4 -6 --socket; do
  grep -qE -- "^ +${option}[, ]" "$TEST_TMP/help" || fail "--help lacks $option"
done
ok "--help lists -c -i -W -w -s -d -p -t -Q -q -D --json --json-lines --histogram -4 -6 --socket"
expect_grep "identifier and sequence \(4 bytes\) plus the data" "$TEST_TMP/help" \
  "--help says what '21 bytes' counts"
expect_grep "Exit status: 0 .* 1 .* 2 " "$TEST_TMP/help" "--help gives the exit statuses"
"$PINGER" --version | grep -qE "^pinger [0-9]+\.[0-9]+\.[0-9]+$" || fail "--version"
ok "--version prints 'pinger X.Y.Z'"

finish
