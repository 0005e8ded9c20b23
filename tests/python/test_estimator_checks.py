"""scikit-learn's own estimator checks on nmfkit.NMF and nmfkit.MiniBatchNMF.

No check is skipped. The estimator is checked with max_iter=500, as scikit-learn's test
suite checks its own NMF (sklearn/utils/estimator_checks.py, _set_checking_parameters):
with the default 200 iterations scikit-learn's NMF fails check_transformer_general and
check_transformer_data_not_an_array itself (fit_transform and transform differ by more
than the checks' atol of 0.01 before convergence), and nmfkit fails them identically.
n_threads=1 keeps these many tiny fits from paying for OpenMP thread hand-offs.
MiniBatchNMF is checked with fresh_restarts=True, as scikit-learn checks its own (W is then
solved fully, so that fit_transform and transform agree).
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import nmfkit


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([
    nmfkit.NMF(max_iter=500, n_threads=1),
    nmfkit.MiniBatchNMF(max_iter=500, n_threads=1, fresh_restarts=True),
])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
