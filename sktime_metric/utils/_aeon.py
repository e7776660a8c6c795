"""Conversion between aeon/sktime's ``(n, d, T)`` layout and ours, ``(n, T, d)``.

aeon and sktime store equal-length collections as ``(n_samples, n_channels,
n_timestamps)`` and unequal-length ones as lists of ``(n_channels, T_i)``
arrays; tslearn and this package use ``(n_samples, n_timestamps,
n_channels)`` with NaN padding. A 3-D array read the wrong way round trains a
model on the wrong axis without an error, so :func:`validate_sequences` warns
(``SequenceLayoutWarning``) when an array looks transposed, and these two
functions convert.
"""

import numpy as np

from ._containers import _as_numeric_array, to_sequence_dataset
from .validation import check_sequences

__all__ = ["from_aeon", "to_aeon"]


def from_aeon(X):
    """aeon/sktime's ``(n, n_channels, n_timestamps)`` data in our ``(n, T, d)`` layout.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_channels, n_timestamps) or list
        A 3-D numpy array as aeon and sktime store equal-length collections, or
        aeon's list of ``(n_channels, T_i)`` arrays for unequal lengths.

    Returns
    -------
    X_3d : ndarray of shape (n_samples, n_timestamps, n_channels)
        A new float64 array, NaN-padded at the end where lengths differ.

    See Also
    --------
    to_aeon : The inverse conversion.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import from_aeon
    >>> X_aeon = np.zeros((40, 6, 100))   # aeon's BasicMotions: 6 channels, 100 steps
    >>> from_aeon(X_aeon).shape
    (40, 100, 6)
    >>> from_aeon([np.zeros((2, 5)), np.ones((2, 3))])[1, :, 0]
    array([ 1.,  1.,  1., nan, nan])
    """
    if isinstance(X, (list, tuple)):
        series = []
        for i, s in enumerate(X):
            s = _as_numeric_array(s, where=f"X's sample {i}")
            if s.ndim != 2:
                raise ValueError(
                    f"X's sample {i} has {s.ndim} dimension(s); aeon's unequal-length "
                    "collections are lists of 2-D (n_channels, T_i) arrays."
                )
            series.append(s.T)
        return to_sequence_dataset(series)
    X = _as_numeric_array(X, where="X", whole=True)
    if X.ndim != 3:
        raise ValueError(
            f"Expected aeon's 3-D layout (n_samples, n_channels, n_timestamps); got "
            f"an array of shape {X.shape}."
        )
    return np.ascontiguousarray(X.transpose(0, 2, 1))


def to_aeon(X):
    """Our ``(n, T, d)`` data in aeon/sktime's layout.

    Parameters
    ----------
    X : array-like or list of array-like
        Any input accepted by :func:`to_sequence_dataset`.

    Returns
    -------
    X_aeon : ndarray of shape (n_samples, n_channels, n_timestamps) or list
        A 3-D array when every series has the same length; otherwise aeon's list
        of ``(n_channels, T_i)`` arrays, padding removed (aeon does not accept
        NaN padding).

    See Also
    --------
    from_aeon : The inverse conversion.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import to_aeon
    >>> to_aeon(np.zeros((3, 10, 2))).shape
    (3, 2, 10)
    >>> [x.shape for x in to_aeon([np.zeros((4, 2)), np.zeros((6, 2))])]
    [(2, 4), (2, 6)]
    """
    X, lengths = check_sequences(X)
    if (lengths == X.shape[1]).all():
        return np.ascontiguousarray(X.transpose(0, 2, 1))
    return [np.ascontiguousarray(x[:n].T) for x, n in zip(X, lengths)]
