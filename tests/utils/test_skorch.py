"""The skorch wiring shared by all estimators."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from skorch.callbacks import Callback
from torch import nn

from sktime_metric.utils._skorch import (
    AfterLearningStarts,
    ClassBalancedBatchSampler,
    GradientValueClipping,
    LRDecayOnPlateau,
    SequenceNet,
    plateau_lr_schedule,
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


def test_a_non_finite_training_loss_stops_the_fit_with_a_clear_error():
    # an infinite input makes the loss infinite in the first batch, on every CPU
    X = torch.ones(8, 2)
    X[5, 0] = float("inf")
    y = torch.zeros(8, 1)
    net = SequenceNet(_Linear, criterion=nn.MSELoss, train_split=None, max_epochs=3,
                      batch_size=4, iterator_train__shuffle=False, verbose=0)
    with pytest.raises(ValueError, match=r"Training diverged: .* at epoch 1, batch 2"):
        net.fit(X, y)
    # the same data without the infinity trains
    X[5, 0] = 1.0
    assert np.isfinite(net.fit(X, y).history[:, "train_loss"]).all()


def test_gradient_value_clipping_clamps_each_element():
    net = _net(lr=0.0, callbacks=[GradientValueClipping(1e-3)])
    X = np.full((8, 2), 100.0, dtype=np.float32)
    y = np.full((8, 1), -100.0, dtype=np.float32)
    net.partial_fit(X, y)
    grads = [p.grad for p in net.module_.parameters()]
    assert max(g.abs().max().item() for g in grads) <= 1e-3 + 1e-9


# -- learning-rate decay on a plateau ------------------------------------------


class _Line(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x * self.weight


class _ScriptedScore(Callback):
    """Records a given score each epoch, and the weight at each epoch's ends."""

    def __init__(self, scores):
        self.scores = scores

    def on_train_begin(self, net, **kwargs):
        self.begin_, self.end_ = [], []

    def on_epoch_begin(self, net, **kwargs):
        self.begin_.append(net.module_.weight.item())

    def on_epoch_end(self, net, **kwargs):
        self.end_.append(net.module_.weight.item())
        net.history.record("score", self.scores[len(net.history) - 1])


@pytest.mark.parametrize("patience", [1, 2])
def test_lr_decay_on_plateau_decays_and_reloads_the_best_epoch(patience):
    scores = [0.5, 0.7, 0.7, 0.6, 0.8, 0.1, 0.2, 0.3, 0.9, 0.9]
    script = _ScriptedScore(scores)
    net = SequenceNet(
        _Line, criterion=nn.MSELoss, train_split=None, max_epochs=len(scores),
        lr=0.1, batch_size=4, verbose=0, optimizer=torch.optim.SGD,
        callbacks=[("script", script),
                   ("decay", LRDecayOnPlateau("score", False, 0.5, patience))],
    )
    X = torch.ones(4, 1)
    net.fit(X, 3 * X)
    # the rule, replayed: after `patience` epochs without a strictly higher
    # score, halve the rate, restart the count and go back to the best epoch
    best, best_weight, stale, lr = -np.inf, None, 0, 0.1
    for epoch, score in enumerate(scores):
        weight = script.end_[epoch]
        if score > best:
            best, best_weight, stale = score, weight, 0
        else:
            stale += 1
            if stale == patience:
                lr, stale, weight = lr * 0.5, 0, best_weight
        if epoch + 1 < len(scores):
            assert script.begin_[epoch + 1] == weight
    assert lr < 0.1  # the rule fired
    assert net.optimizer_.param_groups[0]["lr"] == pytest.approx(lr, rel=1e-12)
    assert net.history[:, "event_lr"][0] == 0.1
    assert dict(net.callbacks_)["decay"].best_state_ is None  # not pickled


def test_lr_decay_on_plateau_is_a_plain_sklearn_style_callback():
    decay = LRDecayOnPlateau("valid_auc", False, factor=0.4, patience=3)
    params = decay.get_params()
    assert params == dict(monitor="valid_auc", lower_is_better=False, factor=0.4,
                          patience=3, restore_best=True)
    assert clone(decay).get_params() == params
    assert decay.kwargs == dict(mode="max", factor=0.4, patience=2, threshold=0.0,
                                eps=0.0)
    with pytest.raises(ValueError, match="patience must be at least 1"):
        LRDecayOnPlateau("valid_auc", False, 0.4, 0).initialize()


def test_plateau_lr_schedule_is_torch_reduce_lr_on_plateau():
    schedule = plateau_lr_schedule("valid_acc", lower_is_better=False, factor=0.5,
                                   patience=2, threshold=0.0)
    assert schedule.policy is torch.optim.lr_scheduler.ReduceLROnPlateau
    assert schedule.monitor == "valid_acc"
    assert schedule.kwargs == dict(mode="max", factor=0.5, patience=2, threshold=0.0)
    # decays after more than `patience` epochs without a higher score
    lrs = schedule.simulate(6, 1.0, step_args=[1, 1, 1, 1, 2, 2])
    np.testing.assert_allclose(lrs, [1, 1, 1, 1, 0.5, 0.5])


class _EpochEnds(Callback):
    """Records the epochs whose end it sees."""

    def on_train_begin(self, net, **kwargs):
        self.epochs_ = []

    def on_epoch_end(self, net, **kwargs):
        self.epochs_.append(len(net.history))


@pytest.mark.parametrize("kwargs, first", [
    (dict(baseline=None), 1),
    (dict(baseline=None, min_epochs=3), 3),
    (dict(baseline=0.5), 2),  # the first score below 0.5: epoch 2
    (dict(baseline=0.5, min_epochs=3), 4),  # epoch 3's 0.8 is not below
])
def test_after_learning_starts_waits_for_min_epochs_and_the_baseline(kwargs, first):
    scores = [0.9, 0.4, 0.8, 0.3, 0.7, 0.2]
    inner = _EpochEnds()
    net = SequenceNet(
        _Line, criterion=nn.MSELoss, train_split=None, max_epochs=len(scores),
        lr=0.1, batch_size=4, verbose=0, optimizer=torch.optim.SGD,
        callbacks=[("script", _ScriptedScore(scores)),
                   ("after", AfterLearningStarts(inner, monitor="score", **kwargs))],
    )
    X = torch.ones(4, 1)
    net.fit(X, 3 * X)
    # once started, every later epoch (whatever its score) reaches the callback
    assert inner.epochs_ == list(range(first, len(scores) + 1))


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


def test_derive_seed_draws_from_a_random_state_instance():
    from sktime_metric.base import derive_seed

    assert derive_seed(7) == 7 and derive_seed(np.int64(2**31 + 7)) == 7
    # a RandomState is a source of seeds: the same state, the same seed ...
    seeds = [derive_seed(np.random.RandomState(k)) for k in (3, 3, 4, 5)]
    assert seeds[0] == seeds[1] and len(set(seeds)) == 3
    assert all(0 <= s < 2**31 for s in seeds)
    # ... and one shared generator gives each fit a seed of its own
    rng = np.random.RandomState(0)
    assert len({derive_seed(rng) for _ in range(5)}) == 5


def test_derive_seed_from_a_random_state_is_its_next_draw_below_int32_max():
    # the seed a RandomState gives is one randint draw over [0, 2**31 - 1):
    # a fit given RandomState(k) trains the same model in every version
    from sktime_metric.base import derive_seed

    for k in (0, 3, 12345):
        expected = np.random.RandomState(k).randint(np.iinfo(np.int32).max)
        assert derive_seed(np.random.RandomState(k)) == expected


def test_seeded_generators_seed_the_cpu_generator_and_restore_the_callers():
    # whatever the caller's generator holds, the block draws the seed's
    # stream, and the caller's state is back after it
    from sktime_metric._seeding import _seeded_generators

    draws = []
    for callers in (5, 6):
        torch.manual_seed(callers)
        before = torch.random.get_rng_state()
        with _seeded_generators("cpu", 7):
            draws.append(torch.rand(3))
        assert torch.equal(torch.random.get_rng_state(), before)
    torch.manual_seed(7)
    assert torch.equal(draws[0], torch.rand(3)) and torch.equal(draws[1], draws[0])
