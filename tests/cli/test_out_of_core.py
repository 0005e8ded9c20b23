"""`nmfkit fit --solver minibatch --out-of-core`: X streamed from its file by rows gives the
model the in-memory fit gives, bit for bit (W, H, n_iter, error)."""

import json

import h5py
import numpy as np
import pytest
import scipy.sparse as sp


def fit_both(nmfkit, path, batch, *extra, max_iter=30):
    common = ["--k", "3", "--solver", "minibatch", "--init", "random", "--seed", "2",
              "--batch-size", str(batch), "--max-iter", str(max_iter), *extra]
    nmfkit.ok("fit", path, *common, "--out", "loaded")
    streamed = nmfkit.ok("fit", path, *common, "--out-of-core", "--out", "streamed")
    assert "read by rows" in streamed.stdout
    for name in ("W.npy", "H.npy"):
        a = np.load(nmfkit.workdir / "loaded" / name)
        b = np.load(nmfkit.workdir / "streamed" / name)
        assert a.dtype == b.dtype
        assert np.array_equal(a, b), name
    loaded = json.loads((nmfkit.workdir / "loaded" / "model.json").read_text())
    streamed = json.loads((nmfkit.workdir / "streamed" / "model.json").read_text())
    for key in ("n_iter", "reconstruction_error", "converged"):
        assert loaded[key] == streamed[key], key
    return loaded


@pytest.mark.parametrize("order,dtype,batch", [
    ("C", np.float64, 9), ("C", np.float64, 57), ("F", np.float64, 16), ("C", np.float32, 16),
    ("F", np.float32, 9),
])
def test_npy_fit_equals_the_in_memory_fit(nmfkit, order, dtype, batch):
    X = np.abs(np.random.RandomState(1).randn(57, 13)).astype(dtype)
    np.save(nmfkit.workdir / "X.npy", np.asarray(X, order=order))
    model = fit_both(nmfkit, "X.npy", batch)
    assert model["n_iter"] > 1 or batch == 57


def write_csr_h5ad(path, X, shuffle_indices=False):
    """A CSR X as anndata writes it (encoding-type csr_matrix), optionally with each row's
    indices out of order and one repeated, which readers must sort and sum."""
    X = sp.csr_matrix(X)
    indices, data, indptr = X.indices.copy(), X.data.copy(), X.indptr.copy()
    if shuffle_indices:
        for i in range(X.shape[0]):
            a, b = indptr[i], indptr[i + 1]
            indices[a:b] = indices[a:b][::-1]
            data[a:b] = data[a:b][::-1]
        # Split row 0's first entry in two halves with the same column.
        a, b = indptr[0], indptr[1]
        assert b > a
        indices = np.insert(indices, a, indices[a])
        half = data[a] / 2
        data[a] = half
        data = np.insert(data, a, data[a] * 0 + half)
        indptr[1:] += 1
    with h5py.File(path, "w") as f:
        f.attrs["encoding-type"] = "anndata"
        f.attrs["encoding-version"] = "0.1.0"
        g = f.create_group("X")
        g.attrs["encoding-type"] = "csr_matrix"
        g.attrs["encoding-version"] = "0.1.0"
        g.attrs["shape"] = np.array(X.shape)
        g.create_dataset("data", data=data)
        g.create_dataset("indices", data=indices.astype(np.int32))
        g.create_dataset("indptr", data=indptr.astype(np.int64))


@pytest.mark.parametrize("batch,shuffle", [(7, True), (20, False), (45, False)])
def test_csr_h5ad_fit_equals_the_in_memory_fit(nmfkit, batch, shuffle):
    rng = np.random.RandomState(4)
    X = np.abs(rng.randn(45, 30)) * (rng.rand(45, 30) < 0.3)
    X[5] = 0  # an empty row
    write_csr_h5ad(nmfkit.workdir / "X.h5ad", X, shuffle)
    fit_both(nmfkit, "X.h5ad", batch, max_iter=8)


def test_what_cannot_stream_is_refused_with_one_line(nmfkit):
    X = np.abs(np.random.RandomState(0).randn(30, 8))
    np.save(nmfkit.workdir / "X.npy", X)
    np.save(nmfkit.workdir / "I.npy", (X * 10).astype(np.int64))
    np.savetxt(nmfkit.workdir / "X.csv", X, delimiter=",")
    base = ["--k", "2", "--out-of-core", "--out", "model"]
    nmfkit.fails("fit", "X.npy", *base, "--solver", "minibatch",
                 mentions=["init = 'random'", "nndsvda"])
    nmfkit.fails("fit", "X.npy", *base, "--solver", "mu", "--init", "random",
                 mentions=["--out-of-core", "--solver minibatch"])
    nmfkit.fails("fit", "X.npy", *base, "--solver", "minibatch", "--init", "random",
                 "--beta-loss", "kullback-leibler", mentions=["beta_loss = 2"])
    nmfkit.fails("fit", "X.csv", *base, "--solver", "minibatch", "--init", "random",
                 mentions=[".npy and .h5ad", "X.csv"])
    nmfkit.fails("fit", "I.npy", *base, "--solver", "minibatch", "--init", "random",
                 mentions=["float32 or float64"])
    nmfkit.fails("fit", "X.npy", *base, "--solver", "minibatch", "--init", "random",
                 "--batch-size", "31", mentions=["--batch-size 31"])
    with h5py.File(nmfkit.workdir / "dense.h5ad", "w") as f:
        f.create_dataset("X", data=X)
    nmfkit.fails("fit", "dense.h5ad", *base, "--solver", "minibatch", "--init", "random",
                 mentions=["dense X", "CSR"])
    X[3, 4] = -1
    np.save(nmfkit.workdir / "N.npy", X)
    nmfkit.fails("fit", "N.npy", *base, "--solver", "minibatch", "--init", "random",
                 mentions=["Negative values"])
    assert not (nmfkit.workdir / "model").exists()
