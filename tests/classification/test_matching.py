"""MatchingNetworkClassifier: support-set handling, pretraining, episodes."""

import io
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import cross_val_score

from sktime_metric.classification import MatchingNetworkClassifier
from sktime_metric.datasets import make_sequence_classification

FAST = dict(hidden_size=8, n_way=2, metric="euclidean", max_epochs=15, lr=3e-2,
            random_state=0)


@pytest.fixture(scope="module")
def data():
    X, y = make_sequence_classification(
        n_samples=60, n_classes=5, n_channels=2, min_length=6, max_length=14,
        motif_length=4, noise=0.3, random_state=0,
    )
    return X, np.array(list("abcde"))[y]


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    base = np.isin(y, list("abc"))
    return MatchingNetworkClassifier(**FAST).fit(X[base], y[base])


def test_default_support_is_training_data(data, fitted):
    X, y = data
    assert fitted.classes_.tolist() == ["a", "b", "c"]
    assert len(fitted._support_codes) == np.isin(y, list("abc")).sum()
    assert set(fitted.predict(X)) <= {"a", "b", "c"}


def test_set_support_with_unseen_labels(data):
    X, y = data
    base = np.isin(y, list("abc"))
    clf = MatchingNetworkClassifier(**FAST).fit(X[base], y[base])
    weights = {k: v.clone() for k, v in clf.net_.module_.state_dict().items()}
    novel = np.flatnonzero(~base)
    support = [novel[y[novel] == c][0] for c in "de"]
    assert clf.set_support(X[support], y[support]) is clf
    assert clf.classes_.tolist() == ["d", "e"]
    proba = clf.predict_proba(X[novel])
    assert proba.shape == (len(novel), 2)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert set(clf.predict(X[novel])) <= {"d", "e"}
    # no gradient step: the weights are those of fit
    for k, v in clf.net_.module_.state_dict().items():
        assert (v == weights[k]).all()


def test_log_posteriors_of_a_one_off_support(data, fitted):
    # predict_log_proba takes the one-off support set as predict_proba does:
    # its columns are the support's labels, not classes_
    X, _ = data
    support = dict(X_support=X[[0, 1]], y_support=["p", "q"])
    proba = fitted.predict_proba(X[:5], **support)
    log_proba = fitted.predict_log_proba(X[:5], **support)
    assert log_proba.shape == proba.shape == (5, 2) and len(fitted.classes_) == 3
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-12, atol=1e-300)


def test_one_off_support_leaves_state(data, fitted):
    X, y = data
    before = fitted.predict_proba(X)
    pred = fitted.predict(X[:5], X_support=X[[0, 1]], y_support=["p", "q"])
    assert set(pred) <= {"p", "q"}
    assert fitted.classes_.tolist() == ["a", "b", "c"]
    np.testing.assert_array_equal(fitted.predict_proba(X), before)


def test_support_follows_the_fitted_net_s_device_and_is_kept_on_the_cpu(data, fitted):
    # A model fitted on a GPU and unpickled where there is none runs on the
    # CPU (skorch moves its net) while its ``device`` parameter still says
    # "cuda": support sets must go to the net's device. The support context is
    # stored on the CPU, so that such a model pickles and loads without CUDA.
    X, y = data
    assert fitted._support_context.device.type == "cpu"
    moved = pickle.loads(pickle.dumps(fitted))
    moved.device = "cuda"
    expected = fitted.predict_proba(X)
    np.testing.assert_array_equal(moved.predict_proba(X), expected)
    pred = moved.predict(X[:5], X_support=X[[0, 1]], y_support=["p", "q"])
    np.testing.assert_array_equal(
        pred, fitted.predict(X[:5], X_support=X[[0, 1]], y_support=["p", "q"]))
    base = np.isin(y, list("abc"))
    moved.set_support(X[base], y[base])
    np.testing.assert_array_equal(moved.predict_proba(X), expected)
    assert moved._support_context.device.type == "cpu"
    # load_weights too keeps it on the CPU, whatever device the net is loaded
    # on (torch's "meta" device stands in for a GPU here: weights go there)
    from sktime_metric.persistence import load_weights, save_weights

    buffer = io.BytesIO()
    save_weights(fitted, buffer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # copying into meta: no-op
        loaded = load_weights(buffer, device="meta")
    assert next(loaded.net_.module_.parameters()).device.type == "meta"
    assert loaded._support_context.device.type == "cpu"


def test_support_order(data):
    X, y = data
    base = np.isin(y, list("abc"))
    fitted = MatchingNetworkClassifier(**FAST, support_context=True).fit(X[base], y[base])
    idx = np.array([0, 1, 2, 3, 4, 5])
    perm = idx[::-1]
    given = fitted.set_support(X[idx], y[idx]).predict_proba(X)
    reversed_ = fitted.set_support(X[perm], y[perm]).predict_proba(X)
    assert not np.allclose(given, reversed_)  # documented: the bi-GRU reads the order
    sorted_clf = MatchingNetworkClassifier(**FAST, support_context=True,
                                           support_order="class_sorted")
    sorted_clf.fit(X[:30], y[:30])
    a = sorted_clf.set_support(X[idx], y[idx]).predict_proba(X)
    # a stable class sort makes class-wise reorderings give the same context
    order = np.argsort(y[idx], kind="stable")
    b = sorted_clf.set_support(X[idx][order], y[idx][order]).predict_proba(X)
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("default_support", ["all", "k_shot"])
def test_learning_check_leaves_each_series_out_of_its_own_class_sorted_support(
        data, monkeypatch, default_support):
    # the check scores each training series against the support set without
    # itself: with the support set sorted by class, the series left out of
    # row i must still be series i (so of its class), wherever the sort put it
    X, y = data  # labels in a cycle a, b, c, d, e: the class sort moves them
    calls = []
    posterior = MatchingNetworkClassifier._posterior

    def recording(self, X, lengths, support=None, exclude=None):
        if exclude is not None:
            calls.append(exclude.numpy().copy())
        return posterior(self, X, lengths, support, exclude)

    monkeypatch.setattr(MatchingNetworkClassifier, "_posterior", recording)
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 1},
                                    support_order="class_sorted", k_shot=3,
                                    default_support=default_support)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    (exclude,) = calls
    rows, columns = np.nonzero(exclude)
    support_labels = clf.classes_[clf._support_codes]
    np.testing.assert_array_equal(support_labels[columns], y[rows])
    assert len(set(rows)) == len(rows) == len(clf._support_codes)


def test_padding_invariance_of_support_and_queries(data, fitted):
    X, y = data
    padded = np.concatenate([X, np.full((len(X), 4, X.shape[2]), np.nan)], axis=1)
    a = fitted.predict_proba(X[:10], X_support=X[10:20], y_support=y[10:20])
    b = fitted.predict_proba(padded[:10], X_support=padded[10:20], y_support=y[10:20])
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_default_support_k_shot(data):
    X, y = data
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 2},
                                    default_support="k_shot", k_shot=2).fit(X, y)
    assert len(clf._support_codes) == 10 and clf.classes_.tolist() == list("abcde")


@pytest.mark.parametrize("freeze", [True, False])
def test_pretraining(data, freeze):
    X, y = data
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 2}, pretrain_epochs=2,
                                    freeze_encoder=freeze).fit(X, y, X_pretrain=X[:20])
    assert len(clf.pretrain_net_.history) == 2
    pre = clf.pretrain_net_.module_.autoencoder.encoder.state_dict()
    enc = clf.net_.module_.autoencoder.encoder.state_dict()
    same = all((pre[k] == enc[k]).all() for k in pre)
    assert same == freeze  # frozen: the pretrained encoder is used as is


@pytest.mark.learning
def test_cross_val_score_and_transform(data, learning_seed, learning_outcome):
    X, y = data
    clf = MatchingNetworkClassifier(**{**FAST, "random_state": learning_seed},
                                    projection_size=4)
    scores = cross_val_score(clf, X, y, cv=2)
    assert scores.shape == (2,)
    # seeds 0-4, native and default kernels: 0.42-0.72 (chance: 0.2)
    assert learning_outcome("cv accuracy", scores.mean()) > 0.3
    assert clf.fit(X, y).transform(X).shape == (len(X), 4)


def test_warns_when_base_classes_cannot_make_distinct_episodes(data):
    X, y = data
    two = np.isin(y, ["a", "b"])
    with pytest.warns(UserWarning, match="2 training classes cannot make distinct "
                      "2-way episodes") as record:
        MatchingNetworkClassifier(**{**FAST, "max_epochs": 1}).fit(X[two], y[two])
    # the advice fits the case: no smaller n_way below 2 classes, and the way
    # to ask for one fixed problem (an ordinary classifier of these classes)
    message = str(record[0].message)
    assert "pass n_way='all'" in message and "use n_way" not in message
    three = np.isin(y, ["a", "b", "c"])
    with pytest.warns(UserWarning, match="use n_way=2 or set early_stopping=True"):
        MatchingNetworkClassifier(**{**FAST, "max_epochs": 1, "n_way": 3}).fit(
            X[three], y[three])


def test_all_way_episodes_hold_every_class_without_the_repeat_warning(data):
    # n_way="all" is n_way = the number of classes, chosen: the same episodes
    # (so the same weights), but no warning that every episode is one problem
    X, y = data
    params = {**FAST, "max_epochs": 2}
    with pytest.warns(UserWarning, match="5 training classes cannot make distinct"):
        five = MatchingNetworkClassifier(**{**params, "n_way": 5}).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        every = MatchingNetworkClassifier(**{**params, "n_way": "all"}).fit(X, y)
    for a, b in zip(five.net_.module_.parameters(), every.net_.module_.parameters()):
        assert torch.equal(a, b)
    # one all-class episode covers the classes: an epoch is min_episodes of them
    assert every._n_episodes(np.unique(y, return_inverse=True)[1], n_way=5) == 8
    # on 2 classes the default ("all") draws the 3-way episodes it replaced
    # (the sampler caps n_way at the classes): fits of 2 or 3 classes are
    # unchanged by the default, as the suite's saved rows assume
    two = np.isin(y, ["a", "b"])
    with pytest.warns(UserWarning, match="2 training classes cannot make distinct"):
        three_way = MatchingNetworkClassifier(**{**params, "n_way": 3}).fit(X[two], y[two])
    default = MatchingNetworkClassifier(**{k: v for k, v in params.items()
                                           if k != "n_way"}).fit(X[two], y[two])
    assert default.n_way == "all"
    for a, b in zip(three_way.net_.module_.parameters(), default.net_.module_.parameters()):
        assert torch.equal(a, b)


def test_auto_temperature_is_the_cosine_scale_of_an_episode_s_classes(data):
    X, y = data
    params = {k: v for k, v in FAST.items() if k != "n_way"}
    params.update(metric="cosine", max_epochs=2)
    every = MatchingNetworkClassifier(**params).fit(X, y)  # 5-way episodes
    assert every.temperature_ == pytest.approx(1 / (np.sqrt(2) * np.log(4)))
    assert every.net_.module_.temperature == every.temperature_
    assert MatchingNetworkClassifier(**params, n_way=2).fit(X, y).temperature_ == 1.0
    euclidean = MatchingNetworkClassifier(**{**params, "metric": "euclidean"}).fit(X, y)
    assert euclidean.temperature_ == 1.0  # distances are not bounded like cosines
    # up to 3 classes "auto" is 1.0: the same weights, as the suite's saved
    # rows of 2- and 3-class sets assume
    three = np.isin(y, list("abc"))
    auto = MatchingNetworkClassifier(**params).fit(X[three], y[three])
    one = MatchingNetworkClassifier(**params, temperature=1.0).fit(X[three], y[three])
    assert auto.temperature_ == 1.0
    for a, b in zip(auto.net_.module_.parameters(), one.net_.module_.parameters()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("pooling", ["mean", "attention"])
def test_whole_series_pooling_fits_and_ignores_padding(data, pooling):
    X, y = data
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 3}, pooling=pooling).fit(X, y)
    proba = clf.predict_proba(X)
    longer = np.concatenate([X, np.full((len(X), 5, X.shape[2]), np.nan)], axis=1)
    np.testing.assert_allclose(clf.predict_proba(longer), proba, atol=1e-6)


def test_transform_names_its_features(fitted, data):
    X, _ = data
    names = fitted.get_feature_names_out()
    assert names.tolist() == [f"matchingnetworkclassifier{i}" for i in range(8)]
    assert fitted.transform(X[:2]).shape == (2, len(names))


@pytest.mark.parametrize("validation", ["disjoint_classes", "stratified"])
def test_early_stopping_scores_fixed_validation_episodes(data, validation, monkeypatch):
    from sktime_metric.classification import _matching

    X, y = data
    held = []
    holdout = _matching.holdout_split

    def recording(labels, *args, **kwargs):
        train, valid = holdout(labels, *args, **kwargs)
        held.append((set(labels[train]), set(labels[valid])))
        return train, valid

    monkeypatch.setattr(_matching, "holdout_split", recording)
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 30}, early_stopping=True,
                                    validation=validation, n_iter_no_change=3)
    clf.fit(X, y)
    train_classes, valid_classes = held[0]
    if validation == "disjoint_classes":  # whole base classes held out
        assert not train_classes & valid_classes and len(valid_classes) >= 2
    else:
        assert train_classes == valid_classes
    assert np.isfinite(clf.history_[:, "valid_loss"]).all()
    accuracy = clf.history_[:, "valid_acc"]  # what early stopping watches
    assert all(0 <= a <= 1 for a in accuracy)
    # stopped n_iter_no_change epochs after the best (0: the initial weights)
    best = dict(clf.net_.callbacks_)["early_stopping"].best_epoch_
    assert len(accuracy) == 30 or len(accuracy) == best + 3
    assert clf.net_.train_split is None  # the validation series are not kept
    assert set(clf.classes_) == set(y)  # the support set is all training series


def test_early_stopping_keeps_the_initial_weights_when_no_epoch_beats_them(
        data, monkeypatch):
    import copy

    from skorch.callbacks import Callback

    from sktime_metric.utils._skorch import EpisodeAccuracyScoring

    class Initial(Callback):  # the weights as early stopping first scores them
        def on_train_begin(self, net, **kwargs):
            self.state = copy.deepcopy(net.module_.state_dict())

    # every epoch scores 0 on the validation episodes: none beats the start
    monkeypatch.setattr(EpisodeAccuracyScoring, "on_epoch_end",
                        lambda self, net, **kwargs: net.history.record("valid_acc", 0.0))
    initial = Initial()
    X, y = data
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 10}, early_stopping=True,
                                    n_iter_no_change=2, callbacks=[initial]).fit(X, y)
    assert len(clf.history_) == 2
    state = clf.net_.module_.state_dict()
    assert all((state[k] == initial.state[k]).all() for k in state)


def test_disjoint_validation_with_too_few_classes_keeps_the_initial_encoder(data):
    X, y = data
    three = np.isin(y, list("abc"))
    with pytest.warns(UserWarning, match="needs at least 4 training classes"):
        clf = MatchingNetworkClassifier(**FAST, early_stopping=True).fit(
            X[three], y[three])
    assert len(clf.history_) == 0  # no epoch: none could be validated
    clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 3}, early_stopping=True,
                                    validation="stratified").fit(X[three], y[three])
    assert len(clf.history_) == 3  # same-class validation: it trains


def test_single_series_per_class_warns_and_keeps_the_initial_encoder(data):
    # no episode has a query, so the loss is 0 at every step: nothing to train
    X, y = data
    first = np.sort([np.flatnonzero(y == c)[0] for c in "abcde"])
    three = np.isin(y, list("abc"))
    with pytest.warns(UserWarning, match="needs at least 4 training classes"):
        untrained = MatchingNetworkClassifier(**FAST, early_stopping=True).fit(
            X[three], y[three])  # kept as initialised (the test above)
    with pytest.warns(ConvergenceWarning, match="single series"):
        clf = MatchingNetworkClassifier(**FAST, early_stopping=True).fit(
            X[first], y[first])
    assert len(clf.history_) == 0
    state = clf.net_.module_.state_dict()
    for name, value in untrained.net_.module_.state_dict().items():
        torch.testing.assert_close(state[name], value)  # the seeded initial weights
    # each training series is its own class's whole support set
    assert (clf.predict(X[first]) == y[first]).all()
    # one class with 2 series gives queries: it trains, without the warning
    two = np.sort(np.append(first, np.flatnonzero(y == "a")[1]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 2}).fit(X[two], y[two])
    assert not [w for w in caught if "single series" in str(w.message)]
    assert len(clf.history_) == 2 and clf.history_[-1, "train_loss"] > 0


@pytest.mark.learning
def test_disjoint_validation_stops_earlier_with_few_training_classes(
        learning_seed, learning_outcome):
    # 5 classes: 2 held out, 3 to train on. Validated on its own training
    # classes, the network keeps improving; validated on held-out classes it
    # stops once matching them stops improving. Epochs run, seeds 0-4:
    # disjoint 5 / 8 / 9 / 7 / 5, stratified 15 / 20 / 13 / 14 / 9. Uncentred
    # (center=False), so that the network keeps improving on its training
    # classes for a while: centred, it matches them as well as it ever will
    # within a few epochs, and both validations stop early (stratified 5 /
    # 10 / 6 / 16 / 12, disjoint 8 / 5 / 5 / 12 / 5), which says nothing
    # about what each validation measures.
    X, y = make_sequence_classification(
        n_samples=100, n_classes=5, n_channels=2, min_length=6, max_length=14,
        motif_length=4, noise=0.3, random_state=0)
    epochs = {}
    for validation in ("disjoint_classes", "stratified"):
        clf = MatchingNetworkClassifier(
            **{**FAST, "max_epochs": 40, "random_state": learning_seed},
            center=False, early_stopping=True, validation=validation,
            n_iter_no_change=5)
        epochs[validation] = len(clf.fit(X, y).history_)
    gap = epochs["stratified"] - epochs["disjoint_classes"]
    assert learning_outcome("epochs saved by disjoint validation", gap) > 0


def test_validation_episodes_are_the_same_at_every_epoch():
    from skorch.dataset import Dataset

    from sktime_metric.utils._skorch import episode_loader

    labels = np.repeat(np.arange(4), 3)
    data = Dataset({"x": np.zeros((12, 2, 1), np.float32), "lengths": np.full(12, 2)},
                   labels)

    def episodes(**kwargs):  # each batch's labels, support flags first
        return [batch[0]["is_support"].tolist() + batch[1].tolist()
                for batch in episode_loader(data, n_way=2, **kwargs)]

    assert episodes(random_state=3) == episodes(random_state=3)
    assert episodes(random_state=3) != episodes(random_state=4)


@pytest.mark.learning
def test_defaults_learn_as_an_ordinary_classifier(learning_seed, learning_outcome):
    # Fitted on the training set and predicting new series against all of
    # it, the defaults learn: test accuracy 0.90-0.95 over seeds 0-4 (3
    # classes, chance 0.33). The thesis's configuration (support_context=True,
    # pooling="last", min_episodes=1) measured 0.267 / 0.55 here (seeds 0/1),
    # and 0.246 / 0.141 on JapaneseVowels.
    X, y = make_sequence_classification(n_samples=120, n_classes=3, n_channels=2,
                                        random_state=0)
    clf = MatchingNetworkClassifier(max_epochs=30, random_state=learning_seed)
    clf.fit(X[:60], y[:60])
    accuracy = (clf.predict(X[60:]) == y[60:]).mean()
    assert learning_outcome("test accuracy", accuracy) > 0.8


def _shared_shape_with_a_small_bump(n=40, length=100, seed=0):
    """Every series a strong shared sine plus noise; class 1 adds a small bump.

    Like UCR Coffee (spectra alike but for small local differences): the mean
    of an encoder's states over such series is nearly one vector for all.
    """
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = np.sin(2 * np.pi * np.arange(length) / 40) + 0.05 * rng.randn(n, length)
    start = rng.randint(20, 50, size=n)
    for i in np.flatnonzero(y):
        X[i, start[i]:start[i] + 8] += 0.3
    return X[:, :, None], y


@pytest.mark.learning
def test_centring_learns_series_that_differ_little(learning_seed, learning_outcome):
    # Measured, seeds 0-4, max_epochs=10: centred test accuracy 1.00 on every
    # seed; uncentred 0.50 / 0.50 / 0.50 / 0.55 / 0.50, its training loss
    # stuck at ln 2 and a ConvergenceWarning each time (as on UCR Coffee).
    X, y = _shared_shape_with_a_small_bump()
    clf = MatchingNetworkClassifier(max_epochs=10, random_state=learning_seed)
    clf.fit(X[:20], y[:20])
    accuracy = clf.score(X[20:], y[20:])
    assert learning_outcome("centred test accuracy", accuracy) >= 0.85
    with pytest.warns(ConvergenceWarning, match="did not learn"):
        MatchingNetworkClassifier(center=False, max_epochs=10,
                                  random_state=learning_seed).fit(X[:20], y[:20])


def test_uniform_class_prior_divides_each_class_mass_by_its_support_size(data, fitted):
    # an unbalanced one-off support set: 1 series of "a", 6 of "b", 3 of "c";
    # the default posterior is the summed one divided by the class sizes
    X, y = data
    rows = np.concatenate([np.flatnonzero(y == "a")[:1], np.flatnonzero(y == "b")[:6],
                           np.flatnonzero(y == "c")[:3]])
    assert fitted.class_prior == "uniform"
    uniform = fitted.predict_proba(X[:8], X_support=X[rows], y_support=y[rows])
    try:  # the prior is read at prediction time: no refit needed
        fitted.set_params(class_prior="support")
        summed = fitted.predict_proba(X[:8], X_support=X[rows], y_support=y[rows])
    finally:
        fitted.set_params(class_prior="uniform")
    expected = summed / np.array([1, 6, 3])
    np.testing.assert_allclose(uniform, expected / expected.sum(1, keepdims=True),
                               rtol=1e-10)


@pytest.mark.learning
def test_uniform_class_prior_learns_an_unbalanced_training_set(learning_seed,
                                                              learning_outcome):
    # 60 series of class 0 and 12 of class 1 train the model and are its
    # support set. Measured, seeds 0-4, balanced test accuracy (168 test
    # series, 108 of class 1): uniform 0.781 / 0.686 / 0.745 / 0.674 / 0.781;
    # the thesis's summed posterior 0.500 on every seed, every test series
    # predicted as class 0 (UCR DistalPhalanxOutlineCorrect's collapse).
    X, y = make_sequence_classification(n_samples=240, n_classes=2, n_channels=2,
                                        min_length=20, max_length=30, noise=1.0,
                                        random_state=learning_seed)
    train = np.concatenate([np.flatnonzero(y == 0)[:60], np.flatnonzero(y == 1)[:12]])
    test = np.setdiff1d(np.arange(len(y)), train)
    clf = MatchingNetworkClassifier(hidden_size=16, max_epochs=10,
                                    random_state=learning_seed).fit(X[train], y[train])
    uniform = balanced_accuracy_score(y[test], clf.predict(X[test]))
    assert learning_outcome("uniform balanced accuracy", uniform) >= 0.6
    clf.set_params(class_prior="support")  # read at prediction: no refit
    assert (clf.predict(X[test]) == 1).mean() <= 0.05


def test_a_long_series_does_not_make_its_episode_mates_run_its_length(data):
    # every default episode holds every training series: one long series must
    # not make every series of every episode (and of predict's batches) run
    # its length. Counts the encoder's steps (no timing).
    from sktime_metric.nn.encoders import RecurrentEncoder

    X, y = data
    X, y = X[:20], y[:20]
    long = np.full((len(X) + 1, 200, X.shape[2]), np.nan)
    long[:-1, : X.shape[1]] = X
    long[-1] = np.random.RandomState(0).randn(200, X.shape[2])
    y = np.append(y, y[0])
    calls = []

    def record(module, args, output):
        if isinstance(module, RecurrentEncoder):
            x, lengths = args
            calls.append((len(x), x.size(1), int(lengths.max())))

    hook = torch.nn.modules.module.register_module_forward_hook(record)
    try:
        clf = MatchingNetworkClassifier(**{**FAST, "max_epochs": 1}).fit(long, y)
        n_fit = len(calls)
        proba = clf.predict_proba(long)
    finally:
        hook.remove()
    assert n_fit > 0 and len(calls) > n_fit
    short = int(np.isfinite(X[:, :, 0]).sum(axis=1).max())
    for rows, steps, longest in calls:
        assert steps == longest  # each call runs its own rows' longest length
        assert steps <= short or rows == 1  # the long series runs alone
    assert any(steps == 200 for _, steps, _ in calls[:n_fit])
    # and the outlier's NaN padding still changes nothing
    padded = np.concatenate([long, np.full((len(long), 9, X.shape[2]), np.nan)], axis=1)
    np.testing.assert_allclose(clf.predict_proba(padded), proba, atol=1e-6)
