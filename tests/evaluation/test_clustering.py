import numpy as np
import pytest
import scipy.sparse
from sklearn import metrics

from sktime_metric.evaluation import clustering_scores, precomputed_silhouette, routine_scores


def test_scores_invariant_to_label_permutation():
    rng = np.random.RandomState(0)
    slots = np.tile(np.arange(24), 5)
    labels = rng.randint(0, 5, len(slots))
    D = rng.rand(len(slots), len(slots))
    D = D + D.T
    a = routine_scores(labels, slots, D, activities=slots // 6)
    perm = np.array([3, 0, 4, 1, 2])
    b = routine_scores(perm[labels], slots, D, activities=slots // 6)
    assert a.keys() == b.keys() and "activity_ami" in a
    for key in a:
        assert a[key] == pytest.approx(b[key])


@pytest.mark.parametrize("nmi_average", ["arithmetic", "geometric", "min", "max"])
@pytest.mark.parametrize("ami_average", ["arithmetic", "max"])
def test_normalisations_match_sklearn(nmi_average, ami_average):
    rng = np.random.RandomState(1)
    t, p = rng.randint(0, 24, 200), rng.randint(0, 5, 200)
    s = clustering_scores(t, p, nmi_average=nmi_average, ami_average=ami_average)
    assert s["nmi"] == pytest.approx(
        metrics.normalized_mutual_info_score(t, p, average_method=nmi_average))
    assert s["ami"] == pytest.approx(
        metrics.adjusted_mutual_info_score(t, p, average_method=ami_average))
    assert s["completeness"] == pytest.approx(metrics.completeness_score(t, p))


def test_perfect_routines_and_silhouette():
    slots = np.tile(np.arange(4), 3)
    labels = np.tile([0, 0, 1, 1], 3)
    s = routine_scores(labels, slots)
    assert s["completeness"] == pytest.approx(1.0) and np.isnan(s["silhouette"])
    X = np.r_[np.zeros((5, 1)), np.ones((5, 1)) * 10] + np.arange(10)[:, None] * 0.01
    D = np.abs(X - X.T)
    D[np.diag_indices(10)] = 1e-9  # a learned measure need not give 0 exactly
    lab = np.repeat([0, 1], 5)
    assert precomputed_silhouette(D, lab) > 0.95
    assert np.isnan(precomputed_silhouette(D, np.zeros(10, int)))


def test_silhouette_of_an_asymmetric_measure_is_that_of_its_symmetric_part():
    # a learned measure need not be symmetric: d(i, j) and d(j, i) count alike
    rng = np.random.RandomState(0)
    D = rng.uniform(1, 2, (8, 8)) + 3.0 * (np.arange(8)[:, None] < 4)
    np.fill_diagonal(D, 0.0)
    labels = np.repeat([0, 1], 4)
    expected = metrics.silhouette_score((D + D.T) / 2, labels, metric="precomputed")
    assert precomputed_silhouette(D, labels) == pytest.approx(expected, rel=1e-12)
    assert precomputed_silhouette(D.T, labels) == pytest.approx(expected, rel=1e-12)


def test_routine_scores_are_those_of_the_clusters():
    # the silhouette of the clusters (not of the slots), the activity scores
    # of clusters against activities, the averages passed on
    rng = np.random.RandomState(2)
    slots = np.tile(np.arange(6), 5)
    labels = rng.randint(0, 3, len(slots))
    activities = rng.randint(0, 4, len(slots))
    D = rng.rand(len(slots), len(slots))
    s = routine_scores(labels, slots, D, activities=activities,
                       nmi_average="geometric", ami_average="max")
    assert s["silhouette"] == precomputed_silhouette(D, labels)
    expected = clustering_scores(slots, labels, nmi_average="geometric",
                                 ami_average="max")
    assert s["nmi"] == expected["nmi"] and s["ami"] == expected["ami"]
    for key, value in clustering_scores(activities, labels, nmi_average="geometric",
                                        ami_average="max").items():
        assert s[f"activity_{key}"] == value
    assert s["ami"] != clustering_scores(slots, labels)["ami"]


def test_silhouette_of_singletons_and_of_slightly_negative_distances():
    x = np.array([0.0, 1.0, 10.0, 11.0])
    D = np.abs(x[:, None] - x[None, :])
    # every sample its own cluster: undefined
    assert np.isnan(precomputed_silhouette(D, [0, 1, 2, 3]))
    # a learned measure may give a small negative distance: read as 0
    D_neg = D.copy()
    D_neg[0, 1] = D_neg[1, 0] = -1e-9
    D_zero = D.copy()
    D_zero[0, 1] = D_zero[1, 0] = 0.0
    assert precomputed_silhouette(D_neg, [0, 0, 1, 1]) == precomputed_silhouette(
        D_zero, [0, 0, 1, 1])


def test_bad_average():
    with pytest.raises(ValueError, match="nmi_average"):
        clustering_scores([0, 1], [0, 1], nmi_average="median")


def test_silhouette_refuses_a_sparse_or_non_finite_matrix_naming_distances():
    # numpy's "setting an array element with a sequence" and scikit-learn's
    # "Input X contains NaN" named neither the argument nor the entry
    x = np.array([0.0, 1.0, 10.0, 11.0])
    D = np.abs(x[:, None] - x[None, :])
    with pytest.raises(TypeError, match="^distances must be a dense matrix"):
        precomputed_silhouette(scipy.sparse.csr_matrix(D), [0, 0, 1, 1])
    for value in (np.nan, np.inf):
        bad = D.copy()
        bad[2, 0] = value
        with pytest.raises(ValueError, match=rf"distances\[2, 0\] is {value}"):
            precomputed_silhouette(bad, [0, 0, 1, 1])
        with pytest.raises(ValueError, match=r"distances\[2, 0\]"):
            routine_scores([0, 0, 1, 1], [0, 1, 0, 1], bad)
    # the diagonal is set to 0: whatever it holds is no distance between two
    diagonal = D.copy()
    np.fill_diagonal(diagonal, np.nan)
    assert precomputed_silhouette(diagonal, [0, 0, 1, 1]) == (
        precomputed_silhouette(D, [0, 0, 1, 1]))
