"""Results stored in an AnnData object where scanpy looks for them, as ``nmfkit fit
--write-h5ad`` and ``nmfkit cluster --write-h5ad`` store them in a file: the sample
embedding in ``obsm['X_nmf']``, the feature loadings in ``varm['NMF_components']``, what the
fit did in ``uns['nmf']``, and the clusters as a categorical ``obs['nmf_cluster']``.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .clustering import ClusterResult, cluster
from .decomposition import NMF

__all__ = ["nmf_anndata", "cluster_anndata"]


def _data(adata: Any, layer: Optional[str]) -> Any:
    if layer is None:
        return adata.X
    if layer not in adata.layers:
        raise ValueError(f"layer {layer!r} is not in adata.layers "
                         f"(it has: {', '.join(adata.layers.keys()) or 'none'})")
    return adata.layers[layer]


def _plain(value: Any) -> Any:
    """A value anndata can write to .h5ad: None becomes the string 'None'."""
    return "None" if value is None else value


def nmf_anndata(adata: Any, n_components: Any = None, *, layer: Optional[str] = None,
                key_added: str = "nmf", copy: bool = False, **nmf_params: Any) -> Any:
    """Fit NMF to an AnnData object's data and store the result in it, as scanpy's tools do.

    Parameters
    ----------
    adata : anndata.AnnData
        Samples (obs) × features (var); its ``X`` (or ``layers[layer]``), dense or sparse,
        non-negative.
    n_components : int or None
        As ``nmfkit.NMF``'s.
    layer : str or None
        Fit this layer instead of ``X``.
    key_added : str
        Where the results go: ``obsm['X_' + key_added]`` (W, samples × k),
        ``varm[key_added.upper() + '_components']`` (Hᵀ, features × k) and
        ``uns[key_added]`` (the parameters, the reconstruction error, the iterations and the
        seed).
    copy : bool
        Return an annotated copy instead of changing ``adata``.
    **nmf_params
        Any other parameter of ``nmfkit.NMF`` (``solver``, ``init``, ``random_state``, ...).

    Returns
    -------
    The annotated copy with ``copy=True``, else None.
    """
    if not hasattr(adata, "obsm") or not hasattr(adata, "varm"):
        raise ValueError(f"adata must be an anndata.AnnData, got {type(adata).__name__}")
    target = adata.copy() if copy else adata
    model = NMF(n_components, **nmf_params)
    W = model.fit_transform(_data(target, layer))
    target.obsm["X_" + key_added] = np.asarray(W)
    target.varm[key_added.upper() + "_components"] = np.asarray(model.components_).T
    target.uns[key_added] = {
        "params": {name: _plain(value) for name, value in model.get_params().items()},
        "reconstruction_err": float(model.reconstruction_err_),
        "n_iter": int(model.n_iter_),
        "layer": _plain(layer),
    }
    return target if copy else None


def cluster_anndata(adata: Any, *, use_rep: str = "X_nmf", use_data: bool = True,
                    layer: Optional[str] = None, key_added: str = "nmf_cluster",
                    copy: bool = False, **cluster_params: Any) -> Any:
    """Cluster an AnnData object's samples by an embedding in ``obsm`` with
    ``nmfkit.cluster`` and store the clusters as a categorical ``obs[key_added]`` ('none'
    for samples left out) and the choices in ``uns[key_added]``.

    Parameters
    ----------
    adata : anndata.AnnData
    use_rep : str
        The embedding: a key of ``obsm`` (``nmf_anndata`` writes ``X_nmf``).
    use_data : bool
        Score the tuning on the data (``X`` or ``layers[layer]``), as ``nmfkit cluster X
        --embedding W`` does; False scores it on the embedding itself.
    key_added : str
    copy : bool
        Return an annotated copy instead of changing ``adata``.
    **cluster_params
        Any other parameter of ``nmfkit.cluster``.

    Returns
    -------
    The annotated copy with ``copy=True``, else None.
    """
    import pandas as pd

    if not hasattr(adata, "obsm") or not hasattr(adata, "obs"):
        raise ValueError(f"adata must be an anndata.AnnData, got {type(adata).__name__}")
    if use_rep not in adata.obsm:
        raise ValueError(f"use_rep {use_rep!r} is not in adata.obsm "
                         f"(it has: {', '.join(adata.obsm.keys()) or 'none'}); "
                         "run nmfkit.nmf_anndata first")
    target = adata.copy() if copy else adata
    result: ClusterResult = cluster(np.asarray(target.obsm[use_rep]),
                                    _data(target, layer) if use_data else None,
                                    **cluster_params)
    names = ["none" if c < 0 else str(c) for c in result.labels]
    target.obs[key_added] = pd.Categorical(names)
    target.uns[key_added] = {
        "use_rep": use_rep,
        "clusters": int(result.n_clusters),
        "sizes": np.asarray(result.sizes),
        "neighbors": int(result.neighbors),
        "resolution": float(result.resolution),
        "seed": int(result.seed),
        "modularity": float(result.modularity),
    }
    return target if copy else None
