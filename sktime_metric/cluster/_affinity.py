"""From windows to clusters: metric learners by name, affinities, the eigengap.

Pure helpers of :class:`~sktime_metric.cluster.RoutineClusterer`.
"""

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__ = ["affinity_from_distances"]

_LEARNERS = ("seq2seq", "siamese", "cgru")

# A learner named by string is fitted on constraint pairs (``fit_pairs``), which
# CoupledGRUMetric supports only with the contrastive loss and no 1-NN early
# stopping (that needs class labels); its own defaults are for ``fit(X, y)``.
_PAIR_FIT_DEFAULTS = {"cgru": {"loss": "contrastive", "early_stopping": False}}


def _learner(name, params, seed):
    from ..metric import CoupledGRUMetric, Seq2SeqEmbedder, SiameseRNNEmbedder

    cls = {"seq2seq": Seq2SeqEmbedder, "siamese": SiameseRNNEmbedder,
           "cgru": CoupledGRUMetric}[name]
    return cls(**{"random_state": seed, **_PAIR_FIT_DEFAULTS.get(name, {}), **params})


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def _eigengap(affinity, max_clusters):
    """Number of clusters at the largest gap of the normalised Laplacian spectrum."""
    degree = np.maximum(affinity.sum(axis=1), 1e-12)
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(len(affinity)) - scale[:, None] * affinity * scale[None, :]
    eigenvalues = np.linalg.eigvalsh(laplacian)
    top = min(max_clusters, len(affinity) - 1)
    gaps = np.diff(eigenvalues[: top + 1])  # gaps[k-1] = lambda_{k+1} - lambda_k
    return int(np.argmax(gaps[1:]) + 2), eigenvalues


def affinity_from_distances(distances, *, kernel="gaussian", width=None):
    """Affinity of spectral clustering from distances (thesis eq. 3.50).

    ``"gaussian"``: ``exp(-d**2 / width)``, ``width`` defaulting to the median of
    the off-diagonal ``d**2``; ``"cosine"``: ``1 + cos = 2 - d`` for a cosine
    distance ``d = 1 - cos`` (spec A21).
    """
    D = np.asarray(distances, dtype=np.float64)
    D = np.maximum((D + D.T) / 2, 0.0)
    if kernel == "cosine":
        A = np.clip(2.0 - D, 0.0, 2.0)
    else:
        if width is None:
            off = D[~np.eye(len(D), dtype=bool)] ** 2
            width = float(np.median(off)) if off.size and np.median(off) > 0 else 1.0
        A = np.exp(-(D**2) / width)
    np.fill_diagonal(A, A.max() if A.size else 1.0)
    return A
