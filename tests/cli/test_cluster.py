"""`nmfkit cluster` and `nmfkit topics --cluster` end to end: planted clusters recovered
with labels never used for tuning, reproducible runs, model directories as input, and bad
input failing with one line and nothing written."""

import json
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

GROUPS, PER_GROUP, TERMS = 5, 40, 200


def planted(workdir, seed=0):
    """Samples around 5 well-separated points of the topic simplex, Poisson counts from them."""
    rng = np.random.default_rng(seed)
    H = rng.dirichlet(np.full(TERMS, 0.1), size=GROUPS)
    theta, labels = [], []
    for g in range(GROUPS):
        centre = np.full(GROUPS, 0.15 / (GROUPS - 1))
        centre[g] = 0.85
        for _ in range(PER_GROUP):
            theta.append(rng.dirichlet(centre * 100))
            labels.append(g)
    theta = np.array(theta)
    X = rng.poisson(400 * theta @ H).astype(float)
    np.save(workdir / "W.npy", theta)
    np.save(workdir / "X.npy", X)
    (workdir / "labels.txt").write_text("".join(f"group{g}\n" for g in labels))
    return theta, X, np.array(labels)


def read_clusters(path):
    lines = path.read_text().splitlines()
    assert lines[0] == "sample\tcluster"
    rows = [line.split("\t") for line in lines[1:]]
    return [r[0] for r in rows], np.array([int(r[1]) for r in rows])


def test_recovers_planted_clusters_without_labels(nmfkit):
    _, _, labels = planted(nmfkit.workdir)
    result = nmfkit.ok("cluster", "X.npy", "--embedding", "W.npy", "--labels", "labels.txt",
                       "--out", "out")
    out = nmfkit.workdir / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.tsv", "coordinates.tsv", "loss.svg", "report.html", "result.json",
        "summary.json", "tuning.tsv"]
    names, clusters = read_clusters(out / "clusters.tsv")
    assert names == [str(i) for i in range(GROUPS * PER_GROUP)]
    assert adjusted_rand_score(labels, clusters) > 0.95

    summary = json.loads((out / "summary.json").read_text())
    assert summary["clusters"] == GROUPS
    assert sum(summary["cluster_sizes"]) == GROUPS * PER_GROUP
    assert summary["label_scores"]["ari"] == pytest.approx(adjusted_rand_score(labels, clusters))
    assert summary["label_scores"]["nmi"] == pytest.approx(
        normalized_mutual_info_score(labels, clusters))
    chosen = summary["parameters"]
    # Each sample's best predictors are the 39 others of its group.
    assert 20 <= chosen["neighbors"] <= 50
    assert chosen["resolution"] in summary["grids"]["resolutions"]
    assert summary["sources"]["data"] == "X.npy"
    assert summary["modularity"] > 0.5
    assert "clusters vs label" in result.stdout

    # tuning.tsv: the neighbour grid then every (resolution, seed), the choice at the minima.
    lines = (out / "tuning.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"))) for line in lines[1:]]
    neighbor_rows = [r for r in rows if r["stage"] == "neighbors"]
    resolution_rows = [r for r in rows if r["stage"] == "resolution"]
    assert [int(r["neighbors"]) for r in neighbor_rows] == [5, 7, 10, 15, 20, 30, 50, 75, 100]
    assert len(resolution_rows) == 20 * 3
    best = min(neighbor_rows, key=lambda r: float(r["loss"]))
    assert int(best["neighbors"]) == chosen["neighbors"]
    # With data beside the embedding, γ is chosen by both partition losses summed.
    assert summary["loss"]["criterion"] == "both"
    means = {}
    for r in resolution_rows:
        assert float(r["criterion"]) == pytest.approx(float(r["loss"]) + float(r["centroid_loss"]))
        means.setdefault(float(r["resolution"]), []).append(float(r["criterion"]))
    best_gamma = min(means, key=lambda g: (np.mean(means[g]), g))
    assert best_gamma == pytest.approx(chosen["resolution"], rel=1e-8)
    # With labels, every Leiden run's NMI with them (for reading the curves, never for choosing).
    kept = [r for r in resolution_rows if float(r["resolution"]) == pytest.approx(chosen["resolution"])
            and int(r["seed"]) == chosen["kept_seed"]]
    assert float(kept[0]["label_nmi"]) == pytest.approx(summary["label_scores"]["nmi"], abs=1e-6)
    assert all(r["label_nmi"] == "NA" for r in neighbor_rows)

    svg = ElementTree.parse(out / "loss.svg").getroot()
    assert svg.tag.endswith("svg")


def test_same_seed_same_partition(nmfkit):
    planted(nmfkit.workdir, seed=3)
    for name in ("a", "b"):
        nmfkit.ok("cluster", "X.npy", "--embedding", "W.npy", "--seed", "9", "--out", name)
    a = (nmfkit.workdir / "a" / "clusters.tsv").read_text()
    assert a == (nmfkit.workdir / "b" / "clusters.tsv").read_text()
    tuning = (nmfkit.workdir / "a" / "tuning.tsv").read_text()
    assert tuning == (nmfkit.workdir / "b" / "tuning.tsv").read_text()


def test_embedding_alone_and_zero_rows(nmfkit):
    theta, _, labels = planted(nmfkit.workdir)
    theta[[3, 77]] = 0
    np.save(nmfkit.workdir / "W0.npy", theta)
    result = nmfkit.ok("cluster", "W0.npy", "--neighbors", "10,20,30", "--out", "out")
    assert "2 with an all-zero embedding" in result.stdout
    _, clusters = read_clusters(nmfkit.workdir / "out" / "clusters.tsv")
    assert clusters[3] == -1 and clusters[77] == -1
    assert (clusters == -1).sum() == 2
    keep = clusters >= 0
    assert adjusted_rand_score(labels[keep], clusters[keep]) > 0.95
    summary = json.loads((nmfkit.workdir / "out" / "summary.json").read_text())
    assert summary["dropped_zero_rows"] == [3, 77]
    assert summary["sources"]["data"] == summary["sources"]["embedding"] == "W0.npy"


def test_model_directory_from_fit(nmfkit):
    planted(nmfkit.workdir)
    nmfkit.ok("fit", "X.npy", "--k", "5", "--init", "nndsvda", "--seed", "0", "--max-iter", "400",
              "--out", "model")
    nmfkit.ok("cluster", "model", "--labels", "labels.txt", "--out", "out")
    summary = json.loads((nmfkit.workdir / "out" / "summary.json").read_text())
    assert "row sums of H" in summary["sources"]["embedding"]
    assert summary["sources"]["data"] == "the embedding itself"  # no X.mtx in a fit model
    # The cluster means of the embedding would fall with every cut: the masked kernel alone.
    assert summary["loss"]["criterion"] == "kernel"
    assert summary["label_scores"]["ari"] > 0.9


def test_topics_cluster(nmfkit):
    rng = np.random.default_rng(1)
    words = {"space": "orbit rocket launch shuttle moon lunar nasa satellite probe engine".split(),
             "faith": "god bible church prayer belief faith atheism scripture heaven priest".split()}
    for label, vocab in words.items():
        folder = nmfkit.workdir / "corpus" / label
        folder.mkdir(parents=True)
        for i in range(30):
            (folder / f"{i}.txt").write_text(" ".join(rng.choice(vocab, size=25)))
    result = nmfkit.ok("topics", "corpus", "--k", "2", "--seed", "0", "--coherence", "none",
                       "--cluster", "--out", "model")
    assert "clusters vs label" in result.stdout
    model = nmfkit.workdir / "model"
    names, clusters = read_clusters(model / "clusters.tsv")
    assert len(names) == 60 and names[0].startswith("faith/")
    summary = json.loads((model / "summary.json").read_text())
    assert summary["clustering"]["label_scores"]["ari"] > 0.95
    assert (model / "tuning.tsv").exists() and (model / "loss.svg").exists()
    # The topic model directory is itself an input of `cluster` (documents.tsv gives labels).
    nmfkit.ok("cluster", "model", "--out", "again")
    again = json.loads((nmfkit.workdir / "again" / "summary.json").read_text())
    assert "label_scores" in again


@pytest.mark.parametrize("args, mentions", [
    (["--embedding", "short.npy"], ["embedding has 150 rows", "200"]),
    (["--neighbors", "5,200"], ["neighbour count 200", "200"]),
    (["--resolutions", "1,0"], ["resolution 0"]),
    (["--resolutions", "-0.5"], ["resolution -0.5"]),
    (["--steps", "4"], ["diffusion steps 4"]),
    (["--embedding", "W.npy", "--labels", "short.txt"], ["150 labels", "200 samples"]),
    (["--embedding", "negative.npy"], ["embedding entry (0, 0)"]),
])
def test_bad_input_fails_and_writes_nothing(nmfkit, args, mentions):
    theta, _, _ = planted(nmfkit.workdir)
    np.save(nmfkit.workdir / "short.npy", theta[:150])
    negative = theta.copy()
    negative[0, 0] = -1
    np.save(nmfkit.workdir / "negative.npy", negative)
    (nmfkit.workdir / "short.txt").write_text("a\n" * 150)
    before = nmfkit.files()
    nmfkit.fails("cluster", "X.npy", *args, "--out", "out", mentions=mentions)
    assert nmfkit.files() == before


def test_too_few_samples_for_the_default_grid(nmfkit):
    np.save(nmfkit.workdir / "tiny.npy", np.eye(4) + 0.1)
    nmfkit.fails("cluster", "tiny.npy", "--out", "out", mentions=["4 samples"])
    assert not (nmfkit.workdir / "out").exists()
