"""What a siamese RNN reads: standardised, windowed, float32, zero-padded series.

The preprocessing of :class:`~sktime_metric.metric.SiameseRNNEmbedder` (spec
section 6.3), done once per ``fit`` / ``transform`` and kept cheap: it runs at
every ``transform``, whose budget is a small multiple of the recurrent kernel.
"""

import warnings

import numpy as np
import torch

from ..nn.encoders import length_mask

__all__ = ["module_input"]


def _fill_short(X, lengths, window):
    """Repeat the last frame of the series shorter than ``window``, with a warning."""
    short = np.flatnonzero(lengths < window)
    if not short.size:
        return X
    warnings.warn(
        f"{short.size} series are shorter than window_size={window} (sample "
        f"{short[0]} has length {lengths[short[0]]}); their last frame is "
        "repeated to fill one window.",
        UserWarning,
    )
    if X.shape[1] < window:
        pad = np.full((len(X), window - X.shape[1], X.shape[2]), np.nan)
        X = np.concatenate([X, pad], axis=1)
    else:
        X = X.copy()
    for i in short:
        X[i, lengths[i] : window] = X[i, lengths[i] - 1]
    return X


def module_input(X, lengths, mean=None, scale=None, window=1):
    """The module's input ``(x, lengths)`` from checked NaN-padded series.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        Checked series, NaN-padded; not modified.
    lengths : ndarray of shape (n_samples,), int64
    mean, scale : ndarray of shape (n_channels,) or None, default=None
        Standardise each channel as ``(X - mean) / scale`` (in float64); None
        leaves the values as they are.
    window : int, default=1
        Concatenate ``window`` consecutive frames (stride 1): frame ``t`` is
        ``[x_t, ..., x_{t + window - 1}]``, as
        :func:`~sktime_metric.datasets.sliding_window`. A series shorter than
        the window repeats its last frame to fill one window (with a warning).

    Returns
    -------
    x : ndarray of shape (n_samples, n_steps, window * n_channels), float32
        Zero past each new length; ``n_steps`` is the longest new length.
    lengths : ndarray of shape (n_samples,), int64
        ``max(lengths, window) - window + 1``.
    """
    X = X[:, : int(lengths.max())]
    if window > 1:
        X = _fill_short(X, lengths, window)
    if mean is None:
        x = torch.from_numpy(X.astype(np.float32))
    else:
        # In float64, then rounded once to float32 (the division writes float32):
        # the same IEEE operations as numpy's, in fewer passes over memory.
        # numpy centres (X may be read-only, strided or reversed; torch refuses
        # some of those), which also makes the array torch writes.
        centred = torch.from_numpy(np.subtract(X, mean, dtype=np.float64))
        x = torch.empty(centred.shape, dtype=torch.float32)
        torch.div(centred, torch.from_numpy(np.asarray(scale, dtype=np.float64)), out=x)
    if window == 1:
        return torch.nan_to_num_(x, nan=0.0, posinf=np.inf, neginf=-np.inf).numpy(), lengths
    n, n_steps, n_channels = x.shape
    x = x.unfold(1, window, 1).transpose(2, 3)  # (n, steps, window, channels)
    x = x.reshape(n, n_steps - window + 1, window * n_channels)
    lengths = np.maximum(lengths, window) - window + 1
    # zero every frame past a new length (those reach into the NaN padding)
    valid = length_mask(torch.from_numpy(lengths), x.size(1)).unsqueeze(-1)
    return torch.where(valid, x, 0.0).numpy(), lengths
