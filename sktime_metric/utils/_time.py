"""Dates with and without a time zone: one reading for every time column.

A date with a time zone (or a UTC offset) is an instant; one without is a
wall-clock reading whose instant nobody knows. pandas refuses to compare the
two, and so does this library: ``load_csv`` and ``from_long_format`` (a time
column of one kind), ``RoutineClusterer`` (local days: no zones at all) and
the interaction logs of the recommenders (the training log's kind at every
later query) all tell them apart with :func:`has_time_zone`, and read an ISO
text's offset with :func:`iso_nanoseconds` rather than through numpy, whose
reading of offsets is deprecated and warns.
"""

import datetime
import re

import numpy as np

__all__ = ["ISO_DATE", "UTC_OFFSET", "container_time_zone", "date_columns",
           "has_time_zone", "iso_nanoseconds", "refuse_time_columns",
           "refuse_time_values", "time_columns", "zoned_seconds"]

# an ISO 8601 date at the start of a text
ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")

# a date and time, then an ISO 8601 UTC offset: Z, +01:00, -0530 or +01
# (or +00:09:21, which pandas writes for the local mean times of old dates),
# maybe after a space (a time is required before it: the "-01" of the date
# 2024-05-01 is no offset)
UTC_OFFSET = re.compile(r"^(.*[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?)"
                        r"\s*(Z|[+-]\d{2}(?::?\d{2}){0,2})$")


def has_time_zone(value):
    """Whether one time value carries a zone: a ``datetime`` or pandas
    ``Timestamp`` with one, or an ISO 8601 text ending in a UTC offset.
    Numbers, ``datetime64`` values, naive dates and anything else: False."""
    if isinstance(value, str):
        return UTC_OFFSET.match(value.strip()) is not None
    utcoffset = getattr(value, "utcoffset", None)
    if not callable(utcoffset):  # numbers, datetime.date, numpy's datetime64
        return False
    try:
        return utcoffset() is not None
    except (TypeError, ValueError):  # pandas' NaT is "zoned" as nothing is
        return False


def container_time_zone(values):
    """The time zone a polars Series or pyarrow array keeps on its type, or None.

    numpy reads their zoned times as bare UTC ``datetime64``: the zone is lost
    unless read here first. (pandas hands numpy ``Timestamp`` objects that
    keep theirs, which :func:`has_time_zone` reads.)
    """
    return (getattr(getattr(values, "dtype", None), "time_zone", None)  # polars
            or getattr(getattr(values, "type", None), "tz", None))      # pyarrow


def iso_nanoseconds(text):
    """Nanoseconds since 1970 (UTC) of an ISO 8601 date/time.

    numpy reads the date and time; an offset (which pandas writes for
    time-zone-aware stamps, e.g. ``2024-01-01 00:00:00+01:00``) is subtracted
    here, since numpy's own reading of offsets is deprecated and warns.
    """
    text = text.strip()
    offset = UTC_OFFSET.match(text)
    local = offset.group(1) if offset else text
    # ISO 8601 allows a comma before the fraction of a second; numpy does not
    local = re.sub(r"(\d{2}:\d{2}:\d{2}),(\d+)$", r"\1.\2", local)
    nanoseconds = np.datetime64(local, "ns").astype(np.int64)
    if offset and offset.group(2) != "Z":
        sign = -1 if offset.group(2)[0] == "-" else 1
        digits = offset.group(2)[1:].replace(":", "")
        seconds = (3600 * int(digits[:2]) + 60 * int(digits[2:4] or 0)
                   + int(digits[4:6] or 0))
        nanoseconds -= sign * seconds * 10**9
    return int(nanoseconds)


def zoned_seconds(value):
    """Seconds since 1970-01-01 UTC of one zoned time (see :func:`has_time_zone`)."""
    if isinstance(value, str):
        return iso_nanoseconds(value) / 1e9
    if hasattr(value, "tz_localize") and hasattr(value, "value"):  # Timestamp
        return int(value.value) / 1e9  # nanoseconds since 1970 UTC, exact
    return value.timestamp()  # an aware datetime: its instant


def refuse_time_values(values, name, *, prefix=""):
    """A ``TypeError`` when ``values`` are dates, times or durations.

    Where numbers are expected (regression targets, weights), numpy reads
    ``datetime64`` / ``timedelta64`` values (pandas', polars' and pyarrow's
    too) as counts of their unit: nanoseconds, microseconds or days,
    whichever the container chose. ``name`` is the argument as the hint's
    code writes it; ``prefix`` opens the message (e.g. the caller's name).
    """
    if values is None or np.isscalar(values):
        return
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError):
        return  # the caller's own conversion names what is wrong
    if arr.dtype.kind in "mM":
        sample = arr.dtype
    elif arr.dtype == object:
        sample = next((v for v in arr.flat if isinstance(
            v, (datetime.date, datetime.time, datetime.timedelta,
                np.datetime64, np.timedelta64))), None)
        if sample is None:
            return
        sample = type(sample).__name__
    else:
        return
    durations = (arr.dtype.kind == "m" or sample in ("timedelta", "Timedelta",
                                                     "timedelta64"))
    times_of_day = sample == "time"  # datetime.time (polars' Time too)
    what = ("durations" if durations else "times of day" if times_of_day
            else "dates or times")
    if durations:
        how = (f"{name} / pd.Timedelta('1D') for days, or {name} / "
               "np.timedelta64(1, 's') for seconds")
    elif times_of_day:
        how = "the seconds since midnight, hour * 3600 + minute * 60 + second"
    else:
        how = (f"the days since a reference, ({name} - reference) / "
               "pd.Timedelta('1D'), with a reference of the same kind (in "
               f"the same time zone if {name} has one)")
    unit = (f"read as numbers they would be counts of their unit "
            f"({np.datetime_data(arr.dtype)[0]})" if arr.dtype.kind in "mM"
            else "they are not numbers")
    raise TypeError(
        f"{prefix}{name} holds {what} ({sample}), where numbers are expected: "
        f"{unit}. Convert them in the unit you mean first, e.g. {how}."
    )


def refuse_time_columns(X, name, *, objects=False, prefix=""):
    """A ``TypeError`` naming the columns of dates, times or durations of a
    table ``X`` (a pandas or polars DataFrame) that mixes them with numbers.

    numpy reads such a pandas frame as objects, whose conversion fails with
    "float() argument must be a string or a real number, not 'Timedelta'",
    naming neither the column nor a fix, and a polars frame as numbers (its
    durations as counts of their unit). The message is
    :func:`refuse_time_values`' for the first such column, ``name[column]``.
    A frame of such columns alone is left to the caller, which names it
    whole. ``objects``: look into the values of object columns too (one by
    one: for when their conversion failed); else the dtypes alone decide.
    Other containers are returned from without a check. ``prefix`` opens
    the message, as :func:`refuse_time_values`' does (a sample of a list:
    "X's sample 1: X[1]['gap'] holds durations").
    """
    found, n_columns = time_columns(X, name, objects=objects)
    if not found or len(found) == n_columns:
        return
    if len(found) == 1:
        raise TypeError(f"{prefix}{found[0][1]}")
    names = ", ".join(repr(column) for column, _ in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise TypeError(f"{prefix}{name} has {len(found)} columns of dates, times or "
                    f"durations ({names}{more}): {found[0][1]}")


def time_columns(X, name, *, objects=False):
    """The columns of dates, times or durations of a table ``X``.

    ``X``: a pandas or polars DataFrame (anything else has no columns here);
    ``objects``: as :func:`refuse_time_columns`'.

    Returns
    -------
    found : list of (column, TypeError)
        Each such column and :func:`refuse_time_values`' refusal of it,
        ``name[column]``.
    n_columns : int
        The columns of ``X``, 0 when it is no table.
    """
    columns, dtypes = getattr(X, "columns", None), getattr(X, "dtypes", None)
    if columns is None or dtypes is None:
        return [], 0
    try:
        pairs = list(zip(list(columns), list(dtypes), strict=True))
    except (TypeError, ValueError):  # not a frame of one dtype per column
        return [], 0
    found = []
    for column, dtype in pairs:
        kind = getattr(dtype, "kind", None)
        temporal = getattr(dtype, "is_temporal", None)  # polars' dtypes
        if kind in ("m", "M") or (objects and kind == "O") or (
                callable(temporal) and temporal()):
            try:
                refuse_time_values(X[column], f"{name}[{column!r}]")
            except TypeError as exc:
                found.append((column, exc))
    return found, len(pairs)


def date_columns(X, name):
    """The columns of a table ``X`` that hold dates or date-times: a
    ``datetime64`` column, one of ``datetime.date`` / ``datetime64`` objects,
    or one of texts whose first is an ISO 8601 date ("2024-03-01 08:17:00").
    Not durations, nor times of day. numpy reads a pandas column of dates as
    objects (``float()`` of a ``Timestamp`` names no column) and a polars one
    as numbers; ``name``: the table's, as :func:`time_columns` takes it.

    Returns
    -------
    columns : list
        In the table's order; empty when ``X`` is no table.
    """
    from ._labels import _is_missing

    def first(column):
        return next((v for v in np.asarray(X[column]).ravel()
                     if not _is_missing(v)), None)

    def dates(column):
        kind = np.asarray(X[column]).dtype.kind
        if kind in "mM":
            return kind == "M"
        return isinstance(first(column), (datetime.date, np.datetime64))

    found = [column for column, _ in time_columns(X, name, objects=True)[0]
             if dates(column)]
    columns, dtypes = getattr(X, "columns", None), getattr(X, "dtypes", None)
    if columns is None or dtypes is None:
        return found
    for column, dtype in zip(list(columns), list(dtypes)):
        text = getattr(dtype, "kind", None) in ("O", "U", "S") or str(dtype) in (
            "String", "Utf8")  # polars' text dtypes have no kind
        if (text and column not in found and isinstance(first(column), str)
                and ISO_DATE.match(first(column))):
            found.append(column)
    return found
