"""Time-of-day slots and the equivalence constraint of routine discovery.

Each window of a recording (``_windows.py`` cuts them) gets a *day* index and
a time-of-day *slot* index. Two windows are similar when their slots are
equal (up to ``slot_tolerance``, circularly) and their days differ (thesis
§3.3.4): :func:`similarity_mask` is that relation, :func:`time_of_day_pairs`
draws labelled pairs from it.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import Interval, validate_params
from ._windows import _check_slot_fits

_POSITIVE_SECONDS = [Interval(Real, 0, None, closed="neither")]
_N_SLOTS = [Interval(Integral, 1, None, closed="left")]
_SLOT_TOLERANCE = [Interval(Integral, 0, None, closed="left")]


# seconds here: RoutineClusterer has read its durations (parse_duration) already
@validate_params(
    {
        "period": _POSITIVE_SECONDS,
        "slot_size": _POSITIVE_SECONDS,
        "day_start": [Interval(Real, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def time_of_day(starts, *, period, slot_size, day_start):
    """Day and slot index of each window start (seconds).

    ``slot = ((start - day_start) mod period) // slot_size`` and
    ``day = floor((start - day_start) / period)``, days counted from the first.

    Parameters
    ----------
    starts : array-like of shape (n_windows,)
        Window starts in seconds (0 = a midnight).
    period : float
        Seconds in a day (86,400 for a calendar day); positive.
    slot_size : float
        Seconds in a time slot; positive, at most ``period``.
    day_start : float
        Seconds after midnight at which a day (and its slot 0) begins; at
        least 0.

    Returns
    -------
    days, slots : ndarray of int of shape (n_windows,)
        The day of each window, the first day being 0, and its slot.

    Examples
    --------
    >>> from sktime_metric.cluster import time_of_day
    >>> time_of_day([0, 3600, 86400 + 7200], period=86400, slot_size=3600,
    ...             day_start=0)
    (array([0, 0, 1]), array([0, 1, 2]))
    """
    _check_slot_fits(slot_size, period)
    # a start a hair short of a slot boundary (0.3 / 0.1 is 2.9999999999999996)
    # is on it, in the slot it opens; one short of the day's end is in the
    # next day's slot 0 (nudging the phase alone made it a slot past the last)
    shifted = np.asarray(starts, dtype=np.float64) - day_start + 1e-9 * slot_size
    days = np.floor(shifted / period).astype(np.int64)
    phase = shifted - days * period
    slots = np.minimum(np.floor(phase / slot_size).astype(np.int64),
                       slot_count(period, slot_size) - 1)
    return days - days.min(), slots


def slot_count(period, slot_size):
    """Slots in a period, the last one shorter when ``slot_size`` does not
    divide it (86400 / 21.6 is 4000.0000000000005: 4000 slots)."""
    return int(np.ceil(period / slot_size - 1e-9))


def circular_slot_distance(a, b, n_slots):
    """``|a - b|`` on the circle of ``n_slots`` time slots."""
    d = np.abs(np.asarray(a) - np.asarray(b)) % n_slots
    return np.minimum(d, n_slots - d)


@validate_params(
    {"n_slots": _N_SLOTS, "slot_tolerance": _SLOT_TOLERANCE},
    prefer_skip_nested_validation=True,
)
def similarity_mask(slots, days, *, n_slots, slot_tolerance=0):
    """The time-of-day equivalence constraint as a boolean ``(n, n)`` matrix.

    ``mask[i, j]`` is True when windows ``i`` and ``j`` are a similar pair: their
    slots are within ``slot_tolerance`` (circularly) and their days differ. Every
    other pair is dissimilar (thesis: "all other combinations").

    Parameters
    ----------
    slots, days : array-like of int of shape (n_windows,)
        Time slot and day of each window (:func:`time_of_day`).
    n_slots : int
        Slots in a day, at least 1: slot ``n_slots - 1`` is next to slot 0.
    slot_tolerance : int, default=0
        Slots apart that still count as the same time of day; at least 0.

    Returns
    -------
    mask : ndarray of bool of shape (n_windows, n_windows)

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.cluster import similarity_mask
    >>> similarity_mask(np.array([0, 1, 0]), np.array([0, 0, 1]), n_slots=24).astype(int)
    array([[0, 0, 1],
           [0, 0, 0],
           [1, 0, 0]])
    """
    slots, days = np.asarray(slots), np.asarray(days)
    near = circular_slot_distance(slots[:, None], slots[None, :], n_slots) <= slot_tolerance
    return near & (days[:, None] != days[None, :])


@validate_params(
    {
        "n_slots": _N_SLOTS,
        "slot_tolerance": _SLOT_TOLERANCE,
        # 1: one similar pair (RoutineClusterer asks for 2 or more)
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def time_of_day_pairs(slots, days, *, n_slots, slot_tolerance=0, n_pairs=1000,
                      random_state=None):
    """Balanced similar/dissimilar pairs under the equivalence constraint.

    Half the pairs are similar (all of them if fewer exist), drawn without
    replacement, the rest dissimilar (:func:`similarity_mask`).

    Parameters
    ----------
    slots, days : array-like of int of shape (n_windows,)
        Time slot and day of each window (:func:`time_of_day`).
    n_slots : int
        Slots in a day; at least 1.
    slot_tolerance : int, default=0
        Slots apart that still count as the same time of day; at least 0.
    n_pairs : int, default=1000
        Pairs to draw, at least 1 (fewer if the windows have fewer; one pair
        is a similar one).
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    pairs : ndarray of int of shape (m, 2)
        Window indices ``i < j``.
    pair_labels : ndarray of int of shape (m,)
        1 for a similar pair, 0 for a dissimilar one.

    Raises
    ------
    ValueError
        If no two windows of the same slot lie on different days.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.cluster import time_of_day_pairs
    >>> days = np.array([0, 0, 1, 1, 2, 2])  # 3 days of 2 twelve-hour slots
    >>> slots = np.array([0, 1, 0, 1, 0, 1])
    >>> pairs, labels = time_of_day_pairs(slots, days, n_slots=2, n_pairs=4,
    ...                                   random_state=0)
    >>> pairs.tolist(), labels.tolist()
    ([[3, 5], [1, 3], [1, 2], [0, 3]], [1, 1, 0, 0])
    >>> i, j = pairs.T  # similar: the same slot on different days
    >>> ((slots[i] == slots[j]) & (days[i] != days[j])).astype(int).tolist()
    [1, 1, 0, 0]
    """
    rng = check_random_state(random_state)
    mask = similarity_mask(slots, days, n_slots=n_slots, slot_tolerance=slot_tolerance)
    iu, ju = np.triu_indices(len(slots), k=1)
    similar = mask[iu, ju]
    if not similar.any():
        raise no_similar_pair(days)
    pos, neg = np.flatnonzero(similar), np.flatnonzero(~similar)
    n_pos = min(len(pos), max(1, n_pairs // 2))
    n_neg = min(len(neg), n_pairs - n_pos)
    chosen = np.concatenate([
        rng.choice(pos, n_pos, replace=False), rng.choice(neg, n_neg, replace=False)
    ])
    pairs = np.stack([iu[chosen], ju[chosen]], axis=1)
    labels = np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]
    return pairs, labels


def no_similar_pair(days):
    """The ``ValueError`` of windows with no similar pair (one per learner)."""
    n_days = len(np.unique(np.asarray(days)))
    return ValueError(
        "No similar pair: the equivalence constraint needs windows of the same "
        f"time slot on at least two different days; the {len(days)} windows lie "
        f"on {n_days} day(s) with no slot in common. Keep more days, or use a "
        "metric that learns nothing from them: 'dtw' or 'euclidean'."
    )


def has_similar_pair(slots, days):
    """Whether one slot holds windows of two days (``slot_tolerance=0``)."""
    pairs = np.unique(np.c_[np.asarray(slots), np.asarray(days)], axis=0)
    return bool(len(pairs)) and bool((np.unique(pairs[:, 0], return_counts=True)[1]
                                      > 1).any())
