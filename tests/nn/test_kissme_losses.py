"""KISSME head and losses, and the cosine margin loss, against brute force.

The contrastive KISSME loss (thesis eq. 3.47) and the margin cosine loss are
:class:`ContrastiveLoss` on the squared Mahalanobis / cosine distance, built
here as ``Seq2SeqLoss`` builds them.
"""

import pickle

import numpy as np
import pytest
import torch

from sktime_metric.nn import (
    ContrastiveLoss,
    CosineDistance,
    KISSMEHead,
    KISSMELoss,
    SquaredMahalanobisDistance,
)
from sktime_metric.nn.kissme import cholesky_logdet


def _randn(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def _spd(m, seed=0):
    a = _randn(m, m, seed=seed)
    return a @ a.T + 0.1 * torch.eye(m, dtype=torch.float64)


_TARGET = torch.tensor([1, 0, 1, 0, 0, 1, 1, 0, 0])


def _pairs(z1, z2):
    return torch.stack([z1, z2], dim=1)


def _contrastive_kissme(margin=1.0, margin_scale="absolute", reduction="mean"):
    """Eq. 3.47 as ``Seq2SeqLoss("kissme_contrastive")`` builds it."""
    loss = ContrastiveLoss(
        margin, SquaredMahalanobisDistance(per_dimension=margin_scale == "dim"),
        power=1, reduction=reduction,
        margin_scale="relative" if margin_scale == "relative" else "absolute")
    return lambda z1, z2, target, M: loss(_pairs(z1, z2), target, M)


def _brute_kissme(z1, z2, target, M, reg, reduction):
    """Thesis eqs. 3.43-3.44 pair by pair, in numpy."""
    z1, z2, M = z1.numpy(), z2.numpy(), M.numpy()
    sim = target.numpy() > 0
    delta = z1 - z2
    m = M.shape[0]

    def logdet(d):
        sigma = sum(np.outer(v, v) for v in d) / len(d)
        eps = reg * (np.trace(sigma) / m + 1e-8)
        return np.linalg.slogdet(sigma + eps * np.eye(m))[1]

    ld = logdet(delta[sim]) - logdet(delta[~sim])
    s = np.array([0.5 * (ld + v @ M @ v) for v in delta])
    signed = np.where(sim, s, -s)
    if reduction == "balanced":
        return s[sim].mean() - s[~sim].mean()
    return signed.mean() if reduction == "thesis" else signed.sum()


def test_cholesky_logdet_is_the_ridged_logdet_and_falls_back_on_indefinite():
    sigma = _spd(4)
    eps = 1e-3 * (torch.trace(sigma) / 4 + 1e-8)
    expected = torch.linalg.slogdet(sigma + eps * torch.eye(4, dtype=torch.float64))[1]
    assert cholesky_logdet(sigma).item() == pytest.approx(expected.item(), rel=1e-12)
    # float32 input: computed in float64, returned in float32
    assert cholesky_logdet(sigma.float()).dtype == torch.float32
    # a rank-1 covariance: finite thanks to the ridge
    v = _randn(4, 1)
    assert torch.isfinite(cholesky_logdet(v @ v.T))
    # indefinite: the Cholesky factorisation fails, slogdet answers log|det|
    indefinite = torch.diag(torch.tensor([2.0, -1.0, 3.0], dtype=torch.float64))
    ridge = 1e-3 * (4.0 / 3 + 1e-8)
    expected = np.log(abs((2 + ridge) * (-1 + ridge) * (3 + ridge)))
    assert cholesky_logdet(indefinite).item() == pytest.approx(expected)


@pytest.mark.parametrize("reduction", ["thesis", "sum", "balanced"])
def test_kissme_loss_matches_brute_force(reduction):
    z1, z2 = _randn(9, 3), _randn(9, 3, seed=1)
    M = _spd(3, seed=2)
    loss = KISSMELoss(reduction=reduction)(_pairs(z1, z2), _TARGET, M)
    expected = _brute_kissme(z1, z2, _TARGET, M, 1e-3, reduction)
    assert loss.item() == pytest.approx(expected, rel=1e-10)


def test_kissme_loss_accepts_plus_minus_one_labels_and_balanced_drops_logdet():
    z1, z2, M = _randn(9, 3), _randn(9, 3, seed=1), _spd(3, seed=2)
    loss = KISSMELoss()
    assert loss(_pairs(z1, z2), 2 * _TARGET - 1, M).item() == pytest.approx(
        loss(_pairs(z1, z2), _TARGET, M).item())
    # balanced: mean_P s - mean_N s, and the logdet terms cancel
    q = (((z1 - z2) @ M) * (z1 - z2)).sum(1) / 2
    sim = _TARGET > 0
    expected = q[sim].mean() - q[~sim].mean()
    got = KISSMELoss(reduction="balanced")(_pairs(z1, z2), _TARGET, M)
    assert got.item() == pytest.approx(expected.item(), rel=1e-12)


def test_kissme_loss_logdet_part_vanishes_on_balanced_batches_and_is_scale_free():
    # eqs. 3.43-3.44: the sum of the logdet parts = (|P| - |N|) / 2 * (...)
    z1, z2, M = _randn(8, 3), _randn(8, 3, seed=1), _spd(3, seed=2)
    target = torch.tensor([1, 0] * 4)
    q = (((z1 - z2) @ M) * (z1 - z2)).sum(1) / 2
    expected = torch.where(target > 0, q, -q).mean()
    got = KISSMELoss(regularization=0.0)(_pairs(z1, z2), target, M)
    assert got.item() == pytest.approx(expected.item(), rel=1e-10)


def test_kissme_loss_gradcheck_and_no_gradient_to_M():
    z1 = _randn(9, 3).requires_grad_()
    z2 = _randn(9, 3, seed=1).requires_grad_()
    M = _spd(3, seed=2).requires_grad_()
    loss = KISSMELoss()
    assert torch.autograd.gradcheck(lambda a, b: loss(_pairs(a, b), _TARGET, M), (z1, z2))
    loss(_pairs(z1, z2), _TARGET, M).backward()
    assert M.grad is None  # M is fixed: only the closed-form update changes it


def test_kissme_loss_warns_and_drops_logdet_without_both_kinds_of_pair():
    z1, z2, M = _randn(4, 3), _randn(4, 3, seed=1), _spd(3)
    ones = torch.ones(4)
    with pytest.warns(RuntimeWarning, match="only similar pairs"):
        value = KISSMELoss()(_pairs(z1, z2), ones, M)
    q = (((z1 - z2) @ M) * (z1 - z2)).sum(1) / 2
    assert value.item() == pytest.approx(q.mean().item())
    with pytest.raises(ValueError, match="reduction"):
        KISSMELoss(reduction="mean")


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_contrastive_kissme_loss_matches_brute_force(reduction):
    z1, z2, M = _randn(9, 3), _randn(9, 3, seed=1) * 0.3, _spd(3, seed=2) * 0.2
    loss = _contrastive_kissme(margin=1.0, reduction=reduction)(z1, z2, _TARGET, M)
    terms = []
    for a, b, t in zip(z1.numpy(), z2.numpy(), _TARGET.tolist()):
        q = (a - b) @ M.numpy() @ (a - b)  # Delta M Delta^T, eq. 3.47
        terms.append(q if t else max(0.0, 1.0 - q))
    assert 0 < sum(1 for t, v in zip(_TARGET, terms) if not t and v > 0) < 5
    expected = np.mean(terms) if reduction == "mean" else np.sum(terms)
    assert loss.item() == pytest.approx(expected, rel=1e-12)


def test_contrastive_kissme_loss_gradient_is_finite_at_zero_distance():
    z = _randn(4, 3).requires_grad_()
    M = _spd(3)
    loss = _contrastive_kissme()(z, z.detach().clone(), torch.tensor([1, 0, 1, 0]), M)
    loss.backward()
    assert torch.isfinite(z.grad).all()
    assert torch.autograd.gradcheck(
        lambda a: _contrastive_kissme()(a, z.detach() * 0.5, _TARGET[:4], M * 0.1),
        (_randn(4, 3, seed=3).requires_grad_(),),
    )


def _brute_contrastive(z1, z2, target, M, margin):
    q = np.array([(a - b) @ M.numpy() @ (a - b) for a, b in zip(z1.numpy(), z2.numpy())])
    sim = target.numpy() > 0
    return q, np.where(sim, q, np.maximum(0.0, margin - q)), sim


def test_contrastive_kissme_margin_scales_match_brute_force():
    z1, z2, M = _randn(9, 3), _randn(9, 3, seed=1) * 0.3, _spd(3, seed=2) * 0.2
    q, _, sim = _brute_contrastive(z1, z2, _TARGET, M, 0.0)
    # relative: the margin is in units of the batch's mean similar-pair q
    got = _contrastive_kissme(1.5, margin_scale="relative")(z1, z2, _TARGET, M)
    _, terms, _ = _brute_contrastive(z1, z2, _TARGET, M, 1.5 * q[sim].mean())
    assert got.item() == pytest.approx(terms.mean(), rel=1e-12)
    # dim: q per dimension in both terms
    got = _contrastive_kissme(0.4, margin_scale="dim")(z1, z2, _TARGET, M)
    terms = np.where(sim, q / 3, np.maximum(0.0, 0.4 - q / 3))
    assert got.item() == pytest.approx(terms.mean(), rel=1e-12)
    # a batch without similar pairs: relative to the mean q of all its pairs
    none = torch.zeros(9, dtype=torch.long)
    got = _contrastive_kissme(1.0, margin_scale="relative")(z1, z2, none, M)
    assert got.item() == pytest.approx(np.maximum(0.0, q.mean() - q).mean(), rel=1e-12)
    with pytest.raises(ValueError, match="margin_scale"):
        ContrastiveLoss(margin_scale="median")


def test_relative_and_dim_margins_follow_the_scale_of_the_distances():
    # Closed-form M whitens the similar pairs: their q is about m, so an
    # absolute margin of 1 leaves almost no dissimilar pair in the hinge
    m, n = 50, 400
    g = torch.Generator().manual_seed(0)
    z1 = torch.randn(n, m, generator=g, dtype=torch.float64)
    target = torch.arange(n) % 2
    spread = torch.where(target.bool(), 1.0, 1.5).to(torch.float64)[:, None]
    z2 = z1 + spread * torch.randn(n, m, generator=g, dtype=torch.float64)
    M = torch.eye(m, dtype=torch.float64)  # Sigma_S^-1: similar differences ~ N(0, I)
    q = ((z1 - z2) @ M * (z1 - z2)).sum(1)
    assert 0.8 * m < q[target == 1].mean() < 1.2 * m

    def active(loss):  # fraction of dissimilar pairs in the hinge
        z = z1.clone().requires_grad_()
        loss(z, z2, target, M).backward()
        return (z.grad[target == 0].abs().sum(1) > 0).double().mean().item()

    assert active(_contrastive_kissme(1.0)) == 0.0
    for loss in (_contrastive_kissme(2.0, margin_scale="relative"),
                 _contrastive_kissme(2.0, margin_scale="dim")):
        assert 0.3 < active(loss) < 1.0
    # relative: the hinge is invariant to the scale of the embedding (the loss
    # scales with it); dim: the absolute loss with the margin times m, over m
    rel = _contrastive_kissme(2.0, margin_scale="relative")
    assert rel(3 * z1, 3 * z2, target, M).item() == pytest.approx(
        9 * rel(z1, z2, target, M).item(), rel=1e-10)
    dim = _contrastive_kissme(2.0, margin_scale="dim")(z1, z2, target, M)
    assert dim.item() == pytest.approx(
        _contrastive_kissme(2.0 * m)(z1, z2, target, M).item() / m, rel=1e-12)


def test_relative_margin_passes_no_gradient_through_the_reference():
    z1, z2, M = _randn(9, 3), _randn(9, 3, seed=1) * 0.3, _spd(3, seed=2) * 0.2
    q, _, sim = _brute_contrastive(z1, z2, _TARGET, M, 0.0)
    a = z1.clone().requires_grad_()
    _contrastive_kissme(1.5, margin_scale="relative")(a, z2, _TARGET, M).backward()
    b = z1.clone().requires_grad_()
    _contrastive_kissme(1.5 * float(q[sim].mean()))(b, z2, _TARGET, M).backward()
    torch.testing.assert_close(a.grad, b.grad, rtol=1e-12, atol=1e-12)


def test_cosine_margin_loss_is_torch_cosine_embedding_loss():
    z1, z2 = _randn(9, 5), _randn(9, 5, seed=1)
    expected = torch.nn.CosineEmbeddingLoss(margin=0.5)(z1, z2, 2 * _TARGET - 1)
    # [cos - m]_+ = [(1 - m) - (1 - cos)]_+: margin 1 - m on the cosine distance
    got = ContrastiveLoss(1 - 0.5, CosineDistance(), power=1)(_pairs(z1, z2), _TARGET)
    assert got.item() == pytest.approx(expected.item(), rel=1e-12)
    assert torch.autograd.gradcheck(
        lambda a: ContrastiveLoss(0.9, CosineDistance(), power=1)(_pairs(a, z2), _TARGET),
        (z1.clone().requires_grad_(),),
    )


def test_kissme_head_distance_projection_and_update():
    head = KISSMEHead(6, 3).double()
    y1, y2 = _randn(5, 6), _randn(5, 6, seed=1)
    z1, z2 = head(y1), head(y2)
    np.testing.assert_allclose(z1.detach(), y1 @ head.proj.weight.detach().T)
    M = _spd(3)
    head.set_metric(M)
    assert not head.M.requires_grad and "M" not in dict(head.named_parameters())
    expected = [(a - b) @ M @ (a - b) for a, b in zip(z1.detach(), z2.detach())]
    np.testing.assert_allclose(head.sq_distance(z1, z2).detach(), expected, rtol=1e-12)
    assert head.penalty().item() == 0


def test_kissme_head_set_metric_keeps_the_symmetric_part_in_float64():
    head = KISSMEHead(4, 3)
    A = _randn(3, 3, seed=2)
    head.set_metric(A)
    assert head.M.dtype == torch.float64
    np.testing.assert_allclose(head.M, (A + A.T) / 2, rtol=1e-12)
    assert torch.equal(head.M, head.M.T)


def test_orthogonal_head_has_orthonormal_columns_and_pickles():
    head = KISSMEHead(6, 3, constraint="orthogonal").double()
    w = head.projection().detach()
    np.testing.assert_allclose(w @ w.T, np.eye(3), atol=1e-12)
    restored = pickle.loads(pickle.dumps(head))
    y = _randn(4, 6)
    torch.testing.assert_close(restored(y), head(y))
    # through the QR factorisation, to the free weight and to the input
    weight = head.proj.weight.detach().clone().requires_grad_()

    def project(v, w):  # the head's map, as a function of its free weight
        q, r = torch.linalg.qr(w.T)
        return v @ (q * torch.sign(torch.diagonal(r)))

    assert torch.autograd.gradcheck(project, (y.requires_grad_(), weight))
    torch.testing.assert_close(project(y, weight), head(y))
    with pytest.raises(ValueError, match="out_features must be <= in_features"):
        KISSMEHead(3, 6, constraint="orthogonal")


def test_penalty_head_penalises_non_orthonormal_projections():
    head = KISSMEHead(4, 2, constraint="penalty", penalty_weight=0.5).double()
    with torch.no_grad():
        head.proj.weight.copy_(torch.tensor([[2.0, 0, 0, 0], [0, 1.0, 0, 0]]))
    # W_p^T W_p - I = diag(3, 0): 0.5 * 9
    assert head.penalty().item() == pytest.approx(4.5)
    with pytest.raises(ValueError, match="constraint"):
        KISSMEHead(4, 2, constraint="unit")


def test_kissme_head_stays_psd_and_bounded_on_badly_conditioned_embeddings():
    # similar-pair differences whose covariance spans 12 decades (collinear,
    # near-constant embedding coordinates), in float32 as a network gives them
    from sktime_metric.metric import kissme_metric

    rng = np.random.RandomState(0)
    d, r = 8, 1e-3  # r: the head's default relative ridge (KISSMEUpdate)
    scales = np.logspace(-8, 4, d)
    basis = np.linalg.qr(rng.randn(d, d))[0]
    similar = ((rng.randn(400, d) * np.sqrt(scales)) @ basis.T).astype(np.float32)
    dissimilar = (rng.randn(400, d) * 100).astype(np.float32)
    sigma_s = similar.T.astype(np.float64) @ similar / len(similar)
    sigma_d = dissimilar.T.astype(np.float64) @ dissimilar / len(dissimilar)
    M = kissme_metric(sigma_s, sigma_d, regularization=r)[0]
    head = KISSMEHead(d, d)
    head.set_metric(M)
    assert head.M.dtype == torch.float64
    eigenvalues = torch.linalg.eigvalsh(head.M).numpy()
    # PSD to float64 rounding, relative to M's largest eigenvalue
    assert eigenvalues.min() >= -1e-12 * eigenvalues.max()
    # the ridge r tr(Sigma_S) / d bounds M's scale by d / (r tr(Sigma_S))
    assert eigenvalues.max() <= d / (r * np.trace(sigma_s)) * (1 + 1e-9)
    # float32 embeddings in, non-negative squared distances out, equal to the
    # float64 quadratic form up to float32 rounding of the result
    z1, z2 = torch.from_numpy(similar[:50]), torch.from_numpy(dissimilar[:50])
    got = head.sq_distance(z1, z2)
    assert got.dtype == torch.float32 and (got >= 0).all()
    delta = (z1 - z2).double().numpy()
    expected = np.einsum("ij,jk,ik->i", delta, M, delta)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
