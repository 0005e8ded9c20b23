"""The estimators' progress bar on stderr when verbose: the C++ step reports reach it, it is
wiped at the end, and it stays silent otherwise."""

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
