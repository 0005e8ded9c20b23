"""Checkpoint and resume (issue 19): a fit, a select-k, a consensus, a multi-modal fit or
a cluster tuning killed at random points and run again ends with the files an
uninterrupted run writes (bit for bit, timings aside);
SIGTERM stops at the next safe point, writes nothing and says how to resume; a
checkpoint of other inputs or options is refused.

The runs are sized to take about a second, so that kills land at different points.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import time

import numpy as np
import pytest

FIT = ["--k", 10, "--solver", "hals", "--seed", 4, "--tol", 0, "--max-iter", 600,
       "--threads", 1]
SELECT = ["--k", "2:7", "--method", "all", "--replicates", 2, "--perturbations", 3,
          "--restarts", 4, "--seed", 2, "--threads", 1]


def write_input(nmfkit, rows=300, cols=200, seed=0):
    rng = np.random.RandomState(seed)
    X = np.abs(rng.randn(rows, 12)) @ np.abs(rng.randn(12, cols)) + 0.1 * rng.rand(rows, cols)
    np.save(nmfkit.workdir / "X.npy", X)


def without_timings(value):
    """A JSON value with every timing (a key that mentions seconds) left out."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def contents(folder):
    """Each file's bytes, by path under `folder`; JSON without timings, TSV without its
    seconds column."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".json":
            data = without_timings(json.loads(data))
        elif path.suffix == ".tsv":
            rows = [line.split("\t") for line in data.decode().splitlines()]
            keep = [i for i, name in enumerate(rows[0]) if name != "seconds"]
            data = [[row[i] for i in keep] for row in rows]
        elif path.suffix in (".svg", ".html"):
            continue  # plots and report.html show the same numbers (and the timings)
        out[str(path.relative_to(folder))] = data
    return out


def start(nmfkit, *args):
    return subprocess.Popen([nmfkit.binary, *map(str, args)], cwd=nmfkit.workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path, process, timeout=60):
    """Polls until `path` exists; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.005)
    return True


def kill_at_random_points(nmfkit, args, unit_glob, checkpoint, kills, rng):
    """Starts the command up to `kills` times, each killed (-9) at a random moment after
    its checkpoint holds a unit. Returns whether the last run was killed (False: it ended
    on its own first, its output written)."""
    for _ in range(kills):
        process = start(nmfkit, *args)
        while not any(checkpoint.glob(unit_glob)):
            if process.poll() is not None:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))
        killed = process.poll() is None
        if killed:
            process.kill()
        process.communicate()
        if not killed:
            return False
    return True


def check_resumes(nmfkit, args, unit_glob, checkpoint, trials, seed):
    """Kills and resumes `trials` times; each time the output must be the uninterrupted
    run's (in `whole`). At least two trials must have been killed and resumed."""
    rng = random.Random(seed)
    out = nmfkit.workdir / "run"
    resumed = 0
    for _ in range(trials):
        if kill_at_random_points(nmfkit, args, unit_glob, checkpoint, 2, rng):
            assert not out.exists()  # a killed run writes nothing
            result = nmfkit.ok(*args)
            assert f"resumed from the checkpoint in {checkpoint.name}" in result.stdout
            resumed += 1
        assert contents(out) == contents(nmfkit.workdir / "whole")
        assert not checkpoint.exists()  # removed after success
        shutil.rmtree(out)
    assert resumed >= 2, "the runs ended before the kills: make them longer"


def test_fit_killed_at_random_points_resumes_to_the_same_files(nmfkit):
    write_input(nmfkit)
    nmfkit.ok("fit", "X.npy", *FIT, "--out", "whole")
    args = ["fit", "X.npy", *FIT, "--out", "run", "--checkpoint", "ck",
            "--checkpoint-every", 0.02]
    check_resumes(nmfkit, args, "fit.ckpt", nmfkit.workdir / "ck", 3, 19)


def test_select_k_killed_at_random_points_resumes_to_the_same_files(nmfkit):
    write_input(nmfkit, 150, 100)
    nmfkit.ok("select-k", "X.npy", *SELECT, "--no-checkpoint", "--out", "whole")
    assert not (nmfkit.workdir / "whole.checkpoint").exists()
    args = ["select-k", "X.npy", *SELECT, "--out", "run"]
    # On by default, next to --out.
    check_resumes(nmfkit, args, "*.ckpt", nmfkit.workdir / "run.checkpoint", 3, 7)


def test_consensus_killed_at_random_points_resumes_to_the_same_files(nmfkit):
    write_input(nmfkit, 150, 100)
    run = ["consensus", "X.npy", "--k", 4, "--replicates", 24, "--seed", 3, "--threads", 1]
    nmfkit.ok(*run, "--no-checkpoint", "--out", "whole")
    check_resumes(nmfkit, [*run, "--out", "run"], "*.ckpt",
                  nmfkit.workdir / "run.checkpoint", 2, 3)


def write_counts(nmfkit, samples=600, k=5, seed=1):
    """Two count modalities of the same samples, each topic with its own block of features."""
    rng = np.random.RandomState(seed)
    theta = rng.dirichlet(np.full(k, 0.2), samples)
    rna = np.zeros((samples, 40 * k))
    atac = np.zeros((samples, 60 * k))
    for t in range(k):
        rna[:, t * 40:(t + 1) * 40] += np.outer(theta[:, t], rng.rand(40) + 0.5) * 20
        atac[:, t * 60:(t + 1) * 60] += np.outer(theta[:, t], rng.rand(60) + 0.5) * 20
    np.save(nmfkit.workdir / "rna.npy", np.round(rna))
    np.save(nmfkit.workdir / "atac.npy", np.round(atac))


@pytest.mark.parametrize("model", [
    ["--model", "mtm", "--iterations", 60],
    ["--model", "mtm", "--svi", "--batches", 300, "--batch-size", 50],
    ["--model", "joint-nmf", "--solver", "hals", "--tol", 0, "--max-iter", 2000],
], ids=["mtm", "mtm-svi", "joint-nmf"])
def test_multimodal_fit_killed_at_random_points_resumes_to_the_same_files(nmfkit, model):
    write_counts(nmfkit)
    run = ["multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.npy",
           "--k", 5, "--seed", 3, "--threads", 1, *model]
    nmfkit.ok(*run, "--out", "whole")
    args = [*run, "--out", "run", "--checkpoint", "ck", "--checkpoint-every", 0.02]
    check_resumes(nmfkit, args, "*.ckpt", nmfkit.workdir / "ck", 3, 11)


def test_cluster_tuning_killed_at_random_points_resumes_to_the_same_files(nmfkit):
    rng = np.random.RandomState(5)
    centers = rng.rand(6, 6) * 4
    W = np.abs(centers[rng.randint(0, 6, 1500)] + 0.3 * rng.randn(1500, 6))
    np.save(nmfkit.workdir / "W.npy", W)
    np.save(nmfkit.workdir / "X.npy", W @ rng.rand(6, 80) + 0.1 * rng.rand(1500, 80))
    run = ["cluster", "X.npy", "--embedding", "W.npy", "--seeds", 4]
    nmfkit.ok(*run, "--out", "whole")
    args = [*run, "--out", "run", "--checkpoint", "ck"]
    check_resumes(nmfkit, args, "*.ckpt", nmfkit.workdir / "ck", 3, 5)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_cleanly_and_the_rerun_resumes(nmfkit, sig):
    write_input(nmfkit)
    nmfkit.ok("fit", "X.npy", *FIT, "--out", "whole")
    args = ["fit", "X.npy", *FIT, "--out", "run", "--checkpoint", "ck",
            "--checkpoint-every", 0.02, "--quiet"]  # the error line alone on stderr
    process = start(nmfkit, *args)
    assert wait_for(nmfkit.workdir / "ck" / "fit.ckpt", process)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nmfkit: error: interrupted"), stderr
    assert "ck holds the work done: run the same command again to resume" in lines[0]
    assert not (nmfkit.workdir / "run").exists()
    assert [p for p in nmfkit.files() if p.startswith(".run")] == []  # no staging left
    assert "resumed from the checkpoint in ck" in nmfkit.ok(*args).stdout
    assert contents(nmfkit.workdir / "run") == contents(nmfkit.workdir / "whole")


def test_a_checkpoint_of_other_inputs_or_options_is_refused(nmfkit):
    write_input(nmfkit)
    args = ["fit", "X.npy", *FIT, "--out", "run", "--checkpoint", "ck",
            "--checkpoint-every", 0.02]
    process = start(nmfkit, *args)
    assert wait_for(nmfkit.workdir / "ck" / "fit.ckpt", process)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    other_seed = [str(a) for a in args]
    other_seed[other_seed.index("--seed") + 1] = "5"
    nmfkit.fails(*other_seed, mentions=["--checkpoint ck holds the checkpoint of another run",
                                        "'--seed: 4', this run '--seed: 5'", "remove it"])
    write_input(nmfkit, seed=1)  # the same name, other bytes
    nmfkit.fails(*args, mentions=["another run", "input: size"])
    assert not (nmfkit.workdir / "run").exists()
    # The select-k default checkpoint is refused the same way.
    (nmfkit.workdir / "sel.checkpoint").mkdir()
    (nmfkit.workdir / "sel.checkpoint" / "notes").write_text("mine\n")
    nmfkit.fails("select-k", "X.npy", "--k", "2:3", "--out", "sel",
                 mentions=["sel.checkpoint exists and is not a checkpoint"])


def test_checkpoints_need_a_solver_whose_state_they_save(nmfkit):
    write_input(nmfkit, 20, 10)
    nmfkit.fails("fit", "X.npy", "--k", 2, "--solver", "mu", "--checkpoint", "ck", "--out", "o",
                 mentions=["checkpoints work with", "not solver 'mu'"])
    assert nmfkit.files() == ["X.npy"]  # neither the output nor the checkpoint


def test_a_multimodal_checkpoint_of_other_modality_files_is_refused(nmfkit):
    write_counts(nmfkit)
    args = ["multimodal", "fit", "--modality", "rna=rna.npy", "--modality", "atac=atac.npy",
            "--model", "mtm", "--iterations", 60, "--k", 5, "--threads", 1, "--out", "run",
            "--checkpoint", "ck", "--checkpoint-every", 0.02]
    process = start(nmfkit, *args)
    assert wait_for(nmfkit.workdir / "ck" / "mtm.ckpt", process)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    write_counts(nmfkit, seed=2)  # the same names, other bytes
    nmfkit.fails(*args, mentions=["another run", "input: size"])
    assert not (nmfkit.workdir / "run").exists()


def test_two_runs_cannot_share_a_checkpoint(nmfkit):
    write_input(nmfkit)
    args = ["fit", "X.npy", *FIT, "--checkpoint", "ck", "--checkpoint-every", 0.02]
    process = start(nmfkit, *args, "--out", "first")
    assert wait_for(nmfkit.workdir / "ck" / "fit.ckpt", process)
    nmfkit.fails(*args, "--out", "second",
                 mentions=["'ck'", "another nmfkit run is writing it now"])
    process.kill()
    process.communicate()
    assert not (nmfkit.workdir / "second").exists()
    # The lock ends with its process: a rerun resumes.
    assert "resumed from the checkpoint in ck" in nmfkit.ok(*args, "--out", "first").stdout


def test_a_checkpoint_of_other_initial_factors_is_refused(nmfkit):
    write_input(nmfkit)
    rng = np.random.RandomState(0)
    np.save(nmfkit.workdir / "W0.npy", rng.rand(300, 10))
    np.save(nmfkit.workdir / "H0.npy", rng.rand(10, 200))
    args = ["fit", "X.npy", *FIT, "--init", "custom", "--init-w", "W0.npy", "--init-h", "H0.npy",
            "--out", "run", "--checkpoint", "ck", "--checkpoint-every", 0.02]
    process = start(nmfkit, *args)
    assert wait_for(nmfkit.workdir / "ck" / "fit.ckpt", process)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    np.save(nmfkit.workdir / "H0.npy", rng.rand(10, 200))  # the same name, other factors
    nmfkit.fails(*args, mentions=["another run", "input: size"])
    assert not (nmfkit.workdir / "run").exists()
