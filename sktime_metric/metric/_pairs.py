"""Seeded pair and triplet sampling from labels, and the dataset that serves them.

Metric learners draw their similar / dissimilar pairs from class labels *inside*
``fit``, so that cross-validation splits samples, never pairs: no series of a
test fold can appear in a training pair.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ..utils._skorch import check_validation_size

__all__ = [
    "PairDataset",
    "PairPlan",
    "check_pairs",
    "holdout_split",
    "pair_plan",
    "sample_pairs",
    "sample_triplets",
]


def _encode(y):
    """Integer codes of the labels, and the sample indices grouped by class."""
    _, codes = np.unique(np.asarray(y), return_inverse=True)
    codes = codes.reshape(-1)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return codes, order, counts, starts


def _check_size(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value!r}.")
    return int(value)


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
        Fraction of similar pairs, rounded to the nearest integer count.
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
    n_pairs = _check_size(n_pairs, "n_pairs")
    if not 0.0 <= positive_fraction <= 1.0:
        raise ValueError(
            f"positive_fraction must be in [0, 1]; got {positive_fraction!r}."
        )
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
    n_triplets = _check_size(n_triplets, "n_triplets")
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
        Integer indices into the ``n_samples`` series.
    pair_labels : array-like of shape (n_pairs,)
        1 / True for similar, 0 / False for dissimilar pairs; metric-learn's
        +1 / -1 are accepted too.
    n_samples : int

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2), dtype int64
    pair_labels : ndarray of shape (n_pairs,), dtype int64
        In {0, 1}.
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
    labels = np.asarray(pair_labels)
    if labels.shape != (len(pairs),):
        raise ValueError(
            f"pair_labels must have shape ({len(pairs)},), one label per pair; got "
            f"shape {labels.shape}."
        )
    values = set(np.unique(labels).tolist())
    if values <= {0, 1}:
        labels = labels.astype(np.int64)
    elif values <= {-1, 1}:
        labels = (labels > 0).astype(np.int64)
    else:
        raise ValueError(
            "pair_labels must be 1 (similar) / 0 (dissimilar), or +1 / -1; got "
            f"values {sorted(values)}."
        )
    return pairs.astype(np.int64), labels


def holdout_split(y, fraction, random_state, *, validation="stratified"):
    """Training and validation rows: a stratified split, or whole held-out classes.

    Series are split, never pairs: pairs are drawn within each part.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
    fraction : float
        Share of the series held out.
    random_state : int, RandomState instance or None
    validation : {"stratified", "disjoint_classes"}, default="stratified"
        "stratified": every class on both sides (a class too small to
        stratify falls back to a plain random split); the validation score
        then measures the metric on the training classes. "disjoint_classes":
        whole classes are held out, drawn at random until they hold at least
        ``fraction`` of the series (at least 2 classes on each side), so the
        score measures the metric on classes it was not trained on: the
        early-stopping signal for a metric meant for new classes (one-shot,
        out-of-domain use), where training longer specialises the embedding
        to its training classes.

    Returns
    -------
    train, valid : ndarray of int
    """
    if validation == "disjoint_classes":
        return _class_holdout(y, fraction, random_state)
    check_validation_size(len(y), fraction, 2, why="two series make a pair")
    index = np.arange(len(y))
    try:
        return train_test_split(index, test_size=fraction, stratify=y,
                                random_state=random_state)
    except ValueError:  # a class too small to stratify
        return train_test_split(index, test_size=fraction, random_state=random_state)


def _class_holdout(y, fraction, random_state):
    """Whole classes for validation, at least ``fraction`` of the series."""
    classes, codes = np.unique(y, return_inverse=True)
    if len(classes) < 4:
        raise ValueError(
            f"validation='disjoint_classes' holds out whole classes, at least 2 "
            f"for validation and 2 for training; y has {len(classes)} classes. "
            "Use validation='stratified' or fit on more classes."
        )
    rng = check_random_state(random_state)
    counts = np.bincount(codes)
    held = []
    for c in rng.permutation(len(classes)):
        if len(held) >= 2 and counts[held].sum() >= fraction * len(y):
            break
        held.append(c)
    held = held[: len(classes) - 2]  # keep 2 classes to train on
    is_valid = np.isin(codes, held)
    return np.flatnonzero(~is_valid), np.flatnonzero(is_valid)


@dataclass
class PairPlan:
    """What a pair learner trains and validates on, drawn inside ``fit``.

    Attributes
    ----------
    train : callable or None
        ``train() -> (tuples, targets)``: ``(n, 2)`` pairs (or ``(n, 3)``
        triplets) of row indices and their targets. None when the plan holds
        series only (no labels, no pairs).
    valid : callable or None
        The same for the validation tuples (drawn once, at the first call);
        None without validation.
    train_index : ndarray of int
        The rows the training tuples are drawn among.
    valid_index : ndarray of int or None
        Held-out rows, which no training tuple touches (None: none held out;
        explicit pairs hold out pairs, not series).
    resample : bool
        Each call of ``train`` draws fresh tuples (:class:`ResampleEachEpoch`
        calls it once per epoch).
    """

    train: Callable
    valid: Callable
    train_index: np.ndarray
    valid_index: np.ndarray
    resample: bool

    def datasets(self, X, lengths):
        """``(training PairDataset, validation PairDataset or None)`` on ``X``."""
        return (PairDataset(X, lengths, self.train),
                None if self.valid is None else PairDataset(X, lengths, self.valid))


def pair_plan(n_samples, *, y=None, groups=None, pairs=None, pair_labels=None,
              n_pairs=1000, positive_fraction=0.5, triplets=False, resample=True,
              validation_fraction=None, validation="stratified", random_state=None):
    """The one pair-training plan of the metric learners.

    Two kinds of supervision. Labels ``y`` (and ``groups``): pairs (or
    triplets) are drawn among the rows, afresh at each call of ``train`` when
    ``resample``, so cross-validation splits series, never pairs; with
    ``validation_fraction``, a share of the series is held out first
    (:func:`holdout_split`) and validation tuples are drawn among them only,
    once. Explicit ``pairs`` with ``pair_labels``: served as given; with
    ``validation_fraction``, a random share of the pairs validates. Without
    either (an autoencoder's reconstruction), the plan only splits the series.

    Parameters
    ----------
    n_samples : int
        Rows of ``X``.
    y, groups : ndarray of shape (n_samples,) or None, default=None
        Labels; equal labels make similar pairs, never within one group.
    pairs : ndarray of shape (n_pairs, 2) or None, default=None
        Checked row indices (:func:`check_pairs`), with ``pair_labels``.
    pair_labels : ndarray of shape (n_pairs,) or None, default=None
    n_pairs : int, default=1000
        Tuples per draw from labels.
    positive_fraction : float, default=0.5
    triplets : bool, default=False
        Draw (anchor, positive, negative) triplets (targets all 1) instead.
    resample : bool, default=True
    validation_fraction : float or None, default=None
        None: no validation.
    validation : {"stratified", "disjoint_classes"}, default="stratified"
        How series are held out, see :func:`holdout_split`.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    PairPlan
    """
    rng = check_random_state(random_state)
    index = np.arange(n_samples)
    if pairs is not None:
        if validation_fraction is None:
            return PairPlan(lambda: (pairs, pair_labels), None, index, None, False)
        order = rng.permutation(len(pairs))
        n_valid = max(1, int(round(validation_fraction * len(pairs))))
        valid, train = order[:n_valid], order[n_valid:]
        if len(train) == 0 or len(np.unique(pair_labels[valid])) < 2:
            raise ValueError(
                f"early_stopping holds out {n_valid} of {len(pairs)} pairs; they "
                "must leave training pairs and hold both similar and dissimilar "
                "ones. Give more pairs or set early_stopping=False."
            )
        return PairPlan(lambda: (pairs[train], pair_labels[train]),
                        lambda: (pairs[valid], pair_labels[valid]), index, None, False)
    train_index, valid_index = index, None
    if validation_fraction is not None:
        train_index, valid_index = (np.sort(part) for part in holdout_split(
            np.zeros(n_samples) if y is None else y, validation_fraction,
            random_state, validation=validation))
    if y is None:
        return PairPlan(None, None, train_index, valid_index, False)

    def draw(rows):
        if triplets:
            drawn = sample_triplets(y[rows], n_pairs, random_state=rng)
            return rows[drawn], np.ones(len(drawn), np.int64)
        drawn, labels = sample_pairs(
            y[rows], n_pairs, positive_fraction=positive_fraction,
            groups=None if groups is None else groups[rows], random_state=rng)
        return rows[drawn], labels

    @functools.cache
    def valid():  # drawn once, when first asked for
        try:
            return draw(valid_index)
        except ValueError as exc:
            raise ValueError(
                f"early_stopping: the {len(valid_index)} validation series "
                f"(validation_fraction={validation_fraction}) cannot make "
                f"validation pairs: {exc} Increase validation_fraction or set "
                "early_stopping=False."
            ) from None

    valid = None if valid_index is None else valid
    if resample:
        return PairPlan(lambda: draw(train_index), valid, train_index, valid_index, True)
    return PairPlan(functools.cache(lambda: draw(train_index)), valid, train_index,
                    valid_index, False)


class PairDataset(torch.utils.data.Dataset):
    """Tuples of sequences from one padded array, for a siamese skorch net.

    Item ``k`` is ``({"x": X[i], "lengths": n_i, "x2": X[j], "lengths2": n_j},
    target_k)`` for the pair ``tuples[k] = (i, j)``, plus ``"x3"``,
    ``"lengths3"`` for triplets; torch's default collation stacks them into the
    keyword arguments of :class:`~sktime_metric.nn.SiameseRNNModule`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timestamps, n_features), float32
        Zero-padded sequences.
    lengths : ndarray of shape (n_samples,), int64
    sampler : callable
        ``sampler() -> (tuples, targets)``: ``(n, k)`` int indices into ``X`` and
        ``(n,)`` targets. Called once here and again by :meth:`resample`.
    """

    _KEYS = (("x", "lengths"), ("x2", "lengths2"), ("x3", "lengths3"))

    def __init__(self, X, lengths, sampler):
        self.X = torch.as_tensor(X)
        self.lengths = torch.as_tensor(lengths)
        self.sampler = sampler
        self.resample()

    def resample(self):
        tuples, targets = self.sampler()
        self.tuples = torch.as_tensor(tuples)
        self.targets = torch.as_tensor(targets, dtype=torch.float32)

    def __len__(self):
        return len(self.tuples)

    def __getitem__(self, k):
        item = {}
        for (x_key, n_key), i in zip(self._KEYS, self.tuples[k].tolist()):
            item[x_key], item[n_key] = self.X[i], self.lengths[i]
        return item, self.targets[k]
