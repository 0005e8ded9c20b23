"""nmfkit.text against scikit-learn's vectorisers, and the notebook's topics."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.feature_extraction import text as sktext

import nmfkit
import nmfkit.text as nt

DOCS = [
    "The quick brown fox jumps over the lazy dog.",
    "Never jump over the lazy dog quickly; the dog sleeps.",
    "Bright sunny day — Über café naïve résumé, 42 foxes!",
    "A a I x y: single letters are no tokens, but ab is.",
    "",
    "Dog dog dog DOG cat",
]


def same_matrix(A, B, rtol=1e-12):
    assert A.shape == B.shape
    assert abs(A - B).max() <= rtol * max(abs(B).max(), 1)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"stop_words": "english"},
        {"lowercase": False},
        {"min_df": 2},
        {"max_df": 0.5, "min_df": 1},
        {"max_features": 5},
        {"binary": True},
        {"stop_words": ["dog", "lazy"]},
    ],
)
def test_count_vectorizer_equals_sklearn(params):
    ours, theirs = nt.CountVectorizer(**params), sktext.CountVectorizer(**params)
    X, Y = ours.fit_transform(DOCS), theirs.fit_transform(DOCS)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert ours.vocabulary_ == theirs.vocabulary_
    assert ours.stop_words_ == theirs.stop_words_
    assert X.dtype == Y.dtype == np.int64 and sp.isspmatrix_csr(X)
    assert (X != Y).nnz == 0
    new = ["the dog and the fox", "nothing known here", ""]
    assert (ours.transform(new) != theirs.transform(new)).nnz == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"stop_words": "english", "norm": "l1"},
        {"norm": None, "sublinear_tf": True},
        {"use_idf": False},
        {"smooth_idf": False},
        {"dtype": np.float32},
    ],
)
def test_tfidf_vectorizer_equals_sklearn(params):
    ours, theirs = nt.TfidfVectorizer(**params), sktext.TfidfVectorizer(**params)
    X, Y = ours.fit_transform(DOCS), theirs.fit_transform(DOCS)
    assert X.dtype == Y.dtype
    rtol = 1e-6 if X.dtype == np.float32 else 1e-12
    same_matrix(X, Y, rtol)
    if theirs.use_idf:
        assert_allclose(ours.idf_, theirs.idf_, rtol=rtol)
    new = ["the dog and the fox", "quick quick fox", ""]
    same_matrix(ours.transform(new), theirs.transform(new), rtol)
    # pickling drops the C++ object; the restored vectoriser gives the same matrix
    restored = pickle.loads(pickle.dumps(ours))
    same_matrix(restored.transform(new), ours.transform(new), rtol)
    assert restored.vocabulary_ == ours.vocabulary_


def test_vectorizer_errors():
    with pytest.raises(ValueError, match="empty vocabulary"):
        nt.CountVectorizer().fit(["a b c", ""])
    with pytest.raises(ValueError):
        nt.CountVectorizer().fit("one string is not a corpus")
    with pytest.raises(ValueError, match="min_df|max_df"):
        nt.CountVectorizer(min_df=5, max_df=2).fit(DOCS)
    with pytest.raises(ValueError, match="stop_words"):
        nt.CountVectorizer(stop_words="klingon").fit(DOCS)


def test_tokenize_and_stop_words():
    assert nt.tokenize("Hello, WORLD of a x-ray!") == ["hello", "world", "of", "ray"]
    assert nt.ENGLISH_STOP_WORDS == sktext.ENGLISH_STOP_WORDS
    assert nt.analyze(["The dog and THE cat"]) == [["dog", "cat"]]


def test_top_words_order_and_ties():
    H = np.array([[0.1, 0.5, 0.5, 0.0, 0.3], [1.0, 0.0, 0.2, 0.2, 0.1]])
    names = ["a", "b", "c", "d", "e"]
    expected = [[names[i] for i in np.argsort(row)[:-4:-1]] for row in H]
    assert nt.top_words(H, names, 3) == expected
    pairs = nt.top_words(H, names, 2, weights=True)
    assert pairs[1] == [("a", 1.0), (expected[1][1], 0.2)]
    assert nt.dominant_topics(np.array([[0, 1.0], [2.0, 1.0], [0, 0]])).tolist() == [1, 0, -1]
    index, weight = nt.top_documents(np.array([[0.1, 1.0], [2.0, 0.5], [0.3, 0.0]]), 2)[0]
    assert index.tolist() == [1, 2] and weight.tolist() == [2.0, 0.3]
    with pytest.raises(ValueError):
        nt.top_words(H, names[:3], 2)


def test_read_corpus_errors(tmp_path):
    with pytest.raises(OSError):
        nt.read_corpus(tmp_path / "missing.tar.gz")
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00 this is not gzip data at all" * 10)
    with pytest.raises(OSError):
        nt.read_corpus(corrupt)
    lines = tmp_path / "docs.txt"
    lines.write_text("first document here\nsecond document\n")
    corpus = nt.read_corpus(lines)
    assert corpus.data == ["first document here", "second document"]
    with pytest.raises(ValueError, match="remove"):
        nt.read_corpus(lines, remove=("signatures",))


def test_notebook_topics_on_20_newsgroups(notebook_corpus):
    """The classic notebook (TfidfVectorizer(stop_words='english'), NMF(5, random_state=1)
    with scikit-learn's old default init 'nndsvd'): the same matrix, error and topics."""
    corpus = notebook_corpus
    assert len(corpus.data) == 2034
    assert corpus.target_names == ["alt.atheism", "comp.graphics", "sci.space", "talk.religion.misc"]
    vectorizer = nt.TfidfVectorizer(stop_words="english")
    X = vectorizer.fit_transform(corpus.data)
    assert X.shape == (2034, 26576) and X.nnz == 133635
    reference = sktext.TfidfVectorizer(stop_words="english")
    same_matrix(X, reference.fit_transform(corpus.data))
    model = nmfkit.NMF(n_components=5, init="nndsvd", random_state=1)
    W = model.fit_transform(X)
    assert model.n_iter_ == 33
    assert model.reconstruction_err_ == pytest.approx(43.71292, abs=1e-4)
    from sklearn.decomposition import NMF as SkNMF

    sk = SkNMF(n_components=5, init="nndsvd", random_state=1)
    W_sk = sk.fit_transform(X)
    assert_allclose(W, W_sk, rtol=1e-9, atol=1e-12)
    assert_allclose(model.components_, sk.components_, rtol=1e-9, atol=1e-12)
    topics = [" ".join(t) for t in nt.top_words(model, vectorizer, 8)]
    assert "space nasa launch shuttle orbit moon lunar earth" in topics
    assert "god jesus bible believe christian atheism does belief" in topics
    # the notebook's own show_topics (ascending, top word dropped) on nmfkit's H
    vocab = np.array(vectorizer.get_feature_names_out())
    shown = [" ".join(w) for w in vocab[np.argsort(model.components_)[:, -9:-1]]]
    assert "station earth lunar moon orbit shuttle launch nasa" in shown
