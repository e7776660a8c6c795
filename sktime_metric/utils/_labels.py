"""The one check of class labels (and of the groups and the weights beside
them), for every estimator fitted on them."""

import numpy as np

__all__ = ["check_class_labels", "check_class_weights", "check_groups",
           "check_sample_weight"]


def _is_missing(value):
    """None, a float NaN, pandas' ``NA`` or ``NaT``: a missing label."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(np.isnan(value))
    except (TypeError, ValueError):
        return False


def _refuse_missing(values, name, why):
    """A ``ValueError`` naming the first missing entry of 1-D ``values``."""
    if values.dtype.kind in "fc" or values.dtype == object:
        # vectorised for numbers; one look per entry only for objects
        missing = np.flatnonzero(np.isnan(values) if values.dtype.kind in "fc"
                                 else [_is_missing(v) for v in values])
        if missing.size:
            i = int(missing[0])
            raise ValueError(
                f"{name} has a missing value ({values[i]!r}) at position {i}"
                + (f" and {missing.size - 1} more" if missing.size > 1 else "")
                + f": {why}"
            )


def _refuse_infinite(values, name, why):
    """A ``ValueError`` naming the first infinite entry of 1-D float ``values``
    (NaN is :func:`_refuse_missing`'s)."""
    if values.dtype.kind in "fc" and np.isinf(values).any():
        i = int(np.flatnonzero(np.isinf(values))[0])
        raise ValueError(f"{name} has an infinite value ({values[i].item()!r}) "
                         f"at position {i}: {why}")


def _refuse_mixed_label_types(values, name):
    """A ``TypeError`` naming the first string among other labels, or the
    reverse: numpy cannot sort them, and scikit-learn's target check fails
    on that with numpy's bare ``'<' not supported`` message."""
    is_str = [isinstance(v, str) for v in values]
    if any(is_str) and not all(is_str):
        i = is_str.index(not is_str[0])
        raise TypeError(
            f"{name} mixes strings and other labels: {values[0]!r} at position 0, "
            f"{values[i]!r} at position {i}. Class labels must be all strings or "
            f"all numbers; convert them first, e.g. with "
            # np.asarray: y may be a list, which has no astype
            f"np.asarray({name}, dtype=str)."
        )


def check_class_weights(class_weight, classes, y, *, zero=None):
    """scikit-learn's ``compute_class_weight``, refusing weights that are not
    finite and non-negative.

    scikit-learn takes a dict's values as they are: a negative weight made
    the torch classifiers maximise that class's loss (silently, or a loss of
    -inf named as divergence), NaN was named as weights that "sum to 0".

    Parameters
    ----------
    class_weight : dict, "balanced" or None
    classes : array-like of shape (n_classes,)
    y : array-like of shape (n_samples,)
    zero : str or None, default=None
        None: a weight of 0 is allowed (the class's series do not count).
        Otherwise 0 is refused too, with this reason.

    Returns
    -------
    weights : ndarray of shape (n_classes,)

    Examples
    --------
    >>> from sktime_metric.utils._labels import check_class_weights
    >>> check_class_weights({"a": 1.0, "b": -2.0}, ["a", "b"], ["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: class_weight gives class 'b' the weight -2.0: class weights must be finite and non-negative.
    """
    from sklearn.utils.class_weight import compute_class_weight

    classes = np.asarray(classes)
    weights = compute_class_weight(class_weight, classes=classes, y=y)
    bad = np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)))
    why = "class weights must be finite and non-negative."
    if not bad.size and zero is not None:
        bad, why = np.flatnonzero(weights == 0), zero
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"class_weight gives class {classes[k:k + 1].tolist()[0]!r} the "
            f"weight {float(weights[k])!r}: {why}"
        )
    return weights


def check_sample_weight(sample_weight, n_samples):
    """``sample_weight`` as checked float64 weights of ``n_samples`` series.

    scikit-learn's ``_check_sample_weight`` (one finite, non-negative weight
    per series; None gives ones), after refusing dates and durations, which
    numpy would read as counts of their unit. The one check of the weights
    that the classifiers' loss and their standardisation both use.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    n_samples : int

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sktime_metric.utils._labels import check_sample_weight
    >>> check_sample_weight([1, 0, 2], 3)
    array([1., 0., 2.])
    """
    from ._sklearn_compat import _check_sample_weight
    from ._time import refuse_time_values

    refuse_time_values(sample_weight, "sample_weight")
    return _check_sample_weight(sample_weight, np.empty((n_samples, 0)),
                                dtype=np.float64, ensure_non_negative=True)


def check_groups(groups, n_samples):
    """``groups`` as checked 1-D group ids of ``n_samples`` series: one each,
    none missing (scikit-learn's ``groups``, e.g. the day of each window).

    Examples
    --------
    >>> from sktime_metric.utils._labels import check_groups
    >>> check_groups([0, 0, 1], 3)
    array([0, 0, 1])
    """
    from sklearn.utils.validation import column_or_1d

    groups = column_or_1d(groups)
    if len(groups) != n_samples:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: X has "
            f"{n_samples} series but groups has {len(groups)} entries."
        )
    _refuse_missing(groups, "groups", "every series needs a group.")
    return groups


def check_class_labels(y, n_samples, *, estimator, instead=None, min_classes=2,
                       names=("X", "y"), classification=True):
    """``y`` as checked 1-D class labels of ``n_samples`` series.

    One label check for every estimator fitted on class labels, and for the
    evaluation helpers taking them: present, 1-D, as many as samples, no
    missing value, not strings mixed with other labels, classification
    targets and at least ``min_classes`` classes.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or None
    n_samples : int or None
        None: no length to match (labels passed without their series, as to
        :func:`~sktime_metric.evaluation.class_split`).
    estimator : str
        Its name, for the messages.
    instead : str or None, default=None
        Completes the error raised when ``y`` is None (e.g. how to fit without
        labels).
    min_classes : int, default=2
    names : tuple of (str, str), default=("X", "y")
        What the messages call the series and the labels (e.g. a support
        set's ``("X_support", "y_support")``).
    classification : bool, default=True
        Refuse labels scikit-learn would not fit a classifier on (continuous
        or infinite values); False for uses that only compare labels for
        equality, such as the pairs of a score (a column of labels is then
        read without scikit-learn's ``DataConversionWarning``, as its metrics
        read it). Missing values and strings mixed with other labels are
        refused either way.

    Returns
    -------
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> from sktime_metric.utils import check_class_labels
    >>> check_class_labels(["a", None, "b"], 3, estimator="Model")
    Traceback (most recent call last):
    ...
    ValueError: y has a missing value (None) at position 1: every series needs a class label. Drop the unlabelled series or give them a label.
    """
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import column_or_1d

    x_name, y_name = names
    if y is None:
        raise ValueError(
            f"{estimator} requires {y_name} to be passed, but the target {y_name} "
            "is None." + (f" {instead}" if instead else "")
        )
    if isinstance(y, (list, tuple)):
        # numpy makes text of a list mixing strings with numbers or NaN
        # (["a", 7, nan] -> ["a", "7", "nan"]): a class "nan" and a class "7"
        # the checks below would not see, where an object array is refused;
        # a column of one-label lists ([["a"], [7]]) likewise
        as_objects = np.asarray(y, dtype=object)
        labels = as_objects.ravel() if as_objects.ndim <= 2 else ()
        if (any(isinstance(v, str) for v in labels)
                and not all(isinstance(v, str) for v in labels)):
            y = as_objects
    # a column of labels: scikit-learn's DataConversionWarning where a model is
    # fitted on them, read silently where they are only compared (scores,
    # evaluation helpers), as scikit-learn's metrics read them
    y = column_or_1d(y, warn=classification)
    if n_samples is not None and len(y) != n_samples:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {x_name} "
            f"has {n_samples} series but {y_name} has {len(y)} labels."
        )
    _refuse_missing(y, y_name, "every series needs a class label. Drop the "
                    "unlabelled series or give them a label.")
    if y.dtype == object:
        # labels only compared for equality (classification=False) too: a 7
        # among strings is a class apart from "7" there, where numpy's sort
        # (np.unique, scikit-learn's clustering scores) fails on it
        _refuse_mixed_label_types(y, y_name)
    if classification:
        # before scikit-learn's target check, which casts inf to int (a numpy
        # RuntimeWarning) on the way to its own message; labels only compared
        # for equality (classification=False) may be infinite
        _refuse_infinite(y, y_name, "class labels must be finite.")
        check_classification_targets(y)
    classes = np.unique(y) if y.dtype != object else np.unique(y.astype(str))
    if len(classes) < min_classes:
        raise ValueError(
            f"{estimator} needs at least {min_classes} classes; {y_name} has "
            f"{len(classes)} class ({classes[0].tolist()!r}) only."
            if len(classes) == 1
            else f"{estimator} needs at least {min_classes} classes; {y_name} has "
            f"{len(classes)}."
        )
    return y
