"""AttentionSequenceRegressor: frames mode, attention outputs, ablations, errors.

The features mode also runs the registry's checks (tests/test_common.py) and
the sequence contract (tests/test_sequence_contract.py).
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from sktime_metric.datasets import make_expression_videos, make_sequence_classification
from sktime_metric.regression import ABLATION_LADDER, AttentionSequenceRegressor

TINY = dict(hidden_size=8, temporal_attention_dim=8, spatial_attention_dim=4,
            cnn_channels=(4, 8, 8), cnn_fc_size=16, max_epochs=2, lr=1e-2,
            random_state=0)


@pytest.fixture(scope="module")
def videos():
    X, y, region, frames = make_expression_videos(
        n_samples=24, min_frames=7, max_frames=10, return_truth=True, random_state=0)
    return X, y, region, frames


@pytest.fixture(scope="module")
def fitted(videos):
    X, y, _, _ = videos
    return AttentionSequenceRegressor(**TINY).fit(X, y)


def _lengths(X):
    return (~np.isnan(X).all(axis=tuple(range(2, X.ndim)))).sum(axis=1)


def test_frames_outputs_have_documented_shapes(fitted, videos):
    X, _, _, _ = videos
    assert fitted.input_type_ == "frames" and fitted.frame_shape_ == (24, 24)
    assert fitted.n_features_in_ == 1
    assert fitted.predict(X).shape == (len(X),)
    assert fitted.transform(X).shape == (len(X), 8)
    o = fitted.predict_attention(X)
    padding = np.arange(X.shape[1])[None, :] >= _lengths(X)[:, None]
    assert o.shape == X.shape[:2]
    np.testing.assert_array_equal(np.isnan(o), padding)
    np.testing.assert_allclose(np.nansum(o, axis=1), 1.0, rtol=1e-5)
    a = fitted.predict_spatial_attention(X)
    assert a.shape == (*X.shape[:2], 4, 4)
    np.testing.assert_array_equal(np.isnan(a).all(axis=(2, 3)), padding)
    assert ((a[~padding] > 0) & (a[~padding] < 1)).all()


def test_padding_never_changes_a_prediction(fitted, videos):
    X, _, _, _ = videos
    expected = fitted.predict(X)
    longer = np.concatenate([X, np.full((len(X), 3, *X.shape[2:]), np.nan)], axis=1)
    scale = fitted.y_scale_  # float32 rounding of the module, in y's units
    np.testing.assert_allclose(fitted.predict(longer), expected, atol=1e-6 * scale)
    lengths = _lengths(X)
    alone = np.concatenate([fitted.predict(X[i : i + 1, : lengths[i]])
                            for i in range(0, len(X), 5)])
    np.testing.assert_allclose(alone, expected[::5], atol=1e-6 * scale)
    # a list of videos of their own lengths, and colour frames (H, W, C) of one
    # channel, are the same input
    ragged = [x[:n] for x, n in zip(X, lengths)]
    np.testing.assert_allclose(fitted.predict(ragged), expected, atol=1e-6 * scale)
    np.testing.assert_allclose(fitted.predict(X[..., None]), expected, atol=1e-6 * scale)
    np.testing.assert_allclose(
        fitted.predict_attention(longer)[:, : X.shape[1]], fitted.predict_attention(X),
        atol=1e-6)


def test_predict_batches_of_videos_are_bounded_by_their_values(fitted, videos,
                                                                 monkeypatch):
    # a video's time step is a whole image: the predict loop bounds its batches
    # by input values (never below the training batch), not by 256 rows or a
    # step count, which for the thesis's 114x114 frames would be many GB
    X, _, _, _ = videos
    expected = fitted.predict(X)
    rows = []
    forward = type(fitted.net_.module_).forward

    def recording(module, *args, **kwargs):
        out = forward(module, *args, **kwargs)
        rows.append(len(out[0] if isinstance(out, tuple) else out))
        return out

    monkeypatch.setattr(type(fitted.net_.module_), "forward", recording)
    video = int(np.prod(X.shape[1:]))  # values of one padded video
    monkeypatch.setattr("sktime_metric._predicting._PREDICT_VALUES", 3 * video)
    small = clone(fitted).set_params(batch_size=2)
    small.__dict__.update({k: v for k, v in fitted.__dict__.items() if k.endswith("_")})
    np.testing.assert_allclose(small.predict(X), expected, rtol=1e-5, atol=1e-6)
    assert rows == [3] * 8  # 24 videos, 3 a batch
    rows.clear()
    monkeypatch.setattr("sktime_metric._predicting._PREDICT_VALUES", 1)
    np.testing.assert_allclose(small.predict(X), expected, rtol=1e-5, atol=1e-6)
    assert rows == [2] * 12  # never fewer rows than batch_size


def test_fit_transform_is_fit_then_transform(videos):
    X, y, _, _ = videos
    reg = AttentionSequenceRegressor(**TINY)
    np.testing.assert_allclose(reg.fit_transform(X, y), clone(reg).fit(X, y).transform(X),
                               atol=1e-6)


def test_same_random_state_same_predictions_on_frames(fitted, videos):
    X, y, _, _ = videos
    again = AttentionSequenceRegressor(**TINY).fit(X, y)
    np.testing.assert_array_equal(again.predict(X), fitted.predict(X))


def test_another_torch_default_device_changes_nothing_on_frames(
        fitted, videos, meta_default_device):
    # a caller's torch.set_default_device("cuda") ("meta" here: no data
    # there) neither breaks the video fit (its CNN) nor changes its outputs
    X, y, _, _ = videos
    with meta_default_device():
        again = AttentionSequenceRegressor(**TINY).fit(X, y)
        got = again.predict(X), again.predict_spatial_attention(X)
    np.testing.assert_array_equal(got[0], fitted.predict(X))
    np.testing.assert_array_equal(got[1], fitted.predict_spatial_attention(X))


@pytest.mark.parametrize("rung", list(ABLATION_LADDER))
def test_ablation_ladder_switches_modules(videos, rung):
    X, y, _, _ = videos
    reg = AttentionSequenceRegressor(**{**TINY, "max_epochs": 1}).set_params(
        **ABLATION_LADDER[rung]).fit(X, y)
    module = reg.net_.module_
    params = ABLATION_LADDER[rung]
    assert (module.dynamics is not None) == params["recurrent"]
    assert module.pooling.uniform == (not params["temporal_attention"])
    assert (module.appearance.attention is None) == (params["spatial_attention"] is None)
    o = reg.predict_attention(X)
    if not params["temporal_attention"]:  # the mean over each video's frames
        np.testing.assert_allclose(o, np.where(np.isnan(o), np.nan, 1 / _lengths(X)[:, None]),
                                   rtol=1e-6)
    if params["spatial_attention"] is None:
        with pytest.raises(ValueError, match="has no spatial attention"):
            reg.predict_spatial_attention(X)
    assert np.isfinite(reg.predict(X)).all()


@pytest.mark.parametrize("mechanism", ["indexed", "agnostic", "full", "mediate"])
def test_spatial_mechanisms_and_positions(videos, mechanism):
    X, y, _, _ = videos
    for after, size in ((1, 11), (3, 2)):
        reg = AttentionSequenceRegressor(
            **{**TINY, "max_epochs": 1}, spatial_attention=mechanism,
            spatial_attention_after=after).fit(X[:6], y[:6])
        assert reg.predict_spatial_attention(X[:2]).shape[2:] == (size, size)


def test_features_mode_has_no_spatial_attention():
    X, labels = make_sequence_classification(n_samples=12, random_state=0)
    reg = AttentionSequenceRegressor(**TINY).fit(X, labels * 1.0)
    assert reg.input_type_ == "features" and reg.transform(X).shape == (12, 8)
    with pytest.raises(ValueError, match="fitted on features"):
        reg.predict_spatial_attention(X)


def test_targets_are_scaled_by_their_median_and_mean_absolute_deviation():
    # a skewed target: its median (1.5) is far from its mean (about 6.1)
    X, _ = make_sequence_classification(n_samples=12, random_state=0)
    y = np.array([0, 0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 40], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = AttentionSequenceRegressor(**{**TINY, "max_epochs": 1}).fit(X, y)
    assert reg.y_center_ == np.median(y) == 1.5
    assert reg.y_scale_ == pytest.approx(np.mean(np.abs(y - 1.5)), rel=1e-12)


def test_targets_spanning_float64s_range_are_scaled_without_overflow():
    # y - median and the mean absolute deviation overflowed to inf: a NaN
    # training loss, reported as divergence
    from sktime_metric.utils._scaling import scaled_targets

    X, labels = make_sequence_classification(n_samples=12, random_state=0)
    y = np.where(labels == labels[0], 1.5e308, -1.7e308)
    center, scale, scaled = scaled_targets(y)
    # the same statistics as of y / 2**1000, times 2**1000
    small = scaled_targets(np.ldexp(y, -1000))
    assert (center, scale) == (np.ldexp(small[0], 1000), np.ldexp(small[1], 1000))
    np.testing.assert_array_equal(scaled, small[2])
    assert np.isfinite([center, scale]).all()
    assert scaled_targets(np.full(3, 1.7e308))[1:2] == (1.0,)  # nothing spread
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reg = AttentionSequenceRegressor(**{**TINY, "max_epochs": 1}).fit(X, y)
    # the learning check overflowed too (RuntimeWarnings, errors of inf)
    (message,) = [str(w.message) for w in caught]  # one epoch: not learned
    assert "did not learn" in message and "(inf)" not in message
    assert (reg.y_center_, reg.y_scale_) == (center, scale)
    assert np.isfinite(reg.predict(X)).all()


def test_a_colour_channel_constant_in_training_gets_the_scale_1(videos):
    # its std is float rounding (5e-14 for 0.1), not 0: dividing by it made
    # a new video at 0.2 there 2e12 in the network, its prediction -6e7
    grey, y, _, _ = videos
    X = np.stack([grey, np.where(np.isnan(grey), np.nan, 0.1)], axis=-1)
    reg = AttentionSequenceRegressor(**TINY).fit(X, y)
    assert reg.scale_[-1] == 1.0
    X_new = np.stack([grey, np.where(np.isnan(grey), np.nan, 0.2)], axis=-1)
    assert np.abs(reg.predict(X_new) - reg.predict(X)).max() < 10 * np.ptp(y)


def test_l2_penalty_is_added_to_the_training_loss(videos):
    X, y, _, _ = videos
    reg = AttentionSequenceRegressor(**{**TINY, "max_epochs": 1}, l2=1e-3).fit(X, y)
    module = reg.net_.module_
    weights = [p for name, p in module.named_parameters() if not name.endswith("bias")]
    expected = 1e-3 * sum(float((p.detach().double() ** 2).sum()) for p in weights)
    assert float(module.penalty().detach()) == pytest.approx(expected, rel=1e-5)


def test_thesis_preset_builds_the_thesis_shapes():
    from sktime_metric.nn import AttendedRegressorModule

    reg = AttentionSequenceRegressor.thesis_preset(cnn_fc_size=16)  # small fc1 here
    params = reg.get_params()
    assert params["cnn_channels"] == (128, 256, 256) and params["hidden_size"] == 256
    cnn = dict(channels=params["cnn_channels"], kernels=params["cnn_kernels"],
               strides=params["cnn_strides"], pool_size=params["cnn_pool_size"],
               pool_stride=params["cnn_pool_stride"], lrn=params["cnn_lrn"],
               fc_size=16, spatial_attention_dim=params["spatial_attention_dim"])
    module = AttendedRegressorModule(1, 256, image_size=(114, 114), cnn_params=cnn)
    # 114 -> conv1 54 -> pool 26 -> conv2 22 -> pool 10 (attended) -> conv3 8
    assert module.appearance.attention_size == (10, 10)
    assert module.appearance.head[1].in_features == 8 * 8 * 256
    assert module.appearance.attention.weight.shape == (10, 10, 64, 256)


def _with(X, index, value):
    X = X.copy()
    X[index] = value
    return X


@pytest.mark.parametrize(
    "corrupt, message",
    [
        # "X's sample i", the wording of every sequence check
        (lambda X: _with(X, (1, 2, 3, 4), np.nan),
         "X's sample 1 has NaN in part of frame 2"),
        (lambda X: _with(X, (2, 1), np.nan),
         "X's sample 2 has a NaN frame 1 inside the video"),
        (lambda X: _with(X, (0, 3, 0, 0), np.inf),
         "X's sample 0 has an infinite value in frame 3"),
        (lambda X: _with(X, 4, np.nan), "X's sample 4 is empty (all frames NaN)"),
        (lambda X: X[..., None, None], "got an array with 6 dimension(s)"),
    ],
)
def test_bad_videos_give_clear_errors(videos, corrupt, message):
    X, y, _, _ = videos
    with pytest.raises(ValueError, match=re.escape(message)):
        AttentionSequenceRegressor(**TINY).fit(corrupt(X), y)


def test_bad_targets_and_shapes_give_clear_errors(fitted, videos):
    X, y, _, _ = videos
    with pytest.raises(ValueError, match="y has a missing value .* at position 0"):
        AttentionSequenceRegressor(**TINY).fit(X, _with(y, 0, np.nan))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        AttentionSequenceRegressor(**TINY).fit(X, y[:-1])
    with pytest.raises(ValueError, match=re.escape("X has frames of shape (12, 24, 1)")):
        fitted.predict(X[:, :, :12])
    with pytest.raises(ValueError, match="Expected videos"):
        fitted.predict(X[:, :, 0])  # 3-D: features, not the frames it was fitted on
    with pytest.raises(ValueError, match="Expected videos"):
        AttentionSequenceRegressor(**TINY, input_type="frames").fit(X[:, :, 0], y)
    with pytest.raises(ValueError, match="too small"):
        AttentionSequenceRegressor(**TINY).fit(X[:, :, :8, :8], y)


def test_an_infinite_target_is_named_by_its_position():
    # scikit-learn's "Input y contains infinity" named no position, and an
    # object or string "inf" (which it lets through) was trained on as inf
    X = np.random.RandomState(0).randn(4, 3, 2)
    y = np.arange(4.0)
    for given, value in ((_with(y, 2, -np.inf), "-inf"),
                         (_with(y.astype(object), 2, np.inf), "inf"),
                         (np.array(["0", "1", "inf", "3"]), "inf")):
        with pytest.raises(ValueError, match=re.escape(
                f"y has an infinite value ({value}) at position 2: targets "
                "must be finite")):
            AttentionSequenceRegressor(max_epochs=1).fit(X, given)


@pytest.mark.skipif(np.finfo(np.longdouble).max <= np.finfo(np.float64).max,
                    reason="long double is float64 on this platform")
def test_a_long_double_target_beyond_float64_is_named_as_the_value_given():
    # cast to float64 it was inf, named "an infinite value (inf)", as X's were
    X = np.random.RandomState(0).randn(4, 3, 2)
    y = np.arange(4.0, dtype=np.longdouble)
    y[2] = np.longdouble("-1e400")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=re.escape(
                "y has the value -1e+400 at position 2, beyond float64's range "
                "(about 1.798e+308): targets are read as float64")):
            AttentionSequenceRegressor(max_epochs=1).fit(X, y)
    y[2] = 2.5  # within float64's range: read as before
    assert AttentionSequenceRegressor(**TINY).fit(X, y).y_center_ == 1.75


def test_a_target_read_as_nan_is_named_by_its_position():
    # a string "nan" passes the checks before the conversion to float, after
    # which the scaling of the targets recursed without end on it
    X = np.random.RandomState(0).randn(4, 3, 2)
    for given in (np.array(["0", "1", "nan", "3"]),
                  np.array(["0", "1", "nan", "3"], dtype=object)):
        with pytest.raises(ValueError, match=r"y has a missing value .*nan.* at "
                           "position 2: every series needs a target"):
            AttentionSequenceRegressor(max_epochs=1).fit(X, given)


def test_an_int_target_beyond_float64_is_a_value_error():
    # OverflowError escaped the conversion to float, which X's check names
    X = np.random.RandomState(0).randn(4, 3, 2)
    with pytest.raises(ValueError, match="y must hold real targets: int too large"):
        AttentionSequenceRegressor(max_epochs=1).fit(
            X, np.array([0, 1, 10**400, 3], dtype=object))


def test_dates_and_durations_are_refused_as_targets():
    # numpy reads them as counts of their unit: a target of 1 day trained as
    # 86_400_000_000 (microseconds) or 1e14 (nanoseconds), without a word
    pd = pytest.importorskip("pandas")
    X = np.random.RandomState(0).randn(3, 4, 2)
    days = pd.to_timedelta([1, 2, 3], unit="D")
    dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])
    given = [(days, "durations"), (days.values.astype("timedelta64[D]"), "durations"),
             (pd.Series(days), "durations"), (list(days.to_pytimedelta()), "durations"),
             (dates, "dates"), (dates.tz_localize("UTC"), "dates"),
             (dates.values.astype("datetime64[D]"), "dates")]
    for extra in ("pyarrow", "polars"):
        try:
            module = __import__(extra)
        except ImportError:
            continue
        given.append(((module.array if extra == "pyarrow" else module.Series)(days),
                      "durations"))
    for y, what in given:
        with pytest.raises(TypeError, match=f"y holds {what}.*pd.Timedelta"):
            AttentionSequenceRegressor(max_epochs=1).fit(X, y)
    import datetime
    with pytest.raises(TypeError, match="y holds times of day.*seconds since midnight"):
        AttentionSequenceRegressor(max_epochs=1).fit(
            X, [datetime.time(h) for h in (1, 2, 3)])
    assert AttentionSequenceRegressor(max_epochs=1).fit(X, days / pd.Timedelta("1D"))


def test_a_fit_that_learned_nothing_says_so(videos):
    # a learning rate too small to move the weights: every prediction stays
    # near the training median, whose absolute errors it does not clearly beat
    X, y, _, _ = videos
    with pytest.warns(ConvergenceWarning, match="did not learn: its mean absolute error "
                      "on its 24 training rows .* training median"):
        AttentionSequenceRegressor(**{**TINY, "lr": 1e-9}).fit(X, y)


def test_spatial_attention_is_given_where_the_recurrence_overflowed(fitted, videos):
    # the spatial attention comes before the ReLU recurrence: an overflowed
    # state refuses the target, not the (finite) spatial attention, as
    # TAGMClassifier.predict_attention
    import copy

    import torch

    X, _, _, _ = videos
    reg = copy.deepcopy(fitted)
    with torch.no_grad():
        for name, p in reg.net_.module_.dynamics.named_parameters():
            if "weight_hh" in name:
                p.copy_(1e8 * torch.eye(p.shape[0]))
            elif "bias_hh" in name:
                p.fill_(1e8)
    with pytest.raises(ValueError, match="non-finite network output"):
        reg.predict(X[:4])
    a = reg.predict_spatial_attention(X[:4])
    padding = np.arange(X.shape[1])[None, :] >= _lengths(X[:4])[:, None]
    assert np.isfinite(a[~padding]).all()
    np.testing.assert_allclose(a, fitted.predict_spatial_attention(X[:4]))


def test_expression_videos_lengths_and_neutral_frames():
    # lengths cover min_frames..max_frames; an expression of 4 frames in a
    # video of 6 has exactly one neutral frame before and one after it
    X, _, _, frames = make_expression_videos(
        n_samples=40, image_size=8, min_frames=6, max_frames=7, return_truth=True,
        random_state=0)
    assert set(_lengths(X)) == {6, 7} and X.shape[1] == 7
    assert (frames.sum(axis=1) == 4).all() and not frames[:, 0].any()
    short = _lengths(X) == 6
    np.testing.assert_array_equal(frames[short], [[0, 1, 1, 1, 1, 0, 0]] * short.sum())


@pytest.mark.learning
def test_attention_finds_the_informative_region_and_frames(learning_seed,
                                                           learning_outcome):
    X, y, region, frames = make_expression_videos(
        n_samples=220, return_truth=True, random_state=0)
    train, test = slice(0, 160), slice(160, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it learned: no warning
        reg = AttentionSequenceRegressor(hidden_size=16, max_epochs=30, lr=3e-3,
                                         random_state=learning_seed).fit(X[train], y[train])
    mae = np.abs(reg.predict(X[test]) - y[test]).mean()
    constant = np.abs(y[test] - np.median(y[train])).mean()
    # seeds 0-4, native and default kernels: test MAE over that of the
    # median 0.27-0.46
    assert learning_outcome("MAE ratio", mae / constant) < 0.6
    # temporal: mean weight on the expression frames over the others, 2.45-5.56
    o = reg.predict_attention(X[test])
    inside = o[frames[test]].mean()
    outside = np.nanmean(np.where(frames[test], np.nan, o))
    assert learning_outcome("temporal attention ratio", inside / outside) > 1.5
    # spatial: mean attention of the map cells (4 x 4) whose centre is in the
    # informative quadrant over those in the distractor quadrant, 1.30-3.16
    a = np.nanmean(reg.predict_spatial_attention(X[test]), axis=(0, 1))
    centres = ((np.arange(4) + 0.5) * X.shape[2] / 4).astype(int)
    informative = region[np.ix_(centres, centres)]
    distractor = np.rot90(informative, 2)  # the top-right quadrant
    ratio = a[informative].mean() / a[distractor].mean()
    assert learning_outcome("spatial attention ratio", ratio) > 1.15
