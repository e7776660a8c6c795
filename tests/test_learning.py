"""When a fit counts as learned: ``warn_if_not_learned`` on hand-made logits,
``warn_if_metric_not_learned`` on hand-made distances (the regressors' check:
``test_regressor_learning.py``).

Each case builds the class scores (or the distances) a fitted classifier (or
metric learner) would give its own training series, so the verdict is checked
without training anything.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse
import torch
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.base import (
    warn_if_metric_not_learned,
    warn_if_not_learned,
)

Y = np.repeat(np.arange(5), 6)  # 30 series, 5 balanced classes: majority 0.2


def _logits(predicted, confidence):
    """Scores putting ``confidence`` nats on each series' predicted class."""
    logits = torch.zeros(len(predicted), 5, dtype=torch.float64)
    logits[torch.arange(len(predicted)), torch.as_tensor(predicted)] = confidence
    return logits


def _warnings(logits, by="loss"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_not_learned(object(), Y, logits, by=by)
    return [str(w.message) for w in caught if w.category is ConvergenceWarning]


def _right_on(n_right):
    """Predictions right on the first ``n_right`` series, one class off after."""
    predicted = Y.copy()
    predicted[n_right:] = (Y[n_right:] + 1) % 5
    return predicted


def test_a_calibrated_fit_that_learned_does_not_warn():
    assert _warnings(_logits(_right_on(27), 3.0)) == []


def test_one_class_for_every_series_did_not_learn():
    (message,) = _warnings(_logits(np.zeros_like(Y), 1.0))
    assert "did not learn" in message and "one class for all 30" in message


def test_uniform_scores_did_not_learn():
    # ties: argmax is class 0 for every series; the loss is exactly ln 5
    (message,) = _warnings(torch.zeros(30, 5, dtype=torch.float64))
    assert "did not learn" in message


@pytest.mark.parametrize("n_right", [6, 10])
def test_accuracy_within_two_standard_errors_of_the_majority_did_not_learn(n_right):
    # 2 sqrt(0.2 * 0.8 / 30) = 0.146: 10 of 30 (0.333) is not clearly above 0.2
    (message,) = _warnings(_logits(_right_on(n_right), 5.0))
    assert "did not learn" in message and "not clearly better" in message


def _decoyed(true_bonus):
    """Scores with every argmax wrong (a decoy class 0.01 above the true one,
    or above 0), the true class raised by ``true_bonus[i]`` nats."""
    logits = torch.zeros(30, 5, dtype=torch.float64)
    for i, (y, bonus) in enumerate(zip(Y, true_bonus)):
        logits[i, y] = bonus
        logits[i, (y + 1) % 5] = max(bonus, 0.0) + 0.01
    return logits


def test_a_loss_within_two_standard_errors_of_the_frequencies_did_not_learn():
    # accuracy 0, and a loss below ln 5 by more than the 1e-3 margin but by
    # less than two standard errors of the per-series gains (TAGM on 100
    # classes of 2 series, 3 epochs, came 0.17 % below with no warning)
    noisy = _decoyed(np.where(np.arange(30) % 2 == 0, 0.8, -0.4))
    losses = torch.nn.functional.cross_entropy(
        noisy, torch.as_tensor(Y), reduction="none").numpy()
    gain = np.log(5) - losses
    assert losses.mean() < np.log(5) * (1 - 1e-3)
    assert 0 < gain.mean() < 2 * gain.std(ddof=1) / np.sqrt(30)
    (message,) = _warnings(noisy)
    assert "did not learn" in message and "clearly below that of predicting" in message
    # the same mean gain on every series: clearly below, so it learned
    # something about the classes though never the argmax
    assert _warnings(_decoyed(np.full(30, 0.8))) == []


def test_a_loss_within_the_relative_margin_of_the_frequencies_did_not_learn():
    # every series' loss the same, 0.05 % below ln 5: clearly below by the
    # standard errors (which are 0), but inside the 1e-3 margin of rounding
    close = _decoyed(np.full(30, 0.005))
    losses = torch.nn.functional.cross_entropy(
        close, torch.as_tensor(Y), reduction="none").numpy()
    assert np.log(5) * (1 - 1e-3) < losses.mean() < np.log(5) * (1 - 2e-4)
    (message,) = _warnings(close)
    assert "did not learn" in message


def test_accuracy_is_compared_with_the_most_frequent_class_not_with_chance():
    # 24 series of class 0, 6 of class 1: always "0" is right on 0.8 of them.
    # Right on 25 (0.833) is far above chance (0.5) but not clearly above 0.8
    # (2 sqrt(0.8 * 0.2 / 30) = 0.146)
    y = np.r_[np.zeros(24, int), np.ones(6, int)]
    predicted = np.zeros(30, int)
    predicted[24] = 1
    (message,) = _warnings_by_accuracy(y, predicted, margin=1.0)
    assert "not clearly better than predicting the most frequent class (0.8000)" \
        in message


def _warnings_by_accuracy(y, predicted, margin):
    """The ConvergenceWarnings of a fit with these training predictions, its
    logits ``margin`` above 0 at each predicted class (``by="accuracy"``)."""
    logits = torch.zeros(len(y), 2, dtype=torch.float64)
    logits[torch.arange(len(y)), torch.as_tensor(predicted)] = margin
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_not_learned(object(), y, logits, by="accuracy")
    return [str(w.message) for w in caught if w.category is ConvergenceWarning]


def test_a_loss_between_one_and_two_standard_errors_did_not_learn():
    # a mean gain over the class frequencies of about 1.4 standard errors:
    # clear by one, not by two
    noisy = _decoyed(np.where(np.arange(30) % 2 == 0, 0.8, -0.28))
    losses = torch.nn.functional.cross_entropy(
        noisy, torch.as_tensor(Y), reduction="none").numpy()
    gain = np.log(5) - losses
    assert losses.mean() < np.log(5) * (1 - 1e-3)
    assert 1.2 < gain.mean() / (gain.std(ddof=1) / np.sqrt(30)) < 1.7
    (message,) = _warnings(noisy)
    assert "did not learn" in message and "clearly below that of predicting" in message


def test_over_confident_mistakes_are_named_not_called_no_learning():
    # 16 of 30 right (0.533, HULM on UCR Beef) at 8 nats of confidence: the
    # loss (about 3.7) is above ln 5 = 1.61, but the classes are ranked
    (message,) = _warnings(_logits(_right_on(16), 8.0))
    assert "over-confident" in message and "did not learn" not in message


def test_by_accuracy_ignores_the_loss():
    assert _warnings(_logits(_right_on(16), 8.0), by="accuracy") == []
    (message,) = _warnings(_logits(_right_on(10), 0.01), by="accuracy")
    assert "did not learn" in message and "nor its training loss" not in message


# -- metric learners: leave-one-out 1-NN on the learned distances -------------


class _Distances:
    """A fitted metric learner's stand-in: ``pairwise_distances`` of points on a
    line (series ``i`` sits at ``position[i]``), recording the rows it got."""

    def __init__(self, position, sparse_k=None):
        self.position, self.sparse_k, self.asked = position, sparse_k, None

    def pairwise_distances(self, X):
        self.asked = np.asarray(X)[:, 0, 0].astype(int)  # each series' index
        p = self.position[self.asked]
        D = np.abs(p[:, None] - p[None, :])
        if self.sparse_k is None:
            return D
        # a shortlisted graph: each row keeps its k nearest (itself included)
        keep = np.argsort(D, axis=1)[:, : self.sparse_k]
        rows = np.repeat(np.arange(len(p)), self.sparse_k)
        return scipy.sparse.csr_matrix((D[rows, keep.ravel()], (rows, keep.ravel())),
                                       shape=D.shape)


def _metric_warnings(estimator, y):
    X = np.arange(len(y), dtype=float)[:, None, None]  # series i holds i
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_metric_not_learned(estimator, X, y)
    return [str(w.message) for w in caught if w.category is ConvergenceWarning]


@pytest.mark.parametrize("sparse_k", [None, 3])
def test_a_distance_that_groups_the_classes_does_not_warn(sparse_k):
    # each class's series lie together on the line: every nearest is same-class
    assert _metric_warnings(_Distances(Y * 10.0 + np.arange(30) % 6, sparse_k), Y) == []


def test_a_distance_blind_to_the_classes_did_not_learn():
    # series placed in order 0..29 while the classes cycle: the nearest other
    # series (one step away) never has the same class
    (message,) = _metric_warnings(_Distances(np.arange(30.0)), np.arange(30) % 5)
    assert "did not learn" in message and "0.0000 of 30" in message


def test_the_metric_check_compares_with_the_most_frequent_class_not_chance():
    # 24 series of class 0 in close pairs (each one's nearest is its partner),
    # 6 of class 1 each nearer a class-0 series than any other of class 1:
    # 24 of 30 (0.8) right, far above chance (0.5), but no better than always
    # guessing class 0 (0.8)
    position = np.r_[np.arange(12)[:, None] * 10.0 + [0.0, 1.0]].ravel()
    position = np.r_[position, np.arange(6) * 10.0 + 5.0]
    y = np.r_[np.zeros(24, int), np.ones(6, int)]
    (message,) = _metric_warnings(_Distances(position), y)
    assert "0.8000 of 30" in message and "most frequent class (0.8000)" in message


def test_the_metric_check_reads_a_seeded_sample_of_at_most_100_series():
    y = np.arange(250) % 2
    estimator = _Distances(y * 1000.0 + np.arange(250))
    assert _metric_warnings(estimator, y) == []
    first = estimator.asked
    assert len(first) == 100 and len(np.unique(first)) == 100
    _metric_warnings(estimator, y)
    assert np.array_equal(estimator.asked, first)


def test_the_hint_closes_the_message_in_place_of_the_neural_one():
    # FisherKernelClassifier and RoutineClusterer name their own parameters
    predicted = np.zeros(len(Y), int)  # one class for all: did not learn
    for hint, expected, absent in (
            (None, "Try more epochs (max_epochs), another learning rate (lr), or "
             "check that the series carry the class information.", "penalty"),
            ("Try another penalty (C).", "Try another penalty (C).", "max_epochs")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_if_not_learned(object(), Y, _logits(predicted, 3.0), hint=hint)
        (message,) = [str(w.message) for w in caught
                      if w.category is ConvergenceWarning]
        assert message.endswith(expected) and absent not in message


# -- imbalanced classes: balanced accuracy above chance also counts as learned --

Y_IMBALANCED = np.r_[np.zeros(45, int), np.ones(5, int)]  # 90 / 10


def _imbalanced_predictions():
    # every minority series right, 8 of 45 majority series called minority:
    # accuracy 0.84 (below the majority's 0.90), balanced accuracy 0.91 (far
    # above 0.5): what the matching network's defaults (uniform class prior)
    # gave on 45 against 5 training series, at 0.87-0.97 balanced test accuracy
    predicted = Y_IMBALANCED.copy()
    predicted[:8] = 1
    return predicted


def test_an_imbalanced_fit_above_chance_in_balanced_accuracy_learned():
    # logits 0.1 apart: uncalibrated, as the matching network's
    assert _warnings_by_accuracy(Y_IMBALANCED, _imbalanced_predictions(), 0.1) == []


def test_an_imbalanced_fit_that_always_predicts_one_side_did_not_learn():
    # one minority series right, the rest majority: accuracy 0.92, balanced
    # 0.6, within two standard errors (0.236) of 0.5
    predicted = np.zeros(50, int)
    predicted[45] = 1
    (message,) = _warnings_by_accuracy(Y_IMBALANCED, predicted, 0.1)
    assert "did not learn" in message and "balanced accuracy (0.6000)" in message


class _Points:
    """A metric learner's stand-in: Euclidean distances of 2-D points (series
    ``i`` sits at ``points[i]``)."""

    def __init__(self, points):
        self.points = points

    def pairwise_distances(self, X):
        p = self.points[np.asarray(X)[:, 0, 0].astype(int)]
        return np.sqrt(((p[:, None] - p[None, :]) ** 2).sum(axis=2))


def test_an_imbalanced_distance_above_chance_in_balanced_accuracy_learned():
    # the 5 minority series in a tight cluster (nearest other: 0.71 away);
    # 8 majority series on a circle of radius 2 around it (nearest minority
    # 1.29 away, nearest majority 1.53); 37 majority series far off in a row.
    # Nearest-series accuracy 42 / 50 = 0.84, below the majority's 0.90;
    # balanced accuracy (37 / 45 + 1) / 2 = 0.91, far above 0.5
    minority = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]])
    angles = np.arange(8) * np.pi / 4
    ring = 0.5 + 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    row = np.c_[100.0 + np.arange(37), np.full(37, 100.0)]
    points = np.r_[ring, row, minority]
    assert _metric_warnings(_Points(points), Y_IMBALANCED) == []
    # the same, but the minority scattered among the row: balanced 0.41
    scattered = np.r_[ring, row, row[:5] + [0.0, 0.1]]
    (message,) = _metric_warnings(_Points(scattered), Y_IMBALANCED)
    assert "did not learn" in message and "balanced accuracy" in message
