"""What a pair learner trains on: the pair-training plan and the datasets serving it.

Metric learners draw their similar / dissimilar pairs from class labels *inside*
``fit`` (:mod:`._sampling`), so that cross-validation splits samples, never
pairs: no series of a test fold can appear in a training pair. The plan also
says which series a stage on single series (an autoencoder's) trains and
validates on.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from skorch.dataset import Dataset
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ..utils._skorch import check_validation_size
from ._sampling import sample_pairs, sample_triplets

__all__ = ["PairDataset", "PairPlan", "holdout_split", "pair_plan"]


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
        Each call of ``train`` draws fresh tuples
        (:class:`~sktime_metric.utils._skorch.ResampleEachEpoch` calls it once
        per epoch).
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

    def series_split(self, validation_fraction, random_state):
        """``(train, valid)`` rows for a stage trained on single series.

        An autoencoder's reconstruction stage validates on held-out series:
        the plan's own held-out rows when it has them; explicit pairs hold out
        pairs, not series, so their series are split here
        (:func:`holdout_split`). ``validation_fraction=None``: every row
        trains, ``valid`` is None.
        """
        if validation_fraction is None or self.valid_index is not None:
            return self.train_index, self.valid_index
        return tuple(np.sort(part) for part in holdout_split(
            np.zeros(len(self.train_index)), validation_fraction, random_state))

    def series_datasets(self, X, lengths, validation_fraction, random_state):
        """:meth:`datasets` for a stage on single series, split by :meth:`series_split`.

        Returns ``({"x": X[train], "lengths": lengths[train]}, validation
        skorch Dataset of the held-out series or None)``.
        """
        train, valid = self.series_split(validation_fraction, random_state)
        valid_set = None if valid is None else Dataset(
            {"x": X[valid], "lengths": lengths[valid]}, None)
        return {"x": X[train], "lengths": lengths[train]}, valid_set


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
        # on the CPU whatever torch's default device: skorch moves each batch
        self.X = torch.as_tensor(X, device="cpu")
        self.lengths = torch.as_tensor(lengths, device="cpu")
        self.sampler = sampler
        self.resample()

    def resample(self):
        tuples, targets = self.sampler()
        self.tuples = torch.as_tensor(tuples, device="cpu")
        self.targets = torch.as_tensor(targets, dtype=torch.float32, device="cpu")

    def __len__(self):
        return len(self.tuples)

    def __getitem__(self, k):
        item = {}
        for (x_key, n_key), i in zip(self._KEYS, self.tuples[k].tolist()):
            item[x_key], item[n_key] = self.X[i], self.lengths[i]
        return item, self.targets[k]
