"""Sequence classifiers."""

from ._rnn import RNNClassifier
from ._tagm import TAGMClassifier

__all__ = ["RNNClassifier", "TAGMClassifier"]
