#!/usr/bin/env bash
# LAB.md cannot rot (issue 5): every command in its ```sh blocks runs here,
# in order, in one shell, as a student would type them. Each block must
# succeed (the hand-out writes `|| echo "exit status $?"` where a failure
# is the point), and its output must match every `<!-- expect: ERE -->`
# line that follows the block.
#
# Only names and addresses change, so that runs cannot collide: the
# namespaces icmp-server/icmp-client become lab<pid>s/lab<pid>c, 172.22.0.x
# becomes 10.113.0.x, `sudo` is dropped (the test runs as root), the
# binaries come from $PONG_BIN and the scratch directory is the test's own.
# The IPv6 addresses (fd00:172:22::/64) stay as they are: they live only in
# the test's own namespaces, and exercise 6's captured ping carries them in
# its bytes, which no substitution could change.
# The hand-out's own cleanup block must remove the namespaces; the usual
# trap removes them anyway if a block fails.
# shellcheck source=tests/integration/testlib.sh
source "$(dirname "$0")/testlib.sh"

[ "$(id -u)" = 0 ] || { echo "lab_handout: needs root (namespaces, raw sockets)"; exit 1; }
HANDOUT="$TESTLIB_ROOT/LAB.md"
NS_SERVER="lab$$s"
NS_CLIENT="lab$$c"
PREFIX=10.113.0
WORK="$TEST_TMP/work"

# The trap of scripts/lib/netns.sh cleans up what the hand-out creates.
# shellcheck disable=SC2034  # read by netns_cleanup
NETNS_SERVER=$NS_SERVER
# shellcheck disable=SC2034
NETNS_CLIENT=$NS_CLIENT
trap netns_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

substitute() {
  sed -e 's/\bsudo //g' \
    -e "s/icmp-server/$NS_SERVER/g" -e "s/icmp-client/$NS_CLIENT/g" \
    -e "s/172\.22\.0\./$PREFIX./g" -e "s/172\\\\\.22\\\\\.0\\\\\./$PREFIX./g" \
    -e "s|\\\$PWD/build/bin|$PONG_BIN|g" -e "s|/tmp/icmp-lab|$WORK|g"
}

step "extract the sh blocks of LAB.md and what their output must show"
BLOCKS="$TEST_TMP/blocks"
mkdir -p "$BLOCKS"
awk -v dir="$BLOCKS" '
  /^```sh[[:space:]]*$/ { n++; inside = 1; last = n; file = dir "/block." n; printf "" > file; next }
  inside && /^```[[:space:]]*$/ { inside = 0; close(file); next }
  inside { print > file; next }
  /^<!-- expect: .* -->[[:space:]]*$/ && last {
    line = $0
    sub(/^<!-- expect: /, "", line)
    sub(/ -->[[:space:]]*$/, "", line)
    print line > (dir "/expect." last)
    next
  }
  /^[[:space:]]*$/ { next }
  /^<!--/ { next }
  { last = 0 }
' "$HANDOUT"
count=$(find "$BLOCKS" -name 'block.*' | wc -l)
[ "$count" -ge 10 ] || fail "found only $count sh blocks in LAB.md"
ok "$count sh blocks"
expects=$(cat "$BLOCKS"/expect.* | wc -l)
ok "$expects expected lines"
for ((i = 1; i <= count; i++)); do
  substitute <"$BLOCKS/block.$i" >"$BLOCKS/run.$i"
  [ -f "$BLOCKS/expect.$i" ] && substitute <"$BLOCKS/expect.$i" >"$BLOCKS/want.$i"
  # (PONG_BIN itself may well end in build/bin: it is masked first.)
  if sed "s|$PONG_BIN|PONG_BIN|g" "$BLOCKS/run.$i" |
    grep -nE 'sudo |icmp-(server|client)|172\.22\.|/tmp/icmp-lab|build/bin'; then
    fail "block $i: left something the test cannot run in its own namespaces"
  fi
done
ok "every block rewritten for namespaces $NS_SERVER/$NS_CLIENT and $PREFIX.0/24"

step "run the blocks in order, in one shell"
DRIVER="$TEST_TMP/driver.sh"
{
  echo 'set -euo pipefail'
  printf 'cd %q\n' "$TESTLIB_ROOT"
  for ((i = 1; i <= count; i++)); do
    printf 'echo %q >%q\n' "$i" "$BLOCKS/started"
    printf 'source %q >%q 2>&1\n' "$BLOCKS/run.$i" "$BLOCKS/out.$i"
  done
  printf 'echo done >%q\n' "$BLOCKS/started"
} >"$DRIVER"
status=0
timeout 240 bash "$DRIVER" </dev/null || status=$?
if [ "$(cat "$BLOCKS/started")" != "done" ]; then
  i=$(cat "$BLOCKS/started")
  echo "---- block $i of LAB.md, as run ----" >&2
  cat "$BLOCKS/run.$i" >&2
  echo "---- its output ----" >&2
  cat "$BLOCKS/out.$i" >&2
  fail "block $i of LAB.md failed (exit status $status)"
fi
ok "all $count blocks ran and succeeded"

step "each block's output shows what the hand-out says it shows"
for ((i = 1; i <= count; i++)); do
  [ -f "$BLOCKS/want.$i" ] || continue
  while IFS= read -r pattern; do
    grep -qE -- "$pattern" "$BLOCKS/out.$i" || {
      echo "---- block $i ----" >&2
      cat "$BLOCKS/run.$i" >&2
      echo "---- its output ----" >&2
      cat "$BLOCKS/out.$i" >&2
      fail "block $i: no line matching /$pattern/"
    }
    ok "block $i: $pattern"
  done <"$BLOCKS/want.$i"
done

step "the hand-out's cleanup removed its namespaces"
for ns in "$NS_SERVER" "$NS_CLIENT"; do
  if ip netns list | grep -qw "$ns"; then fail "namespace $ns is still there"; fi
done
ok "no namespace left"

finish
