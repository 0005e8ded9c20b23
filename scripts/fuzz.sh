#!/usr/bin/env bash
# Fuzzes every reader with libFuzzer (tests/fuzz/): builds the targets with clang in
# build-fuzz/ against the main build's library (scripts/build.sh first), writes the seed
# corpus, then runs each target for SECONDS seconds, keeping what it learns in
# build-fuzz/corpus/ for the next run. A finding stops its target and leaves the input
# in build-fuzz/findings/TARGET/; the script then exits 1.
#
#   scripts/fuzz.sh                 # 60 s per target
#   scripts/fuzz.sh 3600 fuzz_npy   # an hour on one target
#
# The short run in the test suite (ctest -R fuzz_short) gives each target 5 s.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=$(realpath -m "${NMFKIT_BUILD_DIR:-build}")
fuzz=$(realpath -m "${NMFKIT_FUZZ_DIR:-build-fuzz}")
cxx=${NMFKIT_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}
if [ -z "$cxx" ]; then
  echo "fuzz: clang++ not found (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
if [ ! -f "$build/libnmfkit.a" ]; then
  echo "fuzz: $build/libnmfkit.a not found; run scripts/build.sh first" >&2
  exit 2
fi
if [ ! -f "$fuzz/CMakeCache.txt" ]; then
  cmake -S tests/fuzz -B "$fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="${cxx/++/}" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" \
    -DNMFKIT_LIBRARY="$build/libnmfkit.a" -DNMFKIT_GENERATED_DIR="$build/generated" \
    >/dev/null
fi
cmake --build "$fuzz" -j"$(nproc)" >/dev/null
/usr/bin/python3 tests/fuzz/make_seeds.py "$fuzz/seeds" "$build/references" 2>/dev/null ||
  /usr/bin/python3 tests/fuzz/make_seeds.py "$fuzz/seeds"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi
status=0
for target in "${targets[@]}"; do
  mkdir -p "$fuzz/corpus/$target" "$fuzz/findings/$target" "$fuzz/seeds/$target"
  log="$fuzz/findings/$target/last-run.log"
  # -rss_limit_mb / -malloc_limit_mb: an allocation sized by the input and not checked
  # against the machine is a finding too. ASan's own leak check is off: a reader that
  # throws mid-way frees through destructors, and libFuzzer reports leaks per input.
  # NMFKIT_MEMORY_LIMIT_MB: the readers check sizes against what the fuzzer allows, not the
  # machine, so that a size the machine could hold but the fuzzer cannot is not a finding.
  if NMFKIT_MEMORY_LIMIT_MB=1900 ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
     "$fuzz/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 \
       -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$fuzz/findings/$target/" \
       "$fuzz/corpus/$target" "$fuzz/seeds/$target" >"$log" 2>&1; then
    runs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
    echo "fuzz: $target: $runs inputs in $seconds s, no finding"
  else
    echo "fuzz: $target: FINDING, see $log and $fuzz/findings/$target/" >&2
    grep -m3 -E 'ERROR|SUMMARY|terminate|uncaught' "$log" >&2 || true
    status=1
  fi
done
exit $status
