#!/usr/bin/env bash
# pong's metrics and structured logs, with the tools admins run: known
# traffic (good requests of both families, requests with a bad checksum),
# then curl on /metrics for exact counter values, promtool on the
# exposition, a reader looping over --metrics-file while pong rewrites
# it, and jq on every --log-format json line.
source "$(dirname "$0")/testlib.sh"

netns_create "pm$$s" "pm$$c" 10.123.0
SERVER=$NETNS_SERVER_ADDR
SERVER6=$NETNS_SERVER_ADDR6
CLIENT=$NETNS_CLIENT_ADDR
LISTEN=127.0.0.1:9469
URL=http://$LISTEN

# The serving user (nobody) writes the metrics file: a directory it may
# write to, inside a $TEST_TMP it may pass through.
chmod 711 "$TEST_TMP"
TEXTFILE_DIR=$TEST_TMP/textfile
mkdir "$TEXTFILE_DIR"
chown nobody "$TEXTFILE_DIR"
PROM=$TEXTFILE_DIR/pong.prom

scrape() { netns_in_server curl -sS --max-time 5 "$@"; }
# metric SERIES: its value in the last scrape ($TEST_TMP/metrics).
metric() {
  awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print "missing" }' \
    "$TEST_TMP/metrics"
}
expect_metric() {
  local got
  got=$(metric "$1")
  [ "$got" = "$2" ] || fail "$1 is $got, expected $2"
  ok "$1 $2"
}

step "pong starts with --metrics-listen, --metrics-file and --log-format json"
start_pong --metrics-listen "$LISTEN" --metrics-file "$PROM" --metrics-interval 0.1 \
  --log-format json --log-level debug
expect_grep "metrics on $URL/metrics" "$PONG_LOG" "it says where the metrics are"
expect_grep "seccomp allow-list on" "$PONG_LOG" "with the seccomp filter on"

step "known traffic: 5 good IPv4 requests, 3 with a bad checksum, 2 good IPv6 ones"
status=$(client_ping "$TEST_TMP/ping4" -c 5 -i 0.2 -p 70696e67 "$SERVER")
expect_status 0 "$status" "5 IPv4 pings answered"
for _ in 1 2 3; do
  # Echo Request id 0x1234 seq 5, "hello from client", checksum 0xdead.
  netns_in_client "$PONG_BIN/send_icmp" "$SERVER" 0800dead1234000568656c6c6f2066726f6d20636c69656e74
done
status=$(client_ping "$TEST_TMP/ping6" -6 -c 2 -i 0.2 "$SERVER6")
expect_status 0 "$status" "2 IPv6 pings answered"
wait_for_log "$PONG_LOG" '"reason":"icmp_bad_checksum"' 5

step "GET /metrics: every counter has its exact value"
scrape -o "$TEST_TMP/metrics" -D "$TEST_TMP/headers" "$URL/metrics"
expect_grep '^Content-Type: text/plain; version=0.0.4' "$TEST_TMP/headers" "the text exposition format"
expect_metric 'pong_requests_total{family="ipv4"}' 8
expect_metric 'pong_replies_total{family="ipv4"}' 5
expect_metric 'pong_dropped_total{family="ipv4",reason="icmp_bad_checksum"}' 3
expect_metric 'pong_requests_total{family="ipv6"}' 2
expect_metric 'pong_replies_total{family="ipv6"}' 2
expect_metric 'pong_dropped_total{family="ipv6",reason="icmp_bad_checksum"}' 0
expect_metric 'pong_dropped_total{family="ipv4",reason="rate_limited"}' 0
expect_metric 'pong_send_errors_total{family="ipv4"}' 0
expect_metric 'pong_log_lines_suppressed_total' 0
expect_metric 'pong_kernel_echo_ignored{family="ipv4"}' 1
expect_metric 'pong_kernel_echo_ignored{family="ipv6"}' 1
expect_metric "pong_build_info{version=\"$("$PONG_BIN/pong" --version | awk '{print $2}')\"}" 1
expect_grep '^# HELP pong_dropped_total ' "$TEST_TMP/metrics" "HELP lines"
expect_grep '^# TYPE pong_dropped_total counter' "$TEST_TMP/metrics" "TYPE lines"
expect_grep '^process_start_time_seconds [0-9]' "$TEST_TMP/metrics" "process_start_time_seconds"
expect_grep '^process_resident_memory_bytes [0-9]' "$TEST_TMP/metrics" "process_resident_memory_bytes"
reasons=$(grep -c '^pong_dropped_total{family="ipv4"' "$TEST_TMP/metrics")
[ "$reasons" -ge 21 ] || fail "$reasons IPv4 drop series, expected one per reason (21)"
ok "a series for every drop reason ($reasons)"
promtool check metrics <"$TEST_TMP/metrics" >"$TEST_TMP/promtool" 2>&1 ||
  fail "promtool check metrics: $(cat "$TEST_TMP/promtool")"
ok "promtool check metrics passes"

step "pong_kernel_echo_ignored reads the sysctl at scrape time"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
scrape -o "$TEST_TMP/metrics" "$URL/metrics"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
expect_metric 'pong_kernel_echo_ignored{family="ipv4"}' 0

step "the listener answers GET /metrics and / only"
code=$(scrape -o "$TEST_TMP/index" -w '%{http_code}' "$URL/")
expect_status 200 "$code" "GET / is 200"
expect_grep '<a href="/metrics">' "$TEST_TMP/index" "/ links to /metrics"
code=$(scrape -o /dev/null -w '%{http_code}' -X POST "$URL/metrics")
expect_status 405 "$code" "POST /metrics is 405"
code=$(scrape -o /dev/null -w '%{http_code}' "$URL/metrics/../../etc/passwd")
expect_status 404 "$code" "any other path is 404"
code=$(scrape -o /dev/null -w '%{http_code}' "$URL/favicon.ico")
expect_status 404 "$code" "/favicon.ico is 404"
scrape -I -o "$TEST_TMP/head" "$URL/metrics" || fail "HEAD /metrics failed"
expect_grep '^HTTP/1.1 200' "$TEST_TMP/head" "HEAD /metrics is 200"
expect_grep '^Content-Type: text/plain; version=0.0.4' "$TEST_TMP/head" "with GET's headers"
netns_in_client curl -sS --max-time 2 -o /dev/null "http://$SERVER:9469/metrics" 2>/dev/null &&
  fail "the listener answered on $SERVER, not only on 127.0.0.1"
ok "bound to 127.0.0.1 only: the client cannot reach it on $SERVER"

step "--metrics-file: a reader never sees a half-written file"
# pong rewrites it every 0.1 s while pings keep the counters moving; the
# file must always hold the whole exposition (the same number of lines,
# ending with the last series).
netns_in_client ping -q -c 40 -i 0.05 -W 1 "$SERVER" >/dev/null 2>&1 &
pinger=$!
lines=$(wc -l <"$PROM")
reads=0
end=$((SECONDS + 3))
while [ $SECONDS -lt $end ]; do
  content=$(cat "$PROM")
  n=$(printf '%s\n' "$content" | wc -l)
  [ "$n" = "$lines" ] || fail "read $reads: $n lines, expected $lines"
  case $content in *$'\npong_build_info{'*'} 1') ;; *) fail "read $reads: the file does not end with its last series" ;; esac
  reads=$((reads + 1))
done
wait "$pinger" || true
ok "$reads reads, each the whole file ($lines lines)"
promtool check metrics <"$PROM" >"$TEST_TMP/promtool" 2>&1 ||
  fail "promtool check metrics on the file: $(cat "$TEST_TMP/promtool")"
ok "promtool check metrics passes on the file"
expect_no_grep '^process_' "$PROM" "no process_* series in the file (node_exporter has its own)"
[ "$(stat -c %a "$PROM")" = 644 ] || fail "the file's mode is $(stat -c %a "$PROM"), not 644"
ok "mode 644, for node_exporter"

step "--log-format json: every line is one JSON object with the fields"
stop_pong
if ! jq -c . "$PONG_LOG" >"$TEST_TMP/json" 2>"$TEST_TMP/jq.err"; then
  fail "jq could not parse pong's log: $(cat "$TEST_TMP/jq.err")"
fi
[ "$(wc -l <"$TEST_TMP/json")" = "$(wc -l <"$PONG_LOG")" ] || fail "not one object per line"
ok "jq parses all $(wc -l <"$PONG_LOG") lines, one object each"
bad=$(jq -c 'select((.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$") | not) or .level == null or .event == null)' "$PONG_LOG")
[ -z "$bad" ] || fail "lines without an RFC 3339 time, a level or an event: $bad"
ok "every line has time (RFC 3339, microseconds), level and event"
for family in ipv4 ipv6; do
  n=$(jq -c --arg f "$family" 'select(.event == "echo" and .family == $f and .level == "info"
        and (.source | type) == "string" and (.destination | type) == "string"
        and (.identifier | type) == "number" and (.sequence | type) == "number"
        and (.size | type) == "number" and ((.payload // .payload_hex) | type) == "string")' \
    "$PONG_LOG" | wc -l)
  # IPv4: the 5 pings, and the 40 of the file's reading loop.
  want=$([ "$family" = ipv4 ] && echo 45 || echo 2)
  [ "$n" = "$want" ] || fail "$n complete $family echo events, expected $want"
  ok "$family: $n echo events with every field"
done
# (jq 1.6's -e looks at the last input's result, not at the last output:
# count the matches instead.)
n=$(jq -c --arg c "$CLIENT" --arg s "$SERVER" 'select(.event == "echo" and .family == "ipv4")
  | select(.source == $c and .destination == $s and .sequence == 1)' "$PONG_LOG" | wc -l)
[ "$n" -ge 1 ] ||
  fail "no IPv4 echo event names $CLIENT -> $SERVER, sequence 1: $(grep -m1 "\"echo\"" "$PONG_LOG")"
ok "source, destination and sequence are the request's"
n=$(jq -c --arg c "$CLIENT" 'select(.event == "drop" and .level == "debug" and .reason == "icmp_bad_checksum"
      and .source == $c and .family == "ipv4" and .read_bytes == 45)' "$PONG_LOG" | wc -l)
[ "$n" = 3 ] || fail "$n drop events with the reason, expected 3"
ok "3 drop events at debug, with source, bytes read (45: the IPv4 header and 25) and reason"
n=$(jq -c 'select(.event == "message" and (.message | test("IPv4: 48 received, 45 answered, 3 dropped")))' \
  "$PONG_LOG" | wc -l)
[ "$n" = 1 ] || fail "the counters at exit are not JSON messages"
ok "the counters at exit are JSON too"

step "the metrics file ends with the final counts"
awk '$1 == "pong_requests_total{family=\"ipv4\"}" { print $2 }' "$PROM" >"$TEST_TMP/final"
[ "$(cat "$TEST_TMP/final")" -ge 48 ] || fail "the file's last IPv4 count is $(cat "$TEST_TMP/final"), expected at least 48"
ok "pong_requests_total{family=\"ipv4\"} $(cat "$TEST_TMP/final") after 48 requests"
left=$(find "$TEXTFILE_DIR" -mindepth 1 ! -name pong.prom)
[ -z "$left" ] || fail "files left beside pong.prom: $left"
ok "no temporary file is left beside it"

step "--metrics-file with a long interval: the last write is at exit, with the final counts"
start_pong --quiet --metrics-file "$PROM" --metrics-interval 3600
status=$(client_ping "$TEST_TMP/ping-final" -c 3 -i 0.2 "$SERVER")
expect_status 0 "$status" "3 pings answered"
expect_grep '^pong_requests_total\{family="ipv4"\} 0$' "$PROM" "before the exit the file holds the start's counts"
stop_pong
expect_grep '^pong_requests_total\{family="ipv4"\} 3$' "$PROM" "after it, the final ones"

step "bad metrics options: one sentence and exit status 2, before anything changes"
status=0
netns_in_server timeout 10 "$PONG_BIN/pong" --metrics-interval 5 >"$TEST_TMP/interval" 2>&1 || status=$?
expect_status 2 "$status" "--metrics-interval without --metrics-file: exit status 2"
expect_grep "metrics-interval requires --metrics-file" "$TEST_TMP/interval" "--metrics-interval without --metrics-file: says so"
for args in "--metrics-listen localhost:9469" "--metrics-listen 127.0.0.1" "--metrics-listen ::1:9469"; do
  status=0
  # shellcheck disable=SC2086 # the options are words
  netns_in_server timeout 10 "$PONG_BIN/pong" $args >"$TEST_TMP/bad" 2>&1 || status=$?
  expect_status 2 "$status" "$args: exit status 2"
  expect_grep "error.*--metrics-listen .*give ADDRESS:PORT" "$TEST_TMP/bad" "$args: says what to give"
done
netns_in_server python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9469)); s.listen(1); time.sleep(8)' &
holder=$!
sleep 0.5
status=0
netns_in_server timeout 10 "$PONG_BIN/pong" --metrics-listen "$LISTEN" >"$TEST_TMP/busy" 2>&1 || status=$?
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
expect_status 2 "$status" "a port in use: exit status 2"
expect_grep "cannot listen there" "$TEST_TMP/busy" "a port in use: says so"
mkdir "$TEST_TMP/readonly"
status=0
netns_in_server timeout 10 "$PONG_BIN/pong" --metrics-file "$TEST_TMP/readonly/pong.prom" >"$TEST_TMP/ro" 2>&1 || status=$?
expect_status 2 "$status" "a directory the serving user cannot write: exit status 2"
expect_grep "metrics-file: cannot write" "$TEST_TMP/ro" "a directory the serving user cannot write: says so"

finish
