"""``nmfkit.MiniBatchNMF``: scikit-learn's ``sklearn.decomposition.MiniBatchNMF`` over
nmfkit's C++ core."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _nmfkit
from ._compat import check_is_fitted
from ._validation import check_factor, check_int, check_real, check_seed, validate_X
from .decomposition import NMF, _emit

__all__ = ["MiniBatchNMF"]


class MiniBatchNMF(NMF):
    """Mini-batch non-negative matrix factorisation, X ≈ W @ H, by nmfkit's C++ core.

    A drop-in replacement for :class:`sklearn.decomposition.MiniBatchNMF` (scikit-learn
    1.2): the same parameters, defaults, attributes and methods, ``partial_fit`` included,
    and the same numbers. W's rows are updated one batch of samples at a time by the
    multiplicative update, and H by running sums that forget old batches.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; ``None`` keeps all features.
    init : {'random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom'} or None, default=None
        Initialisation, as for :class:`nmfkit.NMF`.
    batch_size : int, default=1024
        Samples per batch.
    beta_loss : float or {'frobenius', 'kullback-leibler', 'itakura-saito'}, default='frobenius'
        The β-divergence minimised.
    tol : float, default=1e-4
        Stop when H's relative change over a batch is at most ``tol`` (0: never).
    max_no_improvement : int or None, default=10
        Stop after this many batches without a better smoothed cost (None: never).
    max_iter : int, default=200
        Maximum number of passes over the data.
    alpha_W, alpha_H, l1_ratio : as for :class:`nmfkit.NMF`.
    forget_factor : float, default=0.7
        How much of the past batches H's update keeps (1: all, 0: none).
    fresh_restarts : bool, default=False
        Solve W completely for every batch.
    fresh_restarts_max_iter : int, default=30
        Iterations of those solves.
    transform_max_iter : int or None, default=None
        Iterations of :meth:`transform` (None: ``max_iter``).
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation.
    verbose : int, default=0
        Accepted for compatibility; nothing is printed.
    n_threads : int, default=0
        Threads of the C++ core (0: all cores).

    Attributes
    ----------
    components_, n_components_, reconstruction_err_, n_iter_, n_features_in_ : as in
    scikit-learn. n_steps_ : int, the batches processed. seed_ : int, the seed used.
    """

    def __init__(
        self,
        n_components: Optional[int] = None,
        *,
        init: Optional[str] = None,
        batch_size: int = 1024,
        beta_loss: Any = "frobenius",
        tol: float = 1e-4,
        max_no_improvement: Optional[int] = 10,
        max_iter: int = 200,
        alpha_W: float = 0.0,
        alpha_H: Any = "same",
        l1_ratio: float = 0.0,
        forget_factor: float = 0.7,
        fresh_restarts: bool = False,
        fresh_restarts_max_iter: int = 30,
        transform_max_iter: Optional[int] = None,
        random_state: Any = None,
        verbose: int = 0,
        n_threads: int = 0,
    ) -> None:
        self.n_components = n_components
        self.init = init
        self.batch_size = batch_size
        self.beta_loss = beta_loss
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.max_iter = max_iter
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.forget_factor = forget_factor
        self.fresh_restarts = fresh_restarts
        self.fresh_restarts_max_iter = fresh_restarts_max_iter
        self.transform_max_iter = transform_max_iter
        self.random_state = random_state
        self.verbose = verbose
        self.n_threads = n_threads

    # NMF's parameters that MiniBatchNMF does not have.
    solver = "mu"
    shuffle = False
    patience = 3
    comm = None
    model = "standard"
    graph = None
    graph_weight = 1.0
    learning_rate = None
    penalty = 100.0

    def _model(self) -> Any:
        options = self._options(check_seed(self.random_state))
        if not isinstance(self.fresh_restarts, (bool, np.bool_)):
            raise ValueError(f"fresh_restarts must be a bool, got {self.fresh_restarts!r}")
        batch = {
            "batch_size": check_int(self.batch_size, "batch_size"),
            "max_no_improvement": check_int(
                self.max_no_improvement, "max_no_improvement", allow_none=True
            ),
            "forget_factor": check_real(self.forget_factor, "forget_factor"),
            "fresh_restarts": bool(self.fresh_restarts),
            "fresh_restarts_max_iter": check_int(
                self.fresh_restarts_max_iter, "fresh_restarts_max_iter"
            ),
            "transform_max_iter": check_int(
                self.transform_max_iter, "transform_max_iter", allow_none=True
            ),
        }
        return _nmfkit.MiniBatchModel(options, batch)

    def _factors(self, W: Any, H: Any, dtype: np.dtype) -> tuple[Any, Any]:
        if self.init == "custom":
            return check_factor(W, "W", dtype), check_factor(H, "H", dtype)
        return None, None

    def fit_transform(self, X: Any, y: Any = None, W: Any = None, H: Any = None) -> np.ndarray:
        """Learn the model from X and return W.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative training data.
        y : Ignored
        W, H : array-like, optional
            With ``init='custom'``, the initial factors.

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
        """
        model = self._model()
        X = validate_X(self, X, reset=True)
        W, H = self._factors(W, H, X.dtype)
        result = model.fit_transform(X, W, H)
        _emit(result["warnings"], result["converged"])
        self._state = model
        self.reconstruction_err_ = float(result["reconstruction_error"])
        self.components_ = result["H"]
        self.n_components_ = self.components_.shape[0]
        self.n_iter_ = int(result["n_iter"])
        self.n_steps_ = int(result["n_steps"])
        self.seed_ = int(result["random_state"])
        return result["W"]

    def partial_fit(self, X: Any, y: Any = None, W: Any = None, H: Any = None) -> "MiniBatchNMF":
        """Update the model with X as one mini-batch (for data that arrives in pieces).

        The first call initialises the model from X (W and H with ``init='custom'``);
        later calls continue it.

        Returns
        -------
        self : MiniBatchNMF
        """
        first = not hasattr(self, "components_")
        X = validate_X(self, X, reset=first)
        if first:
            self._state = self._model()
            W, H = self._factors(W, H, X.dtype)
        else:
            W = H = None
            if X.dtype != self.components_.dtype:
                X = X.astype(self.components_.dtype)
        self._state.partial_fit(X, W, H)
        self.components_ = self._state.components()
        self.n_components_ = self.components_.shape[0]
        self.n_steps_ = int(self._state.n_steps())
        self.seed_ = int(self._state.seed())
        return self

    # The C++ model pickles as its arrays and counters.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "_state" in state:
            state["_state"] = state["_state"].get_state()
        return state

    def __setstate__(self, state: dict) -> None:
        saved = state.pop("_state", None)
        self.__dict__.update(state)
        if saved is not None:
            self._state = self._model()
            self._state.set_state(saved)

    def transform(self, X: Any) -> np.ndarray:
        """W for X with the components fixed.

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self)
        X = validate_X(self, X, reset=False)
        if X.dtype != self.components_.dtype:
            X = X.astype(self.components_.dtype)
        return self._state.transform(X)
