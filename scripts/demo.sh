#!/usr/bin/env bash
# The main job on a default input: builds nmfkit (installing what is missing), gathers the
# descriptions of every package apt knows as a corpus labelled by Debian section, and
# topic-models it with NMF: 20 topics, their top words, coherence and agreement with the
# sections. Extra arguments go to `nmfkit topics` (e.g. --k 30; see `build/nmfkit topics
# --help`). The topic model is written to build/demo/debian-topics.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
mkdir -p build/demo
examples/debian_packages_corpus.sh build/demo/debian-packages.tsv
exec build/nmfkit topics build/demo/debian-packages.tsv --k 20 --seed 1 --top 8 \
  --out build/demo/debian-topics "$@"
