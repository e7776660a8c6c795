"""Matching networks on sequences (SSMN: the activity thesis, chapter 2).

A GRU encoder (the encoder of a denoising :class:`Seq2SeqAutoencoder`, which
can be pretrained on reconstruction) embeds every series, optionally followed
by a trainable linear layer ``P``::

    y = P enc(x) + b_P

An episode is a support set ``S`` (a few labelled series) and queries. The
support embeddings, read as a sequence by a bidirectional GRU, get their full
context (eq. 2.10); each query is refined by an attention GRU that reads the
support set ``p`` times (Algorithm 1); a softmax over the similarities gives
the matching weights ``alpha_j``, and ``P(c | x, S)`` sums those of the support
series of class ``c``::

    S'    = fwd(S) + bwd(S) + S
    y'    = AttentionGRU(y, S', p)
    alpha = softmax_j(sim(y', S'_j) / temperature)
"""

import math

import numpy as np
import torch
from torch import nn

from ._lengths import run_by_length
from .attended import TemporalAttentionPooling
from .seq2seq import Seq2SeqAutoencoder

__all__ = ["EpisodeNLLLoss", "MatchingNetworkModule", "episode_accuracy", "leave_self_out"]


class MatchingNetworkModule(nn.Module):
    """Matching network over variable-length sequences.

    Parameters
    ----------
    n_features : int
        Channels per time step.
    hidden_size : int, default=100
        Size of the GRU encoder's state.
    projection_size : int or None, default=None
        Output size ``d`` of the fine-tuned linear layer ``P``; None: no layer
        (``d = hidden_size``).
    support_context : bool, default=True
        Full-context embedding of the support set (bidirectional GRU, eq. 2.10).
    processing_steps : int, default=1
        ``p`` of Algorithm 1; 0 disables the attention GRU (``y' = y``).
    attention_variant : {"thesis", "vinyals"}, default="thesis"
        "thesis": our reading of the thesis's Algorithm 1: the GRU cell reads
        ``h + y`` with the read vector ``r`` as hidden state. "vinyals": the
        original matching network, the cell reads ``y`` with the state
        ``[h, r]`` and ``h_k = cell(...)[:d] + y``.
    metric : {"cosine", "euclidean"}, default="cosine"
        Euclidean scores are minus the (non-squared) distance (the thesis does
        not say which; a squared distance would over-sharpen the softmax).
    temperature : float, default=1.0
        Divides the scores before the softmax.
    input_mask_p : float, default=0.3
        Masking noise of the autoencoder, used when it is pretrained.
    freeze_encoder : bool, default=False
        Exclude the encoder GRU from training (the pretrained setting).
    spectral_radius : float or None, default=None
        Initialise every recurrent (hidden-to-hidden) gate matrix as an
        orthogonal matrix times this value (the thesis: 1.1); None
        keeps torch's initialisation.
    pooling : {"last", "mean", "attention"}, default="last"
        What the embedding reads of the encoder: its state at each series'
        last step (the thesis), the mean of its states over the valid steps,
        or their attended mean (:class:`TemporalAttentionPooling`, the
        attended regressor's eqs. 4.4-4.6, with ``hidden_size`` attention
        units). On long series the last state forgets the start
        (BasicMotions, 100 steps: 1-shot accuracy at chance even untrained).
    center : bool, default=False
        Subtract the support set's mean embedding from the queries and the
        support series before the similarities, as SimpleShot's centring
        (Wang et al. 2019, "CL2N") does with the base classes' mean, here
        with the support that each prediction reads, so that training and
        prediction centre alike. A cosine reads the angles around that mean
        rather than around the origin: the mean of an encoder's states over a
        long series is nearly the same vector for every series, so their
        plain cosines are all about 1 and the matching weights uniform.
        Euclidean distances change only through the queries' own centre
        (with ``processing_steps=0`` they do not change).

    Notes
    -----
    ``forward(x, lengths, is_support)`` takes one episode, ``is_support`` a
    ``(batch,)`` bool tensor marking the support series (in their order), and
    returns ``(log_alpha, is_support)``: ``log_alpha`` of shape ``(n_query,
    n_support)``, the log matching weights of each query.
    :class:`EpisodeNLLLoss` turns them and the labels into the episode loss.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import MatchingNetworkModule
    >>> module = MatchingNetworkModule(n_features=3, hidden_size=8, processing_steps=2)
    >>> x, lengths = torch.randn(5, 10, 3), torch.tensor([10, 7, 3, 1, 9])
    >>> is_support = torch.tensor([True, True, False, False, False])
    >>> log_alpha, _ = module(x, lengths, is_support)
    >>> log_alpha.shape
    torch.Size([3, 2])
    """

    def __init__(self, n_features, hidden_size=100, projection_size=None,
                 support_context=True, processing_steps=1, attention_variant="thesis",
                 metric="cosine", temperature=1.0, input_mask_p=0.3,
                 freeze_encoder=False, spectral_radius=None, pooling="last",
                 center=False):
        super().__init__()
        if pooling not in ("last", "mean", "attention"):
            raise ValueError("pooling must be 'last', 'mean' or 'attention', got "
                             f"{pooling!r}.")
        self.pooling = pooling
        # the mean is the attended mean with uniform weights: one pooling module
        self.pool = None if pooling == "last" else TemporalAttentionPooling(
            hidden_size, attention_dim=hidden_size, uniform=pooling == "mean")
        if attention_variant not in ("thesis", "vinyals"):
            raise ValueError("attention_variant must be 'thesis' or 'vinyals', got "
                             f"{attention_variant!r}.")
        if metric not in ("cosine", "euclidean"):
            raise ValueError(f"metric must be 'cosine' or 'euclidean', got {metric!r}.")
        self.autoencoder = Seq2SeqAutoencoder(
            n_features, hidden_size, cell="gru", input_mask_p=input_mask_p
        )
        if freeze_encoder:
            self.autoencoder.encoder.requires_grad_(False)
        d = hidden_size if projection_size is None else projection_size
        self.projection = None if projection_size is None else nn.Linear(hidden_size, d)
        self.support_rnn = (
            nn.GRU(d, d, bidirectional=True, batch_first=True) if support_context
            else None
        )
        self.attention_variant = attention_variant
        self.processing_steps = processing_steps
        if processing_steps > 0:
            state = d if attention_variant == "thesis" else 2 * d
            self.attention_cell = nn.GRUCell(d, state)
        self.metric = metric
        self.center = center
        self.temperature = temperature
        self.embedding_size = d
        if spectral_radius is not None:
            _orthogonal_recurrent_init(self, spectral_radius)

    def embed(self, x, lengths):
        """Context-free embeddings ``y`` ``(batch, d)`` of clean inputs.

        An episode holds series of every training class (by default all the
        training series): one long series among short ones gets an encoder
        run of its own (``_lengths.run_by_length``), rather than making every
        series of every episode run its length.
        """
        y = run_by_length(self._pooled, x, lengths)
        return y if self.projection is None else self.projection(y)

    def _pooled(self, x, lengths):
        """The encoder's pooled states ``(batch, hidden_size)``."""
        if self.pool is None:
            return self.autoencoder.encode(x, lengths)
        states, _ = self.autoencoder.encoder(x, lengths)
        return self.pool(states, lengths)[0]

    def support_embedding(self, s):
        """``S' = fwd + bwd + S`` (eq. 2.10) for support embeddings ``(N, d)``.

        The bi-GRU reads the N support vectors as one sequence, so ``S'``
        depends on their order.
        """
        if self.support_rnn is None:
            return s
        out, _ = self.support_rnn(s.unsqueeze(0))
        forward, backward = out[0].chunk(2, dim=-1)
        return forward + backward + s

    def query_embedding(self, y, s_ctx):
        """Contextual queries ``y'`` ``(n, d)`` from ``y`` and ``S'`` (Alg. 1)."""
        p = self.processing_steps
        if p == 0:
            return y
        cell = self.attention_cell
        if self.attention_variant == "thesis":
            h = cell(y, torch.zeros_like(y))           # h_1 = GRU(y, 0)
            for _ in range(p - 1):
                h_hat = h + y                          # skip connection
                a = torch.softmax(h_hat @ s_ctx.T, dim=1)   # dot-product read
                h = cell(h_hat, a @ s_ctx)             # input h + y, hidden r
            return h + y
        # Vinyals et al.: state [h, r]; the cell always reads y
        d = y.size(1)
        h, r = torch.zeros_like(y), torch.zeros_like(y)
        for _ in range(p):
            h = cell(y, torch.cat([h, r], dim=1))[:, :d] + y
            r = torch.softmax(h @ s_ctx.T, dim=1) @ s_ctx
        return h

    def scores(self, q, s):
        """Similarities ``(n, N)`` divided by the temperature."""
        if self.metric == "cosine":
            normalize = nn.functional.normalize
            sim = normalize(q, dim=1) @ normalize(s, dim=1).T
        else:
            # sqrt(. + eps): finite gradient at zero distance
            sim = -torch.sqrt(torch.cdist(q, s).pow(2) + 1e-12)
        return sim / self.temperature

    def query_scores(self, y_query, s_ctx):
        """Scores ``(n, N)`` of embedded queries ``y`` on ``S'``, centred or not.

        With ``center``, each side is centred on the support set's mean in its
        own embedding: ``S'`` on the mean of ``S'``, the queries ``y'`` on the
        mean of the support series read as queries, ``f(S', S')``. The
        attention GRU adds to every query nearly the same vector (its output
        for a near-constant input), which the support series, never read by
        it, lack: centred on the mean of ``S'`` alone, that offset would
        dominate every query (measured on UCR Coffee: training loss stuck at
        ln 2, test accuracy 0.59; centred per side, 1.00 as with
        ``processing_steps=0``).
        """
        q = self.query_embedding(y_query, s_ctx)
        if self.center:
            q = q - self.query_embedding(s_ctx, s_ctx).mean(dim=0, keepdim=True)
            s_ctx = s_ctx - s_ctx.mean(dim=0, keepdim=True)
        return self.scores(q, s_ctx)

    def match(self, y_query, s_ctx):
        """Log matching weights ``(n, N)`` of embedded queries on ``S'``."""
        return torch.log_softmax(self.query_scores(y_query, s_ctx), dim=1)

    def posterior(self, y_query, s_ctx, support_codes, n_classes, exclude=None,
                  class_prior="uniform"):
        """``P(c | x, S)`` ``(n, n_classes)``, in float64 (Vinyals et al. 2016, eq. 1).

        The matching weights ``alpha`` of each embedded query on the support
        series, summed per class: ``P(c | x, S) = sum_{j: label(s_j) = c}
        alpha_j`` with ``class_prior="support"`` (Vinyals et al.'s eq. 1, which
        the thesis follows for k-shot support sets). That sum carries the
        support set's class frequencies as a prior: where the matching weights
        are nearly uniform, a class with twice the series gets twice the mass.
        Training episodes hold ``k_shot`` series of every class, so the model
        never learns to undo it. ``class_prior="uniform"`` (the default)
        divides each class's mass by its number of support series and
        renormalises, ``P(c | x, S) ∝ mean_{j: label(s_j) = c} alpha_j``: the
        same posterior on a class-balanced support set, every training episode
        included, and no majority-class drift on an unbalanced one.

        The softmax runs in float64 (float32 on MPS, which has no float64),
        so each row sums to 1 to double precision. ``support_codes``: the
        class index ``0 .. n_classes - 1`` of each support series.
        ``exclude``: an optional ``(n, N)`` bool tensor of query-support pairs
        left out of the softmax (a query that is itself a support series, for
        a leave-one-out posterior; at least one support series per row must
        stay); the class sizes of ``"uniform"`` then count each row's
        remaining series.
        """
        if class_prior not in ("uniform", "support"):
            raise ValueError(f"class_prior must be 'uniform' or 'support'; got "
                             f"{class_prior!r}.")
        scores = self.query_scores(y_query, s_ctx)
        if exclude is not None:
            exclude = exclude.to(scores.device)
            scores = scores.masked_fill(exclude, float("-inf"))
        # float64, or float32 on MPS, which has none (as the HCRF's factors)
        wide = torch.float32 if scores.device.type == "mps" else torch.float64
        alpha = torch.softmax(scores.to(wide), dim=1)
        codes = torch.as_tensor(support_codes, device=alpha.device)
        one_hot = nn.functional.one_hot(codes, n_classes).to(wide)
        proba = alpha @ one_hot
        if class_prior == "support":
            return proba
        # each row's number of (not excluded) support series per class; a
        # class without any has no mass to divide
        kept = torch.ones_like(alpha) if exclude is None else (~exclude).to(wide)
        proba = proba / (kept @ one_hot).clamp(min=1)
        return proba / proba.sum(dim=1, keepdim=True)

    def forward(self, x, lengths, is_support):
        is_support = is_support.bool()
        y = self.embed(x, lengths)
        s_ctx = self.support_embedding(y[is_support])
        return self.match(y[~is_support], s_ctx), is_support


def cosine_temperature(n_way):
    """The temperature of ``n_way``-way cosine matching: AdaCos's fixed scale.

    Cosines lie in ``[-1, 1]``, so at temperature ``t`` the matching weight of
    one of ``n_way`` support series exceeds another's by a factor of at most
    ``exp(2 / t)``: at ``t = 1`` and 37 classes no class can get more than
    0.17 of the posterior, and the episode loss cannot fall far. AdaCos's
    fixed scale (Zhang et al., "AdaCos: Adaptively Scaling Cosine Logits for
    Effectively Learning Deep Face Representations", CVPR 2019) puts the
    logits of ``C`` classes at ``s = sqrt(2) ln(C - 1)`` times the cosine, so
    that the softmax stays sensitive to the angle over the angles training
    reaches. That scale is below 1 for 2 and 3 classes, where the temperature
    1 measured better (a sharper 0.1 lost accuracy on small two- and
    three-class training sets), so the scale is at least 1::

        t = 1 / max(1, sqrt(2) ln(n_way - 1))

    Parameters
    ----------
    n_way : int
        Classes in a training episode (the softmax's support series at 1 shot).

    Returns
    -------
    temperature : float
        1.0 up to 3 classes; 0.64 for 4, 0.34 for 9, 0.20 for 37.

    Examples
    --------
    >>> from sktime_metric.nn.matching import cosine_temperature
    >>> [round(cosine_temperature(c), 3) for c in (2, 3, 4, 9, 37)]
    [1.0, 1.0, 0.644, 0.34, 0.197]
    """
    return 1.0 / max(1.0, math.sqrt(2.0) * math.log(max(n_way - 1, 1)))


def leave_self_out(n_queries, support_rows, support_codes):
    """The ``exclude`` mask of :meth:`MatchingNetworkModule.posterior` for self-matches.

    Query ``i`` is row ``i`` of a set whose rows ``support_rows`` (in the
    support set's order) make the support set: each such query is left out of
    its own support set, for a leave-one-out posterior, so that a collapsed
    model cannot score well by matching series to themselves. A class's only
    support series stays, so that every row keeps every class.

    Parameters
    ----------
    n_queries : int
    support_rows : array-like of int, shape (n_support,)
        The query row that each support series is.
    support_codes : array-like of int, shape (n_support,)
        The class index of each support series.

    Returns
    -------
    exclude : torch.BoolTensor of shape (n_queries, n_support)
    """
    # on the CPU, as the numpy arrays it is read from, whatever torch's default
    support_rows = torch.as_tensor(np.asarray(support_rows), dtype=torch.long,
                                   device="cpu")
    exclude = torch.zeros(n_queries, len(support_rows), dtype=torch.bool,
                          device="cpu")
    exclude[support_rows, torch.arange(len(support_rows), device="cpu")] = True
    codes = np.asarray(support_codes)
    exclude[:, torch.as_tensor(np.bincount(codes)[codes] < 2, device="cpu")] = False
    return exclude


def _orthogonal_recurrent_init(module, radius):
    """Orthogonal ``W_h*`` gate blocks scaled to spectral radius ``radius``.

    An orthogonal matrix has all eigenvalues on the unit circle, so the scaled
    block has spectral radius exactly ``radius``.
    """
    with torch.no_grad():
        for name, weight in module.named_parameters():
            if "weight_hh" not in name:
                continue
            for block in weight.chunk(3, dim=0):  # reset, update, candidate
                nn.init.orthogonal_(block)
                block.mul_(radius)


class EpisodeNLLLoss(nn.Module):
    """Negative log-likelihood of the queries' classes (the episode loss).

    ``P(c | x, S) = sum_{j: label(s_j) = c} alpha_j``, so the loss of a query
    is ``-logsumexp`` of its log weights on the support series of its class.

    Parameters
    ----------
    reduction : {"mean", "none"}, default="mean"
        "none": one loss per query, in batch order (for weighted means).

    Notes
    -----
    ``forward((log_alpha, is_support), y)``: the module's output and the
    labels of the whole episode (support and queries, in batch order). An
    episode without queries gives a zero loss that keeps the graph.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import EpisodeNLLLoss
    >>> y = torch.tensor([0, 0, 1, 0, 1])  # three support series, then two queries
    >>> is_support = torch.tensor([True, True, True, False, False])
    >>> alpha = torch.tensor([[0.25, 0.25, 0.5],    # P(0 | query 1) = 0.5
    ...                       [0.5, 0.25, 0.25]])   # P(1 | query 2) = 0.25
    >>> loss = EpisodeNLLLoss(reduction="none")((alpha.log(), is_support), y)
    >>> [round(p, 4) for p in (-loss).exp().tolist()]
    [0.5, 0.25]
    >>> round(EpisodeNLLLoss()((alpha.log(), is_support), y).item(), 4)  # log(8) / 2
    1.0397
    """

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "none"):
            raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}.")
        self.reduction = reduction

    def forward(self, output, y):
        log_alpha, is_support = output
        y = y.to(log_alpha.device)
        same = y[~is_support].unsqueeze(1) == y[is_support].unsqueeze(0)
        if log_alpha.numel() == 0:
            return log_alpha.sum() * 0.0
        log_p = log_alpha.masked_fill(~same, float("-inf")).logsumexp(dim=1)
        return -log_p if self.reduction == "none" else -log_p.mean()


def episode_accuracy(output, y):
    """Accuracy of an episode's queries under ``P(c | x, S)`` (eq. 1), and their number.

    ``output`` is the module's ``(log_alpha, is_support)`` and ``y`` the
    labels of the whole episode, as :class:`EpisodeNLLLoss` takes them. A
    query is right when the class whose support series carry the most of its
    matching weight is its own. An episode without queries gives
    ``(nan, 0)``.
    """
    log_alpha, is_support = output
    y = torch.as_tensor(y, device=log_alpha.device)
    support, query = y[is_support], y[~is_support]
    if len(query) == 0:
        return float("nan"), 0
    classes, codes = torch.unique(support, return_inverse=True)
    proba = log_alpha.exp() @ nn.functional.one_hot(codes, len(classes)).to(log_alpha.dtype)
    return (classes[proba.argmax(dim=1)] == query).float().mean().item(), len(query)
