"""Hidden-Unit Logistic Model (Pei, Dibeklioglu, Tax & van der Maaten, TNNLS 2017).

Equations are numbered as in chapter 2 of Pei's thesis.

HULM scores a label ``y = k`` against a series ``x_1..x_T`` through ``H`` binary
hidden units per step, ``z_t in {0, 1}^H``, each linked to itself at the next
step only (a diagonal transition ``A``), to ``x_t`` (``W``) and to the label
(``V``), with biases ``b``, ``c`` and initial / final weights ``pi``, ``tau``
(Eq. 2.3)::

    E(x, z, k) = c_k + sum_t z_t . (W x_t + b + V[:, k])
                 + sum_{t>=2} z_{t-1} . (A * z_t) + z_1 . pi + z_T . tau.

Given the label the units are ``H`` independent binary chains, so the sum over
all ``2^(HT)`` hidden configurations factorises (Eqs. 2.5-2.11)::

    log M_k = c_k + sum_h log m_{h,k},    p(y = k | x) = softmax_k(log M_k),

and each ``log m_{h,k}`` is the log-partition function of a two-state chain with
unary score ``s_{t,h,k} = W_h x_t + b_h + V_{h,k}`` (plus ``pi_h`` at the first
step and ``tau_h`` at the last). ``forward`` returns ``log M`` as logits, so a
cross-entropy loss on them is exactly the negative conditional log-likelihood
(Eq. 2.14). ``log M`` is a sum over the ``T'`` steps, so it grows with the
length; ``length_normalize=True`` returns ``log M / T'`` instead, each series'
per-step average (``p(y | x)`` proportional to ``M^(1/T')``). Everything is
computed for all ``B x K x H`` chains at once; the only
loop is over time. Inference is linear in ``T`` and ``H``: ``O(TH(D + K))``.
"""

import math

import torch
from torch import nn

from ._chain import frame_windows, softplus_exact
from ._lengths import length_mask, reverse_padded, trim_to_length
from ._recompute import recomputed, time_chunks

__all__ = ["HULMModule"]


def _chain_chunk(r, term, total, u, mask, v, A):
    """Steps of HULM's forward recursion (see ``HULMModule.forward``).

    ``r`` and ``term = softplus(r)`` ``(B, K, H)`` of the step before the
    chunk, ``total`` ``(B, K)`` the masked sum of the terms so far; ``u``
    ``(B, k, H)`` and ``mask`` ``(B, k)`` the chunk's steps. Returns the three
    after the chunk.
    """
    s = u[:, :, None, :] + v
    for t in range(s.size(1)):
        r = s[:, t] + softplus_exact(r + A) - term
        term = softplus_exact(r)
        total = total + term.sum(-1) * mask[:, t, None]
    return r, term, total


# Elements of a chunk's scores in the no-gradient forward pass (16 MB of float32)
_CHUNK_ELEMENTS = 2**22


def _term_sums(u, v, A):
    """``sum_h softplus(r_t)`` ``(B, T', K)`` of every step, without gradients.

    The recursion of ``HULMModule._log_m`` (see the comment there) on ``u``
    ``(B, T', H)`` and ``v`` ``(1, 1, K, H)``, with the same operations on
    tensors laid out the same way, so the same numbers bit for bit, but
    over chunks of steps: the whole ``(B, T', K, H)`` scores and terms are
    never built. At predict time those were 1.2 GB each (float32) for 256
    series of FiftyWords (241 steps after windowing, 50 labels, H = 100): a
    batch's peak memory fell from 4.7 to 0.9 GB, and predicting FiftyWords' 455
    test series got 1.6-2.2 times faster. A chunk has at least 2 steps
    (unless the series have 1), for the recursion's first step, the one
    that takes softplus of the scores themselves: a 1-step chunk's scores
    are contiguous, so torch merges the batch axis into its loop over
    elements, other elements fall in the scalar tail of the vectorised
    loop, and torch's scalar and vectorised softplus differ in the last
    bit. Every later step takes softplus of a freshly computed (contiguous)
    tensor, so a 1-step chunk at the end changes nothing (measured: 576
    shapes, float32 and float64, with and without vectorised kernels).
    """
    batch, n_steps, hidden = u.shape
    chunk = max(2, _CHUNK_ELEMENTS // max(1, batch * v.size(-2) * hidden))
    bounds = [*range(0, n_steps, chunk), n_steps]
    sums, r, term = [], None, None
    for start, stop in zip(bounds[:-1], bounds[1:]):
        s = u[:, start:stop, None, :] + v
        terms = []
        for s_t in s.unbind(1):
            r = s_t if r is None else s_t + softplus_exact(r + A) - term
            term = softplus_exact(r)
            terms.append(term)
        sums.append(torch.stack(terms, dim=1).sum(-1))  # (B, k, K): sum over h
    return torch.cat(sums, dim=1)


class HULMModule(nn.Module):
    """Exact HULM inference over variable-length batches, in log space.

    Parameters
    ----------
    n_features : int
        Channels per time step of the input (``D``).
    n_classes : int
        Number of labels (``K``).
    hidden_size : int, default=100
        Binary hidden units per step (``H``).
    window : int, default=1
        Concatenate ``window`` consecutive frames into one observation
        of ``window * D`` features before the model sees them (the thesis's
        "1x10", "13x3" features; see :func:`~sktime_metric.nn._chain.frame_windows`).
    stride : int, default=1
        Steps between the starts of two windows (the thesis: 1). Step ``k`` of
        the model is the window starting at input step ``k * stride``.
    init_std : float, default=sqrt(1e-3)
        ``A``, ``W`` and ``V`` start from ``N(0, init_std^2)``; ``b``, ``c``,
        ``pi`` and ``tau`` from 0. The thesis's variance 1e-3.
    l2 : float, default=0.0
        Strength of the L2 penalty on ``A``, ``W`` and ``V`` only (Eq. 2.14),
        returned by ``penalty()``.
    checkpoint_steps : int or None, default=None
        Gradient checkpointing of the forward recursion, for long series: with
        gradients, the steps run in chunks of ``checkpoint_steps`` that keep no
        graph, and backward runs each chunk again (``_recompute.recomputed``),
        so training memory grows with about ``sqrt(T')`` steps instead of
        ``T'``. Same operations, so the same gradients up to the order of
        float sums. None: automatic, once a batch's graph would pass ~256 MB
        (:func:`~sktime_metric.nn._recompute.time_chunks`); 0: never.
    length_normalize : bool, default=False
        Return ``log M_k / T'`` (Eq. 2.11, ``c_k`` included, divided by each
        series' number of model steps ``T'``, after windowing) instead of
        ``log M_k``. Eq. 2.11 is
        a product over the steps' potentials, so ``log M`` and its gradients
        scale with the length: on long series the logits start far from 0 and
        one optimiser step moves them by a length-dependent amount. The
        division makes them per-step averages; ``argmax_k`` is unchanged for
        given parameters, ``softmax_k`` and training are not (the loss is then
        the cross-entropy of the tempered ``p(y | x) ~ M_k^(1/T')``, no longer
        Eq. 2.14's likelihood). The marginals of the hidden units given a label
        (Eqs. 2.12-2.13) do not change.

    Attributes
    ----------
    W : Parameter of shape (hidden_size, window * n_features)
    V : Parameter of shape (hidden_size, n_classes)
    A : Parameter of shape (hidden_size,)
        Diagonal of the temporal transition matrix.
    b : Parameter of shape (hidden_size,)
    c : Parameter of shape (n_classes,)
    pi, tau : Parameter of shape (hidden_size,)
        Weights on the first and on the last hidden state.

    Notes
    -----
    ``forward(x, lengths)`` takes ``x`` ``(batch, time, n_features)``, zero-filled
    past each length, and returns ``log M`` ``(batch, n_classes)``, the
    unnormalised log-probabilities of the labels (``log M / T'`` with
    ``length_normalize``). The model has
    ``H (D' + K + 4) + K`` parameters with ``D' = window * n_features``.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import HULMModule
    >>> module = HULMModule(n_features=39, n_classes=10)  # H = 100
    >>> sum(p.numel() for p in module.parameters())  # H (D + K + 4) + K
    5310
    >>> x, lengths = torch.randn(2, 7, 39), torch.tensor([7, 4])
    >>> module(x, lengths).shape
    torch.Size([2, 10])
    >>> node, edge = module.marginals(x, lengths)
    >>> node.shape, edge.shape  # P(z_th = 1 | x, y = k); pairwise (i, j)
    (torch.Size([2, 7, 10, 100]), torch.Size([2, 6, 10, 100, 2, 2]))
    """

    def __init__(
        self,
        n_features,
        n_classes,
        hidden_size=100,
        window=1,
        stride=1,
        init_std=math.sqrt(1e-3),
        l2=0.0,
        checkpoint_steps=None,
        length_normalize=False,
    ):
        super().__init__()
        self.n_classes = n_classes
        self.hidden_size = hidden_size
        self.checkpoint_steps = checkpoint_steps
        self.length_normalize = length_normalize
        self.window = window
        self.stride = stride
        self.l2 = l2
        n_inputs = n_features * window
        self.W = nn.Parameter(torch.randn(hidden_size, n_inputs) * init_std)
        self.V = nn.Parameter(torch.randn(hidden_size, n_classes) * init_std)
        self.A = nn.Parameter(torch.randn(hidden_size) * init_std)
        self.b = nn.Parameter(torch.zeros(hidden_size))
        self.c = nn.Parameter(torch.zeros(n_classes))
        self.pi = nn.Parameter(torch.zeros(hidden_size))
        self.tau = nn.Parameter(torch.zeros(hidden_size))

    def penalty(self):
        """``l2 (||A||^2 + ||W||^2 + ||V||^2)``: biases, ``pi``, ``tau`` are free."""
        return self.l2 * (self.A.square().sum() + self.W.square().sum()
                          + self.V.square().sum())

    def _unit_scores(self, x, lengths, labels=None, fold_tau=True):
        """The two terms of the unary scores: ``u`` ``(B, T', H)`` and ``v``.

        ``u = W x_t + b`` (plus ``pi`` at the first step and, when
        ``fold_tau``, ``tau`` at each sequence's last step: ``E`` is linear in
        ``z``, so a weight on ``z_T`` is a term of its unary score), shared by
        all labels; ``v`` is ``V`` as ``(1, 1, K, H)``, or with ``labels``
        ``(B,)`` only those labels' columns, ``(B, 1, 1, H)``. Also returns
        the lengths in model steps (after windowing).
        """
        x = trim_to_length(x, lengths)
        x, lengths = frame_windows(x, lengths, self.window, self.stride)
        n_steps = x.size(1)
        # W x_t + b for every step at once, shared by all labels: O(T H D)
        u = x @ self.W.t() + self.b
        steps = torch.arange(n_steps, device=x.device)
        u = u + (steps == 0)[None, :, None] * self.pi
        if fold_tau:
            last = steps[None, :] == (lengths.to(x.device) - 1)[:, None]
            u = u + last[:, :, None] * self.tau
        v = self.V.t()[None, None]  # (1, 1, K, H)
        if labels is not None:
            v = self.V.t()[labels][:, None, None, :]  # (B, 1, 1, H)
        return u, v, lengths

    def _scores(self, x, lengths, labels=None, fold_tau=True):
        """Unary scores ``s`` of every step, unit and label: ``(B, T', K, H)``.

        ``u + v`` of :meth:`_unit_scores` (with ``labels``, ``K`` is 1).
        """
        u, v, lengths = self._unit_scores(x, lengths, labels, fold_tau)
        return u[:, :, None, :] + v, lengths

    def forward(self, x, lengths):
        log_m, lengths = self._log_m(x, lengths)
        if self.length_normalize:
            # per-step average of Eq. 2.11's log-potentials: lengths are the
            # model steps T' after windowing, each >= 1
            return log_m / lengths.to(log_m)[:, None]
        return log_m

    def _log_m(self, x, lengths):
        """``log M`` ``(B, K)`` of Eq. 2.11 and the lengths in model steps."""
        u, v, lengths = self._unit_scores(x, lengths)
        mask = length_mask(lengths.to(u.device), u.size(1))
        batch, n_steps, hidden = u.shape
        steps, checkpointed = n_steps, False
        needs_grad = torch.is_grad_enabled() and (u.requires_grad or v.requires_grad)
        if needs_grad:
            steps, checkpointed = time_chunks(
                n_steps, batch * v.size(-2), hidden, 1, True,
                self.checkpoint_steps, tensors_per_step=6,
            )
        if checkpointed:
            return self._chunked_log_m(u, v, mask, steps) + self.c, lengths
        if not needs_grad:  # predict: the same numbers, chunk by chunk
            terms = _term_sums(u, v, self.A)
            return (terms * mask[:, :, None]).sum(1) + self.c, lengths
        s = u[:, :, None, :] + v
        # The forward recursion on the log-odds r_t = a_t(1) - a_t(0) of each
        # chain's forward message (eqs. 2.7 and 2.9 in log space: a_t(0) =
        # logaddexp(a_{t-1}(0),
        # a_{t-1}(1)), a_t(1) = s_t + logaddexp(a_{t-1}(0), a_{t-1}(1) + A)):
        #     r_1 = s_1,   r_t = s_t + softplus(r_{t-1} + A) - softplus(r_{t-1}),
        # and a_t(0) = a_{t-1}(0) + softplus(r_{t-1}), so, with tau folded into
        # s_T, log m = logaddexp(a_T(0), a_T(1)) = sum_t softplus(r_t). One state
        # tensor and five element-wise ops per step; with A = 0 it reduces to
        # the closed form sum_t softplus(s_t) (a per-frame discriminative RBM
        # summed over time). Steps past a length
        # only see earlier steps and are masked out of the sum, so padding needs
        # no special case inside the loop.
        steps = s.unbind(1)  # a list of views: no full-size gradient per step
        r = steps[0]
        log_odds_terms = [softplus_exact(r)]
        for s_t in steps[1:]:
            r = s_t + softplus_exact(r + self.A) - log_odds_terms[-1]
            log_odds_terms.append(softplus_exact(r))
        terms = torch.stack(log_odds_terms, dim=1).sum(-1)  # (B, T', K): sum over h
        return (terms * mask[:, :, None]).sum(1) + self.c, lengths  # log M_k, Eq. 2.11

    def _chunked_log_m(self, u, v, mask, steps):
        """``log m`` ``(B, K)`` of :meth:`forward`, checkpointed over time chunks.

        The same recursion, run ``steps`` steps at a time through
        :func:`~sktime_metric.nn._recompute.recomputed`: between chunks only
        ``r``, the last ``softplus(r)`` and the running masked sum are kept,
        and the ``(B, T', K, H)`` scores are never built whole.
        """
        mask = mask.to(u.dtype)
        r = u[:, 0, None, :] + v[:, 0]  # (B, K, H): r_1 = s_1
        term = softplus_exact(r)
        total = term.sum(-1) * mask[:, 0, None]
        for start in range(1, u.size(1), steps):
            stop = min(start + steps, u.size(1))
            r, term, total = recomputed(
                _chain_chunk, r, term, total, u[:, start:stop], mask[:, start:stop],
                v, self.A,
            )
        return total

    # -- explicit forward-backward (marginals, tests) ----------------------

    def _messages(self, x, lengths, labels):
        s, lengths = self._scores(x, lengths, labels, fold_tau=False)
        batch, n_steps, n_labels, hidden = s.shape
        A = self.A
        # forward (Eqs. 2.7, 2.9): a_1 = (0, pi + s_1), then for t >= 2
        #   a_t(0) = logaddexp(a_{t-1}(0), a_{t-1}(1))
        #   a_t(1) = s_t + logaddexp(a_{t-1}(0), a_{t-1}(1) + A)
        steps = s.unbind(1)
        a0, a1 = torch.zeros_like(steps[0]), steps[0]
        alpha = [torch.stack([a0, a1], dim=-1)]
        for s_t in steps[1:]:
            a0, a1 = torch.logaddexp(a0, a1), s_t + torch.logaddexp(a0, a1 + A)
            alpha.append(torch.stack([a0, a1], dim=-1))
        alpha = torch.stack(alpha, dim=1)  # (B, T', K, H, 2)
        # backward (Eqs. 2.8, 2.10): b_T = (0, tau), then for t < T
        #   b_t(i) = logaddexp(b_{t+1}(0), s_{t+1} + A i + b_{t+1}(1)),
        # run forwards over each sequence reversed within its own length, so
        # every sequence starts at its own last step.
        lengths = lengths.to(s.device)
        s_rev = reverse_padded(s.reshape(batch, n_steps, -1), lengths)
        b0 = torch.zeros_like(steps[0])
        b1 = self.tau.expand_as(b0)
        beta = [torch.stack([b0, b1], dim=-1)]
        for s_next in s_rev.view_as(s).unbind(1)[:-1]:  # s_{t+1} in reversed order
            b0, b1 = (torch.logaddexp(b0, s_next + b1),
                      torch.logaddexp(b0, s_next + A + b1))
            beta.append(torch.stack([b0, b1], dim=-1))
        beta = torch.stack(beta, dim=1).reshape(batch, n_steps, -1)
        beta = reverse_padded(beta, lengths).view_as(alpha)
        # log m_{h,k} = logaddexp(a_T(0), a_T(1) + tau) at each sequence's end
        a_last = alpha[torch.arange(batch, device=s.device), lengths - 1]
        log_m = torch.logaddexp(a_last[..., 0], a_last[..., 1] + self.tau)
        valid = length_mask(lengths, n_steps)
        return s, alpha, beta, log_m, valid

    def forward_backward(self, x, lengths, labels=None):
        """Forward and backward log-messages of every chain.

        Parameters
        ----------
        x : Tensor of shape (batch, time, n_features)
        lengths : Tensor of shape (batch,), int64
        labels : Tensor of shape (batch,), int64, optional
            Condition each sequence on this label only (``K`` becomes 1).

        Returns
        -------
        log_alpha : Tensor of shape (batch, T', K, H, 2)
            ``log alpha_t(j)``, the log-sum of the scores of steps ``1..t``
            with ``z_t = j`` (``pi`` included, ``tau`` not).
        log_beta : Tensor of shape (batch, T', K, H, 2)
            ``log beta_t(i)``, of steps ``t+1..T`` given ``z_t = i`` (``tau``
            included). Both are NaN past each sequence's length.
        log_m : Tensor of shape (batch, K, H)
            Log-partition function of each chain; ``log M = c + log_m.sum(-1)``.
        """
        _, alpha, beta, log_m, valid = self._messages(x, lengths, labels)
        pad = ~valid[:, :, None, None, None]
        return alpha.masked_fill(pad, math.nan), beta.masked_fill(pad, math.nan), log_m

    def marginals(self, x, lengths, labels=None):
        """Posterior marginals of the hidden units given ``x`` and each label.

        Parameters
        ----------
        x : Tensor of shape (batch, time, n_features)
        lengths : Tensor of shape (batch,), int64
        labels : Tensor of shape (batch,), int64, optional
            Condition each sequence on this label only (``K`` becomes 1).

        Returns
        -------
        node : Tensor of shape (batch, T', K, H)
            ``P(z_{t,h} = 1 | x, y = k)``, NaN past each length.
        edge : Tensor of shape (batch, T' - 1, K, H, 2, 2)
            ``P(z_{t,h} = i, z_{t+1,h} = j | x, y = k)`` (Eqs. 2.12, 2.13), NaN
            where ``t + 1`` is past the length.
        """
        s, alpha, beta, log_m, valid = self._messages(x, lengths, labels)
        log_m = log_m[:, None]
        node = torch.exp(alpha[..., 1] + beta[..., 1] - log_m)
        # log Psi_{t+1}(i, j) = j (A i + s_{t+1}): rows i, columns j
        s_next = s[:, 1:]
        zero = torch.zeros_like(s_next)
        log_psi = torch.stack(
            [torch.stack([zero, s_next], -1), torch.stack([zero, s_next + self.A], -1)],
            dim=-2,
        )
        edge = torch.exp(
            alpha[:, :-1, ..., :, None] + log_psi + beta[:, 1:, ..., None, :]
            - log_m[..., None, None]
        )
        node = node.masked_fill(~valid[:, :, None, None], math.nan)
        edge = edge.masked_fill(~valid[:, 1:, None, None, None, None], math.nan)
        return node, edge
