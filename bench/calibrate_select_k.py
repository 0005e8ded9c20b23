#!/usr/bin/python3
"""Calibrates the rules of `nmfkit select-k` on planted data.

For every case (planted rank r, noise, shape) it writes X, runs
`nmfkit select-k --method all` once over a range of k around r, and prints the k each
candidate rule would choose from the curves in selection.json. A rule and its tolerance
are picked where they return r across the table, not from one case.

Data, as in issue 18: W (rows × r) and H (r × cols) from Gamma(1), half of H's entries
set to zero; X = W·H, then one of three noises:
  uniform5  X + U(0, 0.05·mean X)  (the issue's "5 % uniform noise")
  gauss     X + N(0, (0.25·mean X)²), clipped at 0
  poisson   Poisson counts with mean 10 per entry (X scaled first)

    /usr/bin/python3 bench/calibrate_select_k.py --nmfkit build/nmfkit [--methods cv,consensus,stability]

The curves go to stderr as each case finishes.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np


def planted(rows, cols, r, noise, seed):
    rng = np.random.default_rng(seed)
    W = rng.gamma(1.0, 1.0, (rows, r))
    H = rng.gamma(1.0, 1.0, (r, cols))
    H[rng.random((r, cols)) < 0.5] = 0
    X = W @ H
    if noise == "uniform5":
        return X + rng.uniform(0, 0.05 * X.mean(), X.shape)
    if noise == "gauss":
        return np.maximum(X + rng.normal(0, 0.25 * X.mean(), X.shape), 0)
    if noise == "poisson":
        return rng.poisson(X * (10.0 / X.mean())).astype(float)
    raise ValueError(noise)


# Candidate rules on the curves (lists of score dicts in increasing k).
def cv_one_se(s):
    best = min(s, key=lambda x: x["test_error"])
    bound = best["test_error"] + best["test_error_se"]
    return next(x["k"] for x in s if x["test_error"] <= bound)


def cv_tol(t):
    def rule(s):
        low = min(x["test_error"] for x in s)
        return next(x["k"] for x in s if x["test_error"] <= (1 + t) * low)
    return rule


def cv_log_share(t):
    """The smallest k whose log error is within a share t of the way down the curve's
    descent (from its highest log error before the lowest, to the lowest)."""
    def rule(s):
        logs = [math.log(max(x["test_error"], 1e-300)) for x in s]
        best = logs.index(min(logs))
        low, high = logs[best], max(logs[:best + 1])
        return next(x["k"] for x, v in zip(s, logs) if v <= low + t * (high - low))
    return rule


def cv_linear_share(t):
    """The same on the errors themselves: k reaches all but a share t of the drop."""
    def rule(s):
        e = [x["test_error"] for x in s]
        best = e.index(min(e))
        low, high = e[best], max(e[:best + 1])
        return next(x["k"] for x, v in zip(s, e) if v <= low + t * (high - low))
    return rule


def cv_biggest_drop(s):
    drops = [(math.log(a["test_error"]) - math.log(b["test_error"]), b["k"]) for a, b in zip(s, s[1:])]
    return max(drops)[1]


def coph_tol(t):
    def rule(s):
        high = max(x["cophenetic"] for x in s)
        return max(x["k"] for x in s if x["cophenetic"] >= high - t)
    return rule


def coph_first_drop(t):
    def rule(s):
        for a, b in zip(s, s[1:]):
            if b["cophenetic"] < a["cophenetic"] - t:
                return a["k"]
        return s[-1]["k"]
    return rule


def tol_of_highest(key, t):
    def rule(s):
        high = max(x[key] for x in s)
        return max(x["k"] for x in s if x[key] >= high - t)
    return rule


def sil_threshold(key, t):
    def rule(s):
        ok = [x["k"] for x in s if x[key] >= t]
        return max(ok) if ok else max(s, key=lambda x: x[key])["k"]
    return rule


RULES = {
    "cv 1se": cv_one_se,
    "cv tol.02": cv_tol(0.02),
    "cv tol.05": cv_tol(0.05),
    "cv tol.10": cv_tol(0.10),
    "cv tol.20": cv_tol(0.20),
    "cv drop": cv_biggest_drop,
    "cv log.02": cv_log_share(0.02),
    "cv log.05": cv_log_share(0.05),
    "cv log.10": cv_log_share(0.10),
    "cv lin.01": cv_linear_share(0.01),
    "cv lin.05": cv_linear_share(0.05),
    "stab .8": sil_threshold("min_silhouette", 0.8),
    "coph .005": coph_tol(0.005),
    "coph .01": coph_tol(0.01),
    "coph .02": coph_tol(0.02),
    "coph .05": coph_tol(0.05),
    "cophfd .02": coph_first_drop(0.02),
    "cnmf tol.02": lambda s: tol_of_highest("cnmf_silhouette", 0.02)(s),
    "cnmf tol.05": lambda s: tol_of_highest("cnmf_silhouette", 0.05)(s),
    "cnmf tol.10": lambda s: tol_of_highest("cnmf_silhouette", 0.10)(s),
    "cnmf .8": sil_threshold("cnmf_silhouette", 0.8),
    "cnmf .9": sil_threshold("cnmf_silhouette", 0.9),
}


RULES_NEED = {n: ("test_error" if n.startswith("cv") else "min_silhouette" if n.startswith("stab")
                  else "cophenetic" if n.startswith("coph") else "cnmf_silhouette")
              for n in RULES}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--ranks", default="3,7,15")
    parser.add_argument("--noises", default="uniform5,gauss,poisson")
    parser.add_argument("--shapes", default="400x250,150x600")
    parser.add_argument("--methods", default="cv,consensus",
                        help="select-k runs per case (consensus also gives the cnmf scores)")
    parser.add_argument("--below", type=int, default=2, help="k from r - below")
    parser.add_argument("--above", type=int, default=4, help="k up to r + above")
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--perturbations", type=int, default=6)
    parser.add_argument("--curves", help="also write every case's curves to this JSON file")
    args = parser.parse_args()
    names = list(RULES)
    print("case\t" + "\t".join(names), flush=True)
    hits = {n: 0 for n in names}
    cases = 0
    curves = {}
    with tempfile.TemporaryDirectory() as work:
        for shape in args.shapes.split(","):
            rows, cols = (int(v) for v in shape.split("x"))
            for r in (int(v) for v in args.ranks.split(",")):
                for noise in args.noises.split(","):
                    X = planted(rows, cols, r, noise, seed=1000 * r + rows)
                    path = os.path.join(work, "X.npy")
                    np.save(path, X)
                    out = os.path.join(work, "sel")
                    low, high = max(2, r - args.below), r + args.above
                    scores = {}
                    for method in args.methods.split(","):
                        subprocess.run([args.nmfkit, "select-k", path, "--k", f"{low}:{high}",
                                        "--method", method, "--seed", "1",
                                        "--restarts", str(args.restarts),
                                        "--perturbations", str(args.perturbations),
                                        "--out", out], check=True, capture_output=True)
                        with open(os.path.join(out, "selection.json")) as f:
                            for s in json.load(f)["scores"]:
                                merged = scores.setdefault(s["k"], {})
                                merged.update({key: v for key, v in s.items() if v is not None})
                    scores = [scores[k] for k in sorted(scores)]
                    name = f"{shape} r={r} {noise}"
                    curves[name] = scores
                    chosen = [RULES[n](scores) if all(RULES_NEED[n] in x for x in scores)
                              else "-" for n in names]
                    for key in ("test_error", "min_silhouette", "cophenetic", "cnmf_silhouette"):
                        if key in scores[0]:
                            print(f"  {name} {key}: " +
                                  " ".join(f"{x['k']}:{x[key]:.4g}" for x in scores),
                                  file=sys.stderr, flush=True)
                    cases += 1
                    for n, k in zip(names, chosen):
                        hits[n] += k == r
                    print(name + "\t" + "\t".join(str(k) for k in chosen), flush=True)
    print("hits/" + str(cases) + "\t" + "\t".join(str(hits[n]) for n in names))
    if args.curves:
        with open(args.curves, "w") as f:
            json.dump(curves, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
