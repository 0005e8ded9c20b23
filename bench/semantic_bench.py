"""Semantic NMF (SeNMF, `topics --model semantic`) against plain NMF on the 20 newsgroups.

    /usr/bin/python3 bench/semantic_bench.py --nmfkit build/nmfkit [--seeds 0,1,2] [--k 20]

Part 1, coherence: `nmfkit topics` on the whole training set (headers, footers and quotes
removed, tf-idf, English stop words, min_df 5, max_df 0.5), the same k and seed, standard and
semantic (window 5, PPMI, context weight 1), with gensim's c_v, c_npmi and u_mass (nmfkit's
transcription) averaged over the topics, and NMI of the dominant topic against the groups.

Part 2, speed: the joint multiplicative updates of SeNMF written out in NumPy/SciPy (the
two terms' gradients, W, C and the shared H updated in turn) against nmfkit's semantic fit
with solver mu on the same matrices, the same random start and a fixed number of
iterations (tol 0): seconds per iteration. Needs the Python package (PYTHONPATH=build/python).
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "20news-bydate.tar.gz"
CORPUS_FLAGS = ["--remove", "headers,footers,quotes", "--min-df", "5", "--max-df", "0.5"]


def topics(nmfkit, out, k, seed, model):
    start = time.perf_counter()
    subprocess.run([nmfkit, "topics", str(DATA), *CORPUS_FLAGS, "--k", str(k), "--seed",
                    str(seed), "--model", model, "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    summary = json.loads((out / "summary.json").read_text())
    row = {m: v["mean"] for m, v in summary["coherence"].items()}
    row["nmi"] = summary["label_scores"]["nmi"]
    row["seconds"] = seconds
    return row


def coherence_part(nmfkit, k, seeds):
    rows = {"standard": [], "semantic": []}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            for model in rows:
                rows[model].append(topics(nmfkit, Path(tmp) / f"{model}{seed}", k, seed, model))
    print(f"\nPart 1: 20 newsgroups, k = {k}, seeds {seeds} (mean over topics, then seeds)")
    print(f"{'model':10} {'c_v':>7} {'c_npmi':>7} {'u_mass':>7} {'NMI':>6} {'seconds':>8}")
    for model, runs in rows.items():
        mean = {key: np.mean([r[key] for r in runs]) for key in runs[0]}
        print(f"{model:10} {mean['c_v']:7.4f} {mean['c_npmi']:7.4f} {mean['u_mass']:7.3f} "
              f"{mean['nmi']:6.3f} {mean['seconds']:8.1f}")
    wins = sum(s["c_npmi"] > p["c_npmi"] for s, p in zip(rows["semantic"], rows["standard"]))
    print(f"semantic has the higher c_npmi for {wins} of {len(seeds)} seeds")
    return rows


def numpy_senmf(X, M, W, C, H, iterations):
    """Multiplicative updates of ‖X − WH‖² + ‖M − CH‖² (M already weighted)."""
    eps = np.finfo(float).eps
    for _ in range(iterations):
        W *= (X @ H.T) / np.maximum(W @ (H @ H.T), eps)
        C *= (M @ H.T) / np.maximum(C @ (H @ H.T), eps)
        numerator = np.asarray(X.T @ W).T + np.asarray(M.T @ C).T
        denominator = (W.T @ W + C.T @ C) @ H
        H *= numerator / np.maximum(denominator, eps)
    return W, C, H


def speed_part(k, iterations):
    import nmfkit
    from nmfkit.text import analyze, semantic_nmf, word_context_matrix

    corpus = nmfkit.text.read_corpus(str(DATA), remove=("headers", "footers", "quotes"))
    vectorizer = nmfkit.text.TfidfVectorizer(min_df=5, max_df=0.5, stop_words="english")
    X = vectorizer.fit_transform(corpus.data).tocsr()
    M = word_context_matrix(analyze(corpus.data), list(vectorizer.get_feature_names_out()), 5)
    print(f"\nPart 2: X {X.shape[0]} x {X.shape[1]} ({X.nnz} non-zeros), word-context "
          f"{M.nnz} non-zeros, k = {k}, {iterations} multiplicative iterations, "
          f"{os.environ.get('OMP_NUM_THREADS', 'all')} threads")
    start = time.perf_counter()
    fit = semantic_nmf(X, M, k, solver="mu", init="random", random_state=0, tol=0,
                       max_iter=iterations)
    nmfkit_seconds = time.perf_counter() - start
    scale = np.linalg.norm(X.data) / np.linalg.norm(M.data)
    Ms = (scale * M).tocsr()
    rng = np.random.default_rng(0)
    level = np.sqrt(sp.vstack([X, Ms]).mean() / k)
    W = level * rng.random((X.shape[0], k))
    C = level * rng.random((M.shape[0], k))
    H = level * rng.random((k, X.shape[1]))
    start = time.perf_counter()
    W, C, H = numpy_senmf(X, Ms, W, C, H, iterations)
    numpy_seconds = time.perf_counter() - start
    residual = np.sqrt(sp.linalg.norm(X) ** 2 - 2 * np.sum(W * (X @ H.T)) +
                       np.sum((W.T @ W) * (H @ H.T))) / sp.linalg.norm(X)
    print(f"nmfkit semantic_nmf (mu): {nmfkit_seconds / iterations * 1e3:8.1f} ms/iteration, "
          f"document error {fit.document_error:.4f}")
    print(f"NumPy SeNMF updates:      {numpy_seconds / iterations * 1e3:8.1f} ms/iteration, "
          f"document error {residual:.4f}")
    print(f"ratio (NumPy / nmfkit): {numpy_seconds / nmfkit_seconds:.2f}")
    start = time.perf_counter()
    fast = semantic_nmf(X, M, k, solver="hals", init="random", random_state=0, tol=0,
                        max_iter=iterations)
    hals_seconds = time.perf_counter() - start
    print(f"nmfkit semantic_nmf (hals, the fast solver): "
          f"{hals_seconds / iterations * 1e3:8.1f} ms/iteration, document error "
          f"{fast.document_error:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmfkit", default=str(HERE.parent / "build" / "nmfkit"))
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--only", default="coherence,speed")
    args = parser.parse_args()
    parts = args.only.split(",")
    if "coherence" in parts:
        coherence_part(args.nmfkit, args.k, [int(s) for s in args.seeds.split(",")])
    if "speed" in parts:
        speed_part(args.k, args.iterations)


if __name__ == "__main__":
    main()
