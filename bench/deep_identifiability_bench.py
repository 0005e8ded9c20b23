"""Deep NMF fine-tuning and the SSC check against NumPy implementations (issue 17).

1. Deep NMF: `nmfkit fit --model deep` runs the pre-training and then N fine-tuning sweeps
   (Trigeorgis et al.'s multiplicative updates, one thread); the same sweeps in NumPy
   (below, `numpy_sweep`) start from nmfkit's final layers. The fine-tuning time is the last
   entry of model.json's history seconds (pre-training excluded); the objective nmfkit
   reached and the NumPy run's after its further sweeps are printed.
2. SSC: nmfkit.check_ssc (double description) against a brute-force NumPy enumeration of
   every vertex of {F x >= 0, sum(x) = 1} (every k-1 subset of rows made tight, solved in
   batches), for small k and N; then check_ssc alone at sizes brute force cannot reach.

Run from the repository root after building (nmfkit binary and Python module in build/):
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=build/python /usr/bin/python3 bench/deep_identifiability_bench.py
"""

import itertools
import json
import os
import subprocess
import tempfile
import time

import numpy as np

import nmfkit

BIN = os.environ.get("NMFKIT_BIN", "build/nmfkit")
EPS = np.float32(1.1920928955078125e-07).item()  # nmfkit's MU floor for a zero denominator


def numpy_sweep(X, W, Hs):
    """One fine-tuning sweep as nmfkit orders it: W_L, then H_1 ... H_L."""
    H = Hs[0]
    for F in Hs[1:]:
        H = F @ H
    W = W * (X @ H.T) / np.maximum(W @ (H @ H.T), EPS)
    C = X.T @ W
    G = W.T @ W
    L = len(Hs)
    S = [None] * L
    S[L - 1] = np.eye(Hs[L - 1].shape[0])
    for i in range(L - 2, -1, -1):
        S[i] = S[i + 1] @ Hs[i + 1]
    Hs = [F.copy() for F in Hs]
    for i in range(L):
        left = S[i].T @ G @ S[i]
        if i == 0:
            num, den = (C @ S[0]).T, left @ Hs[0]
        else:
            num, den = (RC @ S[i]).T, left @ Hs[i] @ RRt
        Hs[i] *= num / np.maximum(den, EPS)
        if i == 0:
            RC, RRt = Hs[0] @ C, Hs[0] @ Hs[0].T
        else:
            RC, RRt = Hs[i] @ RC, Hs[i] @ RRt @ Hs[i].T
    return W, Hs


def load_layers(folder, L):
    W = np.load(os.path.join(folder, "W.npy"))
    Hs = [np.load(os.path.join(folder, f"H_{i + 1}.npy")) for i in range(L)]
    return W, Hs


def fit(X_path, ranks, iterations, out):
    subprocess.run([BIN, "fit", X_path, "--model", "deep", "--k", ",".join(map(str, ranks)),
                    "--tol", "0", "--max-iter", str(iterations), "--seed", "0", "--threads", "1",
                    "--out", out], check=True, capture_output=True)
    with open(os.path.join(out, "model.json")) as f:
        return json.load(f)


def bench_deep(m, n, ranks, iterations, work):
    rng = np.random.RandomState(0)
    X = rng.rand(m, ranks[0]) @ rng.rand(ranks[0], n) + 0.1 * rng.rand(m, n)
    X_path = os.path.join(work, f"X_{m}.npy")
    np.save(X_path, X)
    model = fit(X_path, ranks, iterations, os.path.join(work, f"deep_{m}"))
    cpp = model["history"]["seconds"][-1]
    W, Hs = load_layers(os.path.join(work, f"deep_{m}"), len(ranks))
    start = time.perf_counter()
    for _ in range(iterations):
        W, Hs = numpy_sweep(X, W, Hs)
    numpy_seconds = time.perf_counter() - start
    H = Hs[0]
    for F in Hs[1:]:
        H = F @ H
    numpy_objective = 0.5 * np.linalg.norm(X - W @ H) ** 2
    print(f"deep {m}x{n} ranks {','.join(map(str, ranks))}: {iterations} fine-tuning sweeps "
          f"nmfkit {cpp:.3f} s, NumPy {numpy_seconds:.3f} s ({numpy_seconds / cpp:.1f}x); "
          f"objective after nmfkit's sweeps {model['history']['objective'][-1]:.6g}, after "
          f"{iterations} more NumPy sweeps {numpy_objective:.6g}")


def brute_force(F):
    """max ||x||² over {F x >= 0, sum(x) = 1}: every k-1 subset of rows tight, in batches."""
    N, k = F.shape
    best = -np.inf
    combos = np.array(list(itertools.combinations(range(N), k - 1)))
    for start in range(0, len(combos), 20000):
        rows = combos[start:start + 20000]
        M = np.concatenate([F[rows], np.ones((len(rows), 1, k))], axis=1)
        ok = np.abs(np.linalg.det(M)) > 1e-12
        x = np.linalg.solve(M[ok], np.broadcast_to(np.eye(k)[-1], (ok.sum(), k))[..., None])[..., 0]
        feasible = (np.einsum("nk,ck->cn", F, x) >= -1e-12).all(axis=1)
        if feasible.any():
            best = max(best, (x[feasible] ** 2).sum(axis=1).max())
    return best, len(combos)


def bench_ssc():
    for k, N in [(3, 40), (4, 40), (5, 40), (6, 30)]:
        rng = np.random.RandomState(k)
        F = rng.rand(N, k) ** 3  # near the faces, no exact anchors: a full enumeration
        start = time.perf_counter()
        report = nmfkit.check_ssc(F)
        cpp = time.perf_counter() - start
        start = time.perf_counter()
        best, combos = brute_force(F)
        brute = time.perf_counter() - start
        print(f"ssc k={k} N={N} (rows u^3): nmfkit {report['verdict']} max {report['max_norm']:.6f} in "
              f"{cpp * 1e3:.2f} ms; brute force ({combos} subsets) max {best:.6f} in "
              f"{brute * 1e3:.1f} ms ({brute / cpp:.0f}x)")
    for k, N in [(6, 5000), (7, 1000), (8, 1000)]:
        rng = np.random.RandomState(k)
        F = rng.rand(N, k) ** 3  # no exact anchors: points near the faces
        start = time.perf_counter()
        report = nmfkit.check_ssc(F)
        cpp = time.perf_counter() - start
        print(f"ssc k={k} N={N} (rows u^3): nmfkit {report['verdict']} (max {report['max_norm']:.4g}, "
              f"{report['vertices']} rays at the end) in {cpp:.3f} s")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as work:
        bench_deep(2000, 1000, [40, 20, 10], 100, work)
        bench_deep(500, 300, [20, 10, 5], 100, work)
    bench_ssc()
