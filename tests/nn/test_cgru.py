"""The coupled GRU module and its losses, against references written from equations."""

import itertools
import shutil

import pytest
import torch
from torch import nn

from sktime_metric.nn import CoupledGRU, CoupledGRULayer
from sktime_metric.nn import _coupled_layer as coupled_layer_module
from sktime_metric.nn import _recompute as recompute_module
from sktime_metric.nn._recompute import time_chunks
from sktime_metric.nn._pairing import pair_chunks, pair_tiles
from sktime_metric.nn.losses import ContrastiveLoss, StructuralLoss

F64 = torch.float64


def _gates(layer, x, h):
    """z, r and the candidate n of (4.16), (4.20), (4.19) for one branch."""
    g, H = layer.gru, layer.hidden_size
    w_ir, w_iz, w_in = g.weight_ih_l0.split(H)
    b_ir, b_iz, b_in = g.bias_ih_l0.split(H)
    w_hr, w_hz, w_hn = g.weight_hh_l0.split(H)
    b_hr, b_hz, b_hn = g.bias_hh_l0.split(H)
    z = torch.sigmoid(w_iz @ x + b_iz + w_hz @ h + b_hz)
    r = torch.sigmoid(w_ir @ x + b_ir + w_hr @ h + b_hr)
    n = torch.tanh(w_in @ x + b_in + r * (w_hn @ h + b_hn))
    return z, r, n


def reference_distance(net, a, b, align="end"):
    """d(a, b) by a plain loop over one pair, straight from (4.14)-(4.20).

    ``a``, ``b``: unpadded ``(T_a, F)``, ``(T_b, F)``. Variable length per spec
    10.3: on a grid of ``max(T_a, T_b)`` steps, a branch runs on the steps its
    series covers (the end of the grid for "end", the start for "start"); a
    branch that is not running keeps its state and gives no coupling.
    """
    n_steps = max(len(a), len(b))
    offset = {"end": (n_steps - len(a), n_steps - len(b)), "start": (0, 0)}[align]
    seqs = (a, b)
    for layer in net.layers:
        H = layer.hidden_size
        h = [torch.zeros(H, dtype=F64), torch.zeros(H, dtype=F64)]
        outs = ([], [])
        for t in range(n_steps):
            active = [0 <= t - offset[k] < len(seqs[k]) for k in (0, 1)]
            gates = [
                _gates(layer, seqs[k][t - offset[k]], h[k]) if active[k] else None
                for k in (0, 1)
            ]
            c = torch.zeros(H, dtype=F64)
            if layer.coupling:
                c = torch.sigmoid(layer.weight_hc @ (h[0] + h[1]) + layer.bias_hc)
            new = list(h)
            for k in (0, 1):
                if not active[k]:
                    continue
                z, _, n = gates[k]
                ck = c if active[1 - k] else torch.zeros_like(c)
                partner = gates[1 - k][2] if active[1 - k] else n
                n_bar = (1 - ck) * n + ck * partner  # (4.17)
                new[k] = (1 - z) * n_bar + z * h[k]  # (4.15)
            h = new
            for k in (0, 1):
                if active[k]:
                    outs[k].append(h[k])
        seqs = tuple(torch.stack(o) for o in outs)
    return torch.linalg.vector_norm(seqs[0][-1] - seqs[1][-1])


def _padded(series):
    lengths = torch.tensor([len(s) for s in series])
    x = torch.zeros(len(series), int(lengths.max()), series[0].shape[1], dtype=F64)
    for i, s in enumerate(series):
        x[i, : len(s)] = s
    return x, lengths


@pytest.fixture
def series():
    gen = torch.Generator().manual_seed(0)
    return [torch.randn(n, 3, generator=gen, dtype=F64) for n in (6, 6, 4, 2, 5)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"num_layers": 2},
        {"num_layers": 2, "couple_layers": "last"},
        {"num_layers": 3, "couple_layers": [1]},
        {"coupling_bias_init": -4.0, "align": "start"},
        {"coupling": False, "num_layers": 2},
    ],
    ids=str,
)
def test_distances_match_reference_loop(series, params):
    net = CoupledGRU(3, hidden_size=5, **params).double()
    x, lengths = _padded(series)
    expected = torch.tensor([
        [reference_distance(net, a, b, net.align).item() for b in series]
        for a in series
    ], dtype=F64)
    with torch.no_grad():
        torch.testing.assert_close(net(x, lengths), expected, atol=1e-12, rtol=0)
        torch.testing.assert_close(
            net.pairwise_distances(x, lengths, chunk_size=3), expected,
            atol=1e-12, rtol=0,
        )
        i, j = torch.tensor([0, 2, 3, 4]), torch.tensor([1, 4, 0, 3])
        torch.testing.assert_close(
            net(x[i], lengths[i], x[j], lengths[j]), expected[i, j], atol=1e-12, rtol=0
        )


def test_equal_lengths_align_end_and_start_agree(series):
    net = CoupledGRU(3, hidden_size=4).double()
    x = torch.stack([s[:2] for s in series])
    lengths = torch.full((len(series),), 2)
    start = CoupledGRU(3, hidden_size=4, align="start").double()
    start.load_state_dict(net.state_dict())
    torch.testing.assert_close(net(x, lengths), start(x, lengths))


@pytest.mark.parametrize("checkpoint_steps", [0, 3])
@pytest.mark.parametrize("align", ["end", "start"])
def test_gradcheck_inputs_and_weights(align, checkpoint_steps):
    # 3: checkpointed chunks, recomputed from the weights functional_call passed
    torch.manual_seed(0)
    net = CoupledGRU(2, hidden_size=3, num_layers=2, align=align,
                     checkpoint_steps=checkpoint_steps).double()
    names = [name for name, _ in net.named_parameters()]
    x = torch.randn(3, 4, 2, dtype=F64, requires_grad=True)
    x2 = torch.randn(3, 4, 2, dtype=F64, requires_grad=True)
    lengths, lengths2 = torch.tensor([4, 2, 3]), torch.tensor([3, 4, 1])

    def distances(x, x2, *weights):
        params = dict(zip(names, weights))
        return torch.func.functional_call(net, params, (x, lengths, x2, lengths2))

    weights = tuple(p.detach().clone().requires_grad_() for p in net.parameters())
    assert torch.autograd.gradcheck(distances, (x, x2, *weights))


def test_symmetry_and_zero_self_distance():
    torch.manual_seed(0)
    net = CoupledGRU(3, hidden_size=8, num_layers=2)
    x = torch.randn(6, 9, 3)
    lengths = torch.tensor([9, 9, 5, 7, 2, 9])
    with torch.no_grad():
        i, j = torch.tensor([0, 2, 3, 1]), torch.tensor([4, 3, 5, 1])
        d_ab = net(x[i], lengths[i], x[j], lengths[j])
        d_ba = net(x[j], lengths[j], x[i], lengths[i])
        torch.testing.assert_close(d_ab, d_ba, atol=1e-6, rtol=0)
        d_aa = net(x, lengths, x, lengths)
        assert torch.all(d_aa == 0)  # identical branches, bit for bit
        full = net.pairwise_distances(x, lengths)
        assert torch.equal(full, full.t()) and torch.all(full.diagonal() == 0)
        rect = net.pairwise_distances(x, lengths, x, lengths)
        torch.testing.assert_close(rect, full, atol=1e-6, rtol=0)


def test_sgru_mode_equals_a_siamese_nn_gru():
    torch.manual_seed(0)
    gru = nn.GRU(3, 6, num_layers=2, batch_first=True)
    net = CoupledGRU(3, hidden_size=6, num_layers=2, coupling=False)
    for k, layer in enumerate(net.layers):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(layer.gru, f"{name}_l0").data.copy_(getattr(gru, f"{name}_l{k}"))
    a, b = torch.randn(4, 7, 3), torch.randn(4, 7, 3)
    lengths = torch.full((4,), 7)
    with torch.no_grad():
        expected = torch.linalg.vector_norm(gru(a)[1][-1] - gru(b)[1][-1], dim=1)
        torch.testing.assert_close(net(a, lengths, b, lengths), expected)
        # the pairwise loop with coupling off is the same GRU, step by step
        layer = CoupledGRULayer(3, 6, coupling=False)
        layer.gru.load_state_dict(net.layers[0].gru.state_dict())
        u = layer.input_projection(torch.cat([a, b]).transpose(0, 1))
        fused = gru(torch.cat([a, b]))[1][0]
        torch.testing.assert_close(layer(u), fused, atol=1e-6, rtol=0)


def test_vanishing_coupling_gate_gives_the_sgru():
    torch.manual_seed(0)
    cgru = CoupledGRU(3, hidden_size=5)
    sgru = CoupledGRU(3, hidden_size=5, coupling=False)
    sgru.load_state_dict(cgru.state_dict(), strict=False)
    with torch.no_grad():
        cgru.layers[0].weight_hc.zero_()
        cgru.layers[0].bias_hc.fill_(-200.0)  # c_t = sigmoid(-200) = 0 in float32
        x, lengths = torch.randn(5, 8, 3), torch.tensor([8, 3, 8, 6, 1])
        torch.testing.assert_close(cgru(x, lengths), sgru(x, lengths),
                                   atol=1e-6, rtol=0)


@pytest.mark.parametrize("align", ["end", "start"])
def test_padding_and_batch_mates_do_not_change_distances(align):
    torch.manual_seed(0)
    net = CoupledGRU(2, hidden_size=6, num_layers=2, align=align)
    x, lengths = torch.randn(5, 10, 2), torch.tensor([10, 4, 7, 1, 9])
    x = x * (torch.arange(10)[None, :, None] < lengths[:, None, None])
    with torch.no_grad():
        expected = net(x, lengths)
        wider = torch.cat([x, torch.zeros(5, 6, 2)], dim=1)
        torch.testing.assert_close(net(wider, lengths), expected, atol=1e-6, rtol=0)
        # garbage past the lengths never enters a recurrence
        noisy = torch.where(wider == 0, torch.randn_like(wider), wider)
        torch.testing.assert_close(net(noisy, lengths), expected, atol=1e-6, rtol=0)
        for i, j in [(1, 2), (3, 0), (4, 1)]:
            alone = net(x[i : i + 1, : lengths[i]], lengths[i : i + 1],
                        x[j : j + 1, : lengths[j]], lengths[j : j + 1])
            torch.testing.assert_close(alone[0], expected[i, j], atol=1e-6, rtol=0)


def test_chunked_distances_equal_unchunked():
    torch.manual_seed(0)
    net = CoupledGRU(3, hidden_size=8)
    x, lengths = torch.randn(11, 9, 3), torch.randint(1, 10, (11,))
    y, lengths_y = torch.randn(7, 12, 3), torch.randint(1, 13, (7,))
    with torch.no_grad():
        i, j = torch.triu_indices(11, 11, offset=1)
        one_chunk = torch.zeros(11, 11)
        one_chunk[i, j] = net.pair_distances(net.project(x, lengths), lengths, i, j)
        one_chunk = one_chunk + one_chunk.t()
        rect = net.pairwise_distances(x, lengths, y, lengths_y, chunk_size=10**6)
        for chunk_size in (1, 5, 16, 10**6):
            torch.testing.assert_close(
                net.pairwise_distances(x, lengths, chunk_size=chunk_size), one_chunk,
                atol=1e-6, rtol=0,
            )
            torch.testing.assert_close(
                net.pairwise_distances(x, lengths, y, lengths_y, chunk_size=chunk_size),
                rect, atol=1e-6, rtol=0,
            )


@pytest.mark.parametrize("chunk_size", [1, 4, 9, 100])
def test_pair_tiles_cover_every_pair_once(chunk_size):
    lengths, lengths2 = torch.randint(1, 9, (10,)), torch.randint(1, 9, (4,))
    pairs = [p for i, j in pair_tiles(lengths, None, chunk_size)
             for p in zip(i.tolist(), j.tolist())]
    assert len(pairs) == 45 and {frozenset(p) for p in pairs} == {
        frozenset(p) for p in itertools.combinations(range(10), 2)
    }
    chunks = list(pair_tiles(lengths, lengths2, chunk_size))
    assert all(len(i) <= max(chunk_size, 1) for i, _ in chunks)
    pairs = sorted(p for i, j in chunks for p in zip(i.tolist(), j.tolist()))
    assert pairs == list(itertools.product(range(10), range(4)))


@pytest.mark.parametrize("params", [{}, {"num_layers": 2, "couple_layers": "last",
                                     "align": "start"}], ids=str)
def test_paired_distances_are_entries_of_the_matrix(params):
    torch.manual_seed(0)
    net = CoupledGRU(3, hidden_size=8, **params)
    x, lengths = torch.randn(9, 10, 3), torch.randint(1, 11, (9,))
    y, lengths_y = torch.randn(6, 12, 3), torch.randint(1, 13, (6,))
    i, j = torch.randint(0, 9, (25,)), torch.randint(0, 6, (25,))
    with torch.no_grad():
        rect = net.pairwise_distances(x, lengths, y, lengths_y)
        square = net.pairwise_distances(x, lengths)
        for chunk_size in (1, 4, 100):
            torch.testing.assert_close(
                net.paired_distances(x, lengths, i, j, y, lengths_y,
                                     chunk_size=chunk_size), rect[i, j],
                atol=1e-6, rtol=0)
            torch.testing.assert_close(
                net.paired_distances(x, lengths, i, j % 9, chunk_size=chunk_size),
                square[i, j % 9], atol=1e-6, rtol=0)
        assert net.paired_distances(x, lengths, i[:0], j[:0]).shape == (0,)


def test_embed_is_the_uncoupled_final_state():
    torch.manual_seed(0)
    net = CoupledGRU(3, hidden_size=8, num_layers=2)
    sgru = CoupledGRU(3, hidden_size=8, num_layers=2, coupling=False)
    sgru.load_state_dict(net.state_dict(), strict=False)  # no coupling weights
    x, lengths = torch.randn(5, 7, 3), torch.tensor([7, 3, 5, 1, 7])
    with torch.no_grad():
        embedding = net.embed(x, lengths)
        torch.testing.assert_close(embedding, sgru.project(x, lengths))
        for k in range(5):  # each series alone, unpadded
            alone = net.embed(x[k : k + 1, : lengths[k]], lengths[k : k + 1])
            torch.testing.assert_close(alone[0], embedding[k], atol=1e-6, rtol=0)


def test_pair_chunks_cover_every_pair_once_sorted_by_length():
    lengths, lengths2 = torch.randint(1, 20, (30,)), torch.randint(1, 20, (30,))
    chunks = list(pair_chunks(lengths, lengths2, chunk_size=7))
    assert all(len(c) <= 7 for c in chunks)
    assert sorted(torch.cat(chunks).tolist()) == list(range(30))
    longest = [int(torch.maximum(lengths, lengths2)[c].max()) for c in chunks]
    assert longest == sorted(longest)


def test_coupling_init_penalty_and_norm():
    torch.manual_seed(0)
    net = CoupledGRU(3, hidden_size=200, num_layers=2, coupling_penalty=0.01)
    w = net.layers[0].weight_hc.detach()
    assert abs(float(w.std()) - 0.1) < 0.005 and abs(float(w.mean())) < 0.005
    bound = 200**-0.5  # default: b_hc initialised like the GRU biases
    assert float(net.layers[0].bias_hc.detach().abs().max()) <= bound
    norms = [torch.linalg.norm(layer.weight_hc) for layer in net.layers]
    torch.testing.assert_close(net.coupling_norm(), sum(norms))
    torch.testing.assert_close(net.penalty(), 0.01 * sum(norms))
    net.coupling_penalty_norm = "fro2"
    torch.testing.assert_close(net.penalty(), 0.01 * sum(n**2 for n in norms))
    weak = CoupledGRU(3, hidden_size=4, coupling_bias_init=-4.0)
    assert torch.all(weak.layers[0].bias_hc == -4.0)
    sgru = CoupledGRU(3, hidden_size=4, coupling=False, coupling_penalty=0.01)
    assert float(sgru.penalty()) == 0 and float(sgru.coupling_norm()) == 0


@pytest.mark.parametrize("couple_layers, coupled", [
    ("all", [True, True, True]), ("last", [False, False, True]),
    ([1], [False, True, False]),
])
def test_couple_layers_selects_the_coupled_layers(couple_layers, coupled):
    net = CoupledGRU(3, hidden_size=4, num_layers=3, couple_layers=couple_layers)
    assert [layer.coupling for layer in net.layers] == coupled
    # the layers below the first coupled one run once per series
    assert net.n_shared == coupled.index(True)
    assert not any(layer.coupling for layer in
                   CoupledGRU(3, num_layers=3, coupling=False).layers)


def test_bad_module_parameters():
    with pytest.raises(ValueError, match="align"):
        CoupledGRU(3, align="middle")
    with pytest.raises(ValueError, match="couple_layers"):
        CoupledGRU(3, num_layers=2, couple_layers=[2])
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="checkpoint_steps"):
            CoupledGRU(3, checkpoint_steps=bad)


# -- gradient checkpointing ------------------------------------------------------


def _loss_and_grads(params, checkpoint_steps, dtype, ragged):
    """Structural loss over all pairs plus explicit pairs; loss and gradients."""
    torch.manual_seed(0)
    x = torch.randn(6, 23, 3, dtype=dtype, requires_grad=True)
    lengths = (torch.tensor([23, 23, 10, 17, 5, 23]) if ragged
               else torch.full((6,), 23))
    torch.manual_seed(1)
    net = CoupledGRU(3, hidden_size=5, checkpoint_steps=checkpoint_steps,
                     **params).to(dtype)
    loss = StructuralLoss()(net(x, lengths), torch.tensor([0, 0, 1, 1, 2, 2]))
    loss = loss + net(x[:3], lengths[:3], x[3:], lengths[3:]).sum()
    loss.backward()
    grads = {name: p.grad for name, p in net.named_parameters()}
    grads["x"] = x.grad
    return loss.detach(), grads


@pytest.mark.parametrize("dtype", [torch.float32, F64], ids=str)
@pytest.mark.parametrize("ragged", [False, True], ids=["equal", "ragged"])
@pytest.mark.parametrize("params", [
    {},
    {"num_layers": 2},
    {"num_layers": 2, "couple_layers": "last", "align": "start"},
    {"num_layers": 3, "couple_layers": [1, 2], "coupling_bias_init": -4.0},
], ids=str)
def test_checkpointed_gradients_equal_unchunked(params, ragged, dtype):
    loss, grads = _loss_and_grads(params, 0, dtype, ragged)
    for steps in (1, 4, 23, 100):  # a step a chunk ... one chunk, longer than T
        loss_k, grads_k = _loss_and_grads(params, steps, dtype, ragged)
        # the same operations, but the input projection's matrix products are
        # cut by time chunk and the chunks' weight gradients summed in another
        # order: a BLAS may round a product of other shape differently (1 ulp
        # of the loss in float64 on an AMD EPYC with MKL; equal on Xeons)
        torch.testing.assert_close(loss_k, loss, rtol=4 * torch.finfo(dtype).eps,
                                   atol=0)
        assert grads_k.keys() == grads.keys()
        for name, grad in grads.items():
            torch.testing.assert_close(grads_k[name], grad, msg=name)


@pytest.mark.skipif(not (shutil.which("c++") or shutil.which("g++")),
                    reason="torch.compile on a CPU needs a C++ compiler")
def test_compiled_training_step_equals_the_eager_one(monkeypatch):
    def loss_and_grads(compile_step):  # one call shape: one compilation
        torch.manual_seed(0)
        x = torch.randn(6, 9, 3, requires_grad=True)
        lengths = torch.tensor([9, 4, 9, 7, 2, 9])  # ragged: the masked step
        torch.manual_seed(1)
        net = CoupledGRU(3, hidden_size=5, compile_step=compile_step)
        loss = net(x[:3], lengths[:3], x[3:], lengths[3:]).sum()
        loss.backward()
        return loss.detach(), {"x": x.grad, **{n: p.grad for n, p in net.named_parameters()}}

    loss, grads = loss_and_grads(False)
    loss_c, grads_c = loss_and_grads(True)
    # the same operations, fused: float32 rounding apart
    torch.testing.assert_close(loss_c, loss, rtol=1e-5, atol=0)
    for name, grad in grads.items():
        torch.testing.assert_close(grads_c[name], grad, rtol=1e-4,
                                   atol=1e-5 * float(grad.abs().max()), msg=name)
    # distances (eval mode) never take the compiled step
    monkeypatch.setattr(coupled_layer_module, "compiled_coupled_step", None)
    net = CoupledGRU(3, hidden_size=5, compile_step=True).eval()
    x = torch.randn(4, 7, 3)
    assert net(x, torch.tensor([7, 3, 7, 5])).shape == (4, 4)


def _graph_nodes(tensor):
    """Names of the autograd nodes of the graph behind ``tensor``."""
    seen, names, stack = set(), [], [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.append(type(node).__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return names


def test_checkpointing_keeps_no_step_graph_in_training(monkeypatch):
    torch.manual_seed(0)
    x, lengths = torch.randn(4, 50, 3), torch.tensor([50, 50, 31, 12])
    net = CoupledGRU(3, hidden_size=4, num_layers=2, checkpoint_steps=8)
    nodes = _graph_nodes(net(x, lengths))
    # one node per chunk of 8 steps (ceil(50 / 8) = 7), no per-step node
    assert nodes.count("_RecomputedChunkBackward") == 7
    assert "LerpBackward0" not in nodes and "AddmmBackward0" not in nodes
    # 0: every step's graph, as without chunking
    net.checkpoint_steps = 0
    nodes = _graph_nodes(net(x, lengths))
    assert "_RecomputedChunkBackward" not in nodes
    assert nodes.count("AddmmBackward0") >= 2 * 50  # a step, a coupled layer
    # automatic: only once the pass's graph would pass the budget
    net.checkpoint_steps = None
    assert "_RecomputedChunkBackward" not in _graph_nodes(net(x, lengths))
    monkeypatch.setattr(recompute_module, "_GRAPH_BYTES", 10_000)
    nodes = _graph_nodes(net(x, lengths))
    assert nodes.count("_RecomputedChunkBackward") == -(-50 // 7)  # sqrt(50) = 7
    # without gradients (predictions), never: nothing would be recomputed
    with torch.no_grad():
        net.checkpoint_steps = 1
        expected = net(x, lengths)
        monkeypatch.setattr(recompute_module._RecomputedChunk, "apply", None)
        torch.testing.assert_close(net.pairwise_distances(x, lengths), expected,
                                   atol=1e-6, rtol=0)
        torch.testing.assert_close(net(x, lengths), expected, atol=0, rtol=0)


def test_automatic_chunks_bound_memory():
    # one coupled layer of 8 units (CoupledGRU(3, hidden_size=8))
    def chunks(n_steps, n_rows, needs_grad):
        return time_chunks(n_steps, n_rows, 8, 1, needs_grad)

    # short series, few pairs: the whole graph is kept
    assert chunks(2_000, 12, needs_grad=True) == (2_000, False)
    # long ones: about sqrt(T) steps, more where the states between chunks
    # would outweigh one chunk's graph
    assert chunks(100_000, 12, needs_grad=True) == (316, True)
    steps, checkpointed = chunks(100_000, 1260, needs_grad=True)
    assert checkpointed and 80 <= steps <= 100
    # without gradients, chunks only bound the masks and inter-layer states
    steps, checkpointed = chunks(100_000, 2048, needs_grad=False)
    assert not checkpointed and steps * 2048 * 33 * 4 <= recompute_module._CHUNK_BYTES
    # checkpoint_steps: 0 never, k chunks of k steps
    assert time_chunks(500, 12, 8, 1, True, chosen=0) == (500, False)
    assert time_chunks(500, 12, 8, 1, True, chosen=7) == (7, True)


# -- losses --------------------------------------------------------------------


def structural_brute_force(D, y, mean_pos, mean_neg, m=0.2, eta=0.05, lam=0.5,
                           m_pos=0.01, m_neg=0.1, ordered=True):
    """(3.29)-(3.34) by loops over pairs, with given moving means."""
    n = len(y)
    pos = [(i, j) for i in range(n) for j in range(n)
           if i != j and y[i] == y[j] and (ordered or i < j)]
    tau = {}
    for c in set(y.tolist()):
        d_c = [D[i, j] for i, j in pos if y[i] == c]
        if d_c:
            tau[c] = 2 * sum(d_c) / len(d_c) - min(d_c)
    beta = [torch.exp(D[i, j] - tau[int(y[i])]).detach() for i, j in pos]
    local = sum(
        b * torch.log(1 + sum(torch.exp((D[i, j] - D[i, k] + m) / eta)
                              for k in range(n) if y[k] != y[i]))
        for b, (i, j) in zip(beta, pos)
    ) / sum(beta)
    d_p = [D[i, j] for i in range(n) for j in range(n) if i != j and y[i] == y[j]]
    d_n = [D[i, j] for i in range(n) for j in range(n) if y[i] != y[j]]
    var_p = sum((d - mean_pos) ** 2 for d in d_p) / len(d_p)
    var_n = sum((d - mean_neg) ** 2 for d in d_n) / len(d_n)
    return local + lam / 2 * (torch.relu(var_p - m_pos) + torch.relu(var_n - m_neg))


def _distance_matrix(n, seed):
    gen = torch.Generator().manual_seed(seed)
    points = torch.randn(n, 3, generator=gen, dtype=F64)
    return torch.cdist(points, points).requires_grad_()


@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("n, labels", [(4, [0, 0, 1, 1]), (7, [0, 1, 2, 0, 1, 0, 2])])
def test_structural_loss_matches_brute_force(n, labels, ordered):
    y = torch.tensor(labels)
    D = _distance_matrix(n, seed=n)
    loss_fn = StructuralLoss(positive_pairs="ordered" if ordered else "unordered")
    loss = loss_fn(D, y)
    same = (y[:, None] == y[None, :]) & ~torch.eye(n, dtype=torch.bool)
    # the first training batch initialises the moving means with its own means
    expected = structural_brute_force(
        D, y, D[same].mean().detach(), D[y[:, None] != y[None, :]].mean().detach(),
        ordered=ordered,
    )
    torch.testing.assert_close(loss, expected)
    grad, = torch.autograd.grad(loss, D)
    expected_grad, = torch.autograd.grad(expected, D)
    torch.testing.assert_close(grad, expected_grad)  # beta and tau carry no gradient


def test_structural_loss_moving_means_update_in_training_only():
    y = torch.tensor([0, 0, 1, 1])
    first, second = (_distance_matrix(4, k).detach().float() for k in (0, 1))
    loss_fn = StructuralLoss(ema_momentum=0.9)
    loss_fn(first, y)
    mean_pos = first[[0, 2], [1, 3]].mean()
    torch.testing.assert_close(loss_fn.mean_pos, mean_pos)
    loss_fn.eval()
    loss_fn(second, y)
    torch.testing.assert_close(loss_fn.mean_pos, mean_pos)  # frozen in eval mode
    loss_fn.train()
    loss_fn(second, y)
    expected = 0.9 * mean_pos + 0.1 * second[[0, 2], [1, 3]].mean()
    torch.testing.assert_close(loss_fn.mean_pos, expected)


def test_structural_loss_gradient_holds_the_moving_means_constant():
    # after the first batch the moving means mix in earlier batches, so the
    # mean of this batch's distances is not the variance's centre: a
    # gradient through the moving mean would then no longer vanish
    y = torch.tensor([0, 1, 2, 0, 1, 0, 2])
    loss_fn = StructuralLoss(ema_momentum=0.5, var_margin_pos=0.0, var_margin_neg=0.0)
    first = _distance_matrix(7, seed=0).detach()
    loss_fn(first + 1.0, y)  # other means than the second batch's
    D = _distance_matrix(7, seed=1)
    same = (y[:, None] == y[None, :]) & ~torch.eye(7, dtype=torch.bool)
    other = y[:, None] != y[None, :]
    mean_pos = 0.5 * loss_fn.mean_pos + 0.5 * D[same].mean().detach()
    mean_neg = 0.5 * loss_fn.mean_neg + 0.5 * D[other].mean().detach()
    loss = loss_fn(D, y)
    expected = structural_brute_force(D, y, mean_pos, mean_neg, m_pos=0.0, m_neg=0.0)
    torch.testing.assert_close(loss, expected)
    grad, = torch.autograd.grad(loss, D)
    expected_grad, = torch.autograd.grad(expected, D)
    torch.testing.assert_close(grad, expected_grad)


@pytest.mark.parametrize("labels", [[0, 0, 0], [0, 1, 2], [0]])
def test_structural_loss_without_positives_or_negatives(labels):
    D = _distance_matrix(len(labels), 0)
    loss = StructuralLoss()(D, torch.tensor(labels))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(D.grad).all()


def test_contrastive_loss_on_precomputed_distances():
    d = torch.tensor([0.5, 0.2, 1.5, 0.3], dtype=F64)
    target = torch.tensor([1, 0, 0, 1])
    expected = 0.5 * (0.25 + 0.8**2 + 0.0 + 0.09) / 4
    torch.testing.assert_close(ContrastiveLoss(1.0, distance="precomputed")(d, target),
                               torch.tensor(expected, dtype=F64))
