"""Series shorter than the frame an estimator reads: one warning, everywhere.

A series shorter than ``window`` (``window_size``) becomes one frame completed
by repeating its last step (``sktime_metric.nn._chain.frame_windows``): values
imputed, which the project never does silently. Every framing estimator warns
of it (``sktime_metric._framing.warn_if_shorter_than_window``) once per fit
and once per argument of each public call that reads series, naming the
argument, the first short sample and its length; a window of 1 never warns.
"""

import re
import warnings

import numpy as np
import pytest

from sktime_metric.classification import (
    HCRFClassifier,
    HULMClassifier,
    NaiveLogisticClassifier,
    RNNClassifier,
    TAGMClassifier,
)
from sktime_metric.metric import CoupledGRUMetric, Seq2SeqEmbedder, SiameseRNNEmbedder

from ._registry import contract_data

# one epoch learns nothing: the classifiers' did-not-learn warnings
pytestmark = pytest.mark.filterwarnings("ignore:.*did not learn")

_FAST = dict(max_epochs=1, lr=1e-2, batch_size=16, random_state=0)

#: Every estimator that reads frames of several steps: (class, the framing
#: parameter's name, tiny parameters).
FRAMING = [
    (RNNClassifier, "window", dict(hidden_size=4)),
    (TAGMClassifier, "window", dict(hidden_size=4, attention_hidden_size=4)),
    (HULMClassifier, "window", dict(hidden_size=4)),
    (HCRFClassifier, "window", dict(n_states=2)),
    (NaiveLogisticClassifier, "window", {}),
    (SiameseRNNEmbedder, "window_size", dict(hidden_size=4, n_pairs=50)),
    (CoupledGRUMetric, "window_size", dict(hidden_size=4)),
    (Seq2SeqEmbedder, "window_size", dict(hidden_size=4, projection_dim=2,
                                          n_pairs=50)),
]
_IDS = [cls.__name__ for cls, _, _ in FRAMING]
_SHORT = "shorter than window"  # both parameters' messages start so


def _make(cls, parameter, params, window):
    return cls(**{parameter: window}, **params, **_FAST)


def _shortened(X, sample, length):
    """A copy of ``X`` whose series ``sample`` keeps its first ``length`` steps."""
    X = X.copy()
    X[sample, length:] = np.nan
    return X


def _short_warnings(call):
    """The short-series warnings ``call()`` issues (every one recorded)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in record
            if issubclass(w.category, UserWarning) and _SHORT in str(w.message)]


def _outputs(est):
    """The public methods that read new series, as ``(what, call)`` on ``X``."""
    if hasattr(est, "predict_proba"):
        calls = [("predict_proba", est.predict_proba), ("predict", est.predict),
                 ("predict_log_proba", est.predict_log_proba)]
        if isinstance(est, TAGMClassifier):
            calls.append(("predict_attention", est.predict_attention))
        if isinstance(est, HULMClassifier):
            calls.append(("hidden_posteriors", est.hidden_posteriors))
        return calls
    calls = [("transform", est.transform),
             ("pairwise_distances", est.pairwise_distances)]
    if isinstance(est, CoupledGRUMetric):
        calls.append(("embed", est.embed))
    if isinstance(est, Seq2SeqEmbedder):
        calls += [("reconstruct", est.reconstruct),
                  ("reconstruction_error", est.reconstruction_error)]
    return calls


@pytest.fixture(scope="module")
def data():
    return contract_data()  # 48 series of 6-14 steps, 2 channels


@pytest.mark.parametrize("cls, parameter, params", FRAMING, ids=_IDS)
def test_fit_warns_once_naming_the_short_sample(data, cls, parameter, params):
    X, y = data
    short = _shortened(X, 5, 2)
    est = _make(cls, parameter, params, 3)
    messages = _short_warnings(lambda: est.fit(short, y))
    # once per fit: not per epoch, batch or restart, nor again in the metric
    # learners' learning check, which reads the training series again
    assert len(messages) == 1, messages
    assert messages[0].startswith(
        f"1 series of X is shorter than {parameter}=3 (sample 5 has length 2)")
    assert "last step is repeated" in messages[0]
    assert f"smaller {parameter}" in messages[0]


@pytest.mark.parametrize("cls, parameter, params", FRAMING, ids=_IDS)
def test_outputs_warn_once_per_call(data, cls, parameter, params):
    X, y = data
    est = _make(cls, parameter, params, 3).fit(X, y)
    short = _shortened(X[:6], 1, 2)
    short = _shortened(short, 4, 1)  # two short series: one warning, naming the first
    for what, call in _outputs(est):
        messages = _short_warnings(lambda: call(short))
        assert len(messages) == 1, (what, messages)
        assert messages[0].startswith(
            f"2 series of X are shorter than {parameter}=3 (sample 1 has length 2)"
        ), (what, messages)
    if hasattr(est, "pairwise_distances"):  # each argument by its name
        messages = _short_warnings(lambda: est.pairwise_distances(X[:6], short))
        assert [m.split(" are ")[0] for m in messages] == ["2 series of Y"]
        messages = _short_warnings(lambda: est.pair_distance(short, short))
        assert [m.split(" are ")[0] for m in messages] == ["2 series of X1",
                                                          "2 series of X2"]
    messages = _short_warnings(lambda: est.score(short, y[:6]))
    assert len(messages) == 1, messages
    if isinstance(est, HULMClassifier):  # given labels, no predict_proba in it
        messages = _short_warnings(lambda: est.hidden_posteriors(short, y[:6]))
        assert len(messages) == 1, messages


@pytest.mark.parametrize("cls, parameter, params", FRAMING[5:], ids=_IDS[5:])
def test_fit_transform_warns_once(data, cls, parameter, params):
    # fit warned of the training series: the transform that ends fit_transform
    # (the embedders' embeddings of them, the coupled GRU's distances between
    # them) does not warn again, nor does the coupled GRU's transform, the
    # distances of new series to them
    X, y = data
    short = _shortened(X, 5, 2)
    est = _make(cls, parameter, params, 3)
    assert len(_short_warnings(lambda: est.fit_transform(short, y))) == 1
    assert _short_warnings(lambda: est.transform(X[:6])) == []


@pytest.mark.parametrize("cls, parameter, params", FRAMING, ids=_IDS)
def test_no_warning_when_every_series_fills_the_window(data, cls, parameter, params):
    X, y = data  # every series has at least 6 steps
    est = _make(cls, parameter, params, 6)
    assert _short_warnings(lambda: est.fit(X, y)) == []
    for what, call in _outputs(est):
        assert _short_warnings(lambda: call(X[:6])) == [], what


@pytest.mark.parametrize("cls, parameter, params", FRAMING, ids=_IDS)
def test_a_window_of_one_never_warns(data, cls, parameter, params):
    X, y = data
    short = _shortened(X, 5, 1)
    est = _make(cls, parameter, params, 1)
    assert _short_warnings(lambda: est.fit(short, y)) == []
    for what, call in _outputs(est):
        assert _short_warnings(lambda: call(short[:6])) == [], what


@pytest.mark.parametrize("cls, parameter, params", FRAMING[5:], ids=_IDS[5:])
def test_fit_pairs_warns_once(data, cls, parameter, params):
    X, y = data
    short = _shortened(X, 5, 2)
    pairs = np.array([[0, 1], [0, 2], [3, 4], [5, 6]])
    est = _make(cls, parameter, params, 3)
    if isinstance(est, CoupledGRUMetric):
        est.set_params(loss="contrastive")
    messages = _short_warnings(
        lambda: est.fit_pairs(short, pairs, np.array([1, 0, 1, 0])))
    assert len(messages) == 1, messages
    assert "(sample 5 has length 2)" in messages[0]


def test_auto_window_warns_of_the_few_short_series():
    # "auto" reads the median length: variable-length data with a few short
    # series hits the rule with the defaults
    rng = np.random.RandomState(0)
    X = rng.randn(20, 36, 1)
    X[3, 2:] = np.nan
    y = np.repeat([0, 1], 10)
    est = NaiveLogisticClassifier(**_FAST)  # window="auto": 30 values, 36 // 6
    messages = _short_warnings(lambda: est.fit(X, y))
    assert est.window_ == 6
    assert messages and messages[0].startswith(
        "1 series of X is shorter than window=6 (sample 3 has length 2)")


def test_the_warning_itself():
    from sktime_metric._framing import warn_if_shorter_than_window

    lengths = np.array([5, 2, 4, 1])
    with pytest.warns(UserWarning, match=re.escape(
            "2 series of Y are shorter than window_size=3 (sample 1 has length 2)"
    )) as record:
        warn_if_shorter_than_window(lengths, 3, name="Y", parameter="window_size")
    assert len(record) == 1
    assert record[0].filename == __file__  # the caller's line (utils._warnings)
    assert _short_warnings(lambda: warn_if_shorter_than_window(lengths, 1)) == []
    assert _short_warnings(lambda: warn_if_shorter_than_window(lengths, 1.0)) == []
    assert _short_warnings(lambda: warn_if_shorter_than_window([], 3)) == []
