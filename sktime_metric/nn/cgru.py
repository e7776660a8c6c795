"""Coupled GRU (Compagnon, PhD thesis, INSA Lyon 2021, chapter 4): the pair model.

The coupled GRU runs two GRU branches, weights shared, over the two series of a
pair, exchanging information at every step through a coupling gate
(:class:`~sktime_metric.nn.CoupledGRULayer`, thesis eqs. 4.15-4.20); the
distance is ``d(x, x') = || h_T - h'_T ||_2`` (eq. 4.14). This module stacks the
layers and runs them over many pairs at once.

There is no per-sequence embedding: ``d`` needs a joint pass over the pair. What
*is* per sequence (the uncoupled layers below the first coupled one, and that
layer's input projection ``W_i x_t + b_i``) is computed once per sequence by
:meth:`CoupledGRU.project` and shared by all its pairs;
:meth:`CoupledGRU.pair_distances` runs the pair-dependent rest. Both branches
of all pairs advance in one ``(2P, H) @ (H, 4H)`` matmul per step (three gates
and the coupling together).

Variable length (our design: the thesis uses equal lengths only). ``align="end"``:
the two series of a pair end at the same step; a branch whose series has not
started keeps ``h = 0`` and gives its partner no coupling. ``align="start"``: they
start together; a branch whose series has ended keeps its last state and gives
no coupling. With equal lengths both are the thesis model.

Long series: in training the coupled steps run in checkpointed chunks
(``checkpoint_steps``, :mod:`._recompute`), so memory grows with about
``sqrt(time)`` steps of intermediates rather than ``time``.
"""

import torch
from torch import nn

from ._coupled_layer import CoupledGRULayer
from ._lengths import trim_to_length
from ._pairing import (
    GatheredSteps,
    activity,
    align_end,
    pad_time,
    pair_chunks,
    pair_tiles,
)
from ._recompute import _RecomputedChunk, time_chunks

__all__ = ["CoupledGRU", "CoupledGRULayer"]


class CoupledGRU(nn.Module):
    """Stacked coupled GRU layers and the distance between the branches' outputs.

    Parameters
    ----------
    n_features : int
    hidden_size : int, default=20
        Units per layer (the thesis: 20 for UCI HAR, 100 for SHL and LTMM).
    num_layers : int, default=1
    coupling : bool, default=True
        False is the siamese GRU (SGRU), the thesis's control.
    couple_layers : "all", "last" or sequence of int, default="all"
        Which layers are coupled (the thesis does not say). Layers below
        the first coupled one run once per sequence.
    align : {"end", "start"}, default="end"
        How a pair of series of different lengths is laid on one time grid.
    coupling_init_std : float, default=0.1
    coupling_bias_init : float or None, default=None
        See :class:`CoupledGRULayer`.
    coupling_penalty : float, default=0.0
        Weight of the coupling regulariser :meth:`penalty` (the thesis: 0.01).
    coupling_penalty_norm : {"fro", "fro2"}, default="fro"
        ``sum_l ||W_hc^(l)||_F`` (the thesis's "1 % of the coupling weight norm")
        or its squared form ``sum_l ||W_hc^(l)||_F^2``.
    checkpoint_steps : int or None, default=None
        Gradient checkpointing of the coupled recurrence, used only when
        gradients are needed. The steps are run in chunks of
        ``checkpoint_steps``; backward keeps only the states between chunks
        and recomputes one chunk at a time, so memory grows with
        ``time / k + k`` instead of ``time`` steps of intermediates, for one
        more forward pass (without a graph). The distances are bitwise the
        same and so are the gradients, but for the order in which the
        chunks' weight gradients are summed; no double backward through
        checkpointed chunks. None: automatic, chunks of about ``sqrt(time)``
        steps once the whole pass's intermediates would pass ~256 MB, none
        below. 0: never (every step's intermediates are kept).
    compile_step : bool, default=False
        Fuse each coupled step with ``torch.compile`` in training mode (see
        :func:`~sktime_metric.nn._coupled_layer.compiled_coupled_step`).

    Notes
    -----
    ``forward(x, lengths)`` returns the ``(batch, batch)`` matrix of distances
    between all series of a batch (zero diagonal), what the structural loss
    reads; ``forward(x, lengths, x2, lengths2)`` returns the ``(batch,)``
    distances of the explicit pairs ``(x[k], x2[k])``.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import CoupledGRU
    >>> net = CoupledGRU(n_features=3, hidden_size=8)
    >>> x, lengths = torch.randn(5, 12, 3), torch.tensor([12, 12, 9, 7, 12])
    >>> net(x, lengths).shape  # all pairs of a batch, for the structural loss
    torch.Size([5, 5])
    >>> net.pairwise_distances(x, lengths, x[:2], lengths[:2]).shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        n_features,
        hidden_size=20,
        num_layers=1,
        coupling=True,
        couple_layers="all",
        align="end",
        coupling_init_std=0.1,
        coupling_bias_init=None,
        coupling_penalty=0.0,
        coupling_penalty_norm="fro",
        checkpoint_steps=None,
        compile_step=False,
    ):
        super().__init__()
        if align not in ("end", "start"):
            raise ValueError(f"align must be 'end' or 'start', got {align!r}.")
        if coupling_penalty_norm not in ("fro", "fro2"):
            raise ValueError(
                "coupling_penalty_norm must be 'fro' or 'fro2', got "
                f"{coupling_penalty_norm!r}."
            )
        if checkpoint_steps is not None and (
            isinstance(checkpoint_steps, bool)
            or int(checkpoint_steps) != checkpoint_steps
            or checkpoint_steps < 0
        ):
            raise ValueError(
                "checkpoint_steps must be None or an int >= 0, got "
                f"{checkpoint_steps!r}."
            )
        coupled = self._coupled_layers(coupling, couple_layers, num_layers)
        self.layers = nn.ModuleList(
            CoupledGRULayer(
                n_features if k == 0 else hidden_size,
                hidden_size,
                coupling=k in coupled,
                coupling_init_std=coupling_init_std,
                coupling_bias_init=coupling_bias_init,
                compile_step=compile_step,
            )
            for k in range(num_layers)
        )
        # layers [0, n_shared) see one series at a time: run once per series
        self.n_shared = min(coupled, default=num_layers)
        self.align = align
        self.coupling_penalty = coupling_penalty
        self.coupling_penalty_norm = coupling_penalty_norm
        self.checkpoint_steps = (
            None if checkpoint_steps is None else int(checkpoint_steps)
        )

    @staticmethod
    def _coupled_layers(coupling, couple_layers, num_layers):
        if not coupling:
            return set()
        if couple_layers == "all":
            return set(range(num_layers))
        if couple_layers == "last":
            return {num_layers - 1}
        layers = set(int(k) for k in couple_layers)
        if not layers or not layers <= set(range(num_layers)):
            raise ValueError(
                f"couple_layers must be 'all', 'last' or layer indices in "
                f"[0, {num_layers}); got {couple_layers!r}."
            )
        return layers

    # -- regulariser and its monitor ---------------------------------------

    def coupling_norm(self):
        """``sum_l ||W_hc^(l)||_F``, the thesis's coupling-weight norm (Fig. 4.3)."""
        norms = [torch.linalg.matrix_norm(w) for w in self._coupling_weights()]
        return torch.stack(norms).sum() if norms else torch.zeros(())

    def penalty(self):
        """The coupling regulariser added to the training loss.

        Thesis section 4.4.1.3: "adding 1% of the coupling weight norm".
        """
        weights = self._coupling_weights()
        if not weights or self.coupling_penalty == 0:
            return self.layers[0].gru.weight_hh_l0.new_zeros(())
        if self.coupling_penalty_norm == "fro2":
            norm = sum(w.pow(2).sum() for w in weights)
        else:
            norm = self.coupling_norm()
        return self.coupling_penalty * norm

    def _coupling_weights(self):
        return [layer.weight_hc for layer in self.layers if layer.coupling]

    # -- the two stages of a distance --------------------------------------

    def embed(self, x, lengths):
        """Final states of all layers run uncoupled: one vector per series.

        With ``coupling=False`` (SGRU) the distance is the Euclidean distance
        between these embeddings. With coupling, they are the same weights run
        with every coupling gate shut (``c_t = 0``): a per-series summary whose
        distances only approximate how the coupled distance ranks pairs, cheap
        enough to shortlist candidates for it.

        Parameters
        ----------
        x : Tensor of shape (n, time, n_features)
            Zero-filled past each length.
        lengths : Tensor of shape (n,), int64

        Returns
        -------
        embedding : Tensor of shape (n, hidden_size)
        """
        for layer in self.layers:
            x = layer.gru(x)[0]  # fused kernel; causal, so padding cannot leak
        return x[torch.arange(x.size(0), device=x.device), lengths.to(x.device) - 1]

    def project(self, x, lengths):
        """The partner-independent part of the distance, once per series.

        Parameters
        ----------
        x : Tensor of shape (n, time, n_features)
            Zero-filled past each length.
        lengths : Tensor of shape (n,), int64

        Returns
        -------
        projection : Tensor
            Without coupled layers (SGRU): the final states ``(n, H)``.
            Otherwise the input projection of the first coupled layer, aligned
            and time-major: ``(time, n, 3H)``. Pass it to :meth:`pair_distances`.
        """
        lengths = lengths.to(x.device)
        if self.n_shared == len(self.layers):
            return self.embed(x, lengths)
        u = self.layers[self.n_shared].input_projection(self._coupled_input(x, lengths))
        return u.contiguous()  # (time, n, 3H): each step a contiguous block

    def _coupled_input(self, x, lengths):
        """The first coupled layer's input, aligned, time-major: ``(time, n, F)``."""
        for layer in self.layers[: self.n_shared]:
            x = layer.gru(x)[0]  # fused kernel; causal, so padding cannot leak
        if self.align == "end":
            x = align_end(x, lengths.to(x.device))
        return x.transpose(0, 1)

    def pair_distances(self, u, lengths, index, index2):
        """Distances of the pairs ``(index[k], index2[k])`` of projected series.

        Parameters
        ----------
        u : Tensor
            :meth:`project` of a set of series (concatenate two projected sets
            along their series axis to pair series of both).
        lengths : Tensor of shape (n,), int64
        index, index2 : Tensor of shape (P,), int64
            Left and right member of each pair, into ``u``.

        Returns
        -------
        distances : Tensor of shape (P,)
        """
        if index.numel() == 0:
            return u.new_zeros(0)
        if self.n_shared == len(self.layers):  # SGRU: distance of embeddings
            return torch.linalg.vector_norm(u[index] - u[index2], dim=1)
        return self._coupled_distances(u, lengths, index, index2, projected=True)

    def _coupled_distances(self, u, lengths, index, index2, projected):
        """:meth:`pair_distances` from ``project``'s output or, if not
        ``projected``, from ``_coupled_input``'s, projected a time chunk at a time.
        """
        both = torch.cat([index, index2])
        pair_lengths = lengths.to(u.device)[both]
        # run only the steps the longest series of this chunk needs
        n_steps = int(pair_lengths.max())
        u = u[u.size(0) - n_steps :] if self.align == "end" else u[:n_steps]
        ragged = not bool((pair_lengths == n_steps).all())
        coupled = self.layers[self.n_shared :]
        needs_grad = torch.is_grad_enabled() and (
            u.requires_grad or any(p.requires_grad for p in coupled.parameters())
        )
        steps, checkpointed = time_chunks(
            n_steps, len(both), self.layers[-1].hidden_size, len(coupled),
            needs_grad, getattr(self, "checkpoint_steps", None),  # older pickles lack it
        )
        if checkpointed:
            names, params = zip(*(
                (f"layers.{k}.{name}", p)
                for k in range(self.n_shared, len(self.layers))
                for name, p in self.layers[k].named_parameters()
            ))
        states = (None,) * len(coupled)
        start = 0
        # one split (not a slice per chunk): backward assembles u's gradient once
        for chunk in u.split(steps):
            stop = start + chunk.size(0)
            masks = None
            if ragged:  # made a chunk at a time: (time, 2P) floats can be large
                masks = activity(pair_lengths, n_steps, self.align, start, stop)
                masks = masks.to(u.dtype).unsqueeze(-1)
            if checkpointed:
                states = _RecomputedChunk.apply(
                    self, projected, names, len(states), chunk, both, masks,
                    *states, *params,
                )
            else:
                states = self._run_chunk(chunk, both, masks, projected, *states)
            start = stop
        left, right = states[-1].chunk(2, dim=0)
        # exactly 0 for identical branches; its gradient there is 0, not NaN
        return torch.linalg.vector_norm(left - right, dim=1)

    def _run_chunk(self, u, index, masks, projected, *states):
        """The coupled layers over some steps, from their ``states`` before them."""
        coupled = self.layers[self.n_shared :]
        if not projected:
            u = coupled[0].input_projection(u)
        # each step's rows are gathered when the loop reaches it: the chunk's
        # inputs never exist all at once, and (N, 3H) rows are cheap to gather
        h = GatheredSteps(u, index)
        last = []
        for k, layer in enumerate(coupled):
            if k + 1 < len(coupled):
                h_k, sequence = layer(h, masks, return_sequence=True, h=states[k])
                h = coupled[k + 1].input_projection(sequence)
            else:
                h_k = layer(h, masks, h=states[k])
            last.append(h_k)
        return tuple(last)

    # -- whole matrices ----------------------------------------------------

    def forward(self, x, lengths, x2=None, lengths2=None):
        if x2 is not None:
            n_steps = int(torch.maximum(lengths.max(), lengths2.max()))
            both = torch.cat([pad_time(x, n_steps), pad_time(x2, n_steps)])
            lengths = torch.cat([lengths, lengths2])
            index = torch.arange(x.size(0), device=x.device)
            return self._distances(both, lengths, index, index + x.size(0))
        x = trim_to_length(x, lengths)
        n = x.size(0)
        i, j = torch.triu_indices(n, n, offset=1, device=x.device)
        d = self._distances(x, lengths, i, j)
        # d(x, x) = 0 exactly (identical branches), so the diagonal is not run
        matrix = x.new_zeros(n, n).index_put((i, j), d)
        return matrix + matrix.t()

    def _distances(self, x, lengths, index, index2):
        """Distances of pairs of rows of ``x``, for the losses.

        The input projection is applied a time chunk at a time, never to the
        whole ``(time, n, 3H)`` at once (in training its gradient would be
        as large again).
        """
        if self.n_shared == len(self.layers) or index.numel() == 0:
            return self.pair_distances(self.project(x, lengths), lengths, index, index2)
        lengths = lengths.to(x.device)
        return self._coupled_distances(
            self._coupled_input(x, lengths), lengths, index, index2, projected=False
        )

    def _project_sets(self, x, lengths, x2=None, lengths2=None):
        """:meth:`project` of one set, or of two stacked (the second's rows follow)."""
        if x2 is not None:
            n_steps = int(torch.maximum(lengths.max(), lengths2.max()))
            x = torch.cat([pad_time(x, n_steps), pad_time(x2, n_steps)])
            lengths = torch.cat([lengths, lengths2])
        with torch.no_grad():
            return self.project(trim_to_length(x, lengths), lengths), lengths

    def pairwise_distances(
        self, x, lengths, x2=None, lengths2=None, chunk_size=4096, map_chunks=map
    ):
        """All distances, without gradients, in chunks of at most ``chunk_size`` pairs.

        Parameters
        ----------
        x : Tensor of shape (n, time, n_features)
        lengths : Tensor of shape (n,), int64
        x2, lengths2 : Tensor, optional
            Second set, ``(m, time2, n_features)``; default: ``x`` itself, in which
            case only the pairs ``i < j`` are run and the diagonal is 0.
        chunk_size : int, default=4096
        map_chunks : callable, default=map
            ``map_chunks(function, chunks)`` applies ``function`` to every chunk
            and yields the results, in any order: e.g. a thread pool's map.

        Returns
        -------
        distances : Tensor of shape (n, m)
        """
        symmetric = x2 is None
        n, m = len(lengths), len(lengths) if symmetric else len(lengths2)
        u, lengths = self._project_sets(x, lengths, x2, lengths2)
        offset = 0 if symmetric else n

        def run(chunk):
            i, j = chunk
            with torch.no_grad():  # thread-local: set it in the worker
                return chunk, self.pair_distances(u, lengths, i, j + offset)

        out = x.new_zeros(n, m)
        tiles = pair_tiles(lengths[:n], None if symmetric else lengths[n:], chunk_size)
        for (i, j), d in map_chunks(run, tiles):
            out[i, j] = d
        return out + out.t() if symmetric else out

    def paired_distances(
        self, x, lengths, index, index2, x2=None, lengths2=None, chunk_size=4096,
        map_chunks=map,
    ):
        """Distances of chosen pairs, without gradients, in chunks of similar lengths.

        The pairs ``(x[index[k]], x2[index2[k]])``; each series is projected once
        however many pairs it is in.

        Parameters
        ----------
        x : Tensor of shape (n, time, n_features)
        lengths : Tensor of shape (n,), int64
        index, index2 : Tensor of shape (P,), int64
            Rows of ``x`` and of ``x2`` (of ``x`` when ``x2`` is None).
        x2, lengths2 : Tensor, optional
            Second set, ``(m, time2, n_features)``.
        chunk_size : int, default=4096
        map_chunks : callable, default=map
            As in :meth:`pairwise_distances`.

        Returns
        -------
        distances : Tensor of shape (P,)
        """
        n = len(lengths)
        u, lengths = self._project_sets(x, lengths, x2, lengths2)
        index = index.to(lengths.device)
        index2 = index2.to(lengths.device) + (0 if x2 is None else n)

        def run(positions):
            with torch.no_grad():  # thread-local: set it in the worker
                return positions, self.pair_distances(
                    u, lengths, index[positions], index2[positions])

        out = x.new_zeros(len(index))
        chunks = pair_chunks(lengths[index], lengths[index2], chunk_size)
        for positions, d in map_chunks(run, chunks):
            out[positions] = d
        return out
