"""scikit-learn's estimator checks over every estimator of the registry.

Expected failures are strict (``xfail_strict`` in pyproject.toml): a check
declared to fail that passes is an error, so the declarations stay exact.
Checks whose verdict depends on the CPU's float kernels are skipped with their
reason instead (``kernel_dependent_checks``).
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    estimator_checks_generator,
    parametrize_with_checks,
)

from ._registry import (
    INTERACTION_LOG_ESTIMATORS,
    PRECOMPUTED_ESTIMATORS,
    PRECOMPUTED_EXPECTED_FAILED_CHECKS,
    SEQUENCE_ESTIMATORS,
    VECTOR_ESTIMATORS,
    contract_data,
    estimator_id,
    estimator_output,
    expected_failed_checks,
    interaction_log_expected_failed_checks,
    iteration_budget,
    kernel_dependent_checks,
    targets_for,
)


def _check_name(check):
    return getattr(check, "func", check).__name__


def _sequence_checks():
    """``(estimator, check)`` params: strict xfail or skip where declared."""
    for estimator in SEQUENCE_ESTIMATORS:
        xfail = expected_failed_checks(estimator)
        skip = kernel_dependent_checks(estimator)
        for est, check in estimator_checks_generator(estimator, mark=None):
            name = _check_name(check)
            marks = []
            if name in skip:
                marks = [pytest.mark.skip(reason=skip[name])]
            elif name in xfail:
                marks = [pytest.mark.xfail(reason=xfail[name], strict=True)]
            yield pytest.param(est, check, marks=marks,
                               id=f"{estimator_id(estimator)}-{name}")


@pytest.mark.parametrize("estimator, check", list(_sequence_checks()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(VECTOR_ESTIMATORS)
def test_sklearn_compatible_vector_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(
    PRECOMPUTED_ESTIMATORS,
    expected_failed_checks=lambda estimator: PRECOMPUTED_EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_precomputed_estimator(estimator, check):
    check(estimator)


@parametrize_with_checks(
    INTERACTION_LOG_ESTIMATORS,
    expected_failed_checks=interaction_log_expected_failed_checks,
)
def test_sklearn_compatible_interaction_log_estimator(estimator, check):
    check(estimator)


# -- a refit is a fresh fit ----------------------------------------------------
#
# scikit-learn's rule: fit starts afresh, so fit, set_params and fit again
# leave what a clone fitted with the second parameters leaves. The first fit
# sets what the second does not: channel statistics (standardize=True), a
# KISSME head (Seq2SeqEmbedder), a video's frame_shape_, a recording's windows
# statistics; on other data (3 channels, 2 classes), so that n_features_in_ and
# classes_ must follow the second. Each of these outlived a refit once.

def _other_series():
    from sktime_metric.datasets import make_sequence_classification

    X, y = make_sequence_classification(
        n_samples=12, n_classes=2, n_channels=3, min_length=5, max_length=9,
        motif_length=3, noise=0.3, random_state=1)
    return X, np.array(["a", "b"])[y]


def _videos():
    rng = np.random.RandomState(0)
    return rng.rand(8, 4, 24, 24), rng.rand(8)


def _recording():
    from sktime_metric.datasets import make_routines

    X, t, _, _ = make_routines(2, step=360, jitter=0, missing_probability=0.0,
                               skip_probability=0.0, random_state=0)
    return (X,), {"timestamps": t}


def _distances():
    points = np.arange(30.0)
    return (np.abs(points[:, None] - points[None]) % 7,), {}


def _series_case(estimator):
    """``(first params, (args, kwargs) of the first fit, second params, the
    second fit's)`` for a sequence estimator."""
    X, y = contract_data()
    second = (X[::4], targets_for(estimator, y[::4])), {}
    X1, y1 = _other_series()
    first = (X1, targets_for(estimator, y1)), {}
    first_params, second_params = {"standardize": True}, {"standardize": False}
    name = type(estimator).__name__
    if name == "Seq2SeqEmbedder":  # a KISSME head, then none
        first_params, second_params = ({**first_params, "metric": "kissme"},
                                       {**second_params, "metric": "euclidean"})
    if name == "AttentionSequenceRegressor":  # videos, then feature series
        first_params = {**first_params, "input_type": "frames",
                        "cnn_channels": (2, 2, 2), "cnn_fc_size": 4}
        first = _videos(), {}
    return first_params, first, second_params, second


def _refit_cases():
    """Each estimator's two configurations; the second sets back every first
    parameter it does not name."""
    cases = [(estimator, *_series_case(estimator))
             for estimator in SEQUENCE_ESTIMATORS]
    # the routine clusterer: a standardised recording, then distances
    cases += [(estimator, {"metric": "euclidean", "seq_len": 10}, _recording(),
               {"metric": "precomputed"}, _distances())
              for estimator in PRECOMPUTED_ESTIMATORS]
    for estimator, first_params, first, second_params, second in cases:
        params = estimator.get_params()
        second_params = {**{k: params[k] for k in first_params}, **second_params}
        fast = clone(estimator).set_params(**iteration_budget(estimator, 2))
        yield pytest.param(fast, first_params, first,
                           second_params, second, id=estimator_id(estimator))


def _fit_output(estimator, args, kwargs):
    if hasattr(estimator, "project"):  # RVSML: projected sequences
        return estimator.fit(*args, **kwargs).project(args[0][:4])
    if not hasattr(estimator, "predict") and not hasattr(estimator, "transform"):
        return estimator.fit(*args, **kwargs).labels_  # a clusterer
    return estimator_output(estimator.fit(*args, **kwargs), args[0])


def _fitted_names(estimator):
    return sorted(name for name in vars(estimator)
                  if name.endswith("_") and not name.startswith("_"))


# the tiny fits learn nothing: their "did not learn" warnings say so
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("estimator, first_params, first, second_params, second",
                         list(_refit_cases()))
def test_refit_after_set_params_equals_a_fresh_fit(estimator, first_params, first,
                                                   second_params, second):
    refitted = clone(estimator).set_params(**first_params)
    refitted.fit(*first[0], **first[1])
    refitted.set_params(**second_params)
    output = _fit_output(refitted, *second)
    fresh = clone(estimator).set_params(**second_params)
    expected = _fit_output(fresh, *second)
    assert _fitted_names(refitted) == _fitted_names(fresh)
    for name in ("n_features_in_", "classes_"):
        if hasattr(fresh, name):
            np.testing.assert_array_equal(getattr(refitted, name), getattr(fresh, name))
    # the same seed, data and machine: the very same numbers
    np.testing.assert_array_equal(output, expected)


# -- a failed refit leaves no model --------------------------------------------
#
# Every fit forgets the earlier fit before it reads any data: a refit that
# refuses its data leaves an unfitted estimator, not the earlier model (with
# whatever the failed fit had set beside it) that the caller believes replaced.

def _with_inf(X):
    X = np.array(X, dtype=float)
    X[0, 0, 0] = np.inf
    return X


def _failed_refit_cases():
    from .recommendation._synthetic import drifting_log

    X, y = contract_data()
    pairs = np.array([[0, 1], [0, 2], [1, 2], [3, 4]])
    pair_labels = np.array([1, 0, 0, 1])
    for estimator in SEQUENCE_ESTIMATORS:
        params = estimator.get_params()
        est = clone(estimator).set_params(**iteration_budget(estimator, 2))
        good = (X[::4], targets_for(est, y[::4]))
        yield pytest.param(est, good, "fit", (_with_inf(X[::4]), good[1]),
                           id=estimator_id(estimator))
        if hasattr(est, "fit_pairs") and params.get("loss") != "triplet":
            if type(est).__name__ == "CoupledGRUMetric":  # its fit_pairs' setting
                est = clone(est).set_params(loss="contrastive", early_stopping=False)
            yield pytest.param(est, good, "fit_pairs",
                               (_with_inf(X[::4]), pairs, pair_labels),
                               id=f"{estimator_id(estimator)}-fit_pairs")
    vectors = np.random.RandomState(0).randn(20, 3)
    labels = np.arange(20) % 2
    for estimator in VECTOR_ESTIMATORS:
        bad = vectors.copy()
        bad[0, 0] = np.inf
        yield pytest.param(clone(estimator), (vectors, labels), "fit", (bad, labels),
                           id=estimator_id(estimator))
        yield pytest.param(clone(estimator), (vectors, labels), "fit_pairs",
                           (np.stack([bad[:10], bad[10:]], axis=1), labels[:10]),
                           id=f"{estimator_id(estimator)}-fit_pairs")
    (distances,), _ = _distances()
    for estimator in PRECOMPUTED_ESTIMATORS:
        yield pytest.param(clone(estimator), (distances,), "fit", (-distances,),
                           id=estimator_id(estimator))
    log, ratings = drifting_log(n_users=6, n_items=4, n_per_user=6)
    for estimator in INTERACTION_LOG_ESTIMATORS:
        yield pytest.param(clone(estimator), (log, ratings), "fit",
                           (log[:, :2], ratings), id=estimator_id(estimator))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("estimator, good, method, bad", list(_failed_refit_cases()))
def test_a_refit_that_refuses_its_data_leaves_no_earlier_model(estimator, good,
                                                               method, bad):
    estimator.fit(*good)
    assert _fitted_names(estimator)
    with pytest.raises(ValueError):
        getattr(estimator, method)(*bad)
    # nothing survives, not even what the fit derives from its parameters
    # before reading the data (RoutineClusterer's n_slots_, the regressor's
    # input_type_ were)
    assert _fitted_names(estimator) == []
