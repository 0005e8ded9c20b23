"""Inputs of the function-style API (select_k, consensus, cluster, feature_associations):
matrices as the C++ core takes them, names from pandas objects, the NMF options of a run."""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from ._validation import canonical_sparse, check_int, check_real, check_seed, is_sparse

KSpec = Union[str, int, Sequence[int], range]


def as_matrix(X: Any, name: str, *, allow_nan: bool = False, sparse: bool = True) -> Any:
    """X as a 2-D float32/float64 ndarray or canonical CSR/CSC matrix; a DataFrame's values.

    Raises ValueError for anything else, an empty matrix, or non-finite entries (NaN allowed
    with ``allow_nan``)."""
    if hasattr(X, "to_numpy") and hasattr(X, "columns"):
        X = X.to_numpy()
    if is_sparse(X):
        if not sparse:
            X = X.toarray()
        else:
            X = canonical_sparse(X)
            if X.dtype not in (np.float32, np.float64):
                X = X.astype(np.float64)
            values = X.data
    if not is_sparse(X):
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            raise ValueError(f"{name} must be numeric, got dtype {X.dtype}")
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        values = X
    if X.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got {X.ndim} dimension(s)")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} has shape {X.shape}: it needs at least one row and column")
    finite = np.isfinite(values) | (np.isnan(values) if allow_nan else False)
    if not np.all(finite):
        raise ValueError(f"{name} contains NaN or infinity")
    return X


def names_of(X: Any, axis: int, count: int, given: Optional[Sequence[Any]], what: str) -> list:
    """Labels along an axis: the given ones, a DataFrame's index/columns, else 0, 1, ..."""
    if given is None:
        labels = getattr(X, "columns" if axis == 1 else "index", None)
        if labels is not None and hasattr(X, "to_numpy"):
            return list(labels)
        return list(range(count))
    given = list(given)
    if len(given) != count:
        raise ValueError(f"{what} has {len(given)} names for {count} features")
    return given


def k_spec(ks: KSpec) -> str:
    """The candidates as the core's k spec: 'auto', 'LOW:HIGH[:STEP]', or a list '3,5,8'."""
    if isinstance(ks, str):
        return ks
    if isinstance(ks, (int, np.integer)) and not isinstance(ks, bool):
        return str(int(ks))
    try:
        values = [check_int(k, "ks") for k in ks]
    except TypeError:
        raise ValueError(f"ks must be a string, an int or a sequence of ints, got {ks!r}") from None
    if not values:
        raise ValueError("ks is empty")
    return ",".join(str(k) for k in sorted(set(values)))


def nmf_options(*, solver: str, beta_loss: Union[str, float], init: Optional[str], tol: float,
                max_iter: int, random_state: Any, n_threads: int, alpha_W: float = 0.0,
                alpha_H: Union[str, float] = "same", l1_ratio: float = 0.0) -> dict:
    """The fits' options in the core's terms (the same names as nmfkit.NMF's)."""
    return {
        "solver": solver,
        "beta_loss": beta_loss,
        "init": init,
        "tol": check_real(tol, "tol"),
        "max_iter": check_int(max_iter, "max_iter"),
        "random_state": check_seed(random_state),
        "n_threads": check_int(n_threads, "n_threads"),
        "alpha_W": check_real(alpha_W, "alpha_W"),
        "alpha_H": None if alpha_H == "same" else check_real(alpha_H, "alpha_H"),
        "l1_ratio": check_real(l1_ratio, "l1_ratio"),
    }


def log_for(verbose: Union[bool, int]) -> Optional[Callable[[str], None]]:
    if not verbose:
        return None
    return lambda line: print(line, file=sys.stderr, flush=True)
