"""Seq2SeqEmbedder on frames: window_size, stride, and the reconstruction's
way back to the steps."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from sktime_metric._framing import framed_series
from sktime_metric.metric import Seq2SeqEmbedder
from sktime_metric.persistence import load_weights
from sktime_metric.utils import sequence_lengths

from ..test_persistence import _forget, _rewritten, _saved
from .test_seq2seq import _TINY
from .test_siamese import _waves

# tiny fits of a few epochs, and single steps that cannot see the class by
# design (the learning test): their "did not learn" warnings are expected
pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning")

@pytest.fixture(scope="module")
def data():
    return _waves(40, ["sine", "square", "saw"], seed=0)


@pytest.fixture(scope="module")
def framed(data):
    # frames of 4 steps every 3: the last frame of most series reaches past
    # their end (framing repeats the last step there)
    return Seq2SeqEmbedder(window_size=4, stride=3, **_TINY).fit(*data)


def test_single_steps_read_as_before_frames(data):
    # outputs of the estimator before it had window_size (same seed, same
    # data; then its only behaviour, the thesis's): window_size=1 must not
    # move (float32 nets: float32 tolerances)
    X, y = data
    est = Seq2SeqEmbedder(window_size=1, **_TINY).fit(X, y)
    assert (est.window_size_, est.stride_) == (1, 1)
    assert est.net_.module_.autoencoder.readout.out_features == 2
    np.testing.assert_allclose(est.reconstruct(X[:1])[0, :3], [
        [0.01088852, 0.12333749], [-0.02065504, 0.08224003],
        [-0.03937063, 0.05999432]], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(est.reconstruction_error(X[:3]),
                               [0.75086701, 1.4730258, 0.78252578], rtol=1e-5)
    auto = Seq2SeqEmbedder("euclidean", training="reconstruction_only",
                           window_size=1, **_TINY).fit(X)
    np.testing.assert_allclose(auto.transform(X[:2]), [
        [-0.11412428, 0.29782099, -0.11408398, 0.18808402, 0.03759827,
         -0.01343348, 0.14005004, 0.0662007],
        [-0.01354482, 0.40669993, 0.19017144, 0.09663416, -0.17448477,
         -0.18333492, 0.40324152, -0.13254492]], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(auto.reconstruction_error(X[:3]),
                               [0.74973226, 1.47902346, 0.78215396], rtol=1e-5)


def test_a_framed_fit_reads_frames(data, framed):
    X, y = data
    assert (framed.window_size_, framed.stride_) == (4, 3)
    assert type(framed.window_size_) is int and type(framed.stride_) is int
    module = framed.net_.module_.autoencoder
    assert module.readout.out_features == 4 * 2  # frames of 4 steps x 2 channels
    assert framed.transform(X).shape == (len(X), 4)
    assert framed.pairwise_distances(X[:3], X).shape == (3, len(X))
    # "auto", the default: the shared frame rule, about 30 values a frame and
    # at most a sixth of the median length (here 2 channels, median 31
    # steps: 5 / 3), frames overlapping by half
    assert {k: v for k, v in Seq2SeqEmbedder().get_params().items()
            if k in ("window_size", "stride")} == {"window_size": "auto",
                                                   "stride": "auto"}
    auto = Seq2SeqEmbedder("euclidean", **_TINY).fit(X, y)
    assert (auto.window_size_, auto.stride_) == (5, 3)
    assert auto.transform(X).shape == (len(X), 8)
    pairs = np.array([[0, 3], [1, 4], [0, 1], [2, 5]])
    labels = (y[pairs[:, 0]] == y[pairs[:, 1]]).astype(int)
    by_pairs = Seq2SeqEmbedder("euclidean", window_size=6, stride="auto", **_TINY)
    assert (by_pairs.fit_pairs(X, pairs, labels).window_size_,
            by_pairs.stride_) == (6, 3)
    with pytest.raises(ValueError, match="stride=5 is larger than the frame length"):
        Seq2SeqEmbedder(window_size=3, stride=5, **_TINY).fit(X, y)


def test_the_input_masking_zeroes_values_of_the_frames(data, monkeypatch):
    from sktime_metric.nn.seq2seq import Seq2SeqAutoencoder

    read = []
    corrupt = Seq2SeqAutoencoder.corrupt
    monkeypatch.setattr(Seq2SeqAutoencoder, "corrupt",
                        lambda self, x: read.append(x.shape[-1]) or corrupt(self, x))
    Seq2SeqEmbedder("euclidean", window_size=4, stride=3,
                    **{**_TINY, "max_epochs": 1}).fit(*data)
    assert read and set(read) == {4 * 2}


def _identity_decoder(est, monkeypatch):
    """The module's reconstruction made the frames it reads."""
    monkeypatch.setattr(est.net_.module_, "reconstruction", lambda x, lengths: x)


@pytest.mark.parametrize("window, stride", [(4, 3), (4, 2), (5, 5), (3, 1)])
def test_reconstruct_puts_the_frames_back_on_the_steps(data, monkeypatch, window,
                                                       stride):
    # each step the mean of the frames that hold it: with a decoder that gives
    # back its input frames, the series itself, NaN past each length; a series
    # shorter than a frame included. Values float32 (the net reads float32)
    X, y = data
    X = X[:8].astype(np.float32).astype(np.float64)
    X[0, 3:] = np.nan  # 3 steps
    X[1, 4:] = np.nan  # 4 steps
    est = Seq2SeqEmbedder("euclidean", window_size=window, stride=stride,
                          standardize=False, **{**_TINY, "max_epochs": 1})
    est.fit(X, y[:8])
    _identity_decoder(est, monkeypatch)
    X_hat = est.reconstruct(X)
    assert X_hat.shape == X.shape
    np.testing.assert_array_equal(X_hat, X)  # NaN where X is NaN
    # standardised: the steps come back through the net's float32
    standardized = Seq2SeqEmbedder("euclidean", window_size=window, stride=stride,
                                   **{**_TINY, "max_epochs": 1}).fit(X, y[:8])
    _identity_decoder(standardized, monkeypatch)
    np.testing.assert_allclose(standardized.reconstruct(X), X, rtol=1e-6, atol=1e-6)


def test_reconstruction_error_is_the_training_loss_on_frames(data, framed,
                                                             monkeypatch):
    # a decoder that returns zeros: the MSE is the mean square of the
    # standardised frames' values, where a step held by two frames counts
    # twice, not that of the steps
    X, _ = data
    monkeypatch.setattr(framed.net_.module_, "reconstruction",
                        lambda x, lengths: x * 0)
    frames = framed_series((X - framed.mean_) / framed.scale_, 4, 3)
    on_frames = np.nanmean(frames ** 2, axis=(1, 2))
    np.testing.assert_allclose(framed.reconstruction_error(X), on_frames, rtol=1e-5)
    on_steps = np.nanmean(((X - framed.mean_) / framed.scale_) ** 2, axis=(1, 2))
    assert np.abs(on_frames - on_steps).max() > 1e-3


def test_padding_invariance_with_frames(data, framed):
    X, _ = data
    longer = np.concatenate([X, np.full((len(X), 7, 2), np.nan)], axis=1)
    np.testing.assert_allclose(framed.transform(longer), framed.transform(X),
                               atol=1e-5)
    X_hat = framed.reconstruct(X)
    np.testing.assert_array_equal(np.isnan(X_hat), np.isnan(X))
    np.testing.assert_allclose(framed.reconstruct(longer)[:, : X.shape[1]], X_hat,
                               atol=1e-5)
    assert np.isnan(framed.reconstruct(longer)[:, X.shape[1]:]).all()
    lengths = sequence_lengths(X)
    alone = framed.reconstruct(X[3:4, : lengths[3]])[0]
    np.testing.assert_allclose(alone, X_hat[3, : lengths[3]], atol=1e-5)
    np.testing.assert_allclose(framed.reconstruction_error(longer),
                               framed.reconstruction_error(X), atol=1e-5)


def test_an_archive_from_before_frames_loads_with_single_steps(data):
    # written before window_size and stride existed: no value for them nor
    # for window_size_ and stride_; it held a single-step model
    X, y = data
    est = Seq2SeqEmbedder(window_size=1, **_TINY).fit(X, y)
    forget = [_forget(name) for name in ("window_size", "stride", "window_size_",
                                         "stride_")]
    archive = _rewritten(_saved(est), lambda node: [f(node) for f in forget])
    earlier = load_weights(archive)
    assert (earlier.window_size, earlier.stride) == (1, 1)
    assert type(earlier.window_size_) is int and type(earlier.stride_) is int
    assert (earlier.window_size_, earlier.stride_) == (1, 1)
    np.testing.assert_array_equal(earlier.transform(X), est.transform(X))
    np.testing.assert_array_equal(earlier.reconstruct(X), est.reconstruct(X))


def _head_classes(n, seed, length=200):
    """Two classes told apart in the first half of the series only (a sine of
    one of two frequencies, plus noise); the second half is noise of one law
    for both."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = 0.5 * rng.randn(n, length, 1)
    t = np.arange(length // 2)
    frequency = np.where(y == 0, 2, 5) * np.pi / (length // 2)
    X[:, : length // 2, 0] += np.sin(frequency[:, None] * t)
    return X, y


@pytest.mark.learning
def test_frames_embed_the_start_of_long_series(learning_seed, learning_outcome):
    # the encoder's last state reads the last ten or so of what it reads: on
    # single steps of 200, the noise at the end; on "auto" frames (30 steps
    # every 15, 13 frames) the whole series
    X, y = _head_classes(40, seed=0)
    X_test, y_test = _head_classes(40, seed=1)

    def accuracy(**frames):
        est = Seq2SeqEmbedder("euclidean", hidden_size=16, n_pairs=200, max_epochs=20,
                              lr=1e-2, batch_size=20, random_state=learning_seed,
                              **frames).fit(X, y)
        nearest = cdist(est.transform(X_test), est.transform(X)).argmin(1)
        return np.mean(y[nearest] == y_test)

    framed = learning_outcome("framed 1-NN accuracy (the default)", accuracy())
    steps = learning_outcome("single-step 1-NN accuracy", accuracy(window_size=1))
    # seeds 0-9, native and default kernels: framed 1.0, single steps
    # 0.40-0.575 (chance 0.5)
    assert framed > 0.9
    assert framed - steps > 0.25
