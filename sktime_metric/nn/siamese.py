"""Siamese recurrent networks: a shared sequence encoder and a bilinear similarity.

A siamese recurrent network (SRN) maps each of two variable-length sequences to a
fixed-size vector ``h`` with the *same* recurrent network, then scores the pair
with a weighted inner product followed by a logistic sigmoid::

    z_t = relu(W x_t + A z_{t-1} + b),            z_0 = 0
    h   = z_T            (SRN-L, pooling="last")  or
    h   = mean_t z_t     (SRN-A, pooling="mean"), over each sequence's own steps
    s   = sigmoid(h1^T M h2 + c),                 M = diag(v) in the paper

With ``A = 0`` (``cell="none"``) each frame is mapped alone: the paper's
non-recurrent baselines SN-L and SN-A (Pei et al. 2016, §5.1, Fig. 2-3); with
no hidden units at all (``cell="identity"``, ``h`` the time-averaged frames)
the head alone is its "logistic" baseline.

``M`` is diagonal by default (the paper's ``v^T (h1 * h2)``); a symmetric full
matrix or a symmetric low rank ``U^T diag(lambda) U`` are options. Every ``M``
here is symmetric, so ``s(a, b) == s(b, a)``; its sign is unconstrained, so
``s`` is a learned similarity, not a metric.
"""

import torch
from torch import nn

from ._chain import frame_windows
from ._lengths import length_mask, trim_to_length
from ._pairing import pad_time
from .encoders import RecurrentEncoder

__all__ = ["BilinearSimilarity", "FrameEncoder", "SequenceEncoder", "SiameseRNNModule"]


class FrameEncoder(nn.Module):
    """Each frame alone: ``z_t = g(W x_t + b)``, the SRN's recurrence with ``A = 0``.

    The paper's non-recurrent siamese networks SN-L and SN-A (Pei et al. 2016,
    §5.1) are the SRN's encoder without the recurrent matrix ``A``: with
    ``pooling="last"`` the embedding sees only the last (windowed) frame,
    with ``"mean"`` it is a bag of frames. They measure what the recurrence
    adds. With no hidden units (``hidden_size=None``), ``z_t = x_t``: mean
    pooling then gives the time-averaged frames of the paper's "logistic"
    baseline, whose only weights are the similarity head's.

    Parameters
    ----------
    input_size : int
        Values per frame.
    hidden_size : int or None
        Size of ``z_t``; None: no hidden units, ``z_t = x_t``.
    nonlinearity : {"relu", "tanh"}, default="relu"
        ``g`` (the paper: ReLU, as in its SRN).

    Notes
    -----
    ``states(x)`` maps ``(batch, time, input_size)`` to
    ``(batch, time, hidden_size)``, the same interface as
    :meth:`~sktime_metric.nn.encoders.RecurrentEncoder.states`. Steps past a
    series' length get ``g(b)``, not zeros; the pooling never reads them.
    """

    def __init__(self, input_size, hidden_size, nonlinearity="relu"):
        super().__init__()
        if nonlinearity not in ("relu", "tanh"):
            raise ValueError(
                f"nonlinearity must be 'relu' or 'tanh', got {nonlinearity!r}."
            )
        if hidden_size is None:
            self.linear = self.activation = nn.Identity()
            self.output_size = input_size
        else:
            self.linear = nn.Linear(input_size, hidden_size)
            self.activation = nn.ReLU() if nonlinearity == "relu" else nn.Tanh()
            self.output_size = hidden_size

    def states(self, x):
        return self.activation(self.linear(x))


class SequenceEncoder(nn.Module):
    """A recurrent encoder pooled to one vector per sequence.

    Parameters
    ----------
    n_features : int
        Channels per time step (after any windowing).
    hidden_size : int
        Units of the recurrent layer, i.e. the embedding size ``H``.
    cell : {"rnn", "gru", "lstm", "none", "identity"}, default="rnn"
        ``"rnn"`` is the paper's single-layer Elman RNN; ``"none"`` maps each
        frame alone (:class:`FrameEncoder`, the paper's SN-L / SN-A);
        ``"identity"`` passes the (windowed) frames through, with no hidden
        units: ``hidden_size`` is ignored and the output has
        ``window * n_features`` values.
    nonlinearity : {"relu", "tanh"}, default="relu"
        Activation of ``cell="rnn"`` and ``cell="none"`` (the paper: ReLU).
    pooling : {"last", "mean"}, default="last"
        ``"last"``: the state at each sequence's last valid step (SRN-L);
        ``"mean"``: the average of the states over its valid steps (SRN-A).
    dropout : float, default=0.0
        Dropout on the emitted states ``z_t`` before pooling, not inside the
        recurrence (the authors' placement).
    window : int, default=1
        Concatenate ``window`` consecutive frames into one step of
        ``window * n_features`` values before the recurrence (the paper's
        windows of 2 or 3 frames; :func:`~sktime_metric.nn._chain.frame_windows`:
        a sequence shorter than the window repeats its last frame).
    stride : int, default=1
        Steps between the starts of two windows (the paper: 1). A stride above
        1 shortens the recurrence to about ``T / stride`` steps.

    Notes
    -----
    ``forward(x, lengths)`` takes ``x`` ``(batch, time, n_features)`` zero-filled
    past each length and returns ``(batch, output_size)``: ``hidden_size``, or
    with ``cell="identity"`` the ``window * n_features`` values of a frame; it
    never writes into ``x``. Padding never reaches the result: the recurrence
    is causal, the last state is gathered at ``lengths - 1`` and the mean
    divides the masked sum by the true length.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import SequenceEncoder
    >>> _ = torch.manual_seed(0)
    >>> x, lengths = torch.randn(2, 5, 3), torch.tensor([5, 2])
    >>> x[1, 2:] = 0  # zero-filled past each length
    >>> srn_l = SequenceEncoder(n_features=3, hidden_size=4)  # the state at L - 1
    >>> h = srn_l(x, lengths)
    >>> h.shape
    torch.Size([2, 4])
    >>> torch.allclose(h[1], srn_l(x[1:, :2], lengths[1:])[0])  # padding unread
    True
    >>> frames = SequenceEncoder(3, 4, cell="identity", pooling="mean")
    >>> means = torch.stack([x[0].mean(0), x[1, :2].mean(0)])  # over each L
    >>> frames.output_size, torch.allclose(frames(x, lengths), means)
    (3, True)
    """

    def __init__(
        self,
        n_features,
        hidden_size,
        cell="rnn",
        nonlinearity="relu",
        pooling="last",
        dropout=0.0,
        window=1,
        stride=1,
    ):
        super().__init__()
        if pooling not in ("last", "mean"):
            raise ValueError(f"pooling must be 'last' or 'mean', got {pooling!r}.")
        if cell in ("none", "identity"):  # A = 0: SN-L / SN-A; the logistic model
            self.rnn = FrameEncoder(window * n_features,
                                    hidden_size if cell == "none" else None, nonlinearity)
        else:
            self.rnn = RecurrentEncoder(
                window * n_features, hidden_size, cell=cell, nonlinearity=nonlinearity
            )
        self.window, self.stride = window, stride
        self.pooling = pooling
        self.dropout = nn.Dropout(dropout)
        self.output_size = self.rnn.output_size if cell == "identity" else hidden_size

    def forward(self, x, lengths):
        # One unidirectional layer, a causal recurrence (or none): the fused
        # kernel runs on the padded batch and padding never reaches a valid step. Each
        # pooling computes only what it reads (RecurrentEncoder.forward would
        # also mask every state and gather the last one).
        given = x
        x, lengths = frame_windows(x, lengths, self.window, self.stride)
        z = self.rnn.states(x)  # in time chunks on long series
        if self.pooling == "last":
            # Element-wise dropout commutes with gathering one step, so "last"
            # may drop out after pooling; the mean must drop out each z_t first.
            last = z[torch.arange(x.size(0), device=x.device), lengths - 1]
            return self.dropout(last)
        mask = length_mask(lengths, x.size(1)).unsqueeze(-1)  # zero past each length
        # in place when no gradient flows (inference): one big temporary less;
        # never in the caller's tensor, which cell="identity" passes through
        shared = z.untyped_storage().data_ptr() == given.untyped_storage().data_ptr()
        z = z * mask if z.requires_grad or shared else z.mul_(mask)
        total = self.dropout(z).sum(dim=1)
        return total / lengths.to(total.dtype).unsqueeze(1)


class BilinearSimilarity(nn.Module):
    """The logit ``h1^T M h2 + c`` of a symmetric bilinear similarity.

    Parameters
    ----------
    n_features : int
        Size of the vectors compared (the embedding size ``H``).
    form : {"diagonal", "full", "low_rank"}, default="diagonal"
        ``"diagonal"``: ``M = diag(v)``, the paper's ``v^T (h1 * h2)``, ``H``
        weights. ``"full"``: ``M = (B + B^T) / 2``, ``H^2`` weights.
        ``"low_rank"``: ``M = U^T diag(lambda) U`` with ``U`` of shape
        ``(rank, H)``, i.e. a diagonal similarity of the projections ``U h``.
    rank : int or None, default=None
        Rank of ``"low_rank"``; None means ``max(1, n_features // 4)``.

    Notes
    -----
    ``forward(h1, h2)`` broadcasts over leading dimensions and returns the logit
    (``s = sigmoid(logit)``); ``pairwise(h1, h2)`` returns the
    ``(n1, n2)`` matrix of logits, computed as ``(h1 M) h2^T + c`` so each
    vector is transformed once. ``distance(h1, h2)`` and
    ``pairwise_distance(h1, h2)`` return ``1 - s`` in the same shapes: the
    learned distance of the pair-logistic loss (not a metric: ``1 - s(h, h)``
    need not be 0).

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import BilinearSimilarity
    >>> _ = torch.manual_seed(0)
    >>> similarity = BilinearSimilarity(n_features=4, form="full")
    >>> h1, h2 = torch.randn(3, 4), torch.randn(3, 4)
    >>> logits = similarity(h1, h2)
    >>> logits.shape, torch.allclose(logits, similarity(h2, h1))  # M is symmetric
    (torch.Size([3]), True)
    >>> table = similarity.pairwise(h1, h2)
    >>> table.shape, torch.allclose(table.diagonal(), logits)
    (torch.Size([3, 3]), True)
    >>> torch.allclose(similarity.distance(h1, h2), 1 - torch.sigmoid(logits))
    True
    >>> bool((similarity.distance(h1, h1) > 0).all())  # 1 - s(h, h) is not 0
    True
    """

    def __init__(self, n_features, form="diagonal", rank=None):
        super().__init__()
        if form == "diagonal":
            self.weight = nn.Parameter(torch.empty(n_features))
        elif form == "full":
            self.weight = nn.Parameter(torch.empty(n_features, n_features))
        elif form == "low_rank":
            rank = max(1, n_features // 4) if rank is None else rank
            self.projection = nn.Parameter(torch.empty(rank, n_features))
            self.weight = nn.Parameter(torch.empty(rank))
        else:
            raise ValueError(
                "form must be 'diagonal', 'full' or 'low_rank', got " f"{form!r}."
            )
        self.bias = nn.Parameter(torch.empty(()))
        self.form = form
        self.reset_parameters()

    def reset_parameters(self, init_range=0.1):
        for p in self.parameters():
            nn.init.uniform_(p, -init_range, init_range)

    def matrix(self):
        """The symmetric ``(n_features, n_features)`` matrix ``M``."""
        if self.form == "diagonal":
            return torch.diag(self.weight)
        if self.form == "full":
            return (self.weight + self.weight.T) / 2
        return self.projection.T @ (self.weight[:, None] * self.projection)

    def weighted(self, h):
        """``h M`` for row vectors ``h``, without forming ``M`` when it is diagonal."""
        if self.form == "diagonal":
            return h * self.weight
        if self.form == "full":
            return h @ self.matrix()
        return (h @ self.projection.T * self.weight) @ self.projection

    def forward(self, h1, h2):
        return (self.weighted(h1) * h2).sum(dim=-1) + self.bias

    def pairwise(self, h1, h2):
        return self.weighted(h1) @ h2.T + self.bias

    def distance(self, h1, h2):
        """``1 - s = sigmoid(-logit)``: no cancellation when ``s`` is near 1."""
        return torch.sigmoid(-self(h1, h2))

    def pairwise_distance(self, h1, h2):
        """The ``(n1, n2)`` matrix of ``1 - s``, from :meth:`pairwise`."""
        return torch.sigmoid(-self.pairwise(h1, h2))


class SiameseRNNModule(nn.Module):
    """A siamese recurrent network: one shared encoder, a bilinear similarity head.

    Parameters
    ----------
    n_features : int
        Channels per time step.
    hidden_size : int, default=64
        Embedding size ``H``.
    cell : {"rnn", "gru", "lstm", "none", "identity"}, default="rnn"
    nonlinearity : {"relu", "tanh"}, default="relu"
    pooling : {"last", "mean"}, default="last"
    dropout : float, default=0.0
        The encoder's, see :class:`SequenceEncoder`.
    similarity : {"diagonal", "full", "low_rank"}, default="diagonal"
        Form of ``M``, see :class:`BilinearSimilarity`.
    rank : int or None, default=None
        Rank of ``similarity="low_rank"``.
    init_range : float or None, default=0.1
        Every parameter is drawn from ``U[-init_range, init_range]`` (the paper);
        None keeps torch's default initialisation.
    window : int, default=1
    stride : int, default=1
        The encoder's frames, see :class:`SequenceEncoder`.

    Notes
    -----
    ``forward(x, lengths)`` embeds a batch: ``(batch, hidden_size)``. The
    shared encoder is ``encoder`` (a :class:`SequenceEncoder`; its
    ``output_size`` is the embedding size), the head ``similarity`` (a
    :class:`BilinearSimilarity`, which also gives the distance ``1 - s``).

    ``forward(x, lengths, x2, lengths2[, x3, lengths3])`` scores tuples of
    sequences (the ``i``-th rows of ``x``, ``x2``, ``x3``): it encodes all of them
    in one call of the shared encoder and returns ``(logits, embeddings)``, with
    ``embeddings`` of shape ``(batch, k, hidden_size)`` for ``k`` sequences per
    tuple and ``logits`` of shape ``(batch, k - 1)``, the similarity logit of the
    first sequence with each of the others: ``[s(x, x2)]`` for pairs,
    ``[s(x, x2), s(x, x3)]`` for (anchor, positive, negative) triplets.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import SiameseRNNModule
    >>> module = SiameseRNNModule(n_features=3, hidden_size=8, pooling="mean")
    >>> x, lengths = torch.randn(4, 10, 3), torch.tensor([10, 7, 3, 1])
    >>> module(x, lengths).shape
    torch.Size([4, 8])
    >>> logits, embeddings = module(x, lengths, x.flip(0), lengths.flip(0))
    >>> logits.shape, embeddings.shape
    (torch.Size([4, 1]), torch.Size([4, 2, 8]))
    """

    def __init__(
        self,
        n_features,
        hidden_size=64,
        cell="rnn",
        nonlinearity="relu",
        pooling="last",
        dropout=0.0,
        similarity="diagonal",
        rank=None,
        init_range=0.1,
        window=1,
        stride=1,
    ):
        super().__init__()
        self.encoder = SequenceEncoder(
            n_features,
            hidden_size,
            cell=cell,
            nonlinearity=nonlinearity,
            pooling=pooling,
            dropout=dropout,
            window=window,
            stride=stride,
        )
        self.similarity = BilinearSimilarity(self.encoder.output_size, form=similarity,
                                             rank=rank)
        if init_range is not None:
            for p in self.parameters():
                nn.init.uniform_(p, -init_range, init_range)

    def forward(self, x, lengths, x2=None, lengths2=None, x3=None, lengths3=None):
        if x2 is None:
            return self.encoder(trim_to_length(x, lengths), lengths)
        parts = [(x, lengths), (x2, lengths2)]
        if x3 is not None:
            parts.append((x3, lengths3))
        # One encoder call for every sequence of every tuple: the fused kernel
        # runs once over a k-times larger batch instead of k times.
        n_steps = max(int(n.max()) for _, n in parts)
        x_all = torch.cat([pad_time(xi, n_steps) for xi, _ in parts])
        n_all = torch.cat([n for _, n in parts])
        if x_all.requires_grad or (self.training and self.encoder.dropout.p > 0):
            # a gradient for each copy of an input, or a dropout mask each
            h = self.encoder(x_all, n_all)
        else:
            # A series in several tuples of the batch is encoded once (every
            # 50-pair batch drawn from a 30-series training set holds each
            # series about 3 times): its embedding's gradient is then the sum
            # over its tuples, as if each copy had been encoded on its own.
            key = torch.cat([x_all.flatten(1), n_all.unsqueeze(1).to(x_all.dtype)], 1)
            _, inverse = torch.unique(key, dim=0, return_inverse=True)
            first = torch.full((int(inverse.max()) + 1,), len(inverse),
                               device=inverse.device).scatter_reduce(
                0, inverse, torch.arange(len(inverse), device=inverse.device), "amin")
            h = self.encoder(x_all[first], n_all[first])[inverse]
        h = h.view(len(parts), x.size(0), -1).transpose(0, 1)  # (batch, k, H)
        return self.similarity(h[:, :1], h[:, 1:]), h
