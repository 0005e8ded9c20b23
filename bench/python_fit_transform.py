#!/usr/bin/python3
"""Wall time of fit_transform, nmfkit.NMF vs sklearn.decomposition.NMF, on the same inputs,
from Python, in one run (each fit once, after one small warm-up fit of each library).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_fit_transform.py [--data DIR]
        [--only TEXT] [--json FILE]

Inputs: the first 500 training posts of the 20 newsgroups as tf-idf (k=20, default init),
the notebook's four newsgroups as tf-idf (k=5, init='nndsvd'), all 11,314 training
posts as tf-idf (k=10 and k=20, default init), and a dense 2000 × 1000 low-rank-plus-noise
matrix (k=20, float64 and float32). Every pair is checked to give the same n_iter_ and
reconstruction_err_. --only keeps the cases whose name contains TEXT; --json also writes the
figures and the BLAS scikit-learn ran on (threadpoolctl) to FILE.

scikit-learn runs on whatever BLAS NumPy loads; for OpenBLAS with 2 threads, as users have
it: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=2
OMP_NUM_THREADS=2 (what bench/compare.py --goals does).
"""

from __future__ import annotations

import argparse
import json
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
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    archive = args.data / "20news-bydate.tar.gz"
    corpus = {}

    def training(**options):
        key = tuple(sorted((name, str(value)) for name, value in options.items()))
        if key not in corpus:
            corpus[key] = nmfkit.text.read_corpus(archive, **options)
        return corpus[key]

    def first_500():
        posts = training(remove=("headers", "footers", "quotes")).data[:500]
        return nmfkit.text.TfidfVectorizer(stop_words="english").fit_transform(posts)

    def four_groups():
        four = training(categories=["alt.atheism", "talk.religion.misc", "comp.graphics",
                                    "sci.space"], remove=("headers", "footers", "quotes"))
        return nmfkit.text.TfidfVectorizer(stop_words="english").fit_transform(four.data)

    everything = {}

    def all_training():
        if "X" not in everything:
            posts = training(remove=("headers", "footers", "quotes")).data
            everything["X"] = nmfkit.text.TfidfVectorizer(stop_words="english",
                                                          min_df=2).fit_transform(posts)
        return everything["X"]

    rng = np.random.RandomState(0)
    dense = np.abs(rng.rand(2000, 20) @ rng.rand(20, 1000) + 0.1 * rng.randn(2000, 1000))
    cases = []
    if archive.is_file():
        cases.append(("20 newsgroups, first 500 documents tf-idf", first_500,
                      dict(n_components=20, random_state=0)))
        cases.append(("4 newsgroups tf-idf", four_groups,
                      dict(n_components=5, init="nndsvd", random_state=1)))
        for k in (10, 20):
            cases.append(("20 newsgroups tf-idf", all_training,
                          dict(n_components=k, random_state=0)))
    else:
        print(f"(no {archive}: newsgroups cases skipped)")
    cases.append(("dense float64", lambda: dense, dict(n_components=20, random_state=0)))
    cases.append(("dense float32", lambda: dense.astype(np.float32),
                  dict(n_components=20, random_state=0)))
    cases = [case for case in cases if args.only in case[0]]
    if not cases:
        raise SystemExit(f"python_fit_transform: no case matches --only '{args.only}'")

    # Warm-up: first calls load BLAS/OpenMP and page in code.
    small = np.abs(rng.rand(50, 30))
    SkNMF(3, random_state=0).fit_transform(small)
    nmfkit.NMF(3, random_state=0).fit_transform(small)

    blas = blas_in_use()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, "
          f"BLAS: {', '.join(f'{b[0]} ({b[1]}, {b[2]} threads)' for b in blas) or 'unknown'}")
    results = []
    header = f"{'input':42} {'shape':>15} {'nnz':>9} {'k':>3} {'iters':>5} {'sklearn s':>9} {'nmfkit s':>9} {'1 thread':>9} {'speed-up':>8} {'err rel diff':>12}"
    print(header)
    for name, build, params in cases:
        X = build()
        sk = SkNMF(**params)
        t_sk = timed(sk, X)
        ours = nmfkit.NMF(**params)
        t_ours = timed(ours, X)
        one = nmfkit.NMF(**params, n_threads=1)
        t_one = timed(one, X)
        # nmfkit follows scikit-learn step by step on the reference BLAS; on OpenBLAS the
        # start's rounding differs and n_iter may too, which the output then shows.
        iters = (f"{sk.n_iter_}" if ours.n_iter_ == sk.n_iter_ == one.n_iter_
                 else f"{sk.n_iter_}/{ours.n_iter_}")
        diff = abs(ours.reconstruction_err_ - sk.reconstruction_err_) / sk.reconstruction_err_
        nnz = X.nnz if hasattr(X, "nnz") else X.size
        shape = f"{X.shape[0]}x{X.shape[1]}"
        print(f"{name:42} {shape:>15} {nnz:>9} {params['n_components']:>3} {iters:>5} "
              f"{t_sk:9.3f} {t_ours:9.3f} {t_one:9.3f} {t_sk / t_ours:7.2f}x {diff:12.1e}")
        results.append({"input": name, "shape": list(X.shape), "nnz": int(nnz),
                        "k": params["n_components"], "n_iter": int(sk.n_iter_),
                        "nmfkit_n_iter": int(ours.n_iter_),
                        "sklearn_s": t_sk, "nmfkit_s": t_ours, "nmfkit_1_thread_s": t_one,
                        "err_rel_diff": diff})
    if args.json:
        args.json.write_text(json.dumps({"blas": [list(b) for b in blas], "cases": results},
                                        indent=1))


def blas_in_use():
    """(library, path, threads) of each BLAS this process loaded; the reference BLAS has no
    thread pool, so threadpoolctl does not list it and /proc/self/maps names it instead."""
    try:
        from threadpoolctl import threadpool_info
        found = [(i["internal_api"], i["filepath"], i["num_threads"])
                 for i in threadpool_info() if i["user_api"] == "blas"]
    except ImportError:
        found = []
    if not found:
        maps = Path("/proc/self/maps").read_text().splitlines()
        found = [("reference?", p, 1) for p in sorted({l.split()[-1] for l in maps
                                                       if "libblas" in l})]
    return found


if __name__ == "__main__":
    main()
