#!/usr/bin/env bash
# Installs what bench/compare.py needs beyond the test dependencies, from Debian: RcppML for
# R, and OpenBLAS (pthreads build) for scikit-learn as its users have it; and mpi4py for
# bench/mpi_scaling.py's collective timings. Idempotent.
#
# Installing OpenBLAS would make it the machine's libblas.so.3 / liblapack.so.3 (it has the
# higher alternatives priority), and so move the tests' scikit-learn oracles off the BLAS
# they were computed on. The script puts both alternatives back where they were; compare.py
# points only its scikit-learn child at OpenBLAS (LD_LIBRARY_PATH), checks with threadpoolctl
# that NumPy loaded it, and records it with the results.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

missing=()
for p in r-cran-rcppml libopenblas0-pthread python3-mpi4py; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
alternatives=(libblas.so.3-x86_64-linux-gnu liblapack.so.3-x86_64-linux-gnu)
declare -A before
for a in "${alternatives[@]}"; do
  before[$a]=$(update-alternatives --query "$a" 2>/dev/null | sed -n 's/^Value: //p')
done
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for a in "${alternatives[@]}"; do
  if [ -n "${before[$a]}" ]; then
    "${sudo_cmd[@]}" update-alternatives --quiet --set "$a" "${before[$a]}"
  fi
done
