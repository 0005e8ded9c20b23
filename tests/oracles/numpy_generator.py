#!/usr/bin/python3
"""Writes draws of numpy.random.default_rng(seed), the oracle of nmfkit's NumpyGenerator.

CTest runs every script in tests/oracles/ before the tests; by hand:

    /usr/bin/python3 tests/oracles/numpy_generator.py --out build/references \
        --data-dir ../shared/data

It writes --out/numpy_generator.json: for each seed, a list of calls made in turn on one
Generator, each with its kind, its arguments and NumPy's values. The calls interleave
32-bit and 64-bit draws, so that the bit generator's buffered half word is exercised, and
the normal and exponential runs are long enough to reach the ziggurats' wedges and tails.
It also holds mTopic's initialisation, default_rng(2291).gamma(100, 0.01, (5, 40)).
"""

import argparse
import json
from pathlib import Path

import numpy as np

SEEDS = [0, 1, 2291, 2**32 + 5, 12345678901234567890, 2**64 - 1]
LONG_SEEDS = {0, 2291}


def plan(long_run):
    many = 30000 if long_run else 3000
    calls = [
        ("raw", [], 5),
        ("random", [], 7),
        ("integers", [0, 10], 5),
        ("random", [], 1),
        ("integers_array", [0, 10], 6),
        ("raw", [], 1),
        ("integers", [-5, 5], 3),
        ("standard_normal", [], many),
        ("integers_array", [3, 1000], 7),
        ("standard_exponential", [], many),
        ("integers", [7, 8], 3),  # one value: no draw at all
        ("standard_gamma", [0.3], 500),
        ("integers", [0, 2**31 + 7], 5),
        ("standard_gamma", [1.0], 300),
        ("integers_array", [0, 2**31 + 7], 5),
        ("standard_gamma", [2.5], 500),
        ("integers", [-2**31, 2**31], 3),  # 2^32 values: plain 32-bit words
        ("standard_gamma", [100.0], 500),
        ("integers_array", [0, 2**32 + 1], 5),  # just past 32 bits
        ("gamma_matrix", [100.0, 0.01, 7, 11], 77),
        ("integers", [-2**40, 2**40], 7),
        ("integers_array", [-2**40, 2**40], 7),
        ("integers", [-2**63, 2**63 - 1], 3),
        ("integers_array", [5, 2**62 + 3], 9),
        ("choice", [1000, 3, 4], 12),
        ("random", [], 1),
        ("choice", [7, 1, 5], 5),
        ("choice", [2**33, 2, 2], 4),
        ("standard_gamma", [0.0], 2),
        ("permutation", [1], 1),
        ("permutation", [2], 2),
        ("permutation", [10], 10),
        ("random", [], 1),
        ("permutation", [1000], 1000),
        ("permutation_rows", [37, 3], 37),
        ("permutation_rows", [1000, 2], 1000),
        ("integers", [0, 3], 1),
    ]
    return calls


def draw(rng, kind, args, count):
    if kind == "raw":
        return [int(v) for v in rng.bit_generator.random_raw(count)]
    if kind == "random":
        return rng.random(count).tolist()
    if kind == "standard_normal":
        return rng.standard_normal(count).tolist()
    if kind == "standard_exponential":
        return rng.standard_exponential(count).tolist()
    if kind == "standard_gamma":
        return rng.standard_gamma(args[0], count).tolist()
    if kind == "gamma_matrix":
        shape, scale, rows, cols = args
        values = rng.gamma(shape, scale, (rows, cols))
        assert values.shape == (rows, cols) and values.flags.c_contiguous
        return values.ravel().tolist()
    if kind == "integers":
        return [int(rng.integers(args[0], args[1])) for _ in range(count)]
    if kind == "integers_array":
        values = rng.integers(args[0], args[1], size=count)
        assert values.dtype == np.int64
        return values.tolist()
    if kind == "choice":
        n, rows, cols = args
        values = rng.choice(n, (rows, cols))
        return values.ravel().tolist()
    if kind == "permutation":
        return rng.permutation(args[0]).tolist()
    if kind == "permutation_rows":
        rows, cols = args
        X = np.arange(rows * cols, dtype=np.float64).reshape(rows, cols)
        shuffled = rng.permutation(X, axis=0)
        order = (shuffled[:, 0] // cols).astype(np.int64)
        assert np.array_equal(shuffled, X[order])
        return order.tolist()
    raise ValueError(kind)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", type=Path)  # the common oracle interface; unused
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    streams = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        calls = [{"kind": kind, "args": call_args, "values": draw(rng, kind, call_args, count)}
                 for kind, call_args, count in plan(seed in LONG_SEEDS)]
        streams.append({"seed": seed, "calls": calls})
    # mTopic's initial topics, on a fresh generator: default_rng(2291).gamma(100, 0.01, (K, V)).
    init = np.random.default_rng(2291).gamma(100.0, 0.01, (5, 40))
    path = args.out / "numpy_generator.json"
    path.write_text(json.dumps({"numpy_version": np.__version__, "streams": streams,
                                "mtopic_init": {"seed": 2291, "shape": list(init.shape),
                                                "values": init.ravel().tolist()}}))
    print("wrote", path)


if __name__ == "__main__":
    main()
