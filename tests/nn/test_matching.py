"""MatchingNetworkModule, EpisodeNLLLoss and the episode sampler."""

import numpy as np
import pytest
import torch

from sktime_metric.nn import EpisodeNLLLoss, MatchingNetworkModule
from sktime_metric.nn.matching import leave_self_out
from sktime_metric.utils._skorch import EpisodeBatchSampler


def _episode(n=7, t=9, d=3, n_support=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, t, d, generator=g)
    lengths = torch.randint(2, t + 1, (n,), generator=g)
    lengths[0] = t
    x = x * (torch.arange(t)[None, :, None] < lengths[:, None, None])
    is_support = torch.arange(n) < n_support
    return x, lengths, is_support


@pytest.mark.parametrize("variant", ["thesis", "vinyals"])
@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("steps", [0, 1, 3])
def test_shapes_and_normalisation(variant, metric, steps):
    module = MatchingNetworkModule(3, hidden_size=6, projection_size=4,
                                   processing_steps=steps, attention_variant=variant,
                                   metric=metric).eval()
    x, lengths, is_support = _episode()
    log_alpha, flags = module(x, lengths, is_support)
    assert log_alpha.shape == (4, 3) and torch.equal(flags, is_support)
    torch.testing.assert_close(log_alpha.exp().sum(1), torch.ones(4))


def test_thesis_attention_gru_against_brute_force():
    torch.manual_seed(0)
    module = MatchingNetworkModule(3, hidden_size=5, processing_steps=3).eval()
    y, s = torch.randn(2, 5), torch.randn(4, 5)
    cell = module.attention_cell
    expected = []
    for yi in y:  # the thesis's Algorithm 1 (chapter 2), one query at a time
        h = cell(yi[None], torch.zeros(1, 5))
        for _ in range(2):
            h_hat = h + yi
            a = torch.softmax(torch.stack([h_hat[0] @ sj for sj in s]), 0)
            r = sum(aj * sj for aj, sj in zip(a, s))
            h = cell(h_hat, r[None])
        expected.append((h + yi)[0])
    torch.testing.assert_close(module.query_embedding(y, s), torch.stack(expected))


def test_support_context_depends_on_order():
    torch.manual_seed(0)
    module = MatchingNetworkModule(3, hidden_size=5).eval()
    s = torch.randn(3, 5)
    out = module.support_embedding(s)
    flipped = module.support_embedding(s.flip(0)).flip(0)
    assert not torch.allclose(out, flipped)
    plain = MatchingNetworkModule(3, hidden_size=5, support_context=False)
    assert torch.equal(plain.support_embedding(s), s)


def test_padding_invariance():
    module = MatchingNetworkModule(3, hidden_size=6, processing_steps=2).eval()
    x, lengths, is_support = _episode()
    padded = torch.cat([x, torch.zeros(len(x), 5, 3)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(module(x, lengths, is_support)[0],
                                   module(padded, lengths, is_support)[0])


def test_episode_loss_brute_force_and_gradients():
    log_alpha = torch.log_softmax(torch.randn(3, 4, dtype=torch.float64), 1)
    is_support = torch.tensor([True] * 4 + [False] * 3)
    y = torch.tensor([0, 1, 0, 2, 0, 2, 1])
    loss = EpisodeNLLLoss()((log_alpha, is_support), y)
    alpha = log_alpha.exp().numpy()
    expected = -np.mean([np.log(alpha[0, 0] + alpha[0, 2]), np.log(alpha[1, 3]),
                         np.log(alpha[2, 1])])
    assert loss.item() == pytest.approx(float(expected))
    module = MatchingNetworkModule(3, hidden_size=4, processing_steps=2).double()
    x, lengths, flags = _episode()
    torch.autograd.gradcheck(
        lambda x: EpisodeNLLLoss()(module(x, lengths, flags), torch.arange(7) % 3),
        (x.double().requires_grad_(),),
    )


def test_episode_sampler_disjoint_and_shaped():
    labels = np.repeat(np.arange(7), 6)
    sampler = EpisodeBatchSampler(labels, n_way=3, k_shot=2, n_query=3, random_state=0)
    episodes = list(sampler.episodes())
    assert len(episodes) == len(sampler) == 3  # ceil(7 / 3)
    seen = []
    for support, query in episodes:
        assert len(support) == 6 and len(query) == 9
        assert not set(support) & set(query)
        classes = np.unique(labels[support])
        assert len(classes) == 3 and set(labels[query]) == set(classes)
        assert all(np.sum(labels[support] == c) == 2 for c in classes)
        seen.extend(classes)
    assert set(seen) == set(range(7))  # one epoch covers all classes
    batches = list(EpisodeBatchSampler(labels, 3, 2, 3, random_state=0))
    assert batches == [list(s) + list(q) for s, q in episodes]  # support first


def test_episode_sampler_seeded():
    labels = np.repeat(np.arange(4), 3)
    a = list(EpisodeBatchSampler(labels, 2, random_state=1))
    assert a == list(EpisodeBatchSampler(labels, 2, random_state=1))
    assert len(list(EpisodeBatchSampler(labels, 9))) == 1  # n_way capped


def test_spectral_radius_init():
    module = MatchingNetworkModule(3, hidden_size=6, spectral_radius=1.1)
    w = module.autoencoder.encoder.rnn.weight_hh_l0.detach()
    for block in w.chunk(3):
        eig = torch.linalg.eigvals(block).abs()
        torch.testing.assert_close(eig, torch.full_like(eig, 1.1))


def test_mean_pooling_averages_the_encoder_states_over_valid_steps():
    torch.manual_seed(0)
    module = MatchingNetworkModule(n_features=2, hidden_size=5, pooling="mean").eval()
    x, lengths = torch.randn(3, 6, 2), torch.tensor([6, 4, 1])
    x = x * (torch.arange(6)[None, :, None] < lengths[:, None, None])
    with torch.no_grad():
        y = module.embed(x, lengths)
        for i, n in enumerate(lengths.tolist()):  # brute force: one series alone
            states, _ = module.autoencoder.encoder.rnn(x[i : i + 1, :n])
            torch.testing.assert_close(y[i], states[0].mean(dim=0))
        # padding changes nothing
        longer = torch.cat([x, torch.zeros(3, 4, 2)], dim=1)
        torch.testing.assert_close(module.embed(longer, lengths), y)
    with pytest.raises(ValueError, match="pooling"):
        MatchingNetworkModule(n_features=2, pooling="max")


def test_attention_pooling_weighs_the_valid_states():
    torch.manual_seed(0)
    module = MatchingNetworkModule(n_features=2, hidden_size=5,
                                   pooling="attention").eval()
    x, lengths = torch.randn(3, 6, 2), torch.tensor([6, 4, 1])
    x = x * (torch.arange(6)[None, :, None] < lengths[:, None, None])
    pool = module.pool
    with torch.no_grad():
        y = module.embed(x, lengths)
        for i, n in enumerate(lengths.tolist()):  # brute force, one series alone
            states, _ = module.autoencoder.encoder.rnn(x[i : i + 1, :n])
            e = torch.sigmoid(pool.fusion(torch.tanh(pool.hidden(states[0]))))[:, 0]
            torch.testing.assert_close(y[i], (e / e.sum()) @ states[0])
        longer = torch.cat([x, torch.zeros(3, 4, 2)], dim=1)
        torch.testing.assert_close(module.embed(longer, lengths), y)
    # the attention layers learn with the rest
    module.train()
    module.embed(x, lengths).sum().backward()
    assert pool.hidden.weight.grad is not None and pool.hidden.weight.grad.abs().sum() > 0


def test_episode_accuracy_against_brute_force():
    from sktime_metric.nn.matching import episode_accuracy

    torch.manual_seed(0)
    y = torch.tensor([3, 7, 3, 7, 7, 3, 7])
    is_support = torch.tensor([True, True, True, False, False, False, False])
    log_alpha = torch.log_softmax(torch.randn(4, 3), dim=1)  # queries x support
    accuracy, n = episode_accuracy((log_alpha, is_support), y)
    # brute force: sum each query's weights per support class, take the largest
    right = 0
    for q, label in enumerate(y[~is_support].tolist()):
        mass = {c: sum(log_alpha[q, j].exp().item() for j, s in
                       enumerate(y[is_support].tolist()) if s == c) for c in (3, 7)}
        right += max(mass, key=mass.get) == label
    assert n == 4 and accuracy == right / 4
    assert episode_accuracy((log_alpha[:0], is_support[:3]), y[:3])[1] == 0


@pytest.mark.parametrize("steps", [0, 1, 2])
@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_centred_scores_against_brute_force(steps, metric):
    # each side centred on the support's mean in its own embedding: S' on
    # mean(S'), a query y' = f(y, S') on the mean of f(s_j, S') over the support
    torch.manual_seed(0)
    module = MatchingNetworkModule(3, hidden_size=5, processing_steps=steps,
                                   metric=metric, center=True).eval()
    y, s = torch.randn(3, 5), torch.randn(4, 5)
    f = module.query_embedding
    m_query = torch.stack([f(sj[None], s)[0] for sj in s]).mean(0)
    m_support = s.mean(0)
    expected = torch.empty(3, 4)
    for i, yi in enumerate(y):
        q = f(yi[None], s)[0] - m_query
        for j, sj in enumerate(s):
            c = sj - m_support
            expected[i, j] = (torch.dot(q, c) / (q.norm() * c.norm())
                              if metric == "cosine" else -(q - c).norm())
    torch.testing.assert_close(module.query_scores(y, s), expected)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_scores_are_the_similarities_divided_by_the_temperature(metric):
    # a temperature below 1 sharpens the matching weights, above 1 flattens them
    torch.manual_seed(0)
    q, s = torch.randn(3, 5), torch.randn(4, 5)
    expected = torch.empty(3, 4)
    for i, qi in enumerate(q):
        for j, sj in enumerate(s):
            expected[i, j] = (torch.dot(qi, sj) / (qi.norm() * sj.norm())
                              if metric == "cosine" else -(qi - sj).norm())
    for temperature in (0.25, 1.0, 4.0):
        module = MatchingNetworkModule(3, hidden_size=5, processing_steps=0,
                                       metric=metric, temperature=temperature).eval()
        torch.testing.assert_close(module.scores(q, s), expected / temperature)
        torch.testing.assert_close(module.match(q, s),
                                   torch.log_softmax(expected / temperature, dim=1))


def test_centring_ignores_an_offset_shared_by_every_embedding():
    # the mean-pooled states of a long series are nearly the same vector for
    # every series: centred, the cosines read what differs between them
    torch.manual_seed(0)
    y, s, offset = torch.randn(3, 5), torch.randn(4, 5), 10 * torch.randn(1, 5)
    centred = MatchingNetworkModule(3, hidden_size=5, processing_steps=0,
                                    center=True).eval()
    torch.testing.assert_close(centred.query_scores(y + offset, s + offset),
                               centred.query_scores(y, s), atol=1e-4, rtol=0)
    plain = MatchingNetworkModule(3, hidden_size=5, processing_steps=0).eval()
    shifted = plain.query_scores(y + offset, s + offset)
    assert (shifted > 0.95).all() and not (plain.query_scores(y, s) > 0.95).all()


@pytest.mark.parametrize("class_prior", ["support", "uniform"])
@pytest.mark.parametrize("with_exclude", [False, True])
def test_posterior_against_brute_force(class_prior, with_exclude):
    # "support": P(c) = sum of the matching weights of class c's support
    # series (Vinyals et al. eq. 1); "uniform": that sum divided by the
    # class's number of (not excluded) support series, renormalised
    torch.manual_seed(0)
    module = MatchingNetworkModule(3, hidden_size=5, processing_steps=1).eval()
    y, s = torch.randn(4, 5), torch.randn(6, 5)
    codes = np.array([0, 0, 0, 0, 1, 2])  # unbalanced: 4 / 1 / 1
    exclude = torch.zeros(4, 6, dtype=torch.bool)
    if with_exclude:
        exclude[0, 0] = exclude[1, 3] = exclude[2, 4] = True  # class 1 empties
    proba = module.posterior(y, s, codes, 3, exclude=exclude if with_exclude else None,
                             class_prior=class_prior)
    scores = module.query_scores(y, s).double()
    expected = torch.zeros(4, 3, dtype=torch.float64)
    for i in range(4):
        kept = [j for j in range(6) if not exclude[i, j]]
        alpha = {j: torch.exp(scores[i, j]) / sum(torch.exp(scores[i, k]) for k in kept)
                 for j in kept}
        for c in range(3):
            members = [j for j in kept if codes[j] == c]
            mass = sum((alpha[j] for j in members), torch.zeros((), dtype=torch.float64))
            if class_prior == "uniform":
                mass = mass / max(len(members), 1)
            expected[i, c] = mass
        expected[i] /= expected[i].sum()
    torch.testing.assert_close(proba, expected)


def test_uniform_class_prior_equals_the_sum_on_a_balanced_support_set():
    torch.manual_seed(0)
    module = MatchingNetworkModule(3, hidden_size=5).eval()
    y, s, codes = torch.randn(4, 5), torch.randn(6, 5), np.array([0, 1, 2, 0, 1, 2])
    torch.testing.assert_close(
        module.posterior(y, s, codes, 3, class_prior="uniform"),
        module.posterior(y, s, codes, 3, class_prior="support"))


def test_uniform_class_prior_removes_the_majority_drift_of_uninformative_weights():
    # identical embeddings: every matching weight is the same, so the summed
    # posterior is the support set's class frequencies, the uniform one flat
    module = MatchingNetworkModule(3, hidden_size=5, processing_steps=0).eval()
    y, s, codes = torch.ones(2, 5), torch.ones(5, 5), np.array([0, 0, 0, 0, 1])
    torch.testing.assert_close(module.posterior(y, s, codes, 2, class_prior="support"),
                               torch.tensor([[0.8, 0.2]] * 2, dtype=torch.float64))
    torch.testing.assert_close(module.posterior(y, s, codes, 2),
                               torch.full((2, 2), 0.5, dtype=torch.float64))


def test_posterior_refuses_an_unknown_class_prior():
    module = MatchingNetworkModule(3, hidden_size=5).eval()
    with pytest.raises(ValueError, match="class_prior must be"):
        module.posterior(torch.randn(2, 5), torch.randn(3, 5), np.array([0, 1, 1]), 2,
                         class_prior="balanced")


def test_leave_self_out_against_brute_force():
    # queries 0..5; support = rows [4, 1, 3, 0] with classes [0, 1, 0, 2]:
    # class 1 (row 1) and class 2 (row 0) have one support series each
    support_rows, codes = np.array([4, 1, 3, 0]), np.array([0, 1, 0, 2])
    exclude = leave_self_out(6, support_rows, codes).numpy()
    expected = np.zeros((6, 4), dtype=bool)
    for j, (row, code) in enumerate(zip(support_rows, codes)):
        if (codes == code).sum() > 1:  # a class's only series stays
            expected[row, j] = True
    np.testing.assert_array_equal(exclude, expected)
    assert exclude.sum() == 2 and exclude[4, 0] and exclude[3, 2]
