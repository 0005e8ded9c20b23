#!/usr/bin/python3
"""First look at speed: `nmfkit fit` against scikit-learn's NMF with the same parameters.

    /usr/bin/python3 bench/first_look.py [--nmfkit build/nmfkit] [--data-dir ../shared/data]

For each matrix and solver it runs scikit-learn (Debian's 1.2.1, in this process) and
`nmfkit fit` (a subprocess: its own fit time from model.json, and the whole command's wall
time including reading the file), checks that both reached the same n_iter and error, and
prints the times and their ratio. Speed is the subject of a later issue; this only records
where the sklearn-compatible solvers stand.
"""

import argparse
import json
import os
import subprocess
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_digits
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

NOTEBOOK_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]


def newsgroups(data_dir, categories):
    texts = []
    with tarfile.open(Path(data_dir) / "20news-bydate.tar.gz") as tar:
        for member in sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name):
            parts = member.name.split("/")
            if parts[0] == "20news-bydate-train" and (categories is None or parts[1] in categories):
                texts.append(tar.extractfile(member).read().decode("latin-1"))
    return TfidfVectorizer(stop_words="english").fit_transform(texts).tocsr()


def write_mtx(path, matrix):
    coo = sp.coo_matrix(matrix)
    with open(path, "w") as out:
        out.write("%%MatrixMarket matrix coordinate real general\n")
        out.write(f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}\n")
        for i, j, v in zip(coo.row, coo.col, coo.data):
            out.write(f"{i + 1} {j + 1} {v!r}\n")


def time_sklearn(X, params, repeats):
    best = None
    for _ in range(repeats):
        model = NMF(**params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            model.fit_transform(X)
            seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return best, model


def time_nmfkit(binary, path, params, workdir, repeats, threads):
    flags = ["--k", str(params["n_components"]), "--seed", str(params["random_state"]),
             "--solver", params["solver"], "--beta-loss", str(params["beta_loss"]),
             "--init", params["init"], "--max-iter", str(params["max_iter"])]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    best_fit, best_wall = None, None
    for _ in range(repeats):
        out = Path(workdir) / "model"
        start = time.perf_counter()
        subprocess.run([binary, "fit", str(path), "--out", str(out), *flags], check=True,
                       capture_output=True, env=env)
        wall = time.perf_counter() - start
        meta = json.loads((out / "model.json").read_text())
        best_fit = meta["seconds"] if best_fit is None else min(best_fit, meta["seconds"])
        best_wall = wall if best_wall is None else min(best_wall, wall)
    return best_fit, best_wall, meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    matrices = {"digits 1797x64 dense": (load_digits().data, 10)}
    if (Path(args.data_dir) / "20news-bydate.tar.gz").exists():
        news4 = newsgroups(args.data_dir, NOTEBOOK_CATEGORIES)
        matrices[f"20news 4 groups {news4.shape[0]}x{news4.shape[1]} tf-idf"] = (news4, 10)
        news = newsgroups(args.data_dir, None)
        matrices[f"20news all {news.shape[0]}x{news.shape[1]} tf-idf"] = (news, 20)

    runs = [dict(solver="cd", beta_loss="frobenius", init="nndsvda", max_iter=200),
            dict(solver="mu", beta_loss="frobenius", init="nndsvda", max_iter=200),
            dict(solver="mu", beta_loss="kullback-leibler", init="nndsvda", max_iter=200)]
    print(f"{'matrix':38} {'solver':22} {'n_iter':>7} {'sklearn s':>10} {'nmfkit fit s (1 thr / 2 thr)':>29} "
          f"{'command s':>10} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as workdir:
        for name, (X, k) in matrices.items():
            path = Path(workdir) / ("X.mtx" if sp.issparse(X) else "X.npy")
            if sp.issparse(X):
                write_mtx(path, X)
            else:
                np.save(path, X)
            for run in runs:
                params = dict(run, n_components=k, random_state=0)
                sk_seconds, model = time_sklearn(X, params, args.repeats)
                one, _, meta = time_nmfkit(args.nmfkit, path, params, workdir, args.repeats, 1)
                two, wall, meta = time_nmfkit(args.nmfkit, path, params, workdir, args.repeats, 2)
                same = (meta["n_iter"] == model.n_iter_ and
                        abs(meta["reconstruction_error"] - model.reconstruction_err_)
                        <= 1e-6 * model.reconstruction_err_)
                label = f"{run['solver']} {run['beta_loss']}"
                print(f"{name:38} {label:22} {model.n_iter_:>7} {sk_seconds:>10.3f} "
                      f"{one:>14.3f} / {two:<12.3f} {wall:>10.3f} {sk_seconds / two:>6.1f}x"
                      f"{'' if same else '  (results differ!)'}")


if __name__ == "__main__":
    main()
