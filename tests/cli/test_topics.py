"""`nmfkit vectorize` and `nmfkit topics` end to end: small corpora of each kind against
scikit-learn, the classic notebook on the real 20 newsgroups against scikit-learn and
gensim (references from tests/oracles/sklearn_topics.py), and every kind of bad input."""

import io
import json
import os
import tarfile
from pathlib import Path

import numpy as np
import pytest
import scipy.io
import scipy.sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

NOTEBOOK_CATEGORIES = "alt.atheism,talk.religion.misc,comp.graphics,sci.space"
ARCHIVE = Path(os.environ.get("NMFKIT_DATA_DIR", "../shared/data")) / "20news-bydate.tar.gz"

DOCUMENTS = {
    "space": ["The shuttle launch to orbit was delayed by NASA.",
              "Orbit insertion of the lunar probe; the moon landing site.",
              "Rocket engines, launch pads and orbital mechanics of the shuttle."],
    "religion": ["God and the bible: belief, faith and the church.",
                 "Atheism asks whether belief in God needs the bible.",
                 "The church and faith, prayer and god's word."],
}


def read_tsv(path):
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def notebook_reference():
    path = Path(os.environ.get("NMFKIT_REFERENCE_DIR", "")) / "topics" / "notebook.json"
    if not path.exists():
        pytest.skip(f"{path} is missing (the oracle sklearn_topics.py writes it)")
    reference = json.loads(path.read_text())
    if not reference["available"]:
        pytest.skip(reference["note"])
    return reference


@pytest.fixture
def tree(nmfkit):
    """A corpus folder with one folder per label, as the 20 newsgroups layout."""
    root = nmfkit.workdir / "corpus"
    for label, texts in DOCUMENTS.items():
        (root / label).mkdir(parents=True)
        for i, text in enumerate(texts):
            (root / label / f"{i}.txt").write_text(text)
    return root


def test_vectorize_folder_matches_scikit_learn(nmfkit, tree):
    nmfkit.ok("vectorize", tree, "--weighting", "count", "--order", "sorted", "--out", "vec")
    documents = read_tsv(nmfkit.workdir / "vec" / "documents.tsv")
    texts = [(tree / d["document"]).read_text() for d in documents]
    assert [d["label"] for d in documents] == ["religion"] * 3 + ["space"] * 3
    reference = CountVectorizer(stop_words="english")
    expected = reference.fit_transform(texts).toarray()
    vocabulary = (nmfkit.workdir / "vec" / "vocabulary.txt").read_text().splitlines()
    assert vocabulary == list(reference.get_feature_names_out())
    X = scipy.io.mmread(str(nmfkit.workdir / "vec" / "X.mtx")).toarray()
    np.testing.assert_array_equal(X, expected)


def test_vectorize_lines_and_tsv_with_tfidf_options(nmfkit):
    texts = [t for group in DOCUMENTS.values() for t in group]
    (nmfkit.workdir / "docs.txt").write_text("\n".join(texts) + "\n")
    (nmfkit.workdir / "docs.tsv").write_text(
        "".join(f"{label}\t{t}\n" for label, group in DOCUMENTS.items() for t in group))
    expected = TfidfVectorizer(stop_words="english", sublinear_tf=True, norm="l1",
                               min_df=2).fit_transform(texts).toarray()
    for name in ["docs.txt", "docs.tsv"]:
        out = name.replace(".", "_")
        nmfkit.ok("vectorize", name, "--sublinear-tf", "--norm", "l1", "--min-df", "2",
                  "--out", out)
        X = scipy.io.mmread(str(nmfkit.workdir / out / "X.mtx")).toarray()
        np.testing.assert_allclose(X, expected, rtol=1e-12, atol=0)
    labels = [d["label"] for d in read_tsv(nmfkit.workdir / "docs_tsv" / "documents.tsv")]
    assert labels == ["space"] * 3 + ["religion"] * 3


def test_topics_on_a_small_corpus_writes_a_complete_model(nmfkit, tree):
    result = nmfkit.ok("topics", tree, "--k", "2", "--seed", "0", "--top", "4", "--out", "model")
    assert "top terms" in result.stdout
    out = nmfkit.workdir / "model"
    assert sorted(p.name for p in out.iterdir()) == [
        "H.npy", "distinctive_terms.tsv", "doc_topics.npy", "documents.tsv", "ldavis.json",
        "log_fold_change.npy", "model.json", "relevance.tsv", "report.html", "result.json", "summary.json",
        "top_documents.tsv", "topic_proportions.npy", "topics.tsv", "vectorizer.json",
        "vocabulary.txt", "word_distributions.npy"]
    W = np.load(out / "doc_topics.npy")
    H = np.load(out / "H.npy")
    vocabulary = (out / "vocabulary.txt").read_text().splitlines()
    assert W.shape == (6, 2) and H.shape == (2, len(vocabulary))
    rows = read_tsv(out / "topics.tsv")
    assert len(rows) == 8
    for row in rows:  # each listed term is the one H ranks there
        topic, rank = int(row["topic"]), int(row["rank"])
        assert vocabulary[int(np.argsort(H[topic])[::-1][rank - 1])] == row["term"]
        assert float(row["weight"]) == pytest.approx(H[topic].max() if rank == 1 else
                                                     np.sort(H[topic])[::-1][rank - 1])
    topics = [int(d["topic"]) for d in read_tsv(out / "documents.tsv")]
    assert topics == list(np.argmax(W, axis=1))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["k"] == 2 and summary["documents"] == 6
    assert set(summary["coherence"]) == {"c_v", "c_npmi", "u_mass"}
    assert 0 <= summary["label_scores"]["purity"] <= 1
    # The folder is a model `transform` reads.
    scipy.io.mmwrite(str(nmfkit.workdir / "X.mtx"),
                     scipy.sparse.csr_matrix(np.ones((1, len(vocabulary)))))
    nmfkit.ok("transform", "model", "X.mtx", "--out", "codes.npy")
    assert np.load(nmfkit.workdir / "codes.npy").shape == (1, 2)


def test_notebook_topics_equal_scikit_learn_and_gensim(nmfkit):
    reference = notebook_reference()
    result = nmfkit.ok("topics", ARCHIVE.resolve(), "--categories", NOTEBOOK_CATEGORIES,
                       "--remove", "headers,footers,quotes", "--k", "5", "--init", "nndsvd",
                       "--solver", "cd", "--seed", "1", "--top", "8", "--save-matrix",
                       "--out", "news")
    out = nmfkit.workdir / "news"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == reference["documents"] == 2034
    assert [summary["matrix"]["rows"], summary["matrix"]["cols"]] == reference["tfidf_shape"]
    assert summary["matrix"]["nnz"] == reference["tfidf_nnz"] == 133635
    assert round(summary["reconstruction_error"], 4) == 43.7129
    assert summary["reconstruction_error"] == pytest.approx(reference["reconstruction_err"],
                                                            rel=1e-9)
    assert summary["n_iter"] == reference["n_iter"]
    assert [t["terms"] for t in summary["topics"]] == reference["topics"]
    assert "space nasa launch shuttle orbit moon lunar earth" in result.stdout
    for measure, values in reference["coherence"].items():
        np.testing.assert_allclose(summary["coherence"][measure]["per_topic"], values,
                                   rtol=1e-9, err_msg=measure)
    topics = [int(d["topic"]) for d in read_tsv(out / "documents.tsv")]
    W = np.load(out / "doc_topics.npy")
    empty = ~W.any(axis=1)  # documents left empty by the stop words: no topic
    assert [t for t, e in zip(topics, empty) if not e] == \
        [t for t, e in zip(reference["dominant_topic"], empty) if not e]
    assert all(t == -1 for t, e in zip(topics, empty) if e)
    assert summary["labels"] == reference["labels"]


def test_notebook_randomized_svd_residual(nmfkit):
    reference = notebook_reference()
    nmfkit.ok("vectorize", ARCHIVE.resolve(), "--categories", NOTEBOOK_CATEGORIES,
              "--remove", "headers,footers,quotes", "--out", "news")
    nmfkit.ok("svd", "news/X.mtx", "--method", "randomized", "--k", "5", "--seed", "1",
              "--out", "svd")
    X = scipy.io.mmread(str(nmfkit.workdir / "news" / "X.mtx"))
    S = np.load(nmfkit.workdir / "svd" / "singular_values.npy").ravel()
    residual = np.sqrt(X.multiply(X).sum() - np.sum(S**2))
    assert round(residual, 4) == 43.6991
    np.testing.assert_allclose(S, reference["randomized_svd_values"], rtol=1e-9)


# ---------------------------------------------------------------------------- bad input

def truncated_archive(path):
    """A .tar.gz cut inside its only member (random bytes, so gzip cannot shrink them)."""
    data = np.random.RandomState(0).bytes(20000)
    whole = io.BytesIO()
    with tarfile.open(fileobj=whole, mode="w:gz") as archive:
        info = tarfile.TarInfo("news/a/1")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    path.write_bytes(whole.getvalue()[:5000])


@pytest.mark.parametrize("setup, args, mentions", [
    (lambda w: (w / "empty.txt").write_text(""), ["empty.txt"], ["empty"]),
    (lambda w: (w / "stop.txt").write_text("the and of\nwe are\n"), ["stop.txt"],
     ["vocabulary"]),
    (lambda w: (w / "docs.txt").write_text("alpha beta\nbeta gamma\n"),
     ["docs.txt", "--min-df", "3"], ["min_df"]),
    (lambda w: (w / "docs.txt").write_text("alpha beta\nbeta gamma\n"),
     ["docs.txt", "--min-df", "0.9", "--max-df", "0.5"], ["max_df"]),
    (lambda w: truncated_archive(w / "bad.tar.gz"), ["bad.tar.gz"], ["bad.tar.gz", "truncated"]),
    (lambda w: (w / "junk.tar.gz").write_bytes(b"not an archive" * 10), ["junk.tar.gz"],
     ["junk.tar.gz"]),
    (lambda w: None, ["missing-folder"], ["missing-folder"]),
    (lambda w: (w / "docs.tsv").write_text("a\tone two\nno label column here\n"),
     ["docs.tsv"], ["docs.tsv", "line 2"]),
])
def test_bad_corpora_fail_cleanly(nmfkit, setup, args, mentions):
    setup(nmfkit.workdir)
    before = nmfkit.files()
    for command in (["vectorize"], ["topics", "--k", "2"]):
        nmfkit.fails(*command, *args, "--out", "out", mentions=mentions)
        assert nmfkit.files() == before


def test_k_larger_than_the_vocabulary_fails_cleanly(nmfkit):
    (nmfkit.workdir / "docs.txt").write_text("alpha beta\nbeta gamma\n")
    nmfkit.fails("topics", "docs.txt", "--k", "4", "--out", "out",
                 mentions=["--k 4", "vocabulary (3 terms)"])
    assert "out" not in nmfkit.files()


def test_unknown_category_fails_cleanly(nmfkit, tree):
    nmfkit.fails("topics", tree, "--k", "2", "--categories", "space,cooking", "--out", "out",
                 mentions=["cooking"])
    assert "out" not in nmfkit.files()


def test_undecodable_bytes_are_read(nmfkit):
    (nmfkit.workdir / "docs.txt").write_bytes(b"caf\xe9 cr\xe8me\n\xff\xfe broken bytes here\n")
    nmfkit.ok("vectorize", "docs.txt", "--stop-words", "none", "--out", "vec")
    vocabulary = (nmfkit.workdir / "vec" / "vocabulary.txt").read_text().splitlines()
    assert "café" in vocabulary and "broken" in vocabulary


def test_semantic_topics_write_the_model_and_its_parts(nmfkit, tree):
    result = nmfkit.ok("topics", tree, "--k", "2", "--seed", "0", "--top", "4",
                       "--model", "semantic", "--window", "3", "--context-weight", "0.5",
                       "--save-matrix", "--out", "model")
    assert "semantic   window 3" in result.stdout
    out = nmfkit.workdir / "model"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "semantic"
    semantic = summary["semantic"]
    assert semantic["window"] == 3 and semantic["context_weight"] == 0.5
    assert semantic["word_context_nnz"] > 0
    assert 0 < semantic["document_error"] < 1 and 0 < semantic["context_error"] < 1
    W = np.load(out / "doc_topics.npy")
    H = np.load(out / "H.npy")
    vocabulary = (out / "vocabulary.txt").read_text().splitlines()
    assert W.shape == (6, 2) and H.shape == (2, len(vocabulary))
    # The documents' own error, from the written factors and the tf-idf matrix.
    X = scipy.io.mmread(str(out / "X.mtx")).toarray()
    assert np.linalg.norm(X - W @ H) / np.linalg.norm(X) == pytest.approx(
        semantic["document_error"], rel=1e-6)


def test_semantic_k_auto_uses_stability(nmfkit, tree):
    result = nmfkit.ok("topics", tree, "--k", "auto", "--select-range", "2:3", "--seed", "0",
                       "--model", "semantic", "--window", "2", "--out", "model")
    assert "stability" in result.stdout
    summary = json.loads((nmfkit.workdir / "model" / "summary.json").read_text())
    assert summary["k"] in (2, 3)


@pytest.mark.parametrize("args, mentions", [
    (["--model", "semantic", "--window", "50"], ["too small for a word-context window of 50"]),
    (["--model", "semantic", "--window", "0"], ["window must be at least 1"]),
    (["--model", "semantic", "--context-weight", "0"], ["context weight"]),
    (["--model", "semantic", "--pmi-shift", "0.5"], ["PMI shift"]),
    (["--window", "3"], ["apply to --model semantic"]),
    (["--model", "semantic", "--beta-loss", "kullback-leibler", "--solver", "mu"],
     ["Frobenius"]),
])
def test_bad_semantic_options_fail_cleanly(nmfkit, tree, args, mentions):
    before = nmfkit.files()
    nmfkit.fails("topics", tree, "--k", "2", *args, "--out", "out", mentions=mentions)
    assert nmfkit.files() == before


def test_topic_views_are_consistent_with_the_factors(nmfkit, tree):
    """The multinomial view, relevance at λ = 1 and the LDAvis JSON from `topics`."""
    nmfkit.ok("topics", tree, "--k", "2", "--seed", "0", "--top", "5",
              "--relevance-lambda", "1", "--lfc", "vsnull", "--out", "model")
    out = nmfkit.workdir / "model"
    W, H = np.load(out / "doc_topics.npy"), np.load(out / "H.npy")
    L, F = np.load(out / "topic_proportions.npy"), np.load(out / "word_distributions.npy")
    np.testing.assert_allclose(F, H / H.sum(axis=1, keepdims=True), rtol=1e-12)
    nonempty = W.any(axis=1)
    np.testing.assert_allclose(L[nonempty].sum(axis=1), 1, rtol=1e-12)
    scaled = W * H.sum(axis=1)
    np.testing.assert_allclose(L[nonempty], (scaled / scaled.sum(axis=1, keepdims=True))[nonempty],
                               rtol=1e-12)
    # λ = 1 ranks by probability, which is H's row order.
    relevance = read_tsv(out / "relevance.tsv")
    vocabulary = (out / "vocabulary.txt").read_text().splitlines()
    for topic in range(2):
        terms = [r["term"] for r in relevance if int(r["topic"]) == topic]
        probabilities = [float(r["probability"]) for r in relevance if int(r["topic"]) == topic]
        assert probabilities == sorted(probabilities, reverse=True)
        assert probabilities[0] == pytest.approx(F[topic].max(), rel=1e-5)
        assert set(terms) <= set(vocabulary)
    # vsnull: log2 of the topic's rate over the term's share of the tokens.
    counts = CountVectorizer(stop_words="english", vocabulary=vocabulary)
    texts = [p.read_text() for p in sorted(tree.rglob("*.txt"))]
    frequency = np.asarray(counts.fit_transform(texts).sum(axis=0)).ravel()
    lfc = np.load(out / "log_fold_change.npy")
    p = frequency / frequency.sum()
    present = F > 0
    np.testing.assert_allclose(lfc[present], np.log2((F / p)[present]), rtol=1e-12)
    ldavis = json.loads((out / "ldavis.json").read_text())
    assert sorted(ldavis["topic.order"]) == [1, 2]
    assert sum(ldavis["mdsDat"]["Freq"]) == pytest.approx(100)
    assert set(ldavis["tinfo"]) == {"Term", "Freq", "Total", "Category", "logprob", "loglift"}
    assert ldavis["R"] == 30 and ldavis["lambda.step"] == 0.01


def test_bad_topic_view_options_fail_cleanly(nmfkit, tree):
    before = nmfkit.files()
    nmfkit.fails("topics", tree, "--k", "2", "--relevance-lambda", "1.5", "--out", "out",
                 mentions=["--relevance-lambda"])
    nmfkit.fails("topics", tree, "--k", "2", "--lfc", "mean", "--out", "out", mentions=["--lfc"])
    assert nmfkit.files() == before
