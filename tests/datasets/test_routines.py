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


def test_steps_that_divide_a_day_in_floating_point_are_accepted():
    # 86400 % 7.2 is 7.19999... in floating point: 7.2 s (12,000 rows a day),
    # 4.8 s and 0.3 s were refused as not dividing a day
    for step, rows in ((7.2, 12000), (4.8, 18000), (21.6, 4000)):
        X, t, _, _ = make_routines(1, step=step, random_state=0)
        assert len(X) == len(t) == rows
    # and their datetimes keep the fraction of a second (cast to seconds,
    # rows 0.3 s apart repeated their times)
    _, t, _, _ = make_routines(1, step=0.3, as_datetime=True, random_state=0)
    assert t.dtype == np.dtype("datetime64[ns]") and len(t) == 288000
    assert (np.diff(t) == np.timedelta64(300, "ms")).all()
    with pytest.raises(ValueError, match=r"step must divide a day \(86400 s\), "
                       "got 7.3"):
        make_routines(1, step=7.3)


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


def test_distinct_schedule_is_deterministic_and_honoured():
    a = make_routines(2, schedule="distinct", step=360, random_state=3)
    b = make_routines(2, schedule="distinct", step=360, random_state=3)
    for x, y in zip(a[:3], b[:3]):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], make_routines(2, schedule="distinct", step=360,
                                                  random_state=4)[0])
    X, t, act, schedule = make_routines(3, schedule="distinct", step=360, jitter=0,
                                        skip_probability=0, missing_probability=0,
                                        random_state=0)
    assert [b[2] for b in schedule] == ["sleeping", "running", "walking", "standing",
                                        "badminton", "sleeping"]
    hours = (t % 86400) / 3600
    for start, end, activity in schedule:
        assert (act[(hours >= start) & (hours < end)] == activity).all()
    # five activities, each in one block of the day (the night spans midnight)
    assert sorted(set(act)) == ["badminton", "running", "sleeping", "standing",
                                "walking"]
    # sleeping: the standing recordings at a tenth of their amplitude, plus
    # the same sensor noise
    spread = {a: X[act == a].std(axis=0).mean() for a in ("sleeping", "standing")}
    assert spread["sleeping"] < 0.8 * spread["standing"]


def test_named_default_schedule_is_the_default_and_unknown_names_fail():
    a = make_routines(2, step=360, random_state=0)
    b = make_routines(2, schedule="default", step=360, random_state=0)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[3] == b[3]
    with pytest.raises(ValueError, match="schedule must be one of"):
        make_routines(1, schedule="weekend")
    # the derived activity is usable in a custom schedule
    _, _, act, _ = make_routines(1, schedule=[(0, 24, "sleeping")], step=360,
                                 random_state=0)
    assert set(act) == {"sleeping"}


def test_sensor_noise_is_scaled_by_each_channels_standard_deviation():
    # the noise draws do not depend on its level: two recordings of one seed
    # differ by noise * scale_c * N(0, 1) in channel c, scale_c the channel's
    # standard deviation over the BasicMotions recordings
    from sktime_metric.datasets import load_basic_motions

    X_train, _, X_test, _ = load_basic_motions()
    pool = np.concatenate([X_train, X_test])
    scale = pool.reshape(-1, pool.shape[2]).std(axis=0)
    kwargs = dict(step=360, missing_probability=0, random_state=0)
    quiet = make_routines(1, noise=0.0, **kwargs)[0]
    noisy = make_routines(1, noise=0.5, **kwargs)[0]
    draws = (noisy - quiet) / (0.5 * scale)
    # 240 standard normal draws per channel: their std is 1 within ~0.25
    np.testing.assert_allclose(draws.std(axis=0), 1.0, atol=0.25)
    assert scale.max() / scale.min() > 2  # an unscaled noise fails above
