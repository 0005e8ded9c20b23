"""nmfkit.select_k, consensus, cluster and feature_associations: the same numbers as the
CLI's select-k, consensus, cluster and associate on the same small data (when ctest gives
the CLI in NMFKIT_BIN), their result types, and a ValueError for each kind of bad input."""

import json
import os
import subprocess

import numpy as np
import pandas as pd
import pytest
import scipy.io
import scipy.sparse

import nmfkit

BIN = os.environ.get("NMFKIT_BIN")
needs_cli = pytest.mark.skipif(not BIN, reason="NMFKIT_BIN (the nmfkit CLI) is not set")


def cli(workdir, *args):
    done = subprocess.run([BIN, *map(str, args)], cwd=workdir, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def table(path):
    return pd.read_csv(path, sep="\t")


def planted(rows, cols, r, seed=0):
    """Gamma factors, half of H zero, 5 % uniform noise (tests/cli's issue_data)."""
    rng = np.random.default_rng(seed)
    W = rng.gamma(1.0, 1.0, (rows, r))
    H = rng.gamma(1.0, 1.0, (r, cols))
    H[rng.random((r, cols)) < 0.5] = 0
    X = W @ H
    return X + rng.uniform(0, 0.05 * X.mean(), X.shape)


def blobs(n_per, topics, features, seed=0):
    """Samples in `topics` groups, each mostly one topic; counts-like data from them."""
    rng = np.random.default_rng(seed)
    W = np.vstack([rng.dirichlet(np.where(np.arange(topics) == t, 8.0, 0.5), n_per)
                   for t in range(topics)])
    H = rng.gamma(0.5, 1.0, (topics, features))
    X = rng.poisson(20 * W @ H).astype(float)
    return W, H, X


# -- select_k ---------------------------------------------------------------------------------

SCORE_COLUMNS = ["test_error", "test_error_se", "train_error", "min_silhouette",
                 "mean_silhouette", "reconstruction_error", "cophenetic", "dispersion",
                 "cnmf_silhouette", "cnmf_error"]


@needs_cli
def test_select_k_equals_the_cli(tmp_path):
    X = planted(40, 30, 3, seed=1)
    np.save(tmp_path / "X.npy", X)
    cli(tmp_path, "select-k", "X.npy", "--k", "2:5", "--method", "both", "--perturbations", 4,
        "--seed", 1, "--no-checkpoint", "--out", "sel")
    result = nmfkit.select_k(X, range(2, 6), method="both", perturbations=4, random_state=1)
    assert isinstance(result, nmfkit.SelectKResult)
    meta = json.loads((tmp_path / "sel" / "selection.json").read_text())
    assert result.k == meta["k_chosen"] == 3
    assert result.by_method == meta["chosen_k"]
    assert result.rule == meta["rule"]["chosen"] and result.agreement == meta["agreement"]
    expected = table(tmp_path / "sel" / "selection.tsv").set_index("k")
    assert list(result.scores.index) == [2, 3, 4, 5]
    assert list(result.scores.columns) == list(expected.columns)
    np.testing.assert_allclose(result.scores[SCORE_COLUMNS].to_numpy(),
                               expected[SCORE_COLUMNS].to_numpy(), rtol=1e-8, equal_nan=True)


def test_select_k_takes_sparse_float32_and_a_mask():
    X = planted(30, 20, 2, seed=3).astype(np.float32)
    mask = np.zeros(X.shape)
    mask[::7, ::3] = 1
    result = nmfkit.select_k(scipy.sparse.csr_matrix(X), "2:4", mask=mask, random_state=0)
    assert list(result.scores.index) == [2, 3, 4]
    assert result.scores["test_error"].notna().all() and result.scores["cophenetic"].isna().all()
    assert result.k in (2, 3, 4) and set(result.by_method) == {"cv"}


@pytest.mark.parametrize("kwargs, message", [
    ({"ks": "5:3"}, "empty"),
    ({"ks": "2:13"}, "k = 13 is above min(rows, columns) = 12"),
    ({"ks": "2:4", "method": "vote"}, "method"),
    ({"ks": "2:4", "holdout": 0.7}, "holdout fraction"),
    ({"ks": [2, 3], "mask": np.zeros((3, 3))}, "mask has shape (3, 3)"),
    ({"ks": "2:4", "missing": "maybe"}, "missing"),
    ({"ks": "2:4", "solver": "cd"}, "'cd'"),
])
def test_select_k_rejects_bad_input(kwargs, message):
    X = planted(12, 20, 2)
    with pytest.raises(ValueError, match=None) as error:
        nmfkit.select_k(X, **kwargs)
    assert message in str(error.value)


def test_select_k_rejects_bad_data():
    with pytest.raises(ValueError, match="NaN"):
        nmfkit.select_k(np.full((5, 5), np.nan), "2:3")
    with pytest.raises(ValueError, match="2-D"):
        nmfkit.select_k(np.ones(5), "2:3")
    with pytest.raises(ValueError):
        nmfkit.select_k(-np.ones((6, 6)), "2:3")


# -- consensus --------------------------------------------------------------------------------

@needs_cli
def test_consensus_equals_the_cli(tmp_path):
    X = planted(50, 30, 3, seed=4)
    np.save(tmp_path / "X.npy", X)
    cli(tmp_path, "consensus", "X.npy", "--k", 3, "--replicates", 6, "--seed", 2,
        "--top-features", 5, "--no-checkpoint", "--out", "cons")
    result = nmfkit.consensus(X, 3, replicates=6, random_state=2, top_features=5)
    out = tmp_path / "cons"
    np.testing.assert_allclose(result.usages, table(out / "usages.tsv").iloc[:, 1:], rtol=1e-8)
    np.testing.assert_allclose(result.spectra.T, table(out / "spectra.tsv").iloc[:, 1:],
                               rtol=1e-8, atol=1e-300)
    np.testing.assert_array_equal(result.top_features.T,
                                  table(out / "top_features.tsv").iloc[:, 1:].to_numpy())
    meta = json.loads((out / "consensus.json").read_text())
    assert result.spectra_kept == meta["result"]["spectra_kept"]
    assert result.silhouette == pytest.approx(meta["result"]["silhouette"], rel=1e-12)
    assert result.relative_error == pytest.approx(meta["result"]["relative_error"], rel=1e-12)
    assert result.k_range == meta["k_selection"]["range"] == "2:5"
    assert result.selection.by_method.get("cnmf") == meta["k_selection"]["chosen_k"]
    expected = table(out / "k_selection.tsv").set_index("k")
    np.testing.assert_allclose(result.selection.scores["cnmf_silhouette"],
                               expected["silhouette"], rtol=1e-8)
    assert np.allclose(result.usages.sum(axis=1), 1)


def test_consensus_rejects_bad_input():
    X = planted(10, 8, 2)
    with pytest.raises(ValueError, match=r"k = 9 is above min\(rows, columns\) = 8"):
        nmfkit.consensus(X, 9)
    with pytest.raises(ValueError, match="density threshold"):
        nmfkit.consensus(X, 2, density_threshold=1e-9, replicates=4)
    with pytest.raises(ValueError, match="k = 12 is above"):
        nmfkit.consensus(X, 2, k_selection="2:12", replicates=4)
    with pytest.raises(ValueError):
        nmfkit.consensus(X, 2, replicates=1)


# -- cluster ----------------------------------------------------------------------------------

@needs_cli
@pytest.mark.parametrize("with_data", [True, False])
def test_cluster_equals_the_cli(tmp_path, with_data):
    W, H, X = blobs(25, 3, 40, seed=5)
    np.save(tmp_path / "W.npy", W)
    np.save(tmp_path / "X.npy", X)
    args = ["X.npy", "--embedding", "W.npy"] if with_data else ["W.npy"]
    cli(tmp_path, "cluster", *args, "--seeds", 2, "--out", "clusters")
    result = nmfkit.cluster(W, X if with_data else None, seeds=2)
    summary = json.loads((tmp_path / "clusters" / "summary.json").read_text())
    expected = table(tmp_path / "clusters" / "clusters.tsv")["cluster"].to_numpy()
    np.testing.assert_array_equal(result.labels, expected)
    parameters = summary["parameters"]
    assert (result.neighbors, result.steps, result.seed) == (
        parameters["neighbors"], parameters["steps"], parameters["kept_seed"])
    assert result.resolution == pytest.approx(parameters["resolution"], rel=1e-12)
    assert result.n_clusters == summary["clusters"] and list(result.sizes) == summary["cluster_sizes"]
    assert result.modularity == pytest.approx(summary["modularity"], rel=1e-12)
    assert result.loss["criterion"] == pytest.approx(summary["loss"]["criterion_mean_over_seeds"],
                                                     rel=1e-12)
    assert summary["loss"]["criterion"] == ("both" if with_data else "kernel")
    assert len(result.resolution_grid) == 2 * 20 and "loss" in result.neighbor_grid


def test_cluster_scores_labels_as_scikit_learn():
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    W, H, X = blobs(25, 3, 40, seed=6)
    truth = np.repeat(["a", "b", "c"], 25)
    result = nmfkit.cluster(W, X, H=H, labels=truth, seeds=2)
    assert result.labels.shape == (75,) and result.n_clusters == len(result.sizes)
    assert sorted(np.bincount(result.labels), reverse=True) == list(result.sizes)
    scores = result.label_scores
    assert scores["nmi"] == pytest.approx(normalized_mutual_info_score(truth, result.labels))
    assert scores["ari"] == pytest.approx(adjusted_rand_score(truth, result.labels))
    assert scores["purity"] > 0.95  # no cluster mixes the planted groups


def test_cluster_rejects_bad_input():
    W, H, X = blobs(10, 3, 20)
    with pytest.raises(ValueError, match="labels for 30 samples"):
        nmfkit.cluster(W, X, labels=[0, 1])
    with pytest.raises(ValueError, match="rows"):
        nmfkit.cluster(W, X[:5])
    with pytest.raises(ValueError, match="H has 2 rows"):
        nmfkit.cluster(W, X, H=H[:2])
    with pytest.raises(ValueError, match="metric"):
        nmfkit.cluster(W, metric="manhattan")
    with pytest.raises(ValueError):
        nmfkit.cluster(W, partition_loss="best")


# -- feature_associations ---------------------------------------------------------------------

@needs_cli
@pytest.mark.parametrize("mode", ["corrected", "faithful"])
def test_feature_associations_equal_the_cli(tmp_path, mode):
    rng = np.random.default_rng(7)
    A = rng.gamma(0.5, 1.0, (4, 6))
    B = rng.gamma(0.5, 1.0, (4, 9))
    mask = (rng.random((9, 6)) < 0.6).astype(float)
    for name, M in {"A": A, "B": B, "mask": mask}.items():
        np.save(tmp_path / f"{name}.npy", M)
    cli(tmp_path, "associate", "A.npy", "B.npy", "--mask", "mask.npy", "--mode", mode,
        "--n-epochs", 300, "--dense", "--out", "links")
    genes = pd.DataFrame(A, columns=[f"gene{j}" for j in range(6)])
    result = nmfkit.feature_associations(genes, B, mask, mode=mode, n_epochs=300)
    assert result.shape == (9, 6)
    assert list(result.columns) == list(genes.columns) and list(result.index) == list(range(9))
    expected = np.load(tmp_path / "links" / "associations.npy")
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-12, atol=1e-15)
    allowed = mask.sum(axis=0) > 0
    assert np.allclose(result.to_numpy().sum(axis=0)[allowed], 1)
    assert (result.to_numpy()[mask == 0] == 0).all()


def test_feature_associations_rejects_bad_input():
    A = np.ones((3, 4))
    B = np.ones((3, 5))
    with pytest.raises(ValueError, match="topics"):
        nmfkit.feature_associations(A, np.ones((2, 5)))
    with pytest.raises(ValueError):
        nmfkit.feature_associations(-A, B)
    with pytest.raises(ValueError, match=r"mask has shape \(4, 5\)"):
        nmfkit.feature_associations(A, B, np.ones((4, 5)))
    with pytest.raises(ValueError, match="no target feature named 'x'"):
        nmfkit.feature_associations(A, B, targets=["x"])
    with pytest.raises(ValueError, match="mode"):
        nmfkit.feature_associations(A, B, mode="exact")
    with pytest.raises(ValueError, match="A_names has 2 names"):
        nmfkit.feature_associations(A, B, A_names=["a", "b"])


# -- MultimodalTopics -------------------------------------------------------------------------

def modality_pair(samples=40, seed=8):
    rng = np.random.default_rng(seed)
    theta = rng.dirichlet(np.full(3, 0.3), samples)
    rna = rng.poisson(theta @ rng.gamma(0.5, 4.0, (3, 12))).astype(float)
    atac = rng.poisson(theta @ rng.gamma(0.5, 4.0, (3, 9))).astype(float)
    return rna, atac


@needs_cli
@pytest.mark.parametrize("model, extra", [
    ("joint-nmf", {}),
    ("mtm", {"iterations": 5}),
    ("mtm", {"tfidf": ["rna"], "scale_counts": 100.0, "iterations": 3}),
])
def test_multimodal_topics_equal_the_cli(tmp_path, model, extra):
    rna, atac = modality_pair()
    np.save(tmp_path / "rna.npy", rna)
    scipy.io.mmwrite(str(tmp_path / "atac.mtx"), scipy.sparse.coo_matrix(atac))
    flags = []
    if "iterations" in extra:
        flags += ["--iterations", extra["iterations"]]
    if "tfidf" in extra:
        flags += ["--tfidf", ",".join(extra["tfidf"]), "--scale-counts", extra["scale_counts"]]
    cli(tmp_path, "multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.mtx",
        "--model", model, "--k", 3, "--seed", 1, *flags, "--out", "fit")
    estimator = nmfkit.MultimodalTopics(3, model=model, random_state=1, **extra)
    W = estimator.fit_transform({"rna": rna, "atac": scipy.sparse.csr_matrix(atac)})
    out = tmp_path / "fit"
    np.testing.assert_allclose(W, np.load(out / "sample_topics.npy"), rtol=1e-10, atol=1e-14)
    for name in ("rna", "atac"):
        np.testing.assert_allclose(estimator.components_[name],
                                   np.load(out / name / "components.npy"), rtol=1e-10, atol=1e-14)
        assert estimator.feature_names_[name] == (out / name / "features.txt").read_text().split()
    assert estimator.sample_names_ == (out / "samples.txt").read_text().split()
    info = json.loads((out / "model.json").read_text())
    assert estimator.n_iter_ == info["n_iter"]
    if model == "joint-nmf":
        assert estimator.reconstruction_errors_["atac"] == pytest.approx(
            info["reconstruction_errors"]["atac"], rel=1e-10)
    else:
        assert set(estimator.lambda_) == {"rna", "atac"}


def test_multimodal_topics_take_dataframes_and_anndata_names():
    rna, atac = modality_pair(samples=20)
    cells = [f"cell{i}" for i in range(20)]
    genes = pd.DataFrame(rna, index=cells, columns=[f"g{j}" for j in range(12)])
    model = nmfkit.MultimodalTopics(2, random_state=0).fit({"rna": genes, "atac": atac})
    assert model.sample_names_ == cells and model.feature_names_["rna"][0] == "g0"
    assert model.feature_names_["atac"][:2] == ["atac_0", "atac_1"]
    assert model.sample_topics_.shape == (20, 2) and model.components_["atac"].shape == (2, 9)
    assert nmfkit.MultimodalTopics(4).get_params()["n_components"] == 4


def test_multimodal_topics_reject_bad_input():
    rna, atac = modality_pair(samples=20)
    with pytest.raises(ValueError, match="non-empty dict"):
        nmfkit.MultimodalTopics(2).fit({})
    with pytest.raises(ValueError, match="samples"):
        nmfkit.MultimodalTopics(2).fit({"rna": rna, "atac": atac[:10]})
    other = pd.DataFrame(atac, index=[f"x{i}" for i in range(20)])
    named = pd.DataFrame(rna, index=[f"cell{i}" for i in range(20)])
    with pytest.raises(ValueError, match="same samples in the same order"):
        nmfkit.MultimodalTopics(2).fit({"rna": named, "atac": other})
    with pytest.raises(ValueError, match="negative"):
        nmfkit.MultimodalTopics(2).fit({"rna": -rna})
    with pytest.raises(ValueError, match="model"):
        nmfkit.MultimodalTopics(2, model="lda").fit({"rna": rna})
    with pytest.raises(ValueError, match="coordinates"):
        nmfkit.MultimodalTopics(2, model="smtm").fit({"rna": rna})
    with pytest.raises(ValueError, match="unknown modalities"):
        nmfkit.MultimodalTopics(2, weights={"protein": 2.0}).fit({"rna": rna})
    with pytest.raises(ValueError, match="both"):
        nmfkit.MultimodalTopics(2, tfidf=["rna"], clr=["rna"]).fit({"rna": rna})
    with pytest.raises(ValueError, match="iterations"):
        nmfkit.MultimodalTopics(2, model="mtm", iterations=0).fit({"rna": rna})


# -- model folders ----------------------------------------------------------------------------

@needs_cli
def test_a_cli_model_loads_and_transforms_as_the_cli(tmp_path):
    X = planted(30, 12, 3, seed=2)
    np.save(tmp_path / "X.npy", X)
    new = planted(9, 12, 3, seed=3)
    np.save(tmp_path / "new.npy", new)
    cli(tmp_path, "fit", "X.npy", "--k", 3, "--solver", "mu", "--beta-loss", "kullback-leibler",
        "--init", "random", "--seed", 4, "--max-iter", 50, "--out", "model")
    cli(tmp_path, "transform", "model", "new.npy", "--out", "W_new.npy")
    model = nmfkit.NMF.load(tmp_path / "model")
    assert model.get_params()["solver"] == "mu" and model.beta_loss == 1.0
    assert model.max_iter == 50 and model.random_state == 4
    np.testing.assert_array_equal(model.components_, np.load(tmp_path / "model" / "H.npy"))
    assert model.n_features_in_ == 12 and model.n_components_ == 3
    np.testing.assert_array_equal(model.transform(new), np.load(tmp_path / "W_new.npy"))
    manifest = nmfkit.read_result_manifest(str(tmp_path / "model"))
    assert manifest["kind"] == "fit" and manifest["files"] == ["H.npy", "W.npy", "model.json"]
    with pytest.raises(ValueError, match="features"):
        model.transform(new[:, :5])


def test_loading_a_folder_that_is_not_a_model_or_from_a_newer_nmfkit_fails(tmp_path):
    with pytest.raises(OSError, match="does not exist"):
        nmfkit.NMF.load(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    assert nmfkit.read_result_manifest(str(tmp_path / "empty")) is None
    with pytest.raises(OSError, match="model.json"):
        nmfkit.NMF.load(tmp_path / "empty")
    (tmp_path / "empty" / "result.json").write_text(json.dumps(
        {"format": "nmfkit-result", "format_version": 3, "kind": "fit", "nmfkit_version": "9",
         "files": []}))
    with pytest.raises(OSError, match="format_version 3"):
        nmfkit.read_result_manifest(str(tmp_path / "empty"))
    with pytest.raises(OSError, match="format_version 3"):
        nmfkit.NMF.load(tmp_path / "empty")
