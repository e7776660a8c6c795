"""``warn_if_regressor_not_learned`` (``_regressor_learning.py``): the floor on
a gain, one row, integer predictions and errors below float64's normal range.

Found by a mutation round: each test fails on a mutant the regressor tests of
``tests/test_learning.py`` let through (noted at each).
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.base import warn_if_regressor_not_learned


def _all_warnings(y_true, y_pred, baseline=0.0, error="squared"):
    """Every warning the check raises, numpy's included: (category, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_regressor_not_learned(object(), y_true, y_pred, baseline,
                                      "validation", error=error)
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("error, at_floor", [("absolute", 8), ("squared", 4)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [-66, 0, 66])  # baselines of about 1e-20, 1, 1e20
def test_the_floor_is_four_eps_m_d_to_the_power_minus_one(k, dtype, error,
                                                          at_floor):
    # targets 2b against a baseline b = 2**k (every value below exact): M = 2b,
    # D = b, so the floor 4 eps M D**(power - 1) is 8 eps b (absolute errors)
    # or 8 eps b**2 (squared). A prediction u units in the last place above b
    # gains u eps b on every row (absolute) or 2 u eps b**2 - (u eps b)**2
    # (squared), with no spread: at the floor for u = 8 (absolute; a gain
    # of exactly the floor is no gain) and u = 4 (squared), a quarter above
    # it for u = 10 and 5. The 1 and 1000 units of the test in
    # test_learning.py let the floor's factor 4 be 2 or 16, M be 1, D be
    # taken from 0 or squared, and > be >=
    baseline = 2.0 ** k
    y = np.full(100, 2 * baseline)
    ulp = np.spacing(dtype(baseline))
    for units, expected in ((at_floor, 1), (at_floor * 5 // 4, 0)):
        pred = np.full(100, dtype(baseline) + dtype(units) * ulp, dtype=dtype)
        caught = _all_warnings(y, pred, baseline=baseline, error=error)
        assert [c for c, _ in caught] == [ConvergenceWarning] * expected, units


def test_one_row_gets_no_verdict():
    # no spread to judge a gain against: no warning (the standard error of one
    # row is NaN, which named every single-row fit as not learned)
    assert _all_warnings(np.array([1.0]), np.array([1.0])) == []


def test_integer_predictions_are_judged_at_float64s_rounding():
    # the floor reads the predictions' epsilon: integers have none
    # (np.finfo refuses them), so they are judged as float64
    y = np.tile([-1.0, 1.0], 50)
    ((category, _),) = _all_warnings(y, np.zeros(100, dtype=np.int64))
    assert category is ConvergenceWarning
    assert _all_warnings(y, y.astype(np.int64)) == []


def test_errors_below_float64s_normal_range_are_written_in_decimal():
    # squared errors of 1e-322 are subnormal in float64, where 4 digits are
    # not kept (9.8813e-323): written from the exact scaled value instead
    ((_, message),) = _all_warnings(np.tile([-1e-161, 1e-161], 50), np.zeros(100))
    assert "100 validation rows (1.0000e-322)" in message
