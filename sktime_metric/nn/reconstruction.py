"""Reconstruction losses of padded sequence batches (thesis eqs. 3.48-3.49).

Both compare a reconstruction ``S_hat`` with its clean target ``S`` on each
sequence's own valid steps only (padding never counts) and average per sequence
first, then over the batch, so a long series weighs as much as a short one.

- :class:`SequenceMSELoss`: ``1/|B| sum_i 1/T_i sum_t ||S_i(t) - S_hat_i(t)||^2``,
  with the squared norm divided by the channel count by default.
- :class:`CosineReconstructionLoss` (CRL): ``1/|B| sum_i 1/T_i sum_t
  (1 - cos(S_i(t), S_hat_i(t)))``; 0 when every output vector points the
  target's way, whatever its norm.
"""

from torch import nn
from torch.nn import functional as F

from ._lengths import length_mask

__all__ = ["CosineReconstructionLoss", "SequenceMSELoss"]


def _per_sequence(values, lengths, mean):
    """Sum (or mean) of ``(batch, time)`` values over each sequence's steps."""
    mask = length_mask(lengths, values.size(1)).to(values.dtype)
    total = (values * mask).sum(dim=1)
    return total / lengths.to(values.dtype) if mean else total


class SequenceMSELoss(nn.Module):
    """Mean squared reconstruction error over each sequence's valid steps.

    Parameters
    ----------
    channel_reduction : {"mean", "sum"}, default="mean"
        "mean" averages the squared error over channels too (what
        ``nn.MSELoss`` does on equal-length data; eq. 3.48 leaves ``(.)^2`` of a
        vector undefined); "sum" takes the
        squared norm of each step's error, the literal eq. 3.48.
    reduction : {"mean", "none"}, default="mean"
        "none" returns one value per sequence.

    Notes
    -----
    ``forward(reconstruction, target, lengths)``: two ``(batch, time,
    channels)`` tensors and the ``(batch,)`` lengths.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import SequenceMSELoss
    >>> target, lengths = torch.zeros(2, 3, 2), torch.tensor([3, 1])
    >>> reconstruction = torch.ones(2, 3, 2)  # off by 1 everywhere, padding too
    >>> SequenceMSELoss()(reconstruction, target, lengths).item()
    1.0
    >>> reconstruction[1, 0] = 3.0  # the short series' one step: off by 3
    >>> SequenceMSELoss(reduction="none")(reconstruction, target, lengths).tolist()
    [1.0, 9.0]
    >>> SequenceMSELoss()(reconstruction, target, lengths).item()  # series weigh alike
    5.0
    >>> squared_norm = SequenceMSELoss(channel_reduction="sum", reduction="none")
    >>> squared_norm(reconstruction, target, lengths).tolist()  # the literal eq. 3.48
    [2.0, 18.0]
    """

    def __init__(self, channel_reduction="mean", reduction="mean"):
        super().__init__()
        if channel_reduction not in ("mean", "sum"):
            raise ValueError(
                f"channel_reduction must be 'mean' or 'sum', got {channel_reduction!r}."
            )
        if reduction not in ("mean", "none"):
            raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}.")
        self.channel_reduction = channel_reduction
        self.reduction = reduction

    def forward(self, reconstruction, target, lengths):
        error = (reconstruction - target).pow(2)
        error = error.mean(-1) if self.channel_reduction == "mean" else error.sum(-1)
        per_sequence = _per_sequence(error, lengths, mean=True)
        return per_sequence.mean() if self.reduction == "mean" else per_sequence


class CosineReconstructionLoss(nn.Module):
    """Cosine reconstruction loss, CRL (thesis eq. 3.49).

    The cosine is taken per time step over the channel vector, with ``eps=1e-8``
    in the denominator (the masking noise can zero a whole input vector; a zero
    *target* vector only occurs if the data are exactly zero, and then counts as
    cosine 0).

    Parameters
    ----------
    time_reduction : {"mean", "sum"}, default="mean"
        "mean": ``mean_t (1 - cos)`` per sequence, in [0, 2] (eq. 3.49 as
        printed ranges over [0, 2 T]);
        "sum": ``T_i - sum_t cos``, the literal eq. 3.49, in [0, 2 T_i].
    reduction : {"mean", "none"}, default="mean"
        "none" returns one value per sequence.

    Notes
    -----
    ``forward(reconstruction, target, lengths)`` as :class:`SequenceMSELoss`.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import CosineReconstructionLoss
    >>> target = torch.tensor([[[1.0, 0.0], [0.0, 1.0]],
    ...                        [[1.0, 0.0], [0.0, 0.0]]])  # the second: 1 step
    >>> lengths = torch.tensor([2, 1])
    >>> crl = CosineReconstructionLoss(reduction="none")
    >>> crl(3 * target, target, lengths).tolist()  # the target's way: any norm
    [0.0, 0.0]
    >>> crl(-target, target, lengths).tolist()  # the opposite way
    [2.0, 2.0]
    >>> orthogonal = target.flip(-1)
    >>> crl(orthogonal, target, lengths).tolist()
    [1.0, 1.0]
    >>> summed = CosineReconstructionLoss(time_reduction="sum", reduction="none")
    >>> summed(orthogonal, target, lengths).tolist()  # T_i - sum_t cos
    [2.0, 1.0]
    """

    def __init__(self, time_reduction="mean", reduction="mean"):
        super().__init__()
        if time_reduction not in ("mean", "sum"):
            raise ValueError(
                f"time_reduction must be 'mean' or 'sum', got {time_reduction!r}."
            )
        if reduction not in ("mean", "none"):
            raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}.")
        self.time_reduction = time_reduction
        self.reduction = reduction

    def forward(self, reconstruction, target, lengths):
        cos = F.cosine_similarity(reconstruction, target, dim=-1, eps=1e-8)
        per_sequence = _per_sequence(1 - cos, lengths, self.time_reduction == "mean")
        return per_sequence.mean() if self.reduction == "mean" else per_sequence
