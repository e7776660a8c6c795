"""Multi-day activity recordings: the Actiwatch ``.AWD`` format, and real ones.

The ``pyActigraphy`` wheel (GPL-3.0) ships, for its own tests, five anonymised
Actiwatch-4 recordings of 12.8 to 21.7 days at one activity count per minute
(``pyActigraphy/tests/data/example_0[1-5].AWD``). They are read from the
installed package at run time: never copied into this repository (our licence
is BSD), and the package's code is never imported (it would pull pandas, plotly
and more), hence the ``--no-deps`` install.
"""

from numbers import Real
from pathlib import Path

import numpy as np

from ..utils._sklearn_compat import Interval, validate_params
from ._package_data import installed_data

__all__ = ["load_actigraphy_examples", "read_awd"]

#: The one command that installs the recordings (data files only are read).
PYACTIGRAPHY_INSTALL = "pip install --no-deps pyActigraphy==1.2.2"

# Epoch-length codes of the AWD header's 4th line (pyActigraphy's RawAWD table).
_EPOCH_SECONDS = {"1": 15, "2": 30, "4": 60, "8": 120, "20": 300, "81": 2, "C1": 5,
                  "C2": 10}
_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
     "Dec"], 1)}


def _start_time(date, time, path):
    """``numpy.datetime64`` of the header's ``23-Jan-1918`` and ``13:58``."""
    try:
        day, month, year = date.strip().split("-")
        hours, minutes = time.strip().split(":")
        return np.datetime64(
            f"{int(year):04d}-{_MONTHS[month]:02d}-{int(day):02d}T"
            f"{int(hours):02d}:{int(minutes):02d}", "s")
    except (KeyError, ValueError):
        raise ValueError(
            f"{path}: header lines 2-3 must be a start date like 23-Jan-1918 and a "
            f"time like 13:58; got {date.strip()!r} and {time.strip()!r}."
        ) from None


def _mark_nonwear(counts, min_steps):
    """NaN over every run of at least ``min_steps`` consecutive zero counts."""
    zero = np.concatenate([[False], counts == 0, [False]])
    edges = np.flatnonzero(np.diff(zero.astype(np.int8)))
    counts = counts.astype(np.float64)
    for start, stop in zip(edges[::2], edges[1::2]):
        if stop - start >= min_steps:
            counts[start:stop] = np.nan
    return counts


_NONWEAR = {"nonwear_minutes": [Interval(Real, 0, None, closed="neither"), None]}


@validate_params(_NONWEAR, prefer_skip_nested_validation=True)
def read_awd(path, *, nonwear_minutes=None):
    """Read an Actiwatch ``.AWD`` recording: activity counts and their times.

    The format: 7 header lines (name, start date, start time, epoch-length
    code, age, device serial, sex), then one line per epoch holding the
    activity count, optionally followed by ``M`` (an event-marker press, kept
    out of the counts).

    Parameters
    ----------
    path : str or path-like
    nonwear_minutes : float or None, default=None
        Non-wear policy. None: every count is returned as recorded. A positive
        number: every run of at least this many minutes of zero counts is
        taken as the watch lying off the wrist and becomes NaN (missing), so that
        :class:`~sktime_metric.cluster.RoutineClusterer` drops (or, with
        ``min_coverage < 1``, interpolates over) the windows it touches; 120 is
        a common choice (sleep rarely gives two hours of exact zeros). Nothing
        is imputed here.

    Returns
    -------
    counts : ndarray of shape (n_epochs, 1), float64
        Activity counts per epoch; NaN where ``nonwear_minutes`` marks non-wear.
    timestamps : ndarray of shape (n_epochs,), datetime64[s]
        The start of each epoch.

    Raises
    ------
    ValueError
        If the header is not an AWD header or a count is not an integer, naming
        the line.

    Examples
    --------
    >>> import tempfile, os
    >>> from sktime_metric.datasets import read_awd
    >>> lines = ["demo", "23-Jan-1918", "13:58", " 4 ", "00", "V664055", "X",
    ...          "12", "0", "7 M", "3"]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "demo.AWD")
    ...     with open(path, "w") as f:
    ...         _ = f.write("\\n".join(lines) + "\\n")
    ...     counts, times = read_awd(path)
    >>> counts.ravel().tolist(), str(times[2])
    ([12.0, 0.0, 7.0, 3.0], '1918-01-23T14:00:00')
    """
    path = Path(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    if len(lines) < 8:
        raise ValueError(f"{path}: an AWD file has 7 header lines and then counts; "
                         f"this one has {len(lines)} lines.")
    code = lines[3].strip()
    if code not in _EPOCH_SECONDS:
        raise ValueError(
            f"{path}: line 4 must be an AWD epoch-length code "
            f"({', '.join(_EPOCH_SECONDS)}); got {code!r}."
        )
    start = _start_time(lines[1], lines[2], path)
    counts = []
    for number, line in enumerate(lines[7:], 8):
        fields = line.split()
        if not fields:
            continue
        try:
            counts.append(int(fields[0]))
        except ValueError:
            raise ValueError(
                f"{path}, line {number}: expected an activity count, got {line!r}."
            ) from None
    counts = np.asarray(counts, dtype=np.float64)
    if nonwear_minutes is not None:
        min_steps = int(np.ceil(nonwear_minutes * 60 / _EPOCH_SECONDS[code]))
        counts = _mark_nonwear(counts, min_steps)
    step = np.timedelta64(_EPOCH_SECONDS[code], "s")
    return counts[:, None], start + step * np.arange(len(counts))


def _data_folder():
    """``pyActigraphy/tests/data`` of the installed wheel, without importing it."""
    return installed_data(
        "pyActigraphy", "tests/data", "example_01.AWD",
        what="The activity recordings are", install=PYACTIGRAPHY_INSTALL,
        why="--no-deps: only its data files are read",
    )


@validate_params(_NONWEAR, prefer_skip_nested_validation=True)
def load_actigraphy_examples(*, nonwear_minutes=None):
    """The five multi-day Actiwatch recordings shipped in the ``pyActigraphy`` wheel.

    Anonymised wrist-activity counts, one per minute, over 12.8, 12.8, 14.9,
    21.7 and 15.1 days (their headers date them to 1918). Read from the
    installed package at run time (``pip install --no-deps pyActigraphy==1.2.2``;
    the data are GPL-3.0 and never copied into this repository).

    Parameters
    ----------
    nonwear_minutes : float or None, default=None
        The non-wear policy of :func:`read_awd`.

    Returns
    -------
    recordings : dict of str to tuple
        ``{"example_01": (counts, timestamps), ...}``: ``counts`` of shape
        ``(n_minutes, 1)`` and ``timestamps`` (datetime64), as
        :func:`read_awd` returns them; what
        :meth:`RoutineClusterer.fit(counts, timestamps=timestamps)
        <sktime_metric.cluster.RoutineClusterer.fit>` takes.

    Raises
    ------
    ImportError
        If pyActigraphy is not installed, with the command that installs it.

    Examples
    --------
    >>> from sktime_metric.datasets import load_actigraphy_examples
    >>> # needs the data files: pip install --no-deps pyActigraphy==1.2.2
    >>> recordings = load_actigraphy_examples()                # doctest: +SKIP
    >>> sorted(recordings)                                     # doctest: +SKIP
    ['example_01', 'example_02', 'example_03', 'example_04', 'example_05']
    >>> counts, timestamps = recordings["example_01"]          # doctest: +SKIP
    >>> step = timestamps[1] - timestamps[0]                    # doctest: +SKIP
    >>> counts.shape, str(timestamps[0]), str(step)            # doctest: +SKIP
    ((18401, 1), '1918-01-23T13:58:00', '60 seconds')
    """
    folder = _data_folder()
    return {f"example_0{i}": read_awd(folder / f"example_0{i}.AWD",
                                      nonwear_minutes=nonwear_minutes)
            for i in range(1, 6)}
