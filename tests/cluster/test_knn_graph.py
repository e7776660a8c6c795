"""RoutineClusterer's sparse k-NN path: the same affinity on the graph, no n x n matrix."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import kneighbors_graph

from sktime_metric.cluster import RoutineClusterer, affinity_from_distances
from sktime_metric.datasets import make_routines
from sktime_metric.metric import RVSMLMetric


def _distances(points):
    return np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))


def _planted_windows(n_per_routine=30, seed=0):
    """Windows of 3 routines (constant levels 0, 4, 8 on 2 channels) plus noise."""
    rng = np.random.RandomState(seed)
    levels = np.repeat([0.0, 4.0, 8.0], n_per_routine)
    W = levels[:, None, None] + 0.5 * rng.randn(len(levels), 6, 2)
    return W, np.repeat([0, 1, 2], n_per_routine)


@pytest.fixture(scope="module")
def routines():
    return make_routines(4, step=360, jitter=0, missing_probability=0.0,
                         skip_probability=0.0, random_state=0)


def test_sparse_affinity_equals_dense_on_the_graph_edges():
    points = np.random.RandomState(0).randn(40, 2) * [1, 5]
    points[3] = points[4]  # a duplicate: its explicit zero distance is an edge
    points[7] = [30, 0]    # a far point
    D = _distances(points)
    dense = affinity_from_distances(D, n_neighbors=5)
    graph = kneighbors_graph(points, 12, mode="distance")
    A = affinity_from_distances(graph, n_neighbors=5)
    assert sp.issparse(A) and abs(A - A.T).max() == 0
    coo = A.tocoo()
    np.testing.assert_allclose(coo.data, dense[coo.row, coo.col], rtol=1e-12)
    assert A[3, 4] == 1.0 and np.all(A.diagonal() == 1.0)
    # the union with the transpose: i -> j or j -> i is an edge
    edges = (graph.toarray() > 0) | (graph.T.toarray() > 0)
    edges[3, 4] = edges[4, 3] = True
    np.fill_diagonal(edges, True)
    assert (A.toarray() > 0).sum() == edges.sum()
    # every pair stored: the dense affinity itself
    full = kneighbors_graph(points, 39, mode="distance")
    np.testing.assert_allclose(affinity_from_distances(full, n_neighbors=5).toarray(),
                               dense, rtol=1e-12)


# no window has a k-NN neighbour in another routine: the graph's 3 components
# are the routines, which the warning says (tested below)
@pytest.mark.filterwarnings("ignore:The affinity graph of the 90 windows")
def test_knn_path_matches_dense_on_planted_routines():
    W, truth = _planted_windows()
    dense = RoutineClusterer("euclidean", n_clusters=3, random_state=0).fit(W)
    assert dense.affinity_graph_ == "dense"  # "auto" on a few windows
    knn = RoutineClusterer("euclidean", n_clusters=3, affinity_graph="knn",
                           random_state=0).fit(W)
    assert knn.affinity_graph_ == "knn"
    assert sp.issparse(knn.affinity_matrix_) and sp.issparse(knn.distance_matrix_)
    assert adjusted_rand_score(truth, knn.labels_) == 1.0
    assert adjusted_rand_score(dense.labels_, knn.labels_) == 1.0
    assert np.diff(knn.affinity_matrix_.indptr).min() >= 3 * 7  # n_graph_neighbors
    coo = knn.affinity_matrix_.tocoo()
    np.testing.assert_allclose(coo.data, dense.affinity_matrix_[coo.row, coo.col],
                               rtol=1e-12)
    d = knn.distance_matrix_.tocoo()
    np.testing.assert_allclose(d.data, dense.distance_matrix_[d.row, d.col], rtol=1e-12)
    # fewer than 1,000 windows: the silhouette's sample is all of them
    assert knn.time_coherence_scores_["silhouette"] == pytest.approx(
        dense.time_coherence_scores_["silhouette"], rel=1e-12)
    # a sparse precomputed X is the neighbours graph (scikit-learn's format)
    graph = kneighbors_graph(W.reshape(len(W), -1), 21, mode="distance")
    pre = RoutineClusterer("precomputed", n_clusters=3, random_state=0).fit(graph)
    assert pre.affinity_graph_ == "knn"
    np.testing.assert_array_equal(pre.labels_, knn.labels_)
    assert np.isnan(pre.time_coherence_scores_["silhouette"])  # absent entries unknown


@pytest.mark.parametrize("metric", ["euclidean", "callable"])
def test_full_graph_reproduces_the_dense_fit(routines, metric):
    # with every window a neighbour of every other, the k-NN path is the dense
    # one: NearestNeighbors (euclidean) and the blocks of rows (a callable, as DTW)
    # find the same distances, and the clusters are the same
    X, t, _, _ = routines
    if metric == "callable":
        metric = lambda a, b: np.abs(a - b).mean()  # noqa: E731
    params = dict(n_clusters=4, seq_len=10, random_state=0,
                  spectral_params={"eigen_solver": "arpack"})
    dense = RoutineClusterer(metric, **params).fit(X, timestamps=t)
    knn = RoutineClusterer(metric, affinity_graph="knn", n_graph_neighbors=95,
                           **params).fit(X, timestamps=t)
    np.testing.assert_allclose(knn.affinity_matrix_.toarray(), dense.affinity_matrix_,
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(knn.labels_, dense.labels_)
    # the eigengap on the same graph: the same choice, the same smallest eigenvalues
    dense.set_params(n_clusters="eigengap").fit(X, timestamps=t)
    knn.set_params(n_clusters="eigengap").fit(X, timestamps=t)
    assert knn.n_clusters_ == dense.n_clusters_
    np.testing.assert_allclose(knn.eigenvalues_, dense.eigenvalues_[:11], atol=1e-8)


def test_learned_metrics_on_the_knn_path(routines):
    X, t, _, _ = routines
    s2s = dict(hidden_size=8, projection_dim=4, max_epochs=2, n_pairs=100, lr=1e-2)
    dense = RoutineClusterer("seq2seq", metric_params=s2s, n_clusters=3, seq_len=10,
                             random_state=0).fit(X, timestamps=t)
    knn = RoutineClusterer(dense.metric_learner_, n_clusters=3, seq_len=10,
                           affinity_graph="knn", random_state=0).fit(X, timestamps=t)
    assert knn.embedding_.shape == (96, 4)
    d = knn.distance_matrix_.tocoo()  # neighbours searched on the embedding
    np.testing.assert_allclose(d.data, dense.distance_matrix_[d.row, d.col],
                               rtol=1e-9, atol=1e-12)
    # a similarity head (no embedding distance): blocks of rows, same distances;
    # its self-distance is not 0, so only the diagonal differs (1 vs the
    # dense affinity's largest entry)
    head = RoutineClusterer("siamese", metric_params=dict(
        hidden_size=4, max_epochs=1, loss="pair_logistic"), n_clusters=3, seq_len=10,
        n_pairs=60, random_state=0).fit(X, timestamps=t)
    knn = RoutineClusterer(head.metric_learner_, n_clusters=3, seq_len=10,
                           affinity_graph="knn", n_graph_neighbors=95,
                           random_state=0).fit(X, timestamps=t)
    off = ~np.eye(96, dtype=bool)
    np.testing.assert_allclose(knn.affinity_matrix_.toarray()[off],
                               head.affinity_matrix_[off], rtol=1e-9, atol=1e-15)
    # the coupled GRU: its own shortlist search, the exact coupled distances
    cgru = RoutineClusterer("cgru", metric_params=dict(hidden_size=4, max_epochs=1),
                            n_clusters=3, seq_len=10, n_pairs=60, random_state=0)
    cgru.fit(X, timestamps=t)
    sparse_cgru = RoutineClusterer(cgru.metric_learner_, n_clusters=3, seq_len=10,
                                   affinity_graph="knn", n_graph_neighbors=10,
                                   random_state=0).fit(X, timestamps=t)
    assert np.diff(sparse_cgru.distance_matrix_.indptr).min() >= 10
    d = sparse_cgru.distance_matrix_.tocoo()
    np.testing.assert_allclose(d.data, cgru.distance_matrix_[d.row, d.col],
                               rtol=1e-5, atol=1e-6)
    assert len(np.unique(sparse_cgru.labels_)) == 3


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_siamese_gru_neighbours_searched_on_its_embedding(routines):
    # the default "sgru": its distance is Euclidean between embed() rows, so the
    # k-NN graph holds the dense matrix's distances of each row's nearest
    X, t, _, _ = routines
    dense = RoutineClusterer(metric_params=dict(hidden_size=4, max_epochs=1),
                             n_clusters=3, seq_len=10, random_state=0).fit(X, timestamps=t)
    knn = RoutineClusterer(dense.metric_learner_, n_clusters=3, seq_len=10,
                           affinity_graph="knn", n_graph_neighbors=10,
                           random_state=0).fit(X, timestamps=t)
    d = knn.distance_matrix_.tocoo()
    off = d.row != d.col
    # float32 states: distances of ~1 agree to ~1e-6, self-distances of 0 to 1e-6
    np.testing.assert_allclose(d.data[off], dense.distance_matrix_[d.row, d.col][off],
                               rtol=1e-4, atol=1e-5)
    D = dense.distance_matrix_.copy()
    np.fill_diagonal(D, np.inf)
    nearest = np.sort(D, axis=1)[:, :10]
    stored = np.sort(knn.distance_matrix_.toarray() + np.where(
        knn.distance_matrix_.toarray() > 0, 0, np.inf), axis=1)[:, :10]
    # each row's 10 nearest are among the stored entries (ties aside)
    assert np.all(stored[:, 9] <= nearest[:, 9] * (1 + 1e-4) + 1e-5)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_learner_whose_transform_is_training_distances_is_searched_on_pairs(
        routines):
    # RVSML's transform gives the distances to its training series (a Pipeline
    # step before a precomputed 1-NN), not an embedding: neither is searched
    # by NearestNeighbors (on its 3-D projections: an error once), nor taken
    # for the coupled GRU (its shortlist search); its DTW by blocks of rows
    X, t, _, _ = routines
    params = dict(n_clusters=3, seq_len=10, random_state=0)
    windows = RoutineClusterer("euclidean", **params).fit(X, timestamps=t)
    rvsml = RVSMLMetric(max_iter=2).fit(windows.windows_, windows.labels_)
    dense = RoutineClusterer(rvsml, **params).fit(X, timestamps=t)
    knn = RoutineClusterer(rvsml, affinity_graph="knn", n_graph_neighbors=10,
                           **params).fit(X, timestamps=t)
    assert dense.embedding_ is None and knn.embedding_ is None
    np.testing.assert_array_equal(dense.distance_matrix_,
                                  rvsml.pairwise_distances(windows.windows_))
    d = knn.distance_matrix_.tocoo()
    np.testing.assert_array_equal(d.data, dense.distance_matrix_[d.row, d.col])
    D = dense.distance_matrix_.copy()
    np.fill_diagonal(D, np.inf)
    assert np.diff(knn.distance_matrix_.indptr).min() >= 10
    kept = np.where(knn.distance_matrix_.toarray() > 0,
                    knn.distance_matrix_.toarray(), np.inf)
    # each row's 10 nearest are stored (ties aside)
    assert np.all(np.sort(kept, axis=1)[:, 9] <= np.sort(D, axis=1)[:, 9])


@pytest.mark.parametrize("graph", ["dense", "knn"])
def test_an_embedders_windows_are_embedded_once(routines, graph, monkeypatch):
    # the dense path took its distances from pairwise_distances and its
    # embedding_ from transform: two embeddings of every window
    from sktime_metric.metric import Seq2SeqEmbedder

    X, t, _, _ = routines
    params = dict(n_clusters=3, seq_len=10, random_state=0)
    learner = RoutineClusterer(
        "seq2seq", metric_params=dict(hidden_size=8, projection_dim=4, max_epochs=1,
                                      n_pairs=40), **params).fit(X, timestamps=t)
    learner = learner.metric_learner_
    embedded = []  # the number of windows of each call
    embed = Seq2SeqEmbedder._embed

    def counting(self, X, name="X"):
        embedded.append(len(X))
        return embed(self, X, name)

    monkeypatch.setattr(Seq2SeqEmbedder, "_embed", counting)
    rc = RoutineClusterer(learner, affinity_graph=graph, n_graph_neighbors=10,
                          **params).fit(X, timestamps=t)
    n = len(rc.labels_)
    # the k-NN path's silhouette embeds its sample afresh (here every window)
    assert embedded == ([n] if graph == "dense" else [n, n])
    np.testing.assert_array_equal(rc.embedding_, learner.transform(rc.windows_))


def test_disconnected_knn_graph_warns_naming_the_windows():
    rng = np.random.RandomState(0)
    points = np.r_[rng.randn(40, 2), rng.randn(10, 2) + 1000.0]  # 10 windows far away
    graph = kneighbors_graph(points, 8, mode="distance")  # no edge across
    rc = RoutineClusterer("precomputed", n_clusters=2, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rc.fit(graph)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(messages) == 1, messages
    assert "2 connected components" in messages[0]
    assert "windows outside the largest: 40 (day 1, slot 16)" in messages[0]
    assert "n_graph_neighbors" in messages[0]
    assert np.bincount(rc.labels_).tolist() == [40, 10]


def test_planted_outliers_warn_on_the_knn_path():
    # test_affinity's planted clusters with tails of far windows, on the k-NN
    # graph: each tail stays linked to its cluster by its graph edges (no
    # "almost isolated" window, no cluster spent on a tail); the clusters
    # share no edge, and the warning says so
    from tests.cluster.test_affinity import _planted_with_outliers

    D, truth = _planted_with_outliers()
    rc = RoutineClusterer("precomputed", n_clusters=3, affinity_graph="knn",
                          random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rc.fit(D)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(messages) == 1 and "3 connected components" in messages[0]
    assert "almost isolated" not in messages[0]
    assert np.sort(np.bincount(rc.labels_)).tolist() == [35, 35, 35]
    planted = truth >= 0
    assert adjusted_rand_score(truth[planted], rc.labels_[planted]) == 1.0
    D = D.copy()
    D[0, 1:] = D[1:, 0] = 1e6  # window 0 planted far from everything
    with pytest.warns(UserWarning, match=r"1 almost isolated windows .*: 0 \(day 0, slot 0\)"):
        rc.fit(D)


def test_auto_switches_above_the_threshold(monkeypatch):
    import sktime_metric.cluster._routine as routine

    W, _ = _planted_windows(10)
    monkeypatch.setattr(routine, "_AUTO_KNN_ABOVE", 30)  # the 30 windows: not above
    rc = RoutineClusterer("euclidean", n_clusters=3, random_state=0).fit(W)
    assert rc.affinity_graph_ == "dense"
    monkeypatch.setattr(routine, "_AUTO_KNN_ABOVE", 20)
    rc.fit(W)
    assert rc.affinity_graph_ == "knn"
    rc.set_params(affinity="global").fit(W)  # the global kernels stay dense
    assert rc.affinity_graph_ == "dense"


@pytest.mark.filterwarnings("ignore:The affinity graph of the 30 windows")
def test_n_graph_neighbors_from_n_neighbors_to_every_window():
    W, _ = _planted_windows(10)  # 30 windows
    rc = RoutineClusterer("euclidean", n_clusters=3, affinity_graph="knn",
                          random_state=0)
    # as few as n_neighbors: each window still has its local scale's neighbour
    rc.set_params(n_graph_neighbors=7).fit(W)
    assert np.diff(rc.distance_matrix_.indptr).min() >= 7
    # more than there are windows: every other window, the dense distances
    rc.set_params(n_graph_neighbors=500).fit(W)
    assert rc.distance_matrix_.nnz == 30 * 29
    dense = RoutineClusterer("euclidean", n_clusters=3, affinity_graph="dense",
                             random_state=0).fit(W)
    np.testing.assert_allclose(rc.affinity_matrix_.toarray(), dense.affinity_matrix_,
                               rtol=1e-9, atol=1e-15)


def test_knn_errors():
    W, _ = _planted_windows(10)
    graph = kneighbors_graph(W.reshape(len(W), -1), 21, mode="distance")
    rc = RoutineClusterer("euclidean", n_clusters=3, affinity_graph="knn")
    with pytest.raises(ValueError, match="needs affinity='local'"):
        rc.set_params(affinity="global").fit(W)
    with pytest.raises(ValueError, match="n_graph_neighbors=5 is below n_neighbors=7"):
        rc.set_params(affinity="local", n_graph_neighbors=5).fit(W)
    with pytest.raises(ValueError, match="sparse precomputed X is a neighbours graph"):
        RoutineClusterer("precomputed", affinity_graph="dense").fit(graph)
    short = kneighbors_graph(W.reshape(len(W), -1), 3, mode="distance")
    with pytest.raises(ValueError, match=r"7-th nearest neighbour, but row \d+ of the neighbours graph stores 3"):
        RoutineClusterer("precomputed", n_clusters=3).fit(short)
    with pytest.raises(ValueError, match="supports kernel='local' only"):
        affinity_from_distances(graph, kernel="gaussian")
    with pytest.raises(ValueError, match="affinity_graph"):
        rc.set_params(n_graph_neighbors=None, affinity_graph="sparse").fit(W)


@pytest.mark.filterwarnings("ignore:The affinity graph of the 90 windows")
def test_plot_sparse_affinity():
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from sktime_metric.cluster import plot_affinity_matrix

    W, _ = _planted_windows()
    rc = RoutineClusterer("euclidean", n_clusters=3, affinity_graph="knn",
                          random_state=0).fit(W)
    ax = plot_affinity_matrix(rc.affinity_matrix_, rc.labels_)
    assert len(ax.collections[0].get_offsets()) == rc.affinity_matrix_.nnz
    plt.close("all")
