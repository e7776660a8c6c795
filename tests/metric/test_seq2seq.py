"""Seq2SeqEmbedder: training modes, the KISSME head and update, pairs, groups."""

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

from sktime_metric.evaluation import pair_auc
from sktime_metric.metric import Seq2SeqEmbedder, kissme_metric, sample_pairs
from sktime_metric.metric._kissme_closed_form import kissme_from_differences
from sktime_metric.metric import _seq2seq as _seq2seq_module
from sktime_metric.metric._pairs import PairDataset
from sktime_metric.utils import sequence_lengths
from sktime_metric.utils._skorch import KISSMEUpdate
from sktime_metric.utils.validation import padded_float32

from .test_siamese import _waves

_TINY = dict(hidden_size=8, projection_dim=4, n_pairs=100, max_epochs=3,
             batch_size=16, lr=1e-2, random_state=0)


@pytest.fixture(scope="module")
def data():
    return _waves(40, ["sine", "square", "saw"], seed=0)


@pytest.fixture(scope="module")
def fitted(data):
    return Seq2SeqEmbedder(**_TINY).fit(*data)


def _embed(est, X):
    """``z = W_p^T y`` straight from the module, in float64."""
    X, lengths = est._prepared(X)
    z = est._predict_batches(est._net_input(X, lengths), lengths,
                             lambda module, x, lengths: module.embed(x, lengths))[0]
    return z.double().numpy()


def test_kissme_distance_is_the_quadratic_form_of_M(fitted, data):
    X, _ = data
    M = fitted.metric_matrix_
    np.testing.assert_allclose(M, fitted.net_.module_.kissme_head.M.double(), rtol=1e-6)
    eigenvalues = np.linalg.eigvalsh(M)
    # PSD to float64 rounding, relative to M's scale
    assert eigenvalues.min() >= -1e-12 * eigenvalues.max()
    z = _embed(fitted, X)
    delta = z[:10] - z[10:20]
    expected = np.sqrt(np.einsum("ij,jk,ik->i", delta, M, delta))
    np.testing.assert_allclose(fitted.pair_distance(X[:10], X[10:20]), expected,
                               rtol=1e-4)
    D = fitted.pairwise_distances(X[:10], X[10:20])
    np.testing.assert_allclose(np.diag(D), expected, rtol=1e-4)


def test_m_update_is_kissme_metric_of_the_embedded_training_pairs(fitted, data):
    X, y = data
    X_prep, lengths = fitted._prepared(X)
    pairs = np.array([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [1, 4], [3, 8]])
    labels = (y[pairs[:, 0]] == y[pairs[:, 1]]).astype(np.int64)
    dataset = PairDataset(padded_float32(X_prep, lengths), lengths, lambda: (pairs, labels))
    update = KISSMEUpdate(kissme_from_differences, regularization=1e-4)
    M = update.update(fitted.net_, dataset)
    z = _embed(fitted, X)
    delta = z[pairs[:, 0]] - z[pairs[:, 1]]
    sim, dis = delta[labels == 1], delta[labels == 0]
    expected = kissme_metric(sim.T @ sim / len(sim), dis.T @ dis / len(dis),
                             regularization=1e-4)[0]
    np.testing.assert_allclose(M, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())
    np.testing.assert_allclose(fitted.net_.module_.kissme_head.M, expected, rtol=1e-4,
                               atol=1e-6 * np.abs(expected).max())


def test_kissme_needs_both_kinds_of_pair_differences():
    with pytest.raises(ValueError, match="got 0 similar and 3 dissimilar"):
        kissme_from_differences(np.zeros((0, 2)), np.ones((3, 2)))


def test_m_is_updated_every_few_epochs_only_and_never_trained(data):
    est = Seq2SeqEmbedder(training="joint", kissme_update_every=2, **{**_TINY,
                                                                     "max_epochs": 5})
    est.fit(*data)
    assert est.history_[:, "kissme_update"] == [False, True, False, True, False]
    assert len(est.history_[-1, "kissme_eigenvalues"]) == 4
    names = [name for name, _ in est.net_.module_.named_parameters()]
    assert not any(name.endswith(".M") for name in names)


def test_m_is_refreshed_at_the_end_of_training(data):
    # no periodic update in 3 epochs: M is still the closed form of the final
    # projection, so it is never stale (e.g. 10 epochs after the update of
    # epoch 30 when training stops at 40)
    X, y = data
    pairs = np.random.RandomState(0).randint(len(X), size=(80, 2))
    labels = (y[pairs[:, 0]] == y[pairs[:, 1]]).astype(np.int64)
    est = Seq2SeqEmbedder(kissme_update_every=100, **_TINY).fit_pairs(X, pairs, labels)
    assert est.history_[:, "kissme_update"] == [False, False, False]
    assert est.history_[-1, "kissme_final_update"] is True
    assert "kissme_final_update" not in est.history_[0]
    z = _embed(est, X)
    delta = z[pairs[:, 0]] - z[pairs[:, 1]]
    sim, dis = delta[labels == 1], delta[labels == 0]
    expected = kissme_metric(sim.T @ sim / len(sim), dis.T @ dis / len(dis),
                             regularization=est.kissme_regularization)[0]
    np.testing.assert_allclose(est.metric_matrix_, expected, rtol=1e-4,
                               atol=1e-6 * np.abs(expected).max())


def test_a_zero_metric_says_why(data, monkeypatch):
    # the closed form finding no direction where similar pairs vary less
    # (as on single steps of Coffee): M = 0, every embedding the same point,
    # and the fit's warning says so, not only that it did not learn
    def no_direction(similar, dissimilar, **kwargs):
        d = similar.shape[1]
        return np.zeros((d, d)), np.zeros(d)

    monkeypatch.setattr(_seq2seq_module, "kissme_from_differences", no_direction)
    X, y = data
    with pytest.warns(ConvergenceWarning, match=r"Seq2SeqEmbedder learned a KISSME "
                      r"matrix M = 0: .*window_size='auto'"):
        est = Seq2SeqEmbedder(**_TINY).fit(X, y)
    np.testing.assert_array_equal(est.transform(X), 0.0)


def test_m_refresh_follows_early_stopping_and_margin_scale_reaches_the_loss(data):
    # at train end, early stopping reloads the best weights first, then M is
    # computed for them
    est = Seq2SeqEmbedder(early_stopping=True, validation_fraction=0.3, **_TINY)
    est.fit(*data)
    names = [name for name, _ in est.net_.callbacks_]
    assert names.index("kissme_update") > names.index("early_stopping")
    # "dim": the margin is in units of the squared distance per dimension
    assert est.net_.criterion_.metric.distance.per_dimension
    assert est.net_.criterion_.metric.margin == 2.0
    thesis = Seq2SeqEmbedder(margin_scale="absolute", **_TINY).fit(*data)
    assert not thesis.net_.criterion_.metric.distance.per_dimension
    assert thesis.net_.criterion_.metric.margin_scale == "absolute"
    assert thesis.net_.criterion_.metric.margin == 1.0


class _EncoderAtEnd(Callback):
    """Records the encoder's weights at the end of each training stage."""

    def __init__(self, store):
        self.store = store

    def on_train_end(self, net, **kwargs):
        state = net.module_.autoencoder.encoder.state_dict()
        self.store.append({k: v.clone() for k, v in state.items()})


@pytest.mark.parametrize("metric, frozen", [("kissme", True), ("euclidean", False)])
def test_disjoint_training_freezes_the_encoder_for_kissme_only(data, metric, frozen):
    states = []
    est = Seq2SeqEmbedder(metric, callbacks=[_EncoderAtEnd(states)], **_TINY)
    est.fit(*data)
    assert len(states) == 2 and len(est.stage1_history_) == 3
    same = all(torch.equal(states[0][k], states[1][k]) for k in states[0])
    assert same == frozen


class _EncoderAtBeginAndEnd(_EncoderAtEnd):
    """Records the encoder's weights at the start and end of each stage."""

    def on_train_begin(self, net, **kwargs):
        self.on_train_end(net)


@pytest.mark.parametrize("metric", ["kissme", "euclidean"])
def test_the_reconstruction_stage_trains_the_encoder(data, metric):
    # the freeze is of the metric stage only: stage 1 trains the autoencoder,
    # its encoder included
    states = []
    Seq2SeqEmbedder(metric, callbacks=[_EncoderAtBeginAndEnd(states)],
                    **_TINY).fit(*data)
    assert len(states) == 4
    assert not all(torch.equal(states[0][k], states[1][k]) for k in states[0])


def _circles(n, seed):
    """(sin, cos) of random phase, length 8-20: easy to reconstruct."""
    rng = np.random.RandomState(seed)
    X = np.full((n, 20, 2), np.nan)
    for i in range(n):
        t = np.arange(rng.randint(8, 21)) / 3 + rng.uniform(0, 2 * np.pi)
        X[i, : len(t)] = np.column_stack([np.sin(t), np.cos(t)])
    return X


@pytest.mark.learning
def test_reconstruction_error_falls_with_training_and_needs_no_labels(
    learning_seed, learning_outcome
):
    X = _circles(48, seed=0)
    params = dict(metric="euclidean", training="reconstruction_only", hidden_size=16,
                  cell="gru", batch_size=8, lr=1e-2, random_state=learning_seed)
    short = Seq2SeqEmbedder(**params, max_epochs=1).fit(X)
    long = Seq2SeqEmbedder(**params, max_epochs=40).fit(X)
    before, after = short.reconstruction_error(X), long.reconstruction_error(X)
    assert before.shape == (len(X),)
    # seeds 0-4, native and default kernels: 0.044-0.080
    assert learning_outcome("error ratio", after.mean() / before.mean()) < 0.2
    X_hat = long.reconstruct(X)
    assert X_hat.shape == X.shape
    np.testing.assert_array_equal(np.isnan(X_hat), np.isnan(X))
    # in the input's units: much closer to X than X's own spread (0.037-0.070)
    assert learning_outcome(
        "mse / variance", np.nanmean((X_hat - X) ** 2) / np.nanvar(X)) < 0.5


def test_cosine_embeddings_are_unit_vectors_and_distances_are_one_minus_cos(data):
    X, y = data
    est = Seq2SeqEmbedder("cosine", training="joint", **_TINY).fit(X, y)
    Z = est.transform(X)
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0)
    D = est.pairwise_distances(X[:6])
    np.testing.assert_allclose(D, 1 - Z[:6] @ Z[:6].T, atol=1e-12)
    assert est._losses() == ("cosine", "cosine", 0.5)  # thesis pairing and margin


@pytest.mark.parametrize("metric_loss", ["kissme_logratio", "pml_contrastive"])
def test_other_metric_losses_train(data, metric_loss):
    X, y = data
    metric = "kissme" if metric_loss.startswith("kissme") else "euclidean"
    est = Seq2SeqEmbedder(metric, training="joint", metric_loss=metric_loss, **_TINY)
    assert np.isfinite(est.fit(X, y).transform(X)).all()
    if metric_loss == "kissme_logratio":  # orthonormal W_p
        w = est.net_.module_.kissme_head.projection().detach().numpy()
        np.testing.assert_allclose(w @ w.T, np.eye(4), atol=1e-5)


@pytest.mark.learning
def test_learns_a_useful_metric(learning_seed, learning_outcome):
    X, y = _waves(90, ["sine", "square", "saw"], seed=0)
    X_test, y_test = _waves(60, ["sine", "square", "saw"], seed=1)
    est = Seq2SeqEmbedder("euclidean", hidden_size=16, n_pairs=1000, lr=5e-3,
                          max_epochs=15, random_state=learning_seed).fit(X, y)
    # seeds 0-4, native and default kernels: 0.92-0.98
    assert learning_outcome("pair AUC", pair_auc(est, X_test, y_test)) > 0.85


def test_groups_make_similar_pairs_across_groups_only(data):
    y = np.repeat(np.arange(4), 6)  # slot
    groups = np.tile(np.arange(6), 4)  # day
    groups[:3] = 0  # three series of slot 0 on day 0
    rng = np.random.RandomState(0)
    pairs, labels = sample_pairs(y, 500, groups=groups, random_state=rng)
    sim = labels == 1
    assert sim.sum() == 250 and (y[pairs[sim, 0]] == y[pairs[sim, 1]]).all()
    assert (groups[pairs[sim, 0]] != groups[pairs[sim, 1]]).all()
    assert (y[pairs[~sim, 0]] != y[pairs[~sim, 1]]).all()
    with pytest.raises(ValueError, match="no label has series in two groups"):
        sample_pairs(y, 10, groups=y, random_state=rng)
    X, _ = data
    X = X[: len(y)]
    est = Seq2SeqEmbedder(**_TINY).fit(X, y, groups=groups)
    assert est.transform(X).shape == (len(X), 4)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Seq2SeqEmbedder(**_TINY).fit(X, y, groups=groups[:-1])


def test_fit_pairs_on_explicit_pairs(data):
    X, y = data
    rng = np.random.RandomState(0)
    pairs = rng.randint(len(X), size=(80, 2))
    labels = (y[pairs[:, 0]] == y[pairs[:, 1]]).astype(int)
    est = Seq2SeqEmbedder(**_TINY).fit_pairs(X, pairs, labels)
    assert est.transform(X).shape == (len(X), 4)
    est = Seq2SeqEmbedder(early_stopping=True, validation_fraction=0.25,
                          **_TINY).fit_pairs(X, pairs, 2 * labels - 1)
    assert "valid_loss" in est.history_[-1] and "valid_loss" in est.stage1_history_[-1]
    with pytest.raises(ValueError, match=r"Pair 0 is \[0, 99\]"):
        Seq2SeqEmbedder(**_TINY).fit_pairs(X, [[0, 99]], [1])


def test_early_stopping_with_labels_validates_both_stages(data):
    est = Seq2SeqEmbedder(early_stopping=True, validation_fraction=0.3, **_TINY)
    est.fit(*data)
    assert np.isfinite(est.history_[:, "valid_loss"]).all()
    assert np.isfinite(est.stage1_history_[:, "valid_loss"]).all()
    assert est.net_.train_split is None  # no validation data in the pickle


def test_padding_invariance_of_embeddings_and_reconstructions(fitted, data):
    X, _ = data
    longer = np.concatenate([X, np.full((len(X), 5, 2), np.nan)], axis=1)
    np.testing.assert_allclose(fitted.transform(longer), fitted.transform(X), atol=1e-5)
    lengths = sequence_lengths(X)
    alone = fitted.reconstruct(X[3:4, : lengths[3]])[0]
    np.testing.assert_allclose(alone, fitted.reconstruct(X)[3, : lengths[3]], atol=1e-5)


@pytest.mark.parametrize(
    "params, fit_args, message",
    [
        (dict(metric="kissme", training="reconstruction_only"), "X",
         "trains no metric"),
        (dict(metric="euclidean", metric_loss="cosine"), "Xy",
         "does not train metric='euclidean'"),
        (dict(metric="cosine", freeze_encoder=True), "Xy", "nothing to train"),
        (dict(metric_loss="kissme_logratio", projection_dim=20), "Xy",
         "projection_dim=20 must be <= hidden_size=8"),
        (dict(), "X", "requires y to be passed.*fit_pairs"),
    ],
)
def test_clear_errors(data, params, fit_args, message):
    X, y = data
    est = Seq2SeqEmbedder(**{**_TINY, **params})
    with pytest.raises(ValueError, match=message):
        est.fit(X, y) if fit_args == "Xy" else est.fit(X)


def test_kissme_head_is_refused_on_mps(data, monkeypatch):
    # its M is float64, which MPS lacks: a clear error, not torch's at .to()
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    X, y = data
    with pytest.raises(ValueError, match="MPS has no float64"):
        Seq2SeqEmbedder(**{**_TINY, "device": "mps"}).fit(X, y)


def test_same_random_state_same_result_and_fit_transform(data):
    X, y = data
    a = Seq2SeqEmbedder(**_TINY).fit(X, y).transform(X)
    b = Seq2SeqEmbedder(**_TINY).fit_transform(X, y)
    np.testing.assert_array_equal(a, b)
    assert Seq2SeqEmbedder(**_TINY).fit(X, y).get_feature_names_out().tolist() == [
        f"seq2seqembedder{i}" for i in range(4)
    ]


def test_fit_with_labels_checks_that_the_distance_learned(data, monkeypatch):
    # the check itself is tested on hand-made distances in test_learning.py;
    # here: a labelled fit hands it the series as given and the labels'
    # codes; a reconstruction-only fit (no labels) and a fit with groups
    # (labels are time slots) do not call it
    from sktime_metric.metric import _seq2seq

    calls = []
    monkeypatch.setattr(_seq2seq, "warn_if_metric_not_learned",
                        lambda est, X, codes, seed: calls.append((est, X, codes)))
    X, labels = data  # string labels
    est = Seq2SeqEmbedder(**_TINY).fit(X, labels)
    ((checked, X_checked, codes),) = calls
    assert checked is est and X_checked is X
    np.testing.assert_array_equal(codes, np.unique(labels, return_inverse=True)[1])
    Seq2SeqEmbedder("euclidean", training="reconstruction_only",
                    **{**_TINY, "max_epochs": 1}).fit(X)
    # with groups, y is a time slot, not a class (the routine setting)
    Seq2SeqEmbedder(**{**_TINY, "max_epochs": 1}).fit(
        X, np.arange(len(X)) % 4, groups=np.arange(len(X)) // 4)
    assert len(calls) == 1
