"""The goal table of issue 14 ("Speed II"): each goal measured as a ratio in one run, on the
same machine, every tool on the same number of threads (2), scikit-learn on OpenBLAS.

    /usr/bin/python3 bench/compare.py --goals --nmfkit build/nmfkit \\
        [--probe build/bench/nmfkit_bandwidth_probe] [--frobenius-solver hals] \\
        [--kl-solver mu] [--python-module build/python] [--quick]

Every fit starts from a fresh process. Times are from the start of the fit, initialisation
included, reading the file excluded:
  - nmfkit: `seconds` of model.json (the whole library fit: initialisation, iterations and the
    final error); a time to a target loss adds the part of `seconds` not covered by the
    per-iteration history (initialisation and final error) to the history's time;
  - scikit-learn: fit_transform in the runner (bench/runners/sklearn_nmf.py, no hooks);
  - RcppML: RcppML::nmf in R (its transposition and random start included).
Final losses are evaluated here, by one function per loss, from each tool's W and H
(RcppML's in R, by the same Gram-matrix formula).

The raw results go to WORK/goals.json (WORK/goals-quick.json with --quick); the goal table
is printed as Markdown.
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse as sp

import compare

HERE = Path(__file__).resolve().parent
OPENBLAS_DIR = Path("/usr/lib/x86_64-linux-gnu/openblas-pthread")
MB = 1e6  # decimal megabytes throughout


# ---------------------------------------------------------------- environment

def thread_env(threads):
    """Caps every thread pool a child may start: OpenMP (nmfkit, RcppML, scikit-learn's
    Cython), OpenBLAS and, if present, MKL."""
    n = str(threads)
    return {"OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "MKL_NUM_THREADS": n}


def blas_env(blas):
    """Points Debian's NumPy at OpenBLAS for the child alone: libblas.so.3 and liblapack.so.3
    are found in OpenBLAS's folder first. The system's alternative is left as it is, so the
    tests' scikit-learn oracles keep running on whatever BLAS the machine has."""
    if blas == "system":
        return {}
    if not (OPENBLAS_DIR / "libblas.so.3").exists():
        sys.exit(f"compare: no OpenBLAS in {OPENBLAS_DIR}; run bench/install-bench-deps.sh "
                 "(libopenblas0-pthread) or pass --blas system")
    previous = os.environ.get("LD_LIBRARY_PATH", "")
    return {"LD_LIBRARY_PATH": str(OPENBLAS_DIR) + (":" + previous if previous else "")}


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    flags = next((line.split(":", 1)[1].split() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")), [])
    return {"cpu": cpu, "cores": os.cpu_count(),
            "simd": [f for f in ("sse2", "avx", "avx2", "fma", "avx512f") if f in flags],
            "memory_gb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9,
            "platform": platform.platform()}


# ---------------------------------------------------------------- matrices

_loaded = {}


def load_csr(path):
    """The .mtx as a SciPy CSR matrix, cached as .npz next to it (mmread is slow)."""
    path = Path(path)
    if path in _loaded:
        return _loaded[path]
    cache = path.with_suffix(".npz")
    if cache.exists() and cache.stat().st_mtime >= path.stat().st_mtime:
        X = sp.load_npz(cache).tocsr()
    else:
        X = sp.csr_matrix(scipy.io.mmread(str(path)))
        sp.save_npz(cache, X, compressed=False)
    _loaded[path] = X
    return X


def first_documents(path, n_docs, out):
    """The first n_docs rows of a corpus matrix, terms no kept document uses dropped."""
    if not out.exists():
        X = load_csr(path)[:n_docs]
        used = np.unique(X.indices)
        scipy.io.mmwrite(str(out), X[:, used], field="real", precision=17)
    return out


def csr_bytes(rows, nnz):
    """nmfkit's CSR: 8-byte values, 8-byte column indices, rows + 1 8-byte row pointers."""
    return 16 * nnz + 8 * (rows + 1)


def product_traffic(rows, cols, nnz, k):
    """Bytes the two products of an iteration must move at least: X·Hᵀ reads X (CSR) and
    H (cols × k) and writes rows × k; Xᵀ·W reads Xᵀ (CSR, cols + 1 row pointers) and W
    (rows × k) and writes cols × k. Each read or written once, no write-allocate."""
    x_times_ht = csr_bytes(rows, nnz) + 8 * cols * k + 8 * rows * k
    xt_times_w = csr_bytes(cols, nnz) + 8 * rows * k + 8 * cols * k
    return x_times_ht, xt_times_w


# ---------------------------------------------------------------- losses

def frobenius_loss(X, W, H):
    """0.5 ‖X − WH‖² by the Gram trick (no dense m × n)."""
    cross = float(np.sum(np.asarray(X @ H.T) * W))
    gram = float(np.sum((W.T @ W) * (H @ H.T)))
    return 0.5 * max(X.multiply(X).sum() - 2 * cross + gram, 0.0)


def kl_divergence(X, W, H, chunk=1 << 18):
    """D(X ‖ WH) = Σ x log(x / wh) − Σ x + Σ WH over the non-zeros (Σ WH by column sums)."""
    coo = X.tocoo()
    total = 0.0
    for start in range(0, coo.nnz, chunk):
        rows = coo.row[start:start + chunk]
        cols = coo.col[start:start + chunk]
        x = coo.data[start:start + chunk]
        wh = np.einsum("ij,ji->i", W[rows], H[:, cols])
        total += float(np.sum(x * np.log(x / wh)))
    return total - float(coo.data.sum()) + float(W.sum(axis=0) @ H.sum(axis=1))


def loss_of(X, W, H, beta):
    return frobenius_loss(X, W, H) if beta == "frobenius" else kl_divergence(X, W, H)


# ---------------------------------------------------------------- tools

def run_child(command, env):
    load = os.getloadavg()[0]
    out, wall, peak_mb = compare.run_measured(command, env=env)
    return out, wall, peak_mb * 1024 * 1024 / MB, load


def nmfkit_fit(ctx, matrix, k, solver, beta, extra=(), tag=""):
    out_dir = ctx["work"] / "goal-runs" / f"nmfkit-{Path(matrix).stem}-{beta}-{solver}-k{k}{tag}"
    command = [ctx["nmfkit"], "fit", str(matrix), "--k", str(k), "--seed", "0",
               "--threads", str(ctx["threads"]), "--out", str(out_dir)]
    if solver != "default":
        command += ["--solver", solver]
    if beta != "frobenius":
        command += ["--beta-loss", beta]
    command += [str(a) for a in ctx["iteration_cap"]] + [str(a) for a in extra]
    _, wall, peak, load = run_child(command, ctx["env"])
    model = json.loads((out_dir / "model.json").read_text())
    X = load_csr(matrix)
    W = np.load(out_dir / model["files"]["W"])
    H = np.load(out_dir / "H.npy")
    loss = loss_of(X, W, H, beta)
    seconds = model["seconds"]
    history = model.get("history", {})
    objective, at = history.get("objective", []), history.get("seconds", [])
    # The part of the fit the history does not cover: initialisation before it, the final
    # error after it. Adding it to every point errs on nmfkit's slow side.
    outside = seconds - (at[-1] if at else 0.0)
    return {"tool": "nmfkit", "solver": model["options"].get("solver", solver),
            "command": " ".join(command), "seconds": seconds, "wall": wall, "peak_mb": peak,
            "load_before": load, "n_iter": model["n_iter"], "converged": model["converged"],
            "init_used": model.get("init_used"), "loss": loss,
            "history": [(outside + t, f) for t, f in zip(at, objective)],
            "history_seconds": at,
            "history_end_vs_loss": (objective[-1] - loss) / loss if objective and loss else None,
            "shape": [X.shape[0], X.shape[1]], "nnz": int(X.nnz),
            "W_bytes": W.nbytes, "H_bytes": H.nbytes}


def sklearn_fit(ctx, matrix, k, solver, beta):
    out_dir = ctx["work"] / "goal-runs" / f"sklearn-{Path(matrix).stem}-{beta}-{solver}-k{k}"
    beta_number = {"frobenius": 2.0, "kullback-leibler": 1.0}[beta]
    max_iter = ctx["sklearn_max_iter"]
    command = ["/usr/bin/python3", str(HERE / "runners" / "sklearn_nmf.py"), str(matrix),
               "--k", str(k), "--solver", solver, "--beta-loss", str(beta_number),
               "--max-iter", str(max_iter), "--tol", "1e-4", "--no-history",
               "--save-factors", str(out_dir)]
    out, wall, peak, load = run_child(command, {**ctx["env"], **ctx["blas_env"]})
    result = json.loads(out)
    X = load_csr(matrix)
    loss = loss_of(X, np.load(out_dir / "W.npy"), np.load(out_dir / "H.npy"), beta)
    return {"tool": f"scikit-learn {solver}", "command": " ".join(command),
            "seconds": result["seconds"], "wall": wall, "peak_mb": peak, "load_before": load,
            "n_iter": result["n_iter"], "loss": loss, "blas": result["blas"],
            "sklearn_version": result["sklearn_version"],
            "numpy_version": result["numpy_version"]}


def rcppml_fit(ctx, matrix, k):
    command = ["Rscript", str(HERE / "runners" / "rcppml_nmf.R"), str(matrix), str(k),
               str(ctx["threads"]), ctx["rcppml_maxit"], str(compare.RCPPML_SEED), "once"]
    out, wall, peak, load = run_child(command, ctx["env"])
    result = [json.loads(line) for line in out.splitlines() if line.startswith("{")][-1]
    return {"tool": "RcppML", "command": " ".join(command), "seconds": result["seconds"],
            "wall": wall, "peak_mb": peak, "load_before": load, "n_iter": result["n_iter"],
            "loss": 0.5 * result["error"] ** 2, "rcppml_version": result["rcppml_version"],
            "threads": result["threads"]}


def bandwidth(ctx):
    probe = Path(ctx["probe"])
    if not probe.exists():
        sys.exit(f"compare: no bandwidth probe at {probe}; configure with "
                 "-DNMFKIT_BUILD_BENCH=ON and build nmfkit_bandwidth_probe, or pass --probe")
    # Best of 30: on a shared machine the best copy is the one nobody else disturbed.
    out = subprocess.run([str(probe), "--threads", str(ctx["threads"]), "--repeats", "30"],
                         check=True, capture_output=True, text=True,
                         env={**os.environ, **ctx["env"]}).stdout
    return json.loads(out)


def time_to(history, target):
    """The first time an objective history reached target (equal up to rounding counts)."""
    for seconds, value in history:
        if value <= target * (1 + 1e-12):
            return seconds
    return None


def drop_in(ctx):
    """bench/python_fit_transform.py on its 500-document case, in a child with OpenBLAS."""
    if not ctx["python_module"]:
        return {"skipped": "no --python-module"}
    out_file = ctx["work"] / "goal-runs" / "python-drop-in.json"
    command = ["/usr/bin/python3", str(HERE / "python_fit_transform.py"), "--only",
               "500 documents", "--json", str(out_file)]
    env = {**ctx["env"], **ctx["blas_env"], "PYTHONPATH": str(ctx["python_module"])}
    process = subprocess.run(command, capture_output=True, text=True,
                             env={**os.environ, **env})
    if process.returncode != 0:
        return {"skipped": process.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(out_file.read_text())


# ---------------------------------------------------------------- the goals

def row(goal, target, measured, ratio, met):
    return {"goal": goal, "target": target, "measured": measured, "ratio": ratio,
            "met": None if met is None else bool(met)}


def times(value):
    return "–" if value is None else f"{value:.2f}×"


def run_goals(args):
    work = Path(args.work)
    (work / "goal-runs").mkdir(parents=True, exist_ok=True)
    quick = args.quick
    ctx = {"work": work, "nmfkit": args.nmfkit, "threads": args.threads,
           "probe": args.probe, "python_module": args.python_module,
           "env": thread_env(args.threads), "blas_env": blas_env(args.blas),
           # Defaults everywhere, except that --quick caps every tool's iterations.
           "iteration_cap": ["--max-iter", args.quick_iterations] if quick else [],
           "sklearn_max_iter": args.quick_iterations if quick else 200,
           "rcppml_maxit": str(args.quick_iterations) if quick else "default"}
    ks = [args.quick_k] if quick else [20, 50]
    floor_k = ks[0]
    news = compare.newsgroups(work, args.nmfkit, "tfidf")
    counts = compare.newsgroups(work, args.nmfkit, "count")
    if quick:
        news = first_documents(news, args.quick_docs, work / f"news-tfidf-first{args.quick_docs}.mtx")
        counts = first_documents(counts, args.quick_docs,
                                 work / f"news-count-first{args.quick_docs}.mtx")
        synthetic = compare.synthetic_sparse(work, rows=20000, cols=5000)
    else:
        synthetic = compare.synthetic_sparse(work)
    synthetic_k = args.quick_k if quick else 20

    results = {"quick": quick, "threads": args.threads, "machine": machine(),
               "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
               "nmfkit_version": subprocess.run([args.nmfkit, "--version"], capture_output=True,
                                                text=True).stdout.strip(),
               "solvers": {"frobenius": args.frobenius_solver, "kl": args.kl_solver},
               "runs": {}, "rows": []}
    out_path = work / ("goals-quick.json" if quick else "goals.json")

    def save():
        # NumPy scalars become Python numbers; the rename keeps the file whole if stopped.
        partial = out_path.with_suffix(".json.partial")
        partial.write_text(json.dumps(results, indent=1, default=lambda o: o.item()))
        partial.replace(out_path)

    def measured(name, run):
        print(f"  {name} ...", end="", flush=True)
        results["runs"][name] = run()
        r = results["runs"][name]
        print(f" {r.get('seconds', 0):.2f} s", flush=True)
        save()
        return r

    rows = results["rows"]
    fs, ks_solver = args.frobenius_solver, args.kl_solver
    results["bandwidth"] = bandwidth(ctx)
    print(f"copy-loop bandwidth, {args.threads} threads: {results['bandwidth']['gb_per_s']:.1f} GB/s")

    def rss_row(label, run):
        m, n = run["shape"]
        x = csr_bytes(m, run["nnz"])
        limit = 1.5 * (x + run["W_bytes"] + run["H_bytes"]) + 50 * MB
        rows.append(row(f"peak RSS of `nmfkit fit` on the .mtx, {label}",
                        "≤ 1.5 × (X + W + H) + 50 MB",
                        f"{run['peak_mb']:.0f} MB; X {x / MB:.0f} MB, W + H "
                        f"{(run['W_bytes'] + run['H_bytes']) / MB:.0f} MB, limit {limit / MB:.0f} MB",
                        f"{run['peak_mb'] * MB / limit:.2f} of the limit",
                        run["peak_mb"] * MB <= limit))

    def to_rcppml_row(label, matrix, k, ours, theirs, goal):
        target = theirs["loss"]
        reached = time_to(ours["history"], target)
        note = ""
        if reached is None:
            # The default stopping rule ended before RcppML's loss: a run without early stop
            # says when it gets there.
            longer = measured(f"nmfkit {label} k={k} without early stop",
                              lambda: nmfkit_fit(ctx, matrix, k, fs, "frobenius",
                                                 ["--tol", "0"] + ([] if quick else
                                                                   ["--max-iter", "1000"]),
                                                 tag="-tol0"))
            reached = time_to(longer["history"], target)
            note = " (reached only without early stop)" if reached is not None else \
                   f" (never, {longer['n_iter']} iterations)"
        ratio = theirs["seconds"] / reached if reached else None
        rows.append(row(f"Frobenius, {label}, k = {k}: time to RcppML's final loss, "
                        f"RcppML / nmfkit", f"≥ {goal}×",
                        f"RcppML {theirs['seconds']:.2f} s ({theirs['n_iter']} it., loss "
                        f"{target:.6e}); nmfkit {fs} "
                        + ("–" if reached is None else f"{reached:.2f} s") + note,
                        times(ratio), ratio is not None and ratio >= goal))

    news_label = "20 newsgroups tf-idf" + (f" (first {args.quick_docs} documents)" if quick else "")
    for k in ks:
        print(f"Frobenius, {news_label}, k = {k}")
        ours = measured(f"nmfkit frobenius k={k}",
                        lambda: nmfkit_fit(ctx, news, k, fs, "frobenius"))
        cd = measured(f"sklearn cd k={k}", lambda: sklearn_fit(ctx, news, k, "cd", "frobenius"))
        rcppml = measured(f"RcppML k={k}", lambda: rcppml_fit(ctx, news, k))
        difference = (ours["loss"] - cd["loss"]) / cd["loss"]
        rows.append(row(f"Frobenius, {news_label}, k = {k}: final loss against scikit-learn cd",
                        "≤ +1e-4 relative (or lower)",
                        f"nmfkit {fs} {ours['loss']:.8e} ({ours['n_iter']} it.), cd "
                        f"{cd['loss']:.8e} ({cd['n_iter']} it.)", f"{difference:+.2e}",
                        difference <= 1e-4))
        ratio = cd["seconds"] / ours["seconds"]
        rows.append(row(f"Frobenius, {news_label}, k = {k}: time, scikit-learn cd / nmfkit",
                        "≥ 10×", f"cd {cd['seconds']:.2f} s, nmfkit {fs} {ours['seconds']:.2f} s",
                        times(ratio), ratio >= 10))
        to_rcppml_row(news_label, news, k, ours, rcppml, 2)
        if k == floor_k:
            m, n = ours["shape"]
            a, b = product_traffic(m, n, ours["nnz"], k)
            floor = (a + b) / (results["bandwidth"]["gb_per_s"] * 1e9)
            at = ours["history_seconds"]
            per_iteration = at[-1] / len(at) if at else ours["seconds"] / ours["n_iter"]
            steps = np.diff([0.0] + at) if at else np.array([per_iteration])
            results["floor"] = {"k": k, "bytes_X_Ht": a, "bytes_Xt_W": b, "seconds": floor,
                                "per_iteration_mean": per_iteration,
                                "per_iteration_median": float(np.median(steps))}
            rows.append(row(f"Frobenius, {news_label}, k = {k}: per iteration of nmfkit {fs} "
                            "against the floor", "≤ 5× the floor",
                            f"{per_iteration * 1e3:.2f} ms (mean; median "
                            f"{np.median(steps) * 1e3:.2f} ms); floor {floor * 1e3:.2f} ms = "
                            f"{(a + b) / MB:.1f} MB at "
                            f"{results['bandwidth']['gb_per_s']:.1f} GB/s",
                            times(per_iteration / floor), per_iteration <= 5 * floor))
        rss_row(f"{news_label}, k = {k}", ours)
        save()

    counts_label = "20 newsgroups counts" + (f" (first {args.quick_docs} documents)" if quick else "")
    for k in ks:
        print(f"Kullback-Leibler, {counts_label}, k = {k}")
        ours = measured(f"nmfkit kl k={k}",
                        lambda: nmfkit_fit(ctx, counts, k, ks_solver, "kullback-leibler"))
        mu = measured(f"sklearn mu kl k={k}",
                      lambda: sklearn_fit(ctx, counts, k, "mu", "kullback-leibler"))
        difference = (ours["loss"] - mu["loss"]) / mu["loss"]
        rows.append(row(f"KL, {counts_label}, k = {k}: final divergence against scikit-learn mu",
                        "≤ mu's", f"nmfkit {ks_solver} {ours['loss']:.8e} ({ours['n_iter']} it.), "
                        f"mu {mu['loss']:.8e} ({mu['n_iter']} it.)", f"{difference:+.2e}",
                        difference <= 1e-12))
        ratio = mu["seconds"] / ours["seconds"]
        rows.append(row(f"KL, {counts_label}, k = {k}: time, scikit-learn mu / nmfkit", "≥ 20×",
                        f"mu {mu['seconds']:.2f} s, nmfkit {ks_solver} {ours['seconds']:.2f} s",
                        times(ratio), ratio >= 20))
        save()

    X = load_csr(synthetic)
    synthetic_label = (f"synthetic {X.shape[0]} × {X.shape[1]}, "
                       f"{100 * X.nnz / (X.shape[0] * X.shape[1]):.2g} % dense")
    print(f"Frobenius, {synthetic_label}, k = {synthetic_k}")
    ours = measured("nmfkit synthetic",
                    lambda: nmfkit_fit(ctx, synthetic, synthetic_k, fs, "frobenius"))
    rcppml = measured("RcppML synthetic", lambda: rcppml_fit(ctx, synthetic, synthetic_k))
    to_rcppml_row(synthetic_label, synthetic, synthetic_k, ours, rcppml, 3)
    rss_row(f"{synthetic_label}, k = {synthetic_k}", ours)

    print("Python drop-in (bench/python_fit_transform.py)")
    python = drop_in(ctx)
    results["python_drop_in"] = python
    if "skipped" in python:
        rows.append(row("Python drop-in fit_transform, 500 documents", "(reported, no goal)",
                        f"not run: {python['skipped']}", "–", None))
    else:
        case = python["cases"][0]
        rows.append(row(f"Python drop-in fit_transform, {case['input']}, k = {case['k']}",
                        "(reported, no goal)",
                        f"scikit-learn {case['sklearn_s']:.3f} s, nmfkit {case['nmfkit_s']:.3f} s",
                        times(case["sklearn_s"] / case["nmfkit_s"]), None))

    blas = next((r["blas"] for r in results["runs"].values() if "blas" in r), [])
    results["blas"] = blas
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    save()
    print(table(results))
    print(f"\nraw results: {out_path}")


def table(results):
    blas = "; ".join(f"{b.get('internal_api')} {b.get('version') or ''} "
                     f"{b.get('threading_layer') or ''} {b.get('num_threads') or ''} threads "
                     f"({b.get('filepath')})" for b in results.get("blas", []))
    title = "Quick check (not the goals' settings)" if results["quick"] else "Speed II goals"
    lines = [f"\n{title}: {results['threads']} threads each; {results['machine']['cpu']}, "
             f"{results['machine']['cores']} cores; scikit-learn's BLAS: {blas or 'unknown'}; "
             f"copy-loop bandwidth {results['bandwidth']['gb_per_s']:.1f} GB/s\n",
             "| goal | target | measured | ratio | met? |", "|---|---|---|---:|---|"]
    for r in results["rows"]:
        met = "–" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['goal']} | {r['target']} | {r['measured']} | {r['ratio']} | {met} |")
    return "\n".join(lines)
