"""``nmfkit.feature_associations``: which source features (peaks) explain each target
feature (a gene), from two modalities' topic loadings; mTopic's ``feature_associations``
(mode 'faithful') or its corrected KL fit (mode 'corrected'), over the C++ core."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from . import _nmfkit
from ._inputs import as_matrix, log_for, names_of
from ._progress import ProgressBar
from ._validation import check_int, check_real

__all__ = ["feature_associations"]


def feature_associations(
    A: Any,
    B: Any,
    mask: Any = None,
    *,
    A_names: Optional[Sequence[Any]] = None,
    B_names: Optional[Sequence[Any]] = None,
    mode: str = "corrected",
    normalize: bool = True,
    targets: Optional[Sequence[Any]] = None,
    n_epochs: int = 10000,
    lambda_reg: float = 1e-4,
    lambda_entropy: float = 1e-3,
    lambda_spread: float = 0.05,
    temperature: float = 0.2,
    tolerance: float = 1e-8,
    max_iterations: int = 20000,
    min_weight: float = 0.02,
    restarts: int = 3,
    single_slack: float = 1e-6,
    seed: int = 1898,
    n_threads: int = 0,
    verbose: Union[bool, int] = False,
) -> Any:
    """Each target feature as a mixture of source features (``nmfkit associate``).

    Oriented as mTopic's ``feature_associations``: rows are B's (source) features, columns
    A's (target) features, each column with allowed sources sums to 1.

    Parameters
    ----------
    A : array-like or DataFrame of shape (n_topics, n_targets)
        Topic loadings of the target modality (e.g. genes); a DataFrame's columns name them.
    B : array-like or DataFrame of shape (n_topics, n_sources)
        Topic loadings of the source modality (e.g. peaks), the same topics.
    mask : {array-like, sparse matrix} of shape (n_sources, n_targets), optional
        Allowed pairs (a non-zero entry allows the pair); None allows all.
    A_names, B_names : sequence, optional
        Feature names (default: the DataFrames' columns, else 0, 1, ...).
    mode : {'corrected', 'faithful'}, default='corrected'
        'faithful': mTopic's definition exactly (Adam on its loss for ``n_epochs`` steps);
        'corrected': a proper KL fitted by EM to convergence (docs/associations.md).
    normalize : bool, default=True
        Divide each topic's loadings by their sum first.
    targets : sequence, optional
        Only these target features (by name); the other columns stay zero.
    n_epochs, lambda_reg, lambda_entropy, lambda_spread, temperature :
        'faithful': mTopic's optimiser steps and loss weights.
    tolerance, max_iterations, min_weight, restarts, single_slack, seed :
        'corrected': EM's stopping rule, pruning of small weights, random starts, and the
        slack under which one source that reproduces the target is reported alone.
    n_threads : int, default=0
        Threads over targets (0: all cores).
    verbose : bool, default=False
        Print progress on stderr, with a progress bar of the fitted targets (tqdm's when
        tqdm is installed, else a plain one).

    Returns
    -------
    pandas.DataFrame of shape (n_sources, n_targets)
        The weights, indexed by B's names, columns A's names.

    Raises
    ------
    ValueError
        Different numbers of topics, negative or non-finite loadings, a mask of another
        shape, an unknown target name, bad options.
    """
    import pandas as pd

    given_A, given_B = A, B
    A = np.asarray(as_matrix(A, "A", sparse=False), dtype=np.float64)
    B = np.asarray(as_matrix(B, "B", sparse=False), dtype=np.float64)
    target_names = names_of(given_A, 1, A.shape[1], A_names, "A_names")
    source_names = names_of(given_B, 1, B.shape[1], B_names, "B_names")
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"A has {A.shape[0]} topics (rows) but B has {B.shape[0]}")
    if mask is not None:
        mask = as_matrix(mask, "mask")
    selected = None
    if targets is not None:
        where = {name: j for j, name in enumerate(target_names)}
        selected = []
        for name in targets:
            if name not in where:
                raise ValueError(f"targets: no target feature named {name!r}")
            selected.append(where[name])
    options = {
        "mode": mode,
        "normalize": bool(normalize),
        "targets": selected,
        "n_epochs": check_int(n_epochs, "n_epochs"),
        "lambda_reg": check_real(lambda_reg, "lambda_reg"),
        "lambda_entropy": check_real(lambda_entropy, "lambda_entropy"),
        "lambda_spread": check_real(lambda_spread, "lambda_spread"),
        "temperature": check_real(temperature, "temperature"),
        "tolerance": check_real(tolerance, "tolerance"),
        "max_iterations": check_int(max_iterations, "max_iterations"),
        "min_weight": check_real(min_weight, "min_weight"),
        "restarts": check_int(restarts, "restarts"),
        "single_slack": check_real(single_slack, "single_slack"),
        "seed": check_int(seed, "seed"),
        "n_threads": check_int(n_threads, "n_threads"),
    }
    with ProgressBar(enabled=bool(verbose)) as bar:
        result = _nmfkit.associate(A, B, mask, options, log=log_for(verbose), progress=bar)
    import scipy.sparse

    data, indices, indptr, shape = result["weights"]
    weights = scipy.sparse.csr_matrix((data, indices, indptr), shape=shape).toarray()
    return pd.DataFrame(weights, index=pd.Index(source_names), columns=pd.Index(target_names))
