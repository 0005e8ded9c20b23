"""nmfkit.TopicModel: a planted corpus is recovered, the result equals `nmfkit topics` on the
same corpus (top terms, weights, coherence, factors, label scores), and bad input raises
ValueError with the core's message."""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import nmfkit

BIN = os.environ.get("NMFKIT_BIN")
needs_cli = pytest.mark.skipif(not BIN, reason="NMFKIT_BIN (the nmfkit CLI) is not set")

# Three planted topics, each with its own words; every document draws from one.
PLANTED = {
    "space": ["rocket", "orbit", "launch", "shuttle", "moon", "lunar", "astronaut"],
    "church": ["church", "faith", "prayer", "bible", "belief", "sermon", "gospel"],
    "music": ["guitar", "drums", "melody", "concert", "song", "chorus", "rhythm"],
}


def planted_corpus(documents_per_topic=8, words_per_document=8):
    rng = np.random.RandomState(0)
    documents, labels = [], []
    for label, words in PLANTED.items():
        for _ in range(documents_per_topic):
            documents.append(" ".join(rng.choice(words, words_per_document)))
            labels.append(label)
    return documents, labels


def fit(**params):
    documents, labels = planted_corpus()
    params = {"n_components": 3, "random_state": 0, "n_top_words": 5, **params}
    return nmfkit.TopicModel(**params).fit(documents, labels=labels), documents, labels


def test_planted_topics_are_recovered():
    model, documents, labels = fit()
    vocabulary = sorted({w for words in PLANTED.values() for w in words})
    assert model.vocabulary_ == vocabulary
    assert model.components_.shape == (3, len(vocabulary))
    assert model.doc_topic_.shape == (len(documents), 3)
    groups = {frozenset(words) for words in PLANTED.values()}
    for terms in model.top_terms_:  # each topic's terms come from one planted topic
        assert len(terms) == 5
        assert any(set(terms) <= group for group in groups), terms
    assert model.label_scores_["purity"] == pytest.approx(1.0)
    assert model.label_scores_["ari"] == pytest.approx(1.0)
    assert set(model.coherence_) == {"c_v", "c_npmi", "u_mass"}
    assert all(v.shape == (3,) for v in model.coherence_.values())
    np.testing.assert_allclose(model.proportions_.sum(axis=1), 1, rtol=1e-12)
    assert model.top_words() == model.top_terms_
    assert model.top_words(2) == [terms[:2] for terms in model.top_terms_]
    assert list(model.get_feature_names_out()) == vocabulary
    # New documents of one planted topic go to the topic that holds its words.
    codes = model.transform(["rocket orbit moon launch", "guitar song melody drums"])
    assert codes.shape == (2, 3) and (codes >= 0).all()
    space = next(k for k, t in enumerate(model.top_terms_) if set(t) <= set(PLANTED["space"]))
    assert np.argmax(codes[0]) == space


def test_a_pickled_model_transforms_as_the_original():
    import pickle

    model, _, _ = fit(weighting="tfidf", sublinear_tf=True)
    copy = pickle.loads(pickle.dumps(model))
    new = ["rocket orbit moon launch launch", "guitar song melody drums prayer"]
    np.testing.assert_array_equal(copy.transform(new), model.transform(new))
    np.testing.assert_array_equal(copy.components_, model.components_)
    assert copy.top_terms_ == model.top_terms_
    # The vectorisers pickle too, fitted (vocabulary, idf) or not.
    vectorizer = nmfkit.text.TfidfVectorizer().fit(new)
    again = pickle.loads(pickle.dumps(vectorizer))
    assert (again.transform(new) != vectorizer.transform(new)).nnz == 0


def test_the_number_of_topics_can_be_chosen():
    documents, labels = planted_corpus(documents_per_topic=12)
    model = nmfkit.TopicModel("auto", k_range="2:5", random_state=0, n_top_words=5)
    model.fit(documents, labels=labels)
    assert model.selection_ is not None
    assert list(model.selection_.scores.index) == [2, 3, 4, 5]
    assert model.n_components_ == model.selection_.k == 3
    assert model.components_.shape[0] == 3 and len(model.top_terms_) == 3
    assert fit()[0].selection_ is None  # a given number of topics selects nothing
    with pytest.raises(ValueError, match="method"):
        nmfkit.TopicModel("auto", select_method="best").fit(documents)


def test_same_seed_same_model_and_params_follow_scikit_learn():
    first, _, _ = fit()
    second, _, _ = fit()
    np.testing.assert_array_equal(first.components_, second.components_)
    assert first.random_state_ == 0
    params = nmfkit.TopicModel().get_params()
    assert params["n_components"] == 10 and params["weighting"] == "tfidf"
    assert params["n_top_words"] == 10 and params["coherence"] == ("c_v", "c_npmi", "u_mass")


def cli_topics(workdir, corpus, *args):
    done = subprocess.run([BIN, "topics", corpus, *map(str, args), "--no-report"], cwd=workdir,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def read_tsv(path):
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


@needs_cli
@pytest.mark.parametrize("options, flags", [
    ({}, []),
    ({"weighting": "count", "coherence": ("c_uci", "u_mass"), "n_top_documents": 3},
     ["--weighting", "count", "--coherence", "c_uci,u_mass", "--top-documents", "3"]),
    ({"model": "semantic", "window": 2}, ["--model", "semantic", "--window", "2"]),
])
def test_equals_the_cli_on_the_same_corpus(tmp_path, options, flags):
    documents, labels = planted_corpus()
    (tmp_path / "docs.tsv").write_text("".join(f"{l}\t{d}\n" for l, d in zip(labels, documents)))
    cli_topics(tmp_path, "docs.tsv", "--k", 3, "--seed", 0, "--top", 5, *flags, "--out", "out")
    out = tmp_path / "out"
    for X in (documents, tmp_path / "docs.tsv"):  # the documents, or the corpus path
        model = nmfkit.TopicModel(3, random_state=0, n_top_words=5, **options).fit(
            X, labels=labels if X is documents else None)
        assert model.vocabulary_ == (out / "vocabulary.txt").read_text().splitlines()
        np.testing.assert_array_equal(model.components_, np.load(out / "H.npy"))
        np.testing.assert_array_equal(model.doc_topic_, np.load(out / "doc_topics.npy"))
        rows = read_tsv(out / "topics.tsv")
        for k, (terms, weights) in enumerate(zip(model.top_terms_, model.top_term_weights_)):
            topic = [r for r in rows if int(r["topic"]) == k]
            assert terms == [r["term"] for r in topic]
            np.testing.assert_allclose(weights, [float(r["weight"]) for r in topic], rtol=1e-8)
        summary = json.loads((out / "summary.json").read_text())
        assert [t["terms"] for t in summary["topics"]] == model.top_terms_
        assert set(summary["coherence"]) == set(model.coherence_)
        for measure, values in summary["coherence"].items():
            np.testing.assert_array_equal(model.coherence_[measure], values["per_topic"])
        assert summary["topic_diversity"] == model.topic_diversity_
        assert summary["label_scores"] == model.label_scores_
        assert summary["reconstruction_error"] == model.reconstruction_err_
        assert summary["n_iter"] == model.n_iter_
        np.testing.assert_array_equal(model.log_fold_change_, np.load(out / "log_fold_change.npy"))
        assert model.ldavis_ + "\n" == (out / "ldavis.json").read_text()
        if options.get("model") == "semantic":
            assert model.semantic_["document_error"] == summary["semantic"]["document_error"]


@pytest.mark.parametrize("params, documents, mentions", [
    ({"n_components": 0}, None, "n_components"),
    ({"n_components": 40}, None, "larger than the vocabulary"),
    ({"weighting": "bm25"}, None, "weighting"),
    ({"coherence": ("c_x",)}, None, "c_x"),
    ({"relevance_lambda": 1.5}, None, "relevance_lambda"),
    ({"fold_change": "mean"}, None, "mean"),
    ({"model": "lda"}, None, "lda"),
    ({"model": "semantic", "window": 0}, None, "window"),
    ({"n_top_words": 0}, None, "top_terms"),
    ({"min_df": 0.9, "max_df": 0.1}, None, "max_df"),
    ({}, [], "empty"),
    ({}, ["the and of", "we are"], "vocabulary"),
    ({}, ["rocket orbit", 3], "str"),
])
def test_bad_input_raises_value_error_with_one_line(params, documents, mentions):
    corpus, _ = planted_corpus()
    with pytest.raises(ValueError) as error:
        nmfkit.TopicModel(**{"n_components": 2, **params}).fit(
            corpus if documents is None else documents)
    message = str(error.value)
    assert mentions in message and "\n" not in message


def test_labels_must_match_the_documents():
    documents, labels = planted_corpus()
    with pytest.raises(ValueError, match="labels for"):
        nmfkit.TopicModel(2).fit(documents, labels=labels[:-1])


def test_a_missing_corpus_path_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        nmfkit.TopicModel(2).fit(tmp_path / "missing")
