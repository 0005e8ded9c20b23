"""`nmfkit tensor fit`: non-negative CP of .npy and .tns tensors, its folder and its errors."""

import itertools
import json

import numpy as np
import pytest


def planted(shape, k, noise, seed):
    rng = np.random.default_rng(seed)
    factors = [rng.random((n, k)) * (rng.random((n, k)) > 0.33) for n in shape]
    letters = "abcdefgh"[: len(shape)]
    X = np.einsum(",".join(f"{c}r" for c in letters) + "->" + letters, *factors)
    X += noise * X.mean() * rng.random(X.shape)
    return factors, X


def factor_match_score(A, wa, B, wb):
    """The Tensor Toolbox's score with the weight penalty, best permutation by brute force."""

    def unit(factors, weights):
        weights = np.asarray(weights, float).copy()
        out = []
        for F in factors:
            norms = np.linalg.norm(F, axis=0)
            weights *= norms
            out.append(F / np.where(norms > 0, norms, 1))
        return out, weights

    (ua, la), (ub, lb) = unit(A, wa), unit(B, wb)
    k = len(la)
    score = 1 - np.abs(la[:, None] - lb[None, :]) / np.maximum(la[:, None], lb[None, :])
    for Fa, Fb in zip(ua, ub):
        score = score * np.abs(Fa.T @ Fb)
    return max(np.mean(score[np.arange(k), list(p)]) for p in itertools.permutations(range(k)))


def load(folder, modes):
    factors = [np.load(folder / f"factor_{n}.npy") for n in range(modes)]
    return factors, np.load(folder / "weights.npy")


def write_tns(path, X, missing=()):
    with open(path, "w") as f:
        f.write("# i j k value, 1-based\n")
        for index in zip(*np.nonzero(X)):
            f.write(" ".join(str(i + 1) for i in index) + f" {X[index]!r}\n")
        for index in missing:
            f.write(" ".join(str(i + 1) for i in index) + " nan\n")


def test_planted_three_way_is_recovered(nmfkit):
    factors, X = planted((30, 25, 20), 5, 0.05, 0)
    np.save(nmfkit.workdir / "x.npy", X)
    result = nmfkit.ok("tensor", "fit", "x.npy", "--k", 5, "--out", "model", "--seed", 1)
    assert "relative error" in result.stdout
    folder = nmfkit.workdir / "model"
    assert sorted(p.name for p in folder.iterdir()) == [
        "factor_0.npy", "factor_1.npy", "factor_2.npy", "history.tsv", "model.json", "result.json",
        "weights.npy"]
    found, weights = load(folder, 3)
    assert [F.shape for F in found] == [(30, 5), (25, 5), (20, 5)]
    assert factor_match_score(factors, np.ones(5), found, weights) >= 0.95
    model = json.loads((folder / "model.json").read_text())
    assert model["shape"] == [30, 25, 20]
    assert model["options"]["random_state"] == 1
    history = np.loadtxt(folder / "history.tsv", skiprows=1, ndmin=2)
    assert len(history) == model["n_iter"]
    assert np.all(np.diff(history[:, 1]) <= 1e-12)
    assert history[-1, 1] == pytest.approx(model["relative_error"], rel=1e-12)
    # The relative error is that of the saved model.
    Xhat = np.einsum("ar,br,cr,r->abc", *found, weights)
    assert np.linalg.norm(X - Xhat) / np.linalg.norm(X) == pytest.approx(
        model["relative_error"], rel=1e-6)


def test_four_way_and_fortran_order_float32(nmfkit):
    factors, X = planted((10, 9, 8, 7), 3, 0.02, 1)
    np.save(nmfkit.workdir / "x.npy", np.asfortranarray(X.astype(np.float32)))
    nmfkit.ok("tensor", "fit", "x.npy", "--k", 3, "--out", "m", "--seed", 0)
    model = json.loads((nmfkit.workdir / "m" / "model.json").read_text())
    assert model["dtype"] == "float32"
    found, weights = load(nmfkit.workdir / "m", 4)
    assert found[0].dtype == np.float32
    assert factor_match_score(factors, np.ones(3), found, weights) >= 0.95


def test_tns_coordinates_give_the_dense_fit(nmfkit):
    _, X = planted((12, 10, 8), 3, 0.0, 2)
    X[np.random.default_rng(3).random(X.shape) < 0.6] = 0
    np.save(nmfkit.workdir / "x.npy", X)
    write_tns(nmfkit.workdir / "x.tns", X)
    common = ("--k", 3, "--seed", 4, "--threads", 1)
    nmfkit.ok("tensor", "fit", "x.npy", "--out", "dense", *common)
    nmfkit.ok("tensor", "fit", "x.tns", "--out", "sparse", "--shape", "12,10,8", *common)
    dense, sparse = load(nmfkit.workdir / "dense", 3), load(nmfkit.workdir / "sparse", 3)
    for a, b in zip(dense[0], sparse[0]):
        np.testing.assert_allclose(a, b, atol=1e-8)
    model = json.loads((nmfkit.workdir / "sparse" / "model.json").read_text())
    assert model["input_format"] == "tns"
    assert model["stored_entries"] == np.count_nonzero(X)


def test_missing_entries_nan_in_npy_and_tns(nmfkit):
    factors, X = planted((12, 10, 8), 3, 0.0, 5)
    missing = np.random.default_rng(6).random(X.shape) < 0.2
    Xm = X.copy()
    Xm[missing] = np.nan
    np.save(nmfkit.workdir / "x.npy", Xm)
    write_tns(nmfkit.workdir / "x.tns", np.where(missing, 0, X), zip(*np.nonzero(missing)))
    common = ("--k", 3, "--seed", 0, "--tol", 1e-9, "--max-iter", 400)
    result = nmfkit.ok("tensor", "fit", "x.npy", "--out", "dense", *common)
    assert f"{missing.sum()} entries missing" in result.stdout
    nmfkit.ok("tensor", "fit", "x.tns", "--out", "sparse", *common)
    dense, sparse = load(nmfkit.workdir / "dense", 3), load(nmfkit.workdir / "sparse", 3)
    for a, b in zip(dense[0], sparse[0]):
        np.testing.assert_array_equal(a, b)
    Xhat = np.einsum("ar,br,cr,r->abc", *dense[0], dense[1])
    # The held-out entries are predicted from the observed ones.
    assert np.linalg.norm((Xhat - X)[missing]) / np.linalg.norm(X[missing]) < 0.01
    history = np.loadtxt(nmfkit.workdir / "dense" / "history.tsv", skiprows=1, ndmin=2)
    assert np.all(np.diff(history[:, 1]) <= 1e-12 * history[0, 1])


def test_one_and_two_threads_agree(nmfkit):
    _, X = planted((100, 30, 20), 4, 0.05, 7)
    np.save(nmfkit.workdir / "x.npy", X)
    for threads in (1, 2):
        nmfkit.ok("tensor", "fit", "x.npy", "--k", 4, "--seed", 3, "--max-iter", 10,
                  "--out", f"t{threads}", "--threads", threads)
    one, two = load(nmfkit.workdir / "t1", 3), load(nmfkit.workdir / "t2", 3)
    for a, b in zip(one[0], two[0]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(one[1], two[1])


@pytest.mark.parametrize(
    "content, args, mentions",
    [
        (np.ones((4, 5)), (), ["shape (4, 5)", "at least 3 dimensions"]),
        (-np.ones((2, 3, 4)), (), ["negative"]),
        (np.full((2, 3, 4), np.inf), (), ["infinite"]),
        (np.ones((2, 3, 4)), ("--k", 0), ["--k must be >= 1"]),
        (np.ones((2, 3, 4)), ("--k", 10**15), ["of memory"]),
        (np.full((2, 3, 4), np.nan), (), ["missing"]),
        (np.ones((2, 3, 4)), ("--shape", "2,3,4"), ["--shape is for .tns"]),
    ],
)
def test_bad_npy_input(nmfkit, content, args, mentions):
    np.save(nmfkit.workdir / "x.npy", content)
    k = () if "--k" in args else ("--k", 2)
    nmfkit.fails("tensor", "fit", "x.npy", "--out", "out", *k, *args, mentions=mentions)
    assert nmfkit.files() == ["x.npy"]


@pytest.mark.parametrize(
    "text, args, mentions",
    [
        ("1 1 1\n2 2 2\n", (), ["2 modes", "at least 3"]),
        ("1 1 1 1\n3 1 1 2\n", ("--shape", "2,2,2"), ["line 2", "beyond"]),
        ("1 1 1 1\n0 1 1 2\n", (), ["line 2", "below 1"]),
        ("1 1 1 1\n2 2 2 1\n1 1 1 5\n", (), ["line 3", "already given on line 1"]),
        ("1 1 1 -2\n", (), ["line 1", "negative"]),
        ("1 1 1 inf\n", (), ["line 1", "infinite"]),
        ("1 1 1 1\n1 2 1\n", (), ["line 2", "expected 4 fields"]),
        ("1 1 1 x\n", (), ["line 1", "not a number"]),
        ("1 1 1 1\n", ("--shape", "2,2"), ["at least 3"]),
    ],
)
def test_bad_tns_input(nmfkit, text, args, mentions):
    (nmfkit.workdir / "x.tns").write_text(text)
    nmfkit.fails("tensor", "fit", "x.tns", "--k", 1, "--out", "out", *args, mentions=mentions)
    assert nmfkit.files() == ["x.tns"]


def test_unknown_extension(nmfkit):
    (nmfkit.workdir / "x.csv").write_text("1,2\n")
    nmfkit.fails("tensor", "fit", "x.csv", "--k", 1, "--out", "out", mentions=[".tns"])
    assert nmfkit.files() == ["x.csv"]
