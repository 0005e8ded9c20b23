#!/usr/bin/env bash
# Installs the Debian packages nmfkit needs to build and test. Idempotent:
# packages already present are left alone, so a second run does nothing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache
  libeigen3-dev libcli11-dev nlohmann-json3-dev zlib1g-dev libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev libigraph-dev libhnswlib-dev pybind11-dev libhdf5-dev
  libopenmpi-dev openmpi-bin
  clang  # libFuzzer and the sanitizers for tests/fuzz (scripts/fuzz.sh)
  python3-numpy python3-scipy python3-sklearn python3-pytest python3-gensim python3-pybind11 python3-pandas python3-h5py python3-anndata python3-torch
  python3-venv python3-pip python3-setuptools python3-wheel  # `pip install .` (tests/package/pip_install_check.py)
  python3-mpi4py
  chromium  # a headless browser renders the HTML reports in tests/cli/test_report.py
  r-cran-nmf  # ships Brunet's Golub leukaemia data (esGolub) for the consensus test
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "nmfkit: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
