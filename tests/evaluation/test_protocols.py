"""Pair AUC and one-shot protocols against brute force, for learners and DTW alike."""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from tslearn.metrics import dtw

from sktime_metric.evaluation import (
    class_disjoint_split,
    class_split,
    clustering_scores,
    few_shot_episodes,
    few_shot_evaluate,
    one_shot_accuracy,
    pair_auc,
    precomputed_silhouette,
    routine_scores,
)
from sktime_metric.metric import SiameseRNNEmbedder
from sktime_metric.utils import sequence_lengths


def _mean_gap(u, v):
    """A toy distance between two series of any lengths."""
    return abs(u.mean() - v.mean())


def _strip(X):
    return [x[:n] for x, n in zip(X, sequence_lengths(X))]


def _brute_auc(distance, X, y):
    series = _strip(X)
    pairs = list(itertools.combinations(range(len(X)), 2))
    labels = [y[i] == y[j] for i, j in pairs]
    return roc_auc_score(labels, [-distance(series[i], series[j]) for i, j in pairs])


def test_class_disjoint_split():
    y = np.array([3, 1, 2, 1, 3, 2])
    train, test = class_disjoint_split(y, 2)
    assert train.tolist() == [1, 2, 3, 5] and test.tolist() == [0, 4]
    train, test = class_disjoint_split(y, [3])
    assert train.tolist() == [0, 4]
    with pytest.raises(ValueError, match="must leave training and test classes"):
        class_disjoint_split(y, 3)
    with pytest.raises(ValueError, match="must leave training and test classes"):
        class_disjoint_split(y, 0)


@pytest.mark.parametrize("train_classes, match", [
    # a class not among the labels (a typo, a string for a number, a missing
    # value) silently trained on fewer classes: the split of [1, "4"] was
    # that of [1]
    ([1, "4"], r"lists \['4'\], not among the 3 classes of y"),
    (["1"], r"lists \['1'\], not among"),
    ([1, 4, None], r"lists \[4, None\], not among"),
    ([2, pd.NA], r"lists \[<NA>\], not among"),
    # a class twice, as itself or as an equal number
    ([1, 2, 1], r"lists \[1\] more than once"),
    ([2, 2.0], r"lists \[2\] more than once"),
    # every class: no test rows; none: no training rows
    ([3, 1, 2], "lists 3 of the 3 classes of y, which leaves no test class"),
    ([], "lists 0 of the 3 classes of y, which leaves no training class"),
])
def test_class_disjoint_split_refuses_listed_classes_that_are_not_a_split(
        train_classes, match):
    y = np.array([3, 1, 2, 1, 3, 2])
    with pytest.raises(ValueError, match=match):
        class_disjoint_split(y, train_classes)


def test_class_disjoint_split_takes_listed_classes_in_any_container():
    y = np.array(["b", "a", "c", "a"])
    expected = ([0, 1, 3], [2])
    for listed in (["a", "b"], ("b", "a"), np.array(["a", "b"]), pd.Series(["b", "a"]),
                   {"a", "b"}):
        train, test = class_disjoint_split(y, listed)
        assert (train.tolist(), test.tolist()) == expected
    train, test = class_disjoint_split(y, "c")  # one class, as a scalar
    assert (train.tolist(), test.tolist()) == ([2], [0, 1, 3])


@pytest.mark.parametrize("metric", [_mean_gap, "dtw"])
def test_pair_auc_over_all_pairs_matches_brute_force(metric, data):
    X, y = data
    distance = metric if callable(metric) else dtw
    assert pair_auc(metric, X, y) == pytest.approx(_brute_auc(distance, X, y))


def test_pair_auc_of_a_learner_scores_all_pairs_with_its_distance(data):
    X, y = data
    srn = SiameseRNNEmbedder(hidden_size=4, n_pairs=50, max_epochs=1, random_state=0)
    srn.fit(X, y)
    D = srn.pairwise_distances(X)
    i, j = np.triu_indices(len(X), k=1)
    assert pair_auc(srn, X, y) == pytest.approx(roc_auc_score(y[i] == y[j], -D[i, j]))
    # anything with pair_score only is accepted as well

    class ScoreOnly:
        def pair_score(self, X1, X2):
            return srn.pair_score(X1, X2)

    assert pair_auc(ScoreOnly(), X, y) == pytest.approx(pair_auc(srn, X, y))
    np.testing.assert_allclose(
        one_shot_accuracy(ScoreOnly(), X, y), one_shot_accuracy(srn, X, y)
    )


def test_pair_auc_subsamples_and_takes_explicit_pairs(data):
    X, y = data
    full = pair_auc(_mean_gap, X, y)
    sub = pair_auc(_mean_gap, X, y, max_pairs=100, random_state=1)
    assert sub != full and sub == pair_auc(_mean_gap, X, y, max_pairs=100, random_state=1)
    pairs = np.array([[0, 1], [2, 3], [4, 5], [6, 7]])
    labels = np.array([1, 0, 1, 0])
    series = _strip(X)
    expected = roc_auc_score(labels, [-_mean_gap(series[i], series[j]) for i, j in pairs])
    assert pair_auc(_mean_gap, X, pairs=pairs, pair_labels=labels) == pytest.approx(expected)
    # DTW through the per-pair path gives what the matrix path gives
    assert pair_auc("dtw", X, y, max_pairs=60) == pytest.approx(
        pair_auc(lambda u, v: dtw(u, v), X, y, max_pairs=60)
    )


def test_pair_auc_errors(data):
    X, y = data
    with pytest.raises(ValueError, match="only metric name is 'dtw'"):
        pair_auc("euclidean", X, y)
    with pytest.raises(TypeError, match="^metric must be a metric learner .*, a "
                       "transformer whose transform embeds each series"):
        pair_auc(object(), X, y)
    with pytest.raises(ValueError, match="needs labels y"):
        pair_auc("dtw", X)
    with pytest.raises(ValueError, match="needs similar and dissimilar pairs"):
        pair_auc(_mean_gap, X[:3], ["a", "b", "c"])

    # explicit pairs of one kind are refused before any distance is computed
    def no_distance(u, v):
        raise AssertionError("a distance was computed")

    with pytest.raises(ValueError, match="got 2 similar and 0 dissimilar"):
        pair_auc(no_distance, X, pairs=[[0, 1], [1, 2]], pair_labels=[1, 1])
    # labels are checked against the series (one short would pair the
    # first 23 series only, silently)
    with pytest.raises(ValueError, match="X has 24 series but y has 23 labels"):
        pair_auc(_mean_gap, X, y[:-1])


def test_one_shot_accuracy_matches_brute_force(data):
    X, y = data
    acc = one_shot_accuracy(_mean_gap, X, y, random_state=0)
    classes = np.unique(y)
    assert acc.shape == (min(np.sum(y == c) for c in classes),)
    # replay round 0 by hand
    rng = np.random.RandomState(0)
    references = [rng.permutation(np.flatnonzero(y == c))[0] for c in classes]
    series = _strip(X)
    right = [
        classes[np.argmin([_mean_gap(series[q], series[r]) for r in references])] == y[q]
        for q in range(len(X)) if q not in references
    ]
    assert acc[0] == pytest.approx(np.mean(right))
    assert one_shot_accuracy(_mean_gap, X, y, n_rounds=3).shape == (3,)


def test_one_shot_accuracy_measures_from_each_query_to_the_references(data):
    # an asymmetric measure, given as a callable or as a learner with only
    # pair_score: both are d(query, reference), not d(reference, query)
    X, y = data

    def last_frame_gap(u, v):
        return abs(u.mean() - v[-1].mean())

    class ScoreOnly:
        def pair_score(self, X1, X2):
            return -np.array([last_frame_gap(u, v)
                              for u, v in zip(_strip(X1), _strip(X2))])

    acc = one_shot_accuracy(last_frame_gap, X, y)
    np.testing.assert_array_equal(one_shot_accuracy(ScoreOnly(), X, y), acc)
    flipped = one_shot_accuracy(lambda u, v: last_frame_gap(v, u), X, y)
    assert not np.array_equal(flipped, acc)


def test_one_shot_rounds_cycle_through_the_smaller_classes():
    # classes of 2, 3 and 4 series, 5 rounds: round 4 takes series 4 % 2 = 0,
    # 4 % 3 = 1 and 4 of each class's permutation
    y = np.repeat([0, 1, 2], [2, 3, 4])
    X = np.arange(9.0)[:, None, None] * np.ones((1, 3, 1))

    def gap(u, v):
        return abs(u[0, 0] - v[0, 0])

    acc = one_shot_accuracy(gap, X, y, n_rounds=5, random_state=0)
    rng = np.random.RandomState(0)
    permutations = [rng.permutation(np.flatnonzero(y == c)) for c in range(3)]
    references = [p[4 % len(p)] for p in permutations]
    right = [np.argmin([gap(X[q], X[r]) for r in references]) == y[q]
             for q in range(9) if q not in references]
    assert acc.shape == (5,) and acc[4] == np.mean(right)


def test_each_round_takes_its_own_reference_of_each_class():
    # class "a": two equal series; class "b": series at 1, 10 and 100. A
    # round's accuracy says which "b" series was its reference (1: all three
    # queries right, 10: two, 100: one), so the rounds past the smaller
    # class's size show that each class cycles through its own permutation
    y = np.array(["a", "a", "b", "b", "b"])
    X = np.array([0.0, 0.0, 1.0, 10.0, 100.0])[:, None, None] * np.ones((1, 2, 1))
    acc = one_shot_accuracy(lambda u, v: abs(u[0, 0] - v[0, 0]), X, y,
                            n_rounds=6, random_state=3)
    rng = np.random.RandomState(3)
    rng.permutation([0, 1])
    b = rng.permutation([2, 3, 4])
    right = {2: 1.0, 3: 2 / 3, 4: 1 / 3}
    np.testing.assert_allclose(acc, [right[b[r % 3]] for r in range(6)])
    assert len(set(acc[:3])) == 3


def test_one_shot_accuracy_is_perfect_for_a_perfect_metric():
    y = np.repeat([0, 1, 2], 4)
    X = np.repeat(y[:, None, None], 5, axis=1).astype(float)  # series = its label
    acc = one_shot_accuracy(lambda u, v: abs(u[0, 0] - v[0, 0]), X, y)
    np.testing.assert_array_equal(acc, 1.0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        one_shot_accuracy("dtw", X[:4], y[:4])



def test_pair_auc_says_to_draw_more_pairs_when_its_subset_is_of_one_kind(data):
    # all the pairs are of both kinds: the classes were not what to change
    X, y = data
    with pytest.raises(ValueError, match="got 0 similar and 2 dissimilar. Draw "
                       r"more pairs \(max_pairs\)"):
        pair_auc(_mean_gap, X, y, max_pairs=2, random_state=1)
    with pytest.raises(ValueError, match="Give series of at least two classes"):
        pair_auc(_mean_gap, X[:3], ["a", "b", "c"])


def test_pair_auc_refuses_pair_labels_without_pairs(data):
    # they were ignored: the AUC of y's pairs came back
    X, y = data
    with pytest.raises(ValueError, match="pair_labels without pairs"):
        pair_auc(_mean_gap, X, y, pair_labels=[1, 0])


def _nan_for_a_long_series(u, v):
    """A measure that gives NaN on some pairs (series of 12 steps)."""
    return np.nan if len(u) == 12 or len(v) == 12 else _mean_gap(u, v)


def test_a_nan_distance_is_refused_naming_the_measure(data):
    # argmin took a NaN for the nearest and roc_auc_score named no measure:
    # one_shot_accuracy and few_shot_evaluate gave wrong accuracies, silently
    X, y = data
    assert 12 in sequence_lengths(X) and 12 > sequence_lengths(X).min()
    match = r"^metric \(_nan_for_a_long_series\) gave NaN for \d+ of the"
    with pytest.raises(ValueError, match=match):
        one_shot_accuracy(_nan_for_a_long_series, X, y)
    with pytest.raises(ValueError, match=match):
        pair_auc(_nan_for_a_long_series, X, y)
    with pytest.raises(ValueError, match="^estimator \\(_nan_for_a_long_series\\)"):
        few_shot_evaluate(_nan_for_a_long_series, X, y, n_test_classes=2,
                          n_splits=2)


def test_pair_auc_ranks_an_infinite_distance_last(data):
    # an infinitely far pair is a distance (a shortlist's unscored pair is
    # one): scored below every finite one, as the largest finite value would be
    X, y = data

    def far_for_a_long_series(u, v):
        return np.inf if len(u) == 12 or len(v) == 12 else _mean_gap(u, v)

    def very_far_for_a_long_series(u, v):
        return 1e300 if len(u) == 12 or len(v) == 12 else _mean_gap(u, v)

    expected = _brute_auc(very_far_for_a_long_series, X, y)
    assert pair_auc(far_for_a_long_series, X, y) == pytest.approx(expected)
    assert expected != _brute_auc(_mean_gap, X, y)


def test_one_shot_accuracy_refuses_one_series_per_class():
    # every series a reference: no query, and the accuracy was NaN
    X = np.arange(3.0)[:, None, None] * np.ones((1, 2, 1))
    with pytest.raises(ValueError, match="needs a class of at least 2 series"):
        one_shot_accuracy(_mean_gap, X, ["a", "b", "c"])
    # one class of two is enough: its other series is classified
    assert one_shot_accuracy(_mean_gap, X, ["a", "b", "b"]).shape == (1,)

# Every evaluation helper taking labels, as (name, argument, call(X, y, labels))
# with ``labels`` given as that argument and the others valid
_LABELLED_HELPERS = [
    ("class_disjoint_split", "y", lambda X, y, lab: class_disjoint_split(lab, 1)),
    ("class_split", "y", lambda X, y, lab: class_split(lab, 1, random_state=0)),
    ("few_shot_episodes", "y",
     lambda X, y, lab: few_shot_episodes(lab, n_test_classes=2, n_splits=1)),
    ("few_shot_evaluate", "y",
     lambda X, y, lab: few_shot_evaluate("dtw", X, lab, n_test_classes=2,
                                         n_splits=1)),
    ("pair_auc", "y", lambda X, y, lab: pair_auc("dtw", X, lab)),
    ("one_shot_accuracy", "y", lambda X, y, lab: one_shot_accuracy("dtw", X, lab)),
    ("clustering_scores", "labels_true", lambda X, y, lab: clustering_scores(lab, y)),
    ("clustering_scores", "labels_pred", lambda X, y, lab: clustering_scores(y, lab)),
    ("precomputed_silhouette", "labels",
     lambda X, y, lab: precomputed_silhouette(np.ones((len(y), len(y))), lab)),
    ("routine_scores", "labels_pred", lambda X, y, lab: routine_scores(lab, y)),
    ("routine_scores", "slots", lambda X, y, lab: routine_scores(y, lab)),
    ("routine_scores", "activities",
     lambda X, y, lab: routine_scores(y, y, activities=lab)),
]


def _bad_labels(y, kind):
    """``y`` with a 7 (``kind`` "mixed ...") or a missing value at position 3,
    in the container ``kind`` names."""
    codes = np.unique(y, return_inverse=True)[1]
    with_seven = y.astype(object)
    with_seven[3] = 7
    missing = {"None": None, "NaN": np.nan, "pd.NA": pd.NA}
    if kind.startswith("mixed "):
        container = kind.split()[1]
        return {"array": with_seven, "list": list(with_seven),
                "tuple": tuple(with_seven), "Series": pd.Series(with_seven),
                "column": [[v] for v in with_seven]}[container]
    if kind == "NaN float array":
        return np.where(np.arange(len(y)) == 3, np.nan, codes.astype(float))
    if kind == "pd.NA Int64 Series":
        return pd.Series([pd.NA if i == 3 else c for i, c in enumerate(codes)],
                         dtype="Int64")
    if kind == "None pyarrow array":
        pa = pytest.importorskip("pyarrow")
        return pa.array([None if i == 3 else v for i, v in enumerate(y.tolist())])
    if kind == "pd.NA string Series":
        return pd.Series([pd.NA if i == 3 else v for i, v in enumerate(y)],
                         dtype="string")
    value, container = kind.split()
    labels = y.astype(object)
    labels[3] = missing[value]
    return {"array": labels, "list": list(labels), "tuple": tuple(labels)}[container]


_MIXED = ["mixed array", "mixed list", "mixed tuple", "mixed Series", "mixed column"]
_MISSING = ["None array", "None list", "NaN array", "NaN list", "NaN tuple",
            "pd.NA array", "pd.NA list", "NaN float array", "pd.NA Int64 Series",
            "None pyarrow array", "pd.NA string Series"]


@pytest.mark.filterwarnings(  # the column of one-label lists
    "ignore::sklearn.exceptions.DataConversionWarning")
@pytest.mark.parametrize("kind", _MIXED + _MISSING)
@pytest.mark.parametrize("helper, name, call", _LABELLED_HELPERS,
                         ids=[f"{h}-{a}" for h, a, _ in _LABELLED_HELPERS])
def test_bad_labels_are_refused_naming_the_argument(helper, name, call, kind, data):
    # the estimators' label check: only pair_auc, one_shot_accuracy and
    # few_shot_evaluate refused missing labels. Elsewhere a string among
    # numbers (or None, NaN, pd.NA among strings) failed in numpy's sort with
    # "'<' not supported" or "boolean value of NA is ambiguous"; and where
    # numpy made text of a list (["a", 7, nan] -> ["a", "7", "nan"]), or
    # pandas a float of an Int64 NA, "7" and "nan" were classes like others.
    # pair_auc scored the 7 a class apart
    X, y = data
    labels = _bad_labels(y, kind)
    if kind in _MIXED:
        with pytest.raises(TypeError, match=(
                f"^{name} mixes strings and other labels: '{y[0]}' at position 0, "
                fr"7 at position 3\. .* np\.asarray\({name}, dtype=str\)\.$")):
            call(X, y, labels)
    else:
        with pytest.raises(ValueError, match=f"^{name} has a missing value .* at "
                           "position 3: every series needs a class label"):
            call(X, y, labels)


def test_labels_of_another_length_are_named():
    # scikit-learn's check said "inconsistent numbers of samples: [6, 5]",
    # after routine_scores had passed its slots as clustering_scores'
    # labels_true
    y = np.array([0, 0, 1, 1, 2, 2])
    with pytest.raises(ValueError, match="labels_true has 6 series but "
                       "labels_pred has 5 labels"):
        clustering_scores(y, y[:5])
    with pytest.raises(ValueError, match="labels_pred has 6 series but slots "
                       "has 5 labels"):
        routine_scores(y, y[:5])
    with pytest.raises(ValueError, match="labels_pred has 6 series but "
                       "activities has 5 labels"):
        routine_scores(y, y, activities=y[:5])


def test_routine_scores_names_missing_predicted_labels():
    # its labels_pred is checked before its length is read for the slots'
    # check: unchecked, a None was "object of type 'NoneType' has no len()"
    y = np.array([0, 0, 1, 1, 2, 2])
    with pytest.raises(ValueError, match="routine_scores requires labels_pred"):
        routine_scores(None, y)


def _same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    return np.array_equal(a, b, equal_nan=np.asarray(a).dtype.kind == "f")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.DataConversionWarning")
@pytest.mark.parametrize("helper, name, call", _LABELLED_HELPERS,
                         ids=[f"{h}-{a}" for h, a, _ in _LABELLED_HELPERS])
def test_labels_in_any_container_give_the_array_s_result(helper, name, call, data):
    # as for the estimators: a list, a tuple, a column, a pandas Series
    # (categorical too) or a pyarrow array of labels reads as its array
    pa = pytest.importorskip("pyarrow")
    X, y = data
    expected = call(X, y, y)
    for given in (list(y), tuple(y), y[:, None], pd.Series(y),
                  pd.Series(y, dtype="category"), pa.array(y)):
        assert _same(call(X, y, given), expected)


# labels only compared read a column of them silently, as scikit-learn's
# metrics do: the helpers that took labels alone did (column_or_1d), then
# warned "A column-vector y was passed" through the label check they now share
# with the estimators; pair_auc, one_shot_accuracy and few_shot_evaluate
# always had warned


@pytest.mark.parametrize("helper, name, call", _LABELLED_HELPERS,
                         ids=[f"{h}-{a}" for h, a, _ in _LABELLED_HELPERS])
def test_a_column_of_labels_reads_without_a_warning(helper, name, call, data):
    X, y = data
    expected = call(X, y, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _same(call(X, y, y[:, None]), expected)
