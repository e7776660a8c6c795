"""RVSMLMetric as a Pipeline step: transform is the distances to the training
series (``X_fit_``), for a precomputed 1-NN, ``GridSearchCV`` and
``cross_val_score``."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.metric import RVSMLMetric
from sktime_metric.utils import sequence_lengths


@pytest.fixture(scope="module")
def data():
    return make_sequence_classification(n_samples=36, n_classes=3, n_channels=2,
                                        min_length=8, max_length=14, random_state=0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_transform_is_the_distances_to_the_training_series(data):
    X, y = data
    X_given = X.copy()
    metric = RVSMLMetric(max_iter=3).fit(X[:24], y[:24])
    np.testing.assert_array_equal(metric.X_fit_, X[:24])  # as given, a copy
    assert not np.shares_memory(metric.X_fit_, X)
    np.testing.assert_array_equal(metric.transform(X[24:]),
                                  metric.pairwise_distances(X[24:], metric.X_fit_))
    np.testing.assert_array_equal(metric.transform(X[24:]),
                                  metric.pairwise_distances(X[24:], X[:24]))
    fitted = RVSMLMetric(max_iter=3).fit_transform(X[:24], y[:24])
    np.testing.assert_array_equal(fitted, metric.pairwise_distances(X[:24]))
    np.testing.assert_array_equal(X, X_given)
    # ragged training series are kept padded, as the checks read them
    ragged = [x[:n] for x, n in zip(X[:24], sequence_lengths(X[:24]))]
    np.testing.assert_array_equal(RVSMLMetric(max_iter=3).fit(ragged, y[:24]).X_fit_,
                                  X[:24, :max(map(len, ragged))])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_transform_names_one_column_per_training_series(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    metric = RVSMLMetric(max_iter=3).set_output(transform="pandas").fit(X[:24], y[:24])
    frame = metric.transform(X[24:])
    assert isinstance(frame, pd.DataFrame)
    names = [f"rvsmlmetric{i}" for i in range(24)]
    assert list(frame.columns) == names == list(metric.get_feature_names_out())
    np.testing.assert_array_equal(frame.to_numpy(),
                                  metric.pairwise_distances(X[24:], X[:24]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("alignment", ["dtw", "opw"])
def test_pipeline_with_one_nn_is_the_one_nn_on_pairwise_distances(data, alignment):
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    X, y = data
    pipe = make_pipeline(RVSMLMetric(alignment, max_iter=3),
                         KNeighborsClassifier(1, metric="precomputed"))
    predicted = pipe.fit(X[:24], y[:24]).predict(X[24:])
    metric = RVSMLMetric(alignment, max_iter=3).fit(X[:24], y[:24])
    knn = KNeighborsClassifier(1, metric="precomputed").fit(
        metric.pairwise_distances(X[:24]), y[:24])
    np.testing.assert_array_equal(
        predicted, knn.predict(metric.pairwise_distances(X[24:], X[:24])))
    np.testing.assert_array_equal(pipe[0].components_, metric.components_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_tunes_the_pipelines_one_nn_accuracy(data):
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    X, y = data
    pipe = make_pipeline(RVSMLMetric(max_iter=3),
                         KNeighborsClassifier(1, metric="precomputed"))
    grid = GridSearchCV(pipe, {"rvsmlmetric__n_elements": [2, 4]}, cv=2).fit(X, y)
    assert grid.best_params_["rvsmlmetric__n_elements"] in (2, 4)
    assert 0.0 <= grid.best_score_ <= 1.0
    assert grid.predict(X).shape == (len(X),)
