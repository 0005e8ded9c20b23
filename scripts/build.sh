#!/usr/bin/env bash
# Installs what is missing, then configures and builds nmfkit in build/ (Release).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "nmfkit: building in build/ (the first build takes a few minutes)" >&2
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build -j"$(nproc)" >/dev/null
