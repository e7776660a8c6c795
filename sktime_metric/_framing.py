"""Frames of consecutive steps as the observations a sequence model sees.

Shared by the classifiers and the metric learners (the siamese embedder, the
coupled GRU), hence at the package root, beside ``_learning.py``.

A frame of one value carries no shape; the source documents' classifiers read
frames of several steps (the HULM chapter windows 3 to 30 values into one
observation, thesis section 2.4.1; the TAGM chapter's speech arrives as MFCC
frames). :func:`resolve_window` is the "auto" frame length the classifiers
share, :func:`resolve_framing` it and how far apart frames start, and
:func:`frames_to_steps` puts per-frame outputs (TAGM's attention, the seq2seq
embedder's reconstructed frames) back on the input's time axis. The framing
itself is torch, in :func:`sktime_metric.nn._chain.frame_windows`;
:func:`framed_series` applies it to NaN-padded arrays, for an estimator whose
net reads frames it did not cut itself (the coupled GRU, the seq2seq embedder).
"""

import math

import numpy as np
import torch

from .nn._chain import frame_windows, framed_length
from .utils.validation import padded_float32, sequence_lengths

__all__ = ["framed_series", "frames_to_steps", "resolve_framing", "resolve_window"]


def resolve_window(window, n_features, lengths):
    """``window``, or the "auto" rule: about 30 values per frame, at most 1/6 of
    the median length.

    ``min(ceil(30 / n_features), max(1, median_length // 6))`` gives 3 of the
    HULM chapter's 4 choices (thesis section 2.4.1): 10 frames on Synthetic
    Control (1 channel, length 60), 10 on the handwritten characters (3
    channels, length ~120), 3 on the spoken digits (13 MFCCs); Swedish Leaf
    (1 channel, length 128) gets 21 where the chapter took 30.
    """
    if window != "auto":
        return int(window)
    return int(min(math.ceil(30 / n_features), max(1, np.median(lengths) // 6)))


def resolve_framing(window, stride, n_features, lengths):
    """``(window_, stride_)`` from the ``window`` and ``stride`` parameters.

    ``stride="auto"``: frames overlapping by half, ``ceil(window_ / 2)``. A
    stride larger than the window would skip steps: a ValueError.
    """
    window = resolve_window(window, n_features, lengths)
    stride = max(1, math.ceil(window / 2)) if stride == "auto" else int(stride)
    if stride > window:
        raise ValueError(
            f"stride={stride} is larger than the frame length window={window}: the "
            "steps between frames would never be read. Use stride <= window."
        )
    return window, stride


def framed_series(X, window, stride, name="X"):
    """NaN-padded series as NaN-padded series of frames.

    Frame ``k`` of a series is its steps ``k * stride`` to
    ``k * stride + window - 1``, concatenated (``window * n_channels`` values;
    :func:`~sktime_metric.nn._chain.frame_windows`, which also says how a
    window past a series' end is completed). The values pass through float32,
    as every net reads them; a value beyond its range is a ValueError at
    every framing, single steps included.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        NaN-padded at the end.
    window, stride : int
    name : str, default="X"
        What a value beyond float32's range is said to be in.

    Returns
    -------
    ndarray of shape (n_samples, n_frames, window * n_channels)
        ``X`` itself when ``window == stride == 1``.
    """
    if window == 1 and stride == 1:
        # X itself, but checked as every net reads it, in float32: a value
        # beyond its range named here, where the argument's name is known
        # (two reductions; the copy that names the value only past them)
        limit = np.finfo(np.float32).max
        if X.size and not (np.nanmax(X) <= limit and np.nanmin(X) >= -limit):
            padded_float32(X, name=name)
        return X
    lengths = sequence_lengths(X)
    x = padded_float32(X, lengths, name=name)
    frames, n_frames = frame_windows(torch.from_numpy(x), torch.from_numpy(lengths),
                                     window, stride)
    out = frames.numpy().astype(np.float64)
    out[np.arange(out.shape[1])[None, :] >= n_frames.numpy()[:, None]] = np.nan
    return out


def frames_to_steps(values, lengths, window, stride, n_timestamps):
    """Per-frame values on the input's steps: each step gets the mean over the
    frames that hold it.

    A frame's values are either one value for all its steps (TAGM's attention
    on a frame) or one vector per step, laid out as :func:`framed_series` lays
    out the frame (a decoder's reconstruction of the frames): the overlap-add
    that inverts the framing.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_frames) or \
            (n_samples, n_frames, window * n_channels)
        One value per frame, or the values of a frame's ``window`` steps
        (step after step, each with its ``n_channels``). Beyond each series'
        frames, and at a frame's steps past the series' end (where framing
        repeated its last step): ignored, NaN included.
    lengths : ndarray of shape (n_samples,)
        Steps of each input series.
    window, stride : int
        The framing that made the frames.
    n_timestamps : int

    Returns
    -------
    ndarray of shape (n_samples, n_timestamps) or (n_samples, n_timestamps, \
            n_channels)
        NaN on each series' padding. With ``window == stride == 1``, the
        values themselves (as float64).
    """
    # Frame k holds steps k * stride + j, j < window: scatter every (frame, j)
    # that is a step of its series onto that step, summing the frames that
    # overlap there in the order of k, and divide by their number
    values = np.asarray(values, dtype=np.float64)
    per_step = values.ndim == 3
    n_samples, width = values.shape[:2]
    if per_step:
        values = values.reshape(n_samples, width, window, -1)
    else:  # a frame's one value is the value of each of its steps
        values = np.broadcast_to(values[:, :, None, None],
                                 (n_samples, width, window, 1))
    lengths = np.asarray(lengths, dtype=np.int64)
    n_frames = np.array([framed_length(int(n), window, stride) for n in lengths],
                        dtype=np.int64).reshape(-1)
    steps = np.arange(width)[:, None] * stride + np.arange(window)[None, :]
    held = ((np.arange(width)[None, :, None] < n_frames[:, None, None])
            & (steps[None] < lengths[:, None, None]))
    rows, k, j = np.nonzero(held)
    total = np.zeros((n_samples, n_timestamps, values.shape[3]))
    count = np.zeros((n_samples, n_timestamps))
    np.add.at(total, (rows, steps[k, j]), values[rows, k, j])
    np.add.at(count, (rows, steps[k, j]), 1.0)
    out = total / np.maximum(count, 1.0)[:, :, None]
    out[np.arange(n_timestamps)[None, :] >= lengths[:, None]] = np.nan
    return out if per_step else out[:, :, 0]
