"""Attended end-to-end regression from frames or per-frame features (Pei's thesis, ch. 4).

Equations are numbered as in chapter 4 of Pei's thesis ("Attended end-to-end
architecture for age estimation from facial expression videos"):

- :class:`SpatialAttention` (4.1-4.2): a saliency map ``A`` of shape ``(M, N)``
  over a convolutional feature map ``F``, ``A_ij = sigmoid(u^T tanh(W_ij F_ij +
  b_ij) + c)``, and the attended map ``I = F * A`` (every channel re-weighted).
  Four mechanisms: which of the two layers has weights per location.
- :class:`AppearanceCNN`: the convolutional appearance module (three conv
  blocks, two fully-connected layers, ReLU everywhere), with the spatial
  attention inserted after conv block 1, 2 or 3; applied to every valid frame.
- the recurrent dynamic module (4.3), ``z_t = relu(W p_t + V z_{t-1} + b)``
  in two layers: :class:`~sktime_metric.nn.RecurrentEncoder` with
  ``cell="rnn", nonlinearity="relu", num_layers=2``.
- :class:`TemporalAttentionPooling` (4.4-4.6): a sigmoid score ``e_t`` per
  frame, normalised by its sum over the frames (not a softmax) to ``o_t``, and
  the summary ``s = sum_t o_t z_t``.
- the linear regressor (4.7) ``y = k . s + b``: a ``Linear(n, 1)``.
- :class:`AttendedRegressorModule`: all of it, with the ablations of the
  thesis's Fig. 4.5 as switches.

Padding (frames past a sequence's length) never enters a result: the CNN runs
on valid frames only, the recurrence is forward (a valid step never sees a
later one), and the temporal attention is exactly 0 on padding before the
normalisation (4.5).
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from .encoders import RecurrentEncoder, length_mask, trim_to_length

__all__ = [
    "AppearanceCNN",
    "AttendedRegressorModule",
    "SpatialAttention",
    "TemporalAttentionPooling",
]

# which of the two layers of (4.1) has weights per location (i, j)
_MECHANISMS = {
    "indexed": (True, False),  # the thesis's adopted "spatially indexed" one
    "agnostic": (False, False),  # usual soft attention: both shared
    "full": (True, True),  # "fully spatially indexed": both per location
    "mediate": (False, True),  # "mediate": first shared, second per location
}


class SpatialAttention(nn.Module):
    """Spatial attention over a convolutional feature map (thesis eqs. 4.1-4.2).

    ``A_ij = sigmoid(u^T tanh(W_ij F_ij + b_ij) + c)`` and ``I = F * A``. The
    first layer (``W``, ``b``: ``d x C`` and ``d``) and the second, fusion layer
    (``u``, ``c``: ``d`` and a scalar) are each either shared by all locations
    or individual to each location ``(i, j)``, as ``mechanism`` says.

    Parameters
    ----------
    n_channels : int
        ``C``, channels of the feature map.
    height, width : int
        ``M`` and ``N``, its spatial size (per-location weights need it).
    attention_dim : int, default=64
        ``d``, units of the first layer (the thesis does not report it).
    mechanism : {"indexed", "agnostic", "full", "mediate"}, default="indexed"
        "indexed": ``W_ij, b_ij`` per location, ``u, c`` shared (the thesis's
        choice); "agnostic": both layers shared (usual soft attention);
        "full": both per location; "mediate": the first shared, the second per
        location. A per-location second layer has its own ``c_ij`` too.

    Notes
    -----
    ``forward(x)`` takes ``x`` of shape ``(batch, C, M, N)`` and returns
    ``(I, A)``: the attended map, same shape as ``x``, and the attention
    ``(batch, M, N)`` with values in (0, 1). It is a per-frame module;
    :class:`AppearanceCNN` runs it on the valid frames only.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import SpatialAttention
    >>> att = SpatialAttention(n_channels=8, height=5, width=5, attention_dim=4)
    >>> out, a = att(torch.randn(3, 8, 5, 5))
    >>> tuple(out.shape), tuple(a.shape)
    ((3, 8, 5, 5), (3, 5, 5))
    >>> sum(p.numel() for p in att.parameters())  # M N d (C + 1) + d + 1
    905
    """

    def __init__(self, n_channels, height, width, attention_dim=64, mechanism="indexed"):
        super().__init__()
        if mechanism not in _MECHANISMS:
            raise ValueError(
                f"mechanism must be one of {sorted(_MECHANISMS)}, got {mechanism!r}."
            )
        self.mechanism = mechanism
        first_indexed, second_indexed = _MECHANISMS[mechanism]
        where = (height, width) if first_indexed else ()
        self.weight = nn.Parameter(torch.empty(*where, attention_dim, n_channels))
        self.bias = nn.Parameter(torch.empty(*where, attention_dim))
        where = (height, width) if second_indexed else ()
        self.fusion_weight = nn.Parameter(torch.empty(*where, attention_dim))
        self.fusion_bias = nn.Parameter(torch.empty(where))
        # nn.Linear's initialisation, per location where the weights are
        for param, fan_in in ((self.weight, n_channels), (self.bias, n_channels),
                              (self.fusion_weight, attention_dim),
                              (self.fusion_bias, attention_dim)):
            bound = 1 / math.sqrt(fan_in)
            nn.init.uniform_(param, -bound, bound)

    def forward(self, x):
        f = x.permute(0, 2, 3, 1)  # (B, M, N, C): F_ij is a row
        if self.weight.dim() == 4:  # W_ij: a batched matmul per location
            h = torch.einsum("bmnc,mndc->bmnd", f, self.weight)
        else:
            h = f @ self.weight.t()
        h = torch.tanh(h + self.bias)  # (B, M, N, d)
        if self.fusion_weight.dim() == 3:
            logits = (h * self.fusion_weight).sum(-1)
        else:
            logits = h @ self.fusion_weight
        a = torch.sigmoid(logits + self.fusion_bias)  # (4.1), (B, M, N)
        return x * a.unsqueeze(1), a  # (4.2)


class AppearanceCNN(nn.Module):
    """The convolutional appearance module, with the spatial attention inside.

    Three convolutional blocks (conv, ReLU; blocks 1 and 2 followed by local
    response normalisation and max-pooling), then two fully-connected layers
    with ReLU (fc2 gives the per-frame feature ``p_t``). The spatial attention
    (:class:`SpatialAttention`) re-weights the output of block 1, 2 or 3.
    The thesis's configuration (its section 4.3.1, with the unreported pooling
    and normalisation sizes as reconstructed: 3x3 pooling of stride 2, LRN of
    size 5, alpha 1e-4, beta 0.75, k 2, no padding) is
    ``channels=(128, 256, 256), kernels=(7, 5, 3), strides=(2, 1, 1),
    pool_size=3, pool_stride=2, lrn=True, fc_size=4096`` on 114x114 grey
    frames: maps of 54 -> 26 -> 22 -> 10 -> 8 pixels. The defaults are small.

    Parameters
    ----------
    in_channels : int
        Channels of a frame (1 for grey).
    image_size : tuple of (int, int)
        ``(H, W)`` of a frame.
    out_features : int
        Units of fc2 (the recurrent module's hidden size ``n`` in the thesis).
    channels : tuple of 3 int, default=(16, 32, 32)
    kernels : tuple of 3 int, default=(3, 3, 3)
    strides : tuple of 3 int, default=(1, 1, 1)
    pool_size : int or None, default=2
        Max-pooling after blocks 1 and 2; None: no pooling.
    pool_stride : int or None, default=None
        None: ``pool_size``.
    lrn : bool, default=False
        Local response normalisation after blocks 1 and 2.
    fc_size : int, default=128
        Units of fc1.
    spatial_attention : {"indexed", "agnostic", "full", "mediate"} or None, \
            default="indexed"
    spatial_attention_after : {1, 2, 3}, default=2
        Block whose output (after its pooling) is attended.
    spatial_attention_dim : int, default=16
    dropout : float, default=0.0
        On the outputs of fc1 and fc2.

    Attributes
    ----------
    attention_size : tuple of (int, int)
        ``(M, N)`` of the attended feature map.

    Notes
    -----
    ``forward(x, lengths)`` takes frames ``(batch, time, C, H, W)`` (anything
    past each sequence's length is ignored) and returns ``(p, A)``: per-frame
    features ``(batch, time, out_features)`` and spatial attention
    ``(batch, time, M, N)`` (None without attention), zero past each length.
    Only the valid frames go through the network, as one batch.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import AppearanceCNN
    >>> cnn = AppearanceCNN(1, (24, 24), out_features=8)
    >>> cnn.attention_size
    (4, 4)
    >>> p, a = cnn(torch.randn(2, 5, 1, 24, 24), torch.tensor([5, 3]))
    >>> tuple(p.shape), tuple(a.shape), bool((a[1, 3:] == 0).all())
    ((2, 5, 8), (2, 5, 4, 4), True)
    """

    def __init__(
        self,
        in_channels,
        image_size,
        out_features,
        channels=(16, 32, 32),
        kernels=(3, 3, 3),
        strides=(1, 1, 1),
        pool_size=2,
        pool_stride=None,
        lrn=False,
        fc_size=128,
        spatial_attention="indexed",
        spatial_attention_after=2,
        spatial_attention_dim=16,
        dropout=0.0,
    ):
        super().__init__()
        if len(channels) != 3 or len(kernels) != 3 or len(strides) != 3:
            raise ValueError("channels, kernels and strides need 3 values each.")
        if spatial_attention_after not in (1, 2, 3):
            raise ValueError(
                f"spatial_attention_after must be 1, 2 or 3, got {spatial_attention_after!r}."
            )
        self.spatial_attention_after = spatial_attention_after
        blocks, previous = [], in_channels
        for i, (c, k, s) in enumerate(zip(channels, kernels, strides)):
            layers = [nn.Conv2d(previous, c, k, stride=s), nn.ReLU()]
            if i < 2 and lrn:
                layers.append(nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0))
            if i < 2 and pool_size is not None:
                layers.append(nn.MaxPool2d(pool_size, stride=pool_stride or pool_size))
            blocks.append(nn.Sequential(*layers))
            previous = c
        self.blocks = nn.ModuleList(blocks)
        # the sizes of the attended map and of fc1's input, by a dry run
        with torch.no_grad():
            h = torch.zeros(1, in_channels, *image_size)
            for i, block in enumerate(self.blocks, 1):
                try:
                    h = block(h)
                except RuntimeError:  # a kernel or pooling larger than its input
                    h = h[..., :0, :0]
                if h.shape[-1] < 1 or h.shape[-2] < 1:
                    raise ValueError(
                        f"Frames of size {tuple(image_size)} are too small for the "
                        f"convolutional module: block {i} has no output. Use larger "
                        "frames, or smaller kernels, strides or pooling."
                    )
                if i == spatial_attention_after:
                    self.attention_size = tuple(h.shape[-2:])
        self.attention = (
            None if spatial_attention is None
            else SpatialAttention(channels[spatial_attention_after - 1],
                                  *self.attention_size, spatial_attention_dim,
                                  spatial_attention)
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(h.numel(), fc_size), nn.ReLU(), nn.Dropout(dropout),  # fc1
            nn.Linear(fc_size, out_features), nn.ReLU(), nn.Dropout(dropout),  # fc2
        )
        self.out_features = out_features

    def frames(self, x):
        """``(p, A)`` of a batch of frames ``(K, C, H, W)``: ``(K, out)``, ``(K, M, N)``."""
        a = None
        for i, block in enumerate(self.blocks, 1):
            x = block(x)
            if i == self.spatial_attention_after and self.attention is not None:
                x, a = self.attention(x)
        return self.head(x), a

    def forward(self, x, lengths):
        valid = length_mask(lengths, x.size(1))
        p_valid, a_valid = self.frames(x[valid])
        p = p_valid.new_zeros(*valid.shape, p_valid.size(-1))
        p[valid] = p_valid
        if a_valid is None:
            return p, None
        a = a_valid.new_zeros(*valid.shape, *a_valid.shape[1:])
        a[valid] = a_valid
        return p, a


class TemporalAttentionPooling(nn.Module):
    """Temporal attention and attended pooling (thesis eqs. 4.4-4.6).

    ``e_t = sigmoid(v^T tanh(M z_t + b) + c)``, ``o_t = e_t / sum_t' e_t'`` and
    ``s = sum_t o_t z_t``. The score is a sigmoid normalised by its sum, not a
    softmax: a step's weight is bounded by the others' scores.

    Parameters
    ----------
    n_features : int
        ``n``, size of ``z_t``.
    attention_dim : int, default=64
        ``n'``, units of the first layer (the thesis does not report it).
    uniform : bool, default=False
        No attention: ``o_t = 1 / L`` (the mean of ``z_t`` over each sequence's
        ``L`` steps), the ablation without temporal attention.

    Notes
    -----
    ``forward(x, lengths)`` takes ``z`` ``(batch, time, n)`` and returns
    ``(s, o)``: the summary ``(batch, n)`` and the weights ``(batch, time)``,
    which sum to 1 over each sequence and are exactly 0 on its padding.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import TemporalAttentionPooling
    >>> pool = TemporalAttentionPooling(4, attention_dim=3)
    >>> s, o = pool(torch.randn(2, 6, 4), torch.tensor([6, 2]))
    >>> tuple(s.shape), o.sum(1).round(decimals=5).tolist(), o[1, 2:].tolist()
    ((2, 4), [1.0, 1.0], [0.0, 0.0, 0.0, 0.0])
    """

    def __init__(self, n_features, attention_dim=64, uniform=False):
        super().__init__()
        self.uniform = uniform
        if not uniform:
            self.hidden = nn.Linear(n_features, attention_dim)  # M, b
            self.fusion = nn.Linear(attention_dim, 1)  # v, c

    def forward(self, x, lengths):
        mask = length_mask(lengths, x.size(1)).to(x.dtype)
        if self.uniform:
            e = mask
        else:
            e = torch.sigmoid(self.fusion(torch.tanh(self.hidden(x)))).squeeze(-1)
            e = e * mask  # (4.4), exactly 0 on padding
        o = e / e.sum(dim=1, keepdim=True)  # (4.5)
        return (o.unsqueeze(-1) * x).sum(dim=1), o  # (4.6)


class AttendedRegressorModule(nn.Module):
    """Appearance -> dynamics -> temporal attention -> linear regressor.

    Frames mode (``image_size`` given): :class:`AppearanceCNN` (with its spatial
    attention) maps each frame to ``p_t``. Features mode: a linear layer with
    ReLU maps each step's features to ``p_t`` (the place of fc2). Then the
    two-layer ReLU recurrence (4.3), the temporal attention pooling (4.4-4.6)
    and the linear regressor (4.7). The switches give the ablations of the
    thesis's Fig. 4.5.

    Parameters
    ----------
    n_features : int
        Features per step (features mode), or channels per frame (frames mode).
    hidden_size : int, default=64
        ``n``: fc2 units, recurrent units.
    image_size : tuple of (int, int) or None, default=None
        ``(H, W)`` of a frame: frames mode. None: features mode.
    cnn_params : dict or None, default=None
        Further arguments of :class:`AppearanceCNN` (frames mode).
    recurrent : bool, default=True
        False: no recurrence, ``z_t = p_t`` (with ``temporal_attention=False``
        the "CNN only" ablation, per-frame estimates averaged: a linear
        regressor of the mean of ``p_t`` is the mean of per-frame linear
        estimates).
    num_layers : int, default=2
    temporal_attention : bool, default=True
        False: ``s`` is the mean of ``z_t`` over the sequence.
    temporal_attention_dim : int, default=64
    dropout : float, default=0.0
        Between the recurrent layers and on ``s``.
    l2 : float, default=0.0
        ``lambda`` of the penalty ``lambda * sum ||W||^2`` over every weight
        (not the biases), returned by :meth:`penalty` and
        added to the training loss by the net.

    Notes
    -----
    ``forward(x, lengths)`` takes ``x`` ``(batch, time, n_features)`` (features)
    or ``(batch, time, C, H, W)`` (frames), zero-filled past each length, and
    returns ``(y, s, o)`` in features mode and ``(y, s, o, A)`` in frames mode
    with a spatial attention: predictions ``(batch,)``, summaries ``(batch,
    hidden_size)``, temporal weights ``(batch, time)`` and spatial attention
    ``(batch, time, M, N)``, the last two zero on padding.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import AttendedRegressorModule
    >>> module = AttendedRegressorModule(n_features=3, hidden_size=8)
    >>> y, s, o = module(torch.randn(2, 7, 3), torch.tensor([7, 4]))
    >>> tuple(y.shape), tuple(s.shape), tuple(o.shape)
    ((2,), (2, 8), (2, 7))
    """

    def __init__(
        self,
        n_features,
        hidden_size=64,
        image_size=None,
        cnn_params=None,
        recurrent=True,
        num_layers=2,
        temporal_attention=True,
        temporal_attention_dim=64,
        dropout=0.0,
        l2=0.0,
    ):
        super().__init__()
        if image_size is None:
            self.appearance = None
            self.projection = nn.Linear(n_features, hidden_size)
        else:
            self.appearance = AppearanceCNN(n_features, tuple(image_size), hidden_size,
                                            **(cnn_params or {}))
        self.dynamics = (
            RecurrentEncoder(hidden_size, hidden_size, cell="rnn", nonlinearity="relu",
                             num_layers=num_layers, dropout=dropout)
            if recurrent else None
        )
        self.pooling = TemporalAttentionPooling(
            hidden_size, temporal_attention_dim, uniform=not temporal_attention)
        self.dropout = nn.Dropout(dropout)
        self.regressor = nn.Linear(hidden_size, 1)  # k, b (4.7)
        self.l2 = l2

    def forward(self, x, lengths):
        n_timestamps = x.size(1)
        x = trim_to_length(x, lengths)
        a = None
        if self.appearance is None:
            p = torch.relu(self.projection(x))
        else:
            p, a = self.appearance(x, lengths)
        z = p if self.dynamics is None else self.dynamics(p, lengths)[0]  # (4.3)
        s, o = self.pooling(z, lengths)
        y = self.regressor(self.dropout(s)).squeeze(-1)
        # pad the time axis back to the input's, so batches concatenate
        o = F.pad(o, (0, n_timestamps - o.size(1)))
        if a is None:
            return y, s, o
        return y, s, o, F.pad(a, (0, 0, 0, 0, 0, n_timestamps - a.size(1)))

    def penalty(self):
        """``l2 * sum ||W||^2`` over every weight but the biases (the thesis's L2)."""
        if not self.l2:
            return torch.zeros((), device=self.regressor.weight.device)
        return self.l2 * sum((p**2).sum() for name, p in self.named_parameters()
                             if not name.endswith("bias"))
