"""Subject <-> body associations on the 20 newsgroups (issue 18): the Subject: line and the
body of each post are two modalities of the same documents; a topic model is fitted to both
(joint NMF or MTM) and `nmfkit associate` explains each frequent term of one modality by terms
of the other. A term's theme is the newsgroup where it occurs most; precision at 5 is the
share of a target's five strongest sources that have the target's theme (chance: the share
of source terms of that theme, printed beside it).

    /usr/bin/python3 bench/newsgroups_associations.py --nmfkit build/nmfkit
        [--categories all|a,b,c] [--k 20] [--targets 200] [--models joint-nmf,mtm]
        [--mtm-args "..."] [--keep DIR]
"""

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import scipy.io

FOUR = "sci.space,rec.sport.hockey,sci.crypt,comp.sys.ibm.pc.hardware"


def run(*args):
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{out.stderr}")
    return out.stdout


def themes(folder):
    """Each term's theme (argmax over groups of its count) and document frequency."""
    X = scipy.io.mmread(str(folder / "X.mtx")).tocsc()
    vocabulary = (folder / "vocabulary.txt").read_text().splitlines()
    labels = [line.split("\t")[1]
              for line in (folder / "documents.tsv").read_text().splitlines()[1:]]
    groups = sorted(set(labels))
    Y = np.array([[label == g for g in groups] for label in labels], dtype=float)
    by_group = np.asarray(X.T @ Y)
    df = np.asarray((X > 0).sum(axis=0)).ravel()
    return dict(zip(vocabulary, by_group.argmax(axis=1))), vocabulary, df


def precision_at_5(nmfkit, work, model, target, source, n_targets, theme, extra, label):
    target_theme, vocabulary, df = theme[target]
    source_theme = theme[source][0]
    targets = [vocabulary[j] for j in np.argsort(-df, kind="stable")[:n_targets]]
    out = work / f"links-{model}-{target}-{label}"
    run(nmfkit, "associate", work / model / target, work / model / source, "--targets",
        ",".join(targets), "--top", 5, "--out", out, *extra)
    hits = {}
    for line in (out / "associations.tsv").read_text().splitlines()[1:]:
        t, s, _, _ = line.split("\t")
        hits.setdefault(t, []).append(source_theme[s] == target_theme[t])
    precision = float(np.mean([np.mean(h) for h in hits.values()]))
    # Chance: a source drawn uniformly from the source vocabulary has the target's theme.
    share = np.bincount(list(source_theme.values()), minlength=64) / len(source_theme)
    chance = float(np.mean([share[target_theme[t]] for t in hits]))
    return precision, chance, len(hits)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--data", default=os.environ.get("NMFKIT_DATA_DIR", "../shared/data"))
    parser.add_argument("--categories", default=FOUR, help="'all' or comma-separated groups")
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--models", default="joint-nmf,mtm")
    parser.add_argument("--fit-args", default="--tfidf subject,body --scale-counts 10000",
                        help="preprocessing flags of `multimodal fit` (the documented example's)")
    parser.add_argument("--mtm-args", default="", help="more flags for `multimodal fit --model mtm`")
    parser.add_argument("--tag", default="", help="suffix of the model folders (variants)")
    parser.add_argument("--modes", default="corrected")
    parser.add_argument("--directions", default="body<-subject,subject<-body")
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()
    nmfkit = Path(args.nmfkit).resolve()
    archive = Path(args.data) / "20news-bydate.tar.gz"
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="nmfkit-assoc-"))
    work.mkdir(parents=True, exist_ok=True)
    categories = [] if args.categories == "all" else ["--categories", args.categories]
    if not (work / "body" / "X.mtx").exists():
        run(nmfkit, "vectorize", archive, *categories, "--part", "subject", "--weighting",
            "count", "--min-df", 5, "--out", work / "subject")
        run(nmfkit, "vectorize", archive, *categories, "--part", "body", "--remove",
            "footers,quotes", "--weighting", "count", "--min-df", 5, "--max-df", 0.5,
            "--out", work / "body")
    theme = {m: themes(work / m) for m in ("subject", "body")}
    print(f"categories: {args.categories}, k = {args.k}, {args.targets} most frequent targets")
    print("model\ttarget <- source\tmode\tprecision@5\tchance\ttargets")
    for model in args.models.split(","):
        name = model + args.tag
        if not (work / name / "body" / "components.npy").exists():
            extra = shlex.split(args.fit_args)
            if model != "joint-nmf":
                extra += shlex.split(args.mtm_args)
            run(nmfkit, "multimodal", "fit", "--model", model, "--modality", "subject=" +
                str(work / "subject"), "--modality", "body=" + str(work / "body"), "--k", args.k,
                "--seed", 0, *extra, "--out", work / name)
        for direction in args.directions.split(","):
            target, source = direction.split("<-")
            for number, mode in enumerate(args.modes.split(",")):
                flags = ["--mode", mode] if mode in ("faithful", "corrected") else shlex.split(mode)
                p, chance, n = precision_at_5(nmfkit, work, name, target, source, args.targets,
                                              theme, flags, number)
                print(f"{name}\t{target} <- {source}\t{mode}\t{p:.3f}\t{chance:.3f}\t{n}",
                      flush=True)

if __name__ == "__main__":
    main()
