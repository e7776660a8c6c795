"""The one predict loop of the neural estimators: rows in batches of similar length.

:func:`predict_batches` runs a fitted net's module on every row of an input,
in batches cut where the rows' lengths say, and puts the outputs back in row
order; ``BaseSequenceNet._predict_batches``, which every neural estimator's
predict, transform and fit-time checks call, hands it the estimator's net
and batch size.
"""

import math

import numpy as np
import torch

from ._device import _cpu_default_device
from .nn._lengths import length_bounds

__all__ = ["predict_batches"]

# rows per batch at predict time: no gradients are kept, so larger batches are
# cheap. On CPU a recurrent kernel's cost grows with rows x longest series, and
# per row it is lower in batches of a few hundred than in one of thousands, so
# rows are sorted by length and cut into batches of this size (measured, ReLU
# RNN, 64 units: JapaneseVowels' 3,700 series 4x faster than in one batch, the
# spoken digits' 600 test series 2.7x), after a split of the sorted rows where
# a long outlier would make a batch of short series run its length
# (nn._lengths.length_bounds) ...
_PREDICT_BATCH_SIZE = 256
# ... while other devices (not measured) keep larger batches: up to this many
# padded time steps each ...
_PREDICT_STEPS = 2**18
# ... and where a step is a whole image, as in the video regressor's
# (n, T, C, H, W) input, on every device at most this many input values a
# batch (but never fewer rows than a training batch): a step count says nothing
# of memory there (the thesis preset's 114x114 frames: 256 videos of 20 frames
# are 66 M input values, and its first convolution's output is many times that)
_PREDICT_VALUES = 2**22


def predict_batches(net, inputs, lengths, *, batch_size, forward=None, finite=True,
                    name="X"):
    """``forward(module, **batch)`` on all rows: a tuple of CPU tensors.

    The one predict loop. ``net`` is a fitted skorch net (its ``module_`` and
    ``device`` are used); ``inputs`` is a dict of row-aligned arrays (by
    default ``BaseSequenceNet._net_input``'s ``x`` and ``lengths``), and
    ``lengths`` the rows' numbers of valid steps; ``batch_size`` is the
    estimator's training batch size, the smallest a batch is cut to;
    ``forward`` defaults to the module's own forward and may return a tensor
    or a tuple of them. The module runs in eval mode without gradients, directly
    on batches of rows moved to the device (skorch's ``forward_iter`` would
    re-stack the arrays one sample at a time through a DataLoader). Rows are
    sorted by length so that each batch, which the module cuts to its
    longest series, computes little padding: the sorted rows are split into
    groups of similar length by ``nn._lengths.length_bounds`` (a long
    outlier among short series runs in a group of its own rather than
    making a whole batch of short series run its length; equal lengths and
    lengths spread over a range stay one group), and each group is cut
    into batches of at most ``_PREDICT_BATCH_SIZE`` rows (or the training
    batch size if larger; :func:`_rows` says how many on other devices and
    for image steps). Outputs are put back in row order. An output with a time axis
    (axis 1) narrower in some batches is NaN-padded to the widest. A row's
    output must not depend on the other rows of its batch. A first output
    of one row per series (at most 2-D: class scores, embeddings, targets)
    must be finite: a row that is not is a ``ValueError`` naming its
    series (``_refuse_non_finite``), unless ``finite=False``: for a caller
    that weighs such outputs itself (fit's restarts, where one restart may
    diverge and another not). ``name``: what that error calls the argument
    the rows came in ("X", "X_support", "Y", ...). The net's device decides
    where it runs, whatever torch's default device (``_cpu_default_device``).
    """
    with _cpu_default_device():  # the net's device decides, not torch's default
        return _predict_batches(net, inputs, lengths, batch_size, forward, finite,
                                name)


def _predict_batches(net, inputs, lengths, batch_size, forward, finite, name):
    module = net.module_
    module.eval()
    device = net.device
    forward = forward or (lambda m, **batch: m(**batch))
    order = np.argsort(lengths, kind="stable")
    if (np.diff(order) == 1).all():  # already sorted: no gather
        order = None
    # a long outlier runs in a group of its own, not in a batch of short
    # series that would all run its length; each group in batches of rows
    sorted_lengths = lengths if order is None else lengths[order]
    batches = []
    for first, stop in length_bounds(sorted_lengths):
        if first == stop:  # no rows (length_bounds' [(0, 0)])
            continue
        rows = _rows(batch_size, device, int(sorted_lengths[stop - 1]), inputs)
        batches += [(start, min(start + rows, stop))
                    for start in range(first, stop, rows)]
    parts = []
    for start, stop in batches:
        # each batch gathers its own rows: no sorted copy of the whole input
        index = slice(start, stop) if order is None else order[start:stop]
        batch = {k: torch.as_tensor(v[index], device=device) for k, v in inputs.items()}
        with torch.no_grad():
            out = forward(module, **batch)
        out = out if isinstance(out, tuple) else (out,)
        parts.append(tuple(o.detach().cpu() for o in out))
        if finite:
            _refuse_non_finite(parts[-1][0], index, lengths, name)
    outputs = tuple(_concatenate_rows(p) for p in zip(*parts))
    if order is None:
        return outputs
    inverse = torch.from_numpy(np.argsort(order))
    return tuple(o[inverse] for o in outputs)


def _rows(batch_size, device, longest, inputs):
    """Rows per batch of a group whose longest series has ``longest`` steps.

    On the CPU :data:`_PREDICT_BATCH_SIZE` (or the training batch size if
    larger); on other devices as many, or more where :data:`_PREDICT_STEPS`
    padded steps allow more rows, counted with the group's own longest series
    (a group of short series beside a long outlier gets the rows its length
    allows); where steps are images, at most :data:`_PREDICT_VALUES` input
    values, but never fewer rows than ``batch_size``.
    """
    rows = max(batch_size, _PREDICT_BATCH_SIZE)
    if torch.device(device).type != "cpu":
        rows = max(rows, _PREDICT_STEPS // max(1, longest))
    if any(np.ndim(v) > 3 for v in inputs.values()):  # steps that are images
        row_values = max(math.prod(np.shape(v)[1:]) for v in inputs.values())
        rows = min(rows, max(batch_size, _PREDICT_VALUES // row_values))
    return rows


def _refuse_non_finite(output, index, lengths, name="X"):
    """A ``ValueError`` naming a series whose row of ``output`` is NaN or
    infinite, for an output of one row per series (per-step outputs, NaN on
    padding by design, are not checked); ``index``: the batch's rows, a slice
    or an array of row numbers; ``name``: the argument the rows came in.

    A network's float32 state can overflow on a series unlike its training
    series (measured: Bi-TAGM, whose gated unit is a ReLU recurrence, fitted
    on series of 6-12 steps, gave NaN probabilities on random series of 1,000
    steps): an error, not NaN probabilities or embeddings handed on.
    """
    if output.dim() > 2 or not output.is_floating_point():
        return
    finite = torch.isfinite(output.reshape(len(output), -1)).all(dim=1)
    if bool(finite.all()):
        return
    i = int(np.arange(len(lengths))[index][int(torch.nonzero(~finite)[0])])
    raise ValueError(
        f"{name}'s sample {i} (of {int(lengths[i])} steps) gives a non-finite "
        "network output: the network's float32 computation overflowed on it (recurrent "
        "states can grow with every step on series much longer than the "
        "training series, or with values far outside their range). At predict "
        "time, cut such series into windows as long as the training series, or "
        "fit on series like them; in fit, training diverged: try a lower lr or "
        "grad_clip_value."
    )


def _concatenate_rows(parts):
    """Batches of one output, concatenated; a time axis NaN-padded to the widest."""
    if len(parts) == 1:
        return parts[0]
    if parts[0].dim() > 2 or any(p.shape[1:] != parts[0].shape[1:] for p in parts):
        width = max(p.shape[1] for p in parts)
        parts = [
            torch.nn.functional.pad(p, (0, 0) * (p.dim() - 2) + (0, width - p.shape[1]),
                                    value=float("nan"))
            if p.shape[1] < width else p
            for p in parts
        ]
    return torch.cat(parts)
