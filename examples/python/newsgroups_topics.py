#!/usr/bin/python3
"""Topic modelling of four newsgroups with NMF — the classic fast.ai notebook
("Topic Modelling using NMF and SVD") with nmfkit in place of scikit-learn's NMF.

The notebook fetches the posts with scikit-learn's fetch_20newsgroups, builds word counts
and tf-idf with scikit-learn's vectorisers, factorises them with
decomposition.NMF(n_components=5, random_state=1) and prints each topic with its
show_topics(). Here nmfkit reads the same archive (same documents, same order), vectorises
with the same semantics and fits the same model; the topics printed are the notebook's.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/newsgroups_topics.py \
        [--data ../shared/data/20news-bydate.tar.gz] [--compare-sklearn]

The notebook ran scikit-learn < 1.1, whose default init was 'nndsvd' (it warns about the
coming change to 'nndsvda'), so init='nndsvd' is spelled out here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import nmfkit
import nmfkit.text

CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]
REMOVE = ("headers", "footers", "quotes")

# What the notebook printed.
NOTEBOOK_COUNT_TOPICS = [
    "version quality format images color file gif image",
    "3d send ftp ray 128 mail pub graphics",
    "data market year satellites commercial nasa satellite launch",
    "just said atheism does atheists matthew people god",
    "images analysis edu ftp processing software available data",
]
NOTEBOOK_TFIDF_TOPICS = [
    "know morality say objective like just think don",
    "format know windows program file image files thanks",
    "station earth lunar moon orbit shuttle launch nasa",
    "vice queens sank manhattan bronx beauchaine tek bobbe",
    "faith belief does atheism christian believe bible jesus",
]
NOTEBOOK_TFIDF_ERROR = 43.71292605795258


def show_topics(v_mat: np.ndarray, vocab: np.ndarray, n_docs: int = 10, n_top_words: int = 8) -> list[str]:
    """The notebook's helper, as it is: words 2..9 of each topic, in ascending order."""
    v_docs = v_mat[:n_docs]
    return [" ".join(gw) for gw in vocab[np.argsort(v_docs)[:, -(n_top_words + 1) : -1]]]


def report(title: str, shown: list[str], expected: list[str], H: np.ndarray, vocab: np.ndarray) -> bool:
    """Prints the topics and whether they are the notebook's. Words of exactly equal weight
    in a topic (a term seen in a single document ties with its neighbours there) may come
    in either order: np.argsort does not promise an order for ties."""
    print(f"\n{title}")
    column = {word: j for j, word in enumerate(vocab)}
    same = len(shown) == len(expected)
    for topic, (ours, theirs) in enumerate(zip(shown, expected)):
        a, b = ours.split(), theirs.split()
        ties_only = sorted(a) == sorted(b) and all(
            H[topic, column[x]] == H[topic, column[y]] for x, y in zip(a, b) if x != y
        )
        note = "" if a == b else ("   (tied words in another order)" if ties_only else f"   notebook: {theirs}")
        print(f"  {ours}{note}")
        same &= ties_only
    print("  the notebook's topics" if same else "  NOT the notebook's topics")
    return same


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=repo.parent / "shared" / "data" / "20news-bydate.tar.gz")
    parser.add_argument("--compare-sklearn", action="store_true", help="also fit scikit-learn's NMF and compare")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"20 newsgroups archive not found: {args.data} (pass --data)", file=sys.stderr)
        return 2

    newsgroups_train = nmfkit.text.read_corpus(args.data, subset="train", categories=CATEGORIES, remove=REMOVE)
    print(f"data {len(newsgroups_train.data)}, target names {newsgroups_train.target_names}")

    # Word counts, and NMF on them.
    vectorizer = nmfkit.text.CountVectorizer(stop_words="english")
    vectors = vectorizer.fit_transform(newsgroups_train.data)
    vocab = np.array(vectorizer.get_feature_names_out())
    print(f"count matrix {vectors.shape}, vocabulary {vocab.shape[0]} words, vocab[7000:7005] = {list(vocab[7000:7005])}")
    clf = nmfkit.NMF(n_components=5, init="nndsvd", random_state=1)
    W1 = clf.fit_transform(vectors.astype(np.float64))
    ok = report("NMF of word counts (show_topics)", show_topics(clf.components_, vocab), NOTEBOOK_COUNT_TOPICS,
                clf.components_, vocab)

    # tf-idf, and NMF on it.
    vectorizer = nmfkit.text.TfidfVectorizer(stop_words="english")
    vectors = vectorizer.fit_transform(newsgroups_train.data)
    vocab = np.array(vectorizer.get_feature_names_out())
    clf = nmfkit.NMF(n_components=5, init="nndsvd", random_state=1)
    start = time.perf_counter()
    W1 = clf.fit_transform(vectors)
    seconds = time.perf_counter() - start
    ok &= report("NMF of tf-idf (show_topics)", show_topics(clf.components_, vocab), NOTEBOOK_TFIDF_TOPICS,
                 clf.components_, vocab)
    # The notebook ran an older scikit-learn; 1.2.1 gives nmfkit's value to ~1e-13.
    print(f"  reconstruction_err_ {clf.reconstruction_err_:.10f} (notebook {NOTEBOOK_TFIDF_ERROR:.10f}), "
          f"{clf.n_iter_} iterations, fit_transform {seconds:.3f} s, W {W1.shape}")
    ok &= abs(clf.reconstruction_err_ - NOTEBOOK_TFIDF_ERROR) < 1e-6 * NOTEBOOK_TFIDF_ERROR

    # The same topics ranked properly: every top word, largest first.
    print("\nTop 8 words per tf-idf topic (nmfkit.text.top_words)")
    for i, words in enumerate(nmfkit.text.top_words(clf, vectorizer, 8)):
        print(f"  topic {i}: {' '.join(words)}")

    if args.compare_sklearn:
        from sklearn.decomposition import NMF

        start = time.perf_counter()
        reference = NMF(n_components=5, init="nndsvd", random_state=1)
        W2 = reference.fit_transform(vectors)
        sk_seconds = time.perf_counter() - start
        diff = np.abs(clf.components_ - reference.components_).max() / np.abs(reference.components_).max()
        print(f"\nscikit-learn: reconstruction_err_ {reference.reconstruction_err_:.10f}, {reference.n_iter_} "
              f"iterations, fit_transform {sk_seconds:.3f} s; max |H difference| / max |H| = {diff:.1e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
