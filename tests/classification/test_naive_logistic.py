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
    """softmax(W pool_t(x_t) + c) in numpy, from the fitted weights, x_t the
    windows of ``window_`` steps (stride 1; a shorter series repeats its last
    step)."""
    Z = (X - clf.mean_) / clf.scale_ if clf.standardize else X
    k = clf.window_
    pooled = []
    for z, n in zip(Z, sequence_lengths(X)):
        z = np.concatenate([z[:n], np.repeat(z[n - 1:n], max(0, k - n), axis=0)])
        windows = np.array([z[t:t + k].ravel() for t in range(len(z) - k + 1)])
        pooled.append(windows.sum(axis=0) / (len(windows)
                                             if clf.pooling == "mean" else 1))
    return softmax(np.array(pooled) @ clf.coef_.T + clf.intercept_, axis=1)


@pytest.mark.parametrize("pooling", ["sum", "mean"])
@pytest.mark.parametrize("standardize, window", [(True, 1), (False, 1), (True, 3),
                                                 (True, 8)])
def test_probabilities_are_the_softmax_of_the_pooled_linear_scores(
        data, pooling, standardize, window):
    X, y = data
    clf = NaiveLogisticClassifier(pooling=pooling, standardize=standardize,
                                  window=window, max_epochs=10,
                                  random_state=0).fit(X, y)
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
        clf = NaiveLogisticClassifier(pooling=pooling, standardize=False, window=1,
                                      max_epochs=5, random_state=0).fit(X, y)
        pooled = np.nansum(X, axis=1)
        if pooling == "mean":
            pooled = pooled / lengths[:, None]
        expected = softmax(factor * pooled @ clf.coef_.T + clf.intercept_, axis=1)
        np.testing.assert_allclose(clf.predict_proba(twice), expected,
                                   rtol=1e-5, atol=1e-6)


def test_windows_see_the_ends_of_z_normalised_series():
    # every series sums to 0 over time: without windows the sum is 0 for all,
    # with windows of 3 the first and last steps show (here: rising vs falling)
    t = np.linspace(-1, 1, 20)
    X = np.concatenate([t + 0.1 * np.sin(7 * t * (i + 1)) for i in range(10)]
                       + [-t + 0.1 * np.sin(7 * t * (i + 1)) for i in range(10)])
    X = X.reshape(20, 20, 1)
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    y = np.repeat(["up", "down"], 10)
    with pytest.warns(Warning, match="did not learn"):
        NaiveLogisticClassifier(window=1, max_epochs=20, random_state=0).fit(X, y)
    clf = NaiveLogisticClassifier(window=3, max_epochs=20, random_state=0).fit(X, y)
    assert clf.score(X, y) == 1.0


def test_l2_shrinks_the_weights(data):
    X, y = data
    free = NaiveLogisticClassifier(max_epochs=20, random_state=0).fit(X, y)
    penalised = NaiveLogisticClassifier(l2=1.0, max_epochs=20, random_state=0).fit(X, y)
    assert np.linalg.norm(penalised.coef_) < np.linalg.norm(free.coef_)


def test_l2_penalty_is_on_the_weights_not_the_bias():
    import torch

    from sktime_metric.nn import NaiveLogisticModule

    module = NaiveLogisticModule(2, 3, l2=0.5)
    with torch.no_grad():
        module.linear.weight.copy_(torch.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.0]]))
        module.linear.bias.copy_(torch.tensor([10.0, -10.0, 5.0]))
    assert module.penalty().item() == pytest.approx(0.5 * 15.0)
