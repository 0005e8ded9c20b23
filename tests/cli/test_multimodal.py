"""`nmfkit multimodal fit`: topics shared by several modalities of the same samples."""

import json

import numpy as np
import pytest
import scipy.io
import scipy.sparse


def planted_modalities(samples=60, k=3, seed=0):
    rng = np.random.RandomState(seed)
    W = np.abs(rng.randn(samples, k))
    W[:k] = np.eye(k)
    rna = W @ np.abs(rng.randn(k, 25))
    atac = W @ (np.abs(rng.randn(k, 40)) * (rng.rand(k, 40) < 0.4))
    return rna, atac


def write_pair(nmfkit, rna, atac):
    np.save(nmfkit.workdir / "rna.npy", rna)
    scipy.io.mmwrite(str(nmfkit.workdir / "atac.mtx"), scipy.sparse.coo_matrix(atac))
    (nmfkit.workdir / "genes.txt").write_text("".join(f"gene{j}\n" for j in range(rna.shape[1])))
    (nmfkit.workdir / "cells.txt").write_text("".join(f"cell{i}\n" for i in range(rna.shape[0])))


def test_joint_nmf_writes_shared_topics_and_one_matrix_per_modality(nmfkit):
    rna, atac = planted_modalities()
    write_pair(nmfkit, rna, atac)
    result = nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality",
                       "atac=atac.mtx", "--features", "rna=genes.txt", "--samples", "cells.txt",
                       "--k", 3, "--seed", 0, "--tol", 1e-10, "--max-iter", 1000, "--out", "model")
    assert "3 topics over 2 modalities of 60 samples" in result.stdout
    out = nmfkit.workdir / "model"
    W = np.load(out / "sample_topics.npy")
    H_rna = np.load(out / "rna" / "components.npy")
    H_atac = np.load(out / "atac" / "components.npy")
    assert W.shape == (60, 3) and H_rna.shape == (3, 25) and H_atac.shape == (3, 40)
    assert np.linalg.norm(rna - W @ H_rna) < 1e-4 * np.linalg.norm(rna)
    assert np.linalg.norm(atac - W @ H_atac) < 1e-4 * np.linalg.norm(atac)
    assert (out / "rna" / "features.txt").read_text().splitlines()[:2] == ["gene0", "gene1"]
    assert (out / "atac" / "features.txt").read_text().splitlines()[0] == "atac_0"
    assert (out / "samples.txt").read_text().splitlines()[-1] == "cell59"
    top = (out / "rna" / "top_features.tsv").read_text().splitlines()
    assert top[0] == "topic\trank\tfeature\tweight" and len(top) == 1 + 3 * 10
    info = json.loads((out / "model.json").read_text())
    assert info["model"] == "joint-nmf" and info["k"] == 3 and info["samples"] == 60
    assert [m["name"] for m in info["modalities"]] == ["rna", "atac"]
    assert info["reconstruction_errors"]["atac"] < 1e-4 * np.linalg.norm(atac)


def test_a_heavier_modality_is_fitted_better(nmfkit):
    rng = np.random.RandomState(3)
    write_pair(nmfkit, np.abs(rng.randn(50, 20)), np.abs(rng.randn(50, 30)))
    errors = {}
    for weight in ("1", "25"):
        nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.mtx",
                  "--weight", f"atac={weight}", "--k", 3, "--seed", 0, "--out", f"w{weight}")
        errors[weight] = json.loads((nmfkit.workdir / f"w{weight}" / "model.json").read_text())
    assert (errors["25"]["reconstruction_errors"]["atac"]
            < errors["1"]["reconstruction_errors"]["atac"])
    assert errors["25"]["weights"] == [1.0, 25.0]


@pytest.mark.parametrize("args, mentions", [
    ([], ["no modality given"]),
    (["--modality", "rna"], ["--modality 'rna'", "NAME=VALUE"]),
    (["--modality", "rna=rna.npy", "--modality", "short=short.npy"], ["'short' has 59 samples"]),
    (["--modality", "rna=rna.npy", "--modality", "rna=atac.mtx"], ["two modalities are named 'rna'"]),
    (["--modality", "rna=rna.npy", "--modality", "neg=neg.npy"], ["modality 'neg' has a negative value", "at row 0, column 0"]),
    (["--modality", "rna=rna.npy", "--features", "rna=short_names.txt"], ["25 features", "24 feature names"]),
    (["--modality", "rna=rna.npy", "--features", "x=genes.txt"], ["no modality named 'x'"]),
    (["--modality", "rna=rna.npy", "--weight", "rna=-1"], ["finite number > 0"]),
    (["--modality", "rna=rna.npy", "--weight", "rna=abc"], ["not a number"]),
    (["--modality", "rna=missing.npy"], ["missing.npy"]),
    (["--modality", "a/b=rna.npy"], ["cannot name an output folder"]),
    (["--modality", "rna=rna.npy", "--top", "0"], ["--top 0"]),
])
def test_bad_input_fails_cleanly_and_writes_nothing(nmfkit, args, mentions):
    rna, atac = planted_modalities()
    write_pair(nmfkit, rna, atac)
    np.save(nmfkit.workdir / "short.npy", rna[:59])
    np.save(nmfkit.workdir / "neg.npy", -rna)
    (nmfkit.workdir / "short_names.txt").write_text("".join(f"g{j}\n" for j in range(24)))
    before = nmfkit.files()
    nmfkit.fails("multimodal", "fit", *args, "--k", 2, "--out", "model", mentions=mentions)
    assert nmfkit.files() == before


def test_progress_lines_on_request(nmfkit):
    rna, atac = planted_modalities()
    write_pair(nmfkit, rna, atac)
    result = nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality",
                       "atac=atac.mtx", "--tfidf", "atac", "--scale-counts", 100, "--k", 2,
                       "--progress", "--out", "model")
    assert "nmfkit: modality atac: 60 × 40, sparse float64" in result.stderr
    assert "nmfkit: modality atac: tf-idf" in result.stderr
    assert "scaled to 100" in result.stderr
    quiet = nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--k", 2, "--quiet",
                      "--out", "q")
    assert quiet.stderr == ""


def anndata_reference(name):
    """A file written by anndata in tests/oracles/anndata_files.py."""
    import os
    from pathlib import Path
    path = Path(os.environ["NMFKIT_REFERENCE_DIR"]) / "anndata" / name
    assert path.exists(), f"{path} is missing: run the oracle_anndata test first"
    return path


def test_modalities_from_h5mu_and_h5ad(nmfkit):
    multi = anndata_reference("multi.h5mu")
    result = nmfkit.ok("multimodal", "fit", "--h5mu", multi, "--k", 2, "--seed", 0,
                       "--out", "model")
    info = json.loads((nmfkit.workdir / "model" / "model.json").read_text())
    names = [m["name"] for m in info["modalities"]]
    assert names == ["rna", "atac", "prot"] or sorted(names) == ["atac", "prot", "rna"]
    assert "3 modalities" in result.stdout
    for name in names:
        X = np.load(anndata_reference(f"multi_h5mu_{name}_X.npy"))
        H = np.load(nmfkit.workdir / "model" / name / "components.npy")
        assert H.shape == (2, X.shape[1])
    # An .h5ad modality beside a matrix file with a different number of samples.
    csr = anndata_reference("csr_f64.h5ad")
    rows = np.load(anndata_reference("csr_f64_h5ad_X.npy")).shape[0]
    np.save(nmfkit.workdir / "other.npy", np.ones((rows + 1, 3)))
    nmfkit.fails("multimodal", "fit", "--modality", f"a={csr}", "--modality", "b=other.npy",
                 "--k", 2, "--out", "bad", mentions=[f"'b' has {rows + 1} samples"])


def test_write_h5mu_puts_the_model_into_a_copy_of_the_h5mu(nmfkit):
    import h5py
    from anndata.experimental import read_elem
    multi = anndata_reference("multi.h5mu")
    before = multi.read_bytes()
    nmfkit.ok("multimodal", "fit", "--h5mu", multi, "--k", 2, "--seed", 0, "--out", "model",
              "--write-h5mu", "annotated.h5mu")
    assert multi.read_bytes() == before  # the input is untouched
    model = nmfkit.workdir / "model"
    info = json.loads((model / "model.json").read_text())
    with h5py.File(nmfkit.workdir / "annotated.h5mu", "r") as f:
        np.testing.assert_array_equal(read_elem(f["obsm"])["X_nmf"],
                                      np.load(model / "sample_topics.npy"))
        uns = read_elem(f["uns"])["nmf"]
        assert uns["model"] == "joint-nmf" and uns["k"] == 2
        assert uns["objective"] == info["objective"]
        for modality in info["modalities"]:
            adata = read_elem(f["mod"][modality["name"]])  # each modality as anndata reads it
            np.testing.assert_array_equal(adata.varm["NMF_components"],
                                          np.load(model / modality["name"] / "components.npy").T)
    # nmfkit reads its own output again, with the same data.
    nmfkit.ok("multimodal", "fit", "--h5mu", "annotated.h5mu", "--k", 2, "--seed", 0,
              "--out", "again")
    np.testing.assert_array_equal(np.load(nmfkit.workdir / "again" / "sample_topics.npy"),
                                  np.load(model / "sample_topics.npy"))


def test_write_h5mu_needs_an_h5mu_input(nmfkit):
    rna, atac = planted_modalities()
    write_pair(nmfkit, rna, atac)
    nmfkit.fails("multimodal", "fit", "--modality", "rna=rna.npy", "--k", 2, "--out", "model",
                 "--write-h5mu", "out.h5mu", mentions=["--write-h5mu needs", "--h5mu"])
    nmfkit.fails("multimodal", "fit", "--h5mu", anndata_reference("multi.h5mu"), "--k", 2,
                 "--out", "model", "--write-h5mu", "out.h5ad", mentions=["names an .h5mu file"])
    assert not (nmfkit.workdir / "model").exists() and not (nmfkit.workdir / "out.h5mu").exists()


def counts_pair(samples=80, k=3, seed=1):
    """Count-like data from k planted topics, each with its own block of features."""
    rng = np.random.RandomState(seed)
    theta = rng.dirichlet(np.full(k, 0.2), samples)
    rna = np.zeros((samples, 30))
    atac = np.zeros((samples, 45))
    for t in range(k):
        rna[:, t * 10:(t + 1) * 10] += np.outer(theta[:, t], rng.rand(10) + 0.5) * 20
        atac[:, t * 15:(t + 1) * 15] += np.outer(theta[:, t], rng.rand(15) + 0.5) * 20
    return np.round(rna), np.round(atac)


@pytest.mark.parametrize("extra", [[], ["--svi", "--batches", 30, "--batch-size", 20]])
def test_mtm_recovers_planted_topics(nmfkit, extra):
    rna, atac = counts_pair()
    write_pair(nmfkit, rna, atac)
    nmfkit.ok("multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.mtx",
              "--model", "mtm", "--k", 3, "--iterations", 40, *extra, "--out", "mtm")
    out = nmfkit.workdir / "mtm"
    theta = np.load(out / "sample_topics.npy")
    beta = np.load(out / "rna" / "components.npy")
    lam = np.load(out / "rna" / "lambda.npy")
    assert theta.shape == (80, 3) and np.allclose(theta.sum(axis=1), 1)
    assert np.allclose(beta.sum(axis=1), 1) and np.allclose(beta, lam / lam.sum(axis=1, keepdims=True))
    # Each fitted topic puts most of its mass on one planted block of genes.
    blocks = beta.reshape(3, 3, 10).sum(axis=2)
    assert sorted(blocks.argmax(axis=1)) == [0, 1, 2] and blocks.max(axis=1).min() > 0.8
    info = json.loads((out / "model.json").read_text())
    assert info["model"] == "mtm" and info["seed"] == 2291
    assert info["inference"] == ("svi" if extra else "vi")


def transform_inputs(nmfkit, name, rna, atac):
    np.save(nmfkit.workdir / f"{name}_rna.npy", rna)
    np.save(nmfkit.workdir / f"{name}_atac.npy", atac)
    return ["--modality", f"rna={name}_rna.npy", "--modality", f"atac={name}_atac.npy"]


def test_transform_gives_new_samples_the_fitted_topics_with_the_fitted_preprocessing(nmfkit):
    rna, atac = counts_pair(samples=120, seed=5)
    train = transform_inputs(nmfkit, "train", rna[:80], atac[:80])
    fresh = transform_inputs(nmfkit, "fresh", rna[80:], atac[80:])
    pre = ["--tfidf", "atac", "--scale-counts", 1000]
    nmfkit.ok("multimodal", "fit", *train, *pre, "--k", 3, "--solver", "hals", "--tol", 1e-10,
              "--max-iter", 3000, "--seed", 0, "--no-report", "--out", "joint")
    nmfkit.ok("multimodal", "fit", *train, *pre, "--model", "mtm", "--k", 3, "--iterations", 40,
              "--no-report", "--out", "mtm")
    info = json.loads((nmfkit.workdir / "joint" / "model.json").read_text())
    assert info["preprocessing"]["tfidf"] == ["atac"] and len(info["preprocessing"]["scale"]) == 2
    assert info["nmf_options"]["solver"] == "hals"
    assert np.load(nmfkit.workdir / "joint" / "atac" / "idf.npy").shape == (1, 45)

    # The training samples get back the fitted W (to the fit's tolerance: transform solves
    # the W-problem afresh) and MTM's θ (the same E-step against the final λ).
    result = nmfkit.ok("multimodal", "transform", "joint", *train, "--out", "again.npy")
    assert "80 samples with the 3 topics of joint (joint-nmf)" in result.stdout
    W = np.load(nmfkit.workdir / "joint" / "sample_topics.npy")
    again = np.load(nmfkit.workdir / "again.npy")
    assert np.linalg.norm(again - W) / np.linalg.norm(W) < 1e-4
    nmfkit.ok("multimodal", "transform", "mtm", *train, "--out", "theta_again.npy")
    theta = np.load(nmfkit.workdir / "mtm" / "sample_topics.npy")
    assert np.abs(np.load(nmfkit.workdir / "theta_again.npy") - theta).max() < 0.05

    # New samples: the tf-idf weights and scale factors are the training data's, so a
    # sample's topics do not depend on the batch it comes in (MTM's E-step is per sample).
    nmfkit.ok("multimodal", "transform", "mtm", *fresh, "--out", "theta.npy")
    one = transform_inputs(nmfkit, "one", rna[80:81], atac[80:81])
    nmfkit.ok("multimodal", "transform", "mtm", *one, "--out", "theta_one.npy")
    batch = np.load(nmfkit.workdir / "theta.npy")
    assert batch.shape == (40, 3) and np.allclose(batch.sum(axis=1), 1)
    np.testing.assert_allclose(np.load(nmfkit.workdir / "theta_one.npy")[0], batch[0], rtol=1e-12)
    # ... and a new sample's dominant topic is the fitted topic of its dominant planted one
    # (each planted topic has its own block of 10 genes).
    nmfkit.ok("multimodal", "transform", "joint", *fresh, "--out", "W_fresh.npy")
    planted = rna[80:].reshape(40, 3, 10).sum(axis=2).argmax(axis=1)
    for model, file in [("mtm", "theta.npy"), ("joint", "W_fresh.npy")]:
        components = np.load(nmfkit.workdir / model / "rna" / "components.npy")
        block_of_topic = components.reshape(3, 3, 10).sum(axis=2).argmax(axis=1)
        # Each topic's share of a sample's genes (θ already is one; W is scaled by H's sums).
        dominant = (np.load(nmfkit.workdir / file) * components.sum(axis=1)).argmax(axis=1)
        assert (block_of_topic[dominant] == planted).mean() > 0.85, model


def test_transform_errors(nmfkit):
    rna, atac = counts_pair(samples=30)
    train = transform_inputs(nmfkit, "train", rna, atac)
    nmfkit.ok("multimodal", "fit", *train, "--tfidf", "atac", "--k", 2, "--no-report",
              "--out", "joint")
    np.save(nmfkit.workdir / "short_atac.npy", atac[:, :40])
    np.save(nmfkit.workdir / "X.npy", rna)
    nmfkit.ok("fit", "X.npy", "--k", 2, "--out", "plain")
    before = nmfkit.files()
    nmfkit.fails("multimodal", "transform", "joint", "--modality", "rna=train_rna.npy",
                 "--out", "t.npy", mentions=["atac"])
    nmfkit.fails("multimodal", "transform", "joint", "--modality", "rna=train_rna.npy",
                 "--modality", "atac=short_atac.npy", "--out", "t.npy", mentions=["atac", "45"])
    nmfkit.fails("multimodal", "transform", "plain", *train, "--out", "t.npy",
                 mentions=["nmfkit-multimodal"])
    nmfkit.fails("multimodal", "transform", "missing", *train, "--out", "t.npy",
                 mentions=["missing", "does not exist"])
    model = nmfkit.workdir / "joint" / "model.json"
    info = json.loads(model.read_text())
    del info["preprocessing"]
    model.write_text(json.dumps(info))
    nmfkit.fails("multimodal", "transform", "joint", *train, "--out", "t.npy",
                 mentions=["preprocessing", "fit it again"])
    assert nmfkit.files() == before


def test_smtm_needs_coordinates_of_every_sample(nmfkit):
    rna, atac = counts_pair(samples=40)
    write_pair(nmfkit, rna, atac)
    np.save(nmfkit.workdir / "xy.npy", np.random.RandomState(0).rand(40, 2))
    np.save(nmfkit.workdir / "short_xy.npy", np.zeros((39, 2)))
    base = ["multimodal", "fit", "--modality", "rna=rna.npy", "--model", "smtm", "--k", 2]
    nmfkit.fails(*base, "--out", "s", mentions=["--coords"])
    nmfkit.fails(*base, "--coords", "short_xy.npy", "--out", "s", mentions=["39 × 2", "40 × 2"])
    nmfkit.fails(*base, "--coords", "xy.npy", "--radius", -1, "--out", "s", mentions=["radius"])
    nmfkit.ok(*base, "--coords", "xy.npy", "--radius", 0.2, "--iterations", 5, "--out", "s")
    assert json.loads((nmfkit.workdir / "s" / "model.json").read_text())["radius"] == 0.2


def test_mtm_errors(nmfkit):
    rna, atac = counts_pair(samples=20)
    write_pair(nmfkit, rna, atac)
    base = ["multimodal", "fit", "--modality", "rna=rna.npy", "--model", "mtm"]
    nmfkit.fails(*base, "--k", "auto", "--out", "m", mentions=["needs --k"])
    nmfkit.fails(*base, "--k", 2, "--iterations", 0, "--out", "m", mentions=["--iterations 0"])
    nmfkit.fails(*base, "--k", 2, "--eta", 0, "--out", "m", mentions=["eta"])
    nmfkit.fails(*base, "--k", 2, "--svi", "--kappa", 0.3, "--out", "m", mentions=["kappa"])
    assert not (nmfkit.workdir / "m").exists()


def test_select_k_by_held_out_likelihood(nmfkit):
    rna, atac = counts_pair(samples=90, k=3, seed=4)
    write_pair(nmfkit, rna, atac)
    result = nmfkit.ok("multimodal", "select-k", "--modality", "rna=rna.npy", "--modality",
                       "atac=atac.mtx", "--k", "1,2,3,4,5,6", "--folds", 3, "--iterations", 30,
                       "--out", "sel")
    out = nmfkit.workdir / "sel"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ks"] == [1, 2, 3, 4, 5, 6]
    means = summary["mean_log_likelihood"]
    assert np.argmax(means) >= 2  # no gain in held-out likelihood from too few topics
    assert 3 <= summary["best_k"] <= 5, summary
    assert f"chosen k = {summary['best_k']}" in result.stdout
    scores = (out / "scores.tsv").read_text().splitlines()
    assert scores[0] == "fold\tk\trna\tatac\ttotal" and len(scores) == 1 + 3 * 6
    assert "<svg" in (out / "select_k.svg").read_text()
    nmfkit.fails("multimodal", "select-k", "--modality", "rna=rna.npy", "--k", "2,3",
                 "--out", "bad", mentions=["ks"])


def test_filter_drops_features_that_dominate_a_null_model(nmfkit):
    rna, atac = counts_pair(samples=80, seed=5)
    rna[:, :3] += 400  # three genes with most of the mass in every cell: over-represented
    write_pair(nmfkit, rna, atac)
    result = nmfkit.ok("multimodal", "filter", "--modality", "rna=rna.npy", "--modality",
                       "atac=atac.mtx", "--features", "rna=genes.txt", "--out", "filtered")
    out = nmfkit.workdir / "filtered"
    kept = (out / "rna" / "vocabulary.txt").read_text().splitlines()
    dropped = (out / "rna" / "dropped.txt").read_text().splitlines()
    assert {"gene0", "gene1", "gene2"} <= set(dropped)
    assert sorted(kept + dropped, key=lambda g: int(g[4:])) == [f"gene{j}" for j in range(30)]
    assert f"rna: kept {len(kept)} of 30 features" in result.stdout
    # The filtered folders are modalities again, with the original (unpermuted) values.
    X = scipy.io.mmread(str(out / "rna" / "X.mtx"))
    X = X.toarray() if scipy.sparse.issparse(X) else X
    assert np.array_equal(X, rna[:, [int(g[4:]) for g in kept]])
    nmfkit.ok("multimodal", "fit", "--modality", f"rna={out / 'rna'}", "--modality",
              f"atac={out / 'atac'}", "--k", 2, "--out", "after")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["k"] == 10 and summary["sensitivity"] == 5
    nmfkit.fails("multimodal", "filter", "--modality", "rna=rna.npy", "--sensitivity", "nan",
                 "--out", "bad", mentions=["sensitivity"])
