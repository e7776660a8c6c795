"""The naive logistic model of the HULM chapter: a softmax on pooled observations."""

from torch import nn

from ._chain import frame_windows
from ._lengths import length_mask, trim_to_length

__all__ = ["NaiveLogisticModule"]


class NaiveLogisticModule(nn.Module):
    """``logits = W pool_t(x_t) + c``: multinomial logistic regression on a series.

    The naive logistic model (NL) of the HULM chapter (thesis §2.4.2, Fig. 2.5):
    the energy ``E(x, y) = sum_t y^T W x_t + c^T y`` gives
    ``p(y | x) = softmax(W sum_t x_t + c)``. Every step votes with the same
    weights and the order of the steps is ignored; it shows what HULM's hidden
    units add.

    Parameters
    ----------
    n_features : int
        Channels ``D`` of each step.
    n_classes : int
        Classes ``K``.
    window : int, default=1
        Concatenate ``window`` consecutive steps into one observation of
        ``window * D`` values (one every ``stride`` steps), as HULM does
        (:func:`~sktime_metric.nn._chain.frame_windows`).
    stride : int, default=1
    pooling : {"sum", "mean"}, default="sum"
        "sum": ``sum_t x_t``, the chapter's energy. "mean": divided by the
        series' length, so a series' logits do not grow with its length.
    l2 : float, default=0.0
        Strength of the L2 penalty on ``W`` (not on ``c``), returned by
        ``penalty()``.

    Attributes
    ----------
    linear : torch.nn.Linear
        ``linear.weight`` is ``W`` of shape ``(n_classes, window * n_features)``,
        ``linear.bias`` is ``c``.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import NaiveLogisticModule
    >>> x = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]],
    ...                   [[0.0, 2.0], [0.0, 2.0], [0.0, 0.0]]])
    >>> lengths = torch.tensor([3, 2])
    >>> model = NaiveLogisticModule(n_features=2, n_classes=3)
    >>> model(x, lengths).tolist()  # W and c start at zero: uniform
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> with torch.no_grad():
    ...     _ = model.linear.weight.copy_(torch.tensor([[1.0, 0.0],
    ...                                                 [0.0, 1.0],
    ...                                                 [0.0, 0.0]]))
    >>> model(x, lengths).tolist()  # W sum_t x_t + c
    [[2.0, 1.0, 0.0], [0.0, 4.0, 0.0]]
    >>> mean = NaiveLogisticModule(2, 3, pooling="mean")
    >>> _ = mean.load_state_dict(model.state_dict())
    >>> mean(x, lengths)[1].tolist()  # divided by the series' length
    [0.0, 2.0, 0.0]
    """

    def __init__(self, n_features, n_classes, window=1, stride=1, pooling="sum",
                 l2=0.0):
        super().__init__()
        if pooling not in ("sum", "mean"):
            raise ValueError(f"pooling must be 'sum' or 'mean'; got {pooling!r}.")
        self.window = window
        self.stride = stride
        self.pooling = pooling
        self.l2 = l2
        self.linear = nn.Linear(window * n_features, n_classes)
        # zeros: the likelihood is concave, so the start only sets the path
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def penalty(self):
        """``l2`` times the squared norm of ``W``."""
        return self.l2 * self.linear.weight.square().sum()

    def forward(self, x, lengths):
        """Class logits of each series.

        Parameters
        ----------
        x : Tensor of shape (batch, time, n_features)
            Zero-filled past each series' length (the zeros add nothing to
            the sum).
        lengths : Tensor of shape (batch,), int64

        Returns
        -------
        logits : Tensor of shape (batch, n_classes)
        """
        x = trim_to_length(x, lengths)
        x, lengths = frame_windows(x, lengths.to(x.device), self.window, self.stride)
        valid = length_mask(lengths, x.shape[1]).to(x.dtype)
        pooled = (x * valid[:, :, None]).sum(dim=1)
        if self.pooling == "mean":
            pooled = pooled / lengths.to(device=x.device, dtype=x.dtype)[:, None]
        return self.linear(pooled)
