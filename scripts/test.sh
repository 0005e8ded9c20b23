#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test through
# CTest (GoogleTest units, scikit-learn parity, command-line tests).
#
#   scripts/test.sh --sanitize [CTEST ARGS]
# builds the library and the C++ tests with AddressSanitizer and UndefinedBehaviorSanitizer
# in build-sanitize/ (no Python module, no MPI) and runs the C++ tests there: a memory
# error, a leak or undefined behaviour fails the test that ran into it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  shift
  scripts/install-deps.sh
  if [ ! -f build-sanitize/CMakeCache.txt ]; then
    cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNMFKIT_SANITIZE=ON \
      -DNMFKIT_BUILD_PYTHON=OFF -DNMFKIT_BUILD_CLI=OFF -DNMFKIT_WITH_MPI=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  fi
  cmake --build build-sanitize --target nmfkit_tests -j"$(nproc)" >/dev/null
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
  # The C++ units and their oracle fixtures; the parity, CLI and package tests need the
  # programs this build leaves out. ResourceLimits.AddressSpaceLimitCounts sets ulimit -v,
  # which AddressSanitizer cannot run under (its shadow memory reserves terabytes of address
  # space); the normal build runs it.
  exec ctest --test-dir build-sanitize --output-on-failure -j"$(nproc)" \
    -E '^(sklearn_parity|fuzz_short|package_.*|ResourceLimits\.AddressSpaceLimitCounts)$' "$@"
fi
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
