"""Scaling out: parallel model selection (loky, dask) and chunked distances."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.metrics import pairwise_distances as sklearn_pairwise_distances
from sklearn.model_selection import GridSearchCV

from sktime_metric import (
    CoupledGRUMetric,
    KISSMETransformer,
    RNNClassifier,
    RoutineClusterer,
    SiameseRNNEmbedder,
)
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.metric._mixin import PairMetricMixin
from sktime_metric.utils import predict_in_blocks

from ._registry import (
    ESTIMATORS,
    PRECOMPUTED_ESTIMATORS,
    VECTOR_ESTIMATORS,
    estimator_id,
    registered,
    size_grid,
    targets_for,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=36, n_classes=3, n_channels=2, min_length=6, max_length=12,
        motif_length=4, noise=0.3, random_state=0,
    )
    return X, np.array(["walk", "run", "rest"])[y]


def _vectors(X):
    return np.nan_to_num(X[:, :6]).reshape(len(X), -1)


def _inputs(estimator, data):
    """``(X, y)`` of the kind the estimator takes."""
    X, y = data
    if isinstance(estimator, KISSMETransformer):
        return _vectors(X), y
    if isinstance(estimator, RoutineClusterer):
        return sklearn_pairwise_distances(_vectors(X)), y
    return X, targets_for(estimator, y)


def _small_grid(estimator):
    """Two candidates of the model's size (hidden units, states, clusters, ...)."""
    name, values = size_grid(estimator)
    return {name: values}


def _torch_threads(estimator, X, y):
    """A 'score': torch's intra-op threads where the fit ran."""
    return torch.get_num_threads()


def _routine_score(estimator, X, y):
    """RoutineClusterer has no predict: score the fitted clustering itself."""
    return estimator.time_coherence_scores_["silhouette"]


def _grid_search(estimator, data, **kwargs):
    est = clone(estimator)
    if "max_epochs" in est.get_params():
        est.set_params(max_epochs=2)
    main = _routine_score if isinstance(est, RoutineClusterer) else check_scoring(est)
    grid = GridSearchCV(
        est, _small_grid(est), cv=2, refit="score",
        scoring={"score": main, "torch_threads": _torch_threads}, **kwargs,
    )
    return grid.fit(*_inputs(est, data))


ALL = ESTIMATORS + VECTOR_ESTIMATORS + PRECOMPUTED_ESTIMATORS


@pytest.mark.parametrize("estimator", ALL, ids=estimator_id)
def test_grid_search_on_loky_workers_matches_sequential(estimator, data):
    parallel = _grid_search(estimator, data, n_jobs=2)  # loky: worker processes
    sequential = _grid_search(estimator, data, n_jobs=1)
    np.testing.assert_array_equal(parallel.cv_results_["mean_test_score"],
                                  sequential.cv_results_["mean_test_score"])
    assert parallel.best_params_ == sequential.best_params_
    # loky caps each worker's OpenMP threads at cpu_count // n_jobs, and torch
    # follows: two workers never oversubscribe the machine
    threads = parallel.cv_results_["mean_test_torch_threads"]
    assert np.all(threads <= max(1, joblib.cpu_count() // 2))


def test_threaded_fits_are_reproducible(data):
    # Threads share torch's global generator; fits take turns (_seeding._FIT_LOCK),
    # so the threading backend gives the sequential results.
    X, y = data
    est = registered(RNNClassifier)
    with joblib.parallel_config(backend="threading", n_jobs=2):
        threaded = _grid_search(est, data, n_jobs=2)
    sequential = _grid_search(est, data, n_jobs=1)
    np.testing.assert_array_equal(threaded.cv_results_["mean_test_score"],
                                  sequential.cv_results_["mean_test_score"])


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    # Workers in this process (starting worker processes that import torch takes
    # ~20 s on two busy cores); the tasks still go through the scheduler and
    # joblib's dask backend. Worker processes get their estimators pickled, as
    # loky's do in the test above.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            yield client


@pytest.mark.parametrize(
    "estimator",
    [registered(RNNClassifier), SiameseRNNEmbedder("mean", hidden_size=8, n_pairs=100,
                                       random_state=0)],
    ids=estimator_id,
)
def test_grid_search_on_a_dask_cluster(estimator, data, dask_client):
    with joblib.parallel_config(backend="dask"):
        on_dask = _grid_search(estimator, data, n_jobs=-1)
    sequential = _grid_search(estimator, data, n_jobs=1)
    np.testing.assert_array_equal(on_dask.cv_results_["mean_test_score"],
                                  sequential.cv_results_["mean_test_score"])
    # here: this process's setting (conftest); dask's worker processes set
    # OMP_NUM_THREADS=1, which torch follows
    assert np.all(on_dask.cv_results_["mean_test_torch_threads"] == 1)
    X, _ = _inputs(estimator, data)
    out = on_dask.predict(X) if is_classifier(estimator) else on_dask.transform(X)
    assert len(out) == len(X)


# -- chunked, parallel pairwise distances --------------------------------------


class _PerPairMetric(PairMetricMixin):
    """A toy learner whose distance is computed pair by pair: Euclidean."""

    n_features_in_ = 1

    def __init__(self):
        self.tiles = []

    def _metric_inputs(self, X, name="X"):
        return np.asarray(X, dtype=float).reshape(len(X), -1)

    def _paired_distances(self, A, B):
        return np.sqrt(((A - B) ** 2).sum(axis=1))

    def _pairwise_block(self, A, B):
        self.tiles.append((len(A), len(B)))
        return np.sqrt(((A[:, None] - B[None]) ** 2).sum(axis=-1))


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 10, 11, 1000])
@pytest.mark.parametrize("n_jobs", [None, 2])
@pytest.mark.parametrize("symmetric", [True, False])
def test_chunked_distances_are_exact_and_bounded(chunk_size, n_jobs, symmetric):
    rng = np.random.RandomState(0)
    X, Y = rng.randn(13, 4, 2), rng.randn(10, 4, 2)
    Y = None if symmetric else Y
    expected = sklearn_pairwise_distances(X.reshape(13, -1), None if symmetric
                                          else Y.reshape(10, -1))
    metric = _PerPairMetric()
    reference = metric.pairwise_distances(X, Y)  # default: one tile
    assert metric.tiles == [(13, 13 if symmetric else 10)]
    np.testing.assert_allclose(reference, expected, rtol=1e-12)
    metric.tiles = []
    chunked = metric.pairwise_distances(X, Y, n_jobs=n_jobs, chunk_size=chunk_size)
    np.testing.assert_array_equal(chunked, reference)
    assert max(a * b for a, b in metric.tiles) <= chunk_size
    assert sum(a * b for a, b in metric.tiles) == reference.size  # each pair once


def _metric_learners():
    learners = [e for e in ESTIMATORS if hasattr(e, "pairwise_distances")]
    return learners + VECTOR_ESTIMATORS


@pytest.mark.parametrize("estimator", _metric_learners(), ids=estimator_id)
def test_learners_chunked_parallel_distances(estimator, data, monkeypatch):
    X, y = _inputs(estimator, data)
    est = clone(estimator)
    if "max_epochs" in est.get_params():
        est.set_params(max_epochs=2)
    est.fit(X, y)
    X_before = X.copy()
    X_ro, Y_ro = X[:20].copy(), X[20:].copy()
    X_ro.setflags(write=False)  # any write into the caller's data would raise
    Y_ro.setflags(write=False)
    for Y in (None, Y_ro):
        reference = est.pairwise_distances(X_ro, Y)
        # threads split the work, not the arithmetic: bit for bit the same
        np.testing.assert_array_equal(est.pairwise_distances(X_ro, Y, n_jobs=2),
                                      reference)
        # smaller chunks: the same distances up to rounding (batched float math)
        for chunk_size in (1, 7):
            got = est.pairwise_distances(X_ro, Y, n_jobs=2, chunk_size=chunk_size)
            np.testing.assert_allclose(got, reference, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(X, X_before)

    # no step sees more pairs than a chunk
    sizes = []
    if hasattr(est, "net_") and hasattr(est.net_.module_, "pair_distances"):
        module, original = est.net_.module_, est.net_.module_.pair_distances

        def recorded(u, lengths, index, index2):
            sizes.append(len(index))
            return original(u, lengths, index, index2)

        monkeypatch.setattr(module, "pair_distances", recorded)
    else:
        original = est._pairwise_block

        def recorded(A, B):
            sizes.append(len(A) * len(B))
            return original(A, B)

        monkeypatch.setattr(est, "_pairwise_block", recorded)
    est.pairwise_distances(X_ro, Y_ro, chunk_size=5)
    assert sizes and max(sizes) <= 5


@pytest.mark.parametrize(
    "estimator",
    [e for e in ESTIMATORS if hasattr(e, "pairwise_distances")],
    ids=estimator_id,
)
def test_distance_tiles_on_a_dask_cluster(estimator, data, dask_client):
    # joblib's dask backend, not threads: the tiles (chunks of coupled pairs
    # for the CGRU) go through the scheduler; the same arithmetic, so the same
    # matrix bit for bit
    X, y = _inputs(estimator, data)
    est = clone(estimator)
    if "max_epochs" in est.get_params():
        est.set_params(max_epochs=2)
    est.fit(X, y)
    local = est.pairwise_distances(X[:20], X, chunk_size=50)
    with joblib.parallel_config(backend="dask"):
        on_dask = est.pairwise_distances(X[:20], X, chunk_size=50)
    np.testing.assert_array_equal(on_dask, local)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"chunk_size": 0}, ValueError, "chunk_size == 0, must be >= 1"),
        ({"chunk_size": 2.5}, TypeError, "chunk_size must be an instance of"),
        ({"n_jobs": 0}, ValueError, "n_jobs=0 has no meaning"),
        ({"n_jobs": "2"}, TypeError, "n_jobs must be None or an int"),
    ],
)
@pytest.mark.parametrize("learner", ["toy", "cgru"])
def test_bad_chunking_arguments(data, kwargs, error, message, learner):
    X, y = data
    if learner == "toy":
        est = _PerPairMetric()
    else:
        est = clone(registered(CoupledGRUMetric)).set_params(max_epochs=1).fit(X, y)
    with pytest.raises(error, match=message):
        est.pairwise_distances(X[:3], **kwargs)
    if "n_jobs" in kwargs and learner == "cgru":
        # the parameter itself: refused before training, and when set after it
        with pytest.raises(ValueError, match="'n_jobs' parameter"):
            clone(est).set_params(**kwargs).fit(X, y)
        fitted = pickle.loads(pickle.dumps(est)).set_params(**kwargs)
        with pytest.raises(error, match=message):
            fitted.pairwise_distances(X[:3])


# -- predictions in blocks -------------------------------------------------------

_BLOCK_CASES = [  # (estimator, method): one of each kind of output
    (registered(RNNClassifier), "predict_proba"),
    (SiameseRNNEmbedder("mean", hidden_size=8, n_pairs=100, max_epochs=2,
                        random_state=0), "transform"),
]


@pytest.fixture(scope="module")
def fitted_for_blocks(data):
    return [(clone(est).fit(*_inputs(est, data)), method) for est, method in _BLOCK_CASES]


def _assert_same_rows(out, expected):
    # other batches, other float32 rounding (the order of some sums)
    np.testing.assert_allclose(out, expected, rtol=1e-5,
                               atol=1e-6 * float(np.abs(expected).max()))


def test_predict_in_blocks_refuses_a_meaningless_n_jobs(fitted_for_blocks, data):
    X, _ = data
    est, method = fitted_for_blocks[0]
    with pytest.raises(ValueError, match="n_jobs=0 has no meaning"):
        predict_in_blocks(est, X, method=method, n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs must be None or an int"):
        predict_in_blocks(est, X, method=method, n_jobs=2.5)


def test_map_in_parallel_runs_pieces_at_once_and_in_order():
    # n_jobs=2 runs two pieces at the same time (each waits for the other);
    # a serial map would break the barrier; ordered results keep their order
    import threading

    from sktime_metric.utils._parallel import map_in_parallel

    barrier = threading.Barrier(2, timeout=5)

    def piece(i):
        barrier.wait()
        return i * i

    assert list(map_in_parallel(piece, range(4), n_jobs=2)) == [0, 1, 4, 9]
    assert list(map_in_parallel(lambda i: -i, range(3))) == [0, -1, -2]


def test_predict_in_blocks_equals_one_call(fitted_for_blocks, data):
    X, _ = data
    for est, method in fitted_for_blocks:
        expected = getattr(est, method)(X)
        X_before = X.copy()
        for block_size, n_jobs in [(5, None), (7, 2), (len(X) + 3, 1)]:
            out = predict_in_blocks(est, X, method=method, block_size=block_size,
                                    n_jobs=n_jobs)
            assert out.shape == expected.shape
            _assert_same_rows(out, expected)
        # a list of series: padded to its longest, the same rows
        as_list = [x[~np.isnan(x).any(axis=1)] for x in X]
        _assert_same_rows(predict_in_blocks(est, as_list, method=method, block_size=4),
                          expected)
        np.testing.assert_array_equal(X, X_before)  # the caller's data untouched


def test_predict_in_blocks_on_a_dask_cluster(fitted_for_blocks, data, dask_client):
    X, _ = data
    for est, method in fitted_for_blocks:
        with joblib.parallel_config(backend="dask"):
            out = predict_in_blocks(est, X, method=method, block_size=6)
        # the local run in the same blocks: the cluster changes nothing
        _assert_same_rows(out, getattr(est, method)(X))
        np.testing.assert_array_equal(
            out, predict_in_blocks(est, X, method=method, block_size=6))


def test_predict_in_blocks_sparse_outputs_and_errors(data):
    from sktime_metric import CoupledGRUMetric

    X, y = data
    cgru = CoupledGRUMetric(hidden_size=4, max_epochs=1, shortlist_size=3,
                            random_state=0).fit(X[:12], y[:12])
    graph = predict_in_blocks(cgru, X[12:20], method="transform", block_size=3)
    _assert_same_rows(graph.toarray(), cgru.transform(X[12:20]).toarray())
    with pytest.raises(ValueError, match="method must name a method"):
        predict_in_blocks(cgru, X, method="predict")
    with pytest.raises(ValueError, match="'block_size' parameter"):
        predict_in_blocks(cgru, X, method="transform", block_size=0)
