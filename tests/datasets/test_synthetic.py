"""Tests for the synthetic generator and the TAGM data recipes."""

import numpy as np
import pytest

from sktime_metric.datasets import (
    add_noise_segments,
    make_sequence_classification,
    sliding_window,
)


def _lengths(X):
    """Reference lengths, written independently of the package's helper."""
    out = []
    for series in X:
        observed = np.flatnonzero(~np.all(np.isnan(series), axis=1))
        out.append(observed[-1] + 1 if observed.size else 0)
    return np.array(out)


def _ragged(random_state=0, lengths=(5, 9, 3, 7), n_channels=3, pad=2):
    """NaN-padded data with channels on very different scales, plus extra padding."""
    rng = np.random.RandomState(random_state)
    X = np.full((len(lengths), max(lengths) + pad, n_channels), np.nan)
    scale = np.array([1.0, 10.0, 100.0])[:n_channels]
    for i, length in enumerate(lengths):
        X[i, :length] = rng.normal(size=(length, n_channels)) * scale + scale
    return X


# --------------------------------------------------------------------------
# make_sequence_classification
# --------------------------------------------------------------------------


def test_generator_shapes_lengths_and_balance():
    X, y = make_sequence_classification(
        10, n_classes=3, n_channels=4, min_length=12, max_length=30, random_state=0
    )
    lengths = _lengths(X)
    assert X.dtype == np.float64 and X.ndim == 3
    assert X.shape[0] == 10 and X.shape[2] == 4
    assert X.shape[1] == lengths.max()
    assert lengths.min() >= 12 and lengths.max() <= 30
    for i, length in enumerate(lengths):
        assert np.all(np.isfinite(X[i, :length])) and np.all(np.isnan(X[i, length:]))
    assert y.dtype == np.int64
    assert sorted(np.bincount(y).tolist()) == [3, 3, 4]


def test_generator_lengths_and_motif_starts_cover_their_ranges():
    # [min_length, max_length], both inclusive: equal ends give one length
    X, _ = make_sequence_classification(6, min_length=9, max_length=9,
                                        motif_length=9, random_state=0)
    assert _lengths(X).tolist() == [9] * 6
    X, _ = make_sequence_classification(200, min_length=5, max_length=6,
                                        motif_length=5, random_state=0)
    assert sorted(set(_lengths(X).tolist())) == [5, 6]
    # the motif's start is uniform over every position where it fits, the
    # last included
    _, _, mask = make_sequence_classification(100, min_length=6, max_length=6,
                                              motif_length=5, return_mask=True,
                                              random_state=0)
    assert sorted(set(mask.argmax(axis=1).tolist())) == [0, 1]


def test_generator_is_deterministic():
    a = make_sequence_classification(20, return_mask=True, random_state=3)
    b = make_sequence_classification(20, return_mask=True, random_state=3)
    for x, z in zip(a, b):
        np.testing.assert_array_equal(x, z)
    c = make_sequence_classification(20, return_mask=True, random_state=4)
    assert a[0].shape != c[0].shape or not np.array_equal(a[0], c[0], equal_nan=True)


def test_generator_mask_marks_the_motif():
    # Without noise, a sample is zero except for its class motif, so the mask
    # can be checked exactly: same segment within a class, zeros elsewhere.
    X, y, mask = make_sequence_classification(
        12, n_classes=3, motif_length=6, noise=0.0, return_mask=True, random_state=1
    )
    lengths = _lengths(X)
    assert mask.dtype == bool and mask.shape == X.shape[:2]
    motifs = {}
    for i, length in enumerate(lengths):
        steps = np.flatnonzero(mask[i])
        assert steps.size == 6 and np.all(np.diff(steps) == 1)
        assert steps[-1] < length  # never on padding
        outside = np.ones(length, dtype=bool)
        outside[steps] = False
        np.testing.assert_array_equal(X[i, :length][outside], 0.0)
        segment = X[i, steps]
        np.testing.assert_array_equal(segment, motifs.setdefault(y[i], segment))
        assert np.isclose(np.abs(segment).max(), 2.0)
    assert len(motifs) == 3
    assert not np.allclose(motifs[0], motifs[1])


def test_generator_without_mask_returns_pair():
    assert len(make_sequence_classification(5, random_state=0)) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"motif_length": 25, "min_length": 20}, "motif_length"),
        ({"min_length": 30, "max_length": 20}, "min_length"),
        ({"n_samples": 2, "n_classes": 3}, "n_samples"),
        ({"n_classes": 0}, "n_classes"),
        ({"n_channels": 1.5}, "n_channels"),
        ({"noise": -1.0}, "noise"),
    ],
)
def test_generator_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_sequence_classification(**kwargs)


# --------------------------------------------------------------------------
# add_noise_segments
# --------------------------------------------------------------------------


def test_noise_segments_recipe():
    X = _ragged()
    X_before = X.copy()
    lengths = _lengths(X)
    target = 12
    X_noisy, salient = add_noise_segments(X, target_length=target, random_state=0)

    np.testing.assert_array_equal(X, X_before)  # input untouched
    assert X_noisy.shape == (4, target, 3) and salient.shape == (4, target)
    assert salient.dtype == bool and not np.isnan(X_noisy).any()

    valid = np.concatenate([X[i, :n] for i, n in enumerate(lengths)])
    lo, hi = valid.min(axis=0), valid.max(axis=0)
    bound_low, bound_high = lo + 0.25 * (hi - lo), lo + 0.75 * (hi - lo)
    for i, length in enumerate(lengths):
        steps = np.flatnonzero(salient[i])
        assert steps.size == length and np.all(np.diff(steps) == 1)
        np.testing.assert_array_equal(X_noisy[i, steps], X[i, :length])
        noise = X_noisy[i, ~salient[i]]
        assert np.all((noise >= bound_low) & (noise <= bound_high))
        # p = floor(u * n_noise) with u in [0.2, 0.8].
        n_noise, before = target - length, steps[0]
        assert np.floor(0.2 * n_noise) <= before <= 0.8 * n_noise


def test_noise_segments_longest_target_is_the_longest_series():
    X = _ragged(pad=4)  # extra padding must not count towards the target
    X_noisy, salient = add_noise_segments(X, target_length="longest", random_state=0)
    assert X_noisy.shape == (4, 9, 3)
    np.testing.assert_array_equal(salient.sum(axis=1), _lengths(X))


def test_noise_segments_split_and_bounds_are_honoured():
    X = _ragged()
    lengths = _lengths(X)
    _, salient = add_noise_segments(X, target_length=10, split=(0, 0), random_state=0)
    np.testing.assert_array_equal(salient[:, 0], True)  # all noise after
    _, salient = add_noise_segments(X, target_length=10, split=(1, 1), random_state=0)
    np.testing.assert_array_equal(salient[:, -1], True)  # all noise before
    # low == high: every noise frame is the per-channel midpoint of the range.
    X_noisy, salient = add_noise_segments(
        X, target_length=10, low=0.5, high=0.5, random_state=0
    )
    valid = np.concatenate([X[i, :n] for i, n in enumerate(lengths)])
    midpoint = (valid.min(axis=0) + valid.max(axis=0)) / 2
    noise = X_noisy[~salient]
    np.testing.assert_allclose(noise, np.broadcast_to(midpoint, noise.shape))


def test_noise_segments_is_deterministic():
    X = _ragged()
    a = add_noise_segments(X, target_length=15, random_state=7)
    b = add_noise_segments(X, target_length=15, random_state=7)
    c = add_noise_segments(X, target_length=15, random_state=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_noise_segments_rejects_too_long_series_and_an_implicit_length():
    with pytest.raises(ValueError, match="X's sample 1 has length 9"):
        add_noise_segments(_ragged(), target_length=8)
    with pytest.raises(TypeError, match="target_length"):
        add_noise_segments(_ragged())  # the signal's share must be chosen
    with pytest.raises(ValueError, match="an int or 'longest'"):
        add_noise_segments(_ragged(), target_length="max")


def test_noise_segments_rejects_inner_nan():
    X = _ragged()
    X[2, 1, 0] = np.nan
    with pytest.raises(ValueError, match="X's sample 2 .* time step 1"):
        add_noise_segments(X, target_length="longest")


# --------------------------------------------------------------------------
# sliding_window
# --------------------------------------------------------------------------

_NAN = np.nan
_X_HAND = np.array(
    [
        [[1, 10], [2, 20], [3, 30], [4, 40]],
        [[5, 50], [6, 60], [7, 70], [_NAN, _NAN]],
    ]
)


def test_sliding_window_hand_example():
    expected_2 = np.array(
        [
            [[1, 10, 2, 20], [2, 20, 3, 30], [3, 30, 4, 40]],
            [[5, 50, 6, 60], [6, 60, 7, 70], [_NAN] * 4],
        ]
    )
    expected_3 = np.array(
        [
            [[1, 10, 2, 20, 3, 30], [2, 20, 3, 30, 4, 40]],
            [[5, 50, 6, 60, 7, 70], [_NAN] * 6],
        ]
    )
    X_before = _X_HAND.copy()
    np.testing.assert_array_equal(sliding_window(_X_HAND), expected_2)
    np.testing.assert_array_equal(sliding_window(_X_HAND, window=3), expected_3)
    np.testing.assert_array_equal(_X_HAND, X_before)


def test_sliding_window_one_is_a_copy():
    out = sliding_window(_X_HAND, window=1)
    np.testing.assert_array_equal(out, _X_HAND)
    assert not np.shares_memory(out, _X_HAND)


def test_sliding_window_lengths_and_padding():
    X = _ragged()
    out = sliding_window(X, window=3)
    assert out.shape == (4, X.shape[1] - 2, 9)
    np.testing.assert_array_equal(_lengths(out), _lengths(X) - 2)


def test_sliding_window_rejects_short_series():
    with pytest.raises(ValueError, match="X's sample 1 has length 3 < window=4"):
        sliding_window(_X_HAND, window=4)


def test_recipes_follow_the_data_contract():
    # 2-D input is univariate series, 1-D input is rejected, as for estimators
    assert sliding_window(np.zeros((3, 4)), window=2).shape == (3, 3, 2)
    assert add_noise_segments(np.zeros((3, 4)), target_length=4)[0].shape == (3, 4, 1)
    with pytest.raises(ValueError, match="3-D"):
        sliding_window(np.zeros(4))
    with pytest.raises(ValueError, match="3-D"):
        add_noise_segments(np.zeros(4), target_length=4)
