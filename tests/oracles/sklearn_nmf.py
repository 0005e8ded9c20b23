#!/usr/bin/python3
"""Writes the oracle outputs that nmfkit's tests compare against.

NumPy, SciPy and scikit-learn as installed from Debian are the oracles. CTest runs every
script in tests/oracles/ before the tests that need them; by hand:

    /usr/bin/python3 tests/oracles/sklearn_nmf.py --out build/references \
        --data-dir ../shared/data

It writes, under --out:
  numpy_streams.json     draws of numpy.random.RandomState(seed) for several seeds
  numerics/              means and randomized SVDs of a few matrices
  parity/cases.json      the NMF battery: inputs, scikit-learn's parameters and results
"""

import argparse
import json
import tarfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_digits
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.extmath import randomized_svd

NEWS_CATEGORIES = ["alt.atheism", "comp.graphics", "sci.space", "talk.religion.misc"]
NEWS_DOCS_PER_CATEGORY = 100


# ---------------------------------------------------------------------------- files

def write_mtx(path, matrix):
    """Coordinate Matrix Market with shortest round-trip values (exact in float64)."""
    coo = sp.coo_matrix(matrix)
    lines = ["%%MatrixMarket matrix coordinate real general",
             f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}"]
    lines += [f"{i + 1} {j + 1} {float(v)!r}" for i, j, v in zip(coo.row, coo.col, coo.data)]
    path.write_text("\n".join(lines) + "\n")


def save_input(directory, name, matrix):
    """Saves a float64 input once; returns its file name relative to the reference dir."""
    if sp.issparse(matrix):
        path = directory / f"{name}.mtx"
        write_mtx(path, matrix)
    else:
        path = directory / f"{name}.npy"
        np.save(path, np.ascontiguousarray(matrix, dtype=np.float64))
    return str(path.relative_to(directory.parent))


# -------------------------------------------------------------------- random streams

def numpy_streams():
    """Interleaved draws, so that state shared between kinds (the cached normal) counts."""
    streams = []
    plan = [("random_sample", 5), ("standard_normal", 7), ("permutation", 10),
            ("standard_normal", 3), ("random_sample", 2), ("permutation", 1),
            ("permutation", 2), ("standard_normal", 12), ("permutation", 100),
            ("random_sample", 1000), ("standard_normal", 501), ("permutation", 1000)]
    for seed in [0, 1, 42, 123456789, 2**32 - 1]:
        rng = np.random.RandomState(seed)
        draws = []
        for kind, count in plan:
            values = getattr(rng, kind)(count)
            draws.append({"kind": kind, "values": [v.item() for v in values]})
        streams.append({"seed": seed, "draws": draws})
    return streams


# ------------------------------------------------------------------------ datasets

def news_tfidf(data_dir):
    """tf-idf of the first posts of four newsgroups (the classic notebook's), or None."""
    archive = Path(data_dir) / "20news-bydate.tar.gz"
    if not archive.exists():
        return None
    texts = {c: [] for c in NEWS_CATEGORIES}
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
        for member in members:
            parts = member.name.split("/")
            if len(parts) != 3 or parts[0] != "20news-bydate-train" or parts[1] not in texts:
                continue
            if len(texts[parts[1]]) < NEWS_DOCS_PER_CATEGORY:
                texts[parts[1]].append(tar.extractfile(member).read().decode("latin-1"))
    documents = [t for c in NEWS_CATEGORIES for t in texts[c]]
    return TfidfVectorizer(stop_words="english", min_df=3).fit_transform(documents).tocsr()


def datasets(data_dir):
    rng = np.random.RandomState(0)
    small = np.abs(rng.randn(30, 20))
    sparse_small = sp.random(40, 25, density=0.3, format="csr", random_state=1)
    sparse_small.data = np.abs(rng.randn(sparse_small.nnz)) + 0.01
    positive = np.abs(rng.randn(30, 20)) + 0.1
    digits = load_digits().data.astype(np.float64)
    found = {
        "small": (small, 4),
        "small_sparse": (sparse_small, 5),
        "positive": (positive, 4),
        "digits": (digits, 10),
        "digits_sparse": (sp.csr_matrix(digits), 10),
    }
    news = news_tfidf(data_dir)
    if news is not None:
        found["news"] = (news, 8)
    return found


# -------------------------------------------------------------------------- battery

def regularisation(name):
    """An alpha that bites without zeroing every factor, for each dataset's scale."""
    return {"small": 2e-3, "small_sparse": 2e-3, "positive": 2e-3, "digits": 2e-3,
            "digits_sparse": 2e-3, "news": 2e-5}[name]


def configurations(name, k):
    """scikit-learn NMF parameters for one dataset: both solvers, every init, several
    seeds, beta losses for mu, L1/L2 and shuffle."""
    alpha = regularisation(name)
    slow = name == "news"  # keeps scikit-learn's Python loops for general beta short
    # digits_sparse repeats digits through the sparse code paths; the general-beta cases,
    # slow in scikit-learn's per-row Python loops, are covered by small_sparse and news.
    reduced = name == "digits_sparse"
    configs = []

    def add(label, **params):
        params.setdefault("n_components", k)
        params.setdefault("random_state", 0)
        params.setdefault("max_iter", 200)
        configs.append((label, params))

    if name != "positive":
        for init in ["random", "nndsvd", "nndsvda", "nndsvdar", None]:
            add(f"cd/init={init}", init=init)
        for seed in [1, 2]:
            add(f"cd/init=random/seed={seed}", init="random", random_state=seed)
        for seed in [0, 3]:
            add(f"cd/shuffle/seed={seed}", init="random", shuffle=True, random_state=seed)
        for l1_ratio in [0.0, 0.5, 1.0]:
            add(f"cd/alpha/l1_ratio={l1_ratio}", init="nndsvda", alpha_W=alpha, l1_ratio=l1_ratio)
        add("cd/alpha_H=0", init="nndsvda", alpha_W=alpha, alpha_H=0.0, l1_ratio=0.5)
        add("cd/shuffle+alpha", init="nndsvdar", alpha_W=alpha, l1_ratio=0.3, shuffle=True,
            random_state=5)
        add("cd/custom", init="custom")
        add("cd/tol=0", init="nndsvda", tol=0.0, max_iter=40)
        for init in ["nndsvda", "random", "nndsvdar", "nndsvd"]:
            add(f"mu/beta=2/init={init}", solver="mu", init=init)
        add("mu/beta=2/alpha", solver="mu", init="nndsvda", alpha_W=alpha, l1_ratio=0.5)
        for init in ["nndsvda", "random"]:
            add(f"mu/beta=1/init={init}", solver="mu", beta_loss="kullback-leibler", init=init)
        add("mu/beta=1/alpha/l1_ratio=0", solver="mu", beta_loss=1, init="nndsvda",
            alpha_W=alpha, l1_ratio=0.0)
        add("mu/beta=1/alpha/l1_ratio=0.5", solver="mu", beta_loss=1, init="nndsvda",
            alpha_W=alpha, l1_ratio=0.5)
        add("mu/beta=1/custom", solver="mu", beta_loss=1, init="custom")
    if reduced:
        return configs
    max_iter = 30 if slow else 200
    for beta in [0.5, 1.5, 3.0]:
        add(f"mu/beta={beta}/init=nndsvda", solver="mu", beta_loss=beta, init="nndsvda",
            max_iter=max_iter)
    add("mu/beta=1.5/init=random/alpha", solver="mu", beta_loss=1.5, init="random",
        alpha_W=alpha, l1_ratio=0.5, max_iter=max_iter)
    if name == "positive":
        for init in ["nndsvda", "random"]:
            add(f"mu/beta=0/init={init}", solver="mu", beta_loss="itakura-saito", init=init)
        add("mu/beta=0/alpha", solver="mu", beta_loss=0, init="nndsvdar", alpha_W=alpha,
            l1_ratio=0.2)
        add("mu/beta=2", solver="mu", init="nndsvda")
    return configs


# float32 is checked on fewer configurations. (beta = 0.5 is left out: scikit-learn's own
# float32 fit of the digits ends in NaN.)
FLOAT32_LABELS = {"cd/init=random", "cd/init=nndsvda", "cd/alpha/l1_ratio=0.5", "cd/shuffle/seed=0",
                  "mu/beta=2/init=nndsvda", "mu/beta=1/init=nndsvda", "mu/beta=1.5/init=nndsvda",
                  "mu/beta=0/init=nndsvda"}


def transform_is_comparable(params):
    """scikit-learn 1.2.1's transform adds the L1 penalty again at every iteration for
    beta = 1 (H_sum is updated in place); nmfkit applies it once, so no comparison."""
    beta = params.get("beta_loss", 2)
    beta = {"kullback-leibler": 1}.get(beta, beta)
    return not (params.get("solver") == "mu" and beta == 1 and params.get("alpha_W", 0) > 0
                and params.get("l1_ratio", 0) > 0)


def relative_change(a, b):
    scale = np.linalg.norm(b)
    return float(np.linalg.norm(a.astype(np.float64) - b) / scale) if scale > 0 else float(np.linalg.norm(a))


def one_ulp_perturbation(X, seed=11):
    """X with every stored value moved by up to one unit in the last place."""
    X = X.copy()
    values = X.data if sp.issparse(X) else X
    eps = np.finfo(X.dtype).eps
    values *= 1 + eps * np.random.RandomState(seed).uniform(-1, 1, values.shape).astype(X.dtype)
    return X


def fit_sklearn(X, params, custom):
    model = NMF(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Copies: scikit-learn's solvers update the W it is given in place.
        W = model.fit_transform(X, **{k: v.copy() for k, v in custom.items()})
    return model, W


def run_case(case_dir, X, params, dtype):
    X = X.astype(dtype)
    custom = {}
    if params.get("init") == "custom":
        rng = np.random.RandomState(7)
        scale = np.sqrt(X.mean() / params["n_components"])
        custom["W"] = (np.abs(rng.randn(X.shape[0], params["n_components"])) * scale).astype(dtype)
        custom["H"] = (np.abs(rng.randn(params["n_components"], X.shape[1])) * scale).astype(dtype)
    start = time.perf_counter()
    model, W = fit_sklearn(X, params, custom)
    seconds = time.perf_counter() - start
    outputs = {"W": W, "H": model.components_}
    if transform_is_comparable(params):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outputs["W_transform"] = model.transform(X)

    # How far scikit-learn itself moves when X moves by one ulp: where this is large the
    # problem is ill-conditioned and no two implementations can agree more closely.
    perturbed, W_perturbed = fit_sklearn(one_ulp_perturbation(X), params, custom)
    sensitivity = max(relative_change(W_perturbed, W),
                      relative_change(perturbed.components_, model.components_))
    if dtype == np.float32:
        # A float32 answer is fixed only to within what float32 rounding moves it: the
        # same fit in float64 says how far that is (one ulp of X alone can miss it).
        wide, W_wide = fit_sklearn(X.astype(np.float64), params,
                                   {k: v.astype(np.float64) for k, v in custom.items()})
        sensitivity = max(sensitivity, relative_change(W, W_wide),
                          relative_change(model.components_, wide.components_))

    case_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for key, array in {**outputs, **{f"init_{k}": v for k, v in custom.items()}}.items():
        np.save(case_dir / f"{key}.npy", array)
        files[key] = f"{case_dir.parent.name}/{case_dir.name}/{key}.npy"
    return {"n_iter": int(model.n_iter_), "reconstruction_err": float(model.reconstruction_err_),
            "sklearn_seconds": seconds, "sklearn_sensitivity": sensitivity,
            "sklearn_n_iter_perturbed": int(perturbed.n_iter_), "files": files}


def parity_cases(out, data_dir):
    inputs_dir = out / "inputs"
    inputs_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, (X, k) in datasets(data_dir).items():
        input_file = save_input(inputs_dir, name, X)
        for label, params in configurations(name, k):
            for dtype in [np.float64, np.float32]:
                if dtype == np.float32 and label not in FLOAT32_LABELS:
                    continue
                dtype_name = np.dtype(dtype).name
                case_name = f"{name}-{label}-{dtype_name}".replace("/", "_").replace("=", "")
                case = {"name": case_name, "dataset": name, "label": label, "dtype": dtype_name,
                        "sparse": sp.issparse(X), "shape": list(X.shape), "input": input_file,
                        "params": params}
                case.update(run_case(out / "parity" / case_name, X, params, dtype))
                cases.append(case)
    return cases


# ------------------------------------------------------------------------ numerics

def numerics(out):
    """Means (which seed init='random') and randomized SVDs (which seed NNDSVD)."""
    directory = out / "numerics"
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(3)
    entries = []
    matrices = {
        "tall": np.abs(rng.randn(120, 30)),
        "wide": np.abs(rng.randn(25, 90)),
        "big": rng.rand(300, 50) * 1000,
        "sparse_wide": sp.random(60, 200, density=0.1, format="csr", random_state=4),
        "sparse_tall": sp.random(500, 40, density=0.2, format="csr", random_state=5),
    }
    for name, X in matrices.items():
        input_file = save_input(directory, name, X)
        for dtype in [np.float64, np.float32]:
            Xd = X.astype(dtype)
            for k, seed in [(3, 0), (10, 1), (min(X.shape) - 2, 2)]:
                U, S, Vt = randomized_svd(Xd, k, random_state=seed)
                prefix = f"{name}-{np.dtype(dtype).name}-k{k}"
                for key, array in {"U": U, "S": S, "Vt": Vt}.items():
                    np.save(directory / f"{prefix}-{key}.npy", np.atleast_2d(array))
                entries.append({"input": input_file, "dtype": np.dtype(dtype).name,
                                "sparse": sp.issparse(X), "k": k, "seed": seed,
                                "mean": float(Xd.mean()), "svd_prefix": f"numerics/{prefix}"})
    return entries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    (args.out / "numpy_streams.json").write_text(json.dumps(numpy_streams()))
    (args.out / "numerics.json").write_text(json.dumps(numerics(args.out)))
    cases = parity_cases(args.out, args.data_dir)
    manifest = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__,
                "news_data": any(c["dataset"] == "news" for c in cases), "cases": cases}
    (args.out / "parity").mkdir(exist_ok=True)
    (args.out / "parity" / "cases.json").write_text(json.dumps(manifest, indent=1, allow_nan=False))
    print(f"wrote {len(cases)} parity cases to {args.out}")


if __name__ == "__main__":
    main()
