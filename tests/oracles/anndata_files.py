#!/usr/bin/python3
"""Writes AnnData (.h5ad) and MuData (.h5mu) files, the oracle of nmfkit's readers.

anndata 0.8 (Debian's python3-anndata) writes the files and reads them back: what it
reads is what nmfkit must read. Files of layouts anndata 0.8 no longer writes (the
pre-0.7 record dataframes and h5sparse attributes, fixed-length names, unsorted CSR) and
the broken files are made with h5py. CTest runs every script in tests/oracles/ before
the tests; by hand:

    /usr/bin/python3 tests/oracles/anndata_files.py --out build/references \
        --data-dir ../shared/data

It writes, under --out/anndata/:
  cases.json    one entry per readable .h5ad: the file, the element type and storage
                nmfkit should give X, the expected dense X (.npy), stored entries, and
                the obs and var names as anndata reads them
  modalities.json
                per .h5mu: the global obs names and, per modality in the file's order,
                its expected X (rows in the global order), stored entries and var names
  errors.json   per broken file: what it breaks (the C++ test checks the message)
  *.h5ad, *.h5mu, *.npy
"""

import argparse
import json
import shutil
import warnings
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # anndata's import-time deprecation notices
    import anndata
    from anndata.experimental import read_elem, write_elem

# Non-ASCII names in several scripts, a space and an emoji (4 bytes in UTF-8).
OBS = ["naïve T", "Zelle-α", "细胞_3", "cell 4", "🧬5", "c6"]
VAR = ["CD3E", "Gène-β", "ΑΒΓ", "peak:chr1-100-200", "x"]


def frame(names, index_name=None):
    df = pd.DataFrame(index=pd.Index(names, name=index_name))
    df["n"] = np.arange(len(names), dtype=np.int64)  # a column besides the index
    return df


def annotated(X, obs, var):
    """An AnnData keeping X's element type (anndata 0.8 converts to float32 by default)."""
    return anndata.AnnData(X=X, obs=obs, var=var, dtype=X.dtype)


def dense_values(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


def text(name):
    """A name as text: anndata 0.8 gives ASCII-tagged strings as bytes objects."""
    return name.decode() if isinstance(name, bytes) else str(name)


def expected_case(out, name, sparse, dtype):
    """Reads `name` back with anndata and records what nmfkit must find in it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # old-format notices for the legacy file
        back = anndata.read_h5ad(out / name)
    X = back.X
    stored = int(X.nnz) if sp.issparse(X) else int(X.size)
    if sp.issparse(X):
        canonical = X.copy()
        canonical.sum_duplicates()  # nmfkit sums repeated indices as scipy does
        stored = int(canonical.nnz)
    expected = dense_values(X).astype(dtype)
    npy = name.replace(".", "_") + "_X.npy"
    np.save(out / npy, expected)
    return {
        "file": name,
        "dtype": dtype,
        "sparse": sparse,
        "expected": npy,
        "stored": stored,
        "shape": list(expected.shape),
        "obs_names": [text(s) for s in back.obs_names],
        "var_names": [text(s) for s in back.var_names],
    }


def write_h5ad_cases(out, rng):
    cases = []
    n, m = len(OBS), len(VAR)

    values = rng.rand(n, m).astype(np.float32)
    values[1, 2] = np.float32(1) / np.float32(3)
    values[0, 0] = np.finfo(np.float32).tiny  # smallest normal float32
    annotated(values, frame(OBS), frame(VAR)).write_h5ad(out / "dense_f32.h5ad")
    cases.append(expected_case(out, "dense_f32.h5ad", False, "float32"))

    counts = rng.poisson(3.0, size=(n, m)).astype(np.int32)
    counts[2, 3] = 2_000_000_000  # near the int32 limit, exact in float64
    # The obs index named "barcode": _index then names that dataset, not "_index".
    annotated(counts, frame(OBS, "barcode"), frame(VAR)).write_h5ad(out / "dense_int.h5ad")
    cases.append(expected_case(out, "dense_int.h5ad", False, "float64"))

    dense = sp.random(n, m, density=0.5, random_state=rng, dtype=np.float64).toarray()
    dense[4, :] = 0  # an empty row
    csr = sp.csr_matrix(dense)
    csr.data[0] = 0.1
    csr.data[-1] = 1e-300
    csr.data[1] = 0.0  # an explicit zero is a stored entry and must stay one
    annotated(csr, frame(OBS), frame(VAR)).write_h5ad(out / "csr_f64.h5ad")
    cases.append(expected_case(out, "csr_f64.h5ad", True, "float64"))

    csc = sp.random(n, m, density=0.5, random_state=rng, format="csc", dtype=np.float32)
    annotated(csc, frame(OBS), frame(VAR)).write_h5ad(out / "csc_f32.h5ad")
    cases.append(expected_case(out, "csc_f32.h5ad", True, "float32"))

    # CSC with int64 counts and int64 indices, as large files have.
    counts_csc = sp.csc_matrix(rng.poisson(0.7, size=(n, m)).astype(np.int64))
    counts_csc.indices = counts_csc.indices.astype(np.int64)
    counts_csc.indptr = counts_csc.indptr.astype(np.int64)
    annotated(counts_csc, frame(OBS), frame(VAR)).write_h5ad(out / "csc_counts.h5ad")
    cases.append(expected_case(out, "csc_counts.h5ad", True, "float64"))

    # Unsorted and repeated column indices within rows (scipy allows both; anndata writes
    # them as they are), uint16 indices and int16 offsets.
    indptr = np.array([0, 3, 3, 5, 6, 6, 8], dtype=np.int16)
    indices = np.array([4, 0, 4, 2, 1, 3, 3, 0], dtype=np.uint16)
    data = np.array([1.5, 2.0, 0.25, 7.0, 8.0, 9.0, 1.0, 3.0])
    with h5py.File(out / "unsorted.h5ad", "w") as f:
        f.attrs["encoding-type"] = "anndata"
        f.attrs["encoding-version"] = "0.1.0"
        g = f.create_group("X")
        g.attrs["encoding-type"] = "csr_matrix"
        g.attrs["encoding-version"] = "0.1.0"
        g.attrs["shape"] = np.array([n, m])
        g["data"], g["indices"], g["indptr"] = data, indices, indptr
        write_elem(f, "obs", frame(OBS))
        write_elem(f, "var", frame(VAR))
    cases.append(expected_case(out, "unsorted.h5ad", True, "float64"))

    # anndata < 0.7: obs and var as record datasets (index first: fixed-length ASCII for
    # obs, variable-length UTF-8 for var), X with h5sparse attributes.
    legacy_obs = [f"cell{i}" for i in range(n)]
    with h5py.File(out / "legacy.h5ad", "w") as f:
        g = f.create_group("X")
        g.attrs["h5sparse_format"] = "csr"
        g.attrs["h5sparse_shape"] = np.array([n, m])
        g["data"], g["indices"], g["indptr"] = csr.data, csr.indices, csr.indptr
        f["obs"] = np.array([(name.encode(), float(i)) for i, name in enumerate(legacy_obs)],
                            dtype=[("index", "S8"), ("n", "f8")])
        f["var"] = np.array([(name,) for name in VAR], dtype=[("index", h5py.string_dtype())])
    cases.append(expected_case(out, "legacy.h5ad", True, "float64"))

    # Fixed-length names: null-padded bytes for obs (numpy's "S"), and a var index of
    # variable-length ASCII strings; a float64 dense X stored in gzip-compressed chunks.
    names = out / "fixed_names.h5ad"
    annotated(rng.rand(n, m), frame(OBS), frame(VAR)).write_h5ad(names, compression="gzip")
    ascii_obs = [f"o{i}" * (i + 1) for i in range(n)]
    ascii_var = ["CD3E", "GENE-2", "abc", "peak:chr1-100-200", "x"]
    with h5py.File(names, "a") as f:
        del f["obs/_index"]
        f["obs/_index"] = np.array([s.encode() for s in ascii_obs], dtype="S12")
        del f["var/_index"]
        f.create_dataset("var/_index", data=[s.encode() for s in ascii_var],
                         dtype=h5py.string_dtype("ascii"))
    cases.append(expected_case(out, "fixed_names.h5ad", False, "float64"))
    return cases


def copy_with(out, source, name, change):
    shutil.copy(out / source, out / name)
    with h5py.File(out / name, "a") as f:
        change(f)


def write_broken_h5ad(out):
    errors = []

    def indptr_decreases(f):
        indptr = f["X/indptr"][()]
        indptr[2], indptr[3] = indptr[3] + 1, indptr[2]
        del f["X/indptr"]
        f["X/indptr"] = indptr

    copy_with(out, "csr_f64.h5ad", "bad_indptr.h5ad", indptr_decreases)
    errors.append({"file": "bad_indptr.h5ad", "object": "/X/indptr", "says": "decreases"})

    def indptr_short_end(f):
        indptr = f["X/indptr"][()]
        indptr[-1] -= 1
        del f["X/indptr"]
        f["X/indptr"] = indptr

    copy_with(out, "csr_f64.h5ad", "bad_indptr_end.h5ad", indptr_short_end)
    errors.append({"file": "bad_indptr_end.h5ad", "object": "/X/indptr", "says": "ends at"})

    def index_too_large(f):
        indices = f["X/indices"][()]
        indices[1] = len(VAR)
        del f["X/indices"]
        f["X/indices"] = indices

    copy_with(out, "csr_f64.h5ad", "bad_indices.h5ad", index_too_large)
    errors.append({"file": "bad_indices.h5ad", "object": "/X/indices", "says": "is not a column"})

    def obs_too_short(f):
        names = f["obs/_index"][()][:-1]
        del f["obs/_index"]
        f["obs/_index"] = names

    copy_with(out, "dense_f32.h5ad", "short_obs.h5ad", obs_too_short)
    errors.append({"file": "short_obs.h5ad", "object": "/obs/_index", "says": "names but X has"})

    anndata.AnnData(obs=frame(OBS), var=frame(VAR)).write_h5ad(out / "no_x.h5ad")
    errors.append({"file": "no_x.h5ad", "object": "/X", "says": "not found"})

    def encoding_unknown(f):
        f["X"].attrs["encoding-type"] = "coo_matrix"

    copy_with(out, "csr_f64.h5ad", "coo.h5ad", encoding_unknown)
    errors.append({"file": "coo.h5ad", "object": "/X", "says": "coo_matrix"})

    def strings_for_x(f):
        del f["X"]
        f["X"] = np.array([[b"a", b"b"]])

    copy_with(out, "dense_f32.h5ad", "string_x.h5ad", strings_for_x)
    errors.append({"file": "string_x.h5ad", "object": "/X", "says": "expected numbers"})

    def lzf_x(f):
        # h5py's own filter, which the HDF5 library lacks. Zeros, so that the chunk really
        # is compressed: h5py stores a chunk that lzf cannot shrink without the filter.
        values = np.zeros_like(f["X"][()])
        del f["X"]
        f.create_dataset("X", data=values, compression="lzf")

    copy_with(out, "dense_f32.h5ad", "lzf.h5ad", lzf_x)
    errors.append({"file": "lzf.h5ad", "object": "/X", "says": "filter 'lzf'"})
    return errors


def write_h5mu(path, global_obs, modalities, mod_order=True):
    """MuData's layout, as mudata writes it: root obs and var, /mod/<name> AnnData groups
    and the order in which the modalities were added."""
    with h5py.File(path, "w") as f:
        f.attrs["encoding-type"] = "MuData"
        f.attrs["encoding-version"] = "0.1.0"
        write_elem(f, "obs", frame(global_obs))
        all_var = [f"{name}:{v}" for name, ad in modalities for v in ad.var_names]
        write_elem(f, "var", frame(all_var))
        mod = f.create_group("mod")
        for name, ad in modalities:
            write_elem(mod, name, ad)
        if mod_order:
            mod.attrs["mod-order"] = np.array([name for name, _ in modalities], dtype=object)


def expected_h5mu(out, name):
    """Each modality as anndata reads it, rows put in the root order by anndata itself."""
    result = {"file": name, "modalities": []}
    with h5py.File(out / name, "r") as f:
        global_obs = [text(s) for s in read_elem(f["obs"]).index]
        order = (list(f["mod"].attrs["mod-order"]) if "mod-order" in f["mod"].attrs
                 else sorted(f["mod"].keys()))
        result["obs_names"] = global_obs
        for mod_name in order:
            ad = read_elem(f["mod"][mod_name])[global_obs]
            X = ad.X
            npy = f"{name.replace('.', '_')}_{mod_name}_X.npy"
            dtype = "float32" if X.dtype == np.float32 else "float64"
            np.save(out / npy, dense_values(X).astype(dtype))
            result["modalities"].append({
                "name": mod_name, "expected": npy, "dtype": dtype, "sparse": sp.issparse(X),
                "stored": int(X.nnz) if sp.issparse(X) else int(X.size),
                "var_names": [text(s) for s in ad.var_names],
            })
    return result


def write_h5mu_cases(out, rng):
    n = len(OBS)
    rna = annotated(sp.csr_matrix(rng.poisson(1.0, size=(n, 4)).astype(np.float32)),
                    frame(OBS), frame(["Gène1", "G2", "G3", "G4"]))
    # ATAC peaks with its cells in another order (as when modalities are loaded apart).
    shuffled = [OBS[i] for i in [3, 0, 5, 1, 4, 2]]
    atac_counts = sp.csr_matrix(rng.poisson(0.5, size=(n, 7)).astype(np.int32))
    atac = annotated(atac_counts, frame(shuffled),
                     frame([f"chr1:{100 * i}-{100 * i + 50}" for i in range(7)]))
    prot = annotated(rng.rand(n, 3), frame(OBS), frame(["CD4", "CD8", "CD19"]))

    # The added order, not the sorted one (atac, prot, rna).
    modalities = [("rna", rna), ("atac", atac), ("prot", prot)]
    write_h5mu(out / "multi.h5mu", OBS, modalities)
    write_h5mu(out / "sorted.h5mu", OBS, modalities, mod_order=False)
    results = [expected_h5mu(out, "multi.h5mu"), expected_h5mu(out, "sorted.h5mu")]

    errors = []
    extra = annotated(rng.rand(n, 2), frame(OBS[:-1] + ["stray cell"]), frame(["a", "b"]))
    write_h5mu(out / "extra_sample.h5mu", OBS, [("rna", rna), ("adt", extra)])
    errors.append({"file": "extra_sample.h5mu", "modality": "adt", "sample": "stray cell"})
    missing = annotated(rng.rand(n - 1, 2), frame(OBS[1:]), frame(["a", "b"]))
    write_h5mu(out / "missing_sample.h5mu", OBS, [("rna", rna), ("adt", missing)])
    errors.append({"file": "missing_sample.h5mu", "modality": "adt", "sample": OBS[0]})
    return results, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path)
    args = parser.parse_args()
    out = args.out / "anndata"
    if out.exists():
        shutil.rmtree(out)  # h5py appends to files left by an earlier run
    out.mkdir(parents=True)
    rng = np.random.RandomState(11)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anndata's notices about index names and dtypes
        cases = write_h5ad_cases(out, rng)
        errors = write_broken_h5ad(out)
        multi, multi_errors = write_h5mu_cases(out, rng)
    (out / "cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False))
    (out / "modalities.json").write_text(
        json.dumps({"files": multi, "errors": multi_errors}, indent=1, ensure_ascii=False))
    (out / "errors.json").write_text(json.dumps(errors, indent=1))
    print(f"wrote {len(cases)} .h5ad cases, {len(errors)} broken .h5ad files and "
          f"{len(multi) + len(multi_errors)} .h5mu files to {out}")


if __name__ == "__main__":
    main()
