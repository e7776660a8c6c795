"""From window distances to clusters: the affinity, the eigengap, the connectivity check.

Pure helpers of :class:`~sktime_metric.cluster.RoutineClusterer`: distances
become the affinity of spectral clustering (locally scaled, or the thesis's
global kernels, eq. 3.50), the number of clusters may be read off the
normalised Laplacian's spectrum, an affinity graph that would make spectral
clustering spend clusters on a few windows is warned about, and spectral
clustering labels the windows.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import SpectralClustering
from sklearn.exceptions import ConvergenceWarning

from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ..utils._warnings import ignoring, warn

__all__ = ["affinity_from_distances"]


def _eigengap(affinity, max_clusters, seed=0):
    """Number of clusters at the largest gap of the normalised Laplacian spectrum.

    A sparse affinity gets only the ``max_clusters + 1`` smallest eigenvalues,
    by ARPACK on the normalised affinity ``I - L`` (its largest are the
    Laplacian's smallest, which Lanczos finds fast without a factorisation).
    """
    if sp.issparse(affinity):
        from scipy.sparse.linalg import eigsh

        n = affinity.shape[0]
        degree = np.maximum(np.asarray(affinity.sum(axis=1)).ravel(), 1e-12)
        scale = sp.diags(1.0 / np.sqrt(degree))
        top = min(max_clusters, n - 2)
        v0 = np.random.RandomState(seed).uniform(-1, 1, n)  # as scikit-learn's
        values = eigsh(scale @ affinity @ scale, k=top + 1, which="LA", v0=v0,
                       return_eigenvectors=False)
        eigenvalues = np.sort(1.0 - values)
        gaps = np.diff(eigenvalues)
        return int(np.argmax(gaps[1:]) + 2), eigenvalues
    degree = np.maximum(affinity.sum(axis=1), 1e-12)
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(len(affinity)) - scale[:, None] * affinity * scale[None, :]
    eigenvalues = np.linalg.eigvalsh(laplacian)
    top = min(max_clusters, len(affinity) - 1)
    gaps = np.diff(eigenvalues[: top + 1])  # gaps[k-1] = lambda_{k+1} - lambda_k
    return int(np.argmax(gaps[1:]) + 2), eigenvalues


def _n_clusters(n_clusters, affinity, max_clusters, seed):
    """``RoutineClusterer.n_clusters`` resolved against the affinity.

    Returns ``(n_clusters, eigenvalues)``: "eigengap" is read off the
    spectrum by :func:`_eigengap` (whose eigenvalues are returned), an int is
    kept (eigenvalues None). Spectral clustering needs more points than
    clusters: ValueError otherwise.
    """
    eigenvalues = None
    if n_clusters == "eigengap":
        n_clusters, eigenvalues = _eigengap(affinity, max_clusters, seed)
    n_windows = affinity.shape[0]
    if n_clusters >= n_windows:
        raise ValueError(
            f"n_clusters={n_clusters} needs more than {n_clusters} windows; "
            f"got {n_windows}."
        )
    return int(n_clusters), eigenvalues


def _spectral_labels(affinity, n_clusters, spectral_params, seed):
    """Labels of scikit-learn's spectral clustering on a precomputed affinity.

    ``spectral_params`` (a dict or None) are extra parameters of
    ``SpectralClustering``. On a sparse affinity (the k-NN graph)
    ``eigen_solver`` defaults to "lobpcg", which only multiplies by the
    Laplacian where ARPACK's default shift-invert mode factorises it (slow
    and large on a k-NN graph of windows), and with it ``eigen_tol`` to 1e-4,
    which is met where scipy's default (~n * sqrt(eps)) is not always, LOBPCG
    then warning (measured: see :ref:`routines_defaults`). scikit-learn's
    "Graph is not fully connected" warning is silenced: :func:`_check_affinity`
    runs the same test and names the windows.
    """
    params = dict(spectral_params or {})
    if sp.issparse(affinity):
        params.setdefault("eigen_solver", "lobpcg")
        if params["eigen_solver"] == "lobpcg":
            params.setdefault("eigen_tol", 1e-4)
    spectral = SpectralClustering(
        n_clusters=n_clusters, affinity="precomputed", assign_labels="kmeans",
        random_state=seed, **params,
    )
    # ignoring, not catch_warnings, which fits in threads would undo for each other
    with ignoring("Graph is not fully connected"):
        return spectral.fit_predict(affinity)


@validate_params(
    {
        "kernel": [StrOptions({"local", "gaussian", "cosine"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "width": [StrOptions({"median"}), Interval(Real, 0, None, closed="neither"),
                  None],
    },
    prefer_skip_nested_validation=True,
)
def affinity_from_distances(distances, *, kernel="local", n_neighbors=7, width="median"):
    """Affinity matrix of spectral clustering from a distance matrix.

    Parameters
    ----------
    distances : array-like or sparse matrix of shape (n, n)
        Non-negative distances; symmetrised as ``(D + D.T) / 2``. A sparse
        matrix is a neighbours graph, as scikit-learn's
        ``kneighbors_graph(mode="distance")`` makes: stored entries are
        distances (explicit zeros included), absent ones "not a neighbour".
        Its union with its transpose is kept (a pair stored both ways gets
        the mean), and only ``kernel="local"`` applies: each point's scale is
        its ``n_neighbors``-th smallest stored distance, so every row must
        store at least that many (the diagonal aside).
    kernel : {"local", "gaussian", "cosine"}, default="local"
        - ``"local"``: the locally scaled ("self-tuning") Gaussian of
          Zelnik-Manor & Perona [1]_, ``A_ij = exp(-d_ij**2 / (s_i * s_j))`` with
          ``s_i`` the distance of ``i`` to its ``n_neighbors``-th nearest
          neighbour. Each point's kernel is as wide as its own neighbourhood,
          so a few far points (heavy-tailed distances) keep links to their
          nearest neighbours. Under one global width they get ~0 affinity to
          everything, and spectral clustering spends whole clusters on them.
        - ``"gaussian"``: one global width, ``exp(-d**2 / width)`` (thesis
          eq. 3.50 [2]_, where ``width`` is the embedding dimension ``n``).
        - ``"cosine"``: ``1 + cos = 2 - d`` for a cosine distance
          ``d = 1 - cos`` (thesis eq. 3.50, "we simply add one" to the similarity),
          in ``[0, 2]``.
    n_neighbors : int, default=7
        ``k`` of the ``"local"`` kernel (7 in [1]_), at least 1, capped at
        ``n - 1``.
        A point with ``k`` exact duplicates (``s_i = 0``) gets the smallest
        positive scale instead.
    width : "median" or float, default="median"
        Width of the ``"gaussian"`` kernel: a positive float (the thesis's
        ``n``) or the median of the off-diagonal ``d**2``. None means "median".

    Returns
    -------
    affinity : ndarray or scipy.sparse.csr_matrix of shape (n, n)
        Symmetric, non-negative, with the largest value on the diagonal
        (1, or 2 for ``"cosine"``). Sparse for a sparse ``distances``, with
        the entries of the dense affinity on the symmetrised graph's edges
        (absent pairs: affinity 0) and 1 on the diagonal (the dense one's
        largest entry, which is also 1 unless some self-distance is not 0).

    References
    ----------
    .. [1] L. Zelnik-Manor and P. Perona, "Self-tuning spectral clustering",
       Advances in Neural Information Processing Systems 17 (NIPS 2004),
       pp. 1601-1608.
    .. [2] P. Compagnon, "Sequence metric learning: application to human
       activity recognition", PhD thesis, INSA Lyon, 2021, §3.3.4, eq. 3.50.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.cluster import affinity_from_distances
    >>> D = np.array([[0., 1., 4.], [1., 0., 3.], [4., 3., 0.]])
    >>> affinity_from_distances(D, n_neighbors=1).round(3)
    array([[1.   , 0.368, 0.005],
           [0.368, 1.   , 0.05 ],
           [0.005, 0.05 , 1.   ]])

    On a neighbours graph, the same values on its edges, 0 elsewhere:

    >>> from sklearn.neighbors import kneighbors_graph
    >>> G = kneighbors_graph(np.array([[0.], [1.], [4.]]), 1, mode="distance")
    >>> affinity_from_distances(G, n_neighbors=1).toarray().round(3)
    array([[1.   , 0.368, 0.   ],
           [0.368, 1.   , 0.05 ],
           [0.   , 0.05 , 1.   ]])
    """
    if sp.issparse(distances):
        return _sparse_local_affinity(distances, kernel, n_neighbors)
    D = np.asarray(distances, dtype=np.float64)
    if D.ndim != 2 or D.shape[0] != D.shape[1]:
        raise ValueError(f"distances must be a square matrix, got shape {D.shape}.")
    D = np.maximum((D + D.T) / 2, 0.0)
    n = len(D)
    if kernel == "cosine":
        A = np.clip(2.0 - D, 0.0, 2.0)
    elif kernel == "local":
        scales = _local_scales(D, n_neighbors)
        A = np.exp(-(D**2) / np.outer(scales, scales))
    else:  # "gaussian"
        if width is None or isinstance(width, str):  # "median"
            off = D[~np.eye(n, dtype=bool)] ** 2
            median = float(np.median(off)) if off.size else 0.0
            width = median if median > 0 else 1.0
        A = np.exp(-(D**2) / float(width))
    np.fill_diagonal(A, A.max() if A.size else 1.0)
    return A


def _sparse_local_affinity(distances, kernel, n_neighbors):
    """The "local" affinity on the edges of a sparse neighbours graph."""
    from ._graph import symmetric_graph

    if kernel != "local":
        raise ValueError(
            f"A sparse neighbours graph supports kernel='local' only, got {kernel!r}: "
            "a global kernel weighs every pair, which a graph does not hold."
        )
    if distances.ndim != 2 or distances.shape[0] != distances.shape[1]:
        raise ValueError(f"distances must be a square matrix, got shape {distances.shape}.")
    G = symmetric_graph(distances)
    if G.nnz and G.data.min() < 0:
        raise ValueError("distances must be non-negative.")
    n = G.shape[0]
    k = int(min(max(1, n_neighbors), n - 1))
    stored = np.diff(G.indptr)
    if n > 1 and stored.min() < k:
        i = int(np.argmin(stored))
        raise ValueError(
            f"The local scale of each point is its distance to its {k}-th nearest "
            f"neighbour, but row {i} of the neighbours graph stores {stored[i]} "
            "neighbours; build the graph with more neighbours or lower n_neighbors."
        )
    # each row's k-th smallest stored distance: its entries sorted in place
    order = np.lexsort((G.data, np.repeat(np.arange(n), stored)))
    scales = _positive(G.data[order][G.indptr[:-1] + k - 1] if n > 1 else np.ones(n))
    rows = np.repeat(np.arange(n), stored)
    values = np.exp(-(G.data**2) / (scales[rows] * scales[G.indices]))
    A = sp.csr_matrix((values, G.indices, G.indptr), shape=(n, n))
    return (A + sp.identity(n, format="csr")).tocsr()


def _local_scales(distances, n_neighbors):
    """Distance of each point to its ``n_neighbors``-th nearest other point.

    Zeros (a point with that many exact duplicates) become the smallest
    positive scale (1 when every distance is 0).
    """
    D = np.array(distances, dtype=np.float64)
    n = len(D)
    if n < 2:
        return np.ones(n)
    k = int(min(max(1, n_neighbors), n - 1))
    np.fill_diagonal(D, np.inf)
    return _positive(np.partition(D, k - 1, axis=1)[:, k - 1])


def _positive(scales):
    """Zero scales (a point with that many exact duplicates) become the
    smallest positive one (1 when every scale is 0)."""
    positive = scales[scales > 0]
    return np.where(scales > 0, scales, positive.min() if positive.size else 1.0)


def _routine_affinity(distances, *, affinity, kernel, n_neighbors, kernel_width, dim,
                      metric):
    """The affinity of :class:`RoutineClusterer` (its ``affinity`` parameter).

    "local": the locally scaled kernel of ``n_neighbors``; "global": the
    thesis's ``kernel`` for these distances ("gaussian", of the width
    :func:`_kernel_width` gives, or "cosine"), as :func:`affinity_from_distances`.
    """
    width = "median"
    if affinity == "local":
        kernel = "local"
    elif kernel == "gaussian":
        width = _kernel_width(kernel_width, dim, metric)
    return affinity_from_distances(distances, kernel=kernel, n_neighbors=n_neighbors,
                                   width=width)


def _kernel_width(kernel_width, dim, metric):
    """The ``width`` of the global Gaussian for :class:`RoutineClusterer`.

    "dim": the embedding dimension (thesis eq. 3.50); "auto": "dim" when the
    metric embeds the windows, else "median"; a float as is.
    """
    if isinstance(kernel_width, str):
        if kernel_width == "dim" and dim is None:
            raise ValueError(
                f"kernel_width='dim' needs an embedding; metric={metric!r} has none."
            )
        if kernel_width in ("auto", "dim") and dim is not None:
            return float(dim)
        return "median"
    return float(kernel_width)


#: Two windows are linked when their affinity is above this fraction of the
#: largest: the eigensolver of spectral clustering (float64) cannot tell a
#: weaker link from none, so scikit-learn's exact test (non-zero) misses
#: components joined only by, say, exp(-700).
_LINK_TOLERANCE = 1e-12
#: A window whose degree is below this fraction of the median degree is
#: "almost isolated": its row of the spectral embedding (divided by the square
#: root of the degree) lies far from all others and k-means gives it a cluster.
_ISOLATION_RATIO = 1e-3


def _affinity_diagnostics(affinity):
    """Connected components and almost isolated points of an affinity graph.

    Two points are linked when their affinity is above ``_LINK_TOLERANCE``
    times the largest (scikit-learn's "Graph is not fully connected" warning
    tests for non-zero: each component it finds is one here too). Spectral
    clustering gives each component at least one cluster of its own.

    Returns
    -------
    n_components : int
    components : ndarray of shape (n,)
        Component of each point, 0 being the largest.
    isolated : ndarray of int
        Points whose degree (sum of their affinities to the others) is below
        ``_ISOLATION_RATIO`` times the median degree.
    """
    from scipy.sparse.csgraph import connected_components

    if sp.issparse(affinity):
        # the same tests on the stored entries, never densified
        A = affinity.tocoo()
        off = A.row != A.col
        row, col, data = A.row[off], A.col[off], A.data[off]
        n = A.shape[0]
        top = data.max() if data.size else 0.0
        linked = data > _LINK_TOLERANCE * top
        linked = sp.csr_matrix((np.ones(linked.sum()), (row[linked], col[linked])),
                               shape=(n, n))
        degree = np.bincount(row, weights=data, minlength=n)
    else:
        A = np.array(affinity, dtype=np.float64)
        np.fill_diagonal(A, 0.0)
        linked = A > _LINK_TOLERANCE * (A.max() if A.size else 0.0)
        degree = A.sum(axis=1)
    n_components, labels = connected_components(linked, directed=False)
    order = np.argsort(-np.bincount(labels), kind="stable")
    components = np.argsort(order)[labels]
    isolated = np.flatnonzero(degree < _ISOLATION_RATIO * np.median(degree))
    return int(n_components), components, isolated


def _warn_if_all_distances_zero(distances, who):
    """``ConvergenceWarning`` when every distance between the windows is 0.

    Spectral clustering of windows that the metric cannot tell apart (a
    recording whose channels are constant, a learned metric mapping every
    window to one point) still returns ``n_clusters`` clusters, split by
    the eigensolver's rounding: arbitrary, and given without a word (four
    days of a constant recording came out as clusters of 44, 44 and 8
    windows). scikit-learn's ``KMeans`` warns alike when duplicate points
    leave fewer distinct clusters than asked.
    """
    # dense only: a neighbours graph stores each window's nearest, all at 0
    # where every window has duplicates, whatever the distances between them
    if not sp.issparse(distances) and distances.size and not np.any(distances):
        warn(
            f"{who}: every distance between the {distances.shape[0]} windows "
            "is 0, so they cannot be told apart and the clusters are "
            "arbitrary. Check that the recording varies (a constant channel "
            "is standardised to 0) and that the metric learned (its own "
            "warnings).", ConvergenceWarning)


def _check_affinity(affinity, days, slots, hint, limit=10):
    """Warn when spectral clustering would spend clusters on a few windows.

    The warning names the number of components, the windows outside the
    largest and the almost isolated ones (index, day, slot; at most ``limit``
    of each), and ends with ``hint``.
    """
    n_components, components, isolated = _affinity_diagnostics(affinity)

    def name(index):
        named = ", ".join(f"{i} (day {days[i]}, slot {slots[i]})" for i in index[:limit])
        return named + (f" and {len(index) - limit} more" if len(index) > limit else "")

    problems = []
    if n_components > 1:
        problems.append(
            f"is not connected: {n_components} connected components (no pair "
            f"across them has an affinity above {_LINK_TOLERANCE:g} of the "
            "largest); windows outside the largest: "
            + name(np.flatnonzero(components > 0))
        )
    if len(isolated):
        problems.append(
            f"has {len(isolated)} almost isolated windows (sum of affinities below "
            f"{_ISOLATION_RATIO:g} of the median window's): {name(isolated)}"
        )
    if problems:
        warn(
            f"The affinity graph of the {len(components)} windows "
            + "; it ".join(problems)
            + ". Spectral clustering tends to give such windows clusters of their "
            f"own, leaving fewer for the routines; try {hint}.",
            UserWarning,
        )
