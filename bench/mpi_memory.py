"""Peak memory per process of `mpirun -np P nmfkit fit` when each process reads only its rows
(.npy, CSR .h5ad), when process 0 parses the file and sends the rows (.mtx) and when every
process reads the whole file (an int32 .npy), on one matrix.

    /usr/bin/python3 bench/mpi_memory.py --nmfkit build/nmfkit [--rows 200000 --cols 4000]

Writes one sparse matrix (density --density) as .h5ad (read by rows) and .mtx (parsed by
process 0, which sends each process its rows), and one dense matrix (--dense-rows × --cols, float64) as .npy (read by
rows) and as an int32 .npy (a dtype the row reader does not take: read whole and converted),
then fits each with P = 1, 2, 4 for --iterations iterations and prints every process's
peak resident memory (GNU time's %M), min / max over the processes. X itself is printed
beside: what a process that holds X whole needs at least.
"""

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse

MPI_FLAGS = ["--oversubscribe", "--allow-run-as-root", "--bind-to", "none"]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none", "OMP_NUM_THREADS": "1"}


def peak_rss_mib(nmfkit, processes, path, k, iterations, out):
    """Each process's peak RSS in MiB (GNU time writes one line per process)."""
    command = ["mpirun", *MPI_FLAGS, "-np", str(processes), "/usr/bin/time", "-f",
               "peak-rss-kb %M", nmfkit, "fit", str(path), "--k", str(k), "--init", "random",
               "--seed", "1", "--max-iter", str(iterations), "--tol", "0", "--out", str(out)]
    run = subprocess.run(command, capture_output=True, text=True,
                         env={**os.environ, **MPI_ENV}, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr}")
    kb = [int(line.split()[-1]) for line in run.stderr.splitlines()
          if line.startswith("peak-rss-kb")]
    assert len(kb) == processes, run.stderr
    return [value / 1024 for value in kb]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmfkit", default="build/nmfkit")
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--cols", type=int, default=4000)
    parser.add_argument("--density", type=float, default=0.01)
    parser.add_argument("--dense-rows", type=int, default=20000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    import anndata

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        X = scipy.sparse.random(args.rows, args.cols, density=args.density, format="csr",
                                random_state=1, dtype=np.float64)
        anndata.AnnData(X=X, dtype=np.float64).write_h5ad(folder / "X.h5ad")
        scipy.io.mmwrite(folder / "X.mtx", X)
        dense = rng.integers(0, 20, size=(args.dense_rows, args.cols)).astype(np.int32)
        np.save(folder / "D.npy", dense.astype(np.float64))
        np.save(folder / "D_int32.npy", dense)
        sparse_mib = (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20
        dense_mib = dense.size * 8 / 2**20
        print(f"sparse X: {args.rows} × {args.cols}, {X.nnz} non-zeros, "
              f"{sparse_mib:.0f} MiB as CSR (float64 values, int32 indices)")
        print(f"dense X: {args.dense_rows} × {args.cols}, {dense_mib:.0f} MiB as float64")
        print(f"k = {args.k}, {args.iterations} iterations, one thread per process\n")
        print("| input | read | P | peak RSS per process, MiB (min – max) |")
        print("|---|---|---|---|")
        cases = [("X.h5ad", "its rows"), ("X.mtx", "sent by process 0"), ("D.npy", "its rows"),
                 ("D_int32.npy", "whole")]
        for name, how in cases:
            for processes in (1, 2, 4):
                rss = peak_rss_mib(args.nmfkit, processes, folder / name, args.k,
                                   args.iterations, folder / f"out-{name}-{processes}")
                print(f"| {name} | {how} | {processes} | {min(rss):.0f} – {max(rss):.0f} |",
                      flush=True)


if __name__ == "__main__":
    main()
