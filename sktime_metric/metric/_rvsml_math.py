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

Everything here is plain numpy on single, unpadded series.
"""

import numpy as np
from scipy.special import logsumexp

__all__ = [
    "dtw_alignment",
    "initial_alignment",
    "opw_alignment",
    "opw_distance",
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
    """
    N, M = D.shape
    i = (np.arange(1, N + 1) / N)[:, None]
    j = (np.arange(1, M + 1) / M)[None, :]
    gap = i - j
    S = 1.0 / (gap**2 + 1.0)
    log_P = -(gap**2 / (1.0 / N**2 + 1.0 / M**2)) / (2.0 * sigma**2)
    scale = D.max()
    D = D / scale if scale > 0 else D
    log_K = log_P + (lambda1 * S - D) / lambda2
    # Sinkhorn on K scaled by its largest entry (the scaling cancels in T):
    # matrix-vector products, far cheaper than log-space sums on small
    # matrices. At the authors' settings every row and column of K keeps
    # entries within ~(1 + lambda1 / 2) / lambda2 of its maximum, so nothing
    # underflows; with extreme parameters it can (a zero row, or a scaling
    # that overflows on the way), and the log-space iteration takes over.
    K = np.exp(log_K - log_K.max())
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
    log_a, log_b = np.log(a), np.log(b)
    log_v = np.zeros(M)
    for _ in range(n_iter):
        log_u = log_a - logsumexp(log_K + log_v[None, :], axis=1)
        log_v = log_b - logsumexp(log_K + log_u[:, None], axis=0)
        rows = logsumexp(log_u[:, None] + log_K + log_v[None, :], axis=1)
        if np.abs(np.expm1(rows - log_a)).max() < tol:
            break
    return np.exp(log_u[:, None] + log_K + log_v[None, :])


def opw_distance(A, B, **opw):
    """OPW distance of two series: ``<T, D>`` for the squared Euclidean costs
    ``D`` of their frames and ``T = opw_alignment(D)``."""
    D = ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)
    return float(np.sum(opw_alignment(D, **opw) * D))


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
