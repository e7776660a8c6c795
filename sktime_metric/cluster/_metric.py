"""The window metric of routine discovery: its distance matrix, learned or fixed.

A metric named by string is a learner (:class:`~sktime_metric.metric.CoupledGRUMetric`
as "sgru" and "cgru", :class:`~sktime_metric.metric.Seq2SeqEmbedder`,
:class:`~sktime_metric.metric.SiameseRNNEmbedder`) fitted on the windows under the
time-of-day equivalence constraint (thesis §3.3.4): with the slots as labels
(and, for "seq2seq", the days as groups), or on pairs sampled from the
constraint (:func:`~sktime_metric.cluster.time_of_day_pairs`). "euclidean" and "dtw" learn
nothing; a fitted learner is used as is and a callable ``metric(w1, w2)`` on
every pair of windows. Pure helpers of :class:`~sktime_metric.cluster.RoutineClusterer`.
"""

import inspect

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ..utils._warnings import ignoring
from ._slots import has_similar_pair, no_similar_pair, time_of_day_pairs

_LEARNERS = ("sgru", "cgru", "seq2seq", "siamese")

# "sgru": the thesis's siamese GRU (§4.4, the coupled GRU's control), with 100
# units as in its routine experiment, reading frames by the classifiers' rule,
# 40 epochs (measured: user guide, "Defaults, measured": single steps are
# slower and cluster worse; CoupledGRUMetric's 200 epochs fit the training
# days' slots better and cluster the new days worse, NMI 0.38 vs 0.43)
_PRESETS = {"sgru": {"coupling": False, "hidden_size": 100, "window_size": "auto",
                     "stride": "auto", "max_epochs": 40}}

# Fitted on constraint pairs (``fit_pairs``), CoupledGRUMetric needs the
# contrastive loss and no 1-NN early stopping (both need class labels); its
# own defaults are for ``fit(X, y)``.
_CGRU_PAIR_FIT = {"loss": "contrastive", "early_stopping": False}


def _learner(name, params, seed, *, on_pairs):
    from ..metric import CoupledGRUMetric, Seq2SeqEmbedder, SiameseRNNEmbedder

    cls = {"sgru": CoupledGRUMetric, "cgru": CoupledGRUMetric,
           "seq2seq": Seq2SeqEmbedder, "siamese": SiameseRNNEmbedder}[name]
    pair_fit = _CGRU_PAIR_FIT if on_pairs and cls is CoupledGRUMetric else {}
    return cls(**{"random_state": seed, **_PRESETS.get(name, {}), **pair_fit, **params})


def _slots_as_labels(metric, days, slots, slot_tolerance):
    """Whether ``metric`` is fitted with the slots as class labels.

    The GRU metrics then train with the structural loss over time-slot classes
    (thesis §4.4.4, its routine experiment), which says "same slot: similar"
    only when no day holds two windows of one slot (overlapping windows) and
    no tolerance widens the slots; the seq2seq learner draws its pairs from
    the slots and days itself. Otherwise: constraint pairs.
    """
    if slot_tolerance != 0 or metric not in ("sgru", "cgru", "seq2seq"):
        return False
    if metric == "seq2seq":
        return True
    one_per_day = len(np.unique(np.c_[days, slots], axis=0)) == len(slots)
    # a single day has no "same slot, other day" pair: the pair sampler says so
    return one_per_day and len(np.unique(days)) > 1


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _takes_windows(fit_pairs):
    """Whether ``fit_pairs(W, pairs, labels)``, as ``_fit_learner`` calls it, binds."""
    try:
        inspect.signature(fit_pairs).bind(None, None, None)
    except TypeError:
        return False
    return True


def _fit_learner(W, metric, params, *, days, slots, n_slots, slot_tolerance, n_pairs,
                 seed):
    """The learner of ``metric``, fitted on ``W`` under the time-of-day constraint.

    A learner named by string is built and fitted, an unfitted estimator
    cloned and fitted, a fitted one returned as is (``days`` and the rest
    unused then).
    """
    labelled = isinstance(metric, str) and _slots_as_labels(metric, days, slots,
                                                            slot_tolerance)
    if isinstance(metric, str):
        learner = _learner(metric, params, seed, on_pairs=not labelled)
    elif _is_fitted(metric):
        return metric
    elif hasattr(metric, "fit_pairs") and not _takes_windows(metric.fit_pairs):
        # KISSME's fit_pairs(pairs, labels) takes vector pairs (metric-learn's
        # layout): Python's "takes 3 positional arguments but 4 were given"
        raise TypeError(
            f"metric={type(metric).__name__}() is unfitted, and its "
            f"fit_pairs{inspect.signature(metric.fit_pairs)} does not take the "
            "windows, fit_pairs(X, pairs, pair_labels), as RoutineClusterer "
            "trains a learner. A learner on feature vectors (KISSMETransformer) "
            "cannot read the windows: for KISSME on windows, use "
            "metric='seq2seq' (a seq2seq embedding with a KISSME head)."
        )
    elif not hasattr(metric, "fit_pairs"):
        # trained below on time-of-day pairs; an AttributeError said so before
        raise TypeError(
            f"metric={type(metric).__name__}() is unfitted, and RoutineClusterer "
            "trains an unfitted learner on its time-of-day pairs (fit_pairs), "
            f"which {type(metric).__name__} has not. Fit it first (e.g. on a "
            "fitted RoutineClusterer's windows_ and slot_index_) and pass the "
            "fitted learner, or pass a learner with fit_pairs."
        )
    else:
        learner = clone(metric)
    if labelled and metric == "seq2seq":
        # its own message would speak of classes and labels, not slots and days
        if not has_similar_pair(slots, days):
            raise no_similar_pair(days)
        learner.fit(W, slots, groups=days)
    elif labelled:
        # 24 slots of a few days are many classes for their windows, by design
        # (ignoring, not catch_warnings: fits in threads would undo each other's)
        with ignoring("The number of unique classes"):
            learner.fit(W, slots)
    else:
        pairs, labels = time_of_day_pairs(
            slots, days, n_slots=n_slots, slot_tolerance=slot_tolerance,
            n_pairs=n_pairs, random_state=seed,
        )
        learner.fit_pairs(W, pairs, labels)
    return learner


def window_distances(W, metric, params, *, days, slots, n_slots, slot_tolerance,
                     n_pairs, seed):
    """Distance matrix of the windows ``W`` under ``metric``.

    Parameters
    ----------
    W : ndarray of shape (n_windows, T, d)
        The (resampled, standardised) windows.
    metric : str, metric learner or callable
        As ``RoutineClusterer(metric=...)``, "precomputed" excepted.
    params : dict
        Constructor parameters of a learner named by string, or keyword
        arguments of tslearn's ``cdist_dtw``.
    days, slots : ndarray of shape (n_windows,)
        Day and time-of-day slot of each window: the constraint a learner
        is fitted under.
    n_slots, slot_tolerance, n_pairs : int
        Of the constraint pairs (:func:`~sktime_metric.cluster.time_of_day_pairs`)
        that a pair-trained learner is fitted on.
    seed : int
        Seeds a learner named by string and the pairs.

    Returns
    -------
    distances : ndarray of shape (n_windows, n_windows)
    embedding : ndarray of shape (n_windows, dim) or None
        The windows' embeddings when the metric has them.
    dim : int or None
        The embedding dimension of a learner (None for "euclidean").
    kernel : {"gaussian", "cosine"}
        The thesis's kernel for these distances (eq. 3.50): "cosine" for a
        cosine learner.
    learner : estimator or None
        The fitted learner, None without one.
    """
    if isinstance(metric, str) and metric == "euclidean":
        if np.isnan(W).any():
            raise ValueError("metric='euclidean' needs equal-length windows; use 'dtw'.")
        from sklearn.metrics import pairwise_distances

        flat = W.reshape(len(W), -1)
        return pairwise_distances(flat), flat, None, "gaussian", None
    if isinstance(metric, str) and metric == "dtw":
        from tslearn.metrics import cdist_dtw

        return cdist_dtw(W, **params), None, None, "gaussian", None
    if isinstance(metric, str) or hasattr(metric, "pairwise_distances"):
        learner = _fit_learner(W, metric, params, days=days, slots=slots,
                               n_slots=n_slots, slot_tolerance=slot_tolerance,
                               n_pairs=n_pairs, seed=seed)
        from ..metric._mixin import PairMetricMixin, transform_rows
        from ..metric._training_distances import embeds

        embedding = dim = None
        if embeds(learner):  # not distances to training series (CGRU, RVSML)
            embedding = transform_rows(learner, W)  # an ndarray under set_output
            dim = embedding.shape[1]
        if embedding is not None and isinstance(learner, PairMetricMixin):
            # the mixin's distances are a function of the transform rows (its
            # contract for _metric_inputs): the windows are embedded once
            D = learner._pairwise_from_inputs(embedding, embedding)
        else:
            D = learner.pairwise_distances(W)
        kernel = "cosine" if getattr(learner, "metric", None) == "cosine" else "gaussian"
        return D, embedding, dim, kernel, learner
    D = np.zeros((len(W), len(W)))
    for i in range(len(W)):
        for j in range(i + 1, len(W)):
            D[i, j] = D[j, i] = float(metric(W[i], W[j]))
    return D, None, None, "gaussian", None
