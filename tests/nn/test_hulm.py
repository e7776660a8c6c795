"""HULM module: exact inference against brute-force enumeration (thesis eqs. 2.1-2.4)."""

import itertools

import numpy as np
import pytest
import torch

from sktime_metric.datasets import sliding_window
from sktime_metric.nn import HULMModule
from sktime_metric.nn._chain import frame_windows, framed_length, softplus_exact

from ._graph import recomputed_nodes


def _batch(lengths, n_features=3, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor(lengths)
    x = torch.randn(len(lengths), int(lengths.max()), n_features, generator=g)
    x = x.to(dtype) * (torch.arange(x.size(1))[None, :, None] < lengths[:, None, None])
    return x, lengths


def _module(n_features=3, n_classes=3, hidden_size=2, window=1, seed=0):
    """A float64 module with every parameter random and O(1), biases included."""
    torch.manual_seed(seed)
    module = HULMModule(n_features, n_classes, hidden_size, window=window).double()
    with torch.no_grad():
        for p in module.parameters():
            p.normal_(0.0, 0.7)
    return module


def _energy(module, x, z, k):
    """Eq. 2.3 for one series ``x`` (T, D), hidden states ``z`` (T, H), label k."""
    m = module
    score = m.c[k] + z[0] @ m.pi + z[-1] @ m.tau
    score = score + (z * (x @ m.W.T + m.b + m.V[:, k])).sum()
    return score + (z[:-1] * m.A * z[1:]).sum()


def _configurations(n_steps, hidden_size):
    for bits in itertools.product([0.0, 1.0], repeat=n_steps * hidden_size):
        yield torch.tensor(bits, dtype=torch.float64).view(n_steps, hidden_size)


def _brute_force(module, x):
    """log M_k and P(z_th = 1 | x, k) by enumerating all 2^(HT) configurations."""
    n_steps, hidden = x.size(0), module.hidden_size
    configs = list(_configurations(n_steps, hidden))
    stacked = torch.stack(configs)  # (2^(HT), T, H)
    log_m, node = [], []
    for k in range(module.n_classes):
        scores = torch.stack([_energy(module, x, z, k) for z in configs])
        weights = torch.softmax(scores, 0)
        log_m.append(torch.logsumexp(scores, 0))
        node.append((weights[:, None, None] * stacked).sum(0))
    return torch.stack(log_m), torch.stack(node, dim=1)  # (K,), (T, K, H)


@pytest.mark.parametrize("window", [1, 2])
def test_parameter_count(window):
    module = HULMModule(7, 4, hidden_size=5, window=window)
    n_params = sum(p.numel() for p in module.parameters())
    D = 7 * window
    assert n_params == 5 * (D + 4 + 4) + 4  # H (D + K + 4) + K


def test_log_partition_matches_brute_force_on_variable_lengths():
    module = _module()
    x, lengths = _batch([4, 1, 3])
    log_m = module(x, lengths)
    for i, length in enumerate(lengths.tolist()):
        expected, _ = _brute_force(module, x[i, :length])
        torch.testing.assert_close(log_m[i], expected)


def test_marginals_and_messages_match_brute_force():
    module = _module(hidden_size=2)
    x, lengths = _batch([4, 3])
    node, edge = module.marginals(x, lengths)
    log_alpha, log_beta, log_m = module.forward_backward(x, lengths)
    torch.testing.assert_close(log_m.sum(-1) + module.c, module(x, lengths))
    for i, length in enumerate(lengths.tolist()):
        _, expected_node = _brute_force(module, x[i, :length])
        torch.testing.assert_close(node[i, :length], expected_node)
        assert torch.isnan(node[i, length:]).all()
        assert torch.isnan(edge[i, length - 1 :]).all()
        # the forward-backward identities at every step: sum_j alpha_t(j)
        # beta_t(j) is the chain's partition function (thesis eq. 2.4's normaliser)
        per_step = torch.logsumexp(log_alpha[i, :length] + log_beta[i, :length], -1)
        torch.testing.assert_close(per_step, log_m[i].expand_as(per_step))


def test_messages_match_prefix_and_suffix_enumeration():
    # log alpha_t(j): all z_1..z_t with z_t = j (pi in, tau out);
    # log beta_t(i): all z_{t+1}..z_T given z_t = i (tau in)
    module = _module(hidden_size=1, n_classes=1)
    x, lengths = _batch([4])
    log_alpha, log_beta, _ = module.forward_backward(x, lengths)
    m = module
    s = (x[0] @ m.W.T + m.b + m.V[:, 0])[:, 0].tolist()  # one unit, one label
    A, pi, tau, n_steps = m.A.item(), m.pi.item(), m.tau.item(), 4

    def prefix(z):
        return (pi * z[0] + sum(zu * su for zu, su in zip(z, s))
                + sum(A * a * b for a, b in zip(z[:-1], z[1:])))

    def suffix(i, z, t):
        chain = (i, *z)
        return (sum(zu * su for zu, su in zip(z, s[t + 1 :]))
                + sum(A * a * b for a, b in zip(chain[:-1], chain[1:]))
                + tau * chain[-1])

    def logsumexp(values):
        return torch.logsumexp(torch.tensor(values, dtype=torch.float64), 0)

    for t in range(n_steps):
        for j in (0, 1):
            heads = itertools.product([0, 1], repeat=t)
            expected = logsumexp([prefix((*z, j)) for z in heads])
            torch.testing.assert_close(log_alpha[0, t, 0, 0, j], expected)
            tails = itertools.product([0, 1], repeat=n_steps - t - 1)
            expected = logsumexp([suffix(j, z, t) for z in tails])
            torch.testing.assert_close(log_beta[0, t, 0, 0, j], expected)


def test_edge_marginals_are_normalised_and_consistent_with_nodes():
    module = _module(hidden_size=3)
    x, lengths = _batch([5, 2])
    node, edge = module.marginals(x, lengths)
    valid = edge[0]  # (T-1, K, H, 2, 2), sequence of length 5
    torch.testing.assert_close(valid.sum((-1, -2)), torch.ones_like(valid[..., 0, 0]))
    torch.testing.assert_close(valid[..., 1].sum(-1), node[0, 1:])  # P(z_{t+1} = 1)
    torch.testing.assert_close(valid[..., 1, :].sum(-1), node[0, :-1])  # P(z_t = 1)


def test_gradients_are_the_expected_sufficient_statistics():
    # thesis eqs. 2.15-2.16: d log M_k / d theta = E_{p(z | x, k)}[dE / d theta]
    module = _module(hidden_size=3)
    x, lengths = _batch([5])
    node, edge = module.marginals(x, lengths)
    k = 1
    grads = torch.autograd.grad(module(x, lengths)[0, k],
                                [module.b, module.A, module.pi, module.tau, module.W])
    mu = node[0, :, k]  # (T, H)
    torch.testing.assert_close(grads[0], mu.sum(0))
    torch.testing.assert_close(grads[1], edge[0, :, k, :, 1, 1].sum(0))
    torch.testing.assert_close(grads[2], mu[0])
    torch.testing.assert_close(grads[3], mu[-1])
    torch.testing.assert_close(grads[4], mu.T @ x[0])


def test_zero_transitions_give_the_closed_form():
    # thesis eq. 2.3: with A = 0 the chain factorises over time
    module = _module()
    with torch.no_grad():
        module.A.zero_()
    x, lengths = _batch([4, 2])
    m = module
    for i, length in enumerate(lengths.tolist()):
        s = x[i, :length] @ m.W.T + m.b  # (T, H)
        s = s[:, None, :] + m.V.T  # (T, K, H)
        s[0] += m.pi
        s[-1] += m.tau
        expected = torch.nn.functional.softplus(s).sum((0, 2)) + m.c
        torch.testing.assert_close(module(x, lengths)[i], expected)


def test_conditioning_on_labels_selects_that_label():
    module = _module()
    x, lengths = _batch([4, 3])
    labels = torch.tensor([2, 0])
    node_all, edge_all = module.marginals(x, lengths)
    node, edge = module.marginals(x, lengths, labels)
    assert node.shape == (2, 4, 1, 2)
    for i, k in enumerate(labels.tolist()):
        torch.testing.assert_close(node[i, :, 0], node_all[i, :, k], equal_nan=True)
        torch.testing.assert_close(edge[i, :, 0], edge_all[i, :, k], equal_nan=True)


def test_padding_and_batch_mates_do_not_change_a_sample():
    module = HULMModule(3, 4, hidden_size=6, window=2)
    x, lengths = _batch([5, 9, 1, 2], dtype=torch.float32)
    log_m = module(x, lengths)
    padded = torch.cat([x, torch.zeros(4, 3, 3)], dim=1)
    torch.testing.assert_close(module(padded, lengths), log_m)
    for i, length in enumerate(lengths.tolist()):
        alone = module(x[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(alone[0], log_m[i], atol=1e-5, rtol=1e-6)


def test_frame_windows_match_sliding_window_and_edge_pad_short_series():
    x, lengths = _batch([6, 4, 2], n_features=2)
    windows, new_lengths = frame_windows(x, lengths, 3)
    assert new_lengths.tolist() == [4, 2, 1]
    X = x.numpy().copy()
    X[1, 4:] = X[2, 2:] = np.nan
    expected = sliding_window(X[:2], window=3)  # series of at least 3 steps
    for i in range(2):
        n = new_lengths[i]
        np.testing.assert_allclose(windows[i, :n].numpy(), expected[i, :n])
    # a series shorter than the window: one window, its last step repeated
    torch.testing.assert_close(windows[2, 0], torch.cat([x[2, 0], x[2, 1], x[2, 1]]))


def test_strided_frames_cover_every_step_and_match_brute_force():
    x, lengths = _batch([10, 7, 3], n_features=2)
    windows, new_lengths = frame_windows(x, lengths, 4, stride=3)
    # frames start at 0, 3, 6, ...; the last one reaches the last step
    assert new_lengths.tolist() == [3, 2, 1]
    assert [framed_length(n, 4, 3) for n in (10, 7, 3)] == [3, 2, 1]
    for i, n in enumerate(lengths.tolist()):
        for k in range(new_lengths[i]):
            steps = [min(k * 3 + j, n - 1) for j in range(4)]
            torch.testing.assert_close(windows[i, k], x[i, steps].reshape(-1))
    # stride 1 is the unstrided framing
    torch.testing.assert_close(frame_windows(x, lengths, 3, stride=1)[0],
                               frame_windows(x, lengths, 3)[0])


def test_penalty_is_on_transition_observation_and_label_weights_only():
    module = _module()
    module.l2 = 0.5
    expected = 0.5 * sum(p.square().sum() for p in (module.A, module.W, module.V))
    torch.testing.assert_close(module.penalty(), expected)
    grads = torch.autograd.grad(module.penalty(), [module.b, module.c, module.pi,
                                                   module.tau], allow_unused=True)
    assert all(g is None or (g == 0).all() for g in grads)


def test_softplus_exact_in_float64():
    x = torch.tensor([25.0, 35.0, -30.0], dtype=torch.float64)
    expected = torch.logaddexp(x, torch.zeros_like(x))
    torch.testing.assert_close(softplus_exact(x), expected, rtol=0, atol=1e-15)


def test_log_odds_recursion_is_stable_for_large_scores():
    module = _module()
    with torch.no_grad():
        module.W.mul_(200.0)
        module.A.mul_(100.0)
    x, lengths = _batch([6, 3])
    log_m = module(x, lengths)
    assert torch.isfinite(log_m).all()
    _, _, chain = module.forward_backward(x, lengths)
    torch.testing.assert_close(chain.sum(-1) + module.c, log_m)


def test_gradients_match_finite_differences():
    module = _module(n_features=2, hidden_size=2, window=2)
    x, lengths = _batch([4, 2, 1], n_features=2)
    x.requires_grad_(True)
    y = torch.tensor([0, 2, 1])

    def nll(x, *params):
        return torch.nn.functional.cross_entropy(module(x, lengths), y)

    assert torch.autograd.gradcheck(nll, (x, *module.parameters()))



@pytest.mark.parametrize("dtype, rtol", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
@pytest.mark.parametrize("chunk", [1, 4, 13, 100])
def test_checkpointed_recursion_equals_the_plain_one(dtype, rtol, chunk):
    # the same operations in chunks: outputs and gradients (parameters and
    # input) agree up to the order of the float sums, with unequal lengths,
    # windows and tau/pi folded in
    torch.manual_seed(0)
    module = HULMModule(3, 4, hidden_size=5, window=2).to(dtype)
    with torch.no_grad():
        for p in (module.A, module.V, module.tau, module.pi):
            p.normal_()
    x, lengths = torch.randn(3, 40, 3, dtype=dtype), torch.tensor([40, 23, 7])

    def run(checkpoint_steps):
        module.checkpoint_steps = checkpoint_steps
        module.zero_grad()
        inputs = x.clone().requires_grad_()
        out = module(inputs, lengths)
        out.square().sum().backward()
        grads = [p.grad.clone() for p in module.parameters()] + [inputs.grad]
        return out, grads

    plain, plain_grads = run(0)
    chunked, chunked_grads = run(chunk)
    n_steps = 39  # 40 steps, window 2
    assert recomputed_nodes(chunked) == -(-(n_steps - 1) // chunk)
    assert recomputed_nodes(plain) == 0
    scale = float(plain.detach().abs().max())
    torch.testing.assert_close(chunked, plain, rtol=0, atol=rtol * scale)
    for got, expected in zip(chunked_grads, plain_grads):
        torch.testing.assert_close(got, expected, rtol=0,
                                   atol=rtol * float(expected.abs().max()))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("chunk_elements", [1, 2_000, None])
@pytest.mark.parametrize("n_steps, window", [(1, 1), (2, 1), (7, 1), (40, 3)])
def test_forward_without_gradients_is_the_plain_recursion_bit_for_bit(
        dtype, chunk_elements, n_steps, window, monkeypatch):
    # without gradients the recursion runs over chunks of steps (never the
    # whole (B, T', K, H) scores): the same numbers as the plain recursion,
    # bit for bit, with 2-step chunks, a 1-step chunk at the end (7 steps),
    # one chunk, and 1- and 2-step series
    import sktime_metric.nn.hulm as hulm

    if chunk_elements is not None:
        monkeypatch.setattr(hulm, "_CHUNK_ELEMENTS", chunk_elements)
    torch.manual_seed(0)
    module = HULMModule(3, 9, hidden_size=7, window=window,
                        checkpoint_steps=0).to(dtype)
    with torch.no_grad():
        for p in (module.A, module.V, module.tau, module.pi):
            p.normal_()
    x = torch.randn(5, n_steps, 3, dtype=dtype)
    lengths = torch.tensor([n_steps, max(1, n_steps - 3), 1, n_steps, 2])
    lengths = lengths.clamp(max=n_steps)
    x = x * (torch.arange(n_steps)[None, :, None] < lengths[:, None, None])
    plain = module(x, lengths).detach()  # with gradients: the plain recursion
    with torch.no_grad():
        chunked = module(x, lengths)
    assert torch.equal(chunked, plain)


def test_checkpointing_is_automatic_on_long_series_and_never_without_gradients():
    # float64: the chunked sum runs over 20,000 steps in another order
    module = HULMModule(3, 2, hidden_size=8).double()
    x = torch.randn(4, 20_000, 3, dtype=torch.float64)
    lengths = torch.tensor([20_000, 20_000, 9_000, 5])
    out = module(x, lengths)  # 4 x 2 rows x 8 units: ~27 KB of graph a step
    assert recomputed_nodes(out) > 0
    with torch.no_grad():
        np.testing.assert_allclose(module(x, lengths).numpy(), out.detach().numpy(),
                                   rtol=1e-9)
    short = module(x[:, :50], torch.tensor([50, 50, 50, 5]))
    assert recomputed_nodes(short) == 0


@pytest.mark.parametrize("window", [1, 2])
def test_length_normalize_divides_each_log_m_by_its_model_steps(window):
    # log M / T' against brute force on unequal lengths; T' counts the steps
    # after windowing (window 2: 4 -> 3, 1 -> 1, 3 -> 2)
    module = _module(window=window)
    module.length_normalize = True
    x, lengths = _batch([4, 1, 3])
    logits = module(x, lengths)
    for i, length in enumerate(lengths.tolist()):
        windows, steps = frame_windows(x[i : i + 1, :length], lengths[i : i + 1],
                                       window)
        expected, _ = _brute_force(module, windows[0, : int(steps)])
        torch.testing.assert_close(logits[i], expected / int(steps))
    # padding and batch mates still change nothing
    padded = torch.cat([x, torch.zeros(3, 5, 3, dtype=x.dtype)], dim=1)
    torch.testing.assert_close(module(padded, lengths), logits)
    for i, length in enumerate(lengths.tolist()):
        alone = module(x[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(alone[0], logits[i])


def test_length_normalize_applies_to_the_checkpointed_recursion_too():
    torch.manual_seed(0)
    module = HULMModule(3, 4, hidden_size=5, length_normalize=True).double()
    x, lengths = torch.randn(3, 40, 3, dtype=torch.float64), torch.tensor([40, 23, 7])
    module.checkpoint_steps = 4
    chunked = module(x, lengths)
    assert recomputed_nodes(chunked) > 0
    module.length_normalize = False
    torch.testing.assert_close(chunked, module(x, lengths) / lengths[:, None])


def test_the_chunked_recursion_runs_exactly_when_nothing_needs_a_gradient(
        monkeypatch):
    # _term_sums (chunks of steps, no (B, T', K, H) scores) under no_grad and
    # for a frozen module in grad mode; the plain recursion, which autograd
    # differentiates, when a parameter needs a gradient. The same numbers
    import sktime_metric.nn.hulm as hulm

    calls, real = [], hulm._term_sums
    monkeypatch.setattr(hulm, "_term_sums",
                        lambda *args: calls.append(torch.is_grad_enabled())
                        or real(*args))
    module = _module()
    x, lengths = _batch([4, 2, 3])
    with torch.no_grad():
        predicted = module(x, lengths)
    assert calls == [False]
    trained = module(x, lengths)
    assert calls == [False] and trained.requires_grad
    module.requires_grad_(False)
    frozen = module(x, lengths)
    assert calls == [False, True] and not frozen.requires_grad
    assert torch.equal(predicted, trained.detach()) and torch.equal(frozen, predicted)


@pytest.mark.parametrize("chunk_elements, chunk", [(2_000, 6), (1, 2), (10**6, 40)])
def test_no_gradient_chunks_hold_at_most_the_bound_of_scores(chunk_elements, chunk,
                                                              monkeypatch):
    # a chunk's scores (B, k, K, H) hold at most _CHUNK_ELEMENTS elements
    # (the memory bound), but at least 2 steps: 2,000 // (5 x 9 x 7) = 6
    import sktime_metric.nn.hulm as hulm

    monkeypatch.setattr(hulm, "_CHUNK_ELEMENTS", chunk_elements)
    torch.manual_seed(0)
    module = HULMModule(3, 9, hidden_size=7)
    x, lengths = torch.randn(5, 40, 3), torch.full((5,), 40)
    sizes, real = [], hulm.torch.cat
    monkeypatch.setattr(hulm.torch, "cat", lambda tensors, *args, **kwargs: sizes
                        .extend(t.size(1) for t in tensors) or real(tensors, *args,
                                                                  **kwargs))
    with torch.no_grad():
        module(x, lengths)
    assert sum(sizes) == 40 and max(sizes) == chunk
