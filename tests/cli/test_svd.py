"""`nmfkit svd` end to end: NumPy and scikit-learn are the oracles."""

import json
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
import scipy.sparse
from sklearn.utils.extmath import randomized_svd

SVG = "{http://www.w3.org/2000/svg}"


def write_mtx(path, matrix):
    coo = scipy.sparse.coo_matrix(matrix)
    lines = ["%%MatrixMarket matrix coordinate real general",
             f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}"]
    lines += [f"{i + 1} {j + 1} {float(v)!r}" for i, j, v in zip(coo.row, coo.col, coo.data)]
    path.write_text("\n".join(lines) + "\n")


def counts(shape=(40, 90), seed=0):
    """Sparse counts with empty rows and columns seen once, like a document-term matrix."""
    rng = np.random.RandomState(seed)
    X = rng.poisson(0.08, size=shape).astype(np.float64)
    X[[3, 17]] = 0
    return X


def load(directory):
    out = {name: np.load(directory / f"{name}.npy") for name in ["singular_values", "U", "Vt"]
           if (directory / f"{name}.npy").exists()}
    out["meta"] = json.loads((directory / "svd.json").read_text())
    return out


def expect_same_up_to_sign(U, Vt, U_ref, Vt_ref, S_ref, tol=1e-8):
    """Columns of U (rows of Vt) whose value is apart from the others, up to sign."""
    for i in range(len(S_ref)):
        gaps = [abs(S_ref[i] - S_ref[j]) for j in (i - 1, i + 1) if 0 <= j < len(S_ref)]
        if min(gaps, default=np.inf) < 1e-3 * S_ref[0]:
            continue
        sign = np.sign(U[:, i] @ U_ref[:, i])
        assert np.abs(U[:, i] - sign * U_ref[:, i]).max() < tol
        assert np.abs(Vt[i] - sign * Vt_ref[i]).max() < tol


def save_input(folder, X, sparse):
    """X as a coordinate .mtx (read as CSR) or a dense .npy; returns the file name."""
    if sparse:
        write_mtx(folder / "X.mtx", X)
        return "X.mtx"
    np.save(folder / "X.npy", X)
    return "X.npy"


@pytest.mark.parametrize("sparse", [False, True])
def test_full_svd_matches_numpy(nmfkit, sparse):
    X = counts()
    name = save_input(nmfkit.workdir, X, sparse)
    result = nmfkit.ok("svd", name, "--out", "svd")
    assert "full SVD, 40 singular values" in result.stdout
    assert "wrote svd:" in result.stdout
    out = load(nmfkit.workdir / "svd")
    U_ref, S_ref, Vt_ref = np.linalg.svd(X, full_matrices=False)
    S, U, Vt = out["singular_values"], out["U"], out["Vt"]
    assert S.shape == (40,) and S.dtype == np.float64
    assert U.shape == (40, 40) and Vt.shape == (40, 90)
    assert np.abs(S - S_ref).max() < 1e-12 * S_ref[0]
    assert np.abs((U * S) @ Vt - X).max() < 1e-12 * S_ref[0]
    assert np.abs(U.T @ U - np.eye(40)).max() < 1e-12
    assert np.abs(Vt @ Vt.T - np.eye(40)).max() < 1e-12
    expect_same_up_to_sign(U, Vt, U_ref, Vt_ref, S_ref)
    # The sign rule: the largest |entry| of each column of U is positive.
    assert (U[np.abs(U).argmax(axis=0), np.arange(40)] > 0).all()
    meta = out["meta"]
    assert meta["format"] == "nmfkit-svd" and meta["format_version"] == 1
    assert meta["shape"] == [40, 90] and meta["method"] == "full" and meta["k"] == 40
    assert meta["seed"] is None and meta["vectors"] is True
    assert meta["storage"] == ("csr" if sparse else "dense")
    assert meta["explained_share"] == pytest.approx(1.0, rel=1e-12)
    assert meta["frobenius_norm_squared"] == pytest.approx((X ** 2).sum(), rel=1e-12)
    assert meta["seconds"] >= 0


def test_full_svd_with_k_keeps_the_largest(nmfkit):
    X = counts()
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.ok("svd", "X.npy", "--k", 5, "--out", "svd")
    out = load(nmfkit.workdir / "svd")
    S_ref = np.linalg.svd(X, compute_uv=False)
    assert out["singular_values"].shape == (5,)
    assert np.abs(out["singular_values"] - S_ref[:5]).max() < 1e-12 * S_ref[0]
    assert out["U"].shape == (40, 5) and out["Vt"].shape == (5, 90)
    assert out["meta"]["k"] == 5
    assert out["meta"]["explained_share"] == pytest.approx((S_ref[:5] ** 2).sum() / (X ** 2).sum())


def test_no_vectors_writes_values_only(nmfkit):
    X = counts(shape=(70, 30), seed=2)  # tall
    np.save(nmfkit.workdir / "X.npy", X)
    result = nmfkit.ok("svd", "X.npy", "--no-vectors", "--out", "svd")
    assert "U.npy" not in result.stdout
    assert sorted(p.name for p in (nmfkit.workdir / "svd").iterdir()) == [
        "result.json", "scree.svg", "singular_values.npy", "svd.json"]
    out = load(nmfkit.workdir / "svd")
    assert np.abs(out["singular_values"] - np.linalg.svd(X, compute_uv=False)).max() < 1e-12 * 10
    assert out["meta"]["vectors"] is False and "U" not in out["meta"]["files"]


def test_float32_input_stays_float32(nmfkit):
    X = np.random.RandomState(3).randn(20, 30).astype(np.float32)
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.ok("svd", "X.npy", "--out", "svd")
    out = load(nmfkit.workdir / "svd")
    assert out["singular_values"].dtype == np.float32 and out["U"].dtype == np.float32
    S_ref = np.linalg.svd(X.astype(np.float64), compute_uv=False)
    assert np.abs(out["singular_values"] - S_ref).max() < 1e-5 * S_ref[0]
    assert out["meta"]["dtype"] == "float32"
    nmfkit.ok("svd", "X.npy", "--dtype", "float64", "--out", "svd64")
    assert np.load(nmfkit.workdir / "svd64" / "singular_values.npy").dtype == np.float64


@pytest.mark.parametrize("sparse", [False, True])
def test_randomized_matches_scikit_learn(nmfkit, sparse):
    X = counts(shape=(60, 80), seed=4)
    name = save_input(nmfkit.workdir, X, sparse)
    result = nmfkit.ok("svd", name, "--method", "randomized", "--k", 6, "--seed", 3,
                       "--out", "svd")
    assert "randomized SVD, 6 singular values" in result.stdout
    U_ref, S_ref, Vt_ref = randomized_svd(scipy.sparse.csr_matrix(X) if sparse else X, 6,
                                          random_state=3)
    out = load(nmfkit.workdir / "svd")
    assert np.abs(out["singular_values"] - S_ref).max() < 1e-10 * S_ref[0]
    assert np.abs(out["U"] - U_ref).max() < 1e-8
    assert np.abs(out["Vt"] - Vt_ref).max() < 1e-8
    assert out["meta"]["method"] == "randomized" and out["meta"]["seed"] == 3
    assert out["meta"]["k"] == 6


def with_spectrum(values, shape, seed=0):
    rng = np.random.RandomState(seed)
    U, _ = np.linalg.qr(rng.randn(shape[0], len(values)))
    V, _ = np.linalg.qr(rng.randn(shape[1], len(values)))
    return (U * values) @ V.T


def test_scree_plot_is_valid_svg(nmfkit):
    # Six decades and two zero values: a log axis that leaves the zeros out.
    X = with_spectrum(np.r_[np.logspace(3, -3, 38), 0, 0], (40, 60))
    np.save(nmfkit.workdir / "X & <y>.npy", X)
    nmfkit.ok("svd", "X & <y>.npy", "--out", "svd")
    root = ElementTree.parse(nmfkit.workdir / "svd" / "scree.svg").getroot()
    assert root.tag == f"{SVG}svg"
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any("X & <y>.npy" in t for t in texts)
    assert any(t.startswith("index (2 values") for t in texts)
    assert "singular value (log scale)" in texts
    assert {"0.001", "1", "1000"} <= set(texts)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 38
    assert len(list(root.iter(f"{SVG}circle"))) == 38


def test_scree_plot_of_a_narrow_spectrum_is_linear(nmfkit):
    X = with_spectrum(np.linspace(10, 2, 12), (12, 30))
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.ok("svd", "X.npy", "--out", "svd")
    root = ElementTree.parse(nmfkit.workdir / "svd" / "scree.svg").getroot()
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "singular value" in texts and "index" in texts
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 12


@pytest.mark.parametrize(
    "args, mentions",
    [
        (["--k", 0], ["--k must be at least 1"]),
        (["--k", -3], ["--k"]),
        (["--k", 41], ["--k must be at most", "40"]),
        (["--method", "randomized"], ["--method randomized needs --k"]),
        (["--method", "exact"], ["--method"]),
    ],
)
def test_bad_arguments_write_nothing(nmfkit, args, mentions):
    np.save(nmfkit.workdir / "X.npy", counts())
    nmfkit.fails("svd", "X.npy", "--out", "svd", *args, mentions=mentions)
    assert nmfkit.files() == ["X.npy"]


def test_non_finite_input_writes_nothing(nmfkit):
    X = counts()
    X[2, 5] = np.nan
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.fails("svd", "X.npy", "--out", "svd", mentions=["non-finite", "row 2, column 5"])
    X[2, 5] = np.inf
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.fails("svd", "X.npy", "--out", "svd", "--method", "randomized", "--k", 3,
                 mentions=["non-finite"])
    assert nmfkit.files() == ["X.npy"]


def test_unreadable_input_writes_nothing(nmfkit):
    nmfkit.fails("svd", "missing.npy", "--out", "svd", mentions=["missing.npy"])
    (nmfkit.workdir / "broken.npy").write_bytes(b"not a numpy file")
    nmfkit.fails("svd", "broken.npy", "--out", "svd", mentions=["broken.npy"])
    assert nmfkit.files() == ["broken.npy"]


def test_existing_output_is_kept_on_failure(nmfkit):
    X = counts()
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.ok("svd", "X.npy", "--out", "svd")
    before = (nmfkit.workdir / "svd" / "singular_values.npy").read_bytes()
    nmfkit.fails("svd", "X.npy", "--out", "svd", "--k", 99)
    assert (nmfkit.workdir / "svd" / "singular_values.npy").read_bytes() == before
    assert sorted(p.name for p in nmfkit.workdir.iterdir()) == ["X.npy", "svd"]
