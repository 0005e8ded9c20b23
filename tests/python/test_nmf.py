"""nmfkit.NMF against scikit-learn's NMF: same numbers, inputs, dtypes, attributes, errors."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import nonnegative
from numpy.testing import assert_allclose
from sklearn.decomposition import NMF as SkNMF
from sklearn.exceptions import ConvergenceWarning

import nmfkit

# float64: the same algorithm in the same order; the foundation's parity suite holds W and H
# to 1e-5 relative and finds them within ~3e-12 in practice.
RTOL64 = 1e-9


def assert_same_fit(ours, theirs, W_ours, W_theirs, rtol=RTOL64):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.n_components_ == theirs.n_components_
    scale_W = max(np.abs(W_theirs).max(), 1e-300)
    scale_H = max(np.abs(theirs.components_).max(), 1e-300)
    assert_allclose(W_ours, W_theirs, rtol=rtol, atol=rtol * scale_W)
    assert_allclose(ours.components_, theirs.components_, rtol=rtol, atol=rtol * scale_H)
    assert ours.reconstruction_err_ == pytest.approx(theirs.reconstruction_err_, rel=rtol)


def fit_both(X, **params):
    ours, theirs = nmfkit.NMF(**params), SkNMF(**params)
    with _quiet():
        W_ours = ours.fit_transform(X)
        W_theirs = theirs.fit_transform(X)
    return ours, theirs, W_ours, W_theirs


class _quiet:
    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


PARAMS = [
    dict(n_components=4, random_state=0),
    dict(n_components=4, init="random", random_state=3),
    dict(n_components=4, init="nndsvd", random_state=0),
    dict(n_components=4, init="nndsvdar", random_state=7),
    dict(n_components=5, init="random", random_state=1, shuffle=True),
    dict(n_components=4, random_state=0, alpha_W=0.01, l1_ratio=0.5),
    dict(n_components=4, random_state=0, alpha_W=0.02, alpha_H=0.0, l1_ratio=1.0),
    dict(n_components=4, solver="mu", random_state=0),
    dict(n_components=4, solver="mu", init="random", beta_loss="kullback-leibler", random_state=2),
    dict(n_components=3, solver="mu", init="nndsvda", beta_loss=1.5, random_state=2, max_iter=60),
    dict(n_components=3, solver="mu", init="random", beta_loss="itakura-saito", random_state=4, max_iter=40),
]


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_dense_float64_equals_sklearn(rng, params):
    X = nonnegative(rng, (40, 25)) + (0.1 if params.get("beta_loss") == "itakura-saito" else 0)
    ours, theirs, W_ours, W_theirs = fit_both(X, **params)
    assert_same_fit(ours, theirs, W_ours, W_theirs)
    X_new = nonnegative(rng, (7, 25)) + 0.1
    with _quiet():
        assert_allclose(ours.transform(X_new), theirs.transform(X_new), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("solver", ["cd", "mu"])
def test_sparse_equals_sklearn(rng, fmt, solver):
    X = sp.random(60, 40, density=0.2, random_state=rng, format=fmt)
    ours, theirs, W_ours, W_theirs = fit_both(X, n_components=5, solver=solver, random_state=0)
    assert_same_fit(ours, theirs, W_ours, W_theirs)
    with _quiet():
        assert_allclose(ours.transform(X), theirs.transform(X.tocsr()), rtol=1e-8, atol=1e-10)


def test_sparse_with_duplicates_and_unsorted_indices(rng):
    dense = nonnegative(rng, (20, 15), density=0.3)
    # each entry split in two halves, stored in reverse column order: a non-canonical CSR
    indptr, indices, data = [0], [], []
    for row in dense:
        cols = np.flatnonzero(row)[::-1]
        indices += list(cols) + list(cols)
        data += list(row[cols] / 2) + list(row[cols] - row[cols] / 2)
        indptr.append(len(indices))
    messy = sp.csr_matrix((np.array(data), np.array(indices), np.array(indptr)), shape=dense.shape)
    assert not messy.has_canonical_format
    before = messy.copy()
    W1 = nmfkit.NMF(3, random_state=0).fit_transform(messy)
    W2 = nmfkit.NMF(3, random_state=0).fit_transform(dense)
    assert_allclose(W1, W2, rtol=1e-10, atol=1e-12)
    # the caller's matrix is left as it was
    assert (messy.indices == before.indices).all() and (messy.data == before.data).all()


def test_float32_is_kept(rng):
    X32 = nonnegative(rng, (50, 30), np.float32)
    model = nmfkit.NMF(n_components=4, random_state=0)
    W = model.fit_transform(X32)
    assert W.dtype == np.float32
    assert model.components_.dtype == np.float32
    assert model.transform(X32).dtype == np.float32
    assert model.inverse_transform(W).dtype == np.float32
    assert model.fit_transform(sp.csr_matrix(X32)).dtype == np.float32
    # and it is close to scikit-learn's float32 answer
    with _quiet():
        theirs = SkNMF(n_components=4, random_state=0)
        W_theirs = theirs.fit_transform(X32)
    assert W_theirs.dtype == np.float32
    assert model.reconstruction_err_ == pytest.approx(theirs.reconstruction_err_, rel=1e-4)


def test_other_dtypes_become_float64(rng):
    X = (nonnegative(rng, (20, 10)) * 10).astype(np.int64)
    model = nmfkit.NMF(3, random_state=0)
    assert model.fit_transform(X).dtype == np.float64
    assert_allclose(model.components_, nmfkit.NMF(3, random_state=0).fit(X.astype(float)).components_)


@pytest.mark.parametrize(
    "layout",
    ["fortran", "transposed_view", "strided_rows", "strided_cols", "negative_stride", "list"],
)
def test_every_layout_gives_the_same_answer(rng, layout):
    X = nonnegative(rng, (30, 20))
    reference = nmfkit.NMF(4, random_state=0).fit_transform(X)
    if layout == "fortran":
        given = np.asfortranarray(X)
    elif layout == "transposed_view":
        given = np.ascontiguousarray(X.T).T
    elif layout == "strided_rows":
        big = np.zeros((60, 20))
        big[::2] = X
        given = big[::2]
    elif layout == "strided_cols":
        big = np.zeros((30, 40))
        big[:, 1::2] = X
        given = big[:, 1::2]
    elif layout == "negative_stride":
        given = np.flipud(np.flipud(X).copy())
    else:
        given = X.tolist()
    assert_allclose(nmfkit.NMF(4, random_state=0).fit_transform(given), reference, rtol=0, atol=0)


def test_dataframe_keeps_feature_names(rng):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(nonnegative(rng, (20, 6)), columns=[f"gene{i}" for i in range(6)])
    model = nmfkit.NMF(2, random_state=0).fit(X)
    assert list(model.feature_names_in_) == list(X.columns)
    assert model.n_features_in_ == 6
    assert list(model.get_feature_names_out()) == ["nmf0", "nmf1"]
    model.set_output(transform="pandas")
    out = model.transform(X)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["nmf0", "nmf1"]
    assert_allclose(out.to_numpy(), nmfkit.NMF(2, random_state=0).fit(X.to_numpy()).transform(X.to_numpy()))


def test_inverse_transform(rng):
    X = nonnegative(rng, (20, 8))
    model = nmfkit.NMF(3, random_state=0)
    W = model.fit_transform(X)
    assert_allclose(model.inverse_transform(W), W @ model.components_, rtol=1e-12)
    assert_allclose(model.inverse_transform(sp.csr_matrix(W)), W @ model.components_, rtol=1e-12)


def test_custom_init_equals_sklearn(rng):
    X = nonnegative(rng, (25, 12))
    W0 = nonnegative(rng, (25, 3))
    H0 = nonnegative(rng, (3, 12))
    ours = nmfkit.NMF(3, init="custom")
    theirs = SkNMF(3, init="custom")
    W_ours = ours.fit_transform(X, W=W0.copy(), H=H0.copy())
    with _quiet():
        W_theirs = theirs.fit_transform(X, W=W0.copy(), H=H0.copy())
    assert_same_fit(ours, theirs, W_ours, W_theirs)
    with pytest.raises(TypeError, match="dtype"):
        nmfkit.NMF(3, init="custom").fit_transform(X, W=W0.astype(np.float32), H=H0)
    with pytest.raises(ValueError, match="custom W"):
        nmfkit.NMF(3, init="custom").fit_transform(X, W=W0[:5], H=H0)


def test_n_components_none_keeps_all_features(rng):
    X = nonnegative(rng, (12, 5))
    model = nmfkit.NMF(random_state=0, max_iter=1000).fit(X)
    assert model.n_components_ == 5 and model.components_.shape == (5, 5)


def test_convergence_warning_as_sklearn(rng):
    X = nonnegative(rng, (30, 10))
    with pytest.warns(ConvergenceWarning, match="Maximum number of iterations 2 reached"):
        nmfkit.NMF(3, max_iter=2, random_state=0).fit(X)
    assert nmfkit.ConvergenceWarning is ConvergenceWarning
    with pytest.warns(UserWarning, match="cannot update zeros"):
        nmfkit.NMF(3, solver="mu", init="nndsvd", max_iter=500).fit(X)


def test_seed_is_recorded(rng):
    X = nonnegative(rng, (20, 10))
    first = nmfkit.NMF(3, init="random").fit(X)
    again = nmfkit.NMF(3, init="random", random_state=first.seed_).fit(X)
    assert_allclose(again.components_, first.components_, rtol=0, atol=0)
    state = np.random.RandomState(5)
    nmfkit.NMF(3, init="random", random_state=state).fit(X)  # a RandomState draws a seed


def test_same_seed_same_result_three_runs(rng):
    X = sp.random(80, 50, density=0.1, random_state=rng, format="csr")
    runs = [nmfkit.NMF(6, init="random", random_state=11, shuffle=True).fit_transform(X) for _ in range(3)]
    assert (runs[0] == runs[1]).all() and (runs[1] == runs[2]).all()


def test_every_registered_solver_fits(rng):
    X = nonnegative(rng, (30, 12))
    for info in nmfkit.solvers():
        loss = "kullback-leibler" if info["kl_only"] else "frobenius"
        model = nmfkit.NMF(3, solver=info["name"], beta_loss=loss, random_state=0, max_iter=400)
        with _quiet():
            W = model.fit_transform(X)
        assert W.shape == (30, 3) and (W >= 0).all() and (model.components_ >= 0).all()
        assert model.reconstruction_err_ < np.linalg.norm(X)


def test_fast_solvers_reach_cd_and_record_the_objective(rng):
    X = rng.rand(60, 4) @ rng.rand(4, 25) + 0.01 * rng.rand(60, 25)  # rank 4 plus noise
    cd = nmfkit.NMF(4, random_state=0, tol=1e-8, max_iter=3000).fit(X)
    assert cd.objective_history_.size == 0
    for solver in ("hals", "anls", "anls-bpp"):
        model = nmfkit.NMF(4, solver=solver, random_state=0, tol=1e-10, patience=5,
                           max_iter=3000).fit(X)
        history = model.objective_history_
        # The objective comes from the Gram trick, ‖X‖² − 2⟨W, XHᵀ⟩ + ⟨WᵀW, HHᵀ⟩: its rounding
        # is relative to ‖X‖², not to the (here much smaller) objective.
        rounding = 1e-12 * np.square(X).sum()
        assert history.size == model.n_iter_
        assert (np.diff(history) <= rounding).all(), solver
        assert_allclose(history[-1], 0.5 * model.reconstruction_err_ ** 2, rtol=0, atol=rounding)
        assert_allclose(model.reconstruction_err_, cd.reconstruction_err_, rtol=1e-4)


def test_pickle_and_deepcopy_round_trip(rng):
    X = nonnegative(rng, (30, 10))
    model = nmfkit.NMF(3, random_state=0).fit(X)
    for restored in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert type(restored) is nmfkit.NMF
        assert restored.get_params() == model.get_params()
        assert (restored.components_ == model.components_).all()
        assert restored.n_iter_ == model.n_iter_
        assert restored.reconstruction_err_ == model.reconstruction_err_
        assert (restored.transform(X) == model.transform(X)).all()
    state = model.__getstate__()
    assert isinstance(state["components_"], np.ndarray)


def test_clone_pipeline_and_grid_search(rng):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MaxAbsScaler

    X = nonnegative(rng, (40, 10))
    model = nmfkit.NMF(3, solver="mu", random_state=0)
    twin = clone(model)
    assert twin.get_params() == model.get_params() and not hasattr(twin, "components_")
    pipe = make_pipeline(MaxAbsScaler(), nmfkit.NMF(2, random_state=0))
    assert pipe.fit_transform(X).shape == (40, 2)

    def score(estimator, X, y=None):
        return -estimator.reconstruction_err_

    search = GridSearchCV(nmfkit.NMF(random_state=0, max_iter=500), {"n_components": [2, 4]}, scoring=score, cv=2)
    search.fit(X)
    assert search.best_params_ == {"n_components": 4}


def test_verbose_prints_progress(rng, capsys):
    X = nonnegative(rng, (30, 10))
    nmfkit.NMF(3, random_state=0, verbose=1).fit(X)
    out = capsys.readouterr().out
    assert "violation" in out
    nmfkit.NMF(3, random_state=0).fit(X)
    assert capsys.readouterr().out == ""


def test_n_threads_changes_nothing_but_speed(rng):
    X = sp.random(300, 200, density=0.1, random_state=rng, format="csr")
    one = nmfkit.NMF(8, random_state=0, n_threads=1).fit_transform(X)
    two = nmfkit.NMF(8, random_state=0, n_threads=2).fit_transform(X)
    assert_allclose(one, two, rtol=1e-10, atol=1e-13)


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(solver="nope"), "solver must be one of"),
        (dict(init="fancy"), "init must be one of"),
        (dict(beta_loss="kullback-leibler"), "needs solver 'scd', 'mu' or 'auto'"),
        (dict(solver="scd"), "handles only beta_loss = kullback-leibler"),
        (dict(tol=-1.0), "tol must be"),
        (dict(max_iter=0), "max_iter must be"),
        (dict(l1_ratio=2.0), "l1_ratio must be"),
        (dict(n_components=0), "n_components must be"),
        (dict(alpha_H="other"), "alpha_H"),
        (dict(random_state=-1), "random_state"),
        (dict(n_components=1.5), "n_components must be an int"),
    ],
)
def test_bad_parameters_raise_value_error(rng, params, message):
    X = nonnegative(rng, (10, 5))
    with pytest.raises(ValueError, match=message):
        nmfkit.NMF(**params).fit(X)


def test_bad_data_raises_value_error(rng):
    X = nonnegative(rng, (10, 5))
    negative = X.copy()
    negative[2, 3] = -1
    with pytest.raises(ValueError, match="[Nn]egative"):
        nmfkit.NMF(2).fit(negative)
    with pytest.raises(ValueError, match="NaN"):
        nmfkit.NMF(2).fit(np.where(X > 1, np.nan, X))
    with pytest.raises(ValueError):
        nmfkit.NMF(2).fit(X[0])  # 1-D
    with pytest.raises(ValueError, match="beta_loss <= 0|zeros"):
        nmfkit.NMF(2, solver="mu", beta_loss="itakura-saito").fit(np.where(X > 1, 0, X))
    with pytest.raises(ValueError, match="nndsvd"):
        nmfkit.NMF(8, init="nndsvd").fit(X)  # k > min(m, n)
    model = nmfkit.NMF(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        model.transform(X[:, :3])


def test_not_fitted():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        nmfkit.NMF(2).transform(np.ones((3, 3)))


@pytest.mark.parametrize(
    "kind, error",
    [
        ("InvalidArgument", ValueError),
        ("FormatError", OSError),
        ("IoError", OSError),
        ("Error", RuntimeError),
        ("Cancelled", KeyboardInterrupt),
    ],
)
def test_cpp_error_types_are_translated(kind, error):
    with pytest.raises(error) as raised:
        nmfkit._nmfkit._raise(kind, "the C++ message")
    if kind != "Cancelled":
        assert "the C++ message" in str(raised.value)
    if kind == "FormatError":
        assert "file.txt:line 3" in str(raised.value)
