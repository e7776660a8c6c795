"""Recurrent encoders over padded batches of variable-length sequences.

Every module in ``sktime_metric.nn`` takes ``x`` of shape ``(batch, time, channels)``,
zero-filled past each sequence's length, and ``lengths``, an int64 tensor of shape
``(batch,)``. The fused cuDNN / MKL kernels of ``nn.RNN``, ``nn.GRU`` and ``nn.LSTM``
are used through packing, so padding never enters a recurrence: a bidirectional
encoder's backward direction starts at each sequence's own last step.
"""

import contextlib

import torch
from torch import nn
from torch.func import functional_call
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._chain import frame_windows
from ._lengths import length_mask, trim_to_length
from ._recompute import recomputed, time_chunks

__all__ = ["RecurrentEncoder", "RNNClassifierModule"]

_CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}

#: Without gradients, series longer than this run in time chunks (see
#: ``RecurrentEncoder.states``); shorter ones in one fused call.
_LONG_SERIES = 4096


class RecurrentEncoder(nn.Module):
    """A fused recurrent layer stack run over packed variable-length sequences.

    Parameters
    ----------
    n_features : int
        Channels per time step.
    hidden_size : int
        Hidden units per direction.
    cell : {"rnn", "gru", "lstm"}, default="gru"
        Recurrent cell. ``"rnn"`` is the plain Elman RNN with ``nonlinearity``.
    num_layers : int, default=1
    bidirectional : bool, default=False
    dropout : float, default=0.0
        Dropout between stacked layers (torch's ``dropout`` argument).
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Only used by ``cell="rnn"``.
    memory_bias : float or None, default=None
        Initial bias of the gate that keeps the state: the GRU's update gate
        ``z`` (``h_t = (1 - z) n + z h_{t-1}``) and the LSTM's forget gate
        ``f``, in every layer and direction (the input-side bias gets the
        value, the recurrent-side bias 0). A positive value makes the cell
        remember from the first epoch: with torch's default (uniform around
        0) a GRU/LSTM forgets an utterance within the noise frames after it
        (Jozefowicz et al., ICML 2015, recommend a forget bias of 1). None:
        torch's initialisation; ignored by ``cell="rnn"``.
    checkpoint_steps : int or None, default=None
        Gradient checkpointing over time, for long series (unidirectional
        encoders): with gradients, the fused kernel runs on chunks of
        ``checkpoint_steps`` steps, each carrying the state of the one before,
        without a graph; backward runs each chunk again
        (:func:`~sktime_metric.nn._recompute.recomputed`, dropout masks
        included), so training memory grows with about ``sqrt(time)`` steps
        instead of ``time``. Measured on one CPU thread (GRU, 8 units, 32
        series of 50,000 steps, forward and backward): 1,429 MB above the
        imports unchunked, 320 MB in chunks of 224 steps, at 1.3x the time.
        The outputs equal the unchunked ones up to float rounding (the input
        projection is one matrix product per chunk). None: automatic, once a
        batch's graph would pass ~256 MB
        (:func:`~sktime_metric.nn._recompute.time_chunks`); 0: never. A
        bidirectional encoder is never chunked. Without gradients, series
        longer than 4,096 steps always run in chunks carrying the state (~32
        MB of states each), which bounds the kernels' workspace.

    Notes
    -----
    ``forward(x, lengths)`` returns ``(outputs, last)``: ``outputs`` of shape
    ``(batch, time, D * hidden_size)`` with zeros past each length (``D`` = 2 if
    bidirectional), and ``last`` of shape ``(batch, D * hidden_size)``, the final
    state of the top layer: the forward direction at step ``lengths - 1``
    concatenated with the backward direction at step 0.

    Packing is used only where it is needed: a forward recurrence never looks at
    the steps after a sequence's end, so a unidirectional encoder (or a batch of
    equal lengths) runs the fused kernel on the padded batch and reads the state
    at ``lengths - 1``. On CPU that is 1.7x (GRU) to 6x (LSTM, whose oneDNN
    kernel packing disables) faster than the packed run, with the same result.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import RecurrentEncoder
    >>> _ = torch.manual_seed(0)
    >>> encoder = RecurrentEncoder(n_features=3, hidden_size=4, bidirectional=True)
    >>> x, lengths = torch.randn(2, 5, 3), torch.tensor([5, 2])
    >>> x[1, 2:] = 0  # zero-filled past each length
    >>> outputs, last = encoder(x, lengths)
    >>> outputs.shape, last.shape, bool((outputs[1, 2:] == 0).all())
    (torch.Size([2, 5, 8]), torch.Size([2, 8]), True)
    >>> # last: the forward half at step lengths - 1, the backward half at step 0
    >>> forward_last = outputs[torch.arange(2), lengths - 1, :4]
    >>> torch.allclose(last[:, :4], forward_last), torch.allclose(
    ...     last[:, 4:], outputs[:, 0, 4:])
    (True, True)
    """

    def __init__(
        self,
        n_features,
        hidden_size,
        cell="gru",
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        nonlinearity="tanh",
        memory_bias=None,
        checkpoint_steps=None,
    ):
        super().__init__()
        self.checkpoint_steps = checkpoint_steps
        if cell not in _CELLS:
            raise ValueError(f"cell must be one of {sorted(_CELLS)}, got {cell!r}.")
        kwargs = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.rnn = _CELLS[cell](
            n_features,
            hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout if num_layers > 1 else 0.0,
            batch_first=True,
            **kwargs,
        )
        self.output_size = hidden_size * (2 if bidirectional else 1)
        if memory_bias is not None and cell != "rnn":
            _init_memory_bias(self.rnn, cell, memory_bias)

    def forward(self, x, lengths):
        mask = length_mask(lengths, x.size(1)).unsqueeze(-1)
        if not self.rnn.bidirectional:
            out = self.states(x)
            last = out[torch.arange(x.size(0), device=x.device), lengths - 1]
            return out * mask, last
        if bool((lengths == x.size(1)).all()):
            out, state = self.rnn(x)
            return out, self._top_layer_state(state)
        packed = pack_padded_sequence(
            x, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, state = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return out, self._top_layer_state(state)

    def last_state(self, x, lengths):
        """``forward(x, lengths)[1]`` alone: each sequence's state at its last step.

        For callers that read only the last state: a unidirectional encoder
        then skips the masked copy of every step's state that ``forward``
        also returns.
        """
        if self.rnn.bidirectional:
            return self(x, lengths)[1]
        return self.states(x)[torch.arange(x.size(0), device=x.device), lengths - 1]

    def states(self, x):
        """The top layer's state at every step of a unidirectional encoder.

        What ``forward`` masks and reads the last state from, for modules that
        pool the states themselves; long series run in time chunks (see
        ``checkpoint_steps``), so memory stays bounded.

        Parameters
        ----------
        x : Tensor of shape (batch, time, n_features)

        Returns
        -------
        states : Tensor of shape (batch, time, hidden_size)
            Past a sequence's length they continue the recurrence over the
            padding: mask them.
        """
        if self.rnn.bidirectional:
            raise ValueError("states() runs the forward recurrence only; this "
                             "encoder is bidirectional.")
        params = [p for p in self.rnn.parameters()]
        batch, n_steps, _ = x.shape
        if not (torch.is_grad_enabled()
                and (x.requires_grad or any(p.requires_grad for p in params))):
            # Without gradients torch's CPU kernels still hold a workspace of
            # about 6 (GRU) to 10 (LSTM) times the output (measured: 1,026 MB
            # for an LSTM(3, 8) over 32 series of 100,000 steps, a 98 MB
            # output). Long series run in chunks carrying the state, which
            # bounds it; shorter ones are untouched, bit for bit.
            steps, _ = time_chunks(n_steps, batch, self.rnn.hidden_size,
                                   self.rnn.num_layers, False)
            # Nothing needs a gradient, but grad mode may still be on (a
            # frozen encoder in training): the CPU kernel would then run its
            # training variant, which also fills a workspace for backward.
            # Measured: an LSTM(1, 100) over 100 series of 577 steps, 0.19 s
            # against 0.09 s under no_grad, the same outputs bit for bit.
            with torch.no_grad():
                if n_steps <= max(steps, _LONG_SERIES):
                    return self.rnn(x)[0]
                outputs, state = [], None
                for start in range(0, n_steps, steps):
                    out, state = self.rnn(x[:, start:start + steps], state)
                    outputs.append(out)
                return torch.cat(outputs, dim=1)
        steps, checkpointed = time_chunks(
            n_steps, batch, self.rnn.hidden_size, self.rnn.num_layers, True,
            self.checkpoint_steps, tensors_per_step=6,
        )
        if not checkpointed:
            return self.rnn(x)[0]
        names = [name for name, _ in self.rnn.named_parameters()]
        n_states = 2 if isinstance(self.rnn, nn.LSTM) else 1
        zeros = x.new_zeros(self.rnn.num_layers, batch, self.rnn.hidden_size)
        states, outputs = [zeros] * n_states, []
        # cuDNN draws the dropout masks between layers from a state of its own,
        # which moves on at every call and which the recomputation cannot
        # rewind (it restores torch's generators): backward would see other
        # masks than forward, a silently wrong gradient. With such dropout the
        # chunks run torch's native CUDA kernels, whose masks come from the
        # generator (slower, only where checkpointing and dropout meet).
        native = (x.is_cuda and self.training and self.rnn.dropout > 0
                  and self.rnn.num_layers > 1)

        def chunk(x_chunk, *states_and_params):
            # the chunk's states are inputs, the weights too (functional_call),
            # so that backward's recomputation differentiates both
            state = states_and_params[:n_states]
            weights = dict(zip(names, states_and_params[n_states:]))
            with (_cudnn_off() if native else contextlib.nullcontext()):
                out, state = functional_call(
                    self.rnn, weights, (x_chunk, state if n_states == 2 else state[0]))
            return (out, *(state if n_states == 2 else (state,)))

        for start in range(0, n_steps, steps):
            out, *states = recomputed(chunk, x[:, start:start + steps], *states, *params)
            outputs.append(out)
        return torch.cat(outputs, dim=1)

    @staticmethod
    def _top_layer_state(state):
        """Both directions' final states of the top layer, concatenated."""
        h_n = state[0] if isinstance(state, tuple) else state  # LSTM: (h_n, c_n)
        # h_n is (num_layers * 2, batch, H), in the caller's sample order
        return torch.cat([h_n[-2], h_n[-1]], dim=-1)


@contextlib.contextmanager
def _cudnn_off():
    """cuDNN off inside the block, every other cuDNN setting (benchmark,
    deterministic, TF32) as the user set it: ``torch.backends.cudnn.flags``
    would reset each one it is not given to its default."""
    cudnn = torch.backends.cudnn
    before = cudnn.enabled
    cudnn.enabled = False
    try:
        yield
    finally:
        cudnn.enabled = before


def _init_memory_bias(rnn, cell, value):
    """Set the update (GRU) or forget (LSTM) gate's bias of every layer to ``value``.

    torch stacks the gates' biases as ``(r, z, n)`` for a GRU and ``(i, f, g,
    o)`` for an LSTM, each ``hidden_size`` long; the gate's total bias is the
    sum of the input-side and recurrent-side parts.
    """
    h = rnn.hidden_size
    gate = slice(h, 2 * h)  # z of (r, z, n); f of (i, f, g, o)
    with torch.no_grad():
        for name, parameter in rnn.named_parameters():
            if name.startswith("bias_ih"):
                parameter[gate] = value
            elif name.startswith("bias_hh"):
                parameter[gate] = 0.0


class RNNClassifierModule(nn.Module):
    """Recurrent encoder, dropout and a linear layer on the final state.

    The baseline the TAGM chapter compares against (plain RNN, GRU, LSTM and their
    bidirectional versions). ``forward(x, lengths)`` returns logits
    ``(batch, n_classes)``. With ``window`` / ``stride`` above 1 the encoder reads
    frames of ``window`` steps, one every ``stride`` steps
    (:func:`~sktime_metric.nn._chain.frame_windows`).

    Parameters
    ----------
    n_features : int
        Channels per time step.
    n_classes : int
    hidden_size : int, default=64
        Hidden units per direction.
    cell : {"rnn", "gru", "lstm"}, default="gru"
    num_layers : int, default=1
    bidirectional : bool, default=False
    dropout : float, default=0.0
        Between stacked layers and before the linear layer.
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Only used by ``cell="rnn"``.
    memory_bias : float or None, default=None
        Initial bias of the GRU's update gate or the LSTM's forget gate, see
        :class:`RecurrentEncoder`.
    window : int, default=1
        Steps per frame.
    stride : int, default=1
        Steps between frame starts.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import RNNClassifierModule
    >>> _ = torch.manual_seed(0)
    >>> module = RNNClassifierModule(n_features=3, n_classes=4, hidden_size=8,
    ...                              cell="lstm")
    >>> x, lengths = torch.randn(2, 5, 3), torch.tensor([5, 2])
    >>> x[1, 2:] = 0
    >>> logits = module(x, lengths)
    >>> logits.shape
    torch.Size([2, 4])
    >>> # a series' logits depend on neither its padding nor its batch mates
    >>> torch.allclose(logits[1], module(x[1:, :2], lengths[1:])[0])
    True
    >>> framed = RNNClassifierModule(3, 4, hidden_size=8, window=2, stride=2)
    >>> framed.encoder.rnn.input_size, framed(x, lengths).shape  # frames of 2 steps
    (6, torch.Size([2, 4]))
    """

    def __init__(
        self,
        n_features,
        n_classes,
        hidden_size=64,
        cell="gru",
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        nonlinearity="tanh",
        memory_bias=None,
        window=1,
        stride=1,
    ):
        super().__init__()
        self.window, self.stride = window, stride
        self.encoder = RecurrentEncoder(
            n_features * window,
            hidden_size,
            cell=cell,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            nonlinearity=nonlinearity,
            memory_bias=memory_bias,
        )
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(self.encoder.output_size, n_classes)

    def forward(self, x, lengths):
        x, lengths = frame_windows(x, lengths, self.window, self.stride)
        x = trim_to_length(x, lengths)
        _, last = self.encoder(x, lengths)
        return self.classifier(self.dropout(last))
