"""Losses on pairs and triplets, as small composable modules.

- :class:`PairLogisticLoss`: the binary cross-entropy of siamese recurrent
  networks, ``-[sum_S log s + sum_D log(1 - s)]`` on similarity logits.
- :class:`ContrastiveLoss` and :class:`TripletLoss`: the margin losses, each
  taking a distance module of :mod:`~sktime_metric.nn.distances` (Euclidean,
  cosine, squared Mahalanobis) or, for models that compare a pair jointly
  such as the coupled GRU, the distances themselves. One contrastive loss
  serves the siamese RNN, SS2S in its Euclidean, cosine and KISSME variants,
  and the coupled GRU.
- :class:`SiameseLoss`: the criterion a siamese net trains with; it reads the
  ``(logits, embeddings)`` output of :class:`~sktime_metric.nn.SiameseRNNModule`
  and applies one of the three above.
- :class:`StructuralLoss`: a loss on a batch's distance matrix (the coupled
  GRU's).

The KISSME log-ratio loss (:mod:`.kissme`) and the sequence reconstruction
losses (:mod:`.reconstruction`) live beside their concepts and are re-exported
here.
"""

import torch
from torch import nn

from .distances import EuclideanDistance

# the KISSME log-ratio and reconstruction losses live beside their concepts
from .kissme import KISSMELoss
from .reconstruction import CosineReconstructionLoss, SequenceMSELoss

__all__ = [
    "ContrastiveLoss",
    "CosineReconstructionLoss",
    "KISSMELoss",
    "SequenceMSELoss",
    "PairLogisticLoss",
    "SiameseLoss",
    "StructuralLoss",
    "TripletLoss",
]


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

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import PairLogisticLoss
    >>> target = torch.tensor([1, 0])  # a similar and a dissimilar pair
    >>> loss = PairLogisticLoss()
    >>> round(loss(torch.zeros(2), target).item(), 4)  # s = 1/2: 2 log 2
    1.3863
    >>> round(PairLogisticLoss(reduction="mean")(torch.zeros(2), target).item(), 4)
    0.6931
    >>> bool(loss(torch.tensor([20.0, -20.0]), target) < 1e-8)  # confident, right
    True
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


def _mean_of_nonzero(terms):
    """pytorch-metric-learning's ``AvgNonZeroReducer``: the mean of the
    positive terms, 0 (with a gradient path) when there are none."""
    active = terms > 0
    return (terms * active).sum() / active.sum().clamp(min=1)


class ContrastiveLoss(nn.Module):
    """Contrastive loss on pairs, for any distance between embeddings.

    Each pair with distance ``d`` contributes (``p`` the ``power``)::

        similar pair:     [d - pos_margin]_+^p / p
        dissimilar pair:  [margin - d]_+^p / p

    so similar pairs are pulled within ``pos_margin`` and dissimilar ones pushed
    beyond ``margin``. With ``power=2`` and the Euclidean distance this is
    Hadsell, Chopra & LeCun's (2006) loss, Compagnon's thesis eq. 3.4 (the
    thesis's 1/2 is the ``1/p``, which makes the pull on a similar pair
    ``d^(p-1)``). With ``power=1``, ``reduction="nonzero"`` it is
    pytorch-metric-learning's ``ContrastiveLoss``; with the squared Mahalanobis
    distance and ``power=1``, the contrastive KISSME loss (thesis eq. 3.47);
    with the cosine distance and ``power=1``, the margin cosine loss of the
    cosine SS2S (thesis Sec. 3.2.3.1: ``1 - cos`` and ``[cos - m]_+``, which is
    ``margin = 1 - m`` here).

    Written here rather than taken from pytorch-metric-learning because its
    losses need embeddings and one of its own distances: the coupled GRU
    compares a pair jointly and has only the distance, KISSME's ``M`` is
    replaced in closed form between steps, and Hadsell's squared hinge is not
    among pml's options. A test holds this loss to pml's where both apply.

    Parameters
    ----------
    margin : float, default=1.0
        Dissimilar pairs closer than this are pushed apart (in the units
        ``margin_scale`` says).
    distance : module or "precomputed", default=None
        How far apart the two sides of a pair are: an
        :mod:`~sktime_metric.nn.distances` module (``None``: a new
        :class:`~sktime_metric.nn.EuclideanDistance`), or "precomputed" for
        models that output the distances themselves.
    power : {1, 2}, default=2
    pos_margin : float, default=0.0
        Similar pairs closer than this are left alone.
    margin_scale : {"absolute", "relative"}, default="absolute"
        "relative": ``margin`` times the mean distance of the batch's similar
        pairs (of all its pairs if it has none), taken as a constant. The hinge
        then stays active whatever the scale of the distances, e.g. right after
        KISSME's closed-form ``M`` rescales them.
    reduction : {"mean", "sum", "nonzero"}, default="mean"
        "mean" / "sum" over all pairs; "nonzero": the similar and the dissimilar
        terms each averaged over the pairs whose term is non-zero, and added
        (pytorch-metric-learning's ``AvgNonZeroReducer``).

    Notes
    -----
    ``forward(pairs, target, *distance_args)``: ``pairs`` ``(batch, 2, m)``, the
    two embeddings of each pair stacked (as the siamese and SS2S modules output
    them), or ``(batch,)`` distances with ``distance="precomputed"``;
    ``target`` ``(batch,)``, > 0 for similar pairs (1) and <= 0 for dissimilar
    ones (0 or -1). ``distance_args`` go to the distance (the Mahalanobis
    distance's ``M``). Returns a scalar.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import ContrastiveLoss
    >>> pairs = torch.tensor([[[0.0, 0.0], [0.3, 0.4]],    # similar, d = 0.5
    ...                       [[0.0, 0.0], [0.0, 0.2]]])   # dissimilar, d = 0.2
    >>> ContrastiveLoss(margin=1.0)(pairs, torch.tensor([1, 0]))  # (.25 + .64) / 2 / 2
    tensor(0.2225)
    """

    def __init__(self, margin=1.0, distance=None, power=2, pos_margin=0.0,
                 margin_scale="absolute", reduction="mean"):
        super().__init__()
        if power not in (1, 2):
            raise ValueError(f"power must be 1 or 2, got {power!r}.")
        if margin_scale not in ("absolute", "relative"):
            raise ValueError("margin_scale must be 'absolute' or 'relative', got "
                             f"{margin_scale!r}.")
        if reduction not in ("mean", "sum", "nonzero"):
            raise ValueError("reduction must be 'mean', 'sum' or 'nonzero', got "
                             f"{reduction!r}.")
        if distance is None:
            distance = EuclideanDistance()
        if not (distance == "precomputed" or isinstance(distance, nn.Module)):
            raise TypeError("distance must be a torch module of sktime_metric.nn."
                            f"distances or 'precomputed', got {distance!r}.")
        self.margin = margin
        self.distance = distance
        self.power = power
        self.pos_margin = pos_margin
        self.margin_scale = margin_scale
        self.reduction = reduction

    def forward(self, pairs, target, *distance_args):
        if self.distance == "precomputed":
            d = pairs
        else:
            d = self.distance(pairs[:, 0], pairs[:, 1], *distance_args)
        similar = target.reshape(-1).to(d.device) > 0
        margin = self.margin
        if self.margin_scale == "relative":
            reference = d[similar] if similar.any() else d
            margin = margin * reference.detach().mean()
        pull = torch.relu(d - self.pos_margin).pow(self.power) / self.power
        push = torch.relu(margin - d).pow(self.power) / self.power
        if self.reduction == "nonzero":
            return _mean_of_nonzero(pull[similar]) + _mean_of_nonzero(push[~similar])
        terms = torch.where(similar, pull, push)
        return terms.mean() if self.reduction == "mean" else terms.sum()


class TripletLoss(nn.Module):
    """Triplet margin loss: ``[d(a, p) - d(a, n) + margin]_+`` for each triplet.

    Averaged over the triplets with a non-zero loss, as pytorch-metric-learning's
    ``TripletMarginLoss`` does (a test holds the two equal); written here so
    that it takes the same distance modules as :class:`ContrastiveLoss`.

    Parameters
    ----------
    margin : float, default=1.0
    distance : module, default=None
        An :mod:`~sktime_metric.nn.distances` module (``None``: a new
        :class:`~sktime_metric.nn.EuclideanDistance`).

    Notes
    -----
    ``forward(triplets)``: ``(batch, 3, m)``, anchor, positive and negative
    embeddings stacked. Returns a scalar.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import TripletLoss
    >>> triplets = torch.tensor([[[0.0, 0.0], [0.0, 1.0], [0.0, 3.0]],   # 1 - 3 + 1
    ...                          [[0.0, 0.0], [0.0, 2.0], [0.0, 1.0]]])  # 2 - 1 + 1
    >>> TripletLoss(margin=1.0)(triplets)  # the mean of the non-zero terms
    tensor(2.)
    >>> TripletLoss(margin=1.0)(triplets[:1])  # the margin met
    tensor(0.)
    """

    def __init__(self, margin=1.0, distance=None):
        super().__init__()
        self.margin = margin
        self.distance = EuclideanDistance() if distance is None else distance

    def forward(self, triplets):
        anchor = triplets[:, :1]
        d = self.distance(anchor, triplets[:, 1:])  # (batch, 2): to p and to n
        return _mean_of_nonzero(torch.relu(d[:, 0] - d[:, 1] + self.margin))


class SiameseLoss(nn.Module):
    """The training criterion of a siamese net: one of the losses above.

    Parameters
    ----------
    loss : {"pair_logistic", "contrastive", "triplet"}, default="pair_logistic"
        "pair_logistic" trains the similarity head (the paper,
        :class:`PairLogisticLoss`); "contrastive" and "triplet" train the
        embeddings for Euclidean distance (:class:`ContrastiveLoss` with
        ``power=1, reduction="nonzero"``, :class:`TripletLoss`) and leave the
        head unused.
    margin : float, default=1.0
        The margin of "contrastive" and of "triplet".

    Notes
    -----
    ``forward((logits, embeddings), target)`` takes the output of
    :class:`~sktime_metric.nn.SiameseRNNModule` on pairs (``k = 2``; "triplet"
    wants triplets, ``k = 3``). ``pair_scores(logits, embeddings)`` returns what
    this loss makes "higher = more similar" for the first sequence of each tuple
    against the others, ``(batch, k - 1)``: the logits, or minus the Euclidean
    distances.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import SiameseLoss
    >>> # SiameseRNNModule's output on two pairs: logits (2, 1), embeddings (2, 2, 2)
    >>> logits = torch.zeros(2, 1)
    >>> embeddings = torch.tensor([[[0.0, 0.0], [0.5, 0.0]],    # d = 0.5
    ...                            [[0.0, 0.0], [0.0, 0.25]]])  # d = 0.25
    >>> target = torch.tensor([1, 0])  # similar, dissimilar
    >>> round(SiameseLoss()((logits, embeddings), target).item(), 4)  # 2 log 2
    1.3863
    >>> contrastive = SiameseLoss("contrastive", margin=1.0)
    >>> contrastive((logits, embeddings), target).item()  # 0.5 + (1 - 0.25)
    1.25
    >>> contrastive.pair_scores(logits, embeddings).tolist()  # minus the distances
    [[-0.5], [-0.25]]
    """

    def __init__(self, loss="pair_logistic", margin=1.0):
        super().__init__()
        if loss == "pair_logistic":
            self.loss = PairLogisticLoss(reduction="sum")
        elif loss == "contrastive":
            self.loss = ContrastiveLoss(margin, power=1, reduction="nonzero")
        elif loss == "triplet":
            self.loss = TripletLoss(margin)
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
            return self.loss(embeddings, target)
        return self.loss(embeddings)

    def pair_scores(self, logits, embeddings):
        if self.kind == "pair_logistic":
            return logits
        # the distance the loss trains (Euclidean for both margin losses)
        return -self.loss.distance(embeddings[:, :1], embeddings[:, 1:])


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
