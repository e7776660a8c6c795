"""Per-channel standardisation of NaN-padded sequences: the one implementation.

Every estimator with a ``standardize`` parameter fits these statistics on its
training series (through :func:`validate_and_standardize`, which
:meth:`~sktime_metric.base.BaseSequenceNet._validate_X` and the estimators
without a torch net call) and applies them to every series it later sees, so
that channels on different scales (millimetres beside radians, a z-normalised
UCR set beside raw sensor counts) reach the network at unit scale, where its
initialisation and learning rate were chosen. A classifier fitted with
``sample_weight`` weighs the statistics by it, as its loss weighs the series
(:func:`fit_standardize`; the matching network, which reads every series as
a support series whatever its weight, does not).
:func:`requested_channel_statistics` reads a ``standardize`` parameter that
may also fix the statistics, as
:class:`~sktime_metric.cluster.RoutineClusterer`'s does. A regressor's
targets are scaled likewise (:func:`scaled_targets`).

A channel that holds one value in every training series is standardised to
0 there, so the network never learns to read it; a later series that varies
on it is warned about (:func:`_warn_if_constant_channel_varies`), its
outputs left as they are.
"""

import numpy as np

__all__ = ["channel_statistics", "fit_standardize", "requested_channel_statistics",
           "scaled_targets", "standardize_channels", "validate_and_standardize"]


def unit_exponent(x, axis=None):
    """The exponent ``e`` of the largest ``|value|`` of ``x``: ``x * 2**-e``
    has its largest ``|value|`` in [0.5, 1).

    Scaling by a power of two is exact (bar bits below 2**-1074), so sums and
    squares computed on ``np.ldexp(x, -e)`` and scaled back by ``2**e`` neither
    overflow nor underflow float64, whatever the scale of ``x``.

    Parameters
    ----------
    x : array-like
        Values; NaN (padding) is ignored.
    axis : int or tuple of int, default=None
        The axes the largest ``|value|`` is taken over; None: all of them.

    Returns
    -------
    exponent : int, or ndarray of int over the axes not reduced
        0 where the largest ``|value|`` is 0.

    Examples
    --------
    >>> import numpy as np
    >>> unit_exponent(np.array([3.0, -10.0]))
    4
    >>> np.ldexp(np.array([3.0, -10.0]), -4)
    array([ 0.1875, -0.625 ])
    >>> unit_exponent(np.array([[1.0, 1e300], [np.nan, np.nan]]), axis=0)
    array([  1, 997], dtype=int32)
    """
    exponent = np.frexp(np.nanmax(np.abs(x), axis=axis))[1]
    return int(exponent) if np.ndim(exponent) == 0 else exponent


def extreme_scale(peak):
    """Whether a largest ``|value|`` ``peak`` (not 0) lies outside
    [1e-100, 1e100]: a scale on which squares may over- or underflow float64.

    Parameters
    ----------
    peak : float or ndarray
        Largest ``|value|`` of a series or channel (each).

    Returns
    -------
    extreme : bool or ndarray of bool, as ``peak``

    Examples
    --------
    >>> import numpy as np
    >>> extreme_scale(np.array([0.0, 1e-200, 1.0, 1e200]))
    array([False,  True, False,  True])
    """
    peak = np.asarray(peak)
    return (peak > 0) & ((peak < 1e-100) | (peak > 1e100))


def channel_statistics(X, sample_weight=None):
    """Per-channel mean and standard deviation over every observed step.

    NaN is padding and does not count; a constant channel (all its values
    equal, or its spread at the level of their rounding) gets the scale 1,
    so that
    standardising leaves it at 0 instead of dividing by zero. Channels on any
    scale float64 holds, 1e-300 to 1e300, are measured without underflow or
    overflow, so the statistics do not depend on a channel's units. The price
    of that: a channel holding only the rounding residue of a removed level
    (values near 1e-16 after subtracting a constant) is not constant by this
    rule and is scaled like a signal; drop such a channel.

    With ``sample_weight``, each observed step of series ``i`` counts
    ``sample_weight[i]`` times, as in scikit-learn's
    ``StandardScaler.fit(X, sample_weight=...)``: integer weights give the
    statistics of the series repeated that many times (to float64
    rounding), and a series of weight 0 is left out entirely, its values,
    its length and whether it makes a channel look constant alike. Equal
    weights (all ones, say) give the unweighted statistics exactly, bit for
    bit.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        Checked, NaN-padded series.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each series, at least one positive; None
        weighs every series alike.

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

    Weight 2 counts the second series twice; weight 0 leaves it out:

    >>> channel_statistics(X, sample_weight=[1, 2])
    (array([2., 5.]), array([0.70710678, 1.        ]))
    >>> channel_statistics(X, sample_weight=[1, 0])
    (array([2., 5.]), array([1., 1.]))
    """
    if sample_weight is None:
        return _unweighted_statistics(X)
    from ._labels import check_sample_weight

    weight = check_sample_weight(sample_weight, len(X))
    if not weight.sum() > 0:
        raise ValueError("sample_weight sums to 0: at least one series needs a "
                         "positive weight.")
    kept = weight > 0
    if not kept.all():
        # left out before anything is measured, peak and constancy included
        X, weight = X[kept], weight[kept]
    if (weight == weight[0]).all():
        # a common weight cancels: the unweighted statistics, bit for bit
        # (so that all-ones weights change nothing)
        return _unweighted_statistics(X)
    return _weighted_statistics(X, weight)


def _unweighted_statistics(X):
    """:func:`channel_statistics` without weights (every estimator's default)."""
    peak = np.nanmax(np.abs(X), axis=(0, 1))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        mean = np.nanmean(X, axis=(0, 1))
        scale = np.nanstd(X, axis=(0, 1))
    # a channel on an extreme scale is measured in units of its largest value:
    # its squares would overflow float64 (|x| above ~1e154: the scale inf, the
    # channel standardised to zeros) or underflow (below ~1e-154: a varying
    # channel read as constant)
    for c in np.flatnonzero(extreme_scale(peak)):
        unit = X[:, :, c] / peak[c]
        mean[c], scale[c] = np.nanmean(unit) * peak[c], np.nanstd(unit) * peak[c]
    return mean, _constant_to_one(scale, peak, _all_equal(X, axis=(0, 1)))


def _all_equal(X, axis):
    """Whether every observed value of each channel is the same one.

    The rounding rule of :func:`_constant_to_one` alone does not see all of
    them: numpy sums over several axes in order, not pairwise, so the mean
    of 10,000 steps of 0.1 is off by ~1e-14, and that is the spread its
    std measures (100 series of 100 steps at 0.1 got the scale 1.6e-14, and
    a new series at 0.2 there became 6e12 in the network).
    """
    return np.nanmax(X, axis=axis) == np.nanmin(X, axis=axis)


def _weighted_statistics(X, weight):
    """:func:`channel_statistics` with positive, unequal weights per series."""
    peak = np.nanmax(np.abs(X), axis=(0, 1))
    with np.errstate(under="ignore"):  # only of values far below the peak
        # every channel in units of a power of two at its largest value and
        # the largest weight in [0.5, 1), both exact: the weighted sums and
        # squares stay within float64 whatever the scale of either
        exponent = unit_exponent(X, axis=(0, 1))
        unit = np.ldexp(X, -exponent)
        w = np.ldexp(weight, -unit_exponent(weight))[:, None, None]
        total = np.sum(w * ~np.isnan(unit), axis=(0, 1))
        # shifted by the first step (observed: the padding is at the end), so
        # that a constant channel's mean is its value exactly
        first = unit[0, 0]
        mean = first + np.nansum(w * (unit - first), axis=(0, 1)) / total
        scale = np.sqrt(np.nansum(w * (unit - mean) ** 2, axis=(0, 1)) / total)
    return (np.ldexp(mean, exponent),
            _constant_to_one(np.ldexp(scale, exponent), peak))


def _constant_to_one(scale, peak, all_equal=False):
    """The scale 1 for a constant channel: one whose spread is at the rounding
    of its values, or (``all_equal``, per channel) whose values are all the
    same (:func:`_all_equal`), whatever rounding measured of their spread."""
    # constant: a spread at the level of float64 rounding of the channel's
    # values, relative to their size, so that a signal on a tiny scale (1e-30)
    # is scaled up, not left where the networks cannot see it
    constant = (scale <= 10 * np.finfo(float).eps * peak) | all_equal
    return np.where(constant, 1.0, scale)


def requested_channel_statistics(standardize, X):
    """The ``(mean, scale)`` that a ``standardize`` parameter asks for on ``X``.

    Parameters
    ----------
    standardize : bool or tuple of (mean, scale)
        True: :func:`channel_statistics` of ``X``; False: ``(None, None)``, no
        scaling; a tuple: these fixed statistics, each one value per channel
        of ``X`` (finite means, positive finite scales).
    X : ndarray of shape (n_samples, n_timestamps, n_channels)

    Returns
    -------
    mean, scale : ndarray of shape (n_channels,) or None
    """
    if isinstance(standardize, (bool, np.bool_)):
        return channel_statistics(X) if standardize else (None, None)
    if len(standardize) != 2:
        raise ValueError(
            "standardize must be a bool or a (mean, scale) tuple, got a tuple "
            f"of {len(standardize)} items."
        )
    mean, scale = (np.asarray(v, dtype=np.float64).reshape(-1) for v in standardize)
    if mean.shape != (X.shape[2],) or scale.shape != (X.shape[2],):
        raise ValueError(
            f"standardize=(mean, scale) needs one value per channel ({X.shape[2]}); "
            f"got {mean.size} and {scale.size}."
        )
    if not (np.isfinite(mean).all() and np.isfinite(scale).all() and (scale > 0).all()):
        raise ValueError("standardize=(mean, scale) needs finite means and "
                         "positive finite scales.")
    return mean, scale


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

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.utils import channel_statistics, standardize_channels
    >>> X = np.array([[[1.0, 5.0], [3.0, 5.0]], [[2.0, 5.0], [np.nan, np.nan]]])
    >>> X_scaled = standardize_channels(X, np.array([2.0, 5.0]), np.array([0.5, 1.0]))
    >>> X_scaled[:, :, 0]  # (x - 2) / 0.5; the padding stays NaN
    array([[-2.,  2.],
           [ 0., nan]])
    >>> X_scaled = standardize_channels(X, *channel_statistics(X))
    >>> np.nanstd(X_scaled, axis=(0, 1)).round(6).tolist()  # constant: left at 0
    [1.0, 0.0]
    """
    X = np.asarray(X, dtype=np.float64)
    with np.errstate(over="ignore"):  # redone below
        centred = X - mean
    if np.isinf(centred).any():
        # x and the mean near float64's ends, of opposite signs: x - mean
        # overflows where (x - mean) / scale need not (1.7e308 against a
        # training mean of -4e307 and scale 1.4e308 is 1.5). Halved, exact,
        # the difference is finite; doubled after the division, it is inf
        # only where the standardised value is
        over = np.isinf(centred) & np.isfinite(X)
        scaled, halved = centred / scale, (X / 2 - mean / 2) / scale
        scaled[over] = halved[over] * 2
        return scaled
    return centred / scale


def validate_and_standardize(estimator, X, *, reset, return_given=False, name="X",
                             standardize=True):
    """Checked NaN-padded ``X`` and its lengths, standardised if asked.

    :func:`~sktime_metric.utils.validation.validate_sequences` (which sets
    ``n_features_in_`` on reset), then, when ``estimator.standardize`` is
    true, the channels standardised with the statistics of its training
    series (``mean_``, ``scale_``, fitted on reset): the one place every
    series passes, at fit and at predict time alike. Not on reset, a series
    that varies on a channel constant in every training series is warned
    about (:func:`_warn_if_constant_channel_varies`).

    ``standardize=False`` stops after the check, for a ``fit`` whose
    statistics weigh the series by a ``sample_weight`` it checks first: it
    then calls :func:`fit_standardize` itself.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
    lengths : ndarray of shape (n_samples,)
    X_given : ndarray of shape (n_samples, n_timestamps, n_channels)
        Only with ``return_given``: the checked series before standardising
        (for an estimator that keeps its training series as given).
    """
    from .validation import validate_sequences

    X_given, lengths = validate_sequences(estimator, X, reset=reset, name=name)
    X = X_given
    if standardize and getattr(estimator, "standardize", False):
        X = _standardize(estimator, X_given, reset=reset, name=name)
    return (X, lengths, X_given) if return_given else (X, lengths)


def fit_standardize(estimator, X, sample_weight=None):
    """Checked training series ``X``, standardised with their statistics
    weighted by ``sample_weight`` (:func:`channel_statistics`), kept in
    ``mean_``, ``scale_``; ``X`` as it is when ``estimator.standardize`` is
    false.

    The second half of :func:`validate_and_standardize` on reset, for a
    ``fit`` that takes ``sample_weight``: called once the weights are
    checked (:meth:`~sktime_metric.base.BaseSequenceNet._training_weights`),
    so that a bad weight is named as it always was, never met here first.
    """
    if not getattr(estimator, "standardize", False):
        return X
    return _standardize(estimator, X, reset=True, sample_weight=sample_weight)


def _standardize(estimator, X, *, reset, sample_weight=None, name="X"):
    """Checked ``X`` standardised with ``mean_``, ``scale_`` (fitted on
    ``X``, weighted by ``sample_weight``, on reset); ``name``: what the
    overflow message calls the argument ``X`` came in."""
    from .validation import _refuse_overflow

    if reset:
        estimator.mean_, estimator.scale_ = channel_statistics(X, sample_weight)
        estimator._constant_values = _training_constants(X, sample_weight)
    else:
        _warn_if_constant_channel_varies(estimator, X, name)
    with np.errstate(over="ignore"):  # named below, not warned
        X_scaled = standardize_channels(X, estimator.mean_, estimator.scale_)
    # X is finite: a value the training scale overflowed (training values
    # around 1e-300, new ones around 1) left float64, which the float32
    # networks named as inf "after any standardising" and the float64
    # estimators (DTW, the HMMs) returned as NaN. At fit time only a series
    # the statistics left out can overflow: one of weight 0, which the
    # network still reads (an inf there makes the loss NaN, weight 0 or not)
    left_out = (None if sample_weight is None
                else np.asarray(sample_weight, dtype=np.float64) == 0)
    _refuse_overflow(X_scaled, X, lambda i, c: (
        ", and sample_weight 0: the channel statistics leave it out, and "
        "standardised with those of the other series (mean "
        f"{estimator.mean_[c]:.3g}, scale {estimator.scale_[c]:.3g}) the value "
        "is beyond float64's range. Drop the series rather than weigh it 0."
        if left_out is not None and left_out[i] else
        ", which standardised with the training series' statistics of that "
        f"channel (mean {estimator.mean_[c]:.3g}, scale "
        f"{estimator.scale_[c]:.3g}) is beyond float64's range: the series "
        "are on another scale than the training series were; rescale that "
        "channel."), name)
    return X_scaled


def _training_constants(X, sample_weight=None):
    """The value of each channel that holds one value in every training
    series (of positive weight), NaN for the others.

    Such a channel is standardised to 0 in every series the network learns
    from, so its input weights never get a gradient and stay as initialised:
    :func:`_warn_if_constant_channel_varies` says so when a new series
    varies there. Kept apart from ``mean_``, which is not always the value
    exactly (the mean of 10,000 steps of 0.1 is off by ~1e-14,
    :func:`_all_equal`). A series of weight 0 adds nothing to the loss, so
    it teaches that channel nothing either: left out, as from the statistics.
    """
    if sample_weight is not None:
        X = X[np.asarray(sample_weight, dtype=np.float64) > 0]
    return np.where(_all_equal(X, axis=(0, 1)), np.nanmax(X, axis=(0, 1)), np.nan)


def _warn_if_constant_channel_varies(estimator, X, name="X"):
    """Warn, once, where checked ``X`` (as given, not standardised) leaves
    the value a channel held in every training series (``_constant_values``).

    The model never learned to read that channel (it was 0 in training; a
    network's input weights on it kept their random initialisation), so
    what it makes of the new values was never fitted, and
    accuracy may collapse with no error (measured, a channel constant in
    training and varying in test: TAGM 0.94 -> 0.63, matching network
    0.96 -> 0.575). The outputs are left as they are. An estimator fitted
    before this was recorded (loaded from an older archive) has no
    ``_constant_values``, and is not warned about.
    """
    constant = getattr(estimator, "_constant_values", None)
    if constant is None or np.isnan(constant).all():
        return
    known = ~np.isnan(constant)
    # padding (NaN) compares unequal too: only observed values count
    differs = (X[:, :, known] != constant[known]) & ~np.isnan(X[:, :, known])
    if not differs.any():
        return
    i, t, k = (int(v[0]) for v in np.nonzero(differs))
    c = int(np.flatnonzero(known)[k])
    others = [int(j) for j in np.flatnonzero(known)[differs.any(axis=(0, 1))]
              if j != c]
    also = (f" (and so do channel(s) {others}, each constant in training)"
            if others else "")
    from ._warnings import warn

    warn(f"{name}'s sample {i} has the value {float(X[i, t, c])!r} at time step "
         f"{t}, channel {c}, which held {float(constant[c])!r} in every training "
         f"series{also}: standardised, it was 0 in every series the model "
         "learned from, so the model never learned to read that channel (a "
         "network's weights on it are still as initialised), and its output "
         "on these series may be wrong without any other sign. Drop the "
         "channel, or train on series in which it varies.")


def scaled_targets(y):
    """The median of regression targets ``y``, their mean absolute deviation
    from it (1 where that is 0) and ``y`` centred on the one, in units of the
    other: what a regressor trains on, as the channels are standardised.

    Targets spanning more than float64's range (``-1e308`` and ``1e308``)
    overflowed ``y - median`` or the mean to inf, a NaN training loss named
    as divergence: those are computed on ``y`` times a power of two, which
    is exact (bar bits below 2**-1074 of the scaled values) and leaves the
    scaled targets as they are; ordinary targets never take that path.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # handled below
        center = float(np.median(y))
        spread = float(np.mean(np.abs(y - center)))
    if not (np.isfinite(center) and np.isfinite(spread)):
        exponent = unit_exponent(y)
        center, spread, scaled = scaled_targets(np.ldexp(y, -exponent))
        # the spread of the scaled y is at most its largest |value| (< 1) and
        # so is the true spread's share of float64's range: both are finite
        return (float(np.ldexp(center, exponent)),
                float(np.ldexp(spread, exponent)) if scaled.any() else 1.0, scaled)
    scale = spread if spread > 0 else 1.0
    return center, scale, (y - center) / scale
