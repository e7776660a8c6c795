"""Reconstruction losses, the Seq2Seq autoencoder and the SS2S module / criterion."""

import numpy as np
import pytest
import torch

from sktime_metric.nn import (
    ContrastiveLoss,
    CosineReconstructionLoss,
    Seq2SeqAutoencoder,
    Seq2SeqLoss,
    Seq2SeqMetricModule,
    SequenceMSELoss,
    SquaredMahalanobisDistance,
)


def _randn(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64)


def _padded(seed=0):
    """A (4, 6, 3) batch, zero past the lengths 6, 4, 2, 1."""
    lengths = torch.tensor([6, 4, 2, 1])
    x = _randn(4, 6, 3, seed=seed)
    x = x * (torch.arange(6)[None, :, None] < lengths[:, None, None])
    return x, lengths


@pytest.mark.parametrize("channel_reduction", ["mean", "sum"])
def test_sequence_mse_matches_brute_force_on_valid_steps(channel_reduction):
    x, lengths = _padded()
    x_hat = _randn(4, 6, 3, seed=1)  # garbage past the lengths must not count
    per_seq = []
    for a, b, n in zip(x.numpy(), x_hat.numpy(), lengths.tolist()):
        sq = ((a[:n] - b[:n]) ** 2).sum(axis=1)
        per_seq.append(np.mean(sq / (3 if channel_reduction == "mean" else 1)))
    loss = SequenceMSELoss(channel_reduction)(x_hat, x, lengths)
    assert loss.item() == pytest.approx(np.mean(per_seq), rel=1e-12)
    none = SequenceMSELoss(channel_reduction, reduction="none")(x_hat, x, lengths)
    np.testing.assert_allclose(none, per_seq, rtol=1e-12)


def test_crl_is_zero_for_collinear_and_two_for_opposite_reconstructions():
    x, lengths = _padded()
    x_hat = 2.5 * x + 1e3 * (x == 0)  # padding garbage is ignored
    assert CosineReconstructionLoss()(x_hat, x, lengths).item() == pytest.approx(0, abs=1e-12)
    assert CosineReconstructionLoss()(-x, x, lengths).item() == pytest.approx(2.0)
    # literal eq. 3.49: T_i - sum_t cos = 2 T_i for the opposite sequence
    per_seq = CosineReconstructionLoss("sum", reduction="none")(-x, x, lengths)
    np.testing.assert_allclose(per_seq, 2 * lengths.double())


def test_crl_matches_brute_force_and_has_exact_gradients():
    x, lengths = _padded()
    x_hat = _randn(4, 6, 3, seed=1)
    per_seq = []
    for a, b, n in zip(x.numpy(), x_hat.numpy(), lengths.tolist()):
        cos = [u @ v / (np.linalg.norm(u) * np.linalg.norm(v)) for u, v in zip(a[:n], b[:n])]
        per_seq.append(np.mean(1 - np.array(cos)))
    loss = CosineReconstructionLoss()(x_hat, x, lengths)
    assert loss.item() == pytest.approx(np.mean(per_seq), rel=1e-12)
    assert torch.autograd.gradcheck(
        lambda r: CosineReconstructionLoss()(r, x, lengths), (x_hat.requires_grad_(),)
    )
    with pytest.raises(ValueError, match="time_reduction"):
        CosineReconstructionLoss("max")


def test_masking_noise_zeroes_a_fraction_of_values_in_training_only():
    ae = Seq2SeqAutoencoder(3, 8, input_mask_p=0.3)
    x = torch.ones(200, 10, 3)
    zeroed = (ae.corrupt(x) == 0).float().mean().item()
    assert zeroed == pytest.approx(0.3, abs=0.02)
    ae.eval()
    assert torch.equal(ae.corrupt(x), x)
    lengths = torch.full((200,), 10)
    torch.testing.assert_close(ae(x, lengths)[0], ae.encode(x, lengths))
    with pytest.raises(ValueError, match="input_mask_p"):
        Seq2SeqAutoencoder(3, 8, input_mask_p=1.0)


def test_masking_noise_is_drawn_per_value_not_per_step():
    # an element-wise mask on (time, channels): a step loses some of its
    # channels only (for p = 0.3 and 3 channels, 1 - 0.7^3 - 0.3^3 = 63 %)
    torch.manual_seed(0)
    ae = Seq2SeqAutoencoder(3, 8, input_mask_p=0.3)
    zeroed = (ae.corrupt(torch.ones(200, 10, 3)) == 0).sum(-1)
    partial = ((zeroed > 0) & (zeroed < 3)).float().mean().item()
    assert partial == pytest.approx(0.63, abs=0.05)


def test_metric_module_encodes_corrupted_inputs_in_training_only():
    # the denoising autoencoder's noise reaches the pairs' embeddings too; the
    # reconstruction target stays the clean input
    torch.manual_seed(0)
    module = Seq2SeqMetricModule(3, 8, input_mask_p=0.5)
    x, lengths = _padded()
    x = x.float()
    z, _, target, _, _ = module(x, lengths)
    clean = module.embed(x, lengths)
    assert (z[:, 0] - clean).abs().max() > 1e-4
    torch.testing.assert_close(target, x, rtol=0, atol=0)
    module.eval()
    torch.testing.assert_close(module(x, lengths)[0][:, 0], clean)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_autoencoder_is_invariant_to_padding_and_batch_mates(cell):
    ae = Seq2SeqAutoencoder(3, 8, cell=cell).double().eval()
    x, lengths = _padded()
    y, x_hat = ae(x, lengths)
    assert y.shape == (4, 8) and x_hat.shape == (4, 6, 3)
    mask = torch.arange(6)[None, :] < lengths[:, None]
    assert (x_hat[~mask] == 0).all()
    for i, n in enumerate(lengths.tolist()):
        y_i, x_hat_i = ae(x[i : i + 1, :n], lengths[i : i + 1])
        torch.testing.assert_close(y_i[0], y[i])
        torch.testing.assert_close(x_hat_i[0], x_hat[i, :n])
    longer = torch.cat([x, torch.zeros(4, 5, 3, dtype=x.dtype)], dim=1)
    torch.testing.assert_close(ae(longer, lengths)[0], y)


@pytest.mark.learning
def test_denoising_autoencoder_reconstruction_error_falls_on_a_toy_set(
    learning_seed, learning_outcome
):
    torch.manual_seed(learning_seed)
    t = torch.arange(20.0)
    phase = torch.rand(64, 1) * 6.3
    x = torch.stack([torch.sin(t / 3 + phase), torch.cos(t / 3 + phase)], dim=-1)
    lengths = torch.randint(8, 21, (64,))
    x = x * (t[None, :, None] < lengths[:, None, None])
    ae = Seq2SeqAutoencoder(2, 16, cell="gru", input_mask_p=0.3)
    loss = SequenceMSELoss()

    def error():
        ae.eval()
        with torch.no_grad():
            return loss(ae(x, lengths)[1], x, lengths).item()

    before = error()
    optimizer = torch.optim.Adam(ae.parameters(), lr=1e-2)
    for _ in range(150):
        ae.train()
        optimizer.zero_grad()
        loss(ae(x, lengths)[1], x, lengths).backward()
        optimizer.step()
    after = error()
    # seeds 0-4, native and default kernels: 0.019-0.039
    assert learning_outcome("error ratio", after / before) < 0.2


def test_metric_module_outputs_and_frozen_encoder():
    module = Seq2SeqMetricModule(3, 8, projection_dim=4, freeze_encoder=True)
    x, lengths = _padded()
    x, x2 = x.float(), x.flip(0).float()
    z, x_hat, target, n, M = module(x, lengths, x2, lengths.flip(0))
    assert z.shape == (4, 2, 4) and x_hat.shape == target.shape == (8, 6, 3)
    torch.testing.assert_close(target, torch.cat([x, x2]))  # the clean inputs
    assert torch.equal(n, torch.cat([lengths, lengths.flip(0)])) and M.shape == (4, 4)
    assert not any(p.requires_grad for p in module.autoencoder.encoder.parameters())
    assert all(p.requires_grad for p in module.kissme_head.parameters())
    module.eval()
    torch.testing.assert_close(module(x, lengths)[0][:, 0], module.embed(x, lengths))
    # the clean-input interface: y, z = W_p^T y, and the reconstruction
    y, x_hat = module.autoencoder(x, lengths)
    torch.testing.assert_close(module.encode(x, lengths), y, rtol=0, atol=0)
    torch.testing.assert_close(module.embed(x, lengths), module.kissme_head(y))
    torch.testing.assert_close(module.reconstruction(x, lengths), x_hat, rtol=0, atol=0)
    metric_only = Seq2SeqMetricModule(3, 8, reconstruct=False)
    z, x_hat, target, n, M = metric_only(x, lengths, x2, lengths.flip(0))
    assert z.shape == (4, 2, 8) and x_hat.numel() == target.numel() == n.numel() == 0
    assert M.numel() == 0


def test_criterion_combines_reconstruction_and_metric_losses():
    torch.manual_seed(0)
    module = Seq2SeqMetricModule(3, 8, projection_dim=4).double()
    x, lengths = _padded()
    target = torch.tensor([1.0, 0.0, 1.0, 0.0])
    out = module(x, lengths, x.flip(0), lengths.flip(0))
    z, x_hat, clean, n, M = out
    rec = SequenceMSELoss()(x_hat, clean, n)
    kissme = ContrastiveLoss(1.0, SquaredMahalanobisDistance(), power=1)(z, target, M)
    got = Seq2SeqLoss("kissme_contrastive", reconstruction_weight=0.3)(out, target)
    assert got.item() == pytest.approx((0.3 * rec + 0.7 * kissme).item(), rel=1e-12)
    # single sequences: the reconstruction loss alone, whatever the weight
    single = module(x, lengths)
    expected = SequenceMSELoss()(single[1], single[2], single[3])
    assert Seq2SeqLoss(reconstruction_weight=0.0)(single, None).item() == pytest.approx(
        expected.item())
    # Euclidean: Hadsell's contrastive loss on the distances
    plain = Seq2SeqMetricModule(3, 8, reconstruct=False).double()
    out = plain(x, lengths, x.flip(0), lengths.flip(0))
    d = torch.linalg.vector_norm(out[0][:, 0] - out[0][:, 1], dim=-1)
    expected = ContrastiveLoss(2.0, distance="precomputed")(d, target)
    got = Seq2SeqLoss("contrastive", margin=2.0, reconstruction_weight=0.0)(out, target)
    assert got.item() == pytest.approx(expected.item(), rel=1e-9)
    with pytest.raises(ValueError, match="metric_loss must be one of"):
        Seq2SeqLoss("triplet")
