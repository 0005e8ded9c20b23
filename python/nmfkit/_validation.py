"""Turning what users pass (NumPy arrays, SciPy sparse matrices, pandas DataFrames, lists)
into what the C++ core takes, without copying data whose layout already fits."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._compat import HAVE_SKLEARN

try:
    import scipy.sparse as _sp
except ImportError:  # pragma: no cover - SciPy is a dependency of scikit-learn
    _sp = None

FLOAT_DTYPES = (np.float64, np.float32)


def is_sparse(X: Any) -> bool:
    return _sp is not None and _sp.issparse(X)


def canonical_sparse(X: Any) -> Any:
    """CSR or CSC with sorted indices and no duplicates (copied only when it is not)."""
    if X.format not in ("csr", "csc"):
        X = X.tocsr()
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    return X


def validate_X(estimator: Any, X: Any, *, reset: bool) -> Any:
    """X as a 2-D float32/float64 ndarray (any strides) or CSR/CSC matrix.

    With scikit-learn this is the estimator's own ``_validate_data`` (feature names,
    ``n_features_in_``, finiteness, scikit-learn's messages); without it, a small
    equivalent. float32 stays float32; other types become float64.
    """
    if HAVE_SKLEARN:
        X = estimator._validate_data(
            X, accept_sparse=("csr", "csc"), dtype=list(FLOAT_DTYPES), reset=reset
        )
    else:
        X = _validate_without_sklearn(estimator, X, reset=reset)
    if is_sparse(X):
        X = canonical_sparse(X)
    return X


def _validate_without_sklearn(estimator: Any, X: Any, *, reset: bool) -> Any:
    names = None
    columns = getattr(X, "columns", None)
    if columns is not None and hasattr(X, "to_numpy"):
        if all(isinstance(c, str) for c in columns):
            names = np.asarray(list(columns), dtype=object)
        X = X.to_numpy()
    if is_sparse(X):
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
        if X.dtype not in FLOAT_DTYPES:
            X = X.astype(np.float64)
        shape = X.shape
        values = X.data
    else:
        X = np.asarray(X)
        if X.dtype not in FLOAT_DTYPES:
            if X.dtype.kind not in "biuf":
                raise ValueError(f"X must be numeric, got dtype {X.dtype}")
            X = X.astype(np.float64)
        if X.ndim != 2:
            raise ValueError(
                f"Expected 2D array, got {X.ndim}D array instead. Reshape your data "
                "with array.reshape(-1, 1) if it has a single feature."
            )
        shape = X.shape
        values = X
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"Found array with shape {shape}: NMF needs at least one sample and feature")
    if not np.isfinite(values).all():
        raise ValueError("Input X contains NaN or infinity.")
    if reset:
        estimator.n_features_in_ = shape[1]
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {shape[1]} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    return X


def check_factor(M: Any, name: str, dtype: np.dtype) -> np.ndarray:
    """A custom W or H: a 2-D array of X's dtype (scikit-learn raises TypeError otherwise)."""
    if M is None:
        raise ValueError(f"init = 'custom' needs {name}")
    M = np.asarray(M)
    if M.dtype != dtype:
        raise TypeError(f"{name} should have the same dtype as X ({dtype}); got {M.dtype}")
    return M


def check_int(value: Any, name: str, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an int{' or None' if allow_none else ''}, got {value!r}")
    return int(value)


def check_real(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)


def check_seed(random_state: Any) -> int | None:
    """An int seed in [0, 2**32) as NumPy takes it; a RandomState draws one from itself."""
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise ValueError(
            f"random_state must be None, an int in [0, 2**32 - 1] or a numpy RandomState, got {random_state!r}"
        )
    if not 0 <= int(random_state) < 2**32:
        raise ValueError(f"random_state must be in [0, 2**32 - 1], got {random_state}")
    return int(random_state)
