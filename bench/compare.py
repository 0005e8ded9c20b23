"""Side-by-side NMF timings: nmfkit, scikit-learn (cd, mu) and RcppML on the same
matrices, the same k and the same number of threads (issue 4).

For each run it records the objective (relative error ||X - WH|| / ||X||) after every
iteration with its time, and reports the time each tool needs to reach
  - scikit-learn cd's final objective, and
  - the common target: within 0.1% of the best final objective any tool reached,
with the final relative error, iterations and peak memory (the child's maximum RSS).

    /usr/bin/python3 bench/compare.py --nmfkit build/nmfkit [--only CASE,...] [--tools TOOL,...]

Matrices are built once under --work (default /tmp/nmfkit-bench). Results are printed as
Markdown tables and saved to WORK/compare.json.

    /usr/bin/python3 bench/compare.py --goals [--quick] --nmfkit build/nmfkit ...

measures instead the goal table of issue 14 (bench/speed_goals.py says how) and saves it to
WORK/goals.json. scikit-learn runs on OpenBLAS (--blas openblas, the default) or on the
system's libblas.so.3 (--blas system); every tool is capped at --threads threads.
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

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "20news-bydate.tar.gz"


def run_measured(command, env=None):
    """Runs a command; returns (stdout, wall seconds, peak RSS in MB of this child alone).

    The peak comes from /usr/bin/time, whose child is forked from a small process: a child
    forked from this Python process would report this process's RSS at the fork (Linux keeps
    the larger of the two across exec)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        process = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *map(str, command)],
                                 capture_output=True, text=True, env={**os.environ, **(env or {})})
        wall = time.perf_counter() - started
        if process.returncode != 0:
            sys.exit(f"compare: {' '.join(map(str, command))} failed:\n{process.stderr}")
        peak_kb = float(rss.read().split()[-1])
    return process.stdout, wall, peak_kb / 1024


# ---------------------------------------------------------------- matrices

def newsgroups(work, nmfkit, weighting):
    folder = work / f"news-{weighting}"
    if not (folder / "X.mtx").exists():
        subprocess.run([nmfkit, "vectorize", str(DATA), "--subset", "all", "--min-df", "2",
                        "--stop-words", "english", "--weighting", weighting,
                        "--out", str(folder)], check=True,
                       stdout=subprocess.DEVNULL)
    return folder / "X.mtx"


def planted_dense(work, rows=5000, cols=2000, rank=20, seed=0):
    path = work / f"dense-{rows}x{cols}.npy"
    if not path.exists():
        rng = np.random.RandomState(seed)
        X = rng.rand(rows, rank) @ rng.rand(rank, cols) + 0.1 * rng.rand(rows, cols)
        np.save(path, X)
        X.tofile(str(path) + ".f64")  # row-major raw doubles for R
        Path(str(path) + ".f64.shape").write_text(f"{rows} {cols}\n")
    return path


def synthetic_sparse(work, rows=200000, cols=50000, density=0.001, seed=0):
    path = work / f"sparse-{rows}x{cols}.mtx"
    if not path.exists():
        rng = np.random.RandomState(seed)
        nnz = int(rows * cols * density)
        flat = np.unique(rng.randint(0, rows * cols, size=nnz, dtype=np.int64))
        i, j = np.divmod(flat, cols)
        values = rng.rand(flat.size) + 0.01
        with open(path, "w") as out:
            out.write("%%MatrixMarket matrix coordinate real general\n")
            out.write(f"{rows} {cols} {flat.size}\n")
            np.savetxt(out, np.column_stack([i + 1, j + 1, values]), fmt="%d %d %.6f")
    return path


# ---------------------------------------------------------------- tools

def nmfkit_run(nmfkit, matrix, k, threads, work, solver, max_iter, tol, beta="frobenius"):
    out_dir = work / "runs" / f"nmfkit-{solver}-{Path(matrix).stem}-{k}-{beta}"
    command = [nmfkit, "fit", str(matrix), "--k", str(k), "--solver", solver, "--seed", "0",
               "--init", "nndsvda", "--max-iter", str(max_iter), "--tol", str(tol),
               "--beta-loss", beta, "--threads", str(threads), "--out", str(out_dir)]
    _, wall, peak = run_measured(command)
    model = json.loads((out_dir / "model.json").read_text())
    history = model["history"]
    # The history's clock starts when the solver does: add the time before it (reading
    # is not counted; initialisation is) so all tools are timed from the same point.
    overhead = model["seconds"] - (history["seconds"][-1] if history["seconds"] else 0)
    return {"tool": f"nmfkit {solver}", "seconds": model["seconds"], "wall": wall, "peak_mb": peak,
            "n_iter": model["n_iter"], "error": model["reconstruction_error"],
            # mu keeps no history; its iterations are scikit-learn's, so only the end counts.
            "history": [(overhead + s, float(np.sqrt(2 * f)))
                        for s, f in zip(history["seconds"], history["objective"])]
            or [(model["seconds"], model["reconstruction_error"])]}


SKLEARN_ENV = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}  # set by main()


def sklearn_run(matrix, k, solver, max_iter, tol, beta=2.0):
    command = ["/usr/bin/python3", str(HERE / "runners" / "sklearn_nmf.py"), str(matrix),
               "--k", str(k), "--solver", solver, "--max-iter", str(max_iter), "--tol", str(tol),
               "--beta-loss", str(beta)]
    out, wall, peak = run_measured(command, env=SKLEARN_ENV)
    result = json.loads(out)
    return {"tool": f"sklearn {solver}", "seconds": result["seconds"], "wall": wall,
            "peak_mb": peak, "n_iter": result["n_iter"], "error": result["error"],
            "history": result["history"], "blas": result["blas"]}


# RcppML treats seed 0 like no seed (a random start each call), so every budget of its curve
# would start elsewhere: any other seed fixes the start.
RCPPML_SEED = 1


def rcppml_run(matrix, k, threads, max_iter):
    r_matrix = str(matrix) + ".f64" if str(matrix).endswith(".npy") else str(matrix)
    command = ["Rscript", str(HERE / "runners" / "rcppml_nmf.R"), r_matrix, str(k),
               str(threads), str(max_iter), str(RCPPML_SEED)]
    out, wall, peak = run_measured(command)
    budgets = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    last = budgets[-1]
    return {"tool": "RcppML", "seconds": last["seconds"], "wall": wall, "peak_mb": peak,
            "n_iter": last["n_iter"], "error": last["error"],
            "history": [(b["seconds"], b["error"]) for b in budgets]}


# ---------------------------------------------------------------- report

def time_to(history, target):
    """The first time the error reached the target (equal up to rounding counts)."""
    for seconds, error in history:
        if error <= target * (1 + 1e-9):
            return seconds
    return None


def x_norm_of(matrix):
    if str(matrix).endswith(".npy"):
        return float(np.linalg.norm(np.load(matrix)))
    import scipy.io
    X = scipy.io.mmread(str(matrix))
    return float(np.sqrt((X.data ** 2).sum()))


def report(name, k, runs, x_norm):
    best = min(r["error"] for r in runs)
    sklearn_cd = next((r for r in runs if r["tool"] == "sklearn cd"), None)
    lines = [f"\n### {name}, k = {k}\n",
             "| tool | to sklearn cd's final objective (s) | to best +0.1% (s) | to best +0.01% (s) "
             "| total (s) | iterations | relative error | peak RSS (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        to_cd = time_to(r["history"], sklearn_cd["error"]) if sklearn_cd else None
        to_best = time_to(r["history"], best * 1.001)
        to_close = time_to(r["history"], best * 1.0001)
        fmt = lambda v: "–" if v is None else f"{v:.2f}"
        lines.append(f"| {r['tool']} | {fmt(to_cd)} | {fmt(to_best)} | {fmt(to_close)} | "
                     f"{r['seconds']:.2f} | {r['n_iter']} | {r['error'] / x_norm:.6f} | "
                     f"{r['peak_mb']:.0f} |")
        r["time_to_sklearn_cd"] = to_cd
        r["time_to_target"] = to_best
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmfkit", default=str(HERE.parent / "build" / "nmfkit"))
    parser.add_argument("--work", default="/tmp/nmfkit-bench")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated case names to run")
    parser.add_argument("--tools", default="",
                        help="comma-separated tools to run (others' saved runs are kept)")
    parser.add_argument("--blas", choices=["openblas", "system"], default="openblas",
                        help="the BLAS scikit-learn's NumPy loads")
    goals = parser.add_argument_group("issue 14's goal table (--goals)")
    goals.add_argument("--goals", action="store_true", help="measure the goal table instead")
    goals.add_argument("--quick", action="store_true",
                       help="small settings to check the script end to end (not the goals)")
    goals.add_argument("--quick-k", type=int, default=5)
    goals.add_argument("--quick-docs", type=int, default=2000)
    goals.add_argument("--quick-iterations", type=int, default=30)
    goals.add_argument("--frobenius-solver", default="default",
                       help="nmfkit fit's Frobenius solver; 'default': no --solver flag")
    goals.add_argument("--kl-solver", default="default",
                       help="nmfkit fit's Kullback-Leibler solver; 'default': no --solver flag")
    goals.add_argument("--probe", default=str(HERE.parent / "build" / "bench" /
                                                "nmfkit_bandwidth_probe"),
                       help="the copy-loop bandwidth probe (-DNMFKIT_BUILD_BENCH=ON)")
    goals.add_argument("--python-module", default=str(HERE.parent / "build" / "python"),
                       help="PYTHONPATH for the Python drop-in row ('' skips it)")
    args = parser.parse_args()
    import speed_goals
    SKLEARN_ENV.update({**speed_goals.thread_env(args.threads),
                        **speed_goals.blas_env(args.blas)})
    if args.goals:
        speed_goals.run_goals(args)
        return
    work = Path(args.work)
    (work / "runs").mkdir(parents=True, exist_ok=True)
    nmfkit = args.nmfkit
    threads = args.threads

    def frobenius_tools(matrix, k, with_sklearn):
        # The fast solvers run without early stop: the whole curve is read at each target.
        # nmfkit cd follows scikit-learn's iterations, so it runs with scikit-learn's settings.
        tools = {
            "nmfkit hals": lambda: nmfkit_run(nmfkit, matrix(), k, threads, work, "hals", 300, 0),
            "nmfkit anls": lambda: nmfkit_run(nmfkit, matrix(), k, threads, work, "anls", 300, 0),
            "nmfkit cd": lambda: nmfkit_run(nmfkit, matrix(), k, threads, work, "cd", 200, 1e-4),
        }
        if with_sklearn:
            tools["sklearn cd"] = lambda: sklearn_run(matrix(), k, "cd", 200, 1e-4)
            tools["sklearn mu"] = lambda: sklearn_run(matrix(), k, "mu", 200, 1e-4)
        tools["RcppML"] = lambda: rcppml_run(matrix(), k, threads, 256)
        return tools

    def kl_tools(matrix):
        return {
            "nmfkit mu": lambda: nmfkit_run(nmfkit, matrix(), 20, threads, work, "mu", 200, 1e-4,
                                            "kullback-leibler"),
            "sklearn mu": lambda: sklearn_run(matrix(), 20, "mu", 200, 1e-4, beta=1.0),
        }

    news = lambda: newsgroups(work, nmfkit, "tfidf")
    counts = lambda: newsgroups(work, nmfkit, "count")
    dense = lambda: planted_dense(work)
    sparse = lambda: synthetic_sparse(work)
    cases = {}
    for k in (10, 20, 50):
        cases[f"news-tfidf-k{k}"] = ("20 newsgroups tf-idf (18846 × 75568, min_df = 2)", k,
                                     frobenius_tools(news, k, True), news)
        cases[f"dense-k{k}"] = ("dense planted 5000 × 2000, rank 20 + noise", k,
                                frobenius_tools(dense, k, True), dense)
        # scikit-learn would need hours here; it is left out.
        cases[f"sparse-k{k}"] = ("synthetic sparse 200000 × 50000, 0.1% dense", k,
                                 frobenius_tools(sparse, k, False), sparse)
    cases["news-tfidf-kl"] = ("20 newsgroups tf-idf, Kullback-Leibler (mu)", 20,
                              kl_tools(news), news)
    cases["news-counts-kl"] = ("20 newsgroups counts, Kullback-Leibler (mu)", 20,
                               kl_tools(counts), counts)

    chosen = [c for c in args.only.split(",") if c] or list(cases)
    wanted = {t for t in args.tools.split(",") if t}
    results_path = work / "compare.json"
    saved = json.loads(results_path.read_text()) if results_path.exists() else {}
    for name in chosen:
        title, k, tools, matrix = cases[name]
        kept = {r["tool"]: r for r in saved.get(name, {}).get("runs", [])}
        for tool, run in tools.items():
            if not wanted or tool in wanted:
                kept[tool] = run()
        runs = [kept[tool] for tool in tools if tool in kept]
        table = report(title, k, runs, x_norm_of(matrix()))
        print(table, flush=True)
        saved[name] = {"title": title, "k": k, "threads": threads, "runs": runs, "table": table}
        results_path.write_text(json.dumps(saved, indent=1))


if __name__ == "__main__":
    main()
