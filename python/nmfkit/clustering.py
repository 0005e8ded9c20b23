"""``nmfkit.cluster``: cluster samples by their topic proportions (kNN graph, noise2self
tuning, Leiden) over the C++ core, the same numbers as ``nmfkit cluster``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from . import _nmfkit
from ._inputs import as_matrix
from ._progress import ProgressBar
from ._validation import check_int, check_real

__all__ = ["cluster", "ClusterResult"]


@dataclass(frozen=True)
class ClusterResult:
    """The clustering ``cluster`` chose, and the curves it chose it from.

    Attributes
    ----------
    labels : ndarray of shape (n_samples,)
        Cluster of each sample, 0 for the largest; -1 for samples whose embedding row is all
        zero (left out of the graph).
    n_clusters : int
    sizes : ndarray of shape (n_clusters,)
        Samples per cluster, largest first.
    neighbors, steps : int
        The kNN graph's neighbour count and diffusion steps, chosen by the noise2self loss.
    resolution : float
        Leiden's resolution, chosen by the partition loss.
    seed : int
        The Leiden seed whose partition was kept (the highest modularity at ``resolution``).
    modularity : float
    seed_agreement : dict
        Mean pairwise NMI and ARI of the seeds' partitions at ``resolution``.
    loss : dict
        ``knn_kernel`` (the chosen graph's noise2self loss), ``partition_kernel`` (the kept
        partition's masked-kernel loss), ``criterion`` (what chose the resolution, mean over
        seeds).
    neighbor_grid : pandas.DataFrame
        The loss per neighbour count and steps (``tuning.tsv``'s first part).
    resolution_grid : pandas.DataFrame
        Per resolution and seed: clusters, losses, modularity (``tuning.tsv``'s second part).
    label_scores : dict or None
        With ``labels``: NMI, ARI and purity of the clusters against them.
    """

    labels: np.ndarray
    n_clusters: int
    sizes: np.ndarray
    neighbors: int
    steps: int
    resolution: float
    seed: int
    modularity: float
    seed_agreement: dict
    loss: dict
    neighbor_grid: Any
    resolution_grid: Any
    label_scores: Optional[dict]


def cluster(
    W: Any,
    X: Any = None,
    *,
    H: Any = None,
    labels: Optional[Sequence[Any]] = None,
    metric: str = "cosine",
    weighting: str = "exp",
    neighbors: Optional[Sequence[int]] = None,
    steps: int = 1,
    symmetrize_kernel: bool = False,
    resolutions: Optional[Sequence[float]] = None,
    partition_loss: str = "auto",
    seeds: int = 3,
    random_state: int = 0,
    beta: float = 0.01,
    knn: str = "auto",
    data_transform: str = "sqrt",
    scale_rows: bool = True,
    verbose: bool = False,
) -> ClusterResult:
    """Cluster samples by their topics, every parameter chosen without labels.

    The computation of ``nmfkit cluster`` (docs/clustering.md): a kNN graph on the rows of
    W, the neighbour count chosen by the noise2self loss of predicting each sample's data
    from its neighbours, Leiden over a grid of resolutions and seeds, the resolution chosen by
    the partition's noise2self losses and, at it, the seed with the highest modularity.

    Parameters
    ----------
    W : array-like of shape (n_samples, n_topics)
        The embedding: topic proportions or an NMF's W (non-negative).
    X : {array-like, sparse matrix} of shape (n_samples, n_features), optional
        The samples' data, which the loss is measured on; None: W itself.
    H : array-like of shape (n_topics, n_features), optional
        The NMF's components: W's topics are scaled by H's row sums (their mass in the data).
    labels : sequence, optional
        Reference labels, one per sample: the result then carries NMI, ARI and purity.
    metric : {'cosine', 'euclidean', 'hellinger'}, default='cosine'
    weighting : {'exp', 'inverse', 'binary'}, default='exp'
    neighbors : sequence of int, optional
        Neighbour counts tried (default 5, 7, 10, 15, 20, 30, 50, 75, 100 below n_samples).
    steps : int, default=1
        Diffusion steps tried, 1 to 3.
    symmetrize_kernel : bool, default=False
    resolutions : sequence of float, optional
        Leiden resolutions tried (default 20 log-spaced from 0.05 to 5).
    partition_loss : {'auto', 'both', 'kernel', 'centroid'}, default='auto'
        What chooses the resolution; 'auto': both losses, or the masked kernel alone when X
        is None.
    seeds : int, default=3
        Leiden runs per resolution, seeded ``random_state``, ``random_state + 1``, ...
    random_state : int, default=0
    beta : float, default=0.01
        Randomness of Leiden's refinement.
    knn : {'auto', 'exact', 'hnsw'}, default='auto'
    data_transform : {'sqrt', 'log1p', 'none'}, default='sqrt'
        Variance stabilisation of the data before the loss.
    scale_rows : bool, default=True
        Scale each data row to the median row sum first.
    verbose : bool, default=False
        Show a progress bar of the neighbour counts and resolutions scored, on stderr
        (tqdm's when tqdm is installed, else a plain one).

    Returns
    -------
    ClusterResult

    Raises
    ------
    ValueError
        Bad options, shapes that do not match, too few samples for the neighbour counts.
    """
    import pandas as pd

    W = np.asarray(as_matrix(W, "W", sparse=False), dtype=np.float64)
    if X is not None:
        X = as_matrix(X, "X")
        if X.shape[0] != W.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but W has {W.shape[0]} (one per sample)")
    if H is not None:
        H = np.asarray(as_matrix(H, "H", sparse=False), dtype=np.float64)
    label_ids = None
    if labels is not None:
        labels = list(labels)
        if len(labels) != W.shape[0]:
            raise ValueError(f"there are {len(labels)} labels for {W.shape[0]} samples")
        label_ids = np.unique(np.asarray(labels, dtype=object).astype(str),
                              return_inverse=True)[1].tolist()
    options = {
        "metric": metric,
        "weighting": weighting,
        "neighbors": None if neighbors is None else [check_int(k, "neighbors") for k in neighbors],
        "steps": check_int(steps, "steps"),
        "symmetrize_kernel": bool(symmetrize_kernel),
        "resolutions": None if resolutions is None
        else [check_real(r, "resolutions") for r in resolutions],
        "seeds": check_int(seeds, "seeds"),
        "seed": check_int(random_state, "random_state"),
        "beta": check_real(beta, "beta"),
        "knn": knn,
    }
    with ProgressBar(enabled=bool(verbose)) as bar:
        r = _nmfkit.cluster_topics(W, X, H, options, partition_loss, data_transform,
                                   bool(scale_rows), progress=bar)
    membership = np.asarray(r["labels"], dtype=np.int64)
    scores = None
    if label_ids is not None:
        scores = _nmfkit.label_scores(label_ids, membership.tolist())
    return ClusterResult(
        labels=membership,
        n_clusters=int(r["n_clusters"]),
        sizes=np.asarray(r["sizes"], dtype=np.int64),
        neighbors=int(r["neighbors"]),
        steps=int(r["steps"]),
        resolution=float(r["resolution"]),
        seed=int(r["seed"]),
        modularity=float(r["modularity"]),
        seed_agreement={"nmi": r["seed_nmi"], "ari": r["seed_ari"]},
        loss={"knn_kernel": r["knn_loss"], "partition_kernel": r["partition_loss"],
              "criterion": r["criterion_loss"]},
        neighbor_grid=pd.DataFrame(r["neighbor_grid"]),
        resolution_grid=pd.DataFrame(r["resolution_grid"]),
        label_scores=scores,
    )
