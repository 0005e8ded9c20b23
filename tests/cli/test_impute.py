"""`nmfkit impute`: the missing entries filled from W·H, the observed ones kept."""

import numpy as np
import pytest
import scipy.io
import scipy.sparse


def planted(rows, cols, r, sigma=0.02, seed=0):
    rng = np.random.RandomState(seed)
    clean = (np.abs(rng.randn(rows, r)) + 0.2) @ (np.abs(rng.randn(r, cols)) + 0.2) / r
    return clean, np.maximum(clean + sigma * rng.randn(rows, cols), 0)


def test_impute_fills_the_masked_entries(nmfkit):
    clean, X = planted(60, 40, 4)
    mask = np.random.RandomState(2).rand(*X.shape) < 0.2
    X_nan = X.copy()
    X_nan[mask] = np.nan
    np.save(nmfkit.workdir / "X.npy", X_nan)
    result = nmfkit.ok("impute", "X.npy", "--missing", "nan", "--k", 4, "--seed", 0,
                       "--out", "filled.npy", "--model", "model")
    assert f"{mask.sum()} missing entries" in result.stdout
    filled = np.load(nmfkit.workdir / "filled.npy")
    assert np.array_equal(filled[~mask], X[~mask])
    assert not np.isnan(filled).any()
    assert np.sqrt(np.mean((filled[mask] - clean[mask]) ** 2)) < 0.02
    W = np.load(nmfkit.workdir / "model" / "W.npy")
    H = np.load(nmfkit.workdir / "model" / "H.npy")
    assert np.allclose(filled[mask], (W @ H)[mask], rtol=1e-10)


def test_impute_sparse_with_a_mask_file(nmfkit):
    _, X = planted(30, 20, 3, seed=4)
    X[X < 0.3] = 0
    mask = np.zeros(X.shape)
    mask[1, 2] = mask[5, 7] = mask[9, 0] = 1
    scipy.io.mmwrite(str(nmfkit.workdir / "X.mtx"), scipy.sparse.coo_matrix(X))
    scipy.io.mmwrite(str(nmfkit.workdir / "M.mtx"), scipy.sparse.coo_matrix(mask))
    nmfkit.ok("impute", "X.mtx", "--mask", "M.mtx", "--k", 3, "--seed", 0, "--out", "Y.mtx")
    Y = scipy.io.mmread(str(nmfkit.workdir / "Y.mtx")).toarray()
    X = scipy.io.mmread(str(nmfkit.workdir / "X.mtx")).toarray()  # as written (rounded)
    keep = mask == 0
    assert np.array_equal(Y[keep], X[keep])
    assert (Y[mask == 1] > 0).all()


@pytest.mark.parametrize(
    "args, mentions",
    [
        ([], ["--mask, --weights or --missing"]),
        (["--mask", "wrong.npy"], ["has shape (5, 4)", "(4, 5)"]),
        (["--missing", "nan", "--solver", "cd"], ["'cd'", "auto, hals, anls, anls-bpp, scd, mu"]),
        (["--missing", "zeros"], ["every zero"]),
    ],
)
def test_impute_rejects_bad_input(nmfkit, args, mentions):
    _, X = planted(4, 5, 2)
    X[0, 0] = np.nan
    np.save(nmfkit.workdir / "X.npy", X)
    np.save(nmfkit.workdir / "wrong.npy", np.zeros((5, 4)))
    nmfkit.fails("impute", "X.npy", "--k", 2, *args, "--out", "Y.npy", mentions=mentions)
    assert nmfkit.files() == ["X.npy", "wrong.npy"]
