"""make_synthetic_control: the six Alcock & Manolopoulos control-chart patterns."""

import numpy as np
import pytest

from sktime_metric.datasets import make_synthetic_control


@pytest.fixture(scope="module")
def charts():
    return make_synthetic_control(n_samples=600, random_state=0)


def test_shapes_dtypes_and_balance(charts):
    X, y = charts
    assert X.shape == (600, 60, 1) and X.dtype == np.float64
    assert np.isfinite(X).all()
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [100] * 6
    X, y = make_synthetic_control(n_samples=20, n_timestamps=30, random_state=1)
    assert X.shape == (20, 30, 1)
    assert sorted(np.bincount(y).tolist()) == [3, 3, 3, 3, 4, 4]


def test_same_seed_same_data_other_seed_other_data():
    a = make_synthetic_control(50, random_state=3)
    b = make_synthetic_control(50, random_state=3)
    c = make_synthetic_control(50, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def _slopes(series):
    t = np.arange(1, series.shape[1] + 1)
    return np.polyfit(t, series.T, 1)[0]


def test_each_class_follows_its_equation(charts):
    X, y = charts
    X = X[:, :, 0]
    t = np.arange(1, 61)
    # normal: 30 + 2 r_t with r_t in [-3, 3]
    normal = X[y == 0]
    assert normal.min() >= 24 and normal.max() <= 36
    assert abs(normal.mean() - 30) < 0.1
    # cyclic: the noise band plus a sine of amplitude 10..15
    cyclic = X[y == 1]
    assert cyclic.min() >= 24 - 15 and cyclic.max() <= 36 + 15
    assert (cyclic.max(axis=1) - cyclic.min(axis=1)).min() > 2 * 10 - 12
    # trends: least-squares slopes near +-g, g in [0.2, 0.5] (noise sd ~3.5)
    up, down = _slopes(X[y == 2]), _slopes(X[y == 3])
    assert (up > 0.1).all() and (up < 0.6).all()
    assert (down < -0.1).all() and (down > -0.6).all()
    # shifts: a step of 7.5..20 somewhere in the middle third
    for label, sign in ((4, 1), (5, -1)):
        shifted = X[y == label]
        jump = sign * (shifted[:, t > 40].mean(1) - shifted[:, t < 20].mean(1))
        assert (jump > 7.5 - 3).all() and (jump < 20 + 3).all()
    # the classes a noise-only chart cannot be confused with
    assert abs(_slopes(normal)).max() < 0.15


class _QuarterPoints(np.random.RandomState):
    """Every uniform draw at the first quarter of its interval, no shuffle: the
    charts of the docstring's table with known parameters and a constant
    noise term (the generator draws with ``uniform`` and ``shuffle``)."""

    def uniform(self, low=0.0, high=1.0, size=None):
        return np.full(size, low + (high - low) / 4)

    def shuffle(self, x):
        pass


def test_the_table_s_equations_exactly():
    X, y = make_synthetic_control(6, n_timestamps=60, random_state=_QuarterPoints(0))
    assert y.tolist() == [0, 1, 2, 3, 4, 5]
    t = np.arange(1, 61)
    level = 30 + 2 * -1.5  # m + r_t s, r_t = -3 + 6 / 4
    a = period = 10 + 5 / 4
    g, x, t_3 = 0.2 + 0.3 / 4, 7.5 + 12.5 / 4, 20 + 20 / 4
    expected = level + np.array([
        np.zeros(60), a * np.sin(2 * np.pi * t / period), g * t, -g * t,
        x * (t >= t_3), -x * (t >= t_3)])
    np.testing.assert_allclose(X[:, :, 0], expected, rtol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_samples=0), "n_samples must be >= 1"),
    (dict(n_timestamps=2.5), "n_timestamps must be an integer"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_synthetic_control(**kwargs)
