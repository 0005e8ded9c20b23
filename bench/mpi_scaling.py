"""Strong and weak scaling of `mpirun -np P nmfkit fit` on this machine, Open MPI's
collective costs, and a model of the time per iteration on a cluster (docs/distributed.md).

    /usr/bin/python3 bench/mpi_scaling.py --nmfkit build/nmfkit [--matrix X.mtx]

Strong scaling fits one matrix (default: the 20 newsgroups tf-idf that bench/compare.py
writes, else a synthetic one) on P = 1, 2, 4 processes with the cores shared out (threads
per process = cores / P, at least 1; P above the cores oversubscribes them and is shown
for completeness, not fitted). Weak scaling grows a synthetic matrix's rows with P; on a
fixed number of cores its efficiency is the throughput (rows per second) against one
process. Each fit runs a fixed number of iterations (--tol 0) from the same start; the
time per iteration is the mean over the iterations of model.json's history (the start
excluded).

The model: an iteration's time is the row work shared by all cores (the sparse products,
the NNLS rows and the Gram matrices), the work every process repeats on its own threads
(the extrapolation and the objective's terms over the whole factors), and the all-gathers of the right-hand sides and
of the solved rows (W's and Hᵀ's: 2·(m + n)·k doubles in four messages):
    t(P, T) = C / (P·T) + R / T + gathers(8·(m + n)·k bytes, P)
with T threads per process. C and R (one core's seconds) are solved from the runs with
P·T ≤ cores after their measured gathers are taken out, then scaled to the target matrix
by its work (C by nnz·k + (m + n)·k², R by m + n) and predicted for P processes of
one core each. The cluster's gathers use a ring all-gather, (P − 1)·(latency + bytes /
(P·bandwidth)), with --latency and --bandwidth (defaults: 2 µs and 12.5 GB/s, an
InfiniBand-class link; the ones measured here are shared memory and are printed beside).
"""

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse

MPI_FLAGS = ["--oversubscribe", "--allow-run-as-root", "--bind-to", "none"]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}
TARGETS = [  # (name, rows, columns, density)
    ("200,000 × 50,000, 0.1 %", 200_000, 50_000, 0.001),
    ("1,000,000 × 30,000, 5 % (cells × genes)", 1_000_000, 30_000, 0.05),
]


def synthetic(path, rows, cols, density, seed):
    rng = np.random.default_rng(seed)
    X = scipy.sparse.random(rows, cols, density=density, format="csr", random_state=rng,
                            data_rvs=lambda n: rng.random(n) + 0.01)
    scipy.io.mmwrite(str(path), X)
    return X.shape, X.nnz


def fit(nmfkit, matrix, processes, threads, k, iterations, out, grid=None):
    command = [nmfkit, "fit", str(matrix), "--k", str(k), "--seed", "0", "--tol", "0",
               "--max-iter", str(iterations), "--threads", str(threads), "--out", str(out)]
    if grid:
        command += ["--grid", grid]
    if processes > 1:
        command = ["mpirun", *MPI_FLAGS, "-np", str(processes), *command]
    subprocess.run(command, check=True, capture_output=True, env={**os.environ, **MPI_ENV})
    model = json.loads((out / "model.json").read_text())
    seconds = model["history"]["seconds"]
    per_iteration = (seconds[-1] - seconds[0]) / max(1, len(seconds) - 1)
    return {"processes": processes, "threads": threads, "seconds": model["seconds"],
            "init_seconds": model["init_seconds"], "per_iteration": per_iteration,
            "rows": model["n_samples"], "cols": model["n_features"]}


def collectives(processes):
    probe = Path(__file__).with_name("mpi_collectives_probe.py")
    run = subprocess.run(["mpirun", *MPI_FLAGS, "-np", str(processes), "/usr/bin/python3",
                          str(probe)], check=True, capture_output=True, text=True,
                         env={**os.environ, **MPI_ENV})
    return json.loads(run.stdout.strip().splitlines()[-1])


def gather_seconds(model, bytes_total):
    return model["alpha_seconds"] + bytes_total / model["bytes_per_second"]


def ring_gather(bytes_total, processes, latency, bandwidth):
    return (processes - 1) * (latency + bytes_total / (processes * bandwidth))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--matrix", type=Path,
                        default=Path("/tmp/nmfkit-bench/news-tfidf/X.mtx"))
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--weak-rows", type=int, default=25_000, help="rows per process")
    parser.add_argument("--latency", type=float, default=2e-6)
    parser.add_argument("--bandwidth", type=float, default=12.5e9)
    parser.add_argument("--grid", action="store_true",
                        help="also time every layout (1-D and each R × C grid) at the largest P")
    parser.add_argument("--json", type=Path, default=Path("/tmp/nmfkit-bench/mpi-scaling.json"))
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="nmfkit-mpi-"))
    nmfkit = str(Path(args.nmfkit).resolve())

    matrix = args.matrix
    if not matrix.exists():
        matrix = work / "strong.mtx"
        synthetic(matrix, 40_000, 20_000, 0.002, 1)
    strong = [fit(nmfkit, matrix, p, max(1, args.cores // p), args.k, args.iterations,
                  work / f"strong-{p}") for p in counts]
    weak = []
    for p in counts:
        path = work / f"weak-{p}.mtx"
        synthetic(path, args.weak_rows * p, 10_000, 0.002, 2)
        weak.append(fit(nmfkit, path, p, max(1, args.cores // p), args.k, args.iterations,
                        work / f"weak-{p}"))
    measured = {p: collectives(p) for p in counts if p > 1}
    grids = []
    if args.grid and max(counts) > 1:
        p = max(counts)
        layouts = ["1d"] + [f"{r}x{p // r}" for r in range(1, p + 1) if p % r == 0]
        grids = [dict(fit(nmfkit, matrix, p, max(1, args.cores // p), args.k, args.iterations,
                          work / f"grid-{layout}", grid=layout), grid=layout)
                 for layout in layouts]

    # Solve C and R from the runs that do not oversubscribe, their gathers taken out.
    m, n, k = strong[0]["rows"], strong[0]["cols"], args.k
    factor_bytes = 8 * (m + n) * k
    rows, times = [], []
    for run in strong:
        p, t = run["processes"], run["threads"]
        if p * t > args.cores:
            continue
        gathers = 0 if p == 1 else 2 * gather_seconds(measured[p]["allgather_model"], factor_bytes)
        rows.append([1.0 / (p * t), 1.0 / t])
        times.append(max(run["per_iteration"] - gathers, 0.0))
    (C, R), *_ = np.linalg.lstsq(np.array(rows), np.array(times), rcond=None)
    C, R = max(C, 0.0), max(R, 0.0)
    nnz = scipy.io.mminfo(str(matrix))[2]

    print(f"## Strong scaling: {matrix.name}, {m} × {n}, {nnz} non-zeros, k = {k}, "
          f"{args.iterations} iterations\n")
    print("| processes × threads | per iteration | against 1 process | fit (with start) |")
    print("|---|---:|---:|---:|")
    base = strong[0]["per_iteration"]
    for run in strong:
        note = " (oversubscribed)" if run["processes"] * run["threads"] > args.cores else ""
        print(f"| {run['processes']} × {run['threads']}{note} | "
              f"{1e3 * run['per_iteration']:.1f} ms | {base / run['per_iteration']:.2f}× | "
              f"{run['seconds']:.2f} s |")
    if grids:
        print(f"\n## Layouts at P = {grids[0]['processes']} ({matrix.name})\n")
        print("| layout | per iteration | against 1-D | fit (with start) |")
        print("|---|---:|---:|---:|")
        for run in grids:
            print(f"| {run['grid']} | {1e3 * run['per_iteration']:.1f} ms | "
                  f"{grids[0]['per_iteration'] / run['per_iteration']:.2f}× | "
                  f"{run['seconds']:.2f} s |")
    print(f"\n## Weak scaling: {args.weak_rows} rows × 10,000 per process, 0.2 %\n")
    print("| processes × threads | rows | per iteration | throughput against 1 process |")
    print("|---|---:|---:|---:|")
    for run in weak:
        note = " (oversubscribed)" if run["processes"] * run["threads"] > args.cores else ""
        throughput = (run["rows"] / run["per_iteration"]) / (weak[0]["rows"] /
                                                             weak[0]["per_iteration"])
        print(f"| {run['processes']} × {run['threads']}{note} | {run['rows']} | "
              f"{1e3 * run['per_iteration']:.1f} ms | {100 * throughput:.0f} % |")
    print("\n## Open MPI collectives here (shared memory)\n")
    for p, result in measured.items():
        for name in ("allgather", "allreduce"):
            model = result[name + "_model"]
            bandwidth = model["bytes_per_second"]
            print(f"- {p} processes, {name}: latency {1e6 * model['alpha_seconds']:.1f} µs, "
                  f"{bandwidth / 1e9 if bandwidth else float('nan'):.2f} GB/s")
    print(f"\nSolved (one core): C = {1e3 * C:.1f} ms of row work per iteration, shared "
          f"out; R = {1e3 * R:.2f} ms repeated by every process\n")
    print(f"## Model: time per iteration on a cluster (latency {1e6 * args.latency:.0f} µs, "
          f"{args.bandwidth / 1e9:.1f} GB/s per link, k = {k})\n")
    predictions = []
    base_work = nnz * k + (m + n) * k * k
    for name, rows_t, cols_t, density in TARGETS:
        nnz_t = rows_t * cols_t * density
        C_t = C * (nnz_t * k + (rows_t + cols_t) * k * k) / base_work
        R_t = R * (rows_t + cols_t) / (m + n)
        print(f"{name}: one process {C_t + R_t:.2f} s per iteration\n")
        print("| processes | compute | repeated | gathers | per iteration | efficiency |")
        print("|---:|---:|---:|---:|---:|---:|")
        for p in (64, 128, 256, 512, 1024):
            gathers = 2 * ring_gather(8 * (rows_t + cols_t) * k, p, args.latency, args.bandwidth)
            total = C_t / p + R_t + gathers
            efficiency = (C_t + R_t) / (p * total)
            predictions.append({"target": name, "processes": p, "seconds": total,
                                "efficiency": efficiency})
            print(f"| {p} | {1e3 * C_t / p:.1f} ms | {1e3 * R_t:.1f} ms | {1e3 * gathers:.1f} ms "
                  f"| {1e3 * total:.1f} ms | {100 * efficiency:.0f} % |")
        print()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"strong": strong, "weak": weak, "grids": grids,
                                     "collectives": measured,
                                     "C": C, "R": R, "predictions": predictions}, indent=1))


if __name__ == "__main__":
    main()
