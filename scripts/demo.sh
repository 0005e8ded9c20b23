#!/usr/bin/env bash
# The main job on a default input: builds nmfkit (installing what is missing) and runs
# `nmfkit demo`, which factorises scikit-learn's handwritten digits and draws the parts.
# Extra arguments go to `nmfkit demo` (see `build/nmfkit demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec build/nmfkit demo "$@"
