#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs every test through
# CTest (GoogleTest units, scikit-learn parity, command-line tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
