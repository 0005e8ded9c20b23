#!/usr/bin/python3
"""Writes the references for the end-to-end topic-model tests: the classic notebook's
pipeline run by scikit-learn and gensim on the real 20 newsgroups archive.

The notebook's corpus: fetch_20newsgroups(subset='train', categories=[alt.atheism,
talk.religion.misc, comp.graphics, sci.space], remove=(headers, footers, quotes)), read
offline through sklearn_corpus.py's copy of the local tarball. Then, as the notebook does:
TfidfVectorizer(stop_words='english'), NMF(5, init='nndsvd', random_state=1) and its top 8
words per topic, randomized_svd(k=5, random_state=1) and its residual norm; and gensim's
CoherenceModel on those topics over the analysed documents (empty ones left out).

    /usr/bin/python3 tests/oracles/sklearn_topics.py --out build/references \
        --data-dir ../shared/data

It writes --out/topics/notebook.json (or, without the archive, why not).
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.utils.extmath import randomized_svd

sys.path.insert(0, str(Path(__file__).parent))
import sklearn_corpus  # noqa: E402  (the offline fetch_20newsgroups)

TOP = 8


def notebook(archive):
    with tempfile.TemporaryDirectory(prefix="nmfkit-sklearn-") as home:
        sklearn_corpus.build_sklearn_cache(archive, home)
        news = sklearn_corpus.fetch(home, "train", sklearn_corpus.NOTEBOOK_CATEGORIES,
                                    sklearn_corpus.ALL_REMOVE)
    texts = news["texts"]
    counts = CountVectorizer(stop_words="english").fit_transform(texts)

    tfidf = TfidfVectorizer(stop_words="english")
    X = tfidf.fit_transform(texts)
    vocabulary = tfidf.get_feature_names_out()
    started = time.perf_counter()
    model = NMF(n_components=5, init="nndsvd", random_state=1)
    W = model.fit_transform(X)
    nmf_seconds = time.perf_counter() - started
    topics = [[str(vocabulary[i]) for i in np.argsort(row)[:-TOP - 1:-1]]
              for row in model.components_]

    _, S, _ = randomized_svd(X, 5, random_state=1)
    residual = float(np.sqrt(max(X.multiply(X).sum() - np.sum(S**2), 0)))

    analyzer = tfidf.build_analyzer()
    tokens = [t for t in (analyzer(text) for text in texts) if t]
    dictionary = Dictionary(tokens)
    coherence = {}
    for measure in ["c_v", "c_npmi", "u_mass"]:
        cm = CoherenceModel(topics=topics, texts=tokens, dictionary=dictionary,
                            coherence=measure, topn=TOP)
        coherence[measure] = [float(v) for v in cm.get_coherence_per_topic()]

    return {"available": True, "documents": len(texts), "labels": news["label_names"],
            "counts_shape": list(counts.shape), "counts_nnz": int(counts.nnz),
            "tfidf_shape": list(X.shape), "tfidf_nnz": int(X.nnz),
            "reconstruction_err": float(model.reconstruction_err_), "n_iter": int(model.n_iter_),
            "nmf_seconds": nmf_seconds, "top": TOP, "topics": topics,
            "dominant_topic": [int(t) for t in np.argmax(W, axis=1)],
            "randomized_svd_residual": residual, "randomized_svd_values": S.tolist(),
            "coherence": coherence}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "topics"
    out.mkdir(parents=True, exist_ok=True)
    archive = (args.data_dir / "20news-bydate.tar.gz").resolve()
    if archive.exists():
        result = notebook(archive)
        print(f"wrote the notebook's topics ({result['documents']} documents) to {out}")
    else:
        result = {"available": False, "note": f"{archive} is absent; no topic references"}
        print(result["note"])
    (out / "notebook.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
