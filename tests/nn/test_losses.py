"""Pair and triplet losses against brute-force formulas."""

import math

import pytest
import torch

from sktime_metric.nn import ContrastiveLoss, PairLogisticLoss, SiameseLoss, TripletLoss


def _randn(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def _sigmoid(u):
    return 1.0 / (1.0 + math.exp(-u))


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_pair_logistic_loss_is_the_papers_cross_entropy(reduction):
    logits = _randn(7) * 3
    target = torch.tensor([1, 0, 0, 1, 1, 0, 1])
    # L = -[sum_S log s + sum_D log(1 - s)], Sec. 3.1
    terms = [
        -math.log(_sigmoid(u)) if t else -math.log(1 - _sigmoid(u))
        for u, t in zip(logits.tolist(), target.tolist())
    ]
    expected = sum(terms) / (len(terms) if reduction == "mean" else 1)
    loss = PairLogisticLoss(reduction=reduction)(logits, target)
    assert loss.item() == pytest.approx(expected, rel=1e-12)


def test_pair_logistic_loss_is_finite_for_confident_logits_and_has_exact_gradient():
    logits = torch.tensor([80.0, -80.0], dtype=torch.float64, requires_grad=True)
    loss = PairLogisticLoss()(logits, torch.tensor([0, 1]))
    assert loss.item() == pytest.approx(160.0)
    assert torch.autograd.gradcheck(
        lambda u: PairLogisticLoss()(u, torch.tensor([1, 0, 1])), (_randn(3).requires_grad_(),)
    )
    with pytest.raises(ValueError, match="reduction"):
        PairLogisticLoss(reduction="none")


def _mean_of_nonzero(values):
    nonzero = [v for v in values if v > 0]
    return sum(nonzero) / len(nonzero) if nonzero else 0.0


def test_contrastive_loss_matches_brute_force():
    h1, h2 = _randn(8, 3), _randn(8, 3, seed=1) * 0.4
    target = torch.tensor([1, 0, 1, 0, 0, 1, 1, 0])
    loss = ContrastiveLoss(pos_margin=0.5, neg_margin=2.0)(h1, h2, target)
    d = [torch.linalg.vector_norm(a - b).item() for a, b in zip(h1, h2)]
    pos = [max(0.0, di - 0.5) for di, t in zip(d, target.tolist()) if t]
    neg = [max(0.0, 2.0 - di) for di, t in zip(d, target.tolist()) if not t]
    assert 0 < len([v for v in neg if v > 0]) < len(neg)  # the margins bite
    assert loss.item() == pytest.approx(_mean_of_nonzero(pos) + _mean_of_nonzero(neg))


def test_contrastive_loss_with_one_kind_of_pair_only():
    h1, h2 = _randn(4, 3), _randn(4, 3, seed=1)
    loss = ContrastiveLoss()(h1, h2, torch.ones(4))
    d = torch.linalg.vector_norm(h1 - h2, dim=1)
    assert loss.item() == pytest.approx(d.mean().item())


def test_triplet_loss_matches_brute_force():
    a, p, n = _randn(6, 4), _randn(6, 4, seed=1), _randn(6, 4, seed=2)
    loss = TripletLoss(margin=1.0)(a, p, n)
    terms = [
        max(0.0, (torch.dist(ai, pi) - torch.dist(ai, ni)).item() + 1.0)
        for ai, pi, ni in zip(a, p, n)
    ]
    assert loss.item() == pytest.approx(_mean_of_nonzero(terms))


def test_siamese_loss_routes_the_module_output():
    h = _randn(5, 2, 3)
    logits = _randn(5, 1)
    target = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
    pair = SiameseLoss("pair_logistic")
    assert pair((logits, h), target) == PairLogisticLoss()(logits[:, 0], target)
    torch.testing.assert_close(pair.pair_scores(logits, h), logits)
    contrastive = SiameseLoss("contrastive", margin=2.0)
    expected = ContrastiveLoss(neg_margin=2.0)(h[:, 0], h[:, 1], target)
    torch.testing.assert_close(contrastive((logits, h), target), expected)
    torch.testing.assert_close(
        contrastive.pair_scores(logits, h),
        -torch.linalg.vector_norm(h[:, 1] - h[:, 0], dim=1, keepdim=True),
    )
    triplet = SiameseLoss("triplet", margin=0.5)
    h3 = _randn(5, 3, 3)
    expected = TripletLoss(margin=0.5)(h3[:, 0], h3[:, 1], h3[:, 2])
    torch.testing.assert_close(triplet((_randn(5, 2), h3), torch.ones(5)), expected)
    assert triplet.pair_scores(None, h3).shape == (5, 2)


def test_siamese_loss_rejects_mismatched_tuples_and_names():
    with pytest.raises(ValueError, match="needs triplets"):
        SiameseLoss("triplet")((_randn(2, 1), _randn(2, 2, 3)), torch.ones(2))
    with pytest.raises(ValueError, match="needs pairs"):
        SiameseLoss("pair_logistic")((_randn(2, 2), _randn(2, 3, 3)), torch.ones(2))
    with pytest.raises(ValueError, match="loss must be"):
        SiameseLoss("hinge")
