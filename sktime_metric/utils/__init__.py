"""Data-format utilities: the sequence contract shared by every estimator."""

from .validation import (
    SequenceLayoutWarning,
    check_class_labels,
    check_sequences,
    from_aeon,
    padded_float32,
    sequence_lengths,
    to_aeon,
    to_sequence_dataset,
    validate_sequences,
)

__all__ = [
    "SequenceLayoutWarning",
    "check_class_labels",
    "check_sequences",
    "from_aeon",
    "padded_float32",
    "sequence_lengths",
    "to_aeon",
    "to_sequence_dataset",
    "validate_sequences",
]
