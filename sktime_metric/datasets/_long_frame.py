"""A long-format pandas DataFrame in memory, read as :func:`load_csv` reads a file.

A frame passed to an estimator as it is would be read as tslearn reads 2-D
data, one univariate series per *row*: every time step a series of its own.
:func:`from_long_format` groups the rows by series instead, with the checks and
the messages of :func:`~sktime_metric.datasets.load_csv` (a row is named by its
position in the frame where the file names its line).
"""

import datetime
import math

import numpy as np

from ..utils._labels import _is_missing
from ..utils._sklearn_compat import validate_params
from ..utils._time import has_time_zone, iso_nanoseconds
from ._long_format import (
    _add_label,
    _bad_value,
    _duration_nanoseconds,
    _layout,
    _number,
    _padded,
    _time_parser,
)

__all__ = ["from_long_format"]

_SOURCE = "from_long_format"


_ZONED = "date with a time zone"


def _time_key(value, position, sid, kind):
    """A sortable key of one time cell, and its kind: a number, a date's
    nanoseconds since 1970 (UTC when it has a time zone), a duration's
    nanoseconds, or a text read as a number, an ISO 8601 date/time or a
    duration as pandas writes a ``Timedelta``.
    ``kind``: the first row's, which every row must share; a date with a time
    zone (or UTC offset) and one without are two kinds, as pandas refuses to
    compare them."""
    where = f"{_SOURCE}: row {position} (series {sid!r})"
    if _is_missing(value):
        raise ValueError(f"{where} has a missing time; every row needs one.")
    if isinstance(value, str):
        parse, form = _time_parser(value, _SOURCE, position, unit="row")
        key = parse(value)
        found = ("number" if parse is _number else
                 "duration" if parse is _duration_nanoseconds else
                 _ZONED if has_time_zone(value) else "date")
    elif hasattr(value, "tz_localize") and hasattr(value, "value"):  # Timestamp
        key, found = int(value.value), _ZONED if has_time_zone(value) else "date"
    elif isinstance(value, np.datetime64):
        key, found = int(value.astype("datetime64[ns]").astype(np.int64)), "date"
    elif isinstance(value, datetime.datetime) and has_time_zone(value):
        # exact, whatever the offset (numpy reads none with seconds in it)
        since = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        key, found = since // datetime.timedelta(microseconds=1) * 1000, _ZONED
    elif isinstance(value, (datetime.date, datetime.datetime)):
        key, found = iso_nanoseconds(value.isoformat()), "date"
    elif isinstance(value, (datetime.timedelta, np.timedelta64)) or (
            hasattr(value, "total_seconds") and hasattr(value, "value")):  # Timedelta
        # numpy reads a pandas Timedelta as a datetime.timedelta, in whole
        # microseconds: its own to_timedelta64 keeps the nanoseconds
        exact = value.to_timedelta64() if hasattr(value, "to_timedelta64") else value
        key, found = int(np.timedelta64(exact, "ns").astype(np.int64)), "duration"
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool,
                                                                      np.bool_)):
        key, found = int(value), "number"  # exact beyond 2**53, as in load_csv
    elif isinstance(value, (float, np.floating)):
        key, found = float(value), "number"
    else:
        raise ValueError(f"{where}: the time {value!r} is neither a number, a date "
                         "nor a duration.")
    if isinstance(key, float) and not math.isfinite(key):  # ints are finite
        raise ValueError(f"{where}: the time {value!r} is not a finite number.")
    if kind is not None and found != kind:
        raise ValueError(f"{where}: the time {value!r} is a {found}, the first row's a "
                         f"{kind}; every row's time must be of one kind.")
    return key, found


@validate_params({"return_series_ids": ["boolean"]}, prefer_skip_nested_validation=True)
def from_long_format(frame, *, series_column="series_id", time_column="time",
                     label_column=None, channel_columns=None, return_series_ids=False):
    """Read a long-format DataFrame: one row per series and time step.

    The in-memory counterpart of :func:`load_csv`, with its parameters,
    result and checks: series come out in the order of their first row, each
    sorted by time (numbers, dates, durations, or ISO 8601 texts), shorter
    ones NaN-padded at the end; a missing or non-numeric channel value, a
    missing or empty series id or label, a label that changes within a series
    and two rows at one time are refused with the row's position (0-based, in
    the frame's order), its series and column. Cells are read as typed, not
    as text: text ids and labels are stripped as a CSV's are, other labels
    keep their type, and bool channels read as 0 / 1.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per series and time step (a polars DataFrame or a pyarrow
        Table is read through its ``to_pandas()``).
    series_column : str, default="series_id"
        Column identifying the series a row belongs to.
    time_column : str or None, default="time"
        Column ordering each series' rows: numbers, datetimes (time zones
        allowed: rows order by their instant), durations (e.g. elapsed
        ``Timedelta``, or pandas' text of one, ``0 days 00:00:02``) or ISO
        8601 texts, one kind in all rows (a time zone or UTC offset in every
        row, or in none). None takes the rows of each series in the frame's
        order.
    label_column : str or None, default=None
        Column of the series' class label, constant within a series. None:
        ``y`` is None.
    channel_columns : list of str or None, default=None
        The channel columns, in this order; None takes every column but the
        series, time and label columns (name them when other columns, such
        as a subject, are present).
    return_series_ids : bool, default=False
        Also return the series identifiers, in the order of ``X``.

    Returns
    -------
    X : ndarray of shape (n_series, n_timestamps, n_channels), dtype float64
        NaN-padded at the end.
    y : ndarray of shape (n_series,) or None
        Each series' label, as the frame holds it.
    series_ids : list
        Only with ``return_series_ids``.

    See Also
    --------
    load_csv : The same table in a CSV file.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktime_metric.datasets import from_long_format
    >>> frame = pd.DataFrame({"series_id": ["a", "b", "a", "a"],
    ...                       "time": [0, 0, 2, 1], "x": [1.0, 5.0, 3.0, 2.0],
    ...                       "subject": ["s1", "s2", "s1", "s1"],
    ...                       "label": ["walk", "run", "walk", "walk"]})
    >>> X, y, ids = from_long_format(frame, label_column="label",
    ...                              channel_columns=["x"], return_series_ids=True)
    >>> X[:, :, 0], y.tolist(), ids
    (array([[ 1.,  2.,  3.],
           [ 5., nan, nan]]), ['walk', 'run'], ['a', 'b'])
    """
    if not hasattr(frame, "itertuples") and hasattr(frame, "to_pandas"):
        frame = frame.to_pandas()  # polars, a pyarrow Table: as pandas reads them
    if not (hasattr(frame, "columns") and hasattr(frame, "itertuples")):
        raise TypeError(f"{_SOURCE} takes a pandas DataFrame; got "
                        f"{type(frame).__name__}. For a CSV file, use load_csv.")
    header = list(frame.columns)
    if len(set(header)) != len(header):
        duplicated = sorted({str(n) for n in header if header.count(n) > 1})
        raise ValueError(f"{_SOURCE}: column(s) {duplicated} appear more than once.")
    # set_index("series_id"), groupby().apply() and sktime's pd-multiindex
    # put the ids and times in the index: "no column" alone sent the caller
    # looking for a column that is there, one level down
    levels = [name for name in getattr(frame.index, "names", ()) if name is not None]
    in_index = [name for name in (series_column, time_column, label_column)
                if name is not None and name not in header and name in levels]
    if in_index:
        raise ValueError(f"{_SOURCE}: {in_index[0]!r} is a level of the frame's "
                         f"index (levels {levels}), not one of its columns "
                         f"{header}: pass frame.reset_index().")
    s_col, t_col, l_col, channels, c_cols = _layout(
        header, series_column, time_column, label_column, channel_columns, _SOURCE)
    if len(frame) == 0:
        raise ValueError(f"{_SOURCE}: the frame has no rows.")
    series = {}  # id -> {"rows": [(time, row, time_text, values)], "label": ...}
    kind = None  # of the time cells: "number" or "date", set by the first row
    for position, row in enumerate(frame.itertuples(index=False, name=None)):
        sid = row[s_col]
        if isinstance(sid, str):  # as a CSV cell is read
            sid = sid.strip()
        if _is_missing(sid) or sid == "":
            raise ValueError(f"{_SOURCE}: row {position} has a missing or empty "
                             f"{series_column!r} (the series identifier).")
        entry = series.setdefault(sid, {"rows": [], "label": None})
        if t_col is None:
            time = time_text = len(entry["rows"])
        else:
            time_text = row[t_col]
            time, kind = _time_key(time_text, position, sid, kind)
        values = []
        for name, c in zip(channels, c_cols):
            cell = row[c]
            try:
                value = None if _is_missing(cell) else float(cell)
            except (TypeError, ValueError):
                value = None
            if value is None or not math.isfinite(value):
                raise ValueError(_bad_value(_SOURCE, position, name, sid, time_text,
                                            "NaN" if _is_missing(cell) else str(cell),
                                            unit="row"))
            values.append(value)
        entry["rows"].append((time, position, time_text, values))
        if l_col is not None:
            label = row[l_col]
            if isinstance(label, str):
                label = label.strip()
            if _is_missing(label) or label == "":
                raise ValueError(f"{_SOURCE}: row {position} (series {sid!r}): "
                                 f"missing or empty label in column "
                                 f"{label_column!r}.")
            _add_label(entry, label, position, sid, _SOURCE, unit="row")
    X, y, ids = _padded(series, len(channels), _SOURCE, unit="row")
    return (X, y, ids) if return_series_ids else (X, y)
