"""``nmfkit.NMF``: scikit-learn's ``sklearn.decomposition.NMF`` over nmfkit's C++ core."""

from __future__ import annotations

import numbers
import sys
import warnings
from typing import Any, Callable, Optional, Union

import numpy as np

from . import _nmfkit
from ._progress import ProgressBar
from ._compat import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ConvergenceWarning,
    TransformerMixin,
    check_is_fitted,
)
from ._validation import (
    check_factor,
    check_int,
    check_real,
    check_seed,
    is_sparse,
    validate_X,
)

__all__ = ["NMF", "solvers"]

_MAX_ITER_MESSAGE = "Maximum number of iterations"


def solvers() -> list[dict]:
    """The solvers the C++ core knows.

    Returns
    -------
    list of dict
        One dict per solver: ``name``, ``description``, ``frobenius_only`` (accepts only
        ``beta_loss='frobenius'``), ``needs_positive_start`` and ``kl_only`` (accepts only
        ``beta_loss='kullback-leibler'``).
    """
    return _nmfkit.solvers()


def _print_line(line: str) -> None:
    print(line, file=sys.stdout, flush=True)


def _emit(messages: list[str], converged: bool) -> None:
    for message in messages:
        category = (
            ConvergenceWarning
            if not converged and message.startswith(_MAX_ITER_MESSAGE)
            else UserWarning
        )
        warnings.warn(message, category, stacklevel=3)


def _communicator_address(comm: Any) -> Optional[int]:
    """Where an mpi4py communicator keeps its MPI_Comm, for the C++ core; None for none."""
    if comm is None:
        return None
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise ValueError("comm needs mpi4py (Debian: python3-mpi4py)") from error
    if not isinstance(comm, MPI.Comm):
        raise ValueError(f"comm must be an mpi4py communicator, got {comm!r}")
    return MPI._addressof(comm)


class NMF(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Non-negative matrix factorisation, X ≈ W @ H, computed by nmfkit's C++ core.

    A drop-in replacement for :class:`sklearn.decomposition.NMF`: the same parameters,
    defaults, attributes and methods give the same numbers (to about 1e-10 relative in
    float64 for the ``cd`` and ``mu`` solvers). The C++ core runs without the GIL, on
    ``n_threads`` cores; Ctrl-C interrupts a fit with ``KeyboardInterrupt``.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; ``None`` keeps all features.
    init : {'random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom'} or None, default=None
        Initialisation. ``None``: ``'nndsvda'`` when ``n_components <= min(n_samples,
        n_features)``, else ``'random'``. ``'custom'`` uses the ``W`` and ``H`` passed to
        :meth:`fit_transform`.
    solver : str, default='cd'
        A solver of the C++ registry (see :func:`nmfkit.solvers`): ``'cd'`` (coordinate
        descent, as scikit-learn's), ``'mu'`` (multiplicative updates, any ``beta_loss``),
        and nmfkit's fast solvers: ``'auto'`` (the fastest for the loss: ``'hals'`` for
        Frobenius, ``'scd'`` for Kullback-Leibler, ``'mu'`` otherwise), ``'hals'``,
        ``'anls'``, ``'anls-bpp'`` (Frobenius) and ``'scd'`` (Kullback-Leibler); ``'pgd'`` and
        ``'adam'`` are seed 004's gradient NMF (Frobenius, slow).
    beta_loss : float or {'frobenius', 'kullback-leibler', 'itakura-saito'}, default='frobenius'
        The β-divergence minimised: ``'mu'`` and ``'auto'`` accept any, ``'scd'`` only
        Kullback-Leibler, the others only 2.
    tol : float, default=1e-4
        Stopping tolerance.
    max_iter : int, default=200
        Maximum number of iterations.
    random_state : int, RandomState instance or None, default=None
        Seed of the initialisation (NumPy's ``RandomState`` stream, so a seed gives the
        same start as scikit-learn) and of ``shuffle``. A RandomState instance draws a seed.
    alpha_W : float, default=0.0
        Regularisation of W (scaled by ``n_features`` as in scikit-learn).
    alpha_H : float or 'same', default='same'
        Regularisation of H; ``'same'`` takes ``alpha_W``.
    l1_ratio : float, default=0.0
        Share of the L1 penalty in the regularisation (0: L2 only, 1: L1 only).
    verbose : int, default=0
        Print progress lines while fitting (on stdout, as scikit-learn) and show a progress
        bar on stderr: the iterations, their rate and the stopping measure (tqdm's bar
        when tqdm is installed, else a plain one).
    shuffle : bool, default=False
        Random coordinate order in the ``'cd'`` solver.
    n_threads : int, default=0
        Threads used by the C++ core; 0 uses all cores (or ``OMP_NUM_THREADS``).
    patience : int, default=3
        Solvers ``'hals'``, ``'anls'`` and ``'anls-bpp'``: stop once the relative decrease of
        the objective has stayed below ``tol`` for this many iterations in a row.
    comm : mpi4py communicator, default=None
        Spread the fit over the communicator's processes (solvers ``'hals'``, ``'anls'``,
        ``'anls-bpp'``, ``'scd'`` and ``'auto'``; not with a mask). Every process calls
        ``fit`` with the same X and parameters and gets the single-process W and H. Needs an
        nmfkit built with MPI and mpi4py on the same MPI.
    model : {'standard', 'semi', 'symmetric', 'deep'}, default='standard'
        ``'semi'``: semi-NMF (Ding, Li & Jordan 2010), X of any sign, H >= 0 and W free.
        ``'symmetric'``: symmetric NMF (Kuang, Ding & Park 2012) of a square symmetric X,
        X ≈ W Wᵀ with ``components_`` = Wᵀ; the communities are ``W.argmax(axis=1)``.
        ``'deep'``: deep NMF (Trigeorgis et al. 2014), X ≈ W_L H_L ··· H_1 with
        ``n_components`` the list of layer ranks, strictly decreasing (e.g. ``[40, 20, 10]``);
        W is the last layer's codes, ``components_`` = H_L ··· H_1, and the layers are in
        ``layer_components_`` (H_1 … H_L) and ``layer_codes_`` (W_1 … W_L). All need
        ``solver='auto'``; ``transform`` is for the standard and deep models.
    graph : array-like or sparse matrix of shape (n_samples, n_samples), default=None
        Graph-regularised NMF (GNMF, Cai et al. 2011): weights >= 0 over the samples, made
        undirected; adds ``graph_weight``/2 · tr(Wᵀ L W). Needs ``solver`` ``'auto'`` or ``'mu'``.
    graph_weight : float, default=1.0
        λ of the graph term.
    learning_rate : float or None, default=None
        Solvers ``'pgd'`` and ``'adam'`` (seed 004's gradient NMF): the step size; None takes
        the notebook's (0.05 for pgd, decayed by 0.9 every 100 iterations; 1e-3 for adam).
    penalty : float, default=100.0
        Solvers ``'pgd'`` and ``'adam'``: the weight of the penalty on entries below 1e-5.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The factor H, of X's dtype.
    n_components_ : int
        Number of components.
    reconstruction_err_ : float
        ``sqrt(2 · β-divergence(X, W @ H))``: the Frobenius norm of ``X - W @ H`` for the
        default loss.
    n_iter_ : int
        Iterations run.
    objective_history_ : ndarray of shape (n_iter_,)
        Solvers ``'hals'``, ``'anls'``, ``'anls-bpp'`` and ``'scd'``: the objective
        (½‖X − WH‖² or the Kullback-Leibler divergence, plus the penalties; the best so far
        when extrapolating) after each iteration; empty for ``'cd'`` and ``'mu'``.
    solver_ : str
        The solver that ran (``'auto'`` resolved).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features (only when X was a DataFrame with string column names).
    seed_ : int
        The seed actually used (drawn at random when ``random_state`` is None), so that
        ``NMF(random_state=model.seed_)`` repeats the fit.

    Examples
    --------
    >>> import numpy as np, nmfkit
    >>> X = np.array([[1, 1], [2, 1], [3, 1.2], [4, 1], [5, 0.8], [6, 1]])
    >>> model = nmfkit.NMF(n_components=2, init='random', random_state=0)
    >>> W = model.fit_transform(X)
    >>> H = model.components_
    """

    def __init__(
        self,
        n_components: Optional[int] = None,
        *,
        init: Optional[str] = None,
        solver: str = "cd",
        beta_loss: Union[str, float] = "frobenius",
        tol: float = 1e-4,
        max_iter: int = 200,
        random_state: Union[int, np.random.RandomState, None] = None,
        alpha_W: float = 0.0,
        alpha_H: Union[float, str] = "same",
        l1_ratio: float = 0.0,
        verbose: int = 0,
        shuffle: bool = False,
        n_threads: int = 0,
        patience: int = 3,
        comm: Any = None,
        model: str = "standard",
        graph: Any = None,
        graph_weight: float = 1.0,
        learning_rate: Optional[float] = None,
        penalty: float = 100.0,
    ) -> None:
        self.n_components = n_components
        self.init = init
        self.solver = solver
        self.beta_loss = beta_loss
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.verbose = verbose
        self.shuffle = shuffle
        self.n_threads = n_threads
        self.patience = patience
        self.comm = comm
        self.model = model
        self.graph = graph
        self.graph_weight = graph_weight
        self.learning_rate = learning_rate
        self.penalty = penalty

    # -- parameters ---------------------------------------------------------------------

    def _options(self, seed: Optional[int]) -> dict[str, Any]:
        """The parameters in C++ terms; type errors here, range errors in C++."""
        if self.init is not None and not isinstance(self.init, str):
            raise ValueError(f"init must be a str or None, got {self.init!r}")
        if not isinstance(self.solver, str):
            raise ValueError(f"solver must be a str, got {self.solver!r}")
        if isinstance(self.beta_loss, str):
            beta = _nmfkit.parse_beta_loss(self.beta_loss)
        else:
            beta = check_real(self.beta_loss, "beta_loss")
        if isinstance(self.alpha_H, str):
            if self.alpha_H != "same":
                raise ValueError(f"alpha_H must be a number or 'same', got {self.alpha_H!r}")
            alpha_H = None
        else:
            alpha_H = check_real(self.alpha_H, "alpha_H")
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise ValueError(f"shuffle must be a bool, got {self.shuffle!r}")
        verbose = self.verbose
        if isinstance(verbose, (bool, np.bool_)):
            verbose = int(verbose)
        return {
            "n_components": self._last_rank(),
            "layer_ranks": self._layer_ranks(),
            "init": self.init,
            "solver": self.solver,
            "beta_loss": beta,
            "tol": check_real(self.tol, "tol"),
            "max_iter": check_int(self.max_iter, "max_iter"),
            "random_state": seed,
            "alpha_W": check_real(self.alpha_W, "alpha_W"),
            "alpha_H": alpha_H,
            "l1_ratio": check_real(self.l1_ratio, "l1_ratio"),
            "verbose": check_int(verbose, "verbose"),
            "shuffle": bool(self.shuffle),
            "n_threads": check_int(self.n_threads, "n_threads"),
            "patience": check_int(self.patience, "patience"),
            "comm_address": _communicator_address(self.comm),
            "model": self.model,
            "graph": self.graph,
            "graph_weight": check_real(self.graph_weight, "graph_weight"),
            "learning_rate": None if self.learning_rate is None
            else check_real(self.learning_rate, "learning_rate"),
            "penalty": check_real(self.penalty, "penalty"),
        }

    def _layer_ranks(self) -> Optional[list]:
        # Deep NMF takes one rank per layer; a single number is a one-layer deep model.
        if self.model != "deep":
            return None
        ranks = self.n_components
        if ranks is None:
            raise ValueError("model='deep' needs n_components: the rank of each layer, e.g. [40, 20, 10]")
        if isinstance(ranks, (int, np.integer)):
            ranks = [ranks]
        return [check_int(r, "n_components") for r in ranks]

    def _last_rank(self) -> Optional[int]:
        ranks = self._layer_ranks()
        if ranks is not None:
            return ranks[-1] if ranks else None
        return check_int(self.n_components, "n_components", allow_none=True)

    def _log(self) -> Optional[Callable[[str], None]]:
        return _print_line if self.verbose else None

    # -- fitting ------------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None, **params: Any) -> "NMF":
        """Learn an NMF model for the data X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative training data: a NumPy array, SciPy sparse matrix (CSR, CSC, COO,
            ...) or pandas DataFrame.
        y : Ignored
            Not used, present for API consistency.
        **params : dict
            ``W`` and ``H`` for ``init='custom'``, passed to :meth:`fit_transform`.

        Returns
        -------
        self : NMF
            The fitted estimator.
        """
        self.fit_transform(X, **params)
        return self

    def fit_transform(self, X: Any, y: Any = None, W: Any = None, H: Any = None) -> np.ndarray:
        """Learn an NMF model for the data X and return the transformed data W.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative training data. float32 data is factorised in float32.
        y : Ignored
            Not used, present for API consistency.
        W : array-like of shape (n_samples, n_components), optional
            With ``init='custom'``, the initial W (of X's dtype).
        H : array-like of shape (n_components, n_features), optional
            With ``init='custom'``, the initial H (of X's dtype).

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
            The transformed data, of X's dtype.

        Raises
        ------
        ValueError
            Bad parameters or data (negative values, NaN, wrong shapes, ...).
        KeyboardInterrupt
            Ctrl-C during the fit; the estimator is left as it was.
        """
        seed = check_seed(self.random_state)
        options = self._options(seed)
        X = validate_X(self, X, reset=True)
        dtype = X.dtype
        if self.init == "custom":
            W = check_factor(W, "W", dtype)
            H = check_factor(H, "H", dtype)
        else:  # as scikit-learn, initial factors are used with init='custom' only
            W = H = None
        with ProgressBar(enabled=bool(self.verbose)) as bar:
            result = _nmfkit.fit(X, options, W, H, self._log(), bar)
        _emit(result["warnings"], result["converged"])
        self.reconstruction_err_ = float(result["reconstruction_error"])
        self.components_ = result["H"]
        self.n_components_ = self.components_.shape[0]
        self.n_iter_ = int(result["n_iter"])
        self.objective_history_ = np.asarray(result["objective_history"], dtype=np.float64)
        self.solver_ = str(result["solver"])
        self.seed_ = int(result["random_state"])
        if self.model == "deep":
            self.layer_components_ = list(result["layer_H"])
            self.layer_codes_ = list(result["layer_W"])
        return result["W"]

    @classmethod
    def load(cls, path: str) -> "NMF":
        """A fitted NMF from a model folder written by ``nmfkit fit`` (or ``update``,
        ``impute --model``): its parameters and ``components_``, ready for ``transform``.

        Parameters
        ----------
        path : str
            The folder (W.npy, H.npy, model.json, result.json).

        Returns
        -------
        NMF
            With the folder's parameters (a graph-regularised model's graph is not
            reloaded: ``graph`` is None) and ``components_``, ``n_components_``,
            ``n_features_in_``, ``reconstruction_err_``, ``n_iter_``,
            ``objective_history_``, ``solver_`` and ``seed_`` as after ``fit``.

        Raises
        ------
        OSError
            The folder does not exist or is not a model, a file in it is damaged, or a
            newer nmfkit wrote it (nmfkit's one-line message).
        """
        saved = _nmfkit.load_nmf_model(str(path))
        estimator = cls(**saved["params"])
        estimator.components_ = saved["H"]
        estimator.n_components_ = estimator.components_.shape[0]
        estimator.n_features_in_ = estimator.components_.shape[1]
        estimator.reconstruction_err_ = float(saved["reconstruction_error"])
        estimator.n_iter_ = int(saved["n_iter"])
        estimator.objective_history_ = np.asarray(saved["objective_history"], dtype=np.float64)
        estimator.solver_ = str(saved["solver"])
        if saved["random_state"] is not None:
            estimator.seed_ = int(saved["random_state"])
        if estimator.model == "deep":
            estimator.layer_components_ = list(saved["layer_H"])
            estimator.layer_codes_ = list(saved["layer_W"])
        return estimator

    def transform(self, X: Any) -> np.ndarray:
        """Transform the data X according to the fitted model: W with H fixed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Non-negative data. It is computed in the dtype of ``components_``.

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
            The transformed data.
        """
        check_is_fitted(self)
        X = validate_X(self, X, reset=False)
        H = self.components_
        if X.dtype != H.dtype:
            X = X.astype(H.dtype)
        options = self._options(check_seed(self.random_state))
        options["n_components"] = H.shape[0]
        with ProgressBar(enabled=bool(self.verbose)) as bar:
            result = _nmfkit.transform(X, H, options, self._log(), bar)
        _emit(result["warnings"], result["converged"])
        return result["W"]

    def inverse_transform(self, W: Any = None, *, Xt: Any = None) -> Any:
        """Transform data back to its original space: ``W @ components_``.

        Parameters
        ----------
        W : {ndarray, sparse matrix} of shape (n_samples, n_components)
            Transformed data.
        Xt : {ndarray, sparse matrix} of shape (n_samples, n_components), optional
            Another name for W (scikit-learn ≥ 1.5).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Data in the original space.
        """
        if Xt is not None:
            if W is not None:
                raise ValueError("Pass W or Xt, not both")
            W = Xt
        if W is None:
            raise ValueError("Missing required positional argument: W")
        check_is_fitted(self)
        H = self.components_
        if (
            isinstance(W, np.ndarray)
            and not is_sparse(W)
            and W.ndim == 2
            and W.dtype == H.dtype
            and W.shape[1] == H.shape[0]
        ):
            n_threads = self.n_threads if isinstance(self.n_threads, numbers.Integral) else 0
            return _nmfkit.inverse_transform(W, H, int(n_threads))
        return W @ H

    @property
    def _n_features_out(self) -> int:
        return self.components_.shape[0]

    def _more_tags(self) -> dict[str, Any]:
        return {"requires_positive_X": True, "preserves_dtype": [np.float64, np.float32]}

    def __sklearn_tags__(self):  # scikit-learn >= 1.6
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
