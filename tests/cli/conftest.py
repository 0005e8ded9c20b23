"""Shared fixtures for end-to-end tests of the nmfkit command-line tool.

The binary under test comes from the environment variable NMFKIT_BIN (ctest sets it).
Each test gets its own temporary directory, which is also the working directory of the
commands it runs, so relative file names stay inside it.
"""

import os
import subprocess
from pathlib import Path

import pytest


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
        stderr that starts with "nmfkit: error:" and contains every string in `mentions`.
        """
        result = self(*args, **kwargs)
        assert result.returncode != 0, f"expected failure, got: {result.stdout}"
        assert result.stdout == ""
        lines = result.stderr.splitlines()
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
