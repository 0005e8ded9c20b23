"""`nmfkit update TOPIC_MODEL CORPUS`: a `topics` model continued with new documents,
vectorised with the model's vocabulary and weighting (online topic models)."""

import json
from pathlib import Path

import numpy as np

DOCUMENTS = [
    "The shuttle launch to orbit was delayed by NASA.",
    "Orbit insertion of the lunar probe; the moon landing site.",
    "Rocket engines, launch pads and orbital mechanics of the shuttle.",
    "God and the bible: belief, faith and the church.",
    "Atheism asks whether belief in God needs the bible.",
    "The church and faith, prayer and god's word.",
]
NEW = [
    "A shuttle launch, an orbit and a rocket engine for the lunar probe.",
    "Prayer in the church: faith, belief and the bible, unknownword.",
    "Moon landing and orbital rocket launch pads.",
    "Nothing here is in the vocabulary at all, zebra.",
]


def topic_model(nmfkit, *flags):
    (nmfkit.workdir / "docs.txt").write_text("\n".join(DOCUMENTS) + "\n")
    nmfkit.ok("topics", "docs.txt", "--k", "2", "--seed", "0", "--top", "4",
              "--coherence", "none", "--save-matrix", *flags, "--out", "model")
    return nmfkit.workdir / "model"


def test_update_with_a_corpus_writes_a_topic_model(nmfkit):
    model = topic_model(nmfkit)
    (nmfkit.workdir / "new.txt").write_text("\n".join(NEW) + "\n")
    result = nmfkit.ok("update", "model", "new.txt", "--batch-size", "2", "--top", "3",
                       "--out", "updated")
    assert "top terms" in result.stdout
    out = nmfkit.workdir / "updated"
    assert sorted(p.name for p in out.iterdir()) == [
        "H.npy", "doc_topics.npy", "documents.tsv", "model.json", "result.json", "summary.json",
        "top_documents.tsv", "topics.tsv", "vectorizer.json", "vocabulary.txt"]
    assert (out / "vocabulary.txt").read_text() == (model / "vocabulary.txt").read_text()
    assert (out / "vectorizer.json").read_text() == (model / "vectorizer.json").read_text()
    W = np.load(out / "doc_topics.npy")
    H = np.load(out / "H.npy")
    assert W.shape == (4, 2) and H.shape == np.load(model / "H.npy").shape
    assert not np.array_equal(H, np.load(model / "H.npy"))
    vocabulary = (out / "vocabulary.txt").read_text().splitlines()
    rows = (out / "topics.tsv").read_text().splitlines()[1:]
    assert len(rows) == 6
    for row in rows:  # each listed term is the one the updated H ranks there
        topic, rank, term, _ = row.split("\t")
        assert term == vocabulary[np.argsort(-H[int(topic)], kind="stable")[int(rank) - 1]]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == 4 and summary["batches"] == 2
    assert len((out / "documents.tsv").read_text().splitlines()) == 5


def test_a_corpus_is_vectorised_exactly_as_the_model_was(nmfkit):
    """The model's own documents, as a corpus and as the matrix `topics` saved: the same rows,
    so the same update, bit for bit."""
    topic_model(nmfkit)
    nmfkit.ok("update", "model", "docs.txt", "--batch-size", "4", "--out", "from_corpus")
    nmfkit.ok("update", "model", "model/X.mtx", "--batch-size", "4", "--out", "from_matrix")
    for name in ("H.npy", "doc_topics.npy"):
        a = np.load(nmfkit.workdir / "from_corpus" / name)
        b = np.load(nmfkit.workdir / "from_matrix" / name)
        assert np.array_equal(a, b), name


def test_bad_updates_of_a_topic_model_fail_with_one_line(nmfkit):
    model = topic_model(nmfkit)
    terms = len((model / "vocabulary.txt").read_text().splitlines())
    np.save(nmfkit.workdir / "wide.npy", np.ones((3, terms + 1)))
    nmfkit.fails("update", "model", "wide.npy", "--out", "out",
                 mentions=[f"{terms + 1} columns", f"{terms} terms"])
    (model / "vectorizer.json").unlink()
    nmfkit.fails("update", "model", "docs.txt", "--out", "out",
                 mentions=["vectorizer.json", "nmfkit topics"])
    assert not Path(nmfkit.workdir / "out").exists()
