"""When a classifier has learned, and how many steps a small training set gets.

What every classifier's ``fit`` shares about learning from small or hard data:
:func:`warn_if_not_learned` turns a fit that did not learn into scikit-learn's
``ConvergenceWarning`` (never a silent one-class predictor), against the
baseline of predicting the class frequencies (:func:`prior_cross_entropy`,
:func:`learning_baseline`); :func:`steps_batch_size` gives small training sets
enough optimiser steps per epoch; :func:`check_sample` is the seeded sample
a check scores. The regressors' check, against predicting the training mean,
is in ``_regressor_learning.py``. Documented as part of
:mod:`sktime_metric.base`, which re-exports them.
"""

import math

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from ._framing import short_series_noted
from .utils._warnings import warn
from .utils.validation import to_sequence_dataset

__all__ = [
    "learning_baseline",
    "prior_cross_entropy",
    "steps_batch_size",
    "warn_if_metric_not_learned",
    "warn_if_not_learned",
]

#: Training series a learned distance is checked on (a seeded sample of them):
#: the check costs ``m (m - 1) / 2`` distances, a coupled pass each for the
#: coupled GRU.
_METRIC_CHECK_SERIES = 100


def check_sample(rows, limit, random_state):
    """``rows``, or a seeded sample of ``limit`` of them (sorted): what a check scores."""
    rows = np.asarray(rows)
    if len(rows) <= limit:
        return rows
    return np.sort(np.random.RandomState(random_state).choice(rows, limit, replace=False))


def prior_cross_entropy(y_codes):
    """Cross-entropy (nats) of predicting the class frequencies of ``y_codes``.

    What a classifier that ignores its input achieves. A loss counts as better
    only below ``(1 - 1e-3)`` times it (:func:`learning_baseline`): within that
    margin the difference is rounding.

    Parameters
    ----------
    y_codes : array-like of int of shape (n_samples,)
        Encoded labels ``0 .. n_classes - 1``.

    Returns
    -------
    cross_entropy : float

    Examples
    --------
    >>> from sktime_metric.base import prior_cross_entropy
    >>> round(prior_cross_entropy([0, 1, 0, 1]), 4)  # log 2
    0.6931
    >>> round(prior_cross_entropy([0, 0, 0, 1]), 4)  # frequencies 3/4, 1/4
    0.5623
    >>> prior_cross_entropy([2, 2, 2])  # one class: nothing to predict
    0.0
    """
    counts = np.bincount(np.asarray(y_codes))
    prior = counts[counts > 0] / counts.sum()
    return float(-(prior * np.log(prior)).sum()) + 0.0  # +0.0: not -0.0 for one class


def learning_baseline(y_codes):
    """The training loss below which a classifier has learned something.

    Parameters
    ----------
    y_codes : array-like of int of shape (n_samples,)
        Encoded labels ``0 .. n_classes - 1``.

    Returns
    -------
    loss : float
        :func:`prior_cross_entropy` less a relative ``1e-3``.

    Examples
    --------
    >>> from sktime_metric.base import learning_baseline, prior_cross_entropy
    >>> y_codes = [0, 1, 0, 1]
    >>> round(prior_cross_entropy(y_codes), 4), round(learning_baseline(y_codes), 4)
    (0.6931, 0.6925)
    """
    return prior_cross_entropy(y_codes) * (1 - 1e-3)


def _clearly_above(accuracy, rate, n):
    """Whether an accuracy on ``n`` series is clearly above a guess's ``rate``.

    "Clearly": by more than two standard errors of the accuracy of a guesser
    right with probability ``rate`` (``2 sqrt(rate (1 - rate) / n)``, 0.15 at
    ``rate=0.2`` and ``n=30``), so that a handful of lucky series on a small
    training set does not count as learning.
    """
    return accuracy > rate + 2.0 * math.sqrt(rate * (1.0 - rate) / n) + 1e-9


def _balanced_clearly_above_chance(predicted, y_codes):
    """Balanced accuracy of ``predicted`` and whether it is clearly above chance.

    Balanced accuracy is the mean over the classes present in ``y_codes`` of
    each class's recall; predicting one class, or guessing, gives ``1 / k``
    for ``k`` classes whatever their frequencies. "Clearly": by more than two
    standard errors of the balanced accuracy of a guesser right on each series
    with probability ``1 / k`` (``sqrt(sum_c r (1 - r) / n_c) / k``, the
    standard error of :func:`_clearly_above` on balanced classes). On
    imbalanced classes, accuracy has to beat the most frequent class's share,
    which a classifier that does not favour the frequent class (a matching
    network's uniform class prior) cannot: measured, its defaults on 45
    against 5 training series reached 0.87 to 0.97 balanced test accuracy and
    were told that they did not learn.
    """
    y_codes, predicted = np.asarray(y_codes), np.asarray(predicted)
    present = np.unique(y_codes)
    k = len(present)
    recalls = np.array([(predicted[y_codes == c] == c).mean() for c in present])
    sizes = np.array([(y_codes == c).sum() for c in present])
    rate = 1.0 / k
    se = math.sqrt((rate * (1.0 - rate) / sizes).sum()) / k
    balanced = float(recalls.mean())
    return balanced, balanced > rate + 2.0 * se + 1e-9


def warn_if_not_learned(estimator, y_codes, logits, by="loss", hint=None):
    """Warn (scikit-learn's ``ConvergenceWarning``) when a classifier did not learn.

    A fit did not learn when it predicts one class for every training series
    although ``y`` has several, or when its training accuracy is not clearly
    above that of always predicting the most frequent class (by two standard
    errors, see :func:`_clearly_above`), nor its balanced training accuracy
    clearly above chance (``1 / n_classes``, see
    :func:`_balanced_clearly_above_chance`: on imbalanced classes a fit that
    does not favour the frequent class learns yet cannot beat its share) and,
    with ``by="loss"``, its
    cross-entropy on its training series is not clearly below that of
    predicting the class frequencies (what a model that ignores its input
    achieves): by the margin of :func:`learning_baseline` and by two standard
    errors of the per-series difference. The user hears of it rather than
    being handed a one-class predictor. A fit that ranks the classes clearly
    better than the majority but whose loss is still above the class
    frequencies' gets a different warning: it learned, but a few training
    series are misclassified with near certainty, so its probabilities are
    not calibrated (measured:
    ``HULMClassifier`` with the chapter's settings, ``length_normalize=False,
    lr=1e-2``, on UCR Beef, z-normalised, seed 0: training accuracy 0.63
    against 0.20 at a loss of 2.21 nats against 1.61; its defaults reach 0.70
    at 0.90 nats and get no warning). The loss is recomputed from the final
    model (eval mode, no penalty term), not read from the history, so
    regularisation, dropout and parameter averaging cannot mask or fake it.

    Parameters
    ----------
    estimator : object
        Named in the message.
    y_codes : ndarray of shape (n_samples,)
        Encoded training labels ``0 .. n_classes - 1``.
    logits : Tensor of shape (n_samples, n_classes)
        The fitted model's class scores (logits or log-probabilities) on its
        training series.
    by : {"loss", "accuracy"}, default="loss"
        "loss": the accuracy test and the cross-entropy test must both fail
        for "did not learn". "accuracy": the accuracy test alone, for models
        whose posterior cannot be confident by construction (a matching
        network's softmax over cosine similarities at a fixed temperature,
        over a support set of hundreds of series: measured on BasicMotions,
        0.975 leave-one-out training accuracy at a loss above the class
        frequencies').
    hint : str, default=None
        What to try, closing the "did not learn" message; None: the neural
        classifiers' (epochs, learning rate).

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import torch
    >>> from sklearn.dummy import DummyClassifier
    >>> from sktime_metric.base import warn_if_not_learned
    >>> y_codes = np.array([0, 1] * 10)  # 20 training series, two classes
    >>> one_class = torch.zeros(20, 2)
    >>> one_class[:, 0] = 1.0  # class 0 for every series
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_not_learned(DummyClassifier(), y_codes, one_class)
    >>> [w.category.__name__ for w in caught]
    ['ConvergenceWarning']
    >>> message = str(caught[0].message)
    >>> message.split(":")[0], "it predicts one class for all 20" in message
    ('DummyClassifier did not learn', True)
    >>> right = 4.0 * torch.eye(2)[y_codes]  # confident, right for every series
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_not_learned(DummyClassifier(), y_codes, right)
    >>> caught
    []
    """
    counts = np.bincount(y_codes, minlength=logits.shape[1])
    if (counts > 0).sum() < 2:
        return
    prior_loss = prior_cross_entropy(y_codes)
    per_series = torch.nn.functional.cross_entropy(
        logits.double(), torch.as_tensor(y_codes, dtype=torch.int64,
                                         device=logits.device),
        reduction="none").numpy()
    loss = float(per_series.mean())
    predicted = logits.argmax(dim=1)
    accuracy = float((predicted.numpy() == np.asarray(y_codes)).mean())
    majority = counts.max() / counts.sum()
    balanced, balanced_above = _balanced_clearly_above_chance(
        predicted.numpy(), y_codes)
    learned_to_rank = _clearly_above(accuracy, majority, len(y_codes)) or balanced_above
    beats_prior = loss < learning_baseline(y_codes)
    # ... and clearly, for "did not learn": each series' gain over the class
    # frequencies' loss, -log p(y_i) - loss_i, averages more than two of its
    # standard errors (measured: TAGM after 3 epochs on 100 classes of 2
    # series, training accuracy 0.01 = the majority's, came 0.17 % below the
    # frequencies' loss: past the 1e-3 margin, within two standard errors)
    gain = -np.log(counts[y_codes] / counts.sum()) - per_series
    clearly_beats_prior = beats_prior and gain.mean() > 2.0 * gain.std(ddof=1) / \
        math.sqrt(len(gain))
    name = type(estimator).__name__
    if hint is None:
        hint = ("Try more epochs (max_epochs), another learning rate (lr), or "
                "check that the series carry the class information.")
    if len(torch.unique(predicted)) == 1:
        reason = (
            f"it predicts one class for all {len(y_codes)} of its training series, "
            f"which have {int((counts > 0).sum())} classes"
        )
    elif not learned_to_rank and (by == "accuracy" or not clearly_beats_prior):
        reason = (
            f"its training accuracy ({accuracy:.4f}) is not clearly better than "
            f"predicting the most frequent class ({majority:.4f}), nor its "
            f"balanced accuracy ({balanced:.4f}) clearly better than chance "
            f"({1 / int((counts > 0).sum()):.4f})"
        )
        if by == "loss":
            reason += (
                f", nor its training loss ({loss:.4f}) clearly below that of "
                f"predicting the class frequencies ({prior_loss:.4f}; by two "
                "standard errors of the per-series difference)"
            )
    elif by == "loss" and not beats_prior:
        warn(
            f"{name}'s probabilities are over-confident: its training accuracy "
            f"({accuracy:.4f}) is above the most frequent class's ({majority:.4f}), "
            f"but its training loss ({loss:.4f}) is no better than predicting the "
            f"class frequencies ({prior_loss:.4f}): some training series are "
            "misclassified with near certainty. predict is usable; predict_proba "
            "is not calibrated. Try more epochs (max_epochs) or a lower learning "
            "rate (lr), or calibrate it (CalibratedClassifierCV).",
            ConvergenceWarning)
        return
    else:
        return
    warn(f"{name} did not learn: {reason}. {hint}", ConvergenceWarning)


# A training set smaller than this many batches of ``batch_size`` is cut into
# this many batches per epoch instead (see steps_batch_size).
_MIN_BATCHES_PER_EPOCH = 8


def steps_batch_size(batch_size, n_samples):
    """Rows per training step: ``batch_size``, smaller on small training sets.

    The epochs of a classifier are counted in passes over the data, so a
    training set of 36 series at ``batch_size=32`` gets 2 optimiser steps per
    epoch and 200 in a 100-epoch budget: measured, not enough for any of our
    classifiers to leave the uniform prediction on such UCR sets (ArrowHead:
    every one collapsed to one class). Rather than a step budget that would
    override ``max_epochs``, the batches shrink: a training set of fewer than
    ``8 * batch_size`` series is cut into 8 batches per epoch (InceptionTime's
    ``min(n / 10, 16)`` rule, Ismail Fawaz et al. 2020, has the same aim).
    Sets of ``8 * batch_size`` series and more train exactly as before.

    Parameters
    ----------
    batch_size : int
        The estimator's ``batch_size`` parameter: the largest batch.
    n_samples : int
        Training series.

    Returns
    -------
    int

    Examples
    --------
    >>> from sktime_metric.base import steps_batch_size
    >>> steps_batch_size(32, 36), steps_batch_size(32, 270), steps_batch_size(32, 3)
    (5, 32, 1)
    """
    return int(min(batch_size, max(1, math.ceil(n_samples / _MIN_BATCHES_PER_EPOCH))))


def warn_if_metric_not_learned(estimator, X, y_codes, random_state=0):
    """Warn (``ConvergenceWarning``) when a learned distance does not tell classes apart.

    The metric learners' counterpart of :func:`warn_if_not_learned`: a
    distance fitted from class labels has learned something when each
    training series' nearest other training series is of its class clearly
    more often (by two standard errors, :func:`_clearly_above`) than the most
    frequent class would be guessed, or when the balanced accuracy of these
    nearest-series guesses is clearly above chance
    (:func:`_balanced_clearly_above_chance`; on imbalanced classes a nearest
    neighbour cannot beat the most frequent class's share). Checked on at most
    :data:`_METRIC_CHECK_SERIES` training series (a seeded sample), through
    the estimator's own ``pairwise_distances`` (which does not warn again of
    series shorter than a framing learner's window: its fit has). Measured:
    the coupled GRU with the thesis's strong initial coupling on UCR CBF
    (loss stuck near its start) had 1-NN test accuracy 0.50 and gets this
    warning; with the defaults, 0.99 and none.

    Parameters
    ----------
    estimator : fitted metric learner
        With ``pairwise_distances(X)``; named in the message.
    X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        The training series as given to ``fit`` (``pairwise_distances``
        validates and prepares them).
    y_codes : ndarray of shape (n_samples,)
        Encoded training labels.
    random_state : int, default=0
        Seeds the sample of series.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from scipy.spatial.distance import cdist
    >>> from sktime_metric.base import warn_if_metric_not_learned
    >>> class MeanDistance:  # a "learned" distance: how far the series' means are
    ...     def pairwise_distances(self, X):
    ...         means = np.nanmean(X, axis=1)
    ...         return cdist(means, means)
    >>> X = np.arange(20.0)[:, None, None] * np.ones((1, 5, 1))  # 20 levels
    >>> by_level = np.repeat([0, 1], 10)  # the class follows the level
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_metric_not_learned(MeanDistance(), X, by_level)
    >>> caught
    []
    >>> alternating = np.tile([0, 1], 10)  # each nearest series: the other class
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_metric_not_learned(MeanDistance(), X, alternating)
    >>> [w.category.__name__ for w in caught]
    ['ConvergenceWarning']
    >>> str(caught[0].message).split(":")[0]
    'MeanDistance did not learn'
    """
    # here, not at the top: the metric package imports this module
    from .metric._shortlist import dense_distances

    y_codes = np.asarray(y_codes)
    if len(np.unique(y_codes)) < 2:
        return
    rows = check_sample(np.arange(len(y_codes)), _METRIC_CHECK_SERIES, random_state)
    y_sample = y_codes[rows]
    # any accepted input format (list, nested frame, ...) as one padded array
    sample = to_sequence_dataset(X)[rows]
    # the training series: a framing learner's fit has warned of those
    # shorter than its window already (one warning per fit)
    with short_series_noted():
        distances = estimator.pairwise_distances(sample)
    # a shortlisted neighbours graph: the pairs it leaves out are far
    distances = np.array(dense_distances(distances), dtype=float)
    np.fill_diagonal(distances, np.inf)  # leave each series out
    nearest = y_sample[distances.argmin(axis=1)]
    accuracy = float((nearest == y_sample).mean())
    counts = np.bincount(y_sample)
    majority = counts.max() / counts.sum()
    balanced, balanced_above = _balanced_clearly_above_chance(nearest, y_sample)
    if _clearly_above(accuracy, majority, len(rows)) or balanced_above:
        return
    warn(
        f"{type(estimator).__name__} did not learn: the nearest other training "
        f"series under its distance has the same class for {accuracy:.4f} of "
        f"{len(rows)} training series, not clearly more than predicting the "
        f"most frequent class ({majority:.4f}), nor in balanced accuracy "
        f"({balanced:.4f}) clearly more than chance "
        f"({1 / int((counts > 0).sum()):.4f}). Try more epochs (max_epochs), "
        "another learning rate (lr), or check that the series carry the class "
        "information.", ConvergenceWarning)
