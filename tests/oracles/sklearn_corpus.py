#!/usr/bin/python3
"""Writes the oracle outputs that nmfkit's corpus tests compare against.

scikit-learn's own fetch_20newsgroups is the oracle, run offline: its download step is
replaced by a copy of the local tarball, so its real code extracts the archive, builds
its cache (load_files + the zlib-compressed pickle) and serves every later call with
download_if_missing=False. By hand:

    /usr/bin/python3 tests/oracles/sklearn_corpus.py --out build/references \
        --data-dir ../shared/data

It writes, under --out/corpus/:
  strip_cases.json       strip_newsgroup_header/_footer/_quoting on small tricky texts
  decoding_cases.json    byte strings and their text as UTF-8 (errors="replace"),
                         Latin-1 and nmfkit's Auto rule
  mini_news.tar.gz       a small corpus in the 20 newsgroups layout, built here, and
  mini_news/             the same extracted
  mini_news.json         fetch_20newsgroups on it for every setting, with full texts
  news.json              the settings run on 20news-bydate.tar.gz (or why they were not)
  news/<id>.json         for each: names, labels, label names, a sha256 and a length per
                         document, and a few full texts
  sklearn_home/          scikit-learn's cache of 20news-bydate.tar.gz (its data_home),
                         kept between runs and shared with sklearn_text.py
"""

import argparse
import hashlib
import io
import json
import random
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

import sklearn
from sklearn.datasets import _twenty_newsgroups as twenty
from sklearn.datasets import fetch_20newsgroups

NOTEBOOK_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]
ALL_REMOVE = ["headers", "footers", "quotes"]

# (subset, categories or None, remove): every subset, a few category lists (the
# notebook's, and one given out of order), each remove step alone and all three.
SETTINGS = [
    ("train", None, []),
    ("test", None, []),
    ("all", None, []),
    ("train", NOTEBOOK_CATEGORIES, []),
    ("train", NOTEBOOK_CATEGORIES, ["headers"]),
    ("train", NOTEBOOK_CATEGORIES, ["footers"]),
    ("train", NOTEBOOK_CATEGORIES, ["quotes"]),
    ("train", NOTEBOOK_CATEGORIES, ALL_REMOVE),
    ("test", ["sci.space", "alt.atheism"], ["headers", "footers"]),
    ("all", NOTEBOOK_CATEGORIES, ALL_REMOVE),
    ("all", None, ALL_REMOVE),
]


def setting_id(subset, categories, remove):
    cats = "all" if categories is None else "+".join(sorted(categories))
    return f"{subset}-{cats}-{'+'.join(remove) or 'none'}"


# ------------------------------------------------------------------- strip functions

WHITESPACE_PROBES = ["\t", "\n", "\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f", " ",
                     "\x85", "\xa0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028",
                     "\u2029", "\u202f", "\u205f", "\u3000",
                     # not whitespace for Python, though some look like it
                     "\u200b", "\ufeff", "\u180e", "\x1b", "\x00", "\xad", "\x84", "\x86"]


def strip_texts():
    texts = [
        "",
        "\n",
        "\n\n",
        "no blank line\nSubject: x\nbody",
        "From: a@b\nSubject: hello\n\nbody line\n\nsecond paragraph",
        "From: a@b\r\nSubject: crlf\r\n\r\nbody",
        "\n\nstarts with a blank line",
        "From: a\n \nline with a space is not blank",
        "body\n\n-- \nA. Signature\nSomewhere",
        "body\n----\nsig",
        "body\n---------------\n  sig after dashes  \n\n\n",
        "body\n - - \nnot a separator",
        "body\n-x-\nnot a separator",
        "single line",
        "  single line with spaces  ",
        "  \n\n  \t ",
        "line1\nline2\n\n\n",
        "first\n\nsecond",
        "a\n\nb\n\nc",
        "\n\nx",
        "x\n\n",
        "--\nonly a separator first",
        "a\n--\n--\nb",
        "body\r\n\r\n--\r\nsig\r\n",
        "> quoted\nkept\n>> twice",
        " > not at the start\nkept",
        "|pipe\nx | y\nkept",
        "In article <1@host> someone@host writes:\n> quoted\nreply",
        "  In article <1> indented is kept\nin article lower case is kept",
        "Quoted from the FAQ:\nQuoted from\nquoted from",
        "he wrote: yes\nshe said: no\nit says: maybe\nhe writes in to say\nwrites:",
        "WRITES: upper case is kept\nWrote: too\nSays: too",
        "writes:\n\n\nwrote:",
        "\n>\n\n|\n",
        "Caf\xe9 au lait\n\n\xe9t\xe9\n-- \nJos\xe9",
        "\u00dcn\u00efc\u00f6d\u00e9 writes:\n\u2014 dash\n\n\u2014\nsig \u263a",
        "body\n\x85\nsig after NEL",
        "body\n\xa0\nsig after NBSP",
        "body\n\x1c--\x1d\nsig after file separators",
        "tail spaces \xa0\x85",
    ]
    for c in WHITESPACE_PROBES:
        texts.append(f"head: {ord(c):x}\n\nbody line\n{c}\nsig{c}")
        texts.append(f"{c}x\n{c}\ny{c}")
        texts.append(f"body\n{c}--{c}\nsig")
        texts.append(f"a{c}\n\n{c}b")
    return texts


def strip_cases():
    return [{"text": t,
             "header": twenty.strip_newsgroup_header(t),
             "footer": twenty.strip_newsgroup_footer(t),
             "quoting": twenty.strip_newsgroup_quoting(t)} for t in strip_texts()]


# ------------------------------------------------------------------------- decoding

DECODING_INPUTS = [
    b"", b"plain ascii", b"caf\xc3\xa9", b"caf\xe9", b"\xef\xbb\xbfbom then text",
    b"\xef\xbb\xbfbom then a bad byte \xff", b"\xef\xbb\xbf", b"\xef\xbb", b"\xc0\xaf",
    b"\xc1\xbf", b"\xe0\x80\xaf", b"\xe0\xa0\x80", b"\xed\x9f\xbf", b"\xed\xa0\x80x",
    b"\xee\x80\x80", b"\xef\xbf\xbf", b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80",
    b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf8\x88\x80\x80\x80",
    b"\xfe\xff", b"\xff", b"\x80", b"\x80\x80abc\xbf", b"a\xc2", b"a\xc2 b", b"\xc2\xa0",
    b"\xe2\x82", b"\xe2\x82x", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xf0\x9f\x98",
    b"\xf0\x9f\x98x\xf0\x9f", b"\xe1\x80\x80\x80", b"x\xed\xbf\xbfy", b"\x00nul\x00",
    b"long ascii run before the bad byte: abcdefghijklmnopqrstuvwxyz\x85 and after",
    b"\xe9\xe8\xea mixed \xc3\xa9", b"\x85\xa0\x1c",
]


def decode_auto(data):
    """nmfkit's Encoding::Auto outside the newsgroups layout: a BOM or valid UTF-8 means
    UTF-8 (errors replaced), anything else is Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decoding_cases():
    return [{"bytes_hex": data.hex(),
             "utf8": data.decode("utf-8-sig", "replace"),
             "latin1": data.decode("latin-1"),
             "auto": decode_auto(data)} for data in DECODING_INPUTS]


# ---------------------------------------------------------- a small newsgroups corpus

MINI_GROUPS = ["alt.atheism", "comp-x.misc", "comp.graphics", "comp.graphics.algo",
               "sci.space", "talk.religion.misc"]
BODY_LINES = ["The launch was delayed again.", "I don't think so.",
              "> Quoted text from before.", ">> Older quote", "| piped quote",
              "In article <123@host.edu> joe@host.edu (Joe) writes:",
              "Joe wrote: something", "My friend said: hello", "He says: no",
              "Someone writes in to ask", "Caf\xe9 cr\xe8me and na\xefve \xfcber",
              "Price: \xa3 5 \xb1 1\xa0each", "C1 controls \x80\x85\x9f here",
              "  indented line", "", "", "tab\tseparated\tline", "----", "ok -- fine"]
SIGNATURES = ["", "\n-- \nJoe Bloggs\njoe@host.edu", "\n----------\nsig line", "\n\nThanks,\nAnn",
              "\n\n\xa0\nafter nbsp", "\n\x85\nafter nel", "\n \t \nspaced sig"]
ENDINGS = ["", "\n", "\n\n\n", "\n \n", "\xa0", "\x85", "\x1c\n", "\t"]


def mini_document(rng, group):
    lines = []
    if rng.random() < 0.9:
        lines += [f"From: user{rng.randrange(100)}@host.edu", f"Subject: Re: {group}",
                  f"Lines: {rng.randrange(5, 50)}"]
        if rng.random() < 0.8:
            lines.append("")  # the blank line ending the headers
    lines += [rng.choice(BODY_LINES) for _ in range(rng.randrange(0, 8))]
    text = "\n".join(lines) + rng.choice(SIGNATURES) + rng.choice(ENDINGS)
    if rng.random() < 0.15:
        text = text.replace("\n", "\r\n")
    return text.encode("latin-1")


def mini_files():
    """{path in the archive: bytes}, with file names whose string and numeric orders
    differ, empty and blank posts, Latin-1 bytes and CRLF line ends."""
    rng = random.Random(20)
    files = {}
    for part in ("20news-bydate-train", "20news-bydate-test"):
        for group in MINI_GROUPS:
            names = {"9", "10", "100", str(rng.randrange(1000, 99999))}
            while len(names) < rng.randrange(5, 9):
                names.add(str(rng.randrange(1, 200000)))
            for name in sorted(names):
                files[f"{part}/{group}/{name}"] = mini_document(rng, group)
    files["20news-bydate-train/sci.space/55555"] = b""
    files["20news-bydate-test/comp.graphics/66666"] = b" \n\t\n"
    return files


def write_tar_gz(path, files, order_seed):
    """Members in a scrambled order and without folder entries, as some tools write."""
    names = sorted(files)
    random.Random(order_seed).shuffle(names)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = 1_000_000_000
            tar.addfile(info, io.BytesIO(files[name]))
    path.write_bytes(buffer.getvalue())


# ------------------------------------------------------------ fetch_20newsgroups

def build_sklearn_cache(archive, data_home):
    """Runs scikit-learn's _download_20newsgroups with the download replaced by a copy of
    `archive`: its own code extracts it and writes the cache fetch_20newsgroups reads."""
    original = twenty._fetch_remote

    def local_copy(remote, dirname=None):
        target = Path(dirname) / remote.filename
        shutil.copyfile(archive, target)
        return str(target)

    twenty._fetch_remote = local_copy
    try:
        cache_path = twenty._pkl_filepath(data_home, twenty.CACHE_NAME)
        twenty._download_20newsgroups(target_dir=str(Path(data_home) / "20news_home"),
                                      cache_path=cache_path)
    finally:
        twenty._fetch_remote = original


def news_data_home(archive, checksum, out):
    """A data_home under `out` holding scikit-learn's cache of `archive` (whose sha256 is
    `checksum`), built once and shared by the oracle scripts, keyed by the checksum and
    scikit-learn's version. Built in a temporary folder and renamed, so that scripts
    running at the same time never read a half-written cache. Returns (data_home, whether
    it was built now)."""
    home = Path(out).resolve() / "sklearn_home" / f"{checksum[:16]}-sklearn{sklearn.__version__}"
    if (home / "ready").exists():
        return home, False
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="building-", dir=home.parent))
    try:
        build_sklearn_cache(archive, staging)
        (staging / "ready").write_text(checksum + "\n")
        try:
            staging.rename(home)
        except OSError:
            if not (home / "ready").exists():  # not a concurrent build that won
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return home, True


def fetch(data_home, subset, categories, remove):
    bunch = fetch_20newsgroups(data_home=str(data_home), subset=subset, categories=categories,
                               remove=tuple(remove), download_if_missing=False)
    # The cache holds the paths of the folder it was built in: keep what follows it.
    names = [str(f).split("/20news_home/", 1)[1] for f in bunch.filenames]
    return {"subset": subset, "categories": categories, "remove": remove,
            "label_names": list(bunch.target_names),
            "names": names,
            "labels": [int(t) for t in bunch.target],
            "texts": list(bunch.data)}


def mini_news(out):
    directory = out / "mini_news"
    shutil.rmtree(directory, ignore_errors=True)
    archive = out / "mini_news.tar.gz"
    write_tar_gz(archive, mini_files(), order_seed=3)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(path=directory)
    results = []
    with tempfile.TemporaryDirectory(prefix="nmfkit-sklearn-") as home:
        build_sklearn_cache(archive, home)
        for subset, categories, remove in SETTINGS:
            result = fetch(home, subset, categories, remove)
            result["id"] = setting_id(subset, categories, remove)
            results.append(result)
    return results


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def news(out, data_dir):
    # Absolute, so that the tests find it whatever their working folder.
    archive = (Path(data_dir) / "20news-bydate.tar.gz").resolve()
    (out / "news").mkdir(exist_ok=True)
    if not archive.exists():
        return {"available": False,
                "note": f"{archive} is absent; the 20 newsgroups references were not written"}
    checksum = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest = {"available": True, "archive": str(archive), "sklearn_version": sklearn.__version__,
                "archive_sha256": checksum,
                "archive_is_sklearns": checksum == twenty.ARCHIVE.checksum, "settings": []}
    started = time.perf_counter()
    home, built = news_data_home(archive, checksum, out)
    manifest["cache_build_seconds" if built else "cache_check_seconds"] = (
        time.perf_counter() - started)
    for subset, categories, remove in SETTINGS:
        started = time.perf_counter()
        result = fetch(home, subset, categories, remove)
        seconds = time.perf_counter() - started
        texts = result.pop("texts")
        n = len(texts)
        non_ascii = next((i for i, t in enumerate(texts) if not t.isascii()), 0)
        samples = sorted({0, 1, n // 2, n - 1, non_ascii})
        result.update(id=setting_id(subset, categories, remove), fetch_seconds=seconds,
                      sha256=[sha256(t) for t in texts],
                      lengths=[len(t.encode("utf-8")) for t in texts],
                      samples={str(i): texts[i] for i in samples})
        (out / "news" / f"{result['id']}.json").write_text(json.dumps(result))
        manifest["settings"].append({"id": result["id"], "subset": subset,
                                     "categories": categories, "remove": remove,
                                     "documents": n, "fetch_seconds": seconds})
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "corpus"
    out.mkdir(parents=True, exist_ok=True)

    (out / "strip_cases.json").write_text(json.dumps(strip_cases()))
    (out / "decoding_cases.json").write_text(json.dumps(decoding_cases()))
    (out / "mini_news.json").write_text(json.dumps(mini_news(out)))
    manifest = news(out, args.data_dir)
    (out / "news.json").write_text(json.dumps(manifest, indent=1))
    if manifest["available"]:
        print(f"wrote {len(manifest['settings'])} 20 newsgroups settings to {out}")
    else:
        print(manifest["note"])


if __name__ == "__main__":
    main()
