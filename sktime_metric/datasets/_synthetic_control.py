"""The Synthetic Control Chart generator (Alcock & Manolopoulos 1999).

Six kinds of control chart, the patterns of Pham & Chan (1998): a noisy level,
plus a sine, a linear trend or a step. The UCI "Synthetic Control Chart Time
Series" data set (600 series of 60 steps) and the UCR archive's SyntheticControl
(its 300 / 300 split) were drawn from this recipe.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._synthetic import _check_int

__all__ = ["make_synthetic_control"]

CLASS_NAMES = (
    "normal",
    "cyclic",
    "increasing trend",
    "decreasing trend",
    "upward shift",
    "downward shift",
)


def make_synthetic_control(n_samples=600, n_timestamps=60, random_state=None):
    """Generate the six-class Synthetic Control Chart time series.

    Every series is a noisy level ``m + r_t s`` with ``m = 30``, ``s = 2`` and
    ``r_t`` drawn uniformly from [-3, 3] at each step ``t = 1..n_timestamps``;
    each class adds one pattern whose parameters are drawn once per series:

    =====  ==================  ===================================================
    label  class               added to ``m + r_t s``
    =====  ==================  ===================================================
    0      normal              nothing
    1      cyclic              ``a sin(2 pi t / T)``, ``a, T ~ U[10, 15]``
    2      increasing trend    ``g t``, ``g ~ U[0.2, 0.5]``
    3      decreasing trend    ``-g t``
    4      upward shift        ``x [t >= t_3]``, ``x ~ U[7.5, 20]``,
                               ``t_3 ~ U[n_timestamps / 3, 2 n_timestamps / 3]``
    5      downward shift      ``-x [t >= t_3]``
    =====  ==================  ===================================================

    Parameters
    ----------
    n_samples : int, default=600
        Number of series; the classes are balanced (their counts differ by at
        most one). The UCI data set has 600, the UCR split 300 + 300.
    n_timestamps : int, default=60
        Length of every series.
    random_state : int, RandomState instance or None, default=None
        Seed for the noise, the pattern parameters and the order of the labels.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timestamps, 1)
        float64 univariate series, raw (the UCR copy is z-normalised per
        series; use e.g. tslearn's ``TimeSeriesScalerMeanVariance`` for that).
    y : ndarray of shape (n_samples,)
        int64 labels, in the order of the table above (UCR's labels minus 1).

    References
    ----------
    .. [1] R. J. Alcock and Y. Manolopoulos, "Time-series similarity queries
       employing a feature-based approach", 7th Hellenic Conference on
       Informatics, 1999.
    .. [2] D. T. Pham and A. B. Chan, "Control chart pattern recognition using
       a new type of self-organizing neural network", Proc. Instn Mech. Engrs
       212(1), 1998.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import make_synthetic_control
    >>> X, y = make_synthetic_control(random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((600, 60, 1), [100, 100, 100, 100, 100, 100])
    >>> trend = X[y == 2, :, 0]  # increasing trend: the end is above the start
    >>> bool((trend[:, -10:].mean(1) > trend[:, :10].mean(1)).all())
    True
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_timestamps = _check_int(n_timestamps, "n_timestamps", 1)
    rng = check_random_state(random_state)

    # Round-robin labels then a shuffle: balanced classes in random order.
    y = np.arange(n_samples, dtype=np.int64) % len(CLASS_NAMES)
    rng.shuffle(y)
    t = np.arange(1, n_timestamps + 1, dtype=np.float64)
    X = 30.0 + 2.0 * rng.uniform(-3.0, 3.0, size=(n_samples, n_timestamps))

    # Draw every pattern parameter for every series, whatever its class, so that
    # the noise of sample i does not depend on the classes of samples before it.
    amplitude = rng.uniform(10.0, 15.0, size=n_samples)
    period = rng.uniform(10.0, 15.0, size=n_samples)
    slope = rng.uniform(0.2, 0.5, size=n_samples)
    jump = rng.uniform(7.5, 20.0, size=n_samples)
    onset = rng.uniform(n_timestamps / 3, 2 * n_timestamps / 3, size=n_samples)

    cyclic = amplitude[:, None] * np.sin(2 * np.pi * t / period[:, None])
    trend = slope[:, None] * t
    shift = jump[:, None] * (t >= onset[:, None])
    patterns = np.stack(
        [np.zeros_like(X), cyclic, trend, -trend, shift, -shift], axis=1
    )  # (n_samples, 6, n_timestamps)
    X += patterns[np.arange(n_samples), y]
    return X[:, :, None], y
