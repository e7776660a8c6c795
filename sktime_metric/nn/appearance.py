"""The appearance module of the attended regressor: a CNN with spatial attention inside.

Equations are numbered as in chapter 4 of Pei's thesis ("Attended end-to-end
architecture for age estimation from facial expression videos"):

- :class:`SpatialAttention` (4.1-4.2): a saliency map ``A`` of shape ``(M, N)``
  over a convolutional feature map ``F``, ``A_ij = sigmoid(u^T tanh(W_ij F_ij +
  b_ij) + c)``, and the attended map ``I = F * A`` (every channel re-weighted).
  Four mechanisms: which of the two layers has weights per location.
- :class:`AppearanceCNN`: the convolutional appearance module (three conv
  blocks, two fully-connected layers, ReLU everywhere), with the spatial
  attention inserted after conv block 1, 2 or 3; applied to every valid frame
  only, so padding frames never enter a result.

The rest of the model (recurrence, temporal attention, regressor) is in
:mod:`sktime_metric.nn.attended`.
"""

import math

import torch
from torch import nn

from ._lengths import length_mask

__all__ = ["AppearanceCNN", "SpatialAttention"]

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
