"""Peak memory and time of fitting a corpus in memory (`nmfkit vectorize`, then `nmfkit fit
X.mtx --solver minibatch`) against `nmfkit fit CORPUS --out-of-core` (the corpus read a
document at a time, vectorised into a temporary file, fitted from it by rows), on a
synthetic corpus written here into a temporary folder (never committed). Both ways must
write the same W, H and vocabulary, bit for bit (the script checks).

    /usr/bin/python3 bench/out_of_core_corpus_memory.py --documents 100000 --words 120

Peak memory is each command's maximum resident set size, from wait4's rusage; the corpus
is written by a child process so that this script stays small.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from peak_memory import add_fit_arguments, assert_same_factors, fit_flags, print_table, run


WRITER = """
import sys, tarfile
from pathlib import Path
import numpy as np
root, documents, words, vocabulary, archive = (Path(sys.argv[1]), int(sys.argv[2]),
                                                int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
rng = np.random.RandomState(0)
letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
def word(i):
    out = "w"
    while True:
        out += letters[i % 26]
        i //= 26
        if i == 0:
            return out
names = [word(i) for i in range(vocabulary)]
# Ten topics, each a Zipf law over its own shuffle of the vocabulary.
ranks = np.arange(1, vocabulary + 1, dtype=float)
cdf = np.cumsum(1 / ranks)
cdf /= cdf[-1]
topics = [rng.permutation(vocabulary) for _ in range(10)]
for d in range(documents):
    folder = root / f"group{d % 20:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    topic = topics[rng.randint(10)]
    draws = rng.rand(rng.randint(words // 2, 3 * words // 2))
    picks = topic[np.minimum(np.searchsorted(cdf, draws), vocabulary - 1)]
    (folder / f"{d}").write_text(" ".join(names[i] for i in picks) + "\\n")
if archive != "-":
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname=root.name)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100000)
    parser.add_argument("--words", type=int, default=120, help="mean words per document")
    parser.add_argument("--vocabulary", type=int, default=50000)
    parser.add_argument("--archive", action="store_true", help="fit a .tar.gz of the corpus")
    add_fit_arguments(parser)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nmfkit-ooc-corpus-"))
    try:
        folder = work / "corpus"
        archive = work / "corpus.tar.gz"
        subprocess.run([sys.executable, "-c", WRITER, str(folder), str(args.documents),
                        str(args.words), str(args.vocabulary),
                        str(archive) if args.archive else "-"], check=True)
        corpus = archive if args.archive else folder
        text_mib = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
        print(f"corpus: {args.documents} documents, {text_mib:.0f} MiB of text"
              + (f", {archive.stat().st_size / 2**20:.0f} MiB as .tar.gz" if args.archive else ""))
        fit = fit_flags(args)
        rows = [("vectorize (in memory)",
                 *run([args.nmfkit, "vectorize", str(corpus), "--out", str(work / "vec")]))]
        rows.append(("fit X.mtx (in memory)",
                     *run([args.nmfkit, "fit", str(work / "vec" / "X.mtx"), *fit,
                           "--out", str(work / "loaded")])))
        rows.append(("fit CORPUS --out-of-core",
                     *run([args.nmfkit, "fit", str(corpus), *fit, "--out-of-core",
                           "--out", str(work / "streamed")])))
        assert_same_factors(work / "loaded", work / "streamed")
        assert ((work / "vec" / "vocabulary.txt").read_bytes() ==
                (work / "streamed" / "vocabulary.txt").read_bytes()), "vocabularies differ"
        terms = len((work / "vec" / "vocabulary.txt").read_text().splitlines())
        print(f"X: {args.documents} x {terms}, X.mtx {(work / 'vec' / 'X.mtx').stat().st_size / 2**20:.0f} MiB")
        print_table("step", rows)
        print("W, H and the vocabulary are bitwise equal.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
