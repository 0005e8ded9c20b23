"""`nmfkit convert`: outputs read back by NumPy and SciPy equal the inputs exactly, and
failures leave no file behind."""

import gzip

import numpy as np
import pytest
import scipy.io
import scipy.sparse

RNG_SEED = 7


def awkward_values(shape=(9, 6), dtype=np.float64):
    """Values that need every digit, the largest and the smallest subnormal of `dtype`,
    zeros and a negative."""
    rng = np.random.default_rng(RNG_SEED)
    array = (rng.random(shape) * 10.0 ** rng.integers(-30, 30, size=shape)).astype(dtype)
    array[0, 0] = 0.1
    array[0, 1] = 1.0 / 3.0
    array[1, 0] = np.finfo(dtype).max
    array[1, 1] = np.finfo(dtype).smallest_subnormal
    array[2, :] = 0.0
    array[3, 2] = -2.5
    return array


def random_sparse(shape=(50, 30), density=0.1):
    rng = np.random.default_rng(RNG_SEED)
    return scipy.sparse.random(*shape, density=density, random_state=rng, format="csr")


def same(a, b):
    """Exactly equal, shape and dtype included."""
    assert a.shape == b.shape
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    np.testing.assert_array_equal(a, b)


def read_text(path, delimiter):
    return np.loadtxt(path, delimiter=delimiter, ndmin=2)


@pytest.mark.parametrize(
    "name, reader",
    [
        ("out.mtx", lambda p: scipy.io.mmread(str(p))),
        ("out.mtx.gz", lambda p: scipy.io.mmread(str(p))),
        ("out.npy", np.load),
        ("out.csv", lambda p: read_text(p, ",")),
        ("out.csv.gz", lambda p: read_text(p, ",")),
        ("out.tsv", lambda p: read_text(p, "\t")),
        ("out.txt", lambda p: read_text(p, "\t")),
    ],
)
def test_dense_float64_to_every_format(nmfkit, name, reader):
    array = awkward_values()
    np.save(nmfkit.workdir / "in.npy", array)
    nmfkit.ok("convert", "in.npy", name)
    same(reader(nmfkit.workdir / name), array)
    assert nmfkit.files() == sorted(["in.npy", name])  # no temporary files left


@pytest.mark.parametrize("name", ["out.mtx", "out.csv", "out.npy"])
def test_float32_round_trips(nmfkit, name):
    array = awkward_values(dtype=np.float32)
    np.save(nmfkit.workdir / "in.npy", array)
    nmfkit.ok("convert", "in.npy", name)
    path = nmfkit.workdir / name
    if name.endswith(".npy"):
        back = np.load(path)
    elif name.endswith(".mtx"):
        back = scipy.io.mmread(str(path)).astype(np.float32)
    else:
        back = read_text(path, ",").astype(np.float32)
    same(back, array)


def test_dtype_option(nmfkit):
    array = awkward_values(dtype=np.float32).astype(np.float64) / 3  # not exact in float32
    np.save(nmfkit.workdir / "in.npy", array)
    nmfkit.ok("convert", "in.npy", "single.npy", "--dtype", "float32")
    same(np.load(nmfkit.workdir / "single.npy"), array.astype(np.float32))
    nmfkit.ok("convert", "single.npy", "double.npy", "--dtype", "float64")
    same(np.load(nmfkit.workdir / "double.npy"), array.astype(np.float32).astype(np.float64))


def test_integer_npy_becomes_float64(nmfkit):
    array = np.arange(12, dtype=np.int32).reshape(3, 4)
    np.save(nmfkit.workdir / "in.npy", array)
    nmfkit.ok("convert", "in.npy", "out.npy")
    same(np.load(nmfkit.workdir / "out.npy"), array.astype(np.float64))


@pytest.mark.parametrize("name", ["out.mtx", "out.mtx.gz"])
def test_sparse_stays_sparse(nmfkit, name):
    matrix = random_sparse()
    scipy.io.mmwrite(nmfkit.workdir / "in.mtx", matrix)
    nmfkit.ok("convert", "in.mtx", name)
    path = nmfkit.workdir / name
    with (gzip.open(path, "rt") if name.endswith(".gz") else open(path)) as f:
        assert "coordinate" in f.readline()
    back = scipy.io.mmread(str(path))
    assert scipy.sparse.issparse(back)
    assert back.nnz == matrix.nnz
    same(back.toarray(), scipy.io.mmread(str(nmfkit.workdir / "in.mtx")).toarray())


@pytest.mark.parametrize("name", ["out.npy", "out.csv", "out.tsv"])
def test_sparse_to_dense_format_needs_densify(nmfkit, name):
    matrix = random_sparse()
    scipy.io.mmwrite(nmfkit.workdir / "in.mtx", matrix)
    nmfkit.fails("convert", "in.mtx", name, mentions=["in.mtx", name, "sparse", "--densify"])
    assert nmfkit.files() == ["in.mtx"]


def test_densify(nmfkit):
    matrix = random_sparse()
    scipy.io.mmwrite(nmfkit.workdir / "in.mtx", matrix)
    expected = scipy.io.mmread(str(nmfkit.workdir / "in.mtx")).toarray()
    nmfkit.ok("convert", "in.mtx", "out.npy", "--densify")
    same(np.load(nmfkit.workdir / "out.npy"), expected)
    nmfkit.ok("convert", "in.mtx", "array.mtx", "--densify")
    back = scipy.io.mmread(str(nmfkit.workdir / "array.mtx"))
    assert isinstance(back, np.ndarray)
    same(back, expected)


def test_sparse_option(nmfkit):
    array = awkward_values()
    array[array < 1e-5] = 0.0
    np.save(nmfkit.workdir / "in.npy", array)
    nmfkit.ok("convert", "in.npy", "out.mtx", "--sparse")
    back = scipy.io.mmread(str(nmfkit.workdir / "out.mtx"))
    assert scipy.sparse.issparse(back)
    assert back.nnz == np.count_nonzero(array)
    same(back.toarray(), array)


def test_sparse_option_needs_mtx_output(nmfkit):
    np.save(nmfkit.workdir / "in.npy", awkward_values())
    nmfkit.fails("convert", "in.npy", "out.csv", "--sparse", mentions=["--sparse", "out.csv"])
    assert nmfkit.files() == ["in.npy"]


def test_densify_and_sparse_exclude_each_other(nmfkit):
    np.save(nmfkit.workdir / "in.npy", awkward_values())
    result = nmfkit("convert", "in.npy", "out.mtx", "--sparse", "--densify")
    assert result.returncode == 2
    assert result.stderr.startswith("nmfkit: error:")
    assert nmfkit.files() == ["in.npy"]


def test_symmetric_and_pattern_inputs_are_expanded(nmfkit):
    half = random_sparse((20, 20), 0.1)
    symmetric = (half + half.T).tocoo()
    scipy.io.mmwrite(nmfkit.workdir / "sym.mtx", symmetric, symmetry="symmetric")
    nmfkit.ok("convert", "sym.mtx", "sym.npy", "--densify")
    expected = scipy.io.mmread(str(nmfkit.workdir / "sym.mtx")).toarray()
    same(np.load(nmfkit.workdir / "sym.npy"), expected)
    scipy.io.mmwrite(nmfkit.workdir / "pat.mtx", half, field="pattern")
    nmfkit.ok("convert", "pat.mtx", "pat.npy", "--densify")
    same(np.load(nmfkit.workdir / "pat.npy"), (half.toarray() != 0).astype(np.float64))


def test_csv_header_is_kept_between_text_formats(nmfkit):
    array = awkward_values((4, 3))
    np.savetxt(nmfkit.workdir / "in.csv", array, delimiter=",", header="a,b,c", comments="")
    nmfkit.ok("convert", "in.csv", "out.tsv")
    lines = (nmfkit.workdir / "out.tsv").read_text().splitlines()
    assert lines[0] == "a\tb\tc"
    same(np.loadtxt(nmfkit.workdir / "out.tsv", delimiter="\t", skiprows=1, ndmin=2), array)
    nmfkit.ok("convert", "in.csv", "out.npy")
    same(np.load(nmfkit.workdir / "out.npy"), array)


def test_savetxt_tsv_to_npy(nmfkit):
    array = awkward_values()
    np.savetxt(nmfkit.workdir / "in.tsv", array, delimiter="\t")
    nmfkit.ok("convert", "in.tsv", "out.npy")
    same(np.load(nmfkit.workdir / "out.npy"), array)


def test_output_is_replaced(nmfkit):
    np.save(nmfkit.workdir / "in.npy", np.ones((2, 2)))
    (nmfkit.workdir / "out.npy").write_text("old")
    nmfkit.ok("convert", "in.npy", "out.npy")
    same(np.load(nmfkit.workdir / "out.npy"), np.ones((2, 2)))


def test_failed_conversion_keeps_the_old_output(nmfkit):
    (nmfkit.workdir / "in.csv").write_text("1,2\n3\n")
    (nmfkit.workdir / "out.npy").write_text("old")
    nmfkit.fails("convert", "in.csv", "out.npy", mentions=["in.csv:line 2"])
    assert (nmfkit.workdir / "out.npy").read_text() == "old"
    assert nmfkit.files() == ["in.csv", "out.npy"]


@pytest.mark.parametrize(
    "name, content, mentions",
    [
        ("in.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 1\n",
         ["in.mtx:line 5", "expected 3 entries", "found 2"]),
        ("in.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 x\n",
         ["in.mtx:line 3", "'x'"]),
        ("in.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 1\n",
         ["in.mtx:line 3", "column index between 1 and 2"]),
        ("in.mtx", "hello\n", ["in.mtx:line 1", "banner"]),
        ("in.csv", "1,2\n3,4,5\n", ["in.csv:line 2", "expected 2 fields, found 3"]),
        ("in.npy", "\x93NUMPY", ["in.npy:byte 6"]),
    ],
)
def test_bad_input_writes_nothing(nmfkit, name, content, mentions):
    (nmfkit.workdir / name).write_text(content, encoding="latin-1")
    for output in ["out.mtx", "out.npy", "out.csv"]:
        nmfkit.fails("convert", name, output, mentions=mentions)
    assert nmfkit.files() == [name]


def test_missing_input(nmfkit):
    nmfkit.fails("convert", "nope.npy", "out.mtx", mentions=["nope.npy", "no such file"])
    assert nmfkit.files() == []


def test_unknown_output_format_fails_before_reading(nmfkit):
    np.save(nmfkit.workdir / "in.npy", np.ones((2, 2)))
    nmfkit.fails("convert", "in.npy", "out.xlsx", mentions=["out.xlsx", ".mtx"])
    nmfkit.fails("convert", "in.npy", "out.npy.gz", mentions=["out.npy.gz", "compressed"])
    assert nmfkit.files() == ["in.npy"]


def test_output_into_missing_directory(nmfkit):
    np.save(nmfkit.workdir / "in.npy", np.ones((2, 2)))
    nmfkit.fails("convert", "in.npy", "no/out.npy", mentions=["no/out.npy"])
    assert nmfkit.files() == ["in.npy"]


def test_bad_dtype_is_a_usage_error(nmfkit):
    np.save(nmfkit.workdir / "in.npy", np.ones((2, 2)))
    result = nmfkit("convert", "in.npy", "out.npy", "--dtype", "int8")
    assert result.returncode == 2
    assert result.stderr.startswith("nmfkit: error:")
    assert nmfkit.files() == ["in.npy"]


def test_help_states_every_default(nmfkit):
    out = nmfkit.ok("convert", "--help").stdout
    for flag in ["--dtype", "--densify", "--sparse"]:
        assert flag in out
    assert out.count("(default:") >= 3
