"""Text for topic models: vectorisers with scikit-learn's ``CountVectorizer`` /
``TfidfVectorizer`` semantics, a reader for corpora such as the 20 newsgroups, the top words
of each topic, and topic coherence — all computed by nmfkit's C++ core."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np
import scipy.sparse as sp

from . import _nmfkit
from ._compat import BaseEstimator, check_is_fitted

__all__ = [
    "CountVectorizer",
    "TfidfVectorizer",
    "Corpus",
    "read_corpus",
    "top_words",
    "top_documents",
    "dominant_topics",
    "topic_coherence",
    "topic_diversity",
    "tokenize",
    "analyze",
    "word_context_matrix",
    "SemanticFit",
    "semantic_nmf",
    "TopicViews",
    "topic_views",
    "ENGLISH_STOP_WORDS",
]

ENGLISH_STOP_WORDS: frozenset = frozenset(_nmfkit.english_stop_words())


def _documents(raw_documents: Any) -> list[str]:
    if isinstance(raw_documents, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    documents = list(raw_documents)
    for d in documents:
        if not isinstance(d, str):
            raise ValueError(f"documents must be str, got {type(d).__name__}")
    return documents


def _df_value(value: Any, name: str) -> Union[int, float]:
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an int or a float, got {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    raise ValueError(f"{name} must be an int or a float, got {value!r}")


class _Vectorizer(BaseEstimator):
    """What the two vectorisers share; the C++ Vectorizer does the work."""

    _weighting = "count"

    def _core_options(self) -> dict[str, Any]:
        stop_words = self.stop_words
        if stop_words is not None and not isinstance(stop_words, str):
            stop_words = list(stop_words)
        options = {
            "weighting": self._weighting,
            "lowercase": bool(self.lowercase),
            "stop_words": stop_words,
            "min_df": _df_value(self.min_df, "min_df"),
            "max_df": _df_value(self.max_df, "max_df"),
            "max_features": self.max_features,
            "binary": bool(self.binary),
            "dtype": self._compute_dtype().name,
        }
        return options

    def _compute_dtype(self) -> np.dtype:
        dtype = np.dtype(self.dtype)
        return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)

    def _to_scipy(self, parts: tuple) -> sp.csr_matrix:
        data, indices, indptr, shape = parts
        X = sp.csr_matrix((data, indices, indptr), shape=shape)
        dtype = np.dtype(self.dtype)
        if X.dtype != dtype:
            X = X.astype(dtype)
        return X

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> "_Vectorizer":
        """Learn the vocabulary (and idf) of the documents.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        self
        """
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Learn the vocabulary and return the document × term matrix.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_terms)
        """
        documents = _documents(raw_documents)
        core = _nmfkit.Vectorizer(self._core_options())
        X = self._to_scipy(core.fit_transform(documents))
        self._core = core
        self._rebuilt = False
        terms = core.vocabulary
        self.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.stop_words_ = set(core.dropped_terms)
        self.fixed_vocabulary_ = False
        idf = np.asarray(core.idf)
        if idf.size:
            self.idf_ = idf.astype(self._compute_dtype())
        return X

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """The document × term matrix of new documents over the learned vocabulary.

        Parameters
        ----------
        raw_documents : iterable of str
            The documents.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_terms)
        """
        check_is_fitted(self, "vocabulary_")
        documents = _documents(raw_documents)
        core = self.__dict__.get("_core")
        if core is None:
            core = self._rebuild_core()
        X = self._to_scipy(core.transform(documents))
        if self.__dict__.get("_rebuilt") and self._weighting == "tfidf":
            X = self._weight(X)
        return X

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The terms, in column order.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "vocabulary_")
        names = np.empty(len(self.vocabulary_), dtype=object)
        for term, i in self.vocabulary_.items():
            names[i] = term
        return names

    # -- pickling ----------------------------------------------------------------------
    # The C++ vectoriser is not pickled. After unpickling, a counting vectoriser over the
    # learned vocabulary is rebuilt (each term, tokenised alone, is itself) and tf-idf is
    # applied with the learned idf, as scikit-learn's TfidfTransformer does.

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_core", None)
        state.pop("_rebuilt", None)
        return state

    def _rebuild_core(self) -> Any:
        terms = list(self.get_feature_names_out())
        core = _nmfkit.Vectorizer(
            {
                "weighting": "count",
                "lowercase": bool(self.lowercase),
                "binary": bool(self.binary),
                "dtype": self._compute_dtype().name,
            }
        )
        core.fit_transform(terms)
        if list(core.vocabulary) != terms:
            raise RuntimeError("the vocabulary could not be restored")
        self._core = core
        self._rebuilt = True
        return core


class CountVectorizer(_Vectorizer):
    """Documents → term counts, as :class:`sklearn.feature_extraction.text.CountVectorizer`.

    Tokens are the matches of ``(?u)\\b\\w\\w+\\b`` in the (lower-cased) text, with
    Python's Unicode rules; the vocabulary is sorted as scikit-learn sorts it.

    Parameters
    ----------
    lowercase : bool, default=True
        Lower-case the text before tokenising.
    stop_words : {'english'}, list of str or None, default=None
        Words removed after tokenising ('english' is scikit-learn's list).
    max_df : float or int, default=1.0
        Drop terms in more than this share (float) or number (int) of documents.
    min_df : float or int, default=1
        Drop terms in fewer than this share (float) or number (int) of documents.
    max_features : int or None, default=None
        Keep only the most frequent terms.
    binary : bool, default=False
        Counts become 0/1.
    dtype : dtype, default=np.int64
        Type of the matrix (counts are computed in float64, or float32 for float32).

    Attributes
    ----------
    vocabulary_ : dict
        Term → column.
    stop_words_ : set
        Terms dropped by ``max_df``, ``min_df`` or ``max_features``.
    """

    _weighting = "count"

    def __init__(
        self,
        *,
        lowercase: bool = True,
        stop_words: Union[str, Sequence[str], None] = None,
        max_df: Union[float, int] = 1.0,
        min_df: Union[float, int] = 1,
        max_features: Optional[int] = None,
        binary: bool = False,
        dtype: Any = np.int64,
    ) -> None:
        self.lowercase = lowercase
        self.stop_words = stop_words
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.binary = binary
        self.dtype = dtype


class TfidfVectorizer(_Vectorizer):
    """Documents → tf-idf, as :class:`sklearn.feature_extraction.text.TfidfVectorizer`.

    Parameters
    ----------
    lowercase, stop_words, max_df, min_df, max_features, binary
        As :class:`CountVectorizer`.
    dtype : {np.float64, np.float32}, default=np.float64
        Type of the matrix.
    norm : {'l1', 'l2'} or None, default='l2'
        Row normalisation.
    use_idf : bool, default=True
        Weight by the inverse document frequency.
    smooth_idf : bool, default=True
        idf = ln((1 + n) / (1 + df)) + 1 (else ln(n / df) + 1).
    sublinear_tf : bool, default=False
        tf → 1 + ln(tf).

    Attributes
    ----------
    vocabulary_ : dict
        Term → column.
    idf_ : ndarray of shape (n_terms,)
        The idf weights (when ``use_idf``).
    stop_words_ : set
        Terms dropped by ``max_df``, ``min_df`` or ``max_features``.
    """

    _weighting = "tfidf"

    def __init__(
        self,
        *,
        lowercase: bool = True,
        stop_words: Union[str, Sequence[str], None] = None,
        max_df: Union[float, int] = 1.0,
        min_df: Union[float, int] = 1,
        max_features: Optional[int] = None,
        binary: bool = False,
        dtype: Any = np.float64,
        norm: Optional[str] = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
    ) -> None:
        self.lowercase = lowercase
        self.stop_words = stop_words
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.binary = binary
        self.dtype = dtype
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    def _core_options(self) -> dict[str, Any]:
        options = super()._core_options()
        options.update(
            norm="none" if self.norm is None else self.norm,
            use_idf=bool(self.use_idf),
            smooth_idf=bool(self.smooth_idf),
            sublinear_tf=bool(self.sublinear_tf),
        )
        return options

    def _weight(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """tf-idf of counts with the learned idf (used after unpickling)."""
        X = X.astype(self._compute_dtype())
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1
        if self.use_idf:
            X.data *= self.idf_[X.indices]
        if self.norm is not None:
            # Sums in float64 in row order, as scikit-learn's normalize() does.
            values = X.data.astype(np.float64)
            contributions = values * values if self.norm == "l2" else np.abs(values)
            lengths = np.diff(X.indptr)
            rows = np.repeat(np.arange(X.shape[0]), lengths)
            sums = np.bincount(rows, weights=contributions, minlength=X.shape[0])
            if self.norm == "l2":
                sums = np.sqrt(sums)
            sums[sums == 0] = 1
            X.data = (values / np.repeat(sums, lengths)).astype(X.dtype)
        return X


@dataclass
class Corpus:
    """Documents with their labels, as scikit-learn's ``fetch_20newsgroups`` returns them.

    Attributes
    ----------
    data : list of str
        The documents.
    filenames : list of str
        Where each document came from (its path inside the corpus, or "line N").
    target : ndarray of int
        Each document's label, an index into ``target_names`` (empty when unlabelled).
    target_names : list of str
        The labels, sorted.
    """

    data: list
    filenames: list
    target: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    target_names: list = field(default_factory=list)


def read_corpus(
    path: Union[str, os.PathLike],
    *,
    subset: str = "train",
    categories: Optional[Sequence[str]] = None,
    remove: Sequence[str] = (),
    encoding: str = "auto",
    order: str = "sklearn",
) -> Corpus:
    """Read a corpus: a folder or tar archive with one folder per label (the 20 newsgroups
    layout), a .txt with one document per line, or a .tsv with a label column.

    For the 20 newsgroups archive this gives what ``sklearn.datasets.fetch_20newsgroups``
    gives: the same documents in the same order.

    Parameters
    ----------
    path : str or path-like
        Folder, ``.tar``/``.tar.gz``/``.tgz``/``.tar.bz2``/``.tar.xz``, ``.txt`` or ``.tsv``.
    subset : {'train', 'test', 'all'}, default='train'
        Part of a train/test layout.
    categories : list of str or None
        Labels to keep (None: all).
    remove : tuple of {'headers', 'footers', 'quotes'}
        Parts of newsgroup posts to strip, as scikit-learn's ``remove``.
    encoding : {'auto', 'utf-8', 'latin-1'}, default='auto'
        How bytes become text ('auto': Latin-1 for the newsgroups layout, else UTF-8).
    order : {'sklearn', 'sorted'}, default='sklearn'
        ``fetch_20newsgroups``' shuffled order, or by label then file name.

    Returns
    -------
    Corpus

    Raises
    ------
    OSError
        The path cannot be read, or the archive is corrupt.
    ValueError
        Unknown category or option.
    """
    remove = tuple(remove)
    unknown = set(remove) - {"headers", "footers", "quotes"}
    if unknown:
        raise ValueError(f"remove takes 'headers', 'footers', 'quotes'; got {sorted(unknown)}")
    if order not in ("sklearn", "sorted"):
        raise ValueError(f"order must be 'sklearn' or 'sorted', got {order!r}")
    raw = _nmfkit.read_corpus(
        os.fspath(path),
        subset=subset,
        categories=list(categories or []),
        remove_headers="headers" in remove,
        remove_footers="footers" in remove,
        remove_quotes="quotes" in remove,
        encoding=encoding,
        sklearn_order=order == "sklearn",
    )
    return Corpus(
        data=raw["documents"],
        filenames=raw["names"],
        target=np.asarray(raw["labels"], dtype=np.int64),
        target_names=raw["label_names"],
    )


def _components(model_or_H: Any) -> np.ndarray:
    H = getattr(model_or_H, "components_", model_or_H)
    H = np.asarray(H)
    if H.ndim != 2:
        raise ValueError(f"expected a 2-D matrix of topics × terms, got shape {H.shape}")
    if H.dtype not in (np.float32, np.float64):
        H = H.astype(np.float64)
    return H


def top_words(
    model_or_H: Any,
    feature_names: Any,
    n_top_words: int = 10,
    *,
    weights: bool = False,
) -> list:
    """The top words of each topic, largest weight first.

    Ties are ordered as ``np.argsort(row)[:-n-1:-1]`` orders them (NumPy's quicksort).

    Parameters
    ----------
    model_or_H : NMF or array-like of shape (n_topics, n_terms)
        A fitted model (its ``components_``) or H itself.
    feature_names : sequence of str or a fitted vectoriser
        The terms, in column order (a vectoriser gives its ``get_feature_names_out()``).
    n_top_words : int, default=10
        Words per topic (capped at the number of terms).
    weights : bool, default=False
        Return ``(word, weight)`` pairs instead of words.

    Returns
    -------
    list of list
        One list per topic.
    """
    H = _components(model_or_H)
    if hasattr(feature_names, "get_feature_names_out"):
        feature_names = feature_names.get_feature_names_out()
    names = list(feature_names)
    if len(names) != H.shape[1]:
        raise ValueError(f"{len(names)} feature names for {H.shape[1]} terms")
    ranked = _nmfkit.top_terms(H, int(n_top_words))
    if weights:
        return [[(names[i], float(w)) for i, w in zip(idx, wt)] for idx, wt in ranked]
    return [[names[i] for i in idx] for idx, _ in ranked]


def top_documents(W: Any, n_documents: int = 10) -> list:
    """The documents (rows of W) of largest weight in each topic, largest first.

    Returns
    -------
    list of (ndarray of int, ndarray of float)
        Per topic: the row indices and their weights.
    """
    W = np.asarray(W)
    if W.dtype not in (np.float32, np.float64):
        W = W.astype(np.float64)
    return _nmfkit.top_documents(W, int(n_documents))


def dominant_topics(W: Any) -> np.ndarray:
    """The topic of largest weight per document (first on ties); -1 for an empty row."""
    W = np.asarray(W)
    if W.dtype not in (np.float32, np.float64):
        W = W.astype(np.float64)
    return np.asarray(_nmfkit.dominant_topics(W), dtype=np.int64)


def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """scikit-learn's default analyzer without stop words: the matches of
    ``(?u)\\b\\w\\w+\\b`` in the (lower-cased) text."""
    return _nmfkit.tokenize(text, lowercase)


def analyze(
    documents: Iterable[str],
    lowercase: bool = True,
    stop_words: Union[str, Sequence[str], None] = "english",
) -> list[list[str]]:
    """Each document as the vectoriser sees it: its tokens, stop words removed, in order."""
    if stop_words is not None and not isinstance(stop_words, str):
        stop_words = list(stop_words)
    return _nmfkit.analyze(_documents(documents), lowercase, stop_words)


def topic_coherence(
    topics: Sequence[Sequence[str]],
    texts: Sequence[Sequence[str]],
    measure: str = "c_v",
    *,
    window_size: int = 0,
    topn: int = 20,
) -> np.ndarray:
    """Coherence of each topic (its words, best first) on tokenised texts, with gensim's
    ``CoherenceModel`` definitions: measure ``'c_v'``, ``'c_npmi'``, ``'c_uci'`` or
    ``'u_mass'``; ``window_size`` 0 takes gensim's default."""
    values = _nmfkit.topic_coherence(
        [list(t) for t in topics], [list(t) for t in texts], measure, window_size, topn
    )
    return np.asarray(values)


def topic_diversity(topics: Sequence[Sequence[str]], topn: int = 25) -> float:
    """Share of distinct words among the first ``topn`` words of every topic."""
    return _nmfkit.topic_diversity([list(t) for t in topics], topn)


def word_context_matrix(
    texts: Sequence[Sequence[str]],
    vocabulary: Sequence[str],
    window: int = 5,
    shift: float = 1.0,
) -> sp.csr_matrix:
    """The word-context matrix of semantic NMF: the shifted positive PMI (Levy & Goldberg)
    of how often two vocabulary words occur within ``window`` words of each other in the
    tokenised ``texts`` (see :func:`analyze`). Rows are contexts and columns words, in the
    order of ``vocabulary``; ``shift`` 1 gives plain positive PMI."""
    data, indices, indptr, shape = _nmfkit.word_context_matrix(
        [list(t) for t in texts], list(vocabulary), int(window), float(shift)
    )
    return sp.csr_matrix((data, indices, indptr), shape=shape)


@dataclass
class SemanticFit:
    """A semantic NMF: ``X ≈ W @ components_`` and ``word_context ≈ contexts @ components_``."""

    W: np.ndarray
    components_: np.ndarray
    contexts: np.ndarray
    document_error: float  # ‖X − W·H‖ / ‖X‖
    context_error: float  # ‖M − C·H‖ / ‖M‖
    reconstruction_error: float  # of the stacked matrix the two terms make
    n_iter: int
    converged: bool
    seed: int


def semantic_nmf(
    X: Any,
    word_context: Any,
    n_components: int,
    *,
    context_weight: float = 1.0,
    verbose: int = 0,
    **nmf_params: Any,
) -> SemanticFit:
    """Semantic NMF (SeNMF): the document-term matrix ``X`` and the ``word_context`` matrix
    (:func:`word_context_matrix`) factorised together with a shared word factor. Both are
    scaled to the same norm, then the context term is weighted by ``context_weight``.
    ``nmf_params`` are :class:`nmfkit.NMF`'s parameters (Frobenius loss only)."""
    from .decomposition import NMF, _print_line
    from ._validation import check_seed

    if not sp.issparse(X):
        X = sp.csr_matrix(np.asarray(X))
    model = NMF(n_components=n_components, verbose=verbose, **nmf_params)
    options = model._options(check_seed(model.random_state))
    result = _nmfkit.fit_semantic(
        X.tocsr(), sp.csr_matrix(word_context, dtype=np.float64), float(context_weight),
        options, _print_line if verbose else None,
    )
    return SemanticFit(
        W=result["W"],
        components_=result["H"],
        contexts=result["contexts"],
        document_error=result["document_error"],
        context_error=result["context_error"],
        reconstruction_error=result["reconstruction_error"],
        n_iter=result["n_iter"],
        converged=result["converged"],
        seed=int(result["random_state"]),
    )


@dataclass
class TopicViews:
    """What LDAvis and fastTopics show of a topic model (see :func:`topic_views`)."""

    proportions: np.ndarray  # documents × topics, rows sum to 1 (0 for empty documents)
    word_distributions: np.ndarray  # topics × terms, rows sum to 1
    relevant_terms: list  # per topic: (term index, relevance, probability, lift), best first
    log_fold_change: np.ndarray  # topics × terms, log2
    ldavis: str  # LDAvis's createJSON layout


def topic_views(
    W: Any,
    H: Any,
    texts: Sequence[Sequence[str]],
    vocabulary: Sequence[str],
    *,
    relevance_lambda: float = 0.6,
    n_terms: int = 10,
    fold_change: str = "le",
    R: int = 30,
    lambda_step: float = 0.01,
) -> TopicViews:
    """The multinomial view of ``X ≈ W @ H`` (fastTopics' poisson2multinom), each topic's
    ``n_terms`` most relevant terms at ``relevance_lambda`` (Sievert & Shirley), the
    log2 fold changes (``'le'`` or ``'vsnull'``, rates floored at half a token of the topic)
    and the LDAvis JSON, with token counts from the tokenised ``texts`` (:func:`analyze`)."""
    L, F = _nmfkit.multinomial_view(np.asarray(W, dtype=np.float64),
                                    np.asarray(H, dtype=np.float64))
    index = {w: i for i, w in enumerate(vocabulary)}
    lengths = np.zeros(len(texts))
    frequency = np.zeros(len(vocabulary))
    for d, tokens in enumerate(texts):
        for token in tokens:
            i = index.get(token)
            if i is not None:
                frequency[i] += 1
                lengths[d] += 1
    if frequency.sum() == 0:
        raise ValueError("the texts have no vocabulary tokens")
    p = frequency / frequency.sum()
    tokens_per_topic = L.T @ lengths
    statistic = fold_change if F.shape[0] > 1 else "vsnull"
    return TopicViews(
        proportions=L,
        word_distributions=F,
        relevant_terms=_nmfkit.relevant_terms(F, list(p), float(relevance_lambda), int(n_terms)),
        log_fold_change=_nmfkit.log_fold_change(F, list(p), list(tokens_per_topic), statistic),
        ldavis=_nmfkit.ldavis_json(L, F, list(lengths), list(frequency), list(vocabulary),
                                   int(R), float(lambda_step)),
    )
