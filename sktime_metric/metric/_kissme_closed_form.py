"""KISSME's closed form: pair covariances, the metric matrix ``M`` and its factor.

"Keep it simple and straightforward" Mahalanobis metric learning (Koestinger
et al., CVPR 2012), chapter 3 of the routine-retrieval thesis (section
3.2.3.3). The differences of similar pairs and of dissimilar pairs are
modelled as zero-mean Gaussians; the log-likelihood ratio of "dissimilar" over
"similar" for a difference ``x_i - x_j`` is, up to a constant,
``(x_i - x_j)^T (Sigma_S^-1 - Sigma_D^-1) (x_i - x_j)``, and projecting that
matrix onto the PSD cone gives the metric. No iterations, no hyper-parameter but
a ridge.

The pair covariances over *all* pairs are computed from per-class scatter
matrices (never by listing the O(n^2) pairs): for a set ``A`` with mean
``m_A`` and scatter ``S(A) = sum_i (x_i - m_A)(x_i - m_A)^T``,
``sum_{i<j in A} (x_i - x_j)(x_i - x_j)^T = |A| S(A)``.

The one place of this math: :class:`~sktime_metric.metric.KISSMETransformer`
fits on it, and :class:`~sktime_metric.metric.Seq2SeqEmbedder` updates its
network's ``M`` with :func:`kissme_metric` and factors it with
:func:`mahalanobis_factor`.
"""

from numbers import Real

import numpy as np
from scipy.linalg import eigh

from sklearn.exceptions import ConvergenceWarning

from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ..utils._warnings import warn
from ._sampling import check_both_kinds

__all__ = [
    "difference_covariances",
    "kissme_from_differences",
    "kissme_metric",
    "mahalanobis_factor",
    "pair_covariances",
    "warn_if_zero_metric",
]


def _scatter(X):
    """``(sum_i (x_i - mean)(x_i - mean)^T, n)`` of the rows of ``X``."""
    centred = X - X.mean(axis=0)
    return centred.T @ centred, len(X)


def _pair_sums_from_labels(X, y, groups=None):
    """Sums of ``d d^T`` over all similar / dissimilar pairs, and the pair counts.

    Similar: same label (and, with ``groups``, different groups, which the
    routine setting uses: same time slot on different days). Dissimilar:
    different labels. Exact, in O(n d^2) time and O(d^2) memory.
    """
    n_features = X.shape[1]
    scatter_all, n = _scatter(X)
    within = np.zeros((n_features, n_features))
    n_within = 0
    for label in np.unique(y):
        members = X[y == label]
        s, m = _scatter(members)
        within += m * s
        n_within += m * (m - 1) // 2
    sum_similar, n_similar = within.copy(), n_within
    if groups is not None:
        # remove same-label pairs that share a group
        for label in np.unique(y):
            for group in np.unique(groups[y == label]):
                members = X[(y == label) & (groups == group)]
                s, m = _scatter(members)
                sum_similar -= m * s
                n_similar -= m * (m - 1) // 2
    sum_dissimilar = n * scatter_all - within
    n_dissimilar = n * (n - 1) // 2 - n_within
    return sum_similar, n_similar, sum_dissimilar, n_dissimilar


def _normalized(sum_similar, n_similar, sum_dissimilar, n_dissimilar, normalization):
    """The covariances ``(sigma_S, sigma_D, n_S, n_D)`` from the pair sums."""
    if normalization == "mean":
        sum_similar = sum_similar / max(n_similar, 1)
        sum_dissimilar = sum_dissimilar / max(n_dissimilar, 1)
    return sum_similar, sum_dissimilar, n_similar, n_dissimilar


@validate_params(
    {"normalization": [StrOptions({"mean", "sum"})]},
    prefer_skip_nested_validation=True,
)
def pair_covariances(X, y, *, groups=None, normalization="mean"):
    """Covariances of the pair differences of all similar and dissimilar pairs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Similar pairs share a label.
    groups : ndarray of shape (n_samples,) or None, default=None
        If given, pairs within one group are never similar.
    normalization : {"mean", "sum"}, default="mean"
        "mean" divides by the number of pairs (Koestinger); "sum" keeps the sums
        as the thesis prints them (eq. 3.39).

    Returns
    -------
    sigma_similar, sigma_dissimilar : ndarray of shape (n_features, n_features)
    n_similar, n_dissimilar : int

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.metric import pair_covariances
    >>> X = np.array([[0.0], [2.0], [4.0]])
    >>> s, d, n_s, n_d = pair_covariances(X, np.array([0, 0, 1]))
    >>> s.tolist(), d.tolist(), n_s, n_d   # (0-2)^2 ; ((0-4)^2 + (2-4)^2) / 2
    ([[4.0]], [[10.0]], 1, 2)
    """
    return _normalized(*_pair_sums_from_labels(X, y, groups), normalization)


def difference_covariances(similar, dissimilar, *, normalization="mean"):
    """Covariances of given pair differences, as :func:`pair_covariances` returns.

    Parameters
    ----------
    similar, dissimilar : ndarray of shape (n_pairs, n_features)
        The differences ``x_i - x_j`` of the similar and of the dissimilar pairs
        (explicit pairs, or pairs drawn from labels).
    normalization : {"mean", "sum"}, default="mean"
        See :func:`pair_covariances`.

    Returns
    -------
    sigma_similar, sigma_dissimilar : ndarray of shape (n_features, n_features)
    n_similar, n_dissimilar : int
    """
    return _normalized(similar.T @ similar, len(similar),
                       dissimilar.T @ dissimilar, len(dissimilar), normalization)


def kissme_from_differences(similar, dissimilar, *, normalization="mean",
                            regularization=1e-6, psd=True):
    """The KISSME matrix from given pair differences (difference covariances, then
    :func:`kissme_metric`).

    What the SS2S network's closed-form update solves each time (thesis section
    3.3.3), on the differences of its embedded training pairs.

    Parameters
    ----------
    similar, dissimilar : ndarray of shape (n_pairs, n_features)
        The differences of the similar and of the dissimilar pairs; neither may
        be empty.
    normalization : {"mean", "sum"}, default="mean"
    regularization : float, default=1e-6
    psd : bool, default=True
        As in :func:`difference_covariances` and :func:`kissme_metric`.

    Returns
    -------
    M : ndarray of shape (n_features, n_features)
    eigenvalues : ndarray of shape (n_features,)
    """
    check_both_kinds(len(similar), len(dissimilar), "KISSME")
    sigma_s, sigma_d = difference_covariances(similar, dissimilar,
                                              normalization=normalization)[:2]
    return kissme_metric(sigma_s, sigma_d, regularization=regularization, psd=psd)


@validate_params(
    {
        # 0: no ridge (KISSMETransformer's regularization may be 0 too)
        "regularization": [Interval(Real, 0, None, closed="left")],
        "psd": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def kissme_metric(sigma_similar, sigma_dissimilar, *, regularization=1e-6, psd=True):
    """The KISSME matrix ``Proj_PSD(Sigma_S^-1 - Sigma_D^-1)`` and its eigenvalues.

    Parameters
    ----------
    sigma_similar, sigma_dissimilar : ndarray of shape (d, d)
    regularization : float, default=1e-6
        Relative ridge, at least 0:
        ``Sigma += regularization * (tr(Sigma) / d + 1e-12) * I``, the guard
        against singular covariances (few pairs, collinear features); the
        ``1e-12`` floor regularises an all-zero covariance too. Directions
        along which neither kind of pair differs (a feature constant in
        training, fewer pairs than dimensions) get the weight 0: the ridge
        is applied, and the inverse taken, within the directions the pairs
        span.
    psd : bool, default=True
        Clip negative eigenvalues to zero (Higham's projection, as the thesis).

    Returns
    -------
    M : ndarray of shape (d, d)
        Symmetric; positive semi-definite when ``psd``.
    eigenvalues : ndarray of shape (d,)
        Ascending, after clipping when ``psd``.
    eigenvectors : ndarray of shape (d, d)
        Columns, matching ``eigenvalues``.

    Examples
    --------
    Similar pairs differ little along the first feature, dissimilar pairs
    differ along both: the learned metric weighs the first feature only.

    >>> import numpy as np
    >>> from sktime_metric.metric import kissme_metric
    >>> sigma_similar = np.diag([0.5, 4.0])
    >>> sigma_dissimilar = np.diag([2.0, 4.0])
    >>> M, eigenvalues, eigenvectors = kissme_metric(sigma_similar, sigma_dissimilar)
    >>> np.diag(M).round(2).tolist(), bool(abs(M[0, 1]) < 1e-12)  # 1/0.5 - 1/2
    ([1.5, 0.0], True)
    >>> eigenvalues.round(2).tolist(), eigenvectors.shape
    ([0.0, 1.5], (2, 2))
    """
    sigma_similar = (sigma_similar + sigma_similar.T) / 2
    sigma_dissimilar = (sigma_dissimilar + sigma_dissimilar.T) / 2

    def inverse(sigma):
        k = sigma.shape[0]
        ridge = regularization * (np.trace(sigma) / k + 1e-12)
        return np.linalg.inv(sigma + ridge * np.eye(k))

    basis = _observed_directions(sigma_similar, sigma_dissimilar)
    if basis is None:
        A = inverse(sigma_similar) - inverse(sigma_dissimilar)
    else:
        # no pair differs along the other directions (a feature constant in
        # training, fewer series than dimensions): each ridge alone would
        # weigh them 1 / ridge_S - 1 / ridge_D, an artefact of the two
        # traces that outweighed every learned direction (a constant
        # feature got ~1e5 times the weight of the informative one), so a
        # new series varying there was judged by it alone. Neither kind of
        # pair says anything there: weight 0
        A = basis @ (inverse(basis.T @ sigma_similar @ basis)
                     - inverse(basis.T @ sigma_dissimilar @ basis)) @ basis.T
    eigenvalues, eigenvectors = eigh((A + A.T) / 2)
    if psd:
        eigenvalues = np.maximum(eigenvalues, 0.0)
    M = (eigenvectors * eigenvalues) @ eigenvectors.T
    return M, eigenvalues, eigenvectors


def _observed_directions(sigma_similar, sigma_dissimilar):
    """An orthonormal basis ``(d, k)`` of the directions along which some pair
    differs, or None where that is all of them (or none: an all-zero
    covariance is the ridge's floor's to handle, giving ``M = 0``).

    Both covariances are positive semi-definite, so the null space of their
    sum is the directions in which both vanish; "vanish" is to float64
    rounding, relative to the largest eigenvalue (``np.linalg.matrix_rank``'s
    tolerance).
    """
    eigenvalues, eigenvectors = np.linalg.eigh(sigma_similar + sigma_dissimilar)
    tolerance = eigenvalues[-1] * len(eigenvalues) * np.finfo(float).eps
    observed = eigenvalues > tolerance
    if observed.all() or not observed.any():
        return None
    return eigenvectors[:, observed]


def warn_if_zero_metric(eigenvalues, who, advice):
    """``ConvergenceWarning`` when the learned ``M`` is zero.

    ``Sigma_S^-1 - Sigma_D^-1`` with no positive eigenvalue: in no direction
    do the similar pairs' differences vary less than the dissimilar pairs',
    so the PSD projection leaves ``M = 0``. Every series then maps to one
    point and every distance is 0, which the generic "did not learn" check
    reports without the reason. Measured: ``Seq2SeqEmbedder`` on single steps
    of the UCR set Coffee (286 steps; seed 0, 30 epochs a stage), whose
    encoder state holds the series' last steps only.

    Parameters
    ----------
    eigenvalues : ndarray of shape (d,)
        ``M``'s eigenvalues after the projection (:func:`kissme_metric`).
    who : str
        The estimator, for the message.
    advice : str
        What to try, for the message.
    """
    if not np.any(eigenvalues > 0):
        warn(
            f"{who} learned a KISSME matrix M = 0: in no direction do the "
            "similar pairs' differences vary less than the dissimilar pairs' "
            "(Sigma_S^-1 - Sigma_D^-1 has no positive eigenvalue), so every "
            f"series maps to one point and every distance is 0. {advice}",
            ConvergenceWarning,
        )


def mahalanobis_factor(eigenvalues, eigenvectors):
    """The map ``L`` with ``M = L^T L``, from ``M``'s eigen-decomposition.

    ``M = U diag(l) U^T = L^T L`` with ``L = diag(sqrt(l)) U^T``, so the
    Euclidean distances of ``x L^T`` are the Mahalanobis distances
    ``sqrt(Delta M Delta^T)``: what a metric learner's ``transform`` applies.
    Negative eigenvalues (rounding of a PSD ``M``) count as zero.

    Parameters
    ----------
    eigenvalues : ndarray of shape (d,)
    eigenvectors : ndarray of shape (d, d)
        Columns, matching ``eigenvalues`` (:func:`kissme_metric`'s, or
        ``np.linalg.eigh(M)``).

    Returns
    -------
    L : ndarray of shape (d, d)

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.metric._kissme_closed_form import mahalanobis_factor
    >>> M = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> L = mahalanobis_factor(*np.linalg.eigh(M))
    >>> np.allclose(L.T @ L, M)
    True
    """
    return np.sqrt(np.maximum(eigenvalues, 0.0))[:, None] * eigenvectors.T
