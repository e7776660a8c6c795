"""RecurrentEncoder's checkpointing over time chunks: same outputs, same gradients."""

import numpy as np
import pytest
import torch

from sktime_metric.nn.encoders import RecurrentEncoder

from ._graph import recomputed_nodes


def _run(encoder, x, lengths):
    encoder.zero_grad()
    inputs = x.clone().requires_grad_()
    out, last = encoder(inputs, lengths)
    (out.square().sum() + last.sum()).backward()
    return out, last, [p.grad.clone() for p in encoder.parameters()] + [inputs.grad]


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("chunk", [1, 7, 100])
def test_chunked_encoder_equals_the_plain_one(cell, num_layers, chunk):
    # float64: the input projection is one matrix product per chunk instead of
    # one in all, so only the order of float sums differs
    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 5, cell=cell, num_layers=num_layers).double()
    x, lengths = torch.randn(3, 30, 3, dtype=torch.float64), torch.tensor([30, 17, 2])
    encoder.checkpoint_steps = 0
    out, last, grads = _run(encoder, x, lengths)
    encoder.checkpoint_steps = chunk
    out_c, last_c, grads_c = _run(encoder, x, lengths)
    assert recomputed_nodes(out_c) == -(-30 // chunk)
    assert recomputed_nodes(out) == 0
    torch.testing.assert_close(out_c, out, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(last_c, last, rtol=1e-12, atol=1e-12)
    for got, expected in zip(grads_c, grads):
        torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("device", [
    "cpu",
    # cuDNN keeps its dropout state apart from torch's generator: the chunks
    # run torch's native kernels there, whose masks the recomputation rewinds
    pytest.param("cuda", marks=pytest.mark.cuda),
])
def test_recomputation_draws_the_same_dropout_masks(device):
    # dropout between the layers: backward's recomputation must see the masks
    # of the forward pass, or the gradient is that of another function
    encoder = RecurrentEncoder(2, 3, cell="gru", num_layers=2, dropout=0.5,
                               checkpoint_steps=3).to(device, torch.float64).train()
    lengths = torch.tensor([8, 5], device=device)

    def f(x):
        torch.manual_seed(0)
        return encoder(x, lengths)[0]

    x = torch.randn(2, 8, 2, dtype=torch.float64, device=device, requires_grad=True)
    assert recomputed_nodes(f(x)) == 3
    assert torch.autograd.gradcheck(f, (x,), eps=1e-6, atol=1e-6)


def test_checkpointing_is_automatic_on_long_series_and_never_without_gradients():
    encoder = RecurrentEncoder(3, 8, cell="gru")
    x, lengths = torch.randn(4, 60_000, 3), torch.tensor([60_000, 60_000, 9_000, 5])
    out, _ = encoder(x, lengths)  # ~27 KB a step: past 256 MB
    assert recomputed_nodes(out) > 0
    with torch.no_grad():
        plain, _ = encoder(x, lengths)
    torch.testing.assert_close(plain, out.detach(), rtol=1e-5, atol=1e-5)
    assert recomputed_nodes(encoder(x[:, :50], torch.tensor([50, 50, 50, 5]))[0]) == 0
    bidirectional = RecurrentEncoder(3, 8, bidirectional=True, checkpoint_steps=1)
    assert recomputed_nodes(bidirectional(x[:, :50], torch.tensor([50, 50, 50, 5]))[0]) == 0


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_long_series_without_gradients_run_in_chunks_with_the_same_outputs(cell, monkeypatch):
    import sktime_metric.nn.encoders as encoders

    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 4, cell=cell, num_layers=2).double()
    x, lengths = torch.randn(2, 300, 3, dtype=torch.float64), torch.tensor([300, 120])
    with torch.no_grad():
        plain, plain_last = encoder(x, lengths)  # 300 steps: one fused call
        monkeypatch.setattr(encoders, "_LONG_SERIES", 10)
        monkeypatch.setattr(encoders, "time_chunks", lambda *args: (7, False))
        calls = []
        original = encoder.rnn.forward
        monkeypatch.setattr(encoder.rnn, "forward",
                            lambda *args: calls.append(1) or original(*args))
        chunked, chunked_last = encoder(x, lengths)
    assert len(calls) == -(-300 // 7)
    torch.testing.assert_close(chunked, plain, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(chunked_last, plain_last, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_last_state_equals_forwards_last_state_with_its_gradients(cell, bidirectional):
    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 5, cell=cell, bidirectional=bidirectional)
    x, lengths = torch.randn(4, 11, 3), torch.tensor([11, 7, 1, 4])
    x = x * (torch.arange(11)[None, :, None] < lengths[:, None, None])
    _, last = encoder(x, lengths)
    grads = torch.autograd.grad(last.square().sum(), list(encoder.parameters()))
    alone = encoder.last_state(x, lengths)
    assert torch.equal(alone, last)
    grads_alone = torch.autograd.grad(alone.square().sum(), list(encoder.parameters()))
    assert all(torch.equal(a, b) for a, b in zip(grads_alone, grads))
    encoder.requires_grad_(False)  # frozen, grad mode on: no gradient needed
    frozen = encoder(x, lengths)[1]
    assert torch.equal(encoder.last_state(x, lengths), frozen)
    with torch.no_grad():
        assert torch.equal(encoder.last_state(x, lengths), frozen)


def test_length_groups_split_off_a_long_outlier_and_keep_spread_lengths_whole():
    from sktime_metric.nn._lengths import length_groups

    # one long series among short ones: a group of its own, shortest first
    groups = length_groups(torch.tensor([30, 2000, 30, 30, 25]))
    assert [g.tolist() for g in groups] == [[4, 0, 2, 3], [1]]
    # two outliers of similar length share a group
    groups = length_groups(torch.tensor([30, 2000, 30, 1000, 30]))
    assert [sorted(g.tolist()) for g in groups] == [[0, 2, 4], [1, 3]]
    # lengths spread over a range, equal lengths, one row: one batch (the
    # ordinary case runs as before, bit for bit)
    for lengths in (torch.arange(6, 15), torch.full((8,), 7), torch.tensor([3])):
        assert length_groups(lengths) is None
    # the threshold: a split that exactly halves the steps run (3 x 4 = 12
    # steps whole, 2 x 1 + 1 x 4 = 6 split) is made; one that saves a third
    # (2 x 2 + 1 x 4 = 8) is not
    assert [g.tolist() for g in length_groups(torch.tensor([1, 1, 4]))] == [[0, 1], [2]]
    assert length_groups(torch.tensor([2, 2, 4])) is None


def test_length_bounds_split_each_part_again():
    from sktime_metric.nn._lengths import length_bounds

    # three tiers: the first cut leaves a part that halves again, whether
    # it is the part below the cut (cut at 6, then at 4) ...
    assert length_bounds(np.array([1, 1, 1, 1, 10, 10, 100])) == [
        (0, 4), (4, 6), (6, 7)]
    # ... or the part above it (cut at 1,000, then at 1,010)
    lengths = np.array([1] * 1000 + [100] * 10 + [1000])
    assert length_bounds(lengths) == [(0, 1000), (1000, 1010), (1010, 1011)]
    # no rows: one empty group, as documented ([(0, n_rows)])
    assert length_bounds(np.array([], np.int64)) == [(0, 0)]


def test_run_by_length_equals_the_whole_batch_with_its_gradients():
    from sktime_metric.nn._lengths import run_by_length, trim_to_length

    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 5, cell="gru")
    lengths = torch.tensor([4, 60, 3, 4, 2])
    valid = torch.arange(70)[None, :, None] < lengths[:, None, None]
    x = torch.randn(5, 70, 3) * valid
    steps = []

    def last(x, lengths):
        steps.append((len(x), x.size(1)))
        return encoder(x, lengths)[1]

    grouped = run_by_length(last, x, lengths)
    assert sorted(steps) == [(1, 60), (4, 4)]  # each group cut to its longest
    grads = torch.autograd.grad(grouped.square().sum(), list(encoder.parameters()))
    whole = last(trim_to_length(x, lengths), lengths)
    torch.testing.assert_close(grouped, whole)
    for a, b in zip(grads, torch.autograd.grad(whole.square().sum(),
                                               list(encoder.parameters()))):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_the_kernel_runs_without_grad_mode_when_nothing_needs_a_gradient(cell):
    # A frozen encoder in grad mode: the kernel runs under no_grad (its
    # inference variant, no workspace for backward) with the same outputs.
    # An input that needs a gradient keeps grad mode on and gets it; and
    # checkpoint_steps applies to gradients only: under no_grad one call.
    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 4, cell=cell, checkpoint_steps=2)
    modes = []
    encoder.rnn.register_forward_pre_hook(
        lambda module, args: modes.append(torch.is_grad_enabled()))
    x = torch.randn(2, 6, 3)
    with torch.no_grad():
        expected = encoder.rnn(x)[0]
    assert modes == [False]
    modes.clear()
    with torch.no_grad():
        assert torch.equal(encoder.states(x), expected)
    assert modes == [False]  # one call, not a chunk of 2 steps each
    encoder.requires_grad_(False)
    modes.clear()
    frozen = encoder.states(x)
    assert modes == [False] and not frozen.requires_grad
    assert torch.equal(frozen, expected)
    modes.clear()
    encoder.checkpoint_steps = 0  # (recomputed chunks run without a graph)
    inputs = x.clone().requires_grad_()
    out = encoder.states(inputs)
    assert modes == [True]
    (grad,) = torch.autograd.grad(out.square().sum(), inputs)
    assert grad.abs().sum() > 0


@pytest.mark.parametrize("n_steps, n_calls", [(9, 1), (10, 1), (11, 2), (15, 3)])
def test_only_series_longer_than_the_bound_run_in_chunks(n_steps, n_calls,
                                                         monkeypatch):
    # without gradients: up to _LONG_SERIES steps (and up to a chunk, were a
    # chunk longer) one fused call; past it chunks of time_chunks' steps
    import sktime_metric.nn.encoders as encoders

    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 4).double()
    x = torch.randn(2, n_steps, 3, dtype=torch.float64)
    with torch.no_grad():
        plain = encoder.rnn(x)[0]
        monkeypatch.setattr(encoders, "_LONG_SERIES", 10)
        monkeypatch.setattr(encoders, "time_chunks", lambda *args: (7, False))
        calls = []
        encoder.rnn.register_forward_pre_hook(lambda *args: calls.append(1))
        states = encoder.states(x)
    assert len(calls) == n_calls
    torch.testing.assert_close(states, plain, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_a_padded_batchs_outputs_and_last_states_are_each_series_own(bidirectional):
    # two layers, lengths 6, 3 and 1 in one batch: each series' outputs are
    # those it gets alone (a backward direction starts at its own last step),
    # zero past its length; last is the top layer's final state, the forward
    # half at step length - 1, the backward half at step 0. Float64 values of
    # order 1: packed and padded kernels agree to a few ulps
    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, 4, num_layers=2,
                               bidirectional=bidirectional).double()
    lengths = torch.tensor([6, 3, 1])
    x = torch.randn(3, 6, 3, dtype=torch.float64)
    x = x * (torch.arange(6)[None, :, None] < lengths[:, None, None])
    out, last = encoder(x, lengths)
    close = {"rtol": 1e-12, "atol": 1e-12}
    for i, n in enumerate(lengths.tolist()):
        alone, alone_last = encoder(x[i : i + 1, :n], lengths[i : i + 1])
        torch.testing.assert_close(out[i, :n], alone[0], **close)
        assert bool((out[i, n:] == 0).all())
        torch.testing.assert_close(last[i], alone_last[0], **close)
        torch.testing.assert_close(last[i, :4], out[i, n - 1, :4], **close)
        if bidirectional:
            torch.testing.assert_close(last[i, 4:], out[i, 0, 4:], **close)
