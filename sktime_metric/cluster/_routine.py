"""RoutineClusterer: routine discovery with a metric learned from time of day.

Thesis §3.3.4: windows of a long wearable recording are similar when
recorded in the same time slot on different days; a sequence metric is learned
under that weak constraint, turned into an affinity and the windows are
grouped by spectral clustering into a few daily routines.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ..base import derive_seed
from ..evaluation._clustering import routine_scores
from ..utils import standardize_channels
from ..utils._scaling import requested_channel_statistics
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._affinity import (
    _check_affinity,
    _n_clusters,
    _routine_affinity,
    _spectral_labels,
    _warn_if_all_distances_zero,
)
from ._graph import graph_neighbors, routine_distances, sample_silhouette, use_knn_graph
from ._metric import _LEARNERS
from ._slots import slot_count, time_of_day
from ._windows import routine_durations, routine_windows


#: "auto" takes the sparse k-NN path above this many windows: a dense float64
#: matrix is then 200 MB, and the fit holds several.
_AUTO_KNN_ABOVE = 5000
#: Windows in the silhouette's sample on the k-NN path (an 8 MB matrix).
_SILHOUETTE_SAMPLE = 1000


class RoutineClusterer(ClusterMixin, BaseEstimator):
    """Daily routines of a wearable recording by time-of-day metric learning.

    The recording is cut into windows; each window gets a *day* and a time-of-day
    *slot*. A sequence metric is learned with no activity label under the
    time-of-day equivalence constraint (same slot, different days: similar;
    all other pairs: dissimilar), the windows' distances become an affinity
    (by default locally scaled, see ``affinity``) and spectral clustering
    groups them into ``n_clusters`` routines (thesis §3.3.4; vertical bands of
    :meth:`routine_map` across days).

    Parameters
    ----------
    metric : {"sgru", "cgru", "seq2seq", "siamese", "dtw", "euclidean", \
            "precomputed"}, metric learner or callable, default="sgru"
        "sgru": the thesis's siamese GRU (§4.4), a
        :class:`~sktime_metric.metric.CoupledGRUMetric` with
        ``coupling=False``, 100 units, reading frames
        (``window_size="auto"``, ``stride="auto"``), 40 epochs; "cgru": the coupled GRU
        (its own defaults). Both are fitted with the slots as class labels
        (the structural loss over time-slot classes, thesis §4.4.4) when
        ``slot_tolerance=0`` and no day holds two windows of one slot, else on
        pairs sampled from the constraint (then with ``loss="contrastive"``,
        ``early_stopping=False``, which pair fitting needs). The default
        because it clusters best of the learned metrics, level with DTW, and
        fits in seconds (measured: see :ref:`routines_defaults`).
        "seq2seq": :class:`~sktime_metric.metric.Seq2SeqEmbedder` (KISSME
        head, the thesis's Ch. 3 model, on its default frames), fitted with
        ``y = slot`` and ``groups = day``; "siamese":
        :class:`~sktime_metric.metric.SiameseRNNEmbedder` fitted on
        constraint pairs; "dtw": tslearn ``cdist_dtw``; "euclidean": on the
        flattened windows (no learning).
        An estimator with ``pairwise_distances`` is used as is when fitted,
        otherwise cloned and fitted with ``fit_pairs`` on constraint pairs. A
        callable ``metric(w1, w2) -> float`` gets two ``(T, d)`` windows.
        "precomputed": ``X`` is the ``(n_windows, n_windows)`` distance matrix.
    metric_params : dict, default=None
        Constructor parameters of the learner, or keyword arguments of
        ``cdist_dtw``.
    window : float, str or timedelta, default="1h"
        Window length ``v`` (seconds, "30min", "1h", ..., or a
        ``datetime.timedelta`` / ``np.timedelta64``, as every duration below).
    stride : float, str or None, default=None
        Step of the window grid; None: ``window`` (non-overlapping, thesis).
    period : float or str, default="24h"
        Period ``t`` of the routine.
    slot_size : float, str or None, default=None
        Time-of-day slot length; None: ``window`` (24 slots of 1 h).
    slot_tolerance : int, default=0
        Slots within this circular distance count as the same slot (thesis: 0).
    day_start : float or str, default=0
        Offset of the window grid and of a "day" from midnight (e.g. "6h").
    sampling_rate : float, default=None
        Hz; builds the timestamps of a 2-D recording given without any (beside
        timestamps it is not used, and a warning says so).
    seq_len : int, default=100
        A recording's windows are linearly resampled to this many steps.
    min_coverage : float, default=1.0
        A recording's window is kept when its non-NaN samples cover at least this
        fraction of its time; the remaining gaps are interpolated. A row covers
        the time until the next row, or one median sampling step when the next
        is more than 1.5 steps away (a gap) or NaN: jittered rows, or a step
        that does not divide the window, cover it whole.
    standardize : bool or tuple of (mean, scale), default=True
        Per-channel z-score of the windows before the metric
        (:func:`~sktime_metric.utils.standardize_channels`). True: with the
        statistics of the windows given to :meth:`fit`
        (:func:`~sktime_metric.utils.channel_statistics`), kept in ``mean_``
        and ``scale_``; a tuple: with these fixed statistics, each an array of
        shape ``(n_channels,)``; False: as given. To cluster new days under a
        learned metric, pass the first fit's learner as ``metric`` and its
        ``(mean_, scale_)`` here (see :ref:`routines_new_days`).
    n_pairs : int, default=1000
        Pairs sampled from the constraint for pair-trained learners.
    n_clusters : int or "eigengap", default=5
        Number of routines (thesis: 5); "eigengap" picks it at the largest gap of
        the normalised Laplacian's spectrum, up to ``max_clusters`` (extension).
    max_clusters : int, default=10
    affinity : {"local", "global"}, default="local"
        How distances become the affinity of spectral clustering
        (:func:`~sktime_metric.cluster.affinity_from_distances`).
        "local": the self-tuning Gaussian of Zelnik-Manor & Perona [2]_,
        ``exp(-d_ij**2 / (s_i * s_j))``, ``s_i`` the distance of window ``i``
        to its ``n_neighbors``-th nearest window, for every metric (a cosine
        learner's distance ``1 - cos`` included). The default, as window
        distances are heavy-tailed and under one global width spectral
        clustering spends clusters on a few far windows (measured: see
        :ref:`routines_defaults`).
        "global": the thesis's kernels (eq. 3.50 [1]_), for reproduction: a
        Gaussian ``exp(-d**2 / n)`` of width ``kernel_width``, or
        ``1 + cos`` for a cosine learner.
    n_neighbors : int, default=7
        ``k`` of the "local" affinity (7 in [2]_); capped at ``n_windows - 1``.
        Unused with "global".
    affinity_graph : {"auto", "dense", "knn"}, default="auto"
        Which pairs of windows the affinity holds. "dense": all of them, an
        ``(n_windows, n_windows)`` array (``n_windows**2`` float64 per matrix).
        "knn": a sparse k-NN graph, as
        ``SpectralClustering(affinity="nearest_neighbors")`` builds: each
        window's ``n_graph_neighbors`` nearest, symmetrised, with the "local"
        affinity on its edges (the dense one's values there, 0 elsewhere);
        memory grows as ``n_windows * n_graph_neighbors``. The neighbours are
        searched without the full matrix (per metric: see
        :ref:`routines_knn`). With "precomputed", ``X`` may be a sparse
        neighbours graph (``kneighbors_graph(mode="distance")``'s format);
        a dense ``X`` keeps each row's nearest. Needs ``affinity="local"``.
        "auto": "knn" for a sparse precomputed ``X`` and, with the "local"
        affinity, above 5,000 windows, where the dense matrices outgrow memory
        (measured: see :ref:`routines_defaults`); "dense" otherwise (so
        results on fewer windows are those of "dense").
    n_graph_neighbors : int or None, default=None
        Neighbours of each window in the "knn" graph (itself excluded),
        at least ``n_neighbors``; None: ``3 * n_neighbors`` (the kernel's
        scale is the ``n_neighbors``-th distance; the farther ones are edges
        of small weight that keep the graph connected). Capped at
        ``n_windows - 1``; unused with "dense" and a sparse precomputed ``X``.
    kernel_width : "auto", "dim", "median" or float, default="auto"
        ``n`` of the "global" Gaussian ``exp(-d**2 / n)``: "dim" the embedding
        dimension (thesis), "median" the median off-diagonal ``d**2``, "auto"
        "dim" for learned embeddings and "median" otherwise. Unused with
        "local" and for cosine learners (``1 + cos``).
    spectral_params : dict, default=None
        Extra parameters of ``sklearn.cluster.SpectralClustering``. With the
        "knn" graph, ``eigen_solver`` defaults to "lobpcg" (ARPACK's
        shift-invert mode factorises the sparse Laplacian: slow and large),
        with ``eigen_tol=1e-4`` (measured: see :ref:`routines_defaults`).
    nmi_average, ami_average : {"arithmetic", "geometric", "min", "max"}, \
            default="arithmetic"
        Normalisers of ``time_coherence_scores_``.
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    labels_ : ndarray of shape (n_windows,)
    n_clusters_ : int
    affinity_matrix_, distance_matrix_ : ndarray or scipy.sparse.csr_matrix \
            of shape (n_windows, n_windows)
        Sparse with the "knn" graph: the symmetrised neighbours graph (stored
        entries are distances, explicit zeros included; absent ones were not
        searched) and the affinity on its edges and diagonal.
    affinity_graph_ : {"dense", "knn"}
        The graph used (``affinity_graph`` with "auto" resolved).
    embedding_ : ndarray of shape (n_windows, dim) or None
        Window embeddings when the metric has them (``transform``).
    windows_ : ndarray of shape (n_windows, T, d) or None
        The (resampled, standardised) windows; None for "precomputed".
    mean_, scale_ : ndarray of shape (n_features_in_,) or None
        The channel statistics the windows were standardised with; None with
        ``standardize=False``. Not set for "precomputed".
    window_starts_ : ndarray of shape (n_windows,)
        Start of each window, datetime64 (timedelta64) when the timestamps
        were, else seconds.
    day_index_, slot_index_ : ndarray of shape (n_windows,)
    n_slots_ : int
    metric_learner_ : estimator or None
    eigenvalues_ : ndarray or None
        Laplacian spectrum when ``n_clusters="eigengap"``; with the "knn"
        graph its ``max_clusters + 1`` smallest eigenvalues only (ARPACK).
    time_coherence_scores_ : dict
        :func:`~sktime_metric.evaluation.routine_scores` against the slots.
        With the "knn" graph the silhouette is that of a seeded random sample
        of 1,000 windows (all of them when fewer), whose distances are
        computed afresh with the fitted metric; NaN for a sparse
        precomputed ``X``.
    n_features_in_ : int

    Warns
    -----
    UserWarning
        When windows within a recording are dropped by ``min_coverage``,
        naming them (start, share covered); when ``sampling_rate`` builds the
        timestamps of a frame whose index holds times, which is not read.
    UserWarning
        When the affinity graph is not connected (no pair across two groups of
        windows has an affinity above 1e-12 of the largest, which float64
        cannot tell from 0) or some windows are almost isolated (a sum of
        affinities below 1e-3 of the median window's): spectral clustering
        gives such windows clusters of their own. The warning names the
        windows (index, day, slot).

    References
    ----------
    .. [1] P. Compagnon, "Sequence metric learning: application to human
       activity recognition", PhD thesis, INSA Lyon, 2021, §3.3.4, eq. 3.50.
    .. [2] L. Zelnik-Manor and P. Perona, "Self-tuning spectral clustering",
       Advances in Neural Information Processing Systems 17 (NIPS 2004).

    Examples
    --------
    >>> from sktime_metric.cluster import RoutineClusterer
    >>> from sktime_metric.datasets import make_routines
    >>> X, t, activity, schedule = make_routines(4, step=360, random_state=0)
    >>> rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=10,
    ...                       random_state=0).fit(X, timestamps=t)
    >>> rc.labels_.shape, rc.routine_map()[0].shape
    ((96,), (4, 24))
    """

    # what an archive written before a parameter existed loads with: the value
    # that reproduces the model it holds (persistence.load_weights): the dense
    # affinity at every size. Both only affect refitting: a loaded clusterer's
    # labels, maps and matrices are its fitted attributes
    _PARAMETERS_ADDED = {"affinity_graph": "dense", "n_graph_neighbors": None}
    _ATTRIBUTES_ADDED = {"affinity_graph_": ("affinity_graph", str)}

    _parameter_constraints = {
        "metric": [StrOptions({*_LEARNERS, "dtw", "euclidean", "precomputed"}),
                   HasMethods(["pairwise_distances"]), callable],
        "metric_params": [dict, None],
        # durations: parse_duration checks them. np.timedelta64 comes before the
        # Interval, whose float bounds numpy refuses to compare it with
        "window": [np.timedelta64, Interval(Real, 0, None, closed="neither"), str,
                   object],
        "stride": [np.timedelta64, Interval(Real, 0, None, closed="neither"), str,
                   object, None],
        "period": [np.timedelta64, Interval(Real, 0, None, closed="neither"), str,
                   object],
        "slot_size": [np.timedelta64, Interval(Real, 0, None, closed="neither"), str,
                      object, None],
        "slot_tolerance": [Interval(Integral, 0, None, closed="left")],
        "day_start": [np.timedelta64, Interval(Real, 0, None, closed="left"), str,
                      object],
        "sampling_rate": [Interval(Real, 0, None, closed="neither"), None],
        "seq_len": [Interval(Integral, 2, None, closed="left")],
        "min_coverage": [Interval(Real, 0, 1, closed="right")],
        "standardize": ["boolean", tuple],
        "n_pairs": [Interval(Integral, 2, None, closed="left")],
        "n_clusters": [Interval(Integral, 1, None, closed="left"),
                       StrOptions({"eigengap"})],
        "max_clusters": [Interval(Integral, 2, None, closed="left")],
        "affinity": [StrOptions({"local", "global"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "affinity_graph": [StrOptions({"auto", "dense", "knn"})],
        "n_graph_neighbors": [Interval(Integral, 1, None, closed="left"), None],
        "kernel_width": [StrOptions({"auto", "dim", "median"}),
                         Interval(Real, 0, None, closed="neither")],
        "spectral_params": [dict, None],
        "nmi_average": [StrOptions({"arithmetic", "geometric", "min", "max"})],
        "ami_average": [StrOptions({"arithmetic", "geometric", "min", "max"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self, metric="sgru", *, metric_params=None, window="1h", stride=None,
        period="24h", slot_size=None, slot_tolerance=0, day_start=0,
        sampling_rate=None, seq_len=100, min_coverage=1.0, standardize=True,
        n_pairs=1000, n_clusters=5, max_clusters=10, affinity="local",
        n_neighbors=7, affinity_graph="auto", n_graph_neighbors=None,
        kernel_width="auto", spectral_params=None,
        nmi_average="arithmetic", ami_average="arithmetic", random_state=None,
    ):
        self.metric = metric
        self.metric_params = metric_params
        self.window = window
        self.stride = stride
        self.period = period
        self.slot_size = slot_size
        self.slot_tolerance = slot_tolerance
        self.day_start = day_start
        self.sampling_rate = sampling_rate
        self.seq_len = seq_len
        self.min_coverage = min_coverage
        self.standardize = standardize
        self.n_pairs = n_pairs
        self.n_clusters = n_clusters
        self.max_clusters = max_clusters
        self.affinity = affinity
        self.n_neighbors = n_neighbors
        self.affinity_graph = affinity_graph
        self.n_graph_neighbors = n_graph_neighbors
        self.kernel_width = kernel_width
        self.spectral_params = spectral_params
        self.nmi_average = nmi_average
        self.ami_average = ami_average
        self.random_state = random_state

    # -- fit -------------------------------------------------------------------

    def fit(self, X, y=None, timestamps=None):
        """Segment, learn the metric, build the affinity and cluster.

        Parameters
        ----------
        X : array-like
            A ``(T_total, d)`` recording (rows with NaN are missing samples);
            ``(n_windows, T, d)`` pre-cut windows or a list (a pandas or
            polars Series, a 1-D object array) of ``(T_i, d)``; or,
            with ``metric="precomputed"``, an ``(n_windows, n_windows)`` distance
            matrix, dense or a sparse neighbours graph (see ``affinity_graph``).
        y : None
            Ignored (no activity label is used).
        timestamps : array-like of shape (T_total,) or (n_windows,), default=None
            Strictly increasing float seconds (0 = a midnight), naive
            ``datetime64``, ``datetime`` objects or ISO 8601 texts (local
            time; a time-zone aware pandas index: ``index.tz_localize(None)``)
            or ``timedelta64`` (elapsed since a midnight): of every row of a
            recording, or of every window's start. None: a recording needs
            ``sampling_rate``; windows are taken as contiguous from
            ``day_start``.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reset_fitted_state(self)
        window, stride, period, slot, day_start = routine_durations(
            self.window, self.stride, self.period, self.slot_size, self.day_start)
        n_slots = slot_count(period, slot)
        W, starts, raw = routine_windows(
            X, timestamps, precomputed=self.metric == "precomputed", window=window,
            stride=stride, period=period, day_start=day_start,
            sampling_rate=self.sampling_rate, seq_len=self.seq_len,
            min_coverage=self.min_coverage,
        )
        self.day_index_, self.slot_index_ = time_of_day(
            starts, period=period, slot_size=slot, day_start=day_start
        )
        self.window_starts_ = raw
        self.n_slots_ = n_slots  # set once X is accepted, as every attribute
        seed = derive_seed(self.random_state)
        knn = use_knn_graph(self.affinity_graph, self.affinity, W, _AUTO_KNN_ABOVE)
        k_graph = (graph_neighbors(self.n_graph_neighbors, self.n_neighbors, W.shape[0])
                   if knn else None)
        if self.metric == "precomputed":
            self.windows_, self.n_features_in_ = None, W.shape[1]
        else:
            self.mean_, self.scale_ = requested_channel_statistics(self.standardize, W)
            if self.mean_ is not None:
                W = standardize_channels(W, self.mean_, self.scale_)
            self.windows_, self.n_features_in_ = W, W.shape[2]
        self.affinity_graph_ = "knn" if knn else "dense"
        (self.distance_matrix_, self.embedding_, dim, kernel,
         self.metric_learner_) = routine_distances(
            W, self.metric, dict(self.metric_params or {}), k_graph,
            days=self.day_index_, slots=self.slot_index_, n_slots=self.n_slots_,
            slot_tolerance=self.slot_tolerance, n_pairs=self.n_pairs, seed=seed,
        )
        _warn_if_all_distances_zero(self.distance_matrix_, type(self).__name__)
        self.affinity_matrix_ = _routine_affinity(
            self.distance_matrix_, affinity=self.affinity, kernel=kernel,
            n_neighbors=self.n_neighbors, kernel_width=self.kernel_width, dim=dim,
            metric=self.metric,
        )
        _check_affinity(
            self.affinity_matrix_, self.day_index_, self.slot_index_,
            hint=("a larger n_neighbors" if self.affinity == "local"
                  else "affinity='local' (the default) or a larger kernel_width")
            + (" or n_graph_neighbors" if knn else ""),
        )
        self.n_clusters_, self.eigenvalues_ = _n_clusters(
            self.n_clusters, self.affinity_matrix_, self.max_clusters, seed)
        self.labels_ = _spectral_labels(self.affinity_matrix_, self.n_clusters_,
                                        self.spectral_params, seed)
        self.time_coherence_scores_ = routine_scores(
            self.labels_, self.slot_index_, None if knn else self.distance_matrix_,
            nmi_average=self.nmi_average, ami_average=self.ami_average,
        )
        if knn:
            # the silhouette needs all pairs of its windows: a seeded sample's
            self.time_coherence_scores_["silhouette"] = sample_silhouette(
                self.labels_, self.windows_, W, self.metric, self.metric_learner_,
                dict(self.metric_params or {}), _SILHOUETTE_SAMPLE, seed)
        return self

    def fit_predict(self, X, y=None, timestamps=None):
        """Fit and return ``labels_``.

        Parameters
        ----------
        X : array-like
            As in :meth:`fit`.
        y : None
            Ignored (no activity label is used).
        timestamps : array-like of shape (T_total,) or (n_windows,), default=None
            As in :meth:`fit`.

        Returns
        -------
        labels : ndarray of shape (n_windows,)
            The routine of each window.
        """
        return self.fit(X, timestamps=timestamps).labels_

    def routine_map(self, fill=-1):
        """The days x slots grid of cluster ids (``fill`` where no window).

        With overlapping windows, a cell holds the last window of its slot.

        Parameters
        ----------
        fill : int, default=-1
            The value of a cell without a window.

        Returns
        -------
        grid : ndarray of shape (n_days, n_slots)
        days, slots : ndarray
            Row (day) and column (slot) indices.
        """
        check_is_fitted(self, "labels_")
        n_days = int(self.day_index_.max()) + 1
        grid = np.full((n_days, self.n_slots_), fill, dtype=np.int64)
        grid[self.day_index_, self.slot_index_] = self.labels_
        return grid, np.arange(n_days), np.arange(self.n_slots_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.metric == "precomputed"
        # a sparse precomputed X is a neighbours graph (the k-NN path)
        tags.input_tags.sparse = self.metric == "precomputed"
        tags.input_tags.allow_nan = self.metric != "precomputed"
        tags.input_tags.three_d_array = True
        tags.non_deterministic = isinstance(self.metric, str) and self.metric in _LEARNERS
        return tags


def routine_clustering(X, timestamps=None, **params):
    """Functional form of :class:`RoutineClusterer`.

    Parameters
    ----------
    X : array-like
        As in :meth:`RoutineClusterer.fit`.
    timestamps : array-like of shape (T_total,) or (n_windows,), default=None
        As in :meth:`RoutineClusterer.fit`.
    **params
        Parameters of :class:`RoutineClusterer`.

    Returns
    -------
    result : Bunch
        ``labels``, ``window_starts``, ``days``, ``slots``, ``distances``
        (sparse with the "knn" graph, as ``affinity``),
        ``affinity``, ``embedding``, ``scores`` and the fitted ``estimator``.

    Examples
    --------
    >>> from sktime_metric.cluster import routine_clustering
    >>> from sktime_metric.datasets import make_routines
    >>> X, t, activity, schedule = make_routines(4, step=360, random_state=0)
    >>> X.shape  # 4 days of one 6-channel sample every 6 minutes
    (960, 6)
    >>> result = routine_clustering(X, t, metric="euclidean", n_clusters=3,
    ...                             seq_len=10, random_state=0)
    >>> result.labels.shape, result.distances.shape  # 4 days x 24 one-hour windows
    ((96,), (96, 96))
    >>> result.days[:3].tolist(), result.slots[:3].tolist()
    ([0, 0, 0], [0, 1, 2])
    >>> sorted(set(result.labels.tolist()))
    [0, 1, 2]
    >>> sorted(result.scores)
    ['ami', 'completeness', 'homogeneity', 'nmi', 'silhouette', 'v_measure']
    """
    est = RoutineClusterer(**params).fit(X, timestamps=timestamps)
    return Bunch(
        labels=est.labels_, window_starts=est.window_starts_, days=est.day_index_,
        slots=est.slot_index_, distances=est.distance_matrix_,
        affinity=est.affinity_matrix_, embedding=est.embedding_,
        scores=est.time_coherence_scores_, estimator=est,
    )
