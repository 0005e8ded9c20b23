"""Times Open MPI's all-gather and all-reduce on this machine for a range of message sizes
and fits the Hockney model t = alpha + bytes / bandwidth to each (run under mpirun by
bench/mpi_scaling.py). Prints one JSON object on process 0."""

import json
import time

import numpy as np
from mpi4py import MPI


def timed(operation, repeats):
    comm = MPI.COMM_WORLD
    operation()  # warm-up
    comm.Barrier()
    start = time.perf_counter()
    for _ in range(repeats):
        operation()
    comm.Barrier()
    return (time.perf_counter() - start) / repeats


def main():
    comm = MPI.COMM_WORLD
    size = comm.Get_size()
    results = {"processes": size, "allgather": [], "allreduce": []}
    for total in [8, 1 << 10, 1 << 14, 1 << 17, 1 << 20, 1 << 22]:  # doubles in the whole array
        per = max(1, total // size)
        mine = np.ones(per)
        everyone = np.empty(per * size)
        seconds = timed(lambda: comm.Allgather(mine, everyone), 20 if total < (1 << 20) else 5)
        results["allgather"].append({"bytes": 8 * per * size, "seconds": seconds})
        values = np.ones(per)
        out = np.empty(per)
        seconds = timed(lambda: comm.Allreduce(values, out), 20 if total < (1 << 20) else 5)
        results["allreduce"].append({"bytes": 8 * per, "seconds": seconds})
    for name in ("allgather", "allreduce"):
        sizes = np.array([r["bytes"] for r in results[name]], dtype=float)
        times = np.array([r["seconds"] for r in results[name]])
        slope, intercept = np.polyfit(sizes, times, 1)
        results[name + "_model"] = {"alpha_seconds": max(intercept, 0.0),
                                    "bytes_per_second": 1.0 / slope if slope > 0 else None}
    if comm.Get_rank() == 0:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
