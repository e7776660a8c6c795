"""The sparse k-NN path of routine discovery: neighbours without the n x n matrix.

A dense affinity costs ``n**2`` float64 per matrix (3.2 GB at 20,000 windows,
and :class:`~sktime_metric.cluster.RoutineClusterer` holds several). The
locally scaled affinity needs only each window's nearest neighbours: its scale
is the distance to its ``n_neighbors``-th one, and farther pairs get an
affinity near 0 anyway. So with ``affinity_graph="knn"`` each window keeps its
``n_graph_neighbors`` nearest (a k-NN graph, symmetrised), in the format of
scikit-learn's precomputed neighbours graphs (``kneighbors_graph(mode=
"distance")``: stored entries are distances, zeros stored explicitly, absent
entries mean "not a neighbour", not 0), and spectral clustering runs on the
sparse affinity, as ``SpectralClustering(affinity="nearest_neighbors")`` does.

How the neighbours are found, per metric:

- an embedding whose distance is Euclidean or cosine ("euclidean" on the
  flattened windows; the seq2seq and siamese learners but the pair-logistic
  head): scikit-learn's ``NearestNeighbors`` on the embedding (brute force by
  chunks of ``working_memory``);
- the coupled GRU, which cannot embed a window alone: its own two-stage search,
  ``CoupledGRUMetric.pairwise_distances(shortlist_size=...)``; without coupling
  (the siamese GRU, "sgru") ``NearestNeighbors`` on its ``embed``;
- any other distance (DTW, a callable, the pair-logistic head): computed by
  blocks of rows, of which only each row's nearest are kept (all ``n**2``
  distances are still computed, but never held at once);
- "precomputed": a sparse ``X`` is used as the neighbours graph; a dense one
  keeps each row's nearest.

:func:`routine_distances` gives :class:`~sktime_metric.cluster.RoutineClusterer`
the windows' distances on either path: this graph, or the dense matrix.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.neighbors import NearestNeighbors

from ..metric import CoupledGRUMetric
from ..metric._mixin import transform_rows
from ..metric._training_distances import embeds
from ._metric import _LEARNERS, _fit_learner, window_distances

# distances held at once when a block of rows is computed (32 MB of float64)
_BLOCK_ENTRIES = 2**22


def _embedding_metric(learner):
    """The ``NearestNeighbors`` metric on ``learner._metric_inputs`` rows that
    equals (or ranks as) the learned distance, or None."""
    # a learner without an embedding (no transform, or one that gives the
    # distances to the training series: the coupled GRU, RVSML) computes its
    # own distance on pairs, block by block
    if not (hasattr(learner, "_metric_inputs") and embeds(learner)):
        return None
    if getattr(learner, "loss", None) == "pair_logistic":  # a similarity head
        return None
    # seq2seq cosine rows are unit vectors and its distance 1 - cos; every other
    # embedder's is Euclidean (PairMetricMixin's default)
    return "cosine" if getattr(learner, "metric", None) == "cosine" else "euclidean"


def _nearest_in_blocks(block, n, k):
    """k-NN graph from ``block(rows) -> (len(rows), n)`` distances, block by block.

    The window itself is left out of its own neighbours (scikit-learn's
    ``kneighbors(X=None)`` convention); only ``k`` entries per row are kept.
    """
    step = max(1, _BLOCK_ENTRIES // max(n, 1))
    columns = np.empty((n, k), dtype=np.int64)
    values = np.empty((n, k))
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step))
        D = np.array(block(rows), dtype=np.float64)
        D[np.arange(len(rows)), rows] = np.inf
        nearest = np.argpartition(D, k - 1, axis=1)[:, :k]
        columns[rows] = nearest
        values[rows] = np.take_along_axis(D, nearest, axis=1)
    return sp.csr_matrix((values.ravel(), columns.ravel(), np.arange(0, n * k + 1, k)),
                         shape=(n, n))


def _callable_block(W, metric):
    def block(rows):
        return [[float(metric(W[i], W[j])) for j in range(len(W))] for i in rows]

    return block


def window_neighbors(W, metric, params, n_graph_neighbors, *, days, slots, n_slots,
                     slot_tolerance, n_pairs, seed):
    """The k-NN distance graph of the windows ``W`` under ``metric``.

    Parameters
    ----------
    W : ndarray of shape (n_windows, T, d)
        The (resampled, standardised) windows.
    metric, params, days, slots, n_slots, slot_tolerance, n_pairs, seed
        As :func:`~sktime_metric.cluster._metric.window_distances`.
    n_graph_neighbors : int
        Neighbours kept per window, itself excluded; at most ``n_windows - 1``.

    Returns
    -------
    graph : scipy.sparse.csr_matrix of shape (n_windows, n_windows)
        Each row's ``n_graph_neighbors`` nearest windows and their distances
        (not yet symmetrised, and for the coupled GRU with each window's own
        zero on the diagonal; :func:`symmetric_graph` drops both).
    embedding, dim, kernel, learner
        As :func:`~sktime_metric.cluster._metric.window_distances`.
    """
    n, k = len(W), n_graph_neighbors
    if isinstance(metric, str) and metric == "euclidean":
        if np.isnan(W).any():
            raise ValueError("metric='euclidean' needs equal-length windows; use 'dtw'.")
        flat = W.reshape(n, -1)
        graph = NearestNeighbors(n_neighbors=k).fit(flat).kneighbors_graph(mode="distance")
        return graph, flat, None, "gaussian", None
    if isinstance(metric, str) and metric == "dtw":
        from tslearn.metrics import cdist_dtw

        graph = _nearest_in_blocks(lambda rows: cdist_dtw(W[rows], W, **params), n, k)
        return graph, None, None, "gaussian", None
    if not ((isinstance(metric, str) and metric in _LEARNERS)
            or hasattr(metric, "pairwise_distances")):
        return _nearest_in_blocks(_callable_block(W, metric), n, k), None, None, \
            "gaussian", None
    learner = _fit_learner(W, metric, params, days=days, slots=slots, n_slots=n_slots,
                           slot_tolerance=slot_tolerance, n_pairs=n_pairs, seed=seed)
    kernel = "cosine" if getattr(learner, "metric", None) == "cosine" else "gaussian"
    coupled_gru = isinstance(learner, CoupledGRUMetric)
    if coupled_gru and not learner.coupling:
        # the siamese GRU: its distance is the Euclidean one between the
        # windows' final states (embed), so the neighbours are searched there
        # by NearestNeighbors, not by the shortlist of pairwise_distances,
        # which gives the same graph but measured 6.8 s and 1,469 MB against
        # 4.6 s and 1,049 MB on 19,911 windows (its dense candidate blocks
        # and pair bookkeeping, built for scoring coupled pairs)
        graph = NearestNeighbors(n_neighbors=k).fit(learner.embed(W)).kneighbors_graph(
            mode="distance")
        return graph, None, None, kernel, learner
    if coupled_gru:  # its own two-stage search
        # k + 1 candidates: each row's own (distance 0) is among them, and
        # symmetric_graph drops it as it drops every diagonal entry
        graph = learner.pairwise_distances(W, shortlist_size=min(n, k + 1))
        return graph, None, None, kernel, learner
    embedding = transform_rows(learner, W) if embeds(learner) else None
    # the rows the learned distance is a function of: an embedder's are its
    # transform's rows (the mixin's contract for _metric_inputs, overridden
    # or not), so the embedding is computed once; a learner without an
    # embedding (no transform, or RVSML's distances to its training series)
    # gives its hook's own rows
    rows = (embedding if embedding is not None
            else np.asarray(learner._metric_inputs(W)))
    embedding_metric = _embedding_metric(learner)
    if embedding_metric is None:
        graph = _nearest_in_blocks(
            lambda r: learner._pairwise_block(rows[r], rows), n, k)
    else:
        graph = NearestNeighbors(n_neighbors=k, metric=embedding_metric).fit(
            rows).kneighbors_graph(mode="distance")
    dim = None if embedding is None else embedding.shape[1]
    return graph, embedding, dim, kernel, learner


def routine_distances(W, metric, params, n_graph_neighbors, *, days, slots, n_slots,
                      slot_tolerance, n_pairs, seed):
    """The windows' distances on the dense path or the k-NN path.

    Parameters
    ----------
    W : ndarray of shape (n_windows, T, d), or the precomputed ``X``
        The (resampled, standardised) windows; with ``metric="precomputed"``
        the distance matrix, dense or a sparse neighbours graph.
    metric : str, metric learner or callable
        As ``RoutineClusterer(metric=...)``, "precomputed" included.
    params, days, slots, n_slots, slot_tolerance, n_pairs, seed
        As :func:`~sktime_metric.cluster._metric.window_distances`.
    n_graph_neighbors : int or None
        None: the dense matrix (:func:`~sktime_metric.cluster._metric.window_distances`);
        an int: the k-NN graph of that many neighbours per window
        (:func:`window_neighbors`, :func:`precomputed_graph`), symmetrised
        (:func:`symmetric_graph`).

    Returns
    -------
    distances : ndarray or scipy.sparse.csr_matrix of shape (n_windows, n_windows)
        float64.
    embedding, dim, kernel, learner
        As :func:`~sktime_metric.cluster._metric.window_distances`; None,
        None, "gaussian" and None for "precomputed".
    """
    knn = n_graph_neighbors is not None
    if isinstance(metric, str) and metric == "precomputed":
        D, embedding, dim, kernel, learner = W, None, None, "gaussian", None
        if knn:
            D = precomputed_graph(W, n_graph_neighbors)
    else:
        constraint = dict(days=days, slots=slots, n_slots=n_slots,
                          slot_tolerance=slot_tolerance, n_pairs=n_pairs, seed=seed)
        D, embedding, dim, kernel, learner = (
            window_neighbors(W, metric, params, n_graph_neighbors, **constraint) if knn
            else window_distances(W, metric, params, **constraint))
    D = symmetric_graph(D) if knn else np.asarray(D, float)
    return D, embedding, dim, kernel, learner


def precomputed_graph(D, n_graph_neighbors):
    """A precomputed ``X`` as a k-NN graph: a sparse one as is, a dense one cut."""
    if sp.issparse(D):
        return sp.csr_matrix(D, dtype=np.float64)
    D = np.asarray(D, dtype=np.float64)
    return _nearest_in_blocks(lambda rows: D[rows], len(D), n_graph_neighbors)


def symmetric_graph(graph):
    """The union of ``graph`` and its transpose, diagonal dropped.

    A pair stored both ways gets the mean of its two distances (the dense
    path's ``(D + D.T) / 2``), a pair stored one way that distance. Built
    entry by entry rather than by ``graph + graph.T``, which would drop the
    explicit zeros of duplicate windows (and so their link).
    """
    n = graph.shape[0]
    coo = graph.tocoo()
    keep = coo.row != coo.col
    rows = np.r_[coo.row[keep], coo.col[keep]].astype(np.int64)
    cols = np.r_[coo.col[keep], coo.row[keep]].astype(np.int64)
    data = np.r_[coo.data[keep], coo.data[keep]]
    keys, inverse = np.unique(rows * n + cols, return_inverse=True)
    mean = np.bincount(inverse, weights=data) / np.bincount(inverse)
    out = sp.csr_matrix((mean, (keys // n, keys % n)), shape=(n, n))
    out.sort_indices()
    return out


def use_knn_graph(affinity_graph, affinity, X, auto_above):
    """Whether a fit takes the sparse k-NN path (``RoutineClusterer.affinity_graph``).

    ``X``: the windows, or the precomputed matrix; "auto" takes the k-NN path
    for a sparse one, and with the local affinity above ``auto_above`` windows.
    """
    sparse_input = sp.issparse(X)
    if affinity_graph == "auto":
        return sparse_input or (affinity == "local" and X.shape[0] > auto_above)
    if affinity_graph == "knn":
        if affinity != "local":
            raise ValueError(
                "affinity_graph='knn' needs affinity='local': the thesis's global "
                "kernels weigh every pair of windows, which a k-NN graph does "
                "not hold."
            )
        return True
    if sparse_input:
        raise ValueError(
            "A sparse precomputed X is a neighbours graph: it needs "
            "affinity_graph='knn' or 'auto', not 'dense'."
        )
    return False


def graph_neighbors(n_graph_neighbors, n_neighbors, n_windows):
    """Neighbours per window of the k-NN graph (None: ``3 * n_neighbors``), checked."""
    k = 3 * n_neighbors if n_graph_neighbors is None else n_graph_neighbors
    if k < n_neighbors:
        raise ValueError(
            f"n_graph_neighbors={k} is below n_neighbors={n_neighbors}: the local "
            "scale of a window is its distance to its n_neighbors-th neighbour, "
            "which the graph must hold."
        )
    return int(min(k, n_windows - 1))


def sample_silhouette(labels, W, D, metric, learner, params, size, seed):
    """Silhouette of a seeded sample of ``size`` windows (all when fewer).

    NaN for a sparse precomputed ``D`` (see :func:`sample_distances`).
    """
    from ..evaluation._clustering import precomputed_silhouette

    n = len(labels)
    index = np.arange(n)
    if n > size:
        index = np.sort(np.random.RandomState(seed).choice(n, size, replace=False))
    S = sample_distances(W, D, metric, learner, params, index)
    return float("nan") if S is None else precomputed_silhouette(S, labels[index])


def sample_distances(W, D, metric, learner, params, index):
    """Dense distances between the windows ``index`` (the silhouette's sample).

    Computed afresh with the fitted metric (a learner is not refitted); with a
    precomputed dense ``D``, read from it; None for a precomputed sparse graph,
    whose absent entries are unknown.
    """
    if W is None:
        return None if sp.issparse(D) else np.asarray(D)[np.ix_(index, index)]
    return window_distances(
        W[index], metric if learner is None else learner, params, days=None,
        slots=None, n_slots=None, slot_tolerance=None, n_pairs=None, seed=None,
    )[0]
