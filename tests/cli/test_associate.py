"""`nmfkit associate`: cross-modality feature associations, end to end."""

import json

import numpy as np
import pytest
import scipy.io
import scipy.sparse


def loadings(topics, features, seed):
    """Topic loadings as a topic model gives them: positive and skewed."""
    return np.random.RandomState(seed).gamma(0.4, 1.0, (topics, features)) + 1e-3


def write_inputs(workdir, topics=6, targets=12, sources=20):
    A, B = loadings(topics, targets, 1), loadings(topics, sources, 2)
    np.save(workdir / "A.npy", A)
    np.save(workdir / "B.npy", B)
    (workdir / "genes.txt").write_text("".join(f"gene{g}\n" for g in range(targets)))
    (workdir / "peaks.txt").write_text("".join(f"peak{p}\n" for p in range(sources)))
    mask = np.random.RandomState(3).random_sample((sources, targets)) < 0.4
    mask[:, 5] = False
    scipy.io.mmwrite(str(workdir / "mask.mtx"), scipy.sparse.coo_matrix(mask.astype(float)))
    return A, B, mask


def read_table(path):
    lines = path.read_text().splitlines()
    assert lines[0].split("\t") == ["target", "source", "weight", "rank"]
    return [(t, s, float(w), int(r)) for t, s, w, r in (line.split("\t") for line in lines[1:])]


@pytest.mark.parametrize("mode", ["corrected", "faithful"])
def test_associate_writes_table_dense_weights_and_summary(nmfkit, mode):
    A, B, mask = write_inputs(nmfkit.workdir)
    result = nmfkit.ok("associate", "A.npy", "B.npy", "--out", "res", "--mode", mode, "--progress",
                       "--mask", "mask.mtx", "--dense", "--top", 3, "--n-epochs", 200,
                       "--target-names", "genes.txt", "--source-names", "peaks.txt")
    assert "12 targets, 20 sources, 6 topics" in result.stdout
    assert "nmfkit: associate: 12/12 targets" in result.stderr  # --progress: on stderr
    out = nmfkit.workdir / "res"
    assert sorted(p.name for p in out.iterdir()) == ["associations.json", "associations.npy",
                                                     "associations.tsv", "result.json"]
    W = np.load(out / "associations.npy")
    assert W.shape == (20, 12)  # sources x targets, as mTopic returns
    assert np.all(W[~mask] == 0)
    np.testing.assert_allclose(W.sum(axis=0), np.where(mask.any(axis=0), 1.0, 0.0), atol=1e-12)
    meta = json.loads((out / "associations.json").read_text())
    assert meta["mode"] == mode
    assert meta["weights"]["shape"] == [20, 12]
    assert meta["weights"]["orientation"].startswith("sources × targets")
    assert meta["targets_without_source"] == ["gene5"]
    assert meta["target"]["features"] == 12 and meta["source"]["topics"] == 6
    assert meta["mask"]["allowed_pairs"] == int(mask.sum())
    if mode == "faithful":
        assert meta["options"]["n_epochs"] == 200
    else:
        assert meta["converged_targets"] == 11  # gene5 has no source to fit
    rows = read_table(out / "associations.tsv")
    assert meta["table"] == {"rows": len(rows), "top": 3}
    seen = {}
    for target, source, weight, rank in rows:
        g, p = int(target[4:]), int(source[4:])
        assert weight == W[p, g]  # shortest round-trip decimals
        assert rank == seen.get(g, 0) + 1
        seen[g] = rank
        assert rank == 1 + np.sum(W[:, g] > weight)
    assert max(seen.values()) <= 3 and 5 not in seen


def test_associate_reads_model_folders_and_ranks_a_proportional_source_first(nmfkit):
    B = loadings(8, 30, 5)
    B /= B.sum(axis=1, keepdims=True)
    # Target g is exactly proportional to source 3g + 1 (a small total, as in real data).
    A = np.stack([0.01 * B[:, 3 * g + 1] / B[:, 3 * g + 1].sum() for g in range(6)], axis=1)
    for name, M, prefix in [("rna", A, "gene"), ("atac", B, "peak")]:
        folder = nmfkit.workdir / name
        folder.mkdir()
        np.save(folder / "components.npy", M)
        (folder / "features.txt").write_text("".join(f"{prefix}{j}\n" for j in range(M.shape[1])))
    nmfkit.ok("associate", "rna", "atac", "--out", "res", "--top", 1, "--no-normalize")
    rows = read_table(nmfkit.workdir / "res" / "associations.tsv")
    assert [(t, s, r) for t, s, _, r in rows] == [(f"gene{g}", f"peak{3 * g + 1}", 1)
                                                  for g in range(6)]
    assert all(w > 0.99 for _, _, w, _ in rows)


def test_associate_threshold_keeps_every_weight_above_it(nmfkit):
    write_inputs(nmfkit.workdir)
    nmfkit.ok("associate", "A.npy", "B.npy", "--out", "res", "--mode", "faithful",
              "--n-epochs", 50, "--threshold", 0.05, "--dense")
    W = np.load(nmfkit.workdir / "res" / "associations.npy")
    rows = read_table(nmfkit.workdir / "res" / "associations.tsv")
    assert len(rows) == np.sum(W >= 0.05)  # unmasked: indices as names
    assert all(w >= 0.05 for _, _, w, _ in rows)
    assert {(int(t), int(s)) for t, s, _, _ in rows} == {(g, p) for p, g in zip(*np.nonzero(W >= 0.05))}


@pytest.mark.parametrize(
    "args, mentions",
    [
        (["--mask", "wrong.mtx"], ["--mask", "has shape (12, 20)", "sources × targets = (20, 12)"]),
        (["--temperature", "0"], ["temperature must be", "got 0"]),
        (["--n-epochs", "0"], ["n_epochs must be at least 1, got 0"]),
        (["--min-weight", "1"], ["min_weight"]),
        (["--top", "-1"], ["--top"]),
        (["--mode", "fast"], ["--mode"]),
        (["--top", "2", "--threshold", "0.1"], ["excludes"]),
        (["--target-names", "peaks.txt"], ["has 20 lines", "12 features"]),
    ],
)
def test_associate_rejects_bad_options_and_writes_nothing(nmfkit, args, mentions):
    A, B, mask = write_inputs(nmfkit.workdir)
    scipy.io.mmwrite(str(nmfkit.workdir / "wrong.mtx"), scipy.sparse.coo_matrix(mask.T.astype(float)))
    before = nmfkit.files()
    nmfkit.fails("associate", "A.npy", "B.npy", "--out", "res", *args, mentions=mentions)
    assert nmfkit.files() == before


@pytest.mark.parametrize(
    "change, mentions",
    [
        ("topics", ["A (targets) has 6 topics (rows) but B (sources) has 5"]),
        ("negative", ["B (sources) has a negative value", "row 2, column 3"]),
        ("nan", ["A (targets) has a non-finite value"]),
        ("missing", ["B.npy"]),
    ],
)
def test_associate_rejects_bad_matrices_and_writes_nothing(nmfkit, change, mentions):
    A, B, _ = write_inputs(nmfkit.workdir)
    if change == "topics":
        np.save(nmfkit.workdir / "B.npy", B[:5])
    elif change == "negative":
        B[2, 3] = -1
        np.save(nmfkit.workdir / "B.npy", B)
    elif change == "nan":
        A[0, 0] = np.nan
        np.save(nmfkit.workdir / "A.npy", A)
    else:
        (nmfkit.workdir / "B.npy").unlink()
    before = nmfkit.files()
    nmfkit.fails("associate", "A.npy", "B.npy", "--out", "res", mentions=mentions)
    assert nmfkit.files() == before


@pytest.mark.parametrize("mode", ["corrected", "faithful"])
def test_chosen_targets_get_the_columns_of_the_full_run(nmfkit, mode):
    write_inputs(nmfkit.workdir)
    common = ["A.npy", "B.npy", "--mode", mode, "--n-epochs", 100, "--dense",
              "--target-names", "genes.txt"]
    nmfkit.ok("associate", *common, "--out", "all")
    nmfkit.ok("associate", *common, "--targets", "gene3,gene7", "--out", "some")
    full = np.load(nmfkit.workdir / "all" / "associations.npy")
    some = np.load(nmfkit.workdir / "some" / "associations.npy")
    assert np.array_equal(some[:, [3, 7]], full[:, [3, 7]])  # normalised over all targets
    assert not np.delete(some, [3, 7], axis=1).any()
    assert {t for t, _, _, _ in read_table(nmfkit.workdir / "some" / "associations.tsv")} == {
        "gene3", "gene7"}
    nmfkit.fails("associate", *common, "--targets", "gene99", "--out", "bad",
                 mentions=["no target feature named 'gene99'"])
