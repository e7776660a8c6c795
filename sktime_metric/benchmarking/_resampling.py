"""Resampling a dataset for a benchmark run: a stratified subsample, and the
train + test pool redrawn with the original split's class counts (the UCR/UEA
bake-offs' resampling)."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ..utils._labels import check_class_labels
from ..utils._sklearn_compat import Interval, validate_params
from ..utils.validation import check_sequences

__all__ = ["stratified_resample", "stratified_subsample"]


# checked here: train_test_split's messages named its train_size
@validate_params(
    {"n": [Interval(Integral, 1, None, closed="left")],
     "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def stratified_subsample(X, y, n, random_state=0):
    """At most ``n`` series of ``(X, y)``, drawn stratified by label.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
    y : ndarray of shape (n_samples,)
    n : int
        Size of the subsample, at least 1; ``(X, y)`` is returned unchanged if
        ``n >= len(y)``.
    random_state : int, RandomState instance or None, default=0

    Returns
    -------
    X_sub : ndarray of shape (min(n, n_samples), n_timestamps, n_channels)
    y_sub : ndarray of shape (min(n, n_samples),)

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.benchmarking import stratified_subsample
    >>> X = np.zeros((12, 5, 2))
    >>> y = np.repeat([0, 1, 2], 4)
    >>> X_sub, y_sub = stratified_subsample(X, y, 6)
    >>> X_sub.shape, np.bincount(y_sub).tolist()  # the class proportions kept
    ((6, 5, 2), [2, 2, 2])
    >>> stratified_subsample(X, y, 20)[0] is X  # n >= n_samples: unchanged
    True
    """
    if n >= len(y):
        return X, y
    X_sub, _, y_sub, _ = train_test_split(
        # int(): True is 1 to the check above, not a size to train_test_split
        X, y, train_size=int(n), stratify=y, random_state=random_state
    )
    return X_sub, y_sub


def _padded(X, n_timestamps):
    """``X`` NaN-padded (or cut where only padding is left) to ``n_timestamps``."""
    X = np.asarray(X, dtype=np.float64)
    if X.shape[1] >= n_timestamps:
        return X[:, :n_timestamps]
    pad = np.full((len(X), n_timestamps - X.shape[1], X.shape[2]), np.nan)
    return np.concatenate([X, pad], axis=1)


def _dataset(X):
    """``X`` as the ``(n, T, d)`` array that every registered estimator takes.

    A list of series of different lengths or a 2-D array of univariate series
    is the data format too, but tslearn's 1-NN DTW (``dtw_1nn``) reads no
    list of different lengths. A 3-D array is returned as it is.
    """
    if isinstance(X, np.ndarray) and X.ndim == 3:
        return X
    return check_sequences(X)[0]


def _trimmed(X):
    """``X`` without the time steps that are padding in every series."""
    observed = ~np.isnan(X).all(axis=(0, 2))
    return X[:, : int(np.flatnonzero(observed)[-1]) + 1] if observed.any() else X


def stratified_resample(X_train, y_train, X_test, y_test, random_state=0):
    """A new train/test split of train + test, with the train split's class counts.

    The resampling of the UCR/UEA archive's bake-offs (Bagnall et al., "The
    great time series classification bake off", 2017; aeon's
    ``stratified_resample_data``): the two splits are pooled, and for each
    class, as many series as the given training split has of that class are
    drawn at random, without replacement, into the new training split; the rest
    is the new test split. Train and test sizes and the training class counts
    are those of the given split.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : array-like
        The given split, in the project's data format; the two ``X`` may have
        different lengths ``T`` (they are NaN-padded to the longer one).
    random_state : int, RandomState instance or None, default=0
        Seeds the draw. The bake-offs seed resample ``i`` with ``i``;
        ``sktime-metric benchmark --resamples`` seeds it with
        ``--random-state + i``.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        The new split; each ``X`` keeps only the time steps its series use.

    Raises
    ------
    ValueError
        If an ``X`` is not in the data format, the two have different numbers
        of channels, or a ``y`` has not one label per series of its ``X`` or
        a missing one.
    TypeError
        If the labels of one split are strings and those of the other are
        numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.benchmarking import stratified_resample
    >>> X = np.arange(10.0).reshape(10, 1, 1)
    >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    >>> X_tr, y_tr, X_te, y_te = stratified_resample(X[:4:], y[:4], X[4:], y[4:],
    ...                                              random_state=1)
    >>> len(y_tr), len(y_te), np.bincount(y_tr).tolist()
    (4, 6, [4])
    >>> X_tr, y_tr, X_te, y_te = stratified_resample(X[2:6], y[2:6],
    ...                                              np.r_[X[:2], X[6:]],
    ...                                              np.r_[y[:2], y[6:]])
    >>> np.bincount(y_tr).tolist(), np.bincount(y_te).tolist()
    ([2, 2], [2, 4])
    """
    # any input of the data format (a list of series of different lengths, a
    # 2-D array of univariate series), as the estimators take it
    X_train, X_test = check_sequences(X_train)[0], check_sequences(X_test)[0]
    if X_train.shape[2] != X_test.shape[2]:
        raise ValueError(
            f"X_train {X_train.shape} and X_test {X_test.shape} must be (n, T, d) "
            "arrays with the same number of channels d."
        )
    labels = {}
    # pooled, a series and its label would otherwise part silently
    for X, y, split in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        shape = np.shape(y)
        if len(shape) != 1 or shape[0] != len(X):
            raise ValueError(f"y_{split} of shape {shape} must hold one label per "
                             f"series of X_{split}, {len(X)} series.")
        # a missing label is no class: its series was left out of the new
        # training split, which came out smaller than the given one
        labels[split] = check_class_labels(
            y, len(X), estimator="stratified_resample", min_classes=0,
            classification=False, names=(f"X_{split}", f"y_{split}"))
    y_train, y_test = labels["train"], labels["test"]
    text = [len(y) > 0 and isinstance(y[0], str) for y in (y_train, y_test)]
    if len(y_train) and len(y_test) and text[0] != text[1]:
        # pooled, numpy made text of the numbers: no series was of a class
        # of the other split any more (an empty training split, silently)
        first = [y[0].item() if isinstance(y[0], np.generic) else y[0]
                 for y in (y_train, y_test)]
        raise TypeError(
            f"y_train ({first[0]!r}, ...) and y_test ({first[1]!r}, ...) must both "
            "be strings or both numbers to be pooled."
        )
    n_timestamps = max(X_train.shape[1], X_test.shape[1])
    X = np.concatenate([_padded(X_train, n_timestamps), _padded(X_test, n_timestamps)])
    y = np.concatenate([y_train, y_test])
    rng = check_random_state(random_state)
    classes, counts = np.unique(y_train, return_counts=True)
    train = np.concatenate([
        rng.permutation(np.flatnonzero(y == label))[:count]
        for label, count in zip(classes, counts)
    ])
    train = np.sort(train)
    test = np.setdiff1d(np.arange(len(y)), train)
    return _trimmed(X[train]), y[train], _trimmed(X[test]), y[test]
