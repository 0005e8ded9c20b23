"""Runs scikit-learn's NMF on one matrix and prints, as JSON, the objective after every
iteration with the time it was reached (the time spent measuring is left out), and the BLAS
NumPy and SciPy loaded (threadpoolctl), so a run says which one it was timed on.

Usage: sklearn_nmf.py MATRIX --k K --solver cd|mu [--beta-loss B] [--max-iter N] [--tol T]
                      [--no-history] [--save-factors DIR]

--no-history times a plain fit_transform (no per-iteration hooks); --save-factors writes
W.npy and H.npy so that the caller can evaluate the loss itself.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import NMF
from sklearn.decomposition import _nmf


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    return sp.csr_matrix(scipy.io.mmread(path))


class Clock:
    """Wall time with pauses: the objective is measured outside the timed work."""

    def __init__(self):
        self.start = time.perf_counter()
        self.paused = 0.0

    def now(self):
        return time.perf_counter() - self.start - self.paused

    def pause(self):
        return time.perf_counter()

    def resume(self, since):
        self.paused += time.perf_counter() - since


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("matrix")
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--solver", choices=["cd", "mu"], required=True)
    parser.add_argument("--beta-loss", type=float, default=2.0)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--tol", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-history", action="store_true")
    parser.add_argument("--save-factors", default="")
    args = parser.parse_args()

    X = load(args.matrix)
    x_norm = np.sqrt(X.multiply(X).sum() if sp.issparse(X) else np.square(X).sum())
    history = []
    clock = None

    def record(W, H):
        paused = clock.pause()
        divergence = _nmf._beta_divergence(X, W, H, args.beta_loss)
        history.append((clock.now(), float(np.sqrt(2 * divergence))))
        clock.resume(paused)

    original_cd = _nmf._update_coordinate_descent
    original_mu_h = _nmf._multiplicative_update_h
    calls = [0]

    def cd_step(X_, W_, Ht_, *rest):
        violation = original_cd(X_, W_, Ht_, *rest)
        calls[0] += 1
        if calls[0] % 2 == 0:  # the H half-step: X_ is Xᵀ, W_ is Hᵀ, Ht_ is W
            record(Ht_, W_.T)
        return violation

    def mu_h_step(X_, W_, H_, *rest, **kwargs):
        H_new = original_mu_h(X_, W_, H_, *rest, **kwargs)
        record(W_, H_new)
        return H_new

    if not args.no_history:
        _nmf._update_coordinate_descent = cd_step
        _nmf._multiplicative_update_h = mu_h_step
    model = NMF(n_components=args.k, solver=args.solver, beta_loss=args.beta_loss,
                max_iter=args.max_iter, tol=args.tol, random_state=args.seed,
                init="nndsvda")
    clock = Clock()
    W = model.fit_transform(X)
    total = clock.now()
    final = float(np.sqrt(2 * _nmf._beta_divergence(X, W, model.components_, args.beta_loss)))
    if args.save_factors:
        folder = Path(args.save_factors)
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "W.npy", W)
        np.save(folder / "H.npy", model.components_)
    print(json.dumps({"seconds": total, "n_iter": int(model.n_iter_), "error": final,
                      "x_norm": float(x_norm), "history": history, "blas": blas_in_use(),
                      "sklearn_version": sklearn.__version__, "numpy_version": np.__version__}))


def blas_in_use():
    """The BLAS libraries loaded in this process, as threadpoolctl sees them."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed"}]
    found = [{key: info.get(key) for key in ("internal_api", "filepath", "version",
                                              "threading_layer", "num_threads")}
             for info in threadpool_info() if info.get("user_api") == "blas"]
    # The reference BLAS has no thread pool, so threadpoolctl does not list it: name the
    # libblas this process mapped instead.
    if not found:
        maps = Path("/proc/self/maps").read_text().split("\n")
        paths = sorted({line.split()[-1] for line in maps if "libblas" in line})
        found = [{"internal_api": "reference (no thread pool)", "filepath": p} for p in paths]
    return found


if __name__ == "__main__":
    main()
