"""nmfkit.NMF(model='deep') and nmfkit.check_ssc / near_anchors / identifiability."""

import itertools

import numpy as np
import pytest

import nmfkit


def hierarchy(seed=0, m=90):
    rng = np.random.RandomState(seed)
    sizes = [6] * 3 + [30] * 6
    H1 = np.zeros((9, sum(sizes)))
    start = 0
    for t, size in enumerate(sizes):
        H1[t, start:start + size] = 0.5 + rng.rand(size)
        H1[t] /= H1[t].sum()
        start += size
    W1 = np.zeros((m, 9))
    for i in range(m):
        w = rng.rand(3) ** 3 + 1e-3
        W1[i, 3 * (i % 3):3 * (i % 3) + 3] = (50 + 100 * rng.rand()) * w / w.sum()
    return W1 @ H1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_deep_nmf_layers(dtype):
    X = hierarchy().astype(dtype)
    model = nmfkit.NMF([9, 3], model="deep", solver="auto", random_state=0)
    W = model.fit_transform(X)
    assert W.dtype == dtype and W.shape == (90, 3)
    H1, H2 = model.layer_components_
    W1, W2 = model.layer_codes_
    assert H1.shape == (9, 198) and H2.shape == (3, 9) and W1.shape == (90, 9)
    np.testing.assert_allclose(model.components_, H2 @ H1, rtol=1e-4)
    np.testing.assert_array_equal(W2, W)
    history = model.objective_history_
    assert (np.diff(history) <= 1e-5 * history[:-1]).all()
    assert model.transform(X).shape == (90, 3)
    with pytest.raises(ValueError, match="strictly decrease"):
        nmfkit.NMF([3, 9], model="deep", solver="auto").fit(X)
    with pytest.raises(ValueError, match="needs n_components"):
        nmfkit.NMF(model="deep", solver="auto").fit(X)


def brute_force_max_norm(F):
    """max ||x||² over {F x >= 0, sum(x) = 1} by trying every k-1 subset of tight rows."""
    N, k = F.shape
    best = -np.inf
    for rows in itertools.combinations(range(N), k - 1):
        M = np.vstack([F[list(rows)], np.ones(k)])
        if np.linalg.matrix_rank(M) < k:
            continue
        x = np.linalg.solve(M, np.eye(k)[-1])
        if (F @ x).min() >= -1e-12:
            best = max(best, x @ x)
    return best


def test_check_ssc_matches_brute_force_and_gives_certificates():
    verdicts = set()
    for seed in range(8):
        rng = np.random.RandomState(seed)
        k = 3 + seed % 2
        F = np.vstack([np.eye(k) * (seed % 3 == 0), rng.rand(12, k) ** 4])
        F = F[F.sum(axis=1) > 0]
        report = nmfkit.check_ssc(F)
        best = brute_force_max_norm(F)
        verdicts.add(report["verdict"])
        assert (report["verdict"] == "holds") == (best <= 1 + 1e-6), (report, best)
        if report["verdict"] == "fails":
            x = np.array(report["certificate"])
            assert abs(x.sum() - 1) < 1e-9 and (F @ x).min() >= -1e-9 and x @ x > 1
            assert report["max_norm"] == pytest.approx(best, rel=1e-8)
    assert verdicts == {"holds", "fails"}


def test_near_anchors_and_identifiability():
    rng = np.random.RandomState(0)
    W = np.vstack([rng.rand(30, 3), np.diag([2.0, 3.0, 4.0])])
    anchors = nmfkit.near_anchors(W)
    assert anchors["separable"] and anchors["anchor"] == [30, 31, 32]
    assert anchors["distance"] == [0.0, 0.0, 0.0]
    H = 1 + rng.rand(3, 20)
    report = nmfkit.identifiability(W, H)
    assert report["W"]["ssc"]["verdict"] == "holds"
    assert report["H"]["ssc"]["verdict"] == "fails"
    assert not report["H"]["separability"]["separable"]
    assert report["unique"] is False
    with pytest.raises(ValueError, match="k <= 12"):
        nmfkit.check_ssc(rng.rand(20, 13))
    with pytest.raises(ValueError, match="non-negative"):
        nmfkit.check_ssc(-W)
