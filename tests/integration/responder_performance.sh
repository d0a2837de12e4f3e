#!/usr/bin/env bash
# Issue 10, the responder's side: a stalled log writer never stalls the
# packet loop (its lines are dropped and counted instead), --busy-poll
# spins after a batch and then sleeps again, and --batch sizes still
# answer every request. No timing is asserted: only what was answered,
# what was counted, and whether pong burned CPU while nothing came.
source "$(dirname "$0")/testlib.sh"

netns_create "pf$$s" "pf$$c" 10.122.0

# ping_answered FILE MIN WHAT: ping -f -l stops once it has MIN replies
# (it may send a few more, still in flight then); at least MIN came back.
ping_answered() {
  local received
  received=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$1")
  [ -n "$received" ] && [ "$received" -ge "$2" ] || { cat "$1" >&2; fail "$3: ${received:-no} replies"; }
  ok "$3: $received replies"
}

# CPU time pong has used, in milliseconds (the scheduler's own account).
cpu_ms() { awk '{ printf "%d", $1 / 1000000 }' "/proc/$1/schedstat"; }

step "a log reader that stops reading does not stop the replies"
mkfifo "$TEST_TMP/log.fifo"
cat <"$TEST_TMP/log.fifo" >"$PONG_LOG" &
READER=$!
NETNS_PIDS+=("$READER")
resume_reader() { kill -CONT "$READER" 2>/dev/null || true; }
NETNS_CLEANUP_HOOKS+=(resume_reader)
netns_start_bg "$NETNS_SERVER" "$TEST_TMP/log.fifo" "$PONG_BIN/pong" --log-rate unlimited -4
PONG_PID=$NETNS_LAST_PID
wait_for_log "$PONG_LOG" "answering ICMP echo" 10
# The reader stops: the pipe (64 KiB) and stdio's buffer fill, then the
# writer thread blocks in write(2) and its queue (8192 lines) fills.
kill -STOP "$READER"
requests=30000
netns_in_client ping -q -f -l 64 -c $requests -w 20 "$NETNS_SERVER_ADDR" >"$TEST_TMP/flood" 2>&1 || true
ping_answered "$TEST_TMP/flood" $requests "every request answered while nobody read pong's log"
kill -CONT "$READER"
stop_pong
wait "$READER" 2>/dev/null || true
counters=$(grep -E "IPv4: [0-9]+ received, [0-9]+ answered" "$PONG_LOG" | tail -1)
answered=$(sed -E 's/.*IPv4: ([0-9]+) received, ([0-9]+) answered.*/\2/' <<<"$counters")
grep -qE "IPv4: $answered received, $answered answered, 0 dropped" <<<"$counters" ||
  fail "pong did not answer all it read: $counters"
ok "pong answered all $answered requests it read"
summary=$(grep -E "request log: [0-9]+ lines written, [0-9]+ dropped" "$PONG_LOG" | tail -1)
written=$(sed -E 's/.*request log: ([0-9]+) lines written.*/\1/' <<<"$summary")
dropped=$(sed -E 's/.* ([0-9]+) dropped because.*/\1/' <<<"$summary")
[ -n "$summary" ] || fail "no 'request log:' counter line"
[ "$dropped" -gt 0 ] || fail "the stalled writer dropped nothing: $summary"
ok "the writer's full queue dropped $dropped lines, counted"
[ $((written + dropped)) -eq "$answered" ] || fail "written $written + dropped $dropped != $answered"
ok "written + dropped = every request ($written + $dropped)"
lines=$(grep -c "icmp_type=echo, icmp_seq=" "$PONG_LOG" || true)
[ "$lines" -eq "$written" ] || fail "$lines request lines in the log, pong says it wrote $written"
ok "the log holds exactly the $written lines pong says it wrote"

step "--log-level warn hides the request lines the writer thread would write"
# (pong's start-up notes are info lines too: wait for its first reply instead.)
: >"$PONG_LOG"
netns_start_bg "$NETNS_SERVER" "$PONG_LOG" "$PONG_BIN/pong" --log-level warn --log-rate unlimited -4
PONG_PID=$NETNS_LAST_PID
netns_in_client ping -c 1 -w 10 "$NETNS_SERVER_ADDR" >"$TEST_TMP/warn" 2>&1 || fail "no reply at --log-level warn"
netns_in_client ping -c 3 -i 0.2 -W 2 "$NETNS_SERVER_ADDR" >>"$TEST_TMP/warn" 2>&1 || fail "no replies at --log-level warn"
stop_pong
expect_no_grep "icmp_type=echo" "$PONG_LOG" "no request line at --log-level warn"

step "--busy-poll spins after a request, then sleeps"
# 300 ms of spinning after one request, against none without the option.
for mode in off on; do
  options=(--quiet -4)
  [ "$mode" = on ] && options+=(--busy-poll 300000)
  start_pong "${options[@]}"
  [ "$mode" = on ] && expect_grep "busy-poll: after each batch pong polls without sleeping for 300000 us" \
    "$PONG_LOG" "pong says it busy-polls"
  sleep 0.3
  before=$(cpu_ms "$PONG_PID")
  [ "$(client_ping "$TEST_TMP/one" -c 1 "$NETNS_SERVER_ADDR")" = 0 ] || fail "no reply ($mode)"
  sleep 0.6
  after=$(cpu_ms "$PONG_PID")
  sleep 1
  later=$(cpu_ms "$PONG_PID")
  stop_pong
  spent=$((after - before)) idle=$((later - after))
  if [ "$mode" = on ]; then
    [ "$spent" -ge 100 ] || fail "--busy-poll 300000 used only ${spent} ms of CPU after a request"
    ok "with --busy-poll 300000: ${spent} ms of CPU after one request"
  else
    [ "$spent" -lt 50 ] || fail "without --busy-poll pong used ${spent} ms of CPU for one request"
    ok "without --busy-poll: ${spent} ms of CPU after one request"
  fi
  [ "$idle" -lt 50 ] || fail "pong kept spinning once the spell was over (${idle} ms in 1 s, $mode)"
  ok "then asleep: ${idle} ms of CPU in the next second ($mode)"
done

step "--busy-poll without a value spins 200 us"
start_pong --quiet -4 --busy-poll
expect_grep "busy-poll: after each batch pong polls without sleeping for 200 us" "$PONG_LOG" \
  "the default spell is 200 us"
stop_pong

step "every batch size answers every request"
for batch in 1 7 256; do
  start_pong --quiet --batch $batch
  netns_in_client ping -q -f -l 64 -c 2000 -w 10 "$NETNS_SERVER_ADDR" >"$TEST_TMP/b$batch" 2>&1 || true
  ping_answered "$TEST_TMP/b$batch" 2000 "--batch $batch, IPv4"
  if [ -n "$NETNS_SERVER_ADDR6" ]; then
    netns_in_client ping -6 -q -f -l 64 -c 2000 -w 10 "$NETNS_SERVER_ADDR6" >"$TEST_TMP/b6$batch" 2>&1 || true
    ping_answered "$TEST_TMP/b6$batch" 2000 "--batch $batch, IPv6"
  fi
  stop_pong
done

finish
