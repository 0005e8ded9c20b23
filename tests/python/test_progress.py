"""The estimators' progress bar on stderr when verbose: the C++ step reports reach it, it is
wiped at the end, and it stays silent otherwise."""

import numpy as np
import pytest
from conftest import nonnegative

import nmfkit
from nmfkit._progress import ProgressBar


def test_verbose_shows_a_bar_on_stderr_and_quiet_shows_none(rng, capsys):
    X = nonnegative(rng, (40, 12))
    nmfkit.NMF(3, random_state=0, verbose=1, max_iter=50).fit(X)
    err = capsys.readouterr().err
    assert "fit" in err and "iterations" in err, err
    nmfkit.NMF(3, random_state=0, max_iter=50).fit(X)
    assert capsys.readouterr().err == ""


def test_the_reports_carry_the_count_bound_and_measure(rng):
    X = nonnegative(rng, (40, 12))
    options = nmfkit.NMF(3, random_state=0, max_iter=30, tol=0)._options(0)
    reports = []
    nmfkit._nmfkit.fit(X, options, None, None, None, lambda *step: reports.append(step))
    task, unit, done, total, bound, measure, last = reports[-1]
    assert (task, unit, done, total, last) == ("fit", "iterations", 30, 0, True)
    counts = [r[2] for r in reports[:-1]]
    assert counts == list(range(1, 31))
    assert all(r[4] == 30 and r[5].startswith("violation") for r in reports[:-1])


def test_the_plain_bar_redraws_one_line_and_wipes_it(capsys):
    with ProgressBar(use_tqdm=False) as bar:
        bar("select-k", "fits", 1, 4, 0, "", False)
        bar("select-k", "fits", 4, 4, 0, "", False)
    text = capsys.readouterr().err
    assert text.startswith("\rselect-k  [#####...............]  25%  1/4 fits"), repr(text)
    assert "\n" not in text
    assert text.endswith("\r") and text[text.rfind("\r", 0, -1) + 1:-1].strip() == ""


def test_a_disabled_bar_writes_nothing(capsys):
    with ProgressBar(enabled=False) as bar:
        bar("fit", "iterations", 1, 0, 200, "", False)
    assert capsys.readouterr().err == ""


# The pipeline functions and MultimodalTopics: verbose shows the bar of their own steps on
# stderr (a line redrawn with carriage returns, by tqdm or the plain bar); quiet, nothing.
def _blobs(rng, per=15):
    W = np.vstack([rng.dirichlet(np.where(np.arange(3) == t, 8.0, 0.5), per) for t in range(3)])
    return W, rng.poisson(20 * W @ rng.gamma(0.5, 1.0, (3, 12))).astype(float)


def _bar_of(err, task):
    return "\r" in err and task in err


def _runs(rng):
    W, X = _blobs(rng)
    modalities = {"rna": X[:, :6], "atac": X[:, 6:]}
    return [
        ("select-k", lambda v: nmfkit.select_k(X, [2, 3], method="cv", replicates=1,
                                               max_iter=30, random_state=0, verbose=v)),
        ("consensus", lambda v: nmfkit.consensus(X, 2, replicates=3, max_iter=30,
                                                 random_state=0, verbose=v)),
        ("cluster", lambda v: nmfkit.cluster(W, X, neighbors=[5], resolutions=[0.5, 1.0],
                                             seeds=1, verbose=v)),
        ("mtm vi", lambda v: nmfkit.MultimodalTopics(2, model="mtm", iterations=3,
                                                     verbose=v).fit(modalities)),
        ("associate", lambda v: nmfkit.feature_associations(
            rng.gamma(0.5, 1.0, (4, 6)), rng.gamma(0.5, 1.0, (4, 9)), n_epochs=300, verbose=v)),
    ]


@pytest.mark.parametrize("index", range(5))
def test_pipelines_show_a_bar_when_verbose_and_nothing_otherwise(rng, capsys, index):
    task, run = _runs(rng)[index]
    run(True)
    err = capsys.readouterr().err
    assert _bar_of(err, task), repr(err[-400:])
    run(False)
    assert capsys.readouterr().err == ""
