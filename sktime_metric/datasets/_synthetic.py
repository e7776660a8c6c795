"""Seeded synthetic sequences and the TAGM data recipes (noise segments, windows).

All functions take and return the project's data format: float arrays
``(n_samples, n_timestamps, n_channels)`` with shorter series NaN-padded at the
end. None of them modifies its input.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import Interval, validate_params
from ..utils.validation import check_sequences

__all__ = ["add_noise_segments", "make_sequence_classification", "sliding_window"]


def _check_int(value, name, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def _smooth_motif(rng, n_channels, motif_length):
    """A random smooth pattern of shape (motif_length, n_channels), peak |value| 2.

    Each channel is a sum of three sinusoids with random frequency (0.5 to 2
    cycles over the motif), phase and amplitude. The peak is fixed at 2 so that
    the motif stands out of unit-scale noise whatever the draw.
    """
    t = np.linspace(0.0, 1.0, motif_length)[:, None, None]
    freq = rng.uniform(0.5, 2.0, size=(1, n_channels, 3))
    phase = rng.uniform(0.0, 2 * np.pi, size=(1, n_channels, 3))
    amp = rng.normal(size=(1, n_channels, 3))
    motif = (amp * np.sin(2 * np.pi * freq * t + phase)).sum(axis=2)
    peak = np.abs(motif).max(axis=0)
    return 2.0 * motif / np.where(peak > 0, peak, 1.0)


@validate_params({"return_mask": ["boolean"]}, prefer_skip_nested_validation=True)
def make_sequence_classification(
    n_samples=100,
    *,
    n_classes=3,
    n_channels=2,
    min_length=20,
    max_length=40,
    motif_length=8,
    noise=0.5,
    return_mask=False,
    random_state=None,
):
    """Generate labelled variable-length sequences that differ by a hidden motif.

    Each class has its own smooth random motif of shape
    ``(motif_length, n_channels)`` with peak absolute value 2. A sample is
    Gaussian noise of standard deviation ``noise`` and of random length in
    ``[min_length, max_length]``, with its class's motif added at a random
    position. Only the motif tells the classes apart, so a classifier has to
    find it: a small, controllable version of the "unsegmented sequence"
    problem attention models address.

    Parameters
    ----------
    n_samples : int, default=100
        Number of sequences. Must be at least ``n_classes``.
    n_classes : int, default=3
        Number of classes. Labels are ``0 .. n_classes - 1``, balanced (class
        counts differ by at most one).
    n_channels : int, default=2
        Number of channels per time step.
    min_length : int, default=20
        Shortest possible sequence length.
    max_length : int, default=40
        Longest possible sequence length.
    motif_length : int, default=8
        Length of each class motif; at most ``min_length``.
    noise : float, default=0.5
        Standard deviation of the background Gaussian noise.
    return_mask : bool, default=False
        If True, also return where the motif was placed.
    random_state : int, RandomState instance or None, default=None
        Seed for the motifs, lengths, positions, noise and label order.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timestamps, n_channels)
        float64 sequences, NaN-padded at the end; ``n_timestamps`` is the
        longest generated length.
    y : ndarray of shape (n_samples,)
        int64 labels.
    mask : ndarray of shape (n_samples, n_timestamps)
        Only if ``return_mask``: bool, True on the motif's time steps and False
        elsewhere, padding included.

    Examples
    --------
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(n_samples=6, random_state=0)
    >>> X.shape[0], X.shape[2], X.dtype
    (6, 2, dtype('float64'))
    >>> sorted(y.tolist())
    [0, 0, 1, 1, 2, 2]
    >>> X, y, mask = make_sequence_classification(
    ...     n_samples=6, motif_length=5, return_mask=True, random_state=0)
    >>> mask.sum(axis=1).tolist()
    [5, 5, 5, 5, 5, 5]
    """
    n_classes = _check_int(n_classes, "n_classes", 1)
    n_samples = _check_int(n_samples, "n_samples", n_classes)
    n_channels = _check_int(n_channels, "n_channels", 1)
    motif_length = _check_int(motif_length, "motif_length", 1)
    min_length = _check_int(min_length, "min_length", 1)
    max_length = _check_int(max_length, "max_length", 1)
    if motif_length > min_length:
        raise ValueError(
            f"motif_length ({motif_length}) must be <= min_length ({min_length}) "
            "so that every sequence can hold its motif."
        )
    if min_length > max_length:
        raise ValueError(
            f"min_length ({min_length}) must be <= max_length ({max_length})."
        )
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}.")
    rng = check_random_state(random_state)

    motifs = [_smooth_motif(rng, n_channels, motif_length) for _ in range(n_classes)]
    # Round-robin labels then a shuffle: balanced classes in random order.
    y = np.arange(n_samples, dtype=np.int64) % n_classes
    rng.shuffle(y)
    lengths = rng.randint(min_length, max_length + 1, size=n_samples)

    X = np.full((n_samples, lengths.max(), n_channels), np.nan)
    mask = np.zeros(X.shape[:2], dtype=bool)
    for i, (label, length) in enumerate(zip(y, lengths)):
        start = rng.randint(0, length - motif_length + 1)
        series = rng.normal(scale=noise, size=(length, n_channels))
        series[start : start + motif_length] += motifs[label]
        X[i, :length] = series
        mask[i, start : start + motif_length] = True
    if return_mask:
        return X, y, mask
    return X, y


# target_length keeps its own check below (an int >= 1, not a bool, or
# "longest"), as the generators' counts do
@validate_params(
    {
        "low": [Interval(numbers.Real, None, None, closed="neither")],
        "high": [Interval(numbers.Real, None, None, closed="neither")],
        "split": ["array-like"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def add_noise_segments(
    X,
    *,
    target_length,
    low=0.25,
    high=0.75,
    split=(0.2, 0.8),
    random_state=None,
):
    """Surround each sequence with uniform noise frames (the TAGM noisy-digits recipe).

    This turns segmented sequences into "unsegmented" ones with a known salient
    part, as in the noisy Arabic spoken digits experiment of the TAGM paper:

    1. Per channel ``d``, take the minimum ``min_d``, maximum and range ``r_d``
       over all valid (non-padding) frames of all sequences.
    2. A sequence of length ``L`` gets ``target_length - L`` noise frames, each
       channel drawn i.i.d. from ``U[min_d + low * r_d, min_d + high * r_d]``.
    3. Draw ``u ~ U(split[0], split[1])``; ``p = floor(u * (target_length - L))``
       noise frames go before the sequence and the rest after it.

    Every output sequence has length ``target_length``, so there is no padding.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timestamps, n_channels)
        Sequences, NaN-padded at the end. Not modified.
    target_length : int or "longest"
        Length of every output sequence, to be chosen: it sets the share of
        each sequence that is signal. "longest" is the reference code's choice
        (the longest input); on data with one long outlier it leaves every
        other sequence mostly noise (FSDD: utterances 19 % of each sequence on
        average, against about 42 % in the chapter's Arabic digits), so a
        benchmark should pick and report the length, e.g.
        ``ceil(mean_length / 0.42)`` with the longer series left out.
    low : float, default=0.25
        Lower noise bound as a fraction of each channel's range.
    high : float, default=0.75
        Upper noise bound as a fraction of each channel's range; ``>= low``.
    split : tuple of float, default=(0.2, 0.8)
        Bounds of the fraction of the noise that goes before the sequence;
        ``0 <= split[0] <= split[1] <= 1``.
    random_state : int, RandomState instance or None, default=None
        Seed for the noise values and the split positions.

    Returns
    -------
    X_noisy : ndarray of shape (n_samples, target_length, n_channels)
        The noisy sequences, same float dtype as ``X``, without NaN.
    salient_mask : ndarray of shape (n_samples, target_length)
        bool, True on the frames that come from ``X``.

    Raises
    ------
    ValueError
        If a sequence is longer than ``target_length`` (the message names the
        sample), or if an argument is out of range.

    References
    ----------
    .. [1] W. Pei, T. Baltrušaitis, D. M. J. Tax and L.-P. Morency, "Temporal
       Attention-Gated Model for Robust Sequence Classification", CVPR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import add_noise_segments
    >>> X = np.array([[[0.0], [4.0], [np.nan]], [[1.0], [2.0], [3.0]]])
    >>> X_noisy, salient = add_noise_segments(X, target_length=6, random_state=0)
    >>> X_noisy.shape
    (2, 6, 1)
    >>> salient.sum(axis=1).tolist()
    [2, 3]
    >>> bool(np.all((X_noisy[~salient] >= 1.0) & (X_noisy[~salient] <= 3.0)))
    True
    """
    # check_sequences rejects NaN inside a series and inf, either of which would
    # silently turn every noise bound into NaN
    X, lengths = check_sequences(X)
    frames = X[np.arange(X.shape[1]) < lengths[:, None]]
    if isinstance(target_length, str) and target_length == "longest":
        target_length = int(lengths.max())
    elif target_length is None or isinstance(target_length, str):
        raise ValueError(
            f"target_length must be an int or 'longest'; got {target_length!r}."
        )
    target_length = _check_int(target_length, "target_length", 1)
    too_long = np.flatnonzero(lengths > target_length)
    if too_long.size:
        i = too_long[0]
        raise ValueError(
            f"X's sample {i} has length {lengths[i]} > target_length={target_length}."
        )
    if not low <= high:
        raise ValueError(f"low ({low}) must be <= high ({high}).")
    if len(split) != 2 or not all(isinstance(v, numbers.Real) for v in split):
        raise ValueError(f"split must be two numbers (low, high); got {split!r}.")
    split_low, split_high = split
    if not 0.0 <= split_low <= split_high <= 1.0:
        raise ValueError(
            f"split must satisfy 0 <= split[0] <= split[1] <= 1; got {split}."
        )
    rng = check_random_state(random_state)

    minimum = frames.min(axis=0)
    spread = frames.max(axis=0) - minimum
    noise_low, noise_high = minimum + low * spread, minimum + high * spread

    X_noisy = np.empty((len(X), target_length, X.shape[2]), dtype=X.dtype)
    salient_mask = np.zeros((len(X), target_length), dtype=bool)
    for i, length in enumerate(lengths):
        n_noise = target_length - length
        noise = rng.uniform(noise_low, noise_high, size=(n_noise, X.shape[2]))
        before = int(np.floor(rng.uniform(split_low, split_high) * n_noise))
        X_noisy[i, :before] = noise[:before]
        X_noisy[i, before : before + length] = X[i, :length]
        X_noisy[i, before + length :] = noise[before:]
        salient_mask[i, before : before + length] = True
    return X_noisy, salient_mask


def sliding_window(X, window=2):
    """Concatenate ``window`` consecutive frames, stride 1, within each sequence.

    Output frame ``t`` of a sequence is ``[x_t, x_{t+1}, ..., x_{t+window-1}]``
    (frame after frame, each with all channels). A sequence of length ``L``
    with ``D`` channels becomes one of length ``L - window + 1`` with
    ``D * window`` channels. The TAGM paper builds its 26-d Arabic digit
    features this way from 13 MFCCs with ``window=2``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timestamps, n_channels)
        Sequences, NaN-padded at the end. Not modified.
    window : int, default=2
        Number of consecutive frames to concatenate.

    Returns
    -------
    X_windowed : ndarray of shape (n_samples, n_timestamps - window + 1, \
            n_channels * window)
        Windowed sequences, same float dtype as ``X``, NaN-padded at the end.
        Windows never reach into a sequence's padding.

    Raises
    ------
    ValueError
        If a sequence is shorter than ``window`` (the message names the sample).

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.datasets import sliding_window
    >>> X = np.array([[[1.0], [2.0], [3.0]], [[4.0], [5.0], [np.nan]]])
    >>> sliding_window(X, window=2).shape
    (2, 2, 2)
    >>> sliding_window(X, window=2)[0].tolist()
    [[1.0, 2.0], [2.0, 3.0]]
    """
    X, lengths = check_sequences(X)
    window = _check_int(window, "window", 1)
    too_short = np.flatnonzero(lengths < window)
    if too_short.size:
        i = too_short[0]
        raise ValueError(f"X's sample {i} has length {lengths[i]} < window={window}.")
    n_samples, n_timestamps, n_channels = X.shape
    # View of shape (n, T - window + 1, D, window); put the window axis before
    # the channel axis so that each output frame lists whole input frames.
    views = np.lib.stride_tricks.sliding_window_view(X, window, axis=1)
    # Copy before reshaping: for window=1 the reshape alone would be a view of X.
    out = np.array(views.transpose(0, 1, 3, 2), copy=True).reshape(
        n_samples, n_timestamps - window + 1, window * n_channels
    )
    out[np.arange(out.shape[1]) >= (lengths - window + 1)[:, None]] = np.nan
    return out
