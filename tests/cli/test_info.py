"""`nmfkit info`: files written by NumPy and SciPy are described as they describe them."""

import gzip
import json
import shutil

import numpy as np
import pytest
import scipy.io
import scipy.sparse

RNG_SEED = 20240611


def info_json(nmfkit, name):
    return json.loads(nmfkit.ok("info", "--json", name).stdout)


def check_dense(info, array, dtype):
    assert info["shape"] == list(array.shape)
    assert info["storage"] == "dense"
    assert info["dtype"] == dtype
    assert info["stored"] == array.size
    assert info["nonzero"] == np.count_nonzero(array)
    values = array.astype(np.float64)
    assert info["min"] == values.min()
    assert info["max"] == values.max()
    assert info["sum"] == pytest.approx(values.sum(), rel=1e-12)


def sample(shape=(7, 5)):
    """Small integers, exact in every dtype tested, with a few zeros."""
    return np.random.default_rng(RNG_SEED).integers(0, 10, size=shape)


@pytest.mark.parametrize(
    "dtype, expected",
    [
        ("<f4", "float32"),
        ("<f8", "float64"),
        ("<i4", "float64"),
        ("|u1", "float64"),
        ("?", "float64"),
        ("<f2", "float64"),
        (">f8", "float64"),
        (">i4", "float64"),
    ],
)
def test_npy_dtypes(nmfkit, dtype, expected):
    array = sample().astype(dtype)
    np.save(nmfkit.workdir / "m.npy", array)
    check_dense(info_json(nmfkit, "m.npy"), array, expected)


@pytest.mark.parametrize("dtype", ["<f8", "<f4", "<i2"])
def test_npy_fortran_order(nmfkit, dtype):
    array = np.asfortranarray(sample((6, 9)).astype(dtype))
    assert array.flags.f_contiguous and not array.flags.c_contiguous
    np.save(nmfkit.workdir / "m.npy", array)
    info = info_json(nmfkit, "m.npy")
    check_dense(info, array, "float32" if dtype == "<f4" else "float64")


def test_npy_first_problem_locations_match_numpy(nmfkit):
    array = np.random.default_rng(RNG_SEED).random((20, 30))
    array[3, 7] = np.nan
    array[12, 2] = np.nan
    array[5, 1] = np.inf
    array[9, 9] = -2.0
    array[9, 3] = -1.0
    array[4, :] = 0.0
    np.save(nmfkit.workdir / "m.npy", array)
    info = info_json(nmfkit, "m.npy")
    assert info["nan_count"] == 2
    assert info["first_nan"] == list(np.argwhere(np.isnan(array))[0])
    assert info["inf_count"] == 1
    assert info["first_inf"] == [5, 1]
    assert info["negative_count"] == 2
    assert info["first_negative"] == list(np.argwhere(array < 0)[0])
    assert info["zero_rows"] == 1
    assert info["min"] == -2.0
    assert info["max"] is None or info["max"] == np.inf  # JSON has no Inf
    assert len(info["problems"]) == 4


@pytest.mark.parametrize("delimiter, name", [(",", "m.csv"), ("\t", "m.tsv"), ("\t", "m.txt")])
def test_savetxt(nmfkit, delimiter, name):
    array = np.random.default_rng(RNG_SEED).random((11, 4)) * 100
    np.savetxt(nmfkit.workdir / name, array, delimiter=delimiter)
    check_dense(info_json(nmfkit, name), array, "float64")


def test_savetxt_gzip(nmfkit):
    array = np.random.default_rng(RNG_SEED).random((11, 4))
    np.savetxt(nmfkit.workdir / "m.csv.gz", array, delimiter=",")  # numpy compresses by name
    info = info_json(nmfkit, "m.csv.gz")
    assert info["compressed"] is True
    check_dense(info, array, "float64")


def test_csv_with_header(nmfkit):
    array = sample((5, 3)).astype(float)
    np.savetxt(nmfkit.workdir / "m.csv", array, delimiter=",", header="a,b,c", comments="")
    info = info_json(nmfkit, "m.csv")
    check_dense(info, array, "float64")


def random_sparse(shape=(40, 25), density=0.2):
    rng = np.random.default_rng(RNG_SEED)
    return scipy.sparse.random(shape[0], shape[1], density=density, random_state=rng, format="coo")


def check_sparse(info, matrix):
    dense = matrix.toarray()
    assert info["shape"] == list(matrix.shape)
    assert info["storage"] == "csr"
    assert info["dtype"] == "float64"
    assert info["stored"] == matrix.tocsr().nnz
    assert info["min"] == dense.min()
    assert info["max"] == dense.max()
    assert info["sum"] == pytest.approx(dense.sum(), rel=1e-12)
    assert info["zero_rows"] == int(np.sum(~dense.any(axis=1)))
    assert info["zero_cols"] == int(np.sum(~dense.any(axis=0)))


def test_mmwrite_general(nmfkit):
    matrix = random_sparse()
    scipy.io.mmwrite(nmfkit.workdir / "m.mtx", matrix)
    info = info_json(nmfkit, "m.mtx")
    assert info["format"] == "matrix-market"
    assert info["compressed"] is False
    check_sparse(info, matrix)


def test_mmwrite_gzip(nmfkit):
    matrix = random_sparse()
    scipy.io.mmwrite(nmfkit.workdir / "plain.mtx", matrix)
    with open(nmfkit.workdir / "plain.mtx", "rb") as src:
        with gzip.open(nmfkit.workdir / "m.mtx.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
    info = info_json(nmfkit, "m.mtx.gz")
    assert info["compressed"] is True
    check_sparse(info, matrix)


def test_mmwrite_symmetric(nmfkit):
    half = random_sparse((30, 30), 0.1)
    matrix = (half + half.T).tocoo()
    scipy.io.mmwrite(nmfkit.workdir / "m.mtx", matrix, symmetry="symmetric")
    assert "symmetric" in (nmfkit.workdir / "m.mtx").read_text().splitlines()[0]
    check_sparse(info_json(nmfkit, "m.mtx"), matrix)


def test_mmwrite_pattern(nmfkit):
    matrix = random_sparse()
    scipy.io.mmwrite(nmfkit.workdir / "m.mtx", matrix, field="pattern")
    info = info_json(nmfkit, "m.mtx")
    ones = matrix.copy()
    ones.data[:] = 1.0
    check_sparse(info, ones)
    assert info["max"] == 1.0


def test_mmwrite_integer(nmfkit):
    matrix = scipy.sparse.coo_matrix(sample((8, 8)))
    scipy.io.mmwrite(nmfkit.workdir / "m.mtx", matrix)
    assert "integer" in (nmfkit.workdir / "m.mtx").read_text().splitlines()[0]
    check_sparse(info_json(nmfkit, "m.mtx"), matrix.astype(float))


def test_mmwrite_dense_array(nmfkit):
    array = np.random.default_rng(RNG_SEED).random((6, 4))
    scipy.io.mmwrite(nmfkit.workdir / "m.mtx", array)
    assert "array" in (nmfkit.workdir / "m.mtx").read_text().splitlines()[0]
    check_dense(info_json(nmfkit, "m.mtx"), array, "float64")


def test_text_output(nmfkit):
    np.save(nmfkit.workdir / "m.npy", sample().astype(float) + 1)
    out = nmfkit.ok("info", "m.npy").stdout
    assert "m.npy" in out
    assert "7 x 5" in out
    assert "dense" in out
    assert "float64" in out
    assert "problems:  none" in out


def test_text_output_lists_problems(nmfkit):
    array = np.ones((3, 4))
    array[1, 2] = np.nan
    array[2, 0] = -1
    array[:, 3] = 0
    np.save(nmfkit.workdir / "m.npy", array)
    out = nmfkit.ok("info", "m.npy").stdout  # problems are reported, not errors
    assert "1 NaN entry, first at row 1, column 2" in out
    assert "1 negative entry, first at row 2, column 0" in out
    assert "1 all-zero column" in out
    assert "none" not in out


def test_empty_matrix_is_a_problem(nmfkit):
    (nmfkit.workdir / "m.csv").write_text("a,b,c\n")
    info = info_json(nmfkit, "m.csv")
    assert info["shape"] == [0, 3]
    assert any("empty" in p for p in info["problems"])
    assert info["min"] is None


@pytest.mark.parametrize(
    "name, content, mentions",
    [
        ("bad.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n",
         ["bad.mtx:line 4", "expected 2 entries"]),
        ("bad.mtx", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n",
         ["bad.mtx:line 1", "complex"]),
        ("bad.mtx", "%%MatrixMarket matrix coordinate real general\n3 3 1\n4 1 1\n",
         ["bad.mtx:line 3", "between 1 and 3"]),
        ("bad.csv", "1,2,3\n4,5\n", ["bad.csv:line 2", "expected 3 fields, found 2"]),
        ("bad.tsv", "1\t2\n3\tx\n", ["bad.tsv:line 2", "'x'"]),
        ("bad.npy", "not an npy file", ["bad.npy:byte 0", "magic"]),
        ("bad.dat", "1,2\n", ["bad.dat", ".mtx"]),
    ],
)
def test_bad_files(nmfkit, name, content, mentions):
    (nmfkit.workdir / name).write_text(content)
    nmfkit.fails("info", name, mentions=mentions)


@pytest.mark.parametrize(
    "dtype, what",
    [("<c16", "complex"), ("O", "objects"), ("<U5", "strings")],
)
def test_unsupported_npy_dtypes(nmfkit, dtype, what):
    if dtype == "O":
        array = np.array([[1, "a"], [None, 2.5]], dtype=object)
    elif dtype == "<U5":
        array = np.array([["ab", "cd"]], dtype=dtype)
    else:
        array = np.zeros((2, 2), dtype=dtype)
    np.save(nmfkit.workdir / "m.npy", array, allow_pickle=True)
    nmfkit.fails("info", "m.npy", mentions=["m.npy:byte ", what])


def test_npy_3d_and_truncated(nmfkit):
    np.save(nmfkit.workdir / "cube.npy", np.zeros((2, 3, 4)))
    nmfkit.fails("info", "cube.npy", mentions=["cube.npy:byte ", "2-D", "(2, 3, 4)"])
    np.save(nmfkit.workdir / "full.npy", np.ones((10, 10)))
    data = (nmfkit.workdir / "full.npy").read_bytes()
    (nmfkit.workdir / "cut.npy").write_bytes(data[:-8])
    nmfkit.fails("info", "cut.npy", mentions=["cut.npy:byte ", "unexpected end of file"])


def test_missing_file(nmfkit):
    nmfkit.fails("info", "nope.mtx", mentions=["nope.mtx", "no such file"])


def test_usage_error_exits_2(nmfkit):
    result = nmfkit("info")
    assert result.returncode == 2
    assert result.stderr.startswith("nmfkit: error:")


def test_help_states_defaults(nmfkit):
    out = nmfkit.ok("info", "--help").stdout
    assert "--json" in out
    assert "default" in out
