"""The one per-channel standardiser (``utils/_scaling.py``) against brute force.

The estimators' tests see it only through their fits; these compare it with
the statistics of the observed steps written out by hand.
"""

import numpy as np
import pytest

from sktime_metric.utils._scaling import (
    channel_statistics,
    requested_channel_statistics,
    standardize_channels,
    validate_and_standardize,
)


def _padded(seed, lengths=(7, 3, 5, 1), n_channels=3):
    """Series of unequal lengths on different scales, NaN-padded at the end."""
    rng = np.random.RandomState(seed)
    X = np.full((len(lengths), max(lengths), n_channels), np.nan)
    for i, length in enumerate(lengths):
        X[i, :length] = rng.normal(loc=[5.0, -2.0, 0.0][:n_channels],
                                   scale=[0.1, 30.0, 1.0][:n_channels],
                                   size=(length, n_channels))
    return X, lengths


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_statistics_are_those_of_the_observed_steps(seed):
    X, lengths = _padded(seed)
    # brute force: every observed step of every series stacked, padding left out
    observed = np.concatenate([X[i, :length] for i, length in enumerate(lengths)])
    mean, scale = channel_statistics(X)
    np.testing.assert_allclose(mean, observed.mean(axis=0), rtol=1e-12, atol=1e-12)
    # the population standard deviation (ddof=0), as scikit-learn's StandardScaler
    np.testing.assert_allclose(scale, observed.std(axis=0), rtol=1e-12)


def test_a_constant_channel_gets_scale_one_and_standardises_to_zero():
    X, _ = _padded(0)
    X[:, :, 1] = np.where(np.isnan(X[:, :, 1]), np.nan, 4.0)
    mean, scale = channel_statistics(X)
    assert mean[1] == 4.0 and scale[1] == 1.0
    scaled = standardize_channels(X, mean, scale)
    assert np.all(scaled[:, :, 1][~np.isnan(X[:, :, 1])] == 0.0)


def test_standardising_keeps_the_padding_and_the_callers_array():
    X, lengths = _padded(1)
    given = X.copy()
    mean, scale = channel_statistics(X)
    scaled = standardize_channels(X, mean, scale)
    np.testing.assert_array_equal(X, given)  # not modified in place
    np.testing.assert_array_equal(np.isnan(scaled), np.isnan(X))
    observed = np.concatenate([scaled[i, :n] for i, n in enumerate(lengths)])
    np.testing.assert_allclose(observed.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(observed.std(axis=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("factor", [1e-200, 1e200])
def test_statistics_follow_the_units_of_a_channel_on_any_scale(factor):
    # squares of 1e200 overflow float64 and those of 1e-200 underflow: the
    # statistics are measured in units of the channel's largest value instead
    X, _ = _padded(2)
    mean, scale = channel_statistics(X)
    mean_far, scale_far = channel_statistics(X * factor)
    np.testing.assert_allclose(mean_far / factor, mean, rtol=1e-12)
    np.testing.assert_allclose(scale_far / factor, scale, rtol=1e-12)


def test_fixed_statistics_are_checked_per_channel():
    X, _ = _padded(0)
    mean, scale = requested_channel_statistics(([0.0, 1.0, 2.0], [1.0, 2.0, 3.0]), X)
    np.testing.assert_array_equal(scale, [1.0, 2.0, 3.0])
    assert requested_channel_statistics(False, X) == (None, None)
    with pytest.raises(ValueError, match="one value per channel"):
        requested_channel_statistics(([0.0], [1.0]), X)
    with pytest.raises(ValueError, match="positive finite scales"):
        requested_channel_statistics(([0.0, 1.0, 2.0], [1.0, 0.0, 3.0]), X)


def test_a_value_the_training_scale_overflows_is_named():
    # fitted on series around 1e-310, a value of 1 standardises to inf:
    # RVSMLMetric's DTW returned NaN distances, silently, and the networks
    # named "the value inf" rather than the value given
    class Estimator:
        standardize = True

    X, _ = _padded(0)
    est = Estimator()
    validate_and_standardize(est, X * 1e-310, reset=True)
    X_new = X * 1e-310
    X_new[2, 1, 1] = 1.5
    with pytest.raises(ValueError, match=r"X's sample 2 has the value 1\.5 at time "
                       r"step 1, channel 1, which standardised .* beyond float64"):
        validate_and_standardize(est, X_new, reset=False)
    # a series given beside X (a support set, the Y of distances) is named so
    with pytest.raises(ValueError, match=r"^X_support's sample 2 has the value 1\.5"):
        validate_and_standardize(est, X_new, reset=False, name="X_support")


def test_series_near_float64s_ends_standardise_without_false_overflow():
    # x - mean overflowed where (x - mean) / scale does not: the training
    # series themselves were refused as "on another scale than the training
    # series were", their standardised values about 1.5
    class Estimator:
        standardize = True

    X = np.full((3, 4, 1), -1.7e308)
    X[0, 1:] = 1.7e308
    X[:, 0] = 0.0
    est = Estimator()
    X_scaled, _ = validate_and_standardize(est, X, reset=True)
    mean, scale = est.mean_[0], est.scale_[0]
    expected = (X / 4 - mean / 4) / scale * 4  # exact: powers of two
    np.testing.assert_array_equal(X_scaled, expected)
    assert np.abs(X_scaled).max() < 2
    # ordinary values: the one expression, bit for bit
    Z, _ = _padded(0)
    np.testing.assert_array_equal(standardize_channels(Z, mean, scale),
                                  (Z - mean) / scale)


def _statistics_before_weights(X):
    """channel_statistics as it was before it took ``sample_weight`` (commit
    9dfd6a7), frozen: the unweighted statistics must not move by a bit, or
    every estimator's output on ordinary data would."""
    peak = np.nanmax(np.abs(X), axis=(0, 1))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        mean = np.nanmean(X, axis=(0, 1))
        scale = np.nanstd(X, axis=(0, 1))
    for c in np.flatnonzero((peak > 0) & ((peak < 1e-100) | (peak > 1e100))):
        unit = X[:, :, c] / peak[c]
        mean[c], scale[c] = np.nanmean(unit) * peak[c], np.nanstd(unit) * peak[c]
    constant = scale <= 10 * np.finfo(float).eps * peak
    return mean, np.where(constant, 1.0, scale)


def _awkward(seed):
    """Padded series with a constant, an all-zero and two extreme channels."""
    X, _ = _padded(seed)
    X = np.concatenate([X, X[:, :, :2] * [1e-300, 1e300], X[:, :, :2] * 0], axis=2)
    X[:, :, 4] = np.where(np.isnan(X[:, :, 4]), np.nan, 4.0)
    return X


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("weights", [None, "ones", "equal"])
def test_unweighted_and_equally_weighted_statistics_are_unchanged_bit_for_bit(
        seed, weights):
    # all-ones (or any common) weights take the unweighted path: the same
    # statistics, not the same up to rounding
    X = _awkward(seed)
    sample_weight = {None: None, "ones": np.ones(len(X)),
                     "equal": np.full(len(X), 2.5)}[weights]
    mean, scale = channel_statistics(X, sample_weight)
    expected_mean, expected_scale = _statistics_before_weights(X)
    np.testing.assert_array_equal(mean, expected_mean)
    np.testing.assert_array_equal(scale, expected_scale)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("factor", [1.0, 1e-200, 1e200])
def test_integer_weights_are_the_series_repeated(seed, factor):
    # scikit-learn's StandardScaler's rule: weight k counts a series k times;
    # on any scale (the squares of 1e200 overflow float64, of 1e-200 underflow)
    X, _ = _padded(seed)
    X = X * factor
    w = np.roll([1, 3, 2, 4], seed)
    mean, scale = channel_statistics(X, w)
    mean_rep, scale_rep = channel_statistics(np.repeat(X, w, axis=0))
    # float64 rounding of sums of ~40 terms, relative to the channel's spread
    # (a mean near 0 has no relative precision of its own)
    assert np.all(np.abs(mean - mean_rep) <= 1e-12 * (np.abs(mean_rep) + scale_rep))
    assert np.all(np.abs(scale - scale_rep) <= 1e-12 * scale_rep)
    assert not np.allclose(scale, channel_statistics(X)[1], rtol=1e-6, atol=0)


def test_weights_on_any_float64_scale_weigh_alike():
    X, _ = _padded(0)
    w = np.array([1.0, 2.0, 3.0, 0.5])
    mean, scale = channel_statistics(X, w)
    for factor in (1e-300, 1e300, 2.0 ** -1070):
        mean_far, scale_far = channel_statistics(X, w * factor)
        # a power of two rescales exactly; the others by rounding
        np.testing.assert_allclose(mean_far, mean, rtol=1e-12, atol=0)
        np.testing.assert_allclose(scale_far, scale, rtol=1e-12, atol=0)


def test_a_weight_of_zero_leaves_the_series_out_entirely():
    X = _awkward(0)
    # its values (a huge outlier), its length (the longest series, so the
    # others' padding is what remains) and its spread on the constant
    # channel 4 must all be as if it were not there
    X[0, :, 0] = 1e300
    X[0, :, 4] = np.arange(X.shape[1])
    for w in ([0.0, 1.0, 1.0, 1.0], [0.0, 1.0, 2.0, 3.0]):
        w = np.array(w)
        mean, scale = channel_statistics(X, w)
        mean_without, scale_without = channel_statistics(X[1:], w[1:])
        np.testing.assert_array_equal(mean, mean_without)
        np.testing.assert_array_equal(scale, scale_without)
        assert mean[4] == 4.0 and scale[4] == 1.0  # constant, exactly
    assert scale[0] < 100  # not set by the 1e300 the series holds


def test_bad_weights_are_named():
    X, _ = _padded(0)
    with pytest.raises(ValueError, match="Negative values in data"):
        channel_statistics(X, [1.0, -1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\)"):
        channel_statistics(X, [1.0, 1.0, 1.0])
    # scikit-learn >= 1.9 refuses all-zero weights itself
    with pytest.raises(ValueError, match="at least one non-zero|sums to 0"):
        channel_statistics(X, np.zeros(4))


def test_weights_spanning_float64s_range_weigh_without_overflow():
    # the weights are rescaled by a power of two at the largest one: one at
    # the smallest made the largest inf (statistics NaN)
    X, _ = _padded(0)
    w = np.array([1e-300, 1e300, 1e-300, 1e-300])
    mean, scale = channel_statistics(X, w)
    # the others weigh 1e-600 as much as series 1: nothing in float64
    expected_mean, expected_scale = channel_statistics(X[1:2])
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-12)
    np.testing.assert_allclose(scale, expected_scale, rtol=1e-12)


@pytest.mark.parametrize("value", [0.1, 1 / 3, -7.3e-5, 2.9e200])
def test_a_constant_channel_under_unequal_weights_has_its_value_as_mean(value):
    # the weighted mean is taken relative to the first step: a constant
    # channel's mean is its value exactly, not the rounding of a weighted sum
    X, _ = _padded(2)
    X[:, :, 1] = np.where(np.isnan(X[:, :, 1]), np.nan, value)
    mean, scale = channel_statistics(X, [0.3, 1.7, 2.9, 1.1])
    assert mean[1] == value and scale[1] == 1.0


def test_a_spread_at_the_rounding_of_the_values_is_constant():
    # a channel whose values differ by a few units in the last place (2 eps
    # spread on values of 1) is constant, scale 1: not rounding noise blown up
    # to unit variance
    eps = np.finfo(float).eps
    X, _ = _padded(0)
    steps = np.arange(X.shape[1]) % 2 * 4 * eps
    X[:, :, 2] = np.where(np.isnan(X[:, :, 2]), np.nan, 1.0 + steps)
    for sample_weight in (None, [0.3, 1.7, 2.9, 1.1]):
        assert channel_statistics(X, sample_weight)[1][2] == 1.0


@pytest.mark.parametrize("value", [0.1, 0.3, 1 / 3, -7.3e-5])
def test_a_constant_channel_of_many_steps_gets_scale_one(value):
    # numpy sums over (series, steps) in order, not pairwise: the mean of
    # 10,000 steps of 0.1 is off by ~1e-14, which the std then measured as
    # the spread (scale 1.6e-14: a new series at 0.2 became 6e12)
    X = np.random.RandomState(0).randn(100, 100, 2)
    X[:, :, 1] = value
    X[7, 60:] = np.nan  # padding does not count
    mean, scale = channel_statistics(X)
    assert scale[1] == 1.0
    assert abs(standardize_channels(X[:1] * 0 + 2 * value, mean, scale)[0, 0, 1]
               - value) < 1e-12 * abs(value) + 1e-300


def test_all_zero_weights_are_refused_where_scikit_learn_lets_them_through(
        monkeypatch):
    # scikit-learn < 1.9's _check_sample_weight accepts all-zero weights
    from sktime_metric.utils import _labels

    monkeypatch.setattr(_labels, "check_sample_weight",
                        lambda w, n: np.asarray(w, dtype=np.float64))
    X, _ = _padded(0)
    with pytest.raises(ValueError, match="sample_weight sums to 0"):
        channel_statistics(X, np.zeros(4))
    assert np.isfinite(channel_statistics(X, [0.0, 1.0, 0.0, 2.0])[0]).all()
