#!/usr/bin/env bash
# pinger over IPv6, in two namespaces joined by a veth pair with ULA
# addresses (fd00:10:112:6::2 and ::3) and link-local ones: against pong,
# against the kernel's own ICMPv6 echo, against both at once (DUP!), by
# name (AAAA with -6, IPv4 first without), to a link-local %zone target,
# against flip_responder (wrong data, another address), and through the
# server namespace as a router sending ICMPv6 errors: Destination
# Unreachable (no route, prohibited, address unreachable), Time Exceeded
# (-t 1) and Packet Too Big. Raw and datagram sockets alike, and
# --json-lines's records for replies (with their hop limit) and errors,
# read with jq. Every run is bounded by -c/-W or -w; nothing leaves the two
# namespaces.
# shellcheck disable=SC2119 # start_pong takes pong's options; none are needed here
source "$(dirname "$0")/testlib.sh"

netns_create "p6$$s" "p6$$c" 10.112.6
NAME=$NETNS_SERVER # in both namespaces' hosts files, with both families
SERVER6=$NETNS_SERVER_ADDR6
CLIENT6=$NETNS_CLIENT_ADDR6
PINGER=$PONG_BIN/pinger
SERVER4_RE=${NETNS_SERVER_ADDR//./\\.} # 10\.112\.6\.3, as a regex

run_pinger() { run_in_client "$1" "$PINGER" "${@:2}"; } # NAME ARGS... -> exit status
reply_line() { # FROM SEQ: the article's line, as a regex
  echo "^21 bytes from $1: pid=[0-9]+, icmp_type=echo reply, icmp_seq=$2, data=hello from client, time:[0-9]+μs$"
}

start_pong

step "pinger -6 -c 3 NAME: the AAAA address, the article's lines, the summary (raw socket)"
status=$(run_pinger raw -6 -c 3 -i 0.2 -W 2 "$NAME")
out=$TEST_TMP/raw
expect_status 0 "$status" "exit 0"
expect_grep "^PING $NAME \($SERVER6\): 17 data bytes over a raw socket, pid=[0-9]+; " "$out" \
  "-6 NAME resolves to the IPv6 address; a raw socket while ping_group_range excludes us"
for seq in 0 1 2; do
  expect_grep "$(reply_line "$SERVER6" "$seq")" "$out" "reply line for icmp_seq=$seq"
done
expect_grep "^--- $NAME ping statistics ---$" "$out" "summary names the host"
expect_grep "^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$" "$out" \
  "3 of 3"
expect_grep "^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$" "$out" "rtt line"
[ ! -s "$out.err" ] || fail "nothing on stderr: $(cat "$out.err")"
pid=$(sed -nE 's/^21 bytes from .*pid=([0-9]+),.*/\1/p' "$out" | sort -u)
for seq in 0 1 2; do
  expect_grep "21 bytes from $CLIENT6: pid=$pid, icmp_type=echo, icmp_seq=$seq, data=hello from client" \
    "$PONG_LOG" "pong saw pid=$pid icmp_seq=$seq from $CLIENT6"
done

step "a name with both families is pinged over IPv4 unless -6 says otherwise"
status=$(run_pinger both -c 1 "$NAME")
expect_grep "^PING $NAME \($SERVER4_RE\): " "$TEST_TMP/both" "plain NAME: IPv4 first"
status=$(run_pinger both4 -4 -c 1 "$NAME")
expect_grep "^PING $NAME \($SERVER4_RE\): " "$TEST_TMP/both4" "-4 NAME: IPv4"
status=$(run_pinger literal -c 1 "$SERVER6")
expect_status 0 "$status" "an IPv6 literal without -6: exit 0"
expect_grep "$(reply_line "$SERVER6" 0)" "$TEST_TMP/literal" "an IPv6 literal is pinged over IPv6"

step "the address is printed in RFC 5952 form, in the header and in --json"
long=fd00:0010:0112:0006:0000:0000:0000:0003
status=$(run_pinger json --json -c 2 -i 0.2 "$long")
expect_status 0 "$status" "--json: exit 0"
python3 - "$TEST_TMP/json" "$long" "$SERVER6" <<'EOF' || fail "--json for IPv6"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["host"] == sys.argv[2] and d["address"] == sys.argv[3], d
assert (d["transmitted"], d["received"], d["duplicates"], d["errors"]) == (2, 2, 0, 0), d
assert d["data_bytes"] == 17 and d["rtt_ms"]["min"] > 0, d
EOF
ok "--json: host as given ($long), address $SERVER6, 2 of 2"
expect_grep "^PING $long \($SERVER6\): " "$TEST_TMP/json.err" "header (on stderr with --json)"

step "datagram socket: socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6), allowed by ping_group_range"
status=$(run_pinger dgram-denied --socket dgram -6 -c 1 "$NAME")
expect_status 2 "$status" "refused while ping_group_range excludes us"
expect_grep "ping_group_range" "$TEST_TMP/dgram-denied.err" "the refusal names ping_group_range"
netns_in_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"
status=$(run_pinger dgram --socket dgram -6 -c 3 -i 0.2 -W 2 "$NAME")
out=$TEST_TMP/dgram
expect_status 0 "$status" "dgram: exit 0"
expect_grep "^PING $NAME \($SERVER6\): 17 data bytes over a dgram socket" "$out" "dgram socket used"
for seq in 0 1 2; do
  expect_grep "$(reply_line "$SERVER6" "$seq")" "$out" "dgram: reply line for icmp_seq=$seq"
done
expect_grep "^3 packets transmitted, 3 received, 0% packet loss" "$out" "dgram: 3 of 3"
id=$(sed -nE 's/^21 bytes from .*pid=([0-9]+),.*/\1/p' "$out" | sort -u)
expect_grep "from $CLIENT6: pid=$id, icmp_type=echo, icmp_seq=2" "$PONG_LOG" \
  "pong saw the kernel-owned identifier $id"
status=$(run_pinger auto -6 -c 1 "$NAME")
expect_grep "over a dgram socket" "$TEST_TMP/auto" "auto prefers the datagram socket"

for socket in raw dgram; do
  step "$socket: --json-lines over IPv6: a record per reply with its hop limit, then the summary"
  status=$(run_pinger "jl-$socket" --json-lines --socket "$socket" -6 -c 3 -i 0.2 -W 2 "$NAME")
  expect_status 0 "$status" "$socket: exit 0"
  jq -e -s --arg server "$SERVER6" --arg socket "$socket" 'length == 4
      and ([.[0:3][] | .type == "reply" and .from == $server and .bytes == 21 and .ttl == 64
        and .data == "hello from client" and .duplicate == false] | all)
      and (.[0:3] | map(.sequence)) == [0, 1, 2]
      and .[3].type == "summary" and .[3].address == $server and .[3].socket == $socket
      and .[3].transmitted == 3 and .[3].received == 3' "$TEST_TMP/jl-$socket" >/dev/null ||
    fail "$socket: --json-lines records: $(cat "$TEST_TMP/jl-$socket")"
  ok "$socket: replies 0 1 2 from $SERVER6 with hop limit 64, then 3 of 3"
done

step "a link-local target with its %zone"
link_local=$(ip -n "$NETNS_SERVER" -6 addr show dev eth0 scope link |
  sed -nE 's/.*inet6 (fe80:[0-9a-f:]+)\/64.*/\1/p')
[ -n "$link_local" ] || fail "the server has a link-local address"
for socket in raw dgram; do
  status=$(run_pinger "ll-$socket" --socket "$socket" -c 2 -i 0.2 -W 2 "$link_local%eth0")
  out=$TEST_TMP/ll-$socket
  expect_status 0 "$status" "$socket: exit 0"
  expect_grep "^PING $link_local%eth0 \($link_local%eth0\): 17 data bytes over a $socket socket" \
    "$out" "$socket: the header shows the zone"
  for seq in 0 1; do
    expect_grep "$(reply_line "$link_local" "$seq")" "$out" "$socket: icmp_seq=$seq from $link_local"
  done
  expect_no_grep "DIFFERENT" "$out" "$socket: the reply comes from the address pinged"
done
status=$(run_pinger ll-nozone -c 1 "$link_local")
expect_status 2 "$status" "a link-local address without a zone: exit 2"
expect_grep "^pinger: $link_local is a link-local address: say which interface it is on, e\.g\. $link_local%eth0$" \
  "$TEST_TMP/ll-nozone.err" "one sentence that says what is missing"

step "a multicast target (ff02::1%eth0): replies come from unicast addresses, none is DIFFERENT"
status=$(run_pinger all-nodes -c 2 -i 0.3 -W 1 ff02::1%eth0)
out=$TEST_TMP/all-nodes
expect_status 0 "$status" "exit 0"
expect_grep "^21 bytes from fe80:[0-9a-f:]+: pid=[0-9]+, icmp_type=echo reply, icmp_seq=1, " "$out" \
  "each node answers from its link-local address"
expect_no_grep "DIFFERENT ADDRESS" "$out" "no reply is flagged for its unicast source"

step "-t and -Q set the requests' hop limit and traffic class"
start_capture "$NETNS_SERVER" "$TEST_TMP/tcpdump" -v -c 1 -i eth0 "icmp6 and ip6[40] == 128"
status=$(run_pinger hlim -6 -c 1 -t 7 -Q 0xb8 "$NAME")
wait "$CAPTURE_PID" || true
expect_grep "IP6 \(class 0xb8, .*hlim 7, next-header ICMPv6" "$TEST_TMP/tcpdump" \
  "the request left with traffic class 0xb8 and hop limit 7"

step "sizes: IPv6 carries 65527 data bytes, 20 more than IPv4"
for socket in raw dgram; do
  status=$(run_pinger "max-$socket" --socket "$socket" -6 -c 1 -W 2 -s 65527 "$NAME")
  expect_grep "^65531 bytes from $SERVER6: .*icmp_seq=0, .*\(65527 bytes\), time:[0-9]+μs$" \
    "$TEST_TMP/max-$socket" "$socket: -s 65527 comes back whole"
  expect_no_grep "wrong data" "$TEST_TMP/max-$socket" "$socket: -s 65527 data intact"
done
status=$(run_pinger too-big -6 -c 1 -s 65528 "$NAME")
expect_status 2 "$status" "-s 65528 -6: exit 2"
expect_grep "^pinger: the size \(-s\) is 65528 bytes; an IPv6 echo carries at most 65527 data bytes$" \
  "$TEST_TMP/too-big.err" "-s 65528 -6: one sentence"
status=$(run_pinger v4-size -4 -c 1 -s 65508 "$NAME")
expect_grep "an IPv4 echo carries at most 65507 data bytes" "$TEST_TMP/v4-size.err" \
  "-s 65508 -4: IPv4's own limit"
stop_pong || true

for socket in raw dgram; do
  step "$socket: the kernel's ICMPv6 echo answers every request once"
  netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_all=0
  status=$(run_pinger "kernel-$socket" --socket "$socket" -6 -c 3 -i 0.2 -W 2 "$NAME")
  out=$TEST_TMP/kernel-$socket
  expect_status 0 "$status" "$socket: exit 0"
  for seq in 0 1 2; do
    expect_grep "$(reply_line "$SERVER6" "$seq")" "$out" "$socket: icmp_seq=$seq answered"
  done
  expect_grep "^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$" "$out" \
    "$socket: 3 of 3, no duplicates"
  expect_no_grep "DUP!|wrong data|DIFFERENT" "$out" "$socket: no flags"
done

for socket in raw dgram; do
  step "$socket: the kernel's echo and pong at once: DUP!"
  netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_all=0
  start_pong
  status=$(run_pinger "dup-$socket" --socket "$socket" -6 -c 3 -i 0.3 -W 2 "$NAME")
  out=$TEST_TMP/dup-$socket
  expect_status 0 "$status" "$socket: exit 0"
  # pinger stops once every request has its first reply, so the second
  # reply to the last request may come too late to be seen: 2 or 3.
  expect_grep "^3 packets transmitted, 3 received, \+[23] duplicates, 0% packet loss" "$out" \
    "$socket: 3 received and the duplicates counted"
  for seq in 0 1; do
    [ "$(grep -c "^21 bytes from $SERVER6: .*icmp_seq=$seq, .*(DUP!)$" "$out")" = 1 ] ||
      fail "$socket: icmp_seq=$seq: one DUP!"
  done
  ok "$socket: the second reply to icmp_seq 0 and 1 is the DUP!"
  stop_pong || true
done

step "nothing answers: 100% loss, exit 1"
netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_all=1
status=$(run_pinger none -6 -c 2 -i 0.2 -W 1 "$NAME")
expect_status 1 "$status" "exit 1"
expect_grep "^2 packets transmitted, 0 received, 100% packet loss" "$TEST_TMP/none" "2 sent, none back"

# flip_responder -6 answers in pong's place and damages what it sends.
OTHER6=${SERVER6%::3}::4
ip -n "$NETNS_SERVER" addr add "$OTHER6/64" dev eth0 nodad
RESPONDER_PID=""
start_responder() { # NAME ARGS...
  local log=$TEST_TMP/$1.responder
  shift
  netns_start_bg "$NETNS_SERVER" "$log" "$PONG_BIN/flip_responder" -6 --seconds 60 "$@"
  RESPONDER_PID=$NETNS_LAST_PID
  wait_for_log "$log" "ready" 10
}

step "a responder that flips data byte #3: 'wrong data byte', still received"
start_responder flip --mode flip --flip-byte 3
for socket in raw dgram; do
  status=$(run_pinger "flip-$socket" --socket "$socket" -6 -c 2 -i 0.2 -W 2 "$NAME")
  out=$TEST_TMP/flip-$socket
  expect_status 0 "$status" "$socket: exit 0"
  expect_grep "^21 bytes from $SERVER6: pid=[0-9]+, icmp_type=echo reply, icmp_seq=1, data=hex:68656c936f2066726f6d20636c69656e74, time:[0-9]+μs$" \
    "$out" "$socket: the damaged data shown"
  [ "$(grep -c "^wrong data byte #3 should be 0x6c but was 0x93$" "$out")" = 2 ] ||
    fail "$socket: two 'wrong data byte #3' lines: $(cat "$out")"
  ok "$socket: 'wrong data byte #3 should be 0x6c but was 0x93' under each reply"
  expect_grep "^2 packets transmitted, 2 received, 0% packet loss" "$out" "$socket: received"
done
stop_pid "$RESPONDER_PID" || true

step "replies from another address than the one pinged: DIFFERENT ADDRESS"
start_responder other --mode intact --source "$OTHER6"
for socket in raw dgram; do
  status=$(run_pinger "other-$socket" --socket "$socket" -6 -c 2 -i 0.2 -W 2 "$NAME")
  out=$TEST_TMP/other-$socket
  expect_status 0 "$status" "$socket: exit 0"
  expect_grep "^21 bytes from ${OTHER6}: .*icmp_seq=1, data=hello from client, time:[0-9]+μs \(DIFFERENT ADDRESS!\)$" \
    "$out" "$socket: the reply names its real source ($OTHER6) and is flagged"
  expect_grep "^2 packets transmitted, 2 received, 0% packet loss" "$out" "$socket: 2 received"
done
stop_pid "$RESPONDER_PID" || true
status=0
netns_in_server "$PONG_BIN/flip_responder" -6 --mode corrupt --seconds 1 \
  >/dev/null 2>"$TEST_TMP/corrupt6.err" || status=$?
expect_status 2 "$status" "no BAD CHECKSUM over IPv6: the kernel checksums what a raw socket sends"
# The router's errors come from its first address again.
ip -n "$NETNS_SERVER" addr del "$OTHER6/64" dev eth0

# The server namespace becomes a router (forwarding inside it only) for
# three prefixes the client routes through it:
#   :40::/64  an 'unreachable' route: Destination Unreachable, no route
#   :41::/64  a 'prohibit' route: administratively prohibited
#   :30::/64  on a veth (MTU 1280) whose far end answers no neighbor
#             solicitation: address unreachable, and Packet Too Big for
#             anything over 1280 bytes; with -t 1, Time Exceeded on the way
PREFIX=${SERVER6%:6::3}
ip -n "$NETNS_SERVER" link add far0 type veth peer name far1
ip -n "$NETNS_SERVER" addr add "$PREFIX:30::fe/64" dev far0 nodad
ip -n "$NETNS_SERVER" link set far0 mtu 1280
ip -n "$NETNS_SERVER" link set far0 up
ip -n "$NETNS_SERVER" link set far1 up
# Give up on neighbor discovery after one 100 ms try, and do not
# rate-limit ICMPv6 errors, so that every request gets its error.
netns_in_server sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.icmp.ratelimit=0 \
  net.ipv6.neigh.far0.mcast_solicit=1 net.ipv6.neigh.far0.retrans_time_ms=100
ip -n "$NETNS_SERVER" -6 route add unreachable "$PREFIX:40::/64"
ip -n "$NETNS_SERVER" -6 route add prohibit "$PREFIX:41::/64"
for p in 30 40 41; do ip -n "$NETNS_CLIENT" -6 route add "$PREFIX:$p::/64" via "$SERVER6"; done

# expect_errors NAME WHAT LINE-REGEX ARGS...: two requests, two error lines
# with the sequence each quotes, +2 errors, exit 1, no -W wait.
expect_errors() {
  local name=$1 what=$2 line=$3
  shift 3
  local status seq
  # -W 60 under a 30 s timeout: pinger must end when each request has had
  # its error, not wait for replies (a wait would end in the timeout's 124).
  status=$(run_in_client "$name" timeout 30 "$PINGER" -c 2 -i 0.2 -W 60 "$@")
  expect_status 1 "$status" "$what: exit 1, done when each request had its error"
  for seq in 0 1; do
    expect_grep "^From $SERVER6 icmp_seq=$seq $line$" "$TEST_TMP/$name" "$what: icmp_seq=$seq"
  done
  expect_grep "^2 packets transmitted, 0 received, \+2 errors, 100% packet loss" "$TEST_TMP/$name" \
    "$what: +2 errors"
}

for socket in raw dgram; do
  step "$socket: ICMPv6 errors from the router, with the sequence each quotes"
  expect_errors "noroute-$socket" "$socket: no route" \
    "Destination Unreachable: no route to destination" --socket "$socket" "$PREFIX:40::1"
  expect_errors "prohibit-$socket" "$socket: prohibited" \
    "Destination Unreachable: communication with destination administratively prohibited" \
    --socket "$socket" "$PREFIX:41::1"
  expect_errors "addr-$socket" "$socket: address unreachable" \
    "Destination Unreachable: address unreachable" --socket "$socket" "$PREFIX:30::1"
  expect_errors "hlim-$socket" "$socket: -t 1" "Time Exceeded: hop limit exceeded in transit" \
    --socket "$socket" -t 1 "$PREFIX:30::1"
done

step "Packet Too Big names the MTU"
# One request each, to addresses of their own: the client learns the MTU
# of each destination and fragments later requests itself.
for socket in raw dgram; do
  target=$PREFIX:30::a
  [ "$socket" = raw ] || target=$PREFIX:30::b
  status=$(run_pinger "ptb-$socket" --socket "$socket" -c 1 -W 2 -s 1300 "$target")
  expect_status 1 "$status" "$socket: exit 1"
  expect_grep "^From $SERVER6 icmp_seq=0 Packet Too Big: mtu 1280$" "$TEST_TMP/ptb-$socket" \
    "$socket: 'Packet Too Big: mtu 1280' for icmp_seq=0"
done

step "--json-lines: Packet Too Big is an error record with its mtu"
for socket in raw dgram; do
  target=$PREFIX:30::c
  [ "$socket" = raw ] || target=$PREFIX:30::d
  status=$(run_pinger "ptb-json-$socket" --json-lines --socket "$socket" -c 1 -W 2 -s 1300 "$target")
  expect_status 1 "$status" "$socket: exit 1"
  jq -e -s --arg server "$SERVER6" 'length == 2 and .[0].type == "error" and .[0].from == $server
      and .[0].sequence == 0 and .[0].icmp_type == 2 and .[0].icmp_code == 0
      and .[0].mtu == 1280 and .[0].message == "Packet Too Big: mtu 1280"
      and .[1].type == "summary" and .[1].errors == 1' "$TEST_TMP/ptb-json-$socket" >/dev/null ||
    fail "$socket: records: $(cat "$TEST_TMP/ptb-json-$socket")"
  ok "$socket: {\"icmp_type\":2,...,\"mtu\":1280} for icmp_seq=0, then the summary"
done

step "local refusals before the first request: exit 2 and one sentence"
ip -n "$NETNS_CLIENT" -6 route add unreachable "$PREFIX:50::/64"
ip -n "$NETNS_CLIENT" -6 route add prohibit "$PREFIX:51::/64"
status=$(run_pinger local-unreach -c 1 "$PREFIX:50::1")
expect_status 2 "$status" "an unreachable route: exit 2"
expect_grep "^pinger: no route to $PREFIX:50::1: No route to host$" \
  "$TEST_TMP/local-unreach.err" "an unreachable route: one sentence"
status=$(run_pinger local-prohibit -c 1 "$PREFIX:51::1")
expect_status 2 "$status" "a prohibit route: exit 2"
expect_grep "^pinger: no route to $PREFIX:51::1: a route prohibits it \(Permission denied\)$" \
  "$TEST_TMP/local-prohibit.err" "a prohibit route: one sentence"

finish
