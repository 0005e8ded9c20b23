#!/usr/bin/python3
"""Writes the gensim topic coherence numbers that nmfkit's coherence tests compare against.

gensim's CoherenceModel is the oracle: topics and texts go in as lists of tokens, with
dictionary=Dictionary(texts), and get_coherence_per_topic() comes out. processes=1 is
given so that gensim counts windows in this process with WordOccurrenceAccumulator (its
multi-process accumulator logs and swallows errors in its workers, and would make the
result depend on the machine's core count). By hand:

    /usr/bin/python3 tests/oracles/gensim_coherence.py --out build/references \
        --data-dir ../shared/data

It writes, under --out/coherence/:
  cases.json        small hand-made texts and topics for each documented edge (windows
                    shorter and longer than the texts, repeated tokens in a window, topic
                    words absent from the texts, repeated topic words, one-word topics, the
                    topn cutting rule, errors), then seeded random ones; each with its
                    measure, window size (0: gensim's default), topn and either the
                    coherence per topic (null for NaN) or the error gensim raised
  zipf.json         a generated corpus of a few hundred documents from Zipf-distributed
                    topic vocabularies, 8 topics of 10 words, the four measures
  news.json         300 posts of 20news-bydate.tar.gz (body only, lower-cased words of
                    two or more letters, scikit-learn's English stop words removed), 10
                    topics of 10 words from scikit-learn's NMF on them, the four measures;
                    or {"available": false, "note": why} when the tarball is absent
"""

import argparse
import json
import math
import random
import re
import tarfile
import time
import warnings
from pathlib import Path

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel

MEASURES = ["u_mass", "c_uci", "c_npmi", "c_v"]

# A few tiny texts with repeated tokens, texts shorter and longer than the windows used.
SMALL_TEXTS = [
    "a b c a d".split(),
    "b a e".split(),
    "c c c".split(),
    "d a b c e f a".split(),
    "f".split(),
    "e f g h a b".split(),
    "a b a b a b a c".split(),
]

# (name, topics, topn): one documented edge each.
SMALL_TOPICS = [
    ("plain", [["a", "b", "c"], ["d", "e", "f"]], 20),
    ("absent_words_dropped", [["a", "zz", "b", "c"], ["yy", "d"], ["e", "f", "xx"]], 20),
    ("repeated_topic_words", [["a", "b", "a", "c"], ["c", "c"], ["b", "a", "b"]], 20),
    ("one_word_topics", [["a"], ["b", "c"], ["zz", "d"]], 20),
    ("one_word_first_topic_longer_later", [["g"], ["a", "b", "c", "d"]], 2),
    ("topn_cuts_all_when_first_is_longer", [["a", "b", "c"], ["d", "e", "f", "g"]], 2),
    ("topn_cuts_none_when_first_is_not_longer", [["a", "b"], ["c", "d", "e", "f"]], 2),
    ("topn_counts_after_dropping_absent", [["zz", "a", "b"], ["c", "d", "e"]], 2),
    ("topn_cut_after_dropping_absent", [["a", "b", "zz", "c"], ["d", "e", "f"]], 2),
    ("topn_equal_to_length", [["a", "b", "c"], ["d", "e", "f", "g"]], 3),
    ("shared_words_across_topics", [["a", "b", "c"], ["c", "b", "h"], ["h", "a"]], 20),
]

SMALL_WINDOWS = [0, 1, 2, 3, 4, 6, 7, 8, 100]


def gensim_coherence(topics, texts, measure, window_size, topn):
    """The per-topic coherences (None for NaN), or the error gensim raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NaN means of one-word topics
            model = CoherenceModel(topics=topics, texts=texts, dictionary=Dictionary(texts),
                                   coherence=measure, topn=topn,
                                   window_size=window_size or None, processes=1)
            values = model.get_coherence_per_topic()
    except (ValueError, IndexError) as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"expected": [None if math.isnan(v) else float(v) for v in values]}


def case(name, topics, texts, measure, window_size, topn):
    result = {"name": name, "topics": topics, "texts": texts, "measure": measure,
              "window_size": window_size, "topn": topn}
    result.update(gensim_coherence(topics, texts, measure, window_size, topn))
    return result


def small_cases():
    cases = []
    for name, topics, topn in SMALL_TOPICS:
        for measure in MEASURES:
            # u_mass ignores the window: its default and one other show that.
            windows = [0, 3] if measure == "u_mass" else SMALL_WINDOWS
            for window in windows:
                cases.append(case(f"{name}/{measure}/w{window}", topics, SMALL_TEXTS, measure,
                                  window, topn))
    # Where gensim raises: nmfkit must refuse the same inputs.
    errors = [
        ("no_word_of_a_topic_in_texts", [["a", "b"], ["zz", "yy"]], SMALL_TEXTS),
        ("empty_topic", [["a", "b"], []], SMALL_TEXTS),
        ("no_texts", [["a", "b"]], []),
    ]
    for name, topics, texts in errors:
        for measure in MEASURES:
            cases.append(case(f"error/{name}/{measure}", topics, texts, measure, 0, 20))
    with_empty_text = SMALL_TEXTS[:2] + [[]] + SMALL_TEXTS[2:]
    for measure in MEASURES:
        # u_mass counts an empty text as a document; the sliding windows fail on it.
        cases.append(case(f"empty_text/{measure}", [["a", "b", "c"]], with_empty_text, measure,
                          0, 20))
    return cases


def random_cases(n_cases, seed):
    """Few words, many repetitions: windows often hold a word more than once."""
    rng = random.Random(seed)
    vocabulary = list("abcdefghij")
    cases = []
    while len(cases) < n_cases:
        n_words = rng.randint(3, len(vocabulary))
        weights = [1.0 / (rank + 1) for rank in range(n_words)]
        texts = [rng.choices(vocabulary[:n_words], weights, k=rng.randint(1, 18))
                 for _ in range(rng.randint(1, 8))]
        topics = [rng.choices(vocabulary + ["zz"], k=rng.randint(1, 6))
                  for _ in range(rng.randint(1, 4))]
        measure = rng.choice(MEASURES)
        window = rng.choice([0, rng.randint(1, 12)])
        topn = rng.randint(1, 7)
        result = case(f"random/{len(cases)}", topics, texts, measure, window, topn)
        if "error" not in result:  # errors are covered above; keep the numbers
            cases.append(result)
    return cases


def zipf_corpus(seed, n_docs=300, n_topics=8, words_per_topic=60):
    """Documents mixing two of n_topics topic vocabularies plus shared words, each drawn
    with Zipf weights, so that top words co-occur as in real text."""
    rng = random.Random(seed)
    shared = [f"common{i}" for i in range(40)]
    vocabularies = [[f"t{t}w{i}" for i in range(words_per_topic)] for t in range(n_topics)]
    zipf = [1.0 / (rank + 1) for rank in range(words_per_topic)]
    texts = []
    for _ in range(n_docs):
        first, second = rng.sample(range(n_topics), 2)
        length = rng.randint(20, 400)
        text = []
        for _ in range(length):
            pick = rng.random()
            if pick < 0.3:
                text.append(rng.choices(shared, zipf[:len(shared)])[0])
            elif pick < 0.8:
                text.append(rng.choices(vocabularies[first], zipf)[0])
            else:
                text.append(rng.choices(vocabularies[second], zipf)[0])
        texts.append(text)
    # Topics as a model would give them: mostly the topic's top words, with a shared word
    # and a word of another topic mixed in.
    topics = []
    for t in range(n_topics):
        topic = vocabularies[t][:8] + [shared[t], vocabularies[(t + 1) % n_topics][t]]
        rng.shuffle(topic)
        topics.append(topic)
    return texts, topics


def news_corpus(tarball, n_docs, n_topics, seed):
    """The first n_docs posts of a seeded shuffle of the training set, tokenised simply, and
    topics of 10 words from scikit-learn's NMF on their tf-idf."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    posts = []
    with tarfile.open(tarball) as archive:
        for member in archive:
            if member.isfile() and member.name.startswith("20news-bydate-train/"):
                posts.append((member.name, archive.extractfile(member).read()))
    posts.sort()
    random.Random(seed).shuffle(posts)
    texts = []
    for _, raw in posts:
        body = raw.decode("latin-1").partition("\n\n")[2].lower()
        tokens = [t for t in re.findall(r"[a-z]{2,}", body) if t not in ENGLISH_STOP_WORDS]
        if tokens:
            texts.append(tokens)
        if len(texts) == n_docs:
            break
    tfidf = TfidfVectorizer(analyzer=lambda tokens: tokens, min_df=3)
    X = tfidf.fit_transform(texts)
    nmf = NMF(n_components=n_topics, init="nndsvd", max_iter=300, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged: the topics need only be plausible
        nmf.fit(X)
    terms = tfidf.get_feature_names_out()
    topics = [[str(terms[i]) for i in np.argsort(-row, kind="stable")[:10]]
              for row in nmf.components_]
    return texts, topics


def realistic(name, texts, topics):
    cases = []
    for measure in MEASURES:
        for window in ([0] if measure == "u_mass" else [0, 20]):
            started = time.perf_counter()
            result = {"name": f"{name}/{measure}/w{window}", "topics": topics,
                      "measure": measure, "window_size": window, "topn": 10}
            result.update(gensim_coherence(topics, texts, measure, window, 10))
            result["gensim_seconds"] = time.perf_counter() - started
            cases.append(result)
    return {"available": True, "texts": texts, "cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "coherence"
    out.mkdir(parents=True, exist_ok=True)

    cases = small_cases() + random_cases(400, seed=11)
    (out / "cases.json").write_text(json.dumps(cases))
    texts, topics = zipf_corpus(seed=3)
    (out / "zipf.json").write_text(json.dumps(realistic("zipf", texts, topics)))

    tarball = args.data_dir / "20news-bydate.tar.gz"
    if tarball.is_file():
        texts, topics = news_corpus(tarball, n_docs=300, n_topics=10, seed=0)
        news = realistic("news", texts, topics)
        print(f"wrote {len(cases)} small cases, the Zipf and the 20 newsgroups corpora to {out}")
    else:
        news = {"available": False, "note": f"{tarball} is absent: 20 newsgroups cases not made"}
        print(news["note"])
    (out / "news.json").write_text(json.dumps(news))


if __name__ == "__main__":
    main()
