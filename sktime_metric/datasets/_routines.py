"""make_routines: multi-day wearable recordings with a known daily schedule."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import Interval, validate_params
from ._embedded import load_basic_motions

# (start hour, end hour, activity); "standing" doubles as rest. 14 of the 24
# hours are "standing" and "walking" comes twice: content alone tells few
# routines apart (the true activities score NMI ~0.46 against the hour slots,
# 3 seeds of 30 days).
DEFAULT_SCHEDULE = (
    (0.0, 7.0, "standing"),
    (7.0, 9.0, "walking"),
    (9.0, 12.0, "badminton"),
    (12.0, 14.0, "standing"),
    (14.0, 17.0, "walking"),
    (17.0, 19.0, "running"),
    (19.0, 24.0, "standing"),
)
# Five activities, one block of the day each (the night spans midnight), in a
# plausible order: the routine of an hour can be told by its content.
DISTINCT_SCHEDULE = (
    (0.0, 6.0, "sleeping"),
    (6.0, 8.0, "running"),     # morning run
    (8.0, 10.0, "walking"),    # walk to work
    (10.0, 16.0, "standing"),  # work
    (16.0, 20.0, "badminton"), # evening club
    (20.0, 24.0, "sleeping"),
)
SCHEDULES = {"default": DEFAULT_SCHEDULE, "distinct": DISTINCT_SCHEDULE}
# activity -> (BasicMotions class it is drawn from, amplitude factor):
# lying still, the standing recordings at a tenth of their amplitude.
DERIVED_ACTIVITIES = {"sleeping": ("standing", 0.1)}


_NON_NEGATIVE = [Interval(Real, 0, None, closed="left")]
_PROBABILITY = [Interval(Real, 0, 1, closed="both")]


@validate_params(
    {
        "n_days": [Interval(Integral, 1, None, closed="left")],
        # whether it divides a day is checked below
        "step": [Interval(Real, 0, None, closed="neither")],
        "jitter": _NON_NEGATIVE,
        "amplitude_variation": _NON_NEGATIVE,
        "skip_probability": _PROBABILITY,
        "missing_probability": _PROBABILITY,
        "missing_duration": _NON_NEGATIVE,
        "noise": _NON_NEGATIVE,
        "as_datetime": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_routines(n_days=7, *, schedule=None, step=36.0, jitter=600.0,
                  amplitude_variation=0.1, skip_probability=0.05,
                  missing_probability=0.1, missing_duration=1800.0, noise=0.1,
                  as_datetime=False, random_state=None):
    """Multi-day 6-channel wearable recording following a daily schedule.

    Each activity block of the schedule is filled with real BasicMotions
    recordings (smartwatch accelerometer + gyroscope, 100 steps each, drawn at
    random among the 20 of that activity) laid end to end; one row is one
    BasicMotions sample and rows are ``step`` seconds apart, so the recording is a
    time-compressed day. Day-to-day variation:

    - every block boundary moves by ``N(0, jitter)`` seconds each day;
    - each activity is scaled per day by ``1 + N(0, amplitude_variation)``;
    - each block (except the first of a day) is skipped with probability
      ``skip_probability``: the previous activity goes on instead;
    - with probability ``missing_probability`` a day loses one segment of
      ``missing_duration`` seconds at a random time: those rows of ``X`` are NaN
      (the sensor was off) while ``activities`` keeps the scheduled activity;
    - Gaussian sensor noise of ``noise`` times each channel's standard deviation.

    Parameters
    ----------
    n_days : int, default=7
    schedule : {"default", "distinct"}, sequence of (start_hour, end_hour, \
activity) or None, default=None
        The day. "default" (or None): rest 0-7 h, walk, badminton, rest
        12-14 h, walk, run, rest 19-24 h; 14 of 24 hours are "standing", so
        hours of different routines share their content (clustering the true
        activities reaches NMI ~0.46 against the hour slots), and 38 % of the
        different-hour pairs have the same activity. "distinct": five
        activities, each in one block of a plausible day, so content tells
        the routines apart: sleeping 20-6 h (over midnight), running 6-8 h,
        walking 8-10 h, standing 10-16 h (work), badminton 16-20 h (the true
        activities reach NMI ~0.59 against the slots; 25 % of different-hour
        pairs share their activity, mostly neighbouring hours). A
        sequence: contiguous blocks covering [0, 24); activities are
        BasicMotions classes ("badminton", "running", "standing", "walking")
        or "sleeping" (the standing recordings at a tenth of their
        amplitude: lying still).
    step : float, default=36.0
        Seconds between rows (36 s: 100 rows an hour, one recording an hour).
        With another step a recording does not last an hour: at 72 s it spans
        two, so one-hour windows alternate between first and second halves of
        recordings, which differ (a standing recording moves about twice as
        much in its first half), and a clusterer of hour windows can find that
        phase rather than the routines.
    jitter : float, default=600.0
        Seconds: the sd of each block boundary's daily move.
    amplitude_variation : float, default=0.1
        The sd of each activity's daily scale around 1.
    skip_probability : float, default=0.05
        Chance that a block (not a day's first) is skipped on a day.
    missing_probability : float, default=0.1
        Chance that a day loses one segment of ``missing_duration``.
    missing_duration : float, default=1800.0
        Seconds of the missing segment (NaN rows).
    noise : float, default=0.1
        The sd of the sensor noise, in each channel's standard deviations.
    as_datetime : bool, default=False
        Timestamps as ``datetime64[s]`` from 2024-01-01 instead of float seconds
        from the first midnight (``datetime64[ns]`` when ``step`` has a
        fraction of a second).
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : ndarray of shape (n_days * 86400 / step, 6)
    timestamps : ndarray of shape (n_rows,)
    activities : ndarray of shape (n_rows,), dtype str
        The activity actually performed at each row.
    schedule : list of (start_hour, end_hour, activity)

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import make_routines
    >>> X, t, activity, schedule = make_routines(2, step=360, random_state=0)
    >>> X.shape, t[:2].tolist(), str(activity[0])
    ((480, 6), [0.0, 360.0], 'standing')
    >>> schedule[1]
    (7.0, 9.0, 'walking')
    >>> _, t, activity, _ = make_routines(1, schedule="distinct", step=360, jitter=0,
    ...                                   skip_probability=0, random_state=0)
    >>> [str(a) for a in activity[[0, 70, 90, 120, 170, 230]]]  # 0, 7, 9, 12, 17, 23 h
    ['sleeping', 'running', 'walking', 'standing', 'badminton', 'sleeping']
    """
    rng = check_random_state(random_state)
    if schedule is None or isinstance(schedule, str):
        name = "default" if schedule is None else schedule
        if name not in SCHEDULES:
            raise ValueError(
                f"schedule must be one of {sorted(SCHEDULES)}, a sequence of "
                f"(start_hour, end_hour, activity) or None; got {schedule!r}."
            )
        schedule = SCHEDULES[name]
    schedule = [tuple(b) for b in schedule]
    # 86400 % 7.2 is 7.19999... in floating point: count the rows of a day
    rows = 86400 / step
    if not step > 0 or abs(rows - round(rows)) > 1e-9 * rows:
        raise ValueError(f"step must divide a day (86400 s), got {step!r}.")
    starts = [b[0] for b in schedule]
    ends = [b[1] for b in schedule]
    if starts[0] != 0 or ends[-1] != 24 or starts[1:] != ends[:-1]:
        raise ValueError("schedule blocks must be contiguous and cover hours 0 to 24.")
    X_train, y_train, X_test, y_test = load_basic_motions()
    pool_X = np.concatenate([X_train, X_test])
    pool_y = np.concatenate([y_train, y_test])
    known = set(pool_y) | set(DERIVED_ACTIVITIES)
    unknown = {b[2] for b in schedule} - known
    if unknown:
        raise ValueError(f"Unknown activities {sorted(unknown)}; use {sorted(known)}.")
    scale = pool_X.reshape(-1, pool_X.shape[2]).std(axis=0)
    per_day = int(round(rows))
    t_day = np.arange(per_day) * step
    X_days, act_days = [], []
    for _ in range(n_days):
        bounds = np.array(starts[1:]) * 3600 + rng.normal(0, jitter, len(starts) - 1)
        bounds = np.sort(np.clip(bounds, 0, 86400))
        block = np.searchsorted(bounds, t_day, side="right")
        names = [b[2] for b in schedule]
        for k in range(1, len(names)):
            if rng.rand() < skip_probability:
                names[k] = names[k - 1]
        acts = np.asarray(names)[block]
        # one gain per BasicMotions class (a derived activity shares its
        # source's: no extra draw, so older schedules give the same recordings)
        gain = {a: 1 + rng.normal(0, amplitude_variation) for a in np.unique(pool_y)}
        day = np.empty((per_day, pool_X.shape[2]))
        i = 0
        while i < per_day:
            activity = acts[i]
            j = i
            while j < per_day and acts[j] == activity:
                j += 1
            source, factor = DERIVED_ACTIVITIES.get(activity, (activity, 1.0))
            while i < j:  # fill the run [i, j) with whole 100-step recordings
                candidates = np.flatnonzero(pool_y == source)
                segment = pool_X[rng.choice(candidates)] * (gain[source] * factor)
                n = min(len(segment), j - i)
                day[i : i + n] = segment[:n]
                i += n
        day += rng.normal(0, 1, day.shape) * noise * scale
        if rng.rand() < missing_probability:
            n_missing = int(round(missing_duration / step))
            at = rng.randint(0, max(1, per_day - n_missing))
            day[at : at + n_missing] = np.nan
        X_days.append(day)
        act_days.append(acts)
    X = np.concatenate(X_days)
    timestamps = np.arange(len(X)) * float(step)
    if as_datetime:
        # whole seconds as datetime64[s]; a step with a fraction of a second
        # in nanoseconds (cast to seconds, 0.3 s rows repeated their times)
        unit = "s" if float(step).is_integer() else "ns"
        per_unit = 1 if unit == "s" else 10**9
        timestamps = np.datetime64("2024-01-01T00:00:00", unit) + (
            np.round(timestamps * per_unit).astype(np.int64).astype(
                f"timedelta64[{unit}]")
        )
    return X, timestamps, np.concatenate(act_days), schedule
