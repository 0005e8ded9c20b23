"""MultimodalTopics.transform: new samples' topics under a fitted model (joint NMF's W-problem
with every H_m fixed, MTM's held-out E-step), the fit's preprocessing replayed, and
mismatched modalities refused by name."""

import numpy as np
import pytest
import scipy.sparse

import nmfkit

K = 3


def planted_model(seed=0):
    """Three topics over two modalities (15 genes, 10 peaks), each a distribution."""
    rng = np.random.default_rng(seed)
    return [rng.gamma(0.3, 1.0, (K, n)) for n in (15, 10)]


def draw(profiles, samples, seed):
    """Samples with Dirichlet(0.3) topic mixtures, Poisson counts of depth 300 per modality."""
    rng = np.random.default_rng(seed)
    theta = rng.dirichlet(np.full(K, 0.3), samples)
    counts = [rng.poisson(300 * theta @ (H / H.sum(axis=1, keepdims=True))).astype(float)
              for H in profiles]
    return theta, {"rna": counts[0], "atac": scipy.sparse.csr_matrix(counts[1])}


def best_correlations(planted, found):
    """For each planted topic, its largest Pearson correlation with a found topic."""
    c = np.corrcoef(planted.T, found.T)[:K, K:]
    return c.max(axis=1)


@pytest.fixture(scope="module")
def data():
    profiles = planted_model()
    return draw(profiles, 60, seed=1), draw(profiles, 30, seed=2)


def test_joint_nmf_transform_of_the_training_data_is_the_fitted_w(data):
    (_, train), _ = data
    model = nmfkit.MultimodalTopics(K, solver="hals", tol=1e-10, max_iter=3000, random_state=0)
    W = model.fit_transform(train)
    again = model.transform(train)
    # Not bitwise: transform solves the W-problem afresh from zero against the final H_m,
    # while the fit's W is its last alternating update. At a stationary point of the joint
    # problem (tol 1e-10) both are that problem's minimiser, to about the stopping tolerance.
    assert np.linalg.norm(again - W) / np.linalg.norm(W) < 1e-4


def test_joint_nmf_recovers_the_planted_topics_of_new_samples(data):
    (_, train), (theta, fresh) = data
    model = nmfkit.MultimodalTopics(K, random_state=0, weights={"atac": 2.0}).fit(train)
    W = model.transform(fresh)
    assert W.shape == (30, K) and (W >= 0).all()
    proportions = W / W.sum(axis=1, keepdims=True)
    assert best_correlations(theta, proportions).min() > 0.9
    # The modalities may come in any order.
    np.testing.assert_array_equal(model.transform({"atac": fresh["atac"], "rna": fresh["rna"]}), W)


def test_mtm_transform_is_the_fits_next_e_step(data):
    (_, train), _ = data
    # VI's topics after n iterations come from the E-step with λ after n − 1 updates, so the
    # (n − 1)-iteration model's transform of the training data is them bit for bit.
    options = dict(model="mtm", random_state=3, tfidf=["atac"], scale_counts=100.0)
    before = nmfkit.MultimodalTopics(K, iterations=4, **options).fit(train)
    after = nmfkit.MultimodalTopics(K, iterations=5, **options).fit(train)
    np.testing.assert_array_equal(before.transform(train), after.sample_topics_)


def test_mtm_recovers_the_planted_topics_of_new_samples(data):
    (_, train), (theta, fresh) = data
    model = nmfkit.MultimodalTopics(K, model="mtm", iterations=30, random_state=0).fit(train)
    topics = model.transform(fresh)
    np.testing.assert_allclose(topics.sum(axis=1), 1.0, rtol=1e-12)
    assert best_correlations(theta, topics).min() > 0.9
    # One sample alone gets the same topics as in a batch (the E-step is per sample).
    one = {name: X[:1] for name, X in fresh.items()}
    np.testing.assert_array_equal(model.transform(one), topics[:1])


def test_smtm_transforms_without_coordinates(data):
    (_, train), (_, fresh) = data
    coords = np.random.default_rng(4).random((60, 2))
    model = nmfkit.MultimodalTopics(K, model="smtm", iterations=3).fit(train, coords=coords)
    assert model.transform(fresh).shape == (30, K)


def test_transform_refuses_mismatched_modalities(data):
    (_, train), (_, fresh) = data
    model = nmfkit.MultimodalTopics(2, model="mtm", iterations=2).fit(train)
    with pytest.raises(ValueError, match="modality 'atac' has 9 features, the fitted model 10"):
        model.transform({"rna": fresh["rna"], "atac": fresh["atac"][:, :9]})
    with pytest.raises(ValueError, match="'atac'"):
        model.transform({"rna": fresh["rna"], "protein": fresh["atac"]})
    with pytest.raises(ValueError, match="1 modalities, the fitted model 2"):
        model.transform({"rna": fresh["rna"]})
    with pytest.raises(ValueError, match="negative"):
        model.transform({"rna": -fresh["rna"], "atac": fresh["atac"]})
    with pytest.raises(ValueError, match="not fitted"):
        nmfkit.MultimodalTopics(2).transform(fresh)
