"""Recurrent encoders over padded batches of variable-length sequences.

Every module in ``sktime_metric.nn`` takes ``x`` of shape ``(batch, time, channels)``,
zero-filled past each sequence's length, and ``lengths``, an int64 tensor of shape
``(batch,)``. The fused cuDNN / MKL kernels of ``nn.RNN``, ``nn.GRU`` and ``nn.LSTM``
are used through packing, so padding never enters a recurrence: a bidirectional
encoder's backward direction starts at each sequence's own last step.
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["RecurrentEncoder", "RNNClassifierModule", "length_mask", "trim_to_length"]

_CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def trim_to_length(x, lengths):
    """Cut the time axis of a padded batch to its longest sequence.

    Estimators pad a whole dataset to its longest series; a batch of short series
    need not pay for the steps none of them has.
    """
    return x[:, : int(lengths.max())]


def length_mask(lengths, n_timestamps):
    """Boolean ``(batch, n_timestamps)`` mask, True on each sequence's valid steps."""
    steps = torch.arange(n_timestamps, device=lengths.device)
    return steps[None, :] < lengths[:, None]


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

    Notes
    -----
    ``forward(x, lengths)`` returns ``(outputs, last)``: ``outputs`` of shape
    ``(batch, time, D * hidden_size)`` with zeros past each length (``D`` = 2 if
    bidirectional), and ``last`` of shape ``(batch, D * hidden_size)``, the final
    state of the top layer: the forward direction at step ``lengths - 1``
    concatenated with the backward direction at step 0.
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
    ):
        super().__init__()
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

    def forward(self, x, lengths):
        packed = pack_padded_sequence(
            x, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, state = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        h_n = state[0] if isinstance(state, tuple) else state  # LSTM: (h_n, c_n)
        # h_n is (num_layers * D, batch, H), already in the caller's sample order;
        # the top layer's directions are its last D rows.
        n_dirs = 2 if self.rnn.bidirectional else 1
        last = torch.cat(list(h_n[-n_dirs:]), dim=-1)
        return out, last


class RNNClassifierModule(nn.Module):
    """Recurrent encoder, dropout and a linear layer on the final state.

    The baseline the TAGM chapter compares against (plain RNN, GRU, LSTM and their
    bidirectional versions). ``forward(x, lengths)`` returns logits
    ``(batch, n_classes)``.
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
    ):
        super().__init__()
        self.encoder = RecurrentEncoder(
            n_features,
            hidden_size,
            cell=cell,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            nonlinearity=nonlinearity,
        )
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(self.encoder.output_size, n_classes)

    def forward(self, x, lengths):
        x = trim_to_length(x, lengths)
        _, last = self.encoder(x, lengths)
        return self.classifier(self.dropout(last))
