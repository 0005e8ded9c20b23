#!/usr/bin/python3
"""Writes NumPy's full SVDs, the oracle of nmfkit's full_svd tests.

numpy.linalg.svd(X, full_matrices=False) as installed from Debian (reference LAPACK) is
the oracle. CTest runs every script in tests/oracles/ before the tests; by hand:

    /usr/bin/python3 tests/oracles/numpy_svd.py --out build/references \
        --data-dir ../shared/data

It writes, under --out/svd/:
  cases.json        small matrices (dense and sparse, wide, tall and square, float32,
                    rank-deficient, zero, single row): the input file, NumPy's U, S, Vt
  inputs/           those inputs as .npy (dense) or .mtx (sparse)
  news.json         the 20 newsgroups notebook's count matrix: NumPy's singular values
                    (values only: ~80 s with reference LAPACK), or why it is absent
  news_counts.mtx   that matrix: CountVectorizer(stop_words='english') on the train
                    posts of four groups, headers, footers and quotes removed

The news reference is reused when news.json was written from the same archive, NumPy
and script (it is the slow part); delete news.json to force it.
"""

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).parent))

NOTEBOOK_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]


def write_mtx(path, matrix):
    """Coordinate Matrix Market with shortest round-trip values (exact in float64)."""
    coo = sp.coo_matrix(matrix)
    lines = ["%%MatrixMarket matrix coordinate real general",
             f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}"]
    lines += [f"{i + 1} {j + 1} {float(v)!r}" for i, j, v in zip(coo.row, coo.col, coo.data)]
    path.write_text("\n".join(lines) + "\n")


def counts(rng, rows, cols, density, zipf=1.3):
    """A sparse document-term-like count matrix: Zipfian column popularity, so that there
    are frequent columns, rare ones and columns seen once."""
    popularity = 1.0 / np.arange(1, cols + 1) ** zipf
    popularity = rng.permutation(popularity / popularity.sum())
    per_row = rng.binomial(int(cols * density * 2), 0.5, size=rows)
    dense = np.zeros((rows, cols))
    for i, n in enumerate(per_row):
        terms = rng.choice(cols, size=n, p=popularity)
        np.add.at(dense[i], terms, 1.0)
    return dense


def matrices():
    """(name, matrix, sparse, dtype): each a corner the algorithm must get right."""
    rng = np.random.RandomState(7)
    found = []

    def add(name, matrix, sparse=False, dtype="float64"):
        found.append((name, np.asarray(matrix, dtype=np.float64), sparse, dtype))

    add("dense_wide", rng.randn(30, 50))
    add("dense_tall", rng.randn(60, 20))
    add("dense_square", rng.randn(25, 25))
    # More than one 48-column panel, and a staircase: rows start at different columns.
    add("dense_panels", np.triu(rng.randn(170, 130), k=-40))
    add("sparse_wide", counts(rng, 40, 120, 0.05), sparse=True)
    add("sparse_tall", counts(rng, 150, 30, 0.15), sparse=True)
    big = counts(rng, 180, 700, 0.02)
    big[[3, 50, 51], :] = 0  # empty documents
    big[60] = big[61]        # a duplicate document
    add("sparse_panels", big, sparse=True)
    add("sparse_panels_dense", big)  # the same values through the dense path
    low_rank = rng.randn(40, 5) @ rng.randn(5, 30)
    add("rank_deficient", low_rank)
    deficient_counts = counts(rng, 70, 90, 0.04)
    deficient_counts[10:20] = deficient_counts[0:10]
    deficient_counts[[25, 26, 27]] = 0
    add("rank_deficient_sparse", deficient_counts, sparse=True)
    # After merging the single-entry rows (all in column 0) too few rows remain.
    few = np.zeros((14, 10))
    few[:9, 0] = rng.rand(9) + 0.5
    few[9:, :] = rng.rand(5, 10)
    add("few_rows_after_merge", few, sparse=True)
    add("single_row", rng.randn(1, 7))
    add("single_column", rng.randn(9, 1))
    add("zeros", np.zeros((5, 4)))
    add("float32_wide", rng.randn(40, 70), dtype="float32")
    add("float32_sparse", counts(rng, 90, 60, 0.1), sparse=True, dtype="float32")
    return found


def write_cases(out):
    inputs = out / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, X, sparse, dtype in matrices():
        if sparse:
            path = inputs / f"{name}.mtx"
            write_mtx(path, sp.csr_matrix(X))
        else:
            path = inputs / f"{name}.npy"
            np.save(path, X.astype(dtype))
        U, S, Vt = np.linalg.svd(X.astype(dtype), full_matrices=False)
        cases.append({"name": name, "input": str(path.relative_to(out)), "sparse": sparse,
                      "dtype": dtype, "shape": list(X.shape),
                      "U": U.astype(np.float64).tolist(), "S": S.astype(np.float64).tolist(),
                      "Vt": Vt.astype(np.float64).tolist()})
    (out / "cases.json").write_text(json.dumps(cases))
    return len(cases)


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def news_count_matrix(archive):
    from sklearn.datasets import fetch_20newsgroups
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn_corpus import build_sklearn_cache

    with tempfile.TemporaryDirectory(prefix="nmfkit-svd-") as home:
        build_sklearn_cache(archive, home)
        bunch = fetch_20newsgroups(data_home=home, subset="train",
                                   categories=NOTEBOOK_CATEGORIES,
                                   remove=("headers", "footers", "quotes"),
                                   download_if_missing=False)
    return CountVectorizer(stop_words="english").fit_transform(bunch.data).astype(np.float64)


def write_news(out, data_dir):
    archive = Path(data_dir) / "20news-bydate.tar.gz"
    manifest_path = out / "news.json"
    if not archive.exists():
        manifest = {"available": False,
                    "note": f"{archive} is absent, so the 20 newsgroups full-SVD reference "
                            "was not written"}
        manifest_path.write_text(json.dumps(manifest, indent=1))
        return manifest
    key = {"archive_sha256": file_sha256(archive), "numpy_version": np.__version__,
           "script_sha256": file_sha256(__file__)}
    if manifest_path.exists() and (out / "news_counts.mtx").exists():
        previous = json.loads(manifest_path.read_text())
        if previous.get("available") and previous.get("key") == key:
            print("news: reusing", manifest_path)
            return previous

    X = news_count_matrix(archive).tocsr()
    write_mtx(out / "news_counts.mtx", X)
    dense = X.toarray()
    started = time.perf_counter()
    S = np.linalg.svd(dense, compute_uv=False)
    seconds = time.perf_counter() - started
    manifest = {"available": True, "key": key, "input": "news_counts.mtx",
                "shape": list(X.shape), "nnz": int(X.nnz),
                "frobenius_norm": float(np.linalg.norm(dense)),
                "numpy_seconds_values_only": seconds, "S": S.tolist()}
    manifest_path.write_text(json.dumps(manifest))
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "svd"
    out.mkdir(parents=True, exist_ok=True)

    print(f"wrote {write_cases(out)} full-SVD cases to {out}")
    news = write_news(out, args.data_dir)
    if news["available"]:
        print(f"news: {news['shape'][0]} x {news['shape'][1]}, NumPy's values took "
              f"{news['numpy_seconds_values_only']:.1f} s")
    else:
        print(news["note"])


if __name__ == "__main__":
    main()
