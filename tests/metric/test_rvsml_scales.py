"""RVSMLMetric's distances of series on extreme scales: exact, or refused."""

import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.metric import RVSMLMetric


@pytest.fixture(scope="module")
def data():
    return make_sequence_classification(n_samples=24, n_classes=3, n_channels=2,
                                        min_length=8, max_length=14, random_state=0)


# OPW's distance is a squared one: beyond float64 itself below ~1e-154 and
# (refused) above ~1e153
@pytest.mark.parametrize("alignment, power, exponent",
                         [("dtw", 1, -600), ("dtw", 1, 520), ("opw", 2, 505)])
def test_distances_on_extreme_scales_are_the_scaled_distances(data, alignment,
                                                              power, exponent):
    # squared differences of projections past ~1e154 overflowed (DTW: inf,
    # OPW: NaN), below ~1e-154 underflowed: the distances of c X and c Y are
    # c (DTW, a root of squared costs) or c**2 (OPW) times those of X and Y
    X, y = data
    metric = RVSMLMetric(alignment, max_iter=3, standardize=False).fit(X, y)
    X_far = np.ldexp(X[:4], exponent)
    expected = np.ldexp(metric.pairwise_distances(X[:4]), power * exponent)
    assert (expected[~np.eye(4, dtype=bool)] > 0).all()
    np.testing.assert_allclose(metric.pairwise_distances(X_far), expected,
                               rtol=1e-12)
    np.testing.assert_allclose(metric.pair_distance(X_far[:3], X_far[1:]),
                               expected[[0, 1, 2], [1, 2, 3]], rtol=1e-12)
    # beside series on the ordinary scale, those pairs are as before
    both = metric.pairwise_distances(np.concatenate([X_far, X[4:8]]))
    np.testing.assert_allclose(both[:4, :4], expected, rtol=1e-12)
    np.testing.assert_array_equal(both[4:, 4:], metric.pairwise_distances(X[4:8]))
    # and those of a far series with an ordinary one are finite, whichever
    # of the two comes first (both scaled by the larger one's exponent);
    # DTW is symmetric, OPW's plan depends on the order
    assert np.isfinite(both).all()
    if alignment == "dtw":
        np.testing.assert_allclose(both[4:, :4], both[:4, 4:].T, rtol=1e-12)
    # the same pairs asked for alone: far rows against ordinary columns
    np.testing.assert_array_equal(metric.pairwise_distances(X_far, X[4:8]),
                                  both[:4, 4:])
    np.testing.assert_array_equal(metric.pairwise_distances(X[4:8], X_far),
                                  both[4:, :4])
    # and paired: far with ordinary series beside ordinary pairs, each pair
    # its own distance
    paired = metric.pair_distance(np.concatenate([X_far[:2], X[4:6]]),
                                  np.concatenate([X[4:6], X[6:8]]))
    np.testing.assert_array_equal(paired, [both[0, 4], both[1, 5],
                                           both[4, 6], both[5, 7]])


@pytest.mark.parametrize("alignment, factor", [("dtw", 1e305), ("opw", 1e160)])
def test_distances_beyond_float64_are_refused_naming_the_series(data, alignment,
                                                                factor):
    X, y = data
    metric = RVSMLMetric(alignment, max_iter=3).fit(X, y)
    X_far = X[:3].copy()
    X_far[2] *= factor
    with pytest.raises(ValueError, match=f"^Y's sample 2 projects to .* at time "
                       f"step 0, channel .* its {alignment} distances can exceed "
                       "float64"):
        metric.pairwise_distances(X[:3], X_far)
    # the argument the series came in is named: X, X2, or a side of the pairs
    with pytest.raises(ValueError, match="^X's sample 2 projects to"):
        metric.pairwise_distances(X_far, X[:3])
    with pytest.raises(ValueError, match="^X2's sample 2 projects to"):
        metric.pair_distance(X[:3], X_far)
    with pytest.raises(ValueError, match=r"^X1\[:, 1\]'s sample 2 projects to"):
        metric.pair_distance(np.stack([X[:3], X_far], axis=1))
    with pytest.raises(ValueError, match=r"^pairs\[:, 1\]'s sample 2 projects to"):
        metric.score_pairs(np.stack([X[:3], X_far], axis=1))
    with pytest.raises(ValueError, match="^v's sample 0 projects to"):
        metric.get_metric()(X[0], X_far[2])


def test_a_projection_beyond_float64_is_refused_naming_the_series(data):
    X, y = data
    # trained on series in thousandths: L's columns sum past 1 in magnitude
    metric = RVSMLMetric(max_iter=3, standardize=False).fit(X * 1e-3, y)
    L = metric.components_
    k = np.argmax(np.abs(L).sum(axis=0))
    assert np.abs(L[:, k]).sum() > 1.2
    X_far = X[:3].copy()
    # finite, its projection on channel k (sum of |x_c L[c, k]|) is not
    X_far[1, 2] = 0.9 * np.finfo(np.float64).max * np.sign(L[:, k])
    with pytest.raises(ValueError, match="^X's sample 1 at time step 2 projects beyond "
                       "float64's range"):
        metric.project(X_far)


@pytest.mark.parametrize("alignment", ["dtw", "opw"])
def test_the_refusal_bound_is_where_the_distances_could_leave_float64(data,
                                                                     alignment):
    # DTW's: max / 2**24; OPW's: sqrt(max / (4 d')), d' the projection's
    # channels; just below it the distances are finite, just above refused
    X, y = data
    metric = RVSMLMetric(alignment, max_iter=3, standardize=False).fit(X, y)
    Z = metric.project(X[:3])
    largest = np.finfo(np.float64).max
    bound = (largest / 2**24 if alignment == "dtw"
             else np.sqrt(largest / (4 * Z.shape[2])))
    assert Z.shape[2] > 1
    peak = np.nanmax(np.abs(Z))
    below = X[:3] * (0.9 * bound / peak)  # the projection is linear
    assert np.isfinite(metric.pairwise_distances(below)).all()
    with pytest.raises(ValueError, match=f"its {alignment} distances can exceed"):
        metric.pairwise_distances(X[:3] * (1.1 * bound / peak))


@pytest.mark.parametrize("alignment", ["dtw", "opw"])
def test_training_series_too_large_for_the_solver_are_refused_at_fit(data,
                                                                     alignment):
    # the normal equations' sums of squared frames overflowed past ~1e154: a
    # NaN components_, named by the alignments (DTW) or the learning check
    # (OPW, as series "on another scale than the training series were")
    X, y = data
    metric = RVSMLMetric(alignment, max_iter=3, standardize=False)
    with pytest.raises(ValueError, match=r"training produced a non-finite "
                       r"projection \(components_\).* too large for its ridge "
                       r"solver.*standardize=True"):
        metric.fit(X * 1e160, y)
    assert not hasattr(metric, "components_")
