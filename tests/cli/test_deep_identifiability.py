"""`nmfkit fit --model deep` and `nmfkit identifiability` end to end."""

import json

import numpy as np


def hierarchy(seed=0, m=120):
    """Three coarse groups of three fine topics (disjoint words); a sample is in one group."""
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
        g = i % 3
        w = rng.rand(3) ** 3 + 1e-3
        W1[i, 3 * g:3 * g + 3] = (50 + 100 * rng.rand()) * w / w.sum()
    return W1 @ H1


def test_deep_model_writes_every_layer_and_transforms(nmfkit):
    np.save(nmfkit.workdir / "X.npy", hierarchy())
    result = nmfkit.ok("fit", "X.npy", "--model", "deep", "--k", "9,5,3", "--seed", 0,
                       "--out", "m")
    assert "layer ranks 9,5,3" in result.stdout
    d = nmfkit.workdir / "m"
    W, H = np.load(d / "W.npy"), np.load(d / "H.npy")
    Ws = [np.load(d / f"W_{i}.npy") for i in (1, 2, 3)]
    Hs = [np.load(d / f"H_{i}.npy") for i in (1, 2, 3)]
    assert [F.shape for F in Hs] == [(9, 198), (5, 9), (3, 5)]
    assert [F.shape for F in Ws] == [(120, 9), (120, 5), (120, 3)]
    np.testing.assert_allclose(H, Hs[2] @ Hs[1] @ Hs[0], rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(W, Ws[2])
    np.testing.assert_allclose(Ws[0], W @ Hs[2] @ Hs[1], rtol=1e-10, atol=1e-12)
    model = json.loads((d / "model.json").read_text())
    assert model["options"]["model"] == "deep"
    assert model["options"]["layer_ranks"] == [9, 5, 3]
    assert model["files"]["layers"][2] == {"W": "W_3.npy", "H": "H_3.npy"}
    history = model["history"]["objective"]
    assert all(b <= a * (1 + 1e-10) for a, b in zip(history, history[1:]))
    # transform: new samples' last-layer codes against H = H_3 H_2 H_1.
    nmfkit.ok("transform", "m", "X.npy", "--out", "codes.npy")
    codes = np.load(nmfkit.workdir / "codes.npy")
    assert codes.shape == (120, 3)
    X = np.load(nmfkit.workdir / "X.npy")
    assert np.linalg.norm(X - codes @ H) <= np.linalg.norm(X - W @ H) * (1 + 1e-3)


def test_deep_model_bad_ranks(nmfkit):
    np.save(nmfkit.workdir / "X.npy", hierarchy(m=30))
    nmfkit.fails("fit", "X.npy", "--model", "deep", "--k", "9,9,3", "--out", "m",
                 mentions=["strictly decrease", "9,9,3"])
    nmfkit.fails("fit", "X.npy", "--model", "deep", "--k", "3,9", "--out", "m",
                 mentions=["strictly decrease"])
    nmfkit.fails("fit", "X.npy", "--model", "deep", "--k", "9,0", "--out", "m",
                 mentions=["--k", ">= 1", "9,0"])
    nmfkit.fails("fit", "X.npy", "--model", "deep", "--k", "9,-2", "--out", "m",
                 mentions=["--k", ">= 1"])
    nmfkit.fails("fit", "X.npy", "--k", "9,3", "--out", "m", mentions=["model = 'deep'"])
    assert "m" not in nmfkit.files()


def write_model(nmfkit, W, H, name="m"):
    """A fitted model folder whose W.npy and H.npy are replaced by the given factors."""
    X = W @ H
    np.save(nmfkit.workdir / "X.npy", X)
    nmfkit.ok("fit", "X.npy", "--k", W.shape[1], "--max-iter", 2, "--seed", 0, "--out", name)
    np.save(nmfkit.workdir / name / "W.npy", W)
    np.save(nmfkit.workdir / name / "H.npy", H)


def test_identifiability_holds_on_anchored_factors_and_fails_on_interior_ones(nmfkit):
    rng = np.random.RandomState(0)
    k = 4
    W = np.vstack([2 * np.eye(k), rng.rand(40, k)])                   # separable: SSC holds
    H = np.hstack([np.eye(k), rng.rand(k, 50) ** 3])                  # anchors + near faces
    write_model(nmfkit, W, H)
    result = nmfkit.ok("identifiability", "m")
    assert "essentially unique (proven)" in result.stdout
    report = json.loads((nmfkit.workdir / "m" / "identifiability.json").read_text())
    assert report["W"]["ssc"]["verdict"] == "holds"
    assert report["H"]["ssc"]["verdict"] == "holds"
    assert report["W"]["separability"]["separable"]
    assert report["W"]["separability"]["anchor"] == [0, 1, 2, 3]
    assert report["unique"] is True

    W_bad = 1 + 0.2 * rng.rand(44, k)                                  # clustered, interior
    write_model(nmfkit, W_bad, H, "bad")
    result = nmfkit.ok("identifiability", "bad", "--out", "verdict.json")
    report = json.loads((nmfkit.workdir / "verdict.json").read_text())
    ssc = report["W"]["ssc"]
    assert ssc["verdict"] == "fails" and "certificate" in ssc["reason"]
    x = np.array(ssc["certificate"])
    assert abs(x.sum() - 1) < 1e-9 and x @ x > 1 and (W_bad @ x).min() >= -1e-9
    assert not report["W"]["separability"]["separable"]
    assert report["unique"] is False
    assert "identifiability.json" not in nmfkit.files()


def test_identifiability_refuses_large_k_and_writes_nothing(nmfkit):
    rng = np.random.RandomState(1)
    write_model(nmfkit, rng.rand(40, 13), rng.rand(13, 30))
    nmfkit.fails("identifiability", "m", mentions=["k = 13", "k <= 12"])
    assert "identifiability.json" not in (p.name for p in (nmfkit.workdir / "m").iterdir())
    nmfkit.fails("identifiability", "nowhere", mentions=["nowhere"])
