"""nmfkit.nmf_anndata and nmfkit.cluster_anndata: results stored in an AnnData object under
scanpy's names, equal to the estimator's and to nmfkit.cluster's, and written to .h5ad by
anndata and read back."""

import anndata
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import nmfkit


def planted_adata(sparse=False):
    rng = np.random.RandomState(2)
    W = np.zeros((90, 3))
    W[np.arange(90), np.arange(90) % 3] = 1 + rng.rand(90)
    X = W @ (rng.rand(3, 40) * (rng.rand(3, 40) < 0.5)) + 0.01 * rng.rand(90, 40)
    obs = pd.DataFrame(index=[f"cell{i}" for i in range(90)])
    var = pd.DataFrame(index=[f"gene{j}" for j in range(40)])
    return anndata.AnnData(X=sp.csr_matrix(X) if sparse else X, obs=obs, var=var,
                           dtype=np.float64), np.arange(90) % 3


@pytest.mark.parametrize("sparse", [False, True])
def test_nmf_anndata_stores_the_estimators_result(sparse, tmp_path):
    adata, _ = planted_adata(sparse)
    assert nmfkit.nmf_anndata(adata, 3, random_state=0, solver="auto") is None
    model = nmfkit.NMF(3, random_state=0, solver="auto")
    W = model.fit_transform(adata.X)
    np.testing.assert_array_equal(adata.obsm["X_nmf"], W)
    np.testing.assert_array_equal(adata.varm["NMF_components"], model.components_.T)
    assert adata.uns["nmf"]["reconstruction_err"] == model.reconstruction_err_
    assert adata.uns["nmf"]["params"]["solver"] == "auto"
    # anndata writes it and reads it back.
    adata.write_h5ad(tmp_path / "a.h5ad")
    again = anndata.read_h5ad(tmp_path / "a.h5ad")
    np.testing.assert_array_equal(again.obsm["X_nmf"], W)
    assert again.uns["nmf"]["n_iter"] == model.n_iter_


def test_copy_leaves_the_input_alone_and_layers_are_fitted():
    adata, _ = planted_adata()
    adata.layers["counts"] = adata.X * 2
    copy = nmfkit.nmf_anndata(adata, 3, layer="counts", key_added="nmf2", random_state=0,
                              copy=True)
    assert "X_nmf2" not in adata.obsm and copy.obsm["X_nmf2"].shape == (90, 3)
    assert copy.varm["NMF2_components"].shape == (40, 3)
    assert copy.uns["nmf2"]["layer"] == "counts"
    with pytest.raises(ValueError, match="layer 'raw' is not in adata.layers"):
        nmfkit.nmf_anndata(adata, 3, layer="raw")
    with pytest.raises(ValueError, match="must be an anndata.AnnData"):
        nmfkit.nmf_anndata(np.ones((3, 3)), 2)


def test_cluster_anndata_stores_nmfkit_clusters_in_obs(tmp_path):
    adata, truth = planted_adata()
    with pytest.raises(ValueError, match="run nmfkit.nmf_anndata first"):
        nmfkit.cluster_anndata(adata)
    nmfkit.nmf_anndata(adata, 3, random_state=0)
    nmfkit.cluster_anndata(adata, neighbors=[5, 10, 15])
    expected = nmfkit.cluster(adata.obsm["X_nmf"], adata.X, neighbors=[5, 10, 15])
    labels = adata.obs["nmf_cluster"]
    assert labels.dtype.name == "category"
    assert list(labels) == [str(c) for c in expected.labels]
    assert adata.uns["nmf_cluster"]["clusters"] == expected.n_clusters
    # The planted groups are found.
    from sklearn.metrics import adjusted_rand_score
    assert adjusted_rand_score(truth, expected.labels) > 0.9
    adata.write_h5ad(tmp_path / "c.h5ad")
    assert list(anndata.read_h5ad(tmp_path / "c.h5ad").obs["nmf_cluster"]) == list(labels)
