"""TAGM modules and the AM-NN / NN ablations: parameter counts, gate bounds,
masking, and equation oracles."""

import pytest
import torch
from torch import nn

from sktime_metric.nn import (
    AttentionGatedRNN,
    AttentionNNModule,
    BidirectionalRNN,
    TAGMModule,
    TemporalAttention,
)
from sktime_metric.nn._chain import frame_windows
from sktime_metric.nn._lengths import reverse_padded
from sktime_metric.nn.encoders import RecurrentEncoder


def _n_params(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _batch(lengths, n_features=3, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor(lengths)
    x = torch.randn(len(lengths), int(lengths.max()), n_features, generator=g)
    x = x.to(dtype) * (torch.arange(x.size(1))[None, :, None] < lengths[:, None, None])
    return x, lengths


@pytest.mark.parametrize("nonlinearity", ["relu", "softplus"])
def test_parameter_counts_of_table_3_1(nonlinearity):
    # D = 26 (13 MFCCs x a 2-frame window), K = 10: spec section 2.7
    tagm = TAGMModule(26, 10, 128, 64, attention_nonlinearity=nonlinearity)
    bi_tagm = TAGMModule(26, 10, 128, 128, bidirectional=True)
    assert _n_params(tagm) == 46_731
    assert _n_params(bi_tagm) == 82_699


def test_parameter_counts_of_the_ablations_of_table_3_1():
    # AM-NN (43 K printed): the attention, 2 * (128 * 26 + 128 * 128 + 2 * 128)
    # RNN weights + 257 fusion weights = 40,193, then the NN below
    assert _n_params(AttentionNNModule(26, 10, 128, 64)) == 42_571
    # NN (2.4 K printed): W, b (26 * 64 + 64 = 1,728) and softmax (64 * 10 + 10)
    assert _n_params(AttentionNNModule(26, 10, 128, 64, temporal_attention=False)) \
        == 26 * 64 + 64 + 64 * 10 + 10 == 2_378
    # TAGM without attention: the gated unit's U, W and both biases + softmax
    assert _n_params(TAGMModule(26, 10, 128, 64, temporal_attention=False)) \
        == 26 * 64 + 64 * 64 + 2 * 64 + 64 * 10 + 10 == 6_538


@pytest.mark.parametrize("nonlinearity", ["relu", "tanh", "softplus"])
def test_attention_in_unit_interval_and_zero_on_padding(nonlinearity):
    x, lengths = _batch([5, 2, 7])
    a = TemporalAttention(3, 6, nonlinearity=nonlinearity)(x, lengths)
    valid = torch.arange(7)[None, :] < lengths[:, None]
    assert a.shape == (3, 7)
    assert ((a[valid] > 0) & (a[valid] < 1)).all()
    assert (a[~valid] == 0).all()


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("nonlinearity", ["relu", "softplus"])
def test_padding_and_batch_mates_do_not_change_a_sample(bidirectional, nonlinearity):
    module = TAGMModule(3, 4, 6, 5, bidirectional=bidirectional,
                        attention_nonlinearity=nonlinearity).eval()
    x, lengths = _batch([4, 9, 2])
    logits, a = module(x, lengths)
    for i, length in enumerate(lengths.tolist()):
        alone_logits, alone_a = module(x[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(logits[i], alone_logits[0], atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(a[i, :length], alone_a[0], atol=1e-6, rtol=1e-5)


def _reference_attention(attention, x, length):
    """Eqs. 3.4-3.6 for one sequence: ``a_t`` of its ``length`` steps (1 with
    no attention module)."""
    if attention is None:
        return torch.ones(length, dtype=x.dtype)
    rnn = attention.rnn
    relu = torch.relu
    x = x[:length]
    fwd, bwd = [], [None] * length
    h = torch.zeros(rnn.weight_hh.size(1), dtype=x.dtype)
    for t in range(length):  # (3.5)
        h = relu(rnn.weight_ih[0] @ x[t] + rnn.bias_ih[0] + rnn.weight_hh[0] @ h
                 + rnn.bias_hh[0])
        fwd.append(h)
    h = torch.zeros(rnn.weight_hh.size(1), dtype=x.dtype)
    for t in reversed(range(length)):  # (3.6)
        h = relu(rnn.weight_ih[1] @ x[t] + rnn.bias_ih[1] + rnn.weight_hh[1] @ h
                 + rnn.bias_hh[1])
        bwd[t] = h
    fusion = attention.fusion
    a = [torch.sigmoid(attention.sharpness
                       * (fusion.weight[0] @ torch.cat([f, b]) + fusion.bias[0]))
         for f, b in zip(fwd, bwd)]  # (3.4)
    return torch.stack(a)


def _reference_tagm(module, x, length):
    """Eqs. 3.1-3.6 for one sequence, written straight from the chapter."""
    relu = torch.relu
    a = _reference_attention(module.attention, x, length)
    x = x[:length]
    gated = module.gated_fwd
    h = torch.zeros(gated.hidden_size, dtype=x.dtype)
    for t in range(length):
        cand = relu(gated.recurrent_map.weight @ h + gated.recurrent_map.bias
                    + gated.input_map.weight @ x[t] + gated.input_map.bias)  # (3.2)
        h = (1 - a[t]) * h + a[t] * cand  # (3.1)
    logits = module.classifier.weight @ h + module.classifier.bias  # (3.3)
    return logits, a


def _reference_attention_nn(module, x, length):
    """Eqs. 3.8 and 3.3 for one sequence, in loops."""
    a = _reference_attention(module.attention, x, length)
    v = torch.zeros(x.size(1), dtype=x.dtype)
    for t in range(length):
        v = v + a[t] * x[t]
    h = torch.relu(module.hidden.weight @ v + module.hidden.bias)  # (3.8)
    return module.classifier.weight @ h + module.classifier.bias, a  # (3.3)


@pytest.mark.parametrize("module_class, reference", [
    (TAGMModule, _reference_tagm), (AttentionNNModule, _reference_attention_nn)])
@pytest.mark.parametrize("temporal_attention", [True, False])
def test_module_matches_the_equations_in_float64(module_class, reference,
                                                 temporal_attention):
    module = module_class(3, 4, 6, 5, attention_sharpness=3.0,
                          temporal_attention=temporal_attention).double().eval()
    x, lengths = _batch([4, 9, 2], dtype=torch.float64)
    logits, a = module(x, lengths)
    for i, length in enumerate(lengths.tolist()):
        ref_logits, ref_a = reference(module, x[i], length)
        torch.testing.assert_close(logits[i], ref_logits)
        torch.testing.assert_close(a[i, :length], ref_a)
        assert (a[i, length:] == 0).all()


def test_nn_weighs_every_valid_step_one():
    module = AttentionNNModule(3, 4, 6, 5, temporal_attention=False)
    assert module.attention is None
    x, lengths = _batch([4, 9, 2])
    _, a = module(x, lengths)
    valid = torch.arange(9)[None, :] < lengths[:, None]
    assert (a[valid] == 1).all() and (a[~valid] == 0).all()


@pytest.mark.parametrize("temporal_attention", [True, False])
@pytest.mark.parametrize("window, stride", [(1, 1), (3, 2)])
def test_attention_nn_padding_and_batch_mates_do_not_change_a_sample(
    temporal_attention, window, stride
):
    module = AttentionNNModule(3, 4, 6, 5, temporal_attention=temporal_attention,
                               window=window, stride=stride).eval()
    x, lengths = _batch([4, 9, 2])
    # extra zero padding after the longest series, too
    logits, a = module(torch.cat([x, torch.zeros(3, 5, 3)], dim=1), lengths)
    for i, length in enumerate(lengths.tolist()):
        alone_logits, alone_a = module(x[i : i + 1, :length], lengths[i : i + 1])
        frames = alone_a.size(1)
        torch.testing.assert_close(logits[i], alone_logits[0], atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(a[i, :frames], alone_a[0], atol=1e-6, rtol=1e-5)
        assert (a[i, frames:] == 0).all()


@pytest.mark.parametrize("module_class", [AttentionNNModule, TAGMModule])
def test_framed_module_reads_the_frames_of_frame_windows(module_class):
    # the same weights on the framed input with window=1: the same outputs
    framed = module_class(3, 4, 6, 5, window=3, stride=2).eval()
    plain = module_class(9, 4, 6, 5).eval()
    plain.load_state_dict(framed.state_dict())
    x, lengths = _batch([4, 9, 2])
    frames, frame_lengths = frame_windows(x, lengths, 3, 2)
    frames = frames * (torch.arange(frames.size(1))[None, :, None]
                       < frame_lengths[:, None, None])
    for got, expected in zip(framed(x, lengths), plain(frames, frame_lengths)):
        torch.testing.assert_close(got, expected, atol=1e-6, rtol=1e-5)


def test_tagm_without_attention_is_the_open_gate():
    module = TAGMModule(3, 4, 6, 5, temporal_attention=False).eval()
    x, lengths = _batch([4, 9])
    logits, a = module(x, lengths)
    assert module.attention is None
    assert (a == (torch.arange(9)[None, :] < lengths[:, None])).all()
    h = module.gated_fwd(x, a)
    torch.testing.assert_close(logits, module.classifier(h))


def test_closed_gate_gives_the_classifier_bias():
    module = TAGMModule(3, 4, 6, 5).eval()
    x, lengths = _batch([4, 9])
    h = module.gated_fwd(x, torch.zeros(2, 9))
    assert (h == 0).all()
    torch.testing.assert_close(module.classifier(h), module.classifier.bias.expand(2, 4))


def test_open_gate_is_a_plain_relu_rnn():
    gated = AttentionGatedRNN(3, 5)
    rnn = nn.RNN(3, 5, nonlinearity="relu", batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(gated.input_map.weight)
        rnn.bias_ih_l0.copy_(gated.input_map.bias)
        rnn.weight_hh_l0.copy_(gated.recurrent_map.weight)
        rnn.bias_hh_l0.copy_(gated.recurrent_map.bias)
    x, _ = _batch([6, 6])
    _, h_n = rnn(x)
    torch.testing.assert_close(gated(x, torch.ones(2, 6)), h_n[0])


def test_backward_unit_equals_a_forward_run_on_the_reversed_prefix():
    gated = AttentionGatedRNN(3, 5)
    x, lengths = _batch([4, 7])
    a = torch.rand(2, 7) * (torch.arange(7)[None, :] < lengths[:, None])
    h_bwd = gated(x, a, reverse=True)
    for i, length in enumerate(lengths.tolist()):
        flipped = x[i : i + 1, :length].flip(1)
        expected = gated(flipped, a[i : i + 1, :length].flip(1))
        torch.testing.assert_close(h_bwd[i], expected[0])


@pytest.mark.parametrize("nonlinearity", ["relu", "tanh"])
def test_bidirectional_rnn_matches_packed_fused_rnn(nonlinearity):
    ours = BidirectionalRNN(3, 6, nonlinearity)
    fused = RecurrentEncoder(3, 6, cell="rnn", bidirectional=True,
                             nonlinearity=nonlinearity)
    rnn = fused.rnn
    with torch.no_grad():
        for d, suffix in enumerate(["", "_reverse"]):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(ours, name)[d].copy_(getattr(rnn, f"{name}_l0{suffix}"))
    x, lengths = _batch([4, 7, 1])
    expected, _ = fused(x, lengths)  # packed: the backward pass starts at each end
    torch.testing.assert_close(ours(x, lengths), expected, atol=1e-6, rtol=1e-5)


def test_reverse_padded_reverses_within_length_and_is_an_involution():
    x, lengths = _batch([3, 5])
    r = reverse_padded(x, lengths)
    torch.testing.assert_close(r[0, :3], x[0, :3].flip(0))
    torch.testing.assert_close(r[0, 3:], x[0, 3:])
    torch.testing.assert_close(reverse_padded(r, lengths), x)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_encoder_fast_paths_equal_the_packed_run(cell, bidirectional):
    encoder = RecurrentEncoder(3, 5, cell=cell, num_layers=2,
                               bidirectional=bidirectional)
    x, lengths = _batch([4, 7, 2])
    out, last = encoder(x, lengths)
    for i, length in enumerate(lengths.tolist()):  # alone: equal lengths, no packing
        out_i, last_i = encoder(x[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(out[i, :length], out_i[0], atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(last[i], last_i[0], atol=1e-6, rtol=1e-5)
        assert (out[i, length:] == 0).all()


@pytest.mark.parametrize("module_class, options", [
    (TAGMModule, dict(bidirectional=True)), (AttentionNNModule, {})])
def test_gradients_match_finite_differences(module_class, options):
    module = module_class(2, 3, 3, 3, **options).double()
    x, lengths = _batch([3, 5], n_features=2, dtype=torch.float64)
    x.requires_grad_(True)
    params = [p for p in module.parameters()]

    def f(x, *weights):
        return module(x, lengths)[0]

    assert torch.autograd.gradcheck(f, (x, *params))
