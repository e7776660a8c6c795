"""Data-format utilities: the sequence contract shared by every estimator."""

from .validation import (
    check_sequences,
    padded_float32,
    sequence_lengths,
    to_sequence_dataset,
    validate_sequences,
)

__all__ = [
    "check_sequences",
    "padded_float32",
    "sequence_lengths",
    "to_sequence_dataset",
    "validate_sequences",
]
