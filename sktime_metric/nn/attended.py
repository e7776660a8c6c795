"""Attended end-to-end regression from frames or per-frame features (Pei's thesis, ch. 4).

Equations are numbered as in chapter 4 of Pei's thesis ("Attended end-to-end
architecture for age estimation from facial expression videos"):

- the appearance module (4.1-4.2), frames to per-frame features ``p_t``:
  :class:`~sktime_metric.nn.AppearanceCNN` with its
  :class:`~sktime_metric.nn.SpatialAttention`, in :mod:`sktime_metric.nn.appearance`.
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

import torch
import torch.nn.functional as F
from torch import nn

from ._lengths import length_mask, trim_to_length
from .appearance import AppearanceCNN
from .encoders import RecurrentEncoder

__all__ = ["AttendedRegressorModule", "TemporalAttentionPooling"]


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
