#!/usr/bin/env bash
# icmp-lab decode --html in a real browser: the page the program writes is
# loaded by headless Chromium, which runs its script; the DOM it leaves
# must hold every field of a known packet with its value, the pair's
# incremental update, the changed word outlined, the bad checksum's red
# sentence, the highlight an address like #frame-1-field-1 asks for, and
# nothing from outside the page; a screenshot of it must not be blank.
#
# Needs Debian's chromium (installed here if missing and apt-get can) and
# python3; exits 77 (skipped) without them. No network: the page loads
# nothing. LAB_HTML_KEEP=DIR keeps the pages, DOMs and screenshots there.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

LAB=$PONG_BIN/icmp-lab
CHECK=$TESTLIB_ROOT/tests/helpers/lab_html_check.py

# `icmp-lab craft --id 4660 --seq 1 --data 'hello from client' -q`, and
# `icmp-lab reply`'s answer to it: type 0, checksum 0x6dbd.
REQUEST="4500 002d 0000 4000 4001 e29e ac16 0002 ac16 0003 0800 65bd 1234 0001 6865 6c6c
6f20 6672 6f6d 2063 6c69 656e 74"
REPLY="4500 002d 0000 4000 4001 e29e ac16 0003 ac16 0002 0000 6dbd 1234 0001 6865 6c6c
6f20 6672 6f6d 2063 6c69 656e 74"
# A real ping -6 and pong's reply (tests/test_lab_captures.hpp).
PING6_REQUEST="6006 1f06 0040 3a40 fd00 0172 0022 0000 0000 0000 0000 0002 fd00 0172 0022 0000
0000 0000 0000 0003 8000 41e8 4805 0001 b79f 0f6b 0000 0000 658a 0d00 0000 0000
1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
3031 3233 3435 3637"
PING6_REPLY="6004 f61c 0040 3a40 fd00 0172 0022 0000 0000 0000 0000 0003 fd00 0172 0022 0000
0000 0000 0000 0002 8100 40e8 4805 0001 b79f 0f6b 0000 0000 658a 0d00 0000 0000
1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f
3031 3233 3435 3637"
# The request with --bad-checksum: 0x65be where 0x65bd is right.
BAD="4500 002d 0000 4000 4001 e29e ac16 0002 ac16 0003 0800 65be 1234 0001 6865 6c6c
6f20 6672 6f6d 2063 6c69 656e 74"

CHROMIUM_ERR=$TEST_TMP/chromium.err
show_chromium_errors() {
  echo "---- chromium's standard error (last lines) ----" >&2
  tail -n 20 "$CHROMIUM_ERR" >&2 || true
}
keep_artefacts() {
  if [ -n "${LAB_HTML_KEEP:-}" ]; then
    mkdir -p "$LAB_HTML_KEEP"
    cp "$TEST_TMP"/*.html "$TEST_TMP"/*.png "$LAB_HTML_KEEP"/ 2>/dev/null || true
  fi
  netns_cleanup
}
trap keep_artefacts EXIT

step "a headless browser and python3"
command -v python3 >/dev/null || {
  echo "SKIP: python3 is not installed; it checks the DOM and the screenshot"
  exit 77
}
# install_chromium: from the package lists there are, else after updating
# them once.
install_chromium() {
  apt-get install -y --no-install-recommends chromium >"$TEST_TMP/apt.log" 2>&1 ||
    { apt-get update -qq >>"$TEST_TMP/apt.log" 2>&1 &&
      apt-get install -y --no-install-recommends chromium >>"$TEST_TMP/apt.log" 2>&1; }
}
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && install_chromium; then
    ok "installed Debian's chromium"
  else
    echo "SKIP: chromium is not installed and apt-get install -y --no-install-recommends" \
      "chromium failed or is not possible here (not root, or no package source)"
    tail -n 5 "$TEST_TMP/apt.log" 2>/dev/null || true
    exit 77
  fi
fi
ok "$(chromium --version 2>/dev/null || echo chromium)"
CHROMIUM_FLAGS=(--headless=new --disable-gpu --no-first-run --no-default-browser-check
  --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$TEST_TMP/profile"
  --virtual-time-budget=5000)
# Chromium refuses to run as root with its sandbox on.
[ "$(id -u)" = 0 ] && CHROMIUM_FLAGS+=(--no-sandbox)
# browser ARGS...: one bounded run, its noise kept for a failure.
browser() {
  timeout 60 chromium "${CHROMIUM_FLAGS[@]}" "$@" 2>>"$CHROMIUM_ERR"
}
TESTLIB_ON_FAIL+=(show_chromium_errors)

step "icmp-lab decode --html with the packet given as arguments"
status=0
# shellcheck disable=SC2086 # one argument per hex group, as a student types them
"$LAB" decode --html "$TEST_TMP/request.html" $REQUEST >"$TEST_TMP/request.out" 2>&1 || status=$?
expect_status 0 "$status" "icmp-lab decode --html exits 0"
[ -s "$TEST_TMP/request.html" ] || fail "no page written to $TEST_TMP/request.html"
ok "the page is written ($(wc -c <"$TEST_TMP/request.html") bytes)"
expect_grep "type +8 +echo request" "$TEST_TMP/request.out" "the text output is printed as well"
expect_grep "wrote .*request.html \(1 packet\): open it in a browser" "$TEST_TMP/request.out" \
  "it says where the page is, for one packet in the singular"

step "Chromium runs the page: every field of the request, with its value"
# The address asks for the IHL field (field 1) to be lit: byte 0.
browser --dump-dom "file://$TEST_TMP/request.html#frame-1-field-1" >"$TEST_TMP/request.dom.html" ||
  fail "chromium --dump-dom failed"
python3 "$CHECK" dom "$TEST_TMP/request.dom.html" \
  --field "frame-1|version|0x4|4" \
  --field "frame-1|IHL|0x5|5" \
  --field "frame-1|TOS|0x00|0" \
  --field "frame-1|total length|0x002d|45" \
  --field "frame-1|identification|0x0000|0" \
  --field "frame-1|flags|0x2|2" \
  --field "frame-1|fragment offset|0x0000|0" \
  --field "frame-1|TTL|0x40|64" \
  --field "frame-1|protocol|0x01|1" \
  --field "frame-1|header checksum|0xe29e|58014" \
  --field "frame-1|source|0xac160002|172.22.0.2" \
  --field "frame-1|destination|0xac160003|172.22.0.3" \
  --field "frame-1|type|0x08|8" \
  --field "frame-1|code|0x00|0" \
  --field "frame-1|checksum|0x65bd|26045" \
  --field "frame-1|identifier|0x1234|4660" \
  --field "frame-1|sequence number|0x0001|1" \
  --field "frame-1|data|68 65 6c 6c 6f 20 66 72 ...|" \
  --text "frame-1|verdict good|valid: the header sums to 0xffff" \
  --text "frame-1|verdict good|valid: the message sums to 0xffff" \
  --lit "frame-1|0" >"$TEST_TMP/check.out" || {
  cat "$TEST_TMP/check.out" >&2
  fail "the DOM after the script ran"
}
ok "the script ran and found the bytes of every field; 17 fields and the data with their values"
ok "#frame-1-field-1 (IHL) lights byte 0"

step "a paste of a pair, a ping -6 pair and a bad checksum"
printf '%s\n' "# the request" "$REQUEST" "# pong's reply" "$REPLY" "# ping -6" "$PING6_REQUEST" \
  "# the reply to it" "$PING6_REPLY" "# bad <script>document.title='x'</script>" "$BAD" |
  "$LAB" decode --html "$TEST_TMP/paste.html" >"$TEST_TMP/paste.out" 2>&1 || true
[ -s "$TEST_TMP/paste.html" ] || fail "no page written for the paste"
ok "the page is written"
# The address asks for the reply's type field (field 12): byte 20.
browser --dump-dom "file://$TEST_TMP/paste.html#frame-2-field-12" >"$TEST_TMP/paste.dom.html" ||
  fail "chromium --dump-dom failed"
python3 "$CHECK" dom "$TEST_TMP/paste.dom.html" \
  --field "frame-2|type|0x00|0" \
  --field "frame-2|checksum|0x6dbd|28093" \
  --bytes "frame-2|changed|20 21" \
  --bytes "frame-2|recomputed|22 23" \
  --text "frame-2|verdict good|matches: the reply's checksum is 0x6dbd" \
  --field "frame-3|flow label|0x61f06|401158" \
  --field "frame-3|source|fd00:0172:0022:0000:0000:0000:0000:0002|" \
  --field "frame-3|type|0x80|128" \
  --text "frame-3|verdict good|valid: with the pseudo-header, the message sums to 0xffff" \
  --bytes "frame-4|changed|40 41" \
  --text "frame-4|verdict good|matches: the reply's checksum is 0x40e8" \
  --text "frame-5|verdict bad|INVALID: the message sums to 0x0001, not 0xffff; the right value is 0x65bd" \
  --text "frame-5|caption|bad <script>document.title='x'</script>" \
  --lit "frame-2|20" >"$TEST_TMP/check.out" || {
  cat "$TEST_TMP/check.out" >&2
  fail "the DOM after the script ran"
}
ok "the reply's incremental update matches and its changed word (bytes 20-21) is outlined"
ok "ICMPv6: the pseudo-header checksum, the reply's word 128 -> 129 outlined"
ok "the bad checksum's sentence is in red; the caption's <script> is text"
grep -q "<title>icmp-lab: " "$TEST_TMP/paste.dom.html" || fail "the caption's script ran"
ok "the caption's script did not run"

step "a screenshot of the page is not blank"
browser --screenshot="$TEST_TMP/paste.png" --window-size=1280,2000 \
  "file://$TEST_TMP/paste.html" >/dev/null || fail "chromium --screenshot failed"
[ -s "$TEST_TMP/paste.png" ] || fail "no screenshot written"
python3 "$CHECK" png "$TEST_TMP/paste.png" --width 1280 --min-colours 16 --min-ink 0.05 \
  >"$TEST_TMP/check.out" || {
  cat "$TEST_TMP/check.out" >&2
  fail "the screenshot"
}
ok "$(head -n 1 "$TEST_TMP/check.out")"

step "a ping captured with tcpdump -w, as a new user would, then decode FILE --html"
netns_create "htm$$s" "htm$$c" 10.124.0
trap keep_artefacts EXIT
start_pong --quiet
start_capture "$NETNS_CLIENT" "$TEST_TMP/tcpdump.txt" --immediate-mode -U -c 4 \
  -w "$TEST_TMP/ping.pcap" -i eth0 icmp
netns_in_client ping -c 2 -i 0.2 -W 2 "$NETNS_SERVER_ADDR" >"$TEST_TMP/ping.txt" ||
  fail "ping: $(cat "$TEST_TMP/ping.txt")"
wait "$CAPTURE_PID" || true # -c 4 ends it, timeout 10 bounds it
status=0
"$LAB" decode "$TEST_TMP/ping.pcap" --html "$TEST_TMP/ping.html" >"$TEST_TMP/ping.out" 2>&1 ||
  status=$?
expect_status 0 "$status" "icmp-lab decode ping.pcap --html ping.html exits 0"
expect_grep "packet 1 -> packet 2: ICMP 10\.124\.0\.2 > 10\.124\.0\.3, id 0x[0-9a-f]{4}, seq 1, rtt" \
  "$TEST_TMP/ping.out" "the text pairs the request with pong's reply"
browser --dump-dom "file://$TEST_TMP/ping.html" >"$TEST_TMP/ping.dom.html" ||
  fail "chromium --dump-dom failed"
python3 "$CHECK" dom "$TEST_TMP/ping.dom.html" \
  --field "frame-1|source|0x0a7c0002|10.124.0.2" \
  --field "frame-1|type|0x08|8" \
  --field "frame-2|source|0x0a7c0003|10.124.0.3" \
  --field "frame-2|type|0x00|0" \
  --bytes "frame-2|changed|20 21" \
  --text "frame-2|verdict good|valid: the message sums to 0xffff" \
  --text "frame-4|verdict good|valid: the header sums to 0xffff" >"$TEST_TMP/check.out" || {
  cat "$TEST_TMP/check.out" >&2
  fail "the DOM of the capture's page"
}
ok "the capture's page: both packets of the pair, pong's changed word outlined"

finish
