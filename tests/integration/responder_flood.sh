#!/usr/bin/env bash
# pong under a flood of Echo Requests from spoofed sources (issue 9,
# "Hardening"): 100,000 distinct IPv4 sources and 20,000 distinct IPv6
# /64s, crafted by tests/helpers/inject on an AF_PACKET socket in the
# client namespace, at a pong with a hardened command line that logs
# answered requests to its log file (up to the default --log-rate cap).
# pong's memory must stay flat (its rate table is fixed at start-up), its
# counters must show the limits at work, and a well-behaved client must
# still be answered afterwards.
#
# The spoofed ranges, 198.18.0.0/15 (RFC 2544's benchmarking range) and
# fd00:118::/32, are routed back to the client namespace, so every reply
# pong sends stays on the veth (the client, not a router, drops them).
# Every send is bounded by a count and by timeout; no assertion rests on
# timing tighter than a factor of 2.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

netns_create "hf$$s" "hf$$c" 10.118.0
SERVER=$NETNS_SERVER_ADDR
SERVER6=$NETNS_SERVER_ADDR6
[ -n "$SERVER6" ] || fail "this test needs a kernel with IPv6"
MAC=$(netns_in_server cat /sys/class/net/eth0/address)
netns_in_server ip route add 198.18.0.0/15 via "$NETNS_CLIENT_ADDR"
netns_in_server ip -6 route add fd00:118::/32 via "$NETNS_CLIENT_ADDR6"

RATE=10 BURST=20 TABLE=4096 GLOBAL=2000
FLOOD4=100000 FLOOD6=20000 ONE_SOURCE=1000

flood() { # DST PREFIX SOURCES COUNT: inject's flood, bounded
  netns_in_client timeout 60 "$PONG_BIN/inject" flood eth0 "$MAC" "$1" --from "$2" \
    --sources "$3" --count "$4" --pps 50000 >>"$TEST_TMP/inject.log" 2>&1 ||
    fail "inject flood $* failed: $(tail -1 "$TEST_TMP/inject.log")"
}

pcount() { # FAMILY received|answered|dropped|send_errors|REASON, from pong.now
  awk -v f="$1" -v w="$2" '
    index($0, "] " f ": ") {
      for (i = 1; i < NF; i++) {
        if ($(i + 1) == w ",") v = $i
        if (w == "send_errors" && $(i + 1) == "send" && $(i + 2) == "errors") v = $i
      }
    }
    index($0, " " f " dropped " w ":") { v = $NF }
    END { print v + 0 }' "$TEST_TMP/pong.now"
}
both() { echo $(($(pcount IPv4 "$1") + $(pcount IPv6 "$1"))); } # FIELD, both families
# Memory of the process that serves (pong names it in its log; without
# --take-over it is pong itself), in KiB. VmRSS counts every resident page;
# RssAnon the ones pong allocated (heap, stack), RssFile its mapped code.
# pong's log goes to a file: its pages are the page cache's, in no RSS.
memory() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVING_PID/status"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

step "pong, hardened, logging every request: --rate $RATE/s --burst $BURST --rate-table $TABLE --global-rate $GLOBAL/s"
start_pong --rate "$RATE/s" --burst "$BURST" --rate-table "$TABLE" --global-rate "$GLOBAL/s"
SERVING_PID=$(sed -nE 's/.*serving process ([0-9]+):.*/\1/p' "$PONG_LOG" | head -1)
SERVING_PID=${SERVING_PID:-$PONG_PID}
[ -r "/proc/$SERVING_PID/status" ] || fail "no serving process $SERVING_PID"
ok "pong serves as pid $SERVING_PID"

step "warm-up: pings and spoofed requests, twice, a second apart"
# So that what is touched lazily (the receive buffers of both families,
# the rate table, the code of the log's hold-back summary) is resident
# before the first reading and is not counted as growth.
for round in 1 2; do
  status=$(client_ping "$TEST_TMP/warm4" -c 3 -i 0.2 "$SERVER")
  expect_status 0 "$status" "warm-up $round: ping answered"
  status=$(client_ping "$TEST_TMP/warm6" -6 -c 3 -i 0.2 "$SERVER6")
  expect_status 0 "$status" "warm-up $round: ping -6 answered"
  flood "$SERVER" 198.19.192.0/18 5000 5000
  flood "$SERVER6" fd00:118:ff00::/40 3000 3000
  sleep 1
done
pong_counters
warm_received=$(both received)
rss_before=$(memory VmRSS)
anon_before=$(memory RssAnon)
file_before=$(memory RssFile)
ok "before the flood: VmRSS $rss_before KiB (RssAnon $anon_before, RssFile $file_before), $warm_received requests received so far"
warm_answered=$(both answered)
warm_rate_limited=$(both rate_limited)
warm_global=$(both global_rate_limited)

step "the flood: $FLOOD4 IPv4 sources, $FLOOD6 IPv6 /64s, then $ONE_SOURCE requests from one source"
start_ms=$(now_ms)
flood "$SERVER" 198.18.0.0/15 "$FLOOD4" "$FLOOD4"
flood "$SERVER6" fd00:118::/40 "$FLOOD6" "$FLOOD6"
flood "$SERVER" 198.19.255.1/32 1 "$ONE_SOURCE"
sent=$((FLOOD4 + FLOOD6 + ONE_SOURCE))
took=$(tail -3 "$TEST_TMP/inject.log" | sed -nE 's/.* in ([0-9.]+ s)$/\1/p' | paste -sd '+')
ok "sent $FLOOD4 + $FLOOD6 + $ONE_SOURCE = $sent spoofed requests (inject took $took)"
# Until pong has read what the kernel queued for it: its count settles.
received=-1
for ((i = 0; i < 50; i++)); do
  pong_counters
  [ "$(both received)" = "$received" ] && break
  received=$(both received)
  sleep 0.2
done
elapsed_ms=$(($(now_ms) - start_ms))
kill -0 "$SERVING_PID" 2>/dev/null || fail "pong died in the flood"
ok "pong (pid $SERVING_PID) is alive after the flood"

step "memory: flat"
rss_after=$(memory VmRSS)
anon_after=$(memory RssAnon)
file_after=$(memory RssFile)
grew=$((rss_after - rss_before))
ok "VmRSS $rss_before -> $rss_after KiB (+$grew), RssAnon $anon_before -> $anon_after, RssFile $file_before -> $file_after"
[ "$grew" -le 512 ] || fail "pong's VmRSS grew by $grew KiB in the flood, more than 512 KiB"
ok "VmRSS grew by $grew KiB, no more than 512 KiB"
[ $((anon_after - anon_before)) -le 128 ] ||
  fail "pong's own memory (RssAnon) grew by $((anon_after - anon_before)) KiB, more than 128 KiB"
ok "pong's own memory (RssAnon) grew by $((anon_after - anon_before)) KiB, no more than 128 KiB"
log_kib=$(($(stat -c %s "$PONG_LOG") / 1024))
ok "its log, in a file and in no RSS, is $log_kib KiB ($(grep -c 'bytes from' "$PONG_LOG") request lines)"

step "counters: the limits did the dropping"
flood_received=$((received - warm_received))
answered=$(($(both answered) - warm_answered))
rate_limited=$(($(both rate_limited) - warm_rate_limited))
global=$(($(both global_rate_limited) - warm_global))
ok "pong received $flood_received of the $sent in $elapsed_ms ms: $answered answered, $rate_limited rate_limited, $global global_rate_limited"
for family in IPv4 IPv6; do
  accounted=$(($(pcount "$family" answered) + $(pcount "$family" rate_limited) +
    $(pcount "$family" global_rate_limited) + $(pcount "$family" send_errors)))
  [ "$accounted" = "$(pcount "$family" received)" ] || {
    cat "$TEST_TMP/pong.now" >&2
    fail "$family: not every request is answered or dropped by a limit"
  }
done
ok "every request received was answered or dropped by --rate or --global-rate, nothing else"
[ "$flood_received" -ge $((5 * TABLE)) ] ||
  fail "pong read only $flood_received of the flood, fewer than 5 rate tables' worth"
ok "pong read $flood_received requests, over $((flood_received / TABLE)) times its $TABLE-source table"
# All sources together get the global bucket: a burst of one second's worth
# plus $GLOBAL a second, over the time the flood took (x2 either way).
expected=$((GLOBAL + GLOBAL * elapsed_ms / 1000))
if [ "$answered" -gt $((2 * expected)) ] || [ "$answered" -lt $((GLOBAL / 2)) ]; then
  fail "$answered answered in $elapsed_ms ms, expected at most about $expected"
fi
ok "$answered answered in $elapsed_ms ms: within --global-rate (at most about $expected)"
[ "$global" -ge $((flood_received / 2)) ] ||
  fail "only $global of $flood_received counted as global_rate_limited"
ok "global_rate_limited $global, over half of what was received"
# The one source gets its burst of $BURST and $RATE a second: the rest of
# its $ONE_SOURCE requests, within a factor of 2, are rate_limited.
if [ "$rate_limited" -gt "$ONE_SOURCE" ] || [ "$rate_limited" -lt $(((ONE_SOURCE - BURST) / 2)) ]; then
  fail "rate_limited counted $rate_limited of the $ONE_SOURCE requests from one source"
fi
ok "rate_limited $rate_limited of the $ONE_SOURCE from one source (burst $BURST)"

step "a well-behaved client is still answered"
status=$(client_ping "$TEST_TMP/after4" -c 3 -i 0.2 "$SERVER")
expect_grep "3 packets transmitted, 3 received" "$TEST_TMP/after4" "ping -c 3 from $NETNS_CLIENT_ADDR: 3 of 3"
status=$(client_ping "$TEST_TMP/after6" -6 -c 3 -i 0.2 "$SERVER6")
expect_grep "3 packets transmitted, 3 received" "$TEST_TMP/after6" "ping -6 -c 3: 3 of 3"
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong exits 0 on SIGTERM"

step "the log: capped at --log-rate's default, the rest counted with their sources"
# The counters pong printed on SIGTERM, its last block.
awk '/--- pong statistics ---/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$PONG_LOG" >"$TEST_TMP/pong.now"
written=$(grep -c "icmp_type=echo," "$PONG_LOG" || true)
held=$(sed -nE 's/.*held back ([0-9]+) request lines.*/\1/p' "$PONG_LOG" | awk '{ n += $1 } END { print n + 0 }')
sources=$(sed -nE 's/.*held back .* from (at least )?([0-9]+) sources?.*/\2/p' "$PONG_LOG" | awk '{ n += $1 } END { print n + 0 }')
[ "$((written + held))" = "$(both answered)" ] ||
  fail "$written lines written + $held held back is not the $(both answered) requests answered"
ok "$(both answered) answered: $written lines written, $held held back and counted"
# Nearly every answered request of the flood came from a source of its own
# (the one-source burst and the pings excepted), so the summaries' source
# estimates must add up to about the lines they held back.
if [ "$sources" -lt $((held * 9 / 10)) ] || [ "$sources" -gt $((held * 11 / 10)) ]; then
  fail "the summaries count $sources sources for $held lines held back, expected within 10 %"
fi
ok "the summaries count $sources sources for $held lines held back (within 10 %)"

finish
