#!/usr/bin/python3
"""Topic modelling of the 20 newsgroups: nmfkit against scikit-learn (and NumPy for the
full SVD), measured in one run on the same machine.

    /usr/bin/python3 bench/topics_bench.py [--nmfkit build/nmfkit] [--data-dir ../shared/data]
                                           [--skip-full-svd]

1. All 18846 documents (subset all; headers, footers and quotes removed): tf-idf with the
   English stop words, then NMF with k = 5 and k = 20 (init nndsvd, seed 1). scikit-learn
   runs in this process on the texts of its own fetch_20newsgroups (read offline from the
   local tarball); nmfkit runs `nmfkit topics` and reports its own step times in
   summary.json. The script checks that both made the same matrix and the same fit.
2. The classic notebook's full SVD: the count matrix of its four groups (2034 × 26576),
   numpy.linalg.svd(X.toarray(), full_matrices=False) with and without vectors, against
   `nmfkit svd` with and without vectors (its own time from svd.json).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.io
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "oracles"))
import sklearn_corpus  # noqa: E402  (the offline fetch_20newsgroups)

REMOVE = "headers,footers,quotes"


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def nmfkit(binary, *args):
    subprocess.run([binary, *map(str, args)], check=True, stdout=subprocess.DEVNULL)


def topic_models(binary, archive, home, work):
    print("\n## All 18846 documents: tf-idf and NMF (init nndsvd, seed 1)\n")
    news, fetch_seconds = timed(lambda: sklearn_corpus.fetch(home, "all", None,
                                                             sklearn_corpus.ALL_REMOVE))
    texts = news["texts"]
    vectorizer = TfidfVectorizer(stop_words="english")
    X, sk_vectorize = timed(lambda: vectorizer.fit_transform(texts))
    print("| step | scikit-learn s | nmfkit s | ratio | check |")
    print("|---|---:|---:|---:|---|")
    for k in [5, 20]:
        out = work / f"topics{k}"
        # c_v for k = 20 only, so the k = 5 run times the rest alone.
        nmfkit(binary, "topics", archive, "--subset", "all", "--remove", REMOVE, "--k", k,
               "--init", "nndsvd", "--seed", 1, "--coherence", "c_v" if k == 20 else "none",
               "--out", out)
        summary = json.loads((out / "summary.json").read_text())
        seconds = summary["seconds"]
        if k == 5:
            same = [summary["matrix"]["rows"], summary["matrix"]["cols"],
                    summary["matrix"]["nnz"]] == [X.shape[0], X.shape[1], X.nnz]
            print(f"| read the corpus ({len(texts)} documents) | {fetch_seconds:.2f} (from its "
                  f"pickled cache) | {seconds['read']:.2f} (from the .tar.gz) | | |")
            print(f"| tf-idf, English stop words | {sk_vectorize:.2f} | {seconds['vectorize']:.2f}"
                  f" | {sk_vectorize / seconds['vectorize']:.1f}× | {X.shape[0]} × {X.shape[1]},"
                  f" nnz {X.nnz}: {'same' if same else 'DIFFERENT'} |")
        model = NMF(n_components=k, init="nndsvd", random_state=1)
        _, sk_fit = timed(lambda: model.fit_transform(X))
        same_fit = (model.n_iter_ == summary["n_iter"] and
                    abs(model.reconstruction_err_ - summary["reconstruction_error"])
                    <= 1e-6 * model.reconstruction_err_)
        print(f"| NMF k = {k} (cd) | {sk_fit:.2f} | {seconds['nmf']:.2f} | "
              f"{sk_fit / seconds['nmf']:.1f}× | n_iter {model.n_iter_} vs {summary['n_iter']},"
              f" error {model.reconstruction_err_:.6f} vs {summary['reconstruction_error']:.6f}"
              f"{'' if same_fit else ' DIFFERENT'} |")
    coherence(vectorizer, texts, summary)


def coherence(vectorizer, texts, summary):
    """gensim's c_v of nmfkit's k = 20 topics over the same tokens; gensim is given the
    tokens (its time is the dictionary and the measure), nmfkit's includes tokenising."""
    analyzer = vectorizer.build_analyzer()
    tokens = [t for t in (analyzer(text) for text in texts) if t]
    topics = [t["terms"] for t in summary["topics"]]

    def gensim_c_v():
        return CoherenceModel(topics=topics, texts=tokens, dictionary=Dictionary(tokens),
                              coherence="c_v", topn=len(topics[0]), processes=1)\
            .get_coherence_per_topic()

    values, seconds = timed(gensim_c_v)
    ours = summary["coherence"]["c_v"]["per_topic"]
    worst = max(abs(a - b) / abs(b) for a, b in zip(ours, values))
    print(f"| c_v coherence, 20 topics × {len(topics[0])} words | {seconds:.2f} (gensim 4.2, "
          f"one process) | {summary['seconds']['coherence']:.2f} | "
          f"{seconds / summary['seconds']['coherence']:.0f}× | worst difference {worst:.1e} |")


def full_svd(binary, archive, home, work):
    print("\n## The notebook's full SVD (count matrix of 4 groups)\n")
    news = sklearn_corpus.fetch(home, "train", sklearn_corpus.NOTEBOOK_CATEGORIES,
                                sklearn_corpus.ALL_REMOVE)
    dense = CountVectorizer(stop_words="english").fit_transform(news["texts"]).toarray()
    nmfkit(binary, "vectorize", archive, "--categories", ",".join(
        sklearn_corpus.NOTEBOOK_CATEGORIES), "--remove", REMOVE, "--weighting", "count",
        "--out", work / "counts")
    ours = scipy.io.mmread(str(work / "counts" / "X.mtx")).toarray()
    assert np.array_equal(ours, dense), "nmfkit's count matrix differs from scikit-learn's"
    S_numpy, numpy_values = timed(lambda: np.linalg.svd(dense, compute_uv=False))
    _, numpy_vectors = timed(lambda: np.linalg.svd(dense, full_matrices=False))
    times = {}
    for flag in ["--no-vectors", None]:
        out = work / f"svd{flag or ''}"
        nmfkit(binary, "svd", work / "counts" / "X.mtx", "--out", out, *([flag] if flag else []))
        times[flag] = json.loads((out / "svd.json").read_text())["seconds"]
    S = np.load(work / "svd" / "singular_values.npy").ravel()
    # Relative to each value; the numerically zero ones (below 1e-8·σ₁) relative to σ₁.
    scale = np.where(S_numpy > 1e-8 * S_numpy[0], S_numpy, S_numpy[0])
    worst = np.max(np.abs(S - S_numpy) / scale)
    print(f"matrix {dense.shape[0]} × {dense.shape[1]}; worst difference from NumPy's singular "
          f"values {worst:.1e} (relative to each value; to σ₁ for values below 1e-8·σ₁)\n")
    print("| | NumPy s | nmfkit s | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| values only | {numpy_values:.1f} | {times['--no-vectors']:.2f} | "
          f"{numpy_values / times['--no-vectors']:.0f}× |")
    print(f"| values and vectors | {numpy_vectors:.1f} | {times[None]:.2f} | "
          f"{numpy_vectors / times[None]:.0f}× |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--data-dir", default="../shared/data", type=Path)
    parser.add_argument("--skip-full-svd", action="store_true",
                        help="NumPy's full SVD with reference LAPACK takes minutes")
    args = parser.parse_args()
    binary = str(Path(args.nmfkit).resolve())
    archive = (args.data_dir / "20news-bydate.tar.gz").resolve()
    with tempfile.TemporaryDirectory(prefix="nmfkit-bench-") as temp:
        work = Path(temp)
        home = work / "sklearn_home"
        sklearn_corpus.build_sklearn_cache(archive, home)
        topic_models(binary, archive, home, work)
        if not args.skip_full_svd:
            full_svd(binary, archive, home, work)


if __name__ == "__main__":
    main()
