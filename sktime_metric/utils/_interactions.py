"""The interaction-log data format: (user id, item id, timestamp) rows and ratings.

The recommenders and their evaluation helpers read an interaction log, not a
sequence array, so its checks live here beside ``validation.py`` (the sequence
format). A log is

- ``X``: a 2-D array of rows ``[user_id, item_id, timestamp]`` (``[user_id,
  item_id]`` where time is optional), or a DataFrame with those columns (named
  by the caller, default ``user_id``, ``item_id``, ``timestamp``), which may
  also hold a ``rating`` column in place of ``y``;
- ids: any hashable values (ints, strings, ...), never missing;
- timestamps: numbers (e.g. Unix seconds), ``datetime64`` values or ISO date
  strings; dates become float seconds since 1970-01-01, so numeric Unix times
  and dates compare on one scale. Dates with a time zone (aware ``datetime`` /
  ``Timestamp`` values, texts with a UTC offset) are their instants; one
  column never mixes them with dates without, nor does a query (checked
  against the training log's kind). Never missing. The rows need not be sorted;
- ratings: finite numbers.

Errors name the row and the column.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import column_or_1d

from ._labels import _is_missing
from ._time import (container_time_zone, has_time_zone, refuse_time_values,
                    zoned_seconds)

__all__ = ["InteractionLog", "check_interaction_log", "check_time_zone", "column_names",
           "encode_ids", "id_array", "time_value", "to_seconds", "unique_ids"]


class InteractionLog:
    """Checked columns of a log: ``users``, ``items``, ``times``, ``ratings``.

    ``times`` (float64 seconds) or ``ratings`` (float64) may be None;
    ``zoned``: whether the times are dates with a time zone (None: numbers,
    or no times; see :func:`to_seconds`).
    """

    __slots__ = ("users", "items", "times", "ratings", "zoned")

    def __init__(self, users, items, times, ratings, zoned=None):
        self.users, self.items, self.times, self.ratings = users, items, times, ratings
        self.zoned = zoned

    def __len__(self):
        return len(self.users)


def id_array(values, name, caller):
    """Ids as a 1-D array: int64, float64, str or object (mixed types).

    Raises ValueError naming the first row whose id is missing (None, NaN).
    """
    values = np.asarray(values)
    if values.dtype.kind == "f":
        bad = np.flatnonzero(~np.isfinite(values))
    elif values.dtype.kind == "O":
        bad = [i for i, v in enumerate(values) if _is_missing(v)]
    elif values.dtype.kind in "iuUSb":
        bad = []
    else:
        raise TypeError(f"{caller}: the {name} column holds {values.dtype} values; ids "
                        "must be hashable values such as ints or strings.")
    if len(bad):
        raise ValueError(f"{caller}: row {int(bad[0])} has a missing {name} "
                         f"({values[bad[0]]!r}); every interaction needs one.")
    if values.dtype.kind == "O":
        kinds = {type(v) for v in values}
        if all(issubclass(k, Integral) and not issubclass(k, bool) for k in kinds):
            return values.astype(np.int64)
        if all(issubclass(k, str) for k in kinds):
            return values.astype(str)
    if values.dtype.kind in "iu":
        return values.astype(np.int64)
    return values


def to_seconds(values, caller, name="timestamp", *, column=True):
    """Timestamps as float64 seconds, and whether they carry a time zone.

    Numbers are seconds as they are; dates are seconds since 1970-01-01: a
    date with a time zone (or UTC offset) from its instant, one without from
    its wall-clock reading, as if it were UTC (as numpy reads it).

    Returns
    -------
    seconds : ndarray of float64
    zoned : bool or None
        True for dates with a time zone, False for dates without, None for
        numbers. Zoned and naive dates never mix (see :func:`check_time_zone`).

    Raises ValueError naming the first missing (NaN, NaT, None) or non-finite
    timestamp (by its row; ``column=False``: one value of a parameter, such as
    ``split_time``, named alone) and the first naive date among zoned ones,
    TypeError for values that are neither numbers nor dates.
    """
    # a polars / pyarrow column keeps its zone on its type: numpy's reading of
    # it has the right instants (UTC datetime64) but no zone any more
    container_zone = container_time_zone(values)
    values = np.asarray(values)

    def at(row):
        return name if not column else f"row {row}'s {name}"

    def missing_at(row, kind="missing", value=""):
        where = f"{name} is {kind}{value}" if not column else \
            f"row {row} has a {kind} {name}{value}"
        return ValueError(f"{caller}: {where}; every interaction needs its time.")

    def not_a_time(value):
        if not column:  # a parameter: no column, and ``name`` may be "the time 'at'"
            return TypeError(
                f"{caller}: {name} is neither a number nor a date (a datetime64 or "
                f"an ISO string such as '2014-01-01'); got {value!r}.")
        return TypeError(
            f"{caller}: the {name} column holds values that are neither numbers "
            "nor dates (datetime64 or ISO strings such as '2014-01-01'), e.g. "
            f"{value!r}.")

    if values.dtype.kind == "O" or values.dtype.kind in "US":
        flat = values.ravel().tolist() if values.dtype.kind == "O" else values.ravel()
        missing = [i for i, v in enumerate(flat) if _is_missing(v)]
        if missing:
            raise missing_at(missing[0])
        flag = next((v for v in flat if isinstance(v, (bool, np.bool_))), None)
        if flag is not None:  # numpy would read True as 1 (s, or ns among dates)
            raise not_a_time(flag)
        zones = [has_time_zone(v) for v in flat]
        if any(zones):
            # instants: read exactly (numpy would move them to UTC too, with
            # a warning per call); a date without a zone among them has no
            # instant of its own, and pandas refuses to compare the two
            if not all(zones):
                row, other = zones.index(False), zones.index(True)
                raise ValueError(
                    f"{caller}: {at(row)} ({flat[row]!r}) has no time zone, "
                    f"{at(other)} has one ({flat[other]!r}); give every time "
                    "with a zone or none.")
            seconds = np.empty(len(flat))
            for i, v in enumerate(flat):
                try:
                    seconds[i] = zoned_seconds(v)
                except (TypeError, ValueError):
                    raise not_a_time(v) from None
            return seconds.reshape(values.shape), True
        try:
            # numpy's datetime64 / timedelta64 objects convert to floats too,
            # as raw counts of their unit (days for [D]): never as numbers
            if any(isinstance(v, (np.datetime64, np.timedelta64)) for v in flat):
                raise TypeError
            values = values.astype(np.float64)
        except (TypeError, ValueError):
            # not all numbers: all dates, or refused (numpy would read a
            # number among dates as nanoseconds since 1970)
            number = next((v for v in flat if isinstance(v, Real)
                           and not isinstance(v, (bool, np.bool_))), None)
            try:
                if number is not None or any(isinstance(v, np.timedelta64)
                                             for v in flat):
                    raise TypeError
                values = values.astype("datetime64[ns]")
            except (TypeError, ValueError):
                date = next((v for v in flat if _is_date(v)
                             and not isinstance(v, Real)), None)
                if number is not None and date is not None:
                    raise TypeError(
                        f"{caller}: the {name} column mixes numbers ({number!r}) "
                        f"and dates ({date!r}); give every time as one kind."
                    ) from None
                raise not_a_time(next((v for v in flat if not _is_date(v)),
                                      flat[0])) from None
    if values.dtype.kind == "M":
        nat = np.isnat(values)
        if nat.any():
            raise missing_at(int(np.flatnonzero(nat.ravel())[0]), value=" (NaT)")
        seconds = values.astype("datetime64[ns]").astype(np.int64) / 1e9
        return seconds, container_zone is not None
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{caller}: the {name} column holds {values.dtype} values; "
                        "timestamps must be numbers or dates.")
    values = values.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(values.ravel()))
    if len(bad):
        raise missing_at(int(bad[0]), "missing or infinite",
                         f" ({values.ravel()[bad[0]]})")
    return values, None


def _is_date(value):
    """Whether numpy reads one value as a date (the culprit of a refused column)."""
    try:
        np.datetime64(value, "ns")
        return not isinstance(value, np.timedelta64)
    except (TypeError, ValueError):
        return False


def column_names(X):
    """A table's column names: a pandas / polars DataFrame's ``columns``, a
    pyarrow Table's ``column_names`` (its ``columns`` are its arrays)."""
    return list(getattr(X, "column_names", X.columns))


def check_time_zone(reference, given, caller, what, of="the training log's times"):
    """Refuse dates with a time zone where the reference had none, or back.

    ``reference`` / ``given``: the ``zoned`` of :func:`to_seconds` for the
    reference times ``of`` (the training log's) and for ``what`` (e.g. "X's
    timestamps"). Numbers (None) go with either: seconds since 1970 UTC.
    """
    if reference is None or given is None or reference == given:
        return
    has, lacks = (what, of) if given else (of, what)
    raise ValueError(
        f"{caller}: dates with a time zone ({has}) and without ({lacks}) cannot "
        "be compared: pandas refuses to, and so does this library. Give both "
        "with a zone or both without (e.g. the local times: "
        "series.dt.tz_localize(None)).")


def _ratings(values, n_rows, caller, name="y"):
    # numpy would read durations (or dates) as counts of their unit
    refuse_time_values(values, name, prefix=f"{caller}: ratings: ")
    values = np.asarray(values)
    if np.iscomplexobj(values):
        raise TypeError(f"{caller}: ratings must be real numbers, got {values.dtype} "
                        f"values such as {values.flat[0]!r}.")
    if values.ndim == 2 and values.shape[1] == 1:
        # a column vector: read as 1-D with scikit-learn's DataConversionWarning,
        # as its regressors do
        values = column_or_1d(values, warn=True)
    if values.ndim != 1:
        raise ValueError(f"{caller}: ratings must be 1-D, got shape {values.shape}.")
    if len(values) != n_rows:
        raise ValueError(f"{caller}: {len(values)} ratings for {n_rows} interactions; "
                         "give one rating per row of X.")
    try:
        values = values.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{caller}: ratings must be numbers, got {values.dtype} "
                        f"values such as {values[0]!r}.") from None
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise ValueError(f"{caller}: the rating of row {int(bad[0])} is "
                         f"{values[bad[0]]}; ratings must be finite numbers.")
    return values


def check_interaction_log(X, y=None, *, columns=("user_id", "item_id", "timestamp"),
                          rating_col="rating", require_time=True,
                          require_rating=True, caller="interaction log"):
    """Check an interaction log and return its columns (:class:`InteractionLog`).

    Parameters
    ----------
    X : array-like of shape (n_interactions, 3) or (n_interactions, 2), or DataFrame
        Rows ``[user, item, timestamp]``; without time (2 columns, or a
        DataFrame without the time column) only where ``require_time`` is False.
    y : array-like of shape (n_interactions,) or None
        Ratings. None: a DataFrame's ``rating_col``, or none at all when
        ``require_rating`` is False.
    columns : tuple of 3 str
        The user, item and time column names of a DataFrame.
    rating_col : str
    require_time, require_rating : bool
    caller : str
        Named in the messages.
    """
    user_col, item_col, time_col = columns
    rating_name = "y"
    if hasattr(X, "columns") and hasattr(X, "__getitem__"):
        names = column_names(X)
        allowed = [user_col, item_col, time_col]
        if y is None and rating_col is not None:
            allowed.append(rating_col)
        unknown = [c for c in names if c not in allowed]
        missing = [c for c in (user_col, item_col) + ((time_col,) if require_time else ())
                   if c not in names]
        if unknown or missing:
            raise ValueError(
                f"{caller}: the DataFrame's columns are {names}; expected "
                f"{allowed[:3] if require_time else allowed[:2]}"
                f"{f' (and {time_col!r}, optional here)' if not require_time else ''}"
                f"{f' (and {rating_col!r} when y is None)' if len(allowed) > 3 else ''}. "
                + (f"Missing: {missing}. " if missing else "")
                + (f"Unknown: {unknown}. " if unknown else "")
                + "Name the columns with user_col, item_col, time_col and "
                "rating_col, or select the columns of the log."
            )
        # np.asarray, not to_numpy(): a pyarrow Array's copies nothing by default
        users, items = np.asarray(X[user_col]), np.asarray(X[item_col])
        times = X[time_col] if time_col in names else None  # read by to_seconds
        if y is None and rating_col in names:
            y = np.asarray(X[rating_col])
            rating_name = f"X[{rating_col!r}]"
        n_rows = len(users)
    else:
        array = np.asarray(X) if not isinstance(X, list) else np.asarray(X, dtype=object)
        widths = (3,) if require_time else (2, 3)
        if array.ndim != 2 or array.shape[1] not in widths:
            raise ValueError(
                f"{caller}: X must be a 2-D array with columns [user, item, "
                f"timestamp]{' (or [user, item])' if not require_time else ''} or a "
                f"DataFrame; got shape {array.shape}."
            )
        users, items = array[:, 0], array[:, 1]
        times = array[:, 2] if array.shape[1] == 3 else None
        n_rows = len(array)
    if n_rows == 0:
        raise ValueError(f"{caller}: the log has no interaction.")
    users = id_array(users, "user id", caller)
    items = id_array(items, "item id", caller)
    zoned = None
    if times is not None:
        times, zoned = to_seconds(times, caller)
    if y is None and require_rating:
        raise ValueError(f"{caller}: no ratings. Pass y, or a DataFrame with a "
                         f"{rating_col!r} column.")
    ratings = None if y is None else _ratings(y, n_rows, caller, rating_name)
    return InteractionLog(users, items, times, ratings, zoned)


def encode_ids(known, values):
    """Codes of ``values`` in the vocabulary ``known`` (index), -1 when unseen."""
    index = {v: i for i, v in enumerate(known.tolist())}
    return np.fromiter((index.get(v, -1) for v in values.tolist()), dtype=np.int64,
                       count=len(values))


def unique_ids(values):
    """The distinct ids, sorted when they are comparable, else in order of appearance."""
    try:
        return np.unique(values)
    except TypeError:
        return np.asarray(list(dict.fromkeys(values.tolist())), dtype=object)


def time_value(value, caller, name):
    """One time given as a parameter (a split time, a recommendation's time):
    its float seconds and ``zoned``, read as :func:`to_seconds` reads a column."""
    if np.ndim(value) != 0:
        raise TypeError(f"{caller}: {name} must be one time (a number or a date); "
                        f"got {value!r}.")
    seconds, zoned = to_seconds(np.asarray([value], dtype=object), caller, name,
                                column=False)
    return float(seconds[0]), zoned
