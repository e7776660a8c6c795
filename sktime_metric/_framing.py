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

A series shorter than the window becomes one frame completed by repeating its
last step: values the series does not have, which this package never imputes
silently. :func:`warn_if_shorter_than_window` is the one warning of it, issued
at fit by :func:`resolve_framing` and by each framing estimator's methods that
read new series, once per argument; :func:`short_series_noted` silences it
where a fit reads its own training series again (the metric learners'
learning check, and :class:`FramingTransformerMixin`'s ``fit_transform``),
which its fit has warned about.
"""

import contextlib
import contextvars
import math

import numpy as np
import torch
from sklearn.base import TransformerMixin

from .nn._chain import frame_windows, framed_length
from .utils._warnings import warn
from .utils.validation import padded_float32, sequence_lengths

__all__ = [
    "FramingTransformerMixin",
    "framed_series",
    "frames_to_steps",
    "resolve_framing",
    "resolve_window",
    "short_series_noted",
    "warn_if_shorter_than_window",
]

# True inside short_series_noted(): a context variable, so one thread's block
# does not silence a fit or a transform running at once in another thread
_NOTED = contextvars.ContextVar("sktime_metric_short_series_noted", default=False)


def warn_if_shorter_than_window(lengths, window, name="X", parameter="window"):
    """Warn (``UserWarning``) that series shorter than ``window`` are completed.

    Such a series becomes one frame of ``window`` steps, its last step
    repeated to fill it (:func:`~sktime_metric.nn._chain.frame_windows`). The
    message names the argument, how many series, the first of them and its
    length, and the parameter to lower. A window of 1 never warns. Issued
    through :func:`sktime_metric.utils._warnings.warn`: it points at the
    user's line that called the estimator.

    Parameters
    ----------
    lengths : array-like of shape (n_samples,)
        Steps of each series.
    window : int
        The frame length used (``window_``, ``window_size_``).
    name : str, default="X"
        The argument the series came in ("X", "Y", "X2", ...).
    parameter : str, default="window"
        The estimator's parameter that sets the frame length.
    """
    if window <= 1 or _NOTED.get():
        return
    lengths = np.asarray(lengths)
    short = np.flatnonzero(lengths < window)
    if not short.size:
        return
    first = short[0]
    warn(
        f"{short.size} series of {name} {'is' if short.size == 1 else 'are'} "
        f"shorter than {parameter}={window} (sample {first} has length "
        f"{lengths[first]}): each becomes one frame, and its last step is "
        f"repeated to fill it (values the series does not have). Use a smaller "
        f"{parameter} to read every series without repeated values.",
        UserWarning,
    )


@contextlib.contextmanager
def short_series_noted():
    """Within the block, :func:`warn_if_shorter_than_window` does not warn.

    For a fit reading its own training series again after it has warned
    about them (the metric learners' learning check, through the public
    ``pairwise_distances``): one warning per fit. Per thread (and per
    asyncio task): another thread's calls still warn.
    """
    token = _NOTED.set(True)
    try:
        yield
    finally:
        _NOTED.reset(token)


class FramingTransformerMixin(TransformerMixin):
    """scikit-learn's ``TransformerMixin``, warning once per ``fit_transform``.

    For an embedder that frames its series and checks them in ``transform``
    (the siamese and seq2seq embedders): its ``fit`` has warned of the
    training series shorter than a frame, so the ``transform`` of the same
    series that ends ``fit_transform`` does not warn of them again.
    """

    def fit_transform(self, X, y=None, **fit_params):
        """Fit, then return the embeddings of ``X`` (see ``transform``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        y : array-like of shape (n_samples,), default=None
            As in ``fit`` (the default is scikit-learn's signature).
        **fit_params : dict
            Further arguments of ``fit``.

        Returns
        -------
        embeddings : ndarray of shape (n_samples, n_features_out)
        """
        fitted = (self.fit(X, **fit_params) if y is None
                  else self.fit(X, y, **fit_params))
        with short_series_noted():
            return fitted.transform(X)


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


def resolve_framing(window, stride, n_features, lengths, parameter="window"):
    """``(window_, stride_)`` from the ``window`` and ``stride`` parameters.

    ``stride="auto"``: frames overlapping by half, ``ceil(window_ / 2)``. A
    stride larger than the window would skip steps: a ValueError. Training
    series shorter than the window: :func:`warn_if_shorter_than_window`, so
    every fit that frames warns of them once (``parameter``: the name of the
    estimator's ``window`` parameter, for the message).
    """
    window = resolve_window(window, n_features, lengths)
    stride = max(1, math.ceil(window / 2)) if stride == "auto" else int(stride)
    if stride > window:
        raise ValueError(
            f"stride={stride} is larger than the frame length window={window}: the "
            "steps between frames would never be read. Use stride <= window."
        )
    warn_if_shorter_than_window(lengths, window, parameter=parameter)
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
    lengths = np.asarray(lengths, dtype=np.int64).reshape(-1)
    n_frames = framed_length(torch.from_numpy(lengths), window, stride).numpy()
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
