"""Pair AUC and one-shot protocols against brute force, for learners and DTW alike."""

import itertools

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from tslearn.metrics import dtw

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.evaluation import class_disjoint_split, one_shot_accuracy, pair_auc
from sktime_metric.metric import SiameseRNNEmbedder
from sktime_metric.utils import sequence_lengths


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=24, n_classes=3, min_length=6, max_length=12, motif_length=4,
        random_state=0,
    )
    return X, np.array(["a", "b", "c"])[y]


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
    with pytest.raises(TypeError, match="fitted metric learner"):
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
