"""The skorch wiring shared by all estimators."""

import numpy as np
import torch
from torch import nn

from sktime_metric.utils._skorch import GradientValueClipping, SequenceNet


class _Linear(nn.Module):
    def __init__(self, penalty_value=0.0):
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.penalty_value = penalty_value

    def forward(self, x):
        return self.linear(x), x.sum(dim=1)  # extras after the first output

    def penalty(self):
        return self.penalty_value * self.linear.weight.pow(2).sum()


def _net(**kwargs):
    return SequenceNet(_Linear, criterion=nn.MSELoss, train_split=None,
                       max_epochs=1, verbose=0, **kwargs).initialize()


def test_loss_reads_first_output_and_adds_penalty_in_training_only():
    X = torch.ones(4, 2)
    y = torch.zeros(4, 1)
    net = _net(module__penalty_value=10.0)
    y_pred = net.infer(X)
    data = nn.functional.mse_loss(y_pred[0], y)
    penalty = 10.0 * net.module_.linear.weight.pow(2).sum()
    torch.testing.assert_close(net.get_loss(y_pred, y, training=True), data + penalty)
    torch.testing.assert_close(net.get_loss(y_pred, y, training=False), data)


def test_gradient_value_clipping_clamps_each_element():
    net = _net(lr=0.0, callbacks=[GradientValueClipping(1e-3)])
    X = np.full((8, 2), 100.0, dtype=np.float32)
    y = np.full((8, 1), -100.0, dtype=np.float32)
    net.partial_fit(X, y)
    grads = [p.grad for p in net.module_.parameters()]
    assert max(g.abs().max().item() for g in grads) <= 1e-3 + 1e-9
