"""Shared fixtures for end-to-end tests of the nmfkit command-line tool.

The binary under test comes from the environment variable NMFKIT_BIN (ctest sets it).
Each test gets its own temporary directory, which is also the working directory of the
commands it runs, so relative file names stay inside it.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest


# A plain progress line: "nmfkit: TASK: DONE[/TOTAL] UNIT ...".
PROGRESS_LINE = re.compile(r"^nmfkit: [a-z -]+: \d+(/\d+)? [A-Za-z ]+")


class Nmfkit:
    """Runs the nmfkit binary in a working directory and checks how it fails."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = Path(workdir)

    def __call__(self, *args, timeout=300):
        """Runs `nmfkit ARGS...`; returns the CompletedProcess with text stdout/stderr."""
        return subprocess.run(
            [self.binary, *map(str, args)],
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *args, **kwargs):
        """Runs a command that must succeed and returns its result."""
        result = self(*args, **kwargs)
        assert result.returncode == 0, (
            f"nmfkit {' '.join(map(str, args))} exited {result.returncode}: {result.stderr}"
        )
        return result

    def fails(self, *args, mentions=(), **kwargs):
        """Runs a command that must fail the documented way and returns its error line.

        The documented way: a non-zero exit, nothing on stdout, and exactly one line on
        stderr that starts with "nmfkit: error:" and contains every string in `mentions`
        (after any progress lines of work done before the input was found bad).
        """
        result = self(*args, **kwargs)
        assert result.returncode != 0, f"expected failure, got: {result.stdout}"
        assert result.stdout == ""
        # Work done before the input was found bad may have printed its progress lines
        # ("nmfkit: vectorize: 2/2 documents (100%) in 0.0 s"); the error is one line after.
        lines = [line for line in result.stderr.splitlines() if not PROGRESS_LINE.match(line)]
        assert len(lines) == 1, f"expected one line on stderr, got: {result.stderr!r}"
        line = lines[0]
        assert line.startswith("nmfkit: error: "), line
        for text in mentions:
            assert str(text) in line, f"{line!r} does not mention {text!r}"
        return line

    def files(self):
        """Names of everything in the working directory, hidden files included."""
        return sorted(p.name for p in self.workdir.iterdir())


@pytest.fixture
def nmfkit(tmp_path):
    binary = os.environ.get("NMFKIT_BIN")
    if not binary:
        pytest.skip("NMFKIT_BIN is not set; point it at the nmfkit binary to run the CLI tests")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"NMFKIT_BIN={binary} is not an executable file")
    return Nmfkit(binary, tmp_path)
