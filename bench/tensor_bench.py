"""Non-negative CP by HALS (`nmfkit tensor fit`) against a NumPy implementation of the same
published update (Cichocki & Phan 2009's HALS for CP, as PLANC's NTF), on the same data,
from the same start, for the same number of iterations (tol 0), one thread each.

    /usr/bin/python3 bench/tensor_bench.py --nmfkit build/nmfkit [--threads 1]

Debian ships no TensorLy (python3-tensorly), so the peer is the update written out below:
per mode, the MTTKRP as the unfolding times the Khatri-Rao product of the other factors,
the Hadamard product of their Gram matrices, one sweep of HALS column updates, then the
columns normalised into λ. nmfkit's start (NumPy's RandomState(seed).random_sample, mode
after mode, normalised, λ scaled to ‖X‖) is reproduced, so both must reach the same
relative error, which the script checks. nmfkit's time is the fit's own (model.json).
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from functools import reduce
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmfkit", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    # BLAS threads must be set before NumPy loads.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(args.threads)
    import numpy as np

    def khatri_rao(factors, k):
        return reduce(lambda P, A: (P[:, None, :] * A[None, :, :]).reshape(-1, k), factors,
                      np.ones((1, k)))

    def normalise(A):
        norms = np.linalg.norm(A, axis=0)
        return A / np.where(norms > 0, norms, 1), norms

    def start(shape, k, seed, x_norm2):
        rs = np.random.RandomState(seed)
        factors, weights = [], np.ones(k)
        for n in shape:
            A, norms = normalise(rs.random_sample((n, k)))
            factors.append(A)
            weights = weights * norms
        G = reduce(np.multiply, [A.T @ A for A in factors])
        return factors, weights * np.sqrt(x_norm2 / (weights @ G @ weights))

    def hals_ntf(mttkrp, x_norm2, shape, k, seed, iterations):
        factors, weights = start(shape, k, seed, x_norm2)
        grams = [A.T @ A for A in factors]
        for _ in range(iterations):
            for n in range(len(shape)):
                M = mttkrp(factors, n)
                G = reduce(np.multiply, [g for m, g in enumerate(grams) if m != n])
                A = factors[n] * weights
                for r in range(k):
                    if G[r, r] > 0:
                        A[:, r] = np.maximum(0, A[:, r] + (M[:, r] - A @ G[:, r]) / G[r, r])
                if n == len(shape) - 1:
                    inner = np.sum(M * A)
                    model = np.sum((A.T @ A) * G)
                factors[n], weights = normalise(A)
                grams[n] = factors[n].T @ factors[n]
        return factors, weights, np.sqrt(max(0, x_norm2 - 2 * inner + model) / x_norm2)

    def dense_mttkrp(X):
        def mttkrp(factors, n):
            unfolded = np.moveaxis(X, n, 0).reshape(X.shape[n], -1)
            others = [A for m, A in enumerate(factors) if m != n]
            return unfolded @ khatri_rao(others, factors[0].shape[1])
        return mttkrp

    def sparse_mttkrp(coords, values, shape):
        def mttkrp(factors, n):
            rows = values[:, None] * reduce(
                np.multiply, [A[coords[:, m]] for m, A in enumerate(factors) if m != n])
            M = np.zeros((shape[n], rows.shape[1]))
            np.add.at(M, coords[:, n], rows)
            return M
        return mttkrp

    def planted(shape, k, seed, density=1.0):
        rng = np.random.default_rng(seed)
        factors = [rng.random((n, k)) * (rng.random((n, k)) > 0.33) for n in shape]
        letters = "abcdefgh"[: len(shape)]
        X = np.einsum(",".join(c + "z" for c in letters) + "->" + letters, *factors)
        X += 0.05 * X.mean() * rng.random(X.shape)
        if density < 1:
            X[rng.random(X.shape) >= density] = 0
        return X

    cases = [
        ("dense 3-way", (200, 150, 100), 10, 1.0),
        ("dense 4-way", (40, 40, 40, 40), 10, 1.0),
        ("sparse 3-way, 1% of entries", (400, 300, 200), 10, 0.01),
    ]
    print(f"| data | shape | k | iterations | nmfkit s | NumPy s | ratio | relative error nmfkit / NumPy |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, shape, k, density in cases:
            X = planted(shape, k, 0, density)
            x_norm2 = float(np.sum(X * X))
            if density < 1:
                coords = np.argwhere(X > 0)
                values = X[tuple(coords.T)]
                with open(tmp / "x.tns", "w") as out:
                    for c, v in zip(coords + 1, values):
                        out.write(" ".join(map(str, c)) + f" {v!r}\n")
                path, extra = tmp / "x.tns", ["--shape", ",".join(map(str, shape))]
                mttkrp = sparse_mttkrp(coords, values, shape)
            else:
                np.save(tmp / "x.npy", X)
                path, extra = tmp / "x.npy", []
                mttkrp = dense_mttkrp(X)
            folder = tmp / "model"
            subprocess.run([args.nmfkit, "tensor", "fit", str(path), "--k", str(k), "--out",
                            str(folder), "--seed", "0", "--tol", "0", "--max-iter",
                            str(args.iterations), "--threads", str(args.threads), *extra],
                           check=True, capture_output=True)
            model = json.loads((folder / "model.json").read_text())
            began = time.perf_counter()
            _, _, error = hals_ntf(mttkrp, x_norm2, shape, k, 0, args.iterations)
            numpy_seconds = time.perf_counter() - began
            ours = model["seconds"]
            print(f"| {name} | {'×'.join(map(str, shape))} | {k} | {args.iterations} | "
                  f"{ours:.3f} | {numpy_seconds:.3f} | {numpy_seconds / ours:.1f}× | "
                  f"{model['relative_error']:.6f} / {error:.6f} |")
            if abs(model["relative_error"] - error) > 1e-6 * max(error, 1e-3):
                raise SystemExit(f"{name}: the relative errors differ")
            for p in folder.iterdir():
                p.unlink()
            folder.rmdir()


if __name__ == "__main__":
    main()
