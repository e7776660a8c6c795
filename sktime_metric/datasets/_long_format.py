"""Readers of the user's own files: a long-format CSV table and an ``.npz`` archive.

The long format has one row per series and time step::

    series_id,time,acc_x,acc_y,label
    walk_01,0,0.12,0.98,walk
    walk_01,1,0.15,0.97,walk
    run_07,0,0.50,0.31,run
    ...

:func:`load_csv` turns it into the project's data format, ``(n, T, d)`` float64
arrays NaN-padded at the end, with the stdlib :mod:`csv` module and numpy (no
pandas needed); :func:`~sktime_metric.datasets.from_long_format` reads the
same table from a DataFrame with the helpers below. :func:`load_npz` reads
arrays saved with :func:`numpy.savez`.
"""

import csv
import math
import re
from numbers import Number
from pathlib import Path

import numpy as np

from ..utils._sklearn_compat import validate_params
from ..utils._time import has_time_zone, iso_nanoseconds

__all__ = ["load_csv", "load_npz"]

#: Channel cells read as bools, as pandas' read_csv reads them (to_csv writes
#: True / False)
_BOOLS = {"true": 1.0, "false": 0.0}

#: Cells read as a missing value (besides any cell that parses to NaN or inf).
_MISSING = frozenset({"", "?", "na", "n/a", "nan", "null", "none"})


def _header(reader, path, delimiter):
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ValueError(f"{path}: the file is empty; expected a header row.") from None
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ValueError(f"{path}: column(s) {duplicated} appear more than once in the "
                         "header row.")
    if len(header) == 1 and any(sep in header[0] for sep in ",;\t" if sep != delimiter):
        raise ValueError(f"{path}: the header row {header[0]!r} has one column; is the "
                         "file separated by something else than "
                         f"{delimiter!r}? Pass delimiter=... (--delimiter on the "
                         "command line).")
    return header


def _column(header, name, role, path, hint=""):
    if name not in header:
        raise ValueError(f"{path}: no column {name!r} ({role}); the header row has "
                         f"{header}.{hint}")
    return header.index(name)


# a duration as pandas writes a Timedelta: "0 days 00:00:02", "2 days" (whole
# days), "0 days 00:00:00.500000"; a negative one as "-1 days +23:59:58" (-2 s)
_DURATION = re.compile(r"^(-?\d+) days?"
                       r"(?: \+?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?$")


def _duration_nanoseconds(text):
    """Nanoseconds of a duration in pandas' text of a ``Timedelta``, exact."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(text)
    days, hours, minutes, seconds, fraction = match.groups()
    clock = (int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds or 0)
    return (int(days) * 86400 + clock) * 10**9 + int((fraction or "").ljust(9, "0"))


def _layout(header, series_column, time_column, label_column, channel_columns, source):
    """Positions of the series, time and label columns, and the channels'
    names and positions (every other column unless ``channel_columns``)."""
    s_col = _column(header, series_column, "series_column", source)
    t_col = (None if time_column is None
             else _column(header, time_column, "time_column", source,
                          " Rows in time order without a time column: pass "
                          "time_column=None (each series' rows in the order they "
                          "come)."))
    l_col = (None if label_column is None
             else _column(header, label_column, "label_column", source))
    taken = {series_column, time_column, label_column} - {None}
    if channel_columns is None:
        channels = [name for name in header if name not in taken]
        # pandas' to_csv writes its index in a column without a name, which
        # read_csv calls "Unnamed: 0": taken as a channel, the row numbers
        # would be data (a column the caller named is theirs)
        unnamed = [i for i, name in enumerate(header) if name not in taken and (
            name == "" or str(name).startswith("Unnamed: "))]
        if (isinstance(source, Path) and unnamed == [len(header) - 1]
                and header[-1] == ""):
            # a file's (a frame's source is a name), and not pandas' index,
            # which comes first: a delimiter at the end of each line, as some
            # spreadsheet exports write
            raise ValueError(
                f"{source}: the last column has no name ({list(header)}): does "
                "each line end with the delimiter? Remove it, or name the "
                "channels with channel_columns=[...].")
        if unnamed:
            name = header[unnamed[0]]
            raise ValueError(
                f"{source}: column {unnamed[0]} ({name!r}) has no name of its "
                f"own among {list(header)}: pandas' to_csv writes a frame's index "
                "there unless index=False (read_csv then calls it 'Unnamed: 0'). "
                "Name the channels with channel_columns=[...], or drop that "
                "column (read_csv(..., index_col=0), or write without the index).")
    else:
        if isinstance(channel_columns, str):
            channel_columns = [channel_columns]
        channels = list(channel_columns)
        twice = sorted({str(n) for n in channels if channels.count(n) > 1})
        if twice:
            raise ValueError(f"channel_columns names {twice} more than once.")
        clash = [name for name in channels if name in taken]
        if clash:
            raise ValueError(f"channel_columns {clash} are also the series, time "
                             "or label column.")
        for name in channels:
            _column(header, name, "channel_columns", source)
    if not channels:
        raise ValueError(f"{source}: no channel column; the header row has only "
                         f"{header}.")
    return s_col, t_col, l_col, channels, [header.index(name) for name in channels]


def _add_label(entry, label, line, sid, source, unit="line"):
    """Record a row's label on its series' entry: one label per series."""
    if entry["label"] is None:
        entry["label"] = (label, line)
    elif entry["label"][0] != label:
        first, first_line = entry["label"]
        raise ValueError(
            f"{source}: series {sid!r} changes label: {first!r} on {unit} "
            f"{first_line}, {label!r} on {unit} {line}. A series has one label.")


def _padded(series, n_channels, source, unit="line"):
    """``X, y, ids`` of the rows gathered per series: each sorted by time (two
    rows at one time refused), NaN-padded at the end; ``y`` None without labels.

    ``series``: id -> ``{"rows": [(time, line, time_text, values)], "label":
    (label, line) or None}``, in the order of each series' first row.
    """
    n_timestamps = max(len(entry["rows"]) for entry in series.values())
    X = np.full((len(series), n_timestamps, n_channels), np.nan)
    for i, (sid, entry) in enumerate(series.items()):
        rows = sorted(entry["rows"], key=lambda r: r[0])  # stable: file order on ties
        for previous, current in zip(rows, rows[1:]):
            if previous[0] == current[0]:
                raise ValueError(
                    f"{source}: series {sid!r} has two rows at time {current[2]} "
                    f"({unit}s {previous[1]} and {current[1]}); a time step has one "
                    "row.")
        X[i, : len(rows)] = [values for *_, values in rows]
    labelled = next(iter(series.values()))["label"] is not None
    y = None
    if labelled:
        labels = [entry["label"][0] for entry in series.values()]
        # numbers beside texts (1 and "r") stay as they are: numpy would make
        # them all text, and scikit-learn refuses such a mix, as it should
        kinds = {str if isinstance(label, str) else  # numpy's bool is no Number
                 Number if isinstance(label, (Number, np.generic)) else object
                 for label in labels}
        y = np.array(labels, dtype=object if len(kinds) > 1 else None)
    return X, y, list(series)


def _number(text):
    """A number time cell's sort key: an ``int`` when the text is an integer,
    exact at any size (a float would tie times beyond 2**53, e.g. nanosecond
    stamps), else a ``float``; Python compares the two exactly."""
    try:
        return int(text)
    except ValueError:
        return float(text)


def _time_parser(first, path, line, unit="line"):
    """A parser of the time cells, chosen by the first data row: number or date."""
    try:
        _number(first)
    except ValueError:
        pass
    else:
        return _number, "a number"
    try:
        _duration_nanoseconds(first)
    except ValueError:
        pass
    else:
        return _duration_nanoseconds, "a duration as pandas writes it (0 days 00:00:02)"
    try:
        iso_nanoseconds(first)
    except ValueError:
        raise ValueError(
            f"{path}: {unit} {line}: time {first!r} is neither a number, an ISO 8601 "
            "date/time (e.g. 2024-05-01T12:30:00 or 2024-05-01 12:30:00+02:00) "
            "nor a duration as pandas writes it (e.g. 0 days 00:00:02)."
        ) from None
    # every row with a UTC offset, or none: a local time beside instants has
    # no instant of its own (pandas refuses to compare the two)
    zoned = has_time_zone(first)

    def parse(text):
        if has_time_zone(text) != zoned:
            raise ValueError(text)
        return iso_nanoseconds(text)

    return parse, ("an ISO 8601 date/time with a UTC offset" if zoned else
                   "an ISO 8601 date/time without a UTC offset")


def _bad_value(path, line, column, sid, time_text, cell, unit="line"):
    """The message for a channel cell that is no finite number (``unit``: what
    ``line`` counts, a file's lines or a frame's rows)."""
    where = (f"{path}: {unit} {line}, column {column!r}: series {sid!r} at time "
             f"{time_text}")
    if cell.lower() in _MISSING or cell.lower().lstrip("+-") in ("nan", "inf",
                                                               "infinity"):
        return (f"{where} has a missing or infinite value ({cell!r}). The data format "
                "holds no gaps inside a series (NaN only pads the end): fill or drop "
                "such values before loading.")
    if _DECIMAL_COMMA.match(cell):
        return (f"{where}: {cell!r} is not a number: numbers are read with a "
                "decimal point (0.5), not a decimal comma. Export the file with a "
                "decimal point, or replace the commas first.")
    return f"{where}: {cell!r} is not a number."


#: A number written with a decimal comma (a European spreadsheet's export):
#: "0,176", "-1,5e3"; named as such, since "not a number" alone puzzles
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")


def _not_utf8(path):
    """The message for a file that is not UTF-8 text, naming its first such
    line: the decoder's own error names a position in its buffer, not the
    file (the usual cause: a spreadsheet's export in the system's code page,
    or Excel's "Unicode text", UTF-16)."""
    data = path.read_bytes()
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = (f"line {number} is not UTF-8 text (its byte {exc.start + 1} "
                     f"is 0x{raw[exc.start]:02x})")
            break
    else:  # not met again line by line: said without a line
        where = "it is not UTF-8 text"
    utf16 = (" (it starts with UTF-16's byte-order mark)"
             if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "")
    return (f"{path}: {where}{utf16}. CSV files are read as UTF-8: save it as "
            "UTF-8 (Excel: 'CSV UTF-8'; pandas: to_csv(..., encoding='utf-8')).")


@validate_params({"return_series_ids": ["boolean"]}, prefer_skip_nested_validation=True)
def load_csv(path, *, series_column="series_id", time_column="time",
             label_column=None, channel_columns=None, delimiter=",",
             return_series_ids=False):
    """Read a long-format CSV table: one row per series and time step.

    Each row holds a series identifier, a time stamp, the channel values at
    that time and, optionally, the series' label. Series come out in the order
    of their first row; within a series, rows are sorted by time (they need not
    be contiguous or ordered in the file). Shorter series are NaN-padded at the
    end, the project's data format (:ref:`data_format`). Channel cells are
    numbers, or ``True`` / ``False`` (any case, what pandas writes for a bool
    column) read as 1 / 0, as :func:`from_long_format` reads bools.

    Missing values are refused, not imputed: an empty cell, ``?``, ``NA``,
    ``NaN``, ``null`` or an infinite value in a channel raises a ``ValueError``
    naming the series, the time and the column, since the data format has no
    way to hold a gap inside a series (NaN marks the padding after its end).
    Fill or drop such values before loading (e.g. with pandas' ``interpolate``).

    Time stamps only order the rows; their spacing is not used, so an
    irregularly sampled series is read as if it were regular: resample it
    first if the gaps matter.

    Parameters
    ----------
    path : str or path-like
        The CSV file, with a header row naming the columns.
    series_column : str, default="series_id"
        Column identifying the series a row belongs to (any text).
    time_column : str or None, default="time"
        Column of time stamps: numbers, ISO 8601 dates/times, with or
        without a UTC offset such as ``+02:00`` or ``Z`` (rows then order by
        their instant), or durations as pandas writes a ``Timedelta``
        (``0 days 00:00:02``), as chosen by the first data row; every row
        must then use the same form (a UTC offset in every row, or in none).
        Two rows of one series may not have the same time. None takes the
        rows of each series in file order.
    label_column : str or None, default=None
        Column of the series' class label, constant within a series. None:
        the file has no labels (``y`` is None) and every other column is a
        channel.
    channel_columns : list of str or None, default=None
        Columns holding the channel values, in this order; None takes every
        column but the series, time and label columns, in file order.
    delimiter : str, default=","
        Field separator, e.g. ``"\\t"`` or ``";"``.
    return_series_ids : bool, default=False
        Also return the series identifiers, in the order of ``X``.

    Returns
    -------
    X : ndarray of shape (n_series, n_timestamps, n_channels), dtype float64
        NaN-padded at the end.
    y : ndarray of shape (n_series,) of str, or None
        The labels as the file writes them (strings); None without
        ``label_column``.
    series_ids : list of str
        Only with ``return_series_ids``.

    Raises
    ------
    ValueError
        Naming the file's line, series and column: a missing column, a row with
        the wrong number of fields, a non-numeric or missing channel value, an
        unreadable or repeated time stamp within a series, a label that changes
        within a series or is empty, a line that is not UTF-8 text (the
        encoding read; a byte-order mark is skipped).

    See Also
    --------
    from_long_format : The same table as a pandas DataFrame in memory.
    load_npz : Arrays saved with :func:`numpy.savez`.
    load_ts_file : The UCR/UEA archive's ``.ts`` files.

    Examples
    --------
    >>> import os, tempfile
    >>> from sktime_metric.datasets import load_csv
    >>> text = ("series_id,time,x,y,label\\n"
    ...         "a,0,1.0,10,walk\\n"
    ...         "b,0,5.0,50,run\\n"
    ...         "a,2,3.0,30,walk\\n"
    ...         "a,1,2.0,20,walk\\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "steps.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write(text)
    ...     X, y, ids = load_csv(path, label_column="label", return_series_ids=True)
    >>> X.shape, y.tolist(), ids
    ((2, 3, 2), ['walk', 'run'], ['a', 'b'])
    >>> X[:, :, 0]
    array([[ 1.,  2.,  3.],
           [ 5., nan, nan]])
    """
    path = Path(path).expanduser()
    try:
        series, channels = _read_long_csv(path, series_column, time_column,
                                          label_column, channel_columns, delimiter)
    except UnicodeDecodeError:
        raise ValueError(_not_utf8(path)) from None
    if not series:
        raise ValueError(f"{path}: no data row below the header.")
    X, y, ids = _padded(series, len(channels), path)
    return (X, y, ids) if return_series_ids else (X, y)


def _read_long_csv(path, series_column, time_column, label_column, channel_columns,
                   delimiter):
    """The rows of :func:`load_csv`'s file gathered per series (as
    :func:`_padded` takes them), and the channels' names."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = _header(reader, path, delimiter)
        s_col, t_col, l_col, channels, c_cols = _layout(
            header, series_column, time_column, label_column, channel_columns, path)

        series = {}  # id -> {"rows": [(time, line, values)], "label": (label, line)}
        parse_time = None
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue  # blank line
            if len(row) != len(header):
                raise ValueError(f"{path}: line {line} has {len(row)} fields; the "
                                 f"header row has {len(header)}.")
            sid = row[s_col].strip()
            if not sid:
                raise ValueError(f"{path}: line {line}: empty {series_column!r} (the "
                                 "series identifier).")
            entry = series.setdefault(sid, {"rows": [], "label": None})
            if t_col is None:
                time_text, time = str(len(entry["rows"])), len(entry["rows"])
            else:
                time_text = row[t_col].strip()
                if parse_time is None:
                    parse_time, form = _time_parser(time_text, path, line)
                try:
                    time = parse_time(time_text)
                except ValueError:
                    raise ValueError(
                        f"{path}: line {line} (series {sid!r}): time {time_text!r} in "
                        f"column {time_column!r} is not {form}, as the first row's is."
                    ) from None
                if isinstance(time, float) and not math.isfinite(time):
                    raise ValueError(f"{path}: line {line} (series {sid!r}): the time "
                                     f"{time_text!r} is not a finite number.")
            values = []
            for name, c in zip(channels, c_cols):
                cell = row[c].strip()
                try:
                    value = float(cell)
                except ValueError:
                    # a bool channel as pandas writes (and reads) it: 1 / 0,
                    # as from_long_format reads the frame's bools
                    value = _BOOLS.get(cell.lower())
                if value is None or not math.isfinite(value):
                    raise ValueError(_bad_value(path, line, name, sid, time_text, cell))
                values.append(value)
            entry["rows"].append((time, line, time_text, values))
            if l_col is not None:
                label = row[l_col].strip()
                if not label:
                    raise ValueError(f"{path}: line {line} (series {sid!r}): empty label "
                                     f"in column {label_column!r}.")
                _add_label(entry, label, line, sid, path)
    return series, channels


def load_npz(path):
    """Read series and labels saved with :func:`numpy.savez`: arrays ``X`` and ``y``.

    The archive is read with ``allow_pickle=False``: it can hold numbers and
    strings, not Python objects, so loading it runs no code.

    Parameters
    ----------
    path : str or path-like
        An ``.npz`` file holding ``X``, an ``(n, T, d)`` numeric array
        NaN-padded at the end (or ``(n, T)`` for univariate series), and
        optionally ``y``, ``n`` labels (numbers or strings).

    Returns
    -------
    X : ndarray of shape (n_series, n_timestamps, n_channels), dtype float64
    y : ndarray of shape (n_series,), or None
        None if the archive has no ``y``.

    Raises
    ------
    ValueError
        If ``X`` is missing, not numeric or not 2-D/3-D, an array is an object
        array (it would need pickle), or ``y`` does not have one label per
        series.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sktime_metric.datasets import load_npz
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "data.npz")
    ...     np.savez(path, X=np.zeros((4, 10, 2)), y=np.array(["a", "b", "a", "b"]))
    ...     X, y = load_npz(path)
    >>> X.shape, y.tolist()
    ((4, 10, 2), ['a', 'b', 'a', 'b'])
    """
    path = Path(path).expanduser()
    with np.load(path, allow_pickle=False) as archive:
        if "X" not in archive.files:
            raise ValueError(f"{path}: no array 'X' (it has {archive.files}); save the "
                             "series as X (and the labels as y).")
        arrays = {}
        for key in ("X", "y"):
            if key not in archive.files:
                continue
            try:
                arrays[key] = archive[key]
            except ValueError:
                raise ValueError(
                    f"{path}: array {key!r} is an object array, which only loads with "
                    "pickle (refused here). Save X as a NaN-padded float array and y "
                    "as numbers or strings.") from None
    X, y = arrays["X"], arrays.get("y")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{path}: X has dtype {X.dtype}; it must be numeric.")
    if X.ndim == 2:
        X = X[:, :, np.newaxis]
    if X.ndim != 3:
        raise ValueError(f"{path}: X has shape {X.shape}; expected (n_series, "
                         "n_timestamps, n_channels), NaN-padded at the end.")
    X = X.astype(np.float64)
    if y is not None and (y.ndim != 1 or len(y) != len(X)):
        raise ValueError(f"{path}: y has shape {y.shape}; expected ({len(X)},), one "
                         "label per series of X.")
    return X, y
