#!/usr/bin/env bash
# pong over IPv6 against iputils ping -6, in two namespaces joined by a veth
# pair with ULA and link-local addresses. Everything a client can observe
# must match the kernel's own ICMPv6 echo (net/ipv6/icmp.c), while the same
# pong process keeps answering IPv4. Every send is bounded by -c and -W.
source "$(dirname "$0")/testlib.sh"

netns_create "p6$$s" "p6$$c" 10.114.0
SERVER6=$NETNS_SERVER_ADDR6
CLIENT6_TEXT=fd00:10:114::2 # RFC 5952 form of NETNS_CLIENT_ADDR6
# The client's own kernel answers its multicast pings too; keep it quiet so
# every multicast reply seen comes from the server.
netns_in_client sysctl -qw net.ipv6.icmp.echo_ignore_multicast=1

counters() { # wait until SIGUSR1's counters are in the log
  local before
  before=$(grep -c "pong statistics" "$PONG_LOG" || true)
  kill -USR1 "$PONG_PID"
  for _ in $(seq 50); do
    [ "$(grep -c "pong statistics" "$PONG_LOG" || true)" -gt "$before" ] && return 0
    sleep 0.1
  done
  fail "no counters after SIGUSR1"
}
server_link_local() {
  netns_in_server ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1
}

step "ping -6 -c 5 is answered 5 times, once each, and logged as IPv4 is"
start_pong
expect_grep "answering ICMP echo requests on all IPv4 and IPv6 addresses" "$PONG_LOG" \
  "pong serves both families by default"
status=$(client_ping "$TEST_TMP/p5" -6 -c 5 -i 0.2 -e 4343 "$SERVER6")
expect_status 0 "$status" "ping -6 exits 0"
expect_grep "5 packets transmitted, 5 received, 0% packet loss" "$TEST_TMP/p5" "5 of 5 replies"
expect_no_grep "DUP!" "$TEST_TMP/p5" "no duplicate replies"
for seq in 1 2 3 4 5; do
  expect_grep "60 bytes from $CLIENT6_TEXT: pid=4343, icmp_type=echo, icmp_seq=$seq, data=hex:" \
    "$PONG_LOG" "pong logged id 4343 seq $seq from the RFC 5952 address"
done

step "payload sizes 0, 1, 56, 1452, 8000 (fragmented) and 65527 (the largest) come back intact"
for size in 0 1 56 1452 8000 65527; do
  status=$(client_ping "$TEST_TMP/size$size" -6 -c 2 -i 0.2 -s "$size" "$SERVER6")
  expect_status 0 "$status" "ping -6 -s $size exits 0"
  expect_grep "2 packets transmitted, 2 received" "$TEST_TMP/size$size" "ping -6 -s $size: 2 of 2"
  expect_no_grep "wrong data byte|DUP!" "$TEST_TMP/size$size" "ping -6 -s $size: data intact"
  expect_grep "\] $((size + 4)) bytes from $CLIENT6_TEXT" "$PONG_LOG" "pong logged the $size-byte payload"
done

step "IPv4 and IPv6 at once, from the same pong process"
ping_v4_out=$TEST_TMP/both4
netns_in_client ping -4 -c 5 -i 0.2 -W 2 "$NETNS_SERVER_ADDR" >"$ping_v4_out" 2>&1 &
v4_pid=$!
status=$(client_ping "$TEST_TMP/both6" -6 -c 5 -i 0.2 "$SERVER6")
wait "$v4_pid" || true
expect_grep "5 packets transmitted, 5 received" "$ping_v4_out" "IPv4: 5 of 5"
expect_grep "5 packets transmitted, 5 received" "$TEST_TMP/both6" "IPv6: 5 of 5"
counters
expect_grep "IPv4: [0-9]+ received, [0-9]+ answered, 0 dropped" "$PONG_LOG" "IPv4 counters"
expect_grep "IPv6: [0-9]+ received, [0-9]+ answered, 0 dropped" "$PONG_LOG" "IPv6 counters, printed together"

step "a link-local ping (fe80::...%eth0) is answered on its own link"
LL=$(server_link_local)
[ -n "$LL" ] || fail "the server has no link-local address"
status=$(client_ping "$TEST_TMP/ll" -6 -c 3 -i 0.2 "$LL%eth0")
expect_status 0 "$status" "ping -6 $LL%eth0 exits 0"
expect_grep "3 received" "$TEST_TMP/ll" "3 of 3 over link-local"
expect_grep "bytes from $LL%eth0: icmp_seq=1" "$TEST_TMP/ll" "reply from the link-local address pinged"

step "ff02::1 is answered from a unicast address of the server (RFC 4443 4.2), as the kernel does"
status=$(client_ping "$TEST_TMP/mc" -6 -c 2 -i 0.3 ff02::1%eth0)
expect_grep "2 packets transmitted, 2 received" "$TEST_TMP/mc" "multicast answered (echo_ignore_multicast=0)"
expect_grep "bytes from $LL%eth0: icmp_seq=1" "$TEST_TMP/mc" "from the server's link-local unicast address"
expect_no_grep "DUP!" "$TEST_TMP/mc" "once per request"
stop_pong

step "net.ipv6.icmp.echo_ignore_multicast=1, set while pong runs: multicast is not answered, and counted"
start_pong
# pong reads its sysctls again at most once a second, as requests come.
netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_multicast=1
sleep 1.5
status=$(client_ping "$TEST_TMP/mc-off" -6 -c 2 -i 0.3 ff02::1%eth0)
expect_grep "2 packets transmitted, 0 received" "$TEST_TMP/mc-off" "no reply to ff02::1"
counters
expect_grep "IPv6 dropped non_unicast_destination: 2" "$PONG_LOG" "counted as non_unicast_destination"
stop_pong
start_pong --ipv6-multicast answer
status=$(client_ping "$TEST_TMP/mc-forced" -6 -c 2 -i 0.3 ff02::1%eth0)
expect_grep "2 received" "$TEST_TMP/mc-forced" "--ipv6-multicast answer overrides the sysctl"
stop_pong
netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_multicast=0

step "anycast follows net.ipv6.icmp.echo_ignore_anycast, like the kernel"
# A router joins the subnet-router anycast address of each prefix (RFC 4291
# 2.6.1): fd00:10:114::.
netns_in_server sysctl -qw net.ipv6.conf.all.forwarding=1
for _ in $(seq 30); do
  netns_in_server grep -q fd000010011400000000000000000000 /proc/net/anycast6 && break
  sleep 0.1
done
netns_in_server grep -q fd000010011400000000000000000000 /proc/net/anycast6 ||
  fail "the server did not join the subnet-router anycast address"
start_pong
status=$(client_ping "$TEST_TMP/ac" -6 -c 2 -i 0.3 fd00:10:114::)
expect_grep "2 received" "$TEST_TMP/ac" "anycast answered by default"
expect_grep "bytes from fd00:10:114::3: icmp_seq=1" "$TEST_TMP/ac" \
  "from a unicast address of the interface (RFC 4443 4.2)"
stop_pong
netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_anycast=1
start_pong
status=$(client_ping "$TEST_TMP/ac-off" -6 -c 2 -i 0.3 fd00:10:114::)
expect_grep "2 packets transmitted, 0 received" "$TEST_TMP/ac-off" "no reply with echo_ignore_anycast=1"
counters
expect_grep "IPv6 dropped anycast_destination: 2" "$PONG_LOG" "counted as anycast_destination"
stop_pong
netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_anycast=0 net.ipv6.conf.all.forwarding=0

step "with pong stopped, nothing answers IPv6: the kernel's echo really is off"
status=$(client_ping "$TEST_TMP/none" -6 -c 3 -i 0.2 "$SERVER6")
expect_status 1 "$status" "ping -6 exits 1"
expect_grep "3 packets transmitted, 0 received, 100% packet loss" "$TEST_TMP/none" "no replies"

step "-4 and -6 restrict pong to one family"
start_pong -4
expect_grep "on all IPv4 addresses" "$PONG_LOG" "-4: IPv4 only"
status=$(client_ping "$TEST_TMP/only4" -6 -c 2 -i 0.2 "$SERVER6")
expect_grep "0 received" "$TEST_TMP/only4" "-4: IPv6 not answered"
stop_pong
start_pong -6
expect_grep "on all IPv6 addresses" "$PONG_LOG" "-6: IPv6 only"
status=$(client_ping "$TEST_TMP/only6" -6 -c 2 -i 0.2 "$SERVER6")
expect_grep "2 received" "$TEST_TMP/only6" "-6: IPv6 answered"
netns_in_client ping -4 -c 2 -i 0.2 -W 1 "$NETNS_SERVER_ADDR" >"$TEST_TMP/only6v4" 2>&1 || true
expect_grep "0 received" "$TEST_TMP/only6v4" "-6: IPv4 not answered"
stop_pong
status=0
"$PONG_BIN/pong" -4 -6 >"$TEST_TMP/both-flags" 2>&1 || status=$?
expect_status 2 "$status" "-4 with -6 exits 2"

step "the kernel's echo, side by side: every field but the flow label"
# What a client sees of a reply, from tcpdump -v: traffic class, hop limit,
# next header, payload length, addresses, id, seq and data. The flow label
# is the kernel's own choice per flow (auto_flowlabels), so it is left out.
capture_reply6() { # OUT PING-OPTIONS...
  local out=$1
  shift
  start_capture "$NETNS_CLIENT" "$out.pcap.txt" -v -x -c 2 -i eth0 icmp6 and 'ip6[40] >= 128' and 'ip6[40] <= 129'
  netns_in_client ping -6 -c 1 -W 2 -e 4646 "$@" "$SERVER6" >"$out" 2>&1 || true
  wait "$CAPTURE_PID" || true
  # The reply: its header line without the time, and its bytes, without
  # the flow label, and without what ping's send time changes from run to
  # run: the first 16 data bytes (bytes 0x30-0x3f) and so the checksum.
  awk '/echo reply/{p=1} p' "$out.pcap.txt" |
    sed -E 's/^[0-9:.]+ //; s/flowlabel 0x[0-9a-f]+, //' |
    sed -E 's/^(\s+0x0000:\s+[0-9a-f]{2})[0-9a-f]{2} [0-9a-f]{4}/\1XX XXXX/' |
    sed -E 's/^(\s+0x0020:(\s+[0-9a-f]{4}){5}) [0-9a-f]{4}/\1 SSSS/; /^\s+0x0030:/d' >"$out.reply"
}
compare_with_kernel6() { # NAME PING-OPTIONS...
  local name=$1
  shift
  replies_match_kernel "$name" net.ipv6.icmp.echo_ignore_all capture_reply6 "$@"
  ok "$name: reply identical to the kernel's but for the flow label ($(head -c 70 "$TEST_TMP/pong-$name.reply")...)"
}
compare_with_kernel6 plain -p 0123456789abcdef
compare_with_kernel6 tclass -Q 0xb8 -p 0123
compare_with_kernel6 ecn -Q 0x03 -p 00
compare_with_kernel6 big -s 1400 -p a5
expect_grep "class 0xb8" "$TEST_TMP/pong-tclass.reply" "the traffic class 0xb8 is copied into pong's reply"

step "--take-over sets and restores both families' sysctls"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0 net.ipv6.icmp.echo_ignore_all=0
start_pong --take-over
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 1 ] || fail "IPv4 sysctl not set"
[ "$(netns_in_server sysctl -n net.ipv6.icmp.echo_ignore_all)" = 1 ] || fail "IPv6 sysctl not set"
ok "both echo_ignore_all are 1 while pong runs"
status=$(client_ping "$TEST_TMP/takeover" -6 -c 3 -i 0.2 "$SERVER6")
expect_grep "3 received" "$TEST_TMP/takeover" "3 of 3"
expect_no_grep "DUP!" "$TEST_TMP/takeover" "no duplicates: only pong answers IPv6"
stop_pong
[ "$(netns_in_server sysctl -n net.ipv4.icmp_echo_ignore_all)" = 0 ] || fail "IPv4 sysctl not restored"
[ "$(netns_in_server sysctl -n net.ipv6.icmp.echo_ignore_all)" = 0 ] || fail "IPv6 sysctl not restored"
ok "both restored to 0 on exit"
expect_grep "restored net.ipv6.icmp.echo_ignore_all=0" "$PONG_LOG" "pong says it restored the IPv6 one"

step "without --take-over and with the kernel's IPv6 echo on: a warning naming IPv6, and DUP!"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
start_pong
expect_grep "kernel still answers IPv6 echo requests \(net.ipv6.icmp.echo_ignore_all=0\)" "$PONG_LOG" \
  "pong warns about IPv6"
expect_no_grep "kernel still answers IPv4" "$PONG_LOG" "and not about IPv4, whose echo is off"
status=$(client_ping "$TEST_TMP/dup" -6 -c 2 -i 0.3 "$SERVER6")
expect_grep "DUP!" "$TEST_TMP/dup" "ping -6 shows DUP! with two responders"
stop_pong
netns_in_server sysctl -qw net.ipv6.icmp.echo_ignore_all=1

step "a host with IPv6 disabled: pong serves IPv4 and says so in one line"
netns_in_server sysctl -qw net.ipv6.conf.all.disable_ipv6=1
start_pong
expect_grep "serving IPv4 only: IPv6 is disabled on every interface \(net.ipv6.conf.\*.disable_ipv6=1\)" \
  "$PONG_LOG" "one line says why"
netns_in_client ping -4 -c 2 -i 0.2 -W 2 "$NETNS_SERVER_ADDR" >"$TEST_TMP/nov6" 2>&1 || true
expect_grep "2 received" "$TEST_TMP/nov6" "IPv4 still answered"
stop_pong
status=0
netns_in_server "$PONG_BIN/pong" -6 >"$TEST_TMP/nov6-6" 2>&1 || status=$?
expect_status 2 "$status" "-6 on a host without IPv6 exits 2"
expect_grep "cannot serve IPv6 \(-6\): IPv6 is disabled" "$TEST_TMP/nov6-6" "and says why"
netns_in_server sysctl -qw net.ipv6.conf.all.disable_ipv6=0

step "IPv6 off everywhere but on eth0 (as Docker leaves a container): pong serves IPv6 there"
netns_in_server sysctl -qw net.ipv6.conf.all.disable_ipv6=1
netns_in_server sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
netns_in_server ip addr add "$SERVER6/64" dev eth0 nodad
start_pong
expect_grep "on all IPv4 and IPv6 addresses" "$PONG_LOG" "both families served"
status=$(client_ping "$TEST_TMP/eth0only" -6 -c 2 -i 0.2 "$SERVER6")
expect_grep "2 received" "$TEST_TMP/eth0only" "IPv6 answered on eth0"
stop_pong
netns_in_server sysctl -qw net.ipv6.conf.all.disable_ipv6=0

finish
