"""The attended regressor's modules against brute force (thesis eqs. 4.1-4.7)."""

import pytest
import torch

from sktime_metric.nn import (
    AppearanceCNN,
    AttendedRegressorModule,
    SpatialAttention,
    TemporalAttentionPooling,
)


@pytest.mark.parametrize("mechanism, first, second", [
    ("indexed", (5, 4, 3, 6), (3,)),
    ("agnostic", (3, 6), (3,)),
    ("full", (5, 4, 3, 6), (5, 4, 3)),
    ("mediate", (3, 6), (5, 4, 3)),
])
def test_spatial_attention_matches_eq_4_1_per_location(mechanism, first, second):
    att = SpatialAttention(6, 5, 4, attention_dim=3, mechanism=mechanism).double()
    assert att.weight.shape == first and att.fusion_weight.shape == second
    x = torch.randn(2, 6, 5, 4, dtype=torch.float64)
    out, a = att(x)
    for i in range(5):
        for j in range(4):
            w = att.weight[i, j] if att.weight.dim() == 4 else att.weight
            b = att.bias[i, j] if att.bias.dim() == 3 else att.bias
            u = att.fusion_weight[i, j] if att.fusion_weight.dim() == 3 else att.fusion_weight
            c = att.fusion_bias[i, j] if att.fusion_bias.dim() == 2 else att.fusion_bias
            expected = torch.sigmoid(torch.tanh(x[:, :, i, j] @ w.t() + b) @ u + c)
            torch.testing.assert_close(a[:, i, j], expected)
    torch.testing.assert_close(out, x * a[:, None])  # eq. 4.2


def test_spatial_attention_rejects_unknown_mechanism():
    with pytest.raises(ValueError, match="mechanism must be one of"):
        SpatialAttention(2, 3, 3, mechanism="shared")


def test_temporal_pooling_matches_eqs_4_4_to_4_6_and_ignores_padding():
    pool = TemporalAttentionPooling(4, attention_dim=3).double()
    z = torch.randn(2, 6, 4, dtype=torch.float64)
    lengths = torch.tensor([6, 3])
    s, o = pool(z, lengths)
    for row, n in enumerate(lengths.tolist()):
        e = torch.sigmoid(pool.fusion(torch.tanh(pool.hidden(z[row, :n])))).squeeze(-1)
        torch.testing.assert_close(o[row, :n], e / e.sum())
        torch.testing.assert_close(s[row], (o[row, :n, None] * z[row, :n]).sum(0))
    assert (o[1, 3:] == 0).all()
    z_garbage = z.clone()
    z_garbage[1, 3:] = 1e6
    torch.testing.assert_close(pool(z_garbage, lengths)[0], s)


def test_uniform_pooling_is_the_mean():
    pool = TemporalAttentionPooling(3, uniform=True)
    z = torch.randn(2, 4, 3)
    s, o = pool(z, torch.tensor([4, 2]))
    torch.testing.assert_close(s, torch.stack([z[0].mean(0), z[1, :2].mean(0)]))
    assert list(pool.parameters()) == []


def test_gradients_of_the_attention_modules():
    att = SpatialAttention(3, 2, 2, attention_dim=2).double()
    x = torch.randn(2, 3, 2, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: att(x)[0], (x,))
    pool = TemporalAttentionPooling(3, attention_dim=2).double()
    z = torch.randn(2, 4, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda z: pool(z, torch.tensor([4, 2]))[0], (z,))


def test_cnn_never_looks_at_padding_frames():
    torch.manual_seed(0)
    cnn = AppearanceCNN(1, (20, 20), 5, channels=(2, 3, 3)).eval()
    x = torch.randn(2, 4, 1, 20, 20)
    lengths = torch.tensor([4, 2])
    p, a = cnn(x, lengths)
    x_garbage = x.clone()
    x_garbage[1, 2:] = 1e3
    p2, a2 = cnn(x_garbage, lengths)
    torch.testing.assert_close(p2, p)
    torch.testing.assert_close(a2, a)
    assert (p[1, 2:] == 0).all() and (a[1, 2:] == 0).all()
    # frame by frame, the same as the batched run
    torch.testing.assert_close(cnn.frames(x[0])[0], p[0])


def test_module_outputs_and_cnn_only_ablation():
    module = AttendedRegressorModule(1, 6, image_size=(20, 20), recurrent=False,
                                     temporal_attention=False,
                                     cnn_params=dict(channels=(2, 3, 3))).eval()
    x = torch.randn(2, 5, 1, 20, 20)
    lengths = torch.tensor([5, 3])
    y, s, o, a = module(x, lengths)
    assert y.shape == (2,) and s.shape == (2, 6) and o.shape == (2, 5)
    assert a.shape == (2, 5, 3, 3)
    # "CNN only": the mean over frames of per-frame linear estimates
    p, _ = module.appearance(x, lengths)
    per_frame = module.regressor(p).squeeze(-1)
    torch.testing.assert_close(y, torch.stack([per_frame[0].mean(), per_frame[1, :3].mean()]))


def test_penalty_is_l2_of_the_weights_only():
    module = AttendedRegressorModule(3, 4, l2=0.5)
    expected = 0.5 * sum((p**2).sum() for n, p in module.named_parameters()
                         if not n.endswith("bias"))
    torch.testing.assert_close(module.penalty(), expected)
    assert float(AttendedRegressorModule(3, 4).penalty()) == 0.0


def test_lrn_and_pooling_follow_blocks_1_and_2_only():
    # the thesis's CNN: local response normalisation and max-pooling after
    # blocks 1 and 2, none after block 3
    cnn = AppearanceCNN(1, (24, 24), 4, channels=(2, 3, 3), lrn=True)
    kinds = [[type(layer) for layer in block] for block in cnn.blocks]
    lrn, pool = torch.nn.LocalResponseNorm, torch.nn.MaxPool2d
    assert [lrn in k for k in kinds] == [True, True, False]
    assert [pool in k for k in kinds] == [True, True, False]


def test_dropout_acts_on_the_summary_before_the_regressor():
    # "dropout ... on s": in training mode y is the regressor of a dropped s
    torch.manual_seed(0)
    module = AttendedRegressorModule(3, 16, dropout=0.5, recurrent=False).train()
    x, lengths = torch.randn(4, 5, 3), torch.tensor([5, 4, 3, 5])
    torch.manual_seed(1)
    y, s, _ = module(x, lengths)
    assert (y - module.regressor(s).squeeze(-1)).abs().max() > 1e-3
    y, s, _ = module.eval()(x, lengths)
    torch.testing.assert_close(y, module.regressor(s).squeeze(-1))
