"""`nmfkit fit` and `nmfkit transform` end to end, with scikit-learn as the oracle."""

import json
import os
import signal
import subprocess
import time
import warnings

import numpy as np
import pytest
import scipy.io
import scipy.sparse
from sklearn.decomposition import NMF


def data(shape=(30, 12), seed=0, offset=0.0):
    return np.abs(np.random.RandomState(seed).randn(*shape)) + offset


def write_mtx(path, matrix):
    coo = scipy.sparse.coo_matrix(matrix)
    lines = ["%%MatrixMarket matrix coordinate real general", f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}"]
    lines += [f"{i + 1} {j + 1} {v!r}" for i, j, v in zip(coo.row, coo.col, coo.data)]
    path.write_text("\n".join(lines) + "\n")


def sklearn_fit(X, **params):
    model = NMF(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W = model.fit_transform(X)
    return model, W


def relative(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


def test_fit_writes_a_model_that_matches_scikit_learn(nmfkit):
    X = data()
    np.save(nmfkit.workdir / "X.npy", X)
    result = nmfkit.ok("fit", "X.npy", "--k", 4, "--seed", 0, "--solver", "cd", "--out", "model")
    assert "iterations" in result.stdout and "model.json" in result.stdout
    model, W = sklearn_fit(X, n_components=4, random_state=0)
    assert relative(np.load(nmfkit.workdir / "model" / "W.npy"), W) < 1e-10
    assert relative(np.load(nmfkit.workdir / "model" / "H.npy"), model.components_) < 1e-10
    meta = json.loads((nmfkit.workdir / "model" / "model.json").read_text())
    assert meta["format"] == "nmfkit-nmf-model" and meta["format_version"] == 1
    assert meta["n_iter"] == model.n_iter_
    assert meta["reconstruction_error"] == pytest.approx(model.reconstruction_err_, rel=1e-10)
    assert meta["init_used"] == "nndsvda"
    assert (meta["n_samples"], meta["n_features"], meta["n_components"]) == (30, 12, 4)
    assert meta["options"]["random_state"] == 0
    assert "nmfkit_version" in meta


@pytest.mark.parametrize(
    "flags, params",
    [
        (["--solver", "mu", "--beta-loss", "kullback-leibler", "--init", "random"],
         dict(solver="mu", beta_loss="kullback-leibler", init="random")),
        (["--solver", "mu", "--beta-loss", "1.5", "--init", "nndsvdar", "--max-iter", "300"],
         dict(solver="mu", beta_loss=1.5, init="nndsvdar", max_iter=300)),
        (["--alpha-w", "0.001", "--alpha-h", "0.002", "--l1-ratio", "0.5", "--init", "nndsvd"],
         dict(alpha_W=0.001, alpha_H=0.002, l1_ratio=0.5, init="nndsvd")),
        (["--shuffle", "--init", "random", "--tol", "1e-6"],
         dict(shuffle=True, init="random", tol=1e-6)),
    ],
)
def test_every_option_reaches_the_solver(nmfkit, flags, params):
    X = data(seed=3)
    np.save(nmfkit.workdir / "X.npy", X)
    solver = [] if "--solver" in flags else ["--solver", "cd"]  # nmfkit's default is auto
    nmfkit.ok("fit", "X.npy", "--k", 3, "--seed", 7, *solver, "--out", "m", *flags)
    model, W = sklearn_fit(X, n_components=3, random_state=7, **params)
    assert relative(np.load(nmfkit.workdir / "m" / "W.npy"), W) < 1e-8
    assert json.loads((nmfkit.workdir / "m" / "model.json").read_text())["n_iter"] == model.n_iter_


def test_sparse_float32_input_stays_float32(nmfkit):
    X = scipy.sparse.random(40, 25, density=0.3, format="csr", random_state=2, dtype=np.float64)
    write_mtx(nmfkit.workdir / "X.mtx", X)
    nmfkit.ok("fit", "X.mtx", "--k", 3, "--seed", 1, "--dtype", "float32", "--solver", "cd",
              "--out", "m")
    W = np.load(nmfkit.workdir / "m" / "W.npy")
    assert W.dtype == np.float32 and W.shape == (40, 3)
    assert np.load(nmfkit.workdir / "m" / "H.npy").dtype == np.float32
    model, W_ref = sklearn_fit(X.astype(np.float32), n_components=3, random_state=1)
    assert relative(W, W_ref) < 1e-2  # float32 rounds differently; see the parity report


def test_npy_float32_is_kept_and_dtype_flag_converts(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data().astype(np.float32))
    nmfkit.ok("fit", "X.npy", "--k", 2, "--out", "a")
    assert np.load(nmfkit.workdir / "a" / "H.npy").dtype == np.float32
    nmfkit.ok("fit", "X.npy", "--k", 2, "--dtype", "float64", "--out", "b")
    assert np.load(nmfkit.workdir / "b" / "H.npy").dtype == np.float64


def test_custom_init_and_auto_components(nmfkit):
    X = data()
    rng = np.random.RandomState(5)
    W0, H0 = np.abs(rng.randn(30, 3)), np.abs(rng.randn(3, 12))
    np.save(nmfkit.workdir / "X.npy", X)
    np.save(nmfkit.workdir / "W0.npy", W0)
    np.savetxt(nmfkit.workdir / "H0.csv", H0, delimiter=",")
    nmfkit.ok("fit", "X.npy", "--k", "auto", "--init-w", "W0.npy", "--init-h", "H0.csv",
              "--solver", "cd", "--out", "m")
    model = NMF(n_components=3, init="custom")
    W = model.fit_transform(X, W=W0.copy(), H=np.loadtxt(nmfkit.workdir / "H0.csv", delimiter=","))
    assert relative(np.load(nmfkit.workdir / "m" / "W.npy"), W) < 1e-10


def test_unset_seed_is_recorded_and_reproduces_the_run(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data())
    nmfkit.ok("fit", "X.npy", "--k", 3, "--init", "random", "--out", "a")
    seed = json.loads((nmfkit.workdir / "a" / "model.json").read_text())["options"]["random_state"]
    nmfkit.ok("fit", "X.npy", "--k", 3, "--init", "random", "--seed", seed, "--out", "b")
    for name in ["W.npy", "H.npy"]:
        assert np.array_equal(np.load(nmfkit.workdir / "a" / name), np.load(nmfkit.workdir / "b" / name))


def test_max_iter_is_a_warning(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data())
    result = nmfkit("fit", "X.npy", "--k", 3, "--max-iter", 2, "--out", "m")
    assert result.returncode == 0
    assert "nmfkit: warning: Maximum number of iterations 2 reached" in result.stderr
    assert not json.loads((nmfkit.workdir / "m" / "model.json").read_text())["converged"]


def test_output_into_an_existing_directory_replaces_the_files(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data())
    (nmfkit.workdir / "m").mkdir()
    (nmfkit.workdir / "m" / "W.npy").write_text("old")
    nmfkit.ok("fit", "X.npy", "--k", 2, "--out", "m")
    assert np.load(nmfkit.workdir / "m" / "W.npy").shape == (30, 2)
    assert nmfkit.files() == ["X.npy", "m"]


@pytest.mark.parametrize("solver, beta", [("cd", "frobenius"), ("mu", "kullback-leibler")])
def test_transform_matches_scikit_learn(nmfkit, solver, beta):
    X, X_new = data(seed=1), data((9, 12), seed=2)
    np.save(nmfkit.workdir / "X.npy", X)
    np.save(nmfkit.workdir / "new.npy", X_new)
    nmfkit.ok("fit", "X.npy", "--k", 3, "--seed", 0, "--solver", solver, "--beta-loss", beta, "--out", "m")
    result = nmfkit.ok("transform", "m", "new.npy", "--out", "W_new.csv")
    assert "wrote W_new.csv" in result.stdout
    model, _ = sklearn_fit(X, n_components=3, random_state=0, solver=solver, beta_loss=beta)
    expected = model.transform(X_new)
    assert relative(np.loadtxt(nmfkit.workdir / "W_new.csv", delimiter=","), expected) < 1e-8


def test_transform_converts_the_data_to_the_models_dtype(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data().astype(np.float32))
    np.save(nmfkit.workdir / "new.npy", data((4, 12), seed=9))  # float64
    nmfkit.ok("fit", "X.npy", "--k", 2, "--out", "m")
    nmfkit.ok("transform", "m", "new.npy", "--out", "W.npy")
    assert np.load(nmfkit.workdir / "W.npy").dtype == np.float32


# ------------------------------------------------------------------ bad input

def fit_fails(nmfkit, X, *flags, mentions=(), name="X.npy"):
    path = nmfkit.workdir / name
    if isinstance(X, str):
        path.write_text(X)
    else:
        np.save(path, X)
    before = nmfkit.files()
    line = nmfkit.fails("fit", name, "--out", "out", *flags, mentions=mentions)
    assert nmfkit.files() == before, "a failed fit left files behind"
    return line


def test_negative_values(nmfkit):
    X = data()
    X[3, 4] = -0.5
    fit_fails(nmfkit, X, "--k", 2, mentions=["Negative values in data passed to NMF", "row 3, column 4"])


@pytest.mark.parametrize("value, word", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_values(nmfkit, value, word):
    X = data()
    X[0, 1] = value
    fit_fails(nmfkit, X, "--k", 2, mentions=[word, "row 0, column 1"])


@pytest.mark.parametrize("beta", ["itakura-saito", "0", "-1"])
def test_zeros_with_non_positive_beta(nmfkit, beta):
    X = data()
    X[2, 2] = 0
    fit_fails(nmfkit, X, "--k", 2, "--solver", "mu", "--beta-loss", beta, mentions=["X contains zeros"])


def test_cd_with_another_beta(nmfkit):
    fit_fails(nmfkit, data(), "--k", 2, "--solver", "cd", "--beta-loss", "kullback-leibler",
              mentions=["needs solver 'scd', 'mu' or 'auto'"])


@pytest.mark.parametrize("k, mentions", [("0", ["--k"]), ("-3", ["--k"]), ("many", ["--k"])])
def test_impossible_k(nmfkit, k, mentions):
    fit_fails(nmfkit, data(), "--k", k, mentions=mentions)


def test_k_above_min_dimension_needs_random_init(nmfkit):
    fit_fails(nmfkit, data(), "--k", 13, "--init", "nndsvd",
              mentions=["n_components <= min(n_samples, n_features)"])
    np.save(nmfkit.workdir / "X.npy", data())
    assert "init random" in nmfkit.ok("fit", "X.npy", "--k", 13, "--out", "m").stdout


def test_custom_init_errors(nmfkit):
    np.save(nmfkit.workdir / "W_bad.npy", np.ones((30, 2)))
    np.save(nmfkit.workdir / "H_ok.npy", np.ones((3, 12)))
    fit_fails(nmfkit, data(), "--k", 3, "--init-w", "W_bad.npy", "--init-h", "H_ok.npy",
              mentions=["custom W has the wrong shape: expected (30, 3), got (30, 2)"])
    np.save(nmfkit.workdir / "W_neg.npy", -np.ones((30, 3)))
    fit_fails(nmfkit, data(), "--k", 3, "--init-w", "W_neg.npy", "--init-h", "H_ok.npy",
              mentions=["Negative values in custom W"])
    np.save(nmfkit.workdir / "W_zero.npy", np.zeros((30, 3)))
    fit_fails(nmfkit, data(), "--k", 3, "--init-w", "W_zero.npy", "--init-h", "H_ok.npy",
              mentions=["custom W is full of zeros"])
    fit_fails(nmfkit, data(), "--k", 3, "--init-w", "W_zero.npy", mentions=["--init-w and --init-h"])


def test_empty_matrix(nmfkit):
    fit_fails(nmfkit, np.zeros((0, 5)), "--k", 1, mentions=["empty"])
    fit_fails(nmfkit, "%%MatrixMarket matrix coordinate real general\n0 0 0\n", "--k", 1,
              mentions=["empty"], name="empty.mtx")


def test_missing_file(nmfkit):
    nmfkit.fails("fit", "nowhere.npy", "--k", 2, "--out", "out", mentions=["nowhere.npy"])
    assert nmfkit.files() == []


def test_truncated_and_malformed_mtx(nmfkit):
    header = "%%MatrixMarket matrix coordinate real general\n3 3 4\n"
    fit_fails(nmfkit, header + "1 1 1.0\n2 2 2.0\n", "--k", 1, mentions=["X.mtx"], name="X.mtx")
    fit_fails(nmfkit, header + "1 1 1.0\n2 two 2.0\n3 3 1\n1 3 1\n", "--k", 1,
              mentions=["X.mtx", "line 4"], name="X.mtx")


def test_npy_of_an_unsupported_dtype(nmfkit):
    fit_fails(nmfkit, np.ones((3, 3), dtype=np.complex128), "--k", 1, mentions=["X.npy", "complex"])


@pytest.mark.parametrize("flags, mentions", [
    (["--solver", "magic"], ["--solver"]),
    (["--init", "svd"], ["--init"]),
    (["--beta-loss", "euclid"], ["--beta-loss"]),
    (["--l1-ratio", "2"], ["--l1-ratio"]),
    (["--tol", "-1"], ["--tol"]),
    (["--max-iter", "0"], ["--max-iter"]),
    (["--seed", "-1"], ["--seed"]),
    (["--alpha-h", "lots"], ["--alpha-h"]),
    (["--dtype", "int8"], ["--dtype"]),
    (["--frobnicate"], ["--frobnicate"]),
])
def test_bad_flag_values(nmfkit, flags, mentions):
    fit_fails(nmfkit, data(), "--k", 2, *flags, mentions=mentions)


def test_missing_k(nmfkit):
    fit_fails(nmfkit, data(), mentions=["--k"])


def test_transform_errors(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data())
    np.save(nmfkit.workdir / "wrong.npy", data((5, 7)))
    nmfkit.ok("fit", "X.npy", "--k", 2, "--out", "m")
    nmfkit.fails("transform", "m", "wrong.npy", "--out", "W.npy", mentions=["7 features", "2"])
    nmfkit.fails("transform", "nomodel", "X.npy", "--out", "W.npy", mentions=["nomodel"])
    meta = json.loads((nmfkit.workdir / "m" / "model.json").read_text())
    meta["format_version"] = 99
    (nmfkit.workdir / "m" / "model.json").write_text(json.dumps(meta))
    nmfkit.fails("transform", "m", "X.npy", "--out", "W.npy", mentions=["format_version 99"])
    (nmfkit.workdir / "m" / "model.json").write_text("{ not json")
    nmfkit.fails("transform", "m", "X.npy", "--out", "W.npy", mentions=["model.json"])
    assert "W.npy" not in nmfkit.files()


def test_ctrl_c_stops_a_fit_cleanly(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data((400, 300)))
    process = subprocess.Popen(
        [nmfkit.binary, "fit", "X.npy", "--k", "20", "--tol", "0", "--max-iter", "10000000", "--out", "m"],
        cwd=nmfkit.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert err.strip() == "nmfkit: error: cancelled"
    assert nmfkit.files() == ["X.npy"]


@pytest.mark.parametrize("command", ["fit", "transform", "info", "convert", "demo"])
def test_help_explains_every_flag(nmfkit, command):
    text = nmfkit.ok(command, "--help").stdout
    if command == "fit":
        for flag in ["--k", "--solver", "--beta-loss", "--init", "--seed", "--tol", "--max-iter",
                     "--alpha-w", "--alpha-h", "--l1-ratio", "--shuffle", "--dtype", "--verbose",
                     "--init-w", "--init-h", "--out"]:
            assert flag in text
        for default in ["cd", "frobenius", "0.0001", "200", "same"]:
            assert default in text


def test_demo_draws_the_digit_parts(nmfkit):
    result = nmfkit.ok("demo", "--out", "digits", "--k", 6)
    assert "1797 handwritten digits" in result.stdout
    assert "part 5" in result.stdout and "part 6" not in result.stdout
    assert np.load(nmfkit.workdir / "digits" / "H.npy").shape == (6, 64)
