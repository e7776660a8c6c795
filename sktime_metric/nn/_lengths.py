"""Padded batches and their lengths: the masks, cuts and reversals every
module of ``sktime_metric.nn`` applies to ``x`` ``(batch, time, channels)``,
zero-filled past each sequence's length, and ``lengths`` ``(batch,)`` int64.
"""

import torch

__all__ = ["length_bounds", "length_groups", "length_mask", "reverse_padded",
           "run_by_length", "trim_to_length"]


def trim_to_length(x, lengths):
    """Cut the time axis of a padded batch to its longest sequence.

    Estimators pad a whole dataset to its longest series; a batch of short series
    need not pay for the steps none of them has.
    """
    return x[:, : int(lengths.max())]


def length_mask(lengths, n_timestamps):
    """Boolean ``(batch, n_timestamps)`` mask, True on each sequence's valid steps."""
    steps = torch.arange(n_timestamps, device=lengths.device)
    return steps[None, :] < lengths[:, None]


def reverse_padded(x, lengths):
    """Reverse each sequence within its own length; padding stays at the end.

    A backward recurrence over ``reverse_padded(x)`` is a forward recurrence that
    starts at each sequence's last valid step, which is what packing achieves
    for the fused kernels, at the price of one gather. Applying it twice is the
    identity.
    """
    steps = torch.arange(x.size(1), device=x.device)
    last = lengths[:, None].to(x.device) - 1
    index = torch.where(steps[None, :] <= last, last - steps[None, :], steps[None, :])
    return torch.gather(x, 1, index[:, :, None].expand(-1, -1, x.size(2)))


def length_bounds(sorted_lengths):
    """Where to cut rows sorted by length into groups of similar length.

    :func:`trim_to_length` cuts a batch to its longest series, but one long
    series still makes every row of its batch run its length: a recurrence
    costs about rows x longest steps. Here the rows, sorted by length, are
    split where that halves the steps run, and each part again: one long
    outlier among short series gets a group of its own, while lengths spread
    over a range (which a split saves at most a quarter of) stay one group, as
    do equal lengths. Halving, not any saving: each group is one more fused
    call on fewer rows, which a count of steps does not see.

    The one split rule: :func:`length_groups` applies it to a batch inside a
    module, and the predict loop (``_predicting.predict_batches``) to all the
    rows it predicts, before cutting them into batches.

    Parameters
    ----------
    sorted_lengths : Tensor or ndarray of shape (n_rows,), int, ascending

    Returns
    -------
    bounds : list of (int, int)
        ``(start, stop)`` of each group in the sorted order, shortest first,
        covering all rows; ``[(0, n_rows)]`` when they stay one group.
    """
    steps = torch.as_tensor(sorted_lengths).cpu()

    def split(start, stop):
        # rows start:stop; a split leaves rows start:cut in one group
        n_steps = int(steps[stop - 1])
        rows = torch.arange(1, stop - start)
        cost = rows * steps[start:stop - 1] + (stop - start - rows) * n_steps
        if len(cost) == 0 or 2 * int(cost.min()) > (stop - start) * n_steps:
            return [(start, stop)]
        cut = start + 1 + int(torch.argmin(cost))
        return split(start, cut) + split(cut, stop)

    return split(0, len(steps)) if len(steps) else [(0, 0)]


def length_groups(lengths):
    """Rows of a batch in groups of similar length (:func:`length_bounds`), or
    None for one group.

    Parameters
    ----------
    lengths : Tensor of shape (batch,), int64

    Returns
    -------
    groups : list of Tensor of int64, or None
        Row indices of each group (on ``lengths``' device), shortest group
        first; None when the batch stays whole.
    """
    order = torch.argsort(lengths.cpu(), stable=True)
    bounds = length_bounds(lengths.cpu()[order])
    if len(bounds) == 1:
        return None
    return [order[a:b].to(lengths.device) for a, b in bounds]


def run_by_length(fn, x, lengths):
    """``fn(x, lengths)`` on each :func:`length_groups` group, cut to its longest.

    ``fn`` maps a batch to a tensor with one row per series, which must not
    depend on the batch's other rows or its padding; the rows come back in
    the batch's order. A batch that stays whole runs as one call on
    ``trim_to_length(x, lengths)``.
    """
    groups = length_groups(lengths)
    if groups is None:
        return fn(trim_to_length(x, lengths), lengths)
    parts = [fn(trim_to_length(x[g], lengths[g]), lengths[g]) for g in groups]
    return torch.cat(parts)[torch.argsort(torch.cat(groups))]
