"""From window distances to clusters: the affinity, the eigengap, the connectivity check.

Pure helpers of :class:`~sktime_metric.cluster.RoutineClusterer`: distances
become the affinity of spectral clustering (locally scaled, or the thesis's
global kernels, eq. 3.50), the number of clusters may be read off the
normalised Laplacian's spectrum, and an affinity graph that would make spectral
clustering spend clusters on a few windows is warned about.
"""

import warnings

import numpy as np

__all__ = ["affinity_from_distances"]


def _eigengap(affinity, max_clusters):
    """Number of clusters at the largest gap of the normalised Laplacian spectrum."""
    degree = np.maximum(affinity.sum(axis=1), 1e-12)
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(len(affinity)) - scale[:, None] * affinity * scale[None, :]
    eigenvalues = np.linalg.eigvalsh(laplacian)
    top = min(max_clusters, len(affinity) - 1)
    gaps = np.diff(eigenvalues[: top + 1])  # gaps[k-1] = lambda_{k+1} - lambda_k
    return int(np.argmax(gaps[1:]) + 2), eigenvalues


def affinity_from_distances(distances, *, kernel="local", n_neighbors=7, width="median"):
    """Affinity matrix of spectral clustering from a distance matrix.

    Parameters
    ----------
    distances : array-like of shape (n, n)
        Non-negative distances; symmetrised as ``(D + D.T) / 2``.
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
        ``k`` of the ``"local"`` kernel (7 in [1]_), capped at ``n - 1``.
        A point with ``k`` exact duplicates (``s_i = 0``) gets the smallest
        positive scale instead.
    width : "median" or float, default="median"
        Width of the ``"gaussian"`` kernel: a float (the thesis's ``n``) or
        the median of the off-diagonal ``d**2``. None means "median".

    Returns
    -------
    affinity : ndarray of shape (n, n)
        Symmetric, non-negative, with the largest value on the diagonal
        (1, or 2 for ``"cosine"``).

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
    """
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
    elif kernel == "gaussian":
        if width is None or (isinstance(width, str) and width == "median"):
            off = D[~np.eye(n, dtype=bool)] ** 2
            median = float(np.median(off)) if off.size else 0.0
            width = median if median > 0 else 1.0
        elif not width > 0:
            raise ValueError(f"width must be positive or 'median', got {width!r}.")
        A = np.exp(-(D**2) / float(width))
    else:
        raise ValueError(
            f"kernel must be 'local', 'gaussian' or 'cosine', got {kernel!r}."
        )
    np.fill_diagonal(A, A.max() if A.size else 1.0)
    return A


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
    scales = np.partition(D, k - 1, axis=1)[:, k - 1]
    positive = scales[scales > 0]
    return np.where(scales > 0, scales, positive.min() if positive.size else 1.0)


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

    A = np.array(affinity, dtype=np.float64)
    np.fill_diagonal(A, 0.0)
    linked = A > _LINK_TOLERANCE * (A.max() if A.size else 0.0)
    n_components, labels = connected_components(linked, directed=False)
    order = np.argsort(-np.bincount(labels), kind="stable")
    components = np.argsort(order)[labels]
    degree = A.sum(axis=1)
    isolated = np.flatnonzero(degree < _ISOLATION_RATIO * np.median(degree))
    return int(n_components), components, isolated


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
        warnings.warn(
            f"The affinity graph of the {len(components)} windows "
            + "; it ".join(problems)
            + ". Spectral clustering tends to give such windows clusters of their "
            f"own, leaving fewer for the routines; try {hint}.",
            UserWarning, stacklevel=3,
        )
