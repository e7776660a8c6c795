"""Pairs of variable-length series on one time grid, and all pairs in chunks.

The bookkeeping of models that run the two series of a pair jointly (the coupled
GRU): where each series sits on the pair's time grid (``align``), which steps
each branch runs, and how all pairs of one or two sets are covered by chunks of
similar lengths whose index arrays only exist one chunk at a time.
"""

from math import isqrt

import torch
from torch import nn

__all__ = ["GatheredSteps", "activity", "align_end", "pad_time", "pair_chunks",
           "pair_tiles"]


def activity(lengths, n_steps, align, start=0, stop=None):
    """``(stop - start, N)`` bool: is each series running at steps ``start:stop``.

    ``lengths`` ``(N,)`` on a grid of ``n_steps``; ``stop`` defaults to
    ``n_steps``. ``align="end"``: the series end at the grid's last step;
    "start": they start at its first.
    """
    stop = n_steps if stop is None else stop
    steps = torch.arange(start, stop, device=lengths.device)[:, None]
    if align == "end":
        return steps >= n_steps - lengths[None, :]
    return steps < lengths[None, :]


def align_end(x, lengths):
    """Shift each zero-filled series right so that all end at the last step."""
    n_steps = x.size(1)
    if bool((lengths == n_steps).all()):
        return x
    shift = (n_steps - lengths).to(x.device)[:, None]
    source = torch.arange(n_steps, device=x.device)[None, :] - shift
    x = torch.gather(x, 1, source.clamp(min=0)[:, :, None].expand_as(x))
    return x * (source >= 0)[:, :, None].to(x.dtype)


class GatheredSteps:
    """The rows ``index`` of each step of a time-major tensor, step by step."""

    def __init__(self, u, index):
        self.u, self.index = u, index

    def __len__(self):
        return self.u.size(0)

    def __iter__(self):
        return (u_t.index_select(0, self.index) for u_t in self.u.unbind(0))


def pad_time(x, n_steps):
    """Cut or zero-pad the time axis of ``x`` to ``n_steps``."""
    x = x[:, :n_steps]
    return nn.functional.pad(x, (0, 0, 0, n_steps - x.size(1)))


def pair_chunks(lengths, lengths2, chunk_size=4096):
    """Cover a list of pairs with chunks of pairs of similar length.

    The pairs are sorted by the longer of their two series (the steps a pair
    runs, whatever the alignment) and cut into consecutive chunks, so each chunk
    runs about as many steps as its own pairs need (length bucketing).

    Parameters
    ----------
    lengths, lengths2 : Tensor of shape (P,), int64
        Lengths of the left and right series of each pair.
    chunk_size : int, default=4096
        Most pairs in a chunk.

    Yields
    ------
    positions : Tensor of shape (P_chunk,), int64
        Positions in the list of pairs.
    """
    order = torch.argsort(torch.maximum(lengths, lengths2).cpu(), stable=True)
    for positions in order.split(max(1, chunk_size)):
        yield positions.to(lengths.device)


def pair_tiles(lengths, lengths2=None, chunk_size=4096):
    """Cover all pairs of two sets with index chunks of series of similar length.

    Both sets are sorted by length and cut into blocks; a chunk is the pairs of
    a block of rows and a block of columns, so each chunk runs about as many
    steps as its own series need (length bucketing), and only the chunk's pair
    indices ever exist.

    Parameters
    ----------
    lengths : Tensor of shape (n,), int64
    lengths2 : Tensor of shape (m,), int64, optional
        Without it, the pairs ``i < j`` of the first set.
    chunk_size : int, default=4096
        Most pairs in a chunk.

    Yields
    ------
    index, index2 : Tensor of shape (P,), int64
        Row and column of each pair of the chunk.
    """
    symmetric = lengths2 is None
    rows = torch.argsort(lengths.cpu(), stable=True)
    cols = rows if symmetric else torch.argsort(lengths2.cpu(), stable=True)
    if symmetric:
        n_rows = n_cols = max(1, isqrt(chunk_size))
    else:
        n_cols = max(1, min(len(cols), isqrt(chunk_size)))
        n_rows = max(1, chunk_size // n_cols)
    for a, block in enumerate(rows.split(n_rows)):
        for b, block2 in enumerate(cols.split(n_cols)):
            if symmetric and b < a:
                continue
            i = block.repeat_interleave(len(block2))
            j = block2.repeat(len(block))
            if symmetric and a == b:  # pairs of one block: each once, no diagonal
                upper = torch.triu_indices(len(block), len(block), offset=1,
                                           device=block.device)
                i, j = block[upper[0]], block[upper[1]]
                if len(i) == 0:
                    continue
            yield i.to(lengths.device), j.to(lengths.device)
