"""Plain PyTorch modules: no scikit-learn, numpy or skorch in here.

Every ``forward`` takes ``x`` ``(batch, time, channels)``, zero-filled past each
sequence's length, and ``lengths`` ``(batch,)`` int64.
"""

from .encoders import RecurrentEncoder, RNNClassifierModule
from .tagm import AttentionGatedRNN, BidirectionalRNN, TAGMModule, TemporalAttention

__all__ = [
    "AttentionGatedRNN",
    "BidirectionalRNN",
    "RecurrentEncoder",
    "RNNClassifierModule",
    "TAGMModule",
    "TemporalAttention",
]
