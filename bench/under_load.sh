#!/usr/bin/env bash
# `nmfkit fit` on a quiet machine and beside one busy low-priority process (issue 14,
# "Under load" in bench/README.md). Prints: condition, flags, wall seconds, threads used.
# usage: bench/under_load.sh NMFKIT X.mtx [REPEATS]
set -euo pipefail
bin=$1
x=$2
repeats=${3:-3}
out=$(mktemp -d)
busy=""
trap '[ -n "$busy" ] && kill "$busy" 2>/dev/null; rm -rf "$out"' EXIT

run() {  # condition, then the flags of nmfkit fit
  local condition=$1
  shift
  for _ in $(seq "$repeats"); do
    /usr/bin/time -f "%e" -o "$out/time" "$bin" fit "$x" --k 20 --seed 0 --out "$out/model" "$@" >/dev/null
    printf '%s\t%s\t%s\n' "$condition" "$*" "$(cat "$out/time")"
  done
}

all_variants() {  # condition
  for solver in cd hals; do
    run "$1" --solver "$solver" --threads 2
    run "$1" --solver "$solver" --threads 1
    run "$1" --solver "$solver"  # the default: free cores at start-up
  done
}

echo "# load before: $(cat /proc/loadavg)"
all_variants quiet
# In this shell's session: nice applies between it and nmfkit.
nice -n 19 /usr/bin/python3 -c 'while True: pass' &
busy=$!
sleep 1
all_variants busy-nice
kill "$busy"
# In a session of its own (another terminal, a cron job): the kernel's autogroups give
# each session an equal share, so nice no longer lowers it against nmfkit.
setsid nice -n 19 /usr/bin/python3 -c 'while True: pass' &
busy=$!
sleep 1
all_variants busy-other-session
echo "# load after: $(cat /proc/loadavg)"
