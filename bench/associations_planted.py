"""Planted associations (issue 18), for comparing two builds of `nmfkit associate` on the
same inputs: targets exactly proportional to one source, and targets that are mixtures of 5
sources inside a window of 50 allowed ones (10 % multiplicative noise), with sparse
(Dirichlet(0.05)) or denser (Gamma(0.3)) topic profiles over 20 topics and 400 sources.

    /usr/bin/python3 bench/associations_planted.py --nmfkit build/nmfkit [--nmfkit OTHER] [--seeds 3]
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse

T, P, G = 20, 400, 60


def sources(rng, shape):
    if shape == "rows":
        # Each topic a Dirichlet(0.05) distribution over the sources, as a topic model's β.
        return rng.dirichlet(np.full(P, 0.05), size=T)
    profiles = rng.gamma(shape, size=(T, P)) + (1e-4 if shape >= 0.3 else 0.0)
    profiles /= profiles.sum(axis=0, keepdims=True)
    B = profiles * np.exp(1.5 * rng.standard_normal(P))
    return B / B.sum(axis=1, keepdims=True)


def associate(nmfkit, work, A, B, mask=None, top=5, normalize=False):
    np.save(work / "A.npy", A)
    np.save(work / "B.npy", B)
    args = [nmfkit, "associate", work / "A.npy", work / "B.npy", "--top", top,
            "--out", work / "out"] + ([] if normalize else ["--no-normalize"])
    if mask is not None:
        scipy.io.mmwrite(str(work / "mask.mtx"), mask)
        args += ["--mask", work / "mask.mtx"]
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr)
    ranked = {}
    for line in (work / "out" / "associations.tsv").read_text().splitlines()[1:]:
        target, source, _, _ = line.split("\t")
        ranked.setdefault(int(target), []).append(int(source))
    return ranked


def proportional(nmfkit, work, rng, shape, normalize):
    """Targets = a random multiple of a source each; A is only these 60 columns."""
    B = sources(rng, shape)
    planted = rng.integers(0, P, G)
    A = B[:, planted] * np.exp(rng.standard_normal(G))
    ranked = associate(nmfkit, work, A, B, top=1, normalize=normalize)
    return sum(ranked.get(g, [-1])[0] == planted[g] for g in range(G))


def mixtures(nmfkit, work, rng, shape, window=50, planted=5):
    B = sources(rng, shape)
    profiles = B / B.sum(axis=0, keepdims=True)
    A = np.zeros((T, G))
    rows, cols, truth = [], [], []
    for g in range(G):
        first = rng.integers(0, P - window)
        rows += list(range(first, first + window))
        cols += [g] * window
        chosen = rng.choice(np.arange(first, first + window), planted, replace=False)
        A[:, g] = profiles[:, chosen] @ (0.1 + 0.2 * rng.random(planted))
        A[:, g] *= np.exp(0.1 * rng.standard_normal(T))
        A[:, g] *= 0.02 / A[:, g].sum()
        truth.append(set(chosen))
    mask = scipy.sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(P, G))
    ranked = associate(nmfkit, work, A, B, mask=mask)
    return sum(len(truth[g] & set(ranked.get(g, []))) for g in range(G)) / (G * planted)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nmfkit", action="append", default=[])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    binaries = [Path(b).resolve() for b in (args.nmfkit or ["build/nmfkit"])]
    work = Path(tempfile.mkdtemp(prefix="nmfkit-planted-"))
    print("build\tprofiles\tseed\tproportional ranked first of 60 (default normalisation)\t"
          "(--no-normalize)\tprecision at 5 (mixtures)")
    for nmfkit in binaries:
        for shape, name in (("rows", "topics ~ Dirichlet(0.05) over sources"),
                            (0.05, "sources ~ Dirichlet(0.05) over topics"),
                            (0.3, "sources ~ Gamma(0.3) over topics")):
            for seed in range(args.seeds):
                first = proportional(nmfkit, work, np.random.default_rng(seed), shape, True)
                raw = proportional(nmfkit, work, np.random.default_rng(seed), shape, False)
                precision = mixtures(nmfkit, work, np.random.default_rng(100 + seed), shape)
                print(f"{nmfkit}\t{name}\t{seed}\t{first}\t{raw}\t{precision:.3f}", flush=True)


if __name__ == "__main__":
    main()
