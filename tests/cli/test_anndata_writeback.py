"""`fit --write-h5ad`: the model written back into a copy of the user's AnnData file, read by
Debian's anndata (obsm, varm, uns) and by nmfkit again; bad requests fail cleanly."""

import json

import anndata
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp


def write_input(path, sparse):
    rng = np.random.default_rng(3)
    X = rng.random((30, 12)) * (rng.random((30, 12)) < 0.6)
    obs = pd.DataFrame({"batch": pd.Categorical(["a", "b"] * 15)},
                       index=[f"cell{i}" for i in range(30)])
    var = pd.DataFrame(index=[f"gene{j}" for j in range(12)])
    matrix = sp.csr_matrix(X) if sparse else X
    adata = anndata.AnnData(X=matrix, obs=obs, var=var, dtype=np.float64)
    adata.uns["keep"] = "me"
    adata.write_h5ad(path)
    return X


@pytest.mark.parametrize("sparse", [False, True])
def test_fit_writes_the_model_into_a_copy_of_the_h5ad(nmfkit, sparse):
    X = write_input(nmfkit.workdir / "cells.h5ad", sparse)
    before = (nmfkit.workdir / "cells.h5ad").read_bytes()
    nmfkit.ok("fit", "cells.h5ad", "--k", "3", "--seed", "0", "--out", "model",
              "--write-h5ad", "annotated.h5ad")
    assert (nmfkit.workdir / "cells.h5ad").read_bytes() == before  # the input is untouched
    W = np.load(nmfkit.workdir / "model" / "W.npy")
    H = np.load(nmfkit.workdir / "model" / "H.npy")
    model = json.loads((nmfkit.workdir / "model" / "model.json").read_text())
    adata = anndata.read_h5ad(nmfkit.workdir / "annotated.h5ad")
    np.testing.assert_array_equal(adata.obsm["X_nmf"], W)
    np.testing.assert_array_equal(adata.varm["NMF_components"], H.T)
    nmf = adata.uns["nmf"]
    assert nmf["reconstruction_error"] == model["reconstruction_error"]
    assert nmf["n_iter"] == model["n_iter"]
    assert nmf["options"]["n_components"] == 3
    np.testing.assert_allclose(nmf["history"]["objective"], model["history"]["objective"])
    assert adata.uns["keep"] == "me"
    dense = adata.X.toarray() if sp.issparse(adata.X) else adata.X
    np.testing.assert_array_equal(dense, X)
    assert list(adata.obs["batch"]) == ["a", "b"] * 15
    # nmfkit reads its own output again.
    nmfkit.ok("info", "annotated.h5ad")


def test_fitting_again_replaces_the_entries(nmfkit):
    write_input(nmfkit.workdir / "cells.h5ad", True)
    nmfkit.ok("fit", "cells.h5ad", "--k", "2", "--seed", "0", "--out", "m2",
              "--write-h5ad", "annotated.h5ad")
    nmfkit.ok("fit", "annotated.h5ad", "--k", "4", "--seed", "0", "--out", "m4",
              "--write-h5ad", "again.h5ad")
    adata = anndata.read_h5ad(nmfkit.workdir / "again.h5ad")
    assert adata.obsm["X_nmf"].shape == (30, 4)
    assert adata.uns["nmf"]["options"]["n_components"] == 4


@pytest.mark.parametrize("args, mentions", [
    (["X.npy", "--write-h5ad", "out.h5ad"], ["--write-h5ad needs an .h5ad input"]),
    (["cells.h5ad", "--write-h5ad", "out.txt"], ["--write-h5ad names an .h5ad file"]),
])
def test_bad_write_h5ad_requests_fail_cleanly(nmfkit, args, mentions):
    write_input(nmfkit.workdir / "cells.h5ad", False)
    np.save(nmfkit.workdir / "X.npy", np.ones((4, 3)))
    before = nmfkit.files()
    nmfkit.fails("fit", *args, "--k", "2", "--out", "model", mentions=mentions)
    assert nmfkit.files() == before


def test_cluster_writes_the_clusters_into_obs(nmfkit):
    write_input(nmfkit.workdir / "cells.h5ad", True)
    nmfkit.ok("fit", "cells.h5ad", "--k", "3", "--seed", "0", "--out", "model")
    nmfkit.ok("cluster", "cells.h5ad", "--embedding", "model/W.npy", "--out", "clusters",
              "--write-h5ad", "clustered.h5ad")
    adata = anndata.read_h5ad(nmfkit.workdir / "clustered.h5ad")
    rows = (nmfkit.workdir / "clusters" / "clusters.tsv").read_text().splitlines()
    header = rows[0].split("\t")
    written = [dict(zip(header, r.split("\t")))["cluster"] for r in rows[1:]]
    labels = list(adata.obs["nmf_cluster"].astype(str))
    assert [("none" if w in ("", "-1") else w) for w in written] == labels
    assert str(adata.obs["nmf_cluster"].dtype) == "category"
    assert list(adata.obs.columns) == ["batch", "nmf_cluster"]
    assert adata.uns["nmf_cluster"]["clusters"] == len(set(labels) - {"none"})


def write_10x(path, counts):
    """10x Genomics' filtered_feature_bc_matrix.h5 layout: genes × cells in CSC."""
    import h5py
    csc = sp.csc_matrix(counts.T)  # genes × cells
    with h5py.File(path, "w") as f:
        m = f.create_group("matrix")
        m["data"] = csc.data.astype(np.int32)
        m["indices"] = csc.indices.astype(np.int64)
        m["indptr"] = csc.indptr.astype(np.int64)
        m["shape"] = np.array(csc.shape, dtype=np.int32)
        m["barcodes"] = np.array([f"AAAC-{i}".encode() for i in range(counts.shape[0])])
        features = m.create_group("features")
        features["name"] = np.array([f"Gene{j}".encode() for j in range(counts.shape[1])])
        features["id"] = np.array([f"ENSG{j}".encode() for j in range(counts.shape[1])])
        features["feature_type"] = np.array([b"Gene Expression"] * counts.shape[1])


def test_10x_feature_barcode_matrix_is_read_as_cells_by_genes(nmfkit):
    rng = np.random.default_rng(5)
    counts = rng.poisson(1.0, size=(25, 9)).astype(float)
    write_10x(nmfkit.workdir / "filtered_feature_bc_matrix.h5", counts)
    nmfkit.ok("convert", "filtered_feature_bc_matrix.h5", "X.mtx")
    import scipy.io
    np.testing.assert_array_equal(scipy.io.mmread(str(nmfkit.workdir / "X.mtx")).toarray(),
                                  counts)
    nmfkit.ok("fit", "filtered_feature_bc_matrix.h5", "--k", "2", "--seed", "0", "--out", "m")
    assert np.load(nmfkit.workdir / "m" / "W.npy").shape == (25, 2)


def test_broken_10x_file_fails_cleanly(nmfkit):
    import h5py
    counts = np.ones((4, 3))
    write_10x(nmfkit.workdir / "bad.h5", counts)
    with h5py.File(nmfkit.workdir / "bad.h5", "a") as f:
        del f["matrix/barcodes"]
        f["matrix/barcodes"] = np.array([b"only-one"])
    nmfkit.fails("info", "bad.h5", mentions=["/matrix/barcodes", "1 barcodes"])
