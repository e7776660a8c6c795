"""Data-format utilities: the sequence contract shared by every estimator."""

from ._aeon import from_aeon, to_aeon
from ._labels import check_class_labels
from ._parallel import predict_in_blocks
from ._scaling import channel_statistics, standardize_channels
from .validation import (
    SequenceLayoutWarning,
    check_sequences,
    padded_float32,
    sequence_lengths,
    to_sequence_dataset,
    validate_sequences,
)

__all__ = [
    "SequenceLayoutWarning",
    "channel_statistics",
    "check_class_labels",
    "check_sequences",
    "from_aeon",
    "padded_float32",
    "predict_in_blocks",
    "sequence_lengths",
    "standardize_channels",
    "to_aeon",
    "to_sequence_dataset",
    "validate_sequences",
]
