"""Seeded pair and triplet sampling from class labels, and checks of explicit pairs.

What every pair learner draws from: similar / dissimilar pairs (never a series
with itself; similar pairs across groups when there are groups) and
(anchor, positive, negative) triplets, uniformly, with a seeded generator.
:mod:`._pairs` plans which rows they are drawn among.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import Interval, validate_params

__all__ = ["check_pairs", "sample_pairs", "sample_triplets"]


def _encode(y):
    """Integer codes of the labels, and the sample indices grouped by class."""
    _, codes = np.unique(np.asarray(y), return_inverse=True)
    codes = codes.reshape(-1)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return codes, order, counts, starts


def _similar_pairs(order, counts, starts, n, rng):
    """``n`` pairs drawn uniformly from all unordered same-class pairs.

    A class is chosen with probability proportional to its number of pairs
    ``n_c (n_c - 1) / 2``, then two distinct members uniformly: every same-class
    pair is then equally likely. The order within a pair is random.
    """
    if n == 0:
        return np.empty((0, 2), dtype=np.int64)
    n_pairs_per_class = counts * (counts - 1) / 2.0
    cls = rng.choice(len(counts), size=n, p=n_pairs_per_class / n_pairs_per_class.sum())
    size = counts[cls]
    first = (rng.random_sample(n) * size).astype(np.int64)
    # a second member among the other size - 1, shifted past the first
    second = (rng.random_sample(n) * (size - 1)).astype(np.int64)
    second += second >= first
    return np.stack([order[starts[cls] + first], order[starts[cls] + second]], axis=1)


def _different_class_partner(codes, anchors, rng):
    """For each anchor, a sample drawn uniformly among those of another class.

    Rejection sampling: draw uniformly from all samples and redraw the ones
    that share the anchor's class.
    """
    partner = rng.randint(len(codes), size=len(anchors))
    bad = codes[partner] == codes[anchors]
    while bad.any():
        partner[bad] = rng.randint(len(codes), size=int(bad.sum()))
        bad[bad] = codes[partner[bad]] == codes[anchors[bad]]
    return partner


# run at most once per epoch (a pair plan's resampling), so the decorator's
# cost is no concern
@validate_params(
    {
        "n_pairs": [Interval(Integral, 0, None, closed="left")],
        "positive_fraction": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def sample_pairs(y, n_pairs, *, positive_fraction=0.5, groups=None, random_state=None):
    """Draw similar and dissimilar pairs of samples from class labels.

    Similar pairs are drawn uniformly from all unordered pairs of distinct
    samples with the same label, dissimilar pairs uniformly from all pairs with
    different labels (the siamese RNN paper's "negatives uniformly at random
    from all candidate negative pairs"). A sample is never paired with itself;
    pairs are drawn with replacement, and shuffled. With ``groups``, two
    samples of one group are never a similar pair (with ``y`` the time slot
    and ``groups`` the day: "same slot, different day"); such draws are
    redrawn, which keeps the draw uniform over the admissible similar pairs.
    Dissimilar pairs may share a group.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels, any type.
    n_pairs : int
        Number of pairs.
    positive_fraction : float, default=0.5
        Fraction of similar pairs, in [0, 1], rounded to the nearest integer
        count.
    groups : array-like of shape (n_samples,) or None, default=None
        Group of each sample; a similar pair spans two groups.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2), dtype int64
        Indices into ``y``.
    pair_labels : ndarray of shape (n_pairs,), dtype int64
        1 for similar pairs, 0 for dissimilar pairs.

    Raises
    ------
    ValueError
        If similar pairs are asked for and no class has two samples (in two
        groups, with ``groups``), or dissimilar pairs are asked for and there
        is one class only.

    Examples
    --------
    >>> from sktime_metric.metric import sample_pairs
    >>> pairs, labels = sample_pairs(["a", "a", "b", "b", "b"], 6, random_state=0)
    >>> pairs.shape, int(labels.sum())
    ((6, 2), 3)
    """
    n_pairs = int(n_pairs)  # True is 1, as Interval(Integral) takes it
    rng = check_random_state(random_state)
    codes, order, counts, starts = _encode(y)
    n_similar = int(round(positive_fraction * n_pairs))
    n_dissimilar = n_pairs - n_similar
    if n_similar and counts.max() < 2:
        raise ValueError(
            f"Similar pairs need a class with at least 2 samples; the {len(codes)} "
            "sample(s) all have different labels."
        )
    if n_dissimilar and len(counts) < 2:
        raise ValueError(
            "Dissimilar pairs need at least 2 classes; got 1 class."
        )
    similar = _similar_pairs(order, counts, starts, n_similar, rng)
    anchors = rng.randint(len(codes), size=n_dissimilar)
    dissimilar = np.stack(
        [anchors, _different_class_partner(codes, anchors, rng)], axis=1
    )
    pairs = np.concatenate([similar, dissimilar]).astype(np.int64)
    labels = np.concatenate(
        [np.ones(n_similar, np.int64), np.zeros(n_dissimilar, np.int64)]
    )
    shuffle = rng.permutation(n_pairs)
    pairs, labels = pairs[shuffle], labels[shuffle]
    if groups is None or not n_similar:
        return pairs, labels
    groups = np.asarray(groups)
    if not any(len(np.unique(groups[codes == c])) > 1 for c in np.unique(codes)):
        raise ValueError(
            "No similar pairs: with groups, a similar pair needs two series of one "
            "label in different groups, and no label has series in two groups."
        )
    bad = (labels == 1) & (groups[pairs[:, 0]] == groups[pairs[:, 1]])
    while bad.any():
        pairs[bad] = _similar_pairs(order, counts, starts, int(bad.sum()), rng)
        bad[bad] = groups[pairs[bad, 0]] == groups[pairs[bad, 1]]
    return pairs, labels


@validate_params(
    {
        "n_triplets": [Interval(Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def sample_triplets(y, n_triplets, *, random_state=None):
    """Draw (anchor, positive, negative) triplets from class labels.

    ``(anchor, positive)`` is drawn uniformly from the same-class pairs, the
    negative uniformly from the samples of any other class.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    n_triplets : int
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    triplets : ndarray of shape (n_triplets, 3), dtype int64
        Indices into ``y``.

    Examples
    --------
    >>> from sktime_metric.metric import sample_triplets
    >>> sample_triplets([0, 0, 1, 1], 5, random_state=0).shape
    (5, 3)
    """
    n_triplets = int(n_triplets)
    rng = check_random_state(random_state)
    codes, order, counts, starts = _encode(y)
    if counts.max() < 2 or len(counts) < 2:
        raise ValueError(
            "Triplets need at least 2 classes, one of them with at least 2 "
            f"samples; got class sizes {counts.tolist()}."
        )
    similar = _similar_pairs(order, counts, starts, n_triplets, rng)
    negative = _different_class_partner(codes, similar[:, 0], rng)
    return np.column_stack([similar, negative]).astype(np.int64)


def check_pairs(pairs, pair_labels, n_samples):
    """Validate explicit pairs of sample indices and their labels.

    Parameters
    ----------
    pairs : array-like of shape (n_pairs, 2)
        Integer indices into the ``n_samples`` series. A series paired with
        itself, ``(i, i)``, may be similar but not dissimilar: its distance
        to itself is 0 whatever the metric learns, so that label contradicts
        every metric (a loss could not be lowered by it; an AUC counts it
        against every measure alike).
    pair_labels : array-like of shape (n_pairs,)
        1 / True for similar, 0 / False for dissimilar pairs; metric-learn's
        +1 / -1 are accepted too.
    n_samples : int

    Raises
    ------
    ValueError
        If a pair is out of range, a label is not one of the above, or a
        series is paired with itself as dissimilar; the message names the
        pair's position and indices.

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2), dtype int64
    pair_labels : ndarray of shape (n_pairs,), dtype int64
        In {0, 1}.

    Examples
    --------
    >>> from sktime_metric.metric import check_pairs
    >>> pairs, labels = check_pairs([[0, 1], [2, 0]], [1, -1], n_samples=3)
    >>> pairs.dtype, labels.tolist()  # metric-learn's -1 becomes 0 (dissimilar)
    (dtype('int64'), [1, 0])
    >>> check_pairs([[0, 3]], [1], n_samples=3)
    Traceback (most recent call last):
        ...
    ValueError: Pair 0 is [0, 3]: indices must be in [0, 3).
    >>> check_pairs([[0, 1], [2, 2]], [1, 0], n_samples=3)
    Traceback (most recent call last):
        ...
    ValueError: Pair 1 is [2, 2], series 2 with itself, labelled dissimilar (0): ...
    """
    pairs = np.asarray(pairs)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or len(pairs) == 0:
        raise ValueError(
            f"pairs must be an array of shape (n_pairs, 2); got shape {pairs.shape}."
        )
    if not np.issubdtype(pairs.dtype, np.integer):
        raise TypeError(
            f"pairs must hold integer indices into X; got dtype {pairs.dtype}."
        )
    out_of_range = (pairs < 0) | (pairs >= n_samples)
    if out_of_range.any():
        k = int(np.flatnonzero(out_of_range.any(axis=1))[0])
        raise ValueError(
            f"Pair {k} is {pairs[k].tolist()}: indices must be in [0, {n_samples})."
        )
    labels = check_pair_labels(pair_labels, len(pairs))
    contradictory = (pairs[:, 0] == pairs[:, 1]) & (labels == 0)
    if contradictory.any():
        k = int(np.flatnonzero(contradictory)[0])
        raise ValueError(
            f"Pair {k} is {pairs[k].tolist()}, series {pairs[k, 0]} with itself, "
            f"labelled dissimilar ({np.asarray(pair_labels)[k].item()!r}): a series is "
            "at distance 0 from itself whatever the metric, so it cannot be "
            "dissimilar to itself. Drop the pair, or label it similar."
        )
    return pairs.astype(np.int64), labels


def check_both_kinds(n_similar, n_dissimilar, learner, why=""):
    """A ``ValueError`` unless there are similar and dissimilar pairs.

    The one wording of it for the learners that need both: KISSME (a
    covariance of each kind) and the pair losses, which one kind alone
    minimises trivially.

    Parameters
    ----------
    n_similar, n_dissimilar : int
    learner : str
        Named in the message.
    why : str, default=""
        Appended to the message.
    """
    if n_similar == 0 or n_dissimilar == 0:
        raise ValueError(
            f"{learner} needs similar and dissimilar pairs; got {n_similar} "
            f"similar and {n_dissimilar} dissimilar." + (f" {why}" if why else "")
        )


def check_pair_kinds(pair_labels, learner, why=""):
    """:func:`check_both_kinds` on the 0 / 1 labels of pairs
    (:func:`check_pair_labels`): before training on them, or an AUC."""
    n_similar = int(np.sum(pair_labels))
    check_both_kinds(n_similar, len(pair_labels) - n_similar, learner, why)


def check_pair_labels(pair_labels, n_pairs):
    """Validate the labels of ``n_pairs`` pairs: 1 / 0, True / False or +1 / -1.

    Returns
    -------
    pair_labels : ndarray of shape (n_pairs,), dtype int64
        In {0, 1}: 1 for similar pairs.
    """
    labels = np.asarray(pair_labels)
    if labels.shape != (n_pairs,):
        raise ValueError(
            f"pair_labels must have shape ({n_pairs},), one label per pair; got "
            f"shape {labels.shape}."
        )
    values = set(np.unique(labels).tolist()) if labels.dtype.kind in "biuf" else None
    if values is not None and values <= {0, 1}:
        labels = labels.astype(np.int64)
    elif values is not None and values <= {-1, 1}:
        labels = (labels > 0).astype(np.int64)
    else:
        shown = sorted(values) if values is not None else labels.dtype
        raise ValueError(
            "pair_labels must be 1 (similar) / 0 (dissimilar), or +1 / -1; got "
            f"{'values' if values is not None else 'dtype'} {shown}."
        )
    return labels
