"""Training without subnormal floats: flush-to-zero around a fit, then restored.

A float below the smallest normal number (float32: 1.2e-38) is *subnormal*,
and on x86 every operation that reads or writes one takes a microcode assist,
tens of times slower than a normal one. Training drives some quantities there:
a sharpening model's log-space recursions take ``exp`` of ever more negative
scores, and the backward pass multiplies small gradients by smaller
probabilities (HULM's ``softplus`` backward: ~1.5 % of its outputs on FaceAll
after 30 epochs). As a fit goes on, its epochs get slower: HULM's default fit
on FaceAll went from 1.5 to 2.9 seconds an epoch over 200 epochs (509 s), and
stayed at 1.4-1.5 with subnormals flushed to zero (281 s), with the same test
accuracy. Where a model makes few (HULM on Earthquakes), nothing changes.

The values flushed are below 1e-38 (float32) or 1e-308 (float64), far below
any difference a fit can resolve. The flag (x86's FTZ/DAZ bits) belongs to
the thread that sets it, so :func:`flush_subnormals` sets it only for the
duration of a fit, on the fitting thread, and restores what the caller had.
Threads already running, such as torch's intra-op pool, keep their own mode
(small element-wise operations, such as a recursion's per-step ones, run on
the calling thread anyway). Threads started inside the block would inherit it
on Linux and keep it after the block: so the pool is started before the mode
is set (found in an audit: a first fit of a process that started the pool
left half of a later 4-million-element product flushing subnormals).
"""

from contextlib import contextmanager

import torch

__all__ = ["flush_subnormals", "flushes_subnormals"]


def flushes_subnormals():
    """Whether this thread's CPU arithmetic flushes subnormal floats to zero.

    torch can set the mode (``torch.set_flush_denormal``) but not read it, so
    this probes it: a subnormal float32 times one stays itself unless the
    arithmetic flushes it.

    Examples
    --------
    >>> from sktime_metric.utils._subnormal import flushes_subnormals
    >>> flushes_subnormals()
    False
    """
    subnormal = torch.tensor([1e-39], dtype=torch.float32, device="cpu")
    return (subnormal * 1.0).item() == 0.0


@contextmanager
def flush_subnormals():
    """Flush subnormal floats to zero on this thread inside the block.

    Where the CPU has no such mode (``torch.set_flush_denormal`` returns
    False; torch supports x86 with SSE3 and AArch64), nothing changes. On exit
    the thread's mode is what it was before.

    Examples
    --------
    >>> from sktime_metric.utils._subnormal import flush_subnormals, flushes_subnormals
    >>> with flush_subnormals():
    ...     inside = flushes_subnormals()
    >>> flushes_subnormals()  # restored
    False
    """
    if flushes_subnormals():  # the caller's own choice: keep it
        yield
        return
    if torch.get_num_threads() > 1:
        # one parallel region starts torch's intra-op pool (OpenMP) if it is
        # not running yet, with this thread's mode, before the mode changes
        torch.empty(1 << 20, device="cpu").fill_(0.0)  # whatever the default device
    changed = torch.set_flush_denormal(True)
    try:
        yield
    finally:
        if changed:
            torch.set_flush_denormal(False)
