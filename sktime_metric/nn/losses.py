"""Losses on pairs and triplets of embeddings, as small composable modules.

- :class:`PairLogisticLoss`: the binary cross-entropy of siamese recurrent
  networks, ``-[sum_S log s + sum_D log(1 - s)]`` on similarity logits.
- :class:`ContrastiveLoss` and :class:`TripletLoss`: pytorch-metric-learning's
  well-tested losses, fed explicit pairs / triplets (``indices_tuple``) with
  plain Euclidean distances, so that the metric they learn is the Euclidean
  distance between the embeddings a transformer outputs.
- :class:`SiameseLoss`: the criterion a siamese net trains with; it reads the
  ``(logits, embeddings)`` output of :class:`~sktime_metric.nn.SiameseRNNModule`
  and applies one of the three.

- :class:`StructuralLoss` and :class:`ContrastiveDistanceLoss`: losses on
  *distances* (a batch's distance matrix, or the distances of explicit pairs),
  for models such as the coupled GRU that have no per-sequence embedding.

- :class:`CosineMarginLoss`: ``1 - cos`` / ``[cos - margin]_+`` on pairs; the
  KISSME losses (:mod:`.kissme`) and the sequence reconstruction losses
  (:mod:`.reconstruction`) are re-exported here.

pytorch-metric-learning is imported when a loss that needs it is built (it
takes about two seconds to import).
"""

import torch
from torch import nn

# the KISSME and reconstruction losses live beside their concepts; re-exported
from .kissme import ContrastiveKISSMELoss, KISSMELoss
from .reconstruction import CosineReconstructionLoss, SequenceMSELoss

__all__ = [
    "ContrastiveDistanceLoss",
    "ContrastiveKISSMELoss",
    "ContrastiveLoss",
    "CosineMarginLoss",
    "CosineReconstructionLoss",
    "KISSMELoss",
    "SequenceMSELoss",
    "PairLogisticLoss",
    "SiameseLoss",
    "StructuralLoss",
    "TripletLoss",
]


def _euclidean():
    from pytorch_metric_learning.distances import LpDistance

    # pml normalises embeddings by default; the metric our estimators expose
    # is the distance between the raw embeddings transform() returns.
    return LpDistance(normalize_embeddings=False, p=2, power=1)


class PairLogisticLoss(nn.Module):
    """Binary cross-entropy of pair similarities given as logits.

    ``L = -[sum_{similar} log s + sum_{dissimilar} log(1 - s)]`` with
    ``s = sigmoid(logit)`` (Pei et al. 2016, Sec. 3.1), computed stably from the
    logits as ``softplus(-logit)`` for similar and ``softplus(logit)`` for
    dissimilar pairs.

    Parameters
    ----------
    reduction : {"sum", "mean"}, default="sum"
        "sum" is the paper's loss: per-pair gradients are summed over the
        mini-batch before the element-wise clipping, as in the authors' code.

    Notes
    -----
    ``forward(logits, target)``: ``logits`` of any shape, ``target`` of the same
    shape with 1 for similar and 0 for dissimilar pairs.
    """

    def __init__(self, reduction="sum"):
        super().__init__()
        if reduction not in ("sum", "mean"):
            raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}.")
        self.reduction = reduction

    def forward(self, logits, target):
        return nn.functional.binary_cross_entropy_with_logits(
            logits, target.to(logits.dtype), reduction=self.reduction
        )


class ContrastiveLoss(nn.Module):
    """Contrastive loss on explicit pairs (pytorch-metric-learning's).

    ``relu(d - pos_margin)`` for similar and ``relu(neg_margin - d)`` for
    dissimilar pairs, ``d`` the Euclidean distance between the two embeddings;
    each part is averaged over its pairs with a non-zero loss and the two are
    added (pml's ``AvgNonZeroReducer``).

    Parameters
    ----------
    pos_margin : float, default=0.0
    neg_margin : float, default=1.0

    Notes
    -----
    ``forward(h1, h2, target)``: embeddings ``(batch, H)`` of the two sides of
    each pair and ``target`` ``(batch,)``, 1 for similar and 0 for dissimilar.
    """

    def __init__(self, pos_margin=0.0, neg_margin=1.0):
        super().__init__()
        from pytorch_metric_learning.losses import ContrastiveLoss as _Contrastive

        self.loss = _Contrastive(
            pos_margin=pos_margin, neg_margin=neg_margin, distance=_euclidean()
        )

    def forward(self, h1, h2, target):
        n = h1.size(0)
        index = torch.arange(n, device=h1.device)
        similar = target.reshape(-1) > 0.5
        # pml's pair format: (anchor1, positive, anchor2, negative) into the
        # stacked embeddings [h1; h2].
        indices = (
            index[similar],
            index[similar] + n,
            index[~similar],
            index[~similar] + n,
        )
        return self.loss(torch.cat([h1, h2]), indices_tuple=indices)


class TripletLoss(nn.Module):
    """Triplet margin loss on explicit triplets (pytorch-metric-learning's).

    ``relu(d(a, p) - d(a, n) + margin)`` with Euclidean ``d``, averaged over the
    triplets with a non-zero loss.

    Parameters
    ----------
    margin : float, default=1.0

    Notes
    -----
    ``forward(anchor, positive, negative)``: three ``(batch, H)`` tensors.
    """

    def __init__(self, margin=1.0):
        super().__init__()
        from pytorch_metric_learning.losses import TripletMarginLoss

        self.loss = TripletMarginLoss(margin=margin, distance=_euclidean())

    def forward(self, anchor, positive, negative):
        n = anchor.size(0)
        index = torch.arange(n, device=anchor.device)
        embeddings = torch.cat([anchor, positive, negative])
        return self.loss(embeddings, indices_tuple=(index, index + n, index + 2 * n))


class SiameseLoss(nn.Module):
    """The training criterion of a siamese net: one of the losses above.

    Parameters
    ----------
    loss : {"pair_logistic", "contrastive", "triplet"}, default="pair_logistic"
        "pair_logistic" trains the similarity head (the paper); "contrastive"
        and "triplet" train the embeddings for Euclidean distance and leave the
        head unused.
    margin : float, default=1.0
        ``neg_margin`` of "contrastive", ``margin`` of "triplet".

    Notes
    -----
    ``forward((logits, embeddings), target)`` takes the output of
    :class:`~sktime_metric.nn.SiameseRNNModule` on pairs (``k = 2``; "triplet"
    wants triplets, ``k = 3``). ``pair_scores(logits, embeddings)`` returns what
    this loss makes "higher = more similar" for the first sequence of each tuple
    against the others, ``(batch, k - 1)``: the logits, or minus the Euclidean
    distances.
    """

    def __init__(self, loss="pair_logistic", margin=1.0):
        super().__init__()
        if loss == "pair_logistic":
            self.loss = PairLogisticLoss(reduction="sum")
        elif loss == "contrastive":
            self.loss = ContrastiveLoss(neg_margin=margin)
        elif loss == "triplet":
            self.loss = TripletLoss(margin=margin)
        else:
            raise ValueError(
                "loss must be 'pair_logistic', 'contrastive' or 'triplet', got "
                f"{loss!r}."
            )
        self.kind = loss

    def forward(self, output, target):
        logits, embeddings = output
        k = embeddings.size(1)
        if (self.kind == "triplet") != (k == 3):
            raise ValueError(
                f"loss={self.kind!r} needs {'triplets' if self.kind == 'triplet' else 'pairs'}"
                f" of sequences; got tuples of {k}."
            )
        if self.kind == "pair_logistic":
            return self.loss(logits[:, 0], target)
        if self.kind == "contrastive":
            return self.loss(embeddings[:, 0], embeddings[:, 1], target)
        return self.loss(embeddings[:, 0], embeddings[:, 1], embeddings[:, 2])

    def pair_scores(self, logits, embeddings):
        if self.kind == "pair_logistic":
            return logits
        return -torch.linalg.vector_norm(
            embeddings[:, 1:] - embeddings[:, :1], dim=-1
        )


class StructuralLoss(nn.Module):
    """Hardness-aware structural loss on a batch's distance matrix.

    The loss the coupled GRU chapter trains with (Compagnon's thesis, eqs.
    3.29-3.36, after Yang et al.; garbled in the thesis's text, reconstructed). A local,
    N-pair-like term per positive pair ``(i, j)`` (same label, ``i != j``) against
    the negatives ``n`` of its anchor ``i``, weighted to favour hard positives,
    plus a global term on the variances of the positive and negative distances::

        L = 1/sum(beta) * sum_P beta_ij log(1 + sum_N(i) exp((d_ij - d_in + m) / eta))
            + lambda/2 * ([var_P - m+]_+ + [var_N - m-]_+)
        beta_ij = exp(d_ij - tau_c),  tau_c = 2 mean_{P_c} d - min_{P_c} d

    ``beta`` and ``tau_c`` (``c`` the class of the pair) are constants (no
    gradient). The variances are taken around exponential moving averages of
    the mean positive and negative distances (momentum ``ema_momentum``),
    initialised with the first training batch and updated in training mode only.

    Parameters
    ----------
    margin : float, default=0.2
        ``m``.
    eta : float, default=0.05
        Temperature of the local term.
    global_weight : float, default=0.5
        ``lambda``.
    var_margin_pos, var_margin_neg : float, default=0.01, 0.1
        ``m+`` and ``m-``.
    ema_momentum : float, default=0.95
        ``gamma``.
    positive_pairs : {"ordered", "unordered"}, default="ordered"
        "ordered": both ``(i, j)`` and ``(j, i)`` are positive pairs, so each
        member is an anchor with its own negatives; "unordered": ``i < j`` only.

    Notes
    -----
    ``forward(distances, labels)``: a ``(batch, batch)`` symmetric distance
    matrix and ``(batch,)`` integer labels; returns a scalar. A batch without
    positive (or negative) pairs contributes 0 for the terms that need them.
    """

    def __init__(
        self,
        margin=0.2,
        eta=0.05,
        global_weight=0.5,
        var_margin_pos=0.01,
        var_margin_neg=0.1,
        ema_momentum=0.95,
        positive_pairs="ordered",
    ):
        super().__init__()
        if positive_pairs not in ("ordered", "unordered"):
            raise ValueError(
                "positive_pairs must be 'ordered' or 'unordered', got "
                f"{positive_pairs!r}."
            )
        self.margin = margin
        self.eta = eta
        self.global_weight = global_weight
        self.var_margin_pos = var_margin_pos
        self.var_margin_neg = var_margin_neg
        self.ema_momentum = ema_momentum
        self.positive_pairs = positive_pairs
        # NaN: no training batch seen yet
        self.register_buffer("mean_pos", torch.tensor(float("nan")))
        self.register_buffer("mean_neg", torch.tensor(float("nan")))

    def _moving_mean(self, name, batch_mean):
        """(3.35)/(3.36): the updated moving average, stored in training only."""
        previous = getattr(self, name)
        if torch.isnan(previous):
            mean = batch_mean
        else:
            mean = self.ema_momentum * previous + (1 - self.ema_momentum) * batch_mean
        if self.training:
            getattr(self, name).copy_(mean)
        return mean

    def forward(self, distances, labels):
        n = distances.size(0)
        same = labels[:, None] == labels[None, :]
        eye = torch.eye(n, dtype=torch.bool, device=distances.device)
        positive, negative = same & ~eye, ~same
        anchors = positive.triu(1) if self.positive_pairs == "unordered" else positive
        # keeps the graph (and a zero gradient) when a term is empty
        loss = 0.0 * distances.sum()
        i, j = anchors.nonzero(as_tuple=True)
        if len(i):
            d_pos = distances[i, j]
            # log(1 + sum_n exp(a_n)) as a logsumexp with a zero term, n in N(i)
            logits = (d_pos[:, None] - distances[i] + self.margin) / self.eta
            logits = logits.masked_fill(~negative[i], float("-inf"))
            local = torch.logsumexp(
                torch.cat([torch.zeros_like(d_pos[:, None]), logits], dim=1), dim=1
            )
            with torch.no_grad():
                # tau_c of each pair's class, over the positive pairs of c
                cls = torch.unique(labels[i], return_inverse=True)[1]
                n_cls = int(cls.max()) + 1
                sums = torch.zeros(n_cls, dtype=d_pos.dtype, device=d_pos.device)
                counts = torch.zeros_like(sums)
                mins = torch.full_like(sums, float("inf"))
                sums.index_add_(0, cls, d_pos)
                counts.index_add_(0, cls, torch.ones_like(d_pos))
                mins.scatter_reduce_(0, cls, d_pos, reduce="amin")
                tau = 2 * sums / counts - mins
                # beta / sum(beta) = softmax(d - tau): exact and overflow-free
                weights = torch.softmax(d_pos - tau[cls], dim=0)
            loss = loss + (weights * local).sum()
        if self.global_weight:
            for mask, name, bound in (
                (positive, "mean_pos", self.var_margin_pos),
                (negative, "mean_neg", self.var_margin_neg),
            ):
                d = distances[mask]
                if len(d):
                    mean = self._moving_mean(name, d.detach().mean())
                    variance = (d - mean).pow(2).mean()
                    loss = loss + self.global_weight / 2 * torch.relu(variance - bound)
        return loss


class ContrastiveDistanceLoss(nn.Module):
    """Contrastive loss on given distances (Hadsell, Chopra & LeCun 2006).

    ``L = mean[ l * d^2 / 2 + (1 - l) * max(0, margin - d)^2 / 2 ]`` with ``l = 1``
    for similar and ``0`` for dissimilar pairs (Compagnon's thesis, eq. 3.4, with
    its labels flipped to this module's convention). It reads distances, not
    embeddings, so it trains models that compare a pair jointly (the coupled
    GRU); :class:`ContrastiveLoss` is the embedding version.

    Parameters
    ----------
    margin : float, default=1.0

    Notes
    -----
    ``forward(distances, target)``: ``(n_pairs,)`` distances and targets, 1 for
    similar and 0 for dissimilar pairs; returns a scalar.
    """

    def __init__(self, margin=1.0):
        super().__init__()
        self.margin = margin

    def forward(self, distances, target):
        similar = target.to(distances.dtype)
        pull = distances.pow(2)
        push = torch.relu(self.margin - distances).pow(2)
        return 0.5 * (similar * pull + (1 - similar) * push).mean()


class CosineMarginLoss(nn.Module):
    """Margin-based cosine loss on pairs of embeddings (Compagnon's thesis, 3.2.3.1).

    ``1 - cos(z1, z2)`` for similar and ``[cos(z1, z2) - margin]_+`` for
    dissimilar pairs, averaged over pairs: ``torch.nn.CosineEmbeddingLoss`` with
    this module's {1, 0} labels. The "cosine loss" of the cosine SS2S variant,
    whose thesis margin is 0.5. The distance it learns is ``1 - cos``.

    Parameters
    ----------
    margin : float, default=0.5

    Notes
    -----
    ``forward(z1, z2, target)``: ``(batch, H)`` embeddings and ``(batch,)``
    labels, 1 (or > 0) similar and 0 or -1 dissimilar.
    """

    def __init__(self, margin=0.5):
        super().__init__()
        self.margin = margin

    def forward(self, z1, z2, target):
        cos = nn.functional.cosine_similarity(z1, z2, dim=-1, eps=1e-8)
        similar = target.reshape(-1) > 0
        return torch.where(similar, 1 - cos, torch.relu(cos - self.margin)).mean()
