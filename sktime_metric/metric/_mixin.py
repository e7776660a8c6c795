"""The learned metric of a metric learner, in the forms scikit-learn users need.

Shape of the API (metric-learn's ``base_metric.py``, for sequences):

- ``pair_distance(X1, X2)`` / ``pair_score(X1, X2)``: one value per aligned pair
  ``(X1[i], X2[i])``; a distance (lower = more similar) and a score (higher =
  more similar).
- ``pairwise_distances(X, Y=None)``: the ``(n_x, n_y)`` matrix, computed by row
  blocks, for ``KNeighborsClassifier(metric="precomputed")`` and friends.
- ``get_metric()``: a plain, picklable function of two single series.
- ``score(X, y)``: pair ROC AUC on labelled data, so ``GridSearchCV`` can tune a
  metric learner alone.

A learner supplies three hooks: ``_metric_inputs(X)`` (validate ``X`` and map it
to rows the other hooks index, e.g. embeddings, or the checked series themselves
for a learner that cannot embed one sequence alone), ``_paired_distances(A, B)``
and, when it has a faster way than scoring every pair of the grid,
``_pairwise_block(A, B)``.
"""

import copy

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["LearnedMetric", "PairMetricMixin"]


class LearnedMetric:
    """A fitted learner's distance between two single series, as a function.

    Made by :meth:`PairMetricMixin.get_metric`; holds a copy of the learner, so
    refitting the learner later does not change it. ``metric(u, v)`` takes two
    series of shape ``(T, n_channels)`` (NaN-padded or not, of any lengths) or
    ``(T,)``, or flattened ``(T * n_channels,)`` rows as scikit-learn's
    neighbours pass them, and returns a float.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def __call__(self, u, v):
        est = self.estimator
        return float(est.pair_distance(est._as_single(u), est._as_single(v))[0])

    def __repr__(self):
        return f"LearnedMetric({type(self.estimator).__name__})"


class PairMetricMixin:
    """``pair_distance``, ``pair_score``, ``pairwise_distances``, ``get_metric``."""

    # pairs scored per block of pairwise_distances (bounds the memory per block)
    _pairwise_block_pairs = 2**20

    # -- hooks -------------------------------------------------------------

    def _metric_inputs(self, X):
        """Check fitted, validate ``X``, return an array of prepared rows."""
        raise NotImplementedError

    def _paired_distances(self, A, B):
        """Distances ``(n,)`` between the aligned prepared rows ``A[i]``, ``B[i]``."""
        raise NotImplementedError

    def _pairwise_block(self, A, B):
        """``(len(A), len(B))`` distances; by default every pair of the grid."""
        n_a, n_b = len(A), len(B)
        reps = (n_a,) + (1,) * (B.ndim - 1)
        return self._paired_distances(
            np.repeat(A, n_b, axis=0), np.tile(B, reps)
        ).reshape(n_a, n_b)

    def _score_from_distance(self, distance):
        """metric-learn's convention: the score is minus the distance."""
        return -distance

    def _as_single(self, u):
        """One series (or one flattened row) as a dataset of one."""
        u = np.asarray(u, dtype=np.float64)
        if u.ndim != 1:
            return u[None]
        n_channels = self.n_features_in_
        if u.size % n_channels:
            raise ValueError(
                f"A 1-D input of size {u.size} is not a flattened series of "
                f"{n_channels} channels."
            )
        return u.reshape(1, -1, n_channels)

    def _indexed_pair_distances(self, X, pairs):
        """Distances of the pairs ``(X[i], X[j])`` given as rows of indices.

        Each series is prepared (embedded, ...) once however many pairs it is
        in; what :func:`~sktime_metric.evaluation.pair_auc` uses.
        """
        A = self._metric_inputs(X)
        return self._paired_distances(A[pairs[:, 0]], A[pairs[:, 1]])

    # -- public API ----------------------------------------------------------

    def pair_distance(self, X1, X2):
        """Learned distance between the series ``X1[i]`` and ``X2[i]``.

        Parameters
        ----------
        X1 : array-like of shape (n_pairs, n_timestamps, n_channels) or list
            First series of each pair, NaN-padded.
        X2 : array-like of shape (n_pairs, n_timestamps_2, n_channels) or list
            Second series of each pair; may be padded to another length.

        Returns
        -------
        distances : ndarray of shape (n_pairs,)
            Lower means more similar.
        """
        A, B = self._metric_inputs(X1), self._metric_inputs(X2)
        if len(A) != len(B):
            raise ValueError(
                f"X1 and X2 must hold the same number of series (one pair per "
                f"row); got {len(A)} and {len(B)}."
            )
        return self._paired_distances(A, B)

    def pair_score(self, X1, X2):
        """Learned similarity of the series ``X1[i]`` and ``X2[i]``.

        Parameters
        ----------
        X1 : array-like of shape (n_pairs, n_timestamps, n_channels) or list
        X2 : array-like of shape (n_pairs, n_timestamps_2, n_channels) or list

        Returns
        -------
        scores : ndarray of shape (n_pairs,)
            Higher means more similar.
        """
        return self._score_from_distance(self.pair_distance(X1, X2))

    def pairwise_distances(self, X, Y=None):
        """Learned distances between every series of ``X`` and every one of ``Y``.

        The input of ``KNeighborsClassifier(metric="precomputed")``: fit it on
        ``pairwise_distances(X_train)``, predict from
        ``pairwise_distances(X_test, X_train)``. Computed by blocks of rows.

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_timestamps, n_channels) or list
        Y : array-like of shape (n_samples_Y, n_timestamps_Y, n_channels), \
                list or None, default=None
            None means ``Y = X``.

        Returns
        -------
        distances : ndarray of shape (n_samples_X, n_samples_Y)
            Non-negative. The diagonal of ``pairwise_distances(X)`` need not be
            zero when the learned measure is not a metric.
        """
        A = self._metric_inputs(X)
        B = A if Y is None else self._metric_inputs(Y)
        out = np.empty((len(A), len(B)))
        step = max(1, self._pairwise_block_pairs // max(1, len(B)))
        for start in range(0, len(A), step):
            out[start : start + step] = self._pairwise_block(A[start : start + step], B)
        return out

    def get_metric(self):
        """The learned distance as a plain, picklable function of two series.

        Returns
        -------
        metric : callable
            ``metric(u, v) -> float``, see :class:`LearnedMetric`. For
            scikit-learn's neighbours (equal-length series flattened to rows)
            pass ``algorithm="brute"``: the learned measure need not satisfy the
            triangle inequality that tree indexes assume.
        """
        check_is_fitted(self)
        return LearnedMetric(copy.deepcopy(self))

    def score(self, X, y):
        """Pair ROC AUC: how well the learned measure ranks same-label pairs first.

        All unordered pairs of distinct series of ``X`` (a fixed random subset of
        60,000 when there are more) are scored with :meth:`pair_score`; similar
        pairs are those with equal labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        y : array-like of shape (n_samples,)

        Returns
        -------
        auc : float
        """
        from ..evaluation import pair_auc

        return pair_auc(self, X, y, random_state=0)
