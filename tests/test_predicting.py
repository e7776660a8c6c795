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
