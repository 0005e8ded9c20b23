"""`mpirun -np P nmfkit fit` end to end: the same model as one process, and failures that
end every process quickly with a message (run by CTest in MPI builds)."""

import json
import os
import re
import subprocess
import time

import numpy as np
import pytest

NMFKIT = os.environ["NMFKIT_BIN"]
MPIRUN = os.environ["NMFKIT_MPIRUN"].split()


# mpirun's own notices (a block between dashed lines, such as the one MPI_Abort prints) may
# be printed inside a line a process is writing.
MPIRUN_NOTICE = re.compile(r"-{20,}\n.*?-{20,}\n", re.S)


def mpirun(processes, *args, timeout=120):
    """Runs nmfkit on `processes` processes; its stderr without mpirun's notices."""
    command = MPIRUN + ["-np", str(processes), NMFKIT, *map(str, args)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    run.stderr = MPIRUN_NOTICE.sub("", run.stderr)
    return run


def write_mtx(path, X):
    rows, cols = np.nonzero(X)
    with open(path, "w") as f:
        f.write("%%MatrixMarket matrix coordinate real general\n")
        f.write(f"{X.shape[0]} {X.shape[1]} {len(rows)}\n")
        for i, j in zip(rows, cols):
            f.write(f"{i + 1} {j + 1} {X[i, j]!r}\n")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mpi")
    rng = np.random.default_rng(4)
    sparse = rng.random((150, 80)) * (rng.random((150, 80)) < 0.15)
    dense = rng.random((70, 45)) @ np.diag(rng.random(45))
    write_mtx(folder / "sparse.mtx", sparse)
    np.save(folder / "dense.npy", dense)
    np.savetxt(folder / "dense.csv", dense, delimiter=",", fmt="%.17g")  # the same values
    # The same sparse matrix as CSR in an .h5ad, which each process reads by its rows.
    import anndata
    import scipy.sparse
    anndata.AnnData(X=scipy.sparse.csr_matrix(sparse), dtype=np.float64).write_h5ad(
        folder / "sparse.h5ad")
    return folder


def fit_both(inputs, name, processes, *flags, spread_flags=()):
    tag = "-".join(flags).replace("/", "_")  # flags may name files
    alone = inputs / f"alone-{name}-{tag}"
    spread = inputs / f"spread{processes}-{name}-{'-'.join((tag,) + spread_flags)}"
    if not alone.exists():
        subprocess.run([NMFKIT, "fit", inputs / name, "--out", alone, *flags], check=True,
                       capture_output=True)
    run = mpirun(processes, "fit", inputs / name, "--out", spread, *flags, *spread_flags)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("wrote ") == 1  # one process writes and reports
    return alone, spread


@pytest.mark.parametrize("processes", [2, 3, 4])
@pytest.mark.parametrize("name,flags", [
    ("sparse.mtx", ("--k", "6", "--seed", "1")),
    ("dense.npy", ("--k", "4", "--seed", "2", "--solver", "anls")),
    ("sparse.mtx", ("--k", "5", "--seed", "3", "--beta-loss", "kullback-leibler")),
    ("sparse.h5ad", ("--k", "6", "--seed", "1", "--init", "nndsvda")),
])
def test_spread_fit_writes_the_model_of_one_process(inputs, processes, name, flags):
    alone, spread = fit_both(inputs, name, processes, *flags)
    for factor in ("W.npy", "H.npy"):
        a, s = np.load(alone / factor), np.load(spread / factor)
        assert a.shape == s.shape and a.dtype == s.dtype
        assert np.linalg.norm(a - s) <= 1e-10 * np.linalg.norm(a)
    model_alone = json.loads((alone / "model.json").read_text())
    model = json.loads((spread / "model.json").read_text())
    assert model["processes"] == processes and model_alone["processes"] == 1
    assert "process_seconds" not in model_alone
    for phase in ("init", "iterations", "fit"):
        times = model["process_seconds"][phase]
        assert 0 <= times["min"] <= times["mean"] <= times["max"]
    assert model["n_iter"] == model_alone["n_iter"]


@pytest.mark.parametrize("grid", ["2x2", "4x1", "1x4", "auto"])
@pytest.mark.parametrize("name", ["sparse.mtx", "dense.npy", "sparse.h5ad"])
def test_a_grid_of_processes_writes_the_model_of_one_process(inputs, grid, name):
    alone, spread = fit_both(inputs, name, 4, "--k", "4", "--seed", "6",
                             spread_flags=("--grid", grid))
    for factor in ("W.npy", "H.npy"):
        a, s = np.load(alone / factor), np.load(spread / factor)
        assert np.linalg.norm(a - s) <= 1e-10 * np.linalg.norm(a)
    model = json.loads((spread / "model.json").read_text())
    # auto: the 150 × 80 and 70 × 45 inputs are taller than wide, so two block rows.
    assert model["grid"] == ("2x2" if grid == "auto" else grid)


@pytest.mark.parametrize("processes", [2, 3])
@pytest.mark.parametrize("name,flags", [
    ("dense.npy", ("--mask", "mask.npy", "--k", "4", "--seed", "2")),
    ("dense.npy", ("--weights", "weights.npy", "--k", "3", "--seed", "1", "--solver", "mu")),
    ("sparse.mtx", ("--missing", "zeros", "--k", "5", "--seed", "3")),
    ("sparse.mtx", ("--missing", "zeros", "--k", "4", "--seed", "4", "--beta-loss",
                    "kullback-leibler")),
])
def test_a_masked_fit_spreads_and_writes_the_model_of_one_process(inputs, processes, name,
                                                                   flags):
    rng = np.random.default_rng(8)
    if not (inputs / "mask.npy").exists():
        np.save(inputs / "mask.npy", (rng.random((70, 45)) < 0.1).astype(np.float64))
        np.save(inputs / "weights.npy", rng.choice([0.0, 0.5, 1.0], size=(70, 45)))
    flags = tuple(str(inputs / f) if f.endswith(".npy") else f for f in flags)
    alone, spread = fit_both(inputs, name, processes, *flags)
    for factor in ("W.npy", "H.npy"):
        a, s = np.load(alone / factor), np.load(spread / factor)
        assert a.shape == s.shape
        assert np.linalg.norm(a - s) <= 1e-10 * np.linalg.norm(a)
    model_alone = json.loads((alone / "model.json").read_text())
    model = json.loads((spread / "model.json").read_text())
    assert model["processes"] == processes
    assert model["n_iter"] == model_alone["n_iter"]
    assert model["reconstruction_error"] == pytest.approx(model_alone["reconstruction_error"],
                                                          rel=1e-10)


def test_a_grid_of_the_wrong_size_refuses(inputs):
    run = subprocess.run([NMFKIT, "fit", inputs / "sparse.mtx", "--k", "3", "--grid", "2x1",
                          "--out", inputs / "grid-out"], capture_output=True, text=True)
    assert run.returncode != 0
    assert "--grid 2x1 needs 2 processes, but 1 was started" in run.stderr
    run = mpirun(3, "fit", inputs / "sparse.mtx", "--k", "3", "--grid", "2x2", "--out",
                 inputs / "grid-out", timeout=60)
    assert run.returncode != 0
    assert "--grid 2x2 needs 4 processes, but 3 were started" in run.stderr
    assert not (inputs / "grid-out").exists()


@pytest.mark.parametrize("grid", ["2x2", "1x4"])
def test_kullback_leibler_on_a_grid_writes_the_model_of_one_process(inputs, grid):
    alone, spread = fit_both(inputs, "sparse.mtx", 4, "--k", "4", "--seed", "5", "--beta-loss",
                             "kullback-leibler", spread_flags=("--grid", grid))
    for factor in ("W.npy", "H.npy"):
        a, s = np.load(alone / factor), np.load(spread / factor)
        assert np.linalg.norm(a - s) <= 1e-10 * np.linalg.norm(a)
    assert json.loads((spread / "model.json").read_text())["grid"] == grid


def test_processes_agree_on_a_drawn_seed(inputs):
    spread = inputs / "spread-drawn-seed"
    run = mpirun(3, "fit", inputs / "sparse.mtx", "--k", "4", "--out", spread)
    assert run.returncode == 0, run.stderr
    seed = json.loads((spread / "model.json").read_text())["options"]["random_state"]
    alone = inputs / "alone-drawn-seed"
    subprocess.run([NMFKIT, "fit", inputs / "sparse.mtx", "--k", "4", "--seed", str(seed),
                    "--out", alone], check=True, capture_output=True)
    for factor in ("W.npy", "H.npy"):
        a, s = np.load(alone / factor), np.load(spread / factor)
        assert np.linalg.norm(a - s) <= 1e-10 * np.linalg.norm(a)


def test_malformed_input_ends_every_process_with_a_message(inputs):
    bad = inputs / "bad.mtx"
    bad.write_text("%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 0.5\n9 9 1\n")
    start = time.monotonic()
    run = mpirun(3, "fit", bad, "--k", "2", "--out", inputs / "bad-out", timeout=60)
    assert run.returncode != 0
    assert time.monotonic() - start < 60
    assert "nmfkit: error" in run.stderr and "bad.mtx" in run.stderr
    assert not (inputs / "bad-out").exists()


def test_sliceable_inputs_are_read_by_rows_and_checked_everywhere(inputs):
    run = mpirun(3, "fit", inputs / "sparse.h5ad", "--k", "3", "--out", inputs / "rows-out")
    assert run.returncode == 0, run.stderr
    assert "each process reading its rows" in run.stdout
    run = mpirun(3, "fit", inputs / "sparse.mtx", "--k", "3", "--out", inputs / "sent-out")
    assert run.returncode == 0, run.stderr
    assert "process 0 read it and sent each process its rows" in run.stdout
    assert "each process reading its rows" not in run.stdout
    # A negative value in the last process's rows: the single-process message, once.
    X = np.load(inputs / "dense.npy")
    X[68, 3] = -1.0
    np.save(inputs / "negative.npy", X)
    alone = subprocess.run([NMFKIT, "fit", inputs / "negative.npy", "--k", "2", "--out",
                            inputs / "neg-out"], capture_output=True, text=True)
    run = mpirun(3, "fit", inputs / "negative.npy", "--k", "2", "--out", inputs / "neg-out",
                 timeout=60)
    assert alone.returncode != 0 and run.returncode != 0
    assert "row 68, column 3" in alone.stderr
    assert alone.stderr.strip().split("error: ", 1)[1] in run.stderr
    assert not (inputs / "neg-out").exists()
    # A truncated .npy fails in every process, never hangs.
    data = (inputs / "dense.npy").read_bytes()
    (inputs / "short.npy").write_bytes(data[: len(data) // 2])
    start = time.monotonic()
    run = mpirun(3, "fit", inputs / "short.npy", "--k", "2", "--out", inputs / "short-out",
                 timeout=60)
    assert run.returncode != 0 and time.monotonic() - start < 60
    assert "short.npy" in run.stderr
    assert not (inputs / "short-out").exists()


# A text file is parsed by process 0, which sends each process its rows: the slices and
# blocks of the same matrix read by rows from a .npy or CSR .h5ad, so the same model, bitwise.
@pytest.mark.parametrize("processes,grid", [(2, "1d"), (3, "1d"), (4, "1d"), (4, "2x2")])
@pytest.mark.parametrize("text,sliceable", [("sparse.mtx", "sparse.h5ad"),
                                            ("dense.csv", "dense.npy")])
@pytest.mark.parametrize("dtype", ["auto", "float32"])
def test_text_inputs_sent_by_process_0_fit_as_inputs_read_by_rows(inputs, processes, grid, text,
                                                                   sliceable, dtype):
    flags = ("--k", "4", "--seed", "3", "--dtype", dtype, "--grid", grid)
    runs = {}
    for name in (text, sliceable):
        out = inputs / f"rows{processes}-{grid}-{dtype}-{name}"
        run = mpirun(processes, "fit", inputs / name, "--out", out, *flags)
        assert run.returncode == 0, run.stderr
        runs[name] = run.stdout, out
    assert "process 0 read it and sent each process its rows" in runs[text][0]
    assert "each process reading its rows" in runs[sliceable][0]
    for factor in ("W.npy", "H.npy"):
        a, s = np.load(runs[sliceable][1] / factor), np.load(runs[text][1] / factor)
        assert a.dtype == s.dtype == (np.float32 if dtype == "float32" else np.float64)
        assert np.array_equal(a, s)
    model = json.loads((runs[text][1] / "model.json").read_text())
    assert model["processes"] == processes and model["grid"] == grid


# Process 0 fails to parse the file; the other waits for its rows: both end, quickly, with
# one line naming the file (the single-process message).
@pytest.mark.parametrize("content", [None, "%%MatrixMarket matrix coordinate real general\n"
                                           "3 3 2\n1 1 0.5\n9 9 1\n"])
def test_a_text_file_process_0_cannot_parse_ends_both_processes_with_one_line(inputs, content):
    bad = inputs / ("absent.mtx" if content is None else "malformed.mtx")
    if content is not None:
        bad.write_text(content)
    alone = subprocess.run([NMFKIT, "fit", bad, "--k", "2", "--out", inputs / "alone-bad"],
                           capture_output=True, text=True)
    assert alone.returncode != 0
    message = alone.stderr.strip().split("error: ", 1)[1]
    start = time.monotonic()
    run = mpirun(2, "fit", bad, "--k", "2", "--out", inputs / "bad-out", timeout=60)
    assert run.returncode != 0 and time.monotonic() - start < 60
    lines = [line for line in run.stderr.splitlines() if "nmfkit: error" in line]
    assert len(lines) == 1, run.stderr
    assert bad.name in lines[0] and lines[0].endswith(message)
    assert not (inputs / "bad-out").exists()


def test_scikit_learn_solvers_refuse_several_processes(inputs):
    run = mpirun(2, "fit", inputs / "sparse.mtx", "--k", "3", "--solver", "cd", "--out",
                 inputs / "cd-out", timeout=60)
    assert run.returncode != 0
    assert "runs in one process only" in run.stderr


def test_commands_that_do_not_spread_refuse_several_processes(inputs):
    run = mpirun(2, "svd", inputs / "sparse.mtx", "--k", "2", "--out", inputs / "svd-out",
                 timeout=60)
    assert run.returncode != 0
    assert "'nmfkit svd' runs in one process" in run.stderr
    assert not (inputs / "svd-out").exists()


@pytest.mark.parametrize("method", ["cv", "stability"])
def test_select_k_spreads_its_fits_and_chooses_as_one_process(inputs, method):
    flags = ["--k", "2:4", "--method", method, "--seed", "5", "--replicates", "3",
             "--perturbations", "4"]
    alone, spread = inputs / f"select-alone-{method}", inputs / f"select-spread-{method}"
    subprocess.run([NMFKIT, "select-k", inputs / "sparse.mtx", "--out", alone, *flags],
                   check=True, capture_output=True)
    run = mpirun(3, "select-k", inputs / "sparse.mtx", "--out", spread, *flags)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("wrote ") == 1
    a = json.loads((alone / "selection.json").read_text())
    s = json.loads((spread / "selection.json").read_text())
    assert s["chosen_k"] == a["chosen_k"] and s["k_chosen"] == a["k_chosen"]
    for score_a, score_s in zip(a["scores"], s["scores"]):
        for key, value in score_a.items():
            if key != "seconds":
                assert score_s[key] == value, key
