#!/usr/bin/env bash
# Makes the capture files that test_lab_pcap_file decodes, and what
# icmp-lab prints for each (FILE.expected): run it as root after changing
# how icmp-lab decodes, then read the diff of the .expected files.
#
#   tests/data/make-captures.sh BUILD_BIN_DIR      (e.g. build/bin)
#   tests/data/make-captures.sh BUILD_BIN_DIR --expected-only
#                  (the .expected files again, from the captures there are)
#
# Real captures come from tcpdump in two namespaces of their own, with
# iputils ping asking and pong answering; the link types tcpdump cannot
# write on Linux, and pcapng, come from capture_tool (libpcap's writer).
# Nothing is sent outside the namespaces, every ping is bounded by -c and
# -W, and the trap removes the namespaces however the script ends.
#
#   ethernet.pcap   tcpdump -i eth0: two IPv4 and two IPv6 pings
#   sll.pcap        tcpdump -i any -y LINUX_SLL: two IPv4 pings
#   sll2.pcap       tcpdump -i any (SLL2 since tcpdump 4.99): two IPv6 pings
#   raw.pcap        ethernet.pcap as link type RAW (capture_tool relink)
#   loopback.pcap   ethernet.pcap as BSD loopback, DLT_NULL (capture_tool relink)
#   ethernet.pcapng ethernet.pcap as pcapng (capture_tool pcapng)
#   snaplen.pcap    tcpdump -s 64 of a ping with 200 bytes of data
#   mixed.pcap      tcpdump -i eth0 of ARP, a ping, a UDP datagram to a
#                   closed port (and its ICMP port unreachable), a TCP SYN
#                   (and its reset)
#   truncated.pcap  ethernet.pcap without its last 20 bytes
#   wifi.pcap       a link type icmp-lab does not decode (802.11)
#   two-interfaces.pcapng
#                   ethernet.pcap and sll.pcap as the two interfaces of one
#                   pcapng file, as Wireshark writes a capture on two
#                   interfaces: libpcap reads one link type per file
set -euo pipefail
BIN=$(cd "${1:?usage: make-captures.sh BUILD_BIN_DIR [--expected-only]}" && pwd)
EXPECTED_ONLY=0
[ "${2:-}" = --expected-only ] && EXPECTED_ONLY=1
export PONG_BIN=$BIN
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/../integration/testlib.sh"
DATA=$TESTLIB_ROOT/tests/data

# expected: what icmp-lab prints for each file, its exit status last.
expected() {
  local file status
  for file in "$DATA"/*.pcap "$DATA"/*.pcapng; do
    status=0
    "$BIN/icmp-lab" --color never decode "$file" >"$file.expected" 2>"$file.stderr" || status=$?
    # The file name as the test gives it: relative to tests/data.
    sed -i "s|$DATA/||g" "$file.expected" "$file.stderr"
    printf 'exit status %s\n' "$status" >>"$file.stderr"
    ok "$(basename "$file"): exit status $status, $(wc -l <"$file.expected") lines"
  done
}
if [ "$EXPECTED_ONLY" = 1 ]; then
  step "what icmp-lab prints for each"
  expected
  finish
  exit 0
fi

netns_create "cap$$s" "cap$$c" 10.77.0
start_pong --quiet

# capture OUT PING-ARGS... -- TCPDUMP-ARGS...: one bounded capture of the
# client's traffic while the commands run.
capture() {
  local out=$1
  shift
  start_capture "$NETNS_CLIENT" "$TEST_TMP/tcpdump.txt" --immediate-mode -U -w "$out" "$@"
}
finish_capture() {
  sleep 0.3
  kill -INT "$CAPTURE_PID" 2>/dev/null || true
  wait "$CAPTURE_PID" 2>/dev/null || true
}
pings() {
  netns_in_client ping -c 2 -i 0.2 -W 2 "$NETNS_SERVER_ADDR" >/dev/null
  netns_in_client ping -6 -c 2 -i 0.2 -W 2 "$NETNS_SERVER_ADDR6" >/dev/null
}

step "Ethernet, Linux cooked v1 and v2"
capture "$DATA/ethernet.pcap" -i eth0 'icmp or (icmp6 and ip6[40] >= 128 and ip6[40] <= 129)'
pings
finish_capture
capture "$DATA/sll.pcap" -i any -y LINUX_SLL icmp
netns_in_client ping -c 2 -i 0.2 -W 2 "$NETNS_SERVER_ADDR" >/dev/null
finish_capture
capture "$DATA/sll2.pcap" -i any 'icmp6 and ip6[40] >= 128 and ip6[40] <= 129'
netns_in_client ping -6 -c 2 -i 0.2 -W 2 "$NETNS_SERVER_ADDR6" >/dev/null
finish_capture

step "a snap length shorter than the packets"
capture "$DATA/snaplen.pcap" -i eth0 -s 64 icmp
netns_in_client ping -c 1 -s 200 -W 2 "$NETNS_SERVER_ADDR" >/dev/null
finish_capture

step "ICMP among other traffic"
netns_in_client ip neigh flush dev eth0
capture "$DATA/mixed.pcap" -i eth0 'not ip6'
netns_in_client ping -c 1 -W 2 "$NETNS_SERVER_ADDR" >/dev/null
# A UDP datagram to a closed port: the server's kernel answers with ICMP
# port unreachable. A TCP connection to a closed port: a reset.
netns_in_client bash -c "echo hello >/dev/udp/$NETNS_SERVER_ADDR/9" || true
netns_in_client timeout 2 bash -c "echo >/dev/tcp/$NETNS_SERVER_ADDR/9" 2>/dev/null || true
finish_capture

step "the link types and the format tcpdump cannot write"
"$BIN/capture_tool" relink "$DATA/ethernet.pcap" "$DATA/raw.pcap" raw
"$BIN/capture_tool" relink "$DATA/ethernet.pcap" "$DATA/loopback.pcap" null
"$BIN/capture_tool" relink "$DATA/sll.pcap" "$DATA/wifi.pcap" ieee802_11
"$BIN/capture_tool" pcapng "$DATA/ethernet.pcap" "$DATA/ethernet.pcapng"
"$BIN/capture_tool" pcapng "$DATA/ethernet.pcap" "$DATA/sll.pcap" "$DATA/two-interfaces.pcapng"
size=$(stat -c %s "$DATA/ethernet.pcap")
head -c $((size - 20)) "$DATA/ethernet.pcap" >"$DATA/truncated.pcap"
stop_pong

step "what icmp-lab prints for each"
expected
finish
