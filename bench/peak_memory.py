"""What the out-of-core memory benches share (out_of_core_memory.py,
out_of_core_corpus_memory.py): a command's wall time and peak resident memory, the
mini-batch fit's flags, the check that two fits wrote the same factors, and the table."""

import os
import subprocess
import time
from pathlib import Path

import numpy as np


def run(command):
    """Runs a command; returns (seconds, peak resident memory in MiB, from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def add_fit_arguments(parser):
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--max-iter", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nmfkit", default=str(Path(__file__).resolve().parent.parent /
                                                "build" / "nmfkit"))


def fit_flags(args):
    """`nmfkit fit`'s flags for the mini-batch fit both ways run."""
    return ["--k", str(args.k), "--solver", "minibatch", "--init", "random", "--seed", "0",
            "--batch-size", str(args.batch_size), "--max-iter", str(args.max_iter),
            "--threads", str(args.threads)]


def assert_same_factors(first, second):
    for name in ("W.npy", "H.npy"):
        assert np.array_equal(np.load(Path(first) / name), np.load(Path(second) / name)), \
            f"{name} differs between {first} and {second}"


def print_table(step, rows):
    print(f"| {step} | wall s | peak RSS MiB |")
    print("|---|---:|---:|")
    for name, seconds, peak in rows:
        print(f"| {name} | {seconds:.1f} | {peak:.0f} |")
