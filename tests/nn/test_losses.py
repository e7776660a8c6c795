"""Distances, pair and triplet losses against brute-force formulas and pml."""

import math

import pytest
import torch

from sktime_metric.nn import (
    ContrastiveLoss,
    CosineDistance,
    EuclideanDistance,
    PairLogisticLoss,
    SiameseLoss,
    SquaredMahalanobisDistance,
    TripletLoss,
)


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


def test_distances_match_brute_force_and_have_finite_gradients():
    z1, z2 = _randn(6, 4), _randn(6, 4, seed=1)
    rows = list(zip(z1, z2))
    euclidean = [math.sqrt(sum((a - b) ** 2).item()) for a, b in rows]
    cosine = [1 - (a @ b / (a.norm() * b.norm())).item() for a, b in rows]
    M = _randn(4, 4, seed=2)
    M = M @ M.T
    quadratic = [((a - b) @ M @ (a - b)).item() for a, b in rows]
    torch.testing.assert_close(EuclideanDistance()(z1, z2), torch.tensor(euclidean, dtype=torch.float64))
    torch.testing.assert_close(CosineDistance()(z1, z2), torch.tensor(cosine, dtype=torch.float64))
    torch.testing.assert_close(SquaredMahalanobisDistance()(z1, z2, M),
                               torch.tensor(quadratic, dtype=torch.float64))
    torch.testing.assert_close(SquaredMahalanobisDistance(per_dimension=True)(z1, z2, M),
                               torch.tensor(quadratic, dtype=torch.float64) / 4)
    # a similar pair that has met: distance 0 and gradient 0, not NaN
    z = z1.clone().requires_grad_()
    EuclideanDistance()(z, z1).sum().backward()
    assert (z.grad == 0).all()
    # no gradient reaches M: the closed-form update owns it
    M.requires_grad_()
    SquaredMahalanobisDistance()(z, z2, M).sum().backward()
    assert M.grad is None


def test_contrastive_loss_matches_brute_force_hadsell():
    # power 2: Hadsell et al.'s loss, 1/2 [l d^2 + (1 - l) [m - d]_+^2], mean
    h1, h2 = _randn(8, 3), _randn(8, 3, seed=1) * 0.4
    target = torch.tensor([1, 0, 1, 0, 0, 1, 1, 0])
    d = [torch.linalg.vector_norm(a - b).item() for a, b in zip(h1, h2)]
    terms = [di**2 / 2 if t else max(0.0, 2.0 - di) ** 2 / 2
             for di, t in zip(d, target.tolist())]
    loss = ContrastiveLoss(margin=2.0)(torch.stack([h1, h2], 1), target)
    assert loss.item() == pytest.approx(sum(terms) / len(terms), rel=1e-12)
    # the same on precomputed distances (models that output them), and {1, -1} labels
    precomputed = ContrastiveLoss(2.0, distance="precomputed")
    got = precomputed(torch.tensor(d, dtype=torch.float64), 2 * target - 1)
    assert got.item() == pytest.approx(sum(terms) / len(terms), rel=1e-12)
    assert torch.autograd.gradcheck(
        lambda a: ContrastiveLoss(2.0)(torch.stack([a, h2], 1), target),
        (h1.clone().requires_grad_(),))


def test_contrastive_loss_nonzero_reduction_matches_brute_force():
    h1, h2 = _randn(8, 3), _randn(8, 3, seed=1) * 0.4
    target = torch.tensor([1, 0, 1, 0, 0, 1, 1, 0])
    loss = ContrastiveLoss(2.0, pos_margin=0.5, power=1, reduction="nonzero")(
        torch.stack([h1, h2], 1), target)
    d = [torch.linalg.vector_norm(a - b).item() for a, b in zip(h1, h2)]
    pos = [max(0.0, di - 0.5) for di, t in zip(d, target.tolist()) if t]
    neg = [max(0.0, 2.0 - di) for di, t in zip(d, target.tolist()) if not t]
    assert 0 < len([v for v in neg if v > 0]) < len(neg)  # the margins bite
    assert loss.item() == pytest.approx(_mean_of_nonzero(pos) + _mean_of_nonzero(neg))


def test_contrastive_and_triplet_losses_equal_pytorch_metric_learning():
    # the oracle: pml's losses on explicit pairs / triplets, Euclidean, raw embeddings
    from pytorch_metric_learning import distances, losses

    lp = distances.LpDistance(normalize_embeddings=False, p=2, power=1)
    h1, h2, h3 = _randn(10, 3), _randn(10, 3, seed=1) * 0.5, _randn(10, 3, seed=2)
    target = torch.tensor([1, 0, 1, 0, 0, 1, 1, 0, 1, 0])
    n, index = 10, torch.arange(10)
    s = target > 0
    pml = losses.ContrastiveLoss(pos_margin=0.2, neg_margin=1.5, distance=lp)(
        torch.cat([h1, h2]), indices_tuple=(index[s], index[s] + n, index[~s], index[~s] + n))
    ours = ContrastiveLoss(1.5, pos_margin=0.2, power=1, reduction="nonzero")(
        torch.stack([h1, h2], 1), target)
    assert ours.item() == pytest.approx(pml.item(), rel=1e-6)
    pml = losses.TripletMarginLoss(margin=1.0, distance=lp)(
        torch.cat([h1, h2, h3]), indices_tuple=(index, index + n, index + 2 * n))
    ours = TripletLoss(margin=1.0)(torch.stack([h1, h2, h3], 1))
    assert ours.item() == pytest.approx(pml.item(), rel=1e-6)


def test_contrastive_loss_with_one_kind_of_pair_only():
    h1, h2 = _randn(4, 3), _randn(4, 3, seed=1)
    loss = ContrastiveLoss(power=1, reduction="nonzero")(torch.stack([h1, h2], 1), torch.ones(4))
    d = torch.linalg.vector_norm(h1 - h2, dim=1)
    assert loss.item() == pytest.approx(d.mean().item())


def test_contrastive_loss_rejects_bad_options():
    with pytest.raises(ValueError, match="power"):
        ContrastiveLoss(power=3)
    with pytest.raises(ValueError, match="reduction"):
        ContrastiveLoss(reduction="none")
    with pytest.raises(TypeError, match="distance"):
        ContrastiveLoss(distance="euclidean")


def test_triplet_loss_matches_brute_force():
    a, p, n = _randn(6, 4), _randn(6, 4, seed=1), _randn(6, 4, seed=2)
    loss = TripletLoss(margin=1.0)(torch.stack([a, p, n], 1))
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
    expected = ContrastiveLoss(2.0, power=1, reduction="nonzero")(h, target)
    torch.testing.assert_close(contrastive((logits, h), target), expected)
    torch.testing.assert_close(
        contrastive.pair_scores(logits, h),
        -torch.linalg.vector_norm(h[:, 1] - h[:, 0], dim=1, keepdim=True),
    )
    triplet = SiameseLoss("triplet", margin=0.5)
    h3 = _randn(5, 3, 3)
    expected = TripletLoss(margin=0.5)(h3)
    torch.testing.assert_close(triplet((_randn(5, 2), h3), torch.ones(5)), expected)
    assert triplet.pair_scores(None, h3).shape == (5, 2)


def test_siamese_loss_rejects_mismatched_tuples_and_names():
    with pytest.raises(ValueError, match="needs triplets"):
        SiameseLoss("triplet")((_randn(2, 1), _randn(2, 2, 3)), torch.ones(2))
    with pytest.raises(ValueError, match="needs pairs"):
        SiameseLoss("pair_logistic")((_randn(2, 2), _randn(2, 3, 3)), torch.ones(2))
    with pytest.raises(ValueError, match="loss must be"):
        SiameseLoss("hinge")


@pytest.mark.parametrize("margins, hinged", [((0.0, 1e3), "positive"),
                                             ((1e3, 0.0), "negative")])
def test_structural_loss_hinges_each_variance_at_its_own_margin(margins, hinged):
    # with both hinges active, var_P - m+ + var_N - m- does not tell the two
    # margins apart: here one hinge is closed, so only the other variance counts
    from sktime_metric.nn.losses import StructuralLoss

    y = torch.tensor([0, 1, 2, 0, 1, 0, 2])
    points = _randn(7, 3)
    D = torch.cdist(points, points)
    same = (y[:, None] == y[None, :]) & ~torch.eye(7, dtype=torch.bool)
    variance = {"positive": D[same].var(unbiased=False),
                "negative": D[y[:, None] != y[None, :]].var(unbiased=False)}
    m_pos, m_neg = margins
    # a fresh loss centres each variance on its batch mean (the first batch)
    loss = StructuralLoss(var_margin_pos=m_pos, var_margin_neg=m_neg)(D, y)
    local = StructuralLoss(global_weight=0.0)(D, y)
    torch.testing.assert_close(loss - local, 0.5 / 2 * variance[hinged])
