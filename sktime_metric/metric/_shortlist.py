"""Two-stage neighbour search: a cheap embedding shortlists, a costly distance scores.

For a learned distance that needs a joint pass over each pair (the coupled GRU),
a full ``(n, n_references)`` matrix costs one pass per pair. For k-nearest
neighbours only the nearest few references of each query matter: a per-series
embedding ranks all references by Euclidean distance (cheap: one pass per
series, then a matrix product), and only the ``m`` nearest of each query are
scored by the expensive distance. The result is scikit-learn's sparse
"precomputed neighbours graph" (what ``KNeighborsTransformer`` produces): the
scored entries are stored, each row sorted by distance, and the others are
absent, which ``KNeighborsClassifier(metric="precomputed")`` reads as "not a
neighbour".
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_scalar

__all__ = [
    "check_embedding",
    "check_shortlist",
    "dense_distances",
    "nearest_candidates",
    "shortlist_graph",
    "shortlist_pairs",
    "to_graph",
]

# embedding distances computed per block of rows: at most this many at once
_BLOCK = 2**22


def check_shortlist(shortlist, shortlist_size):
    """Validate the two shortlist arguments of ``pairwise_distances``.

    Returns ``(shortlist, shortlist_size)``: ``shortlist`` is ``"uncoupled"`` or
    a callable mapping a dataset to an ``(n, k)`` embedding.
    """
    if shortlist_size is not None:
        shortlist_size = int(check_scalar(shortlist_size, "shortlist_size", Integral,
                                          min_val=1))
    if isinstance(shortlist, str):
        if shortlist != "uncoupled":
            raise ValueError(
                f"shortlist must be 'uncoupled', a fitted transformer or a callable; "
                f"got {shortlist!r}."
            )
        return shortlist, shortlist_size
    if hasattr(shortlist, "transform"):
        return shortlist.transform, shortlist_size
    if callable(shortlist):
        return shortlist, shortlist_size
    raise TypeError(
        "shortlist must be 'uncoupled', a fitted transformer (with transform) or a "
        f"callable returning embeddings; got {type(shortlist).__name__}."
    )


def check_embedding(E, n_samples, name):
    """An ``(n_samples, k)`` float64 array of finite values, or a clear error."""
    E = np.asarray(E, dtype=np.float64)
    if E.ndim != 2 or len(E) != n_samples:
        raise ValueError(
            f"The shortlist embedding of {name} must have shape ({n_samples}, k); "
            f"got {E.shape}."
        )
    if not np.isfinite(E).all():
        raise ValueError(f"The shortlist embedding of {name} is not finite.")
    return E


def nearest_candidates(E, E2, m):
    """The ``m`` rows of ``E2`` nearest (Euclidean) to each row of ``E``.

    Parameters
    ----------
    E : ndarray of shape (n, k)
    E2 : ndarray of shape (n2, k)
    m : int
        At most ``n2``.

    Returns
    -------
    candidates : ndarray of shape (n, m), int64
        In no particular order within a row.
    """
    n2 = len(E2)
    squared2 = (E2**2).sum(axis=1)
    out = np.empty((len(E), m), dtype=np.int64)
    step = max(1, _BLOCK // max(n2, 1))
    for start in range(0, len(E), step):
        block = E[start : start + step]
        # the rows' own squared norms do not change their ranking
        d = squared2[None, :] - 2 * block @ E2.T
        out[start : start + step] = (
            np.argpartition(d, m - 1, axis=1)[:, :m] if m < n2
            else np.broadcast_to(np.arange(n2), (len(block), n2))
        )
    return out


def shortlist_pairs(candidates, symmetric):
    """The pairs to score for ``candidates``, and where each entry's value comes from.

    Parameters
    ----------
    candidates : ndarray of shape (n, m), int64
    symmetric : bool
        The rows and columns are one set: the pairs ``(i, j)`` and ``(j, i)`` are
        scored once, and ``(i, i)`` not at all (its distance is 0).

    Returns
    -------
    left, right : ndarray of shape (P,), int64
        The pairs to score.
    source : ndarray of shape (n, m), int64
        For each entry of ``candidates``, its pair's position in ``left``; -1
        for a diagonal entry (distance 0).
    """
    n, m = candidates.shape
    rows = np.repeat(np.arange(n), m)
    cols = candidates.reshape(-1)
    if not symmetric:
        return rows, cols, np.arange(n * m).reshape(n, m)
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    off_diagonal = low != high
    keys, inverse = np.unique(low[off_diagonal] * n + high[off_diagonal],
                              return_inverse=True)
    source = np.full(n * m, -1, dtype=np.int64)
    source[off_diagonal] = inverse
    return keys // n, keys % n, source.reshape(n, m)


def to_graph(candidates, values, n_columns):
    """CSR matrix holding ``values[i, k]`` at ``(i, candidates[i, k])``.

    Each row's entries are sorted by value (ties by column), as scikit-learn's
    precomputed neighbour graphs are; zero distances are stored explicitly.
    """
    n, m = candidates.shape
    order = np.lexsort((candidates, values), axis=-1)
    columns = np.take_along_axis(candidates, order, axis=1)
    data = np.take_along_axis(values, order, axis=1)
    return sp.csr_matrix(
        (data.reshape(-1), columns.reshape(-1), np.arange(0, n * m + 1, m)),
        shape=(n, n_columns),
    )


def dense_distances(distances):
    """``distances`` as a dense array; a neighbours graph's absent entries
    are ``np.inf``.

    An entry a shortlisted graph leaves out is a pair it did not score, far
    from the row, not a distance of 0 (what ``toarray()`` would make it: the
    nearest of all). A dense matrix is returned as it is.
    """
    if not sp.issparse(distances):
        return distances
    graph = distances.tocoo()
    dense = np.full(graph.shape, np.inf)
    dense[graph.row, graph.col] = graph.data
    return dense


def shortlist_graph(E, E2, m, score_pairs, *, symmetric):
    """The two-stage search: shortlist by embedding, score the candidates only.

    Parameters
    ----------
    E : ndarray of shape (n, k)
        Shortlist embedding of the rows.
    E2 : ndarray of shape (n2, k)
        Shortlist embedding of the columns (``E`` itself when ``symmetric``).
    m : int
        Candidates per row; more than ``n2`` scores every pair.
    score_pairs : callable
        ``score_pairs(left, right) -> (P,)`` float64 distances of the pairs
        ``(row left[p], column right[p])``: the costly distance.
    symmetric : bool
        Rows and columns are one set: each unordered pair is scored once and a
        series and itself are at distance 0, unscored.

    Returns
    -------
    graph : scipy.sparse.csr_matrix of shape (n, n2)
        Each row's ``min(m, n2)`` candidates and their scored distances, sorted
        by distance (see :func:`to_graph`). When the embedding misses one of a
        row's true nearest, the nearest candidates stand in for it.
    """
    candidates = nearest_candidates(E, E2, min(m, len(E2)))
    left, right, source = shortlist_pairs(candidates, symmetric=symmetric)
    # source -1 (a series and itself) reads the appended 0
    distances = np.append(np.asarray(score_pairs(left, right), dtype=np.float64), 0.0)
    return to_graph(candidates, distances[source], len(E2))
