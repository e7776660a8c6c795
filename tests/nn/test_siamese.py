"""Siamese RNN modules: equation oracles, pooling over true lengths, symmetry."""

import pytest
import torch

from sktime_metric.nn import BilinearSimilarity, SequenceEncoder, SiameseRNNModule


def _batch(lengths, n_features=3, seed=0, dtype=torch.float64, fill=0.0):
    """A padded batch; ``fill`` is what the padding holds."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor(lengths)
    x = torch.randn(len(lengths), int(lengths.max()), n_features, generator=g, dtype=dtype)
    pad = torch.arange(x.size(1))[None, :, None] >= lengths[:, None, None]
    return x.masked_fill(pad, fill), lengths


def _reference(module, x, length):
    """Eqs. (1)-(4) of the paper for one sequence, as a plain loop."""
    rnn = module.encoder.rnn.rnn
    W, A = rnn.weight_ih_l0, rnn.weight_hh_l0
    b = rnn.bias_ih_l0 + rnn.bias_hh_l0
    z = torch.zeros(W.size(0), dtype=x.dtype)
    states = []
    for t in range(length):
        z = torch.relu(W @ x[t] + A @ z + b)  # Eq. (1)
        states.append(z)
    if module.encoder.pooling == "last":
        return states[-1]  # Eq. (2)
    return torch.stack(states).mean(0)  # Eq. (3)


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_module_matches_the_papers_equations(pooling):
    module = SiameseRNNModule(3, hidden_size=5, pooling=pooling).double().eval()
    x, lengths = _batch([6, 2, 4])
    x2, lengths2 = _batch([3, 6, 1], seed=1)
    logits, h = module(x, lengths, x2, lengths2)
    v, c = module.similarity.weight, module.similarity.bias
    for i in range(3):
        h1 = _reference(module, x[i], int(lengths[i]))
        h2 = _reference(module, x2[i], int(lengths2[i]))
        torch.testing.assert_close(h[i, 0], h1)
        torch.testing.assert_close(h[i, 1], h2)
        # Eq. (4): s = sigmoid(v^T (h1 * h2) + c)
        torch.testing.assert_close(logits[i, 0], v @ (h1 * h2) + c)


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_sn_baselines_are_the_srn_without_recurrence(pooling):
    # SN-L / SN-A (Pei et al. 2016, §5.1): z_t = relu(W x_t + b), A = 0
    module = SiameseRNNModule(3, hidden_size=5, cell="none", pooling=pooling).double()
    x, lengths = _batch([6, 2, 4])
    h = module(x, lengths)
    W, b = module.encoder.rnn.linear.weight, module.encoder.rnn.linear.bias
    for i, n in enumerate(lengths.tolist()):
        z = [torch.relu(W @ x[i, t] + b) for t in range(n)]
        expected = z[-1] if pooling == "last" else torch.stack(z).mean(0)
        torch.testing.assert_close(h[i], expected)


def test_logistic_baseline_is_the_head_on_time_averaged_frames():
    # the paper's "logistic" model: h = mean_t x_t, s = sigmoid(v^T (h1 * h2) + c)
    module = SiameseRNNModule(3, hidden_size=5, cell="identity", pooling="mean").double()
    x, lengths = _batch([6, 2, 4])
    x2, lengths2 = _batch([3, 6, 1], seed=1)
    logits, h = module(x, lengths, x2, lengths2)
    v, c = module.similarity.weight, module.similarity.bias
    assert v.shape == (3,)  # hidden_size ignored: no hidden units
    for i in range(3):
        h1 = x[i, : lengths[i]].mean(0)
        h2 = x2[i, : lengths2[i]].mean(0)
        torch.testing.assert_close(h[i, 0], h1)
        torch.testing.assert_close(logits[i, 0], v @ (h1 * h2) + c)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm", "none", "identity"])
@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_pooling_reads_each_sequence_up_to_its_own_length(cell, pooling):
    encoder = SequenceEncoder(3, 4, cell=cell, pooling=pooling).double().eval()
    x, lengths = _batch([5, 1, 3], fill=0.0)
    # whatever the padding holds, and whatever batch mates there are, each
    # embedding equals that of the sequence alone and unpadded
    x_garbage, _ = _batch([5, 1, 3], fill=1e3)
    h = encoder(x, lengths)
    torch.testing.assert_close(encoder(x_garbage, lengths), h)
    for i, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(encoder(x[i : i + 1, :n], lengths[i : i + 1])[0], h[i])


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_inference_without_gradients_pools_the_same(pooling):
    # without gradients the mean masks the states in place
    encoder = SequenceEncoder(3, 4, pooling=pooling).double().eval()
    x, lengths = _batch([5, 1, 3])
    h = encoder(x, lengths)
    assert h.requires_grad
    with torch.no_grad():
        torch.testing.assert_close(encoder(x, lengths), h.detach(), rtol=0, atol=0)


@pytest.mark.parametrize("window", [1, 2])
@pytest.mark.parametrize("cell", ["identity", "none", "rnn"])
def test_inference_never_writes_into_the_callers_tensor(cell, window):
    # the in-place masking of inference once zeroed the caller's x past each
    # length when cell="identity" passed it through; non-zero padding shows it
    encoder = SequenceEncoder(3, 4, cell=cell, pooling="mean", window=window).eval()
    x = torch.ones(3, 6, 3)
    lengths = torch.tensor([6, 2, 4])
    with torch.no_grad():
        encoder(x, lengths)
    assert bool((x == 1).all())


def test_last_is_the_state_at_the_last_valid_step_and_mean_divides_by_length():
    x, lengths = _batch([4, 2])
    last = SequenceEncoder(3, 4, pooling="last").double()
    mean = SequenceEncoder(3, 4, pooling="mean").double()
    mean.load_state_dict(last.state_dict())
    states, _ = last.rnn(x, lengths)
    torch.testing.assert_close(last(x, lengths), states[[0, 1], [3, 1]])
    torch.testing.assert_close(mean(x, lengths)[1], states[1, :2].sum(0) / 2)


@pytest.mark.parametrize("form", ["diagonal", "full", "low_rank"])
def test_similarity_is_symmetric_and_pairwise_agrees(form):
    head = BilinearSimilarity(6, form=form, rank=2).double()
    g = torch.Generator().manual_seed(0)
    a = torch.randn(4, 6, generator=g, dtype=torch.float64)
    b = torch.randn(5, 6, generator=g, dtype=torch.float64)
    M = head.matrix()
    torch.testing.assert_close(M, M.T)
    # brute force: h1^T M h2 + c for every pair
    brute = torch.stack([torch.stack([u @ M @ w for w in b]) for u in a]) + head.bias
    torch.testing.assert_close(head.pairwise(a, b), brute)
    torch.testing.assert_close(head.pairwise(b, a), brute.T)
    torch.testing.assert_close(head(a[:, None], b[None]), brute)
    if form == "low_rank":
        assert torch.linalg.matrix_rank(M) == 2
    if form == "diagonal":
        torch.testing.assert_close(head(a[0], b[0]), head.weight @ (a[0] * b[0]) + head.bias)
    # the distance 1 - s, paired and pairwise
    torch.testing.assert_close(head.pairwise_distance(a, b), 1 - torch.sigmoid(brute))
    torch.testing.assert_close(head.distance(a[:, None], b[None]), 1 - torch.sigmoid(brute))


def test_distance_keeps_its_precision_where_s_is_near_one():
    head = BilinearSimilarity(2).double()
    with torch.no_grad():
        head.weight.fill_(1.0), head.bias.fill_(0.0)
    h = torch.tensor([[8.0, 0.0]], dtype=torch.float64)  # logit 64: 1 - s = 1.6e-28
    expected = torch.exp(torch.tensor(-64.0, dtype=torch.float64)).item()
    assert head.distance(h, h).item() == pytest.approx(expected, rel=1e-12)
    assert 1 - torch.sigmoid(head(h, h)).item() == 0.0  # what the naive form gives


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="pooling must be"):
        SequenceEncoder(2, 3, pooling="max")
    with pytest.raises(ValueError, match="form must be"):
        BilinearSimilarity(3, form="cosine")


def test_triplets_give_anchor_positive_and_anchor_negative_logits():
    module = SiameseRNNModule(3, hidden_size=4).double().eval()
    xa, la = _batch([3, 5])
    xp, lp = _batch([2, 5], seed=1)
    xn, ln = _batch([4, 1], seed=2)
    logits, h = module(xa, la, xp, lp, xn, ln)
    assert logits.shape == (2, 2) and h.shape == (2, 3, 4)
    head = module.similarity
    torch.testing.assert_close(logits[:, 0], head(module(xa, la), module(xp, lp)))
    torch.testing.assert_close(logits[:, 1], head(module(xa, la), module(xn, ln)))


def test_initialisation_range_and_dropout_only_in_training():
    module = SiameseRNNModule(3, hidden_size=8, dropout=0.5, init_range=0.05)
    assert all(p.abs().max() <= 0.05 for p in module.parameters())
    x, lengths = _batch([6, 3], dtype=torch.float32)
    module.eval()
    torch.testing.assert_close(module(x, lengths), module(x, lengths))
    module.train()
    torch.manual_seed(0)
    assert not torch.equal(module(x, lengths), module.eval()(x, lengths))


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_gradients_match_finite_differences(pooling):
    module = SiameseRNNModule(2, hidden_size=3, pooling=pooling, similarity="full")
    module = module.double()
    x, lengths = _batch([4, 2], n_features=2)
    x2, lengths2 = _batch([3, 4], n_features=2, seed=1)

    def logits(x, x2):
        return module(x, lengths, x2, lengths2)[0]

    assert torch.autograd.gradcheck(
        logits, (x.requires_grad_(), x2.requires_grad_()), eps=1e-6, atol=1e-5
    )


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_a_series_in_several_tuples_is_encoded_once_with_the_same_gradients(pooling):
    # tuples that share series (and one series equal to another but shorter):
    # the deduplicated pass gives the logits, embeddings and parameter
    # gradients of encoding every copy on its own
    torch.manual_seed(0)
    module = SiameseRNNModule(3, hidden_size=5, cell="gru", pooling=pooling).double()
    x, lengths = _batch([6, 4, 6, 2])
    x[3, :2] = x[0, :2]  # the first 2 steps of series 0, as its own series
    left, right = torch.tensor([0, 1, 0, 2, 3]), torch.tensor([1, 0, 2, 2, 0])
    batch_sizes = []
    hook = module.encoder.register_forward_hook(
        lambda _, inputs, __: batch_sizes.append(len(inputs[0])))
    logits, h = module(x[left], lengths[left], x[right], lengths[right])
    hook.remove()
    assert batch_sizes == [4]  # 10 sequences in the tuples, 4 distinct
    (logits.sum() + h.square().sum()).backward()
    grads = [p.grad.clone() for p in module.parameters()]
    module.zero_grad()
    def alone(i):
        return module.encoder(x[i:i + 1, :lengths[i]], lengths[i:i + 1])[0]

    h_each = torch.stack([torch.stack([alone(int(i)) for i in side])
                          for side in (left, right)], 1)
    logits_each = module.similarity(h_each[:, :1], h_each[:, 1:])
    (logits_each.sum() + h_each.square().sum()).backward()
    torch.testing.assert_close(h, h_each)
    torch.testing.assert_close(logits, logits_each)
    for grad, p in zip(grads, module.parameters()):
        torch.testing.assert_close(grad, p.grad)
