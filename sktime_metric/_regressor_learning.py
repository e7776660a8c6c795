"""When a regressor has learned: its errors against predicting the training mean.

The regressors' counterpart of ``_learning.py``'s classifier and metric checks
(:func:`warn_if_regressor_not_learned`, re-exported by
:mod:`sktime_metric.base`), with the exact power-of-two scaling that lets it
judge targets of any magnitude, from 1e-300 to 1e308.
"""

import math

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .utils._scaling import unit_exponent
from .utils._warnings import warn

__all__ = ["warn_if_regressor_not_learned"]

#: Rows a regressor's learning check scores (a seeded sample of them): a
#: forward pass over all of MovieLens-100K's 77,681 training ratings cost
#: ``IARNRecommender`` a third of an epoch (10 s against 29 s).
_REGRESSOR_CHECK_ROWS = 10_000


def warn_if_regressor_not_learned(estimator, y_true, y_pred, baseline, rows,
                                  error="squared"):
    """Warn (``ConvergenceWarning``) when a regressor is no better than a constant.

    The regressors' counterpart of :func:`warn_if_not_learned`: a fit has
    learned something when its errors on ``rows`` are clearly below those of
    predicting ``baseline`` (the training mean, or median) on the same rows:
    their mean difference is above two of its standard errors, so that a
    chance correlation on a few rows does not count as learning (measured:
    ``IARNRecommender`` on random ratings, untrained or early-stopped on its
    best validation epoch, came out 0.1-0.8 % below the mean's squared error
    on 90 and 300 rows). Targets that are all equal leave nothing to learn and
    get no warning. A prediction that is not finite (NaN or inf: a network
    that diverged) is itself a fit that did not learn, and the warning says
    so, whatever the targets. The verdict does not depend on the targets'
    units (all values times a constant), and a gain within the rounding of
    the predictions' dtype (float32 or float64) is no gain. ``rows`` says
    which rows: the held-out validation rows when early stopping kept some
    (the only check that sees overfitting: measured, ``IARNRecommender``
    trained 20 epochs on MovieLens-100K reached
    a training MSE of 0.55 against the mean's 1.09, and the mean's test
    RMSE), else the training rows; ``y_pred`` comes from the final model in
    eval mode, not from the training history.

    Parameters
    ----------
    estimator : object
        Named in the message.
    y_true, y_pred : ndarray of shape (n_rows,)
        The targets of ``rows`` and the fitted model's predictions of them.
    baseline : float
        The constant prediction to beat.
    rows : {"training", "validation"}
        Named in the message. A caller with more than
        :data:`_REGRESSOR_CHECK_ROWS` of them scores a seeded sample
        (:func:`check_sample`).
    error : {"squared", "absolute"}, default="squared"
        The error the estimator is trained on (a mean to beat for squared
        errors, a median for absolute ones).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from sktime_metric.base import warn_if_regressor_not_learned
    >>> y_true = np.arange(10.0)
    >>> baseline = y_true.mean()  # the training mean, 4.5
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_regressor_not_learned(DummyRegressor(), y_true,
    ...                                   np.full(10, baseline), baseline, "training")
    >>> [w.category.__name__ for w in caught]
    ['ConvergenceWarning']
    >>> str(caught[0].message).split(":")[0]
    'DummyRegressor did not learn'
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_regressor_not_learned(DummyRegressor(), y_true, y_true + 0.5,
    ...                                   baseline, "validation")
    >>> caught
    []
    """
    power = {"squared": 2, "absolute": 1}[error]
    y_pred = np.asarray(y_pred)
    # the precision the predictions were made in sets the floor below
    precision = y_pred.dtype if np.issubdtype(y_pred.dtype, np.floating) else np.float64
    eps = float(np.finfo(precision).eps)
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    name = type(estimator).__name__
    mean_or_median = "mean" if power == 2 else "median"
    hint = ("Try another learning rate (lr) or number of epochs (max_epochs), or "
            "check that the inputs carry information about the target.")
    # the errors are computed on all values times 2**-exponent, that of the
    # largest |target| (or |baseline|): exact (a power of two), and the
    # targets then lie in [-1, 1), so that neither their errors nor their
    # squares over- or underflow at any scale (targets near +-1e308 gave
    # inf and NaN, a perfect fit named as not learned; below 1e-154 the
    # squares were 0, "nothing to learn"). The predictions do not set the
    # scale: one far off would have underflowed the targets' errors to 0
    magnitude = np.abs(np.append(y_true, float(baseline)))
    exponent = unit_exponent(magnitude)
    y_true = np.ldexp(y_true, -exponent)
    baseline = np.ldexp(float(baseline), -exponent)
    baseline_errors = np.abs(y_true - baseline) ** power
    baseline_error = _in_units(baseline_errors.mean(), power * exponent)
    # a NaN or inf prediction (a network that diverged or overflowed) is
    # itself a fit that did not learn, whatever the targets: said as such,
    # before any arithmetic on it (inf - inf: numpy's RuntimeWarnings)
    bad = int((~np.isfinite(y_pred)).sum())
    if bad:
        warn(
            f"{name} did not learn: its predictions of {bad} of its {len(y_pred)} "
            f"{rows} rows are not finite (NaN or inf), so its mean {error} error "
            f"is not below that of predicting the training {mean_or_median} "
            f"({baseline_error}). {hint}", ConvergenceWarning)
        return
    if len(y_true) < 2 or not baseline_errors.any():
        return
    n = len(y_true)
    # a finite prediction may still lie so far beyond the targets' scale
    # that its error (or square) overflows, and with it the gains' mean or
    # spread (inf, NaN): allowed, since the gains are at most 4 (the
    # baseline's errors, at this scale), so such a gain is far below 0 and
    # its fit did not learn; NaN compares False below, "did not learn" too
    with np.errstate(over="ignore", invalid="ignore"):
        errors = np.abs(y_true - np.ldexp(y_pred, -exponent)) ** power
        gain = baseline_errors - errors
        mean_gain = gain.mean()
        standard_error = gain.std(ddof=1) / math.sqrt(n)
    # a gain within rounding is no gain: a constant prediction of the
    # baseline, rounded to the predictions' dtype (machine epsilon eps), is
    # off it by up to eps / 2 times the targets' magnitude M, and gains by
    # up to eps M D per row on squared errors (2 delta (y - b), D the
    # baseline's largest error), eps M / 2 on absolute ones. The floor,
    # 4 eps M D**(power - 1), leaves room for a few such roundings; it
    # scales with the targets as the gains do (M D**(power - 1)), so the
    # verdict is the same in any units, and follows float32 or float64.
    # An absolute floor, 1e-12, named every fit to targets of 1e-15 as not
    # learned, and a float32 prediction of the mean, rounded towards the
    # rows, as learned
    spread = np.abs(y_true - baseline).max()
    floor = 4.0 * eps * np.ldexp(magnitude.max(), -exponent) * spread ** (power - 1)
    if mean_gain > 2.0 * standard_error + floor:
        return
    mean_error = _in_units(baseline_errors.mean() - mean_gain, power * exponent)
    warn(
        f"{name} did not learn: its mean {error} error on its {n} {rows} rows "
        f"({mean_error}) is not clearly below that of predicting the training "
        f"{mean_or_median} ({baseline_error}). {hint}", ConvergenceWarning)


def _in_units(value, exponent):
    """``value * 2**exponent`` written with 5 significant digits at any scale
    (``1.0000``, ``0.012346``, ``12346``, ``1.2346e-40``), computed in
    decimal where it is beyond float64 (a squared error of targets near
    1e308, or below 1e-154). Four fixed decimals wrote the errors of targets
    of 1e-20 as 0.0000 and those of 1e20 with 41 digits."""
    with np.errstate(over="ignore", under="ignore"):  # beyond float64: below
        number = np.ldexp(float(value), exponent)
    if (not np.isfinite(value) or value <= 0
            or np.finfo(np.float64).tiny <= number < np.inf):
        # "#" keeps the trailing zeros (1.0000), and the point of a whole
        # number (12346.), which goes
        return f"{number:#.5g}".removesuffix(".")
    power10 = math.log10(value) + exponent * math.log10(2.0)
    whole = math.floor(power10)
    mantissa = round(10 ** (power10 - whole), 4)
    if mantissa >= 10:  # 9.99996 rounds to 10.0000: written 1.0000, 10x
        mantissa, whole = mantissa / 10, whole + 1
    return f"{mantissa:.4f}e{whole:+03d}"
