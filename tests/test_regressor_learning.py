"""When a regressor counts as learned: ``warn_if_regressor_not_learned``
(``_regressor_learning.py``) on hand-made predictions.

Errors against predicting the training mean (or median), on any scale of the
targets, the floor on a gain, non-finite predictions, and the messages. The
tests after the scale ones were found by a mutation round: each fails on a
mutant the others let through (noted at each).
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.base import warn_if_regressor_not_learned


def _regressor_warnings(y_true, y_pred, baseline=0.0):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_regressor_not_learned(object(), y_true, y_pred, baseline, "validation")
    return [str(w.message) for w in caught if w.category is ConvergenceWarning]


def test_a_regressor_that_tracks_its_target_does_not_warn():
    y = np.tile([-1.0, 1.0], 50)
    assert _regressor_warnings(y, 0.5 * y) == []  # squared errors 0.25 against 1


def test_a_regressor_no_better_than_the_mean_did_not_learn():
    y = np.tile([-1.0, 1.0], 50)
    messages = _regressor_warnings(y, np.zeros(100))  # the mean itself
    assert len(messages) == 1
    assert "100 validation rows (1.0000)" in messages[0]
    assert "training mean (1.0000)" in messages[0]
    assert len(_regressor_warnings(y, -0.5 * y)) == 1  # worse than the mean


def test_a_gain_within_two_standard_errors_did_not_learn():
    # right on 3 rows, at the mean on 97: the mean gain is 0.03 with a standard
    # error of about 0.017 (under two of them); right on 8 rows, 0.08 against
    # 0.027 (about three)
    y = np.tile([-1.0, 1.0], 50)
    pred = np.zeros(100)
    pred[:3] = y[:3]
    assert len(_regressor_warnings(y, pred)) == 1
    pred[:8] = y[:8]
    assert _regressor_warnings(y, pred) == []


def test_a_constant_target_leaves_nothing_to_learn():
    assert _regressor_warnings(np.full(10, 3.0), np.zeros(10), baseline=3.0) == []


def test_absolute_errors_are_compared_as_absolute_not_squared():
    # right on half the rows, 1.5 off on the other half, against the median 0
    # (error 1 on every row): absolute gains 1 and -0.5 (mean 0.25, about
    # three standard errors), squared gains 1 and -1.25 (mean below 0)
    y = np.tile([-1.0, 1.0], 50)
    pred = np.where(np.arange(100) < 50, y, 2.5 * y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_regressor_not_learned(object(), y, pred, 0.0, "validation",
                                      error="absolute")
        assert not [w for w in caught if w.category is ConvergenceWarning]
    assert len(_regressor_warnings(y, pred)) == 1  # squared errors: not learned


@pytest.mark.parametrize("error, baseline_error", [
    ("squared", "2.5700e+616"), ("absolute", "1.6000e+308")])
def test_errors_of_targets_near_float64s_ends_do_not_overflow(error, baseline_error):
    # |y - baseline|, its square and the gains' spread overflowed (inf, NaN):
    # a perfect fit "did not learn", its errors and the baseline's named inf
    y = np.tile([-1.7e308, 1.5e308], 50)
    for pred, expected in ((y.copy(), 0), (np.zeros(100), 1)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_if_regressor_not_learned(object(), y, pred, 0.0, "validation",
                                          error=error)
        assert [w.category for w in caught] == [ConvergenceWarning] * expected
    message = str(caught[0].message)
    assert f"100 validation rows ({baseline_error})" in message
    assert message.count(f"({baseline_error})") == 2  # the baseline itself


def test_squared_errors_of_targets_past_1e154_do_not_overflow():
    # the squares of targets past ~1e154 are beyond float64: those targets are
    # scaled too, not only those near float64's ends
    y = np.tile([-3e200, 2e200], 50)
    for pred, expected in ((y.copy(), 0), (np.zeros(100), 1)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_if_regressor_not_learned(object(), y, pred, 0.0, "validation")
        assert [w.category for w in caught] == [ConvergenceWarning] * expected
    assert "100 validation rows (6.5000e+400)" in str(caught[0].message)


def test_a_prediction_that_is_not_finite_does_not_undo_the_scaling():
    # the scale is read from the finite values: a NaN or inf prediction (a
    # network that overflowed) left the errors of targets near 1.7e308 inf
    y = np.tile([-1.7e308, 1.5e308], 50)
    for bad in (np.nan, np.inf):
        pred = y.copy()
        pred[0] = bad
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_if_regressor_not_learned(object(), y, pred, 0.0, "validation")
        (message,) = [str(w.message) for w in caught
                      if w.category is ConvergenceWarning]
        assert "predicting the training mean (2.5700e+616)" in message


@pytest.mark.parametrize("error", ["squared", "absolute"])
def test_a_baseline_near_float64s_end_sets_the_scale_too(error):
    # ordinary targets, but a training mean near 1.7e308 (a training set
    # with targets there): the baseline's errors overflowed, inf, and a
    # perfect fit "did not learn"
    y = np.tile([-1.0, 2.0], 50)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_regressor_not_learned(object(), y, y.copy(), 1.7e308, "validation",
                                      error=error)
    assert caught == []


def _all_warnings(y_true, y_pred, baseline=0.0, error="squared"):
    """Every warning the check raises, numpy's included: (category, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_regressor_not_learned(object(), y_true, y_pred, baseline,
                                      "validation", error=error)
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("error", ["squared", "absolute"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("y", [np.tile([-1.0, 1.0], 50),
                               np.tile([-1.7e308, 1.5e308], 50)])
def test_a_prediction_that_is_not_finite_did_not_learn_and_says_so(y, bad, error):
    # inf - inf raised numpy's "invalid value" RuntimeWarning beside ours,
    # whose message named an error of inf or nan: one warning, which says
    # why, however good the other predictions
    pred = y.copy()
    pred[0] = bad
    ((category, message),) = _all_warnings(y, pred, error=error)
    assert category is ConvergenceWarning
    assert "predictions of 1 of its 100 validation rows are not finite" in message


def test_a_prediction_that_is_not_finite_warns_even_on_constant_targets():
    # constant targets leave nothing to learn, but a NaN prediction of them
    # is a fit that broke
    pred = np.full(10, 3.0)
    pred[4] = np.nan
    ((category, message),) = _all_warnings(np.full(10, 3.0), pred, baseline=3.0)
    assert category is ConvergenceWarning and "1 of its 10 validation" in message
    with pytest.warns(ConvergenceWarning, match="are not finite"):
        warn_if_regressor_not_learned(object(), [1.0], [np.inf], 1.0, "training")


@pytest.mark.parametrize("error", ["squared", "absolute"])
@pytest.mark.parametrize("far", [1e200, 1.7e308])
def test_a_prediction_far_beyond_the_targets_did_not_learn(far, error):
    # the predictions set the scale of the errors: the targets' underflowed
    # to 0, "nothing to learn", and no warning at all; the targets set it
    # now, and an error beyond float64 (inf) is allowed, without numpy's
    # overflow or invalid-value warnings
    y = np.tile([-1.0, 1.0], 50)
    for pred in (np.full(100, far), np.where(np.arange(100) == 0, far, y)):
        ((category, message),) = _all_warnings(y, pred, error=error)
        assert category is ConvergenceWarning
        assert "did not learn: its mean" in message


SCALES = [1e-200, 1e-20, 1.0, 1e20, 1e200]


@pytest.mark.parametrize("error", ["squared", "absolute"])
@pytest.mark.parametrize("scale", SCALES)
def test_the_verdict_does_not_depend_on_the_targets_units(scale, error):
    # an absolute floor of 1e-12 named a regressor of targets of 1e-20 as not
    # learned (its squared errors, 1e-40, below it); below 1e-154 the squares
    # were 0 and a constant predictor "had nothing to learn"
    y = np.tile([-1.0, 1.0], 50)
    right_on = np.zeros(100)
    right_on[:8] = y[:8]  # about three standard errors (see above)
    few = np.zeros(100)
    few[:3] = y[:3]  # under two
    for pred, expected in ((0.5 * y, 0), (y, 0), (right_on, 0),
                           (np.zeros(100), 1), (few, 1), (-0.5 * y, 1)):
        caught = _all_warnings(scale * y, scale * pred, error=error)
        assert [c for c, _ in caught] == [ConvergenceWarning] * expected


def test_errors_beyond_float64_below_are_written_in_decimal():
    # the squared errors of targets of 1e-200 are 1e-400, below float64
    ((_, message),) = _all_warnings(np.tile([-1e-200, 1e-200], 50), np.zeros(100))
    assert re.search(r"100 validation rows \((1\.0000e-400|9\.9999e-401)\)", message)


@pytest.mark.parametrize("error", ["squared", "absolute"])
@pytest.mark.parametrize("scale", [1e-20, 1e20])
def test_the_message_writes_errors_readably_at_any_scale(scale, error):
    # four fixed decimals wrote both errors of targets of 1e-20 as (0.0000)
    # against (0.0000), and those of 1e20 squared with 41 digits: 5
    # significant digits now, two numbers that differ and are not 0
    y = scale * np.tile([-1.0, 1.0], 50)
    pred = np.zeros(100)
    pred[:3] = y[:3]  # a gain under two standard errors: not learned
    ((_, message),) = _all_warnings(y, pred, error=error)
    numbers = re.findall(r"\(([^)]*)\)", message)[:2]  # then (lr) and so on
    assert all(re.fullmatch(r"\d\.\d{4}e[-+]\d\d", n) for n in numbers), message
    model, baseline = (float(number) for number in numbers)
    assert 0 < model < baseline, message
    # read back from 5 digits: to their rounding, not to the bit (and pow's
    # last bit is the C library's)
    assert baseline == pytest.approx(scale ** {"squared": 2, "absolute": 1}[error],
                                     rel=1e-4)


def test_ordinary_errors_are_written_with_five_significant_digits():
    from sktime_metric._regressor_learning import _in_units

    y = np.tile([-1.0, 1.0], 50)
    ((_, message),) = _all_warnings(y, np.zeros(100))
    assert "100 validation rows (1.0000)" in message
    # a whole number loses the point that "#" leaves (12346.)
    assert [_in_units(v, 0) for v in (0.0123456, 12345.6, 123456.7)] == [
        "0.012346", "12346", "1.2346e+05"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e-20, 1.0, 1e20])
def test_a_gain_within_the_predictions_rounding_is_no_gain(dtype, scale):
    # a constant prediction of the baseline, one unit in the last place of
    # the predictions' dtype towards the targets (all above it), beats it on
    # every row by that unit, with no spread: rounding, not learning. A
    # thousand units is a gain. An absolute floor of 1e-12 missed the first
    # for float32 at scale 1 and the second for float64 at scale 1; the
    # floor follows the dtype and the targets' scale
    baseline = float(dtype(scale))
    y = baseline * np.tile([1.25, 1.5], 50)
    ulp = np.spacing(dtype(baseline))
    for units, expected in ((1, 1), (1000, 0)):
        pred = np.full(100, dtype(baseline) + dtype(units) * ulp, dtype=dtype)
        assert pred.dtype == dtype and pred[0] > baseline
        caught = _all_warnings(y, pred, baseline=baseline, error="absolute")
        assert [c for c, _ in caught] == [ConvergenceWarning] * expected


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


def test_errors_beyond_float64_are_written_with_a_mantissa_below_ten():
    # a squared error of targets near 1e308, 9.999996e400 (written in decimal,
    # beyond float64): its mantissa rounds to 10.0000, written 1.0000e+401
    from decimal import Decimal

    from sktime_metric._regressor_learning import _in_units

    value = float(Decimal("9.999996e400") / Decimal(2) ** 1000)
    assert _in_units(value, 1000) == "1.0000e+401"
    value = float(Decimal("9.99994e400") / Decimal(2) ** 1000)
    assert _in_units(value, 1000) == "9.9999e+400"
    value = float(Decimal("1.23456e400") / Decimal(2) ** 1000)
    assert _in_units(value, 1000) == "1.2346e+400"
