"""KISSME: closed form against brute force over all pairs, and the metric API."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline

from sktime_metric.metric import KISSMETransformer, kissme_metric, pair_covariances
from sktime_metric.metric._kissme_closed_form import mahalanobis_factor


def _data(n=40, d=5, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(n_classes, size=n)
    X = rng.randn(n, d) + 2.0 * rng.randn(n_classes, d)[y]
    return X, y


def _brute_force_covariances(X, y, groups=None):
    similar, dissimilar = [], []
    for i in range(len(X)):
        for j in range(i + 1, len(X)):
            diff = np.outer(X[i] - X[j], X[i] - X[j])
            if y[i] != y[j]:
                dissimilar.append(diff)
            elif groups is None or groups[i] != groups[j]:
                similar.append(diff)
    return np.mean(similar, 0), np.mean(dissimilar, 0), len(similar), len(dissimilar)


@pytest.mark.parametrize("with_groups", [False, True])
def test_pair_covariances_equal_brute_force_over_all_pairs(with_groups):
    X, y = _data()
    groups = np.arange(len(X)) % 4 if with_groups else None
    expected = _brute_force_covariances(X, y, groups)
    actual = pair_covariances(X, y, groups=groups)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12)


def test_sum_normalisation_is_the_literal_sum():
    X, y = _data()
    s_mean, d_mean, n_s, n_d = pair_covariances(X, y)
    s_sum, d_sum, _, _ = pair_covariances(X, y, normalization="sum")
    np.testing.assert_allclose(s_sum, s_mean * n_s)
    np.testing.assert_allclose(d_sum, d_mean * n_d)


def test_metric_is_the_psd_projection_of_the_inverse_difference():
    X, y = _data()
    sigma_s, sigma_d, _, _ = _brute_force_covariances(X, y)
    M, eigenvalues, _ = kissme_metric(sigma_s, sigma_d, regularization=0.0)
    A = np.linalg.inv(sigma_s) - np.linalg.inv(sigma_d)
    lam, U = np.linalg.eigh(A)
    np.testing.assert_allclose(M, (U * np.maximum(lam, 0)) @ U.T, atol=1e-10)
    assert (np.linalg.eigvalsh(M) > -1e-10).all() and (eigenvalues >= 0).all()


def test_the_ridge_is_relative_to_the_mean_variance():
    # Sigma += r tr(Sigma) / d I: r = 0.5 adds 1 to diag(1, 3) and 2 to diag(4, 4)
    M, _, _ = kissme_metric(np.diag([1.0, 3.0]), np.diag([4.0, 4.0]),
                            regularization=0.5)
    np.testing.assert_allclose(M, np.diag([1 / 2 - 1 / 6, 1 / 4 - 1 / 6]), atol=1e-12)


def test_the_factor_counts_negative_eigenvalues_as_zero():
    U = np.array([[0.6, -0.8], [0.8, 0.6]])  # orthonormal columns
    L = mahalanobis_factor(np.array([-1e-3, 4.0]), U)
    np.testing.assert_allclose(L, [[0.0, 0.0], 2.0 * U[:, 1]], atol=1e-12)


def test_get_metric_is_a_snapshot_of_the_fitted_estimator():
    X, y = _data()
    est = KISSMETransformer().fit(X, y)
    metric = est.get_metric()
    before = metric(X[0], X[1])
    est.fit(X[:, ::-1] * 3.0, y)  # refitting the estimator leaves the metric alone
    assert metric(X[0], X[1]) == before
    assert est.get_metric()(X[0], X[1]) != before


def test_estimator_matches_brute_force_and_transform_matches_distances():
    X, y = _data()
    est = KISSMETransformer(regularization=0.0).fit(X, y)
    sigma_s, sigma_d, _, _ = _brute_force_covariances(X, y)
    M, _, _ = kissme_metric(sigma_s, sigma_d, regularization=0.0)
    np.testing.assert_allclose(est.get_mahalanobis_matrix(), M, atol=1e-10)
    L = est.components_
    np.testing.assert_allclose(L.T @ L, M, atol=1e-10)
    diff = X[:10] - X[10:20]
    expected = np.sqrt(np.einsum("ij,jk,ik->i", diff, M, diff))
    np.testing.assert_allclose(est.pair_distance(X[:10], X[10:20]), expected)
    Z = est.transform(X)
    np.testing.assert_allclose(np.linalg.norm(Z[:10] - Z[10:20], axis=1), expected)
    np.testing.assert_allclose(
        est.pairwise_distances(X[:5], X[5:9]),
        np.linalg.norm(Z[:5, None] - Z[None, 5:9], axis=2),
        atol=1e-10,
    )
    metric = est.get_metric()
    assert metric(X[0], X[10]) == pytest.approx(expected[0])


def test_pca_is_folded_into_the_components():
    X, y = _data(d=8)
    est = KISSMETransformer(n_components=3).fit(X, y)
    assert est.components_.shape == (3, 8)
    Z = est.pca_.transform(X)
    inner = KISSMETransformer().fit(Z, y)
    np.testing.assert_allclose(
        est.pair_distance(X[:6], X[6:12]), inner.pair_distance(Z[:6], Z[6:12]),
        rtol=1e-8,
    )


def test_explicit_pairs_equal_labels_when_all_pairs_are_given():
    X, y = _data(n=20)
    i, j = np.triu_indices(len(X), k=1)
    pairs = np.stack([X[i], X[j]], axis=1)
    from_pairs = KISSMETransformer().fit_pairs(pairs, (y[i] == y[j]).astype(int))
    from_labels = KISSMETransformer().fit(X, y)
    np.testing.assert_allclose(
        from_pairs.mahalanobis_matrix_, from_labels.mahalanobis_matrix_, rtol=1e-8
    )


def test_random_pairs_approach_all_pairs():
    X, y = _data(n=60)
    exact = KISSMETransformer().fit(X, y).mahalanobis_matrix_
    sampled = KISSMETransformer(pair_sampling="random", n_pairs=50_000,
                                random_state=0).fit(X, y).mahalanobis_matrix_
    assert np.abs(sampled - exact).max() < 0.1 * np.abs(exact).max()


def test_learned_metric_helps_knn_in_a_grid_search():
    rng = np.random.RandomState(0)
    # class information in one dimension, loud noise in the others
    y = rng.randint(2, size=200)
    X = np.c_[y + 0.3 * rng.randn(200), 5 * rng.randn(200, 4)]
    pipe = Pipeline([("kissme", KISSMETransformer()),
                     ("knn", KNeighborsClassifier())])
    grid = GridSearchCV(pipe, {"knn__n_neighbors": [1, 5]}, cv=3).fit(X, y)
    plain = GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5]}, cv=3)
    assert grid.best_score_ > plain.fit(X, y).best_score_ + 0.1


def test_a_zero_metric_says_why():
    # each class-1 point a hair from a class-0 point: the dissimilar pairs'
    # differences include those hairs, the similar pairs' do not, so in no
    # direction do similar pairs vary less and M = 0 (every distance 0); the
    # fit said nothing of it
    rng = np.random.RandomState(0)
    base = rng.randn(20, 3)
    X = np.vstack([base, base + 1e-3 * rng.randn(20, 3)])
    y = np.repeat([0, 1], 20)
    with pytest.warns(ConvergenceWarning, match=r"KISSMETransformer learned a "
                      r"KISSME matrix M = 0: .*every distance is 0"):
        est = KISSMETransformer().fit(X, y)
    assert not est.eigenvalues_.any()
    np.testing.assert_array_equal(est.transform(X), 0.0)
    # separable classes: M has a positive eigenvalue, no warning
    X[20:] += 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert KISSMETransformer().fit(X, y).eigenvalues_.max() > 0


def test_a_feature_constant_in_training_gets_no_weight():
    # no pair differs along a constant feature, so neither covariance says
    # anything there; the two relative ridges (of unequal traces) weighed it
    # 1 / ridge_S - 1 / ridge_D, ~1e5 times the informative features, and
    # distances between new points varying there were that feature alone
    X, y = _data()
    X_test = _data(seed=1)[0]
    with_constant = np.column_stack([X, np.full(len(X), 5.0)])
    test_varying = np.column_stack([X_test, np.random.RandomState(2).randn(len(X))])
    est = KISSMETransformer().fit(with_constant, y)
    np.testing.assert_allclose(est.mahalanobis_matrix_[-1], 0.0, atol=1e-12)
    np.testing.assert_allclose(
        est.pairwise_distances(test_varying),
        KISSMETransformer().fit(X, y).pairwise_distances(X_test),
        rtol=1e-9, atol=1e-6)  # atol: sqrt of rounding on the diagonal
    # without a ridge the singular covariances no longer stop the fit
    KISSMETransformer(regularization=0.0).fit(with_constant, y)


def test_errors_without_both_kinds_of_pairs():
    X, _ = _data(n=6)
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        KISSMETransformer().fit(X, np.zeros(6))
    # the library's one wording (check_both_kinds), with the counts, what
    # labels give both kinds, and nothing of labels for explicit pairs
    with pytest.raises(ValueError, match=re.escape(
            "KISSMETransformer needs similar and dissimilar pairs; got 0 similar "
            "and 15 dissimilar. Give samples of at least two classes, one of them "
            "with two samples.")):
        KISSMETransformer().fit(X, np.arange(6))
    with pytest.raises(ValueError, match=r"one of them with two samples in "
                                         r"different groups\.$"):
        KISSMETransformer().fit(X, np.repeat([0, 1], 3), groups=np.repeat([0, 1], 3))
    pairs = np.stack([X[:3], X[3:]], axis=1)
    with pytest.raises(ValueError, match=r"pairs; got 3 similar and 0 dissimilar\.$"):
        KISSMETransformer().fit_pairs(pairs, [1, 1, 1])
    with pytest.raises(ValueError, match=r"shape \(n_pairs, 2, n_features\)"):
        KISSMETransformer().fit_pairs(X, np.ones(6))


def test_metric_learn_style_script_runs_unchanged():
    # what a metric-learn user writes for a pair learner (MMC, ITML, ...):
    # fit(pairs, y), pair_distance / pair_score / score_pairs on
    # (n_pairs, 2, n_features) pairs, get_mahalanobis / components_, and a
    # transformer that set_output(transform="pandas") names
    rng = np.random.RandomState(0)
    X, y = _data(n=60)
    i, j = rng.randint(len(X), size=(2, 200))
    pairs, pair_labels = np.stack([X[i], X[j]], axis=1), np.where(y[i] == y[j], 1, -1)
    learner = KISSMETransformer().fit(pairs, pair_labels)
    reference = KISSMETransformer().fit_pairs(pairs, pair_labels)
    np.testing.assert_array_equal(learner.components_, reference.components_)
    d = learner.pair_distance(pairs)
    np.testing.assert_allclose(d, learner.pair_distance(pairs[:, 0], pairs[:, 1]))
    np.testing.assert_allclose(learner.score_pairs(pairs), -d)
    np.testing.assert_allclose(learner.pair_score(pairs), -d)
    Z = learner.transform(X)
    np.testing.assert_allclose(d, np.linalg.norm(Z[i] - Z[j], axis=1), rtol=1e-10)
    names = learner.get_feature_names_out()
    assert len(names) == Z.shape[1] and names[0] == "kissmetransformer0"
    frame = learner.set_output(transform="pandas").transform(X)
    assert list(frame.columns) == list(names)
    assert isinstance(learner.pair_distance(pairs), np.ndarray)  # not a Series
    with pytest.raises(ValueError, match=r"\(n_pairs, 2, \.\.\.\)"):
        learner.pair_distance(X)


@pytest.mark.parametrize("output", ["pandas", "polars"])
@pytest.mark.parametrize("pair_sampling", ["all", "random"])
def test_global_transform_output_leaves_the_pca_fit_unchanged(output, pair_sampling):
    # sklearn.set_config(transform_output=...) also reached the inner PCA of
    # n_components: its frame then failed the covariances (polars: no
    # mean(axis=...); pandas: pairs indexed columns)
    pytest.importorskip(output)
    import sklearn

    X, y = _data(d=6)
    params = dict(n_components=2, pair_sampling=pair_sampling, n_pairs=200,
                  random_state=0)
    expected = KISSMETransformer(**params).fit(X, y).transform(X)
    with sklearn.config_context(transform_output=output):
        frame = KISSMETransformer(**params).fit(X, y).transform(X)
    np.testing.assert_array_equal(np.asarray(frame), expected)


def test_groups_reach_fit_only_through_metadata_routing():
    # as fit's docstring says: cross_val_score(groups=) splits by them only;
    # routing with set_fit_request(groups=True) gives each fold's to fit too
    import sklearn
    from sklearn.model_selection import GroupKFold, cross_val_score

    X, y = _data(n=60)
    groups = np.arange(len(X)) % 4
    folds = list(GroupKFold(2).split(X, y, groups))

    def by_hand(with_groups):
        return [KISSMETransformer().fit(
            X[train], y[train], groups=groups[train] if with_groups else None
        ).score(X[test], y[test]) for train, test in folds]

    plain = cross_val_score(KISSMETransformer(), X, y, groups=groups, cv=GroupKFold(2))
    np.testing.assert_array_equal(plain, by_hand(False))
    with sklearn.config_context(enable_metadata_routing=True):
        learner = KISSMETransformer().set_fit_request(groups=True)
        routed = cross_val_score(learner, X, y, cv=GroupKFold(2),
                                 params={"groups": groups})
    np.testing.assert_array_equal(routed, by_hand(True))
    assert not np.array_equal(routed, plain)


def test_score_labels_compared_for_equality_may_be_infinite():
    # score only compares labels for equality (classification=False): an
    # infinite label is a label like any other there, as it was before the
    # classifiers' "class labels must be finite" check
    X, y = _data()
    kissme = KISSMETransformer().fit(X, y)
    relabelled = np.array([0.0, np.inf, -np.inf])[y]
    assert kissme.score(X, relabelled) == kissme.score(X, y)


def test_score_refuses_labels_mixing_strings_and_numbers():
    # compared for equality only, a 7 among strings was a class apart from
    # "7": score gave a number where fit (and pair_auc, which score mirrors)
    # names the label
    X, y = _data()
    kissme = KISSMETransformer().fit(X, y)
    mixed = np.array(["a", "b", "c"], dtype=object)[y]
    mixed[2] = 7
    with pytest.raises(TypeError, match="^y mixes strings and other labels: "
                       f"'{mixed[0]}' at position 0, 7 at position 2"):
        kissme.score(X, mixed)


def test_sequences_are_refused_with_what_to_do():
    # scikit-learn's "Found array with dim 3" said what was wrong, not that
    # KISSME takes one vector per series nor how to get one
    rng = np.random.RandomState(0)
    X3, y = rng.randn(12, 5, 3), np.repeat([0, 1], 6)
    message = r"feature vectors.*X has shape \(12, 5, 3\).*Seq2SeqEmbedder"
    with pytest.raises(ValueError, match=message):
        KISSMETransformer().fit(X3, y)
    fitted = KISSMETransformer().fit(X3.reshape(12, -1), y)
    with pytest.raises(ValueError, match=message):
        fitted.transform(X3)
    # the library's collections of (T_i, d) series, equal or ragged: numpy's
    # "inhomogeneous shape" or scikit-learn's "dim 3" before
    listed = r"feature vectors.*X holds 12 sequences.*Seq2SeqEmbedder"
    ragged = [x[: 3 + i % 3] for i, x in enumerate(X3)]
    as_objects = np.empty(12, dtype=object)
    as_objects[:] = ragged
    for series in (list(X3), ragged, tuple(ragged), as_objects,
                   pd.Series(ragged)):
        with pytest.raises(ValueError, match=listed):
            KISSMETransformer().fit(series, y)
        with pytest.raises(ValueError, match=listed):
            fitted.transform(series)
