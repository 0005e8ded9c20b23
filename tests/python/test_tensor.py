"""nmfkit.NonNegativeCP / non_negative_parafac: planted recovery, missing entries, sparse
input, dtypes, threads and errors; factor_match_score against a NumPy transcription."""

import itertools

import numpy as np
import pytest

import nmfkit
from nmfkit.tensor import cp_to_tensor


def planted(shape, k, noise, seed):
    rng = np.random.default_rng(seed)
    factors = [rng.random((n, k)) * (rng.random((n, k)) > 0.33) for n in shape]
    X = cp_to_tensor(np.ones(k), factors)
    return factors, X + noise * X.mean() * rng.random(X.shape)


def numpy_fms(A, wa, B, wb):
    def unit(factors, weights):
        weights = np.asarray(weights, float).copy()
        out = []
        for F in factors:
            norms = np.linalg.norm(F, axis=0)
            weights *= norms
            out.append(F / norms)
        return out, weights

    (ua, la), (ub, lb) = unit(A, wa), unit(B, wb)
    score = 1 - np.abs(la[:, None] - lb[None, :]) / np.maximum(la[:, None], lb[None, :])
    for Fa, Fb in zip(ua, ub):
        score = score * np.abs(Fa.T @ Fb)
    k = len(la)
    return max(np.mean(score[np.arange(k), list(p)]) for p in itertools.permutations(range(k)))


def test_planted_rank_five_is_recovered_and_monotone():
    factors, X = planted((30, 25, 20), 5, 0.05, 0)
    model = nmfkit.NonNegativeCP(5, random_state=0, tol=1e-6, max_iter=300).fit(X)
    fms = nmfkit.factor_match_score(factors, np.ones(5), model.factors_, model.weights_)
    assert fms >= 0.95
    assert fms == pytest.approx(numpy_fms(factors, np.ones(5), model.factors_, model.weights_),
                                abs=1e-12)
    history = np.array(model.relative_error_history_)
    assert np.all(np.diff(history) <= 1e-12)
    assert model.reconstruction_err_ == pytest.approx(
        np.linalg.norm(X - model.inverse_transform()) / np.linalg.norm(X), rel=1e-8)
    assert all(np.allclose(np.linalg.norm(F, axis=0), 1) for F in model.factors_)


def test_four_way_function_form():
    factors, X = planted((10, 9, 8, 7), 3, 0.02, 1)
    weights, found = nmfkit.non_negative_parafac(X, 3, random_state=2, tol=1e-6, max_iter=300)
    assert [F.shape for F in found] == [(10, 3), (9, 3), (8, 3), (7, 3)]
    assert nmfkit.factor_match_score(factors, np.ones(3), found, weights) >= 0.95


def test_sparse_tuple_equals_dense_and_missing_entries():
    _, X = planted((12, 10, 8), 3, 0.0, 3)
    X[np.random.default_rng(4).random(X.shape) < 0.5] = 0
    X[1, 2, 3] = np.nan
    X[5, 0, 7] = np.nan
    coords = np.argwhere(X != 0)  # NaN != 0: missing entries are listed with value NaN
    values = X[tuple(coords.T)]
    dense = nmfkit.NonNegativeCP(3, random_state=5).fit(X)
    sparse = nmfkit.NonNegativeCP(3, random_state=5).fit((coords, values, X.shape))
    assert dense.n_missing_ == sparse.n_missing_ == 2
    for a, b in zip(dense.factors_, sparse.factors_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("ignore::nmfkit.ConvergenceWarning")
def test_float32_stays_float32_and_threads_agree():
    _, X = planted((100, 30, 20), 4, 0.05, 6)
    m32 = nmfkit.NonNegativeCP(4, random_state=1, max_iter=20).fit(X.astype(np.float32))
    assert m32.factors_[0].dtype == np.float32
    m64 = nmfkit.NonNegativeCP(4, random_state=1, max_iter=20).fit(X)
    assert m32.reconstruction_err_ == pytest.approx(m64.reconstruction_err_, rel=1e-3)
    one = nmfkit.NonNegativeCP(4, random_state=1, max_iter=5, n_threads=1).fit(X)
    two = nmfkit.NonNegativeCP(4, random_state=1, max_iter=5, n_threads=2).fit(X)
    for a, b in zip(one.factors_, two.factors_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "X, k, message",
    [
        (np.ones((3, 4)), 2, "at least 3 dimensions"),
        (-np.ones((2, 3, 4)), 2, "negative"),
        (np.full((2, 3, 4), np.inf), 2, "infinite"),
        (np.ones((2, 3, 4)), 0, "n_components must be >= 1"),
        ((np.array([[0, 0, 0], [0, 0, 0]]), np.ones(2), (2, 2, 2)), 1, "both give coordinates"),
        ((np.array([[0, 0, 5]]), np.ones(1), (2, 2, 2)), 1, "outside 0..1"),
    ],
)
def test_bad_input_raises_value_error(X, k, message):
    with pytest.raises(ValueError, match=message):
        nmfkit.NonNegativeCP(k).fit(X)
