"""Progress on stderr: a bar redrawn with '\\r' on a terminal (run under a pseudo-terminal),
a bounded number of plain lines in a pipe, nothing with --quiet, and the same results and
stdout whichever of the three."""

import os
import pty
import re
import subprocess

import numpy as np

SELECT = ["select-k", "X.npy", "--k", "2,3", "--method", "cv", "--replicates", 2, "--seed", 1]
FIT = ["fit", "X.npy", "--k", 3, "--seed", 1, "--max-iter", 200]


def write_planted(nmfkit):
    rng = np.random.default_rng(0)
    X = rng.random((60, 3)) @ rng.random((3, 40)) + 0.01 * rng.random((60, 40))
    np.save(nmfkit.workdir / "X.npy", X)


def run_on_terminal(nmfkit, *args):
    """Runs nmfkit with stderr on a pseudo-terminal and stdout on a pipe.

    Returns (exit code, stdout, what the terminal received)."""
    master, slave = pty.openpty()
    process = subprocess.Popen([nmfkit.binary, *map(str, args)], cwd=nmfkit.workdir,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    received = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed its end
            break
        if not chunk:
            break
        received.append(chunk)
    os.close(master)
    stdout = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=120), stdout, b"".join(received).decode()


def without_times(text):
    """stdout with its wall times ("in 0.123 s", "(0.5 s)") masked: they differ run to run."""
    return re.sub(r"\d+(\.\d+)? s\b", "T s", text)


def test_a_terminal_gets_a_redrawn_bar_that_ends_cleanly(nmfkit):
    write_planted(nmfkit)
    code, stdout, terminal = run_on_terminal(nmfkit, *SELECT, "--out", "tty")
    assert code == 0, terminal
    # Frames: a carriage return, then the bar with its percentage and count (6 fits:
    # 2 held-out replicates and the error fit, for each of 2 ks).
    frames = re.findall(r"\rselect-k  \[[#.]{20}\]  (\d+)%  (\d)/6 fits", terminal)
    assert frames, repr(terminal)
    assert all(0 < int(percent) < 100 for percent, _ in frames)
    # The last frame is wiped (blanks between two carriage returns), so the terminal is
    # left on a clean line, and no frame ever ends a line.
    last = terminal.rfind("\rselect-k  [")
    assert re.search(r"\r +\r", terminal[last:]), repr(terminal[last:])
    assert not re.search(r"\rselect-k  \[[^\r]*\n", terminal)
    assert "chosen:    k = " in stdout


def test_an_unknown_total_shows_the_count_and_bound_not_a_percentage(nmfkit):
    write_planted(nmfkit)
    code, _, terminal = run_on_terminal(nmfkit, *FIT, "--out", "m")
    assert code == 0, terminal
    frames = re.findall(r"\rfit  (\d+) iterations \(at most 200\)[^\r]*", terminal)
    assert frames, repr(terminal)
    assert "%" not in terminal and "ETA" not in terminal
    assert terminal.endswith("\r")  # wiped


def test_a_pipe_gets_a_bounded_number_of_plain_lines(nmfkit):
    write_planted(nmfkit)
    result = nmfkit.ok(*SELECT, "--out", "piped")
    assert "\r" not in result.stderr
    steps = [line for line in result.stderr.splitlines() if line.startswith("nmfkit: select-k: ")]
    assert 1 <= len(steps) <= 10, result.stderr  # a line per tenth at most
    assert steps[-1].startswith("nmfkit: select-k: 6/6 fits (100%) in ")
    fit = nmfkit.ok(*FIT, "--tol", 0, "--out", "m")  # all 200 iterations
    lines = fit.stderr.splitlines()
    assert len(lines) <= 11, fit.stderr
    assert all(line.startswith("nmfkit: fit: ") for line in lines), fit.stderr
    assert lines[-1].startswith("nmfkit: fit: 200 iterations in ")


def test_quiet_prints_nothing_and_changes_no_result(nmfkit):
    write_planted(nmfkit)
    piped = nmfkit.ok(*FIT, "--out", "piped")
    quiet = nmfkit.ok(*FIT, "--quiet", "--out", "quiet")
    assert quiet.stderr == ""
    assert piped.stderr != ""
    _, on_terminal, terminal = run_on_terminal(nmfkit, *FIT, "--out", "tty")
    short = nmfkit.ok(*FIT, "-q", "--out", "short")
    assert short.stderr == ""
    code, _, silent = run_on_terminal(nmfkit, *FIT, "--quiet", "--out", "silent")
    assert code == 0 and silent == ""
    # stdout is the same text (wall times aside) and the models the same bytes.
    expected = without_times(piped.stdout)
    for out, stdout in [("quiet", quiet.stdout), ("tty", on_terminal), ("short", short.stdout)]:
        assert without_times(stdout).replace(out, "piped") == expected
        assert (nmfkit.workdir / out / "W.npy").read_bytes() == \
            (nmfkit.workdir / "piped" / "W.npy").read_bytes()
    selected = nmfkit.ok(*SELECT, "--quiet", "--out", "q")
    assert selected.stderr == ""  # the per-k score lines are progress too


def test_quiet_is_on_every_command(nmfkit):
    for command in (["fit"], ["topics"], ["select-k"], ["cluster"], ["consensus"], ["associate"],
                    ["vectorize"], ["multimodal", "fit"], ["multimodal", "select-k"]):
        result = nmfkit(*command, "--help")
        assert "--quiet" in result.stdout, command
