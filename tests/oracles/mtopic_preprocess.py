#!/usr/bin/python3
"""Writes the references of nmfkit's mTopic preprocessing tests (multimodal/preprocess.hpp,
multimodal/knee.hpp).

mTopic's pp functions are small formulas over NumPy and scikit-learn, so the oracle is
those formulas as mTopic's reference describes them:
  tfidf         scikit-learn's TfidfTransformer(norm=None, smooth_idf=False)
  clr           g = expm1(mean(log1p(X), axis=1)) + 1e-6; log1p(X / g)
  scale_counts  X * (n_samples * counts_per_cell / X.sum())
  permute       one np.random.default_rng(seed) for all modalities in order; dense mode
                rng.permutation(X, axis=0), sparse mode rng.permutation of each column's
                non-zero values; then empty samples and features dropped, samples kept
                only when present in every modality
  knee          a NumPy transcription of Kneedle (Satopaa et al. 2011) for a convex,
                decreasing curve with kneed's default choices (kneed is not installed)
CTest runs every script in tests/oracles/ before the tests; by hand:

    /usr/bin/python3 tests/oracles/mtopic_preprocess.py --out build/references \
        --data-dir ../shared/data

It writes --out/mtopic_preprocess/cases.json.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.signal import argrelextrema
from sklearn.feature_extraction.text import TfidfTransformer


def dense_list(X):
    return np.asarray(X, dtype=np.float64).tolist()


def counts(rng, rows, cols, density):
    """Poisson counts on a random pattern, with one all-zero row and one all-zero column
    (a sample and a feature tf-idf and clr must leave at zero)."""
    X = rng.poisson(3.0, size=(rows, cols)).astype(np.float64) + 1.0
    X[rng.random((rows, cols)) >= density] = 0.0
    X[rows // 2, :] = 0.0
    X[:, cols // 3] = 0.0
    return X


def tfidf(X, dtype):
    """scikit-learn on CSR input of the given dtype: its idf is then in that dtype."""
    transformer = TfidfTransformer(norm=None, smooth_idf=False)
    return transformer.fit_transform(sp.csr_matrix(X.astype(dtype))).toarray()


def clr(X):
    g = np.expm1(np.log1p(X).mean(axis=1)) + 1e-6
    return np.log1p(X / g[:, None])


def scale_counts(X, counts_per_cell):
    return X * (X.shape[0] * counts_per_cell / X.sum())


def transform_cases():
    rng = np.random.default_rng(11)
    found = []
    for name, X in [("counts_small", counts(rng, 12, 7, 0.6)),
                    ("counts_wide", counts(rng, 40, 90, 0.15)),
                    ("real_valued", counts(rng, 25, 30, 0.4) * rng.gamma(2.0, 0.37, (25, 30)))]:
        found.append({
            "name": name,
            "X": dense_list(X),
            "tfidf": dense_list(tfidf(X, np.float64)),
            "tfidf_float32": dense_list(tfidf(X, np.float32)),
            "clr": dense_list(clr(X)),
            "scale_counts": dense_list(scale_counts(X, 10000)),
            "scale_counts_50": dense_list(scale_counts(X, 50)),
        })
    return found


def kneedle(y, S):
    """Index of the knee of a convex decreasing curve y (at x = 0..n-1), or None.

    Both axes are scaled to [0, 1]; y is flipped so the curve rises and the knee is where
    it stands highest above the diagonal (the difference curve d = y - x). Each local
    maximum of d sets the threshold d_max - S * mean(diff(x)); a local minimum resets it
    to 0; the first time d falls below the threshold, the maximum that set it is the knee.
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if n < 2 or y.max() == y.min():
        return None
    x = np.arange(n, dtype=np.float64) / (n - 1)
    y_flipped = 1.0 - (y - y.min()) / (y.max() - y.min())
    d = y_flipped - x
    maxima = argrelextrema(d, np.greater_equal)[0]
    minima = argrelextrema(d, np.less_equal)[0]
    if maxima.size == 0:
        return None
    step = np.diff(x).mean()
    threshold = 0.0
    threshold_index = maxima[0]
    for i in range(maxima[0], n - 1):
        if i in maxima:
            threshold = d[i] - S * step
            threshold_index = i
        if i in minima:
            threshold = 0.0
        if d[i + 1] < threshold:
            return int(threshold_index)
    return None


def knee_curves():
    rng = np.random.default_rng(5)
    x = np.arange(60, dtype=np.float64)
    curves = {
        "hyperbola": 1.0 / (x + 1.0),
        "exponential": np.exp(-x / 6.0),
        "noisy_exponential": np.sort(np.exp(-x / 9.0) + rng.uniform(0, 0.05, x.size))[::-1],
        "plateau_then_drop": np.concatenate([np.ones(5), np.exp(-np.arange(40) / 4.0) * 0.6]),
        "two_knees": np.concatenate([np.linspace(1.0, 0.55, 4), np.linspace(0.5, 0.3, 6),
                                     np.linspace(0.28, 0.0, 40)]),
        "stairs": np.repeat([1.0, 0.6, 0.35, 0.2, 0.12, 0.1, 0.09, 0.085], 5),
        "linear": np.linspace(1.0, 0.0, 30),
        "gamma_weights": np.sort(rng.gamma(0.3, 1.0, 300))[::-1],
        "two_points": np.array([1.0, 0.2]),
        "three_points": np.array([1.0, 0.2, 0.1]),
    }
    found = []
    for name, y in curves.items():
        y = y / y.max()
        for S in [-1.0, 0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 40.0]:
            found.append({"name": name, "y": y.tolist(), "S": S, "knee": kneedle(y, S)})
    return found


def filter_features(lam, S):
    """pp.filter_var_knee on one modality: the kept columns, ascending."""
    V = lam.shape[1]
    if S <= 0:
        return list(range(V))
    weight = (lam / lam.sum(axis=1, keepdims=True)).sum(axis=0)
    order = np.argsort(-weight, kind="stable")
    curve = weight[order] / weight[order[0]]
    knee = kneedle(curve, S)
    if knee is None:
        return list(range(V))
    return sorted(int(j) for j in order[knee:])


def filter_cases():
    rng = np.random.default_rng(23)
    found = []
    # A model fitted to null data: most features share the mass evenly, a few dominate.
    lam = rng.gamma(100.0, 0.01, (6, 80))
    lam[:, rng.choice(80, 7, replace=False)] *= rng.uniform(5, 40, (6, 7))
    for S in [0.0, 1.0, 5.0, 10.0]:
        found.append({"name": "dominant_features", "lambda": dense_list(lam), "S": S,
                      "kept": filter_features(lam, S)})
    heavy = rng.gamma(0.2, 1.0, (4, 120)) + 0.01
    for S in [1.0, 5.0]:
        found.append({"name": "heavy_tailed", "lambda": dense_list(heavy), "S": S,
                      "kept": filter_features(heavy, S)})
    return found


def drop_empty(mods, samples):
    keep = np.ones(len(samples), dtype=bool)
    cols = []
    for X in mods:
        keep &= (X != 0).any(axis=1)
        cols.append((X != 0).any(axis=0))
    return [X[keep][:, c] for X, c in zip(mods, cols)], [s for s, k in zip(samples, keep) if k], cols


def permute(mods, seed, sparse_mode):
    rng = np.random.default_rng(seed)
    out = []
    for X in mods:
        if sparse_mode:
            Y = X.copy()
            for j in range(X.shape[1]):
                rows = np.flatnonzero(X[:, j])
                Y[rows, j] = rng.permutation(X[rows, j])
        else:
            Y = rng.permutation(X, axis=0)
        out.append(Y)
    return out


def permute_cases():
    rng = np.random.default_rng(31)
    n = 24
    rna = counts(rng, n, 9, 0.5)
    atac = counts(rng, n, 15, 0.3)
    atac[3, :] = 0.0  # empty in atac only: dropped from every modality
    prot = rng.poisson(20.0, (n, 4)).astype(np.float64)
    mods = [rna, atac, prot]
    samples = [f"cell{i}" for i in range(n)]
    found = {"samples": samples,
             "modalities": [{"name": name, "X": dense_list(X), "sparse": name == "atac"}
                            for name, X in zip(["rna", "atac", "prot"], mods)],
             "cases": []}
    for seed in [2291, 7]:
        for sparse_mode in [False, True]:
            permuted, kept_samples, kept_cols = drop_empty(permute(mods, seed, sparse_mode),
                                                           samples)
            found["cases"].append({
                "seed": seed, "sparse_mode": sparse_mode, "samples": kept_samples,
                "features": [np.flatnonzero(c).tolist() for c in kept_cols],
                "X": [dense_list(X) for X in permuted]})
    # The plain NumPy stream, to tell a generator bug from a permute bug.
    found["permutation_2291_24"] = np.random.default_rng(2291).permutation(n).tolist()
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "mtopic_preprocess"
    out.mkdir(parents=True, exist_ok=True)
    cases = {"transforms": transform_cases(), "knee": knee_curves(), "filter": filter_cases(),
             "permute": permute_cases()}
    (out / "cases.json").write_text(json.dumps(cases))
    print(f"wrote {len(cases['transforms'])} transform, {len(cases['knee'])} knee, "
          f"{len(cases['filter'])} filter and {len(cases['permute']['cases'])} permute "
          f"cases to {out}")


if __name__ == "__main__":
    main()
