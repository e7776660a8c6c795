"""Interacting Attention-gated Recurrent Networks (Pei, Yang et al., CIKM 2017).

Equations are numbered as in chapter 6 of Pei's thesis. A user is the
time-ordered sequence of the items she rated, an item the time-ordered sequence
of the users who rated it; one network per side (no weight sharing):

- feature encoder (thesis eqs. 6.10-6.12): the item side's inputs are projected
  by one square matrix per feature of the target item, summed (flat, eq. 6.11)
  or chained from the root to the leaf of a category path (hierarchical, eq.
  6.12); the user side's encoder is the identity;
- interacting attention (eqs. 6.6-6.9): each side's own bidirectional ReLU RNN
  gives a context per step, and a two-layer fusion of that context with the
  *other* side's summary (its last forward and first backward state) gives one
  scalar ``a_t`` in (0, 1) per step;
- attention-gated recurrence (eqs. 6.3-6.5): the TAGM cell,
  ``h_t = (1 - a_t) h_{t-1} + a_t relu(W h_{t-1} + H E(x_t) + b)``
  (:class:`~sktime_metric.nn.AttentionGatedRNN`, reused, not copied);
- output layers (eq. 6.2): ``PReLU(W~ h_T + b~)`` per side, and the rating is
  the inner product of the two (eq. 6.1), trained on squared error (eq. 6.13);
  with ``biases``, plus a learned bias of the rating's user and one of its
  item, ``b_u + b_i`` (not in the thesis: the bias terms of biased matrix
  factorisation, Koren, Bell and Volinsky, IEEE Computer 2009).

An empty history (a user's first rating, a user or item unseen in training) has
length 0: its recurrent state stays 0, so its representation is the learned
``PReLU(b~)``.
"""

import torch
from torch import nn

from ._lengths import length_mask
from .encoders import RecurrentEncoder
from .tagm import AttentionGatedRNN, BidirectionalRNN, TemporalAttention

__all__ = ["FeatureEncoder", "IARNModule", "InteractingAttention"]

_BACKBONES = ("iarn", "tagm", "lstm", "rnn")


def _bias(table, codes):
    """``table[codes]``, 0 where a code is -1 (no bias: e.g. unseen in training)."""
    return table[codes.clamp_min(0)] * (codes >= 0)


def _context_summary(context, lengths):
    """``[fwd_{T} ; bwd_{1}]`` of a bidirectional context ``(B, T, 2h)``: ``(B, 2h)``.

    The last forward state (at step ``lengths - 1``) and the first backward
    state (step 0); zeros for an empty sequence.
    """
    half = context.size(-1) // 2
    rows = torch.arange(context.size(0), device=context.device)
    last = (lengths - 1).clamp_min(0)
    fwd = context[rows, last, :half]
    bwd = context[:, 0, half:]
    return torch.cat([fwd, bwd], dim=-1) * (lengths > 0).unsqueeze(-1).to(context.dtype)


class FeatureEncoder(nn.Module):
    """The item-side feature encoder ``E_v`` (thesis eqs. 6.10-6.12).

    One ``e x e`` matrix ``M^k`` per feature; each is initialised to the
    identity plus small noise, so that products along a deep path neither
    vanish nor explode at the start.

    Parameters
    ----------
    n_features : int
        Size of the feature vocabulary.
    embedding_dim : int
        ``e``, the size of the inputs it projects.
    structure : {"flat", "hierarchical"}, default="flat"
        "flat": ``E(x) = sum_k f_k M^k x`` over the target item's features (eq.
        6.11). "hierarchical": ``E(x) = M^1 (M^2 ( ... (M^L x)))`` along the
        item's category path, root ``f^L`` applied first (eq. 6.12).

    Notes
    -----
    ``forward(x, features)``: ``x`` ``(batch, time, e)``; ``features`` is a
    float ``(batch, n_features)`` indicator matrix for "flat", an int64
    ``(batch, depth)`` path of feature indices, root first and padded with -1,
    for "hierarchical". Returns ``(batch, time, e)``. An item with no feature
    keeps its input unchanged (the identity), rather than ``E(x) = 0``.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import FeatureEncoder
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(2, 4, 3)  # the inputs of two items' histories
    >>> flat = FeatureEncoder(n_features=5, embedding_dim=3)
    >>> features = torch.tensor([[0.0, 1.0, 0.0, 1.0, 0.0],  # features 1 and 3
    ...                          [0.0, 0.0, 0.0, 0.0, 0.0]])  # none
    >>> out = flat(x, features)
    >>> M = flat.weight.detach()  # (5, 3, 3), identities plus noise
    >>> out.shape, torch.allclose(out[0], x[0] @ (M[1] + M[3]).T)
    (torch.Size([2, 4, 3]), True)
    >>> torch.allclose(out[1], x[1])  # no feature: unchanged
    True
    >>> tree = FeatureEncoder(5, 3, structure="hierarchical")
    >>> paths = torch.tensor([[0, 2], [4, -1]])  # root first, padded with -1
    >>> out = tree(x, paths)
    >>> M = tree.weight.detach()
    >>> torch.allclose(out[0], x[0] @ M[0].T @ M[2].T)  # the root M[0] first
    True
    >>> torch.allclose(out[1], x[1] @ M[4].T)
    True
    """

    def __init__(self, n_features, embedding_dim, structure="flat"):
        super().__init__()
        if structure not in ("flat", "hierarchical"):
            raise ValueError(
                f"structure must be 'flat' or 'hierarchical', got {structure!r}.")
        self.structure = structure
        eye = torch.eye(embedding_dim).expand(n_features, -1, -1)
        self.weight = nn.Parameter(eye + 0.01 * torch.randn(n_features, embedding_dim,
                                                             embedding_dim))

    def forward(self, x, features):
        if self.structure == "flat":
            # sum_k f_k M^k, one (e, e) matrix per row (eq. 6.11)
            combined = torch.einsum("bk,kde->bde", features, self.weight)
            empty = (features.sum(dim=1) == 0).to(x.dtype)[:, None, None]
            eye = torch.eye(x.size(-1), device=x.device, dtype=x.dtype)
            combined = combined + empty * eye
            return x @ combined.transpose(1, 2)
        # root first: M^L x, then M^(L-1) (M^L x), ... down to the leaf (eq. 6.12)
        for level in features.unbind(1):
            known = level >= 0
            projected = x @ self.weight[level.clamp_min(0)].transpose(1, 2)
            x = torch.where(known[:, None, None], projected, x)
        return x


class InteractingAttention(nn.Module):
    """One side's attention, conditioned on the other side (thesis eqs. 6.6-6.9).

    ``a_t = sigmoid(M^T tanh(L [c_fwd_t ; c_bwd_t ; s_other] + b'))``, where
    ``c`` is this side's bidirectional ReLU RNN context (eq. 6.7 / 6.9) and
    ``s_other`` the other side's summary ``[fwd_T ; bwd_1]``; no output bias.

    Parameters
    ----------
    hidden_size : int
        ``h``, per direction of both sides' attention RNNs.
    attention_size : int
        ``m``, the width of the fusion layer ``L``.

    Notes
    -----
    ``forward(context, lengths, other_summary)``: ``context`` ``(batch, time,
    2h)`` from this side's :class:`~sktime_metric.nn.BidirectionalRNN`,
    ``other_summary`` ``(batch, 2h)``. Returns ``a`` ``(batch, time)``, in (0, 1)
    on valid steps, exactly 0 on padding.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import BidirectionalRNN, InteractingAttention
    >>> _ = torch.manual_seed(0)
    >>> x, lengths = torch.randn(2, 5, 3), torch.tensor([5, 2])
    >>> x[1, 2:] = 0  # zero-filled past each length
    >>> context = BidirectionalRNN(n_features=3, hidden_size=4)(x, lengths)
    >>> attention = InteractingAttention(hidden_size=4, attention_size=6)
    >>> other_summary = torch.randn(2, 8)  # the other side's [fwd_T ; bwd_1]
    >>> a = attention(context, lengths, other_summary)
    >>> a.shape, bool(((a[0] > 0) & (a[0] < 1)).all()), a[1, 2:].tolist()
    (torch.Size([2, 5]), True, [0.0, 0.0, 0.0])
    >>> # conditioned on the other side: another summary, other weights
    >>> torch.allclose(a, attention(context, lengths, -other_summary))
    False
    """

    def __init__(self, hidden_size, attention_size):
        super().__init__()
        self.fusion = nn.Linear(4 * hidden_size, attention_size)  # L, b'
        self.score = nn.Linear(attention_size, 1, bias=False)  # M

    def forward(self, context, lengths, other_summary):
        other = other_summary.unsqueeze(1).expand(-1, context.size(1), -1)
        hidden = torch.tanh(self.fusion(torch.cat([context, other], dim=-1)))
        a = torch.sigmoid(self.score(hidden).squeeze(-1))
        return a * length_mask(lengths, context.size(1))


class IARNModule(nn.Module):
    """IARN and its comparison variants: rating of (user history, item history).

    Parameters
    ----------
    n_users, n_items : int
        Sizes of the two embedding tables: user histories are item ids in
        ``[0, n_items)``, item histories user ids in ``[0, n_users)``.
    embedding_dim : int, default=25
        ``e``, the input embeddings (the thesis' latent size ``d`` for
        MovieLens and Netflix).
    hidden_size : int, default=64
        ``h``, all recurrent layers (the thesis' 64).
    attention_size : int, default=64
        ``m``, the fusion layer of the interacting attention.
    output_dim : int or None, default=None
        ``d``, the size of ``u~`` and ``v~`` (eq. 6.2); None: ``embedding_dim``.
    backbone : {"iarn", "tagm", "lstm", "rnn"}, default="iarn"
        "iarn": interacting attention and attention-gated recurrence per side
        (IARN-Plain without a feature encoder). "tagm": the same gated
        recurrence with each side's attention from its own context only (the
        TAGM attention, thesis eq. 3.4 form). "lstm" / "rnn": an LSTM / ReLU
        RNN per side, its last state read by the output layer; no attention.
    n_features : int, default=0
        Size of the item feature vocabulary; 0: no feature encoder.
    feature_structure : {"flat", "hierarchical"}, default="flat"
    dropout : float, default=0.0
        On the inputs of the recurrences and on the last states.
    biases : bool, default=False
        Add a learned bias per user and per item to the rating (``b_u + b_i``,
        zero at the start; not in the thesis, whose eq. 6.1 is the inner
        product alone). A code of -1 (a user or item without a bias, e.g.
        unseen in training) adds 0.

    Notes
    -----
    ``forward(user_history, user_lengths, item_history, item_lengths,
    features=None, users=None, items=None)``: ``user_history`` int64
    ``(batch, T_u)`` item ids, ``item_history`` int64 ``(batch, T_v)`` user
    ids, each valid up to its ``*_lengths`` (int64 ``(batch,)``, 0 allowed)
    and ignored past it; ``features`` as :class:`FeatureEncoder` takes them,
    for each row's target item; ``users`` and ``items``, int64 ``(batch,)``,
    each row's own user and item (-1: none), read only with ``biases``.
    Returns ``(rating, user_attention, item_attention)``: ``(batch,)``,
    ``(batch, T_u)`` and ``(batch, T_v)`` with zeros on padding; the
    attentions are None for "lstm" and "rnn".

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import IARNModule
    >>> module = IARNModule(n_users=5, n_items=7, embedding_dim=4, hidden_size=6,
    ...                     attention_size=3)
    >>> users_items = torch.tensor([[1, 2, 0], [3, 0, 0]])   # items of each user
    >>> items_users = torch.tensor([[4, 0], [0, 0]])         # users of each item
    >>> with torch.no_grad():
    ...     rating, a_u, a_v = module(users_items, torch.tensor([3, 1]),
    ...                               items_users, torch.tensor([1, 0]))
    >>> rating.shape, a_u.shape, a_v.shape
    (torch.Size([2]), torch.Size([2, 3]), torch.Size([2, 2]))
    >>> float(a_u[1, 1]), float(a_v[1, 0])   # padding: no attention
    (0.0, 0.0)
    """

    def __init__(
        self,
        n_users,
        n_items,
        embedding_dim=25,
        hidden_size=64,
        attention_size=64,
        output_dim=None,
        backbone="iarn",
        n_features=0,
        feature_structure="flat",
        dropout=0.0,
        biases=False,
    ):
        super().__init__()
        if backbone not in _BACKBONES:
            raise ValueError(f"backbone must be one of {_BACKBONES}, got {backbone!r}.")
        self.backbone = backbone
        output_dim = embedding_dim if output_dim is None else output_dim
        # x_it: embeddings of the items a user rated; x_jt: of the users who rated j
        self.item_embedding = nn.Embedding(n_items, embedding_dim)
        self.user_embedding = nn.Embedding(n_users, embedding_dim)
        self.feature_encoder = (
            FeatureEncoder(n_features, embedding_dim, feature_structure)
            if n_features else None
        )
        self.dropout = nn.Dropout(dropout)
        if backbone == "iarn":
            self.user_context = BidirectionalRNN(embedding_dim, hidden_size)  # eq. 6.7
            self.item_context = BidirectionalRNN(embedding_dim, hidden_size)  # eq. 6.9
            self.user_attention = InteractingAttention(hidden_size, attention_size)
            self.item_attention = InteractingAttention(hidden_size, attention_size)
        elif backbone == "tagm":
            self.user_attention = TemporalAttention(embedding_dim, hidden_size)
            self.item_attention = TemporalAttention(embedding_dim, hidden_size)
        if backbone in ("iarn", "tagm"):
            self.user_recurrence = AttentionGatedRNN(embedding_dim, hidden_size)  # 6.3-6.4
            self.item_recurrence = AttentionGatedRNN(embedding_dim, hidden_size)  # 6.5
        else:
            cell, kwargs = (("lstm", {}) if backbone == "lstm"
                            else ("rnn", {"nonlinearity": "relu"}))
            self.user_recurrence = RecurrentEncoder(embedding_dim, hidden_size, cell, **kwargs)
            self.item_recurrence = RecurrentEncoder(embedding_dim, hidden_size, cell, **kwargs)
        # eq. 6.2: one PReLU slope per output unit
        self.user_output = nn.Sequential(nn.Linear(hidden_size, output_dim),
                                         nn.PReLU(output_dim))
        self.item_output = nn.Sequential(nn.Linear(hidden_size, output_dim),
                                         nn.PReLU(output_dim))
        # b_u, b_i: zero at the start, so the first predictions are eq. 6.1's
        self.user_bias = self.item_bias = None
        if biases:
            self.user_bias = nn.Parameter(torch.zeros(n_users))
            self.item_bias = nn.Parameter(torch.zeros(n_items))

    def forward(self, user_history, user_lengths, item_history, item_lengths,
                features=None, users=None, items=None):
        x_u = self.item_embedding(user_history)  # (B, T_u, e); E_u = identity
        x_v = self.user_embedding(item_history)  # (B, T_v, e)
        if self.feature_encoder is not None:
            x_v = self.feature_encoder(x_v, features)  # E_v, eqs. 6.10-6.12
        # padding steps are zero inputs: the recurrences read them as such
        x_u = x_u * length_mask(user_lengths, x_u.size(1)).unsqueeze(-1)
        x_v = x_v * length_mask(item_lengths, x_v.size(1)).unsqueeze(-1)
        a_u = a_v = None
        if self.backbone == "iarn":
            c_u = self.user_context(x_u, user_lengths)  # (B, T_u, 2h)
            c_v = self.item_context(x_v, item_lengths)
            a_u = self.user_attention(c_u, user_lengths, _context_summary(c_v, item_lengths))
            a_v = self.item_attention(c_v, item_lengths, _context_summary(c_u, user_lengths))
        elif self.backbone == "tagm":
            a_u = self.user_attention(x_u, user_lengths)
            a_v = self.item_attention(x_v, item_lengths)
        x_u, x_v = self.dropout(x_u), self.dropout(x_v)
        if a_u is not None:
            u_T = self.user_recurrence(x_u, a_u)  # a = 0 on padding: state kept
            v_T = self.item_recurrence(x_v, a_v)
        else:
            u_T = self._last_state(self.user_recurrence, x_u, user_lengths)
            v_T = self._last_state(self.item_recurrence, x_v, item_lengths)
        u = self.user_output(self.dropout(u_T))  # eq. 6.2
        v = self.item_output(self.dropout(v_T))
        rating = (u * v).sum(dim=-1)  # eq. 6.1
        if self.user_bias is not None:
            if users is None or items is None:
                raise ValueError("IARNModule(biases=True) needs each row's users and "
                                 "items (int64 codes, -1 for none).")
            rating = (rating + _bias(self.user_bias, users)
                      + _bias(self.item_bias, items))
        return rating, a_u, a_v

    @staticmethod
    def _last_state(encoder, x, lengths):
        # the state after the last valid step; 0 for an empty history
        last = encoder(x, lengths.clamp_min(1))[1]
        return last * (lengths > 0).unsqueeze(-1).to(last.dtype)
