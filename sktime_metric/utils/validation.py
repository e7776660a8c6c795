"""The data contract: one sequence format for every estimator.

A dataset is a float array ``(n_samples, n_timestamps, n_channels)`` whose shorter
series are NaN-padded at the end, exactly as tslearn's ``to_time_series_dataset``
builds it, so the same array goes unchanged to tslearn's DTW baselines. Lists of
ragged ``(T_i, d)`` / ``(T_i,)`` arrays and 2-D ``(n_samples, n_timestamps)``
univariate arrays are accepted and converted (by
``sktime_metric/utils/_containers.py``, which reads every container users
bring: pandas, polars, pyarrow, torch, lists; ``_layout.py`` warns where they
look like another library's layout). Everything else about the
format (lengths, NaN checks, the float32 zero-filled copy torch sees) lives
here and nowhere else.
"""

from numbers import Integral

import numpy as np

from ._containers import to_sequence_dataset
from ._layout import (
    SequenceLayoutWarning,
    _is_list_of_2d,
    _multiindex_rows,
    _warn_layout,
    _warn_multiindex_rows,
)
from ._sklearn_compat import InvalidParameterError

__all__ = [
    "SequenceLayoutWarning",
    "check_sequences",
    "padded_float32",
    "sequence_lengths",
    "to_sequence_dataset",
    "validate_sequences",
]


def _first_index(mask):
    """(sample, time step) of the first True entry of a 2-D mask, or None."""
    hits = np.argwhere(mask)
    return None if hits.size == 0 else tuple(int(v) for v in hits[0])


def sequence_lengths(X):
    """True length of each NaN-padded series (tslearn's ``ts_size`` rule).

    The length of a series is one plus the index of its last time step that is not
    entirely NaN.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)

    Returns
    -------
    lengths : ndarray of shape (n_samples,), dtype int64

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import sequence_lengths
    >>> X = np.array([[[1.0], [2.0], [np.nan]], [[1.0], [4.0], [3.0]]])
    >>> sequence_lengths(X)
    array([2, 3])
    """
    return _lengths(~np.isnan(X).all(axis=2))


def _lengths(observed):
    """Lengths from the ``(n_samples, n_timestamps)`` mask of non-padding steps."""
    n_timestamps = observed.shape[1]
    # index of the last observed step, counted from the end with argmax on the
    # reversed mask; all-NaN rows give length 0.
    last_from_end = np.argmax(observed[:, ::-1], axis=1)
    return np.where(
        observed.any(axis=1), n_timestamps - last_from_end, 0
    ).astype(np.int64)


def _check_count(value, name, caller):
    """An int parameter >= 1 (True is 1, as to validate_params) checked by
    hand, in validate_params' words: for the checks of every fit and predict
    (and predict_in_blocks), where the decorator's 30-40 us per call were
    3-5 % of a small predict (10 series, a 4-unit RNN)."""
    if not isinstance(value, Integral) or value < 1:
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller} must be an int in the range "
            f"[1, inf). Got {value!r} instead."
        )


def check_sequences(X, *, min_length=1, name="X"):
    """Validate sequences and return them with their lengths.

    Parameters
    ----------
    X : array-like or list of array-like
        Any input accepted by :func:`to_sequence_dataset`.
    min_length : int, default=1
        Shortest accepted series; at least 1 (an empty series is never
        accepted).
    name : str, default="X"
        What the messages call the argument (``"X_support"``, ``"Y"``, ...),
        which they name with the sample: "X_support's sample 3 has ...".

    Returns
    -------
    X_3d : ndarray of shape (n_samples, n_timestamps, n_channels), dtype float64
        The NaN-padded dataset. It may be a read-only view of the caller's array:
        never write to it.
    lengths : ndarray of shape (n_samples,), dtype int64

    Raises
    ------
    ValueError
        On no samples, no time steps or no channels; on inf; on NaN that is not
        trailing padding (NaN inside a series, or on some channels of a step only);
        on a series shorter than ``min_length`` (an all-NaN series is empty).
    TypeError
        On non-numeric data.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import check_sequences
    >>> X, lengths = check_sequences([np.zeros((3, 2)), np.ones((5, 2))])
    >>> X.shape, lengths
    ((2, 5, 2), array([3, 5]))
    >>> check_sequences(np.array([[1.0, np.nan, 2.0]]))
    Traceback (most recent call last):
    ...
    ValueError: X's sample 0 has NaN at time step 1, inside the series (its last observed step is 2): only trailing NaN padding is allowed.
    """
    _check_count(min_length, "min_length", "check_sequences")
    X = to_sequence_dataset(X, name=name)
    if X.shape[0] == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}).")
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(
            f"Found sequences with shape {X.shape}: at least one time step and one "
            "channel are required."
        )
    # Few full passes over X (it is checked at every predict): a global test
    # first, per-step detail only to name the culprit of an error.
    if np.isinf(X).any():
        inf = np.isinf(X).any(axis=2)
        i, t = _first_index(inf)
        raise ValueError(
            f"{name}'s sample {i} has an infinite value at time step {t} "
            f"({int(inf.sum())} time step(s) with inf in total)."
        )
    nan = np.isnan(X)
    has_nan = nan.any()
    if has_nan:
        padding = nan[:, :, 0]
        # A step is observed or padding when every channel is NaN exactly when
        # the first one is: one element-wise pass (a reduction over the short
        # channel axis is several times slower); the counts only name a culprit.
        if not (nan == padding[:, :, None]).all():
            n_nan = nan.sum(axis=2, dtype=np.intp)
            partial = (n_nan > 0) & (n_nan < X.shape[2])
            i, t = _first_index(partial)
            channels = np.flatnonzero(nan[i, t]).tolist()
            raise ValueError(
                f"{name}'s sample {i} has NaN on channel(s) {channels} only at time "
                f"step {t}: a time step must be fully observed or fully NaN "
                "(padding)."
            )
        lengths = _lengths(~padding)
    else:
        lengths = np.full(X.shape[0], X.shape[1], dtype=np.int64)
    if has_nan:
        inside = padding & (np.arange(X.shape[1])[None, :] < lengths[:, None])
        if inside.any():
            i, t = _first_index(inside)
            raise ValueError(
                f"{name}'s sample {i} has NaN at time step {t}, inside the series "
                f"(its last observed step is {lengths[i] - 1}): only trailing NaN "
                "padding is allowed."
            )
    short = lengths < min_length
    if short.any():
        i = int(np.flatnonzero(short)[0])
        what = "is empty (all NaN)" if lengths[i] == 0 else f"has length {lengths[i]}"
        raise ValueError(
            f"{name}'s sample {i} {what}; series of at least {min_length} time "
            "step(s) are required."
        )
    return X, lengths


def validate_sequences(estimator, X, *, reset, min_length=1, name="X"):
    """Validate ``X`` for ``estimator`` and keep ``n_features_in_`` consistent.

    ``n_features_in_`` is the number of channels: set at ``fit`` (``reset=True``),
    checked at predict / transform time (``reset=False``). The number of time
    steps may differ between fit and predict.

    Parameters
    ----------
    estimator : estimator instance
        Gets ``n_features_in_`` (``reset=True``) or is checked against it.
    X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        As :func:`check_sequences` takes it.
    reset : bool
        True in ``fit``, False afterwards.
    min_length : int, default=1
        The fewest valid steps a series may have; at least 1.
    name : str, default="X"
        What the messages call the argument (``"X_support"``,
        ``"X_pretrain"``, ...).

    Returns
    -------
    X_3d : ndarray of shape (n_samples, n_timestamps, n_channels)
        Read-only by convention, see :func:`check_sequences`.
    lengths : ndarray of shape (n_samples,), dtype int64

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from sktime_metric.utils import validate_sequences
    >>> class Echo(BaseEstimator):
    ...     pass
    >>> est = Echo()
    >>> X = [np.zeros((4, 2)), np.ones((3, 2))]  # two series of 2 channels
    >>> X_3d, lengths = validate_sequences(est, X, reset=True)
    >>> X_3d.shape, lengths.tolist(), est.n_features_in_
    ((2, 4, 2), [4, 3], 2)
    >>> validate_sequences(est, np.zeros((1, 5, 3)), reset=False)
    Traceback (most recent call last):
    ...
    ValueError: X has 3 channels, but Echo was fitted with 2 channels.
    """
    _check_count(min_length, "min_length", "validate_sequences")
    # the containers aeon/sktime also use, in which their layout can hide
    # (a torch tensor too: (N, C, L) is also PyTorch's Conv1d layout)
    given = ("array" if not isinstance(X, (list, tuple))
             and getattr(X, "ndim", None) == 3 else
             "list" if _is_list_of_2d(X) else None)
    levels = _multiindex_rows(X) if reset else None
    if levels is not None:  # before reading: a long Series fails to read
        _warn_multiindex_rows(levels)
    X, lengths = check_sequences(X, min_length=min_length, name=name)
    n_channels = X.shape[2]
    if reset:
        if given is not None and n_channels > X.shape[1]:
            _warn_layout(X.shape, given)
        estimator.n_features_in_ = n_channels
    elif n_channels != estimator.n_features_in_:
        raise ValueError(
            f"{name} has {n_channels} channels, but {type(estimator).__name__} was "
            f"fitted with {estimator.n_features_in_} channels."
        )
    return X, lengths


def padded_float32(X, lengths=None, *, name="X"):
    """A new float32 copy of ``X`` with the NaN padding replaced by zeros.

    Torch modules receive this array: masking by multiplication would not remove
    NaN (``NaN * 0`` is NaN), so the padding must be filled before torch sees it.
    The time axis is cut to the longest series. A finite value too large for
    float32 is a ``ValueError`` naming its sample, step and channel.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        NaN-padded, as :func:`check_sequences` returns it.
    lengths : ndarray of shape (n_samples,), default=None
        Valid steps of each series; None keeps every time step.
    name : str, default="X"
        What the overflow message calls the argument ``X`` came in.

    Returns
    -------
    x : ndarray of float32 of shape (n_samples, max(lengths), n_channels)

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import check_sequences, padded_float32
    >>> X = np.array([[[1.0], [2.0], [np.nan]], [[3.0], [np.nan], [np.nan]]])
    >>> X_3d, lengths = check_sequences(X)
    >>> x = padded_float32(X_3d, lengths)  # cut to the longest series, 2 steps
    >>> x.dtype, x[..., 0].tolist()
    (dtype('float32'), [[1.0, 2.0], [3.0, 0.0]])
    """
    if lengths is not None and lengths.size:
        X = X[:, : int(lengths.max())]
    with np.errstate(over="ignore"):
        out = X.astype(np.float32)
    # a finite float64 beyond float32's range becomes inf here, and NaN in
    # the network's first product: name it instead (one pass over the copy)
    _refuse_overflow(
        out, X, lambda i, c: " (after any standardising), beyond the float32 range "
        f"the networks compute in (|x| <= {np.finfo(np.float32).max:.3g}): "
        "rescale that channel.", name)
    np.copyto(out, 0.0, where=np.isnan(out))
    return out


def _refuse_overflow(converted, given, why, name="X"):
    """A ``ValueError`` naming the first value of finite ``given`` that its
    conversion ``converted`` (same shape, ``(n, T, d)``) made infinite.

    ``why(sample, channel)`` is the rest of the message, after the value's
    sample, time step and channel; ``name``: what it calls the argument
    ``given`` came in ("X", "X_support", ...).
    """
    if np.isinf(converted).any():
        i, t, c = (int(k[0]) for k in np.nonzero(np.isinf(converted)))
        raise ValueError(f"{name}'s sample {i} has the value {given[i, t, c]:.3g} "
                         f"at time step {t}, channel {c}{why(i, c)}")


def nan_padded(values, lengths, n_timestamps):
    """Per-step outputs back in the data format: NaN past each length.

    The inverse of :func:`padded_float32` for what a module returns per time
    step (attention, reconstructions, posteriors): ``values`` of shape
    ``(n, T', ...)``, batches as wide as their longest series, become float64
    ``(n, n_timestamps, ...)`` with NaN on every series' padding.
    """
    values = np.asarray(values, dtype=np.float64)
    out = np.full((len(values), n_timestamps, *values.shape[2:]), np.nan)
    width = min(values.shape[1], n_timestamps)
    valid = np.arange(width)[None, :] < np.asarray(lengths)[:, None]
    valid = valid.reshape(*valid.shape, *(1,) * (values.ndim - 2))
    out[:, :width] = np.where(valid, values[:, :width], np.nan)
    return out
