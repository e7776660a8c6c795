"""The learned metric of a metric learner, in the forms scikit-learn users need.

Shape of the API (metric-learn's ``base_metric.py``, for sequences):

- ``pair_distance(X1, X2)`` / ``pair_score(X1, X2)``: one value per aligned pair
  ``(X1[i], X2[i])``; a distance (lower = more similar) and a score (higher =
  more similar).
- ``pairwise_distances(X, Y=None, *, n_jobs=None, chunk_size=None)``: the
  ``(n_x, n_y)`` matrix, for ``KNeighborsClassifier(metric="precomputed")`` and
  friends, computed by tiles of at most ``chunk_size`` pairs on ``n_jobs``
  threads (as scikit-learn's ``pairwise_distances``, which also uses threads).
- ``get_metric()``: a plain, picklable function of two single series.
- ``score(X, y)``: pair ROC AUC on labelled data, so ``GridSearchCV`` can tune a
  metric learner alone.

:class:`~sktime_metric.metric.CoupledGRUMetric`, which cannot embed a series
alone, adds ``shortlist_size`` and ``shortlist`` to ``pairwise_distances``: a
two-stage k-NN search (``_shortlist.py``) that couples only each row's nearest
candidates in a cheap embedding.

A learner without a per-series embedding (the coupled GRU, RVSML) takes
``_training_distances.TrainingDistancesMixin`` as well: its ``transform``
gives the distances to the training series, so that it is a ``Pipeline``
step before ``KNeighborsClassifier(metric="precomputed")``.

Three hooks define the distance: ``_metric_inputs(X, name)`` (validate ``X``,
which messages call ``name``: "X", "Y", "X1", ..., and map it to rows the
other hooks index), ``_paired_distances(A, B)`` and
``_pairwise_block(A, B)``. Their defaults are those of a learner that embeds
(metric-learn's ``MahalanobisMixin``): the rows of ``transform``, and the
Euclidean distance between them (KISSME, the seq2seq and siamese embedders). A
learner whose distance is another function of its embeddings in some settings
(cosine, a similarity head) overrides the two distance hooks there and defers to
these otherwise; one that cannot embed a series alone (the coupled GRU) maps
``X`` to the checked series and scores pairs jointly.
"""

import copy
from numbers import Integral

import numpy as np
from sklearn.metrics.pairwise import euclidean_distances, paired_euclidean_distances
from sklearn.utils.validation import check_is_fitted, check_scalar

from ..utils._parallel import check_n_jobs, map_in_parallel

__all__ = ["LearnedMetric", "PairMetricMixin"]


def _check_chunk_size(chunk_size, default):
    """``chunk_size`` of ``pairwise_distances``: a positive int (None: ``default``)."""
    if chunk_size is None:
        return default
    return int(check_scalar(chunk_size, "chunk_size", Integral, min_val=1))


def _tiles(n_rows, n_cols, chunk_size):
    """Slices ``(rows, cols)`` covering an ``(n_rows, n_cols)`` grid, each of at
    most ``chunk_size`` cells: whole rows when they fit, else parts of one row."""
    width = max(1, min(n_cols, chunk_size))
    height = max(1, chunk_size // width)
    for r in range(0, n_rows, height):
        for c in range(0, n_cols, width):
            yield slice(r, r + height), slice(c, c + width)


def _pair_sides(X1, X2, name="X1"):
    """``(X1, X2)``, or the two sides of metric-learn's ``(n_pairs, 2, ...)``
    array ``X1``, and what messages call each; ``name``: the parameter the
    public method took ``X1`` as (``"pairs"`` for ``score_pairs``)."""
    if X2 is not None:
        return X1, X2, ("X1", "X2")
    pairs = np.asarray(X1)
    if pairs.ndim < 3 or pairs.shape[1] != 2:
        how = ("Pass the pairs' two sides as X1 and X2, or one array" if name == "X1"
               else f"{name} must be one array")
        raise ValueError(
            f"{how} of shape (n_pairs, 2, ...) (metric-learn's layout); got shape "
            f"{pairs.shape}."
        )
    return pairs[:, 0], pairs[:, 1], (f"{name}[:, 0]", f"{name}[:, 1]")


def transform_rows(estimator, X):
    """``estimator.transform(X)`` as a C-ordered ndarray, whatever its output.

    Under ``set_output`` (or ``sklearn.set_config(transform_output=...)``) a
    transform returns a frame, which may convert back to a Fortran-ordered
    array (polars' does), on which the BLAS distances round differently. The
    default output (C-ordered already) is returned as is, not copied.
    """
    return np.ascontiguousarray(estimator.transform(X))


class LearnedMetric:
    """A fitted learner's distance between two single series, as a function.

    Made by :meth:`PairMetricMixin.get_metric`; holds a copy of the learner, so
    refitting the learner later does not change it. ``metric(u, v)`` takes two
    series of shape ``(T, n_channels)`` (NaN-padded or not, of any lengths) or
    ``(T,)``, or flattened ``(T * n_channels,)`` rows as scikit-learn's
    neighbours pass them, and returns a float.

    Parameters
    ----------
    estimator : fitted estimator with ``PairMetricMixin``
        Used as given: ``get_metric`` passes a copy.

    Examples
    --------
    >>> import pickle
    >>> import numpy as np
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import SiameseRNNEmbedder
    >>> X, y = make_sequence_classification(n_samples=20, random_state=0)
    >>> srn = SiameseRNNEmbedder(hidden_size=8, n_pairs=200, lr=0.03, max_epochs=5,
    ...                          random_state=0).fit(X, y)
    >>> metric = srn.get_metric()
    >>> metric
    LearnedMetric(SiameseRNNEmbedder)
    >>> d = metric(X[0], X[1])  # two single (T, n_channels) series
    >>> isinstance(d, float), bool(d == srn.pair_distance(X[:1], X[1:2])[0])
    (True, True)
    >>> metric(X[0], X[0])
    0.0
    >>> # series of any lengths: here X[0] without its NaN padding
    >>> observed = X[0][~np.isnan(X[0]).any(axis=1)]
    >>> len(observed) < len(X[0]), bool(np.isclose(metric(observed, X[1]), d))
    (True, True)
    >>> pickle.loads(pickle.dumps(metric))(X[0], X[1]) == d  # picklable: joblib
    True
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def __call__(self, u, v):
        est = self.estimator
        # messages name u and v, this function's arguments, not pair_distance's
        return float(est._pair_distance(est._as_single(u, "u"),
                                        est._as_single(v, "v"), ("u", "v"))[0])

    def __repr__(self):
        return f"LearnedMetric({type(self.estimator).__name__})"


class PairMetricMixin:
    """``pair_distance``, ``pair_score``, ``pairwise_distances``, ``get_metric``.

    The outputs every metric learner shares, from one learned distance: paired
    (``X1[i]`` to ``X2[i]``, metric-learn's convention), all pairs (a matrix
    for scikit-learn's ``metric="precomputed"``), a similarity (the negated
    distance, for ROC curves of pairs) and a picklable function of two
    series (for ``KNeighborsClassifier(metric=...)``).

    A subclass changes the distance through the hooks, not the public
    methods: ``_metric_inputs`` (the prepared rows of a dataset),
    ``_paired_distances`` (aligned rows), ``_pairwise_block`` (a tile of
    every pair) and ``_score_from_distance``. ``get_metric``'s function and
    ``score_pairs`` call the private ``_pair_distance``, and ``score`` (via
    ``pair_auc``) ``_indexed_pair_distances``, so an override of
    ``pair_distance`` or ``pair_score`` alone would not reach them.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import SiameseRNNEmbedder
    >>> X, y = make_sequence_classification(n_samples=40, random_state=0)
    >>> srn = SiameseRNNEmbedder(pooling="mean", hidden_size=8, n_pairs=200,
    ...                          lr=0.03, max_epochs=5, random_state=0).fit(X, y)
    >>> d = srn.pair_distance(X[:3], X[3:6])  # 3 pairs
    >>> D = srn.pairwise_distances(X[:3], X[:6])  # every pair
    >>> d.shape, D.shape, bool(np.allclose(D[[0, 1, 2], [3, 4, 5]], d))
    ((3,), (3, 6), True)
    >>> bool(np.allclose(srn.pair_score(X[:3], X[3:6]), -d))
    True
    >>> metric = srn.get_metric()
    >>> bool(np.isclose(metric(X[0], X[3]), d[0]))
    True
    """

    # pairs scored per tile of pairwise_distances when chunk_size=None (bounds
    # the memory of each tile's intermediates, whatever the size of X and Y)
    _pairwise_block_pairs = 2**20

    # -- hooks: by default, Euclidean between the rows of ``transform`` -------

    def _metric_inputs(self, X, name="X"):
        """Check fitted, validate ``X``, return an array of prepared rows.

        ``name`` is the argument ``X`` was passed as ("Y", "X2", ...), for
        messages about its series. By default the rows of ``transform`` (an
        array even under ``set_output(transform="pandas")``):
        :func:`transform_rows`, whose messages call every argument "X"; an
        embedder that checks its series (the siamese, seq2seq and Fisher-vector
        embedders) returns instead the same rows from transform's work given
        ``name``, ``_embed(X, name)``.
        """
        return transform_rows(self, X)

    def _paired_distances(self, A, B):
        """Distances ``(n,)`` between the aligned prepared rows ``A[i]``, ``B[i]``."""
        return paired_euclidean_distances(A, B)

    def _pairwise_block(self, A, B):
        """``(len(A), len(B))`` distances between the rows of two tiles."""
        return euclidean_distances(A, B)

    def _score_from_distance(self, distance):
        """metric-learn's convention: the score is minus the distance."""
        return -distance

    def _as_single(self, u, name="u"):
        """One series (or one flattened row) as a dataset of one; ``name``:
        what the messages call it."""
        u = np.asarray(u, dtype=np.float64)
        if u.ndim != 1:
            return u[None]
        n_channels = self.n_features_in_
        if u.size % n_channels:
            raise ValueError(
                f"{name} is 1-D of size {u.size}, not a flattened series of "
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

    def pair_distance(self, X1, X2=None):
        """Learned distance between the series ``X1[i]`` and ``X2[i]``.

        Parameters
        ----------
        X1 : array-like of shape (n_pairs, n_timestamps, n_channels) or list
            First series of each pair, NaN-padded. With ``X2=None``: the pairs
            in metric-learn's layout, an array of shape ``(n_pairs, 2, ...)``
            whose ``[:, 0]`` and ``[:, 1]`` are the two sides.
        X2 : array-like of shape (n_pairs, n_timestamps_2, n_channels), list \
                or None, default=None
            Second series of each pair; may be padded to another length.

        Returns
        -------
        distances : ndarray of shape (n_pairs,)
            Lower means more similar.
        """
        return self._pair_distance(*_pair_sides(X1, X2))

    def _pair_distance(self, X1, X2, names):
        """:meth:`pair_distance` of the two sides, whose messages call them
        ``names`` (the public method's own parameters: "X1", "pairs[:, 0]",
        "u", ...)."""
        A, B = self._metric_inputs(X1, names[0]), self._metric_inputs(X2, names[1])
        if len(A) != len(B):
            raise ValueError(
                f"{names[0]} and {names[1]} must hold the same number of series "
                f"(one pair per row); got {len(A)} and {len(B)}."
            )
        return self._paired_distances(A, B)

    def pair_score(self, X1, X2=None):
        """Learned similarity of the series ``X1[i]`` and ``X2[i]``.

        Parameters
        ----------
        X1 : array-like of shape (n_pairs, n_timestamps, n_channels) or list
            Or, with ``X2=None``, metric-learn's ``(n_pairs, 2, ...)`` pairs.
        X2 : array-like of shape (n_pairs, n_timestamps_2, n_channels), list \
                or None, default=None

        Returns
        -------
        scores : ndarray of shape (n_pairs,)
            Higher means more similar.
        """
        return self._score_from_distance(self.pair_distance(X1, X2))

    def score_pairs(self, pairs):
        """metric-learn's older name of :meth:`pair_score`, on ``(n_pairs, 2, ...)``.

        Parameters
        ----------
        pairs : array-like of shape (n_pairs, 2, ...)

        Returns
        -------
        scores : ndarray of shape (n_pairs,)
        """
        distances = self._pair_distance(*_pair_sides(pairs, None, "pairs"))
        return self._score_from_distance(distances)

    def pairwise_distances(self, X, Y=None, *, n_jobs=None, chunk_size=None):
        """Learned distances between every series of ``X`` and every one of ``Y``.

        The input of ``KNeighborsClassifier(metric="precomputed")``: fit it on
        ``pairwise_distances(X_train)``, predict from
        ``pairwise_distances(X_test, X_train)``. Each series is prepared
        (embedded) once; the matrix is then filled tile by tile, each tile a
        block of rows and columns of at most ``chunk_size`` pairs, so that no
        intermediate larger than a tile exists, however large ``X`` and ``Y``.

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_timestamps, n_channels) or list
        Y : array-like of shape (n_samples_Y, n_timestamps_Y, n_channels), \
                list or None, default=None
            None means ``Y = X``.
        n_jobs : int or None, default=None
            Tiles computed at once: threads by default (the work releases the
            GIL, as in scikit-learn's ``pairwise_distances``), or the workers
            of a :func:`joblib.parallel_config` context's backend, e.g.
            ``"dask"`` for a ``dask.distributed`` cluster. None means 1 unless
            in such a context; -1 means all processors (or workers). The
            result does not depend on it.
        chunk_size : int or None, default=None
            Most pairs per tile; None: 2**20. Smaller tiles bound memory further;
            the distances are the same up to floating-point rounding (block
            matrix products may sum in another order).

        Returns
        -------
        distances : ndarray of shape (n_samples_X, n_samples_Y)
            Non-negative. The diagonal of ``pairwise_distances(X)`` need not be
            zero when the learned measure is not a metric.
        """
        chunk_size = _check_chunk_size(chunk_size, self._pairwise_block_pairs)
        n_jobs = check_n_jobs(n_jobs)
        A = self._metric_inputs(X)
        B = A if Y is None else self._metric_inputs(Y, "Y")
        return self._pairwise_from_inputs(A, B, n_jobs=n_jobs, chunk_size=chunk_size)

    def _pairwise_from_inputs(self, A, B, *, n_jobs=None, chunk_size=None):
        """:meth:`pairwise_distances` of rows prepared by ``_metric_inputs``.

        For a caller that holds the rows already (an embedder's ``transform``
        rows, see ``cluster/_metric.py``), so that no series is prepared twice.
        ``n_jobs`` and ``chunk_size`` are checked already; ``chunk_size=None``
        is the default tile.
        """
        if chunk_size is None:
            chunk_size = self._pairwise_block_pairs
        out = np.empty((len(A), len(B)))
        tiles = list(_tiles(len(A), len(B), chunk_size))
        # threads, or a joblib.parallel_config context's workers (dask); tiles
        # come back in order, so at most the pre-dispatched ones wait in memory
        blocks = map_in_parallel(
            self._pairwise_block, (A[rows] for rows, _ in tiles),
            (B[cols] for _, cols in tiles), n_jobs=1 if len(tiles) < 2 else n_jobs,
        )
        for (rows, cols), block in zip(tiles, blocks):
            out[rows, cols] = block
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
