"""RVSMLMetric: the alignments, the ridge step and the estimator's contract."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from tslearn.metrics import cdist_dtw, dtw, dtw_path

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.metric import RVSMLMetric
from sktime_metric.metric._rvsml_math import (
    dtw_alignment,
    initial_alignment,
    objective,
    opw_alignment,
    opw_distance,
    opw_distance_matrix,
    opw_paired_distances,
    opw_plans,
    ridge_projection,
    squared_costs,
    virtual_sequences,
)
from sktime_metric.utils import sequence_lengths


@pytest.fixture(scope="module")
def data():
    return make_sequence_classification(n_samples=36, n_classes=3, n_channels=2,
                                        min_length=8, max_length=14, random_state=0)


def test_virtual_sequences_are_orthogonal_one_hots():
    V = virtual_sequences(3, 4)
    flat = V.reshape(12, 12)
    np.testing.assert_array_equal(flat @ flat.T, np.eye(12))


def test_initial_alignment_covers_frames_and_elements_in_order():
    T = initial_alignment(10, 4)
    assert (T.sum(axis=1) == 1).all() and (T.sum(axis=0) > 0).all()
    assert np.all(np.diff(T.argmax(axis=1)) >= 0)


def test_dtw_alignment_is_tslearns_path():
    rng = np.random.default_rng(0)
    Z, V = rng.normal(size=(9, 3)), rng.normal(size=(4, 3))
    T = dtw_alignment(Z, V)
    path, _ = dtw_path(Z, V)
    assert sorted(zip(*np.nonzero(T))) == sorted(path)


@pytest.mark.parametrize("shape", [(7, 4), (5, 5), (3, 8)])
def test_opw_plan_is_the_unique_scaled_kernel_with_uniform_marginals(shape):
    # the entropic problem's solution is the only matrix diag(u) K diag(v) with
    # the two marginals: check both, with K rebuilt from its definition
    N, M = shape
    D = np.random.default_rng(N).random(shape) * 3.0
    T = opw_alignment(D, lambda1=2.0, lambda2=0.5, sigma=1.0, n_iter=5000, tol=1e-13)
    np.testing.assert_allclose(T.sum(axis=1), 1 / N, rtol=1e-9)
    np.testing.assert_allclose(T.sum(axis=0), 1 / M, rtol=1e-9)
    i = (np.arange(1, N + 1) / N)[:, None]
    j = (np.arange(1, M + 1) / M)[None, :]
    gap = i - j
    log_K = (-(gap**2 / (1 / N**2 + 1 / M**2)) / 2.0
             + (2.0 / (gap**2 + 1) - D / D.max()) / 0.5)
    residual = np.log(T) - log_K  # = log u_i + log v_j: rank one in sums
    np.testing.assert_allclose(residual - residual[:, :1] - residual[:1, :]
                               + residual[0, 0], 0.0, atol=1e-8)


def test_opw_distance_is_the_plans_cost():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(6, 2)), rng.normal(size=(4, 2))
    D = ((A[:, None] - B[None]) ** 2).sum(-1)
    assert opw_distance(A, B) == pytest.approx(np.sum(opw_alignment(D) * D))


@pytest.mark.parametrize("offset", [0.0, 1e4, 1e6, 1e8])
def test_squared_costs_are_the_differences_far_from_zero_too(offset):
    # by |a|^2 + |b|^2 - 2 a.b on centred frames: uncentred, its rounding
    # (eps times the squared norms) was 5e-5 of the largest cost at 1e6.
    # Centred, eps times the spread's square: 1e-13 of the largest cost
    # leaves float64 rounding of a few operations 1,000x room
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(7, 3)) + offset, rng.normal(size=(2, 5, 3)) + offset
    exact = ((A[None, :, None] - B[:, None]) ** 2).sum(-1)  # (2, 7, 5)
    for got in (squared_costs(A, B), squared_costs(np.stack([A, A]), B)):
        np.testing.assert_allclose(got, exact, rtol=0, atol=1e-13 * exact.max())


def _one_pair_opw(D, lambda1=50.0, lambda2=0.1, sigma=1.0, n_iter=20, tol=5e-3):
    """One pair's OPW plan as opw_alignment computed it before plans were
    stacked, and the path it took: ``(T, iterations, log-space fallback)``."""
    from scipy.special import logsumexp

    N, M = D.shape
    gap = (np.arange(1, N + 1) / N)[:, None] - (np.arange(1, M + 1) / M)[None, :]
    S = 1.0 / (gap**2 + 1.0)
    log_P = -(gap**2 / (1.0 / N**2 + 1.0 / M**2)) / (2.0 * sigma**2)
    D = D / D.max() if D.max() > 0 else D
    log_K = log_P + (lambda1 * S - D) / lambda2
    K = np.exp(log_K - log_K.max())
    a, b, v = np.full(N, 1.0 / N), np.full(M, 1.0 / M), np.ones(M)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for iteration in range(n_iter):
            u = a / (K @ v)
            v = b / (K.T @ u)
            if not np.abs(u * (K @ v) - a).max() >= tol * a[0]:
                break
        T = u[:, None] * K * v[None, :]
    if np.all(np.isfinite(T)):
        return T, iteration + 1, False
    log_v = np.zeros(M)
    for _ in range(n_iter):
        log_u = np.log(a) - logsumexp(log_K + log_v[None, :], axis=1)
        log_v = np.log(b) - logsumexp(log_K + log_u[:, None], axis=0)
        rows = logsumexp(log_u[:, None] + log_K + log_v[None, :], axis=1)
        if np.abs(np.expm1(rows - np.log(a))).max() < tol:
            break
    return np.exp(log_u[:, None] + log_K + log_v[None, :]), iteration + 1, True


# the authors' settings (on these small random costs every pair runs its 20
# iterations); a looser tol, where pairs stop after 8 to 20; and lambda2 =
# 1e-3, where some pairs' scaled kernels underflow (the log-space fallback)
OPW_SETTINGS = [{}, {"tol": 0.05},
                {"lambda1": 5.0, "lambda2": 1e-3, "n_iter": 60, "tol": 1e-9}]


@pytest.mark.parametrize("opw", OPW_SETTINGS)
def test_stacked_opw_plans_are_each_pairs_own(opw):
    # one stack, each pair stopping on its own rule at its own iteration (or
    # falling back alone): the plans of the pairs one at a time. Float64
    # throughout, the same operations in the same order per pair: equal to
    # the bit on our machines; rtol=1e-12 leaves room for a BLAS whose
    # batched matrix-vector products round differently
    rng = np.random.default_rng(3)
    D = rng.random((12, 9, 6)) ** rng.uniform(0.2, 5.0, size=(12, 1, 1))
    reference = [_one_pair_opw(d, **opw) for d in D]
    plans = opw_plans(D, **opw)
    for plan, single, (T, _, _) in zip(plans, D, reference):
        np.testing.assert_allclose(plan, T, rtol=1e-12, atol=0)
        np.testing.assert_allclose(plan, opw_alignment(single, **opw), rtol=1e-12,
                                   atol=0)
    iterations = {n for _, n, _ in reference}
    fallbacks = [f for _, _, f in reference]
    if "lambda2" in opw:  # some pairs fall back, others do not
        assert any(fallbacks) and not all(fallbacks)
    else:
        assert not any(fallbacks)
        assert len(iterations) == (5 if opw else 1)  # 8, 12, 14, 16, 20 at tol


@pytest.mark.parametrize("opw", OPW_SETTINGS)
def test_opw_distance_matrix_is_opw_distance_per_pair(opw):
    # ragged lengths (stacks of one length), cut into stacks of a few pairs;
    # the same for the paired distances (stacks of one pair of lengths)
    rng = np.random.default_rng(4)
    A = [rng.normal(size=(n, 3)) for n in (4, 9, 6, 9, 13)]
    B = [rng.normal(size=(n, 3)) * rng.uniform(0.1, 3.0) for n in (6, 9, 4, 6, 6, 11)]
    expected = np.array([[opw_distance(a, b, **opw) for b in B] for a in A])
    for max_cells in (1, 150, 2**16):
        np.testing.assert_allclose(opw_distance_matrix(A, B, max_cells=max_cells,
                                                       **opw),
                                   expected, rtol=1e-12, atol=0)
        pairs = ([0, 1, 2, 1, 3, 4, 1], [0, 1, 3, 1, 2, 5, 4])  # (9, 9) thrice
        np.testing.assert_allclose(
            opw_paired_distances([A[i] for i in pairs[0]], [B[j] for j in pairs[1]],
                                 max_cells=max_cells, **opw),
            expected[pairs], rtol=1e-12, atol=0)
    # the costs: the squared distances of the frames, to float rounding
    D = ((A[1][:, None] - B[3][None]) ** 2).sum(-1)
    T, _, _ = _one_pair_opw(D, **opw)
    assert expected[1, 3] == pytest.approx(np.sum(T * D), rel=1e-12)


@pytest.mark.parametrize("sigma", [0.3, 2.0])
def test_opw_plans_follow_sigma(sigma):
    # the prior's width enters as 2 sigma^2: at sigma = 1 (every other test)
    # sigma and sigma^2 agree, so other widths check it against the one-pair
    # reference (float64, the same operations: rtol as in the stacked test)
    D = np.random.default_rng(5).random((4, 7, 5))
    plans = opw_plans(D, sigma=sigma, tol=0.05)
    for plan, d in zip(plans, D):
        T, _, _ = _one_pair_opw(d, sigma=sigma, tol=0.05)
        np.testing.assert_allclose(plan, T, rtol=1e-12, atol=0)
        np.testing.assert_allclose(opw_alignment(d, sigma=sigma, tol=0.05), T,
                                   rtol=1e-12, atol=0)


def test_opw_of_identical_constant_series_is_zero():
    # all costs 0 (two series of one repeated frame): nothing to scale by, the
    # plan is the prior's, finite, and the distance 0; alone and in a stack
    A, B = np.ones((5, 2)), np.ones((4, 2))
    assert opw_distance(A, B) == 0.0
    D = np.random.default_rng(6).random((3, 5, 4))
    D[1] = 0.0
    plans = opw_plans(D)
    assert np.isfinite(plans).all()
    for plan, d in zip(plans, D):
        np.testing.assert_allclose(plan, _one_pair_opw(d)[0], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(opw_distance_matrix([A], [B, B]), [[0.0, 0.0]])


def test_opw_plans_need_one_iteration():
    D = np.random.default_rng(7).random((3, 6, 4))
    with pytest.raises(ValueError, match="n_iter must be at least 1; got 0"):
        opw_plans(D, n_iter=0)
    for plan, d in zip(opw_plans(D, n_iter=1), D):
        T, iterations, _ = _one_pair_opw(d, n_iter=1)
        assert iterations == 1
        np.testing.assert_allclose(plan, T, rtol=1e-12, atol=0)


def test_squared_costs_are_never_negative():
    # the expanded form rounds a frame's cost to itself to +-eps |a|^2 (here 6
    # of 1,600 entries below 0 unclipped): clipped to 0, as a squared
    # distance is, and the diagonal within rounding of 0
    A = np.random.default_rng(0).normal(size=(40, 5)) * 3 + 1
    D = squared_costs(A, A[None])[0]
    assert (D >= 0).all()
    np.testing.assert_allclose(np.diag(D), 0.0, atol=64 * np.finfo(float).eps
                               * (A - A.mean(0)).var(0).sum())


def test_opw_priors_are_cached_read_only_up_to_the_cell_bound():
    from sktime_metric.metric._rvsml_math import (
        _OPW_PRIOR_CACHE_CELLS,
        _opw_prior,
        _opw_prior_terms,
    )

    # small shapes: one read-only pair of arrays per (N, M, sigma), shared by
    # every call (a caller writing into it would change every later plan)
    small = _opw_prior(9, 6, 1.0)
    assert _opw_prior(9, 6, 1.0) is small
    assert all(not array.flags.writeable for array in small)
    for got, expected in zip(small, _opw_prior_terms(9, 6, 1.0)):
        np.testing.assert_array_equal(got, expected)
    # up to the bound inclusive; past it computed each time (memory)
    side = int(np.sqrt(_OPW_PRIOR_CACHE_CELLS))
    assert side * side == _OPW_PRIOR_CACHE_CELLS
    assert _opw_prior(side, side, 1.0) is _opw_prior(side, side, 1.0)
    assert _opw_prior(side, side + 1, 1.0) is not _opw_prior(side, side + 1, 1.0)


@pytest.mark.parametrize("max_cells", [1, 150, 500])
def test_opw_stacks_hold_at_most_max_cells_costs(max_cells, monkeypatch):
    # the bound on memory: each stack holds at most max_cells cost entries
    # (one pair when a pair alone is larger), every pair in exactly one
    import sktime_metric.metric._rvsml_math as math_

    sizes, real = [], math_._opw_stacked_distances
    monkeypatch.setattr(math_, "_opw_stacked_distances",
                        lambda A, B, **opw: sizes.append(B.shape[:2] + A.shape[-2:-1])
                        or real(A, B, **opw))
    rng = np.random.default_rng(8)
    A = [rng.normal(size=(n, 2)) for n in (4, 9, 6)]
    B = [rng.normal(size=(n, 2)) for n in (6, 9, 4, 6, 6, 11, 6, 6)]
    math_.opw_distance_matrix(A, B, max_cells=max_cells)
    math_.opw_paired_distances(B, B[::-1], max_cells=max_cells)
    pairs = [P for P, _, _ in sizes]
    cells = [P * M * N for P, M, N in sizes]
    assert sum(pairs) == len(A) * len(B) + len(B)
    assert all(c <= max_cells or P == 1 for P, c in zip(pairs, cells))
    if max_cells == 500:  # and as many pairs as fit: 5 columns of 6 x 6 cells
        assert (5, 6, 6) in sizes


def test_ridge_step_zeroes_the_objectives_gradient():
    rng = np.random.default_rng(2)
    V = virtual_sequences(2, 3)
    series = [rng.normal(size=(n, 3)) for n in (5, 8, 6)]
    targets = [V[0], V[1], V[0]]
    alignments = [rng.random((len(x), 3)) for x in series]
    L = ridge_projection(series, targets, alignments, 0.5)
    # central differences of the objective around L: all ~0 at the minimum
    step, grad = 1e-6, np.zeros_like(L)
    for index in np.ndindex(L.shape):
        E = np.zeros_like(L)
        E[index] = step
        grad[index] = (objective(series, targets, alignments, L + E, 0.5)
                       - objective(series, targets, alignments, L - E, 0.5)) / (2 * step)
    scale = objective(series, targets, alignments, L, 0.5)
    np.testing.assert_allclose(grad, 0.0, atol=1e-6 * scale)


def test_dtw_training_never_increases_the_objective(data):
    X, y = data
    metric = RVSMLMetric(max_iter=8, tol=0.0).fit(X, y)
    steps = np.diff(metric.objective_)
    assert len(steps) and np.all(steps <= 1e-9 * metric.objective_[0])
    assert metric.components_.shape == (2, 12) and metric.n_iter_ == len(metric.objective_)
    with pytest.warns(ConvergenceWarning, match="did not converge in max_iter=1"):
        RVSMLMetric(max_iter=1).fit(X, y)


@pytest.mark.parametrize("tol", [0.0, 1e-2])
def test_training_stops_once_the_objective_falls_by_at_most_tol(data, tol):
    # the rule replayed on the recorded objective: every alternation but the
    # last lowered it by more than tol (relative), the last by at most tol
    X, y = data
    metric = RVSMLMetric(max_iter=20, tol=tol).fit(X, y)
    drops = -np.diff(metric.objective_) / np.abs(metric.objective_[:-1])
    assert len(drops) >= 1 and metric.n_iter_ < 20
    assert (drops[:-1] > tol).all() and drops[-1] <= tol


@pytest.mark.parametrize("alignment", ["dtw", "opw"])
def test_distances_are_dtw_or_opw_of_the_projections(data, alignment):
    X, y = data
    metric = RVSMLMetric(alignment, max_iter=3).fit(X, y)
    Z = metric.project(X[:5])
    lengths = sequence_lengths(X[:5])
    cut = [z[:n] for z, n in zip(Z, lengths)]
    distance = dtw if alignment == "dtw" else opw_distance
    expected = np.array([[distance(a, b) for b in cut] for a in cut])
    np.testing.assert_allclose(metric.pairwise_distances(X[:5]), expected, rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(metric.pair_distance(X[:4], X[1:5]),
                               expected[np.arange(4), np.arange(1, 5)], rtol=1e-9)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_dtw_distances_equal_tslearns_with_its_default_backend(data, n_jobs):
    # the distances name tslearn's numpy backend and cut the padding
    # once (for speed); the numbers are those of tslearn's defaults
    X, y = data
    metric = RVSMLMetric(max_iter=3, n_jobs=n_jobs).fit(X, y)
    Z = metric.project(X[:7])
    np.testing.assert_array_equal(metric.pairwise_distances(X[:7], X[3:10]),
                                  cdist_dtw(Z, metric.project(X[3:10])))
    cut = [z[:n] for z, n in zip(Z, sequence_lengths(X[:7]))]
    np.testing.assert_array_equal(metric.pair_distance(X[:6], X[1:7]),
                                  [dtw(a, b) for a, b in zip(cut[:6], cut[1:])])


def test_dtw_matrix_of_one_set_is_its_triangle_mirrored(data):
    # pairwise_distances(X) computes the pairs i < j only (DTW is symmetric
    # to the bit): the same matrix as against a copy of X, padded or not
    X, y = data
    metric = RVSMLMetric(max_iter=3).fit(X, y)
    for Xs in (X[:9], np.nan_to_num(X[:9])):
        np.testing.assert_array_equal(metric.pairwise_distances(Xs),
                                      metric.pairwise_distances(Xs, Xs.copy()))


def test_dtw_matrix_of_one_set_computes_one_triangle(data, monkeypatch):
    # the tile of pairwise_distances(X) is a view of the array it was cut
    # from (another object, the same memory): recognised, cdist_dtw_padded
    # computes the pairs i < j only (None). Against Y, even X itself (projected
    # once more: other memory of the same shape), every pair
    import sktime_metric.metric._rvsml as rvsml

    X, y = data
    metric = RVSMLMetric(max_iter=3).fit(X, y)
    calls, real = [], rvsml.cdist_dtw_padded
    monkeypatch.setattr(rvsml, "cdist_dtw_padded",
                        lambda A, B, **k: calls.append(B is None) or real(A, B, **k))
    triangle = metric.pairwise_distances(X[:9])
    assert calls == [True]
    calls.clear()
    np.testing.assert_array_equal(metric.pairwise_distances(X[:9], X[:9]), triangle)
    assert calls == [False]


def test_padding_invariance_and_ragged_input(data):
    X, y = data
    metric = RVSMLMetric(max_iter=3).fit(X, y)
    expected = metric.pairwise_distances(X[:6], X)
    longer = np.concatenate([X, np.full((len(X), 5, 2), np.nan)], axis=1)
    np.testing.assert_allclose(metric.pairwise_distances(longer[:6], longer), expected)
    ragged = [x[:n] for x, n in zip(X, sequence_lengths(X))]
    np.testing.assert_allclose(metric.pairwise_distances(ragged[:6], ragged), expected)
    refit = RVSMLMetric(max_iter=3).fit(ragged, y)
    np.testing.assert_allclose(refit.components_, metric.components_, rtol=1e-12)


def test_input_is_not_mutated_and_round_trips(data):
    X, y = data
    X_ro = X.copy()
    X_ro.setflags(write=False)
    metric = RVSMLMetric(max_iter=3).fit(X_ro, y)
    np.testing.assert_array_equal(X_ro, X)
    again = pickle.loads(pickle.dumps(metric))
    np.testing.assert_array_equal(again.pairwise_distances(X[:4]),
                                  metric.pairwise_distances(X[:4]))
    assert not hasattr(clone(metric), "components_")


def test_bad_input_is_named(data):
    X, y = data
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="X's sample 3 has NaN at time step 2"):
        RVSMLMetric().fit(bad, y)
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        RVSMLMetric().fit(X, np.zeros(len(X)))
    fitted = RVSMLMetric(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 channels, but"):
        fitted.pairwise_distances(np.concatenate([X, X[:, :, :1]], axis=2))
    with pytest.raises(ValueError, match="alignment"):
        RVSMLMetric("soft").fit(X, y)


def test_grid_search_scores_pair_auc(data):
    X, y = data
    grid = GridSearchCV(RVSMLMetric(max_iter=3), {"n_elements": [2, 4]}, cv=2).fit(X, y)
    assert grid.best_params_["n_elements"] in (2, 4)
    assert 0.0 <= grid.best_score_ <= 1.0


@pytest.mark.learning
@pytest.mark.parametrize("alignment, floor", [("dtw", 0.85), ("opw", 0.6)])
@pytest.mark.parametrize("random_state", range(3))
def test_one_nn_learns_the_classes(alignment, floor, random_state):
    from sklearn.neighbors import KNeighborsClassifier

    # held-out 1-NN accuracy, measured over data seeds 0-4 with both kernel
    # settings (deterministic otherwise): DTW 0.956-1.0, OPW 0.733-0.867;
    # chance 1/3
    X, y = make_sequence_classification(n_samples=90, n_classes=3, n_channels=2,
                                        random_state=random_state)
    metric = RVSMLMetric(alignment).fit(X[:45], y[:45])
    knn = KNeighborsClassifier(1, metric="precomputed").fit(
        metric.pairwise_distances(X[:45]), y[:45])
    assert knn.score(metric.pairwise_distances(X[45:], X[:45]), y[45:]) > floor


@pytest.mark.parametrize("lambda1", [1.0, 5.0])
def test_opw_falls_back_to_log_space_when_the_kernel_underflows(lambda1):
    # lambda2 = 1e-3 spreads log K over thousands of units: the scaled kernel
    # underflows (a zero row, or a scaling that overflows during the
    # iterations), and the log-space Sinkhorn still meets both marginals
    D = np.random.default_rng(0).random((7, 3))
    T = opw_alignment(D, lambda1=lambda1, lambda2=1e-3, n_iter=20000, tol=1e-12)
    assert np.all(np.isfinite(T))
    np.testing.assert_allclose(T.sum(axis=1), 1 / 7, rtol=1e-6)
    np.testing.assert_allclose(T.sum(axis=0), 1 / 3, rtol=1e-6)


@pytest.mark.parametrize("lambda1", [1.0, 5.0])
def test_log_space_fallback_stops_once_rows_are_within_tol(lambda1):
    # the kernel of the test above falls back; with room to converge (20,000
    # iterations) the log-space iteration stops on its tol, rows within tol
    # of 1/N (relative; 10 tol would stop it at ~9.5 tol), the plan the
    # one-pair reference's (the same operations: rtol as in the stacked test)
    D = np.random.default_rng(0).random((7, 3))
    opw = {"lambda1": lambda1, "lambda2": 1e-3, "n_iter": 20000, "tol": 1e-6}
    T, _, fallback = _one_pair_opw(D, **opw)
    assert fallback
    for plan in (opw_plans(D[None], **opw)[0], opw_alignment(D, **opw)):
        np.testing.assert_allclose(plan, T, rtol=1e-12, atol=0)
        assert np.abs(plan.sum(axis=1) * 7 - 1).max() < opw["tol"]


def test_a_fit_that_tells_no_class_apart_says_so(data):
    # identical series: every distance is 0, so each series' nearest other
    # one is the same series for all, of one class: 1-NN accuracy about the
    # class's share, never clearly above the majority's
    X, y = data
    with pytest.warns(ConvergenceWarning, match="RVSMLMetric did not learn"):
        RVSMLMetric(max_iter=5).fit(np.ones_like(X[:, :6]), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        RVSMLMetric(max_iter=20).fit(X, y)
