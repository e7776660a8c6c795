"""The skorch wiring shared by all estimators."""

import numpy as np
import pytest
import torch
from torch import nn

from sktime_metric.utils._skorch import (
    ClassBalancedBatchSampler,
    GradientValueClipping,
    SequenceNet,
)


class _Linear(nn.Module):
    def __init__(self, penalty_value=0.0):
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.penalty_value = penalty_value

    def forward(self, x):
        return self.linear(x), x.sum(dim=1)  # extras after the first output

    def penalty(self):
        return self.penalty_value * self.linear.weight.pow(2).sum()


def _net(**kwargs):
    return SequenceNet(_Linear, criterion=nn.MSELoss, train_split=None,
                       max_epochs=1, verbose=0, **kwargs).initialize()


def test_loss_reads_first_output_and_adds_penalty_in_training_only():
    X = torch.ones(4, 2)
    y = torch.zeros(4, 1)
    net = _net(module__penalty_value=10.0)
    y_pred = net.infer(X)
    data = nn.functional.mse_loss(y_pred[0], y)
    penalty = 10.0 * net.module_.linear.weight.pow(2).sum()
    torch.testing.assert_close(net.get_loss(y_pred, y, training=True), data + penalty)
    torch.testing.assert_close(net.get_loss(y_pred, y, training=False), data)


def test_gradient_value_clipping_clamps_each_element():
    net = _net(lr=0.0, callbacks=[GradientValueClipping(1e-3)])
    X = np.full((8, 2), 100.0, dtype=np.float32)
    y = np.full((8, 1), -100.0, dtype=np.float32)
    net.partial_fit(X, y)
    grads = [p.grad for p in net.module_.parameters()]
    assert max(g.abs().max().item() for g in grads) <= 1e-3 + 1e-9


# -- class-balanced batches: positive and negative pairs by construction ---------


def _pair_counts(batch, labels):
    """Positive and negative pairs of distinct samples in one batch."""
    batch = np.asarray(batch)
    i, j = np.triu_indices(len(batch), k=1)
    distinct = batch[i] != batch[j]
    same = labels[batch[i]] == labels[batch[j]]
    return int((same & distinct).sum()), int((~same).sum())


def test_every_batch_has_positive_and_negative_pairs_24_classes_batch_36():
    # the routine benchmark: 24 time slots of 12 days, batches of 36; one
    # sample per class (36 // 24 = 1) made batches without a positive pair
    labels = np.repeat(np.arange(24), 12)
    sampler = ClassBalancedBatchSampler(labels, batch_size=36, random_state=0)
    assert sampler.samples_per_class == 2 and sampler.classes_per_batch == 18
    batches = [b for _ in range(3) for b in sampler]  # three epochs
    assert len(batches) == 3 * 8
    for batch in batches:
        assert len(batch) == 36 and len(set(batch)) == 36
        n_pos, n_neg = _pair_counts(batch, labels)
        assert n_pos == 18  # one pair in each of the 18 classes
        assert n_neg == 36 * 35 // 2 - 18


def test_positive_pairs_even_when_most_classes_are_singletons():
    labels = np.r_[np.arange(10), [10, 10, 10]]  # one class of 3, ten of 1
    sampler = ClassBalancedBatchSampler(labels, batch_size=4, random_state=0)
    batches = [b for _ in range(20) for b in sampler]
    for batch in batches:
        n_pos, n_neg = _pair_counts(batch, labels)
        assert n_pos >= 1 and n_neg >= 1
    seen = np.unique(np.concatenate(batches))
    assert len(seen) == 13  # the singletons are still served


@pytest.mark.parametrize("labels, kwargs, match", [
    (np.repeat([0, 1], 5), dict(batch_size=3), "batch_size must be at least 4"),
    (np.zeros(10), dict(batch_size=8), "have 1 class"),
    (np.arange(10), dict(batch_size=8), "no class of the 10 has 2 samples"),
    (np.repeat([0, 1], 5), dict(batch_size=8, samples_per_class=1),
     "samples_per_class must be between 2 and"),
    (np.repeat([0, 1], 5), dict(batch_size=8, samples_per_class=5),
     "between 2 and batch_size // 2 = 4, got 5"),
])
def test_class_balanced_sampler_refuses_batches_without_both_pairs(labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ClassBalancedBatchSampler(labels, **kwargs)
