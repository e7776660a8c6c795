"""cdist_dtw_padded: tslearn's cdist_dtw, the same numbers, padded or not."""

import numpy as np
import pytest
from tslearn.metrics import cdist_dtw

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.utils._dtw import cdist_dtw_padded


@pytest.fixture(scope="module")
def padded():
    X, _ = make_sequence_classification(n_samples=14, n_classes=2, n_channels=2,
                                        min_length=8, max_length=14, random_state=0)
    assert np.isnan(X).any()
    return X


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_padded_series_give_cdist_dtws_matrices_exactly(padded, n_jobs):
    X = padded
    np.testing.assert_array_equal(cdist_dtw_padded(X, n_jobs=n_jobs), cdist_dtw(X))
    np.testing.assert_array_equal(cdist_dtw_padded(X[:5], X[5:], n_jobs=n_jobs),
                                  cdist_dtw(X[:5], X[5:]))


def test_unpadded_and_mixed_inputs(padded):
    rng = np.random.default_rng(0)
    W = rng.normal(size=(6, 8, 2))
    np.testing.assert_array_equal(cdist_dtw_padded(W), cdist_dtw(W))
    np.testing.assert_array_equal(cdist_dtw_padded(W, padded), cdist_dtw(W, padded))
    np.testing.assert_array_equal(cdist_dtw_padded(padded, W), cdist_dtw(padded, W))


def test_padded_inputs_never_go_through_cdist_dtw(padded, monkeypatch):
    # cdist_dtw cuts every pair's padding again (the cost this module saves):
    # it runs only when neither X nor Y holds padding
    import tslearn.metrics

    expected = cdist_dtw(padded), cdist_dtw(padded[:5], padded[5:])
    W = np.random.default_rng(0).normal(size=(6, 8, 2))
    mixed = cdist_dtw(W, padded)

    def refused(*args, **kwargs):
        raise AssertionError("cdist_dtw called on padded series")

    monkeypatch.setattr(tslearn.metrics, "cdist_dtw", refused)
    np.testing.assert_array_equal(cdist_dtw_padded(padded), expected[0])
    np.testing.assert_array_equal(cdist_dtw_padded(padded[:5], padded[5:]), expected[1])
    np.testing.assert_array_equal(cdist_dtw_padded(W, padded), mixed)
