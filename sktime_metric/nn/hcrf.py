"""Hidden conditional random field (Quattoni, Wang, Morency, Collins & Darrell, 2007).

The standard HCRF, the baseline of the HULM chapter (Pei's thesis, section
2.3.3; the chapter does not write it out, so this is Quattoni et al.'s form): one
hidden state ``s_t in {1..S}`` per step, a linear emission score
``theta_x[s_t] . x_t``, a label-state compatibility ``theta_y[k, s_t]`` and
label-dependent transitions ``theta_e[k, s_{t-1}, s_t]``::

    Phi(k, s, x) = sum_t (theta_x[s_t] . x_t + theta_y[k, s_t])
                   + sum_{t>=2} theta_e[k, s_{t-1}, s_t],

    log M_k = log sum_s exp Phi(k, s, x),    p(y = k | x) = softmax_k(log M_k).

``log M_k`` comes from the forward algorithm in log space, for all labels and
the whole batch at once; one step costs ``O(K S^2)`` per sequence, done as one
``(B, S) x (S, S)`` matrix product per label (``_forward_step``), so for the
``S`` of practice the time per step is dominated by the ``O(K S)`` work
around it. Like HULM's
``log M`` (thesis eq. 2.11), ``Phi`` is a sum over the ``T'`` steps, so ``log M``
grows with the length; ``length_normalize=True`` returns ``log M / T'``.
"""

import math

import torch
from torch import nn

from ._chain import frame_windows
from ._lengths import trim_to_length
from ._recompute import recomputed, time_chunks

__all__ = ["HCRFModule"]


def _transition_factors(transition):
    """``theta_e`` split for :func:`_forward_step`: ``r`` and ``exp(theta_e - r)``.

    ``r[k, i] = max_j theta_e[k, i, j]``, returned as ``(K, 1, S)`` to add to
    ``alpha`` ``(K, B, S)``; the factors ``(K, S, S)`` lie in ``(0, 1]``, with
    a 1 in every row. Both in float64 (float32 on MPS, which has none):
    trained transitions span tens of nats, and float32's factors below e^-87
    are subnormal numbers, whose arithmetic is many times slower on CPUs.
    """
    wide = torch.float32 if transition.device.type == "mps" else torch.float64
    transition = transition.to(torch.promote_types(transition.dtype, wide))
    top = transition.amax(-1, keepdim=True)  # (K, S, 1)
    return top.transpose(-1, -2), torch.exp(transition - top)


def _forward_step(alpha, unary, transition, row_top, factors):
    """One step of the forward algorithm: ``alpha_t`` from ``alpha_{t-1}``.

    ``alpha``, ``unary`` and the result are ``(K, B, S)``; ``transition``
    ``(K, S, S)`` and, from it, ``row_top`` and ``factors``
    (:func:`_transition_factors`). The sum over the previous state,
    ``logsumexp_i(alpha_i + theta_e[i, j])``, is computed as one
    ``(B, S) x (S, S)`` product per label: with ``r_i`` each row's largest
    transition score and ``c = max_i (alpha_i + r_i)``,

        logsumexp_i(alpha_i + theta_e[i, j])
            = c + log sum_i exp(alpha_i + r_i - c) exp(theta_e[i, j] - r_i),

    which holds for any ``c`` (so no gradient flows through it). The sums run
    in the factors' float64: every factor lies in ``(0, 1]``, and the row
    reaching ``c`` adds its largest factor, 1, to some ``j``, so the sums
    never all underflow. One may, for a state over e^708 (float64's range)
    less likely than the best; later scores could lift that state again, so
    such a step is computed as the plain ``logsumexp`` over
    ``(K, B, S, S)``, which is exact there. Measured against that
    ``logsumexp`` at every step (``S = 10`` and ``20``, 16 series of 112
    steps, 14 labels, forward and backward, one thread): 2.0x and 2.7x
    faster; and it stays so as training sharpens the parameters (UCR
    AllGestureWiimoteX, 20 states: with the sums in float32, seconds per
    epoch grew from 1.2 to 1.9 over 40 epochs as factors turned subnormal;
    in float64 they stayed at 1.1-1.5 over 60).
    """
    scores = alpha.to(row_top.dtype) + row_top
    top = scores.detach().amax(-1, keepdim=True)
    mass = torch.bmm(torch.exp(scores - top), factors)
    # any(mass < tiny), decided by the smallest sum: one reduction and one
    # read instead of a comparison, any() and a read; amin is NaN if any sum
    # is, and then the comparison itself decides
    tiny = torch.finfo(mass.dtype).tiny
    low = mass.detach().amin().item()
    if low < tiny or (low != low and bool((mass < tiny).any())):
        return unary + torch.logsumexp(alpha[..., :, None] + transition[:, None], -2)
    return unary + (top + torch.log(mass)).to(unary.dtype)


def _forward_chunk(alpha, final, emission, last, label_state, transition,
                   row_top, factors):
    """Steps of the HCRF's forward algorithm (see ``HCRFModule.log_partition``).

    ``alpha`` ``(K, B, S)`` of the step before the chunk and ``final``, each
    sequence's ``alpha`` at its last step if that came before; ``emission``
    ``(B, k, S)`` and ``last`` ``(B, k)`` (the step is a sequence's last) of
    the chunk's steps; ``transition`` and, from it, ``row_top`` and
    ``factors`` (:func:`_transition_factors`). Returns both after the chunk.
    """
    unary = emission.permute(1, 0, 2)[:, None] + label_state[:, None, :]
    for t in range(unary.size(0)):
        alpha = _forward_step(alpha, unary[t], transition, row_top, factors)
        final = torch.where(last[None, :, t, None], alpha, final)
    return alpha, final


class HCRFModule(nn.Module):
    """Exact HCRF inference over variable-length batches, in log space.

    Parameters
    ----------
    n_features : int
        Channels per time step of the input (``D``).
    n_classes : int
        Number of labels (``K``).
    n_states : int, default=10
        Hidden states per step (``S``); the HULM chapter's HCRF used 10.
    window : int, default=1
        Concatenate ``window`` consecutive frames into one observation,
        as :class:`~sktime_metric.nn.HULMModule` does.
    stride : int, default=1
        Steps between the starts of two windows (the thesis: 1). Step ``k`` of
        the model is the window starting at input step ``k * stride``.
    init_std : float, default=sqrt(1e-3)
        All parameters start from ``N(0, init_std^2)``; random, not zero, so
        that the hidden states are not interchangeable.
    l2 : float, default=0.0
        Strength of the L2 penalty on all parameters, returned by ``penalty()``.
    checkpoint_steps : int or None, default=None
        Gradient checkpointing of the forward algorithm, for long series: with
        gradients, the steps run in chunks of ``checkpoint_steps`` that keep no
        graph, and backward runs each chunk again
        (``_recompute.recomputed``), so training memory grows with about
        ``sqrt(T')`` steps instead of ``T'``. Same operations, so the same
        gradients. None: automatic, once a batch's graph would pass ~256 MB
        (:func:`~sktime_metric.nn._recompute.time_chunks`); 0: never.
    length_normalize : bool, default=False
        Return ``log M_k / T'`` (``T'`` each series' number of model steps,
        after windowing) instead of ``log M_k``, as
        :class:`~sktime_metric.nn.HULMModule` does: ``Phi`` sums ``T'`` unary
        and ``T' - 1`` transition scores, so ``log M`` and its gradients scale
        with the length. ``argmax_k`` is unchanged for given parameters;
        ``softmax_k`` and training are not (the cross-entropy is then that of
        the tempered ``p(y | x) ~ M_k^(1/T')``).

    Attributes
    ----------
    emission : Parameter of shape (n_states, window * n_features)
        ``theta_x``.
    label_state : Parameter of shape (n_classes, n_states)
        ``theta_y``.
    transition : Parameter of shape (n_classes, n_states, n_states)
        ``theta_e[k, i, j]``, from state ``i`` to state ``j`` under label ``k``.

    Notes
    -----
    ``forward(x, lengths)`` takes ``x`` ``(batch, time, n_features)``, zero-filled
    past each length, and returns ``log M`` ``(batch, n_classes)``, used as
    logits (``log M / T'`` with ``length_normalize``). ``P(s_t = j | x, y = k)``
    is the gradient of ``log M_k`` with respect
    to the step's unary score, so autograd gives the state posteriors.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import HCRFModule
    >>> module = HCRFModule(n_features=12, n_classes=9, n_states=10)
    >>> sum(p.numel() for p in module.parameters())  # S D + K S + K S^2
    1110
    >>> module(torch.randn(2, 7, 12), torch.tensor([7, 4])).shape
    torch.Size([2, 9])
    """

    def __init__(
        self,
        n_features,
        n_classes,
        n_states=10,
        window=1,
        stride=1,
        init_std=math.sqrt(1e-3),
        l2=0.0,
        checkpoint_steps=None,
        length_normalize=False,
    ):
        super().__init__()
        self.n_classes = n_classes
        self.n_states = n_states
        self.checkpoint_steps = checkpoint_steps
        self.length_normalize = length_normalize
        self.window = window
        self.stride = stride
        self.l2 = l2
        n_inputs = n_features * window
        self.emission = nn.Parameter(torch.randn(n_states, n_inputs) * init_std)
        self.label_state = nn.Parameter(torch.randn(n_classes, n_states) * init_std)
        self.transition = nn.Parameter(
            torch.randn(n_classes, n_states, n_states) * init_std
        )

    def penalty(self):
        """``l2`` times the squared norm of all parameters."""
        return self.l2 * sum(p.square().sum() for p in self.parameters())

    def unary(self, x, lengths):
        """Unary scores ``theta_x[j] . x_t + theta_y[k, j]``: ``(B, T', K, S)``.

        Also returns the lengths in model steps (after windowing).
        """
        emission, lengths = self._emission(x, lengths)
        return emission[:, :, None, :] + self.label_state, lengths

    def _emission(self, x, lengths):
        """``theta_x[j] . x_t`` ``(B, T', S)``, shared by the labels, and the lengths."""
        x = trim_to_length(x, lengths)
        x, lengths = frame_windows(x, lengths, self.window, self.stride)
        return x @ self.emission.t(), lengths  # all steps at once

    def log_partition(self, unary, lengths):
        """``log M`` ``(B, K)`` from unary scores ``(B, T', K, S)`` (forward algorithm).

        ``alpha_1 = u_1`` and ``alpha_t(j) = u_t(j) + logsumexp_i(alpha_{t-1}(i)
        + theta_e[k, i, j])``; ``log M_k = logsumexp_j alpha_{T}(j)``, read at
        each sequence's own last step.
        """
        row_top, factors = _transition_factors(self.transition)
        # labels first, then the batch: one batched product per step
        steps = unary.permute(1, 2, 0, 3).unbind(0)  # T' views of (K, B, S)
        # each sequence's alpha at its last step: only the steps that end some
        # sequence are kept, then stacked and indexed as all T' steps were, so
        # the result is laid out as it was
        ends = lengths.tolist()
        where = {n: i for i, n in enumerate(sorted(set(ends)))}  # n: length
        kept = [steps[0]] if 1 in where else []
        alpha = steps[0]
        for t in range(1, max(ends)):
            alpha = _forward_step(alpha, steps[t], self.transition, row_top,
                                  factors)
            if t + 1 in where:
                kept.append(alpha)
        which = torch.tensor([where[n] for n in ends], device=unary.device)
        batch = torch.arange(unary.size(0), device=unary.device)
        last = torch.stack(kept)[which, :, batch]  # (B, K, S)
        return torch.logsumexp(last, dim=-1)

    def forward(self, x, lengths):
        emission, lengths = self._emission(x, lengths)
        log_m = self._log_m(emission, lengths)
        if self.length_normalize:
            # per-step average: lengths are the model steps T' (>= 1) after
            # windowing
            return log_m / lengths.to(log_m)[:, None]
        return log_m

    def _log_m(self, emission, lengths):
        """``log M`` ``(B, K)`` from the emissions, checkpointed when it pays."""
        batch, n_steps, n_states = emission.shape
        if torch.is_grad_enabled() and any(p.requires_grad for p in self.parameters()):
            # a step keeps ~6 (K, B, S) tensors for backward (_forward_step),
            # 4 of them float64: ~10 of float32's size
            steps, checkpointed = time_chunks(
                n_steps, batch * self.n_classes, n_states, 1, True,
                self.checkpoint_steps, tensors_per_step=10,
            )
            if checkpointed:
                return self._chunked_log_partition(emission, lengths, steps)
        return self.log_partition(emission[:, :, None, :] + self.label_state, lengths)

    def _chunked_log_partition(self, emission, lengths, steps):
        """:meth:`log_partition` from the emissions, checkpointed over time chunks.

        The same forward algorithm, ``steps`` steps at a time through
        :func:`~sktime_metric.nn._recompute.recomputed`: between chunks only
        ``alpha_t`` and each sequence's ``alpha`` at its last step are kept,
        and the ``(B, T', K, S)`` unary scores are never built whole.
        """
        positions = torch.arange(emission.size(1), device=emission.device)
        last = positions[None, :] == (lengths.to(emission.device) - 1)[:, None]
        row_top, factors = _transition_factors(self.transition)
        alpha = emission[None, :, 0] + self.label_state[:, None, :]  # (K, B, S)
        final = alpha
        for start in range(1, emission.size(1), steps):
            stop = min(start + steps, emission.size(1))
            alpha, final = recomputed(
                _forward_chunk, alpha, final, emission[:, start:stop],
                last[:, start:stop], self.label_state, self.transition, row_top,
                factors,
            )
        return torch.logsumexp(final, dim=-1).t()
