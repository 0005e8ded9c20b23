#!/usr/bin/python3
"""Wall time of MiniBatchNMF.fit_transform, nmfkit vs scikit-learn, on the same inputs, in
one run (each fit once, after a small warm-up fit of each), checking that both give the
same n_steps_ and reconstruction_err_.

    PYTHONPATH=build/python /usr/bin/python3 bench/minibatch_vs_sklearn.py [--json FILE]

Inputs: a dense 5,000 × 400 low-rank-plus-noise matrix (k = 20, batch 1024, Frobenius
and Kullback-Leibler) and a sparse 5,000 × 5,000 matrix at 1 % density (k = 20). For
scikit-learn on OpenBLAS with the same threads: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/
openblas-pthread OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import MiniBatchNMF as SkMiniBatchNMF

import nmfkit


def cases():
    rng = np.random.RandomState(0)
    dense = rng.gamma(1.0, size=(5000, 20)) @ rng.gamma(1.0, size=(20, 400))
    dense += 0.1 * rng.rand(*dense.shape)
    sparse = sp.random(5000, 5000, density=0.01, random_state=1, format="csr")
    yield "dense 5000x400, frobenius", dense, dict(n_components=20, batch_size=1024)
    yield "dense 5000x400, kullback-leibler", dense, dict(
        n_components=20, batch_size=1024, beta_loss="kullback-leibler", init="random")
    yield "sparse 5000x5000 1%, frobenius", sparse, dict(n_components=20, batch_size=1024)


def timed(model, X):
    start = time.perf_counter()
    model.fit_transform(X)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    small = np.abs(np.random.RandomState(2).randn(200, 30))
    SkMiniBatchNMF(3, random_state=0).fit(small)
    nmfkit.MiniBatchNMF(3, random_state=0).fit(small)
    rows = []
    for name, X, params in cases():
        theirs = SkMiniBatchNMF(random_state=0, **params)
        ours = nmfkit.MiniBatchNMF(random_state=0, **params)
        t_theirs, t_ours = timed(theirs, X), timed(ours, X)
        same = (theirs.n_steps_ == ours.n_steps_ and
                abs(theirs.reconstruction_err_ - ours.reconstruction_err_)
                <= 1e-6 * theirs.reconstruction_err_)
        rows.append(dict(case=name, sklearn_s=t_theirs, nmfkit_s=t_ours,
                         speedup=t_theirs / t_ours, n_steps=ours.n_steps_, same_result=same))
        print(f"{name:36s} scikit-learn {t_theirs:7.2f} s  nmfkit {t_ours:7.2f} s  "
              f"{t_theirs / t_ours:5.2f}x  steps {ours.n_steps_}  same result: {same}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
