"""HCRF module: the forward algorithm against brute-force enumeration."""

import itertools
import math

import pytest
import torch

from sktime_metric.nn import HCRFModule

from ._graph import recomputed_nodes


def _batch(lengths, n_features=2, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor(lengths)
    x = torch.randn(len(lengths), int(lengths.max()), n_features, generator=g)
    x = x.to(dtype) * (torch.arange(x.size(1))[None, :, None] < lengths[:, None, None])
    return x, lengths


def _module(n_features=2, n_classes=2, n_states=3, window=1, seed=0):
    torch.manual_seed(seed)
    module = HCRFModule(n_features, n_classes, n_states, window=window).double()
    with torch.no_grad():
        for p in module.parameters():
            p.normal_(0.0, 0.8)
    return module


def _brute_force(module, x):
    """log M_k and P(s_t = j | x, k) by enumerating all S^T state sequences."""
    m, (n_steps, _) = module, x.shape
    emission = x @ m.emission.T  # (T, S)
    log_m, posteriors = [], []
    for k in range(m.n_classes):
        paths = list(itertools.product(range(m.n_states), repeat=n_steps))
        scores = torch.stack([
            sum(emission[t, s[t]] + m.label_state[k, s[t]] for t in range(n_steps))
            + sum(m.transition[k, s[t - 1], s[t]] for t in range(1, n_steps))
            for s in paths
        ])
        weights = torch.softmax(scores, 0)
        one_hot = torch.nn.functional.one_hot(torch.tensor(paths), m.n_states)
        log_m.append(torch.logsumexp(scores, 0))
        posteriors.append((weights[:, None, None] * one_hot).sum(0))
    return torch.stack(log_m), torch.stack(posteriors, dim=1)  # (K,), (T, K, S)


@pytest.mark.parametrize("window", [1, 3])
def test_parameter_count(window):
    module = HCRFModule(5, 4, n_states=6, window=window)
    D = 5 * window
    assert sum(p.numel() for p in module.parameters()) == 6 * D + 4 * 6 + 4 * 36


def test_log_partition_matches_brute_force_on_variable_lengths():
    module = _module(n_classes=3)
    x, lengths = _batch([4, 1, 3])
    log_m = module(x, lengths)
    for i, length in enumerate(lengths.tolist()):
        expected, _ = _brute_force(module, x[i, :length])
        torch.testing.assert_close(log_m[i], expected)


def test_state_posteriors_by_autograd_match_brute_force():
    # d log M_k / d u_{t,k,j} = P(s_t = j | x, y = k)
    module = _module()
    x, lengths = _batch([4, 2])
    unary, model_lengths = module.unary(x, lengths)
    unary = unary.detach().requires_grad_(True)
    log_m = module.log_partition(unary, model_lengths)
    (posteriors,) = torch.autograd.grad(log_m.sum(), unary)  # (B, T, K, S)
    for i, length in enumerate(lengths.tolist()):
        _, expected = _brute_force(module, x[i, :length])
        torch.testing.assert_close(posteriors[i, :length], expected)
        assert (posteriors[i, length:] == 0).all()  # padding takes no part


def test_one_state_is_a_linear_model_of_the_summed_frames():
    module = _module(n_states=1)
    x, lengths = _batch([5, 2])
    m = module
    for i, length in enumerate(lengths.tolist()):
        expected = (x[i, :length].sum(0) @ m.emission[0] + length * m.label_state[:, 0]
                    + (length - 1) * m.transition[:, 0, 0])
        torch.testing.assert_close(module(x, lengths)[i], expected)


def test_padding_and_batch_mates_do_not_change_a_sample():
    module = HCRFModule(2, 3, n_states=4, window=2)
    x, lengths = _batch([5, 9, 1, 2], dtype=torch.float32)
    log_m = module(x, lengths)
    padded = torch.cat([x, torch.zeros(4, 3, 2)], dim=1)
    torch.testing.assert_close(module(padded, lengths), log_m)
    for i, length in enumerate(lengths.tolist()):
        alone = module(x[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(alone[0], log_m[i], atol=1e-5, rtol=1e-6)


def test_penalty_covers_all_parameters():
    module = _module()
    module.l2 = 0.25
    expected = 0.25 * sum(p.square().sum() for p in module.parameters())
    torch.testing.assert_close(module.penalty(), expected)


def test_gradients_match_finite_differences():
    module = _module(n_classes=3, window=2)
    x, lengths = _batch([4, 2, 1])
    x.requires_grad_(True)
    y = torch.tensor([0, 2, 1])

    def nll(x, *params):
        return torch.nn.functional.cross_entropy(module(x, lengths), y)

    assert torch.autograd.gradcheck(nll, (x, *module.parameters()))


@pytest.mark.parametrize("dtype, rtol", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
@pytest.mark.parametrize("chunk", [1, 4, 13, 100])
def test_checkpointed_forward_algorithm_equals_the_plain_one(dtype, rtol, chunk):
    # unequal lengths (one of a single step): outputs and gradients of the
    # parameters and the input agree up to the order of the float sums
    torch.manual_seed(0)
    module = HCRFModule(3, 4, n_states=5, window=2).to(dtype)
    with torch.no_grad():
        for p in module.parameters():
            p.normal_()
    x, lengths = torch.randn(4, 40, 3, dtype=dtype), torch.tensor([40, 23, 7, 1])

    def run(checkpoint_steps):
        module.checkpoint_steps = checkpoint_steps
        module.zero_grad()
        inputs = x.clone().requires_grad_()
        out = module(inputs, lengths)
        out.square().sum().backward()
        return out, [p.grad.clone() for p in module.parameters()] + [inputs.grad]

    plain, plain_grads = run(0)
    chunked, chunked_grads = run(chunk)
    assert recomputed_nodes(chunked) == -(-(39 - 1) // chunk)  # 39 windows
    assert recomputed_nodes(plain) == 0
    torch.testing.assert_close(chunked, plain, rtol=0,
                               atol=rtol * float(plain.detach().abs().max()))
    for got, expected in zip(chunked_grads, plain_grads):
        torch.testing.assert_close(got, expected, rtol=0,
                                   atol=rtol * float(expected.abs().max()))


def test_checkpointing_is_automatic_on_long_series_and_never_without_gradients():
    module = HCRFModule(3, 2, n_states=4).double()
    x = torch.randn(4, 20_000, 3, dtype=torch.float64)
    lengths = torch.tensor([20_000, 20_000, 9_000, 5])
    out = module(x, lengths)  # 4 x 2 rows x 16 state pairs: ~27 KB a step
    assert recomputed_nodes(out) > 0
    with torch.no_grad():
        torch.testing.assert_close(module(x, lengths), out.detach(), rtol=1e-9,
                                   atol=0)
    assert recomputed_nodes(module(x[:, :50], torch.tensor([50, 50, 50, 5]))) == 0


@pytest.mark.parametrize("window", [1, 2])
def test_length_normalize_divides_each_log_m_by_its_model_steps(window):
    # log M / T' against brute force on unequal lengths; with window 2 the
    # brute force runs on the framed series (4 -> 3, 1 -> 1, 3 -> 2 steps)
    from sktime_metric.nn._chain import frame_windows

    module = _module(n_classes=3, window=window)
    module.length_normalize = True
    x, lengths = _batch([4, 1, 3])
    logits = module(x, lengths)
    for i, length in enumerate(lengths.tolist()):
        windows, steps = frame_windows(x[i : i + 1, :length], lengths[i : i + 1],
                                       window)
        expected, _ = _brute_force(module, windows[0, : int(steps)])
        torch.testing.assert_close(logits[i], expected / int(steps))
    padded = torch.cat([x, torch.zeros(3, 5, 2, dtype=x.dtype)], dim=1)
    torch.testing.assert_close(module(padded, lengths), logits)
    for i, length in enumerate(lengths.tolist()):
        alone = module(x[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(alone[0], logits[i])
    # the checkpointed forward algorithm is divided the same way
    module.checkpoint_steps = 1
    chunked = module(x, lengths)
    assert recomputed_nodes(chunked) > 0
    torch.testing.assert_close(chunked, logits)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("scale", [1.0, 60.0, 400.0])
def test_forward_algorithm_is_exact_over_any_range_of_scores(scale, dtype,
                                                              monkeypatch):
    # Parameters ~N(0, scale^2): at 60 the scores span hundreds of nats (the
    # factors of float32 would underflow; the sums run in float64), at 400
    # thousands, and some states' sums underflow even in float64: those steps
    # take the plain logsumexp over (K, B, S, S). log M matches brute-force
    # enumeration to the dtype's relative precision, and the gradients are
    # finite.
    from sktime_metric.nn import hcrf

    module = _module(n_classes=3, n_states=3)
    with torch.no_grad():
        for p in module.parameters():
            p.normal_(0.0, scale)
    x, lengths = _batch([5, 3, 1])
    expected = torch.stack([_brute_force(module, x[i, :n])[0]
                            for i, n in enumerate(lengths.tolist())])
    calls = []
    plain = torch.logsumexp
    monkeypatch.setattr(hcrf.torch, "logsumexp",
                        lambda t, *a, **k: calls.append(t.dim()) or plain(t, *a, **k))
    module = module.to(dtype)
    got = module(x.to(dtype), lengths)
    got.sum().backward()
    assert (4 in calls) == (scale > 100)  # the exact fallback, only when needed
    eps = torch.finfo(dtype).eps
    torch.testing.assert_close(got.double(), expected.detach(), rtol=0,
                               atol=16 * eps * float(expected.detach().abs().max()))
    assert all(torch.isfinite(p.grad).all() for p in module.parameters())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_a_state_left_behind_and_lifted_later_keeps_its_exact_score(dtype):
    # One label, two states; step 1 favours state 0 by 1500 nats, moving 0 -> 1
    # costs 2000, and step 2 favours state 1 by 3000. The best path is (1, 1)
    # at -1500 (the others: (0, 1) -2000, (0, 0) -3000, (1, 0) -4500), reached
    # only through a state whose sum at step 2 underflows any float: a floor
    # there (log of the smallest float64, -708) would give log M = -708.
    module = HCRFModule(1, 1, n_states=2).to(dtype)
    with torch.no_grad():
        module.transition.copy_(torch.tensor([[[0.0, -2000.0], [0.0, 0.0]]]))
    unary = torch.tensor([[[[0.0, -1500.0]], [[-3000.0, 0.0]]]], dtype=dtype)
    log_m = module.log_partition(unary, torch.tensor([2]))
    torch.testing.assert_close(log_m, torch.tensor([[-1500.0]], dtype=dtype))


def test_a_nan_series_leaves_the_exact_fallback_to_its_batch_mates():
    # The fallback is decided by the smallest sum (amin). A NaN series (one
    # whose input had a NaN) makes that NaN; the comparison of every sum then
    # decides, so a batch mate whose sum underflows (state 1 is 1,000 nats
    # behind: its factors are 0 in float64) still gets the exact logsumexp,
    # not log(0) = -inf.
    from sktime_metric.nn.hcrf import _forward_step, _transition_factors

    transition = torch.tensor([[[0.0, -1000.0], [0.0, -1000.0]]],
                              dtype=torch.float64)
    alpha = torch.tensor([[[0.0, 0.5], [math.nan, 0.0]]], dtype=torch.float64)
    unary = torch.tensor([[[0.25, -0.5], [0.0, 0.0]]], dtype=torch.float64)
    row_top, factors = _transition_factors(transition)
    got = _forward_step(alpha, unary, transition, row_top, factors)
    expected = unary + torch.logsumexp(alpha[..., :, None] + transition[:, None], -2)
    assert torch.isfinite(got[0, 0]).all()
    torch.testing.assert_close(got[0, 0], expected[0, 0], rtol=0, atol=0)
    assert torch.isnan(got[0, 1]).all()


def test_checkpoint_steps_apply_only_where_a_gradient_is_needed(monkeypatch):
    # checkpoint_steps chunks the forward algorithm for backward's sake: under
    # no_grad, and for a frozen module in grad mode, the plain forward
    # algorithm runs (no recomputed chunks), with the same log M
    from sktime_metric.nn import hcrf

    calls, real = [], hcrf.recomputed
    monkeypatch.setattr(hcrf, "recomputed",
                        lambda *args: calls.append(1) or real(*args))
    module = _module(n_classes=3)
    module.checkpoint_steps = 2
    x, lengths = _batch([6, 1, 4])
    trained = module(x, lengths)
    assert len(calls) == 3  # steps 2-3, 4-5, 6
    calls.clear()
    with torch.no_grad():
        predicted = module(x, lengths)
    module.requires_grad_(False)
    frozen = module(x, lengths)
    assert calls == [] and not frozen.requires_grad
    torch.testing.assert_close(predicted, trained.detach())
    assert torch.equal(frozen, predicted)
