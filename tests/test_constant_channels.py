"""A channel constant in every training series, varying in a new one: warned.

Standardised, such a channel is 0 in every series the network learns from, so
its input weights never get a gradient; a new series that varies there is read
through random weights, and accuracy collapsed with no sign (measured, a
channel constant in training and varying in test: TAGM 0.94 -> 0.63, matching
network 0.96 -> 0.575). Every estimator with ``standardize=True`` says so at
predict time, through the one standardiser, and returns what it did before.
"""

import copy
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.persistence import load_weights, save_weights

from . import _registry
from ._registry import (
    ESTIMATORS,
    SEQUENCE_ESTIMATORS,
    estimator_id,
    estimator_output,
    targets_for,
)
from .test_persistence import _saved

STANDARDIZING = [e for e in SEQUENCE_ESTIMATORS
                 if e.get_params().get("standardize") is True]
CONSTANT = 5.0
HELD = f"held {CONSTANT!r} in every training series"


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=24, n_classes=2, n_channels=3, min_length=6, max_length=10,
        motif_length=4, noise=0.3, random_state=0,
    )
    X[:, :, 1] = np.where(np.isnan(X[:, :, 1]), np.nan, CONSTANT)  # stuck sensor
    varying = X.copy()
    varying[2, 3, 1] = 7.5  # observed: every series has at least 6 steps
    varying[5, 0, 1] = -1.0
    return X, np.array(["walk", "run"])[y], varying


def _fitted(estimator, data):
    X, y, _ = data
    est = clone(estimator)
    if "max_epochs" in est.get_params():
        est.set_params(max_epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not learned in 2 epochs, and the like
        return est.fit(X, targets_for(est, y))


def _ours(caught):
    return [w for w in caught if HELD in str(w.message)]


def _output_and_ours(est, X):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        output = estimator_output(est, X)
    return output, _ours(caught)


def _unwarned_output(est, X):
    """The output as before the check existed: the estimator without the
    record of its constant channels, which the check reads."""
    est = copy.deepcopy(est)
    del est._constant_values
    output, ours = _output_and_ours(est, X)
    assert not ours
    return output


@pytest.mark.parametrize("estimator", STANDARDIZING, ids=estimator_id)
def test_a_varying_constant_channel_is_warned_once_and_changes_nothing(
        estimator, data):
    X, _, varying = data
    est = _fitted(estimator, data)
    output, ours = _output_and_ours(est, X)  # the training series: as fitted
    assert not ours
    np.testing.assert_array_equal(output, _unwarned_output(est, X))
    output, ours = _output_and_ours(est, varying)
    assert len(ours) == 1, [str(w.message) for w in ours]
    message = str(ours[0].message)
    assert message.startswith("X's sample 2 has the value 7.5 at time step 3, "
                              f"channel 1, which {HELD}"), message
    assert "the model never learned to read that channel" in message
    assert "Drop the channel, or train on series in which it varies" in message
    # the line that called the estimator: estimator_output's, in _registry.py
    assert ours[0].filename == _registry.__file__
    np.testing.assert_array_equal(output, _unwarned_output(est, varying))


def test_every_constant_channel_that_varies_is_named(data):
    X, y, varying = data
    X3 = X.copy()
    X3[:, :, 2] = np.where(np.isnan(X[:, :, 2]), np.nan, CONSTANT)
    est = _fitted(ESTIMATORS[0], (X3, y, None))
    varying = varying.copy()
    varying[:, :, 2] = X3[:, :, 2]
    varying[4, 2, 2] = 0.0
    with pytest.warns(UserWarning, match="X's sample 2 .* channel 1, .*and so do "
                      "channel\\(s\\) \\[2\\]") as caught:
        est.predict(varying)
    assert len(_ours(caught)) == 1


def test_a_channel_constant_only_in_series_of_weight_0_counts_as_constant(data):
    # a series of weight 0 adds nothing to the loss, so teaches the channel
    # nothing: the channel is constant in what the network learned from
    X, y, varying = data
    weights = np.ones(len(X))
    weights[2] = 0.0
    est = clone(ESTIMATORS[0]).set_params(max_epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(_only_in(varying, 2), y, sample_weight=weights)
    with pytest.warns(UserWarning, match=HELD):
        est.predict(varying)


def _only_in(X, i):
    """``X`` with sample ``i``'s channel 1 as in the varying data, the others
    constant."""
    out = X.copy()
    keep = np.ones(len(X), dtype=bool)
    keep[i] = False
    out[keep, :, 1] = np.where(np.isnan(X[keep, :, 1]), np.nan, CONSTANT)
    return out


@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if e in STANDARDIZING],
                         ids=estimator_id)
def test_a_saved_model_keeps_the_warning(estimator, data):
    X, _, varying = data
    est = _fitted(estimator, data)
    loaded = load_weights(_saved(est))
    output, ours = _output_and_ours(loaded, X)
    assert not ours
    output, ours = _output_and_ours(loaded, varying)
    assert len(ours) == 1
    np.testing.assert_array_equal(output, _unwarned_output(est, varying))


def test_an_archive_without_the_record_loads_and_predicts_unwarned(data, tmp_path):
    # written by a version before the record existed: nothing known, nothing
    # warned, and the model predicts as it did
    _, _, varying = data
    est = _fitted(ESTIMATORS[0], data)
    expected = _unwarned_output(est, varying)
    del est._constant_values
    save_weights(est, tmp_path / "old.zip")
    loaded = load_weights(tmp_path / "old.zip")
    output, ours = _output_and_ours(loaded, varying)
    assert not ours
    np.testing.assert_array_equal(output, expected)
