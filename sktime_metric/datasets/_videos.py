"""Seeded synthetic "expression videos" whose target has a known place in space and time.

The attended regressor of Pei's thesis (chapter 4) estimates age from smile
videos, with a spatial attention that should find the face regions carrying age
cues and a temporal attention that should find the frames of the expression.
These videos give both attentions a right answer to find.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import validate_params
from ._synthetic import _check_int

__all__ = ["make_expression_videos"]


def _blob(size, row, col, sigma):
    """A Gaussian bump of peak 1 at ``(row, col)`` on a ``size x size`` grid."""
    grid = np.arange(size)
    return np.exp(-((grid[:, None] - row) ** 2 + (grid[None, :] - col) ** 2)
                  / (2 * sigma**2))


@validate_params({"return_truth": ["boolean"]}, prefer_skip_nested_validation=True)
def make_expression_videos(
    n_samples=100,
    *,
    image_size=24,
    min_frames=10,
    max_frames=14,
    expression_frames=4,
    noise=0.1,
    return_truth=False,
    random_state=None,
):
    """Generate tiny grey videos whose target depends on appearance and motion.

    Each video is a square grey image sequence with Gaussian noise of standard
    deviation ``noise`` everywhere. Two quadrants hold content:

    - the *informative* quadrant (bottom left) has a static random dot texture
      of density ``0.1 + 0.5 a`` (the appearance factor ``a``, like wrinkles)
      and a blob that rests at one place, moves right by ``6 b`` pixels for the
      ``expression_frames`` frames of the "expression" and comes back (the
      dynamics factor ``b``, like the amplitude of a smile);
    - the *distractor* quadrant (top right) has the same kind of texture and
      blob, with density and displacement drawn independently of the target.

    The expression starts at a random frame with at least one neutral frame
    before and after it. The target is ``y = 20 + 25 a + 25 b`` with ``a`` and
    ``b`` uniform in [0, 1] (an "age" in 20-70): half of it can only be read in
    the expression frames, none of it in the distractor quadrant.

    Parameters
    ----------
    n_samples : int, default=100
    image_size : int, default=24
        Height and width of the frames; at least 8, even.
    min_frames, max_frames : int, default=10, 14
        Range of the number of frames of a video; ``min_frames`` is at least
        ``expression_frames + 2``.
    expression_frames : int, default=4
        Frames of the expression, at least 1.
    noise : float, default=0.1
        Standard deviation of the pixel noise.
    return_truth : bool, default=False
        Also return where the information is.
    random_state : int, RandomState instance or None, default=None
        Seeds every draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_frames, image_size, image_size)
        float64 frames, NaN-padded along the frames to the longest video.
    y : ndarray of shape (n_samples,)
        float64 targets.
    region : ndarray of shape (image_size, image_size)
        Only if ``return_truth``: bool, True on the informative quadrant.
    frames : ndarray of shape (n_samples, n_frames)
        Only if ``return_truth``: bool, True on each video's expression frames.

    Examples
    --------
    >>> from sktime_metric.datasets import make_expression_videos
    >>> X, y, region, frames = make_expression_videos(
    ...     n_samples=5, return_truth=True, random_state=0)
    >>> X.shape[0], X.shape[2:], int(region.sum()), frames.sum(axis=1).tolist()
    (5, (24, 24), 144, [4, 4, 4, 4, 4])
    >>> bool(((20 <= y) & (y <= 70)).all())
    True
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    image_size = _check_int(image_size, "image_size", 8)
    if image_size % 2:
        raise ValueError(f"image_size must be even; got {image_size}.")
    expression_frames = _check_int(expression_frames, "expression_frames", 1)
    min_frames = _check_int(min_frames, "min_frames", expression_frames + 2)
    max_frames = _check_int(max_frames, "max_frames", min_frames)
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0; got {noise!r}.")
    rng = check_random_state(random_state)

    half = image_size // 2
    # the two quadrants, as (row, col) slices of the frame
    informative = (slice(half, image_size), slice(0, half))
    distractor = (slice(0, half), slice(half, image_size))
    region = np.zeros((image_size, image_size), dtype=bool)
    region[informative] = True

    appearance, dynamics = rng.uniform(size=(2, n_samples))
    y = 20.0 + 25.0 * appearance + 25.0 * dynamics
    lengths = rng.randint(min_frames, max_frames + 1, size=n_samples)
    X = np.full((n_samples, lengths.max(), image_size, image_size), np.nan)
    frames = np.zeros(X.shape[:2], dtype=bool)
    rest, reach, sigma = half / 6, half / 2, max(1.0, half / 10)
    for i, length in enumerate(lengths):
        start = rng.randint(1, length - expression_frames)
        frames[i, start : start + expression_frames] = True
        video = rng.normal(scale=noise, size=(length, image_size, image_size))
        factors = [(informative, appearance[i], dynamics[i]),
                   (distractor, *rng.uniform(size=2))]
        for (rows, cols), a, b in factors:
            texture = rng.uniform(size=(half, half)) < 0.1 + 0.5 * a
            video[:, rows, cols] += texture
            row = half / 2 + rng.uniform(-1, 1)
            for t in range(length):
                moved = reach * b if frames[i, t] else 0.0
                video[t, rows, cols] += 1.5 * _blob(half, row, rest + moved, sigma)
        X[i, :length] = video
    if return_truth:
        return X, y, region, frames
    return X, y
