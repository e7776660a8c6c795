"""Seeded batch samplers served to skorch through ``iterator_train``."""

import math

import numpy as np
import torch


class ClassBalancedBatchSampler(torch.utils.data.Sampler):
    """Seeded class-balanced ("P x K") batches of sample indices.

    Each batch holds ``samples_per_class`` (K) samples of each of P classes,
    ``P = min(n_classes, batch_size // K)``, the classes drawn at random when
    not all fit. Within a class, samples are served from a shuffled queue, so an
    epoch sees each sample about equally often; a class smaller than K gives all
    its samples plus random repeats. This is what a loss over all in-batch pairs
    needs: every batch has positive and negative pairs. Use it as a DataLoader's
    ``batch_sampler`` (or through :func:`class_balanced_loader` with skorch).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
    batch_size : int
    samples_per_class : int or None, default=None
        K; None means ``max(1, batch_size // n_classes)``.
    n_batches : int or None, default=None
        Batches per iteration; None means ``ceil(n_samples / batch_size)``.
    random_state : int, RandomState instance or None, default=None
        Iterating twice gives different batches; the same seed gives the same
        sequence of batches.
    """

    def __init__(
        self, labels, batch_size, samples_per_class=None, n_batches=None,
        random_state=None,
    ):
        from sklearn.utils import check_random_state

        classes, codes = np.unique(np.asarray(labels), return_inverse=True)
        self.members = [np.flatnonzero(codes == c) for c in range(len(classes))]
        k = samples_per_class or max(1, batch_size // len(classes))
        self.samples_per_class = int(min(k, batch_size))
        self.classes_per_batch = max(
            1, min(len(classes), batch_size // self.samples_per_class)
        )
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
