#!/usr/bin/python3
"""Writes the seed inputs of the fuzz targets: small valid files of every layout the
readers take (the same kinds the reader tests use), one folder per target.

    /usr/bin/python3 tests/fuzz/make_seeds.py OUT_DIR [REFERENCE_DIR]

REFERENCE_DIR (the tests' build/references) adds the AnnData and MuData files that
tests/oracles/anndata_files.py wrote, the odd layouts and the broken ones among them.
"""

import gzip
import io
import json
import sys
import tarfile
import warnings
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse as sp

out = Path(sys.argv[1])
rng = np.random.default_rng(0)
dense = rng.random((4, 3))
sparse = sp.random(5, 4, density=0.4, format="csr", random_state=0)


def put(target, name, data):
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def mtx_bytes(matrix, **kwargs):
    buffer = io.BytesIO()
    scipy.io.mmwrite(buffer, matrix, **kwargs)
    return buffer.getvalue()


for i, m in enumerate([sparse, dense, sp.coo_matrix(np.triu(rng.random((3, 3))) + np.triu(rng.random((3, 3))).T)]):
    data = mtx_bytes(m, symmetry="symmetric" if i == 2 else None)
    put("fuzz_mtx", f"m{i}.mtx", data)
    put("fuzz_mtx", f"m{i}.mtx.gz", gzip.compress(data, mtime=0))
put("fuzz_mtx", "pattern.mtx", "%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 1\n2 2\n")

for i, a in enumerate([dense, dense.astype(np.float32), (dense * 10).astype(np.int16),
                       np.asfortranarray(dense), dense.astype(">f8"), dense > 0.5]):
    put("fuzz_npy", f"a{i}.npy", npy_bytes(a))

put("fuzz_tensor", "t.tns", "# i j k value\n1 1 1 2.5\n2 3 1 1\n1 2 4 nan\n")
for i, a in enumerate([np.arange(24.0).reshape(2, 3, 4),
                       np.asfortranarray(np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5))]):
    put("fuzz_tensor", f"t{i}.npy", npy_bytes(a))

for target, sep in [("fuzz_csv", ","), ("fuzz_tsv", "\t")]:
    put(target, "plain", "\n".join(sep.join(f"{v:.3g}" for v in row) for row in dense) + "\n")
    put(target, "header", sep.join(["a", "b", "c"]) + "\n" + "1" + sep + "2" + sep + "3\n")

put("fuzz_corpus_txt", "lines.txt", "the first document\nand a second one\n\nthird, with café\n")
put("fuzz_corpus_tsv", "labels.tsv", "sport\tthe match was won\npolitics\tthe vote was close\n")
tar_buffer = io.BytesIO()
with tarfile.open(fileobj=tar_buffer, mode="w") as tar:
    for path, text in [("news/a/1", "From: x\nSubject: hi\n\nhello world\n"),
                       ("news/b/2", "Subject: two\n\nsecond post\n")]:
        info = tarfile.TarInfo(path)
        info.size = len(text.encode())
        tar.addfile(info, io.BytesIO(text.encode()))
put("fuzz_corpus_tar", "plain.tar", tar_buffer.getvalue())
put("fuzz_corpus_tar", "news.tar.gz", gzip.compress(tar_buffer.getvalue(), mtime=0))

model = {
    "format": "nmfkit-nmf-model", "format_version": 1, "nmfkit_version": "0.1.0",
    "input": "X.npy", "dtype": "float64", "n_samples": 4, "n_features": 3, "n_components": 2,
    "options": {"n_components": 2, "init": "random", "solver": "cd", "beta_loss": 2.0,
                "tol": 1e-4, "max_iter": 200, "random_state": 0, "alpha_W": 0.0,
                "alpha_H": "same", "l1_ratio": 0.0, "shuffle": False, "verbose": 0},
    "init_used": "random", "n_iter": 3, "converged": True, "reconstruction_error": 0.5,
    "warnings": [], "seconds": 0.1, "files": {"W": "W.npy", "H": "H.npy"},
}
separator = b"\n--8<--\n"
put("fuzz_model", "model", json.dumps(model).encode() + separator +
    npy_bytes(rng.random((4, 2))) + separator + npy_bytes(rng.random((2, 3))))

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import anndata
    for name, X in [("csr", sparse.astype(np.float32)), ("csc", sparse.tocsc()), ("dense", dense)]:
        path = out / f"{name}.h5ad"
        anndata.AnnData(X=X, dtype=X.dtype).write_h5ad(path)
        put("fuzz_h5ad", f"{name}.h5ad", path.read_bytes())
        path.unlink()
except ImportError:
    print("make_seeds: anndata is missing; fuzz_h5ad starts without seeds", file=sys.stderr)

if len(sys.argv) > 2:
    for path in sorted((Path(sys.argv[2]) / "anndata").glob("*.h5*")):
        put("fuzz_h5mu" if path.suffix == ".h5mu" else "fuzz_h5ad", path.name, path.read_bytes())
