"""Sequence classifiers."""

from ._fisher_kernel import FisherKernelClassifier
from ._hcrf import HCRFClassifier
from ._hulm import HULMClassifier
from ._matching import MatchingNetworkClassifier
from ._naive_logistic import NaiveLogisticClassifier
from ._rnn import RNNClassifier
from ._tagm import TAGMClassifier

__all__ = ["FisherKernelClassifier", "HCRFClassifier", "HULMClassifier",
           "MatchingNetworkClassifier", "NaiveLogisticClassifier", "RNNClassifier",
           "TAGMClassifier"]
