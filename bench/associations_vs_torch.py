#!/usr/bin/python3
"""mTopic's feature_associations as PyTorch runs it (a per-feature Python loop of Adam
steps, float32, as mTopic does) against `nmfkit associate --mode faithful` on the same input.

Two problems: a genomic-window mask (targets x sources with ~--window consecutive sources
allowed per target, as genes and the peaks near them) and an unmasked one on fewer
targets. PyTorch is timed on --torch-targets targets of each and extrapolated per target to
the whole problem (the targets are independent and alike); nmfkit runs every target. The
table gives both times, the speed-up and the largest |difference| between the weights over
the targets both computed (PyTorch float32 against nmfkit float64, so ~1e-6 is float32's
rounding, not a disagreement).

    /usr/bin/python3 bench/associations_vs_torch.py --nmfkit build/nmfkit

Run it on a quiet machine (load below 2): both sides use --threads threads.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "oracles"))
from torch_associations import solve_target  # noqa: E402  (the tests' reference loop)


def mtopic_feature_associations(A, B, mask, n_epochs, targets):
    """The per-feature loop of the specification at mTopic's defaults, on float32 tensors,
    restricted to the given target columns. Returns the P x len(targets) weights."""
    out = np.zeros((B.shape[1], len(targets)))
    for column, g in enumerate(targets):
        allowed = torch.arange(B.shape[1]) if mask is None else torch.nonzero(mask[:, g])[:, 0]
        if len(allowed) == 0:
            continue
        x = solve_target(A[:, g], B[:, allowed], n_epochs, lambda_reg=1e-4, lambda_entropy=1e-3,
                         lambda_spread=0.05, temperature=0.2)
        out[allowed.numpy(), column] = x.numpy()
    return out


def loadings(rng, topics, features):
    """Row-normalised topic loadings, as mTopic's feature_associations_data returns them."""
    M = rng.gamma(0.3, 1.0, (topics, features)) + 1e-4
    return M / M.sum(axis=1, keepdims=True)


def window_mask(rng, sources, targets, window):
    """Each target allows the ~window sources nearest its position on a line."""
    positions = np.sort(rng.uniform(0, sources, targets))
    mask = np.zeros((sources, targets), dtype=bool)
    for g, c in enumerate(positions):
        low = int(np.clip(round(c) - window // 2, 0, sources - window))
        mask[low:low + window, g] = True
    return mask


def run_problem(name, A, B, mask, args, workdir):
    targets = list(range(min(args.torch_targets, A.shape[1])))
    At, Bt = torch.tensor(A, dtype=torch.float32), torch.tensor(B, dtype=torch.float32)
    mt = None if mask is None else torch.tensor(mask)
    start = time.perf_counter()
    reference = mtopic_feature_associations(At, Bt, mt, args.epochs, targets)
    torch_per_target = (time.perf_counter() - start) / len(targets)

    folder = workdir / name
    folder.mkdir()
    np.save(folder / "A.npy", A)
    np.save(folder / "B.npy", B)
    command = [args.nmfkit, "associate", str(folder / "A.npy"), str(folder / "B.npy"),
               "--out", str(folder / "out"), "--mode", "faithful", "--n-epochs",
               str(args.epochs), "--threads", str(args.threads), "--dense", "--top", "1"]
    if mask is not None:
        scipy.io.mmwrite(str(folder / "mask.mtx"), scipy.sparse.coo_matrix(mask.astype(float)))
        command += ["--mask", str(folder / "mask.mtx")]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    nmfkit_wall = time.perf_counter() - start
    nmfkit_seconds = json.loads((folder / "out" / "associations.json").read_text())["seconds"]
    W = np.load(folder / "out" / "associations.npy")
    difference = np.max(np.abs(W[:, targets] - reference))
    torch_total = torch_per_target * A.shape[1]
    allowed = B.shape[1] if mask is None else mask.sum(axis=0).mean()
    return {"problem": name, "T": A.shape[0], "targets": A.shape[1], "sources": B.shape[1],
            "allowed": allowed, "torch_timed": len(targets), "torch_per_target": torch_per_target,
            "torch_total": torch_total, "nmfkit_total": nmfkit_seconds, "nmfkit_wall": nmfkit_wall,
            "speedup": torch_total / nmfkit_seconds, "max_diff": difference}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmfkit", required=True, help="the nmfkit binary")
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--window", type=int, default=50)
    parser.add_argument("--unmasked-targets", type=int, default=20)
    parser.add_argument("--unmasked-sources", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=10000)
    parser.add_argument("--torch-targets", type=int, default=4,
                        help="targets PyTorch is timed on per problem (then extrapolated)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.RandomState(args.seed)

    print(f"load average: {os.getloadavg()[0]:.2f}; torch {torch.__version__}, "
          f"{args.threads} threads each; {args.epochs} epochs")
    A = loadings(rng, args.topics, args.targets)
    B = loadings(rng, args.topics, args.sources)
    mask = window_mask(rng, args.sources, args.targets, args.window)
    Au = loadings(rng, args.topics, args.unmasked_targets)
    Bu = loadings(rng, args.topics, args.unmasked_sources)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run_problem("window mask", A, B, mask, args, Path(tmp)),
                run_problem("unmasked", Au, Bu, None, args, Path(tmp))]
    header = (f"{'problem':<12} {'T':>3} {'targets':>7} {'sources':>7} {'per target':>10} "
              f"{'torch s/target':>14} {'torch total s':>13} {'nmfkit s':>9} {'speed-up':>9} "
              f"{'max |diff|':>10}")
    print(header)
    for r in rows:
        print(f"{r['problem']:<12} {r['T']:>3} {r['targets']:>7} {r['sources']:>7} "
              f"{r['allowed']:>10.0f} {r['torch_per_target']:>14.3f} {r['torch_total']:>13.1f} "
              f"{r['nmfkit_total']:>9.3f} {r['speedup']:>8.0f}x {r['max_diff']:>10.2e}")
    print(f"(torch timed on {rows[0]['torch_timed']} targets per problem and extrapolated; "
          f"nmfkit ran all; float32 torch vs float64 nmfkit)")


if __name__ == "__main__":
    main()
