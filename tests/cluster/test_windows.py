"""Routine discovery's windows: durations, the window grid and time slots."""

import datetime
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from sktime_metric.cluster import RoutineClusterer, time_of_day, time_of_day_pairs
from sktime_metric.cluster._windows import parse_duration, segment_recording

HOUR = 3600.0


def _recording(start=0.0, days=2, seed=0):
    """A row every 6 minutes from ``start`` seconds on, for ``days`` days."""
    seconds = start + np.arange(0, days * 24 * HOUR, 360.0)
    return np.random.RandomState(seed).randn(len(seconds), 2), seconds


def _clusterer(**params):
    return RoutineClusterer("euclidean", **{"n_clusters": 2, "seq_len": 5,
                                            "random_state": 0, **params})


@pytest.mark.parametrize("value, seconds", [
    (3600, 3600.0), ("1h", 3600.0), (" 90s ", 90.0), ("1.5min", 90.0),
    ("1d", 86400.0), (np.timedelta64(90, "m"), 5400.0),
    (np.timedelta64(1500, "ms"), 1.5),
    (datetime.timedelta(days=1, hours=2), 93600.0),
])
def test_durations_are_read_in_seconds_from_every_spelling(value, seconds):
    assert parse_duration(value, "window") == pytest.approx(seconds, rel=1e-12)


def test_durations_in_other_spellings_cut_the_same_windows():
    X, t = _recording()
    ref = _clusterer().fit(X, timestamps=t)
    rc = _clusterer(window=datetime.timedelta(minutes=60),
                    period=datetime.timedelta(days=1)).fit(X, timestamps=t)
    assert rc.n_slots_ == 24
    np.testing.assert_array_equal(rc.slot_index_, ref.slot_index_)
    np.testing.assert_array_equal(rc.day_index_, ref.day_index_)


@pytest.mark.parametrize("window, error, message", [
    ("0min", ValueError, "window must be a positive duration"),
    (np.inf, ValueError, "window must be a positive duration"),
    (True, TypeError, "window must be a duration, got True"),
])
def test_durations_must_be_positive_and_finite(window, error, message):
    X, t = _recording()
    with pytest.raises(error, match=message):
        _clusterer(window=window).fit(X, timestamps=t)


def test_repeated_timestamps_are_not_strictly_increasing():
    X, t = _recording()
    t[6] = t[5]
    with pytest.raises(ValueError, match="strictly increasing; position 6"):
        _clusterer().fit(X, timestamps=t)


def test_repeated_timestamps_are_told_to_be_dropped_not_sorted():
    # sorting keeps a repeated time, and said "Sort the recording first"
    X, t = _recording()
    t = np.r_[t[:7], t[6], t[7:10], t[9], t[10:-2]]
    with pytest.raises(ValueError, match=r"position 7 \(2160\.0\) does not come "
                       r"after position 6 \(2160\.0\)\. It repeats the time of "
                       r"position 6 \(2 row\(s\) repeat the time before them\): "
                       "drop the repeated rows, or average them"):
        _clusterer().fit(X, timestamps=t)
    t = _recording()[1]
    t[[8, 9]] = t[[9, 8]]  # unsorted: sorting does help
    with pytest.raises(ValueError, match=r"position 9 .*\. Sort the recording"):
        _clusterer().fit(X, timestamps=t)


def test_float32_unix_seconds_that_collapse_are_named_as_float32():
    # float32 resolves Unix seconds of 2024 to 128 s: rows a minute apart
    # repeat, which said "Sort the recording first"
    t32 = (1.7e9 + np.arange(0, 2 * 24 * HOUR, 60.0)).astype(np.float32)
    X = np.random.RandomState(0).randn(len(t32), 2)
    with pytest.raises(ValueError, match=r"strictly increasing; .* They are "
                       r"float32, which resolves .* to 128 s only: pass them as "
                       r"float64"):
        _clusterer().fit(X, timestamps=t32)


def test_float32_unix_seconds_that_only_round_are_warned_of():
    # 5-minute rows stay increasing in float32, but each is rounded to a
    # multiple of 128 s, its window and slot with it, without a word
    t = 1.7e9 + np.arange(0, 2 * 24 * HOUR, 300.0)
    X = np.random.RandomState(0).randn(len(t), 2)
    with pytest.warns(UserWarning, match=r"^timestamps are float32, which "
                      r"resolves them to 128 s only \(their median step is "
                      r"\d+ s\): .* Pass them as float64"):
        _clusterer().fit(X, timestamps=t.astype(np.float32))
    with warnings.catch_warnings():  # float64, or float32 seconds of a week
        warnings.simplefilter("error")
        _clusterer().fit(X, timestamps=t)
        _clusterer().fit(X, timestamps=(t - 1.7e9).astype(np.float32))


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_local_times_repeating_an_hour_name_daylight_saving_time(zone):
    # local times (what the refusal of zoned ones asks for) repeat an hour when
    # daylight saving time ends: "Sort the recording first" cannot help
    pd = pytest.importorskip("pandas")
    zoned = pd.date_range("2024-10-25", "2024-11-06", freq="10min", tz=zone)
    X = np.random.default_rng(0).normal(size=(len(zoned), 2))
    local = zoned.tz_localize(None)
    with pytest.raises(ValueError, match=r"strictly increasing.* The clock went back "
                       r"by about 60 min at night: .*daylight saving time ended"):
        _clusterer().fit(X, timestamps=local)
    # the fix the message gives: one fixed offset
    hours = {"Europe/Berlin": 1, "America/New_York": -5}[zone]
    fixed = zoned.tz_convert("UTC").tz_localize(None) + pd.Timedelta(hours=hours)
    assert _clusterer().fit(X, timestamps=fixed).n_slots_ == 24
    # a repeat by day, of numbers, or a clock set back by seconds at night is
    # no clock change
    by_day = fixed.to_numpy().copy()
    noon = int(np.flatnonzero(fixed.hour == 12)[0])
    by_day[noon] = by_day[noon - 1]
    seconds = np.array((zoned - zoned[0]).total_seconds())
    seconds[noon] = seconds[noon - 1]
    corrected = fixed.to_numpy().copy()
    night = int(np.flatnonzero(fixed.hour == 2)[0])
    corrected[night] = corrected[night - 1] - np.timedelta64(5, "s")
    # (a repeated time is to be dropped, which sorting would not do)
    for t, position, fix in ((by_day, noon, "It repeats the time"),
                             (seconds, noon, "It repeats the time"),
                             (corrected, night, "Sort the recording first")):
        with pytest.raises(ValueError, match=rf"position {position} .*\. {fix}"):
            _clusterer().fit(X, timestamps=t)


def test_a_recording_needs_two_rows():
    X, t = _recording()
    with pytest.raises(ValueError, match="T_total >= 2"):
        _clusterer().fit(X[:1], timestamps=t[:1])


def test_a_window_as_long_as_the_recording_is_kept():
    # ten rows one second apart cover ten seconds (the last row lasts one step)
    X, seconds = np.arange(10.0)[:, None], np.arange(10.0)
    windows, starts = segment_recording(
        X, seconds, window=10.0, stride=10.0, period=100.0, day_start=0.0,
        seq_len=5, min_coverage=1.0)
    assert starts.tolist() == [0.0]
    # resampled at the centres of five two-second steps
    np.testing.assert_allclose(windows[0, :, 0], [1.0, 3.0, 5.0, 7.0, 9.0])


def test_no_window_is_kept_without_a_valid_sample():
    X, seconds = np.arange(30.0)[:, None], np.arange(30.0)
    X[10:20] = np.nan
    windows, starts = segment_recording(
        X, seconds, window=10.0, stride=10.0, period=1000.0, day_start=0.0,
        seq_len=5, min_coverage=1e-12)
    assert starts.tolist() == [0.0, 20.0]


def test_a_nan_on_one_channel_makes_the_row_missing():
    X, t = _recording()
    rows, one_channel = X.copy(), X.copy()
    rows[15:30] = np.nan
    one_channel[15:30, 0] = np.nan
    ref = _clusterer().fit(rows, timestamps=t)
    rc = _clusterer().fit(one_channel, timestamps=t)
    assert len(rc.labels_) == 46  # hours 1 and 2 of the first day dropped
    np.testing.assert_array_equal(rc.window_starts_, ref.window_starts_)
    np.testing.assert_array_equal(rc.windows_, ref.windows_)


def test_a_partly_covered_first_window_starts_on_the_grid():
    # from 05:20 on, the 05:00 window holds 6 of its 10 rows
    X, t = _recording(start=5 * HOUR + 20 * 60)
    rc = _clusterer(min_coverage=0.5).fit(X, timestamps=t)
    assert rc.window_starts_[0] == 5 * HOUR and rc.slot_index_[0] == 5
    assert _clusterer().fit(X, timestamps=t).window_starts_[0] == 6 * HOUR


def test_a_slot_may_last_the_whole_period():
    X, t = _recording(days=3)
    rc = _clusterer(slot_size="24h").fit(X, timestamps=t)
    assert rc.n_slots_ == 1 and (rc.slot_index_ == 0).all()
    with pytest.raises(ValueError, match="slot_size .* is longer than period"):
        _clusterer(slot_size="25h").fit(X, timestamps=t)
    # time_of_day, public, checks it alike (it gave slots past the last one)
    assert time_of_day([0, 3600], period=3600, slot_size=3600,
                       day_start=0)[1].tolist() == [0, 0]
    with pytest.raises(ValueError, match=r"slot_size \(7200 s\) is longer than "
                       r"period \(3600 s\)"):
        time_of_day([0, 3600], period=3600, slot_size=7200, day_start=0)


def test_a_recording_of_durations_gets_a_hint_that_runs_on_x():
    # the recording is fit's X: the hint's code names X, and runs on a
    # DataFrame or on one of its columns
    pd = pytest.importorskip("pandas")
    values, t = _recording()
    frame = pd.DataFrame({"a": pd.to_timedelta(values[:, 0], unit="s"),
                          "b": pd.to_timedelta(values[:, 1], unit="s")})
    for X in (frame, frame["a"]):
        with pytest.raises(TypeError, match=r"^The recording: X holds durations "
                           r".* e\.g\. X / pd\.Timedelta\('1D'\)"):
            _clusterer().fit(X, timestamps=t)
    X = frame
    rc = _clusterer().fit(X / pd.Timedelta('1D'), timestamps=t)
    assert rc.n_slots_ == 24
    # beside a column of numbers, the column is named (pandas failed on
    # float(Timedelta), polars read nanosecond counts as a channel)
    mixed = pd.DataFrame({"a": values[:, 0], "gap": frame["b"]})
    frames = [mixed]
    try:
        import polars as pl
        frames.append(pl.from_pandas(mixed))
    except ImportError:
        pass
    for X in frames:
        with pytest.raises(TypeError, match=r"^The recording: X\['gap'\] holds "
                           r"durations"):
            _clusterer().fit(X, timestamps=t)


def test_slots_that_do_not_divide_the_period_leave_a_shorter_last_slot():
    X, t = _recording()
    rc = _clusterer(slot_size="5h").fit(X, timestamps=t)
    # 00-05, ..., 15-20 and a last slot of 4 hours, 20-24
    assert rc.n_slots_ == 5 and rc.slot_index_[20:24].tolist() == [4] * 4
    assert rc.routine_map()[0].shape == (2, 5)
    # 21.6 s divides a day 4000 times, though 86400 / 21.6 is 4000.0000000000005
    assert _clusterer(slot_size="0.36min").fit(X, timestamps=t).n_slots_ == 4000


def test_a_sparse_graph_with_a_negative_distance_is_refused():
    D = sp.csr_matrix(np.abs(np.subtract.outer(np.arange(6.0), np.arange(6.0))))
    D.data[3] = -1.0
    with pytest.raises(ValueError, match="must be non-negative"):
        RoutineClusterer("precomputed", n_clusters=2).fit(D)


def test_starts_without_timestamps_begin_at_day_start():
    # a recording timed by sampling_rate, pre-cut windows: both from 06:00
    X, _ = _recording()
    rc = _clusterer(day_start="6h", sampling_rate=1 / 360).fit(X)
    assert rc.window_starts_[0] == 6 * HOUR and rc.slot_index_[:2].tolist() == [0, 1]
    windows = X.reshape(-1, 10, 2)
    rc = _clusterer(day_start="6h").fit(windows)
    assert rc.window_starts_[0] == 6 * HOUR and rc.slot_index_[:2].tolist() == [0, 1]


def test_a_start_on_a_slot_boundary_is_in_the_slot_it_opens():
    # 0.3 / 0.1 and 0.7 / 0.1 fall just short of 3 and 7 in floating point
    days, slots = time_of_day([0.3, 0.7], period=1.0, slot_size=0.1, day_start=0)
    assert slots.tolist() == [3, 7] and days.tolist() == [0, 0]


def test_a_start_just_short_of_a_day_opens_the_next_day():
    # a start as short of midnight as 0.3 / 0.1 is short of 3 is on the
    # boundary: slot 0 of the next day, never a 25th slot of 24
    days, slots = time_of_day([0, 86400 - 1e-7, 2 * 86400 - 3e-6], period=86400,
                              slot_size=3600, day_start=0)
    assert slots.tolist() == [0, 0, 0] and days.tolist() == [0, 1, 2]
    starts = np.arange(48) * HOUR
    starts[24] -= 1e-6
    windows = np.random.RandomState(0).randn(48, 5, 2)
    rc = _clusterer().fit(windows, timestamps=starts)
    assert rc.slot_index_.max() == 23 and rc.routine_map()[0].shape == (2, 24)


def test_time_of_day_pairs_with_few_pairs_asked_or_available():
    slots, days = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
    # one pair asked for: a similar one
    pairs, labels = time_of_day_pairs(slots, days, n_slots=2, n_pairs=1,
                                      random_state=0)
    assert labels.tolist() == [1] and slots[pairs[0, 0]] == slots[pairs[0, 1]]
    # one slot, three days: three pairs in all, every one similar
    pairs, labels = time_of_day_pairs([0, 0, 0], [0, 1, 2], n_slots=1, n_pairs=10,
                                      random_state=0)
    assert sorted(map(tuple, pairs.tolist())) == [(0, 1), (0, 2), (1, 2)]
    assert labels.tolist() == [1, 1, 1]


def test_numpy_timedeltas_are_durations_of_every_parameter():
    # parse_duration reads them; the parameter check crashed on them first,
    # comparing a timedelta64 with a float bound (a numpy UFuncTypeError)
    X, t = _recording()
    strings = dict(window="1h", stride="30min", period="24h", slot_size="2h",
                   day_start="6h")
    ref = _clusterer(**strings).fit(X, timestamps=t)
    rc = _clusterer(window=np.timedelta64(1, "h"), stride=np.timedelta64(30, "m"),
                    period=np.timedelta64(1, "D"), slot_size=np.timedelta64(2, "h"),
                    day_start=np.timedelta64(6, "h")).fit(X, timestamps=t)
    assert rc.n_slots_ == ref.n_slots_ == 12
    np.testing.assert_array_equal(rc.window_starts_, ref.window_starts_)
    np.testing.assert_array_equal(rc.slot_index_, ref.slot_index_)
    np.testing.assert_array_equal(rc.day_index_, ref.day_index_)
    assert _clusterer(day_start=np.timedelta64(0, "h")).fit(
        X, timestamps=t).window_starts_[0] == 0
    with pytest.raises(ValueError, match="window must be a positive duration"):
        _clusterer(window=np.timedelta64(-1, "h")).fit(X, timestamps=t)


@pytest.mark.parametrize("seconds", [
    # 7-minute rows: an hour holds 8 or 9 of them (8.57 expected)
    np.arange(0, 2 * 24 * HOUR, 420.0),
    # a row a minute, each a few seconds early or late: an hour holds 59 to 61
    # (but the first and the last, on the minute: the recording spans two days)
    np.arange(0, 2 * 24 * HOUR, 60.0)
    + np.r_[0, np.random.RandomState(0).uniform(-3, 3, 2 * 24 * 60 - 2), 0],
], ids=["step-not-dividing-the-window", "jittered-rows"])
def test_fully_covered_windows_are_kept_whatever_the_rows_phase(seconds):
    X = np.random.RandomState(1).randn(len(seconds), 2)
    windows, starts = segment_recording(
        X, seconds, window=HOUR, stride=HOUR, period=24 * HOUR, day_start=0.0,
        seq_len=5, min_coverage=1.0)
    assert len(starts) == 48
    # a missing row (NaN) still drops its window, and only that one
    X[200] = np.nan
    windows, starts = segment_recording(
        X, seconds, window=HOUR, stride=HOUR, period=24 * HOUR, day_start=0.0,
        seq_len=5, min_coverage=1.0)
    assert len(starts) == 47 and seconds[200] // HOUR * HOUR not in starts
    # and so does a row that is absent (a gap of two steps)
    kept = np.arange(len(seconds)) != 300
    windows, starts = segment_recording(
        X[kept], seconds[kept], window=HOUR, stride=HOUR, period=24 * HOUR,
        day_start=0.0, seq_len=5, min_coverage=1.0)
    assert len(starts) == 46 and seconds[300] // HOUR * HOUR not in starts


def test_partly_covered_windows_at_either_end_follow_min_coverage():
    # 6-minute rows from 05:20 to 17:38 (covering until 17:44): the 05:00 and
    # the 17:00 windows are covered 40 and 44 minutes of 60
    X, t = _recording(start=5 * HOUR + 20 * 60, days=1)
    X, t = X[:124], t[:124]
    assert t[-1] == 17 * HOUR + 38 * 60
    starts = _clusterer(min_coverage=0.5).fit(X, timestamps=t).window_starts_
    assert starts[0] == 5 * HOUR and starts[-1] == 17 * HOUR
    starts = _clusterer(min_coverage=0.7).fit(X, timestamps=t).window_starts_
    assert starts[0] == 6 * HOUR and starts[-1] == 17 * HOUR
    starts = _clusterer().fit(X, timestamps=t).window_starts_
    assert starts[0] == 6 * HOUR and starts[-1] == 16 * HOUR


def test_a_column_of_dates_in_the_recording_is_named_as_its_timestamps():
    # pandas' frame failed on float(Timestamp) (or float('2024-...') for
    # texts), naming no column; polars' was read as a channel of microsecond
    # counts, silently
    pd = pytest.importorskip("pandas")
    values, t = _recording()
    times = pd.Timestamp("2024-03-01") + pd.to_timedelta(t, unit="s")
    frame = pd.DataFrame({"a": values[:, 0], "time": times, "b": values[:, 1]})
    frames = [frame, frame.astype({"time": object}), frame.astype({"time": str})]
    try:
        import polars as pl
        frames += [pl.from_pandas(frame), pl.from_pandas(frames[-1])]
    except ImportError:
        pass
    for X in frames:
        for timestamps in (None, frame["time"]):
            with pytest.raises(TypeError, match=r"^X's column 'time' holds dates "
                               r"or times, not a channel .* timestamps=X\['time'\]"):
                _clusterer(sampling_rate=1 / 360).fit(X, timestamps=timestamps)
    rc = _clusterer().fit(frame.drop(columns="time"), timestamps=frame["time"])
    assert rc.n_features_in_ == 2 and len(rc.labels_) == 48


def test_no_window_kept_names_the_channels_that_are_nan():
    # a row is missing when any channel is NaN: a channel that is always NaN,
    # or sampled every other row, leaves no window covered, which said only
    # "check the NaN gaps of the recording"
    X, t = _recording()
    X = np.c_[X, X[:, 0]]
    X[::2, 1] = np.nan
    with pytest.raises(ValueError, match=r"the best of the 48 windows on the grid "
                       r"is 50\.0% covered, and 50\.0% of the rows are missing "
                       r".*NaN: channel 1 on 50\.0% of the rows\)\. Lower "
                       "min_coverage, or drop or fill the channels"):
        _clusterer().fit(X, timestamps=t)
    X[:, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN: channel 2 on 100\.0% of the rows, "
                       r"channel 1 on 50\.0% of the rows\)"):
        _clusterer().fit(X, timestamps=t)


def test_windows_dropped_within_the_recording_are_named():
    # from 05:20 on, with rows 05:00-05:59 of the second day missing: the
    # 05:00 window of the first day is only partly in the recording (not
    # named), that of the second day is a gap of the recording (named)
    X, t = _recording(start=5 * HOUR + 20 * 60)
    X[(t >= 29 * HOUR) & (t < 29.5 * HOUR)] = np.nan
    with pytest.warns(UserWarning, match=r"^1 of the 47 windows within the "
                      r"recording are dropped: their valid rows cover less than "
                      r"min_coverage=1\.0 of them \(start, share covered\): "
                      r"104400 s \(50\.0%\)\. A lower min_coverage keeps them"):
        rc = _clusterer().fit(X, timestamps=t)
    assert 29 * HOUR not in rc.window_starts_
    dates = np.datetime64("2024-03-01") + (t * 1e3).astype("timedelta64[ms]")
    with pytest.warns(UserWarning, match=r"\): 2024-03-02T05:00 \(50\.0%\)\."):
        _clusterer().fit(X, timestamps=dates)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _clusterer(min_coverage=0.5).fit(X, timestamps=t)
        X[(t >= 29 * HOUR) & (t < 29.5 * HOUR)] = 0.0
        _clusterer().fit(X, timestamps=t)


def test_sampling_rate_beside_a_time_index_says_the_index_is_not_read():
    # a frame indexed from 08:12 on, cut from midnight: every slot was 8 h off,
    # without a word
    pd = pytest.importorskip("pandas")
    X, t = _recording(start=8 * HOUR + 12 * 60)
    frame = pd.DataFrame(X, index=pd.Timestamp("2024-03-01") + pd.to_timedelta(t, "s"))
    with pytest.warns(UserWarning, match=r"^The timestamps are built from "
                      r"sampling_rate=0\.00277778 Hz, the first row at day_start, "
                      r"and X's index is not read\. X's index holds DatetimeIndex "
                      r"times: pass timestamps=X\.index\."):
        rc = _clusterer(sampling_rate=1 / 360).fit(frame)
    assert rc.window_starts_[0] == 0.0
    rc = _clusterer().fit(frame, timestamps=frame.index)
    assert rc.window_starts_[0] == np.datetime64("2024-03-01T09:00")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _clusterer(sampling_rate=1 / 360).fit(frame.reset_index(drop=True))


def test_sampling_rate_beside_timestamps_says_it_is_not_used():
    # the timestamps give the rows' times; sampling_rate was dropped silently
    X, t = _recording()
    with pytest.warns(UserWarning, match=r"^sampling_rate=0\.5 Hz is not used: "
                      r"the timestamps give the rows' times\."):
        rc = _clusterer(sampling_rate=0.5).fit(X, timestamps=t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = _clusterer().fit(X, timestamps=t)
    np.testing.assert_array_equal(rc.window_starts_, expected.window_starts_)
    np.testing.assert_array_equal(rc.labels_, expected.labels_)


def test_start_times_of_pre_cut_windows_are_counted_per_window():
    windows = np.random.RandomState(0).randn(48, 5, 2)
    with pytest.raises(ValueError, match=r"timestamps must be 1-D with one entry "
                       r"per window of X \(48\), got shape \(47,\)"):
        _clusterer().fit(windows, timestamps=np.arange(47) * HOUR)


def test_a_dropped_window_is_named_with_why():
    # hourly rows 2 s late, then 2 s early: the odd hours hold no row, though
    # the rows around them cover them (a share of 100 % said nothing)
    seconds = np.arange(48) * HOUR + np.tile([2.0, -2.0], 24)
    X = np.random.RandomState(0).randn(48, 2)
    with pytest.warns(UserWarning, match=r"^23 of the 46 windows .* \(start, "
                      r"share covered\): 3600 s \(no valid row in it\), 10800 s"):
        _clusterer(seq_len=2).fit(X, timestamps=seconds)
    # a share just short of min_coverage is rounded down, never to 100 %
    seconds = np.arange(4 * HOUR)  # a row a second
    X = np.random.RandomState(0).randn(len(seconds), 2)
    X[4000] = np.nan  # 3599 of the second hour's 3600 s
    with pytest.warns(UserWarning, match=r": 3600 s \(99\.9%\)\."):
        _clusterer().fit(X, timestamps=seconds)
