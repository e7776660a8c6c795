"""TAGMClassifier: attention output, a toy salience task (a short signal among
noise frames, a small version of the thesis's noisy digits, section 3.4.1), and
the AM-NN / NN ablations."""

from functools import partial

import numpy as np
import pytest
from sklearn.base import clone

from sktime_metric.base import learning_baseline
from sktime_metric.classification import RNNClassifier, TAGMClassifier
from sktime_metric.datasets import make_sequence_classification
from sktime_metric.nn import AttentionNNModule, TAGMModule
from sktime_metric.utils import sequence_lengths


@pytest.fixture(scope="module")
def salience_task():
    """A class motif hidden at a random place in noise; the mask marks it."""
    X, y, mask = make_sequence_classification(
        n_samples=200, n_classes=3, n_channels=2, min_length=20, max_length=30,
        motif_length=5, noise=0.5, return_mask=True, random_state=0,
    )
    return (X[:140], y[:140]), (X[140:], y[140:], mask[140:])


@pytest.fixture(scope="module")
def fitted(salience_task, learning_seed):
    (X, y), _ = salience_task
    # the chapter's TAGM (one direction, window=1: per-step attention), whose
    # mechanism these tests check on a 5-step motif. The default frames of 4
    # steps every 2 blur it (accuracy 0.90-0.95, attention ratio 1.24-3.09
    # over seeds 0-4); the default Bi-TAGM classifies as well (0.93-0.97),
    # its attention less sharp (ratio 2.11-5.09)
    return TAGMClassifier(
        hidden_size=16, attention_hidden_size=16, max_epochs=30, lr=1e-2,
        window=1, bidirectional=False, random_state=learning_seed,
    ).fit(X, y)


def test_attention_shape_bounds_and_nan_padding(fitted, salience_task):
    _, (X, _, _) = salience_task
    X = np.concatenate([X, np.full((len(X), 3, X.shape[2]), np.nan)], axis=1)
    a = fitted.predict_attention(X)
    assert a.shape == X.shape[:2]
    padding = np.arange(X.shape[1])[None, :] >= sequence_lengths(X)[:, None]
    np.testing.assert_array_equal(np.isnan(a), padding)
    assert ((a[~padding] > 0) & (a[~padding] < 1)).all()


@pytest.mark.learning
def test_attention_finds_the_salient_segment(fitted, salience_task, learning_outcome):
    _, (X, y, mask) = salience_task
    # seeds 0-4, native and default kernels: accuracy 0.93-1.0 (chance 1/3)
    assert learning_outcome("accuracy", fitted.score(X, y)) > 0.7
    a = fitted.predict_attention(X)
    inside, outside = a[mask].mean(), np.nanmean(np.where(mask, np.nan, a))
    # mean attention on the motif over the rest: 3.27-77.5 over the same runs
    assert learning_outcome("attention ratio", inside / outside) > 1.5


@pytest.mark.learning
@pytest.mark.parametrize("bidirectional", [False, True])
def test_signal_survives_long_noise(bidirectional, learning_seed, learning_outcome):
    # A 6-step motif in 100-120 steps of noise. The gated state keeps (1 - a_t)
    # of itself per step (eq. 3.1): starting at a_t ~ 0.5 (the fusion bias at
    # torch's initialisation, attention_bias_init=None) it forgets the motif
    # within a few noise steps, and on some seeds the model fits the noise
    # instead: test accuracy 0.28 / 0.45 / 0.37 on seeds 1, 2, 4 (TAGM) and
    # 0.47 / 0.40 on seeds 2, 3 (Bi-TAGM), attention ratio 0.91-1.06. The
    # default "auto" starts at sigmoid(-2) ~ 0.12: over seeds 0-4 accuracy
    # 0.917-0.983 (TAGM) and 0.917-1.0 (Bi-TAGM), attention ratio 5.0-132, on
    # native and default kernels.
    X, y, mask = make_sequence_classification(
        n_samples=200, n_classes=3, n_channels=2, min_length=100, max_length=120,
        motif_length=6, noise=0.5, return_mask=True, random_state=0,
    )
    clf = TAGMClassifier(
        hidden_size=16, attention_hidden_size=16, max_epochs=30, lr=1e-2,
        window=1, bidirectional=bidirectional, random_state=learning_seed,
    ).fit(X[:140], y[:140])
    assert learning_outcome("accuracy", clf.score(X[140:], y[140:])) > 0.7
    a, signal = clf.predict_attention(X[140:]), mask[140:]
    ratio = a[signal].mean() / np.nanmean(np.where(signal, np.nan, a))
    assert learning_outcome("attention ratio", ratio) > 2.0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("sharpness", [1.0, 3.0])
def test_auto_attention_bias_starts_every_step_near_0_12(salience_task, sharpness):
    # lr ~ 0: the weights stay where they were drawn
    (X, y), _ = salience_task
    clf = TAGMClassifier(hidden_size=4, attention_hidden_size=4, max_epochs=1, lr=1e-12,
                         attention_sharpness=sharpness, random_state=0).fit(X, y)
    bias = clf.net_.module_.attention.fusion.bias.item()
    np.testing.assert_allclose(1 / (1 + np.exp(-sharpness * bias)), 0.1192, atol=1e-4)
    # AM-NN sums the steps: torch's initialisation, |b| <= 1 / sqrt(fan_in)
    am_nn = TAGMClassifier(hidden_size=4, attention_hidden_size=4, recurrent=False,
                           max_epochs=1, lr=1e-12, random_state=0).fit(X, y)
    assert abs(am_nn.net_.module_.attention.fusion.bias.item()) <= 8 ** -0.5


def test_frames_attention_goes_back_to_the_steps_that_frame_holds():
    from sktime_metric._framing import frames_to_steps, resolve_framing

    # frames of 4 every 3 steps over 7 steps: [0-3], [3-6]; step 3 is in both
    a = frames_to_steps(np.array([[0.2, 0.6, 9.0]]), np.array([7]), 4, 3, 9)
    np.testing.assert_allclose(a[0, :7], [0.2, 0.2, 0.2, 0.4, 0.6, 0.6, 0.6])
    assert np.isnan(a[0, 7:]).all()
    # "auto": about 30 values per frame, frames overlapping by half
    assert resolve_framing("auto", "auto", 1, np.array([251])) == (30, 15)
    assert resolve_framing("auto", "auto", 12, np.array([15, 20])) == (2, 1)
    assert resolve_framing(1, "auto", 3, np.array([50])) == (1, 1)
    with pytest.raises(ValueError, match="stride=5 is larger than the frame length"):
        resolve_framing(3, 5, 1, np.array([50]))


@pytest.mark.parametrize("window, stride", [(4, 3), (4, 2), (1, 1), (5, 5), (30, 15)])
def test_frames_to_steps_matches_a_loop_over_frames(window, stride):
    from sktime_metric._framing import frames_to_steps
    from sktime_metric.nn._chain import framed_length

    rng = np.random.RandomState(0)
    lengths = rng.randint(1, 60, size=9)
    n_timestamps = lengths.max() + 3
    values = rng.rand(9, framed_length(n_timestamps, window, stride) + 1)
    expected = np.full((9, n_timestamps), np.nan)
    for i, n in enumerate(lengths):
        total, count = np.zeros(n), np.zeros(n)
        for k in range(framed_length(int(n), window, stride)):
            total[k * stride : k * stride + window] += values[i, k]
            count[k * stride : k * stride + window] += 1
        expected[i, :n] = total / count
    got = frames_to_steps(values, lengths, window, stride, n_timestamps)
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("window, stride", [(4, 3), (4, 2), (1, 1), (5, 5), (30, 15)])
def test_frames_of_steps_go_back_to_their_steps_as_the_mean_of_the_frames(window,
                                                                         stride):
    # a frame's values of each of its steps (a seq2seq decoder's frames), laid
    # out as framed_series lays them out: step k * stride + j of the series
    # gets the mean of row j of the frames k that hold it; a frame's steps past
    # the series' end (framing repeated its last step) and the padding frames
    # are ignored, NaN included
    from sktime_metric._framing import framed_series, frames_to_steps
    from sktime_metric.nn._chain import framed_length

    rng = np.random.RandomState(0)
    lengths = rng.randint(1, 60, size=9)
    n_timestamps, n_channels = lengths.max() + 3, 2
    width = framed_length(n_timestamps, window, stride) + 1
    values = rng.rand(9, width, window * n_channels)
    expected = np.full((9, n_timestamps, n_channels), np.nan)
    for i, n in enumerate(lengths):
        total, count = np.zeros((n, n_channels)), np.zeros((n, 1))
        for k in range(framed_length(int(n), window, stride)):
            held = values[i, k].reshape(window, n_channels)[: n - k * stride]
            total[k * stride : k * stride + len(held)] += held
            count[k * stride : k * stride + len(held)] += 1
        values[i, framed_length(int(n), window, stride):] = np.nan
        expected[i, :n] = total / count
    got = frames_to_steps(values, lengths, window, stride, n_timestamps)
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)
    # the frames of a series give it back: each step is the mean of copies of
    # itself, exact for float32 values
    X = np.full((9, n_timestamps, n_channels), np.nan)
    for i, n in enumerate(lengths):
        X[i, :n] = rng.randn(n, n_channels).astype(np.float32)
    frames = framed_series(X, window, stride)
    np.testing.assert_array_equal(
        frames_to_steps(frames, lengths, window, stride, n_timestamps), X)


@pytest.mark.parametrize("estimator", [
    TAGMClassifier, RNNClassifier, partial(TAGMClassifier, recurrent=False)])
def test_framed_nets_read_frames(salience_task, estimator):
    (X, y), _ = salience_task
    clf = estimator(hidden_size=4, window=4, stride=2, max_epochs=1, random_state=0)
    clf.fit(X, y)
    assert (clf.window_, clf.stride_) == (4, 2)
    assert clf.net_.module_.window == 4 and clf.net_.module_.stride == 2
    unframed = estimator(hidden_size=4, window=1, max_epochs=1, random_state=0).fit(X, y)
    assert (unframed.window_, unframed.stride_) == (1, 1)


def test_bi_tagm_attention_is_shared(salience_task):
    (X, y), _ = salience_task
    clf = TAGMClassifier(hidden_size=4, attention_hidden_size=4, bidirectional=True,
                         max_epochs=1, random_state=0).fit(X, y)
    assert clf.net_.module_.classifier.in_features == 8
    assert clf.predict_attention(X[:5]).shape == (5, X.shape[1])


def test_auto_is_bi_tagm_with_recurrence(salience_task):
    (X, y), _ = salience_task
    clf = TAGMClassifier(hidden_size=4, attention_hidden_size=4, max_epochs=1,
                         random_state=0).fit(X, y)
    assert clf.net_.module_.gated_bwd is not None
    assert clf.net_.module_.classifier.in_features == 8


@pytest.mark.parametrize("recurrent", [True, False])
@pytest.mark.parametrize("nonlinearity", ["relu", "softplus"])
def test_attention_nonlinearity_reaches_the_attention_rnn(salience_task, recurrent,
                                                          nonlinearity):
    from sktime_metric.nn.tagm import _ACTIVATIONS

    (X, y), _ = salience_task
    clf = TAGMClassifier(hidden_size=4, attention_hidden_size=4, recurrent=recurrent,
                         attention_nonlinearity=nonlinearity, max_epochs=1,
                         random_state=0).fit(X, y)
    assert clf.net_.module_.attention.rnn.activation is _ACTIVATIONS[nonlinearity]


@pytest.mark.parametrize("temporal_attention", [True, False])
def test_ablations_fit_and_predict(salience_task, temporal_attention):
    # Table 3.1's AM-NN (temporal_attention=True) and NN
    (X, y), (X_test, _, _) = salience_task
    clf = TAGMClassifier(hidden_size=8, attention_hidden_size=4, recurrent=False,
                         temporal_attention=temporal_attention, max_epochs=2,
                         random_state=0).fit(X, y)
    module = clf.net_.module_
    assert isinstance(module, AttentionNNModule)
    assert (module.attention is None) is not temporal_attention
    assert set(clf.predict(X_test)) <= set(clf.classes_)
    X_test = np.concatenate([X_test, np.full((len(X_test), 2, X.shape[2]), np.nan)],
                            axis=1)
    a = clf.predict_attention(X_test)
    padding = np.arange(X_test.shape[1])[None, :] >= sequence_lengths(X_test)[:, None]
    np.testing.assert_array_equal(np.isnan(a), padding)
    if temporal_attention:
        assert ((a[~padding] > 0) & (a[~padding] < 1)).all()
    else:
        assert (a[~padding] == 1).all()


def test_gated_unit_without_attention(salience_task):
    (X, y), _ = salience_task
    clf = TAGMClassifier(hidden_size=4, temporal_attention=False, max_epochs=1,
                         random_state=0).fit(X, y)
    assert isinstance(clf.net_.module_, TAGMModule)
    assert clf.net_.module_.attention is None


def test_ablation_without_recurrence_cannot_be_bidirectional(salience_task):
    (X, y), _ = salience_task
    clf = TAGMClassifier(recurrent=False, bidirectional=True, max_epochs=1)
    with pytest.raises(ValueError, match="bidirectional=True needs recurrent=True"):
        clf.fit(X, y)


def test_early_stopping_stops_halves_lr_and_keeps_validation_scores(salience_task):
    (X, y), _ = salience_task
    clf = TAGMClassifier(hidden_size=4, attention_hidden_size=4, max_epochs=200,
                         lr=1e-2, early_stopping=True, n_iter_no_change=4,
                         random_state=0).fit(X, y)
    history = clf.history_
    assert len(history) < 200
    best = [i for i, flag in enumerate(history[:, "valid_acc_best"]) if flag][-1]
    assert len(history) - 1 - best == 4  # stopped after n_iter_no_change stale epochs
    # the plateau scheduler halved the rate after n_iter_no_change // 4 stale epochs
    assert clf.net_.optimizer_.param_groups[0]["lr"] < 1e-2


_STOPPING = [RNNClassifier(hidden_size=4, lr=1e-2),
             TAGMClassifier(hidden_size=4, attention_hidden_size=4, lr=1e-2)]


@pytest.mark.parametrize("estimator", _STOPPING, ids=["rnn", "tagm"])
def test_training_stops_once_the_loss_converged(salience_task, estimator):
    (X, y), _ = salience_task
    tol, patience = 0.02, 3
    clf = clone(estimator).set_params(max_epochs=200, tol=tol,
                                      n_iter_no_change=patience,
                                      random_state=0).fit(X, y)
    # Oracle: replay the rule on the recorded training losses. No epoch counts
    # before the 200 // 3 = 66th, nor before the loss first falls below the
    # class frequencies' loss; after that an epoch improves when its loss is
    # more than tol below the last improving epoch's, and training stops after
    # `patience` epochs in a row that do not.
    losses = clf.history_[:, "train_loss"]
    baseline = learning_baseline(np.unique(y, return_inverse=True)[1])
    best, misses, started, stopped_at = np.inf, 0, False, None
    for epoch, loss in enumerate(losses, start=1):
        started = started or (epoch >= 66 and loss < baseline)
        if not started:
            continue
        if loss < best - tol:
            best, misses = loss, 0
        else:
            misses += 1
        if misses == patience:
            stopped_at = epoch
            break
    assert stopped_at is not None and 66 + patience <= stopped_at < 200
    assert len(losses) == stopped_at
    # tol=None: every epoch runs
    full = clone(clf).set_params(max_epochs=stopped_at + 5, tol=None).fit(X, y)
    assert len(full.history_) == stopped_at + 5


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator", _STOPPING, ids=["rnn", "tagm"])
def test_a_loss_stuck_at_the_class_frequencies_is_not_convergence(salience_task,
                                                                   estimator):
    # lr ~ 0: the loss stays where the drawn weights put it, above the class
    # frequencies' (seed 0: 1.157 for the GRU, 1.111 for TAGM, against 1.093)
    # and never improving by tol. A stop counting from the first epoch would
    # end the fit after n_iter_no_change epochs, at chance; it trains on to
    # max_epochs instead.
    (X, y), _ = salience_task
    clf = clone(estimator).set_params(lr=1e-12, max_epochs=12, n_iter_no_change=2,
                                      random_state=0).fit(X, y)
    assert len(clf.history_) == 12


def test_verbose_prints_progress(salience_task, capsys):
    (X, y), _ = salience_task
    RNNClassifier(hidden_size=4, max_epochs=2, verbose=1, random_state=0).fit(X, y)
    out = capsys.readouterr()
    assert "train_loss" in out.out


@pytest.mark.learning
@pytest.mark.parametrize("bidirectional, min_ratio", [("auto", 1.1), (False, 1.1)],
                         ids=["default", "unidirectional"])
def test_learns_a_noisy_sequence_task_and_attends_to_the_signal(
    bidirectional, min_ratio, learning_seed, learning_outcome
):
    # The chapter's noisy-sequence recipe on a small synthetic task: each
    # class's series surrounded by uniform noise frames, the signal 40 % of
    # every sequence. The ReLU attention of eqs. 3.5-3.6 collapsed to 0 on
    # such data (one predicted class); the default (Bi-TAGM) and the
    # chapter's TAGM must learn and attend to the signal more than to the
    # noise.
    from sktime_metric.datasets import add_noise_segments

    X, y = make_sequence_classification(
        n_samples=240, n_classes=3, n_channels=2, min_length=10, max_length=14,
        motif_length=10, noise=0.2, random_state=1,
    )
    X_noisy, signal = add_noise_segments(X, target_length=30, random_state=1)
    train, test = np.arange(160), np.arange(160, 240)
    clf = TAGMClassifier(hidden_size=16, attention_hidden_size=16, max_epochs=30,
                         lr=1e-2, bidirectional=bidirectional,
                         random_state=learning_seed)
    clf.fit(X_noisy[train], y[train])
    # seeds 0-4, native and default kernels, default frames (5 steps every
    # 3), TAGM / Bi-TAGM: accuracy 0.875-0.975 / 0.9625-1.0 (chance 1/3),
    # mean attention on the signal over the noise 1.25-2.85 / 1.197-1.89
    # (TAGM on single steps, window=1: 0.99-1.0 and 1.51-5.5)
    assert learning_outcome("accuracy", clf.score(X_noisy[test], y[test])) > 0.8
    a = clf.predict_attention(X_noisy[test])
    on_signal, on_noise = a[signal[test]].mean(), a[~signal[test]].mean()
    assert learning_outcome("attention signal / noise",
                            on_signal / on_noise) > min_ratio
