"""What a new fit forgets: the one place an estimator's fitted state is reset.

scikit-learn's rule is that ``fit`` starts afresh: ``est.fit(X, y)`` after any
earlier fit and ``set_params`` leaves the attributes that
``clone(est).fit(X, y)`` leaves. Each ``fit`` overwrites what it sets, but a
fitted attribute that only some parameters or inputs set (``mean_`` and
``scale_`` with ``standardize=True``, a KISSME head's ``components_``, a
video's ``frame_shape_``) outlived a refit without them: a model trained
without standardising still reported the earlier fit's statistics. Every
public ``fit`` (and ``fit_pairs``) therefore calls
:func:`reset_fitted_state` once its parameters are validated, before it
reads any data. Documented as part of :mod:`sktime_metric.base`, which
re-exports it.
"""

__all__ = ["reset_fitted_state"]


def reset_fitted_state(estimator):
    """Delete every fitted attribute of ``estimator``, as a fresh clone has none.

    Fitted attributes are scikit-learn's (what ``check_is_fitted`` reads):
    instance attributes whose name ends with ``_`` and does not start with
    ``__``. Parameters, and properties such as ``history_``, are left alone.

    Parameters
    ----------
    estimator : object
        The estimator about to be fitted.

    Examples
    --------
    >>> from sktime_metric.base import reset_fitted_state
    >>> from sktime_metric.metric import KISSMETransformer
    >>> kissme = KISSMETransformer().fit([[0.0, 1.0], [1.0, 0.0], [0.0, 1.1],
    ...                                   [1.1, 0.0]], [0, 1, 0, 1])
    >>> reset_fitted_state(kissme)
    >>> hasattr(kissme, "components_"), kissme.get_params()["n_components"]
    (False, None)
    """
    for name in [name for name in vars(estimator)
                 if name.endswith("_") and not name.startswith("__")]:
        delattr(estimator, name)
