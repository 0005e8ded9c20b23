#!/usr/bin/python3
"""Writes the oracle outputs that nmfkit's tokenizer, vectorizer and NumPy-sort tests
compare against.

The oracles are Python's own str.lower() and re (the rules scikit-learn's default
analyzer uses), scikit-learn's CountVectorizer and TfidfVectorizer, and np.argsort. The
20 newsgroups texts come from fetch_20newsgroups through the offline cache that
sklearn_corpus.py builds (shared with it, built here when absent). By hand:

    /usr/bin/python3 tests/oracles/sklearn_text.py --out build/references \\
        --data-dir ../shared/data

It writes, under --out/text/:
  tokenize_cases.json    byte strings (hex) with Python's bytes.decode("utf-8", "replace")
                         .lower() and the matches of (?u)\\b\\w\\w+\\b with and without it
  unicode_sweep.json     the same over every code point in the contexts that lower()'s
                         final-sigma rule reads, as sha256 of the results
  stop_words.txt         the stop-word file the "file" cases read
  vectorizer_cases.json  small corpora, each vectorised with one set of options: the
                         vocabulary, the terms dropped by the limits, the idf, the CSR
                         matrix, and transform() of new documents
  vectorizer_errors.json option sets scikit-learn refuses at fit time, and its messages
  argsort.json           arrays with many ties (and NaN, and a quicksort killer that
                         forces NumPy's heapsort fallback) with np.argsort of each
  news.json              CountVectorizer(stop_words="english") and TfidfVectorizer(
                         stop_words="english") on the notebook's corpus (the train posts
                         of four groups without headers, footers and quotes), or why not
"""

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

sys.path.insert(0, str(Path(__file__).parent))
import sklearn_corpus  # noqa: E402  (the offline fetch_20newsgroups)

TOKEN = re.compile(r"(?u)\b\w\w+\b")

# ------------------------------------------------------------------------ tokenizer

TOKENIZE_TEXTS = [
    "", "a", "ab", "a b c", "Hello, World! It's 2024.", "snake_case __dunder__ _ __",
    "x1 2y 3 45 6.7 8,9 1e10", "Café crème brûlée naïve Ångström", "e\u0301te\u0301 (decomposed)",
    "İstanbul İİ iİi", "ΣΑΣ ΟΔΥΣΣΕΥΣ Σ ΑΣ. Σ'Α ΑΣ'", "ὈΔΥΣΣΕΎΣ σίσυφος ΣΊΣΥΦΟΣ",
    "Straße STRASSE ß ẞ", "ǅungla ǈ Ǉ ǋ", "ﬁsh ﬂow Ⅻ ⅻ ½ ² ³", "東京 タワー 한국어 中文字符",
    "emoji 😀😀 ok👍🏽yes 🇫🇷", "tab\tnew\nline\rcr\u2028ls\u2029ps\x85nel\xa0nbsp",
    "zero\u200bwidth joiner\u200dnon\u200cjoiner soft\xadhyphen", "ARABIC العربية ١٢٣ ٤",
    "Devanagari हिन्दी ०१२", "Hebrew עִבְרִית", "Thai ภาษาไทย", "Kelvin \u212a ohm \u2126 \u212b",
    "Cherokee ᏣᎳᎩ ꭰꭱ", "Deseret 𐐀𐐁 𐐨", "Math 𝐀𝐁 𝟏𝟐", "a\u0345Σ ΑΣ\u0345", "ʰΣ Aʰ Σʰ",
    "UPPER lower MiXeD", "don't won't l'été", "e-mail e_mail e.mail", "１２３ ＡＢＣ",
]

TOKENIZE_BYTES = [t.encode("utf-8") for t in TOKENIZE_TEXTS] + [
    b"caf\xe9 latin1 byte", b"ab\xffcd ef", b"\xc3\x28 bad continuation", b"\xe2\x82ab",
    b"\xf0\x9f\x98ab \xf0\x9f\x98\x80xy", b"\xed\xa0\x80surrogate", b"\xc0\xafoverlong",
    b"tail\xc3", b"\xf4\x90\x80\x80past max", b"AB\xceCD \xce\xa3",
]


def tokenize_case(data):
    text = data.decode("utf-8", "replace")
    lower = text.lower()
    return {"bytes_hex": data.hex(), "lower": lower,
            "tokens_lower": TOKEN.findall(lower), "tokens_raw": TOKEN.findall(text)}


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unicode_sweep():
    """Every code point c (surrogates aside) as "A" c "Σ" c "x " and as "Σ" c "a ": the
    second tells whether lower() sees c as case-ignorable or cased on each side."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    text = "".join(f"A{c}\u03a3{c}x \u03a3{c}a " for c in chars)
    lower = text.lower()
    tokens_lower = TOKEN.findall(lower)
    tokens_raw = TOKEN.findall(text)
    return {"note": "text = ''.join(f'A{c}Σ{c}x Σ{c}a ') over every non-surrogate code point",
            "lower_sha256": sha256(lower),
            "tokens_lower_count": len(tokens_lower),
            "tokens_lower_sha256": sha256("\n".join(tokens_lower)),
            "tokens_raw_count": len(tokens_raw),
            "tokens_raw_sha256": sha256("\n".join(tokens_raw))}


# ----------------------------------------------------------------------- vectorizer

STOP_FILE_WORDS = ["the", "and", "über", "σας", "w001", "w002", "cat"]

SMALL = [
    "The cat sat on the mat. The cat was happy!",
    "A dog and a cat: the dog barked, the CAT ran.",
    "",
    "the and of to",
    "Dogs, cats & mice; 42 mice, 7 cats. Café über alles — ÜBER!",
    "ΣΑΣ ὈΔΥΣΣΕΎΣ σας İstanbul straße STRASSE 東京 東京 emoji😀ok",
    "snake_case _x __y__ x1 1x 12 1.5 ½½",
    "cat cat cat cat dog dog mouse",
]

SMALL_NEW = [
    "The cat and the unicorn.",
    "nothing known here",
    "",
    "CAT cat Cat cAt dog ÜBER über σας",
]


def ties_corpus():
    """Documents over 150 words whose totals take few values, so that max_features must
    break many ties (and NumPy's partitions see runs of equal keys)."""
    rng = random.Random(7)
    words = [f"w{i:03d}" for i in range(150)]
    docs = []
    for _ in range(40):
        doc = [w for w in words if rng.random() < 0.08]
        doc += [rng.choice(words[:20]) for _ in range(rng.randrange(0, 3))]
        rng.shuffle(doc)
        docs.append(" ".join(doc))
    return docs


TIES = ties_corpus()
TIES_NEW = ["w000 w001 w149 unknown w000", "w050"]
# 17 terms with equal totals: the smallest partition NumPy's quicksort splits instead of
# finishing it by insertion sort.
FLAT17 = [" ".join(f"t{i:02d}" for i in range(17)), "t16 t00"]
FLAT17_NEW = ["t05 t15 t16"]

COUNT, TFIDF = "count", "tfidf"

# (corpus, options): options are the keyword arguments of the scikit-learn class plus
# "weighting"; "stop_words": "file" reads stop_words.txt.
CASES = [
    ("small", {"weighting": COUNT}),
    ("small", {"weighting": COUNT, "stop_words": "english"}),
    ("small", {"weighting": COUNT, "stop_words": "file"}),
    ("small", {"weighting": COUNT, "lowercase": False}),
    ("small", {"weighting": COUNT, "binary": True}),
    ("small", {"weighting": COUNT, "min_df": 2}),
    ("small", {"weighting": COUNT, "min_df": 0.3}),
    ("small", {"weighting": COUNT, "min_df": 0}),
    ("small", {"weighting": COUNT, "max_df": 2}),
    ("small", {"weighting": COUNT, "max_df": 0.25}),
    ("small", {"weighting": COUNT, "max_df": 1}),
    ("small", {"weighting": COUNT, "min_df": 2, "max_df": 0.5, "stop_words": "english"}),
    ("small", {"weighting": COUNT, "max_features": 4}),
    ("small", {"weighting": COUNT, "max_features": 1000}),
    ("small", {"weighting": COUNT, "max_features": 6, "binary": True}),
    ("small", {"weighting": COUNT, "dtype": "float32"}),
    ("small", {"weighting": TFIDF}),
    ("small", {"weighting": TFIDF, "norm": "l1"}),
    ("small", {"weighting": TFIDF, "norm": None}),
    ("small", {"weighting": TFIDF, "use_idf": False}),
    ("small", {"weighting": TFIDF, "use_idf": False, "norm": None}),
    ("small", {"weighting": TFIDF, "smooth_idf": False}),
    ("small", {"weighting": TFIDF, "sublinear_tf": True}),
    ("small", {"weighting": TFIDF, "sublinear_tf": True, "smooth_idf": False, "norm": "l1"}),
    ("small", {"weighting": TFIDF, "binary": True, "stop_words": "english"}),
    ("small", {"weighting": TFIDF, "dtype": "float32"}),
    ("small", {"weighting": TFIDF, "dtype": "float32", "sublinear_tf": True, "norm": "l1"}),
    ("small", {"weighting": TFIDF, "min_df": 0.2, "max_df": 0.9, "max_features": 5}),
    ("flat17", {"weighting": COUNT, "max_features": 5}),
    ("flat17", {"weighting": COUNT, "max_features": 9, "binary": True}),
    ("ties", {"weighting": COUNT}),
    ("ties", {"weighting": COUNT, "max_features": 1}),
    ("ties", {"weighting": COUNT, "max_features": 17}),
    ("ties", {"weighting": COUNT, "max_features": 37}),
    ("ties", {"weighting": COUNT, "max_features": 100}),
    ("ties", {"weighting": COUNT, "max_features": 37, "binary": True}),
    ("ties", {"weighting": COUNT, "max_features": 50, "min_df": 3, "max_df": 0.2}),
    ("ties", {"weighting": COUNT, "max_features": 23, "stop_words": "file"}),
    ("ties", {"weighting": TFIDF, "max_features": 37}),
    ("ties", {"weighting": TFIDF, "max_features": 37, "dtype": "float32"}),
    ("ties", {"weighting": TFIDF, "max_features": 64, "sublinear_tf": True, "norm": None}),
]

CORPORA = {"small": (SMALL, SMALL_NEW), "ties": (TIES, TIES_NEW), "flat17": (FLAT17, FLAT17_NEW)}

# Option sets that fail at fit time (scikit-learn validates them there).
ERRORS = [
    ("small", {"weighting": COUNT, "min_df": 3, "max_df": 2}),
    ("small", {"weighting": COUNT, "min_df": 0.6, "max_df": 0.5}),
    ("small", {"weighting": COUNT, "min_df": 0.6, "max_df": 4}),
    ("small", {"weighting": COUNT, "min_df": 5, "max_df": 0.5}),
    ("stop_only", {"weighting": COUNT, "stop_words": "english"}),
    ("stop_only", {"weighting": TFIDF, "stop_words": "english"}),
    ("small", {"weighting": COUNT, "min_df": 8}),
    ("small", {"weighting": TFIDF, "max_df": 0.01}),
]
STOP_ONLY = ["The and of", "", "to be or not to be", "a"]


def sklearn_vectorizer(options, stop_file_words):
    kwargs = dict(options)
    weighting = kwargs.pop("weighting")
    if kwargs.get("stop_words") == "file":
        kwargs["stop_words"] = list(stop_file_words)
    if "dtype" in kwargs:
        kwargs["dtype"] = np.dtype(kwargs["dtype"]).type
    return (CountVectorizer if weighting == COUNT else TfidfVectorizer)(**kwargs)


def csr(X):
    X = X.tocsr()
    X.sort_indices()
    return {"shape": list(X.shape), "dtype": str(X.dtype), "indptr": X.indptr.tolist(),
            "indices": X.indices.tolist(), "data": [float(v) for v in X.data]}


def vectorizer_cases():
    results = []
    for corpus, options in CASES:
        documents, new_documents = CORPORA[corpus]
        vectorizer = sklearn_vectorizer(options, STOP_FILE_WORDS)
        X = vectorizer.fit_transform(documents)
        result = {"corpus": corpus, "options": options, "documents": documents,
                  "vocabulary": vectorizer.get_feature_names_out().tolist(),
                  "dropped": sorted(vectorizer.stop_words_), "matrix": csr(X),
                  "new_documents": new_documents,
                  "transform": csr(vectorizer.transform(new_documents))}
        if options["weighting"] == TFIDF and options.get("use_idf", True):
            result["idf"] = [float(v) for v in vectorizer.idf_]
        result["tie_order_matters"] = (
            "max_features" in options and
            result["vocabulary"] != stable_selection(documents, options))
        results.append(result)
    # Otherwise the tests could not tell NumPy's tie order from a stable sort's.
    assert sum(r["tie_order_matters"] for r in results) >= 5
    return results


def stable_selection(documents, options):
    """The vocabulary max_features would keep if ties were broken by term order."""
    unlimited = dict(options, max_features=None)
    vectorizer = sklearn_vectorizer(unlimited, STOP_FILE_WORDS)
    X = vectorizer.fit_transform(documents)
    if options.get("binary"):
        X.data[:] = 1
    totals = np.asarray(X.sum(axis=0)).ravel()
    keep = np.sort(np.argsort(-totals, kind="stable")[:options["max_features"]])
    return vectorizer.get_feature_names_out()[keep].tolist()


def vectorizer_errors():
    corpora = {"small": SMALL, "stop_only": STOP_ONLY}
    results = []
    for corpus, options in ERRORS:
        try:
            sklearn_vectorizer(options, STOP_FILE_WORDS).fit_transform(corpora[corpus])
        except ValueError as error:
            results.append({"documents": corpora[corpus], "options": options,
                            "message": str(error)})
        else:
            raise AssertionError(f"scikit-learn accepted {options}")
    return results


# -------------------------------------------------------------------------- argsort

def numpy_quicksort_steps(n, less):
    """NumPy 1.24's aquicksort_ control flow on positions 0..n-1 with a comparison of
    indices: used only to drive the adversary below."""
    order = list(range(n))
    stack = []
    lo, hi = 0, n - 1
    depth = 2 * (n.bit_length() - 1)
    while True:
        if depth < 0:
            return True  # NumPy switches to heapsort here
        while hi - lo > 15:  # NumPy's SMALL_QUICKSORT
            mid = lo + ((hi - lo) >> 1)
            if less(order[mid], order[lo]):
                order[mid], order[lo] = order[lo], order[mid]
            if less(order[hi], order[mid]):
                order[hi], order[mid] = order[mid], order[hi]
            if less(order[mid], order[lo]):
                order[mid], order[lo] = order[lo], order[mid]
            pivot = order[mid]
            i, j = lo, hi - 1
            order[mid], order[j] = order[j], order[mid]
            while True:
                i += 1
                while less(order[i], pivot):
                    i += 1
                j -= 1
                while less(pivot, order[j]):
                    j -= 1
                if i >= j:
                    break
                order[i], order[j] = order[j], order[i]
            order[i], order[hi - 1] = order[hi - 1], order[i]
            depth -= 1
            if i - lo < hi - i:
                stack.append((i + 1, hi, depth))
                hi = i - 1
            else:
                stack.append((lo, i - 1, depth))
                lo = i + 1
        # insertion sort of [lo, hi] cannot reach the heapsort; skip it
        if not stack:
            return False
        lo, hi, depth = stack.pop()


def quicksort_killer(n):
    """McIlroy's adversary ("A Killer Adversary for Quicksort", 1999) against NumPy's
    median-of-3 quicksort: values are fixed lazily so that every partition is lopsided,
    which exhausts the depth budget and sends NumPy to its heapsort."""
    gas = n
    value = [gas] * n
    state = {"solid": 0, "candidate": None}

    def freeze(x):
        value[x] = state["solid"]
        state["solid"] += 1

    def less(x, y):
        if value[x] == gas and value[y] == gas:
            freeze(x if x == state["candidate"] else y)
        if value[x] == gas:
            state["candidate"] = x
        elif value[y] == gas:
            state["candidate"] = y
        return value[x] < value[y]

    reached_heapsort = numpy_quicksort_steps(n, less)
    return value, reached_heapsort


def argsort_cases():
    rng = np.random.default_rng(11)
    arrays = []

    def add(name, values):
        values = np.asarray(values)
        arrays.append({"name": name, "dtype": str(values.dtype),
                       "values": [None if np.isnan(v) else float(v) for v in values.tolist()]
                       if values.dtype.kind == "f" else values.tolist(),
                       "argsort": np.argsort(values).tolist()})

    for n in (0, 1, 2, 3, 5, 16, 17, 18, 33, 100, 1000, 5000):
        add(f"int64 n={n} few values", rng.integers(0, 4, n).astype(np.int64))
        add(f"float64 n={n} few values", rng.integers(-3, 3, n).astype(np.float64))
    add("int64 all equal", np.zeros(300, dtype=np.int64))
    add("int64 sorted", np.arange(200, dtype=np.int64))
    add("int64 reversed", np.arange(200, dtype=np.int64)[::-1].copy())
    add("int64 organ pipe", np.concatenate([np.arange(100), np.arange(100)[::-1]]).astype(np.int64))
    add("int64 wide", rng.integers(-10**12, 10**12, 3000).astype(np.int64))
    add("float64 negated counts", -rng.zipf(1.5, 4000).clip(max=50).astype(np.float64))
    with_nan = rng.integers(0, 5, 500).astype(np.float64)
    with_nan[rng.integers(0, 500, 60)] = np.nan
    add("float64 with NaN", with_nan)
    add("float32 few values", rng.integers(0, 6, 2000).astype(np.float32))
    add("float32 with NaN",
        np.where(rng.random(300) < 0.2, np.nan, rng.integers(0, 3, 300)).astype(np.float32))
    for n in (100, 1000, 4096):
        killer, reached = quicksort_killer(n)
        assert reached, "the adversary did not reach NumPy's heapsort"
        add(f"int64 quicksort killer n={n}", np.array(killer, dtype=np.int64))
        add(f"float64 quicksort killer n={n}", np.array(killer, dtype=np.float64))
    return arrays


# ------------------------------------------------------------------- 20 newsgroups

def news(out, data_dir):
    archive = (Path(data_dir) / "20news-bydate.tar.gz").resolve()
    if not archive.exists():
        return {"available": False, "note": f"{archive} is absent; no 20 newsgroups references"}
    checksum = hashlib.sha256(archive.read_bytes()).hexdigest()
    home, _ = sklearn_corpus.news_data_home(archive, checksum, out / "corpus")
    setting = ("train", sklearn_corpus.NOTEBOOK_CATEGORIES, sklearn_corpus.ALL_REMOVE)
    texts = sklearn_corpus.fetch(home, *setting)["texts"]
    count = CountVectorizer(stop_words="english")
    counts = count.fit_transform(texts)
    tfidf = TfidfVectorizer(stop_words="english")
    weights = tfidf.fit_transform(texts)
    assert tfidf.get_feature_names_out().tolist() == count.get_feature_names_out().tolist()
    return {"available": True, "archive": str(archive),
            "setting": sklearn_corpus.setting_id(*setting),
            "documents_sha256": sha256("\n".join(sha256(t) for t in texts)),
            "vocabulary": count.get_feature_names_out().tolist(),
            "count": csr(counts), "tfidf": csr(weights), "idf": tfidf.idf_.tolist()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "text"
    out.mkdir(parents=True, exist_ok=True)

    (out / "tokenize_cases.json").write_text(json.dumps([tokenize_case(b) for b in TOKENIZE_BYTES]))
    (out / "unicode_sweep.json").write_text(json.dumps(unicode_sweep()))
    (out / "stop_words.txt").write_text("\n".join(STOP_FILE_WORDS) + "\n", encoding="utf-8")
    (out / "vectorizer_cases.json").write_text(json.dumps(vectorizer_cases()))
    (out / "vectorizer_errors.json").write_text(json.dumps(vectorizer_errors()))
    (out / "argsort.json").write_text(json.dumps(argsort_cases()))
    manifest = news(args.out, args.data_dir)
    (out / "news.json").write_text(json.dumps(manifest))
    print(manifest.get("note", f"wrote the text references to {out}"))


if __name__ == "__main__":
    main()
