"""Per-channel standardisation of NaN-padded sequences: the one implementation.

Every estimator with a ``standardize`` parameter fits these statistics on its
training series (through :meth:`~sktime_metric.base.BaseSequenceNet._validate_X`)
and applies them to every series it later sees, so that channels on different
scales (millimetres beside radians, a z-normalised UCR set beside raw sensor
counts) reach the network at unit scale, where its initialisation and
learning rate were chosen.
"""

import numpy as np

__all__ = ["channel_statistics", "standardize_channels"]


def channel_statistics(X):
    """Per-channel mean and standard deviation over every observed step.

    NaN is padding and does not count; a constant channel gets the scale 1, so
    that standardising leaves it at 0 instead of dividing by zero.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        Checked, NaN-padded series.

    Returns
    -------
    mean, scale : ndarray of shape (n_channels,)

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import channel_statistics
    >>> X = np.array([[[1.0, 5.0], [3.0, 5.0]], [[2.0, 5.0], [np.nan, np.nan]]])
    >>> channel_statistics(X)
    (array([2., 5.]), array([0.81649658, 1.        ]))
    """
    mean = np.nanmean(X, axis=(0, 1))
    scale = np.nanstd(X, axis=(0, 1))
    return mean, np.where(scale < 10 * np.finfo(float).eps, 1.0, scale)


def standardize_channels(X, mean, scale):
    """``(X - mean) / scale`` per channel, as a new float64 array.

    NaN padding stays NaN; the caller's array is not modified.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
    mean, scale : ndarray of shape (n_channels,)
        From :func:`channel_statistics` of the training series.

    Returns
    -------
    X_scaled : ndarray of shape (n_samples, n_timestamps, n_channels)
    """
    return (np.asarray(X, dtype=np.float64) - mean) / scale
