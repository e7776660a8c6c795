"""Clustering scores of routine discovery (thesis §3.3.4, eqs. 3.51-3.54).

The reference labelling is the time slot of each window ("time coherence"), or,
where known, the true activity. Every score is a thin wrapper of
``sklearn.metrics``, so each is invariant to a permutation of the cluster ids.
"""

import numpy as np
import scipy.sparse as sp
from sklearn import metrics

from ._protocols import _class_labels

_AVERAGES = ("arithmetic", "geometric", "min", "max")


def _check_average(value, name):
    if value not in _AVERAGES:
        raise ValueError(f"{name} must be one of {_AVERAGES}, got {value!r}.")
    return value


def clustering_scores(labels_true, labels_pred, *, nmi_average="arithmetic",
                      ami_average="arithmetic"):
    """Agreement of a clustering with reference labels.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Reference labels (time slots, or true activities).
    labels_pred : array-like of shape (n_samples,)
        Cluster ids.
    nmi_average, ami_average : {"arithmetic", "geometric", "min", "max"}, \
            default="arithmetic"
        Normaliser of NMI and AMI. The thesis prints the arithmetic mean; its
        Chapter 3 tables match ``nmi_average="geometric", ami_average="max"``
        (the scikit-learn defaults before 0.22).

    Returns
    -------
    scores : dict
        ``completeness``, ``homogeneity``, ``v_measure``, ``nmi``, ``ami``.

    Examples
    --------
    >>> from sktime_metric.evaluation import clustering_scores
    >>> s = clustering_scores([0, 0, 1, 1], [5, 5, 7, 7])
    >>> round(s["nmi"], 3), round(s["completeness"], 3)
    (1.0, 1.0)
    """
    labels_true = _class_labels(labels_true, "clustering_scores", "labels_true")
    labels_pred = _class_labels(labels_pred, "clustering_scores", "labels_pred",
                                n_samples=len(labels_true), of="labels_true")
    _check_average(nmi_average, "nmi_average")
    _check_average(ami_average, "ami_average")
    h, c, v = metrics.homogeneity_completeness_v_measure(labels_true, labels_pred)
    return {
        "completeness": float(c),
        "homogeneity": float(h),
        "v_measure": float(v),
        "nmi": float(metrics.normalized_mutual_info_score(
            labels_true, labels_pred, average_method=nmi_average)),
        "ami": float(metrics.adjusted_mutual_info_score(
            labels_true, labels_pred, average_method=ami_average)),
    }


def precomputed_silhouette(distances, labels):
    """Mean silhouette on a precomputed distance matrix (NaN if undefined).

    The matrix is symmetrised and its diagonal set to 0 first (a learned
    measure need not give exactly 0 there). Undefined, hence NaN, with fewer than
    2 or more than ``n_samples - 1`` clusters.

    Parameters
    ----------
    distances : array-like of shape (n_samples, n_samples)
        Dense, finite off the diagonal.
    labels : array-like of shape (n_samples,)
        Cluster of each sample.

    Returns
    -------
    silhouette : float

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.evaluation import precomputed_silhouette
    >>> x = np.array([0.0, 1.0, 10.0, 11.0])  # two tight, distant clusters
    >>> D = np.abs(x[:, None] - x[None, :])
    >>> round(precomputed_silhouette(D, [0, 0, 1, 1]), 2)
    0.9
    >>> # a learned measure's non-zero diagonal is ignored
    >>> precomputed_silhouette(D + 0.1 * np.eye(4), [0, 0, 1, 1]) == (
    ...     precomputed_silhouette(D, [0, 0, 1, 1]))
    True
    >>> precomputed_silhouette(D, [0, 0, 0, 0])  # one cluster: undefined
    nan
    """
    if sp.issparse(distances):
        # numpy made an object of it ("setting an array element with a
        # sequence"); a neighbours graph lacks the pairs a silhouette needs
        raise TypeError(
            "distances must be a dense matrix of every pair's distance; got a "
            f"{type(distances).__name__} (a shortlisted learner's neighbours "
            "graph?): compute them without a shortlist."
        )
    D = np.asarray(distances, dtype=np.float64)
    labels = _class_labels(labels, "precomputed_silhouette", "labels")
    if D.ndim != 2 or D.shape != (len(labels), len(labels)):
        raise ValueError(
            f"distances must be square with one row per label, got {D.shape} for "
            f"{len(labels)} labels."
        )
    bad = ~np.isfinite(D)
    np.fill_diagonal(bad, False)  # the diagonal is set to 0 below
    if bad.any():
        # scikit-learn's message named an "Input X"
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"distances must be finite off the diagonal; "
                         f"distances[{i}, {j}] is {D[i, j]}.")
    n_labels = len(np.unique(labels))
    if not 2 <= n_labels <= len(labels) - 1:
        return float("nan")
    D = np.maximum((D + D.T) / 2, 0.0)
    np.fill_diagonal(D, 0.0)
    return float(metrics.silhouette_score(D, labels, metric="precomputed"))


def routine_scores(labels_pred, slots, distances=None, *, activities=None,
                   nmi_average="arithmetic", ami_average="arithmetic"):
    """Time-coherence scores of a routine clustering (thesis §3.4.1).

    Parameters
    ----------
    labels_pred : array-like of shape (n_windows,)
        Cluster id of each window.
    slots : array-like of shape (n_windows,)
        Time-of-day slot of each window: the thesis's reference labelling.
        Completeness (one slot, one cluster) is the score of interest;
        homogeneity is reported for information only.
    distances : array-like of shape (n_windows, n_windows), default=None
        The (learned) distance matrix, for the silhouette. None: NaN.
    activities : array-like of shape (n_windows,), default=None
        True activity of each window, where known (synthetic data): adds the
        same scores against it, prefixed ``activity_``.
    nmi_average, ami_average : {"arithmetic", "geometric", "min", "max"}, \
            default="arithmetic"
        See :func:`clustering_scores`.

    Returns
    -------
    scores : dict
        ``completeness``, ``homogeneity``, ``v_measure``, ``nmi``, ``ami``,
        ``silhouette`` and, with ``activities``, ``activity_completeness``,
        ``activity_homogeneity``, ``activity_v_measure``, ``activity_nmi``,
        ``activity_ami``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.evaluation import routine_scores
    >>> slots = np.tile(np.arange(4), 3)          # 3 days of 4 slots
    >>> labels = np.tile([0, 0, 1, 1], 3)         # two routines
    >>> s = routine_scores(labels, slots)
    >>> round(s["completeness"], 3), round(s["homogeneity"], 3)
    (1.0, 0.5)
    """
    # named here, as this function's arguments; clustering_scores would call
    # them labels_true and labels_pred
    labels_pred = _class_labels(labels_pred, "routine_scores", "labels_pred")
    slots = _class_labels(slots, "routine_scores", "slots",
                          n_samples=len(labels_pred), of="labels_pred")
    if activities is not None:
        activities = _class_labels(activities, "routine_scores", "activities",
                                   n_samples=len(labels_pred), of="labels_pred")
    scores = clustering_scores(slots, labels_pred, nmi_average=nmi_average,
                               ami_average=ami_average)
    scores["silhouette"] = (
        float("nan") if distances is None
        else precomputed_silhouette(distances, labels_pred)
    )
    if activities is not None:
        for key, value in clustering_scores(
            activities, labels_pred, nmi_average=nmi_average, ami_average=ami_average
        ).items():
            scores[f"activity_{key}"] = value
    return scores
