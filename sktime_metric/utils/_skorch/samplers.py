"""Seeded batch samplers served to skorch through ``iterator_train``."""

import math

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from .._warnings import warn


class ClassBalancedBatchSampler(torch.utils.data.Sampler):
    """Seeded class-balanced ("P x K") batches of sample indices.

    Each batch holds ``samples_per_class`` (K >= 2) samples of each of P >= 2
    classes, ``P = min(n_classes, batch_size // K)``, the classes drawn at
    random when not all fit. So every batch holds positive pairs (two samples
    of a class) and negative pairs (two classes) by construction, which a
    loss over all in-batch pairs (structural, lifted, N-pair) needs: with one
    sample per class it can only push apart. Within a class, samples are
    served from a shuffled queue, so an epoch sees each sample about equally
    often; a class smaller than K gives all its samples plus random repeats,
    and a batch whose classes all have a single sample swaps one of them for
    a class with two or more. Use it as a DataLoader's ``batch_sampler`` (or
    through :func:`class_balanced_loader` with skorch).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
    batch_size : int
        At least 4 (2 classes x 2 samples). A batch may hold fewer
        (``P * K``) when K does not divide it.
    samples_per_class : int or None, default=None
        K, at least 2 and at most ``batch_size // 2``; None means
        ``max(2, batch_size // n_classes)``.
    n_batches : int or None, default=None
        Batches per iteration; None means ``ceil(n_samples / batch_size)``.
    random_state : int, RandomState instance or None, default=None
        Iterating twice gives different batches; the same seed gives the same
        sequence of batches.

    Raises
    ------
    ValueError
        When no batch could hold both kinds of pairs: ``batch_size < 4``,
        ``samples_per_class`` below 2 or above ``batch_size // 2``, fewer than 2
        classes, or no class with 2 samples.

    Notes
    -----
    pytorch-metric-learning's ``MPerClassSampler`` draws the same kind of
    batches, but from its module-global generator
    (``utils.common_functions.NUMPY_RANDOM``, which is ``np.random``): a fit
    could be seeded only by reseeding or replacing process-wide state, which
    other fits in the same process (threads of a grid search) share. Nor does
    it guarantee a positive pair of two *distinct* samples: a class smaller
    than ``m`` is drawn with replacement (two singleton classes make a batch
    of 4 with no positive pair), and it asserts ``m * n_classes >=
    batch_size`` instead of shrinking the batch.
    """

    def __init__(
        self, labels, batch_size, samples_per_class=None, n_batches=None,
        random_state=None,
    ):
        from sklearn.utils import check_random_state

        classes, codes = np.unique(np.asarray(labels), return_inverse=True)
        self.members = [np.flatnonzero(codes == c) for c in range(len(classes))]
        self.pairable = np.array([len(m) >= 2 for m in self.members])
        why = "a class-balanced batch needs a positive pair (2 samples of a class) "
        why += "and a negative pair (2 classes)"
        if batch_size < 4:
            raise ValueError(f"{why}: batch_size must be at least 4, got {batch_size}.")
        if len(classes) < 2:
            raise ValueError(f"{why}: the labels have {len(classes)} class.")
        if not self.pairable.any():
            raise ValueError(f"{why}: no class of the {len(classes)} has 2 samples.")
        k = (max(2, batch_size // len(classes)) if samples_per_class is None
             else int(samples_per_class))
        if not 2 <= k <= batch_size // 2:
            raise ValueError(
                f"{why}: samples_per_class must be between 2 and batch_size // 2 = "
                f"{batch_size // 2}, got {samples_per_class}."
            )
        self.samples_per_class = k
        self.classes_per_batch = min(len(classes), batch_size // k)
        self.n_batches = n_batches or math.ceil(len(codes) / batch_size)
        self.rng = check_random_state(random_state)

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        rng, k = self.rng, self.samples_per_class
        queues = [rng.permutation(m) for m in self.members]
        for _ in range(self.n_batches):
            classes = np.arange(len(self.members))
            if self.classes_per_batch < len(classes):
                classes = rng.choice(classes, self.classes_per_batch, replace=False)
                if not self.pairable[classes].any():  # singletons only: no positive
                    others = np.flatnonzero(self.pairable)
                    classes[0] = rng.choice(others)
            batch = []
            for c in classes:
                members = self.members[c]
                if len(members) <= k:
                    extra = rng.choice(members, k - len(members))
                    batch.append(np.concatenate([rng.permutation(members), extra]))
                    continue
                if len(queues[c]) < k:  # start a new pass over the class
                    queues[c] = rng.permutation(members)
                batch.append(queues[c][:k])
                queues[c] = queues[c][k:]
            yield np.concatenate(batch).tolist()


def _dataset_labels(dataset):
    """The targets of a skorch ``Dataset``, or of a ``Subset`` of one."""
    if isinstance(dataset, torch.utils.data.Subset):
        return _dataset_labels(dataset.dataset)[np.asarray(dataset.indices)]
    y = dataset.y
    return y.cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)


def class_balanced_loader(dataset, batch_size, samples_per_class=None, **kwargs):
    """skorch ``iterator_train``: a DataLoader of class-balanced batches.

    skorch builds the training iterator anew each epoch, from the training part
    of the data; the labels are read from it. The sampler's seed is drawn from
    torch's global generator, which the estimators seed from ``random_state``
    around ``fit`` (as they do for the default shuffling), so training is
    reproducible. ``shuffle`` (set for every estimator) is ignored.
    """
    kwargs.pop("shuffle", None)
    seed = int(torch.randint(2**31 - 1, ()))
    sampler = ClassBalancedBatchSampler(
        _dataset_labels(dataset), batch_size, samples_per_class, random_state=seed
    )
    return torch.utils.data.DataLoader(dataset, batch_sampler=sampler, **kwargs)


class EpisodeBatchSampler(torch.utils.data.Sampler):
    """Seeded few-shot episodes: N-way K-shot batches, support indices first.

    One iteration (a training epoch) is one pass over a random partition of
    the classes into groups of ``n_way`` (the thesis: "batches are composed of
    disjoint classes"; the epoch is our choice); a last, smaller group
    is completed with other classes drawn at random, so the classes of an
    episode are always distinct. In each episode, ``k_shot`` random series of
    every class are the support set (fewer if the class has no other series
    left to query), then up to ``n_query`` of its other series (all if None)
    are the queries. Support series come first, grouped by class in the
    episode's class order.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
    n_way : int
        Classes per episode (at most the number of classes).
    k_shot : int, default=1
    n_query : int or None, default=None
        Queries per class; None: all the class's other series.
    n_episodes : int or None, default=None
        Episodes per iteration; None: ``ceil(n_classes / n_way)``.
    random_state : int, RandomState instance or None, default=None

    Examples
    --------
    >>> from sktime_metric.utils._skorch import EpisodeBatchSampler
    >>> sampler = EpisodeBatchSampler([0, 0, 0, 1, 1, 1, 2, 2, 2], n_way=2,
    ...                               random_state=0)
    >>> [(len(s), len(q)) for s, q in sampler.episodes()]
    [(2, 4), (2, 4)]
    """

    def __init__(self, labels, n_way, k_shot=1, n_query=None, n_episodes=None,
                 random_state=None):
        from sklearn.utils import check_random_state

        classes, codes = np.unique(np.asarray(labels), return_inverse=True)
        self.members = [np.flatnonzero(codes == c) for c in range(len(classes))]
        self.n_way = int(min(n_way, len(classes)))
        self.k_shot, self.n_query = int(k_shot), n_query
        self.n_episodes = n_episodes or math.ceil(len(classes) / self.n_way)
        self.rng = check_random_state(random_state)

    def __len__(self):
        return self.n_episodes

    def episodes(self):
        """Yield ``(support, query)`` index arrays, one pair per episode."""
        rng, n_classes = self.rng, len(self.members)
        order = np.array([], dtype=np.int64)
        for _ in range(self.n_episodes):
            if len(order) == 0:
                order = rng.permutation(n_classes)
            group, order = order[: self.n_way], order[self.n_way:]
            if len(group) < self.n_way:  # complete with distinct other classes
                others = np.setdiff1d(np.arange(n_classes), group)
                fill = rng.choice(others, self.n_way - len(group), replace=False)
                group = np.concatenate([group, fill])
            support, query = [], []
            for c in group:
                members = rng.permutation(self.members[c])
                k = min(self.k_shot, max(1, len(members) - 1))
                support.append(members[:k])
                query.append(members[k:][: self.n_query])
            yield np.concatenate(support), np.concatenate(query)

    def __iter__(self):
        for support, query in self.episodes():
            yield np.concatenate([support, query]).tolist()


class _FlaggedEpisodes(torch.utils.data.Sampler):
    """An :class:`EpisodeBatchSampler` yielding ``(index, is_support)`` pairs."""

    def __init__(self, sampler):
        self.sampler = sampler

    def __len__(self):
        return len(self.sampler)

    def __iter__(self):
        for support, query in self.sampler.episodes():
            yield [(int(i), True) for i in support] + [(int(i), False) for i in query]


class _SupportFlagDataset(torch.utils.data.Dataset):
    """Adds ``is_support`` to each item's input dict (from the flagged index)."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, item):
        index, is_support = item
        X, y = self.dataset[index]
        return {**X, "is_support": is_support}, y


def warn_if_episodes_repeat(n_classes, n_way):
    """Warn when ``n_classes`` training classes cannot make distinct episodes.

    With at most ``n_way`` classes every episode is the same classification
    problem: the encoder learns to tell these classes apart, not to match
    (measured: BasicMotions' 2 base classes at ``n_way=2`` trained an encoder
    no better than an untrained one). That is what an ordinary classifier of
    these classes wants, so the message says how to ask for it
    (``n_way="all"``, which does not warn). The warning points at the
    user's line that called ``fit`` (``utils._warnings.warn``).
    """
    if n_classes <= n_way:
        # a smaller n_way helps only while 2-way episodes remain distinct
        smaller = "n_way=2" if n_classes == 3 else f"n_way from 2 to {n_classes - 1}"
        fewer = f", use {smaller}" if n_classes > 2 else ""
        warn(
            f"The {n_classes} training classes cannot make distinct "
            f"{n_way}-way episodes: every episode is the same "
            f"{n_classes}-class problem, which teaches the encoder these "
            "classes rather than matching new ones. For new classes, train on "
            f"more base classes{fewer} or set early_stopping=True (it keeps "
            "the weights that match held-out classes best); to classify these "
            "classes only, pass n_way='all'.",
            UserWarning,
        )


def warn_if_episodes_cannot_query(codes):
    """Warn, and return False, when no training episode can have a query.

    An episode's queries are its classes' series beyond the support ones, and
    the sampler keeps one of each class to query. With a single series in
    every class (UCR Fungi: 18 classes, 18 series) no episode has a query, the
    episode loss is 0 at every step and training would run its epochs without
    changing a weight. The warning points at the user's line that called
    ``fit`` (``utils._warnings.warn``).
    """
    counts = np.bincount(np.asarray(codes))
    if counts.max() >= 2:
        return True
    warn(
        f"Every one of the {len(counts)} training classes has a single series, so "
        "no training episode has a query to match against its support set: the "
        "encoder is kept as initialised (or pretrained, with pretrain_epochs > "
        "0) and predict matches each series to the training series with it. "
        "Give some class at least 2 series to train the encoder.",
        ConvergenceWarning,
    )
    return False


def episode_loader(dataset, batch_size=None, n_way=2, k_shot=1, n_query=None,
                   n_episodes=None, random_state=None, **kwargs):
    """skorch ``iterator_train`` / ``iterator_valid``: a DataLoader of episodes.

    One episode per batch. The dataset's input must be a dict (our ``{"x",
    "lengths"}``); each batch gets an ``is_support`` bool tensor, the module's
    third argument. With ``random_state=None`` the seed is drawn from torch's
    global generator, which the estimators seed from ``random_state``, as for
    :func:`class_balanced_loader`: fresh episodes at each epoch (training).
    An int gives the same episodes at every call (validation, so that epochs
    are scored on the same episodes). ``n_episodes``: episodes per iteration
    (see :class:`EpisodeBatchSampler`). ``batch_size`` and ``shuffle`` are
    ignored: an episode's size follows from its classes.
    """
    kwargs.pop("shuffle", None)
    seed = int(torch.randint(2**31 - 1, ())) if random_state is None else random_state
    sampler = EpisodeBatchSampler(_dataset_labels(dataset), n_way, k_shot, n_query,
                                  n_episodes=n_episodes, random_state=seed)
    return torch.utils.data.DataLoader(
        _SupportFlagDataset(dataset), batch_sampler=_FlaggedEpisodes(sampler), **kwargs
    )


def episode_iterators(n_way, k_shot=1, n_query=None, *, n_episodes=None,
                      validation_seed=None):
    """skorch parameters serving a net's batches as :func:`episode_loader` episodes.

    Training episodes are drawn afresh at every epoch (seeded from torch's
    generator, which the estimator seeds), ``n_episodes`` of them per epoch
    (None: one pass over the classes); with ``validation_seed``, the
    validation set is served as episodes too, the same ones at every epoch
    (one pass over its classes).
    """
    iterators = ["iterator_train"] if validation_seed is None else \
        ["iterator_train", "iterator_valid"]
    params = {}
    for iterator in iterators:
        params.update({iterator: episode_loader, f"{iterator}__n_way": n_way,
                       f"{iterator}__k_shot": k_shot, f"{iterator}__n_query": n_query})
    params["iterator_train__n_episodes"] = n_episodes
    if validation_seed is not None:
        params["iterator_valid__random_state"] = validation_seed
    return params
