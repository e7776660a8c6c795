"""Sequence classifiers."""

from ._hcrf import HCRFClassifier
from ._hulm import HULMClassifier
from ._matching import MatchingNetworkClassifier
from ._rnn import RNNClassifier
from ._tagm import TAGMClassifier

__all__ = ["HCRFClassifier", "HULMClassifier", "MatchingNetworkClassifier",
           "RNNClassifier", "TAGMClassifier"]
