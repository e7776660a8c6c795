"""RoutineClusterer passes its parameters on: to the learner, eigengap, scores."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.metrics import normalized_mutual_info_score
from sklearn.utils._param_validation import InvalidParameterError

from sktime_metric.cluster import RoutineClusterer
from sktime_metric.datasets import make_routines
from sktime_metric.metric import KISSMETransformer, RVSMLMetric


@pytest.fixture(scope="module")
def routines():
    return make_routines(4, step=360, jitter=0, missing_probability=0.0,
                         skip_probability=0.0, random_state=0)


class PairRecorder(BaseEstimator):
    """A metric learner that records the constraint pairs it is fitted on."""

    def fit(self, X, y=None):
        return self

    def fit_pairs(self, X, pairs, pair_labels):
        self.pairs_, self.pair_labels_ = pairs, pair_labels
        return self

    def pairwise_distances(self, X, Y=None):
        X = np.asarray(X).reshape(len(X), -1)
        Y = X if Y is None else np.asarray(Y).reshape(len(Y), -1)
        return np.sqrt(((X[:, None] - Y[None]) ** 2).sum(-1))


def test_an_unfitted_learner_is_fitted_on_n_pairs_constraint_pairs(routines):
    X, t, _, _ = routines
    rc = RoutineClusterer(PairRecorder(), n_pairs=60, n_clusters=3, seq_len=10,
                          random_state=0).fit(X, timestamps=t)
    pairs, labels = rc.metric_learner_.pairs_, rc.metric_learner_.pair_labels_
    assert pairs.shape == (60, 2) and labels.sum() == 30
    i, j = pairs.T
    same = (rc.slot_index_[i] == rc.slot_index_[j]) & (rc.day_index_[i]
                                                        != rc.day_index_[j])
    np.testing.assert_array_equal(same, labels == 1)


def test_an_unfitted_learner_it_cannot_train_is_named(routines):
    # RVSMLMetric learns from class labels only: an AttributeError
    # ("'RVSMLMetric' object has no attribute 'fit_pairs'") said so before
    X, t, _, _ = routines
    with pytest.raises(TypeError, match=r"metric=RVSMLMetric\(\) is unfitted.*"
                                        r"fit_pairs.*Fit it first"):
        RoutineClusterer(RVSMLMetric(), n_clusters=3).fit(X, timestamps=t)
    # KISSME learns on vectors: Python's "fit_pairs() takes 3 positional
    # arguments but 4 were given" before
    with pytest.raises(TypeError, match=r"metric=KISSMETransformer\(\) is unfitted"
                                        r".*does not take the windows.*"
                                        r"metric='seq2seq'"):
        RoutineClusterer(KISSMETransformer(), n_clusters=3).fit(X, timestamps=t)


@pytest.mark.filterwarnings("ignore:.*connected components:UserWarning")
def test_eigengap_looks_no_further_than_max_clusters():
    # six well separated groups: the gap is at 6, out of reach of 4
    rng = np.random.RandomState(0)
    centres = np.repeat(np.arange(6) * 10.0, 8)[:, None] * [1.0, 0.0]
    P = centres + rng.randn(48, 2) * 0.3
    D = np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1))
    params = dict(n_clusters="eigengap", random_state=0)
    assert RoutineClusterer("precomputed", **params).fit(D).n_clusters_ == 6
    bounded = RoutineClusterer("precomputed", max_clusters=4, **params).fit(D)
    assert 2 <= bounded.n_clusters_ <= 4


def test_spectral_params_reach_spectral_clustering(routines):
    X, t, _, _ = routines
    rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=10, random_state=0,
                          spectral_params={"n_init": 0})
    with pytest.raises(InvalidParameterError, match="'n_init' parameter"):
        rc.fit(X, timestamps=t)


@pytest.mark.parametrize("average", ["min", "max", "geometric"])
def test_time_coherence_scores_use_the_averages_given(routines, average):
    X, t, _, _ = routines
    rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=10, nmi_average=average,
                          random_state=0).fit(X, timestamps=t)
    nmi = normalized_mutual_info_score(rc.slot_index_, rc.labels_,
                                       average_method=average)
    assert rc.time_coherence_scores_["nmi"] == pytest.approx(nmi, rel=1e-12)
    assert nmi != pytest.approx(normalized_mutual_info_score(
        rc.slot_index_, rc.labels_), rel=1e-6)


def test_knn_silhouette_samples_every_window_below_a_thousand():
    from sklearn.metrics import silhouette_score

    X, t, _, _ = make_routines(5, step=360, jitter=0, missing_probability=0.0,
                               skip_probability=0.0, random_state=0)
    rc = RoutineClusterer("euclidean", affinity_graph="knn", n_clusters=3,
                          seq_len=10, random_state=0).fit(X, timestamps=t)
    W = rc.windows_.reshape(len(rc.windows_), -1)
    assert len(W) == 120  # more than a small sample would hold
    D = np.sqrt(((W[:, None] - W[None]) ** 2).sum(-1))
    expected = silhouette_score(D, rc.labels_, metric="precomputed")
    assert rc.time_coherence_scores_["silhouette"] == pytest.approx(expected,
                                                                    rel=1e-6)


def test_routine_map_fills_the_cells_without_a_window(routines):
    X, t, _, _ = routines
    X = X.copy()
    X[10:20] = np.nan  # hour 1 of day 0
    rc = RoutineClusterer("euclidean", n_clusters=3, seq_len=10,
                          random_state=0).fit(X, timestamps=t)
    grid, days, slots = rc.routine_map(fill=-7)
    assert grid[0, 1] == -7 and (np.delete(grid.ravel(), 1) >= 0).all()
    assert rc.routine_map()[0][0, 1] == -1


def test_learned_metrics_are_tagged_non_deterministic():
    # the metrics that train a network; a distance or a given matrix does not
    for metric in ("sgru", "cgru", "seq2seq", "siamese"):
        assert RoutineClusterer(metric).__sklearn_tags__().non_deterministic
    for metric in ("dtw", "euclidean", "precomputed"):
        assert not RoutineClusterer(metric).__sklearn_tags__().non_deterministic


def test_plots_refuse_what_they_would_draw_wrong():
    # a day of -1 drew on the last row, over another day; labels of the
    # wrong length cut the affinity down to them; fewer columns than slots
    # raised numpy's IndexError
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from sktime_metric.cluster import plot_affinity_matrix, plot_routine_timeline

    days, slots = np.repeat([0, 1, 2], 4), np.tile([0, 1, 2, 3], 3)
    labels = np.tile([0, 0, 1, 2], 3)
    for bad, where in [(days - 1, r"days .* got -1 at position 0"),
                       (slots + 0.5, r"days .* got 0\.5 at position 0"),
                       (np.r_[days[:-1], np.inf], r"days .* got inf at position 11")]:
        with pytest.raises(ValueError, match=r"must be integers from 0 .*"):
            plot_routine_timeline(labels, bad, slots)
        with pytest.raises(ValueError, match=where.replace("days", "slots")):
            plot_routine_timeline(labels, days, bad)
    with pytest.raises(ValueError, match=r"one entry per window each; got 11, 12 "
                       "and 12"):
        plot_routine_timeline(labels[:-1], days, slots)
    with pytest.raises(ValueError, match=r"slots go up to 3 \(window 3\), beyond "
                       "n_slots=2 columns"):
        plot_routine_timeline(labels, days, slots, n_slots=2)
    with pytest.raises(ValueError, match=r"labels must hold one cluster per window "
                       r"\(3\), got shape \(2,\)"):
        plot_affinity_matrix(np.eye(3), labels=[0, 1])
    assert not plt.get_fignums()  # refused before a figure was opened
