"""make_routines: multi-day wearable recordings with a known daily schedule."""

import numpy as np
from sklearn.utils import check_random_state

from ._embedded import load_basic_motions

# (start hour, end hour, BasicMotions activity); "standing" doubles as rest.
DEFAULT_SCHEDULE = (
    (0.0, 7.0, "standing"),
    (7.0, 9.0, "walking"),
    (9.0, 12.0, "badminton"),
    (12.0, 14.0, "standing"),
    (14.0, 17.0, "walking"),
    (17.0, 19.0, "running"),
    (19.0, 24.0, "standing"),
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
    schedule : sequence of (start_hour, end_hour, activity), default=None
        Contiguous blocks covering [0, 24); activities are BasicMotions classes
        ("badminton", "running", "standing", "walking"). None: a default day
        (rest, walk, badminton, rest, walk, run, rest).
    step : float, default=36.0
        Seconds between rows (36 s: 100 rows an hour).
    jitter, amplitude_variation, skip_probability, missing_probability, \
missing_duration, noise : float
        See above.
    as_datetime : bool, default=False
        Timestamps as ``datetime64[s]`` from 2024-01-01 instead of float seconds
        from the first midnight.
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
    """
    rng = check_random_state(random_state)
    schedule = [tuple(b) for b in (DEFAULT_SCHEDULE if schedule is None else schedule)]
    if int(n_days) != n_days or n_days < 1:
        raise ValueError(f"n_days must be a positive integer, got {n_days!r}.")
    if not step > 0 or 86400 % step:
        raise ValueError(f"step must divide a day (86400 s), got {step!r}.")
    starts = [b[0] for b in schedule]
    ends = [b[1] for b in schedule]
    if starts[0] != 0 or ends[-1] != 24 or starts[1:] != ends[:-1]:
        raise ValueError("schedule blocks must be contiguous and cover hours 0 to 24.")
    X_train, y_train, X_test, y_test = load_basic_motions()
    pool_X = np.concatenate([X_train, X_test])
    pool_y = np.concatenate([y_train, y_test])
    unknown = {b[2] for b in schedule} - set(pool_y)
    if unknown:
        raise ValueError(f"Unknown activities {sorted(unknown)}; use {sorted(set(pool_y))}.")
    scale = pool_X.reshape(-1, pool_X.shape[2]).std(axis=0)
    per_day = int(86400 // step)
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
        gain = {a: 1 + rng.normal(0, amplitude_variation) for a in np.unique(pool_y)}
        day = np.empty((per_day, pool_X.shape[2]))
        i = 0
        while i < per_day:
            activity = acts[i]
            j = i
            while j < per_day and acts[j] == activity:
                j += 1
            while i < j:  # fill the run [i, j) with whole 100-step recordings
                candidates = np.flatnonzero(pool_y == activity)
                segment = pool_X[rng.choice(candidates)] * gain[activity]
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
        timestamps = np.datetime64("2024-01-01T00:00:00", "s") + (
            timestamps.astype(np.int64).astype("timedelta64[s]")
        )
    return X, timestamps, np.concatenate(act_days), schedule
