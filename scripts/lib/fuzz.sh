# shellcheck shell=bash
# The libFuzzer harnesses of tests/fuzz (issue 9): building them and running
# them, for scripts/fuzz and scripts/test. Source scripts/lib/deps.sh first.
#
#   run_fuzzers TOTAL_SECONDS   build, then run every harness for an equal
#                               share of TOTAL_SECONDS; non-zero on a crash
#   fuzz_build                  install what is missing, configure and build
#                               build-fuzz (clang 16, ASan, UBSan, -Werror)
#   fuzz_run_harnesses SECONDS NAME...
#                               run each NAME for SECONDS; non-zero on a crash
#   fuzz_harnesses              the harness names, one a line
#
# Each harness starts from its seeds, tests/fuzz/corpus/NAME/, which it only
# reads: what it finds goes to build-fuzz/fuzz/corpus/NAME/ (kept between
# runs), so a run never changes the source tree. libFuzzer's output goes to
# build-fuzz/fuzz/logs/NAME.log, a crash's input to
# build-fuzz/fuzz/crashes/NAME/; one line per harness is printed.

# clang-16 and libFuzzer; libclang-rt-16-dev holds the runtimes that
# -fsanitize=fuzzer,address,undefined links (clang-16 only recommends it).
PONG_FUZZ_PACKAGES=(clang-16 libfuzzer-16-dev libclang-rt-16-dev)

PONG_FUZZ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PONG_FUZZ_BUILD=$PONG_FUZZ_ROOT/build-fuzz
PONG_FUZZ_WORK=$PONG_FUZZ_BUILD/fuzz

# A path as the user can type it from where they are.
_fuzz_show() {
  local path=$1
  if [ "${path#"$PWD"/}" != "$path" ]; then
    echo "${path#"$PWD"/}"
  else
    echo "$path"
  fi
}

fuzz_harnesses() {
  local source
  for source in "$PONG_FUZZ_ROOT"/tests/fuzz/fuzz_*.cpp; do
    [ -e "$source" ] || continue
    source=${source##*/}
    echo "${source%.cpp}"
  done
}

fuzz_build() {
  ensure_packages "${PONG_BUILD_PACKAGES[@]}" "${PONG_FUZZ_PACKAGES[@]}"
  mkdir -p "$PONG_FUZZ_WORK"
  local log=$PONG_FUZZ_WORK/build.log
  echo "== fuzz harnesses: building $(_fuzz_show "$PONG_FUZZ_BUILD") (clang 16, libFuzzer, ASan, UBSan)"
  if ! {
    cmake -S "$PONG_FUZZ_ROOT" -B "$PONG_FUZZ_BUILD" -DCMAKE_CXX_COMPILER=clang++-16 \
      -DPONG_FUZZ=ON -DBUILD_TESTING=OFF -DPONG_WERROR=ON &&
      cmake --build "$PONG_FUZZ_BUILD" -j"$(nproc)"
  } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "error: the fuzz build failed; its whole output is in $(_fuzz_show "$log")" >&2
    return 1
  fi
}

# An llvm-symbolizer for readable stack traces, if one is installed (llvm-16
# has one; a symlink in PATH is resolved, as the sanitizers need).
_fuzz_symbolizer() {
  local symbolizer=/usr/lib/llvm-16/bin/llvm-symbolizer
  if [ ! -x "$symbolizer" ]; then
    symbolizer=$(command -v llvm-symbolizer || true)
    [ -z "$symbolizer" ] || symbolizer=$(readlink -f "$symbolizer")
  fi
  echo "$symbolizer"
}

# The last value libFuzzer printed for `key` ("corp: 12/345b" -> 12), or "?".
_fuzz_stat() {
  local log=$1 pattern=$2
  local value
  value=$(grep -oE "$pattern" "$log" | tail -n 1 | grep -oE '[0-9]+' | head -n 1 || true)
  echo "${value:-?}"
}

# fuzz_run_one NAME SECONDS: one harness, one summary line; non-zero on a
# crash, a timeout, a leak or running out of memory.
fuzz_run_one() {
  local name=$1 seconds=$2
  local binary=$PONG_FUZZ_BUILD/bin/$name
  local seeds=$PONG_FUZZ_ROOT/tests/fuzz/corpus/$name
  local corpus=$PONG_FUZZ_WORK/corpus/$name
  local crashes=$PONG_FUZZ_WORK/crashes/$name
  local log=$PONG_FUZZ_WORK/logs/$name.log
  local dict=$PONG_FUZZ_ROOT/tests/fuzz/$name.dict
  if [ ! -x "$binary" ]; then
    echo "error: no harness $(_fuzz_show "$binary"); the harnesses are: $(fuzz_harnesses | tr '\n' ' ')" >&2
    return 2
  fi
  mkdir -p "$corpus" "$crashes" "${log%/*}"
  local args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
    -artifact_prefix="$crashes/")
  [ -f "$dict" ] && args+=(-dict="$dict")
  local dirs=("$corpus")
  [ -d "$seeds" ] && dirs+=("$seeds")

  local status=0
  ASAN_SYMBOLIZER_PATH=$(_fuzz_symbolizer) UBSAN_OPTIONS=print_stacktrace=1 \
    "$binary" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 || status=$?

  local runs speed corp
  runs=$(_fuzz_stat "$log" 'stat::number_of_executed_units: *[0-9]+')
  speed=$(_fuzz_stat "$log" 'stat::average_exec_per_sec: *[0-9]+')
  corp=$(_fuzz_stat "$log" 'corp: [0-9]+')
  if [ "$status" -eq 0 ]; then
    printf '%-20s ok     %10s runs in %ss (%s exec/s), corpus %s\n' "$name" "$runs" "$seconds" \
      "$speed" "$corp"
    return 0
  fi
  local artifact
  artifact=$(grep -oE 'Test unit written to .*' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)
  local what
  what=$(grep -m 1 -E 'runtime error:' "$log" || grep -m 1 -E '^==[0-9]+== ?ERROR' "$log" ||
    echo "see the log")
  printf '%-20s CRASH  %10s runs, exit status %s: %s\n' "$name" "$runs" "$status" "${what:0:160}"
  if [ -n "$artifact" ]; then
    echo "  the input that fails is $(_fuzz_show "$artifact"); rerun it with:" \
      "$(_fuzz_show "$binary") $(_fuzz_show "$artifact")  (libFuzzer's log: $(_fuzz_show "$log"))"
  else
    echo "  no input was saved; libFuzzer's log is $(_fuzz_show "$log")"
  fi
  return 1
}

# fuzz_run_harnesses SECONDS NAME...: every NAME, even after a crash.
fuzz_run_harnesses() {
  local seconds=$1 name failed=0
  shift
  for name in "$@"; do
    fuzz_run_one "$name" "$seconds" || failed=1
  done
  if [ "$failed" -ne 0 ]; then
    echo "fuzzing found a crash: turn each input above into a regular unit test (README, \"Fuzzing\")" >&2
  fi
  return "$failed"
}

run_fuzzers() {
  local total=${1:?usage: run_fuzzers TOTAL_SECONDS}
  local harnesses
  mapfile -t harnesses < <(fuzz_harnesses)
  if [ ${#harnesses[@]} -eq 0 ]; then
    echo "error: no harness in tests/fuzz" >&2
    return 1
  fi
  fuzz_build || return 1
  local each=$((total / ${#harnesses[@]}))
  [ "$each" -ge 1 ] || each=1
  echo "== fuzzing: ${#harnesses[@]} harnesses, ${each}s each"
  fuzz_run_harnesses "$each" "${harnesses[@]}"
}
