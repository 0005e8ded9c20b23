"""``nmfkit.TopicModel``: a topic model of a text corpus — vectorise, factorise with NMF,
read the topics (top terms, coherence, agreement with labels, LDAvis/fastTopics views) —
over the C++ pipeline that ``nmfkit topics`` runs, so both give the same numbers."""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

from . import _nmfkit
from ._compat import BaseEstimator, check_is_fitted
from ._inputs import k_spec, nmf_options
from ._progress import ProgressBar
from ._validation import check_int, check_real, check_seed
from .selection import _select_options, _selection

__all__ = ["TopicModel"]

Documents = Union[str, "os.PathLike[str]", Iterable[str]]


def _documents(raw: Any) -> list[str]:
    documents = list(raw)
    for d in documents:
        if not isinstance(d, str):
            raise ValueError(f"documents must be str, got {type(d).__name__}")
    return documents


def _label_codes(labels: Any, n_documents: int) -> tuple[list[int], list]:
    """Labels of any hashable kind as codes 0..L-1 (and the sorted label values)."""
    labels = list(labels)
    if len(labels) != n_documents:
        raise ValueError(f"{len(labels)} labels for {n_documents} documents")
    names, codes = np.unique(np.asarray(labels), return_inverse=True)
    return [int(c) for c in codes], list(names)


class TopicModel(BaseEstimator):
    """A topic model of documents: tf-idf (or counts), NMF, and what the topics say.

    The pipeline of ``nmfkit topics``, with its defaults: the same corpus, options and
    ``random_state`` (its ``--seed``) give the same vocabulary, factors, top terms and
    coherence.

    Parameters
    ----------
    n_components : int or 'auto', default=10
        The number of topics (``--k``); 'auto' chooses it by :func:`nmfkit.select_k` on the
        matrix that is factorised (``--k auto``).
    k_range : str, int or sequence of int, default='auto'
        n_components='auto': the candidates, as ``select_k``'s ``ks``.
    select_method : str, optional
        n_components='auto': ``select_k``'s method; None: 'cv', or 'stability' for the
        semantic model (SeNMFk's rule), as ``nmfkit topics`` chooses.
    weighting : {'tfidf', 'count'}, default='tfidf'
        Entries of the document-term matrix.
    stop_words : 'english', list of str or None, default='english'
        Words dropped before counting (scikit-learn's English list by default).
    lowercase : bool, default=True
    min_df, max_df : int or float, default=1 and 1.0
        Drop terms in fewer / more documents (an int counts, a float is a proportion).
    max_features : int, optional
        Keep only the most frequent terms.
    binary : bool, default=False
        Count each term at most once per document.
    norm : {'l2', 'l1'} or None, default='l2'
        tf-idf row normalisation.
    use_idf, smooth_idf, sublinear_tf : bool, default=True, True, False
        As scikit-learn's ``TfidfVectorizer``.
    dtype : {np.float64, np.float32}, default=np.float64
        Element type of the matrix and the factors.
    solver, beta_loss, init, tol, max_iter, alpha_W, alpha_H, l1_ratio, n_threads :
        The NMF, as in :class:`nmfkit.NMF` (``solver='auto'`` picks as the CLI does).
    random_state : int, optional
        The NMF's seed (None: drawn; the one used is ``random_state_``).
    model : {'standard', 'semantic'}, default='standard'
        'semantic' factorises the document-term matrix jointly with the word-context SPPMI
        matrix, sharing the word factor (SeNMF; Frobenius loss only).
    window, pmi_shift, context_weight : int, float, float, default=5, 1.0, 1.0
        semantic: the context window, SPPMI's shift and the weight of the context term.
    n_top_words : int, default=10
        Terms kept per topic (``--top``): top terms, coherence, relevance.
    n_top_documents : int, default=5
        Documents kept per topic.
    coherence : sequence of {'c_v', 'c_npmi', 'c_uci', 'u_mass'}, default=('c_v', 'c_npmi', 'u_mass')
        Coherence measures (gensim's), on the documents as the vectoriser saw them.
    relevance_lambda : float, default=0.6
        λ of the relevance ranking (Sievert & Shirley).
    fold_change : {'le', 'vsnull'}, default='le'
        The log-fold-change statistic (fastTopics').
    verbose : bool, default=False
        A progress bar on stderr.

    Attributes
    ----------
    vocabulary_ : list of str
        The terms, in column order.
    components_ : ndarray of shape (n_components, n_terms)
        H: each topic's weight on each term.
    doc_topic_ : ndarray of shape (n_documents, n_components)
        W: each document's weight on each topic.
    top_terms_ : list of list of str
        Each topic's ``n_top_words`` terms, best first.
    top_term_weights_ : list of ndarray
        Their weights in ``components_``.
    top_documents_ : list of (ndarray of int, ndarray of float)
        Each topic's ``n_top_documents`` documents (rows) and weights, best first.
    dominant_topic_ : ndarray of int
        Each document's topic of largest weight; -1 for an empty document.
    coherence_ : dict of str to ndarray of shape (n_components,)
        Per measure, each topic's coherence.
    topic_diversity_ : float
        Share of distinct words among the top terms.
    label_scores_ : dict or None
        With labels: purity, nmi and ari of the dominant topics against them.
    proportions_ : ndarray of shape (n_documents, n_components)
        The multinomial view: topic proportions per document (rows sum to 1).
    word_distributions_ : ndarray of shape (n_components, n_terms)
        The multinomial view: word distributions per topic.
    relevant_terms_ : list of list of (int, float, float, float)
        Per topic: (term, relevance, probability, lift), best first.
    log_fold_change_ : ndarray of shape (n_components, n_terms)
    ldavis_ : str
        LDAvis's createJSON layout.
    semantic_ : dict or None
        semantic: document_error, context_error and context_scale.
    reconstruction_err_ : float
    n_iter_ : int
    converged_ : bool
    random_state_ : int
        The seed the NMF used.
    n_components_ : int
    selection_ : SelectKResult or None
        n_components='auto': the scores per k and the choice.
    """

    def __init__(
        self,
        n_components: Union[int, str] = 10,
        *,
        k_range: Any = "auto",
        select_method: Optional[str] = None,
        weighting: str = "tfidf",
        stop_words: Union[str, Sequence[str], None] = "english",
        lowercase: bool = True,
        min_df: Union[int, float] = 1,
        max_df: Union[int, float] = 1.0,
        max_features: Optional[int] = None,
        binary: bool = False,
        norm: Optional[str] = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        dtype: Any = np.float64,
        solver: str = "auto",
        beta_loss: Union[str, float] = "frobenius",
        init: Optional[str] = None,
        tol: float = 1e-4,
        max_iter: int = 200,
        alpha_W: float = 0.0,
        alpha_H: Union[str, float] = "same",
        l1_ratio: float = 0.0,
        random_state: Optional[int] = None,
        n_threads: int = 0,
        model: str = "standard",
        window: int = 5,
        pmi_shift: float = 1.0,
        context_weight: float = 1.0,
        n_top_words: int = 10,
        n_top_documents: int = 5,
        coherence: Sequence[str] = ("c_v", "c_npmi", "u_mass"),
        relevance_lambda: float = 0.6,
        fold_change: str = "le",
        verbose: Union[bool, int] = False,
    ) -> None:
        self.n_components = n_components
        self.k_range = k_range
        self.select_method = select_method
        self.weighting = weighting
        self.stop_words = stop_words
        self.lowercase = lowercase
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.binary = binary
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype
        self.solver = solver
        self.beta_loss = beta_loss
        self.init = init
        self.tol = tol
        self.max_iter = max_iter
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.random_state = random_state
        self.n_threads = n_threads
        self.model = model
        self.window = window
        self.pmi_shift = pmi_shift
        self.context_weight = context_weight
        self.n_top_words = n_top_words
        self.n_top_documents = n_top_documents
        self.coherence = coherence
        self.relevance_lambda = relevance_lambda
        self.fold_change = fold_change
        self.verbose = verbose

    # ------------------------------------------------------------------ options

    def _vectorizer_options(self) -> dict[str, Any]:
        from .text import _df_value

        stop_words = self.stop_words
        if stop_words is not None and not isinstance(stop_words, str):
            stop_words = [str(w) for w in stop_words]
        dtype = np.dtype(self.dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        return {
            "weighting": self.weighting,
            "lowercase": bool(self.lowercase),
            "stop_words": stop_words,
            "min_df": _df_value(self.min_df, "min_df"),
            "max_df": _df_value(self.max_df, "max_df"),
            "max_features": check_int(self.max_features, "max_features", allow_none=True),
            "binary": bool(self.binary),
            "norm": "none" if self.norm is None else self.norm,
            "use_idf": bool(self.use_idf),
            "smooth_idf": bool(self.smooth_idf),
            "sublinear_tf": bool(self.sublinear_tf),
            "dtype": dtype.name,
        }

    def _nmf_options(self) -> dict[str, Any]:
        if isinstance(self.beta_loss, str):
            beta_loss = _nmfkit.parse_beta_loss(self.beta_loss)
        else:
            beta_loss = check_real(self.beta_loss, "beta_loss")
        options = nmf_options(solver=self.solver, beta_loss=beta_loss, init=self.init,
                              tol=self.tol, max_iter=self.max_iter,
                              random_state=self.random_state, n_threads=self.n_threads,
                              alpha_W=self.alpha_W, alpha_H=self.alpha_H,
                              l1_ratio=self.l1_ratio)
        options["n_components"] = (None if self._chooses_k() else
                                   check_int(self.n_components, "n_components"))
        return options

    def _chooses_k(self) -> bool:
        return isinstance(self.n_components, str) and self.n_components == "auto"

    def _selection_options(self) -> Optional[dict[str, Any]]:
        """select_k's options when n_components is 'auto' (None otherwise)."""
        if not self._chooses_k():
            return None
        method = self.select_method
        if method is None:
            method = "stability" if self.model == "semantic" else "cv"
        return _select_options(method=method)

    def _topic_options(self) -> dict[str, Any]:
        coherence = [self.coherence] if isinstance(self.coherence, str) else self.coherence
        return {
            "model": self.model,
            "window": check_int(self.window, "window"),
            "pmi_shift": check_real(self.pmi_shift, "pmi_shift"),
            "context_weight": check_real(self.context_weight, "context_weight"),
            "n_top_words": check_int(self.n_top_words, "n_top_words"),
            "n_top_documents": check_int(self.n_top_documents, "n_top_documents"),
            "coherence": [str(m) for m in coherence],
            "relevance_lambda": check_real(self.relevance_lambda, "relevance_lambda"),
            "fold_change": self.fold_change,
        }

    # ------------------------------------------------------------------ fitting

    @staticmethod
    def _corpus(X: Documents, labels: Any) -> tuple[list[str], Any, Optional[list]]:
        """Documents and labels from a list of str, or from a corpus path (its labels, the
        folder names or a .tsv's label column, unless labels are given)."""
        if isinstance(X, (str, os.PathLike)):
            from .text import read_corpus

            corpus = read_corpus(X)
            names = list(corpus.filenames)
            if labels is None and len(corpus.target):
                labels = [corpus.target_names[t] for t in corpus.target]
            return list(corpus.data), labels, names
        return _documents(X), labels, None

    def fit(self, X: Documents, y: Any = None, labels: Any = None) -> "TopicModel":
        """Fit the topic model.

        Parameters
        ----------
        X : list of str, or str / path-like
            The documents, or a corpus to read as ``nmfkit topics`` does: a folder or
            .tar.gz with one folder per label (the 20 newsgroups layout), a .txt (one document
            per line) or a .tsv (label column + text).
        y : Ignored
            scikit-learn's convention; use ``labels``.
        labels : sequence, optional
            One label per document; the label scores compare the dominant topics with them.
            A corpus path's own labels are used when none are given.

        Returns
        -------
        self : TopicModel

        Raises
        ------
        ValueError
            Bad options, an empty corpus or vocabulary, more topics than terms.
        OSError
            A corpus path that cannot be read.
        """
        vectorizer = self._vectorizer_options()
        nmf = self._nmf_options()
        options = self._topic_options()
        select = self._selection_options()
        documents, labels, names = self._corpus(X, labels)
        codes: list[int] = []
        if labels is not None:
            codes, self.label_names_ = _label_codes(labels, len(documents))
        else:
            self.label_names_ = []
        with ProgressBar(enabled=bool(self.verbose)) as bar:
            r = _nmfkit.fit_topic_model(documents, codes, vectorizer, nmf, options,
                                        select=select, k=k_spec(self.k_range), progress=bar)
        self._set_result(r)
        self.document_names_ = names
        return self

    def _set_result(self, r: dict) -> None:
        import warnings

        for message in r["warnings"]:
            warnings.warn(message, UserWarning, stacklevel=3)
        self._vectorizer = r["vectorizer"]
        self.vocabulary_ = list(r["vocabulary"])
        self.doc_topic_ = np.asarray(r["W"])
        self.components_ = np.asarray(r["H"])
        self.n_components_ = self.components_.shape[0]
        self.top_terms_ = [list(words) for words in r["words"]]
        self.top_term_weights_ = [np.asarray(weights) for _, weights in r["top_terms"]]
        self.top_documents_ = [(np.asarray(i), np.asarray(w)) for i, w in r["top_documents"]]
        self.dominant_topic_ = np.asarray(r["dominant"], dtype=np.int64)
        self.documents_per_topic_ = np.asarray(r["documents_per_topic"], dtype=np.int64)
        self.coherence_ = {m: np.asarray(v) for m, v in r["coherence"].items()}
        self.topic_diversity_ = float(r["diversity"])
        self.label_scores_ = r["label_scores"]
        self.semantic_ = r["semantic"]
        self.proportions_ = np.asarray(r["proportions"])
        self.word_distributions_ = np.asarray(r["word_distributions"])
        self.log_fold_change_ = np.asarray(r["log_fold_change"])
        self.relevant_terms_ = [list(topic) for topic in r["relevant_terms"]]
        self.ldavis_ = r["ldavis"]
        self.reconstruction_err_ = float(r["reconstruction_error"])
        self.n_iter_ = int(r["n_iter"])
        self.converged_ = bool(r["converged"])
        self.random_state_ = int(r["random_state"])
        self.selection_ = None if r["selection"] is None else _selection(r["selection"])

    def fit_transform(self, X: Documents, y: Any = None, labels: Any = None) -> np.ndarray:
        """Fit the model and return ``doc_topic_`` (n_documents × n_components)."""
        return self.fit(X, labels=labels).doc_topic_

    def transform(self, documents: Iterable[str]) -> np.ndarray:
        """The topic weights of new documents: vectorised with the fitted vocabulary (and
        idf), then W with the components fixed.

        Returns
        -------
        ndarray of shape (n_documents, n_components)
        """
        import scipy.sparse as sp  # imported on use: nmfkit without text needs no SciPy

        check_is_fitted(self, "components_")
        if isinstance(documents, (str, os.PathLike)):
            raise ValueError("transform takes a list of documents, not a path or a string")
        data, indices, indptr, shape = self._vectorizer.transform(_documents(documents))
        X = sp.csr_matrix((data, indices, indptr), shape=shape)
        H = self.components_
        if X.dtype != H.dtype:
            X = X.astype(H.dtype)
        options = self._nmf_options()
        options["random_state"] = self.random_state_
        result = _nmfkit.transform(X, H, options)
        return result["W"]

    def top_words(self, n: Optional[int] = None) -> list[list[str]]:
        """Each topic's ``n`` terms of largest weight, best first (ties in NumPy's
        ``argsort`` order); ``n`` None gives ``top_terms_``."""
        check_is_fitted(self, "components_")
        if n is None:
            return [list(words) for words in self.top_terms_]
        n = check_int(n, "n")
        ranked = _nmfkit.top_terms(self.components_, n)
        return [[self.vocabulary_[i] for i in index] for index, _ in ranked]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The vocabulary, as scikit-learn's vectorisers give it."""
        check_is_fitted(self, "components_")
        return np.asarray(self.vocabulary_, dtype=object)
