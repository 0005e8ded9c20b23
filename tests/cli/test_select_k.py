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
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "result.json", "selection.json",
                                                     "selection.svg", "selection.tsv"]
    meta = json.loads((out / "selection.json").read_text())
    assert meta["chosen_k"] == {"cv": 4, "stability": 4}
    assert meta["k_chosen"] == 4
    assert "elbow" in meta["rule"]["cv"]
    assert "silhouette" in meta["rule"]["stability"]
    assert [s["k"] for s in meta["scores"]] == [2, 3, 4, 5, 6, 7]
    lines = (out / "selection.tsv").read_text().splitlines()
    assert lines[0].split("\t") == ["k", "test_error", "test_error_se", "train_error",
                                    "min_silhouette", "mean_silhouette",
                                    "reconstruction_error", "cophenetic", "dispersion",
                                    "cnmf_silhouette", "cnmf_error", "seconds"]
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


def issue_data(rows, cols, r, seed=0):
    """Issue 18's planted data: Gamma(1) factors, half of H zero, 5 % uniform noise."""
    rng = np.random.default_rng(seed)
    W = rng.gamma(1.0, 1.0, (rows, r))
    H = rng.gamma(1.0, 1.0, (r, cols))
    H[rng.random((r, cols)) < 0.5] = 0
    X = W @ H
    return X + rng.uniform(0, 0.05 * X.mean(), X.shape)


def test_select_k_all_methods_agree_and_say_so(nmfkit):
    np.save(nmfkit.workdir / "X.npy", issue_data(90, 60, 4, seed=2))
    result = nmfkit.ok("select-k", "X.npy", "--k", "3:5", "--method", "all", "--seed", 1,
                       "--perturbations", 4, "--restarts", 6, "--out", "sel")
    assert "agreement: all 4 methods chose k = 4" in result.stdout
    meta = json.loads((nmfkit.workdir / "sel" / "selection.json").read_text())
    assert meta["chosen_k"] == {"cv": 4, "stability": 4, "consensus": 4, "cnmf": 4}
    assert meta["agreement"] == "all 4 methods chose k = 4"
    assert "cophenetic" in meta["rule"]["consensus"] and "silhouette" in meta["rule"]["cnmf"]
    at = {s["k"]: s for s in meta["scores"]}
    assert at[4]["cophenetic"] > 0.99 and at[4]["cnmf_silhouette"] > 0.9
    assert at[5]["cnmf_silhouette"] < 0.8
    svg = (nmfkit.workdir / "sel" / "selection.svg").read_text()
    assert svg.count("<svg") == 4 and "cophenetic" in svg


def test_select_k_rejects_bad_consensus_options(nmfkit):
    np.save(nmfkit.workdir / "X.npy", issue_data(20, 15, 2))
    assert "--restarts" in nmfkit.fails("select-k", "X.npy", "--k", "2:3", "--method",
                                        "consensus", "--restarts", 1, "--out", "sel")
    assert "--method" in nmfkit.fails("select-k", "X.npy", "--k", "2:3", "--method",
                                      "everything", "--out", "sel")
    assert not (nmfkit.workdir / "sel").exists()


def test_consensus_writes_cnmf_outputs(nmfkit):
    np.save(nmfkit.workdir / "X.npy", issue_data(80, 50, 3, seed=4))
    result = nmfkit.ok("consensus", "X.npy", "--k", 3, "--replicates", 6, "--seed", 2,
                       "--top-features", 5, "--out", "cons")
    out = nmfkit.workdir / "cons"
    assert sorted(p.name for p in out.iterdir()) == [
        "consensus.json", "k_selection.svg", "k_selection.tsv", "local_density.tsv",
        "report.html", "result.json", "spectra.tsv", "spectra_refit.tsv", "top_features.tsv",
        "usages.tsv"]
    assert "k selection over 2:5: cnmf rule chooses k = 3" in result.stdout
    usages = np.loadtxt(out / "usages.tsv", skiprows=1)[:, 1:]
    assert usages.shape == (80, 3)
    assert np.allclose(usages.sum(axis=1), 1)
    spectra = np.loadtxt(out / "spectra.tsv", skiprows=1)[:, 1:]
    assert spectra.shape == (50, 3) and np.allclose(spectra.sum(axis=0), 1)
    top = np.loadtxt(out / "top_features.tsv", skiprows=1, dtype=int)[:, 1:]
    refit = np.loadtxt(out / "spectra_refit.tsv", skiprows=1)[:, 1:]
    for c in range(3):
        assert set(top[:, c]) == set(np.argsort(-refit[:, c])[:5])
    meta = json.loads((out / "consensus.json").read_text())
    assert meta["result"]["spectra_kept"] == 18
    assert meta["result"]["silhouette"] > 0.9
    assert meta["result"]["relative_error"] < 0.1
    assert [s["k"] for s in meta["k_selection"]["scores"]] == [2, 3, 4, 5]
    assert (out / "k_selection.svg").read_text().startswith("<?xml")


def test_consensus_rejects_bad_input(nmfkit):
    np.save(nmfkit.workdir / "X.npy", issue_data(10, 8, 2))
    assert "k = 9 is above min(rows, columns) = 8" in nmfkit.fails(
        "consensus", "X.npy", "--k", 9, "--out", "cons")
    assert "density threshold" in nmfkit.fails("consensus", "X.npy", "--k", 2,
                                               "--density-threshold", 1e-9, "--out", "cons")
    assert not (nmfkit.workdir / "cons").exists()


GOLUB_RDA = "/usr/lib/R/site-library/NMF/data/esGolub.rda"


def test_golub_leukaemia_consensus(nmfkit):
    """Brunet et al.'s Golub ALL/AML data (5000 genes × 38 samples, as R's NMF package ships
    it in Debian's r-cran-nmf), samples as rows, Brunet's KL loss: the cophenetic
    correlation stays near 1 for k = 2 and 3 and falls at 4, so consensus picks 2 or 3
    (Brunet: 2 or 3, ALL/AML and the ALL B/T split). With 20 restarts it picks 3; with the
    Frobenius loss on the raw values k = 5 is as stable as 2 and 3 and it picks 5."""
    import os
    import shutil
    import subprocess
    if not os.path.exists(GOLUB_RDA) or shutil.which("Rscript") is None:
        pytest.skip("Golub data absent: install Debian's r-cran-nmf (scripts/install-deps.sh)")
    csv = nmfkit.workdir / "golub.csv"
    subprocess.run(["Rscript", "-e",
                    "suppressMessages(library(Biobase)); load('%s'); "
                    "write.table(t(exprs(esGolub)), '%s', sep=',', row.names=FALSE, "
                    "col.names=FALSE)" % (GOLUB_RDA, csv)], check=True, capture_output=True)
    nmfkit.ok("select-k", "golub.csv", "--k", "2:5", "--method", "consensus",
              "--restarts", 10, "--seed", 1, "--solver", "mu", "--beta-loss",
              "kullback-leibler", "--max-iter", 300, "--out", "sel")
    meta = json.loads((nmfkit.workdir / "sel" / "selection.json").read_text())
    assert meta["matrix"]["rows"] == 38 and meta["matrix"]["cols"] == 5000
    assert meta["chosen_k"]["consensus"] in (2, 3)
    cophenetic = {s["k"]: s["cophenetic"] for s in meta["scores"]}
    assert min(cophenetic[2], cophenetic[3]) > 0.99
    assert cophenetic[4] < cophenetic[3] - 0.02
