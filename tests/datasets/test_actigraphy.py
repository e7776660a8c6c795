"""The Actiwatch AWD reader, its non-wear policy and the pyActigraphy recordings."""

import importlib.util

import numpy as np
import pytest

from sktime_metric.datasets import load_actigraphy_examples, read_awd

HEADER = ["demo", "23-Jan-1918", "13:58", " 4 ", "00", "V664055", "X"]


def _write(tmp_path, lines, name="demo.AWD"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_counts_markers_and_timestamps(tmp_path):
    path = _write(tmp_path, HEADER + ["12", "0", "7 M", "", "3"])
    counts, times = read_awd(path)
    assert counts.shape == (4, 1) and counts.dtype == np.float64
    np.testing.assert_array_equal(counts[:, 0], [12, 0, 7, 3])
    assert times[0] == np.datetime64("1918-01-23T13:58")
    assert (np.diff(times) == np.timedelta64(60, "s")).all()
    # a 30-second epoch code
    _, times = read_awd(_write(tmp_path, HEADER[:3] + [" 2 "] + HEADER[4:] + ["1", "2"]))
    assert times[1] - times[0] == np.timedelta64(30, "s")


def test_nonwear_runs_become_missing_and_nothing_else_changes(tmp_path):
    values = [5] + [0] * 180 + [4, 0, 0, 9] + [0] * 119 + [2]
    path = _write(tmp_path, HEADER + [str(v) for v in values])
    raw, _ = read_awd(path)
    counts, _ = read_awd(path, nonwear_minutes=120)
    missing = np.isnan(counts[:, 0])
    # the 180-minute run of zeros only: the 2- and 119-minute runs are kept
    assert missing.sum() == 180 and missing[1:181].all()
    np.testing.assert_array_equal(counts[~missing], raw[~missing])
    with pytest.raises(ValueError, match="'nonwear_minutes' parameter"):
        read_awd(path, nonwear_minutes=0)


@pytest.mark.parametrize("minutes", [3, 2.5])
def test_nonwear_runs_as_long_as_the_threshold_count_rounded_up_to_epochs(
        tmp_path, minutes):
    # a run of exactly the threshold is non-wear; 2.5 minutes of 1-minute
    # epochs needs 3 zero epochs, not 2
    path = _write(tmp_path, HEADER + [str(v) for v in [5, 0, 0, 0, 4, 0, 0, 9]])
    counts, _ = read_awd(path, nonwear_minutes=minutes)
    assert np.flatnonzero(np.isnan(counts[:, 0])).tolist() == [1, 2, 3]


def test_malformed_files_name_the_line(tmp_path):
    with pytest.raises(ValueError, match="line 9: expected an activity count"):
        read_awd(_write(tmp_path, HEADER + ["3", "three"]))
    with pytest.raises(ValueError, match="epoch-length code"):
        read_awd(_write(tmp_path, HEADER[:3] + ["minute"] + HEADER[4:] + ["1"]))
    with pytest.raises(ValueError, match="start date like 23-Jan-1918"):
        read_awd(_write(tmp_path, ["x", "1918-01-23"] + HEADER[2:] + ["1"]))
    with pytest.raises(ValueError, match="7 header lines"):
        read_awd(_write(tmp_path, HEADER[:4]))


@pytest.mark.skipif(importlib.util.find_spec("pyActigraphy") is None,
                    reason="pip install --no-deps pyActigraphy==1.2.2")
def test_the_five_shipped_recordings():
    recordings = load_actigraphy_examples()
    days = {name: len(counts) / 1440 for name, (counts, _) in recordings.items()}
    assert sorted(days) == [f"example_0{i}" for i in range(1, 6)]
    assert all(12 < d < 22 for d in days.values())
    counts, times = recordings["example_01"]
    assert len(times) == len(counts) and not np.isnan(counts).any()


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install --no-deps pyActigraphy"):
        load_actigraphy_examples()
