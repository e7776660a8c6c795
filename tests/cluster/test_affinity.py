"""Affinities of routine clustering: local scaling, the thesis's kernels, connectivity."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score

from sktime_metric.cluster import RoutineClusterer, affinity_from_distances


def _distances(points):
    return np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))


def _oracle_local(D, k):
    """Zelnik-Manor & Perona's affinity, written out loop by loop."""
    n = len(D)
    sigma = []
    for i in range(n):
        others = sorted(D[i, j] for j in range(n) if j != i)
        sigma.append(others[min(k, n - 1) - 1])
    positive = [s for s in sigma if s > 0]
    sigma = [s if s > 0 else min(positive) for s in sigma]
    A = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            A[i, j] = np.exp(-D[i, j] ** 2 / (sigma[i] * sigma[j]))
    return A


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_local_affinity_matches_brute_force(k):
    points = np.random.RandomState(0).randn(6, 2) * [1, 5]
    points[4] = [30, 0]  # a far point
    D = _distances(points)
    A = affinity_from_distances(D, n_neighbors=k)  # "local" is the default
    np.testing.assert_allclose(A, _oracle_local(D, k), rtol=1e-12, atol=0)
    assert np.allclose(A, A.T) and np.all(np.diag(A) == 1)


def test_local_affinity_with_duplicates_and_asymmetric_input():
    D = _distances(np.array([[0.0], [0.0], [1.0], [3.0]]))  # points 0 and 1 coincide
    A = affinity_from_distances(D, n_neighbors=1)
    np.testing.assert_allclose(A, _oracle_local(D, 1), rtol=1e-12)
    assert np.isfinite(A).all() and A[0, 1] == 1.0
    noisy = D + np.triu(np.full_like(D, 0.1), 1)  # (D + D.T) / 2 is used
    np.testing.assert_allclose(affinity_from_distances(noisy, n_neighbors=2),
                               _oracle_local((noisy + noisy.T) / 2, 2), rtol=1e-12)


def test_global_kernels_of_the_thesis():
    D = _distances(np.array([[0.0], [1.0], [3.0]]))
    # eq. 3.50: exp(-d**2 / n), n a given width or the median off-diagonal d**2
    np.testing.assert_allclose(affinity_from_distances(D, kernel="gaussian", width=2.0),
                               np.exp(-D**2 / 2.0))
    np.testing.assert_allclose(affinity_from_distances(D, kernel="gaussian"),
                               np.exp(-D**2 / 4.0))  # median of (1, 9, 4, ...)
    # cosine: 1 + cos, for a cosine distance d = 1 - cos
    C = np.array([[0.0, 0.5, 2.0], [0.5, 0.0, 1.0], [2.0, 1.0, 0.0]])
    np.testing.assert_allclose(affinity_from_distances(C, kernel="cosine"),
                               [[2, 1.5, 0], [1.5, 2, 1], [0, 1, 2]])
    with pytest.raises(ValueError, match="'kernel' parameter"):
        affinity_from_distances(D, kernel="rbf")


def _planted_with_outliers(seed=0):
    """Three tight clusters (30 windows each), each with a tail of 5 far windows.

    The tails (2, 4, 8, 16 and 32 from the centre, outward) are the heavy tail
    of window distances: under one global width their far windows have ~0
    affinity to everything.
    """
    rng = np.random.RandomState(seed)
    angles = np.deg2rad([90, 210, 330])
    directions = np.c_[np.cos(angles), np.sin(angles)]
    points, truth = [], []
    for c, direction in enumerate(directions):
        centre = direction * 6 / np.sqrt(3)  # clusters 6 apart, sd 0.5
        radii = np.array([2, 4, 8, 16, 32]) * (1 + 0.1 * rng.randn(5))
        points += [centre + 0.5 * rng.randn(30, 2),
                   centre + radii[:, None] * direction + 0.2 * rng.randn(5, 2)]
        truth += [c] * 30 + [-1] * 5
    return _distances(np.concatenate(points)), np.array(truth)


@pytest.mark.parametrize("random_state", [0, 1, 2])
def test_local_affinity_recovers_clusters_the_global_one_spends_on_outliers(random_state):
    D, truth = _planted_with_outliers()
    planted = truth >= 0

    def fit(affinity):
        return RoutineClusterer("precomputed", n_clusters=3, affinity=affinity,
                                random_state=random_state).fit(D)

    with pytest.warns(UserWarning, match="almost isolated windows"):
        global_ = fit("global")
    sizes = np.sort(np.bincount(global_.labels_))
    assert sizes[:2].sum() <= 6 and sizes[2] >= 95  # two clusters on tail windows
    assert adjusted_mutual_info_score(truth[planted], global_.labels_[planted]) < 0.2

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a connected, balanced graph
        local = fit("local")
    assert np.sort(np.bincount(local.labels_)).tolist() == [35, 35, 35]
    assert adjusted_mutual_info_score(truth[planted], local.labels_[planted]) > 0.95


def test_disconnected_graph_warns_once_naming_components_and_windows():
    rng = np.random.RandomState(0)
    points = np.r_[rng.randn(20, 2), rng.randn(3, 2) + 1000.0]  # 3 windows far away
    D = _distances(points)
    rc = RoutineClusterer("precomputed", n_clusters=2, random_state=0)
    for affinity, hint in [("local", "larger n_neighbors"),
                           ("global", "affinity='local' (the default)")]:
        # "global" (width 1): affinities of exactly 0 across the groups, on
        # which scikit-learn warns too; "local": ~exp(-700), on which it does not
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rc.set_params(affinity=affinity, kernel_width=1.0).fit(D)
        messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        assert len(messages) == 1, messages  # not repeated by scikit-learn's own
        assert "2 connected components" in messages[0]
        assert ("windows outside the largest: 20 (day 0, slot 20), 21 (day 0, slot 21), "
                "22 (day 0, slot 22)") in messages[0]
        assert hint in messages[0]
        assert caught[0].filename == __file__  # points at the caller's fit
        assert np.bincount(rc.labels_).tolist() == [20, 3]


def test_global_affinity_parameters():
    rng = np.random.RandomState(0)
    D = _distances(rng.randn(12, 2))
    rc = RoutineClusterer("precomputed", n_clusters=2, affinity="global",
                          kernel_width=2.0, random_state=0).fit(D)
    np.testing.assert_allclose(rc.affinity_matrix_, np.exp(-D**2 / 2.0))
    with pytest.raises(ValueError, match="kernel_width='dim' needs an embedding"):
        rc.set_params(kernel_width="dim").fit(D)
    rc.set_params(affinity="local", n_neighbors=3).fit(D)  # the width is unused
    np.testing.assert_allclose(rc.affinity_matrix_, _oracle_local(D, 3), rtol=1e-12)
    with pytest.raises(ValueError, match="affinity"):
        rc.set_params(affinity="rbf").fit(D)


@pytest.mark.parametrize("metric", ["euclidean", "precomputed"])
def test_windows_all_at_distance_zero_are_said_to_cluster_arbitrarily(metric):
    # a constant recording: spectral clustering still split its 96 windows
    # into 44, 44 and 8, silently
    from sklearn.exceptions import ConvergenceWarning

    from sktime_metric.datasets import make_routines

    X, t, _, _ = make_routines(4, step=360, random_state=0)
    X = np.ones_like(X) if metric == "euclidean" else np.zeros((40, 40))
    rc = RoutineClusterer(metric, n_clusters=3, seq_len=10, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"every distance between the "
                      r"\d+ windows is 0, so they cannot be told apart"):
        rc.fit(X, timestamps=t if metric == "euclidean" else None)
    # windows that differ: no such warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        RoutineClusterer(metric, n_clusters=3, seq_len=10, random_state=0).fit(
            _distances(np.random.RandomState(0).randn(40, 2))
            if metric == "precomputed" else make_routines(
                4, step=360, random_state=0)[0],
            timestamps=None if metric == "precomputed" else t)
