import numpy as np
import pytest

from sktime_metric.datasets import make_routines


def test_shapes_and_schedule():
    X, t, act, schedule = make_routines(3, step=360, random_state=0)
    assert X.shape == (720, 6) and t.shape == act.shape == (720,)
    assert np.all(np.diff(t) == 360)
    assert set(act) <= {"badminton", "running", "standing", "walking"}
    assert schedule[0][0] == 0 and schedule[-1][1] == 24


def test_seeded_and_planted():
    a = make_routines(2, step=360, random_state=1)
    b = make_routines(2, step=360, random_state=1)
    np.testing.assert_array_equal(a[0], b[0])
    X, t, act, _ = make_routines(2, step=360, jitter=0, skip_probability=0,
                                 random_state=0)
    hours = (t % 86400) // 3600
    assert (act[hours == 3] == "standing").all() and (act[hours == 18] == "running").all()


def test_missing_segments_and_datetime():
    X, t, act, _ = make_routines(2, step=360, missing_probability=1.0,
                                 missing_duration=3600, as_datetime=True, random_state=0)
    assert t.dtype == np.dtype("datetime64[s]")
    missing = np.isnan(X).all(axis=1)
    assert missing.sum() == 20 and not (np.isnan(X).any(axis=1) & ~missing).any()


def test_bad_arguments():
    with pytest.raises(ValueError, match="contiguous"):
        make_routines(1, schedule=[(0, 10, "walking")])
    with pytest.raises(ValueError, match="Unknown activities"):
        make_routines(1, schedule=[(0, 24, "swimming")])
    with pytest.raises(ValueError, match="step"):
        make_routines(1, step=7)


def test_same_random_state_same_recording_in_any_process():
    # string hashing differs between processes (PYTHONHASHSEED): nothing may
    # draw random numbers in the iteration order of a set of activity names
    import os
    import subprocess
    import sys

    code = ("import numpy as np; from sktime_metric.datasets import make_routines; "
            "print(repr(float(np.nansum(make_routines(2, random_state=0)[0]))))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
