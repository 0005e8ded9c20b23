"""nmfkit.MiniBatchNMF against scikit-learn's MiniBatchNMF: the same numbers."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import MiniBatchNMF as SkMiniBatchNMF
from sklearn.exceptions import ConvergenceWarning

import nmfkit

from conftest import nonnegative

CASES = [
    dict(batch_size=64),
    dict(batch_size=1024),
    dict(batch_size=50, beta_loss="kullback-leibler", init="random"),
    dict(batch_size=32, fresh_restarts=True),
    dict(batch_size=40, alpha_W=0.01, l1_ratio=0.5),
    dict(batch_size=70, beta_loss=1.5, tol=0, max_iter=5),
    dict(batch_size=45, max_no_improvement=None, max_iter=30, forget_factor=0.9),
]


def both(X, seed, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SkMiniBatchNMF(5, random_state=seed, **params)
        W_theirs = theirs.fit_transform(X)
        ours = nmfkit.MiniBatchNMF(5, random_state=seed, **params)
        W_ours = ours.fit_transform(X)
    return theirs, W_theirs, ours, W_ours


@pytest.mark.parametrize("params", CASES)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("seed", [0, 3])
def test_equals_sklearn(rng, params, sparse, seed):
    X = nonnegative(rng, (240, 50), density=0.3 if sparse else None)
    if sparse:
        X = sp.csr_matrix(X)
    theirs, W_theirs, ours, W_ours = both(X, seed, **params)
    assert ours.n_steps_ == theirs.n_steps_
    assert ours.n_iter_ == theirs.n_iter_
    assert abs(ours.reconstruction_err_ - theirs.reconstruction_err_) <= 1e-6
    np.testing.assert_allclose(W_ours, W_theirs, atol=1e-5)
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-5)
    np.testing.assert_allclose(ours.transform(X[:30]), theirs.transform(X[:30]), atol=1e-5)


def test_itakura_saito_and_float32_equal_sklearn(rng):
    X = nonnegative(rng, (120, 30)) + 0.1
    theirs, W_theirs, ours, W_ours = both(X, 1, beta_loss="itakura-saito", init="random",
                                          batch_size=33, max_iter=20)
    assert ours.n_steps_ == theirs.n_steps_
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-5)
    X32 = X.astype(np.float32)
    theirs, W_theirs, ours, W_ours = both(X32, 2, batch_size=40, max_iter=10)
    assert W_ours.dtype == np.float32 and ours.components_.dtype == np.float32
    assert ours.n_steps_ == theirs.n_steps_
    np.testing.assert_allclose(ours.components_, theirs.components_, rtol=1e-3, atol=1e-4)


def test_partial_fit_equals_sklearn(rng):
    X = nonnegative(rng, (300, 40))
    theirs = SkMiniBatchNMF(4, random_state=1, batch_size=10)
    ours = nmfkit.MiniBatchNMF(4, random_state=1, batch_size=10)
    for start in range(0, 300, 60):
        theirs.partial_fit(X[start:start + 60])
        ours.partial_fit(X[start:start + 60])
    assert ours.n_steps_ == theirs.n_steps_ == 5
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-10)
    np.testing.assert_allclose(ours.transform(X[:7]), theirs.transform(X[:7]), atol=1e-8)


def test_convergence_warning_as_sklearn(rng):
    X = nonnegative(rng, (60, 20))
    with pytest.warns(ConvergenceWarning, match="Maximum number of iterations 2"):
        nmfkit.MiniBatchNMF(3, max_iter=2, batch_size=20, max_no_improvement=None,
                            random_state=0).fit(X)


@pytest.mark.parametrize("params,message", [
    (dict(batch_size=0), "batch_size must be >= 1"),
    (dict(forget_factor=1.5), "forget_factor must be in \\[0, 1\\]"),
    (dict(max_no_improvement=0), "max_no_improvement must be >= 1"),
    (dict(fresh_restarts="yes"), "fresh_restarts must be a bool"),
    (dict(beta_loss="euclid"), "beta_loss"),
])
def test_bad_parameters_raise_value_error(rng, params, message):
    with pytest.raises(ValueError, match=message):
        nmfkit.MiniBatchNMF(3, **params).fit(nonnegative(rng, (20, 6)))


def test_bad_data_and_unfitted_use_raise(rng):
    with pytest.raises(ValueError, match="[Nn]egative"):
        nmfkit.MiniBatchNMF(2).fit(-nonnegative(rng, (10, 4)))
    model = nmfkit.MiniBatchNMF(2, random_state=0).fit(nonnegative(rng, (10, 4)))
    with pytest.raises(ValueError, match="4 features"):
        model.partial_fit(nonnegative(rng, (5, 3)))
