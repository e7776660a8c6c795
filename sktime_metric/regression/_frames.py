"""The data contract extended to videos: frames NaN-padded along time.

A video dataset is a float array ``(n_samples, n_frames, H, W)`` (grey) or
``(n_samples, n_frames, H, W, C)``, whose shorter videos are padded at the end
with all-NaN frames, or a list of ``(T_i, H, W[, C])`` arrays. As for series
(:func:`~sktime_metric.utils.check_sequences`), NaN anywhere but whole trailing
frames, inf, empty videos and non-numeric data are rejected with the sample
and frame named. :func:`validate_frames` is to videos what
:meth:`~sktime_metric.base.BaseSequenceNet._validate_X` is to series: checked,
consistent with ``fit``, standardised, and ready for the module;
:func:`frame_module_params` gives the module the frames' size and its CNN.
"""

from numbers import Integral

import numpy as np

from ..utils._containers import _as_numeric_array
from ..utils._scaling import _all_equal, _constant_to_one
from ..utils._sklearn_compat import InvalidParameterError
from ..utils.validation import _first_index, _lengths

__all__ = ["check_frames", "frame_module_params", "frames_float32", "is_frames",
           "validate_frames"]


def is_frames(X):
    """Whether ``X`` looks like videos: a 4-D/5-D array or a list of 3-D/4-D ones."""
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and np.ndim(X[0]) >= 3
    return np.ndim(X) >= 4


def check_frames(X):
    """Validated videos ``(n, T, H, W, C)`` (float64, NaN-padded) and their lengths.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_frames, H, W) or \
            (n_samples, n_frames, H, W, C), or list of such videos

    Returns
    -------
    X_5d : ndarray of shape (n_samples, n_frames, H, W, C), dtype float64
        May be a read-only view of the caller's array: never write to it.
    lengths : ndarray of shape (n_samples,), dtype int64
    """
    if isinstance(X, (list, tuple)) and len(X) > 0:
        videos = [_as_numeric_array(v, where=f"X's sample {i}")
                  for i, v in enumerate(X)]
        shapes = {v.shape[1:] for v in videos}
        if len(shapes) > 1 or videos[0].ndim not in (3, 4):
            raise ValueError(
                "Every video in a list must be a (T_i, H, W) or (T_i, H, W, C) array "
                f"with the same frame shape; got frame shapes {sorted(shapes)}."
            )
        out = np.full((len(videos), max(len(v) for v in videos), *videos[0].shape[1:]),
                      np.nan)
        for i, v in enumerate(videos):
            out[i, : len(v)] = v
        X = out
    else:
        X = _as_numeric_array(X, where="X", whole=True)
    if X.ndim == 4:
        X = X[..., None]
    if X.ndim != 5:
        raise ValueError(
            "Expected videos: an array (n_samples, n_frames, H, W) or (n_samples, "
            f"n_frames, H, W, C), or a list of videos; got an array with {X.ndim} "
            f"dimension(s) and shape {X.shape}."
        )
    if 0 in X.shape:
        raise ValueError(f"Found videos with shape {X.shape}: every axis needs a size.")
    if np.isinf(X).any():
        i, t = _first_index(np.isinf(X).any(axis=(2, 3, 4)))
        raise ValueError(f"X's sample {i} has an infinite value in frame {t}.")
    nan = np.isnan(X)
    padding = nan.all(axis=(2, 3, 4))
    partial = nan.any(axis=(2, 3, 4)) & ~padding
    if partial.any():
        i, t = _first_index(partial)
        raise ValueError(
            f"X's sample {i} has NaN in part of frame {t}: a frame must be fully "
            "observed or fully NaN (padding)."
        )
    lengths = _lengths(~padding)
    inside = padding & (np.arange(X.shape[1])[None, :] < lengths[:, None])
    if inside.any():
        i, t = _first_index(inside)
        raise ValueError(
            f"X's sample {i} has a NaN frame {t} inside the video (its last observed "
            f"frame is {lengths[i] - 1}): only trailing NaN frames are allowed as "
            "padding."
        )
    if (lengths == 0).any():
        i = int(np.flatnonzero(lengths == 0)[0])
        raise ValueError(f"X's sample {i} is empty (all frames NaN).")
    return X, lengths


def frames_float32(X, lengths):
    """Channels-first float32 copy ``(n, T, C, H, W)``, padding zero, time cut."""
    out = np.moveaxis(X[:, : int(lengths.max())], -1, 2).astype(np.float32)
    np.copyto(out, 0.0, where=np.isnan(out))
    return out


def validate_frames(estimator, X, *, reset):
    """Videos for ``estimator``'s module: checked, consistent with fit, standardised.

    On ``reset`` (fit) sets ``n_features_in_`` (channels per frame) and
    ``frame_shape_`` (``(H, W)``), and, when ``estimator.standardize``, the
    mean and standard deviation of each colour channel over the valid frames
    (``mean_``, ``scale_``; a constant channel gets the scale 1). Otherwise
    the frames must have the fitted shape.

    Returns
    -------
    x : ndarray of shape (n_samples, max(lengths), C, H, W), dtype float32
        Channels first (:func:`frames_float32`), standardised, zero on padding.
    lengths : ndarray of shape (n_samples,), dtype int64
    n_frames : int
        The time width of ``X`` as given, padding included.
    """
    X, lengths = check_frames(X)
    standardize = getattr(estimator, "standardize", False)
    if reset:
        estimator.n_features_in_ = X.shape[-1]
        estimator.frame_shape_ = tuple(X.shape[2:4])
        if standardize:
            valid = X[np.arange(X.shape[1])[None, :] < lengths[:, None]]
            estimator.mean_ = valid.mean(axis=(0, 1, 2))
            std = valid.std(axis=(0, 1, 2))
            # constant as for series: only an exact 0 was, and the std of a
            # channel of 0.1 everywhere is ~1e-13 (rounding of its mean), so
            # that a new frame at 0.2 became 1e12 in the network
            estimator.scale_ = _constant_to_one(
                std, np.abs(valid).max(axis=(0, 1, 2)),
                _all_equal(valid, axis=(0, 1, 2)))
    elif X.shape[2:] != (*estimator.frame_shape_, estimator.n_features_in_):
        raise ValueError(
            f"X has frames of shape {X.shape[2:]} (H, W, C), but "
            f"{type(estimator).__name__} was fitted with frames of shape "
            f"{(*estimator.frame_shape_, estimator.n_features_in_)}."
        )
    x = frames_float32(X, lengths)
    if standardize:
        shape = (1, 1, -1, 1, 1)
        x = (x - estimator.mean_.reshape(shape).astype(np.float32)) / \
            estimator.scale_.reshape(shape).astype(np.float32)
        x *= (np.arange(x.shape[1])[None, :] < lengths[:, None])[:, :, None, None, None]
    return x, lengths, X.shape[1]


def frame_module_params(estimator):
    """The frames' part of the module's parameters: ``image_size`` and ``cnn_params``.

    For an estimator fitted on frames (``input_type_ == "frames"``): the
    ``frame_shape_`` that :func:`validate_frames` set, and the estimator's
    ``cnn_*`` and ``spatial_attention*`` parameters as the arguments of
    :class:`~sktime_metric.nn.AppearanceCNN`. Both None for per-step features.

    Parameters
    ----------
    estimator : AttentionSequenceRegressor
        With ``input_type_`` set (and ``frame_shape_`` for frames).

    Returns
    -------
    params : dict
        ``image_size`` and ``cnn_params`` of
        :class:`~sktime_metric.nn.AttendedRegressorModule`.
    """
    if estimator.input_type_ != "frames":
        return dict(image_size=None, cnn_params=None)
    # the constraints say "tuple or list"; what the three layers need of them
    # is said here, before torch would fail on a negative or fractional size
    for name in ("cnn_channels", "cnn_kernels", "cnn_strides"):
        value = getattr(estimator, name)
        if len(value) != 3 or not all(
                isinstance(v, Integral) and not isinstance(v, bool) and v >= 1
                for v in value):
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(estimator).__name__} must hold "
                f"3 positive ints, one per convolutional layer. Got {value!r} "
                "instead."
            )
    cnn_params = dict(
        channels=tuple(estimator.cnn_channels), kernels=tuple(estimator.cnn_kernels),
        strides=tuple(estimator.cnn_strides), pool_size=estimator.cnn_pool_size,
        pool_stride=estimator.cnn_pool_stride, lrn=estimator.cnn_lrn,
        fc_size=estimator.cnn_fc_size, spatial_attention=estimator.spatial_attention,
        spatial_attention_after=estimator.spatial_attention_after,
        spatial_attention_dim=estimator.spatial_attention_dim,
        dropout=estimator.cnn_dropout,
    )
    return dict(image_size=estimator.frame_shape_, cnn_params=cnn_params)
