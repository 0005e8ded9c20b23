"""Semantic NMF from Python: the word-context matrix against a NumPy transcription of the
SPPMI definition, and the joint fit against NMF of the stacked matrix."""

import numpy as np
import pytest
import scipy.sparse as sp

import nmfkit
from nmfkit.text import semantic_nmf, word_context_matrix

TEXTS = [
    "the shuttle launch to orbit was delayed by nasa engineers",
    "orbit insertion of the lunar probe and the moon landing site",
    "rocket engines launch pads and orbital mechanics of the shuttle",
    "god and the bible belief faith and the church",
    "atheism asks whether belief in god needs the bible at all",
    "the church and faith prayer and the word of god",
]


def sppmi_reference(texts, vocabulary, window, shift):
    index = {w: i for i, w in enumerate(vocabulary)}
    counts = np.zeros((len(vocabulary), len(vocabulary)))
    for tokens in texts:
        ids = [index[t] for t in tokens if t in index]
        for i in range(len(ids)):
            for j in range(i + 1, min(len(ids), i + window + 1)):
                counts[ids[i], ids[j]] += 1
                counts[ids[j], ids[i]] += 1
    marginal = counts.sum(axis=1)
    total = counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * total / np.outer(marginal, marginal))
    pmi[counts == 0] = 0
    return np.maximum(pmi - np.log(shift), 0)


@pytest.fixture
def corpus():
    vectorizer = nmfkit.text.TfidfVectorizer(stop_words="english")
    X = vectorizer.fit_transform(TEXTS)
    vocabulary = list(vectorizer.get_feature_names_out())
    return X, nmfkit.text.analyze(TEXTS), vocabulary


@pytest.mark.parametrize("window, shift", [(1, 1.0), (3, 1.0), (4, 2.0)])
def test_word_context_matrix_is_sppmi(corpus, window, shift):
    _, texts, vocabulary = corpus
    M = word_context_matrix(texts, vocabulary, window=window, shift=shift)
    assert sp.isspmatrix_csr(M) and M.shape == (len(vocabulary),) * 2
    np.testing.assert_allclose(M.toarray(), sppmi_reference(texts, vocabulary, window, shift),
                               rtol=1e-12, atol=1e-14)


def test_semantic_nmf_is_nmf_of_the_stacked_matrix(corpus):
    X, texts, vocabulary = corpus
    M = word_context_matrix(texts, vocabulary, window=3)
    weight = 0.7
    result = semantic_nmf(X, M, 3, context_weight=weight, init="nndsvda", random_state=0,
                          max_iter=300)
    scale = np.sqrt(weight) * sp.linalg.norm(X) / sp.linalg.norm(M)
    stacked = sp.vstack([X, scale * M]).tocsr()
    model = nmfkit.NMF(3, init="nndsvda", random_state=0, max_iter=300)
    W = model.fit_transform(stacked)
    np.testing.assert_allclose(result.components_, model.components_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.W, W[: X.shape[0]], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.contexts * scale, W[X.shape[0]:], rtol=1e-9, atol=1e-12)
    dense = X.toarray()
    assert result.document_error == pytest.approx(
        np.linalg.norm(dense - result.W @ result.components_) / np.linalg.norm(dense), rel=1e-9)


def test_semantic_bad_input_raises_value_error(corpus):
    X, texts, vocabulary = corpus
    with pytest.raises(ValueError, match="too small"):
        word_context_matrix(texts, vocabulary, window=40)
    M = word_context_matrix(texts, vocabulary, window=2)
    with pytest.raises(ValueError, match="context weight"):
        semantic_nmf(X, M, 2, context_weight=-1)
    with pytest.raises(ValueError, match="columns"):
        semantic_nmf(X, M[:, :5], 2)


def test_topic_views_from_python(corpus):
    import json
    X, texts, vocabulary = corpus
    model = nmfkit.NMF(2, init="nndsvda", random_state=0)
    W = model.fit_transform(X)
    H = model.components_
    views = nmfkit.text.topic_views(W, H, texts, vocabulary, relevance_lambda=1.0, n_terms=3)
    np.testing.assert_allclose(views.word_distributions, H / H.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(views.proportions.sum(axis=1), 1)
    for topic, rows in enumerate(views.relevant_terms):
        assert [r[0] for r in rows] == list(np.argsort(-views.word_distributions[topic],
                                                       kind="stable")[:3])
    assert views.log_fold_change.shape == H.shape
    assert set(json.loads(views.ldavis)) >= {"mdsDat", "tinfo", "token.table", "topic.order"}
    with pytest.raises(ValueError, match="vsnull or le"):
        nmfkit.text.topic_views(W, H, texts, vocabulary, fold_change="mean")
