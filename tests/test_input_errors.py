"""Dirty input gets a clear answer: labels, containers, small splits.

Complements ``test_sequence_contract.py`` (NaN and inf inside series, wrong
dimensions) with what a user's own data brings: a single class, missing
labels, object arrays and nested pandas frames of series, a training set too
small for the validation split, and fits that did not learn. Other
libraries' layouts: ``test_layouts.py``.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError

from sktime_metric.datasets import make_sequence_classification
from sktime_metric.evaluation import pair_auc
from sktime_metric.metric import KISSMETransformer, Seq2SeqEmbedder, SiameseRNNEmbedder
from sktime_metric.recommendation import IARNRecommender
from sktime_metric.regression import AttentionSequenceRegressor
from sktime_metric.utils import to_sequence_dataset

from ._registry import ESTIMATORS, estimator_id, targets_for

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=24, n_classes=2, n_channels=2, min_length=6, max_length=10,
        motif_length=3, noise=0.3, random_state=0,
    )
    return X, np.array(["a", "b"])[y]


def _series(X):
    """The list of ``(T_i, d)`` arrays of a padded dataset."""
    return [x[~np.isnan(x).all(axis=1)] for x in X]


def _containers(X):
    """The series of ``X`` as an object array and as a nested DataFrame."""
    series = _series(X)
    objects = np.empty(len(series), dtype=object)
    objects[:] = series
    nested = pd.DataFrame({
        f"dim_{c}": [pd.Series(s[:, c]) for s in series] for c in range(X.shape[2])
    })
    return series, objects, nested


def _fit_params(estimator):
    return {"max_epochs": 2} if "max_epochs" in estimator.get_params() else {}


# Estimators fitted on class labels (the regressor's targets are numbers; an
# unsupervised embedder, whose target_tags say y is not required, ignores y)
_LABELLED = [e for e in ESTIMATORS
             if not is_regressor(e) and get_tags(e).target_tags.required]


@pytest.mark.parametrize("estimator", _LABELLED, ids=estimator_id)
def test_a_single_class_is_refused(estimator, data):
    X, _ = data
    with pytest.raises(ValueError, match=r"needs at least 2 classes.*1 class \('a'\)"):
        clone(estimator).fit(X, np.full(len(X), "a"))


def test_a_single_class_is_refused_by_kissme_and_the_support_set(data):
    X, y = data
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        KISSMETransformer().fit(np.random.RandomState(0).randn(10, 3), np.zeros(10))
    matching = next(e for e in ESTIMATORS if hasattr(e, "set_support"))
    fitted = clone(matching).set_params(max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        fitted.set_support(X[:4], np.full(4, "a"))


@pytest.mark.filterwarnings(  # the column of one-label lists
    "ignore::sklearn.exceptions.DataConversionWarning")
@pytest.mark.parametrize("estimator", _LABELLED[:1], ids=estimator_id)
def test_labels_mixing_strings_and_numbers_are_named(estimator, data):
    # numpy cannot sort them: scikit-learn's target check failed with numpy's
    # bare "'<' not supported between instances of 'int' and 'str'"
    X, y = data
    y_mixed = y.astype(object)
    y_mixed[3] = 7
    # a list (or tuple) has no astype: the fix says; a column of one-label
    # lists was made text by numpy too ('7' a class)
    column = [[v] for v in y_mixed]
    for given in (y_mixed, list(y_mixed), tuple(y_mixed), column):
        with pytest.raises(TypeError, match=re.escape(
                f"y mixes strings and other labels: '{y[0]}' at position 0, 7 at "
                "position 3. Class labels must be all strings or all numbers; "
                "convert them first, e.g. with np.asarray(y, dtype=str).")):
            clone(estimator).fit(X, given)
    # the way out named works on the list too
    fixed = np.asarray(list(y_mixed), dtype=str)
    assert clone(estimator).set_params(max_epochs=1).fit(X, fixed).classes_.size == 3


@pytest.mark.filterwarnings(  # the column of one-label lists
    "ignore::sklearn.exceptions.DataConversionWarning")
@pytest.mark.parametrize("estimator", _LABELLED, ids=estimator_id)
def test_missing_labels_are_named_with_their_position(estimator, data):
    X, y = data
    for missing in (np.nan, None):
        y_bad = y.astype(object)
        y_bad[5] = missing
        # a list or tuple too: numpy made text of it, NaN a class "nan"; and
        # a column of one-label lists
        for given in (y_bad, list(y_bad), tuple(y_bad), [[v] for v in y_bad]):
            with pytest.raises(ValueError,
                               match=r"y has a missing value .* at position 5"):
                clone(estimator).fit(X, given)
    y_float = (y == "a").astype(float)
    y_float[[3, 7]] = np.nan
    with pytest.raises(ValueError, match="at position 3 and 1 more"):
        clone(estimator).fit(X, y_float)
    # an infinite label is named before scikit-learn's target check, which
    # casts it to int first (numpy's "invalid value encountered in cast")
    y_float[[3, 7]] = [0.0, -np.inf]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=r"y has an infinite value \(-?inf\) "
                           "at position 7: class labels must be finite"):
            clone(estimator).fit(X, y_float)
        y_float[[2, 7]] = [np.inf, -np.inf]  # the first of two is named
        with pytest.raises(ValueError, match=r"infinite value \(inf\) at position 2:"):
            clone(estimator).fit(X, y_float)


def test_object_arrays_and_nested_frames_are_read_like_lists(data):
    X, _ = data
    series, objects, nested = _containers(X)
    expected = to_sequence_dataset(series)
    for container in (objects, pd.Series(list(series)), nested):
        np.testing.assert_array_equal(to_sequence_dataset(container), expected)
    bad = nested.copy()
    bad.iloc[2, 1] = pd.Series(np.zeros(3))
    with pytest.raises(ValueError,
                       match=r"X's sample 2 has channels of different lengths"):
        to_sequence_dataset(bad)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=estimator_id)
def test_estimators_take_object_arrays_and_nested_frames(estimator, data):
    X, y = data
    y = targets_for(estimator, y)
    series, objects, nested = _containers(X)
    est = clone(estimator).set_params(**_fit_params(estimator))
    method = "predict_proba" if is_classifier(est) else "transform"
    reference = getattr(clone(est).fit(series, y), method)(series)
    for container in (objects, nested):
        fitted = clone(est).fit(container, y)
        np.testing.assert_array_equal(getattr(fitted, method)(container), reference)


@pytest.mark.parametrize(
    "estimator", [e for e in _LABELLED if "early_stopping" in e.get_params()],
    ids=estimator_id,
)
def test_a_split_too_small_names_validation_fraction(estimator, data):
    X, y = data
    est = clone(estimator).set_params(early_stopping=True, validation_fraction=0.1)
    if "validation" in est.get_params():  # series, not whole classes, held out
        est.set_params(validation="stratified")
    with pytest.raises(ValueError, match=r"early_stopping=True holds out "
                       r"validation_fraction=0.1 of the 3 training series: 1 for "
                       r"validation and 2 for training, but each part needs at least 2"):
        est.fit(X[:3], np.array(["a", "b", "a"]))


# the classifiers' stratified hold-out (the metric learners' hold-out,
# metric/_pairs.holdout_split, falls back to a plain random split when a class
# is too small to stratify, as its docstring says)
@pytest.mark.parametrize(
    "estimator", [e for e in _LABELLED if "early_stopping" in e.get_params()
                  and "validation" not in e.get_params()],
    ids=estimator_id,
)
def test_a_single_series_class_names_early_stopping_and_the_class(estimator, data):
    X, y = data
    est = clone(estimator).set_params(early_stopping=True)
    y = y.copy()
    y[0] = "c"  # one series of class "c"
    with pytest.raises(ValueError, match=r"early_stopping=True holds out .* but "
                       r"class 'c' has a single series"):
        est.fit(X, y)


_CLASSIFIERS = [e for e in ESTIMATORS if is_classifier(e)]


@pytest.mark.filterwarnings("default::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator", _CLASSIFIERS, ids=estimator_id)
def test_a_fit_that_did_not_learn_says_so(estimator, data):
    X, y = data
    # identical series: no model can beat the class frequencies, and every one
    # predicts the same class for all of them
    constant = np.ones_like(X[:, :6])
    with pytest.warns(ConvergenceWarning, match="did not learn") as record:
        clone(estimator).fit(constant, y)
    # what it says to try are parameters this estimator has (the SVM of the
    # Fisher kernel has no learning rate)
    message = next(str(w.message) for w in record if "did not learn" in str(w.message))
    named = re.findall(r"\(([A-Za-z_]+)[,)]", message.split(". Try")[-1])
    assert named and set(named) <= set(estimator.get_params()), (named, message)
    # a fit that learns does not warn (the sequence contract's data, on which
    # every registry classifier reaches > 0.83 training accuracy)
    X, y = make_sequence_classification(
        n_samples=48, n_classes=3, n_channels=2, min_length=6, max_length=14,
        motif_length=4, noise=0.3, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clone(estimator).fit(X, y)


def test_a_network_output_that_overflowed_names_its_series(data):
    """A float32 state that overflows on one series (a ReLU recurrence on a
    series far longer than those of training) is an error naming that series,
    not NaN probabilities; the attention, finite, is still given."""
    from sktime_metric.classification import TAGMClassifier

    X, y = data
    tagm = clone(next(e for e in ESTIMATORS if type(e) is TAGMClassifier))
    tagm.set_params(max_epochs=1).fit(X, y)
    gated = tagm.net_.module_.gated_fwd.recurrent_map
    with torch.no_grad():  # the state grows ~(1 + 9 a_t) times a step
        gated.weight.copy_(10 * torch.eye(gated.weight.shape[0]))
        gated.bias.fill_(1.0)
    long = np.full((4, 400, 2), np.nan)
    long[:, :8] = X[:4, :8]
    long[2] = np.random.RandomState(0).randn(400, 2)  # sorted last at predict
    with pytest.raises(ValueError, match=r"X's sample 2 \(of 400 steps\) gives a "
                       "non-finite network output"):
        tagm.predict_proba(long)
    assert np.isfinite(tagm.predict_proba(long[[0, 1, 3], :8])).all()
    attention = tagm.predict_attention(long)
    assert np.isfinite(attention[2]).all()
    # per-step outputs (batch, T, k), NaN on padding by design, are not refused
    X_short, lengths = tagm._validate_X(long[[0, 1, 3], :8], reset=False)
    lengths[1] = 5  # padding after step 5 of the second series

    def per_step(module, x, lengths):
        valid = torch.arange(x.shape[1]) < lengths[:, None]
        return torch.where(valid, x[..., 0], torch.nan)[..., None],

    steps = tagm._predict_batches(tagm._net_input(X_short, lengths), lengths,
                                  per_step)[0]
    assert steps.shape[:2] == (3, 8) and torch.isnan(steps[1, 5:]).all()


# -- arguments beside X: parameters, labels of scores, support sets ----------


@pytest.mark.parametrize(
    "estimator", [e for e in ESTIMATORS if "device" in e.get_params()],
    ids=estimator_id,
)
def test_a_device_torch_cannot_parse_names_the_parameter(estimator, data):
    X, y = data
    with pytest.raises(InvalidParameterError, match=r"'device' parameter .* 'gpu0'"):
        clone(estimator).set_params(device="gpu0").fit(X, targets_for(estimator, y))
    with pytest.raises(InvalidParameterError,
                       match=r"'device' .* 'str', an instance of 'torch.device' or "
                             r"None. Got 0"):
        clone(estimator).set_params(device=0).fit(X, targets_for(estimator, y))
    if not torch.cuda.is_available():  # said at the top of fit, with the way out
        for device in ("cuda", torch.device("cuda", 0)):
            with pytest.raises(InvalidParameterError,
                               match="CUDA is not available here"):
                clone(estimator).set_params(device=device).fit(
                    X, targets_for(estimator, y))


def test_scores_check_their_labels(data):
    X, y = data
    srn = next(e for e in ESTIMATORS if isinstance(e, SiameseRNNEmbedder))
    fitted = clone(srn).fit(X, y)
    y_nan = (y == "a").astype(float)
    y_nan[4] = np.nan
    with pytest.raises(ValueError, match="y has a missing value .* at position 4"):
        fitted.score(X, y_nan)
    with pytest.raises(ValueError, match="X has 24 series but y has 10 labels"):
        pair_auc("dtw", X, y[:10])
    # one series makes no pair: this was scikit-learn's "Found array with 0
    # sample(s) (shape=(0, 8))" on the embeddings of no pair
    with pytest.raises(ValueError, match="needs similar and dissimilar pairs"):
        fitted.score(X[:1], y[:1])
    Z = np.random.RandomState(0).randn(30, 4)
    labels = np.arange(30) % 3
    kissme = KISSMETransformer().fit(Z, labels)
    with pytest.raises(ValueError, match="X has 30 series but y has 10 labels"):
        kissme.score(Z, labels[:10])
    with pytest.raises(ValueError, match="needs similar and dissimilar pairs"):
        kissme.score(Z, np.zeros(30))


def test_explicit_pair_labels_are_checked_by_kissme():
    pairs = np.random.RandomState(0).randn(8, 2, 3)
    for labels in ([1, 2] * 4, [1, np.nan] * 4):
        with pytest.raises(ValueError, match=r"pair_labels must be 1 \(similar\)"):
            KISSMETransformer().fit_pairs(pairs, labels)
    with pytest.raises(ValueError, match="got dtype <U1"):
        KISSMETransformer().fit_pairs(pairs, ["1", "0"] * 4)
    # True / False and metric-learn's +1 / -1 are the same pairs as 1 / 0
    reference = KISSMETransformer().fit_pairs(pairs, [1, 0] * 4).components_
    for labels in ([True, False] * 4, [1, -1] * 4):
        np.testing.assert_array_equal(
            KISSMETransformer().fit_pairs(pairs, labels).components_, reference)


def test_groups_are_checked_like_labels(data):
    X, y = data
    groups = np.arange(len(y), dtype=float) % 4
    groups[2] = np.nan
    with pytest.raises(ValueError, match="groups has a missing value .* at position 2"):
        KISSMETransformer().fit(np.nan_to_num(X[:, :6, 0]), y, groups=groups)
    s2s = next(e for e in ESTIMATORS if isinstance(e, Seq2SeqEmbedder))
    with pytest.raises(ValueError, match="X has 24 series but groups has 5 entries"):
        clone(s2s).fit(X, y, groups=groups[:5])


def test_a_support_set_is_named_in_its_errors(data):
    X, y = data
    matching = next(e for e in ESTIMATORS if hasattr(e, "set_support"))
    with pytest.raises(InvalidParameterError, match="'n_way' parameter"):
        clone(matching).set_params(n_way=1).fit(X, y)
    fitted = clone(matching).set_params(max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="y_support was given without X_support"):
        fitted.predict(X, y_support=y)
    with pytest.raises(ValueError, match="X_support has 3 channels"):
        fitted.predict(X, np.concatenate([X, X[:, :, :1]], axis=2), y)
    with pytest.raises(ValueError, match="X_support has 6 series but y_support has 5"):
        fitted.predict(X, X[:6], y[:5])
    with pytest.raises(ValueError, match="y_support has 1 class"):
        fitted.predict(X, X[:6], np.full(6, "a"))
    with pytest.raises(ValueError, match="X_pretrain has 3 channels"):
        clone(matching).set_params(max_epochs=1, pretrain_epochs=1).fit(
            X, y, X_pretrain=np.concatenate([X, X[:, :, :1]], axis=2))


def test_the_regressors_cnn_sizes_and_targets_are_checked(data):
    X, _ = data
    videos = np.random.RandomState(0).rand(6, 4, 12, 12)
    targets = np.arange(6.0)
    base = AttentionSequenceRegressor(hidden_size=4, max_epochs=1, random_state=0)
    for name, value in [("cnn_channels", (2, -2, 2)), ("cnn_strides", ("a", 1, 1)),
                        ("cnn_kernels", (0, 3, 3)), ("cnn_kernels", (3, 3))]:
        with pytest.raises(InvalidParameterError, match=f"'{name}' parameter .* 3 "
                           "positive ints"):
            clone(base).set_params(**{name: value}).fit(videos, targets)
    with pytest.raises(ValueError, match="requires y to be passed"):
        clone(base).fit(X, None)
    with pytest.raises(ValueError, match="y must hold real targets"):
        clone(base).fit(X, np.array(["a", "b"] * 12))
    # None in an object array became NaN in the conversion to float, past
    # scikit-learn's NaN check: a NaN loss, reported as divergence
    for missing in (None, np.nan, pd.NA):
        y_missing = np.arange(24.0).astype(object)
        y_missing[5] = missing
        with pytest.raises(ValueError, match=r"y has a missing value .* at "
                           "position 5: every series needs a target"):
            clone(base).fit(X, y_missing)


def test_complex_ratings_are_refused():
    log = np.c_[np.arange(6) % 3, np.arange(6) % 2, np.arange(6.0)]
    with pytest.raises(TypeError, match="ratings must be real numbers"):
        IARNRecommender(max_epochs=1).fit(log, np.arange(6) + 2j)


# every metric learner's distances name the argument a bad series came in,
# as PairMetricMixin passes it to the _metric_inputs hook ("Y", "X2", ...)
_METRIC_LEARNERS = [e for e in ESTIMATORS if hasattr(e, "pairwise_distances")]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator", _METRIC_LEARNERS, ids=estimator_id)
def test_a_wrong_Y_is_named_as_Y(estimator, data):
    # the coupled GRU and the siamese embedder said "X has 3 channels" of a Y,
    # and so did Seq2Seq and the Fisher vectors, whose distances embed through
    # transform's work; every other position the mixin passes is checked too
    X, y = data
    est = clone(estimator)
    est.set_params(**{k: 1 for k in ("max_epochs",) if k in est.get_params()})
    est.fit(X, targets_for(est, y))
    Y = np.concatenate([X, X[:, :, :1]], axis=2)
    with pytest.raises(ValueError, match="^Y has 3 channels"):
        est.pairwise_distances(X, Y)
    with pytest.raises(ValueError, match="^X2 has 3 channels"):
        est.pair_distance(X[:3], Y[:3])
    with pytest.raises(ValueError, match="^X has 3 channels"):
        est.pairwise_distances(Y, X)
    with pytest.raises(ValueError, match="^X has 3 channels"):
        est.pairwise_distances(Y)
    with pytest.raises(ValueError, match="^X1 has 3 channels"):
        est.pair_distance(Y[:3], X[:3])
    with pytest.raises(ValueError, match="^" + re.escape("X1[:, 0] has 3 channels")):
        est.pair_distance(np.stack([Y[:3], Y[3:6]], axis=1))
    with pytest.raises(ValueError, match="^X has 3 channels"):
        pair_auc(est, Y, y)
    if hasattr(est, "transform"):  # transform's own argument is still X
        with pytest.raises(ValueError, match="^X has 3 channels"):
            est.transform(Y)


@pytest.mark.parametrize("estimator", _METRIC_LEARNERS, ids=estimator_id)
def test_a_bad_series_is_named_with_its_argument(estimator, data):
    # what is wrong inside a series names its argument as the channel count
    # does, each entry point its own parameters: score_pairs' pairs, the
    # metric function's u and v (they said "Sample 1", "X1[:, 0]" and "X2")
    X, y = data
    est = clone(estimator)
    est.set_params(**{k: 1 for k in ("max_epochs",) if k in est.get_params()})
    est.fit(X, targets_for(est, y))
    bad = X[:3].copy()
    bad[1, 2] = np.nan  # every series has at least 6 steps: inside it
    inside = re.escape("'s sample 1 has NaN at time step 2, inside the series")
    with pytest.raises(ValueError, match="^Y" + inside):
        est.pairwise_distances(X[:3], bad)
    with pytest.raises(ValueError, match="^X2" + inside):
        est.pair_distance(X[:3], bad)
    with pytest.raises(ValueError, match="^Y's sample 1 has 1 channels but sample 0"):
        est.pairwise_distances(X[:3], [X[0], X[1][:, :1]])  # a list, read first
    with pytest.raises(ValueError, match="^" + re.escape("X1[:, 1]") + inside):
        est.pair_distance(np.stack([X[:3], bad], axis=1))
    with pytest.raises(ValueError, match="^" + re.escape("pairs[:, 1]") + inside):
        est.score_pairs(np.stack([X[:3], bad], axis=1))
    Y = np.concatenate([X, X[:, :, :1]], axis=2)
    with pytest.raises(ValueError, match="^" + re.escape("pairs[:, 0] has 3 channels")):
        est.score_pairs(np.stack([Y[:3], Y[3:6]], axis=1))
    with pytest.raises(ValueError, match=r"^pairs must be one array of shape "
                       r"\(n_pairs, 2, \.\.\.\)"):
        est.score_pairs(X[:3])
    metric = est.get_metric()
    with pytest.raises(ValueError, match="^v's sample 0 has NaN at time step 2"):
        metric(X[0], bad[1])
    with pytest.raises(ValueError, match="^u has 3 channels"):
        metric(Y[0], X[0])
    with pytest.raises(ValueError, match="^v is 1-D of size 5, not a flattened"):
        metric(X[0], np.zeros(5))
    if hasattr(est, "net_"):  # the networks compute in float32
        far = X[:3].copy()
        far[2, 0, 0] = 1e39
        with pytest.raises(ValueError, match=r"^Y's sample 2 has the value \S+ at "
                           r"time step 0, channel 0 .*beyond the float32 range"):
            est.pairwise_distances(X[:3], far)


def test_a_support_set_and_pretraining_series_are_named_inside(data, monkeypatch):
    # a series of X_support / X_pretrain (NaN inside it, a value beyond
    # float32, an overflowed output) was "Sample i", which reads as one of X
    X, y = data
    matching = next(e for e in ESTIMATORS if hasattr(e, "set_support"))
    fitted = clone(matching).set_params(max_epochs=1).fit(X, y)
    bad = X[:6].copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match="^X_support's sample 4 has NaN at time "
                       "step 1"):
        fitted.predict(X, bad, y[:6])
    with pytest.raises(ValueError, match="^X_support's sample 5 has 1 channels but"):
        fitted.predict(X, [*X[:5], X[5][:, :1]], y[:6])
    far = X[:6].copy()
    far[3, 0, 1] = 1e39  # standardised on a scale of about 1: beyond float32
    with pytest.raises(ValueError, match=r"^X_pretrain's sample 3 has the value "):
        clone(matching).set_params(max_epochs=1, pretrain_epochs=1).fit(
            X, y, X_pretrain=far)
    with pytest.raises(ValueError, match="^X_pretrain's sample 4 has NaN"):
        clone(matching).set_params(max_epochs=1, pretrain_epochs=1).fit(
            X, y, X_pretrain=bad)
    embed = fitted.net_.module_.embed

    def overflowing(x, lengths):  # the state of series of one length overflows
        out = embed(x, lengths)
        out[lengths == length] = float("inf")
        return out

    lengths_support = (~np.isnan(X[:6]).all(axis=2)).sum(axis=1)
    length = lengths_support[4]
    first = np.flatnonzero(lengths_support == length)[0]
    # named by its row as given, also when sorted by class (rows 0 and 3 move)
    for support_order in ("given", "class_sorted"):
        fitted.set_params(support_order=support_order)
        with pytest.raises(ValueError, match=r"^X_support's sample 3 has the value "
                           r"\S+ at time step 0, channel 1 .*beyond the float32"):
            fitted.predict_proba(X, far, y[:6])
        with monkeypatch.context() as patch:
            patch.setattr(fitted.net_.module_, "embed", overflowing)
            with pytest.raises(ValueError, match=rf"^X_support's sample {first} "
                               rf"\(of {length} steps\) gives a non-finite"):
                fitted.predict(X[:2], X[:6], y[:6])
