"""Time-of-day segmentation of routine discovery.

A long recording is cut into windows on a grid aligned to ``day_start``; each
window gets a *day* index and a time-of-day *slot* index (``_slots.py``: the
slots and the similarity constraint between windows, thesis §3.3.4).
:func:`routine_windows` reads the three inputs of
:class:`~sktime_metric.cluster.RoutineClusterer` (a recording, pre-cut
windows or precomputed distances) into windows and their starts.
"""

import datetime
import re

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array

from ..utils._containers import _as_numeric_array, _is_ragged_object_array
from ..utils._labels import _is_missing
from ..utils._time import (
    ISO_DATE,
    container_time_zone,
    date_columns,
    has_time_zone,
    refuse_time_columns,
)
from ..utils._warnings import warn
from ..utils.validation import check_sequences

_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value, name):
    """A duration in seconds from seconds, ``"90s"``/``"15min"``/``"1h"``/``"1d"``,
    ``np.timedelta64`` or ``datetime.timedelta``."""
    if isinstance(value, np.timedelta64):
        seconds = value / np.timedelta64(1, "ns") * 1e-9
    elif isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-z]+)\s*", value.lower())
        if match is None or match.group(2) not in _UNITS:
            raise ValueError(
                f"{name}={value!r} is not a duration; use seconds or a string such "
                "as '30s', '15min', '1h', '1d'."
            )
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, bool
    ):
        seconds = float(value)
    else:
        raise TypeError(f"{name} must be a duration, got {value!r}.")
    if not np.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name} must be a positive duration, got {value!r}.")
    return seconds


def _time_array(timestamps):
    """``timestamps`` as an array: ISO 8601 date texts and ``datetime`` /
    ``Timestamp`` objects as ``datetime64``; anything else as given (texts of
    numbers, a list of numbers: never read as dates, which would make them
    years or nanoseconds). Times with a zone or offset are refused: numpy
    would move them to UTC, while a routine's day is the local one."""
    # polars' and pyarrow's zoned times reach numpy as bare UTC datetime64:
    # their zone is on the container's type
    zone = container_time_zone(timestamps)
    if zone is not None:
        _refuse_zoned(f"are time-zone aware ({zone})")
    ts = np.asarray(timestamps)
    if ts.ndim != 1 or not len(ts) or ts.dtype.kind not in "OUS":
        return ts
    values = ts.tolist()
    if all(isinstance(v, str) for v in values):
        if not all(ISO_DATE.match(v) for v in values):
            return ts
        zoned = next((v for v in values if has_time_zone(v)), None)
        what = f"carry a UTC offset ({zoned!r})"
    elif all(isinstance(v, (datetime.date, np.datetime64)) or _is_missing(v)
             for v in values) and any(
                 isinstance(v, (datetime.date, np.datetime64)) for v in values):
        # (None, NaN and pandas' NaT become NaT, named by timestamps_to_seconds)
        zoned = next((v for v in values if has_time_zone(v)), None)
        what = f"are time-zone aware ({getattr(zoned, 'tzinfo', None)})"
        missing = np.datetime64("NaT")  # numpy reads neither None nor pandas' NaT
        ts = np.array([missing if _is_missing(v) else v for v in values], dtype=object)
    else:
        return ts
    if zoned is not None:
        _refuse_zoned(what)
    try:
        return ts.astype("datetime64[ns]")
    except (TypeError, ValueError):
        return ts  # refused by timestamps_to_seconds, naming the dtype


def _refuse_zoned(what):
    raise TypeError(
        f"timestamps {what}; routines follow the local clock: pass the local "
        "times without their zone, e.g. index.tz_localize(None) with pandas, "
        "s.dt.replace_time_zone(None) with polars, "
        "pyarrow.compute.local_timestamp(a) with pyarrow."
    )


#: Numeric timestamps are seconds; beyond this (about 3,170 years) they are
#: another unit: epoch milliseconds since 1973 exceed it.
_MAX_SECONDS = 1e11


def timestamps_to_seconds(timestamps, n, name="timestamps", per="row of X"):
    """Float seconds of 1-D, finite, strictly increasing timestamps.

    ``n``: the entries expected, one per ``per`` (a row of a recording, a
    window of pre-cut windows).

    ``datetime64`` values are read as local (naive) time: seconds since
    1970-01-01T00:00, a midnight. ``timedelta64`` values are the time elapsed
    since a midnight, in their own unit. Numbers are seconds, 0 being a
    midnight.
    """
    ts = _time_array(timestamps)
    if ts.ndim != 1 or len(ts) != n:
        raise ValueError(
            f"{name} must be 1-D with one entry per {per} ({n}), got shape "
            f"{ts.shape}."
        )
    times = ts.dtype.kind in "mM"  # timedelta64, datetime64
    if times and np.isnat(ts).any():
        raise ValueError(
            f"{name} contains NaT at position {np.flatnonzero(np.isnat(ts))[0]}.")
    if times:
        # in nanoseconds first: numpy's timedelta64 is an integer type, whose
        # raw count (microseconds for pandas) is not seconds
        unit = "datetime64[ns]" if ts.dtype.kind == "M" else "timedelta64[ns]"
        seconds = ts.astype(unit).astype(np.int64) * 1e-9
    elif np.issubdtype(ts.dtype, np.number) and not np.issubdtype(ts.dtype, np.bool_):
        seconds = ts.astype(np.float64)
        if not np.isfinite(seconds).all():
            raise ValueError(
                f"{name} must be finite; position "
                f"{np.flatnonzero(~np.isfinite(seconds))[0]} is not."
            )
        far = np.flatnonzero(np.abs(seconds) > _MAX_SECONDS)
        if len(far):
            # epoch milliseconds of a 1 Hz recording pass the window's check
            # (3.6 rows an hour) and spread one day over 1,000
            raise ValueError(
                f"{name} are read as seconds, and position {far[0]} "
                f"({ts[far[0]]}) is then over 3,000 years from 1970: epoch "
                "milliseconds, microseconds or nanoseconds? Divide them by 1e3, "
                "1e6 or 1e9, or pass datetime64."
            )
    else:
        raise TypeError(f"{name} must be numeric seconds, datetime64 or timedelta64, "
                        f"got {ts.dtype}.")
    steps = np.diff(seconds)
    if (steps <= 0).any():
        i = int(np.flatnonzero(steps <= 0)[0])
        back = seconds[i] - seconds[i + 1]
        # local clock times, as the refusal of zoned ones asks for, repeat an
        # hour at night when daylight saving time ends (02:59 -> 02:00 in
        # Europe, 01:59 -> 01:00 in North America; half an hour on Lord Howe
        # Island): the clock goes back by that shift less one sampling step,
        # and sorting cannot help. A clock corrected by seconds is no such shift.
        night = (seconds[i + 1] % 86400) < 4 * 3600
        shift = back + float(np.median(steps))
        clock_change = night and back < 3600 and shift >= 0.9 * 1800
        fix = (
            f"The clock went back by about {shift / 60:.0f} min at night: if "
            "these are local times, daylight saving time ended there, and its "
            "repeated hour cannot be sorted. Drop the rows of the repeated hour (the "
            "routines then follow the wall clock), or pass the times at one "
            "fixed offset, e.g. standard time: with a zoned pandas index, "
            "index.tz_convert('UTC').tz_localize(None) + pd.Timedelta(hours=h), "
            "h the zone's standard UTC offset (1 in Central Europe, -5 in New "
            "York)."
            if ts.dtype.kind == "M" and clock_change
            else "Sort the recording first."
        )
        if steps[i] == 0 and fix.startswith("Sort"):
            # sorting keeps a repeated time: the rows must go, or be merged
            repeats = int((steps == 0).sum())
            fix = (
                f"It repeats the time of position {i} ({repeats} row(s) repeat "
                "the time before them): drop the repeated rows, or average "
                "them, e.g. X.groupby(level=0).mean() for a frame indexed by "
                "its times."
            )
        if ts.dtype.kind == "f" and ts.dtype.itemsize < 8:
            # float32 Unix seconds are 128 s apart: minutes collapse, unsorted
            fix = (
                f"They are {ts.dtype}, which resolves {ts[i + 1]} to "
                f"{float(np.spacing(np.abs(ts[i + 1]))):g} s only: pass them as "
                "float64 (or datetime64)."
            )
        raise ValueError(
            f"{name} must be strictly increasing; position {i + 1} ({ts[i + 1]}) "
            f"does not come after position {i} ({ts[i]}). {fix}"
        )
    if ts.dtype.kind == "f" and ts.dtype.itemsize < 8 and len(steps):
        # increasing, yet rounded: float32 Unix seconds of 2024 are multiples
        # of 128 s, so 5-minute rows are each up to a minute off their time
        resolution = float(np.spacing(np.abs(ts).max()))
        if resolution > 0.01 * float(np.median(steps)):
            warn(f"{name} are {ts.dtype}, which resolves them to "
                 f"{resolution:g} s only (their median step is "
                 f"{float(np.median(steps)):g} s): each time may be that far "
                 "off, and its window and slot with it. Pass them as float64 "
                 "(or datetime64).", UserWarning)
    return seconds


def _resample(t, values, start, window, seq_len):
    """Linear interpolation of the valid rows of one window on ``seq_len`` centres."""
    grid = start + (np.arange(seq_len) + 0.5) * window / seq_len
    return np.stack(
        [np.interp(grid, t, values[:, c]) for c in range(values.shape[1])], axis=1
    )


#: A step between two rows up to this many median steps is the sampling's
#: own (jitter, a step that does not divide the window); a longer one is a
#: gap, of which the row before covers one median step.
_GAP_STEPS = 1.5


def _covered_seconds(seconds, valid, dt, points):
    """Seconds covered by valid rows before each of ``points``.

    Row ``i`` covers ``[t_i, t_{i+1})``, or ``[t_i, t_i + dt)`` when the next
    row is more than ``_GAP_STEPS * dt`` away (a gap) or there is none. On a
    regular grid aligned with the windows, a window's covered time is its
    count of valid rows times ``dt``; unlike that count it stays the whole
    window when the rows are jittered or their step does not divide the
    window (an hour holds 8 or 9 rows 7 minutes apart).
    """
    step = np.diff(seconds)
    length = np.append(np.where(step <= _GAP_STEPS * dt, step, dt), dt)
    length = np.where(valid, length, 0.0)
    before = np.concatenate([[0.0], np.cumsum(length)])
    row = np.searchsorted(seconds, points, side="right") - 1
    at = np.maximum(row, 0)
    inside = np.clip(points - seconds[at], 0.0, length[at])
    return np.where(row < 0, 0.0, before[at] + inside)


def segment_recording(
    X, seconds, *, window, stride, period, day_start, seq_len, min_coverage,
    show=None,
):
    """Cut a ``(T_total, d)`` recording into resampled windows.

    Rows with a NaN are missing samples. A window on the grid
    ``origin + k * stride`` (``origin`` = ``day_start`` of the first day) is kept
    when its valid samples cover at least ``min_coverage`` of its time
    (:func:`_covered_seconds`: each row lasts until the next one, or one
    median sampling step after a gap) and it holds one at least; gaps inside
    a kept window are linearly interpolated. Every window of the grid that
    overlaps the recording is a candidate. A ``UserWarning`` names the
    windows within the recording (not those it only starts or ends in) that
    are dropped: its gaps, which nothing else would show.

    ``show``: a function that writes a start (seconds) as the caller's
    timestamps were given, for that warning; None: seconds.

    Returns
    -------
    windows : ndarray of shape (n_windows, seq_len, d)
    starts : ndarray of shape (n_windows,), window start in seconds
    """
    # the recording is what RoutineClusterer.fit was given as X: the hint's code
    X = _as_numeric_array(X, where="The recording", code="X")
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(f"A recording must be 2-D (T_total >= 2, d >= 1), got {X.shape}.")
    if np.isinf(X).any():
        row, channel = (int(k[0]) for k in np.nonzero(np.isinf(X)))
        raise ValueError(f"The recording has an infinite value at row {row}, channel "
                         f"{channel} ({int(np.isinf(X).any(axis=1).sum())} row(s) "
                         "with inf in total).")
    dt = float(np.median(np.diff(seconds)))
    span = seconds[-1] - seconds[0] + dt
    if window > span:
        raise ValueError(
            f"window ({window:g} s) is longer than the recording ({span:g} s)."
        )
    if window / dt < 1:
        # no window would hold a sample: epoch milliseconds or nanoseconds
        # read as seconds end up here (nanoseconds looped ~1e10 windows)
        raise ValueError(
            f"window ({window:g} s) holds {window / dt:.3g} samples at the "
            f"recording's median step of {dt:g} s: fewer than 1. If the "
            "timestamps are not seconds (e.g. epoch milliseconds or "
            "nanoseconds), convert them (divide, or pass datetime64); "
            "otherwise use a longer window."
        )
    valid = ~np.isnan(X).any(axis=1)
    origin = day_start + np.floor((seconds[0] - day_start) / period) * period
    # every window overlapping [first row, last row + dt): the coverage rule
    # decides, at the start of the recording as at its end
    first = int(np.floor((seconds[0] - window - origin) / stride)) + 1
    last = int(np.ceil((seconds[-1] + dt - origin) / stride)) - 1
    candidates = origin + np.arange(first, last + 1) * stride
    covered = np.diff(_covered_seconds(
        seconds, valid, dt, np.stack([candidates, candidates + window])), axis=0)[0]
    # a millionth of a step: float rounding, never a missing row
    full = covered >= min_coverage * window - 1e-6 * dt
    windows, starts = [], []
    for start in candidates[full]:
        lo, hi = np.searchsorted(seconds, [start, start + window], side="left")
        keep = valid[lo:hi]
        if not keep.any():
            continue
        windows.append(
            _resample(seconds[lo:hi][keep], X[lo:hi][keep], start, window, seq_len)
        )
        starts.append(start)
    if not windows:
        # a row is missing when any channel is NaN: name the channels that
        # make it so (one off all along, or sampled at a lower rate)
        nan_share = np.isnan(X).mean(axis=0)
        worst = np.argsort(-nan_share, kind="stable")[:3]
        channels = ", ".join(f"channel {c} on {nan_share[c]:.1%} of the rows"
                             for c in worst if nan_share[c] > 0)
        raise ValueError(
            f"No window of {window:g} s has min_coverage={min_coverage} of valid "
            f"samples: the best of the {len(candidates)} windows on the grid is "
            f"{covered.max() / window:.1%} covered, and {1 - valid.mean():.1%} of "
            "the rows are missing (a row is missing when any channel is NaN"
            + (f"; NaN: {channels}" if channels else "")
            + "). Lower min_coverage"
            + (", or drop or fill the channels that are often NaN." if channels
               else ".")
        )
    within = (candidates >= seconds[0]) & (candidates + window <= seconds[-1] + dt)
    dropped = within & ~np.isin(candidates, starts)
    _warn_dropped(candidates[dropped], covered[dropped] / window,
                  int(within.sum()), min_coverage, show)
    return np.stack(windows), np.asarray(starts)


def _warn_dropped(starts, coverage, n_within, min_coverage, show, limit=5):
    """Warn naming the windows within the recording that were dropped."""
    if not len(starts):
        return
    show = show or (lambda start: f"{start:g} s")

    def share(covered):
        if covered >= min_coverage - 1e-9:  # covered by the rows around it
            return "no valid row in it"
        # rounded down: 99.6 % is not "100 %" below min_coverage=1
        return f"{np.floor(covered * 1000) / 10:.1f}%"

    named = ", ".join(f"{show(start)} ({share(c)})"
                      for start, c in zip(starts[:limit], coverage[:limit]))
    more = f" and {len(starts) - limit} more" if len(starts) > limit else ""
    warn(
        f"{len(starts)} of the {n_within} windows within the recording are "
        f"dropped: their valid rows cover less than min_coverage={min_coverage} "
        f"of them (start, share covered): {named}{more}. A lower min_coverage "
        "keeps them, their gaps interpolated.", UserWarning)


def check_windows(X):
    """Validate pre-cut windows with the package's sequence contract."""
    X, _ = check_sequences(X)
    return X


def routine_durations(window, stride, period, slot_size, day_start):
    """Seconds of the window grid and the routine's period from the parameters.

    ``stride`` and ``slot_size`` default (None) to ``window``; ``day_start``
    may be 0. Each is a duration as :func:`parse_duration` reads it.

    Returns
    -------
    window, stride, period, slot, day_start : float
    """
    window = parse_duration(window, "window")
    stride = window if stride is None else parse_duration(stride, "stride")
    period = parse_duration(period, "period")
    slot = window if slot_size is None else parse_duration(slot_size, "slot_size")
    day_start = 0.0 if day_start in (0, 0.0) else parse_duration(day_start, "day_start")
    _check_slot_fits(slot, period)
    return window, stride, period, slot, day_start


def _check_slot_fits(slot_size, period):
    """A ``ValueError`` if a slot (seconds) is longer than the period."""
    if slot_size > period:
        raise ValueError(
            f"slot_size ({slot_size:g} s) is longer than period ({period:g} s)."
        )


def _refuse_time_columns(X):
    """A ``TypeError`` naming a recording's columns of dates (its times, not a
    channel) or of durations beside numbers. numpy reads a pandas frame
    holding dates as objects ("float() argument must be ... not
    'Timestamp'", no column named) and a polars one as numbers, the times
    becoming a channel of microsecond counts; ISO texts failed on float()
    alike."""
    dates = date_columns(X, "X")
    if dates:
        column = dates[0]
        more = f" (and {len(dates) - 1} more such)" if len(dates) > 1 else ""
        raise TypeError(
            f"X's column {column!r}{more} holds dates or times, not a channel of "
            f"the recording: pass them as timestamps=X[{column!r}] and the "
            f"channels alone as X "
            f"(X.drop(columns={column!r}) with pandas, X.drop({column!r}) with "
            "polars)."
        )
    # durations beside numbers: named as any estimator names them (polars
    # read them as counts of nanoseconds, pandas failed on float(Timedelta))
    refuse_time_columns(X, "X", objects=True, prefix="The recording: ")


def routine_windows(X, timestamps, *, precomputed, window, stride, period, day_start,
                    sampling_rate, seq_len, min_coverage):
    """Windows (or distances), their start seconds and the raw start values.

    Parameters
    ----------
    X, timestamps
        As in :meth:`~sktime_metric.cluster.RoutineClusterer.fit`: a ``(T_total,
        d)`` recording, cut by :func:`segment_recording` (its timestamps built
        from ``day_start`` and ``sampling_rate`` when None); pre-cut windows,
        checked, taken as contiguous from ``day_start`` without timestamps; or,
        with ``precomputed``, a square non-negative distance matrix (dense, or
        a sparse neighbours graph).
    window, stride, period, day_start : float
        Seconds, from :func:`routine_durations`.
    sampling_rate, seq_len, min_coverage
        The parameters of :class:`~sktime_metric.cluster.RoutineClusterer`.

    Returns
    -------
    windows : ndarray of shape (n_windows, T, d), or (n_windows, n_windows)
        The distance matrix with ``precomputed``.
    starts : ndarray of shape (n_windows,)
        Window starts in seconds.
    raw : ndarray of shape (n_windows,)
        The starts as the timestamps were given (datetime64 stays datetime64).
    """
    if timestamps is not None:  # read once: datetime objects cost a pass each
        timestamps = _time_array(timestamps)
    if precomputed:
        # a sparse X is a neighbours graph (RoutineClusterer's k-NN path)
        D = check_array(X, accept_sparse="csr", ensure_min_samples=2)
        if D.shape[0] != D.shape[1]:
            raise ValueError(f"metric='precomputed' needs a square X, got {D.shape}.")
        if ((D.data if sp.issparse(D) else D) < 0).any():
            raise ValueError("Precomputed distances must be non-negative.")
        n, windows = D.shape[0], D
    elif (isinstance(X, (list, tuple)) or np.ndim(X) == 3
          or _is_ragged_object_array(X)):
        # a pandas / polars Series or an object array of windows: a list of them
        windows = check_windows(X)
        n = len(windows)
    else:
        _refuse_time_columns(X)
        recording = _as_numeric_array(X, where="The recording", code="X")
        if recording.ndim != 2:
            raise ValueError(
                "X must be a (T_total, d) recording, (n_windows, T, d) windows or "
                f"a list of (T, d) windows; got shape {recording.shape}."
                + (" A recording of one channel: X.reshape(-1, 1) (a pandas "
                   "Series: X.to_frame())." if recording.ndim == 1 else "")
            )
        if timestamps is None:
            # a DataFrame's time index is not read as the timestamps: say so
            index = getattr(X, "index", None)
            times = str(getattr(index, "dtype", "")).startswith(
                ("datetime64", "timedelta64"))
            local = ("X.index.tz_localize(None)" if getattr(index, "tz", None)
                     is not None else "X.index")
            hint = (f" X's index holds {type(index).__name__} times: pass "
                    f"timestamps={local}." if times else "")
            if sampling_rate is None:
                raise ValueError("A recording needs timestamps or sampling_rate."
                                 + hint)
            if times:
                # the index's first time of day is lost: every slot shifts by it
                warn(f"The timestamps are built from sampling_rate={sampling_rate:g}"
                     f" Hz, the first row at day_start, and X's index is not "
                     f"read.{hint}", UserWarning)
            timestamps = day_start + np.arange(len(recording)) / sampling_rate
        elif sampling_rate is not None:
            # the rows' times are the timestamps: a sampling_rate that
            # disagrees with them would be ignored without a word
            warn(f"sampling_rate={sampling_rate:g} Hz is not used: the "
                 "timestamps give the rows' times. Leave sampling_rate at None, "
                 "or leave out the timestamps to build them from it.",
                 UserWarning)
        seconds = timestamps_to_seconds(timestamps, len(recording))
        kind = np.asarray(timestamps).dtype.kind  # starts as the times were given

        def as_given(starts):
            if kind not in "mM":
                return starts
            return (np.asarray(starts) * 1e9).astype(np.int64).astype(
                "datetime64[ns]" if kind == "M" else "timedelta64[ns]")

        windows, starts = segment_recording(
            recording, seconds, window=window, stride=stride, period=period,
            day_start=day_start, seq_len=seq_len, min_coverage=min_coverage,
            show=None if kind != "M" else lambda start: np.datetime_as_string(
                as_given(start), unit="auto"),
        )
        return windows, starts, as_given(starts)
    if timestamps is None:
        starts = day_start + np.arange(n) * stride
        return windows, starts, starts
    # each a window's start: pre-cut windows, or the rows of the distances
    return windows, timestamps_to_seconds(timestamps, n, per="window of X"), timestamps
