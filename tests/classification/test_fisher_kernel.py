"""FisherKernelClassifier: Fisher scores against finite differences of hmmlearn."""

import warnings

import numpy as np
import pytest

from sktime_metric.classification import FisherKernelClassifier
from sktime_metric.classification._fisher_kernel import hmm_fisher_scores
from sktime_metric.datasets import make_sequence_classification

hmm = pytest.importorskip("hmmlearn.hmm")


def _tiny_hmm():
    rng = np.random.RandomState(0)
    model = hmm.GaussianHMM(n_components=3, covariance_type="diag")
    model.n_features = 2  # set by fit; the parameters here are set by hand
    model.startprob_ = rng.dirichlet(np.ones(3))
    model.transmat_ = rng.dirichlet(np.ones(3), size=3)
    model.means_ = rng.randn(3, 2)
    model.covars_ = rng.uniform(0.5, 2.0, size=(3, 2))
    return model


def _params(model):
    """The unconstrained parameters the scores differentiate: log pi, log A,
    means, log standard deviations."""
    return [np.log(model.startprob_), np.log(model.transmat_), model.means_.copy(),
            0.5 * np.log(np.array([np.diag(c) for c in model.covars_]))]


def _with(params):
    model = hmm.GaussianHMM(n_components=3, covariance_type="diag")
    model.n_features = 2
    log_start, log_trans, means, log_std = params
    start, trans = np.exp(log_start), np.exp(log_trans)
    model.startprob_ = start / start.sum()  # softmax of the logits
    model.transmat_ = trans / trans.sum(axis=1, keepdims=True)
    model.means_ = means
    model.covars_ = np.exp(2 * log_std)
    return model


def test_scores_are_the_gradient_of_hmmlearns_log_likelihood():
    model = _tiny_hmm()
    x = np.random.RandomState(1).randn(5, 2)
    scores, loglik = hmm_fisher_scores(
        x[None], np.array([5]), model.startprob_, model.transmat_, model.means_,
        np.array([np.diag(c) for c in model.covars_]))
    np.testing.assert_allclose(loglik[0], model.score(x), rtol=1e-10)
    numeric, h = [], 1e-6
    params = _params(model)
    for block, values in enumerate(params):
        for index in np.ndindex(values.shape):
            up = [p.copy() for p in params]
            down = [p.copy() for p in params]
            up[block][index] += h
            down[block][index] -= h
            numeric.append((_with(up).score(x) - _with(down).score(x)) / (2 * h))
    np.testing.assert_allclose(scores[0], numeric, rtol=1e-5, atol=1e-6)


def test_scores_ignore_padding_and_batch_mates():
    model = _tiny_hmm()
    rng = np.random.RandomState(2)
    X = rng.randn(3, 8, 2)
    lengths = np.array([8, 3, 5])
    for i, n in enumerate(lengths):
        X[i, n:] = np.nan
    args = (model.startprob_, model.transmat_, model.means_,
            np.array([np.diag(c) for c in model.covars_]))
    together, loglik = hmm_fisher_scores(X, lengths, *args)
    for i, n in enumerate(lengths):
        alone, alone_loglik = hmm_fisher_scores(X[i:i + 1, :n], lengths[i:i + 1],
                                                *args)
        np.testing.assert_allclose(together[i], alone[0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(loglik[i], model.score(X[i, :n]), rtol=1e-10)


def test_the_score_of_a_certain_probability_is_minus_the_others():
    """A start or transition probability of 1 (in float64) has the score minus
    the sum of its row's others: exactly 0 when they are 0, their accurate
    tiny sum when they are tiny, not the rounding noise of gamma - 1."""
    model = _tiny_hmm()
    x = np.random.RandomState(3).randn(2, 30, 2)
    variances = np.array([np.diag(c) for c in model.covars_])
    start = np.array([0.0, 1.0, 0.0])
    trans = model.transmat_.copy()
    trans[0] = [0.0, 0.0, 1.0]  # certain
    trans[2] = [1.0, 1e-30, 1e-30]  # certain in float64, not in fact
    scores, _ = hmm_fisher_scores(x, np.array([30, 30]), start, trans,
                                  model.means_, variances)
    d_start, d_trans = scores[:, :3], scores[:, 3:12].reshape(2, 3, 3)
    np.testing.assert_array_equal(d_start, 0.0)
    np.testing.assert_array_equal(d_trans[:, 0], 0.0)
    np.testing.assert_array_equal(d_trans[:, 2, 0], -d_trans[:, 2, 1:].sum(axis=1))
    assert np.all(np.abs(d_trans[:, 2, 0]) < 1e-20)  # the 1e-30 entries' scale


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=36, n_classes=3, n_channels=2, min_length=6, max_length=12,
        motif_length=4, noise=0.3, random_state=0,
    )
    return X, np.array(["a", "b", "c"])[y]


def test_predictions_are_the_svm_on_the_normalised_scores(data):
    X, y = data
    clf = FisherKernelClassifier(n_states=3, random_state=0).fit(X, y)
    features = clf.fisher_scores(X)
    assert features.shape == (len(X), 3 + 9 + 2 * 3 * 2)
    # normalised by the diagonal empirical Fisher information: unit second moment
    np.testing.assert_allclose(np.mean(features**2, axis=0), 1.0, rtol=1e-8)
    np.testing.assert_array_equal(clf.predict(X),
                                  clf.classes_[clf.svm_.predict(features)])
    assert (clf.predict_proba(X).argmax(axis=1)
            == np.searchsorted(clf.classes_, clf.predict(X))).all()
    assert clf.score(X, y) > 0.9  # seeds 0-4: 1.0


def test_two_classes_give_two_probability_columns(data):
    X, y = data
    keep = y != "c"
    clf = FisherKernelClassifier(n_states=2, random_state=0).fit(X[keep], y[keep])
    proba = clf.predict_proba(X[keep])
    assert proba.shape == (keep.sum(), 2)
    assert clf.decision_function(X[keep]).shape == (keep.sum(),)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)],
                                  clf.predict(X[keep]))
    # the SVM's decision is the score of classes_[1]: the same classes as its own
    # predict, and a column of probability that grows with it
    features = clf.fisher_scores(X[keep])
    np.testing.assert_array_equal(clf.predict(X[keep]),
                                  clf.classes_[clf.svm_.predict(features)])
    decision = clf.decision_function(X[keep])
    assert ((decision > 0) == (proba[:, 1] > 0.5)).all()


def test_class_weight_is_keyed_by_labels(data):
    X, y = data
    heavy = FisherKernelClassifier(n_states=2, C=1e-3, class_weight={"a": 100.0},
                                   random_state=0).fit(X, y)
    plain = FisherKernelClassifier(n_states=2, C=1e-3, random_state=0).fit(X, y)
    assert (heavy.predict(X) == "a").sum() > (plain.predict(X) == "a").sum()
    # scikit-learn's check, as for every other estimator (test_weights.py)
    with pytest.raises(ValueError, match="not in class_weight"):
        FisherKernelClassifier(n_states=2, class_weight={"z": 2.0}).fit(X, y)
    # both were an IndexError ("Target 2 is out of bounds")
    with pytest.raises(ValueError, match="class 'a' the weight -1.0"):
        FisherKernelClassifier(n_states=2, class_weight={"a": -1.0}).fit(X, y)
    with pytest.raises(ValueError, match="class 'a' the weight 0.0: the SVM cannot "
                       "fit a class of weight 0"):
        FisherKernelClassifier(n_states=2, class_weight={"a": 0.0}).fit(X, y)


@pytest.mark.parametrize("params, match", [
    ({"class_weight": {"a": 1e300}}, r"C \(1\) times the weight of class 'a' in "
     r"class_weight \(1e\+300\) is 1e\+300, past 1e\+50"),
    ({"C": 1e-3, "class_weight": {"b": 1e60}},
     r"C \(0.001\) times the weight of class 'b'"),
    ({"C": 1e51}, r"C is 1e\+51, past 1e\+50"),
    ({"Cs": [1.0, 1e60], "cv": 2}, r"The largest of Cs is 1e\+60, past"),
])
def test_a_penalty_liblinear_cannot_solve_is_refused_before_training(data, params,
                                                                     match):
    # liblinear's primal solver (scikit-learn's LinearSVC's too) ran for
    # minutes, without end, on C times a class weight past about 1e100
    X, y = data
    clf = FisherKernelClassifier(n_states=2, random_state=0, **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)
    # before the HMM trains (minutes on long series), so nothing is fitted
    assert not hasattr(clf, "startprob_") and not hasattr(clf, "fisher_scale_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("params", [{"C": 1e50},
                                    {"C": 1e-10, "class_weight": {"a": 1e60}}])
def test_a_penalty_at_the_bound_trains(data, params):
    # the documented bound, 1e50, is allowed: C times the weight at most 1e50
    X, y = data
    FisherKernelClassifier(n_states=2, random_state=0, **params).fit(X, y)


def test_C_is_chosen_by_cross_validating_the_svm_on_the_training_scores(data):
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from sktime_metric.base import derive_seed

    X, y = data
    Cs = [10.0, 1e-3, 1.0]
    clf = FisherKernelClassifier(n_states=3, Cs=Cs, cv=3, random_state=0).fit(X, y)
    # brute force: the folds and SVMs by hand, on the one HMM's training scores
    features, seed = clf.fisher_scores(X), derive_seed(0)
    codes = np.searchsorted(clf.classes_, y)
    folds = StratifiedKFold(3, shuffle=True, random_state=seed).split(features, codes)
    accuracy = np.zeros(len(Cs))
    for train, test in folds:
        for i, C in enumerate(Cs):
            svm = LinearSVC(C=C, max_iter=10_000, random_state=seed)
            svm.fit(features[train], codes[train])
            accuracy[i] += (svm.predict(features[test]) == codes[test]).mean() / 3
    np.testing.assert_allclose(clf.cv_scores_, accuracy, rtol=1e-12)
    # the best mean accuracy, ties to the smallest C
    best = min(C for C, a in zip(Cs, accuracy) if a == accuracy.max())
    assert clf.C_ == clf.svm_.C == best
    fixed = FisherKernelClassifier(n_states=3, C=best, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.decision_function(X), fixed.decision_function(X))
    assert not hasattr(fixed, "cv_scores_") and fixed.C_ == best
    # refitted without Cs, no candidates' scores are left from the earlier fit
    assert not hasattr(clf.set_params(Cs=None).fit(X, y), "cv_scores_")


def test_the_C_search_is_the_same_under_metadata_routing(data):
    # the inner GridSearchCV passed the class weights as sample_weight: with
    # routing enabled, LinearSVC had not requested them (UnsetMetadataPassedError)
    import sklearn

    X, y = data
    params = dict(n_states=2, Cs=[1e-3, 1.0], cv=3, class_weight="balanced",
                  random_state=0)
    expected = FisherKernelClassifier(**params).fit(X, y)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = FisherKernelClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(clf.cv_scores_, expected.cv_scores_)
    assert clf.C_ == expected.C_
    np.testing.assert_array_equal(clf.decision_function(X),
                                  expected.decision_function(X))


@pytest.mark.parametrize("Cs", [[], [1.0, -1.0], [0.0], [[1.0]], [np.inf]])
def test_Cs_must_be_positive_finite_floats(data, Cs):
    X, y = data
    with pytest.raises(ValueError, match="Cs must be a non-empty 1-d sequence"):
        FisherKernelClassifier(n_states=2, Cs=Cs).fit(X, y)


def test_cross_validation_needs_cv_series_of_every_class(data):
    X, y = data
    keep = np.flatnonzero(y != "c")[:20].tolist() + np.flatnonzero(y == "c")[:2].tolist()
    with pytest.raises(ValueError, match="class 'c' has 2"):
        FisherKernelClassifier(n_states=2, Cs=[1.0], cv=3).fit(X[keep], y[keep])
    # cv series of a class are enough: one in each fold
    keep = keep + np.flatnonzero(y == "c")[2:3].tolist()
    clf = FisherKernelClassifier(n_states=2, Cs=[1.0], cv=3, random_state=0)
    assert clf.fit(X[keep], y[keep]).cv_scores_.shape == (1,)


def test_class_weight_reaches_the_cross_validated_svms(data):
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC
    from sklearn.utils.class_weight import compute_class_weight

    from sktime_metric.base import derive_seed

    X, y = data
    Cs, weight = [1e-3, 1e-2, 1.0], {"a": 100.0}
    with warnings.catch_warnings():
        # scikit-learn >= 1.9 warns of a scorer that takes no sample_weight
        warnings.filterwarnings("error", message=".*does not support sample_weight")
        clf = FisherKernelClassifier(n_states=2, Cs=Cs, cv=3, class_weight=weight,
                                     random_state=0).fit(X, y)
    features, seed = clf.fisher_scores(X), derive_seed(0)
    codes = np.searchsorted(clf.classes_, y)
    w = compute_class_weight(weight, classes=clf.classes_, y=y)[codes]
    folds = StratifiedKFold(3, shuffle=True, random_state=seed).split(features, codes)
    plain, weighted = np.zeros(len(Cs)), np.zeros(len(Cs))
    for train, test in folds:
        for i, C in enumerate(Cs):
            svm = LinearSVC(C=C, max_iter=10_000, random_state=seed)
            svm.fit(features[train], codes[train], sample_weight=w[train])
            right = svm.predict(features[test]) == codes[test]
            plain[i] += right.mean() / 3
            weighted[i] += np.average(right, weights=w[test]) / 3
    # each fold's SVM is fitted with the weights, and its accuracy weighted by
    # them, whatever the scikit-learn release (GridSearchCV passes its scorer
    # the sample weights since 1.9 only, which made C depend on the release)
    np.testing.assert_allclose(clf.cv_scores_, weighted, rtol=1e-12)
    assert not np.allclose(plain, weighted)  # a test that can tell them apart
    assert plain[0] < plain[-1]  # the weights matter at C = 1e-3


def test_a_score_that_is_always_zero_stays_zero(data):
    # one state: its transition gradient is exactly 0 on every series; the
    # normalisation must not divide it by its mean square of 0
    X, y = data
    clf = FisherKernelClassifier(n_states=1, random_state=0).fit(X, y)
    features = clf.fisher_scores(X)
    # the start gradient too: rounding noise before, scaled up to O(1)
    np.testing.assert_array_equal(clf.fisher_scale_[:2], 0.0)
    assert np.isfinite(features).all()
    np.testing.assert_array_equal(features[:, :2], 0.0)
