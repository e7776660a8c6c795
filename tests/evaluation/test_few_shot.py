"""few_shot_evaluate, few_shot_episodes and class_split."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError, UndefinedMetricWarning
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sktime_metric.classification import MatchingNetworkClassifier
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.evaluation import class_split, few_shot_episodes, few_shot_evaluate
from sktime_metric.metric import CoupledGRUMetric, SiameseRNNEmbedder


@pytest.fixture(scope="module")
def data():
    return make_sequence_classification(n_samples=60, n_classes=5, n_channels=2,
                                        min_length=6, max_length=12, motif_length=4,
                                        noise=0.3, random_state=0)


def test_class_split_disjoint(data):
    _, y = data
    train, test = class_split(y, 2, random_state=0)
    assert len(np.unique(y[test])) == 2
    assert not set(y[train]) & set(y[test])
    assert len(train) + len(test) == len(y)
    with pytest.raises(ValueError, match="n_test_classes"):
        class_split(y, 5)


@pytest.mark.parametrize("setting", ["partial", "full"])
def test_episodes_shape(data, setting):
    _, y = data
    splits = few_shot_episodes(y, n_test_classes=2, k_shot=3, n_splits=2,
                               n_episodes=2, setting=setting, random_state=0)
    assert len(splits) == 2
    for train, episodes in splits:
        novel = np.setdiff1d(np.unique(y), y[train])
        for support, query in episodes:
            assert not set(support) & set(query) and not set(query) & set(train)
            n_ways = 5 if setting == "full" else 2
            assert len(support) == 3 * n_ways
            assert set(y[query]) == set(novel)
    again = few_shot_episodes(y, n_test_classes=2, k_shot=3, n_splits=2, n_episodes=2,
                              setting=setting, random_state=0)
    assert all(np.array_equal(a[1][0][0], b[1][0][0]) for a, b in zip(splits, again))


def test_dtw_matches_brute_force(data):
    X, y = data
    from tslearn.metrics import dtw
    scores = few_shot_evaluate("dtw", X, y, n_test_classes=2, n_splits=2,
                               return_predictions=True)
    expected = []
    for _, episodes in few_shot_episodes(y, n_test_classes=2, n_splits=2):
        for support, query in episodes:
            for q in query:
                d = [dtw(X[q][~np.isnan(X[q][:, 0])], X[s][~np.isnan(X[s][:, 0])])
                     for s in support]
                expected.append(y[support][int(np.argmin(d))])
    np.testing.assert_array_equal(scores["y_pred"], expected)
    assert scores["accuracy"] == pytest.approx(np.mean(scores["y_true"] == expected))


@pytest.mark.parametrize("relabel", [lambda y: y.astype(object),
                                     lambda y: y / 2.0 + 0.25,
                                     lambda y: np.array(["c%d" % v for v in y])],
                         ids=["object-ints", "fractional-floats", "strings"])
def test_any_accepted_labels_score_as_their_codes(data, relabel):
    # integers in an object array and float labels such as 0.75 ran every
    # episode, then failed in scikit-learn's f1_score ("unknown" / "continuous
    # is not supported"); the scores only compare labels, so they are the codes'
    X, y = data
    kwargs = dict(n_test_classes=2, n_splits=2, return_predictions=True)
    expected = few_shot_evaluate("dtw", X, y, **kwargs)
    scores = few_shot_evaluate("dtw", X, relabel(y), **kwargs)
    assert scores["accuracy"] == expected["accuracy"]
    assert scores["f1_macro"] == expected["f1_macro"]
    np.testing.assert_array_equal(scores["y_pred"], relabel(expected["y_pred"]))


def test_f1_macro_is_the_macro_average_of_the_predictions(data):
    # the codes the scores are computed on must keep the macro average: a
    # micro one (which is the accuracy here) passed the test above, as both
    # of its calls scored the same way
    X, y = data
    scores = few_shot_evaluate("dtw", X, y, n_test_classes=2, n_splits=2,
                               return_predictions=True)
    expected = f1_score(scores["y_true"], scores["y_pred"], average="macro")
    assert scores["f1_macro"] == pytest.approx(expected, rel=1e-12)
    assert scores["f1_macro"] != pytest.approx(scores["accuracy"])


def test_f1_macro_full_setting_averages_the_true_classes_only(data):
    # setting="full" offers the base classes as candidates too; with one split
    # they are never true queries, and scikit-learn's default label set (true
    # and predicted classes) scored each of them F1 = 0, dragging the mean far
    # below the thesis's score over the classes that were queried
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndefinedMetricWarning)
        scores = few_shot_evaluate("dtw", X, y, n_test_classes=2, n_splits=1,
                                   setting="full", random_state=2,
                                   return_predictions=True)
    y_true, y_pred = scores["y_true"], scores["y_pred"]
    true_classes = np.unique(y_true)
    assert not set(y_pred) <= set(true_classes)  # some base classes predicted
    per_class = []
    for c in true_classes:
        tp = np.sum((y_true == c) & (y_pred == c))
        # a query predicted as a base class is still a miss of its true class
        per_class.append(2 * tp / (np.sum(y_true == c) + np.sum(y_pred == c)))
    assert scores["f1_macro"] == pytest.approx(np.mean(per_class), rel=1e-12)
    assert scores["accuracy"] == pytest.approx(np.mean(y_true == y_pred))


def test_metric_learner_and_matching_network(data):
    X, y = data
    srn = SiameseRNNEmbedder("mean", hidden_size=8, n_pairs=100, max_epochs=2,
                             random_state=0)
    a = few_shot_evaluate(srn, X, y, n_test_classes=2, n_splits=2)
    mn = MatchingNetworkClassifier(hidden_size=8, n_way=2, metric="euclidean",
                                   max_epochs=10, lr=3e-2, random_state=0)
    b = few_shot_evaluate(mn, X, y, n_test_classes=2, k_shot=2, n_splits=2,
                          setting="full")
    for scores in (a, b):
        assert 0 <= scores["f1_macro"] <= 1 and 0 <= scores["accuracy"] <= 1
    assert a["n_predictions"] == b["n_predictions"] + 2 * 2  # k_shot 1 vs 2
    # refit=False: a fitted model is used as it is
    fitted = mn.fit(X[y < 3], y[y < 3])
    c = few_shot_evaluate(fitted, X[y >= 2], y[y >= 2], n_test_classes=2, n_splits=1,
                          refit=False, return_predictions=True)
    # two novel classes of the three: 2-way 1-shot, their other series are the
    # queries, classified by the fitted model as it is
    novel = np.unique(c["y_true"])
    assert len(novel) == 2 and set(c["y_pred"]) <= set(novel)
    assert c["n_predictions"] == np.isin(y, novel).sum() - 2
    with pytest.raises(ValueError, match="n_test_classes=1 makes a 1-way problem"):
        few_shot_evaluate(fitted, X[y >= 3], y[y >= 3], n_test_classes=1, refit=False)


def test_errors(data):
    X, y = data
    with pytest.raises(ValueError, match="setting"):
        few_shot_evaluate("dtw", X, y, setting="wrong")
    with pytest.raises(ValueError, match="k_shot"):
        few_shot_evaluate("dtw", X, y, n_test_classes=2, k_shot=100)


@pytest.mark.parametrize("labels, named", [
    (np.arange(4), r"\d"), (np.array(list("abcd"), dtype=object), "'[a-d]'"),
], ids=["int", "object"])
def test_a_class_too_small_for_k_shot_is_named_as_given(labels, named):
    # numpy 2's repr named the class np.int64(0)
    y = np.repeat(labels, 2)
    with pytest.raises(ValueError, match=f"^Class {named} has 2 series: "
                       "k_shot=2 leaves none"):
        few_shot_episodes(y, n_test_classes=1, k_shot=2, random_state=0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_pipeline_ending_in_a_learner_is_the_learner_on_its_steps_output(data):
    X, y = data
    srn = SiameseRNNEmbedder(hidden_size=4, n_pairs=50, max_epochs=2, random_state=0)
    kwargs = dict(n_test_classes=2, n_splits=2, return_predictions=True)
    a = few_shot_evaluate(make_pipeline(FunctionTransformer(), srn), X, y, **kwargs)
    b = few_shot_evaluate(srn, X, y, **kwargs)
    np.testing.assert_array_equal(a["y_pred"], b["y_pred"])
    assert a["accuracy"] == b["accuracy"]


class _Fits(TransformerMixin, BaseEstimator):
    """A transformer that counts its fits (all clones alike)."""

    fits = []

    def fit(self, X, y=None):
        self.fits.append(1)
        self.fitted_ = True
        return self

    def transform(self, X):
        return X


class _FitsNoMeasure(BaseEstimator):
    """An estimator of no kind few_shot_evaluate measures with."""

    fits = _Fits.fits

    def fit(self, X, y=None):
        self.fits.append(1)
        return self


@pytest.mark.parametrize("estimator, error, match", [
    (_FitsNoMeasure(), TypeError, "^estimator must be a metric learner .*, a "
     "transformer whose transform embeds each series"),
    (make_pipeline(CoupledGRUMetric(hidden_size=4), _Fits()), TypeError,
     "distances to its training series"),
], ids=["no-measure", "cgru-pipeline"])
def test_an_estimator_of_no_usable_kind_is_refused_before_any_fit(
        estimator, error, match, data):
    X, y = data
    _Fits.fits.clear()
    with pytest.raises(error, match=match):
        few_shot_evaluate(estimator, X, y, n_test_classes=2, n_splits=2)
    assert not _Fits.fits


def test_an_unfitted_fixed_transformer_is_refused(data):
    X, y = data
    with pytest.raises(NotFittedError):
        few_shot_evaluate(_Fits(), X, y, n_test_classes=2, n_splits=2, refit=False)
    # refit: its clones are fitted, and a transformer of no embedding is
    # refused only when measured
    _Fits.fits.clear()
    with pytest.raises(ValueError, match="not an embedding"):
        few_shot_evaluate(_Fits(), X, y, n_test_classes=2, n_splits=2)
    assert len(_Fits.fits) == 1
