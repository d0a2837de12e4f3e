#!/usr/bin/env bash
# pinger against pong, in two namespaces joined by a veth pair: the
# article's reply lines, the iputils summary, both socket kinds, host names,
# -q, --histogram (into a file and on a terminal), -D, --json, --json-lines
# (each line read with jq), payload options, TTL/TOS, -w and Ctrl-C. Every run is bounded by -c/-W or -w.
source "$(dirname "$0")/testlib.sh"

netns_create "pg$$s" "pg$$c" 10.112.1
SERVER=$NETNS_SERVER_ADDR
PINGER=$PONG_BIN/pinger
PONG_LOG=$TEST_TMP/pong.log

# Names resolve from a hosts file of the client namespace only (ip netns
# exec bind-mounts /etc/netns/NAME/* over /etc), with DNS switched off.
NETNS_ETC=/etc/netns/$NETNS_CLIENT
mkdir -p "$NETNS_ETC"
_remove_netns_etc() { rm -rf "$NETNS_ETC"; }
NETNS_CLEANUP_HOOKS+=(_remove_netns_etc)
printf '127.0.0.1 localhost\n%s icmp-server\n' "$SERVER" >"$NETNS_ETC/hosts"
printf 'hosts: files\n' >"$NETNS_ETC/nsswitch.conf"

# run_pinger NAME ARGS...: stdout in $TEST_TMP/NAME, stderr in NAME.err;
# prints the exit status.
run_pinger() {
  local name=$1
  shift
  local status=0
  netns_in_client "$PINGER" "$@" >"$TEST_TMP/$name" 2>"$TEST_TMP/$name.err" || status=$?
  echo "$status"
}
reply_line() { # SEQ [DATA]: the article's line, as a regex
  echo "^21 bytes from 10\.112\.1\.3: pid=[0-9]+, icmp_type=echo reply, icmp_seq=$1, data=${2:-hello from client}, time:[0-9]+μs$"
}

netns_start_bg "$NETNS_SERVER" "$PONG_LOG" "$PONG_BIN/pong"
wait_for_log "$PONG_LOG" "answering ICMP echo" 10

step "pinger -c 4 icmp-server: the article's lines and the iputils summary (raw socket)"
status=$(run_pinger raw -c 4 -i 0.2 -W 2 icmp-server)
expect_status 0 "$status" "exit 0 when replies came"
expect_grep "^PING icmp-server \(10\.112\.1\.3\): 17 data bytes over a raw socket" "$TEST_TMP/raw" \
  "auto picks raw while ping_group_range excludes us"
for seq in 0 1 2 3; do
  expect_grep "$(reply_line "$seq")" "$TEST_TMP/raw" "reply line for icmp_seq=$seq"
done
[ "$(grep -c "bytes from" "$TEST_TMP/raw")" = 4 ] || fail "exactly 4 reply lines"
expect_grep "^--- icmp-server ping statistics ---$" "$TEST_TMP/raw" "summary header names the host"
expect_grep "^4 packets transmitted, 4 received, 0% packet loss, time [0-9]+ms$" "$TEST_TMP/raw" \
  "summary counts 4 of 4"
expect_grep "^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$" \
  "$TEST_TMP/raw" "rtt line with three decimals"
[ ! -s "$TEST_TMP/raw.err" ] || fail "nothing on stderr: $(cat "$TEST_TMP/raw.err")"
# pid= is the identifier on the wire: pong logged the same one, seq 0..3.
pid=$(sed -nE 's/^21 bytes from .*pid=([0-9]+),.*/\1/p' "$TEST_TMP/raw" | sort -u)
[ "$(echo "$pid" | wc -l)" = 1 ] || fail "one identifier for the run"
for seq in 0 1 2 3; do
  expect_grep "21 bytes from 10\.112\.1\.2: pid=$pid, icmp_type=echo, icmp_seq=$seq, data=hello from client" \
    "$PONG_LOG" "pong saw pid=$pid icmp_seq=$seq"
done
# min <= avg <= max, and the figures come from the lines' own times.
python3 - "$TEST_TMP/raw" <<'EOF' || fail "rtt figures do not match the reply lines"
import math, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
times = [int(t) / 1000 for t in re.findall(r"time:(\d+)μs", text)]
mn, avg, mx, mdev = map(float, re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms", text).groups())
assert len(times) == 4, times
# Lines show whole microseconds and the summary keeps nanoseconds: allow 1 us.
assert abs(mn - min(times)) <= 0.002 and abs(mx - max(times)) <= 0.002, (mn, mx, times)
assert abs(avg - sum(times) / 4) <= 0.002, (avg, times)
m = sum(times) / 4
assert abs(mdev - math.sqrt(sum((t - m) ** 2 for t in times) / 4)) <= 0.002, (mdev, times)
EOF
ok "min/avg/max/mdev agree with the reply lines (population mdev)"

step "datagram socket: allowed by ping_group_range, the kernel owns the identifier"
status=$(run_pinger dgram-denied --socket dgram -c 1 "$SERVER")
expect_status 2 "$status" "--socket dgram refused while ping_group_range excludes us"
expect_grep "ping_group_range" "$TEST_TMP/dgram-denied.err" "the refusal names ping_group_range"
netns_in_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"
status=$(run_pinger dgram --socket dgram -c 3 -i 0.2 -W 2 "$SERVER")
expect_status 0 "$status" "dgram: exit 0"
expect_grep "over a dgram socket" "$TEST_TMP/dgram" "a datagram socket was used"
for seq in 0 1 2; do
  expect_grep "$(reply_line "$seq")" "$TEST_TMP/dgram" "dgram: reply line for icmp_seq=$seq"
done
expect_grep "^3 packets transmitted, 3 received, 0% packet loss" "$TEST_TMP/dgram" "dgram: 3 of 3"
id=$(sed -nE 's/^21 bytes from .*pid=([0-9]+),.*/\1/p' "$TEST_TMP/dgram" | sort -u)
expect_grep "pid=$id, icmp_type=echo, icmp_seq=2" "$PONG_LOG" "pong saw the kernel-owned identifier $id"
status=$(run_pinger auto -c 1 "$SERVER")
expect_grep "over a dgram socket" "$TEST_TMP/auto" "auto now prefers the datagram socket"
status=$(run_pinger forced-raw --socket raw -c 1 "$SERVER")
expect_grep "over a raw socket" "$TEST_TMP/forced-raw" "--socket raw still forces raw"
netns_in_client sysctl -qw net.ipv4.ping_group_range="1 0"

step "-q prints the summary only"
status=$(run_pinger quiet -q -c 2 -i 0.2 "$SERVER")
expect_status 0 "$status" "-q: exit 0"
expect_no_grep "bytes from|^PING" "$TEST_TMP/quiet" "-q: no header, no reply lines"
expect_grep "^2 packets transmitted, 2 received, 0% packet loss" "$TEST_TMP/quiet" "-q: summary"

step "--histogram: percentiles and a histogram of the RTTs, no line past 80 columns"
# check_histogram NAME REPLIES BARS: the run's output ($TEST_TMP/NAME, a
# -q run: the summary alone) has the percentile line and a histogram whose
# counts add up to REPLIES, its bars made of the characters BARS only, and
# no line wider than 80 code points.
check_histogram() {
  python3 - "$TEST_TMP/$1" "$2" "$3" <<'EOF' || fail "$1: the histogram is not as it should be"
import re, sys
path, replies, bars = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = open(path, encoding="utf-8").read().replace("\r\n", "\n")
lines = text.splitlines()
wide = [line for line in lines if len(line) > 80]
assert not wide, f"lines wider than 80 columns: {wide}"
rtt = re.search(r"^rtt min/avg/max/mdev = ([\d.]+)/[\d.]+/([\d.]+)/[\d.]+ ms$", text, re.M)
mn, mx = map(float, rtt.groups())
percentiles = re.search(r"^rtt p50/p90/p99 = (\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3}) ms$", text, re.M)
p50, p90, p99 = map(float, percentiles.groups())
assert mn <= p50 <= p90 <= p99 <= mx, (mn, p50, p90, p99, mx)
start = lines.index(f"rtt histogram ({replies} replies):")
bound = r"\d+ (?:μs|us|ms|s)"
rows = [re.fullmatch(rf" +{bound} - +(?:{bound}|inf|∞)  +(\d+)(?: ([{bars}]+))?", line)
        for line in lines[start + 1:]]
assert rows and all(rows), f"not bucket lines: {lines[start + 1:]}"
counts = [int(row.group(1)) for row in rows]
assert sum(counts) == replies, (counts, replies)
assert counts[0] > 0 and counts[-1] > 0, f"empty buckets at an end: {counts}"
assert all((c > 0) == (row.group(2) is not None) for c, row in zip(counts, rows)), rows
EOF
  ok "$1: percentiles in order; $2 replies in the histogram, bars of '$3', at most 80 columns"
}
status=$(run_pinger histogram -q --histogram -c 20 -i 0.05 -W 2 icmp-server)
expect_status 0 "$status" "--histogram: exit 0"
expect_grep "^20 packets transmitted, 20 received, 0% packet loss" "$TEST_TMP/histogram" \
  "--histogram: 20 of 20"
check_histogram histogram 20 "#"
expect_no_grep "μs -|[▏▎▍▌▋▊▉█]" "$TEST_TMP/histogram" \
  "--histogram into a file: ASCII, no blocks, 'us' for microseconds"
status=$(run_pinger no-histogram -c 2 -i 0.05 "$SERVER")
expect_grep "^rtt p50/p90/p99 = " "$TEST_TMP/no-histogram" "the percentiles come without --histogram"
expect_no_grep "^rtt histogram" "$TEST_TMP/no-histogram" "no histogram without --histogram"

# On a terminal (script(1) gives pinger a pseudo-terminal) with a UTF-8
# locale the bars are Unicode blocks; the same terminal under LANG=C gets
# ASCII.
run_on_terminal() { # NAME LANG
  netns_in_client env -u LC_ALL -u LC_CTYPE LANG="$2" timeout 20 \
    script -qec "$PINGER -q --histogram -c 10 -i 0.05 -W 2 $SERVER" /dev/null \
    >"$TEST_TMP/$1" 2>&1 || fail "pinger on a terminal, LANG=$2: $(cat "$TEST_TMP/$1")"
}
run_on_terminal tty-utf8 C.UTF-8
check_histogram tty-utf8 10 "▏▎▍▌▋▊▉█"
expect_grep "█" "$TEST_TMP/tty-utf8" "a terminal with LANG=C.UTF-8: Unicode block bars"
run_on_terminal tty-c C
check_histogram tty-c 10 "#"

step "--histogram --json: the percentiles and the buckets in the summary object"
status=$(run_pinger histogram-json --histogram --json -c 10 -i 0.05 -W 2 "$SERVER")
expect_status 0 "$status" "--histogram --json: exit 0"
python3 - "$TEST_TMP/histogram-json" <<'EOF' || fail "--histogram --json is not the expected JSON"
import json, sys
d = json.load(open(sys.argv[1]))
r, p = d["rtt_ms"], d["rtt_percentiles_ms"]
assert list(p) == ["p50", "p90", "p99"], p
assert r["min"] <= p["p50"] <= p["p90"] <= p["p99"] <= r["max"], (r, p)
h = d["rtt_histogram"]
assert sum(b["count"] for b in h) == d["received"] == 10, h
assert all(list(b) == ["from_ms", "to_ms", "count"] and b["from_ms"] < b["to_ms"] for b in h), h
assert all(a["to_ms"] == b["from_ms"] for a, b in zip(h, h[1:])), h
assert h[0]["from_ms"] <= r["min"] and r["max"] < h[-1]["to_ms"], (h, r)
assert list(d)[-1] == "rtt_histogram", list(d)
EOF
ok "--histogram --json: rtt_percentiles_ms in order, rtt_histogram counts add up to 10"
status=$(run_pinger json-plain --json -c 2 -i 0.05 "$SERVER")
jq -e '.rtt_percentiles_ms.p50 > 0 and ([.rtt_histogram[].count] | add) == 2' \
  "$TEST_TMP/json-plain" >/dev/null ||
  fail "--json alone: percentiles and the histogram's buckets: $(cat "$TEST_TMP/json-plain")"
ok "--json without --histogram: rtt_percentiles_ms, and the buckets in rtt_histogram"

step "-D puts a timestamp before each line"
status=$(run_pinger stamps -D -c 2 -i 0.2 "$SERVER")
expect_grep "^\[[0-9]{10}\.[0-9]{6}\] 21 bytes from 10\.112\.1\.3: .*icmp_seq=1," "$TEST_TMP/stamps" \
  "-D: [seconds.microseconds] prefix"

step "--json: one JSON object on stdout, reply lines on stderr"
status=$(run_pinger json --json -c 3 -i 0.2 "$SERVER")
expect_status 0 "$status" "--json: exit 0"
python3 - "$TEST_TMP/json" <<'EOF' || fail "--json output is not the expected JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "summary", d
assert d["host"] == "10.112.1.3" and d["address"] == "10.112.1.3", d
assert d["socket"] == "raw" and d["data_bytes"] == 17, d
assert (d["transmitted"], d["received"], d["duplicates"], d["errors"]) == (3, 3, 0, 0), d
assert d["packet_loss_percent"] == 0 and d["time_ms"] >= 400, d
r = d["rtt_ms"]
assert 0 < r["min"] <= r["avg"] <= r["max"] and r["mdev"] >= 0, r
EOF
ok "--json parses, with every figure right"
expect_grep "$(reply_line 2)" "$TEST_TMP/json.err" "--json: reply lines went to stderr"

step "--json-lines: a JSON object per reply as it arrives, then the summary (read by jq)"
# json_line N FILTER WHAT: line N (1-based) of the last run's stdout, alone,
# is JSON for which the jq FILTER is true.
json_line() {
  local line
  line=$(sed -n "$1p" "$JSON_OUT")
  jq -e "$2" >/dev/null 2>&1 <<<"$line" || {
    cat "$JSON_OUT" >&2
    fail "$3: line $1 is not what /$2/ wants: $line"
  }
  ok "$3"
}
status=$(run_pinger json-lines --json-lines -c 3 -i 0.2 icmp-server)
JSON_OUT=$TEST_TMP/json-lines
expect_status 0 "$status" "--json-lines: exit 0"
[ "$(wc -l <"$JSON_OUT")" = 4 ] || fail "--json-lines: 4 lines, got: $(cat "$JSON_OUT")"
ok "--json-lines: 4 lines on stdout, each one object"
id=$(sed -n 4p "$JSON_OUT" | jq -e .identifier) || fail "the summary names the identifier"
for seq in 0 1 2; do
  json_line $((seq + 1)) "(keys_unsorted == [\"type\",\"from\",\"bytes\",\"identifier\",
      \"sequence\",\"ttl\",\"time_us\",\"data\",\"duplicate\",\"bad_checksum\",
      \"different_address\",\"wrong_data\"]) and .type == \"reply\" and .sequence == $seq
    and .from == \"$SERVER\" and .bytes == 21 and .identifier == $id and .ttl == 64
    and .time_us > 0 and .data == \"hello from client\" and .duplicate == false
    and .bad_checksum == false and .different_address == false and .wrong_data == null" \
    "--json-lines: line $((seq + 1)) is the reply to icmp_seq=$seq, TTL 64"
done
json_line 4 '.type == "summary" and .host == "icmp-server" and .address == "10.112.1.3"
    and .socket == "raw" and .transmitted == 3 and .received == 3 and .duplicates == 0
    and .errors == 0 and .packet_loss_percent == 0 and .rtt_ms.min > 0' \
  "--json-lines: the last line is the summary, 3 transmitted, 3 received"
expect_no_grep "bytes from|^PING|statistics" "$JSON_OUT" "--json-lines: nothing else on stdout"
expect_grep "$(reply_line 2)" "$TEST_TMP/json-lines.err" \
  "--json-lines: the header and reply lines went to stderr"
# The rtt in the record is the one the line shows.
t1=$(sed -n 2p "$JSON_OUT" | jq .time_us)
expect_grep "icmp_seq=1, data=hello from client, time:${t1}μs$" "$TEST_TMP/json-lines.err" \
  "--json-lines: time_us is the reply line's time"

step "--json-lines -q: the records all the same, no lines for people"
status=$(run_pinger json-quiet --json-lines -q -c 2 -i 0.2 "$SERVER")
JSON_OUT=$TEST_TMP/json-quiet
expect_status 0 "$status" "--json-lines -q: exit 0"
json_line 2 '.type == "reply" and .sequence == 1' "--json-lines -q: the reply records"
json_line 3 '.type == "summary" and .received == 2' "--json-lines -q: then the summary"
[ ! -s "$TEST_TMP/json-quiet.err" ] || fail "-q: nothing on stderr: $(cat "$TEST_TMP/json-quiet.err")"
ok "--json-lines -q: nothing on stderr"

step "--json-lines: payload text is escaped, bytes that are not text come as hex, never a crash"
status=$(run_pinger json-quote --json-lines -c 1 -d 'say "hi" \o/' "$SERVER")
JSON_OUT=$TEST_TMP/json-quote
expect_status 0 "$status" "quotes and a backslash in -d: exit 0"
json_line 1 '.data == "say \"hi\" \\o/" and .bytes == 16 and .wrong_data == null' \
  "quotes and a backslash come back as the same text"
status=$(run_pinger json-ff --json-lines -c 1 -d $'\xff\x01"' "$SERVER")
JSON_OUT=$TEST_TMP/json-ff
expect_status 0 "$status" "bytes 0xff 0x01 in -d: exit 0"
json_line 1 '.data == "hex:ff0122" and .bytes == 7' "bytes 0xff 0x01 come as hex:ff0122"
json_line 2 '.type == "summary" and .received == 1' "and the summary follows"

step "--json-lines over a datagram socket: the TTL comes from the kernel there too"
netns_in_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"
status=$(run_pinger json-dgram --json-lines --socket dgram -c 2 -i 0.2 "$SERVER")
JSON_OUT=$TEST_TMP/json-dgram
expect_status 0 "$status" "dgram: exit 0"
json_line 2 '.type == "reply" and .sequence == 1 and .ttl == 64' "dgram: ttl 64"
json_line 3 '.type == "summary" and .socket == "dgram" and .received == 2' "dgram: summary"
netns_in_client sysctl -qw net.ipv4.ping_group_range="1 0"
status=$(run_pinger json-ttl --json-lines -c 1 -t 9 "$SERVER")
JSON_OUT=$TEST_TMP/json-ttl
json_line 1 '.ttl == 64' "-t 9 sets the requests' TTL, not the one the reply is read with"

step "a host name that is not UTF-8 (a hosts file may hold any byte): U+FFFD, valid JSON"
printf '%s ic\xffmp\n' "$SERVER" >>"$NETNS_ETC/hosts"
status=$(run_pinger json-latin1 --json-lines -c 1 $'ic\xffmp')
JSON_OUT=$TEST_TMP/json-latin1
expect_status 0 "$status" "a name with byte 0xff: exit 0"
json_line 2 '.type == "summary" and .host == "ic\ufffdmp" and .received == 1' \
  "the summary's host has U+FFFD for the byte"

step "payload options: -d text, -s size, -p pattern"
status=$(run_pinger text -c 1 -d "ping pong" "$SERVER")
expect_grep "^13 bytes from 10\.112\.1\.3: .*data=ping pong, time:" "$TEST_TMP/text" \
  "-d: 13 bytes = 4 + 9 data bytes"
expect_grep "13 bytes from 10\.112\.1\.2: .*data=ping pong$" "$PONG_LOG" "pong received the text"
status=$(run_pinger sized -c 1 -s 40 "$SERVER")
expect_grep "^44 bytes from .*data=hello from clienthello from clienthello., time:" \
  "$TEST_TMP/sized" "-s 40: the text repeated to 40 bytes"
status=$(run_pinger pattern -c 1 -p a5 "$SERVER")
expect_grep "^60 bytes from .*data=hex:(a5){56}, time:" "$TEST_TMP/pattern" \
  "-p a5: 56 bytes of the pattern, as iputils"
status=$(run_pinger empty -c 1 -s 0 "$SERVER")
expect_grep "^4 bytes from .*data=\(empty\), time:" "$TEST_TMP/empty" "-s 0: no data at all"
status=$(run_pinger big -c 2 -i 0.2 -s 3000 "$SERVER")
expect_grep "^2 packets transmitted, 2 received, 0% packet loss" "$TEST_TMP/big" \
  "-s 3000 (fragmented): both back"
expect_no_grep "wrong data" "$TEST_TMP/big" "-s 3000: data intact"

step "-t and -Q set the requests' TTL and TOS"
start_capture "$NETNS_SERVER" "$TEST_TMP/tcpdump" -v -c 1 -i eth0 "icmp[icmptype] = 8"
status=$(run_pinger ttl -c 1 -t 7 -Q 0xb8 "$SERVER")
wait "$CAPTURE_PID" || true
expect_grep "tos 0xb8, ttl 7," "$TEST_TMP/tcpdump" "the request left with TOS 0xb8 and TTL 7"

step "-w: a deadline instead of a count"
# Under a 20 s timeout: -w 1 must end the run (a hang would exit 124).
status=$(run_in_client deadline timeout 20 "$PINGER" -w 1 -i 0.2 "$SERVER")
expect_status 0 "$status" "-w 1: exit 0, the run over at its deadline"
# Wide bounds: a loaded machine may fit a request fewer in the second.
expect_grep "^([2-6]) packets transmitted, \\1 received, 0% packet loss" "$TEST_TMP/deadline" \
  "-w 1 -i 0.2: about five requests, each answered"

step "Ctrl-C (SIGINT) prints the summary and exits 0"
# Started with SIGINT ignored, as a script's background job may be: the
# signal must reach pinger all the same.
(
  trap '' INT
  exec ip netns exec "$NETNS_CLIENT" "$PINGER" -i 0.2 -w 30 "$SERVER"
) >"$TEST_TMP/sigint" 2>&1 &
pinger_pid=$!
NETNS_PIDS+=("$pinger_pid")
wait_for_log "$TEST_TMP/sigint" "icmp_seq=2," 10
kill -INT "$pinger_pid"
status=0
for _ in $(seq 50); do kill -0 "$pinger_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pinger_pid" 2>/dev/null && fail "pinger still runs 5 s after SIGINT"
wait "$pinger_pid" || status=$?
expect_status 0 "$status" "exit 0 after SIGINT"
expect_grep "^--- 10\.112\.1\.3 ping statistics ---$" "$TEST_TMP/sigint" "summary printed on SIGINT"
expect_grep "^[0-9]+ packets transmitted, [0-9]+ received, " "$TEST_TMP/sigint" "with its counts"

finish
