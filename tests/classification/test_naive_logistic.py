"""NaiveLogisticClassifier: its probabilities against numpy, and pooling."""

import numpy as np
import pytest
from scipy.special import softmax

from sktime_metric.classification import NaiveLogisticClassifier
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.utils import sequence_lengths


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=36, n_classes=3, n_channels=2, min_length=6, max_length=12,
        motif_length=4, noise=0.3, random_state=0,
    )
    return X, np.array(["a", "b", "c"])[y]


def _brute_force(clf, X):
    """softmax(W pool_t(x_t) + c) in numpy, from the fitted weights."""
    Z = (X - clf.mean_) / clf.scale_ if clf.standardize else X
    pooled = np.nansum(Z, axis=1)
    if clf.pooling == "mean":
        pooled = pooled / sequence_lengths(X)[:, None]
    return softmax(pooled @ clf.coef_.T + clf.intercept_, axis=1)


@pytest.mark.parametrize("pooling", ["sum", "mean"])
@pytest.mark.parametrize("standardize", [True, False])
def test_probabilities_are_the_softmax_of_the_pooled_linear_scores(data, pooling,
                                                                   standardize):
    X, y = data
    clf = NaiveLogisticClassifier(pooling=pooling, standardize=standardize,
                                  max_epochs=10, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), _brute_force(clf, X),
                               rtol=1e-5, atol=1e-6)
    assert np.abs(clf.coef_).max() > 0  # it trained


def test_padding_does_not_change_the_probabilities(data):
    X, y = data
    clf = NaiveLogisticClassifier(max_epochs=5, random_state=0).fit(X, y)
    longer = np.concatenate([X, np.full((len(X), 9, X.shape[2]), np.nan)], axis=1)
    np.testing.assert_allclose(clf.predict_proba(longer), clf.predict_proba(X),
                               atol=1e-6)


def test_sum_pooling_grows_with_length_and_mean_pooling_does_not(data):
    # each series played twice: "sum" doubles W sum_t x_t, "mean" leaves it
    X, y = data
    lengths = sequence_lengths(X)
    twice = [np.concatenate([x[:n], x[:n]]) for x, n in zip(X, lengths)]
    for pooling, factor in (("sum", 2.0), ("mean", 1.0)):
        clf = NaiveLogisticClassifier(pooling=pooling, standardize=False,
                                      max_epochs=5, random_state=0).fit(X, y)
        pooled = np.nansum(X, axis=1)
        if pooling == "mean":
            pooled = pooled / lengths[:, None]
        expected = softmax(factor * pooled @ clf.coef_.T + clf.intercept_, axis=1)
        np.testing.assert_allclose(clf.predict_proba(twice), expected,
                                   rtol=1e-5, atol=1e-6)


def test_l2_shrinks_the_weights(data):
    X, y = data
    free = NaiveLogisticClassifier(max_epochs=20, random_state=0).fit(X, y)
    penalised = NaiveLogisticClassifier(l2=1.0, max_epochs=20, random_state=0).fit(X, y)
    assert np.linalg.norm(penalised.coef_) < np.linalg.norm(free.coef_)
