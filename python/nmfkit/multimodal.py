"""``nmfkit.MultimodalTopics``: one topic model of several modalities of the same samples
(joint NMF, mTopic's MTM or its spatial sMTM), over the C++ core; the same numbers as
``nmfkit multimodal fit``."""

from __future__ import annotations

import warnings
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from . import _nmfkit
from ._compat import BaseEstimator, check_is_fitted
from ._inputs import as_matrix, log_for, nmf_options
from ._progress import ProgressBar
from ._validation import check_int, check_real

__all__ = ["MultimodalTopics"]


def _modality_table(name: str, source: Any) -> tuple:
    """(matrix, feature names or None, sample names or None) of one modality: an AnnData
    (X, var_names, obs_names), a pandas DataFrame (values, columns, index), or a matrix
    (the core names its features NAME_0, NAME_1, ... and the samples sample_0, ...)."""
    if hasattr(source, "X") and hasattr(source, "var_names"):
        return (as_matrix(source.X, f"modality '{name}'"),
                [str(v) for v in source.var_names], [str(o) for o in source.obs_names])
    if hasattr(source, "columns") and hasattr(source, "to_numpy"):
        return (as_matrix(source, f"modality '{name}'"),
                [str(c) for c in source.columns], [str(i) for i in source.index])
    return as_matrix(source, f"modality '{name}'"), None, None


class MultimodalTopics(BaseEstimator):
    """Topics shared by several modalities of the same samples (RNA + ATAC, subject + body).

    ``model='joint-nmf'`` factorises every modality with one sample × topic matrix W shared
    by all, X_m ≈ W·H_m (any solver and loss of :class:`nmfkit.NMF`, per-modality weights);
    ``'mtm'`` is mTopic's multimodal LDA (variational inference, or stochastic VI with
    ``svi=True``), ``'smtm'`` its spatial variant (``fit(..., coords=...)``). mTopic's
    preprocessing runs first: tf-idf or CLR of the named modalities, then every modality
    scaled to ``scale_counts`` per sample.

    Parameters
    ----------
    n_components : int
        The number of topics.
    model : {'joint-nmf', 'mtm', 'smtm'}, default='joint-nmf'
    weights : dict of str to float, optional
        joint-nmf: the weight of each modality's loss (default 1).
    tfidf, clr : sequence of str, default=()
        Modalities to tf-idf or CLR before the fit.
    scale_counts : float, default=0
        Scale every modality to this total per sample (mTopic's equal mass; 0: off).
    solver, beta_loss, init, tol, max_iter, alpha_W, alpha_H, l1_ratio :
        joint-nmf: as in :class:`nmfkit.NMF`.
    iterations : int, default=20
        mtm, smtm: VI iterations.
    alpha : float, default=0
        mtm, smtm: Dirichlet prior on topic proportions (0: 1/n_components).
    eta : float, default=0.01
        mtm, smtm: Dirichlet prior on the topics' feature profiles.
    max_iter_d, gamma_tol :
        mtm, smtm: the E-step's iteration limit and tolerance per sample.
    svi : bool, default=False
        mtm: stochastic VI with ``svi_batches`` updates of ``svi_batch_size`` samples,
        step (svi_tau + t)^(−svi_kappa).
    radius, n_neighbors :
        smtm: neighbourhoods on coordinates scaled to [0, 1].
    random_state : int, optional
        joint-nmf's start; mtm's generator (None: mTopic's 2291).
    n_threads : int, default=0
    verbose : bool, default=False
        Print each step on stderr and show a progress bar of the iterations there (tqdm's
        bar when tqdm is installed, else a plain one).

    Attributes
    ----------
    sample_topics_ : ndarray of shape (n_samples, n_components)
        W (joint-nmf) or the topic proportions E[θ] (mtm, smtm).
    components_ : dict of str to ndarray of shape (n_components, n_features_m)
        Per modality, H_m (joint-nmf) or the profiles E[β_m] (mtm, smtm).
    lambda_ : dict of str to ndarray
        mtm, smtm: the variational parameters λ_m behind ``components_``.
    modalities_ : list of str
    feature_names_ : dict of str to list of str
    sample_names_ : list of str
    n_iter_ : int
    reconstruction_errors_ : dict of str to float
        joint-nmf: per modality, sqrt(2·D_β(X_m ‖ W·H_m)).
    objective_ : float
        joint-nmf: Σ_m w_m·D_β(X_m ‖ W·H_m).
    """

    def __init__(
        self,
        n_components: int = 10,
        *,
        model: str = "joint-nmf",
        weights: Optional[Mapping[str, float]] = None,
        tfidf: Sequence[str] = (),
        clr: Sequence[str] = (),
        scale_counts: float = 0.0,
        solver: str = "auto",
        beta_loss: Union[str, float] = "frobenius",
        init: Optional[str] = None,
        tol: float = 1e-4,
        max_iter: int = 200,
        alpha_W: float = 0.0,
        alpha_H: Union[str, float] = "same",
        l1_ratio: float = 0.0,
        iterations: int = 20,
        alpha: float = 0.0,
        eta: float = 0.01,
        max_iter_d: int = 100,
        gamma_tol: float = 1e-4,
        svi: bool = False,
        svi_batches: int = 100,
        svi_batch_size: int = 100,
        svi_tau: float = 1.0,
        svi_kappa: float = 0.75,
        radius: float = 0.05,
        n_neighbors: int = 0,
        random_state: Optional[int] = None,
        n_threads: int = 0,
        verbose: Union[bool, int] = False,
    ) -> None:
        self.n_components = n_components
        self.model = model
        self.weights = weights
        self.tfidf = tfidf
        self.clr = clr
        self.scale_counts = scale_counts
        self.solver = solver
        self.beta_loss = beta_loss
        self.init = init
        self.tol = tol
        self.max_iter = max_iter
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.max_iter_d = max_iter_d
        self.gamma_tol = gamma_tol
        self.svi = svi
        self.svi_batches = svi_batches
        self.svi_batch_size = svi_batch_size
        self.svi_tau = svi_tau
        self.svi_kappa = svi_kappa
        self.radius = radius
        self.n_neighbors = n_neighbors
        self.random_state = random_state
        self.n_threads = n_threads
        self.verbose = verbose

    @staticmethod
    def _modalities(X: Any) -> list:
        # A MuData keeps its modalities in .mod; otherwise a mapping of name to data. Names
        # the sources lack and the check that they name the same samples are the core's.
        sources = getattr(X, "mod", X)
        if not isinstance(sources, Mapping) or not sources:
            raise ValueError("X must be a non-empty dict of modality name to data, or a MuData")
        return [(str(name), *_modality_table(str(name), source))
                for name, source in sources.items()]

    def _core_options(self, names: list) -> tuple:
        """The (preprocess, options, nmf) dicts the C++ pipeline takes."""
        weights = []
        if self.weights:
            unknown = set(self.weights) - set(names)
            if unknown:
                raise ValueError(f"weights name unknown modalities {sorted(unknown)}; "
                                 f"the modalities are {names}")
            weights = [check_real(self.weights.get(name, 1.0), "weights") for name in names]
        nmf = nmf_options(solver=self.solver, beta_loss=self.beta_loss, init=self.init,
                          tol=self.tol, max_iter=self.max_iter, random_state=self.random_state,
                          n_threads=self.n_threads, alpha_W=self.alpha_W, alpha_H=self.alpha_H,
                          l1_ratio=self.l1_ratio)
        nmf["n_components"] = check_int(self.n_components, "n_components")
        options = {
            "model": self.model,
            "weights": weights,
            "n_components": nmf["n_components"],
            "alpha": check_real(self.alpha, "alpha"),
            "eta": check_real(self.eta, "eta"),
            "max_iter_d": check_int(self.max_iter_d, "max_iter_d"),
            "gamma_tol": check_real(self.gamma_tol, "gamma_tol"),
            "seed": self.random_state if self.random_state is None
            else check_int(self.random_state, "random_state"),
            "n_threads": check_int(self.n_threads, "n_threads"),
            "iterations": check_int(self.iterations, "iterations"),
            "svi": bool(self.svi),
            "svi_batches": check_int(self.svi_batches, "svi_batches"),
            "svi_batch_size": check_int(self.svi_batch_size, "svi_batch_size"),
            "svi_tau": check_real(self.svi_tau, "svi_tau"),
            "svi_kappa": check_real(self.svi_kappa, "svi_kappa"),
            "radius": check_real(self.radius, "radius"),
            "n_neighbors": check_int(self.n_neighbors, "n_neighbors"),
        }
        preprocess = {"tfidf": [str(m) for m in self.tfidf], "clr": [str(m) for m in self.clr],
                      "scale_counts": check_real(self.scale_counts, "scale_counts")}
        return preprocess, options, nmf

    def fit(self, X: Any, y: Any = None, coords: Any = None) -> "MultimodalTopics":
        """Fit the topics.

        Parameters
        ----------
        X : dict of str to data, or MuData
            The modalities by name, each samples × features: a NumPy array, SciPy sparse
            matrix, pandas DataFrame or AnnData, all with the same samples in the same order.
        y : Ignored
        coords : array-like of shape (n_samples, 2), optional
            smtm: the samples' positions.

        Returns
        -------
        self : MultimodalTopics
        """
        modalities = self._modalities(X)
        names = [entry[0] for entry in modalities]
        preprocess, options, nmf = self._core_options(names)
        if coords is not None:
            coords = np.asarray(as_matrix(coords, "coords", sparse=False), dtype=np.float64)
        with ProgressBar(enabled=bool(self.verbose)) as bar:
            r = _nmfkit.fit_multimodal(modalities, preprocess, options, nmf, coordinates=coords,
                                       log=log_for(self.verbose), progress=bar)
        for message in r["warnings"]:
            warnings.warn(message, UserWarning, stacklevel=2)
        # What transform replays: the options as fitted and the preprocessing's weights.
        self._fitted = (preprocess, options, nmf, r["preprocessing"])
        names = list(r["modalities"])
        self.modalities_ = names
        self.sample_names_ = list(r["samples"])
        self.feature_names_ = dict(zip(names, (list(f) for f in r["features"])))
        self.sample_topics_ = np.asarray(r["sample_topics"])
        self.components_ = dict(zip(names, (np.asarray(H) for H in r["components"])))
        self.lambda_ = dict(zip(names, (np.asarray(L) for L in r["lambda"])))
        self.n_iter_ = int(r["n_iter"])
        if self.model == "joint-nmf":
            self.reconstruction_errors_ = dict(zip(names, r["modality_errors"]))
            self.objective_ = float(r["objective"])
        self.n_components_ = self.sample_topics_.shape[1]
        return self

    def fit_transform(self, X: Any, y: Any = None, coords: Any = None) -> np.ndarray:
        """Fit the topics and return ``sample_topics_`` (n_samples × n_components)."""
        return self.fit(X, coords=coords).sample_topics_

    def transform(self, X: Any) -> np.ndarray:
        """The topics of new samples under the fitted model.

        The new samples are preprocessed as the training samples were, with the fit's
        weights: the tf-idf modalities with the training data's idf, every modality
        multiplied by the training data's ``scale_counts`` factor (so a sample's topics do
        not depend on the other samples passed with it), CLR per sample. Then
        ``'joint-nmf'`` finds the W minimising Σ_m w_m·D_β(X_m ‖ W·H_m) with every H_m fixed
        (the fit's solver, tol, max_iter and loss), ``'mtm'`` and ``'smtm'`` run the
        held-out E-step with the fitted λ (mTopic's inference on new cells): the topic
        proportions E[θ], rows summing to 1. sMTM's spatial smoothing is not applied to new
        samples: it pulls each sample toward its neighbours' proportions from the fit's
        previous iteration, which new samples do not have, so they get the plain MTM
        E-step against the sMTM topics.

        Transforming the training data gives back ``sample_topics_`` approximately, not
        exactly: joint NMF solves the W-problem afresh (to the fit's tol), and MTM's
        ``sample_topics_`` come from the E-step before the fit's last update of λ.

        Parameters
        ----------
        X : dict of str to data, or MuData
            The fitted modalities by name (in any order), each new samples × the fitted
            features, as in :meth:`fit`.

        Returns
        -------
        sample_topics : ndarray of shape (n_samples, n_components)

        Raises
        ------
        ValueError
            A modality missing, unknown or with another number of features than fitted
            (the message names it), or values that are negative or not finite.
        """
        check_is_fitted(self, "_fitted")
        preprocess, options, nmf, state = self._fitted
        modalities = self._modalities(X)
        components = [self.components_[name] for name in self.modalities_]
        lambdas = [self.lambda_[name] for name in self.modalities_] if self.lambda_ else []
        with ProgressBar(enabled=bool(self.verbose)) as bar:
            W = _nmfkit.transform_multimodal(modalities, preprocess, state, options, nmf,
                                             self.modalities_, components, lambdas,
                                             log_for(self.verbose), bar)
        return np.asarray(W)
