"""How the C++ core behaves under Python: the GIL, Ctrl-C, and life without scikit-learn."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from conftest import nonnegative

import nmfkit


def long_fit_data(rng):
    return nonnegative(rng, (400, 300))


def test_gil_is_released_during_fit(rng):
    X = long_fit_data(rng)
    done = threading.Event()
    ticks = 0

    def fit():
        try:
            nmfkit.NMF(10, init="random", random_state=0, tol=0, max_iter=300, n_threads=1).fit(X)
        finally:
            done.set()

    worker = threading.Thread(target=fit)
    worker.start()
    while not done.is_set():
        ticks += 1  # runs only while the fit does not hold the GIL
    worker.join()
    # With the GIL held for the whole fit this loop would get a handful of turns (the
    # interpreter's 5 ms switch interval is not honoured by C++ code holding the GIL).
    assert ticks > 10_000


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_long_fit(rng):
    X = long_fit_data(rng)
    model = nmfkit.NMF(20, init="random", random_state=0, tol=0, max_iter=1_000_000, n_threads=1)
    lines = []
    started = threading.Event()

    def log_and_flag(line):
        lines.append(line)
        started.set()

    # Send SIGINT once the solver has reported its first iterations (verbose lines come
    # from inside the C++ loop), so the interrupt lands in C++ and not in Python code.
    def interrupt():
        started.wait()
        os.kill(os.getpid(), signal.SIGINT)

    killer = threading.Thread(target=interrupt)
    killer.start()
    options = model._options(0)
    options["verbose"] = 1
    with pytest.raises(KeyboardInterrupt):
        nmfkit._nmfkit.fit(X, options, None, None, log_and_flag)
    killer.join()
    assert lines  # the fit was running in C++
    # the same through the estimator: it stays unfitted
    started.clear()
    killer = threading.Thread(target=interrupt)
    killer.start()
    model.set_params(verbose=1)
    with pytest.raises(KeyboardInterrupt):
        import nmfkit.decomposition as d

        original = d._print_line
        d._print_line = log_and_flag
        try:
            model.fit(X)
        finally:
            d._print_line = original
    killer.join()
    assert not hasattr(model, "components_")
    # and the library still works afterwards
    assert nmfkit.NMF(2, random_state=0).fit(X[:20, :10]).n_iter_ > 0


def test_exception_in_log_callback_propagates(rng):
    X = nonnegative(rng, (30, 10))

    def boom(line):
        raise LookupError("from the callback")

    options = nmfkit.NMF(3, random_state=0, verbose=1)._options(0)
    with pytest.raises(LookupError, match="from the callback"):
        nmfkit._nmfkit.fit(X, options, None, None, boom)


def test_works_without_sklearn(tmp_path):
    # A fresh interpreter in which importing sklearn fails: nmfkit falls back to its own
    # base classes and validation.
    script = textwrap.dedent(
        """
        import sys
        sys.modules["sklearn"] = None
        import pickle
        import numpy as np, scipy.sparse as sp
        import nmfkit
        from nmfkit import _compat
        assert not _compat.HAVE_SKLEARN
        X = np.abs(np.random.RandomState(0).randn(20, 8))
        model = nmfkit.NMF(3, random_state=0)
        W = model.fit_transform(X)
        assert W.shape == (20, 3) and model.n_features_in_ == 8
        assert list(model.get_feature_names_out()) == ["nmf0", "nmf1", "nmf2"]
        assert model.get_params()["n_components"] == 3
        model.set_params(max_iter=300)
        assert model.max_iter == 300 and "max_iter=300" in repr(model)
        assert np.allclose(model.transform(sp.coo_matrix(X)), model.transform(X))
        assert (pickle.loads(pickle.dumps(model)).components_ == model.components_).all()
        for bad in (X[0], -X, np.zeros((0, 8))):
            try:
                model.fit(bad)
            except ValueError:
                pass
            else:
                raise AssertionError("no ValueError")
        try:
            model.transform(X[:, :4])
        except ValueError as e:
            assert "features" in str(e)
        try:
            nmfkit.NMF(2).transform(X)
        except ValueError as e:
            assert "not fitted" in str(e)
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            nmfkit.NMF(3, max_iter=1, random_state=0).fit(X)
        assert any(issubclass(w.category, nmfkit.ConvergenceWarning) for w in caught)
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
