"""The one predict loop (sktime_metric._predicting): how it cuts rows into batches.

Each estimator's own tests check that its outputs are those of each series
predicted alone (e.g. tests/metric/test_siamese.py); these check the batch
sizes on a stand-in net, which needs no training.
"""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from sktime_metric import _predicting
from sktime_metric._predicting import predict_batches


def _batch_sizes(device, lengths, batch_size=16):
    sizes = []

    def forward(module, x, lengths):
        assert x.device.type == torch.device(device).type
        sizes.append(len(x))
        return torch.zeros(len(x), 1)  # one row per series, on the CPU

    net = SimpleNamespace(module_=torch.nn.Identity(), device=device)
    inputs = {"x": np.zeros((len(lengths), 1, 1), np.float32), "lengths": lengths}
    (out,) = predict_batches(net, inputs, lengths, batch_size=batch_size,
                             forward=forward)
    assert out.shape == (len(lengths), 1)
    return sizes


@pytest.fixture
def lengths(monkeypatch):
    # 600 series of 10 steps and a long outlier, which length_bounds puts in
    # a group of its own; a batch on an accelerator holds up to 4,000 steps
    monkeypatch.setattr(_predicting, "_PREDICT_STEPS", 4000)
    return np.array([10] * 600 + [2000])


def test_on_the_cpu_each_group_is_cut_into_batches_of_the_fixed_rows(lengths):
    assert _batch_sizes("cpu", lengths) == [256, 256, 88, 1]
    assert _batch_sizes("cpu", lengths, batch_size=300) == [300, 300, 1]


def test_on_another_device_a_group_gets_the_rows_its_own_longest_series_allows(
        lengths):
    # "meta": a device that is not the CPU, on every machine. The short
    # group's batches hold 4,000 // 10 = 400 series; counted with the
    # outlier's 2,000 steps, they would be cut at the CPU's 256
    assert _batch_sizes("meta", lengths) == [400, 200, 1]


def _run(lengths, forward, batch_size=2, device="cpu", x=None, **kwargs):
    net = SimpleNamespace(module_=torch.nn.Identity(), device=device)
    x = np.zeros((len(lengths), 1, 1), np.float32) if x is None else x
    inputs = {"x": x, "lengths": lengths}
    return predict_batches(net, inputs, lengths, batch_size=batch_size,
                           forward=forward, **kwargs)


def test_a_row_with_one_non_finite_value_is_refused_by_its_series_number(
        monkeypatch):
    # rows unsorted (the loop gathers them) and cut into batches of 2: the
    # error names the row of the input, not its place in the sorted batch
    monkeypatch.setattr(_predicting, "_PREDICT_BATCH_SIZE", 1)
    lengths = np.array([6, 2, 5, 3, 4, 1])

    def forward(module, x, lengths):
        out = torch.zeros(len(x), 2)
        out[lengths == 5, 1] = float("nan")  # one of its two values
        return out

    with pytest.raises(ValueError, match=r"X's sample 2 \(of 5 steps\) gives a "
                       "non-finite network output"):
        _run(lengths, forward)
    # rows of another argument (a support set, the Y of distances) are named so
    with pytest.raises(ValueError, match=r"^X_support's sample 2 \(of 5 steps\)"):
        _run(lengths, forward, name="X_support")


def test_per_step_outputs_are_nan_padded_to_the_widest_batch_in_row_order(
        monkeypatch):
    # batches of 2 rows of similar length: each batch's per-step outputs are
    # as wide as its longest series, and come back NaN-padded, in row order,
    # whether 2-D (n, T) or 3-D (n, T, k)
    monkeypatch.setattr(_predicting, "_PREDICT_BATCH_SIZE", 1)
    lengths = np.array([6, 2, 5, 3, 4, 1])

    def forward(module, x, lengths):
        width = int(lengths.max())
        steps = torch.arange(width, dtype=torch.float32)
        per_step = (100 * lengths[:, None] + steps).float()  # (n, width)
        return lengths.float()[:, None], per_step, per_step[:, :, None].repeat(1, 1, 2)

    first, flat, deep = _run(lengths, forward)
    np.testing.assert_array_equal(first[:, 0], lengths)
    # each row's batch: lengths {1, 2} -> width 2, {3, 4} -> 4, {5, 6} -> 6
    width = {1: 2, 2: 2, 3: 4, 4: 4, 5: 6, 6: 6}
    expected = np.full((len(lengths), 6), np.nan, np.float32)
    for row, n in enumerate(lengths):
        expected[row, : width[n]] = 100 * n + np.arange(width[n])
    assert flat.shape == (6, 6) and deep.shape == (6, 6, 2)
    np.testing.assert_array_equal(flat.numpy(), expected)
    np.testing.assert_array_equal(deep.numpy(), np.repeat(expected[:, :, None], 2, 2))


def test_series_of_many_channels_are_not_cut_by_the_image_values_bound(
        monkeypatch):
    # (n, T, C) input: steps are not images, however few values are allowed
    monkeypatch.setattr(_predicting, "_PREDICT_VALUES", 1)
    sizes = []

    def forward(module, x, lengths):
        sizes.append(len(x))
        return torch.zeros(len(x), 1)

    lengths = np.full(300, 3)
    _run(lengths, forward, batch_size=16, x=np.zeros((300, 3, 40), np.float32))
    assert sizes == [256, 44]


def test_the_module_runs_in_eval_mode_without_gradients():
    # a net left in training mode by fit (no validation split): dropout would
    # make predictions random
    module = torch.nn.Dropout(0.5).train()
    net = SimpleNamespace(module_=module, device="cpu")
    x = np.ones((4, 3, 2), np.float32)
    lengths = np.full(4, 3)

    def forward(m, x, lengths):
        assert not torch.is_grad_enabled()
        return m(x).sum(dim=(1, 2))[:, None]

    (out,) = predict_batches(net, {"x": x, "lengths": lengths}, lengths,
                             batch_size=2, forward=forward)
    np.testing.assert_array_equal(out.numpy(), 6.0)
    assert not module.training


def test_no_rows_run_no_batch():
    # length_bounds gives one empty group, [(0, 0)], for no rows: no batch
    # runs, and there is no output (estimators refuse empty X before this)
    net = SimpleNamespace(module_=torch.nn.Identity(), device="cpu")
    inputs = {"x": np.zeros((0, 1, 1), np.float32)}
    assert predict_batches(net, inputs, np.zeros(0, np.int64), batch_size=16) == ()
