"""sample_weight and class_weight of the classifiers: the loss, the checks, the effect."""

import inspect

import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import clone
from sklearn.model_selection import cross_validate

from sktime_metric.classification import (
    HCRFClassifier,
    HULMClassifier,
    NaiveLogisticClassifier,
    RNNClassifier,
    TAGMClassifier,
)
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.utils import channel_statistics

from .._registry import ESTIMATORS, estimator_id

TINY = dict(max_epochs=2, random_state=0)
CLASSIFIERS = [
    RNNClassifier(hidden_size=4, **TINY),
    TAGMClassifier(hidden_size=4, attention_hidden_size=4, **TINY),
    HULMClassifier(hidden_size=4, **TINY),
    HCRFClassifier(n_states=3, **TINY),
    NaiveLogisticClassifier(**TINY),
]
# (the matching network weighs its queries: test_the_matching_network_weighs_...)


@pytest.fixture(scope="module")
def data():
    return make_sequence_classification(n_samples=30, min_length=8, max_length=12,
                                        random_state=0)


def test_the_weighted_loss_is_the_weighted_mean_of_per_series_losses(data):
    # brute force: the net's batch loss against sum(w l) / sum(w) by hand
    X, y = data
    w = np.random.RandomState(0).uniform(0.1, 3, len(y))
    clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(
        X, y, sample_weight=w)
    X_checked, lengths = clf._validate_X(X, reset=False)
    batch = {k: torch.as_tensor(v) for k, v in clf._net_input(X_checked, lengths).items()}
    batch["sample_weight"] = torch.as_tensor(w, dtype=torch.float32)
    clf.net_.module_.eval()
    with torch.no_grad():
        logits = clf.net_.infer(batch)  # the weights never reach the module
        loss = clf.net_.get_loss(logits, torch.as_tensor(y), X=batch)
    per_series = torch.nn.functional.cross_entropy(
        logits.double(), torch.as_tensor(y), reduction="none").numpy()
    # a float32 mean of 30 terms of size ~1
    np.testing.assert_allclose(float(loss), (w * per_series).sum() / w.sum(), rtol=1e-5)


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=lambda e: type(e).__name__)
def test_uniform_weights_train_as_no_weights(estimator, data):
    # a constant weight cancels in sum(w l) / sum(w): the same model, up to the
    # float32 rounding of the two reductions
    X, y = data
    plain = clone(estimator).fit(X, y).predict_proba(X)
    weighted = clone(estimator).fit(X, y, sample_weight=np.full(len(y), 3.0))
    np.testing.assert_allclose(weighted.predict_proba(X), plain, atol=1e-4)


def test_weights_on_any_float64_scale_train_as_unit_weights(data):
    # the loss runs in float32: weights of 1e300 were inf there (a NaN loss,
    # reported as divergence) and weights of 1e-320 were 0 (every batch
    # contributed nothing: the untrained model, silently). Rescaled by a
    # power of two they train the model the unit weights train, up to the
    # float32 rounding of the loss's reductions
    X, y = data
    clf = CLASSIFIERS[0]
    plain = clone(clf).fit(X, y).predict_proba(X)
    for scale in (1e300, 1e-320):
        weighted = clone(clf).fit(X, y, sample_weight=np.full(len(y), scale))
        np.testing.assert_allclose(weighted.predict_proba(X), plain, atol=1e-4)


@pytest.mark.parametrize("estimator", CLASSIFIERS, ids=lambda e: type(e).__name__)
def test_bad_weights_raise_value_errors(estimator, data):
    X, y = data
    with pytest.raises(ValueError, match="Negative values in data"):
        clone(estimator).fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(29,\)"):
        clone(estimator).fit(X, y, sample_weight=np.ones(len(y) - 1))
    # scikit-learn >= 1.9 rejects all-zero weights in _check_sample_weight;
    # before, the classifier's own check (the weights sum to 0) does
    with pytest.raises(ValueError, match="at least one non-zero|sum to 0"):
        clone(estimator).fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="sum to 0"):
        clone(estimator).set_params(class_weight={0: 0, 1: 0, 2: 0}).fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):
        clone(estimator).set_params(class_weight="often").fit(X, y)
    # scikit-learn takes a dict's values as given: a negative weight trained
    # the class's loss upwards (silently, or a -inf loss named divergence),
    # NaN was named as weights that "sum to 0"
    for bad in (-1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match=r"class_weight gives class 1 the "
                           r"weight \S+: class weights must be finite"):
            clone(estimator).set_params(class_weight={1: bad}).fit(X, y)


@pytest.mark.parametrize("estimator", CLASSIFIERS[:1], ids=lambda e: type(e).__name__)
def test_durations_are_refused_as_weights(estimator, data):
    # _check_sample_weight read them as counts of their unit: weights of
    # 8.64e10 (a day in microseconds), silently
    pd = pytest.importorskip("pandas")
    X, y = data
    days = pd.to_timedelta(np.arange(1, len(y) + 1), unit="D")
    for weights in (days, days.values, pd.Series(days)):
        with pytest.raises(TypeError, match="sample_weight holds durations"):
            clone(estimator).fit(X, y, sample_weight=weights)


def test_balanced_class_weight_is_scikit_learns(data):
    X, y = data
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:3]])
    clf = RNNClassifier(class_weight="balanced", **TINY)
    weights = clf._training_weights(y[keep], None)
    counts = np.bincount(y[keep])
    np.testing.assert_allclose(weights, (len(keep) / (2 * counts))[y[keep]], rtol=1e-6)
    as_dict = RNNClassifier(class_weight={0: 2.0})._training_weights(y[keep], [1.0] * len(keep))
    np.testing.assert_array_equal(as_dict, np.where(y[keep] == 0, 2.0, 1.0))


def test_sample_weight_is_routed_by_cross_validate(data):
    X, y = data
    w = np.random.RandomState(0).uniform(0.5, 2, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        clf = RNNClassifier(hidden_size=4, **TINY).set_fit_request(sample_weight=True)
        clf = clf.set_score_request(sample_weight=False)
        result = cross_validate(clf, X, y, cv=3, params={"sample_weight": w})
    assert np.isfinite(result["test_score"]).all()


@pytest.mark.learning
def test_balanced_class_weight_finds_the_minority_class(learning_seed, learning_outcome):
    # 15 of 135 series in class 1, noisy: the plain fit predicts (almost) only
    # class 0; weighting the classes equally makes it find class 1
    X, y = make_sequence_classification(n_samples=240, n_classes=2, min_length=10,
                                        max_length=20, noise=1.5,
                                        random_state=learning_seed)
    rng = np.random.RandomState(learning_seed)
    keep = np.concatenate([np.flatnonzero(y == 0),
                           rng.choice(np.flatnonzero(y == 1), 15, replace=False)])
    X, y = X[keep], y[keep]
    recall = {}
    for class_weight in (None, "balanced"):
        clf = HCRFClassifier(n_states=4, max_epochs=15, class_weight=class_weight,
                             random_state=learning_seed).fit(X, y)
        recall[class_weight] = (clf.predict(X[y == 1]) == 1).mean()
    gain = learning_outcome("minority recall gain", recall["balanced"] - recall[None])
    # seeds 0-4, native and default kernels: 0.47-0.67 (mean 0.55)
    assert gain > 0.25


def test_the_matching_network_weighs_its_queries(data):
    # an episode's loss: the weighted mean of its queries' losses, by hand
    from sktime_metric.classification import MatchingNetworkClassifier
    from sktime_metric.nn import EpisodeNLLLoss

    X, y = data
    w = np.random.RandomState(0).uniform(0.1, 3, len(y))
    params = dict(hidden_size=4, n_way=2, max_epochs=2, random_state=0)
    clf = MatchingNetworkClassifier(**params).fit(X, y, sample_weight=w)
    X_checked, lengths = clf._validate_X(X, reset=False)
    batch = {k: torch.as_tensor(v) for k, v in clf._net_input(X_checked, lengths).items()}
    is_support = torch.zeros(len(y), dtype=torch.bool)
    is_support[[np.flatnonzero(y == c)[0] for c in np.unique(y)]] = True
    batch.update(is_support=is_support, sample_weight=torch.as_tensor(w, dtype=torch.float32))
    clf.net_.module_.eval()
    with torch.no_grad():
        output = clf.net_.infer(batch)
        loss = clf.net_.get_loss(output, torch.as_tensor(y), X=batch)
        per_query = EpisodeNLLLoss(reduction="none")(output, torch.as_tensor(y)).double()
    queries = ~is_support.numpy()
    expected = (w[queries] * per_query.numpy()).sum() / w[queries].sum()
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)
    # constant weights train as none
    plain = MatchingNetworkClassifier(**params).fit(X, y).predict_proba(X)
    constant = MatchingNetworkClassifier(**params).fit(X, y, sample_weight=np.full(len(y), 2.0))
    np.testing.assert_allclose(constant.predict_proba(X), plain, atol=1e-4)


WEIGHTED = [e for e in ESTIMATORS
            if "sample_weight" in inspect.signature(e.fit).parameters
            and "standardize" in e.get_params()]


# the matching network's weights weigh queries only; every series, whatever
# its weight, is read as a support series, so its statistics are unweighted
READS_EVERY_SERIES = {"MatchingNetworkClassifier"}


def test_every_weighted_standardising_classifier_is_tested():
    # the registry's classifiers that take sample_weight and can standardise:
    # a new one joins the test below by its registry line alone, whatever its
    # default (the test turns standardising on)
    assert {type(e).__name__ for e in WEIGHTED} == {
        "HCRFClassifier", "HULMClassifier", "MatchingNetworkClassifier",
        "NaiveLogisticClassifier", "RNNClassifier", "TAGMClassifier"}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 1 epoch
@pytest.mark.parametrize("estimator", WEIGHTED, ids=estimator_id)
def test_the_standardisation_weighs_the_series_as_the_loss(estimator, data):
    # a series given weight 0 is out of the loss; its channels' statistics
    # left it in, so an outlier the user excluded still set the scale (here
    # mean ~4e4 and scale ~2e5 instead of ~0 and ~1)
    X, y = data
    X = X.copy()
    X[0] = np.where(np.isnan(X[0]), np.nan, 1e6)
    w = np.ones(len(y))
    w[0] = 0.0
    params = {k: v for k, v in dict(max_epochs=1, n_iter_no_change=1).items()
              if k in estimator.get_params()}
    params["standardize"] = True
    clf = clone(estimator).set_params(**params).fit(X, y, sample_weight=w)
    reads_every_series = type(estimator).__name__ in READS_EVERY_SERIES
    mean, scale = channel_statistics(X if reads_every_series else X[1:])
    np.testing.assert_array_equal(clf.mean_, mean)
    np.testing.assert_array_equal(clf.scale_, scale)


def test_a_weight_0_series_beyond_the_others_scale_is_named_with_its_weight(data):
    # the statistics leave a weight-0 series out, but the network still reads
    # it: on a far scale from the others it overflows when standardised, and
    # the message blamed "another scale than the training series" for a
    # training series
    X, y = data
    X = X * 1e-300
    X[2] = np.where(np.isnan(X[2]), np.nan, 1e10)
    w = np.ones(len(y))
    w[2] = 0.0
    clf = RNNClassifier(**TINY)
    with pytest.raises(ValueError, match=r"X's sample 2 has the value 1e\+10 at time "
                       r"step 0, channel 0, and sample_weight 0: .* Drop the "
                       "series rather than weigh it 0"):
        clf.fit(X, y, sample_weight=w)
