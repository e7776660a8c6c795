"""Pieces shared by the sequence models: windowing frames (the CRFs, the
siamese encoder) and an exact softplus (the CRFs)."""

import torch

__all__ = ["frame_windows", "framed_length", "softplus_exact"]


def framed_length(length, window, stride=1):
    """Frames of ``window`` steps every ``stride`` steps that cover ``length`` steps.

    ``1`` for ``length <= window``, else ``ceil((length - window) / stride) + 1``:
    the frames start at ``0, stride, 2 stride, ...`` and the last one reaches
    the series' last step (so no step is dropped). Works on ints and on int64
    tensors.
    """
    if isinstance(length, torch.Tensor):
        return (length - window).clamp(min=0).add(stride - 1).div(
            stride, rounding_mode="floor") + 1
    return -(-max(length - window, 0) // stride) + 1


def frame_windows(x, lengths, window, stride=1):
    """Concatenate ``window`` consecutive frames, every ``stride`` steps, within each sequence.

    Frame ``k`` of the output is ``[x_t; x_{t+1}; ...; x_{t+window-1}]`` with
    ``t = k * stride`` (frame after frame, each with all ``D`` channels): with
    stride 1 the "windowing k frames into one" of the HULM chapter (thesis
    section 2.4.1) and the siamese RNN paper; with a larger stride, overlapping
    frames as speech features are cut, which also shortens what a recurrent
    net has to carry its state through. A sequence of length ``L`` becomes one
    of :func:`framed_length` frames; windows never reach into the padding: a
    window past the sequence's last step (a sequence shorter than ``window``,
    or the last window of a strided one) is completed by repeating the last
    step. Both cases are one gather whose time index is clamped to ``L - 1``.

    Parameters
    ----------
    x : Tensor of shape (batch, time, D)
        Zero-filled past each length, ``time`` at least the longest length.
    lengths : Tensor of shape (batch,), int64
    window : int
    stride : int, default=1

    Returns
    -------
    windows : Tensor of shape (batch, framed_length(time), window * D)
    new_lengths : Tensor of shape (batch,), int64
    """
    if window == 1 and stride == 1:
        return x, lengths
    batch, time, _ = x.shape
    new_time = framed_length(time, window, stride)
    starts = torch.arange(new_time, device=x.device) * stride
    index = starts[:, None] + torch.arange(window, device=x.device)[None, :]
    index = torch.minimum(index[None], (lengths - 1).to(x.device)[:, None, None])
    rows = torch.arange(batch, device=x.device)[:, None, None]
    windows = x[rows, index]  # (batch, new_time, window, D)
    new_lengths = framed_length(lengths, window, stride)
    return windows.reshape(batch, new_time, -1), new_lengths


def softplus_exact(x):
    """``log(1 + exp(x))`` to the precision of ``x``'s dtype.

    torch's softplus returns ``x`` above a threshold of 20, an error of
    ``log1p(exp(-20))`` ~ 2e-9: below float32's resolution there, but visible
    in the float64 checks against brute force. Above 40, float64 cannot tell
    the two apart either.
    """
    return torch.nn.functional.softplus(
        x, threshold=40.0 if x.dtype == torch.float64 else 20.0
    )
