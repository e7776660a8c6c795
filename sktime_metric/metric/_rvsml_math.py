"""The math of RVSML (Su and Wu, ICML 2019): virtual sequences, alignments, the ridge step.

RVSML learns a linear map ``L`` (``d x d'``) of the frames so that each
training series, aligned to the *virtual sequence* of its class, lands on it::

    min_L  sum_i sum_{t,k} T_i(t, k) |L^T x_{i,t} - v_{c_i,k}|^2 + lam |L|_F^2

where ``T_i`` is the alignment of the projected series ``X_i L`` with its
class's virtual sequence ``V_{c_i}`` under the current ``L``: a DTW warping
path (0/1 matrix) or an order-preserving Wasserstein (OPW) transport plan. The
method alternates the alignments (``L`` fixed) and ``L`` (alignments fixed,
a ridge regression in closed form). The virtual sequence of class ``c`` has
``K`` elements, the one-hot vectors ``e_{cK + k}`` of ``R^{C K}``: every
class's elements are orthogonal to every other's.

Everything here is plain numpy on unpadded series: one pair at a time, or
stacks of one shape (:func:`opw_plans`, :func:`squared_costs`) and lists
grouped by length (:func:`opw_distance_matrix`,
:func:`opw_paired_distances`).
"""

import functools

import numpy as np
from scipy.special import logsumexp

__all__ = [
    "dtw_alignment",
    "initial_alignment",
    "opw_alignment",
    "opw_distance",
    "opw_distance_matrix",
    "opw_paired_distances",
    "opw_plans",
    "squared_costs",
    "ridge_projection",
    "virtual_sequences",
]


def virtual_sequences(n_classes, n_elements):
    """``(n_classes, n_elements, n_classes * n_elements)`` one-hot virtual sequences."""
    V = np.zeros((n_classes, n_elements, n_classes * n_elements))
    for c in range(n_classes):
        V[c, np.arange(n_elements), c * n_elements + np.arange(n_elements)] = 1.0
    return V


def initial_alignment(n_frames, n_elements):
    """The linear 0/1 alignment before any ``L``: frame ``t`` to element
    ``floor(t K / N)``, each element to a consecutive block of frames."""
    T = np.zeros((n_frames, n_elements))
    T[np.arange(n_frames), (np.arange(n_frames) * n_elements) // n_frames] = 1.0
    return T


def dtw_alignment(Z, V):
    """The 0/1 matrix of DTW's optimal warping path between ``Z`` and ``V``.

    tslearn's DTW: the path minimising the sum of squared Euclidean distances
    of the aligned frames, so with ``L`` fixed it is the alignment that
    minimises RVSML's objective.

    The backend is named (``be="numpy"``), as in
    :func:`~sktime_metric.utils._dtw.dtw_distance` and for its reason: the
    same path, without tslearn formatting ``Z`` as a string on every call.
    """
    from tslearn.metrics import dtw_path

    path, _ = dtw_path(Z, V, be="numpy")
    T = np.zeros((len(Z), len(V)))
    rows, cols = np.asarray(path).T
    T[rows, cols] = 1.0
    return T


#: Largest ``N * M`` whose length-only OPW terms are cached (two float64
#: arrays of ``N * M``: 1 MiB at this size, at most 64 of them).
_OPW_PRIOR_CACHE_CELLS = 2**16


def _opw_prior_terms(N, M, sigma):
    """``S`` and ``log P`` of :func:`opw_alignment` for ``N x M`` costs: they
    depend on the lengths only."""
    i = (np.arange(1, N + 1) / N)[:, None]
    j = (np.arange(1, M + 1) / M)[None, :]
    gap = i - j
    S = 1.0 / (gap**2 + 1.0)
    log_P = -(gap**2 / (1.0 / N**2 + 1.0 / M**2)) / (2.0 * sigma**2)
    S.flags.writeable = log_P.flags.writeable = False
    return S, log_P


_cached_opw_prior_terms = functools.lru_cache(maxsize=64)(_opw_prior_terms)


def _opw_prior(N, M, sigma):
    """:func:`_opw_prior_terms`, cached for small ``N x M`` (the same numbers)."""
    if N * M <= _OPW_PRIOR_CACHE_CELLS:
        return _cached_opw_prior_terms(int(N), int(M), float(sigma))
    return _opw_prior_terms(N, M, sigma)


def _opw_log_kernel(D, lambda1, lambda2, sigma):
    """``log K`` of :func:`opw_alignment` for costs ``D`` of shape ``(P, N, M)``
    (a stack of cost matrices of one shape: elementwise, so each matrix's
    numbers are those it gets alone)."""
    N, M = D.shape[-2:]
    S, log_P = _opw_prior(N, M, sigma)
    scale = D.max(axis=(-2, -1), keepdims=True)
    # log P + (lambda1 S - D / scale) / lambda2, in place; D / 1.0 is D: an
    # all-zero matrix is not scaled
    log_K = D / np.where(scale > 0, scale, 1.0)
    np.subtract(lambda1 * S, log_K, out=log_K)
    log_K /= lambda2
    log_K += log_P
    return log_K


def _opw_log_sinkhorn(log_K, n_iter, tol):
    """The plan of :func:`opw_alignment` by the log-space iteration (its
    fallback when the scaled kernel under- or overflows)."""
    N, M = log_K.shape
    log_a, log_b = np.log(np.full(N, 1.0 / N)), np.log(np.full(M, 1.0 / M))
    log_v = np.zeros(M)
    for _ in range(n_iter):
        log_u = log_a - logsumexp(log_K + log_v[None, :], axis=1)
        log_v = log_b - logsumexp(log_K + log_u[:, None], axis=0)
        rows = logsumexp(log_u[:, None] + log_K + log_v[None, :], axis=1)
        if np.abs(np.expm1(rows - log_a)).max() < tol:
            break
    return np.exp(log_u[:, None] + log_K + log_v[None, :])


def opw_alignment(D, *, lambda1=50.0, lambda2=0.1, sigma=1.0, n_iter=20, tol=5e-3):
    """Order-preserving Wasserstein transport plan for the cost matrix ``D`` (N x M).

    Su and Hua (CVPR 2017): the entropic transport plan with uniform marginals
    ``1/N`` and ``1/M`` that minimises ``<T, D> - lambda1 I(T) + lambda2
    KL(T || P)``, where ``I(T) = sum T_ij / ((i/N - j/M)^2 + 1)`` rewards
    mass near the diagonal and ``P`` is a Gaussian prior around it,
    ``P_ij ~ exp(-l_ij^2 / (2 sigma^2))`` with ``l_ij = |i/N - j/M| /
    sqrt(1/N^2 + 1/M^2)``. Its solution is ``T = diag(u) K diag(v)`` with
    ``K = P * exp((lambda1 S - D) / lambda2)``, ``S_ij = 1 / ((i/N - j/M)^2
    + 1)``, found by Sinkhorn's scaling. ``D`` is divided
    by its largest entry first, as the authors' code does, so that
    ``lambda2`` means the same whatever the scale of the features.

    The scaling stops after ``n_iter`` iterations or once every row
    marginal is within ``tol`` of ``1/N`` (relative), so the plan is an
    approximate one: columns exact, rows within ``tol`` only when it stopped
    on ``tol``. The defaults, 20 iterations and 0.005, are the authors' code's
    as we recall it (no copy of it is available offline to check); with a
    kernel this peaked Sinkhorn converges slowly (columns off by 0.3 % after
    200 iterations on random 12 x 9 costs), and exact plans cost 10-100x more.

    :func:`opw_plans` computes the plans of a stack of cost matrices of one
    shape at once, the same numbers; this is the one-pair loop (less overhead
    on one pair: the training's alignments).
    """
    log_K = _opw_log_kernel(D, lambda1, lambda2, sigma)
    N, M = D.shape
    # Sinkhorn on K scaled by its largest entry (the scaling cancels in T):
    # matrix-vector products, far cheaper than log-space sums on small
    # matrices. At the authors' settings every row and column of K keeps
    # entries within ~(1 + lambda1 / 2) / lambda2 of its maximum, so nothing
    # underflows; with extreme parameters it can (a zero row, or a scaling
    # that overflows on the way), and the log-space iteration takes over.
    K = _opw_scaled_kernel(log_K)
    a, b = np.full(N, 1.0 / N), np.full(M, 1.0 / M)
    v = np.ones(M)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for _ in range(n_iter):
            u = a / (K @ v)
            v = b / (K.T @ u)
            if not np.abs(u * (K @ v) - a).max() >= tol * a[0]:
                break  # converged, or not finite (caught below)
        T = u[:, None] * K * v[None, :]
    if np.all(np.isfinite(T)):
        return T
    return _opw_log_sinkhorn(log_K, n_iter, tol)


def _opw_scaled_kernel(log_K):
    """``exp(log K - max log K)`` of each matrix of ``log_K`` (..., N, M)."""
    K = log_K - log_K.max(axis=(-2, -1), keepdims=True)
    # exp is 0 below -745.2 (the smallest subnormal is exp(-744.4)): those
    # entries, a third of K at the defaults on 128 frames, skip libm's slow
    # path for them (3.8x the cost of an ordinary exp); the same numbers
    far = K < -750.0
    np.exp(K, out=K, where=~far)
    np.copyto(K, 0.0, where=far)
    return K


def _matvec(K, x):
    """``K[p] @ x[p]`` for each ``p``: BLAS's matrix-vector product per matrix,
    as ``K[p] @ x[p]`` computes it."""
    return np.matmul(K, x[:, :, None])[:, :, 0]


def opw_plans(D, *, lambda1=50.0, lambda2=0.1, sigma=1.0, n_iter=20, tol=5e-3):
    """:func:`opw_alignment` of each cost matrix of a stack ``D`` (P, N, M).

    Each plan is the one :func:`opw_alignment` gives its matrix alone (to the
    bit on our machines: the same operations per pair, the matrix-vector
    products BLAS's per matrix): the Sinkhorn iterations run on the whole
    stack, each pair leaving it at the iteration where its own stopping rule
    stops it (or falling back to the log-space iteration alone when its scaled
    kernel is not finite). On RVSML's projected UCI HAR windows (128 x 128
    costs) the pairs stop after 5 to 20 iterations.
    """
    if n_iter < 1:
        raise ValueError(f"n_iter must be at least 1; got {n_iter}.")
    P, N, M = D.shape
    log_K = _opw_log_kernel(D, lambda1, lambda2, sigma)
    K = _opw_scaled_kernel(log_K)
    a, b = np.full(N, 1.0 / N), np.full(M, 1.0 / M)
    U, V = np.empty((P, N)), np.empty((P, M))
    # the pairs of K_active (those of ``active``) still iterating: ``live``.
    # Pairs that stopped stay in K_active, their products computed and
    # ignored, until half of it has stopped: copying the live kernels out
    # costs more than a few products.
    active, K_active, live = np.arange(P), K, np.ones(P, dtype=bool)
    n_live = P
    v = np.ones((P, M))
    Kv = _matvec(K_active, v)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for iteration in range(n_iter):
            u = a / Kv
            v = b / _matvec(K_active.transpose(0, 2, 1), u)
            Kv = _matvec(K_active, v)  # the next iteration's K v as well
            # converged, or not finite (caught below): NaN compares False
            error = u * Kv
            error -= a
            going = np.abs(error, out=error).max(axis=1) >= tol * a[0]
            going &= live
            if iteration == n_iter - 1:
                going[:] = False
            n_going = np.count_nonzero(going)
            if n_going < n_live:  # some pairs stop here
                stopped = live & ~going
                U[active[stopped]], V[active[stopped]] = u[stopped], v[stopped]
                live, n_live = going, n_going
                if n_live == 0:
                    break
                if 2 * n_live <= len(live):
                    active, K_active = active[live], K_active[live]
                    v, Kv, live = v[live], Kv[live], live[live]
        T = K  # K is not needed after: the plans overwrite it
        T *= U[:, :, None]
        T *= V[:, None, :]
    for p in np.flatnonzero(~np.isfinite(T).all(axis=(1, 2))):
        T[p] = _opw_log_sinkhorn(log_K[p], n_iter, tol)
    return T


def squared_costs(A, B):
    """Squared Euclidean distances of the frames of ``A`` (N, d) or of each
    series of ``A`` (P, N, d), and of each series of ``B`` (P, M, d): shape
    (P, N, M).

    By ``|a|^2 + |b|^2 - 2 a.b`` (one matrix product per pair; the difference
    of every pair of frames costs 15x more on 128 frames of 24 dimensions),
    negative rounding clipped to 0, on frames centred on the mean of ``A``'s
    (of each series of ``A``'s): the expanded form's rounding is eps times
    the squared norms, which on frames far from 0 in units of their spread
    swamps the differences (measured uncentred, relative to the largest
    cost: 5.7e-9 at an offset of 1e4 and a spread of 1, 5e-5 at 1e6; the
    HMM's emission scores had the same flaw). Each pair's numbers are those
    it gets alone. They differ from the differences' by rounding: on UCI
    HAR's projected windows at most 2.2e-16 (absolute; the largest cost 0.57).
    """
    centre = A.mean(axis=-2, keepdims=True)
    A, B = A - centre, B - centre
    a2 = (A * A).sum(axis=-1)
    b2 = (B * B).sum(axis=2)
    D = np.matmul(A, B.transpose(0, 2, 1))
    D *= -2.0
    D += a2[..., :, None]
    D += b2[:, None, :]
    return np.maximum(D, 0.0, out=D)


def opw_distance(A, B, **opw):
    """OPW distance of two series: ``<T, D>`` for the squared Euclidean costs
    ``D`` of their frames (:func:`squared_costs`) and ``T = opw_alignment(D)``."""
    D = squared_costs(A, B[None])[0]
    return float(np.sum(opw_alignment(D, **opw) * D))


def _opw_stacked_distances(A, B, **opw):
    """:func:`opw_distance` of each pair ``(A[p], B[p])`` (or ``(A, B[p])``
    when ``A`` is one series), the stack's plans at once: the same numbers."""
    D = squared_costs(A, B)
    return (opw_plans(D, **opw) * D).sum(axis=(1, 2))


def _stacks(n_pairs, cells, max_cells):
    """Slices of at most ``max_cells // cells`` (at least 1) of ``n_pairs``."""
    step = max(1, max_cells // max(1, cells))
    return [slice(c, c + step) for c in range(0, n_pairs, step)]


# cost entries per stack of pairs: 512 KiB per array, four 128 x 128 pairs,
# which keeps each kernel in the core's cache through its iterations (stacks
# of 2**19 entries were 1.5-2x slower per pair on UCI HAR's windows)
_OPW_STACK_CELLS = 2**16


def opw_distance_matrix(A, B, *, max_cells=_OPW_STACK_CELLS, **opw):
    """``(len(A), len(B))`` OPW distances of two lists of unpadded series.

    :func:`opw_distance` of every pair, the same numbers: each row against
    the columns of each length at once (:func:`opw_plans`), in stacks of at
    most ``max_cells`` cost entries.
    """
    out = np.empty((len(A), len(B)))
    by_length = {}
    for k, b in enumerate(B):
        by_length.setdefault(len(b), []).append(k)
    for M, columns in by_length.items():
        columns = np.asarray(columns)
        stack = np.stack([B[k] for k in columns])
        for r, a in enumerate(A):
            for part in _stacks(len(columns), len(a) * M, max_cells):
                out[r, columns[part]] = _opw_stacked_distances(a, stack[part], **opw)
    return out


def opw_paired_distances(A, B, *, max_cells=_OPW_STACK_CELLS, **opw):
    """``opw_distance(A[p], B[p])`` of each pair of two lists of unpadded
    series, the pairs of equal lengths at once: the same numbers."""
    out = np.empty(len(A))
    by_lengths = {}
    for p, (a, b) in enumerate(zip(A, B)):
        by_lengths.setdefault((len(a), len(b)), []).append(p)
    for (N, M), pairs in by_lengths.items():
        pairs = np.asarray(pairs)
        for part in _stacks(len(pairs), N * M, max_cells):
            chosen = pairs[part]
            out[chosen] = _opw_stacked_distances(np.stack([A[p] for p in chosen]),
                                                 np.stack([B[p] for p in chosen]),
                                                 **opw)
    return out


def ridge_projection(series, targets, alignments, regularization):
    """The ``L`` that minimises the objective with the alignments fixed.

    Setting the gradient to zero gives the normal equations
    ``(sum_i sum_{t,k} T_i(t,k) x_t x_t^T + lam I) L = sum_i sum_{t,k}
    T_i(t,k) x_t v_k^T``: with ``w_t = sum_k T(t, k)`` the frame's total
    weight, the left side is ``X^T diag(w) X``, the right side ``X^T T V``.

    Parameters
    ----------
    series : list of ndarray of shape (N_i, d)
    targets : list of ndarray of shape (K, d')
        The virtual sequence each series is aligned to.
    alignments : list of ndarray of shape (N_i, K)
    regularization : float

    Returns
    -------
    L : ndarray of shape (d, d')
    """
    d = series[0].shape[1]
    gram = regularization * np.eye(d)
    cross = np.zeros((d, targets[0].shape[1]))
    for X, V, T in zip(series, targets, alignments):
        gram += X.T @ (T.sum(axis=1)[:, None] * X)
        cross += X.T @ (T @ V)
    return np.linalg.solve(gram, cross)


def objective(series, targets, alignments, L, regularization):
    """RVSML's objective for the given alignments and ``L`` (to check descent)."""
    total = regularization * np.sum(L**2)
    for X, V, T in zip(series, targets, alignments):
        Z = X @ L
        squared = ((Z[:, None, :] - V[None, :, :]) ** 2).sum(axis=2)
        total += np.sum(T * squared)
    return float(total)
