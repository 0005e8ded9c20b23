"""`nmfkit fit CORPUS --out-of-core --solver minibatch`: a corpus folder or archive read a
document at a time and vectorised into a temporary file gives the model that `vectorize`
followed by the in-memory mini-batch fit gives, bit for bit (W, H, vocabulary)."""

import os
import subprocess
import tarfile

import numpy as np
import pytest

WORDS = ("orbit shuttle launch rocket moon probe nasa engine god bible faith church belief "
         "prayer atheism pixel image render colour screen driver graphics").split()
FIT = ["--k", "3", "--solver", "minibatch", "--init", "random", "--seed", "5",
       "--batch-size", "7", "--max-iter", "15"]


def write_corpus(root, documents=30, seed=0):
    """One folder per label, documents of words drawn mostly from their label's third."""
    rng = np.random.RandomState(seed)
    for d in range(documents):
        label = d % 3
        folder = root / f"group{label}"
        folder.mkdir(parents=True, exist_ok=True)
        own = WORDS[7 * label:7 * label + 7]
        words = [own[i] if rng.rand() < 0.8 else WORDS[rng.randint(len(WORDS))]
                 for i in rng.randint(7, size=rng.randint(3, 25))]
        (folder / f"{d}.txt").write_text(" ".join(words) + "\n")
    return root


def fit_both(nmfkit, corpus, *flags, dtype="float64"):
    """`flags` go to `vectorize` and to the out-of-core fit; `dtype` to every step."""
    nmfkit.ok("vectorize", corpus, *flags, "--dtype", dtype, "--out", "vec")
    nmfkit.ok("fit", "vec/X.mtx", *FIT, "--dtype", dtype, "--out", "loaded")
    streamed = nmfkit.ok("fit", corpus, *FIT, *flags, "--dtype", dtype, "--out-of-core",
                         "--out", "streamed")
    assert "temporary file" in streamed.stdout
    for name in ("W.npy", "H.npy"):
        a = np.load(nmfkit.workdir / "loaded" / name)
        b = np.load(nmfkit.workdir / "streamed" / name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        assert np.array_equal(a, b), name
    for name in ("vocabulary.txt", "documents.tsv"):
        assert ((nmfkit.workdir / "vec" / name).read_text() ==
                (nmfkit.workdir / "streamed" / name).read_text()), name
    return nmfkit.workdir / "streamed"


@pytest.mark.parametrize("flags", [
    (), ("--weighting", "count", "--min-df", "2", "--max-features", "12", "--order", "sorted"),
])
def test_folder_fit_equals_vectorize_then_fit(nmfkit, flags):
    fit_both(nmfkit, write_corpus(nmfkit.workdir / "corpus"), *flags)


def test_archive_fit_equals_vectorize_then_fit(nmfkit):
    write_corpus(nmfkit.workdir / "news", seed=1)
    # Members in a scrambled order: rows still come in the corpus's order.
    names = sorted((nmfkit.workdir / "news").rglob("*.txt"))
    np.random.RandomState(3).shuffle(names)
    with tarfile.open(nmfkit.workdir / "news.tar.gz", "w:gz") as tar:
        for path in names:
            tar.add(path, arcname=str(path.relative_to(nmfkit.workdir)))
    out = fit_both(nmfkit, "news.tar.gz", "--remove", "quotes", dtype="float32")
    assert np.load(out / "H.npy").dtype == np.float32
    # The folder is a topic model's vectoriser: a second corpus fitted with its vocabulary.
    write_corpus(nmfkit.workdir / "more", documents=12, seed=2)
    nmfkit.ok("fit", "more", *FIT, "--out-of-core", "--vectorizer", "streamed", "--out", "again")
    assert ((out / "vocabulary.txt").read_text() ==
            (nmfkit.workdir / "again" / "vocabulary.txt").read_text())


def test_the_temporary_file_never_stays(nmfkit, tmp_path_factory):
    write_corpus(nmfkit.workdir / "corpus")
    spill = tmp_path_factory.mktemp("spill")
    env = dict(os.environ, TMPDIR=str(spill))
    # The second fit fails after the corpus was vectorised: nndsvda needs all of X.
    ok = [*FIT, "--out-of-core", "--out", "model"]
    fails = ["--k", "3", "--solver", "minibatch", "--out-of-core", "--out", "failed"]
    for flags, code in ((ok, 0), (fails, 1)):
        result = subprocess.run([nmfkit.binary, "fit", "corpus", *flags], cwd=nmfkit.workdir,
                                env=env, capture_output=True, text=True)
        assert (result.returncode == 0) == (code == 0), result.stderr
        assert list(spill.iterdir()) == []
    assert not (nmfkit.workdir / "failed").exists()


def test_bad_corpora_fail_with_one_line_and_write_nothing(nmfkit):
    write_corpus(nmfkit.workdir / "corpus")
    with tarfile.open(nmfkit.workdir / "good.tar.gz", "w:gz") as tar:
        tar.add(nmfkit.workdir / "corpus", arcname="corpus")
    data = (nmfkit.workdir / "good.tar.gz").read_bytes()
    (nmfkit.workdir / "cut.tar.gz").write_bytes(data[:len(data) // 2])
    (nmfkit.workdir / "empty").mkdir()
    base = [*FIT, "--out-of-core", "--out", "model"]
    nmfkit.fails("fit", "cut.tar.gz", *base, mentions=["cut.tar.gz"])
    nmfkit.fails("fit", "empty", *base, mentions=["empty", "no documents"])
    nmfkit.fails("fit", "corpus", *FIT[:-4], "--max-iter", "15", "--batch-size", "31",
                 "--out-of-core", "--out", "model", mentions=["--batch-size 31", "30 samples"])
    nmfkit.fails("fit", "corpus", *base, "--stop-words", "none", "--min-df", "40",
                 mentions=["min_df"])
    nmfkit.fails("fit", "corpus", *FIT, "--out", "model", mentions=["corpus", "--out-of-core"])
    nmfkit.fails("fit", "corpus", *base, "--vectorizer", "corpus",
                 mentions=["--vectorizer", "vectorizer.json"])
    np.save(nmfkit.workdir / "X.npy", np.ones((30, 4)))
    nmfkit.fails("fit", "X.npy", *base, "--min-df", "2", mentions=["--min-df", "corpus"])
    assert not (nmfkit.workdir / "model").exists()
