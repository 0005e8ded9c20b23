"""Label-free clustering against labels (issue 18): does the resolution chosen without labels
give clusters that agree with the labels at least as well as each sample's dominant topic?

Two labelled corpora:
- the 20 newsgroups (train, 11 314 posts, tf-idf, k = 20 topics): `nmfkit topics --cluster`;
- the handwritten digits that Debian's python3-sklearn ships (1797 images of 8 × 8 pixel
  counts, 10 digits, k = 10 topics): `nmfkit fit`, then `nmfkit cluster` on the pixel counts.

For each, the dominant topic (argmax of a sample's topic proportions) is the baseline; the
clustering is run once per --partition-loss value, and tuning.tsv's label_nmi column gives
the NMI of every Leiden run, so the whole curve against the resolution is printed too.

    /usr/bin/python3 bench/cluster_labels.py --nmfkit build/nmfkit [--corpora digits,newsgroups]
        [--criteria both,kernel,centroid] [--keep DIR]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np


def run(*args):
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{out.stderr}")
    return out.stdout


def nmi(a, b):
    from sklearn.metrics import normalized_mutual_info_score
    return normalized_mutual_info_score(a, b)


def curve(tuning):
    """Per resolution: mean clusters, masked-kernel loss, centroid loss and label NMI."""
    rows = defaultdict(list)
    with open(tuning) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["stage"] == "resolution":
                rows[float(r["resolution"])].append(r)
    out = []
    for gamma in sorted(rows):
        rs = rows[gamma]
        mean = lambda key: float(np.mean([float(r[key]) for r in rs]))
        out.append((gamma, mean("clusters"), mean("loss"), mean("centroid_loss"),
                    mean("label_nmi")))
    return out


def report(name, folder, dominant_nmi, criterion):
    summary = json.loads((folder / "summary.json").read_text())
    c = summary.get("clustering", summary)
    chosen = c["label_scores"]["nmi"]
    print(f"{name}\t{criterion}\tresolution {c['parameters']['resolution']:.4g}\tneighbours {c['parameters']['neighbors']}\t"
          f"{c['clusters']} clusters\tNMI {chosen:.3f}\tdominant topic NMI {dominant_nmi:.3f}\t"
          f"{'ok' if chosen >= dominant_nmi and c['clusters'] > 1 else 'BELOW'}", flush=True)
    return c


def digits(nmfkit, work, criteria, extra):
    from sklearn.datasets import load_digits
    data = load_digits()
    np.save(work / "digits.npy", data.data.astype(np.float64))
    (work / "digits-labels.txt").write_text("".join(f"{y}\n" for y in data.target))
    if not (work / "digits-fit" / "model.json").exists():
        run(nmfkit, "fit", work / "digits.npy", "--k", 10, "--seed", 0, "--out", work / "digits-fit")
    W = np.load(work / "digits-fit" / "W.npy")
    dominant = nmi(data.target, W.argmax(axis=1))
    for criterion in criteria:
        out = work / f"digits-cluster-{criterion}"
        run(nmfkit, "cluster", work / "digits.npy", "--embedding", work / "digits-fit" / "W.npy",
            "--labels", work / "digits-labels.txt", "--partition-loss", criterion, *extra,
            "--out", out)
        report("digits", out, dominant, criterion)
    return out


def newsgroups(nmfkit, work, data_dir, criteria, extra):
    archive = Path(data_dir) / "20news-bydate.tar.gz"
    model = work / "ng20"
    if not (model / "X.mtx").exists():
        run(nmfkit, "topics", archive, "--subset", "train", "--k", 20, "--seed", 0,
            "--save-matrix", "--out", model)
    dominant = json.loads((model / "summary.json").read_text())["label_scores"]["nmi"]
    for criterion in criteria:
        out = work / f"ng20-cluster-{criterion}"
        run(nmfkit, "cluster", model, "--partition-loss", criterion, *extra, "--out", out)
        report("newsgroups", out, dominant, criterion)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--data", default=os.environ.get("NMFKIT_DATA_DIR", "../shared/data"))
    parser.add_argument("--corpora", default="digits,newsgroups")
    parser.add_argument("--criteria", default="both,kernel,centroid")
    parser.add_argument("--cluster-args", default="", help="more flags for `nmfkit cluster`")
    parser.add_argument("--curves", action="store_true", help="print NMI against resolution")
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()
    nmfkit = Path(args.nmfkit).resolve()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="nmfkit-clusters-"))
    work.mkdir(parents=True, exist_ok=True)
    criteria = args.criteria.split(",")
    extra = args.cluster_args.split()
    for corpus in args.corpora.split(","):
        last = (digits(nmfkit, work, criteria, extra) if corpus == "digits"
                else newsgroups(nmfkit, work, args.data, criteria, extra))
        if args.curves:
            print("resolution\tclusters\tmasked_kernel_loss\tcentroid_loss\tsum\tlabel_nmi")
            for gamma, clusters, loss, centroid, label_nmi in curve(last / "tuning.tsv"):
                print(f"{gamma:.4g}\t{clusters:.1f}\t{loss:.6e}\t{centroid:.6e}\t"
                      f"{loss + centroid:.6e}\t{label_nmi:.3f}")


if __name__ == "__main__":
    main()
