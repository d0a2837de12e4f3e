#!/usr/bin/env bash
# Hex given as separate words, as a student types it, is split on purpose.
# shellcheck disable=SC2086,SC2046
# icmp-lab's command line against good and bad input (issues 5 and 8): the
# RFC numbers, the captured IPv4 request in every paste format, a captured
# ping -6 with its pseudo-header checksum, and for every class
# of malformed input its one-line message and exit status 2, never a crash.
# Needs no namespace and no privilege (the CAP_NET_RAW check drops it when
# run as root), so ctest labels it "unit" too and runs it in the
# AddressSanitizer build, where a crash or a leak fails it.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

LAB=$PONG_BIN/icmp-lab
[ -x "$LAB" ] || { echo "lab_cli: $LAB is not built" >&2; exit 1; }
T=$TEST_TMP

# The checks count silently (ok without words); a failed one shows what
# icmp-lab printed.
show_lab_output() {
  echo "---- stdout" >&2; cat "$T/out" >&2
  echo "---- stderr" >&2; cat "$T/err" >&2
}
TESTLIB_ON_FAIL+=(show_lab_output)

# lab WANT_STATUS ARGS... (standard input from $T/in when it exists)
LAB_WRAPPER=()  # a command to run icmp-lab under, e.g. (unshare --net)
lab() {
  local want=$1 status=0
  shift
  if [ -e "$T/in" ]; then
    "${LAB_WRAPPER[@]}" "$LAB" "$@" <"$T/in" >"$T/out" 2>"$T/err" || status=$?
    rm -f "$T/in"
  else
    "${LAB_WRAPPER[@]}" "$LAB" "$@" </dev/null >"$T/out" 2>"$T/err" || status=$?
  fi
  LAST="icmp-lab $*"
  LAST=${LAST:0:200}
  if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:|terminate called" "$T/err"; then
    fail "$LAST: the sanitizer or the runtime complained"
  fi
  [ "$status" = "$want" ] || fail "$LAST: exit status $status, expected $want"
  ok
}
# out_has TEXT: a fixed string in standard output.
out_has() { grep -qF -- "$1" "$T/out" || fail "$LAST: no '$1' in its output"; ok; }
out_lacks() { ! grep -qF -- "$1" "$T/out" || fail "$LAST: unexpected '$1' in its output"; ok; }
# err_is MESSAGE: standard error is exactly this one line.
err_is() {
  [ "$(cat "$T/err")" = "$1" ] || fail "$LAST: stderr is not exactly: $1"
  [ ! -s "$T/out" ] || fail "$LAST: printed something on stdout besides the error"
  ok
}
input() { cat >"$T/in"; }

REQUEST="4500 0054 9210 4000 4001 aa96 7f00 0001 7f00 0001 0800 492b 5514 0001 2d08 f460 0000 0000 6c83 0d00 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637"
REPLY=${REQUEST/0800 492b/0000 512b}
TCPDUMP_X=$'12:00:00.000000 IP localhost > localhost: ICMP echo request, id 21780, seq 1, length 64
\t0x0000:  4500 0054 9210 4000 4001 aa96 7f00 0001  E..T..@.@.......
\t0x0010:  7f00 0001 0800 492b 5514 0001 2d08 f460  ......I+U...-..`
\t0x0020:  0000 0000 6c83 0d00 0000 0000 1011 1213  ....l...........
\t0x0030:  1415 1617 1819 1a1b 1c1d 1e1f 2021 2223  ............ !"#
\t0x0040:  2425 2627 2829 2a2b 2c2d 2e2f 3031 3233  $%&\'()*+,-./0123
\t0x0050:  3435 3637                                4567'
TCPDUMP_X_REPLY=${TCPDUMP_X/0800 492b/0000 512b}
TCPDUMP_X_REPLY=${TCPDUMP_X_REPLY/echo request/echo reply}
WIRESHARK='0000   00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.
0010   00 54 92 10 40 00 40 01 aa 96 7f 00 00 01 7f 00   .T..@.@.........
0020   00 01 08 00 49 2b 55 14 00 01 2d 08 f4 60 00 00   ....I+U...-..`..
0030   00 00 6c 83 0d 00 00 00 00 00 10 11 12 13 14 15   ..l.............
0040   16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25   .......... !"#$%
0050   26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35   &'"'"'()*+,-./012345
0060   36 37                                             67'
XXD='00000000: 4500 0054 9210 4000 4001 aa96 7f00 0001  E..T..@.@.......
00000010: 7f00 0001 0800 492b 5514 0001 2d08 f460  ......I+U...-..`
00000020: 0000 0000 6c83 0d00 0000 0000 1011 1213  ....l...........
00000030: 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223  ............ !"#
00000040: 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233  $%&'"'"'()*+,-./0123
00000050: 3435 3637                                4567'
TCPDUMP_XX=$'\t0x0000:  0000 0000 0000 0000 0000 0000 0800 4500
\t0x0010:  0054 9210 4000 4001 aa96 7f00 0001 7f00
\t0x0020:  0001 0800 492b 5514 0001 2d08 f460 0000
\t0x0030:  0000 6c83 0d00 0000 0000 1011 1213 1415
\t0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425
\t0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435
\t0x0060:  3637'

# A real ping -6 between two namespaces, answered by pong (the capture of
# tests/test_lab_captures.hpp): tcpdump -xx (Ethernet, EtherType 0x86dd)
# and tcpdump -X of the same request and reply.
PING6_XX=$'04:33:59.887458 IP6 fd00:172:22::2 > fd00:172:22::3: ICMP6, echo request, id 18437, seq 1, length 64
\t0x0000:  f6af b66a 5148 a696 a285 fa60 86dd 6006
\t0x0010:  1f06 0040 3a40 fd00 0172 0022 0000 0000
\t0x0020:  0000 0000 0002 fd00 0172 0022 0000 0000
\t0x0030:  0000 0000 0003 8000 41e8 4805 0001 b79f
\t0x0040:  0f6b 0000 0000 658a 0d00 0000 0000 1011
\t0x0050:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021
\t0x0060:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031
\t0x0070:  3233 3435 3637
04:33:59.887640 IP6 fd00:172:22::3 > fd00:172:22::2: ICMP6, echo reply, id 18437, seq 1, length 64
\t0x0000:  a696 a285 fa60 f6af b66a 5148 86dd 6004
\t0x0010:  f61c 0040 3a40 fd00 0172 0022 0000 0000
\t0x0020:  0000 0000 0003 fd00 0172 0022 0000 0000
\t0x0030:  0000 0000 0002 8100 40e8 4805 0001 b79f
\t0x0040:  0f6b 0000 0000 658a 0d00 0000 0000 1011
\t0x0050:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021
\t0x0060:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031
\t0x0070:  3233 3435 3637'
PING6_X=$'04:33:59.887457 IP6 fd00:172:22::2 > fd00:172:22::3: ICMP6, echo request, id 18437, seq 1, length 64
\t0x0000:  6006 1f06 0040 3a40 fd00 0172 0022 0000  `....@:@...r."..
\t0x0010:  0000 0000 0000 0002 fd00 0172 0022 0000  ...........r."..
\t0x0020:  0000 0000 0000 0003 8000 41e8 4805 0001  ..........A.H...
\t0x0030:  b79f 0f6b 0000 0000 658a 0d00 0000 0000  ...k....e.......
\t0x0040:  1011 1213 1415 1617 1819 1a1b 1c1d 1e1f  ................
\t0x0050:  2021 2223 2425 2627 2829 2a2b 2c2d 2e2f  .!"#$%&\'()*+,-./
\t0x0060:  3031 3233 3435 3637                      01234567
04:33:59.887640 IP6 fd00:172:22::3 > fd00:172:22::2: ICMP6, echo reply, id 18437, seq 1, length 64
\t0x0000:  6004 f61c 0040 3a40 fd00 0172 0022 0000  `....@:@...r."..
\t0x0010:  0000 0000 0000 0003 fd00 0172 0022 0000  ...........r."..
\t0x0020:  0000 0000 0000 0002 8100 40e8 4805 0001  ..........@.H...
\t0x0030:  b79f 0f6b 0000 0000 658a 0d00 0000 0000  ...k....e.......
\t0x0040:  1011 1213 1415 1617 1819 1a1b 1c1d 1e1f  ................
\t0x0050:  2021 2223 2425 2627 2829 2a2b 2c2d 2e2f  .!"#$%&\'()*+,-./
\t0x0060:  3031 3233 3435 3637                      01234567'
# The same request frame as Wireshark's "Copy as Hex Dump" and xxd print it.
PING6_WIRESHARK=$'0000   f6 af b6 6a 51 48 a6 96 a2 85 fa 60 86 dd 60 06   ...jQH.....`..`.
0010   1f 06 00 40 3a 40 fd 00 01 72 00 22 00 00 00 00   ...@:@...r."....
0020   00 00 00 00 00 02 fd 00 01 72 00 22 00 00 00 00   .........r."....
0030   00 00 00 00 00 03 80 00 41 e8 48 05 00 01 b7 9f   ........A.H.....
0040   0f 6b 00 00 00 00 65 8a 0d 00 00 00 00 00 10 11   .k....e.........
0050   12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21   .............. !
0060   22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31   "#$%&\'()*+,-./01
0070   32 33 34 35 36 37                                 234567'
PING6_XXD=$'00000000: f6af b66a 5148 a696 a285 fa60 86dd 6006  ...jQH.....`..`.
00000010: 1f06 0040 3a40 fd00 0172 0022 0000 0000  ...@:@...r."....
00000020: 0000 0000 0002 fd00 0172 0022 0000 0000  .........r."....
00000030: 0000 0000 0003 8000 41e8 4805 0001 b79f  ........A.H.....
00000040: 0f6b 0000 0000 658a 0d00 0000 0000 1011  .k....e.........
00000050: 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021  .............. !
00000060: 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031  "#$%&\'()*+,-./01
00000070: 3233 3435 3637                           234567'
PING6_REQUEST="6006 1f06 0040 3a40 fd00 0172 0022 0000 0000 0000 0000 0002 fd00 0172 0022 0000 0000 0000 0000 0003 8000 41e8 4805 0001 b79f 0f6b 0000 0000 658a 0d00 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637"
PING6_MESSAGE=${PING6_REQUEST:100}

# The fields of the captured request, as decode prints them.
request_fields() {
  out_has "  version           4"
  out_has "  IHL               5             x 4 = 20 bytes of header"
  out_has "  total length      84            bytes, header included"
  out_has "  identification    37392         0x9210"
  out_has "  flags             0b010         DF (don't fragment)"
  out_has "  TTL               64"
  out_has "  protocol          1             ICMP"
  out_has "  header checksum   0xaa96        valid: the header sums to 0xffff"
  out_has "  source            127.0.0.1"
  out_has "  destination       127.0.0.1"
  out_has "  code              0"
  out_has "  identifier        21780         0x5514"
  out_has "  sequence number   1             0x0001"
  out_has "data                56 bytes: binary, see below"
  out_lacks "INVALID"
}

echo "== --help: every subcommand has an example"
lab 0 --help
out_has "Examples:"
for sub in checksum decode reply craft; do
  lab 0 "$sub" --help
  out_has "Example"
  out_has "icmp-lab $sub"
done
lab 0 --version
out_has "icmp-lab "
# Each example that needs no root or pipe runs and succeeds, where the
# capture it names (ping.pcap) is a real one.
examples=0
args=()
mkdir "$T/examples"
cp "$TESTLIB_ROOT/tests/data/ethernet.pcap" "$T/examples/ping.pcap"
while IFS= read -r example; do
  eval "args=($example)"
  (cd "$T/examples" && lab 0 "${args[@]}")
  examples=$((examples + 1))
done < <(for sub in "" checksum decode reply craft; do
  "$LAB" $sub --help | sed -n 's/^  icmp-lab //p' | sed 's/  *(.*)$//' | grep -v '[|<;\\]' | grep -v sudo
done)
[ "$examples" -ge 5 ] || fail "only $examples runnable examples in --help"

echo "== checksum: RFC 1071 section 3's example gives ddf2 and 220d"
lab 0 checksum 00 01 f2 03 f4 f5 f6 f7
out_has "     4       6  f6 f7   0xf6f7  0x0002ddf0"
out_has "    0x0002ddf0 -> 0xddf0 + 0x0002 = 0xddf2"
out_has "  one's complement sum: 0xddf2"
out_has "  checksum = ~0xddf2 = 0x220d"
lab 0 checksum 0001f203f4f5f6f7
out_has "  checksum = ~0xddf2 = 0x220d"
lab 0 checksum 4500 0054 9210 4000 4001 0000 7f00 0001 7f00 0001
out_has "  checksum = ~0x5569 = 0xaa96"
lab 0 checksum 12 34 ab
out_has "ab 00*"

echo "== checksum --verify: 0 when the sum is 0xffff, 1 when not"
lab 0 checksum --verify 4500 0054 9210 4000 4001 aa96 7f00 0001 7f00 0001
out_has "  valid: with its checksum included, the data sums to 0xffff"
lab 1 checksum --verify 4500 0054 9210 4000 4001 aa97 7f00 0001 7f00 0001
out_has "  INVALID: the sum is 0x0001, not 0xffff"

echo "== checksum --update: RFC 1624 section 4's numbers"
lab 0 checksum --update dd2f 5555 3285
out_has "      ~HC  = ~0xdd2f = 0x22d0"
out_has "      ~m   = ~0x5555 = 0xaaaa"
out_has "      HC'  = ~0xffff = 0x0000"
out_has "      ~m'  = ~0x3285 = 0xcd7a"
out_has "      HC'  = 0xffff"
out_has "  they differ: eqn. 3 gives 0x0000, RFC 1141 gives 0xffff"
lab 0 checksum --update 0x492b 0x0800 0x0000
out_has "  both give 0x512b"

echo "== decode: the captured request, in every form a student pastes"
lab 0 decode $REQUEST
request_fields
out_has "  type              8             echo request"
out_has "  checksum          0x492b        valid: the message sums to 0xffff"
out_has "2021-07-18 10:53:33.885612 UTC"
printf '%s\n' "$TCPDUMP_X" | input
lab 0 decode
request_fields
out_has "packet 1: 84 bytes of a dump with offsets, from line 2"
out_has "12:00:00.000000 IP localhost > localhost: ICMP echo request"
printf '%s\n' "$WIRESHARK" | input
lab 0 decode
request_fields
out_has "link layer          Ethernet II, 14 bytes"
printf '%s\n' "$TCPDUMP_XX" | input
lab 0 decode
request_fields
out_has "link layer          Ethernet II, 14 bytes"
printf '%s\n' "$XXD" | input
lab 0 decode
request_fields

echo "== decode: checksum 512b and type 0 make it a valid reply"
lab 0 decode $REPLY
request_fields
out_has "  type              0             echo reply"
out_has "  checksum          0x512b        valid: the message sums to 0xffff"

echo "== decode: a request and its reply in one paste, one after the other"
printf '%s\n%s\n' "$TCPDUMP_X" "$TCPDUMP_X_REPLY" | input
lab 0 decode
out_has "packet 1: 84 bytes"
out_has "packet 2: 84 bytes"
out_has "  type              0             echo reply"

echo "== decode: wrong checksums are shown with the right value"
lab 0 decode ${REQUEST/aa96/aa97}
out_has "  header checksum   0xaa97        INVALID: the header sums to 0x0001, not 0xffff; the right value is 0xaa96"

echo "== reply: pong's rewrite of the captured request"
lab 0 reply $REQUEST
out_has "    request  08 00  m  = 0x0800  type 8 (echo request), code 0"
out_has "    reply    00 00  m' = 0x0000  type 0 (echo reply), code 0"
out_has "      checksum = ~0xaed4 = 0x512b"
out_has "          ~HC  = ~0x492b = 0xb6d4"
out_has "          HC'  = ~0xaed4 = 0x512b"
out_has "the recomputation and eqn. 3 agree: 0x512b; pong writes 0x512b, and the reply verifies"
out_has "  recomputed    HC' = ~(0xcd7a + 0x3285) = ~0xffff = 0x0000"
out_has "  RFC 1141      HC' = 0xdd2f + 0x5555 + ~0x3285 = 0xffff   wrong"
printf '%s\n%s\n' "$TCPDUMP_X" "$TCPDUMP_X_REPLY" | input
lab 0 reply
out_has "prediction confirmed: packet 2 in the paste, the captured reply, has exactly these ICMP bytes"
printf '%s\n%s\n' "$TCPDUMP_X" "${TCPDUMP_X_REPLY/3435 3637/3435 3638}" | input
lab 0 reply
out_has "prediction differs: packet 2, the captured reply, differs from the prediction at ICMP byte 63"

echo "== craft: its output feeds decode and reply"
"$LAB" craft --id 4660 --seq 7 --data 'hello from client' >"$T/crafted"
input <"$T/crafted"
lab 0 decode
out_has "  identifier        4660          0x1234"
out_has "  sequence number   7             0x0007"
out_has "data                17 bytes: \"hello from client\""
out_lacks "INVALID"
"$LAB" craft --id 4660 --seq 7 --bad-checksum >"$T/crafted"
grep -qF "(deliberately wrong; the right one is 0x" "$T/crafted" || fail "craft --bad-checksum says so"
input <"$T/crafted"
lab 0 decode
out_has "INVALID: the message sums to 0x0001, not 0xffff; the right value is 0x65b7"
input <"$T/crafted"
lab 2 reply
grep -qF "icmp-lab reply: pong drops this request and counts it as icmp_bad_checksum" "$T/err" ||
  fail "reply names pong's drop reason"
ok
lab 0 craft --icmp-only --hex-only --id 1 --seq 2 --data ''
[ "$(cat "$T/out")" = "0800 f7fc 0001 0002" ] || fail "craft --icmp-only --hex-only"
ok
lab 0 checksum --verify $("$LAB" craft --icmp-only --hex-only --data 'any text at all')
out_has "  valid"

echo "== IPv6: decode a real ping -6, from tcpdump -xx and -X, Wireshark and xxd, every header field"
ping6_fields() {
  out_has "IPv6 header         40 bytes, and no header checksum (RFC 8200 3)"
  out_has "  version           6"
  out_has "  traffic class     0x00          DSCP 0, ECN 0"
  out_has "  flow label        0x61f06       the sender's choice per flow (RFC 6437)"
  out_has "  payload length    64            bytes after this header"
  out_has "  next header       58            ICMPv6"
  out_has "  hop limit         64"
  out_has "  source            fd00:172:22::2  compressed (RFC 5952)"
  out_has "                    fd00:0172:0022:0000:0000:0000:0000:0002  in full (RFC 4291 2.2)"
  out_has "  destination       fd00:172:22::3  compressed (RFC 5952)"
  out_has "                    fd00:0172:0022:0000:0000:0000:0000:0003  in full (RFC 4291 2.2)"
  out_has "  type              128           echo request"
  out_has "  checksum          0x41e8        valid: with the pseudo-header, the message sums to 0xffff"
  out_has "  identifier        18437         0x4805"
  out_has "  sequence number   1             0x0001"
  out_has "  type              129           echo reply"
  out_has "  checksum          0x40e8        valid: with the pseudo-header, the message sums to 0xffff"
  out_has "  pseudo-header, source address: fd00:172:22::2"
  out_has "  pseudo-header, upper-layer packet length (32 bits): 64"
  out_has "  pseudo-header, 24 zero bits, then the next header: 58 (ICMPv6)"
  out_has "  (the pseudo-header alone: 0x0001fda7, folded 0xfda8)"
  out_has "  valid: with its checksum included, the pseudo-header and the data sum to 0xffff (RFC 1071)"
  out_lacks "INVALID"
}
printf '%s\n' "$PING6_XX" | input
lab 0 decode
ping6_fields
out_has "link layer          Ethernet II, 14 bytes: destination f6:af:b6:6a:51:48, source a6:96:a2:85:fa:60, type 0x86dd (IPv6)"
out_has "packet 2: 118 bytes of a dump with offsets, from line 11"
printf '%s\n' "$PING6_X" | input
lab 0 decode
ping6_fields
out_lacks "link layer"
lab 0 decode $PING6_REQUEST
out_has "  flow label        0x61f06"
for paste in "$PING6_WIRESHARK" "$PING6_XXD"; do
  printf '%s\n' "$paste" | input
  lab 0 decode
  out_has "type 0x86dd (IPv6)"
  out_has "  flow label        0x61f06       the sender's choice per flow (RFC 6437)"
  out_has "                    fd00:0172:0022:0000:0000:0000:0000:0003  in full (RFC 4291 2.2)"
  out_has "  checksum          0x41e8        valid: with the pseudo-header, the message sums to 0xffff"
done

echo "== IPv6: checksum with the pseudo-header, and without it"
lab 0 checksum --ipv6-src fd00:172:22::2 --ipv6-dst fd00:172:22::3 ${PING6_MESSAGE/41e8/0000}
out_has "RFC 1071 checksum of 64 bytes after the IPv6 pseudo-header (RFC 8200 8.1, RFC 4443 2.3): 52 16-bit words"
out_has "    20      38  00 3a   0x003a  0x0001fda7"
out_has "    0x0006be11 -> 0xbe11 + 0x0006 = 0xbe17"
out_has "  checksum = ~0xbe17 = 0x41e8"
lab 0 checksum --verify --ipv6-src fd00:172:22::2 --ipv6-dst fd00:172:22::3 $PING6_MESSAGE
out_has "  valid: with its checksum included, the pseudo-header and the data sum to 0xffff"
lab 1 checksum --verify $PING6_MESSAGE
out_has "  INVALID: the sum is 0x0257, not 0xffff"
# Swapped addresses: the same sum (RFC 1071 2(A)).
lab 0 checksum --verify --ipv6-src fd00:172:22::3 --ipv6-dst fd00:172:22::2 $PING6_MESSAGE
out_has "  valid"

echo "== IPv6: reply shows 128 -> 129, both checksums agree, the captured reply confirms"
printf '%s\n' "$PING6_XX" | input
lab 0 reply
out_has "    request  80 00  m  = 0x8000  type 128 (echo request), code 0"
out_has "    reply    81 00  m' = 0x8100  type 129 (echo reply), code 0"
out_has "  request  fd00:172:22::2 > fd00:172:22::3, 64 bytes, next header 58: sums to 0xfda8"
out_has "  reply    fd00:172:22::3 > fd00:172:22::2, 64 bytes, next header 58: sums to 0xfda8"
out_has "      checksum = ~0xbf17 = 0x40e8"
out_has "          HC'  = ~0xbf17 = 0x40e8"
out_has "the recomputation and eqn. 3 agree: 0x40e8; pong writes 0x40e8, and the reply verifies (with its pseudo-header it sums to 0xffff)"
out_has "prediction confirmed: packet 2 in the paste, the captured reply, has exactly these ICMPv6 bytes"

echo "== IPv6: craft -6 feeds decode, reply and checksum"
lab 0 craft -6 --id 1 --seq 1 --data hi
[ "$(cat "$T/out")" = "# ICMPv6 echo request fd00:172:22::2 > fd00:172:22::3: id 1, seq 1, 2 data bytes \"hi\", checksum 0x1a21 (correct, pseudo-header included)
6000 0000 000a 3a40 fd00 0172 0022 0000
0000 0000 0000 0002 fd00 0172 0022 0000
0000 0000 0000 0003 8000 1a21 0001 0001
6869" ] || fail "craft -6 prints the request"
ok
cp "$T/out" "$T/crafted6"
input <"$T/crafted6"
lab 0 decode
out_has "  checksum          0x1a21        valid: with the pseudo-header, the message sums to 0xffff"
out_has "data                2 bytes: \"hi\""
input <"$T/crafted6"
lab 0 reply
out_has "  the recomputation and eqn. 3 agree: 0x1921"
lab 0 craft --dst fd00::3 --src fd00::2 --ttl 7 -q
out_has "6000 0000 0019 3a07 fd00 0000 0000 0000"
lab 0 checksum --verify --ipv6-src fd00:172:22::2 --ipv6-dst fd00:172:22::3 $("$LAB" craft -6 --icmp-only --hex-only --data 'any text at all')
out_has "  valid"
"$LAB" craft -6 --seq 2 --bad-checksum >"$T/crafted6"
input <"$T/crafted6"
lab 0 decode
out_has "INVALID: with the pseudo-header, the message sums to 0x0001, not 0xffff; the right value is 0x"
input <"$T/crafted6"
lab 2 reply
grep -qF "icmp-lab reply: pong drops this request and counts it as icmp_bad_checksum: its ICMPv6 checksum is" "$T/err" ||
  fail "reply names pong's drop reason for ICMPv6"
ok

echo "== colour: only on a terminal, never with NO_COLOR, always when asked"
lab 0 checksum 00 01
out_lacks $'\033['
lab 0 --color always checksum 00 01
out_has $'\033[1m'
lab 0 decode --color always $REQUEST
out_has $'\033[32mvalid\033[0m'
if command -v script >/dev/null; then
  script -qec "$LAB checksum 00 01" /dev/null >"$T/tty" 2>&1 </dev/null || true
  grep -qF $'\033[1m' "$T/tty" || { cat "$T/tty"; fail "colour on a terminal"; }
  NO_COLOR=1 script -qec "$LAB checksum 00 01" /dev/null >"$T/tty" 2>&1 </dev/null || true
  ! grep -qF $'\033[' "$T/tty" || fail "NO_COLOR on a terminal"
  CHECKS=$((CHECKS + 2))
fi

echo "== malformed input: one sentence on stderr, exit status 2"
lab 2 checksum
err_is "icmp-lab checksum: no bytes given: try icmp-lab checksum --help"
lab 2 checksum 4500 005
err_is "icmp-lab checksum: position 6: odd number of hex digits in '005' (3): every byte needs two"
lab 2 checksum 4500 0g54
err_is "icmp-lab checksum: position 7: 'g' is not a hex digit"
lab 2 checksum 45:00
err_is "icmp-lab checksum: position 3: ':' is not a hex digit"
lab 2 checksum --update dd2f 5555 xyz
err_is "icmp-lab checksum: --update: 'xyz' is not a 16-bit hex number such as dd2f"
# shellcheck disable=SC2046
lab 2 checksum $(python3 -c 'print(" ".join(["0000"] * 35000))')
err_is "icmp-lab checksum: 70000 bytes is more than one IPv4 datagram (65535 bytes)"
: | input
lab 2 decode
err_is "icmp-lab decode: no packet found in the input: give hex bytes, a tcpdump -X or -xx dump, or a Wireshark hex dump"
lab 2 decode 4500 0054 9210 4000 4001 aa96 7f00
err_is "icmp-lab decode: truncated IPv4 header: needs 20 bytes, got 14"
lab 2 decode 4500 0054 9210 4000 4001 aa96 7f00 0001 7f00 0001 0800 492b 5514 0001
err_is "icmp-lab decode: truncated datagram: the total length field says 84 bytes, got 28 (was the capture cut short, e.g. by tcpdump -s?)"
lab 2 decode ${REQUEST/4500 0054/4400 0054}
err_is "icmp-lab decode: bad IHL 4: the header would be 4 x 4 = 16 bytes, less than the 20-byte minimum"
lab 2 decode ${REQUEST/4500 0054/4500 0010}
err_is "icmp-lab decode: bad total length 16: less than the 20-byte header"
lab 2 decode 4500 0019 9210 4000 4001 aaD1 7f00 0001 7f00 0001 0800 492b 55
err_is "icmp-lab decode: truncated ICMP header: needs 8 bytes, got 5 (total length 25 minus the 20-byte IP header)"
lab 2 decode 6000 0000 0040 3a40 fd00 0172 0022 0000 0000 0000 0000 0002 fd00
err_is "icmp-lab decode: truncated IPv6 header: needs 40 bytes, got 26"
lab 2 decode ${PING6_REQUEST:0:200}
err_is "icmp-lab decode: truncated packet: the payload length field says 64 bytes after the 40-byte header, 104 in all, got 80 (was the capture cut short, e.g. by tcpdump -s?)"
lab 2 decode ${PING6_REQUEST/6006 1f06 0040/6006 1f06 0050}
err_is "icmp-lab decode: truncated packet: the payload length field says 80 bytes after the 40-byte header, 120 in all, got 104 (was the capture cut short, e.g. by tcpdump -s?)"
lab 2 decode 0000 0000 0000 0000 0000 0000 86dd 4600 $PING6_REQUEST
err_is "icmp-lab decode: not IPv6: the version field (the first hex digit) is 4, not 6"
lab 2 decode ${PING6_REQUEST:0:100}
err_is "icmp-lab decode: truncated packet: the payload length field says 64 bytes after the 40-byte header, 104 in all, got 40 (was the capture cut short, e.g. by tcpdump -s?)"
lab 2 decode ${PING6_REQUEST/0040 3a40/0005 3a40}
grep -qF "icmp-lab decode: truncated ICMPv6 header: needs 8 bytes, got 5 (the payload length)" "$T/err" ||
  fail "a cut ICMPv6 header"
ok
lab 0 decode ${PING6_REQUEST/0040 3a40/0040 1140}
out_has "  note: next header 17 (UDP): icmp-lab decodes ICMPv6 (58) only; 64 bytes of payload"
lab 0 decode ${PING6_REQUEST/0040 3a40/0040 0040}
out_has "  note: next header 0 (IPv6 Hop-by-Hop Options): an extension header (RFC 8200 4) comes before any ICMPv6 message"
lab 2 reply ${PING6_REQUEST/0040 3a40/0040 2c40}
err_is "icmp-lab reply: this packet's next header is 44 (IPv6 Fragment header), not 58 (ICMPv6): there is no ICMPv6 message right after the IPv6 header to answer"
lab 2 checksum --ipv6-src fd00::2 8000 0000
err_is "icmp-lab checksum: --ipv6-src and --ipv6-dst go together: the pseudo-header holds both addresses"
lab 2 checksum --ipv6-src 172.22.0.2 --ipv6-dst fd00::3 8000 0000
err_is "icmp-lab checksum: --ipv6-src: '172.22.0.2' is not an IPv6 address"
lab 2 checksum --ipv6-src fd00::2 --ipv6-dst fd00::g 8000 0000
err_is "icmp-lab checksum: --ipv6-dst: 'fd00::g' is not an IPv6 address"
lab 2 checksum --ipv6-src fd00::2 --ipv6-dst fd00::3 --update dd2f 5555 3285
lab 2 craft -6 --dst 172.22.0.3
err_is "icmp-lab craft: --dst: '172.22.0.3' is not an IPv6 address"
lab 2 craft -4 --src fd00::2
err_is "icmp-lab craft: --src: 'fd00::2' is not an IPv4 address"
lab 2 craft --src 172.22.0.2 --dst fd00::3
err_is "icmp-lab craft: the source 172.22.0.2 and the destination fd00::3 are not of one family"
lab 2 craft -4 -6
lab 2 craft -6 --send 2001:db8::1
err_is "icmp-lab craft: --send only sends to loopback (::1), unique local (fc00::/7) and link-local (fe80::/10) IPv6 addresses, to keep lab packets in the lab; 2001:db8::1 is none of them"
lab 2 craft --send ::ffff:8.8.8.8
grep -qF "to keep lab packets in the lab; ::ffff:8.8.8.8 is none of them" "$T/err" || fail "a mapped address is no lab address"
ok
lab 2 craft -6 --send fe80::3
err_is "icmp-lab craft: --send fe80::3: a link-local address needs the interface it is on, e.g. fe80::3%eth0 (RFC 4007 11)"
lab 2 decode 1234 5678
err_is "icmp-lab decode: cannot find an IP header: the first byte is 0x12, neither 0x45-0x4f (IPv4) nor 0x60-0x6f (IPv6), and no Ethernet or Linux cooked header says IPv4 (type 0x0800) or IPv6 (type 0x86dd)"
lab 2 decode 4500 0054 9g10
err_is "icmp-lab decode: position 12: 'g' is not a hex digit"
printf '%s\n' "$TCPDUMP_X" | grep -v 0x0000 | input
lab 2 decode
err_is "icmp-lab decode: line 2: this dump starts at offset 0x0010, not 0: is its first line missing?"
printf '%s\n' "$TCPDUMP_X" | grep -v 0x0020 | input
lab 2 decode
err_is "icmp-lab decode: line 3: this line holds 16 bytes, but the next line's offset (0x0030) says 32: is part of the dump missing?"
printf '%s\n' "$TCPDUMP_X" | sed 's/0x0040/0x0008/' | input
lab 2 decode
err_is "icmp-lab decode: line 6: offset 0x0008 does not follow 0x0030 on the line before: are two dumps mixed up?"
printf '%s\n' "$TCPDUMP_X" | sed 's/492b/49zb/' | input
lab 2 decode
err_is "icmp-lab decode: line 3, column 28: 'z' is not a hex digit"
printf '%s\n%s\n' "$REQUEST" "" | sed '1s/^/1234\n\n/' | input
lab 2 decode
grep -qF "icmp-lab decode: packet 1: cannot find an IP header" "$T/err" || fail "the bad packet of two is named"
out_has "packet 2: 84 bytes"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '0' | input
lab 2 decode
err_is "icmp-lab decode: the input is too large: icmp-lab reads at most 16 MiB"
# Binary noise, the same every run.
python3 -c 'import random, sys; r = random.Random(5); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' | input
lab 2 decode
lab 2 reply $REPLY
err_is "icmp-lab reply: this is an ICMP echo reply (type 0), not an echo request (type 8): pong answers echo requests only and counts this as not_echo_request"
lab 2 reply 4500 0054 9210
err_is "icmp-lab reply: truncated IPv4 header: needs 20 bytes, got 6"
lab 2 craft --data-hex 123
err_is "icmp-lab craft: --data-hex: position 1: odd number of hex digits in '123' (3): every byte needs two"
lab 2 craft --checksum 12345
err_is "icmp-lab craft: --checksum: '12345' is not a 16-bit hex number such as 492b"
lab 2 craft --dst 300.1.2.3
err_is "icmp-lab craft: --dst: '300.1.2.3' is not an IPv4 or IPv6 address"
lab 2 craft --id 70000
grep -qF "70000" "$T/err" || fail "craft --id 70000 names the value"
ok
lab 2 craft --data x --data-hex 00
lab 2 craft --send 8.8.8.8
err_is "icmp-lab craft: --send only sends to loopback (127.0.0.0/8) and private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) addresses, to keep lab packets in the lab; 8.8.8.8 is neither"
# Resolved in an empty network namespace, so the lookup cannot leave the
# machine as a DNS query.
LAB_WRAPPER=(unshare --net)
lab 2 craft --send no-such-host.invalid
LAB_WRAPPER=()
grep -qF "icmp-lab craft: cannot resolve no-such-host.invalid:" "$T/err" || fail "an unknown host"
ok
lab 2 frobnicate
lab 2

echo "== decode FILE: pcap and pcapng from tests/data, told apart by their magic"
DATA=$TESTLIB_ROOT/tests/data
for name in ethernet.pcap ethernet.pcapng sll.pcap sll2.pcap raw.pcap loopback.pcap mixed.pcap \
  snaplen.pcap truncated.pcap wifi.pcap two-interfaces.pcapng; do
  want=$(sed -n 's/^exit status //p' "$DATA/$name.stderr")
  (cd "$DATA" && "$LAB" --color never decode "$name" >"$T/out" 2>"$T/err") || status=$?
  status=${status:-0}
  LAST="icmp-lab decode $name"
  [ "$status" = "$want" ] || fail "$LAST: exit status $status, expected $want"
  cmp -s "$T/out" "$DATA/$name.expected" || fail "$LAST: stdout differs from $name.expected"
  [ "$(cat "$T/err")" = "$(sed '$d' "$DATA/$name.stderr")" ] ||
    fail "$LAST: stderr differs from $name.stderr"
  unset status
  ok
done
lab 0 decode "$DATA/ethernet.pcap" --filter 'icmp6 and ip6[40] == 129'
out_has "2 ICMP or ICMPv6 packets decoded; 0 other packets skipped, neither ICMP nor ICMPv6; 6 packets left out by --filter"
out_has "packet 6: 118 bytes"
lab 2 decode "$DATA/ethernet.pcap" --filter 'icmp and and'
grep -qF "icmp-lab decode: --filter: 'icmp and and' is not a filter libpcap can compile: " "$T/err" ||
  fail "a filter that does not compile"
lab 2 decode --filter icmp $REQUEST
err_is "icmp-lab decode: --filter selects packets of a pcap or pcapng file, and none was given"
lab 2 decode "$DATA/make-captures.sh"
grep -qF "icmp-lab decode: " "$T/err" || fail "a shell script is not a dump"
# A saved tcpdump -X dump is a text file: decoded as if pasted.
printf '%s\n' "$TCPDUMP_X" >"$T/dump.txt"
lab 0 decode "$T/dump.txt"
out_has "identifier        21780"

echo "== decode --html: where the page went, and how many packets it holds"
lab 0 decode "$T/dump.txt" --html "$T/one.html"
[ -s "$T/one.html" ] || fail "$LAST: no page written"
err_line="icmp-lab decode: wrote $T/one.html (1 packet): open it in a browser"
[ "$(cat "$T/err")" = "$err_line" ] || fail "$LAST: stderr is not exactly: $err_line"
ok
lab 0 decode "$DATA/ethernet.pcap" --html "$T/eight.html"
grep -qF "wrote $T/eight.html (8 packets): open it in a browser" "$T/err" || fail "$LAST: $(cat "$T/err")"
ok

echo "== craft --pcap: a file that tcpdump and icmp-lab read back"
lab 0 craft --bad-checksum --pcap "$T/broken.pcap"
out_has "# "
lab 0 decode "$T/broken.pcap"
out_has "link type RAW (Raw IP)"
out_has "INVALID: the message sums to"
tcpdump -n -r "$T/broken.pcap" >"$T/tcpdump.txt" 2>/dev/null || fail "tcpdump -r cannot read craft's file"
grep -qF "ICMP echo request, id 4660, seq 0, length" "$T/tcpdump.txt" || fail "tcpdump read: $(cat "$T/tcpdump.txt")"
ok
"$LAB" craft -6 --pcap - >"$T/six.pcap" 2>"$T/err" || fail "craft -6 --pcap -"
[ "$(head -c 4 "$T/six.pcap" | od -An -tx1 | tr -d ' ')" = d4c3b2a1 ] ||
  fail "craft --pcap - wrote something besides the capture on standard output"
lab 0 decode "$T/six.pcap"
out_has "valid: with its checksum included, the pseudo-header and the data sum to 0xffff"
lab 2 craft --icmp-only --pcap "$T/x.pcap"
lab 2 craft --pcap /nonexistent-dir/x.pcap
grep -qF "icmp-lab craft: --pcap: /nonexistent-dir/x.pcap: " "$T/err" || fail "an unwritable --pcap"
ok

echo "== craft --send without CAP_NET_RAW: one sentence, nothing sent"
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null; then
    status=0
    setpriv --inh-caps=-net_raw --bounding-set=-net_raw "$LAB" craft --send 127.0.0.1 \
      >"$T/out" 2>"$T/err" || status=$?
    LAST="craft --send without CAP_NET_RAW"
    [ "$status" = 2 ] || fail "$LAST: exit status $status"
    err_is "icmp-lab craft: opening a raw ICMP socket needs CAP_NET_RAW: run as root, or grant it once with 'setcap cap_net_raw+ep' on the binary"
    status=0
    setpriv --inh-caps=-net_raw --bounding-set=-net_raw "$LAB" craft -6 --send ::1 \
      >"$T/out" 2>"$T/err" || status=$?
    LAST="craft -6 --send without CAP_NET_RAW"
    [ "$status" = 2 ] || fail "$LAST: exit status $status"
    err_is "icmp-lab craft: opening a raw ICMPv6 socket needs CAP_NET_RAW: run as root, or grant it once with 'setcap cap_net_raw+ep' on the binary"
  fi
else
  lab 2 craft --send 127.0.0.1
  err_is "icmp-lab craft: opening a raw ICMP socket needs CAP_NET_RAW: run as root, or grant it once with 'setcap cap_net_raw+ep' on the binary"
  lab 2 craft -6 --send ::1
  err_is "icmp-lab craft: opening a raw ICMPv6 socket needs CAP_NET_RAW: run as root, or grant it once with 'setcap cap_net_raw+ep' on the binary"
fi

echo "lab_cli: $CHECKS checks passed"
