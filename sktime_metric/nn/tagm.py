"""Temporal Attention-Gated Model (Pei, Baltrusaitis, Tax & Morency, CVPR 2017).

Equations are numbered as in chapter 3 of Pei's thesis.

- Temporal attention (3.4-3.6): a bidirectional plain RNN reads the sequence and a
  fusion layer gives one scalar salience ``a_t = sigmoid(s * (m^T [h_fwd; h_bwd] + b_a))``
  per step.
- Attention-gated unit (3.1-3.2): ``h'_t = relu(W h_{t-1} + U x_t + b)`` and
  ``h_t = (1 - a_t) h_{t-1} + a_t h'_t``: the scalar gate decides how much of the
  step enters the state.
- Softmax on the final state (3.3).
- The chapter's ablations of Table 3.1: :class:`AttentionNNModule`, the same
  attention with a feed-forward layer on ``v = sum_t a_t x_t`` in place of the
  gated unit ("AM-NN", eq. 3.8), and without attention (every ``a_t = 1``:
  "NN"); ``temporal_attention=False`` of :class:`TAGMModule` likewise leaves
  the gated unit with ``a_t = 1``, a plain ReLU RNN (eq. 3.2 alone).

Padding is handled without a gather: ``a_t`` is forced to exactly 0 past each
sequence's length, and (3.1) with ``a_t = 0`` copies the state, so the state after
the loop is ``h_{L_i}`` for every sample; in the weighted sum of (3.8) the
padding's terms are exactly 0.
"""

from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from ._chain import frame_windows
from ._lengths import length_mask, reverse_padded, trim_to_length

__all__ = [
    "AttentionGatedRNN",
    "AttentionNNModule",
    "BidirectionalRNN",
    "TAGMModule",
    "TemporalAttention",
]


_ACTIVATIONS = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    # the authors' code: Softplus(beta=5), "a smooth ReLU"
    "softplus": partial(F.softplus, beta=5.0),
}


class BidirectionalRNN(nn.Module):
    """Bidirectional single-layer Elman RNN over variable-length sequences.

    The backward direction runs forward over each sequence reversed within its
    own length (``nn._lengths.reverse_padded``), so both
    directions start at a real step, and both advance in one batched matmul per
    step. On CPU this is about 2.7x faster than ``nn.RNN`` on a packed batch (the
    packed kernel is slow there) with the same result. Parameters are laid out as
    ``nn.RNN``'s, stacked over the two directions, two biases each, so counts
    agree with Table 3.1.

    Parameters
    ----------
    n_features : int
    hidden_size : int
    nonlinearity : {"relu", "tanh", "softplus"}, default="relu"

    Notes
    -----
    ``forward(x, lengths)`` returns ``(batch, time, 2 * hidden_size)``,
    ``[h_fwd ; h_bwd]`` per step, zero past each length.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import BidirectionalRNN
    >>> _ = torch.manual_seed(0)
    >>> rnn = BidirectionalRNN(n_features=3, hidden_size=4)
    >>> x, lengths = torch.randn(2, 5, 3), torch.tensor([5, 2])
    >>> x[1, 2:] = 0  # zero-filled past each length
    >>> out = rnn(x, lengths)
    >>> out.shape, bool((out[1, 2:] == 0).all())
    (torch.Size([2, 5, 8]), True)
    >>> # both directions start at a real step: the second series alone agrees
    >>> torch.allclose(rnn(x[1:, :2], lengths[1:]), out[1:, :2])
    True
    >>> torch_rnn = torch.nn.RNN(3, 4, bidirectional=True)  # as many parameters
    >>> sum(p.numel() for p in rnn.parameters()), sum(
    ...     p.numel() for p in torch_rnn.parameters())
    (72, 72)
    """

    def __init__(self, n_features, hidden_size, nonlinearity="relu"):
        super().__init__()
        if nonlinearity not in _ACTIVATIONS:
            raise ValueError(
                f"nonlinearity must be one of {sorted(_ACTIVATIONS)}, "
                f"got {nonlinearity!r}."
            )
        self.activation = _ACTIVATIONS[nonlinearity]
        self.weight_ih = nn.Parameter(torch.empty(2, hidden_size, n_features))
        self.weight_hh = nn.Parameter(torch.empty(2, hidden_size, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(2, hidden_size))
        self.bias_hh = nn.Parameter(torch.empty(2, hidden_size))
        bound = hidden_size**-0.5  # nn.RNN's initialisation
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def forward(self, x, lengths):
        both = torch.stack([x, reverse_padded(x, lengths)])  # (2, B, T, D)
        # input projections of every step, both directions, in one matmul
        wx = both @ self.weight_ih.transpose(1, 2).unsqueeze(1)
        wx = wx + (self.bias_ih + self.bias_hh)[:, None, None, :]
        u = self.weight_hh.transpose(1, 2)
        h = x.new_zeros(2, x.size(0), u.size(-1))
        states = []
        for wx_t in wx.unbind(2):  # unbind, not slicing: see AttentionGatedRNN
            h = self.activation(torch.baddbmm(wx_t, h, u))
            states.append(h)
        states = torch.stack(states, dim=2)  # (2, B, T, A)
        out = torch.cat([states[0], reverse_padded(states[1], lengths)], dim=-1)
        return out * length_mask(lengths, x.size(1)).unsqueeze(-1)


class TemporalAttention(nn.Module):
    """Bidirectional RNN and fusion layer giving one gate ``a_t`` per step (3.4-3.6).

    Parameters
    ----------
    n_features : int
    hidden_size : int
        Hidden units per direction of the attention RNN (``A``).
    dropout : float, default=0.0
        On the RNN outputs before the fusion layer (the authors' placement).
    sharpness : float, default=1.0
        ``s`` in ``sigmoid(s * logit)``; the authors' code uses 3.
    nonlinearity : {"relu", "tanh", "softplus"}, default="relu"
        Activation of the attention RNN; "softplus" is Softplus(beta=5) as in the
        authors' code.
    bias_init : float or None, default=None
        Initial bias ``b_a`` of the fusion layer (eq. 3.7): ``sigmoid(s b_a)``
        is the attention every step starts from. None: torch's initialisation.

    Notes
    -----
    ``forward(x, lengths)`` returns ``a`` of shape ``(batch, time)`` with values in
    (0, 1) on valid steps and exactly 0 on padding.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import TemporalAttention
    >>> _ = torch.manual_seed(0)
    >>> attention = TemporalAttention(n_features=3, hidden_size=4, sharpness=3.0)
    >>> x, lengths = torch.randn(2, 5, 3), torch.tensor([5, 2])
    >>> x[1, 2:] = 0
    >>> a = attention(x, lengths)
    >>> a.shape, bool(((a[0] > 0) & (a[0] < 1)).all()), a[1, 2:].tolist()
    (torch.Size([2, 5]), True, [0.0, 0.0, 0.0])
    """

    def __init__(
        self, n_features, hidden_size, dropout=0.0, sharpness=1.0, nonlinearity="relu",
        bias_init=None,
    ):
        super().__init__()
        self.rnn = BidirectionalRNN(n_features, hidden_size, nonlinearity)
        self.dropout = nn.Dropout(dropout)
        self.fusion = nn.Linear(2 * hidden_size, 1)  # m (2A weights) and b_a
        if bias_init is not None:
            nn.init.constant_(self.fusion.bias, bias_init)
        self.sharpness = sharpness

    def forward(self, x, lengths):
        states = self.rnn(x, lengths)  # (B, T, 2A) = [h_fwd ; h_bwd]
        logits = self.fusion(self.dropout(states)).squeeze(-1)
        a = torch.sigmoid(self.sharpness * logits)
        return a * length_mask(lengths, x.size(1))


def _attention(n_features, hidden_size, enabled, **options):
    """A :class:`TemporalAttention`, or None where ``enabled`` is False."""
    return TemporalAttention(n_features, hidden_size, **options) if enabled else None


def _step_weights(attention, x, lengths):
    """``a_t`` of ``attention`` (3.4), or with None 1 on every valid step; 0 on padding."""
    if attention is None:
        return length_mask(lengths, x.size(1)).to(x.dtype)
    return attention(x, lengths)


class AttentionGatedRNN(nn.Module):
    """Recurrent unit whose only gate is the scalar attention ``a_t`` (3.1-3.2).

    Two linear maps with a bias each (``U x + b_U`` and ``W h + b_W``), as in the
    authors' code; this is what the parameter counts of Table 3.1 assume.

    Parameters
    ----------
    n_features : int
        Channels per time step.
    hidden_size : int
        Hidden units.

    Notes
    -----
    ``forward(x, a, reverse=False)`` with ``x`` ``(batch, time, n_features)`` and
    ``a`` ``(batch, time)`` returns the final state ``(batch, hidden_size)``. With
    ``a = 0`` on padding this is the state after each sequence's last valid step
    (forward), or after step 0 (``reverse=True``).

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import AttentionGatedRNN
    >>> _ = torch.manual_seed(0)
    >>> gated = AttentionGatedRNN(n_features=3, hidden_size=4)
    >>> x = torch.randn(2, 5, 3)
    >>> a = torch.tensor([[1.0, 0.5, 1.0, 0.2, 1.0],
    ...                   [1.0, 0.5, 0.0, 0.0, 0.0]])  # the second has 2 steps
    >>> h = gated(x, a)
    >>> h.shape
    torch.Size([2, 4])
    >>> # a_t = 0 copies the state: the second series' state after its step 1
    >>> torch.allclose(h[1], gated(x[1:, :2], a[1:, :2])[0])
    True
    >>> torch.allclose(gated(x, a, reverse=True)[1],
    ...                gated(x[1:, :2], a[1:, :2], reverse=True)[0])
    True
    >>> bool((gated(x, torch.zeros(2, 5)) == 0).all())  # no step enters
    True
    """

    def __init__(self, n_features, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.input_map = nn.Linear(n_features, hidden_size)  # U, b_U
        self.recurrent_map = nn.Linear(hidden_size, hidden_size)  # W, b_W

    def forward(self, x, a, reverse=False):
        # Both biases and U x_t for all steps in one matmul; the loop then costs one
        # addmm, one relu and one lerp per step. Steps come from unbind (a list of
        # views), never from slicing a big tensor inside the loop: a slice makes
        # every backward step allocate a gradient of the full tensor.
        ux = self.input_map(x) + self.recurrent_map.bias
        w_t = self.recurrent_map.weight.t()
        steps = list(zip(ux.unbind(1), a.unsqueeze(-1).unbind(1)))
        if reverse:
            steps.reverse()
        h = x.new_zeros(x.size(0), self.hidden_size)
        for ux_t, a_t in steps:
            candidate = torch.relu(torch.addmm(ux_t, h, w_t))  # h'_t, (3.2)
            h = torch.lerp(h, candidate, a_t)  # (1 - a_t) h + a_t h'_t, (3.1)
        return h


class TAGMModule(nn.Module):
    """The temporal attention-gated classifier; Bi-TAGM with ``bidirectional=True``.

    Parameters
    ----------
    n_features : int
        Channels per time step (``D``).
    n_classes : int
    attention_hidden_size : int, default=128
        ``A``, per direction of the attention RNN.
    hidden_size : int, default=64
        ``H``, per direction of the gated unit.
    bidirectional : bool, default=False
        Bi-TAGM: a second gated unit runs backwards with the same attention and the
        classifier reads ``[h_fwd_T ; h_bwd_1]``.
    dropout : float, default=0.0
        On the attention RNN outputs and on the final state.
    attention_sharpness : float, default=1.0
    attention_nonlinearity : {"relu", "tanh", "softplus"}, default="relu"
    attention_bias_init : float or None, default=None
        Initial fusion bias of the attention (see :class:`TemporalAttention`).
    window, stride : int, default=1
        Frames of ``window`` consecutive steps, one every ``stride`` steps, are
        the model's time steps (:func:`~sktime_metric.nn._chain.frame_windows`):
        ``a_t`` and the gated unit then run over frames of
        ``window * n_features`` values.
    temporal_attention : bool, default=True
        False: no attention module, every ``a_t = 1`` on the valid steps, and
        the gated unit is a plain ReLU RNN (eq. 3.2 alone), an ablation.

    Notes
    -----
    ``forward(x, lengths)`` returns ``(logits, a)``: logits ``(batch, n_classes)``
    and the attention ``(batch, frames)`` with zeros on padding, ``frames =
    framed_length(time, window, stride)`` (``time`` itself without framing).

    Examples
    --------
    >>> from sktime_metric.nn import TAGMModule
    >>> module = TAGMModule(n_features=26, n_classes=10)  # Table 3.1's TAGM
    >>> sum(p.numel() for p in module.parameters())
    46731
    """

    def __init__(
        self,
        n_features,
        n_classes,
        attention_hidden_size=128,
        hidden_size=64,
        bidirectional=False,
        dropout=0.0,
        attention_sharpness=1.0,
        attention_nonlinearity="relu",
        attention_bias_init=None,
        window=1,
        stride=1,
        temporal_attention=True,
    ):
        super().__init__()
        self.window, self.stride = window, stride
        n_features = n_features * window
        self.attention = _attention(
            n_features,
            attention_hidden_size,
            temporal_attention,
            dropout=dropout,
            sharpness=attention_sharpness,
            nonlinearity=attention_nonlinearity,
            bias_init=attention_bias_init,
        )
        self.gated_fwd = AttentionGatedRNN(n_features, hidden_size)
        self.gated_bwd = (
            AttentionGatedRNN(n_features, hidden_size) if bidirectional else None
        )
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden_size * (2 if bidirectional else 1), n_classes)

    def forward(self, x, lengths):
        x, lengths = frame_windows(x, lengths, self.window, self.stride)
        n_timestamps = x.size(1)
        x = trim_to_length(x, lengths)
        a = _step_weights(self.attention, x, lengths)
        h = self.gated_fwd(x, a)
        if self.gated_bwd is not None:
            h = torch.cat([h, self.gated_bwd(x, a, reverse=True)], dim=-1)
        logits = self.classifier(self.dropout(h))
        # pad the attention back to the input's length so batches concatenate
        return logits, F.pad(a, (0, n_timestamps - x.size(1)))


class AttentionNNModule(nn.Module):
    """TAGM's attention over a one-layer network: "AM-NN" and "NN" of Table 3.1.

    The chapter's ablation of the gated unit (eq. 3.8): the attention of
    :class:`TAGMModule` (:class:`TemporalAttention`, eqs. 3.4-3.6) weighs the
    steps, ``v = sum_{t <= L} a_t x_t`` over each sequence's own ``L`` steps,
    then ``h = relu(W v + b)`` and the softmax layer (3.3) reads ``h``. Without
    attention every ``a_t = 1``, ``v = sum_t x_t``: the "NN" row, which the
    chapter does not define further (the authors' code's ``if_attention = 0``;
    its 2.4 K parameters agree).

    Parameters
    ----------
    n_features : int
        Channels per time step (``D``).
    n_classes : int
    attention_hidden_size : int, default=128
        ``A``, per direction of the attention RNN.
    hidden_size : int, default=64
        Units of the hidden layer ``h``.
    temporal_attention : bool, default=True
        False: no attention module, ``a_t = 1`` on every valid step ("NN").
    dropout : float, default=0.0
        On the attention RNN outputs and on ``h``.
    attention_sharpness : float, default=1.0
    attention_nonlinearity : {"relu", "tanh", "softplus"}, default="relu"
    attention_bias_init : float or None, default=None
        As for :class:`TAGMModule`.
    window, stride : int, default=1
        Frames of ``window`` consecutive steps, one every ``stride`` steps, are
        the model's time steps, as for :class:`TAGMModule`.

    Notes
    -----
    ``forward(x, lengths)`` returns ``(logits, a)``: logits ``(batch, n_classes)``
    and the weights ``a`` ``(batch, frames)``, exactly 0 on padding (so padding
    adds nothing to ``v``); ``frames`` as for :class:`TAGMModule`.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import AttentionNNModule
    >>> am_nn = AttentionNNModule(n_features=26, n_classes=10)  # Table 3.1's AM-NN
    >>> sum(p.numel() for p in am_nn.parameters())
    42571
    >>> plain = AttentionNNModule(26, 10, temporal_attention=False)  # its NN
    >>> sum(p.numel() for p in plain.parameters())
    2378
    >>> logits, a = plain(torch.randn(2, 5, 26), torch.tensor([5, 3]))
    >>> tuple(logits.shape), a.tolist()
    ((2, 10), [[1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0, 0.0]])
    """

    def __init__(
        self,
        n_features,
        n_classes,
        attention_hidden_size=128,
        hidden_size=64,
        temporal_attention=True,
        dropout=0.0,
        attention_sharpness=1.0,
        attention_nonlinearity="relu",
        attention_bias_init=None,
        window=1,
        stride=1,
    ):
        super().__init__()
        self.window, self.stride = window, stride
        n_features = n_features * window
        self.attention = _attention(
            n_features,
            attention_hidden_size,
            temporal_attention,
            dropout=dropout,
            sharpness=attention_sharpness,
            nonlinearity=attention_nonlinearity,
            bias_init=attention_bias_init,
        )
        self.hidden = nn.Linear(n_features, hidden_size)  # W, b of (3.8)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden_size, n_classes)  # (3.3)

    def forward(self, x, lengths):
        x, lengths = frame_windows(x, lengths, self.window, self.stride)
        n_timestamps = x.size(1)
        x = trim_to_length(x, lengths)
        a = _step_weights(self.attention, x, lengths)
        # v = sum_t a_t x_t; a_t = 0 past each length (where frames repeat the
        # last step), so padding adds exact zeros
        v = torch.bmm(a.unsqueeze(1), x).squeeze(1)
        h = torch.relu(self.hidden(v))  # (3.8)
        logits = self.classifier(self.dropout(h))
        return logits, F.pad(a, (0, n_timestamps - x.size(1)))
