"""Gradient checkpointing over time chunks of a step-by-step recursion.

Back-propagating through a Python step loop keeps every step's tensors and
graph nodes: for a coupled pass ~12 ``(2P, H)`` tensors and ~25 KB of graph per
step (10.6 GB for 630 pairs of 20,000 steps, ``H = 8``); for HULM's and the
HCRF's forward recursions ~5 ``(B, K, H)`` tensors and their nodes per step
(1.1 GB above the imports for 4 series of 100,000 steps, ``H = 8``). In
training, the steps are run in chunks: each chunk runs without a graph and
again, with one, during backward, so memory grows with ``time / k + k`` steps
instead of ``time``; :func:`time_chunks` chooses ``k``.
:class:`_RecomputedChunk` is the coupled GRU's (its weights reach the chunk
through ``functional_call``); :func:`recomputed` is the general one, for a
chunk function of tensors only. Passes without gradients run the loop once
and keep nothing.
"""

from math import isqrt

import torch
from torch import nn
from torch.autograd.function import once_differentiable
from torch.func import functional_call

__all__ = ["recomputed", "time_chunks"]

# the automatic checkpointing starts when a pass's graph would pass this
_GRAPH_BYTES = 256 * 2**20
# a checkpointed chunk's graph, and without gradients a chunk's masks and
# inter-layer states, stay under this where the number of chunks allows
_CHUNK_BYTES = 32 * 2**20


class _ChunkRunner(nn.Module):
    """``CoupledGRU._run_chunk`` as a module's forward, for ``functional_call``."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, *args):
        return self.net._run_chunk(*args)


class _RecomputedChunk(torch.autograd.Function):
    """The coupled layers over a chunk of steps, with gradient checkpointing.

    Forward runs the chunk without a graph and keeps only its inputs (a view
    of the series, the states before the chunk, the weights); backward runs it
    again, with a graph, from exactly those tensors (through
    ``functional_call``, so weights swapped in by ``torch.func`` are the ones
    recomputed with) and back-propagates through it. The operations are those
    of the unchunked pass, so are the gradients.

    Measured against ``torch.utils.checkpoint`` (``use_reentrant=False``): that
    one still builds every step's graph nodes (~25 KB a step: with 6 pairs of
    20,000 steps it kept 431 of the 470 MB) and runs a Python hook per saved
    tensor (~3x slower), and its first call imports ``torch._dynamo`` (~1.2 s).

    Arguments: the ``CoupledGRU``, ``projected`` (see ``_run_chunk``), the
    names of the coupled layers' weights, the number of states, the chunk's
    input, pair index and masks, the states before the chunk (None for
    zeros), the weights. Returns the states after the chunk.
    """

    @staticmethod
    def forward(ctx, net, projected, names, n_states, u, index, masks, *rest):
        ctx.net, ctx.projected, ctx.names = net, projected, names
        ctx.n_states = n_states
        ctx.save_for_backward(u, index, masks, *rest)
        # the states kept until backward are allocated before the chunk's
        # temporaries, not among them: scattered through the freed
        # temporaries, they would pin ~7x their size of heap (measured)
        kept = [u.new_empty(len(index), layer.hidden_size)
                for layer in net.layers[net.n_shared :]]
        states = net._run_chunk(u, index, masks, projected, *rest[:n_states])
        return tuple(k.copy_(h) for k, h in zip(kept, states))

    @staticmethod
    @once_differentiable
    def backward(ctx, *grads):
        u, index, masks, *rest = ctx.saved_tensors
        # differentiable inputs: u, the states, the weights (not index, masks)
        flags = (ctx.needs_input_grad[4], *ctx.needs_input_grad[7:])
        inputs = [
            None if t is None else t.detach().requires_grad_(flag)
            for t, flag in zip((u, *rest), flags)
        ]
        states, params = inputs[1 : 1 + ctx.n_states], inputs[1 + ctx.n_states :]
        with torch.enable_grad():
            outputs = functional_call(
                _ChunkRunner(ctx.net),
                {f"net.{name}": p for name, p in zip(ctx.names, params)},
                (inputs[0], index, masks, ctx.projected, *states),
            )
        used = [(out, grad) for out, grad in zip(outputs, grads)
                if grad is not None and out.requires_grad]
        wrt = [t for t in inputs if t is not None and t.requires_grad]
        computed = [None] * len(wrt)
        if used and wrt:
            computed = torch.autograd.grad(
                [out for out, _ in used], wrt, [grad for _, grad in used],
                allow_unused=True,
            )
        computed = iter(computed)
        input_grads = [
            next(computed) if t is not None and t.requires_grad else None
            for t in inputs
        ]
        return (None, None, None, None, input_grads[0], None, None, *input_grads[1:])


class _Recomputed(torch.autograd.Function):
    """``fn(*tensors)`` run without a graph, and again with one in backward."""

    @staticmethod
    def forward(ctx, fn, *tensors):
        ctx.fn = fn
        ctx.save_for_backward(*tensors)
        # random draws (dropout) must repeat in the recomputation: the CPU's,
        # each CUDA device's and the MPS generator's states are restored
        ctx.devices = sorted({t.device.index or 0 for t in tensors
                              if t is not None and t.is_cuda})
        ctx.mps = any(t is not None and t.device.type == "mps" for t in tensors)
        ctx.rng = (torch.get_rng_state(),
                   [torch.cuda.get_rng_state(d) for d in ctx.devices],
                   torch.mps.get_rng_state() if ctx.mps else None)
        return fn(*tensors)  # autograd.Function.forward runs without a graph

    @staticmethod
    @once_differentiable
    def backward(ctx, *grads):
        flags = ctx.needs_input_grad[1:]
        inputs = [t.detach().requires_grad_(flag) if t is not None else None
                  for t, flag in zip(ctx.saved_tensors, flags)]
        mps_state = torch.mps.get_rng_state() if ctx.mps else None
        with torch.random.fork_rng(devices=ctx.devices, device_type="cuda"), \
                torch.enable_grad():
            torch.set_rng_state(ctx.rng[0])
            for device, state in zip(ctx.devices, ctx.rng[1]):
                torch.cuda.set_rng_state(state, device)
            if ctx.mps:
                torch.mps.set_rng_state(ctx.rng[2])
            try:
                outputs = ctx.fn(*inputs)
            finally:
                if ctx.mps:
                    torch.mps.set_rng_state(mps_state)
        used = [(out, grad) for out, grad in zip(outputs, grads)
                if grad is not None and out.requires_grad]
        wrt = [t for t, flag in zip(inputs, flags) if flag]
        computed = [None] * len(wrt)
        if used and wrt:
            computed = torch.autograd.grad(
                [out for out, _ in used], wrt, [grad for _, grad in used],
                allow_unused=True,
            )
        computed = iter(computed)
        return (None, *(next(computed) if flag else None for flag in flags))


def recomputed(fn, *tensors):
    """``fn(*tensors)`` with gradient checkpointing: no graph kept inside ``fn``.

    The forward pass runs ``fn`` without a graph and keeps only ``tensors``;
    backward runs ``fn`` again on them, with a graph, and back-propagates
    through it. The operations are those of a plain call, so are the
    gradients; the random-number state is restored for the recomputation, so
    dropout draws the same masks. Unlike ``torch.utils.checkpoint`` it builds
    no graph node per operation in the forward pass and does not import
    ``torch._dynamo``.

    Parameters
    ----------
    fn : callable
        ``fn(*tensors) -> tuple of Tensor``, deterministic, reading no tensor
        that needs a gradient other than ``tensors`` (pass parameters in).
    *tensors : Tensor
        Its inputs; not modified.

    Returns
    -------
    outputs : tuple of Tensor
    """
    return _Recomputed.apply(fn, *tensors)


def time_chunks(n_steps, n_rows, hidden_size, n_layers, needs_grad, chosen=None,
                tensors_per_step=12):
    """Steps per chunk of a coupled pass, and whether the chunks are recomputed.

    With gradients, a step keeps ~12 ``(n_rows, H)`` tensors per coupled layer
    for backward, plus ~25 KB of graph (measured): ``n_steps`` of them are
    the unchunked pass's memory. Checkpointed, memory is ``n_steps / k``
    states plus one chunk's graph, recomputed: ``k`` is ``sqrt(n_steps)``
    (fewer steps if one chunk's graph would pass ``_CHUNK_BYTES``), but at
    least the ``sqrt(n_steps * state / step)`` that minimises the sum.
    Without gradients nothing is recomputed; chunks only bound the masks
    and the states passed between layers.

    Parameters
    ----------
    n_steps, n_rows : int
        Steps of the pass and rows (both branches of all pairs) per step.
    hidden_size, n_layers : int
        Of the coupled layers.
    needs_grad : bool
    chosen : int or None, default=None
        The model's ``checkpoint_steps``: None automatic, 0 never, ``k``
        chunks of ``k`` steps.
    tensors_per_step : int, default=12
        ``(n_rows, H)`` tensors a step keeps per layer for backward: ~12 for
        a coupled layer, ~6 for HULM's and the HCRF's recursions.

    Returns
    -------
    steps : int
    checkpointed : bool
    """
    if not needs_grad:
        return max(1, _CHUNK_BYTES // (n_rows * (4 * hidden_size + 1) * 4)), False
    if chosen == 0:  # every step's intermediates kept, as unchunked
        return n_steps, False
    if chosen is not None:
        return chosen, True
    state = n_layers * n_rows * hidden_size * 4
    step = tensors_per_step * state + n_layers * 25_000
    if n_steps * step <= _GRAPH_BYTES:
        return n_steps, False
    balanced = isqrt(n_steps * state // step)
    return max(1, balanced, min(isqrt(n_steps), _CHUNK_BYTES // step)), True
