"""`nmfkit fit --solver minibatch`: scikit-learn's MiniBatchNMF from the command line."""

import json
import warnings

import numpy as np
import pytest
from sklearn.decomposition import MiniBatchNMF


def data(shape=(300, 40), seed=0):
    return np.abs(np.random.RandomState(seed).randn(*shape))


@pytest.mark.parametrize("flags,params", [
    (["--batch-size", "64"], dict(batch_size=64)),
    (["--batch-size", "50", "--beta-loss", "kullback-leibler", "--init", "random"],
     dict(batch_size=50, beta_loss="kullback-leibler", init="random")),
    (["--batch-size", "32", "--fresh-restarts", "--forget-factor", "0.5"],
     dict(batch_size=32, fresh_restarts=True, forget_factor=0.5)),
    (["--max-no-improvement", "0", "--max-iter", "20"],
     dict(max_no_improvement=None, max_iter=20)),
])
def test_fit_equals_scikit_learn(nmfkit, flags, params):
    X = data()
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.ok("fit", "X.npy", "--k", "5", "--solver", "minibatch", "--seed", "3", *flags,
              "--out", "model")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = MiniBatchNMF(5, random_state=3, **params)
        W = theirs.fit_transform(X)
    np.testing.assert_allclose(np.load(nmfkit.workdir / "model" / "W.npy"), W, atol=1e-8)
    np.testing.assert_allclose(np.load(nmfkit.workdir / "model" / "H.npy"), theirs.components_,
                               atol=1e-8)
    model = json.loads((nmfkit.workdir / "model" / "model.json").read_text())
    assert model["n_iter"] == theirs.n_iter_
    assert model["reconstruction_error"] == pytest.approx(theirs.reconstruction_err_, rel=1e-9)
    assert model["options"]["minibatch"]["batch_size"] == params.get("batch_size", 1024)


def test_transform_with_a_minibatch_model_equals_scikit_learn(nmfkit):
    X = data()
    np.save(nmfkit.workdir / "X.npy", X)
    np.save(nmfkit.workdir / "new.npy", X[:25])
    nmfkit.ok("fit", "X.npy", "--k", "4", "--solver", "minibatch", "--batch-size", "100",
              "--seed", "1", "--out", "model")
    nmfkit.ok("transform", "model", "new.npy", "--out", "W.npy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = MiniBatchNMF(4, batch_size=100, random_state=1).fit(X)
    np.testing.assert_allclose(np.load(nmfkit.workdir / "W.npy"), theirs.transform(X[:25]),
                               atol=1e-8)


def test_a_batch_larger_than_the_data_is_refused(nmfkit):
    np.save(nmfkit.workdir / "X.npy", data((40, 6)))
    nmfkit.fails("fit", "X.npy", "--k", "2", "--solver", "minibatch", "--batch-size", "41",
                 "--out", "model", mentions=["--batch-size 41", "40 samples"])
    nmfkit.fails("fit", "X.npy", "--k", "2", "--solver", "minibatch", "--batch-size", "0",
                 "--out", "model", mentions=["--batch-size"])
    assert nmfkit.files() == ["X.npy"]


def sklearn_update(X, H, batch_size, passes, seed):
    """scikit-learn's partial_fit steps over X's batches from components H, with the running
    sums restarted from H and ρ from all of X (the oracle of `nmfkit update`)."""
    model = MiniBatchNMF(H.shape[0], batch_size=batch_size, init="custom", random_state=seed)
    model._check_params(X)
    model._components_numerator = H.copy()
    model._components_denominator = np.ones(H.shape)
    model.components_, model.n_components_, model.n_features_in_ = H.copy(), H.shape[0], H.shape[1]
    for _ in range(passes):
        for start in range(0, X.shape[0], model._batch_size):
            model._minibatch_step(X[start:start + model._batch_size], None, model.components_,
                                  update_H=True)
    return model.components_, model.transform(X)


@pytest.mark.parametrize("solver", ["minibatch", "hals"])
def test_update_continues_a_model_with_new_samples(nmfkit, solver):
    X = data((400, 30), seed=4)
    np.save(nmfkit.workdir / "old.npy", X[:250])
    np.save(nmfkit.workdir / "new.npy", X[250:])
    nmfkit.ok("fit", "old.npy", "--k", "4", "--solver", solver, "--seed", "2", "--out", "model")
    run = nmfkit.ok("update", "model", "new.npy", "--passes", "2", "--batch-size", "40",
                    "--out", "updated")
    assert "wrote updated" in run.stdout
    H_old = np.load(nmfkit.workdir / "model" / "H.npy")
    H, W = sklearn_update(X[250:], H_old, 40, 2, 2)
    np.testing.assert_allclose(np.load(nmfkit.workdir / "updated" / "H.npy"), H, atol=1e-8)
    np.testing.assert_allclose(np.load(nmfkit.workdir / "updated" / "W.npy"), W, atol=1e-8)
    model = json.loads((nmfkit.workdir / "updated" / "model.json").read_text())
    assert model["input"] == "new.npy" and model["solver_used"] == "minibatch"


def test_update_refuses_other_features_and_big_batches(nmfkit):
    np.save(nmfkit.workdir / "old.npy", data((50, 8)))
    np.save(nmfkit.workdir / "wide.npy", data((20, 9)))
    nmfkit.ok("fit", "old.npy", "--k", "2", "--seed", "0", "--out", "model")
    nmfkit.fails("update", "model", "wide.npy", "--out", "updated",
                 mentions=["9 features", "model has 8"])
    nmfkit.fails("update", "model", "old.npy", "--batch-size", "51", "--out", "updated",
                 mentions=["--batch-size 51", "50 samples"])
    assert "updated" not in nmfkit.files()
