"""Non-negative CP (PARAFAC) decomposition of tensors by HALS over nmfkit's C++ core.

X ≈ Σ_r λ_r · a⁽⁰⁾_r ∘ a⁽¹⁾_r ∘ … with every factor non-negative and unit-norm columns
(Kolda & Bader 2009; the HALS updates of Cichocki & Phan 2009, as PLANC's NTF). NaN
entries are missing: left out of the fit. See docs/tensor.md.
"""

from __future__ import annotations

import sys
from typing import Any, Optional, Sequence, Tuple

import numpy as np

from . import _nmfkit
from ._compat import BaseEstimator, ConvergenceWarning
from ._validation import check_int, check_real, check_seed

__all__ = ["NonNegativeCP", "non_negative_parafac", "factor_match_score", "cp_to_tensor"]


def _tensor_input(X: Any) -> Tuple[str, Any]:
    """('dense', ndarray) or ('sparse', (coords int64 (nnz, N), values, shape))."""
    if isinstance(X, tuple) and len(X) == 3:
        coords, values, shape = X
        coords = np.ascontiguousarray(coords, dtype=np.int64)
        values = np.asarray(values)
        if values.dtype not in (np.float32, np.float64):
            values = values.astype(np.float64)
        shape = [check_int(s, "shape") for s in shape]
        if coords.ndim != 2 or coords.shape != (values.shape[0], len(shape)):
            raise ValueError(
                f"coords must be an (nnz, {len(shape)}) array of zero-based indices, one row "
                f"per value; got shape {coords.shape} for {values.shape[0]} values")
        return "sparse", (coords, np.ascontiguousarray(values), shape)
    X = np.asarray(X)
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if X.ndim < 3:
        raise ValueError(f"a tensor needs at least 3 dimensions; got shape {X.shape}")
    return "dense", X


class NonNegativeCP(BaseEstimator):
    """Non-negative CP decomposition by HALS.

    Parameters
    ----------
    n_components : int
        The rank k of the CP model.
    tol : float, default 1e-4
        Stop once the relative decrease of the squared error stays below ``tol`` for
        ``patience`` iterations in a row.
    max_iter : int, default 200
    patience : int, default 3
    random_state : int or None
        Seed of the random start (uniform factors); None draws one (kept in
        ``random_state_``).
    n_threads : int, default 0
        Threads (0: all); results are identical for any number.
    verbose : int, default 0
        > 0 prints the relative error after each iteration.

    Attributes
    ----------
    factors_ : list of ndarray
        One (I_n, k) matrix per mode, with unit-norm columns.
    weights_ : ndarray of shape (k,)
        λ.
    reconstruction_err_ : float
        ‖X − X̂‖ / ‖X‖ over the observed entries.
    relative_error_history_ : list of float
        The same after each iteration (non-increasing: HALS is monotone).
    n_iter_, converged_, random_state_, n_missing_
    """

    def __init__(self, n_components: int = 1, *, tol: float = 1e-4, max_iter: int = 200,
                 patience: int = 3, random_state: Optional[int] = None, n_threads: int = 0,
                 verbose: int = 0):
        self.n_components = n_components
        self.tol = tol
        self.max_iter = max_iter
        self.patience = patience
        self.random_state = random_state
        self.n_threads = n_threads
        self.verbose = verbose

    def _options(self) -> dict:
        return {
            "n_components": check_int(self.n_components, "n_components"),
            "tol": check_real(self.tol, "tol"),
            "max_iter": check_int(self.max_iter, "max_iter"),
            "patience": check_int(self.patience, "patience"),
            "random_state": check_seed(self.random_state),
            "n_threads": check_int(self.n_threads, "n_threads"),
            "verbose": check_int(self.verbose, "verbose"),
        }

    def fit(self, X: Any, y: Any = None) -> "NonNegativeCP":
        """Fits the model to X: an ndarray of 3 or more dimensions (NaN: missing), or a
        sparse tensor as a tuple (coords, values, shape) with zero-based coords of shape
        (nnz, N); unlisted entries are 0."""
        kind, data = _tensor_input(X)
        options = self._options()
        log = (lambda line: print(line, file=sys.stdout, flush=True)) if self.verbose else None
        if kind == "dense":
            result = _nmfkit.fit_ntf_dense(data, options, log)
        else:
            result = _nmfkit.fit_ntf_sparse(*data, options, log)
        self.factors_ = list(result["factors"])
        self.weights_ = np.asarray(result["weights"])
        self.reconstruction_err_ = result["relative_error"]
        self.relative_error_history_ = list(result["relative_error_history"])
        self.n_iter_ = result["n_iter"]
        self.converged_ = result["converged"]
        self.random_state_ = result["random_state"]
        self.n_missing_ = result["n_missing"]
        if not self.converged_:
            import warnings

            warnings.warn(f"Maximum number of iterations {self.max_iter} reached. Increase it "
                          "to improve convergence.", ConvergenceWarning, stacklevel=2)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> list:
        """Fits and returns the factors (with λ kept apart in ``weights_``)."""
        return self.fit(X).factors_

    def inverse_transform(self) -> np.ndarray:
        """The fitted model as a dense tensor, Σ_r λ_r a⁽⁰⁾_r ∘ …"""
        return cp_to_tensor(self.weights_, self.factors_)


def non_negative_parafac(X: Any, rank: int, **kwargs: Any) -> Tuple[np.ndarray, list]:
    """(weights, factors) of a non-negative CP of X, as TensorLy returns a CP tensor.
    Keyword arguments are NonNegativeCP's."""
    model = NonNegativeCP(rank, **kwargs).fit(X)
    return model.weights_, model.factors_


def cp_to_tensor(weights: Any, factors: Sequence[Any]) -> np.ndarray:
    """Σ_r λ_r a⁽⁰⁾_r ∘ a⁽¹⁾_r ∘ … as a dense array."""
    factors = [np.asarray(F) for F in factors]
    letters = "abcdefghijklmnopqrstuvwxy"[: len(factors)]
    spec = ",".join(f"{c}z" for c in letters) + ",z->" + letters
    return np.einsum(spec, *factors, np.asarray(weights))


def factor_match_score(factors_a: Sequence[Any], weights_a: Any, factors_b: Sequence[Any],
                       weights_b: Any) -> float:
    """The factor match score of two CP models (1: equal up to permutation and scaling):
    the mean over components, under the best permutation, of the product over modes of
    |cosine| times the weight penalty 1 − |λ − μ| / max(λ, μ) (Tensor Toolbox's score)."""
    to64 = lambda fs: [np.asarray(F, dtype=np.float64) for F in fs]  # noqa: E731
    return _nmfkit.factor_match_score(to64(factors_a), np.asarray(weights_a, dtype=np.float64),
                                      to64(factors_b), np.asarray(weights_b, dtype=np.float64))
