"""The NMF family (issue 16) against NumPy implementations of the published updates, and
seed 004's gradient NMF against nmfkit's other solvers on the notebook's data.

    /usr/bin/python3 bench/family_bench.py --nmfkit build/nmfkit [--only semi,symmetric,gnmf,gradient]

NumPy takes Debian's default BLAS (the reference one unless the alternative is changed); to
time it on OpenBLAS, as most NumPy users run it (bench/install-bench-deps.sh installs it):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
        /usr/bin/python3 bench/family_bench.py --nmfkit build/nmfkit

Part 1, per model, the same data, start and number of iterations (tol 0) in nmfkit
(`nmfkit fit`, the fit's own time from model.json) and in NumPy (the published update
written out, the same start): semi-NMF (Ding, Li & Jordan 2010), symmetric NMF (the ANLS
form of Kuang, Yun & Park, rows solved by scipy.optimize.nnls) and GNMF (Cai et al. 2011).
The script checks that both reach the same objective.

Part 2, the notebook's data: the 4-group 20 newsgroups training set with headers, footers
and quotes removed, tf-idf with English stop words (2034 x 26576, as in the notebook), k = 6;
pgd and adam from the notebook's start (|N(0, 0.01)|, 1000 iterations, the notebook's
learning rates) against hals, cd and mu from nndsvda, to scikit-learn's tolerance.
"""

import argparse
import json
import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.optimize
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "20news-bydate.tar.gz"
NOTEBOOK_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]


def write_mtx(path, matrix):
    coo = sp.coo_matrix(matrix)
    with open(path, "w") as out:
        out.write("%%MatrixMarket matrix coordinate real general\n")
        out.write(f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}\n")
        for i, j, v in zip(coo.row, coo.col, coo.data):
            out.write(f"{i + 1} {j + 1} {v!r}\n")


def nmfkit_fit(binary, work, x_path, flags, W0=None, H0=None):
    out = Path(work) / "model"
    extra = []
    if W0 is not None:
        np.save(Path(work) / "W0.npy", W0)
        np.save(Path(work) / "H0.npy", H0)
        extra = ["--init", "custom", "--init-w", str(Path(work) / "W0.npy"), "--init-h",
                 str(Path(work) / "H0.npy")]
    subprocess.run([binary, "fit", str(x_path), "--out", str(out), *map(str, flags), *extra],
                   check=True, capture_output=True)
    meta = json.loads((out / "model.json").read_text())
    return np.load(out / "W.npy"), np.load(out / "H.npy"), meta


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


# ---- the published updates in NumPy ------------------------------------------------------


def semi_numpy(X, H, iterations):
    """Ding, Li & Jordan: F = XG(GᵀG)⁻¹, G ← G ⊙ sqrt(((XᵀF)⁺ + G(FᵀF)⁻)/((XᵀF)⁻ + G(FᵀF)⁺))."""
    G = H.T.copy()
    for _ in range(iterations):
        F = np.linalg.solve(G.T @ G, (X @ G).T).T
        XtF, FtF = X.T @ F, F.T @ F
        pos = lambda A: np.maximum(A, 0)  # noqa: E731
        neg = lambda A: np.maximum(-A, 0)  # noqa: E731
        G *= np.sqrt((pos(XtF) + G @ neg(FtF)) / (neg(XtF) + G @ pos(FtF)))
    return F, G.T


def gnmf_numpy(X, A, lam, W, H, iterations):
    """Cai et al.'s multiplicative updates, samples in rows (W is their V, H their Uᵀ), with
    nmfkit's scale-free graph term: component c's roughness weighted by ‖h_c‖²."""
    W, H = W.copy(), H.copy()
    D = np.asarray(A.sum(axis=1)).ravel()
    for _ in range(iterations):
        N = np.sum(H * H, axis=1)
        W *= (X @ H.T + lam * (A @ W) * N) / (W @ (H @ H.T) + lam * D[:, None] * W * N)
        rough = np.maximum(np.sum(D[:, None] * W * W, axis=0) - np.sum(W * (A @ W), axis=0), 0)
        H *= (W.T @ X) / ((W.T @ W) @ H + lam * rough[:, None] * H)
    return W, H


def symmetric_numpy(A, W, H, alpha, iterations):
    """Kuang, Yun & Park's ANLS: rows of W from NNLS on [H; √α·I] w ≈ [a; √α·h], and back."""
    W, Ht = W.copy(), H.T.copy()
    k = W.shape[1]
    root = np.sqrt(alpha)
    for _ in range(iterations):
        for fixed, solve in ((Ht, W), (W, Ht)):
            M = np.vstack([fixed, root * np.eye(k)])
            for i in range(A.shape[0]):
                solve[i] = scipy.optimize.nnls(M, np.concatenate([A[:, i], root * fixed[i]]))[0]
    return Ht


def symmetric_objective(A, W):
    return np.linalg.norm(A - W @ W.T)


# ---- part 1 ------------------------------------------------------------------------------


def bench_semi(binary, work, rows):
    rng = np.random.RandomState(0)
    W = rng.randn(2000, 10)
    H = np.abs(rng.randn(10, 500)) * (rng.rand(10, 500) < 0.4)
    X = W @ H + 0.01 * rng.randn(2000, 500)
    np.save(Path(work) / "semi.npy", X)
    H0 = np.abs(rng.randn(10, 500)) + 0.1
    W0 = rng.randn(2000, 10)
    iterations = 200
    Wk, Hk, meta = nmfkit_fit(binary, work, Path(work) / "semi.npy",
                              ["--k", 10, "--model", "semi", "--tol", 0, "--max-iter", iterations],
                              W0, H0)
    (Wn, Hn), seconds = timed(semi_numpy, X, H0, iterations)
    errors = (np.linalg.norm(X - Wk @ Hk), np.linalg.norm(X - Wn @ Hn))
    rows.append(("semi-NMF", "2000×500 signed dense, k 10", iterations, meta["seconds"], seconds,
                 errors))


def bench_gnmf(binary, work, rows):
    rng = np.random.RandomState(1)
    n, m, k = 3000, 1000, 10
    X = np.abs(rng.randn(n, k)) @ np.abs(rng.randn(k, m)) + np.abs(rng.randn(n, m))
    np.save(Path(work) / "gnmf.npy", X)
    chain = sp.diags([np.ones(n - d) for d in (1, 2, 3)], [1, 2, 3], shape=(n, n))
    A = (chain + chain.T).tocsr()
    write_mtx(Path(work) / "graph.mtx", A)
    W0 = np.abs(rng.randn(n, k)) + 0.1
    H0 = np.abs(rng.randn(k, m)) + 0.1
    iterations = 200
    Wk, Hk, meta = nmfkit_fit(binary, work, Path(work) / "gnmf.npy",
                              ["--k", k, "--graph", Path(work) / "graph.mtx", "--graph-weight", 0.01,
                               "--tol", 0, "--max-iter", iterations], W0, H0)
    (Wn, Hn), seconds = timed(gnmf_numpy, X, A, 0.01, W0, H0, iterations)
    errors = (np.linalg.norm(X - Wk @ Hk), np.linalg.norm(X - Wn @ Hn))
    rows.append(("GNMF", f"{n}×{m} dense, chain graph, k {k}", iterations, meta["seconds"],
                 seconds, errors))


def bench_symmetric(binary, work, rows):
    rng = np.random.RandomState(2)
    n, k = 600, 6
    truth = np.repeat(np.arange(k), n // k)
    p = np.where(truth[:, None] == truth[None, :], 0.3, 0.02)
    upper = np.triu(rng.rand(n, n) < p, 1)
    A = (upper | upper.T).astype(float)
    np.save(Path(work) / "sym.npy", A)
    W0 = np.abs(rng.rand(n, k))
    iterations = 30
    Wk, _, meta = nmfkit_fit(binary, work, Path(work) / "sym.npy",
                             ["--k", k, "--model", "symmetric", "--tol", 0, "--max-iter",
                              iterations], W0, W0.T.copy())
    Wn, seconds = timed(symmetric_numpy, A, W0, W0.T, A.max(), iterations)
    errors = (symmetric_objective(A, Wk), symmetric_objective(A, Wn))
    rows.append(("symmetric NMF", f"{n}×{n} block graph, k {k}", iterations, meta["seconds"],
                 seconds, errors))


# ---- part 2 ------------------------------------------------------------------------------


def notebook_matrix():
    from sklearn.datasets._twenty_newsgroups import (strip_newsgroup_footer,
                                                     strip_newsgroup_header,
                                                     strip_newsgroup_quoting)
    from sklearn.feature_extraction.text import TfidfVectorizer
    texts = []
    with tarfile.open(DATA) as tar:
        for member in sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name):
            parts = member.name.split("/")
            if parts[0] == "20news-bydate-train" and parts[1] in NOTEBOOK_CATEGORIES:
                text = tar.extractfile(member).read().decode("latin-1")
                text = strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(text)))
                texts.append(text)
    return TfidfVectorizer(stop_words="english").fit_transform(texts).tocsr()


def bench_gradient(binary, work, k=6):
    X = notebook_matrix()
    path = Path(work) / "notebook.mtx"
    write_mtx(path, X)
    rng = np.random.RandomState(0)
    W0 = np.abs(rng.normal(scale=0.01, size=(X.shape[0], k)))
    H0 = np.abs(rng.normal(scale=0.01, size=(k, X.shape[1])))
    print(f"notebook data: {X.shape[0]}×{X.shape[1]}, nnz {X.nnz}, k {k}")
    runs = [("pgd (notebook start, lr 0.05, 1000 it.)", ["--solver", "pgd", "--tol", 0,
                                                        "--max-iter", 1000], True),
            ("adam (notebook start, lr 1e-3, 1000 it.)", ["--solver", "adam", "--tol", 0,
                                                         "--max-iter", 1000], True),
            ("hals (nndsvda, tol 1e-4)", ["--solver", "hals", "--seed", 0], False),
            ("cd (nndsvda, tol 1e-4)", ["--solver", "cd", "--seed", 0], False),
            ("mu (nndsvda, tol 1e-4)", ["--solver", "mu", "--seed", 0], False),
            ("hals (notebook start, tol 1e-4)", ["--solver", "hals"], True)]
    print("| solver | iterations | fit s | ‖X − WH‖ |")
    print("|---|---:|---:|---:|")
    for name, flags, notebook_start in runs:
        W, H, meta = nmfkit_fit(binary, work, path, ["--k", k, *flags],
                                W0 if notebook_start else None, H0 if notebook_start else None)
        print(f"| {name} | {meta['n_iter']} | {meta['seconds']:.2f} | "
              f"{meta['reconstruction_error']:.4f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nmfkit", default=str(HERE.parent / "build" / "nmfkit"))
    parser.add_argument("--only", default="semi,symmetric,gnmf,gradient")
    args = parser.parse_args()
    only = set(args.only.split(","))
    # One thread each: NumPy here runs on the reference BLAS, and on a loaded 2-core machine
    # OpenMP threads that wait for a core cost more than they bring.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as work:
        rows = []
        if "semi" in only:
            bench_semi(args.nmfkit, work, rows)
        if "gnmf" in only:
            bench_gnmf(args.nmfkit, work, rows)
        if "symmetric" in only:
            bench_symmetric(args.nmfkit, work, rows)
        if rows:
            print("| model | data | iterations | nmfkit s | NumPy s | ratio | ‖X − WH‖ nmfkit / NumPy |")
            print("|---|---|---:|---:|---:|---:|---:|")
            for model, data, iterations, ours, theirs, (e1, e2) in rows:
                print(f"| {model} | {data} | {iterations} | {ours:.3f} | {theirs:.3f} | "
                      f"{theirs / ours:.1f}× | {e1:.6g} / {e2:.6g} |", flush=True)
        if "gradient" in only:
            bench_gradient(args.nmfkit, work)


if __name__ == "__main__":
    main()
