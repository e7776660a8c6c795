"""Smartwatch recordings of shoulder physiotherapy exercises, from ``seglearn``.

The ``seglearn`` wheel (BSD-3-Clause) ships ``seglearn/data/watch_dataset.npy``:
a 0-d object array holding a dict of 140 recordings of 10 subjects. It is read
from the installed package at run time, never copied into this repository,
and seglearn's code is never imported. Its own loader calls
``numpy.load(allow_pickle=True)``, which would run any global the file names;
here the payload is read by
:func:`~sktime_metric.datasets._pickle.restricted_load_npy` with numpy's four
globals only (``pickletools.genops`` lists no others).
"""

import functools

import numpy as np

from ..utils._sklearn_compat import validate_params
from ..utils.validation import to_sequence_dataset
from ._package_data import installed_data
from ._pickle import NUMPY_GLOBALS, restricted_load_npy

__all__ = ["load_watch"]

#: The one command that installs the recordings (only the data file is read).
SEGLEARN_INSTALL = "pip install --no-deps seglearn==1.2.5"

_KEYS = {"X", "y", "y_labels", "subject", "side", "X_labels"}


def _watch_file():
    """``watch_dataset.npy`` inside the installed seglearn, without importing it."""
    return installed_data(
        "seglearn", "data", "watch_dataset.npy", what="The smartwatch recordings are",
        install=SEGLEARN_INSTALL, why="--no-deps: only its data file is read",
    ) / "watch_dataset.npy"


@functools.lru_cache(maxsize=1)
def _parse(path):
    """The file's dict, checked; cached (the padded arrays are built per call)."""
    data = restricted_load_npy(path, NUMPY_GLOBALS).item()
    if not isinstance(data, dict) or set(data) != _KEYS:
        raise ValueError(f"{path}: expected a dict with keys {sorted(_KEYS)}.")
    n = len(data["X"])
    if any(len(data[k]) != n for k in ("y", "subject", "side")):
        raise ValueError(f"{path}: X, y, subject and side differ in length.")
    return data


@validate_params(
    {"return_codes": ["boolean"],
     "return_side": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_watch(*, return_codes=False, return_side=False):
    """Shoulder-exercise recordings from a smartwatch: 10 subjects, 7 exercises.

    Ten healthy adults each performed sets of 20 repetitions of seven
    exercises of a rotator-cuff physiotherapy protocol with each arm, wearing
    a smartwatch on the active wrist (Burns et al. 2018): 140 recordings of
    the watch's 6-axis inertial sensor (accelerometer ``ax, ay, az``,
    gyroscope ``wx, wy, wz``) at 50 Hz, 947 to 2,618 steps (19 to 52 s) long.
    Each subject contributes 14 recordings (7 exercises x 2 sides), so
    ``groups`` gives the subject-wise splits of a personalised protocol.

    Read at run time from the data file of the ``seglearn`` wheel (install
    with ``pip install --no-deps seglearn==1.2.5``; seglearn is never
    imported and the file is read without unrestricted unpickling). Nothing
    is copied into this package.

    Parameters
    ----------
    return_codes : bool, default=False
        Return the exercise codes 0-6 as ``y`` instead of seglearn's names
        ``"PEN"``, ``"ABD"``, ``"FEL"``, ``"IR"``, ``"ER"``, ``"TRAP"``,
        ``"ROW"`` (code ``k`` is the ``k``-th name).
    return_side : bool, default=False
        Also return the arm of each recording: 1 right, 0 left.

    Returns
    -------
    X : ndarray of shape (140, 2618, 6), float64
        NaN-padded at the end of each shorter recording.
    y : ndarray of shape (140,)
        Exercise names, or codes with ``return_codes``; 20 per exercise.
    groups : ndarray of shape (140,), int64
        The subject (1-10) of each recording, 14 each.
    side : ndarray of shape (140,), int64
        Only with ``return_side``.

    Raises
    ------
    ImportError
        If seglearn is not installed (the message gives the command).
    pickle.UnpicklingError
        If the file names a global outside numpy's array reconstruction.

    Notes
    -----
    Data: D. M. Burns, N. Leung, M. Hardisty, C. Whyne, P. Henry and
    S. McLachlin, "Shoulder physiotherapy exercise recognition: machine
    learning the inertial signals from a smartwatch", Physiological
    Measurement 39(7), 2018 (doi:10.1088/1361-6579/aacfd9; arXiv:1802.01489),
    distributed with seglearn under its BSD-3-Clause licence
    (copyright 2018 David M. Burns).

    Examples
    --------
    >>> from sktime_metric.datasets import load_watch
    >>> X, y, groups = load_watch()                        # doctest: +SKIP
    >>> X.shape, len(set(y)), len(set(groups))             # doctest: +SKIP
    ((140, 2618, 6), 7, 10)
    """
    data = _parse(str(_watch_file()))
    X = to_sequence_dataset([np.asarray(x, dtype=np.float64) for x in data["X"]])
    codes = np.asarray(data["y"], dtype=np.int64)
    y = codes if return_codes else np.asarray(data["y_labels"])[codes]
    groups = np.asarray(data["subject"], dtype=np.int64)
    if return_side:
        return X, y, groups, np.asarray(data["side"], dtype=np.int64)
    return X, y, groups
