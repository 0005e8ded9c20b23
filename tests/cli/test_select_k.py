"""`nmfkit select-k`, `--k auto` in fit, and masks in fit, end to end."""

import json

import numpy as np
import pytest
import scipy.io
import scipy.sparse


def planted(rows, cols, r, sigma=0.05, seed=0):
    """Separable rank-r data (pure rows and columns per part) plus clipped Gaussian noise."""
    rng = np.random.RandomState(seed)
    W = np.abs(rng.randn(rows, r))
    H = np.abs(rng.randn(r, cols))
    W[:r, :] = np.eye(r)
    H[:, :r] = np.eye(r)
    return np.maximum(W @ H + sigma * rng.randn(rows, cols), 0)


def test_select_k_writes_the_selection_and_finds_the_planted_rank(nmfkit):
    np.save(nmfkit.workdir / "X.npy", planted(60, 50, 4))
    result = nmfkit.ok("select-k", "X.npy", "--k", "2:7", "--method", "both", "--seed", 1,
                       "--perturbations", 5, "--out", "sel")
    assert "cv:        k = 4" in result.stdout
    assert "stability: k = 4" in result.stdout
    assert result.stderr.count("select-k: k ") >= 6  # progress: a line per k and method
    out = nmfkit.workdir / "sel"
    assert sorted(p.name for p in out.iterdir()) == ["selection.json", "selection.svg",
                                                     "selection.tsv"]
    meta = json.loads((out / "selection.json").read_text())
    assert meta["chosen_k"] == {"cv": 4, "stability": 4}
    assert meta["k_chosen"] == 4
    assert "one standard error" in meta["rule"]["cv"]
    assert "silhouette" in meta["rule"]["stability"]
    assert [s["k"] for s in meta["scores"]] == [2, 3, 4, 5, 6, 7]
    lines = (out / "selection.tsv").read_text().splitlines()
    assert lines[0].split("\t") == ["k", "test_error", "test_error_se", "train_error",
                                    "min_silhouette", "mean_silhouette",
                                    "reconstruction_error", "seconds"]
    table = {int(line.split("\t")[0]): [float(v) for v in line.split("\t")[1:]]
             for line in lines[1:]}
    assert table[3][0] > 2 * table[4][0]  # held-out error drops sharply up to the rank
    assert table[4][3] >= 0.8 > table[5][3]  # stable at r, not above
    svg = (out / "selection.svg").read_text()
    assert svg.startswith("<?xml") and svg.count("<svg") == 3 and "silhouette" in svg


def test_select_k_auto_search_on_sparse_input(nmfkit):
    X = scipy.sparse.csr_matrix(planted(70, 60, 5, seed=3))
    scipy.io.mmwrite(str(nmfkit.workdir / "X.mtx"), X)
    result = nmfkit.ok("select-k", "X.mtx", "--k", "auto:2:16", "--out", "sel")
    assert "chosen:    k = 5" in result.stdout
    meta = json.loads((nmfkit.workdir / "sel" / "selection.json").read_text())
    assert meta["chosen_k"] == {"cv": 5}
    assert len(meta["scores"]) < 15


def test_fit_with_k_auto_runs_the_selection_first(nmfkit):
    np.save(nmfkit.workdir / "X.npy", planted(50, 40, 3, seed=5))
    result = nmfkit.ok("fit", "X.npy", "--k", "auto", "--solver", "hals", "--seed", 2,
                       "--select-range", "2:6", "--out", "model")
    assert "chose k = 3" in result.stdout
    meta = json.loads((nmfkit.workdir / "model" / "model.json").read_text())
    assert meta["n_components"] == 3


@pytest.mark.parametrize(
    "args, mentions",
    [
        (["--k", "2:4", "--holdout", "0.7"], ["holdout fraction must be in (0, 0.5]", "0.7"]),
        (["--k", "2:4", "--holdout", "0"], ["holdout fraction must be in (0, 0.5]"]),
        (["--k", "5:3"], ["--k", "empty"]),
        (["--k", "2:13"], ["k = 13 is above min(rows, columns) = 12"]),
        (["--k", "2:4", "--mask", "wrong.npy"], ["--mask", "has shape (12, 20)", "(20, 12)"]),
        (["--k", "2:4", "--solver", "cd"], ["'cd'", "auto, hals, anls, anls-bpp, scd, mu"]),
        (["--k", "2:4", "--method", "vote"], ["--method"]),
    ],
)
def test_select_k_rejects_bad_input_and_writes_nothing(nmfkit, args, mentions):
    np.save(nmfkit.workdir / "X.npy", planted(20, 12, 2))
    np.save(nmfkit.workdir / "wrong.npy", np.zeros((12, 20)))
    nmfkit.fails("select-k", "X.npy", *args, "--out", "sel", mentions=mentions)
    assert nmfkit.files() == ["X.npy", "wrong.npy"]


def test_fit_with_a_mask_or_nan_ignores_the_missing_values(nmfkit):
    X = planted(30, 20, 3, seed=7)
    rng = np.random.RandomState(1)
    mask = rng.rand(*X.shape) < 0.2
    X_nan = X.copy()
    X_nan[mask] = np.nan
    X_junk = X.copy()
    X_junk[mask] = 1e6
    np.save(nmfkit.workdir / "nan.npy", X_nan)
    np.save(nmfkit.workdir / "junk.npy", X_junk)
    np.save(nmfkit.workdir / "mask.npy", mask.astype(float))
    scipy.io.mmwrite(str(nmfkit.workdir / "mask.mtx"), scipy.sparse.coo_matrix(mask.astype(float)))
    common = ["--k", 3, "--solver", "anls-bpp", "--seed", 0]
    nmfkit.ok("fit", "nan.npy", "--missing", "nan", *common, "--out", "a")
    nmfkit.ok("fit", "junk.npy", "--mask", "mask.npy", *common, "--out", "b")
    out = nmfkit.ok("fit", "junk.npy", "--mask", "mask.mtx", *common, "--out", "c")
    assert "over the observed entries" in out.stdout
    W = [np.load(nmfkit.workdir / d / "W.npy") for d in "abc"]
    assert np.array_equal(W[0], W[1]) and np.array_equal(W[0], W[2])
    H = np.load(nmfkit.workdir / "a" / "H.npy")
    err = (X - W[0] @ H)[mask]
    assert np.sqrt(np.mean(err ** 2)) < 0.08  # the noise is 0.05
    # cd has no masks: one clear line, nothing written
    nmfkit.fails("fit", "junk.npy", "--mask", "mask.npy", "--k", 3, "--solver", "cd", "--out", "d",
                 mentions=["solver 'cd' does not support masks", "auto, hals, anls, anls-bpp, scd, mu"])
    assert not (nmfkit.workdir / "d").exists()
    # NaN without --missing nan is still an error
    nmfkit.fails("fit", "nan.npy", "--k", 3, "--solver", "hals", "--out", "e", mentions=["NaN"])


def test_topics_with_k_auto_chooses_the_number_of_topics(nmfkit):
    rng = np.random.RandomState(0)
    themes = [["apple", "banana", "cherry", "grape", "lemon", "mango", "peach", "plum"],
              ["engine", "wheel", "brake", "clutch", "piston", "gearbox", "axle", "tyre"],
              ["violin", "cello", "flute", "oboe", "trumpet", "harp", "piano", "drum"]]
    docs = [" ".join(rng.choice(themes[i % 3], 12)) for i in range(90)]
    (nmfkit.workdir / "docs.txt").write_text("\n".join(docs) + "\n")
    result = nmfkit.ok("topics", "docs.txt", "--k", "auto", "--select-range", "2:5",
                       "--solver", "hals", "--seed", 0, "--coherence", "none", "--out", "out")
    assert "select-k   chose k = 3" in result.stdout
    summary = json.loads((nmfkit.workdir / "out" / "summary.json").read_text())
    assert summary["k"] == 3
