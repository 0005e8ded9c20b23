#!/usr/bin/python3
"""Seconds per VI iteration of the NumPy reference of mTopic's MTM (tests/oracles/
mtopic_mtm.py: one sample at a time, NumPy vectors inside, as mTopic's CPU code), on the
synthetic data bench/mtm_vi_bench.cpp times nmfkit on (the same values, drawn from the
same default_rng streams):

    /usr/bin/python3 bench/mtm_vi_bench.py [--samples 2000] [--features 2000 5000]
        [--density 0.05] [--topics 20] [--iterations 1]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "oracles"))
import mtopic_mtm as ref  # noqa: E402


def synthetic(n, features, density, topics):
    """Sparse positive reals with block structure: a sample's values are 5 times larger on
    the features of its own block. One default_rng(0) stream, C order, modality by modality."""
    rng = np.random.default_rng(0)
    out = []
    for v in features:
        u = rng.random((n, v))
        x = np.where(u < density, 1.0 + 20.0 * u, 0.0)
        own = (np.arange(n)[:, None] % topics) == (np.arange(v)[None, :] * topics // v)
        out.append(np.where(own, 5.0 * x, x))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--features", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--density", type=float, default=0.05)
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=1)
    args = parser.parse_args()
    K = args.topics
    Xs = synthetic(args.samples, args.features, args.density, K)
    seeded = np.random.default_rng(2291)
    lambdas = [seeded.gamma(100.0, 0.01, (K, X.shape[1])) for X in Xs]
    nnz = sum(int((X != 0).sum()) for X in Xs)
    print(f"{args.samples} samples, features {args.features}, {nnz} non-zeros, K = {K}")
    for it in range(args.iterations):
        start = time.perf_counter()
        exp_elog_beta = [ref.dirichlet_exp(lam) for lam in lambdas]
        gamma, sstats = ref.e_step(Xs, lambdas, alpha=1.0 / K)
        lambdas = [ref.ETA + E * s for E, s in zip(exp_elog_beta, sstats)]
        print(f"iteration {it + 1}: {time.perf_counter() - start:.3f} s")
    print("gamma[0, :4]", gamma[0, :4], "sum lambda", [float(lam.sum()) for lam in lambdas])


if __name__ == "__main__":
    main()
