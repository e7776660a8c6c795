"""scikit-learn's meta-estimators around a sequence classifier: which take it.

The classification guide ("Model selection") lists the meta-estimators that
work and those that refuse the ``(n, T, d)`` series; these tests hold it to
that list. A refusal is scikit-learn's own 2-D check (or its NaN check), not
ours: should a scikit-learn release start accepting the series, its test here
fails and the guide's list is to be updated.
"""

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    AdaBoostClassifier,
    BaggingClassifier,
    StackingClassifier,
    VotingClassifier,
)
from sklearn.frozen import FrozenEstimator
from sklearn.inspection import permutation_importance
from sklearn.model_selection import (
    FixedThresholdClassifier,
    TunedThresholdClassifierCV,
    cross_validate,
)
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.semi_supervised import SelfTrainingClassifier

from sktime_metric.classification import RNNClassifier
from sktime_metric.datasets import make_sequence_classification

# 2 epochs: these tests are about what the meta-estimators accept, not learning
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")


def _rnn(seed=0):
    return RNNClassifier(hidden_size=4, lr=3e-2, max_epochs=2, random_state=seed)


def _series(n_classes, min_length=8, max_length=12):
    X, y = make_sequence_classification(
        n_samples=24, n_classes=n_classes, min_length=min_length,
        max_length=max_length, motif_length=4, random_state=0)
    return X, np.array(["cat", "dog", "eel"])[y]  # string labels


# each: (the meta-estimator, the number of classes of its task)
WORKING = {
    "CalibratedClassifierCV": (lambda: CalibratedClassifierCV(_rnn(), cv=2), 3),
    "CalibratedClassifierCV(FrozenEstimator)": (
        lambda: CalibratedClassifierCV(
            FrozenEstimator(_rnn().fit(*_series(3))), cv=2), 3),
    "VotingClassifier": (lambda: VotingClassifier(
        [("a", _rnn(0)), ("b", _rnn(1))], voting="soft"), 3),
    "StackingClassifier": (lambda: StackingClassifier([("rnn", _rnn())], cv=2), 3),
    "OneVsRestClassifier": (lambda: OneVsRestClassifier(_rnn()), 3),
    "FixedThresholdClassifier": (
        lambda: FixedThresholdClassifier(_rnn(), threshold=0.3), 2),
    "TunedThresholdClassifierCV": (lambda: TunedThresholdClassifierCV(_rnn(), cv=2), 2),
}


@pytest.mark.parametrize("name", WORKING)
def test_meta_estimators_the_guide_lists_take_the_padded_series(name):
    make, n_classes = WORKING[name]
    X, y = _series(n_classes)
    assert np.isnan(X).any()  # variable lengths: NaN padding
    meta = make().fit(X, y)
    assert set(meta.predict(X)) <= set(y)
    proba = meta.predict_proba(X)
    assert proba.shape == (len(X), n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_multi_output_classifier_takes_the_series():
    X, y = _series(3)
    Y = np.c_[y, y == "cat"]
    assert MultiOutputClassifier(_rnn()).fit(X, Y).predict(X).shape == Y.shape


def test_cross_validate_scores_probabilities_of_string_labels():
    X, y = _series(3)
    scores = cross_validate(_rnn(), X, y, cv=2, return_train_score=True,
                            scoring=["roc_auc_ovr", "neg_log_loss",
                                     "balanced_accuracy"], error_score="raise")
    for key in ("test_roc_auc_ovr", "test_neg_log_loss", "train_neg_log_loss"):
        assert np.isfinite(scores[key]).all()


REFUSING = {
    "BaggingClassifier": lambda X, y: BaggingClassifier(_rnn(), n_estimators=2)
    .fit(X, y),
    "OneVsOneClassifier": lambda X, y: OneVsOneClassifier(_rnn()).fit(X, y),
    "SelfTrainingClassifier": lambda X, y: SelfTrainingClassifier(_rnn()).fit(X, y),
    "permutation_importance": lambda X, y: permutation_importance(
        _rnn().fit(X, y), X, y, n_repeats=1),
    "StackingClassifier(passthrough=True)": lambda X, y: StackingClassifier(
        [("rnn", _rnn())], cv=2, passthrough=True).fit(X, y),
}


@pytest.mark.parametrize("name", REFUSING)
def test_tools_that_read_a_2d_table_refuse_the_series(name):
    X, y = _series(3)
    with pytest.raises(ValueError, match="dim"):
        REFUSING[name](X, y)


def test_adaboost_takes_equal_length_series_only():
    # it checks X for NaN, the padding of shorter series
    with pytest.raises(ValueError, match="NaN"):
        AdaBoostClassifier(_rnn(), n_estimators=2).fit(*_series(3))
    X, y = _series(3, min_length=10, max_length=10)
    assert not np.isnan(X).any()
    boost = AdaBoostClassifier(_rnn(), n_estimators=2, random_state=0).fit(X, y)
    assert set(boost.predict(X)) <= set(y)
