"""Run under mpirun by CTest: nmfkit.NMF(comm=MPI.COMM_WORLD) on every process gives the
fit of one process alone; the scikit-learn-exact solvers refuse; processes agree on a seed
they draw. Exits non-zero on every process when any check fails on any process."""

import sys

import numpy as np
import scipy.sparse
from mpi4py import MPI

import nmfkit


def close(a, b):
    return np.linalg.norm(a - b) <= 1e-10 * np.linalg.norm(b)


def main():
    comm = MPI.COMM_WORLD
    rng = np.random.default_rng(3)
    X = scipy.sparse.random(120, 70, density=0.2, format="csr", random_state=rng,
                            data_rvs=lambda n: rng.random(n) + 0.01)
    failures = []
    for solver, beta in [("hals", "frobenius"), ("anls", "frobenius"),
                         ("anls-bpp", "frobenius"), ("scd", "kullback-leibler"),
                         ("auto", "frobenius")]:
        options = dict(solver=solver, beta_loss=beta, random_state=1, max_iter=50)
        alone = nmfkit.NMF(4, **options)
        W_alone = alone.fit_transform(X)
        spread = nmfkit.NMF(4, comm=comm, **options)
        W_spread = spread.fit_transform(X)
        if not (close(W_spread, W_alone) and close(spread.components_, alone.components_)):
            failures.append(f"{solver}: differs from the fit alone")
    try:
        nmfkit.NMF(3, solver="cd", comm=comm).fit(X)
        failures.append("cd accepted a communicator")
    except ValueError as error:
        if "one process" not in str(error):
            failures.append(f"cd: unexpected message {error}")
    drawn = nmfkit.NMF(3, solver="hals", comm=comm).fit(X)
    if len(set(comm.allgather(drawn.seed_))) != 1:
        failures.append("the processes drew different seeds")
    for failure in failures:
        print(f"process {comm.Get_rank()}: {failure}", flush=True)
    failed = comm.allreduce(1 if failures else 0, op=MPI.MAX)
    if comm.Get_rank() == 0:
        print("python_spread_fit:", "failed" if failed else "passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
