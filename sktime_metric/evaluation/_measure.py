"""What the evaluation protocols measure with, and how.

Every protocol of :mod:`sktime_metric.evaluation` takes its measure the same
way:

- a fitted metric learner of this package (anything with
  ``pairwise_distances`` or ``pair_score``): its learned distance;
- a fitted transformer whose ``transform`` embeds each series in one row (an
  embedder of this package, a scikit-learn ``Pipeline`` of preprocessing steps
  and an embedder, ...): the Euclidean distance between the rows. A
  ``Pipeline`` whose last step is a metric learner has that learner's own
  distance (the seq2seq embedder's cosine one included) on the series the
  steps before it transform (``CoupledGRUMetric`` and ``RVSMLMetric``
  included). Anywhere else in a ``Pipeline`` these two are refused: their
  ``transform`` gives the distances to their training series, no embedding;
- the string ``"dtw"`` (tslearn's DTW, the papers' baseline);
- a callable ``metric(u, v) -> distance`` on two single series (their padding
  removed).

A NaN distance is refused (a ``ValueError`` naming the measure); ``np.inf`` is
a distance, farther than any other (a shortlisted learner's unscored pairs).
"""

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances, paired_euclidean_distances
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..utils._dtw import cdist_dtw_padded, dtw_distance


def _is_learner(metric):
    return hasattr(metric, "pairwise_distances") or hasattr(metric, "pair_score")


def _training_distances_step(metric):
    """The ``(name, step)`` of ``metric`` (itself, or a step of a ``Pipeline``,
    nested ones included, but for a last step that is a learner) whose
    ``transform`` is the distances to its training series, or None."""
    from ..metric._training_distances import embeds

    if not isinstance(metric, Pipeline):
        return None if embeds(metric) else (None, metric)
    steps = metric.steps
    if _is_learner(steps[-1][1]):
        # the last step measures with its own distance (pairwise_distances),
        # not with its transform: a coupled GRU or RVSML may end the Pipeline
        steps = steps[:-1]
    for name, step in steps:
        if step is None or isinstance(step, str):  # "passthrough"
            continue
        found = _training_distances_step(step)
        if found is not None:
            return (name, found[1]) if found[0] is None else found
    return None


def _check_measure(metric, *, fitted=True, name="metric"):
    """Refuse what :class:`_Measure` cannot measure with: a name other than
    ``"dtw"``, an object of no accepted kind and (not ``fitted``: the kind of
    an estimator whose clones will be fitted) an unfitted transformer.
    ``name``: the caller's parameter, which the messages name."""
    if isinstance(metric, str):
        if metric != "dtw":
            raise ValueError(f"The only metric name is 'dtw'; got {metric!r}.")
        return
    if callable(metric) or _is_learner(metric):
        return
    if not hasattr(metric, "transform"):
        raise TypeError(
            f"{name} must be a metric learner (with pairwise_distances or "
            "pair_score), a transformer whose transform embeds each series in "
            f"one row, 'dtw' or a callable metric(u, v); got {type(metric).__name__}."
        )
    # a transformer: its rows must embed each series alone
    found = _training_distances_step(metric)
    if found is not None:
        name, step = found
        what = (type(step).__name__ if name is None else
                f"the {type(metric).__name__}'s step {name!r} "
                f"({type(step).__name__})")
        raise TypeError(
            f"{name}'s transform is no embedding of each series: {what} "
            "transforms series into their distances to its training series. "
            "Make it the Pipeline's last step (or pass the fitted learner "
            "itself): its pairwise_distances is the learned distance."
        )
    if fitted:
        check_is_fitted(metric)


class _Measure:
    """Pairwise and paired distances of a learner, of a transformer's rows, of
    DTW or of a callable."""

    def __init__(self, metric, name="metric"):
        _check_measure(metric, name=name)
        self.metric = metric
        self.name = name
        self.is_dtw = isinstance(metric, str)
        self.is_learner = not isinstance(metric, str) and _is_learner(metric)
        # a transformer: the Euclidean distance between its rows, or a
        # Pipeline ending in a learner: that learner's own distance (cosine
        # for a seq2seq embedder) on the series its other steps transform
        self.is_embedder = not (self.is_dtw or self.is_learner or callable(metric))
        self.steps = self.last = None
        if self.is_embedder and isinstance(metric, Pipeline):
            last = metric.steps[-1][1]
            if not (last is None or isinstance(last, str)) and (
                _is_learner(last) or isinstance(last, Pipeline)
            ):
                self.steps = metric[:-1] if len(metric.steps) > 1 else None
                self.last = _Measure(last)

    def _prefix(self, X):
        """``X`` through the steps before the last (a delegating Pipeline)."""
        return X if self.steps is None else self.steps.transform(X)

    def _rows(self, X):
        """The transformer's embedding of ``X``: one row per series."""
        from ..metric._mixin import transform_rows

        rows = transform_rows(self.metric, X)
        if rows.ndim != 2 or len(rows) != len(X):
            raise ValueError(
                f"metric's transform ({type(self.metric).__name__}) gave an array "
                f"of shape {rows.shape} for {len(X)} series, not an embedding of "
                "one row per series: end it with an embedder."
            )
        return rows

    def _learner_grid(self, X, Y):
        """Distances on the grid ``X x Y`` from ``pair_score`` alone."""
        n_x, n_y = len(X), len(Y)
        first = np.repeat(X, n_y, axis=0)
        second = np.tile(Y, (n_x,) + (1,) * (Y.ndim - 1))
        return -self.metric.pair_score(first, second).reshape(n_x, n_y)

    def pairwise(self, X, Y):
        """``(len(X), len(Y))`` distances between NaN-padded arrays."""
        return self._no_nan(self._pairwise(X, Y))

    def paired(self, X, pairs):
        """Distances of the pairs ``(X[i], X[j])`` listed in ``pairs``."""
        return self._no_nan(self._paired(X, pairs))

    def _no_nan(self, distances):
        """``distances`` as float64, refused if one is NaN.

        A NaN is no distance: argmin would take it for the nearest and a
        comparison for neither nearer nor farther, so the protocols' numbers
        would be wrong, silently. ``np.inf`` (a pair a shortlist did not
        score, or that the measure puts infinitely far) is a distance."""
        distances = np.asarray(distances, dtype=np.float64)
        n_nan = int(np.isnan(distances).sum())
        if n_nan:
            name = self.metric if self.is_dtw else getattr(
                self.metric, "__name__", type(self.metric).__name__)
            raise ValueError(
                f"{self.name} ({name}) gave NaN for {n_nan} of the {distances.size} "
                "distances measured: a distance must be a number (np.inf "
                "for one that is infinitely far)."
            )
        return distances

    def _pairwise(self, X, Y):
        if self.last is not None:
            X_rows = self._prefix(X)
            return self.last._pairwise(X_rows, X_rows if Y is X else self._prefix(Y))
        if self.is_embedder:
            A = self._rows(X)
            return euclidean_distances(A, A if Y is X else self._rows(Y))
        if self.is_learner:
            if hasattr(self.metric, "pairwise_distances"):
                from ..metric._shortlist import dense_distances

                # a shortlisted learner (the coupled GRU's shortlist_size)
                # gives a neighbours graph: the pairs it did not score are
                # far, where indexing and argmin would read them as 0
                return dense_distances(self.metric.pairwise_distances(X, Y))
            return self._learner_grid(X, Y)
        if self.is_dtw:
            return cdist_dtw_padded(X, None if Y is X else Y)
        return np.array([[self.paired_one(u, v) for v in Y] for u in X])

    def _paired(self, X, pairs):
        a, b = pairs[:, 0], pairs[:, 1]
        if self.last is not None:
            return self.last._paired(self._prefix(X), pairs)
        if self.is_embedder:
            A = self._rows(X)
            return paired_euclidean_distances(A[a], A[b])
        if self.is_learner:
            indexed = getattr(self.metric, "_indexed_pair_distances", None)
            if indexed is not None:  # prepares (embeds, ...) each series once
                return indexed(X, pairs)
            if hasattr(self.metric, "pair_distance"):
                return self.metric.pair_distance(X[a], X[b])
            return -self.metric.pair_score(X[a], X[b])
        return np.array([self.paired_one(X[i], X[j]) for i, j in zip(a, b)])

    def paired_one(self, u, v):
        u, v = _strip(u), _strip(v)
        if self.is_dtw:
            return dtw_distance(u, v)
        return float(self.metric(u, v))


def _strip(series):
    """One NaN-padded ``(T, d)`` series cut to its length."""
    observed = ~np.isnan(series).all(axis=1)
    return series[: len(observed) - int(np.argmax(observed[::-1]))]
