#!/usr/bin/env bash
# Installs what is missing, then configures and builds nmfkit in build/ (Release).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "nmfkit: building in build/ (the first build takes a few minutes)" >&2
if [ ! -f build/CMakeCache.txt ]; then
  # ccache keeps compiled objects between clones and builds (CI builds a fresh clone).
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
cmake --build build -j"$(nproc)" >/dev/null
