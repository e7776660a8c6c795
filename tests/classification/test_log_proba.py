"""predict_log_proba where a class probability underflows to 0.

tests/test_sequence_contract.py checks every classifier's log-probabilities
against its probabilities on ordinary scores, where computing them as
log(predict_proba) passes too; here scores 1000 nats apart tell the two apart,
and the matching network's log of a posterior of 0 is checked.
"""

import warnings

import numpy as np
import torch

from sktime_metric.base import SequenceClassifierMixin
from sktime_metric.classification import (
    FisherKernelClassifier,
    MatchingNetworkClassifier,
)

SCORES = np.array([[0.0, -1000.0]])


class _Scored(SequenceClassifierMixin):
    """The neural classifiers' outputs, from fixed class scores."""

    def _class_scores(self, X):
        return torch.as_tensor(SCORES)


def test_log_probabilities_stay_finite_where_probabilities_underflow():
    # the log-softmax of the scores: probability 0, but log-probability -1000,
    # not -inf. The neural classifiers' mixin and the Fisher kernel's SVM
    fisher = FisherKernelClassifier()
    fisher.fisher_scores = lambda X: X  # SCORES stand in for the SVM's
    fisher._logits = lambda features: SCORES
    for est in (_Scored(), fisher):
        assert est.predict_proba(None)[0, 1] == 0.0
        np.testing.assert_allclose(est.predict_log_proba(None), SCORES)


def test_a_matching_posterior_of_zero_has_log_minus_inf_without_a_warning():
    # the matching network's posterior is a sum of attention weights, so its
    # log is that of the probabilities: -inf where all of a class's weights
    # underflow, as documented, with no numpy divide-by-zero warning
    clf = MatchingNetworkClassifier()
    clf._proba = lambda X, X_support, y_support: (None, np.array([[1.0, 0.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = clf.predict_log_proba(None)
    np.testing.assert_array_equal(log_proba, [[0.0, -np.inf]])
