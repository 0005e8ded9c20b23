"""Hostile input: corrupt files and sizes that would exhaust memory end with one clear
line, a non-zero exit and nothing written; never with a crash, an abort or a hang.

The corrupt .h5ad files are made here: anndata writes a small CSR file, then single
bits are flipped in the stored X/indices and X/indptr, and in the HDF5 global heap that
holds the obs names (a flip that crashed HDF5 1.10 inside H5Dread, issue 19).
"""

import json
import struct
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

h5py = pytest.importorskip("h5py")
pd = pytest.importorskip("pandas")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    anndata = pytest.importorskip("anndata")


def write_csr_h5ad(path):
    X = sp.random(8, 6, density=0.4, format="csr", random_state=0, dtype=np.float32)
    obs = pd.DataFrame(index=[f"cell_{i}" for i in range(8)])
    anndata.AnnData(X=X, obs=obs, dtype=X.dtype).write_h5ad(path)


def stored_bytes(path, name):
    """Where the values of a dataset lie in the file: (offset, size)."""
    with h5py.File(path, "r") as f:
        d = f[name]
        offset = d.id.get_offset()
        if offset is not None:
            return offset, d.id.get_storage_size()
        chunk = d.id.get_chunk_info(0)
        return chunk.byte_offset, chunk.size


def fails_cleanly(nmfkit, *args):
    """Exit 1 (not a signal, not an abort) and the usual single error line."""
    result = nmfkit(*args, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nmfkit: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("dataset", ["X/indices", "X/indptr"])
def test_flipped_bits_in_sparse_x_fail_cleanly(nmfkit, dataset):
    path = nmfkit.workdir / "x.h5ad"
    write_csr_h5ad(path)
    original = path.read_bytes()
    assert "8 x 6" in nmfkit.ok("info", path.name).stdout
    offset, size = stored_bytes(path, dataset)
    # Every bit of the first offset or index, then every 13th bit: about 70 runs each.
    bits = list(range(32)) + list(range(32, size * 8, 13))
    for bit in bits:
        data = bytearray(original)
        data[offset + bit // 8] ^= 1 << (bit % 8)
        path.write_bytes(bytes(data))
        result = nmfkit("info", path.name, timeout=60)
        assert result.returncode in (0, 1), (dataset, bit, result.returncode, result.stderr)
        if result.returncode == 1:
            assert len(result.stderr.splitlines()) == 1, result.stderr


def test_corrupt_global_heap_is_a_format_error_not_a_crash(nmfkit):
    path = nmfkit.workdir / "heap.h5ad"
    write_csr_h5ad(path)
    data = bytearray(path.read_bytes())
    # A global heap collection: "GCOL", version, 3 reserved bytes, its size (8 bytes),
    # then objects of (index 2, references 2, reserved 4, size 8) and the bytes.
    at = data.find(b"GCOL") + 16
    while True:
        index = struct.unpack_from("<H", data, at)[0]
        size = struct.unpack_from("<Q", data, at + 8)[0]
        assert index != 0, "the name cell_3 is not in the first heap collection"
        if data[at + 16 : at + 16 + size] == b"cell_3":
            break
        at += 16 + (size + 7) // 8 * 8
    data[at + 15] ^= 1  # the object's size becomes 2^56 + 6
    path.write_bytes(bytes(data))
    line = fails_cleanly(nmfkit, "info", path.name)
    assert "heap.h5ad" in line
    line = fails_cleanly(nmfkit, "fit", path.name, "--k", 2, "--out", "model")
    assert not (nmfkit.workdir / "model").exists()
    assert [name for name in nmfkit.files() if name != "heap.h5ad"] == []


@pytest.fixture
def tiny(nmfkit):
    np.save(nmfkit.workdir / "X.npy", np.random.default_rng(0).random((8, 6)))
    return "X.npy"


def test_k_beyond_memory_is_refused_before_allocating(nmfkit, tiny):
    # Eight entries of X give room for k = 1000000 by the shape rule only with a wider X.
    np.save(nmfkit.workdir / "wide.npy", np.random.default_rng(0).random((8, 200000)))
    line = fails_cleanly(nmfkit, "fit", "wide.npy", "--k", 1000000, "--out", "model")
    assert "n_components = 1000000" in line and "of memory" in line and "available" in line
    assert sorted(nmfkit.files()) == ["X.npy", "wide.npy"]


def one_entry_mtx(path, size):
    """A size × size Matrix Market file with one entry: small to read, huge to make dense."""
    path.write_text(f"%%MatrixMarket matrix coordinate real general\n{size} {size} 1\n4 6 1.5\n")


def test_select_k_ensemble_beyond_memory_is_refused_before_any_fit(nmfkit):
    one_entry_mtx(nmfkit.workdir / "X.mtx", 1000)
    line = fails_cleanly(nmfkit, "select-k", "X.mtx", "--k", 1000, "--method", "stability",
                         "--perturbations", 1000, "--out", "sel")
    assert "--k up to 1000, 1000 perturbations on a 1000 × 1000 matrix" in line
    assert "of memory" in line and "available" in line
    assert nmfkit.files() == ["X.mtx"]  # no output, no checkpoint


def test_cluster_neighbour_count_beyond_memory_is_refused(nmfkit):
    np.save(nmfkit.workdir / "W.npy", np.random.default_rng(0).random((200000, 2)))
    line = fails_cleanly(nmfkit, "cluster", "W.npy", "--neighbors", 150000, "--out", "cl")
    assert "neighbour count 150000 on 200000 samples" in line and "of memory" in line
    assert nmfkit.files() == ["W.npy"]


@pytest.mark.parametrize("extra, says", [
    ([], "full_svd of a 1000000 × 1000000 matrix"),
    (["--method", "randomized", "--k", 100000], "randomized_svd with k = 100000"),
])
def test_svd_beyond_memory_is_refused(nmfkit, extra, says):
    one_entry_mtx(nmfkit.workdir / "X.mtx", 1000000)
    line = fails_cleanly(nmfkit, "svd", "X.mtx", *extra, "--out", "s")
    assert says in line and "of memory" in line
    assert nmfkit.files() == ["X.mtx"]


@pytest.mark.parametrize("k", [49, 20000, 1000000])
def test_k_beyond_the_entries_of_x_is_refused(nmfkit, tiny, k):
    line = fails_cleanly(nmfkit, "fit", tiny, "--k", k, "--out", "model")
    assert f"n_components = {k}" in line and "48 entries" in line
    assert nmfkit.files() == ["X.npy"]


def test_k_beyond_min_shape_still_fits_as_in_scikit_learn(nmfkit, tiny):
    nmfkit.ok("fit", tiny, "--k", 12, "--init", "random", "--max-iter", 20, "--out", "model")
    assert (nmfkit.workdir / "model" / "H.npy").exists()


def test_npy_header_length_beyond_the_file(nmfkit):
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }"
    # Version 2.0: a 4-byte header length, here 4 GB in a file of 80 bytes.
    data = b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + header
    (nmfkit.workdir / "big.npy").write_bytes(data)
    line = fails_cleanly(nmfkit, "info", "big.npy")
    assert "unexpected end of file" in line


def test_mtx_size_line_beyond_memory(nmfkit):
    (nmfkit.workdir / "rows.mtx").write_text(
        "%%MatrixMarket matrix coordinate real general\n900000000000000 3 0\n"
    )
    line = fails_cleanly(nmfkit, "info", "rows.mtx")
    assert "does not fit in memory" in line


@pytest.mark.parametrize(
    "change",
    [
        lambda j: [j],  # not an object at all
        lambda j: {**j, "format": 7},
        lambda j: {**j, "format_version": "1"},
        lambda j: {k: v for k, v in j.items() if k != "files"},
        lambda j: {**j, "files": {"W": "../X.npy", "H": "H.npy"}},
        lambda j: {**j, "files": {"W": "/etc/passwd", "H": "H.npy"}},
        lambda j: {**j, "n_components": "two"},
    ],
)
def test_corrupt_model_json_fails_cleanly(nmfkit, tiny, change):
    nmfkit.ok("fit", tiny, "--k", 2, "--max-iter", 5, "--out", "model")
    model = nmfkit.workdir / "model" / "model.json"
    model.write_text(json.dumps(change(json.loads(model.read_text()))))
    line = fails_cleanly(nmfkit, "transform", "model", tiny, "--out", "W.npy")
    assert "model.json" in line
    assert not (nmfkit.workdir / "W.npy").exists()


def run_with_file_size_limit(nmfkit, limit, *args):
    import resource
    import subprocess

    def limit_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [nmfkit.binary, *map(str, args)],
        cwd=nmfkit.workdir,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_files,
    )


def test_a_full_disk_is_one_line_and_no_output(nmfkit):
    # W (2000 × 3) alone takes 48 kB: past a 16 kB file-size limit every write fails.
    np.save(nmfkit.workdir / "X.npy", np.random.default_rng(0).random((2000, 5)))
    result = run_with_file_size_limit(
        nmfkit, 16384, "fit", "X.npy", "--k", 3, "--max-iter", 5, "--quiet", "--out", "model"
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nmfkit: error: cannot write"), lines
    assert "File too large" in lines[0]
    assert nmfkit.files() == ["X.npy"]  # no model, no staging directory, no lock


def test_two_runs_writing_one_output_never_mix(nmfkit):
    import subprocess

    np.save(nmfkit.workdir / "X.npy", np.random.default_rng(0).random((300, 40)))
    runs = [
        subprocess.Popen(
            [nmfkit.binary, "fit", "X.npy", "--k", str(k), "--max-iter", "30", "--seed", "0",
             "--out", "model"],
            cwd=nmfkit.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for k in (3, 4, 5, 6)
    ]
    outcomes = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    for code, stderr in outcomes:
        assert code == 0 or "another nmfkit run is writing it" in stderr, stderr
    assert any(code == 0 for code, _ in outcomes)
    # Whichever run wrote last, W, H and model.json are its own, all three.
    meta = json.loads((nmfkit.workdir / "model" / "model.json").read_text())
    W = np.load(nmfkit.workdir / "model" / "W.npy")
    H = np.load(nmfkit.workdir / "model" / "H.npy")
    assert W.shape[1] == H.shape[0] == meta["n_components"]
    assert nmfkit.files() == ["X.npy", "model"]


def test_hdf5_that_loops_for_ever_ends_with_one_line(nmfkit):
    """A fuzzer's .h5ad whose corrupt object address sends HDF5 round a cycle: the reading
    child is stopped by its CPU-time limit and the file reported as corrupt."""
    import shutil
    from pathlib import Path
    source = Path(__file__).parent / "data" / "hdf5_address_cycle.h5ad"
    shutil.copy(source, nmfkit.workdir / "cycle.h5ad")
    before = nmfkit.files()
    nmfkit.fails("info", "cycle.h5ad", mentions=["cycle.h5ad", "did not finish reading it"])
    nmfkit.fails("fit", "cycle.h5ad", "--k", "2", "--out", "out", mentions=["cycle.h5ad"])
    assert nmfkit.files() == before
