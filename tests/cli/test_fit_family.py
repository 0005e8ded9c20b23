"""`nmfkit fit` for the NMF family: --model semi|symmetric, --graph, --solver pgd|adam.

The gradient solvers are held to a NumPy transcription of seed 004's notebook update.
"""

import json

import numpy as np
import scipy.sparse
from sklearn.metrics import adjusted_rand_score

# ---- seed 004's notebook, "Pytorch Implementation", in NumPy (float64) -------------------


def penalty_t(M, mu=1e-5):
    return (M < mu) * np.minimum(M - mu, 0.0)


def grads_t(M, W, H, lam=1e2, mu=1e-5):
    R = W @ H - M
    return R @ H.T + penalty_t(W, mu) * lam, W.T @ R + penalty_t(H, mu) * lam


def upd_t(M, W, H, lr=1e-2):
    dW, dH = grads_t(M, W, H)
    W -= lr * dW
    H -= lr * dH


def notebook_pgd(X, W, H, iterations, lr=0.05):
    W, H = W.copy(), H.copy()
    for i in range(iterations):
        upd_t(X, W, H, lr)
        if i % 100 == 0:
            lr *= 0.9
    return W, H


def adam(X, W, H, iterations, lr=1e-3, betas=(0.9, 0.9), eps=1e-8):
    """The same gradient through torch.optim.Adam's update (no weight decay, no amsgrad)."""
    W, H = W.copy(), H.copy()
    m = [np.zeros_like(W), np.zeros_like(H)]
    v = [np.zeros_like(W), np.zeros_like(H)]
    for t in range(1, iterations + 1):
        grads = grads_t(X, W, H)
        for p, (F, g) in enumerate(zip((W, H), grads)):
            m[p] = betas[0] * m[p] + (1 - betas[0]) * g
            v[p] = betas[1] * v[p] + (1 - betas[1]) * g * g
            denom = np.sqrt(v[p]) / np.sqrt(1 - betas[1] ** t) + eps
            F -= lr / (1 - betas[0] ** t) * m[p] / denom
    return W, H


def objective(X, W, H, lam=1e2, mu=1e-5):
    return 0.5 * np.sum((X - W @ H) ** 2) + 0.5 * lam * (
        np.sum(np.minimum(W - mu, 0) ** 2) + np.sum(np.minimum(H - mu, 0) ** 2))


def gradient_inputs(nmfkit, seed=0):
    rng = np.random.RandomState(seed)
    X = np.abs(rng.randn(40, 25)) * 0.3
    W0 = np.abs(rng.normal(scale=0.01, size=(40, 3)))  # the notebook's start
    H0 = np.abs(rng.normal(scale=0.01, size=(3, 25)))
    for name, value in (("X", X), ("W0", W0), ("H0", H0)):
        np.save(nmfkit.workdir / f"{name}.npy", value)
    return X, W0, H0


def fit_custom(nmfkit, solver, iterations, *extra):
    nmfkit.ok("fit", "X.npy", "--k", 3, "--solver", solver, "--init", "custom", "--init-w",
              "W0.npy", "--init-h", "H0.npy", "--tol", 0, "--max-iter", iterations, "--out", "m",
              *extra)
    meta = json.loads((nmfkit.workdir / "m" / "model.json").read_text())
    return np.load(nmfkit.workdir / "m" / "W.npy"), np.load(nmfkit.workdir / "m" / "H.npy"), meta


def test_pgd_equals_the_notebooks_update(nmfkit):
    # At the notebook's step (0.05) and penalty (100) a negative entry is overshot by
    # 0.05 * 100 = 5 times its size each step, so entries that cross zero flip sign and
    # differences in the last bit grow geometrically after some 60 iterations: compared
    # there at 60 iterations, and over the decays at a step where the penalty is stable.
    X, W0, H0 = gradient_inputs(nmfkit)
    W, H, meta = fit_custom(nmfkit, "pgd", 60)
    W_ref, H_ref = notebook_pgd(X, W0, H0, 60)
    assert (W_ref < 0).any() or (H_ref < 0).any()  # the clip at the end is exercised
    np.testing.assert_allclose(W, np.maximum(W_ref, 0), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(H, np.maximum(H_ref, 0), rtol=1e-8, atol=1e-12)
    history = meta["history"]["objective"]
    assert len(history) == 60 and meta["solver_used"] == "pgd"
    assert abs(history[-1] - objective(X, W_ref, H_ref)) < 1e-9 * objective(X, W_ref, H_ref)

    W, H, meta = fit_custom(nmfkit, "pgd", 250, "--learning-rate", 0.01)  # decays after 1, 101, 201
    W_ref, H_ref = notebook_pgd(X, W0, H0, 250, lr=0.01)
    np.testing.assert_allclose(W, np.maximum(W_ref, 0), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(H, np.maximum(H_ref, 0), rtol=1e-8, atol=1e-12)


def test_pgd_learning_rate_and_penalty_flags(nmfkit):
    X, W0, H0 = gradient_inputs(nmfkit)
    W, H, meta = fit_custom(nmfkit, "pgd", 120, "--learning-rate", 0.1, "--penalty", 10)
    W_ref, H_ref = W0.copy(), H0.copy()
    lr = 0.1
    for i in range(120):
        dW, dH = grads_t(X, W_ref, H_ref, lam=10)
        W_ref -= lr * dW
        H_ref -= lr * dH
        if i % 100 == 0:
            lr *= 0.9
    assert (W_ref < 0).any() and (H_ref < 0).any()
    np.testing.assert_allclose(W, np.maximum(W_ref, 0), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(H, np.maximum(H_ref, 0), rtol=1e-8, atol=1e-12)
    assert meta["options"]["learning_rate"] == 0.1 and meta["options"]["penalty"] == 10


def test_adam_equals_a_numpy_transcription(nmfkit):
    X, W0, H0 = gradient_inputs(nmfkit, seed=2)
    W, H, _ = fit_custom(nmfkit, "adam", 200)
    W_ref, H_ref = adam(X, W0, H0, 200)
    np.testing.assert_allclose(W, np.maximum(W_ref, 0), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(H, np.maximum(H_ref, 0), rtol=1e-7, atol=1e-10)


def test_gradient_options_belong_to_the_gradient_solvers(nmfkit):
    gradient_inputs(nmfkit)
    nmfkit.fails("fit", "X.npy", "--k", 3, "--solver", "hals", "--learning-rate", 0.1, "--out", "m",
                 mentions=["learning_rate and penalty are options of solvers pgd and adam"])
    nmfkit.fails("fit", "X.npy", "--k", 3, "--solver", "pgd", "--learning-rate", 1e6, "--out", "m",
                 mentions=["diverged", "lower the learning rate"])
    assert "m" not in nmfkit.files()


# ---- semi-NMF ---------------------------------------------------------------------------


def signed_data(seed=0):
    """Ding et al.'s setting: signed centroids W, one positive entry per column of H."""
    rng = np.random.RandomState(seed)
    W = rng.randn(50, 3)
    H = np.zeros((3, 30))
    H[np.arange(30) % 3, np.arange(30)] = 0.5 + rng.rand(30)
    return W @ H


def test_semi_nmf_fits_signed_data_that_standard_nmf_rejects(nmfkit):
    X = signed_data()
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.fails("fit", "X.npy", "--k", 3, "--out", "m", mentions=["Negative values"])
    result = nmfkit.ok("fit", "X.npy", "--k", 3, "--model", "semi", "--seed", 0, "--tol", 1e-10,
                       "--max-iter", 2000, "--out", "m")
    assert "model semi" in result.stdout
    W = np.load(nmfkit.workdir / "m" / "W.npy")
    H = np.load(nmfkit.workdir / "m" / "H.npy")
    meta = json.loads((nmfkit.workdir / "m" / "model.json").read_text())
    assert (W < 0).any() and (H >= 0).all()
    assert np.linalg.norm(X - W @ H) < 1e-4 * np.linalg.norm(X)
    assert adjusted_rand_score(np.arange(30) % 3, H.argmax(axis=0)) == 1.0
    assert meta["options"]["model"] == "semi" and meta["solver_used"] == "semi"
    assert abs(meta["reconstruction_error"] - np.linalg.norm(X - W @ H)) < 1e-8
    history = np.array(meta["history"]["objective"])
    assert (np.diff(history) <= 1e-10 * history[:-1] + 1e-12 * history[0]).all()


def test_semi_nmf_rejects_nan_and_infinity(nmfkit):
    X = signed_data()
    X[4, 2] = np.nan
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.fails("fit", "X.npy", "--k", 3, "--model", "semi", "--out", "m",
                 mentions=["NaN", "row 4, column 2"])
    X[4, 2] = np.inf
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.fails("fit", "X.npy", "--k", 3, "--model", "semi", "--out", "m", mentions=["infinity"])
    assert nmfkit.files() == ["X.npy"]


# ---- symmetric NMF ----------------------------------------------------------------------


def block_graph(blocks=3, size=25, p_in=0.4, p_out=0.04, seed=0):
    rng = np.random.RandomState(seed)
    truth = np.repeat(np.arange(blocks), size)
    p = np.where(truth[:, None] == truth[None, :], p_in, p_out)
    upper = np.triu(rng.rand(len(truth), len(truth)) < p, 1)
    return (upper | upper.T).astype(float), truth


def test_symmetric_nmf_writes_communities(nmfkit):
    A, truth = block_graph()
    np.save(nmfkit.workdir / "A.npy", A)
    result = nmfkit.ok("fit", "A.npy", "--k", 3, "--model", "symmetric", "--seed", 0, "--out", "m")
    assert "communities.tsv" in result.stdout
    W = np.load(nmfkit.workdir / "m" / "W.npy")
    H = np.load(nmfkit.workdir / "m" / "H.npy")
    np.testing.assert_array_equal(H, W.T)
    lines = (nmfkit.workdir / "m" / "communities.tsv").read_text().splitlines()
    assert lines[0] == "sample\tcommunity" and len(lines) == len(truth) + 1
    found = np.array([int(line.split("\t")[1]) for line in lines[1:]])
    np.testing.assert_array_equal(found, W.argmax(axis=1))
    assert adjusted_rand_score(truth, found) > 0.9


def test_symmetric_nmf_rejects_non_square_and_non_symmetric_input(nmfkit):
    A, _ = block_graph(2, 6)
    np.save(nmfkit.workdir / "tall.npy", A[:9])
    nmfkit.fails("fit", "tall.npy", "--k", 2, "--model", "symmetric", "--out", "m",
                 mentions=["square", "(9, 12)"])
    A[3, 8] += 0.7
    np.save(nmfkit.workdir / "A.npy", A)
    nmfkit.fails("fit", "A.npy", "--k", 2, "--model", "symmetric", "--out", "m",
                 mentions=["largest asymmetry", "X[3, 8] - X[8, 3]"])
    assert "m" not in nmfkit.files()


# ---- graph-regularised NMF --------------------------------------------------------------


def write_mtx(path, matrix):
    coo = scipy.sparse.coo_matrix(matrix)
    lines = ["%%MatrixMarket matrix coordinate real general",
             f"{coo.shape[0]} {coo.shape[1]} {coo.nnz}"]
    lines += [f"{i + 1} {j + 1} {v!r}" for i, j, v in zip(coo.row, coo.col, coo.data)]
    path.write_text("\n".join(lines) + "\n")


def chain(n, reach=2):
    A = np.zeros((n, n))
    for d in range(1, reach + 1):
        A += np.eye(n, k=d) + np.eye(n, k=-d)
    return A


def test_graph_from_a_file_and_from_knn(nmfkit):
    X = np.abs(np.random.RandomState(0).randn(30, 12))
    np.save(nmfkit.workdir / "X.npy", X)
    write_mtx(nmfkit.workdir / "chain.mtx", chain(30))
    result = nmfkit.ok("fit", "X.npy", "--k", 3, "--graph", "chain.mtx", "--graph-weight", 2,
                       "--alpha-w", 0.01, "--l1-ratio", 1, "--seed", 0, "--out", "a")
    assert "graph chain.mtx, weight 2" in result.stdout
    meta = json.loads((nmfkit.workdir / "a" / "model.json").read_text())
    assert meta["options"]["graph"] == "chain.mtx" and meta["options"]["graph_weight"] == 2
    assert meta["solver_used"] == "gnmf-mu"
    history = np.array(meta["history"]["objective"])
    assert (np.diff(history) <= 1e-10 * history[:-1] + 1e-12 * history[0]).all()
    nmfkit.ok("fit", "X.npy", "--k", 3, "--graph", "knn:5", "--seed", 0, "--out", "b")
    assert json.loads((nmfkit.workdir / "b" / "model.json").read_text())["options"]["graph"] == "knn:5"


def test_bad_graphs_write_nothing(nmfkit):
    X = np.abs(np.random.RandomState(0).randn(30, 12))
    np.save(nmfkit.workdir / "X.npy", X)
    write_mtx(nmfkit.workdir / "small.mtx", chain(29))
    negative = chain(30)
    negative[6, 7] = -1.0
    write_mtx(nmfkit.workdir / "negative.mtx", negative)
    nmfkit.fails("fit", "X.npy", "--k", 3, "--graph", "small.mtx", "--out", "m",
                 mentions=["shape (29, 29)", "30 samples"])
    nmfkit.fails("fit", "X.npy", "--k", 3, "--graph", "negative.mtx", "--out", "m",
                 mentions=["negative weights", "row 6, column 7"])
    nmfkit.fails("fit", "X.npy", "--k", 3, "--graph", "knn:30", "--out", "m", mentions=["knn:30"])
    nmfkit.fails("fit", "X.npy", "--k", 3, "--graph", "knn:x", "--out", "m", mentions=["knn:K"])
    assert "m" not in nmfkit.files()
