"""What the evaluation protocols measure with (``evaluation/_measure.py``):
a fitted transformer's rows, a Pipeline ending in a learner (that learner's
own distance), and the Pipelines they refuse."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from tslearn.preprocessing import TimeSeriesScalerMeanVariance

from sktime_metric.evaluation import few_shot_evaluate, one_shot_accuracy, pair_auc
from sktime_metric.evaluation._measure import _Measure
from sktime_metric.metric import (
    CoupledGRUMetric,
    RVSMLMetric,
    Seq2SeqEmbedder,
    SiameseRNNEmbedder,
)


def _small_srn():
    return SiameseRNNEmbedder(hidden_size=4, n_pairs=50, max_epochs=2, random_state=0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("learner", [
    _small_srn(),
    # cosine: not the Euclidean distance between its transform rows, so the
    # Pipeline must measure with the learner's own distance to match it
    Seq2SeqEmbedder(hidden_size=4, projection_dim=2, metric="cosine", n_pairs=50,
                    max_epochs=2, random_state=0),
], ids=["srn", "seq2seq-cosine"])
def test_a_pipeline_ending_in_a_learner_measures_with_the_learner(learner, data):
    X, y = data
    # an identity step: exactly the learner's own numbers
    pipe = make_pipeline(FunctionTransformer(), clone(learner)).fit(X, y)
    own = pipe[-1]
    assert pair_auc(pipe, X, y) == pair_auc(own, X, y)
    assert pair_auc(pipe, X, y, max_pairs=40) == pair_auc(own, X, y, max_pairs=40)
    np.testing.assert_array_equal(one_shot_accuracy(pipe, X, y),
                                  one_shot_accuracy(own, X, y))
    # the distances themselves (the protocols only rank them, and 1 - cos
    # ranks as the Euclidean distance of seq2seq's unit rows does)
    np.testing.assert_array_equal(_Measure(pipe).pairwise(X, X),
                                  own.pairwise_distances(X, X))
    # a scaler first: the learner's distance on the scaled series
    pipe = make_pipeline(TimeSeriesScalerMeanVariance(), clone(learner)).fit(X, y)
    scaled = pipe[:-1].transform(X)
    assert pair_auc(pipe, X, y) == pair_auc(pipe[-1], scaled, y)
    np.testing.assert_array_equal(one_shot_accuracy(pipe, X, y),
                                  one_shot_accuracy(pipe[-1], scaled, y))


def _features(X):
    return np.concatenate([np.nanmean(X, axis=1), np.nanstd(X, axis=1)], axis=1)


def test_a_fitted_transformer_measures_by_the_euclidean_distance_of_its_rows(data):
    X, y = data
    pipe = make_pipeline(FunctionTransformer(_features), StandardScaler()).fit(X)
    D = euclidean_distances(pipe.transform(X))
    i, j = np.triu_indices(len(X), k=1)
    assert pair_auc(pipe, X, y) == pytest.approx(roc_auc_score(y[i] == y[j],
                                                               -D[i, j]))
    def distance(u, v):  # the same, one unpadded pair of series at a time
        return float(np.linalg.norm(pipe.transform(u[None]) - pipe.transform(v[None])))

    np.testing.assert_allclose(one_shot_accuracy(pipe, X, y),
                               one_shot_accuracy(distance, X, y))
    # series out of its transform are no embedding to measure
    with pytest.raises(ValueError, match=r"shape \(24, 12, 2\) for 24 series, "
                       "not an embedding"):
        pair_auc(TimeSeriesScalerMeanVariance().fit(X), X, y)


@pytest.mark.parametrize("pipe, learner", [
    (make_pipeline(CoupledGRUMetric(hidden_size=4), StandardScaler()),
     "CoupledGRUMetric"),
    (make_pipeline(RVSMLMetric(max_iter=1), FunctionTransformer()), "RVSMLMetric"),
    # nested: the step that holds it is named
    (make_pipeline(FunctionTransformer(),
                   make_pipeline(CoupledGRUMetric(hidden_size=4), StandardScaler())),
     "CoupledGRUMetric"),
], ids=["cgru", "rvsml", "nested"])
def test_a_pipeline_transforming_into_training_distances_is_refused(pipe, learner,
                                                                    data):
    # a step that is not the last: what follows it reads distances to its
    # training series, no embedding
    X, y = data
    match = (rf"no embedding of each series: the Pipeline's step "
             rf"'\w+' \({learner}\) transforms series into their distances to "
             "its training series")
    # whether fitted or not: its kind is what is refused
    for function in (pair_auc, one_shot_accuracy):
        with pytest.raises(TypeError, match=match):
            function(pipe, X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("learner", [
    CoupledGRUMetric(hidden_size=4, max_epochs=1, random_state=0),
    RVSMLMetric(max_iter=1),
], ids=["cgru", "rvsml"])
def test_a_pipeline_ending_in_a_training_distances_learner_uses_its_distance(
        learner, data):
    # as the last step it measures with its own pairwise_distances, not with
    # its transform: the learner's own numbers
    X, y = data
    pipe = make_pipeline(FunctionTransformer(), clone(learner)).fit(X, y)
    assert pair_auc(pipe, X, y) == pair_auc(pipe[-1], X, y)
    np.testing.assert_array_equal(one_shot_accuracy(pipe, X, y),
                                  one_shot_accuracy(pipe[-1], X, y))


def test_an_unfitted_transformer_is_refused(data):
    X, y = data
    pipe = make_pipeline(TimeSeriesScalerMeanVariance(), _small_srn())
    for function in (pair_auc, one_shot_accuracy):
        with pytest.raises(NotFittedError, match="Pipeline instance is not fitted"):
            function(pipe, X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_shortlisted_learner_s_unscored_pairs_are_far_not_at_distance_0(data):
    # CoupledGRUMetric(shortlist_size=m) gives a sparse neighbours graph: a
    # pair it did not score is absent, which the protocols read as distance 0
    # (every unscored reference the nearest: one_shot_accuracy wrong, silently)
    # or could not index (few_shot_evaluate failed in numpy)
    X, y = data
    learner = CoupledGRUMetric(hidden_size=4, max_epochs=1, shortlist_size=3,
                               random_state=0).fit(X, y)

    class Dense:
        """The graph as the dense matrix it stands for: absent entries far."""

        def pairwise_distances(self, A, B=None):
            graph = learner.pairwise_distances(A, B).tocoo()
            dense = np.full(graph.shape, np.inf)
            dense[graph.row, graph.col] = graph.data
            return dense

    np.testing.assert_array_equal(one_shot_accuracy(learner, X, y),
                                  one_shot_accuracy(Dense(), X, y))
    kwargs = dict(n_test_classes=2, n_splits=3, refit=False, random_state=0)
    assert (few_shot_evaluate(learner, X, y, **kwargs)
            == few_shot_evaluate(Dense(), X, y, **kwargs))
