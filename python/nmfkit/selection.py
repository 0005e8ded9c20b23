"""How many components? ``select_k`` scores a range of k (cross-validation, NMFk stability,
Brunet's consensus, cNMF) and ``consensus`` computes cNMF's consensus programs, both over the
C++ core (the same numbers as ``nmfkit select-k`` and ``nmfkit consensus``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import numpy as np

from . import _nmfkit
from ._inputs import KSpec, as_matrix, k_spec, log_for, nmf_options
from ._progress import ProgressBar
from ._validation import check_int, check_real

__all__ = ["select_k", "consensus", "SelectKResult", "ConsensusResult"]

_METHODS = ("cv", "stability", "both", "consensus", "cnmf", "all")


def _scores_frame(scores: dict) -> Any:
    import pandas as pd

    frame = pd.DataFrame(scores)
    return frame.set_index("k")


@dataclass(frozen=True)
class SelectKResult:
    """What ``select_k`` found.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per k tried (the index, increasing); the columns of ``selection.tsv``:
        ``test_error``, ``test_error_se``, ``train_error`` (cv), ``min_silhouette``,
        ``mean_silhouette`` (stability), ``reconstruction_error``, ``cophenetic``,
        ``dispersion`` (consensus), ``cnmf_silhouette``, ``cnmf_error`` (cnmf), ``seconds``;
        NaN where a method did not run.
    k : int
        The chosen number of components.
    by_method : dict of str to int
        Each method's own choice (``'cv'``, ``'stability'``, ``'consensus'``, ``'cnmf'``).
    rules : dict of str to str
        How each method's choice follows from its scores.
    rule : str
        How ``k`` follows from the methods' choices.
    agreement : str
        Which methods agree.
    seconds : float
        Wall time of the whole selection.
    """

    scores: Any
    k: int
    by_method: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    rule: str = ""
    agreement: str = ""
    seconds: float = 0.0


def _selection(result: dict) -> SelectKResult:
    return SelectKResult(scores=_scores_frame(result["scores"]), k=int(result["chosen_k"]),
                         by_method=dict(result["by_method"]), rules=dict(result["rules"]),
                         rule=result["rule"], agreement=result["agreement"],
                         seconds=float(result["seconds"]))


def _select_options(
    *,
    method: str = "cv",
    holdout: float = 0.1,
    replicates: int = 3,
    cv_tolerance: float = 0.05,
    perturbations: int = 10,
    noise: float = 0.03,
    threshold: float = 0.8,
    restarts: int = 20,
    cophenetic_tolerance: float = 0.0015,
    cnmf_tolerance: float = 0.02,
    density_threshold: float = 2.0,
    parallel_fits: int = 0,
) -> dict:
    """The core's select options, checked; the defaults are select_k's."""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}, got {method!r}")
    return {
        "method": method,
        "holdout": check_real(holdout, "holdout"),
        "replicates": check_int(replicates, "replicates"),
        "cv_tolerance": check_real(cv_tolerance, "cv_tolerance"),
        "perturbations": check_int(perturbations, "perturbations"),
        "noise": check_real(noise, "noise"),
        "threshold": check_real(threshold, "threshold"),
        "restarts": check_int(restarts, "restarts"),
        "cophenetic_tolerance": check_real(cophenetic_tolerance, "cophenetic_tolerance"),
        "cnmf_tolerance": check_real(cnmf_tolerance, "cnmf_tolerance"),
        "density_threshold": check_real(density_threshold, "density_threshold"),
        "parallel_fits": check_int(parallel_fits, "parallel_fits"),
    }


def select_k(
    X: Any,
    ks: KSpec = "auto",
    *,
    method: str = "cv",
    holdout: float = 0.1,
    replicates: int = 3,
    cv_tolerance: float = 0.05,
    perturbations: int = 10,
    noise: float = 0.03,
    threshold: float = 0.8,
    restarts: int = 20,
    cophenetic_tolerance: float = 0.0015,
    cnmf_tolerance: float = 0.02,
    density_threshold: float = 2.0,
    mask: Any = None,
    missing: str = "none",
    solver: str = "auto",
    beta_loss: Union[str, float] = "frobenius",
    init: Optional[str] = None,
    tol: float = 1e-4,
    max_iter: int = 200,
    random_state: Optional[int] = None,
    n_threads: int = 0,
    parallel_fits: int = 0,
    verbose: Union[bool, int] = False,
) -> SelectKResult:
    """Choose the number of components of an NMF of X.

    The same computation as ``nmfkit select-k`` (docs/select-k.md): for each candidate k,
    speckled-holdout cross-validation (``method='cv'``), NMFk's stability of the components
    under perturbed data (``'stability'``), both (``'both'``), Brunet's cophenetic
    correlation of the consensus matrix (``'consensus'``), cNMF's silhouette of the replicate
    spectra (``'cnmf'``), or every method (``'all'``).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Non-negative data (float32 stays float32); NaN entries only with ``missing='nan'``.
    ks : str, int or sequence of int, default='auto'
        The candidates: a list of ints, a ``range``, ``'LOW:HIGH'``, ``'LOW:HIGH:STEP'``, or
        ``'auto'`` / ``'auto:LOW:HIGH'`` for a coarse-to-fine search.
    method : {'cv', 'stability', 'both', 'consensus', 'cnmf', 'all'}, default='cv'
    holdout, replicates, cv_tolerance : cross-validation's share of held-out entries (in
        (0, 0.5]), its number of holdout masks, and its elbow rule's tolerance.
    perturbations, noise, threshold : stability's ensemble size, multiplicative noise and the
        smallest cluster silhouette a stable k must reach.
    restarts, cophenetic_tolerance, cnmf_tolerance, density_threshold : the consensus
        methods' fits per k, their rules' tolerances and cNMF's outlier filter (2: none).
    mask : {array-like, sparse matrix} of X's shape, optional
        Entries where the mask is non-zero are missing.
    missing : {'none', 'nan', 'zeros'}, default='none'
        ``'nan'``: NaN entries of X are missing; ``'zeros'``: only non-zero entries count.
    solver, beta_loss, init, tol, max_iter, random_state, n_threads :
        The fits, as in :class:`nmfkit.NMF` (``solver='auto'``: the fastest for the loss).
        ``random_state`` seeds the holdouts, perturbations and starts (None: 0).
    parallel_fits : int, default=0
        Fits at once, each on one thread (0: by the data size).
    verbose : bool, default=False
        Print the core's progress lines on stderr, with a progress bar there (tqdm's
        when tqdm is installed, else a plain one).

    Returns
    -------
    SelectKResult
        ``scores`` (a pandas DataFrame indexed by k) and the chosen ``k``, with each method's
        choice and rule.

    Raises
    ------
    ValueError
        Bad options, a k above min(n_samples, n_features), a mask of another shape.
    """
    X = as_matrix(X, "X", allow_nan=missing == "nan")
    if mask is not None:
        mask = as_matrix(mask, "mask")
    select = _select_options(method=method, holdout=holdout, replicates=replicates,
                             cv_tolerance=cv_tolerance, perturbations=perturbations,
                             noise=noise, threshold=threshold, restarts=restarts,
                             cophenetic_tolerance=cophenetic_tolerance,
                             cnmf_tolerance=cnmf_tolerance,
                             density_threshold=density_threshold, parallel_fits=parallel_fits)
    nmf = nmf_options(solver=solver, beta_loss=beta_loss, init=init, tol=tol, max_iter=max_iter,
                      random_state=random_state, n_threads=n_threads)
    with ProgressBar(enabled=bool(verbose)) as bar:
        result = _nmfkit.select_k(X, k_spec(ks), select, nmf, mask=mask, missing=missing,
                                  log=log_for(verbose), progress=bar)
    return _selection(result)


@dataclass(frozen=True)
class ConsensusResult:
    """cNMF's consensus programs at one k, and its k-selection around it.

    Attributes
    ----------
    usages : ndarray of shape (n_samples, k)
        Each sample's program usages as fractions (rows sum to 1; ``usages.tsv``).
    usages_raw : ndarray of shape (n_samples, k)
        The usages refitted by NNLS with the spectra fixed, in X's units.
    spectra : ndarray of shape (k, n_features)
        The consensus spectra (medians of the kept replicate spectra), rows summing to 1.
    spectra_refit : ndarray of shape (k, n_features)
        The spectra refitted in X's units with the usages fixed.
    top_features : ndarray of shape (k, top_features)
        Per program, the features with the largest refitted spectrum, largest first.
    local_density : ndarray of shape (replicates * k,)
        Each replicate spectrum's mean distance to its nearest neighbours.
    spectrum_programs : ndarray of shape (replicates * k,)
        Each replicate spectrum's program, -1 where the density filter dropped it.
    spectra_kept : int
    silhouette : float
        Of the kept spectra's clusters.
    relative_error : float
        ‖X − usages_raw · spectra‖ / ‖X‖.
    selection : SelectKResult
        cNMF's scores over ``k_range`` (``k_selection.tsv``) and the k its rule chooses.
    k_range : str
        The k of the selection, as a k spec.
    """

    usages: np.ndarray
    usages_raw: np.ndarray
    spectra: np.ndarray
    spectra_refit: np.ndarray
    top_features: np.ndarray
    local_density: np.ndarray
    spectrum_programs: np.ndarray
    spectra_kept: int
    silhouette: float
    relative_error: float
    selection: SelectKResult
    k_range: str


def consensus(
    X: Any,
    k: int,
    *,
    replicates: int = 20,
    density_threshold: float = 0.5,
    top_features: int = 100,
    k_selection: Optional[KSpec] = None,
    solver: str = "auto",
    beta_loss: Union[str, float] = "frobenius",
    init: Optional[str] = None,
    tol: float = 1e-4,
    max_iter: int = 200,
    random_state: Optional[int] = None,
    n_threads: int = 0,
    verbose: Union[bool, int] = False,
) -> ConsensusResult:
    """cNMF's consensus programs for k (Kotliar et al. 2019), as ``nmfkit consensus``.

    ``replicates`` fits of X from random starts; their spectra (rows of H, unit length)
    whose mean distance to their nearest neighbours reaches ``density_threshold`` are
    dropped, the rest k-means clustered; the cluster medians are the consensus spectra and
    the usages are refitted to them. The k-selection table (cNMF's silhouette and refit
    error against k) uses the same replicate fits.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Non-negative data.
    k : int
        The number of programs.
    replicates : int, default=20
        Fits from random starts.
    density_threshold : float, default=0.5
        Replicate spectra at least this far from their neighbours are dropped (2: keep all).
    top_features : int, default=100
        Features listed per program.
    k_selection : str or sequence of int, optional
        The k of the selection table (default k − 2 .. k + 2 from 2, within the data).
    solver, beta_loss, init, tol, max_iter, random_state, n_threads :
        The fits, as in :class:`nmfkit.NMF`.
    verbose : bool, default=False
        Print the core's progress lines on stderr, with a progress bar there (tqdm's
        when tqdm is installed, else a plain one).

    Returns
    -------
    ConsensusResult

    Raises
    ------
    ValueError
        Bad options, k above min(n_samples, n_features), a density threshold that drops
        every spectrum of a program.
    """
    X = as_matrix(X, "X")
    nmf = nmf_options(solver=solver, beta_loss=beta_loss, init=init, tol=tol, max_iter=max_iter,
                      random_state=random_state, n_threads=n_threads)
    with ProgressBar(enabled=bool(verbose)) as bar:
        result = _nmfkit.consensus(
            X, check_int(k, "k"), check_int(replicates, "replicates"),
            check_real(density_threshold, "density_threshold"),
            check_int(top_features, "top_features"),
            "" if k_selection is None else k_spec(k_selection), nmf, log=log_for(verbose),
            progress=bar)
    return ConsensusResult(
        usages=np.asarray(result["usages"]),
        usages_raw=np.asarray(result["usages_raw"]),
        spectra=np.asarray(result["spectra"]),
        spectra_refit=np.asarray(result["spectra_refit"]),
        top_features=np.asarray(result["top_features"], dtype=np.int64),
        local_density=np.asarray(result["local_density"]),
        spectrum_programs=np.asarray(result["spectrum_programs"], dtype=np.int64),
        spectra_kept=int(result["spectra_kept"]),
        silhouette=float(result["silhouette"]),
        relative_error=float(result["relative_error"]),
        selection=_selection(result["selection"]),
        k_range=result["range"],
    )
