"""seglearn's smartwatch recordings: the restricted .npy reader, padding,
subject groups, and the errors when the package is missing."""

import importlib.machinery
import importlib.util
import os
import pickle

import numpy as np
import pytest
from numpy.lib import format as npy_format

from sktime_metric.datasets import _watch, load_watch
from sktime_metric.datasets._pickle import (
    NUMPY_GLOBALS,
    restricted_load_npy,
    restricted_loads,
)

needs_package = pytest.mark.skipif(importlib.util.find_spec("seglearn") is None,
                                   reason="pip install --no-deps seglearn==1.2.5")


class _RunsAShell:
    """Pickles as a call to os.system; only ever saved here, never loaded."""

    def __reduce__(self):
        return os.system, ("echo this must never run",)


def test_object_npy_through_the_table(tmp_path):
    data = {"X": [np.arange(6.0).reshape(3, 2)], "y": np.array([1])}
    np.save(tmp_path / "ok.npy", np.array(data, dtype=object), allow_pickle=True)
    back = restricted_load_npy(tmp_path / "ok.npy", NUMPY_GLOBALS).item()
    np.testing.assert_array_equal(back["X"][0], data["X"][0])
    np.save(tmp_path / "bad.npy", np.array([_RunsAShell()], dtype=object),
            allow_pickle=True)
    with pytest.raises(pickle.UnpicklingError, match=r"global (posix|nt)\.system"):
        restricted_load_npy(tmp_path / "bad.npy", NUMPY_GLOBALS)
    np.save(tmp_path / "plain.npy", np.zeros(3))
    with pytest.raises(ValueError, match="not an object array"):
        restricted_load_npy(tmp_path / "plain.npy", NUMPY_GLOBALS)


def test_payload_must_be_the_header_s_array(tmp_path):
    # a header saying (2,) over a pickled (3,) array: refused, not returned
    path = tmp_path / "short.npy"
    with open(path, "wb") as f:
        npy_format.write_array_header_1_0(
            f, {"descr": "|O", "fortran_order": False, "shape": (2,)})
        pickle.dump(np.array([1, 2, 3], dtype=object), f, protocol=2)
    with pytest.raises(ValueError, match=r"not the header's \(2,\) array"):
        restricted_load_npy(path, NUMPY_GLOBALS)


def test_python2_strings_are_read_as_latin1():
    # a protocol-2 SHORT_BINSTRING, as Python 2 wrote a str: byte 0xe9 is
    # latin-1's e-acute, which the default ASCII cannot decode
    data = b"\x80\x02U\x01\xe9."
    assert restricted_loads(data, {}, encoding="latin1") == "\xe9"
    with pytest.raises(UnicodeDecodeError):
        restricted_loads(data, {})


def test_a_file_of_other_keys_or_lengths_is_refused(tmp_path, monkeypatch):
    good = {"X": [np.zeros((3, 6))] * 2, "y": [0, 1], "y_labels": ["PEN", "ABD"],
            "subject": [1, 1], "side": [0, 1], "X_labels": ["ax"]}
    cases = [({**good, "extra": 1}, "expected a dict with keys"),
             ({k: v for k, v in good.items() if k != "side"}, "expected a dict"),
             ({**good, "side": [0]}, "differ in length"),
             ({**good, "subject": [1, 1, 1]}, "differ in length")]
    for k, (data, message) in enumerate(cases):
        path = tmp_path / f"watch_{k}.npy"
        np.save(path, np.array(data, dtype=object), allow_pickle=True)
        monkeypatch.setattr(_watch, "_watch_file", lambda path=path: path)
        with pytest.raises(ValueError, match=message):
            load_watch()
    path = tmp_path / "watch_good.npy"
    np.save(path, np.array(good, dtype=object), allow_pickle=True)
    monkeypatch.setattr(_watch, "_watch_file", lambda: path)
    X, y, groups = load_watch()
    assert X.shape == (2, 3, 6) and y.tolist() == ["PEN", "ABD"]


def test_missing_package_names_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="not installed") as info:
        load_watch()
    assert _watch.SEGLEARN_INSTALL in str(info.value)
    spec = importlib.machinery.ModuleSpec("seglearn", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(ImportError, match="no data/watch_dataset.npy") as info:
        load_watch()
    assert _watch.SEGLEARN_INSTALL in str(info.value)


@needs_package
def test_the_recordings():
    X, y, groups, side = load_watch(return_side=True)
    assert X.shape == (140, 2618, 6) and X.dtype == np.float64
    # NaN only as padding at the end, 947 to 2,618 steps
    observed = ~np.isnan(X).any(axis=2)
    lengths = observed.sum(axis=1)
    assert (observed == (np.arange(2618) < lengths[:, None])).all()
    assert lengths.min() == 947 and lengths.max() == 2618
    assert np.isnan(X).all(axis=2).sum() == np.isnan(X).any(axis=2).sum()
    np.testing.assert_allclose(X[0, 0], [-1.083608, -0.018609, -0.02726, 0.41141,
                                         -1.603097, -2.488642])
    names, counts = np.unique(y, return_counts=True)
    assert set(names) == {"PEN", "ABD", "FEL", "IR", "ER", "TRAP", "ROW"}
    assert (counts == 20).all()
    subjects, counts = np.unique(groups, return_counts=True)
    assert subjects.tolist() == list(range(1, 11)) and (counts == 14).all()
    # each subject did each exercise once with each arm
    assert len(set(zip(groups, y, side))) == 140 and set(side) == {0, 1}
    _, codes, _ = load_watch(return_codes=True)
    labels = np.array(["PEN", "ABD", "FEL", "IR", "ER", "TRAP", "ROW"])
    np.testing.assert_array_equal(labels[codes], y)
