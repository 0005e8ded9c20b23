#!/usr/bin/python3
"""Wall time of fit_transform, nmfkit.NMF vs sklearn.decomposition.NMF, on the same inputs,
from Python, in one run (each fit once, after one small warm-up fit of each library).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_fit_transform.py [--data DIR]

Inputs: the notebook's four newsgroups as tf-idf (k=5, init='nndsvd'), all 11,314 training
posts of the 20 newsgroups as tf-idf (k=10 and k=20, default init), and a dense
2000 × 1000 low-rank-plus-noise matrix (k=20, float64 and float32). Every pair is checked
to give the same n_iter_ and reconstruction_err_.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.decomposition import NMF as SkNMF

import nmfkit
import nmfkit.text


def timed(model, X):
    start = time.perf_counter()
    model.fit_transform(X)
    return time.perf_counter() - start


def main() -> None:
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=repo.parent / "shared" / "data")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    cases = []
    archive = args.data / "20news-bydate.tar.gz"
    if archive.is_file():
        four = nmfkit.text.read_corpus(
            archive,
            categories=["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"],
            remove=("headers", "footers", "quotes"),
        )
        X4 = nmfkit.text.TfidfVectorizer(stop_words="english").fit_transform(four.data)
        cases.append(("4 newsgroups tf-idf", X4, dict(n_components=5, init="nndsvd", random_state=1)))
        everything = nmfkit.text.read_corpus(archive, remove=("headers", "footers", "quotes"))
        X20 = nmfkit.text.TfidfVectorizer(stop_words="english", min_df=2).fit_transform(everything.data)
        for k in (10, 20):
            cases.append((f"20 newsgroups tf-idf", X20, dict(n_components=k, random_state=0)))
    else:
        print(f"(no {archive}: newsgroups cases skipped)")
    rng = np.random.RandomState(0)
    dense = np.abs(rng.rand(2000, 20) @ rng.rand(20, 1000) + 0.1 * rng.randn(2000, 1000))
    cases.append(("dense float64", dense, dict(n_components=20, random_state=0)))
    cases.append(("dense float32", dense.astype(np.float32), dict(n_components=20, random_state=0)))

    # Warm-up: first calls load BLAS/OpenMP and page in code.
    small = np.abs(rng.rand(50, 30))
    SkNMF(3, random_state=0).fit_transform(small)
    nmfkit.NMF(3, random_state=0).fit_transform(small)

    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    header = f"{'input':22} {'shape':>15} {'nnz':>9} {'k':>3} {'iters':>5} {'sklearn s':>9} {'nmfkit s':>9} {'1 thread':>9} {'speed-up':>8} {'err rel diff':>12}"
    print(header)
    for name, X, params in cases:
        sk = SkNMF(**params)
        t_sk = timed(sk, X)
        ours = nmfkit.NMF(**params)
        t_ours = timed(ours, X)
        one = nmfkit.NMF(**params, n_threads=1)
        t_one = timed(one, X)
        assert ours.n_iter_ == sk.n_iter_ == one.n_iter_, (ours.n_iter_, sk.n_iter_)
        diff = abs(ours.reconstruction_err_ - sk.reconstruction_err_) / sk.reconstruction_err_
        nnz = X.nnz if hasattr(X, "nnz") else X.size
        shape = f"{X.shape[0]}x{X.shape[1]}"
        print(f"{name:22} {shape:>15} {nnz:>9} {params['n_components']:>3} {sk.n_iter_:>5} "
              f"{t_sk:9.3f} {t_ours:9.3f} {t_one:9.3f} {t_sk / t_ours:7.2f}x {diff:12.1e}")


if __name__ == "__main__":
    main()
