#!/usr/bin/env bash
# pong against malformed and unusual traffic (issue 9, "Hardening"), both
# families, in two namespaces. tests/helpers/inject builds each packet byte
# by byte and puts it on the client's veth through an AF_PACKET socket, so
# nothing in the client's stack fixes it on the way: a raw IP_HDRINCL
# socket would rewrite the total length and header checksum and refuse an
# IHL beyond the buffer (raw_send_hdrinc), and an IPv6 raw socket would not
# send a payload length that lies at all.
#
# Two parts:
#  1. Unusual but well-formed requests (a non-zero code, IP options and
#     IPv6 extension headers the kernel accepts, link-layer padding, the
#     largest datagrams) are sent once to the kernel's own echo and once to
#     pong; the replies a client captures must be the same, byte for byte
#     but for the IPv4 identification and header checksum and the IPv6 flow
#     label, which each sender picks for itself.
#  2. Malformed ones: pong answers none of them and stays up. What pong
#     sees it counts under the right reason; much never reaches it, because
#     the kernel discards the packet in ip_rcv/ipv6_rcv, in reassembly, in
#     the raw socket's ICMP type filter (an ICMP message needs its 8-byte
#     header to pass it, an ICMPv6 one its first 4 bytes) or in the raw
#     ICMPv6 socket's checksum check (RFC 3542 3.1). Then pong's counters
#     must not move and the kernel's (nstat, in the server namespace) must.
#     After each case a well-formed request is sent and pong must answer
#     it, which also proves pong has read everything sent before it.
# Every send is bounded by a count and by timeout.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

netns_create "hm$$s" "hm$$c" 10.117.0
SERVER=$NETNS_SERVER_ADDR
SERVER6=$NETNS_SERVER_ADDR6
[ -n "$SERVER6" ] || fail "this test needs a kernel with IPv6"
MAC=$(netns_in_server cat /sys/class/net/eth0/address)

# ---- packets, as hex --------------------------------------------------------

hex4() { # dotted quad -> 8 hex digits
  local a b c d
  IFS=. read -r a b c d <<<"$1"
  printf '%02x%02x%02x%02x' "$a" "$b" "$c" "$d"
}
hex6() { # RFC 4291 text (with at most one ::) -> 32 hex digits
  local head=${1%%::*} tail="" group out="" i missing
  [[ $1 == *::* ]] && tail=${1#*::}
  local -a h=() t=()
  [ -n "$head" ] && IFS=: read -ra h <<<"$head"
  [ -n "$tail" ] && IFS=: read -ra t <<<"$tail"
  missing=$((8 - ${#h[@]} - ${#t[@]}))
  for group in "${h[@]}"; do out+=$(printf '%04x' "$((16#$group))"); done
  for ((i = 0; i < missing; i++)); do out+=0000; done
  for group in "${t[@]}"; do out+=$(printf '%04x' "$((16#$group))"); done
  printf '%s' "$out"
}
C4=$(hex4 "$NETNS_CLIENT_ADDR")
S4=$(hex4 "$SERVER")
C6=$(hex6 "$NETNS_CLIENT_ADDR6")
S6=$(hex6 "$SERVER6")
[[ ${#C6} == 32 && ${#S6} == 32 ]] || fail "cannot write $NETNS_CLIENT_ADDR6 as hex"

# ip4 VERSION+IHL TOTAL-LENGTH [FLAGS+OFFSET [PROTOCOL]]: an IPv4 header from
# the client to the server, TTL 64, checksum left for inject --checksums.
ip4() { printf '%s00%04x0000%s40%s0000%s%s' "$1" "$2" "${3:-0000}" "${4:-01}" "$C4" "$S4"; }
# ip6 PAYLOAD-LENGTH NEXT-HEADER: an IPv6 header from the client to the server.
ip6() { printf '60000000%04x%02x40%s%s' "$1" "$2" "$C6" "$S6"; }
# echo4 SEQ [CODE] / echo6 SEQ [CODE]: an 8-byte Echo Request, id 0x1234,
# checksum left for inject --checksums.
echo4() { printf '08%s00001234%04x' "${2:-00}" "$1"; }
echo6() { printf '80%s00001234%04x' "${2:-00}" "$1"; }

inject() { # ARGS...: one run of the helper, bounded
  netns_in_client timeout 30 "$PONG_BIN/inject" "$@" >>"$TEST_TMP/inject.log" 2>&1 ||
    fail "inject $* failed: $(tail -1 "$TEST_TMP/inject.log")"
}
send() { inject send eth0 "$MAC" "$@"; } # [OPTIONS] HEX...

# ---- what the kernel and pong counted --------------------------------------

# kernel_counters FILE: every SNMP counter of the server namespace.
kernel_counters() { netns_in_server nstat -asz >"$1"; }
kcount() { # FILE NAME
  awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"
}
pcount() { # FILE FAMILY received|answered|dropped|REASON
  awk -v f="$2" -v w="$3" '
    index($0, "] " f ": ") { for (i = 1; i < NF; i++) if ($(i + 1) == w ",") v = $i }
    index($0, " " f " dropped " w ":") { v = $NF }
    END { print v + 0 }' "$1"
}

# A well-formed request, answered by pong, sent after each case (see above).
MARKS=0
send_marker() { # FAMILY
  MARKS=$((MARKS + 1))
  if [ "$1" = IPv4 ]; then
    send --checksums "$(ip4 45 28)" "$(printf '080000004d4b%04x' "$MARKS")"
  else
    send --checksums "$(ip6 8 58)" "$(printf '800000004d4b%04x' "$MARKS")"
  fi
}

expect_counter() { # WHAT FAMILY FIELD DELTA: pong.before -> pong.now
  local before after
  before=$(pcount "$TEST_TMP/pong.before" "$2" "$3")
  after=$(pcount "$TEST_TMP/pong.now" "$2" "$3")
  [ "$after" = $((before + $4)) ] || {
    cat "$TEST_TMP/pong.now" >&2
    fail "$1: pong's $2 $3 went from $before to $after, expected +$4"
  }
}
begin_case() {
  kernel_counters "$TEST_TMP/k.before"
  cp "$TEST_TMP/pong.now" "$TEST_TMP/pong.before"
}
# end_case WHAT FAMILY KERNEL PONG: after a case's packets were sent. KERNEL
# is "Counter=N ...", what the kernel must have counted (waited for, then
# checked exactly); PONG is "reason=N ..." or "-" (pong never saw them).
# Then the marker: pong must answer it, and apart from it pong's counters
# must have moved by exactly PONG, with nothing answered.
end_case() {
  local what=$1 family=$2 kernel=$3 pong=$4 item name n want got i seen=0
  for item in $kernel; do
    name=${item%=*}
    n=${item#*=}
    want=$(($(kcount "$TEST_TMP/k.before" "$name") + n))
    for ((i = 0; i < 50; i++)); do
      kernel_counters "$TEST_TMP/k.now"
      got=$(kcount "$TEST_TMP/k.now" "$name")
      [ "$got" -ge "$want" ] && break
      sleep 0.1
    done
    [ "$got" = "$want" ] || fail "$what: the kernel's $name went to $got, expected $want"
  done
  local answered
  answered=$(pcount "$TEST_TMP/pong.before" "$family" answered)
  send_marker "$family"
  for ((i = 0; i < 50; i++)); do
    pong_counters
    [ "$(pcount "$TEST_TMP/pong.now" "$family" answered)" -gt "$answered" ] && break
    sleep 0.1
  done
  if [ "$pong" != - ]; then
    for item in $pong; do
      expect_counter "$what" "$family" "${item%=*}" "${item#*=}"
      seen=$((seen + ${item#*=}))
    done
  fi
  expect_counter "$what" "$family" answered 1
  expect_counter "$what" "$family" received $((seen + 1))
  expect_counter "$what" "$family" dropped "$seen"
  kill -0 "$PONG_PID" 2>/dev/null || fail "$what: pong died"
  if [ "$pong" = - ]; then
    ok "$what: the kernel counted $kernel; pong never saw it, answered the next request"
  else
    ok "$what: the kernel counted $kernel; pong counted $pong, answered none but the next"
  fi
}

# ---- part 1: pong answers what the kernel answers, as the kernel does -------

# The echo replies a client sees from the server, both families, first
# fragments only (a first fragment holds the ICMP header and checksum).
REPLIES="(src host $SERVER and icmp[icmptype] == icmp-echoreply) or (src host $SERVER6 and \
((ip6[6] == 58 and ip6[40] == 129) or \
(ip6[6] == 44 and ip6[40] == 58 and (ip6[42:2] & 0xfff8) == 0 and ip6[48] == 129)))"
# capture_replies OUT COUNT: starts capturing COUNT replies (bounded to
# 10 s by start_capture); finish_replies OUT: waits, then writes one line
# per reply: its first 128 bytes in hex (the ICMP checksum in them covers
# the rest), with what each sender picks for itself masked: the IPv4
# identification and header checksum, the IPv6 flow label and fragment
# identification.
capture_replies() { start_capture "$NETNS_CLIENT" "$1.raw" -x -c "$2" -i eth0 "$REPLIES"; }
finish_replies() {
  wait "$CAPTURE_PID" || true
  awk '/^[0-9]/ { if (p != "") print p; p = "" } /^[ \t]+0x/ { for (i = 2; i <= NF; i++) p = p $i }
       END { if (p != "") print p }' "$1.raw" |
    cut -c1-256 |
    sed -E 's/^(4.{7}).{4}(.{8}).{4}/\1IDID\2CSUM/; s/^(6.{2}).{5}/\1FLOWL/
            s/^(6.{11}2c.{74}).{8}/\1FRAG_ID_/' | sort >"$1"
}

# Each is answered by the kernel; the comments say what is unusual.
ANSWERED=17
unusual_requests() {
  # RFC 792 gives Echo code 0, but Linux answers any code, and keeps it.
  send --checksums "$(ip4 45 28)" "$(echo4 1 01)"
  send --checksums "$(ip4 45 28)" "$(echo4 2 ff)"
  # An option Linux does not know (Stream ID, RFC 791, deprecated by RFC
  # 6814): accepted, not echoed.
  send --checksums "$(ip4 46 32)" 88041234 "$(echo4 3)"
  # Record Route with room for one address: the reply carries this host's.
  send --checksums "$(ip4 47 36)" 07070400000000 00 "$(echo4 4)"
  # The longest header, IHL 15: 40 bytes of No Operation; and End of
  # Options List followed by bytes that are not options (ignored).
  send --checksums "$(ip4 4f 68)" "$(printf '01%.0s' $(seq 40))" "$(echo4 16)"
  send --checksums "$(ip4 46 32)" 00ffffff "$(echo4 17)"
  # Four bytes beyond the total length: link-layer padding, trimmed.
  send --checksums "$(ip4 45 28)" "$(echo4 5)" deadbeef
  # Record Route 10 bytes long: after this host's entry the pointer (8)
  # leaves 3 bytes, too few for the next address. ip_options_compile
  # accepts it; ip_options_echo refuses it, so Linux's icmp_reply() sends
  # nothing, and pong (IP_RETOPTS comes with MSG_CTRUNC) sends nothing.
  send --checksums "$(ip4 48 40)" 070a0400000000000000 0000 "$(echo4 6)"
  # The largest datagram, 65535 bytes (65515 of ICMP), in 45 fragments.
  inject fragments eth0 "$MAC" "$NETNS_CLIENT_ADDR" "$SERVER" --icmp-bytes 65515 --seq 7
  # ICMPv6: a non-zero code, as for IPv4.
  send --checksums "$(ip6 8 58)" "$(echo6 8 01)"
  # Extension headers before ICMPv6 (RFC 8200 4): Hop-by-Hop, Destination
  # Options, both, each with a PadN option; an atomic fragment (offset 0,
  # M=0, RFC 6946); an unknown option whose type's top bits, 00, say "skip".
  send --checksums "$(ip6 16 0)" 3a000104 00000000 "$(echo6 9)"
  send --checksums "$(ip6 16 60)" 3a000104 00000000 "$(echo6 10)"
  send --checksums "$(ip6 24 0)" 3c000104 00000000 3a000104 00000000 "$(echo6 11)"
  send --checksums "$(ip6 16 44)" 3a000000 12345678 "$(echo6 12)"
  send --checksums "$(ip6 16 60)" 3a001e04 00000000 "$(echo6 13)"
  # A Routing header of type 0 with no segments left: RFC 5095 deprecates
  # type 0, but with Segments Left 0 it is skipped (RFC 8200 4.4).
  send --checksums "$(ip6 16 43)" 3a000000 00000000 "$(echo6 18)"
  # Four bytes beyond the payload length: padding, trimmed.
  send --checksums "$(ip6 8 58)" "$(echo6 14)" deadbeef
  # The largest ICMPv6 message, 65535 bytes, in 46 fragments.
  inject fragments eth0 "$MAC" "$NETNS_CLIENT_ADDR6" "$SERVER6" --icmp-bytes 65535 --seq 15
}

step "unusual but well-formed requests: pong's replies are the kernel's"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=0 net.ipv6.icmp.echo_ignore_all=0
capture_replies "$TEST_TMP/kernel" "$ANSWERED"
unusual_requests
finish_replies "$TEST_TMP/kernel"
[ "$(wc -l <"$TEST_TMP/kernel")" = "$ANSWERED" ] ||
  fail "the kernel answered $(wc -l <"$TEST_TMP/kernel") of the requests, expected $ANSWERED"
expect_no_grep "ICMP echo reply, id 4660, seq 6," "$TEST_TMP/kernel.raw" \
  "the kernel does not answer the 10-byte Record Route"
ok "the kernel answered the other $ANSWERED requests"
netns_in_server sysctl -qw net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1
start_pong
capture_replies "$TEST_TMP/pong" "$ANSWERED"
unusual_requests
finish_replies "$TEST_TMP/pong"
if ! diff -u "$TEST_TMP/kernel" "$TEST_TMP/pong"; then
  fail "pong's replies differ from the kernel's"
fi
ok "pong's $ANSWERED replies are the kernel's (codes 1 and 255 kept, options, extension headers, 65535 bytes)"
pong_counters
[ "$(pcount "$TEST_TMP/pong.now" IPv4 ip_options_not_echoable)" = 1 ] ||
  fail "the 10-byte Record Route is not counted as ip_options_not_echoable"
ok "the 10-byte Record Route, unanswered, is counted as ip_options_not_echoable"
expect_grep "\] 65511 bytes from $NETNS_CLIENT_ADDR: pid=16962, icmp_type=echo, icmp_seq=7" \
  "$PONG_LOG" "pong logged the 65535-byte IPv4 datagram (65511 bytes of echo body)"

# ---- part 2: malformed requests --------------------------------------------

step "IPv4: truncated at every length"
begin_case
for len in $(seq 0 19); do send --checksums --cut "$len" "$(ip4 45 28)" "$(echo4 20)"; done
end_case "cut to 0..19 bytes, less than an IPv4 header" IPv4 "IpInHdrErrors=20" -
begin_case
for len in $(seq 20 27); do send --checksums --cut "$len" "$(ip4 45 28)" "$(echo4 21)"; done
end_case "cut to 20..27 bytes, short of the total length 28" IPv4 "IpExtInTruncatedPkts=8" -
begin_case
request=$(echo4 22)
for k in $(seq 0 7); do send --checksums "$(ip4 45 $((20 + k)))" "${request:0:$((2 * k))}"; done
# Shorter than the 8-byte ICMP header: the raw socket's type filter
# (icmp_filter) drops what has no whole header, and icmp_rcv counts it.
end_case "an ICMP message of 0..7 bytes, total length to match" IPv4 "IcmpInErrors=8" -

step "IPv4: bad checksum, bad IHL, bad total length, bad version"
begin_case
send --ip-checksum "$(ip4 45 28)" 0800dead12340017
end_case "a bad ICMP checksum" IPv4 "IcmpInCsumErrors=1" "icmp_bad_checksum=1"
begin_case
# 12 bytes of ICMP, checksummed whole, but a total length of 28: the
# kernel trims the datagram to 28 bytes and the checksum no longer holds.
send --checksums --length 28 "$(ip4 45 32)" "$(echo4 24)" deadbeef
end_case "a total length shorter than the datagram" IPv4 "IcmpInCsumErrors=1" "icmp_bad_checksum=1"
begin_case
for ihl in 40 41 42 43 44; do send --checksums "$(ip4 "$ihl" 28)" "$(echo4 25)"; done
end_case "IHL 0..4, less than 5" IPv4 "IpInHdrErrors=5" -
begin_case
# IHL 6 and 7 make the ICMP header options (type 8, length 0: invalid);
# IHL 15 runs past the datagram.
for ihl in 46 47 4f; do send --checksums "$(ip4 "$ihl" 28)" "$(echo4 26)"; done
end_case "IHL 6, 7 and 15, past the real header" IPv4 "IpInHdrErrors=3" -
begin_case
send --checksums --length 100 "$(ip4 45 28)" "$(echo4 27)"
send --checksums --length 65535 "$(ip4 45 28)" "$(echo4 27)"
end_case "a total length of 100 and 65535 for a 28-byte datagram" IPv4 "IpExtInTruncatedPkts=2" -
begin_case
send --checksums --length 16 "$(ip4 45 28)" "$(echo4 28)"
send --checksums --length 0 "$(ip4 45 28)" "$(echo4 28)"
end_case "a total length of 16 and 0, shorter than the header" IPv4 "IpInHdrErrors=2" -
begin_case
send "$(ip4 45 28 | sed 's/^\(.\{20\}\)0000/\1dead/')" 0800e5b412340017
end_case "a bad IP header checksum" IPv4 "IpExtInCsumErrors=1" -
begin_case
send --ethertype 4 --checksums "5$(ip4 45 28 | cut -c2-)" "$(echo4 29)"
send --ethertype 4 --checksums "6$(ip4 45 28 | cut -c2-)" "$(echo4 29)"
end_case "version 5 and 6 in an IPv4 frame" IPv4 "IpInHdrErrors=2" -
begin_case
send --checksums "$(ip4 45 28 0000 3a)" "$(echo4 30)"
end_case "protocol 58 (ICMPv6) over IPv4" IPv4 "IpInUnknownProtos=1" -

step "IPv4: unknown ICMP types"
begin_case
# Type 42 is RFC 8335's Extended Echo Request, which Linux answers only
# with net.ipv4.icmp_echo_enable_probe=1 (off by default); types of 32 and
# more pass the raw socket's type filter, so pong sees them.
send --checksums "$(ip4 45 28)" 2a00000012340020
send --checksums "$(ip4 45 28)" ff00000012340020
end_case "types 42 and 255" IPv4 "IcmpMsgInType42=1 IcmpMsgInType255=1" "not_echo_request=2"
begin_case
send --checksums "$(ip4 45 28)" 1e00000012340021
send --checksums "$(ip4 45 28)" 0000000012340021
end_case "types 30 and 0 (Echo Reply), stopped by pong's type filter" IPv4 \
  "IcmpMsgInType30=1 IcmpMsgInType0=1" -

step "IPv4: options whose lengths lie"
begin_case
send --checksums "$(ip4 46 32)" 07000000 "$(echo4 40)" # length 0
send --checksums "$(ip4 46 32)" 07010000 "$(echo4 41)" # length 1
send --checksums "$(ip4 46 32)" 07080400 "$(echo4 42)" # Record Route: 8 bytes in 4
send --checksums "$(ip4 46 32)" 440c0500 "$(echo4 43)" # Timestamp: 12 bytes in 4
send --checksums "$(ip4 46 32)" 01010194 "$(echo4 44)" # Router Alert without its length
send --checksums "$(ip4 47 36)" 07070200000000 00 "$(echo4 45)" # Record Route pointer 2 < 4
# Timestamp, full (pointer past the end), its overflow count at 15: one
# more overflow does not fit in 4 bits.
send --checksums "$(ip4 47 36)" 440809f000000000 "$(echo4 46)"
end_case "7 malformed options" IPv4 "IpInHdrErrors=7" -

step "IPv4: a datagram of more than 65535 bytes (the ping of death)"
begin_case
inject fragments eth0 "$MAC" "$NETNS_CLIENT_ADDR" "$SERVER" --icmp-bytes 65516 --seq 50
end_case "65516 bytes of ICMP in 45 fragments" IPv4 "IpReasmFails=1" -

step "IPv6: truncated at every length, payload lengths that lie"
begin_case
for len in $(seq 0 39); do send --checksums --cut "$len" "$(ip6 8 58)" "$(echo6 60)"; done
end_case "cut to 0..39 bytes, less than an IPv6 header" IPv6 "Ip6InHdrErrors=40" -
begin_case
for len in $(seq 40 47); do send --checksums --cut "$len" "$(ip6 8 58)" "$(echo6 61)"; done
end_case "cut to 40..47 bytes, short of the payload length 8" IPv6 "Ip6InTruncatedPkts=8" -
begin_case
request=$(echo6 62)
for k in 0 1 2 3; do send --checksums "$(ip6 "$k" 58)" "${request:0:$((2 * k))}"; done
# The raw socket's type filter (icmpv6_filter) wants the 4-byte header.
end_case "an ICMPv6 message of 0..3 bytes" IPv6 "Icmp6InErrors=4" -
begin_case
request=$(echo6 63)
for k in 4 5 6 7; do send --checksums "$(ip6 "$k" 58)" "${request:0:$((2 * k))}"; done
# These pass the filter and the checksum; icmpv6_rcv wants 8 bytes, and so
# does pong.
end_case "an ICMPv6 message of 4..7 bytes, checksum right" IPv6 "Icmp6InErrors=4" \
  "icmp_truncated=4"
begin_case
send --checksums --length 100 "$(ip6 8 58)" "$(echo6 64)"
send --checksums --length 65535 "$(ip6 8 58)" "$(echo6 64)"
end_case "a payload length of 100 and 65535 for 8 bytes" IPv6 "Ip6InTruncatedPkts=2" -
begin_case
# 8 bytes of ICMPv6 with a payload length of 4, checksummed over those 4.
send --checksums "$(ip6 4 58)" "$(echo6 65)"
end_case "a payload length of 4 for 8 bytes" IPv6 "Icmp6InErrors=1" "icmp_truncated=1"
begin_case
# 12 bytes of ICMPv6, checksummed whole, with a payload length of 8 (the
# kernel trims; the checksum fails) and of 0.
send --checksums --length 8 "$(ip6 12 58)" "$(echo6 66)" deadbeef
send --checksums --length 0 "$(ip6 12 58)" "$(echo6 66)" deadbeef
end_case "a payload length of 8 and 0 for 12 bytes" IPv6 "Icmp6InCsumErrors=2" -

step "IPv6: bad checksum, unknown types, bad version"
begin_case
send "$(ip6 8 58)" 8000dead12340043
# The raw ICMPv6 socket verifies checksums itself (RFC 3542 3.1) and drops
# this before pong can read it.
end_case "a bad ICMPv6 checksum" IPv6 "Icmp6InCsumErrors=1" -
begin_case
send --checksums "$(ip6 8 58)" 2a00000012340044
send --checksums "$(ip6 8 58)" c800000012340044
send --checksums "$(ip6 8 58)" 8100000012340044
# pong's ICMP6_FILTER passes type 128 only.
end_case "types 42, 200 and 129 (Echo Reply)" IPv6 \
  "Icmp6InType42=1 Icmp6InType200=1 Icmp6InType129=1" -
begin_case
send --ethertype 6 --checksums "4$(ip6 8 58 | cut -c2-)" "$(echo6 45)"
end_case "version 4 in an IPv6 frame" IPv6 "Ip6InHdrErrors=1" -

step "IPv6: extension headers that lie"
begin_case
send --checksums "$(ip6 16 0)" 3a000108 00000000 "$(echo6 70)" # PadN of 8 in 6 bytes
send --checksums "$(ip6 16 0)" 3a040104 00000000 "$(echo6 71)" # header 40 bytes long, in 16
# Unknown options whose type's top bits say discard (01) and discard and
# send a Parameter Problem (10), RFC 8200 4.2.
send --checksums "$(ip6 16 60)" 3a005e04 00000000 "$(echo6 72)"
send --checksums "$(ip6 16 60)" 3a009e04 00000000 "$(echo6 73)"
end_case "4 malformed option headers" IPv6 "Ip6InHdrErrors=4" -
begin_case
# RFC 8200 4.1: Hop-by-Hop must come first; elsewhere it is an unknown
# next header.
send --checksums "$(ip6 24 60)" 00000104 00000000 3a000104 00000000 "$(echo6 74)"
end_case "Hop-by-Hop after Destination Options" IPv6 "Ip6InUnknownProtos=1" -
begin_case
# A Routing header of type 0 with a segment left: RFC 5095 3 says discard
# it and send a Parameter Problem.
send --checksums "$(ip6 32 43)" 3a020001 00000000 "$C6" "$(echo6 75)"
end_case "a type 0 Routing header with a segment left" IPv6 "Ip6InHdrErrors=1" -

step "IPv6: a message of more than 65535 bytes"
begin_case
# ip6_frag_queue refuses the fragment that ends past 65535 (and sends a
# Parameter Problem).
inject fragments eth0 "$MAC" "$NETNS_CLIENT_ADDR6" "$SERVER6" --icmp-bytes 65536 --seq 80
end_case "65536 bytes of ICMPv6 in fragments" IPv6 "Ip6InHdrErrors=1" -

step "and then: pong is up and answers iputils ping, both families"
kill -0 "$PONG_PID" 2>/dev/null || fail "pong died"
ok "pong (pid $PONG_PID) is still running"
status=$(client_ping "$TEST_TMP/after4" -c 1 "$SERVER")
expect_status 0 "$status" "ping -c 1 is answered"
status=$(client_ping "$TEST_TMP/after6" -6 -c 1 "$SERVER6")
expect_status 0 "$status" "ping -6 -c 1 is answered"
status=0
stop_pong || status=$?
expect_status 0 "$status" "pong exits 0 on SIGTERM"
expect_grep "IPv4: [0-9]+ received, [0-9]+ answered, [0-9]+ dropped, 0 send errors" "$PONG_LOG" \
  "final counters printed, no send errors"

finish
