"""Shared fixtures for the Python package's tests.

Run with the built package on the path, e.g.
    PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python
(CTest's `python` test does this). The 20 newsgroups tests read
$NMFKIT_DATA_DIR/20news-bydate.tar.gz (default ../shared/data) and skip when it is absent.
"""

import os
from pathlib import Path

import numpy as np
import pytest

try:
    import nmfkit  # noqa: F401
except ImportError as error:  # pragma: no cover - a setup problem, said plainly
    raise ImportError(
        "cannot import nmfkit: build the _nmfkit target and put build/python on PYTHONPATH "
        f"({error})"
    ) from error

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("NMFKIT_DATA_DIR", REPO.parent / "shared" / "data"))
NEWSGROUPS = DATA_DIR / "20news-bydate.tar.gz"
NOTEBOOK_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]


@pytest.fixture(scope="session")
def newsgroups_path():
    if not NEWSGROUPS.is_file():
        pytest.skip(f"20 newsgroups data not found at {NEWSGROUPS} (set NMFKIT_DATA_DIR)")
    return NEWSGROUPS


@pytest.fixture(scope="session")
def notebook_corpus(newsgroups_path):
    """The notebook's four newsgroups, headers, footers and quotes removed."""
    import nmfkit.text

    return nmfkit.text.read_corpus(
        newsgroups_path, categories=NOTEBOOK_CATEGORIES, remove=("headers", "footers", "quotes")
    )


@pytest.fixture
def rng():
    return np.random.RandomState(42)


def nonnegative(rng, shape, dtype=np.float64, density=None):
    X = np.abs(rng.randn(*shape))
    if density is not None:
        X[rng.rand(*shape) > density] = 0
    return X.astype(dtype)
