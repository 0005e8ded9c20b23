"""nmfkit.NMF's family parameters: model='semi'|'symmetric', graph=..., solver='pgd'|'adam'."""

import numpy as np
import pytest
import scipy.sparse
from sklearn.metrics import adjusted_rand_score

import nmfkit


def test_semi_nmf_fits_signed_data():
    rng = np.random.RandomState(0)
    H = np.zeros((3, 24))
    H[np.arange(24) % 3, np.arange(24)] = 0.5 + rng.rand(24)
    X = rng.randn(40, 3) @ H
    with pytest.raises(ValueError, match="Negative values"):
        nmfkit.NMF(3, solver="auto").fit(X)
    model = nmfkit.NMF(3, model="semi", solver="auto", tol=1e-10, max_iter=2000, random_state=0)
    W = model.fit_transform(X)
    assert (W < 0).any() and (model.components_ >= 0).all()
    assert model.reconstruction_err_ < 1e-3 * np.linalg.norm(X)
    with pytest.raises(ValueError, match="transform is defined for the standard and deep models only"):
        model.transform(X)


def test_symmetric_nmf_finds_blocks():
    rng = np.random.RandomState(1)
    truth = np.repeat(np.arange(3), 20)
    p = np.where(truth[:, None] == truth[None, :], 0.5, 0.03)
    upper = np.triu(rng.rand(60, 60) < p, 1)
    A = (upper | upper.T).astype(float)
    model = nmfkit.NMF(3, model="symmetric", solver="auto", random_state=0)
    W = model.fit_transform(A)
    np.testing.assert_array_equal(model.components_, W.T)
    assert adjusted_rand_score(truth, W.argmax(axis=1)) > 0.9
    with pytest.raises(ValueError, match="largest asymmetry"):
        B = A.copy()
        B[0, 5] += 1
        nmfkit.NMF(3, model="symmetric", solver="auto").fit(B)


def test_graph_regularised_nmf_takes_sparse_and_dense_graphs():
    rng = np.random.RandomState(2)
    X = np.abs(rng.randn(30, 10))
    chain = scipy.sparse.diags([np.ones(29), np.ones(29)], [1, -1]).tocsr()
    a = nmfkit.NMF(3, solver="auto", graph=chain, graph_weight=2.0, random_state=0).fit(X)
    b = nmfkit.NMF(3, solver="auto", graph=chain.toarray(), graph_weight=2.0, random_state=0).fit(X)
    np.testing.assert_allclose(a.components_, b.components_, rtol=1e-10)
    assert a.solver_ == "gnmf-mu"
    h = a.objective_history_
    assert (np.diff(h) <= 1e-10 * h[:-1] + 1e-12 * h[0]).all()
    with pytest.raises(ValueError, match="30 samples"):
        nmfkit.NMF(3, solver="auto", graph=np.zeros((29, 29))).fit(X)


def test_gradient_solvers_take_a_learning_rate():
    X = np.abs(np.random.RandomState(3).randn(20, 8)) * 0.3
    model = nmfkit.NMF(2, solver="pgd", learning_rate=0.02, tol=0, max_iter=50, random_state=0)
    model.fit(X)
    assert model.solver_ == "pgd" and len(model.objective_history_) == 50
    with pytest.raises(ValueError, match="options of solvers pgd and adam"):
        nmfkit.NMF(2, solver="hals", learning_rate=0.1).fit(X)
