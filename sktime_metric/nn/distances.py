"""Distances between the two sides of each pair of embeddings.

The pair losses (:class:`~sktime_metric.nn.ContrastiveLoss`,
:class:`~sktime_metric.nn.TripletLoss`) take one of these modules, so the loss
says how pairs are pulled together and pushed apart and the distance says what
"apart" means; the metric an estimator learns is the distance its loss was
given.

- :class:`EuclideanDistance`: ``||z1 - z2||``, the metric of the embeddings a
  transformer outputs (siamese RNN, SS2S).
- :class:`CosineDistance`: ``1 - cos(z1, z2)`` (the cosine SS2S variant).
- :class:`SquaredMahalanobisDistance`: ``(z1 - z2) M (z1 - z2)^T`` with a
  matrix ``M`` the model holds and updates in closed form (KISSME, Compagnon's
  thesis eq. 3.42).

``forward(z1, z2)`` takes two ``(..., m)`` tensors and returns the ``(...)``
distances; the Mahalanobis distance also takes ``M``.
"""

import torch
from torch import nn

__all__ = ["CosineDistance", "EuclideanDistance", "SquaredMahalanobisDistance"]


class EuclideanDistance(nn.Module):
    """``d(z1, z2) = ||z1 - z2||_2`` over the last axis.

    Exactly 0 for identical embeddings, with gradient 0 there (torch's norm
    has a zero subgradient at the origin), so a similar pair that has met is
    left alone rather than given a NaN.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import EuclideanDistance
    >>> EuclideanDistance()(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]))
    tensor([5.])
    """

    def forward(self, z1, z2):
        return torch.linalg.vector_norm(z1 - z2, dim=-1)


class CosineDistance(nn.Module):
    """``d(z1, z2) = 1 - cos(z1, z2)``, in ``[0, 2]``.

    Parameters
    ----------
    eps : float, default=1e-8
        Floor of the norms (``torch.nn.functional.cosine_similarity``), so a zero
        embedding has cosine 0 to everything rather than a NaN.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import CosineDistance
    >>> CosineDistance()(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 2.0]]))
    tensor([1.])
    """

    def __init__(self, eps=1e-8):
        super().__init__()
        self.eps = eps

    def forward(self, z1, z2):
        return 1 - nn.functional.cosine_similarity(z1, z2, dim=-1, eps=self.eps)


class SquaredMahalanobisDistance(nn.Module):
    """``q(z1, z2) = Delta M Delta^T`` with ``Delta = z1 - z2`` (thesis eq. 3.42).

    ``M`` is given at each call (a :class:`~sktime_metric.nn.KISSMEHead` holds
    it and replaces it in closed form between epochs); no gradient flows into
    it. The product runs in ``M``'s dtype (float64 for the head's ``M``, whose
    eigenvalues can span several decades) and is returned in ``z1``'s.

    Parameters
    ----------
    per_dimension : bool, default=False
        Divide ``q`` by the embedding size ``m``: the mean squared distance per
        dimension, whose typical size does not grow with ``m`` (so a margin in
        these units carries over between projection sizes).

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import SquaredMahalanobisDistance
    >>> M = torch.diag(torch.tensor([1.0, 4.0], dtype=torch.float64))
    >>> SquaredMahalanobisDistance()(torch.zeros(1, 2), torch.ones(1, 2), M)
    tensor([5.])
    """

    def __init__(self, per_dimension=False):
        super().__init__()
        self.per_dimension = per_dimension

    def forward(self, z1, z2, M):
        delta = (z1 - z2).to(M.dtype)
        q = ((delta @ M.detach()) * delta).sum(dim=-1).to(z1.dtype)
        return q / z1.size(-1) if self.per_dimension else q
