"""Pair and triplet sampling from labels; explicit pairs; pairs inside CV folds."""

import itertools

import numpy as np
import pytest
import torch
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from sktime_metric.datasets import load_japanese_vowels, make_sequence_classification
from sktime_metric.metric import SiameseRNNEmbedder, check_pairs, sample_pairs, sample_triplets
from sktime_metric.metric import _pairs
from sktime_metric.metric._pairs import PairDataset, holdout_split, pair_plan

Y = np.array(["a", "a", "a", "b", "b", "c", "c", "c", "c"])


def test_pairs_are_distinct_and_labelled_by_class():
    pairs, labels = sample_pairs(Y, 400, positive_fraction=0.3, random_state=0)
    assert pairs.shape == (400, 2) and pairs.dtype == np.int64
    assert labels.sum() == 120
    assert np.all(pairs[:, 0] != pairs[:, 1])
    same = Y[pairs[:, 0]] == Y[pairs[:, 1]]
    np.testing.assert_array_equal(same, labels == 1)


@pytest.mark.parametrize("n_pairs, fraction, n_similar",
                         [(10, 0.37, 4), (5, 0.75, 4), (9, 0.3, 3), (9, 0.2, 2)])
def test_similar_share_is_rounded_to_the_nearest_count(n_pairs, fraction, n_similar):
    # 3.7, 3.75, 2.7 and 1.8 similar pairs: rounded, not truncated
    _, labels = sample_pairs(Y, n_pairs, positive_fraction=fraction, random_state=0)
    assert len(labels) == n_pairs and labels.sum() == n_similar


def test_sampling_is_uniform_over_similar_and_over_dissimilar_pairs():
    n = 60_000
    pairs, labels = sample_pairs(Y, n, random_state=0)
    counts = {}
    for i, j in map(tuple, np.sort(pairs, axis=1)):
        counts[i, j] = counts.get((i, j), 0) + 1
    candidates = list(itertools.combinations(range(len(Y)), 2))
    similar = [p for p in candidates if Y[p[0]] == Y[p[1]]]
    dissimilar = [p for p in candidates if Y[p[0]] != Y[p[1]]]
    assert set(counts) == set(candidates)
    for group in (similar, dissimilar):
        expected = (n / 2) / len(group)
        observed = np.array([counts[p] for p in group])
        # each count is binomial; 5 standard deviations
        assert np.all(np.abs(observed - expected) < 5 * np.sqrt(expected))


def test_sampling_is_seeded():
    first = sample_pairs(Y, 50, random_state=3)
    again = sample_pairs(Y, 50, random_state=np.random.RandomState(3))
    other = sample_pairs(Y, 50, random_state=4)
    np.testing.assert_array_equal(first[0], again[0])
    assert not np.array_equal(first[0], other[0])


def test_sampling_errors_are_clear():
    with pytest.raises(ValueError, match="at least 2 classes; got 1 class"):
        sample_pairs([1, 1, 1], 4)
    with pytest.raises(ValueError, match="a class with at least 2 samples"):
        sample_pairs([1, 2, 3], 4)
    # only what is asked for has to exist
    assert sample_pairs([1, 1], 3, positive_fraction=1.0)[1].tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="'n_pairs' parameter"):
        sample_pairs(Y, -1)
    with pytest.raises(ValueError, match="positive_fraction"):
        sample_pairs(Y, 3, positive_fraction=1.5)


def test_triplets_have_a_positive_and_a_negative():
    triplets = sample_triplets(Y, 500, random_state=0)
    a, p, n = triplets.T
    assert np.all(a != p)
    assert np.all(Y[a] == Y[p]) and np.all(Y[a] != Y[n])
    with pytest.raises(ValueError, match="Triplets need"):
        sample_triplets([0, 1, 2], 3)


def test_check_pairs_accepts_metric_learn_labels_and_rejects_bad_pairs():
    pairs, labels = check_pairs([[0, 1], [2, 1]], [1, -1], n_samples=3)
    assert labels.tolist() == [1, 0] and pairs.dtype == np.int64
    assert check_pairs([[0, 1]], [True], 2)[1].tolist() == [1]
    with pytest.raises(ValueError, match=r"Pair 1 is \[2, 3\]"):
        check_pairs([[0, 1], [2, 3]], [1, 0], n_samples=3)
    with pytest.raises(ValueError, match="shape \\(n_pairs, 2\\)"):
        check_pairs([0, 1], [1, 0], n_samples=3)
    with pytest.raises(TypeError, match="integer indices"):
        check_pairs([[0.0, 1.0]], [1], n_samples=3)
    with pytest.raises(ValueError, match="one label per pair"):
        check_pairs([[0, 1]], [1, 0], n_samples=3)
    with pytest.raises(ValueError, match="values \\[0, 2\\]"):
        check_pairs([[0, 1], [1, 2]], [0, 2], n_samples=3)
    # a series with itself: similar is trivially true; dissimilar contradicts
    # every metric (its distance to itself is 0), whichever spelling of 0
    assert check_pairs([[1, 1], [0, 2]], [1, 0], 3)[1].tolist() == [1, 0]
    for similar, dissimilar in ((1, 0), (1, -1), (True, False)):
        with pytest.raises(ValueError, match=rf"Pair 1 is \[2, 2\], series 2 with "
                                             rf"itself, labelled dissimilar "
                                             rf"\({dissimilar}\)"):
            check_pairs([[0, 1], [2, 2]], [similar, dissimilar], n_samples=3)
    # of several, the first is named
    with pytest.raises(ValueError, match=r"Pair 1 is \[2, 2\], series 2 with"):
        check_pairs([[0, 1], [2, 2], [0, 0], [1, 1]], [1, 0, 0, 0], n_samples=3)


def test_every_caller_of_explicit_pairs_refuses_a_dissimilar_self_pair():
    from sktime_metric.evaluation import pair_auc
    from sktime_metric.metric import CoupledGRUMetric, Seq2SeqEmbedder

    X, _ = make_sequence_classification(n_samples=6, random_state=0)
    pairs, labels = [[0, 1], [2, 3], [4, 4]], [1, 0, 0]
    tiny = dict(hidden_size=4, max_epochs=1, random_state=0)
    callers = [
        lambda: SiameseRNNEmbedder(**tiny).fit_pairs(X, pairs, labels),
        lambda: Seq2SeqEmbedder(**tiny).fit_pairs(X, pairs, labels),
        lambda: CoupledGRUMetric(loss="contrastive", early_stopping=False,
                                 **tiny).fit_pairs(X, pairs, labels),
        lambda: pair_auc("dtw", X, pairs=pairs, pair_labels=labels),
    ]
    for call in callers:  # refused before any training or distance
        with pytest.raises(ValueError, match=r"Pair 2 is \[4, 4\], series 4 with"):
            call()


@pytest.mark.parametrize("triplets", [False, True])
def test_validation_tuples_never_share_a_series_with_training_tuples(triplets):
    y = np.repeat(np.arange(4), 10)
    plan = pair_plan(len(y), y=y, n_pairs=300, triplets=triplets,
                     validation_fraction=0.25, random_state=0)
    train, valid = plan.train, plan.valid
    valid_tuples, valid_targets = valid()
    assert np.unique(valid_tuples).size <= 10  # drawn among the 10 held-out series
    assert set(np.unique(valid_tuples)) <= set(plan.valid_index)
    np.testing.assert_array_equal(valid()[0], valid_tuples)  # drawn once
    first, _ = train()
    assert not np.intersect1d(first, valid_tuples).size
    assert set(np.unique(first)) <= set(plan.train_index) and plan.resample
    assert not np.array_equal(train()[0], first)  # redrawn each epoch
    fixed = pair_plan(len(y), y=y, n_pairs=50, resample=False)
    assert not fixed.resample and fixed.valid is None and fixed.valid_index is None
    np.testing.assert_array_equal(fixed.train()[0], fixed.train()[0])
    small = pair_plan(20, y=np.arange(20) % 10, n_pairs=10, validation_fraction=0.1,
                      random_state=0)
    with pytest.raises(ValueError, match="early_stopping: the 2 validation series"):
        small.valid()


def test_explicit_pairs_hold_out_a_fraction_for_validation():
    pairs = np.arange(40).reshape(20, 2)
    labels = np.arange(20) % 2
    plan = pair_plan(40, pairs=pairs, pair_labels=labels, validation_fraction=0.25,
                     random_state=0)
    train, valid = plan.train, plan.valid
    assert len(valid()[0]) == 5 and len(train()[0]) == 15
    assert not np.intersect1d(valid()[0], train()[0]).size
    # pairs, not series, are held out
    assert plan.valid_index is None and len(plan.train_index) == 40
    # a stage on single series holds out series: disjoint, all of them, sorted
    series_train, series_valid = plan.series_split(0.25, 0)
    assert len(series_valid) == 10 and not np.intersect1d(series_train, series_valid).size
    np.testing.assert_array_equal(np.sort(np.r_[series_train, series_valid]), np.arange(40))
    assert (np.diff(series_train) > 0).all() and (np.diff(series_valid) > 0).all()
    assert plan.series_split(None, 0)[1] is None
    X, lengths = np.arange(40.0)[:, None, None], np.arange(40) + 1
    data, valid_set = plan.series_datasets(X, lengths, 0.25, 0)
    np.testing.assert_array_equal(data["lengths"], series_train + 1)
    np.testing.assert_array_equal(valid_set.X["x"][:, 0, 0], series_valid)
    assert plan.series_datasets(X, lengths, None, 0)[1] is None
    labelled = pair_plan(40, y=np.arange(40) % 4, validation_fraction=0.25, random_state=0)
    split = labelled.series_split(0.25, 1)  # the plan's own held-out series
    assert split[0] is labelled.train_index and split[1] is labelled.valid_index
    with pytest.raises(ValueError, match="hold both similar and dissimilar"):
        pair_plan(40, pairs=pairs[:2], pair_labels=labels[:2] * 0,
                  validation_fraction=0.5)


def test_pair_dataset_serves_the_sampled_tuples_and_resamples():
    X = np.arange(4 * 3 * 1, dtype=np.float32).reshape(4, 3, 1)
    lengths = np.array([3, 2, 3, 1])
    rng = np.random.RandomState(0)
    dataset = PairDataset(X, lengths, lambda: (rng.randint(4, size=(5, 3)), np.ones(5)))
    first = dataset.tuples.clone()
    item, target = dataset[2]
    i, j, k = first[2].tolist()
    torch.testing.assert_close(item["x3"], torch.from_numpy(X[k]))
    assert item["lengths"] == lengths[i] and item["lengths2"] == lengths[j]
    assert target.dtype == torch.float32 and len(dataset) == 5
    dataset.resample()
    assert not torch.equal(dataset.tuples, first)


def test_pairs_are_drawn_inside_each_training_fold(monkeypatch):
    X, y = make_sequence_classification(n_samples=30, min_length=5, max_length=9,
                                        motif_length=3, random_state=0)
    seen = []

    def recording(labels, *args, **kwargs):
        seen.append(len(labels))
        return sample_pairs(labels, *args, **kwargs)

    monkeypatch.setattr(_pairs, "sample_pairs", recording)
    pipe = make_pipeline(
        SiameseRNNEmbedder(hidden_size=4, n_pairs=20, max_epochs=2, random_state=0),
        KNeighborsClassifier(1),
    )
    cross_val_score(pipe, X, y, cv=KFold(3))
    # one draw per epoch, from the 20 training series of the fold only
    assert seen == [20] * 6


def test_disjoint_classes_validation_holds_out_whole_classes():
    y = np.repeat(np.arange(8), [5, 5, 6, 6, 7, 7, 8, 8])
    for seed in range(5):
        train, valid = holdout_split(y, 0.2, seed, validation="disjoint_classes")
        assert not set(y[train]) & set(y[valid])  # no class on both sides
        assert len(set(y[valid])) >= 2 and len(set(y[train])) >= 2
        assert len(valid) >= 0.2 * len(y)
        # the fewest classes that reach the fraction: without the last one
        # drawn (at most the largest held out) the held-out series fall short
        held = np.bincount(y[valid])
        assert len(valid) - held.max() < 0.2 * len(y) or len(set(y[valid])) == 2
        assert sorted(np.concatenate([train, valid])) == list(range(len(y)))
    # validation pairs are drawn among the held-out classes only
    plan = pair_plan(len(y), y=y, n_pairs=200, validation_fraction=0.2,
                     validation="disjoint_classes", random_state=0)
    (train_pairs, _), (valid_pairs, valid_labels) = plan.train(), plan.valid()
    assert not set(y[train_pairs.ravel()]) & set(y[valid_pairs.ravel()])
    assert 0 < valid_labels.sum() < len(valid_labels)  # similar and dissimilar
    with pytest.raises(ValueError, match="at least 2 for validation and 2 for "
                       "training; y has 3 classes"):
        holdout_split(np.repeat(np.arange(3), 4), 0.3, 0, validation="disjoint_classes")


def test_nearest_neighbour_scoring_leaves_each_series_out():
    from sktime_metric.utils._skorch import NearestNeighborScoring

    class _Net:  # the callback's view of a net: a device, a module, a history
        device = "cpu"

        class module_:  # noqa: N801
            @staticmethod
            def pairwise_distances(x, lengths, x_ref, lengths_ref, chunk_size):
                return torch.cdist(x[:, 0], x_ref[:, 0])

        class history:  # noqa: N801
            recorded = {}

            @classmethod
            def record(cls, name, value):
                cls.recorded[name] = value

    x = np.array([[[0.0]], [[0.1]], [[5.0]], [[5.2]]], dtype=np.float32)
    lengths, y = np.ones(4, dtype=np.int64), np.array([0, 0, 1, 1])
    data = (x, lengths, y)
    NearestNeighborScoring(data, data, leave_one_out=True).on_epoch_end(_Net())
    assert _Net.history.recorded["valid_knn_acc"] == 1.0
    y_odd = np.array([0, 1, 0, 1])  # each series' nearest other one disagrees
    odd = (x, lengths, y_odd)
    NearestNeighborScoring(odd, odd, leave_one_out=True).on_epoch_end(_Net())
    assert _Net.history.recorded["valid_knn_acc"] == 0.0
    NearestNeighborScoring(odd, odd).on_epoch_end(_Net())  # itself: trivially right
    assert _Net.history.recorded["valid_knn_acc"] == 1.0


@pytest.mark.parametrize("learner", ["siamese", "cgru", "seq2seq"])
def test_pair_learners_validate_on_held_out_classes(learner):
    from sktime_metric.metric import CoupledGRUMetric, Seq2SeqEmbedder

    X, y = make_sequence_classification(n_samples=60, n_classes=6, min_length=8,
                                        max_length=12, random_state=0)
    cls = {"siamese": SiameseRNNEmbedder, "cgru": CoupledGRUMetric,
           "seq2seq": Seq2SeqEmbedder}[learner]
    params = dict(hidden_size=8, max_epochs=2, early_stopping=True,
                  validation="disjoint_classes", random_state=0)
    if learner != "cgru":
        params["n_pairs"] = 60
    est = cls(**params).fit(X, y)
    monitor = {"siamese": "valid_auc", "cgru": "valid_knn_acc",
               "seq2seq": "valid_loss"}[learner]
    assert np.isfinite(est.history_[:, monitor]).all()
    with pytest.raises(ValueError, match="y has 3 classes"):
        cls(**params).fit(X[y < 3], y[y < 3])


@pytest.mark.learning
def test_disjoint_class_validation_stops_earlier_on_few_classes(
    learning_seed, learning_outcome
):
    # JapaneseVowels speakers 1-4: "disjoint_classes" trains on 2 speakers and
    # validates on the other 2, whose pair AUC falls as the embedding
    # specialises, while the stratified score (all 4 speakers on both sides)
    # keeps rising. The verdict is the split's: on speakers 5-8 or 6-9, training
    # on two speakers transfers and neither option stops consistently earlier.
    X, y, _, _ = load_japanese_vowels()
    speakers = np.isin(y, ["1", "2", "3", "4"])
    X, y = X[speakers], y[speakers]
    params = dict(hidden_size=32, n_pairs=500, max_epochs=40, early_stopping=True,
                  n_iter_no_change=4, random_state=learning_seed)
    best, run = {}, {}
    for validation in ("stratified", "disjoint_classes"):
        srn = SiameseRNNEmbedder(validation=validation, **params).fit(X, y)
        auc = np.asarray(srn.history_[:, "valid_auc"])
        best[validation], run[validation] = int(np.argmax(auc)) + 1, len(auc)
    # Best epoch, seeds 0-4, native and default kernels alike: stratified 8-19
    # (mean 11.8), disjoint_classes 1 in every seed; epochs run 11-19 (mean
    # 14.2) against 5 (1 + n_iter_no_change). So the stratified best comes
    # 7-18 epochs later and it runs 6-14 epochs longer. Seeds 5-14 (both
    # kernels): best 4-15 against 1-4, 3-14 later; run 8-19 against 5-8,
    # 3-14 longer.
    later = learning_outcome("best epoch, stratified minus disjoint_classes",
                             best["stratified"] - best["disjoint_classes"])
    longer = learning_outcome("epochs run, stratified minus disjoint_classes",
                              run["stratified"] - run["disjoint_classes"])
    assert later >= 3 and longer >= 3, (best, run)


def test_stratified_holdout_keeps_classes_on_both_sides_and_its_seed():
    y = np.repeat(np.arange(4), 5)
    for seed in range(5):
        train, valid = holdout_split(y, 0.4, seed)
        np.testing.assert_array_equal(np.bincount(y[valid]), [2, 2, 2, 2])
    # a class of one series cannot be stratified: a plain random split, still
    # the one random_state gives
    y_single = np.r_[np.repeat([0, 1], 6), 2]
    first = holdout_split(y_single, 0.3, 0)
    for _ in range(3):
        again = holdout_split(y_single, 0.3, 0)
        np.testing.assert_array_equal(again[0], first[0])
        np.testing.assert_array_equal(again[1], first[1])


def test_disjoint_classes_stop_at_the_fraction_and_keep_two_to_train():
    # 8 classes of 5 series: two classes hold exactly a quarter of them
    y = np.repeat(np.arange(8), 5)
    for seed in range(5):
        train, valid = holdout_split(y, 0.25, seed, validation="disjoint_classes")
        assert len(valid) == 10 and len(np.unique(y[valid])) == 2
    # a fraction only all classes reach: all but two are held out
    y = np.repeat(np.arange(4), 5)
    for seed in range(5):
        train, valid = holdout_split(y, 0.9, seed, validation="disjoint_classes")
        assert len(np.unique(y[train])) == 2 and len(np.unique(y[valid])) == 2


def test_disjoint_classes_are_drawn_by_the_seed():
    y = np.repeat(np.arange(8), 5)
    held = {tuple(np.unique(y[holdout_split(y, 0.25, seed,
                                            validation="disjoint_classes")[1]]))
            for seed in range(6)}
    assert len(held) > 1  # not always the same (the first) classes


def test_labelled_plans_pass_the_pair_share_and_the_groups_on():
    # 3 labels over 4 groups, two series of each label in each group
    y, groups = np.repeat(np.arange(3), 8), np.tile(np.arange(4), 6)
    plan = pair_plan(len(y), y=y, groups=groups, n_pairs=200, positive_fraction=0.2,
                     validation_fraction=0.25, random_state=0)
    for pairs, labels in (plan.train(), plan.valid()):
        assert labels.sum() == 40
        i, j = pairs[labels == 1].T
        # similar pairs span two groups, dissimilar ones two labels
        assert (y[i] == y[j]).all() and (groups[i] != groups[j]).all()
        i, j = pairs[labels == 0].T
        assert (y[i] != y[j]).all()


def test_explicit_pairs_validate_a_seeded_share_and_leave_training_pairs():
    pairs, labels = np.arange(40).reshape(20, 2), np.arange(20) % 2

    def split(fraction, seed):
        plan = pair_plan(40, pairs=pairs, pair_labels=labels,
                         validation_fraction=fraction, random_state=seed)
        return plan.valid()[0][:, 0] // 2, plan

    # 5.8 pairs: the nearest count, 6
    assert len(split(0.29, 0)[0]) == 6
    held = {tuple(np.sort(split(0.3, seed)[0])) for seed in range(6)}
    assert len(held) > 1  # drawn by the seed, not the first pairs
    np.testing.assert_array_equal(split(0.3, 2)[0], split(0.3, 2)[0])
    # a stage on single series splits them with the seed it is given
    plan = split(0.3, 0)[1]
    series = {tuple(plan.series_split(0.25, seed)[1]) for seed in range(6)}
    assert len(series) > 1
    np.testing.assert_array_equal(plan.series_split(0.25, 3)[1],
                                  plan.series_split(0.25, 3)[1])
    # every pair held out: nothing left to train on
    with pytest.raises(ValueError, match="must leave training pairs"):
        pair_plan(4, pairs=pairs[:2], pair_labels=labels[:2], validation_fraction=0.9)
