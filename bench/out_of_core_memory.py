"""Peak memory and time of `nmfkit fit --solver minibatch` with X loaded against X streamed
from its file by rows (--out-of-core), on a dense .npy written here into a temporary folder
(never committed). Both fits must write the same W and H, bit for bit (the script checks).

    /usr/bin/python3 bench/out_of_core_memory.py --rows 200000 --cols 1000

Peak memory is each fit's maximum resident set size, from wait4's rusage (this script
keeps its own memory small: a child's peak includes the process it was forked from).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from peak_memory import add_fit_arguments, assert_same_factors, fit_flags, print_table, run


WRITER = """
import sys
import numpy as np
path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(rows, cols))
rng = np.random.RandomState(0)
for start in range(0, rows, 10000):
    stop = min(rows, start + 10000)
    X[start:stop] = np.abs(rng.standard_normal((stop - start, cols)))
X.flush()
"""


def write_matrix(path, rows, cols):
    """A non-negative float64 .npy, written by another process: a child's peak memory
    counts the memory of the process it was forked from, so this one stays small."""
    subprocess.run([sys.executable, "-c", WRITER, str(path), str(rows), str(cols)], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--cols", type=int, default=1000)
    add_fit_arguments(parser)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nmfkit-ooc-"))
    try:
        matrix = work / "X.npy"
        write_matrix(matrix, args.rows, args.cols)
        size_mib = matrix.stat().st_size / 2**20
        print(f"X: {args.rows} x {args.cols} float64, {size_mib:.0f} MiB on disk")
        common = [args.nmfkit, "fit", str(matrix), *fit_flags(args)]
        rows = []
        for name, extra in (("in memory", []), ("out of core", ["--out-of-core"])):
            seconds, peak = run(common + extra + ["--out", str(work / name.replace(" ", "_"))])
            rows.append((name, seconds, peak))
        assert_same_factors(work / "in_memory", work / "out_of_core")
        print_table("fit", rows)
        print("W and H are bitwise equal.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
