"""Causal histories of an encoded interaction log, batched for the IARN module.

For a query ``(user, item, t)`` the user's history is the items she rated at
times strictly before ``t`` and the item's history the users who rated it
strictly before ``t``, each in time order and cut to its ``max_history`` most
recent steps. Interactions at ``t`` itself, the query's own included, are never
seen. Both sides are found by one binary search each: the log is sorted by
(user, time rank) and by (item, time rank) into integer keys.
"""

import numpy as np
import torch

__all__ = ["HistoryIndex", "RowDataset", "BatchBuilder"]


class HistoryIndex:
    """Per-user and per-item time-sorted views of an encoded log.

    Parameters
    ----------
    users, items : ndarray of int64, shape (n,)
        Codes in ``[0, n_users)`` and ``[0, n_items)``.
    times : ndarray of float64, shape (n,)
    n_users, n_items : int
    max_history : int
    """

    def __init__(self, users, items, times, n_users, n_items, max_history):
        self.max_history = max_history
        self.time_values = np.unique(times)
        self.stride = len(self.time_values) + 1
        rank = np.searchsorted(self.time_values, times)
        self.user_side = self._side(users, items, rank, n_users)
        self.item_side = self._side(items, users, rank, n_items)

    def _side(self, owners, members, rank, n_owners):
        order = np.lexsort((rank, owners))  # by owner, then time; stable on ties
        keys = owners[order] * self.stride + rank[order]
        starts = np.searchsorted(keys, np.arange(n_owners) * self.stride)
        return keys, members[order], starts

    def _windows(self, side, owners, times):
        keys, _, starts = side
        rank = np.searchsorted(self.time_values, times, side="left")
        known = owners >= 0
        safe = np.where(known, owners, 0)
        # first entry of the owner at or after t: everything before is history
        end = np.searchsorted(keys, safe * self.stride + rank, side="left")
        start = np.maximum(starts[safe], end - self.max_history)
        length = np.where(known, end - start, 0)
        return start, length

    @staticmethod
    def _gather(side, start, length):
        members = side[1]
        width = max(1, int(length.max()))
        steps = np.arange(width)
        index = np.minimum(start[:, None] + steps, len(members) - 1)
        return np.where(steps < length[:, None], members[index], 0)

    def histories(self, users, items, times):
        """Padded histories: ``(user_history, user_lengths, item_history, item_lengths)``.

        ``users``/``items`` are codes, -1 for an id the log has not seen (an
        empty history); ``times`` float64 seconds (``inf``: after the whole log).
        Histories are int64 ``(n, width)``, zero past each length.
        """
        u_start, u_len = self._windows(self.user_side, users, times)
        i_start, i_len = self._windows(self.item_side, items, times)
        return (self._gather(self.user_side, u_start, u_len), u_len,
                self._gather(self.item_side, i_start, i_len), i_len)


class BatchBuilder:
    """The module's keyword arguments for rows ``(users, items, times)``.

    ``features``: None, a float32 ``(n_items, n_features)`` indicator matrix
    (flat) or an int64 ``(n_items, depth)`` path matrix padded with -1
    (hierarchical); an unseen item (code -1) has none.
    """

    def __init__(self, index, features=None):
        self.index, self.features = index, features

    def __call__(self, users, items, times):
        u_hist, u_len, i_hist, i_len = self.index.histories(users, items, times)
        batch = {
            "user_history": torch.as_tensor(u_hist), "user_lengths": torch.as_tensor(u_len),
            "item_history": torch.as_tensor(i_hist), "item_lengths": torch.as_tensor(i_len),
        }
        if self.features is not None:
            rows = self.features[np.maximum(items, 0)]
            blank = 0 if self.features.dtype.kind == "f" else -1
            rows = np.where((items >= 0)[:, None], rows, blank)
            batch["features"] = torch.as_tensor(rows)
        return batch


class RowDataset(torch.utils.data.Dataset):
    """Training rows for skorch: item ``i`` is ``(i, rating_i)``; :meth:`collate`
    turns a list of them into ``(module kwargs, ratings)``."""

    def __init__(self, rows, users, items, times, ratings, builder):
        self.rows, self.users, self.items, self.times = rows, users, items, times
        self.ratings, self.builder = ratings, builder

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i], self.ratings[self.rows[i]]

    def collate(self, batch):
        rows = np.fromiter((r for r, _ in batch), dtype=np.int64, count=len(batch))
        X = self.builder(self.users[rows], self.items[rows], self.times[rows])
        return X, torch.as_tensor(self.ratings[rows])
