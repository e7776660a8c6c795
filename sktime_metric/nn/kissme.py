"""KISSME in a network: the projection head and the log-ratio KISSME loss.

The metric branch of the siamese sequence-to-sequence model (Compagnon's
thesis, eqs. 3.41-3.47): a linear projection ``z = W_p^T y`` of the
encoder output, and a Mahalanobis matrix ``M`` that is *not* a parameter but a
buffer, recomputed in closed form every few epochs (the skorch callback
:class:`~sktime_metric.utils._skorch.KISSMEUpdate`). The losses read the projected
embeddings of both sides of each pair and ``M``. Two losses train it:

- the contrastive KISSME loss (thesis eq. 3.47, the library default) is
  :class:`~sktime_metric.nn.ContrastiveLoss` with the
  :class:`~sktime_metric.nn.SquaredMahalanobisDistance` ``Delta M Delta^T``;
- :class:`KISSMELoss` (eqs. 3.43-3.44, "logratio"): the Gaussian log-likelihood
  ratio of each pair, signed by its label, with per-batch ridge-regularised
  covariances whose log-determinants are taken through a float64 Cholesky
  factorisation. Unbounded below in the scale of ``W_p`` when ``M`` is fixed, so
  train it with an orthonormal projection (``KISSMEHead(constraint=...)``).

Pair labels: 1 (or any value > 0) similar, 0 or -1 dissimilar.
"""


import torch
from torch import nn

from ..utils._warnings import warn
from .distances import SquaredMahalanobisDistance

__all__ = ["KISSMEHead", "KISSMELoss", "cholesky_logdet"]


def _similar(target):
    """Boolean similar-pair mask from {1, 0} or {1, -1} labels."""
    return target.reshape(-1) > 0


def cholesky_logdet(sigma, regularization=1e-3):
    """``log det(Sigma + eps I)`` through a Cholesky factor, in float64.

    ``eps = regularization * (tr(Sigma) / m + 1e-8)``: a ridge relative to the
    covariance's scale. It is what keeps a per-batch covariance of rank below
    ``m`` (25 pairs, 50 dimensions in the thesis) finite. ``logdet = 2 sum log
    diag(chol)``; when the factorisation fails (an indefinite input),
    ``torch.linalg.slogdet`` takes over. Differentiable; returned in the input's
    dtype.

    Parameters
    ----------
    sigma : Tensor of shape (m, m)
        A symmetric positive semi-definite matrix (symmetrised here).
    regularization : float, default=1e-3

    Returns
    -------
    logdet : Tensor of shape ()
    """
    s = sigma.double()
    s = (s + s.T) / 2
    m = s.size(0)
    eps = regularization * (torch.diagonal(s).sum() / m + 1e-8)
    s = s + eps * torch.eye(m, dtype=s.dtype, device=s.device)
    chol, info = torch.linalg.cholesky_ex(s)
    if int(info) == 0:
        logdet = 2 * torch.log(torch.diagonal(chol)).sum()
    else:
        logdet = torch.linalg.slogdet(s)[1]
    return logdet.to(sigma.dtype)


class KISSMEHead(nn.Module):
    """Projection ``z = W_p^T y`` and the KISSME matrix ``M`` (a buffer).

    Parameters
    ----------
    in_features : int
        Size of the encoder representation ``y``.
    out_features : int
        Size ``m`` of the projected embedding ``z``; ``M`` is ``(m, m)``.
    constraint : {"none", "orthogonal", "penalty"}, default="none"
        How the scale of ``W_p`` is bounded (needed by :class:`KISSMELoss`).
        ``"orthogonal"``: ``W_p`` has orthonormal columns, the Q factor of the
        QR decomposition of the free weight, recomputed at each call (needs
        ``out_features <= in_features``; unlike torch's parametrizations it
        pickles). ``"penalty"``: :meth:`penalty` returns
        ``penalty_weight * ||W_p^T W_p - I||_F^2``, which skorch adds to the
        training loss.
    penalty_weight : float, default=1e-2

    Notes
    -----
    ``forward(y)`` with ``y`` of shape ``(..., in_features)`` returns ``z`` of
    shape ``(..., out_features)``; ``sq_distance(z1, z2)`` is
    ``Delta M Delta^T`` with ``Delta = z1 - z2``; ``set_metric(M)`` copies a new
    matrix in without gradient. ``M`` starts as the identity.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import KISSMEHead
    >>> head = KISSMEHead(8, 3)
    >>> z = head(torch.randn(5, 8))
    >>> z.shape, head.sq_distance(z, z.flip(0)).shape, head.M.shape
    (torch.Size([5, 3]), torch.Size([5]), torch.Size([3, 3]))
    """

    def __init__(self, in_features, out_features, constraint="none", penalty_weight=1e-2):
        super().__init__()
        if constraint not in ("none", "orthogonal", "penalty"):
            raise ValueError(
                "constraint must be 'none', 'orthogonal' or 'penalty', got "
                f"{constraint!r}."
            )
        if constraint == "orthogonal" and out_features > in_features:
            raise ValueError(
                f"An orthonormal projection from {in_features} to {out_features} "
                "dimensions does not exist; out_features must be <= in_features."
            )
        # proj.weight is W_p^T, (out, in): eq. 3.41 has no bias
        self.proj = nn.Linear(in_features, out_features, bias=False)
        self.constraint = constraint
        self.penalty_weight = penalty_weight
        # float64: M = Proj_PSD(Sigma_S^-1 - Sigma_D^-1) can have eigenvalues
        # several decades apart, and float32 rounding of such a matrix is not
        # PSD (eigenvalues of -1e-4 beside 1e4 were measured)
        self.register_buffer("M", torch.eye(out_features, dtype=torch.float64))

    def projection(self):
        """``W_p^T`` of shape ``(out_features, in_features)``."""
        if self.constraint != "orthogonal":
            return self.proj.weight
        q, r = torch.linalg.qr(self.proj.weight.T)  # (in, out), orthonormal columns
        # fix the signs (diag(r) > 0) so that the map from the weight is smooth
        sign = torch.sign(torch.diagonal(r)) + (torch.diagonal(r) == 0)
        return (q * sign).T

    def forward(self, y):
        return y @ self.projection().T

    def sq_distance(self, z1, z2):
        return SquaredMahalanobisDistance()(z1, z2, self.M)

    @torch.no_grad()
    def set_metric(self, M):
        """Copy a new ``M`` (symmetrised, kept in float64)."""
        M = torch.as_tensor(M, dtype=torch.float64)
        self.M.copy_(((M + M.T) / 2).to(self.M.device))

    def penalty(self):
        """The soft orthonormality penalty (zero unless ``constraint="penalty"``)."""
        if self.constraint != "penalty":
            return self.M.new_zeros(())
        w = self.proj.weight  # W_p^T; W_p^T W_p = w w^T
        gram = w @ w.T - torch.eye(w.size(0), dtype=w.dtype, device=w.device)
        return self.penalty_weight * gram.pow(2).sum()


class KISSMELoss(nn.Module):
    """KISSME log-ratio loss (thesis eqs. 3.43-3.44; garbled in print, reconstructed).

    Each pair's score is the Gaussian log-likelihood ratio of "dissimilar" over
    "similar" in the projected space,
    ``s_ij = 1/2 (logdet S_P - logdet S_N + Delta M Delta^T)``, and the loss is
    ``1/|B| sum l_ij s_ij`` with ``l = +1`` for similar and ``-1`` for
    dissimilar pairs: similar pairs are pulled together, dissimilar ones pushed
    apart. ``S_P = mean_P Delta Delta^T`` and ``S_N`` are the batch's pair
    covariances, computed with gradient and ridge-regularised
    (:func:`cholesky_logdet`); ``M`` is fixed.

    Parameters
    ----------
    reduction : {"thesis", "sum", "balanced"}, default="thesis"
        "thesis": the thesis's sum divided by ``|B|``; "sum": not divided;
        "balanced": ``mean_P s - mean_N s``, a weighting for unbalanced batches
        that cancels the logdet terms altogether.
    regularization : float, default=1e-3
        Relative ridge of the per-batch covariances.

    Notes
    -----
    ``forward(pairs, target, M)``: ``(batch, 2, m)`` projected embeddings of
    both sides of each pair, ``(batch,)`` labels (1 similar; 0 or -1
    dissimilar) and the ``(m, m)`` matrix ``M``.

    Summed over a batch, the logdet part is
    ``(|P| - |N|) / 2 (logdet S_P - logdet S_N)``: zero for balanced batches and
    invariant to the scale of ``W_p``, while the quadratic part scales with
    ``||W_p||^2``. With ``M`` fixed the loss is therefore unbounded below unless
    that scale is bounded: use an orthonormal projection
    (``KISSMEHead(constraint="orthogonal")``) on a bounded encoder (LSTM
    outputs lie in (-1, 1)), clip gradients, and update ``M`` often. The
    contrastive variant has none of this. A batch without similar or without
    dissimilar pairs has no covariance to compare: its logdet terms are dropped,
    with a warning.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import KISSMELoss
    >>> pairs = torch.tensor([[[0.0, 0.0], [1.0, 0.0]],   # similar, d^2 = 1
    ...                       [[0.0, 0.0], [0.0, 3.0]]])  # dissimilar, d^2 = 9
    >>> target, M = torch.tensor([1, 0]), torch.eye(2, dtype=torch.float64)
    >>> loss = KISSMELoss()
    >>> round(loss(pairs, target, M).item(), 4)  # balanced: (1/2 - 9/2) / 2
    -2.0
    >>> round(loss(pairs, target, 2 * M).item(), 4)  # the quadratic part scales
    -4.0
    >>> unbalanced = torch.cat([pairs, pairs[:1]]), torch.tensor([1, 0, 1])
    >>> round(KISSMELoss(reduction="balanced")(*unbalanced, M).item(), 4)  # 1/2 - 9/2
    -4.0
    """

    def __init__(self, reduction="thesis", regularization=1e-3):
        super().__init__()
        if reduction not in ("thesis", "sum", "balanced"):
            raise ValueError(
                "reduction must be 'thesis', 'sum' or 'balanced', got "
                f"{reduction!r}."
            )
        self.reduction = reduction
        self.regularization = regularization

    def forward(self, pairs, target, M):
        delta = pairs[:, 0] - pairs[:, 1]
        similar = _similar(target)
        score = 0.5 * SquaredMahalanobisDistance()(pairs[:, 0], pairs[:, 1], M)
        if similar.any() and (~similar).any():
            logdet = [
                cholesky_logdet(d.T @ d / len(d), self.regularization)
                for d in (delta[similar], delta[~similar])
            ]
            score = score + 0.5 * (logdet[0] - logdet[1])
        elif self.reduction != "balanced":
            warn(
                "A batch holds only "
                + ("similar" if similar.all() else "dissimilar")
                + " pairs: the KISSME loss drops its log-determinant terms for it.",
                RuntimeWarning,
            )
        if self.reduction == "balanced":
            parts = [score[similar], -score[~similar]]
            return sum(p.mean() for p in parts if len(p))
        signed = torch.where(similar, score, -score)
        return signed.mean() if self.reduction == "thesis" else signed.sum()
