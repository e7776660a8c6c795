"""Pieces shared by the sequence models: windowing frames (the CRFs, the
siamese encoder) and an exact softplus (the CRFs)."""

import torch

__all__ = ["frame_windows", "softplus_exact"]


def frame_windows(x, lengths, window):
    """Concatenate ``window`` consecutive frames, stride 1, within each sequence.

    Frame ``t`` of the output is ``[x_t; x_{t+1}; ...; x_{t+window-1}]`` (frame
    after frame, each with all ``D`` channels), the "windowing k frames into one"
    of the HULM chapter (thesis section 2.4.1) and the siamese RNN paper. A
    sequence of length ``L`` becomes one of length ``max(L - window + 1, 1)``;
    windows never reach into the padding: a
    sequence shorter than ``window`` gives one window, completed by repeating its
    last frame. Both cases are one gather whose time index is clamped to
    ``L - 1``.

    Parameters
    ----------
    x : Tensor of shape (batch, time, D)
        Zero-filled past each length, ``time`` at least the longest length.
    lengths : Tensor of shape (batch,), int64
    window : int

    Returns
    -------
    windows : Tensor of shape (batch, max(time - window + 1, 1), window * D)
    new_lengths : Tensor of shape (batch,), int64
    """
    if window == 1:
        return x, lengths
    batch, time, _ = x.shape
    new_time = max(time - window + 1, 1)
    steps = torch.arange(new_time, device=x.device)
    index = steps[:, None] + torch.arange(window, device=x.device)[None, :]
    index = torch.minimum(index[None], (lengths - 1).to(x.device)[:, None, None])
    rows = torch.arange(batch, device=x.device)[:, None, None]
    windows = x[rows, index]  # (batch, new_time, window, D)
    new_lengths = (lengths - window + 1).clamp(min=1)
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
