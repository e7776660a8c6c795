"""Causal histories of an encoded interaction log, batched for the IARN module.

For a query ``(user, item, t)`` the user's history is the items she rated at
times strictly before ``t`` and the item's history the users who rated it
strictly before ``t``, each in time order and cut to its ``max_history`` most
recent steps. Interactions at ``t`` itself, the query's own included, are never
seen. Both sides are found by one binary search each: the log is sorted by
(user, time rank) and by (item, time rank) into integer keys.

A batch of the module's inputs (:class:`BatchBuilder`) is both sides'
histories plus the queried items' features, encoded once per fit by
:func:`encode_item_features`; :class:`RowDataset` serves training rows to
skorch (:func:`row_datasets` holds out the log's latest rows for validation)
and :func:`forward_queries` runs the module on query rows, whose histories
and attention :func:`explained_rows` reads back by id.
"""

import numpy as np
import torch

from .._device import _cpu_default_device
from ..utils._containers import _as_numeric_array
from ..utils._interactions import unique_ids

__all__ = ["BatchBuilder", "HistoryIndex", "RowDataset", "encode_item_features",
           "explained_rows", "forward_queries", "row_datasets"]

# query rows per forward pass at predict time (no gradients kept)
_PREDICT_ROWS = 512


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

    Each row's histories, and its own user and item codes (-1: unseen), which
    the module's biases read. ``features``: None, a float32 ``(n_items,
    n_features)`` indicator matrix (flat) or an int64 ``(n_items, depth)`` path
    matrix padded with -1 (hierarchical); an unseen item (code -1) has none.
    """

    def __init__(self, index, features=None):
        self.index, self.features = index, features

    def __call__(self, users, items, times):
        u_hist, u_len, i_hist, i_len = self.index.histories(users, items, times)
        # on the CPU whatever torch's default device: moved to the net's by
        # skorch (training) and forward_queries (predictions)
        batch = {k: torch.as_tensor(v, device="cpu") for k, v in {
            "user_history": u_hist, "user_lengths": u_len,
            "item_history": i_hist, "item_lengths": i_len,
            "users": np.asarray(users, dtype=np.int64),
            "items": np.asarray(items, dtype=np.int64),
        }.items()}
        if self.features is not None:
            rows = self.features[np.maximum(items, 0)]
            blank = 0 if self.features.dtype.kind == "f" else -1
            rows = np.where((items >= 0)[:, None], rows, blank)
            batch["features"] = torch.as_tensor(rows, device="cpu")
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
        return X, torch.as_tensor(self.ratings[rows], device="cpu")


def row_datasets(users, items, times, ratings, builder, validation_fraction=None):
    """The log's rows as a training set and, held out, its time-ordered tail.

    Parameters
    ----------
    users, items, times, ratings, builder
        As :class:`RowDataset`.
    validation_fraction : float or None, default=None
        The latest ``ceil(validation_fraction * n)`` interactions (ties in log
        order) are the validation set, which early stopping watches; None: no
        validation set. ValueError when either side would be empty.

    Returns
    -------
    train : RowDataset
    valid : RowDataset or None
    """
    order = np.argsort(times, kind="stable")
    holdout = validation_fraction is not None
    n_valid = int(np.ceil(validation_fraction * len(order))) if holdout else 0
    if holdout and not 0 < n_valid < len(order):
        raise ValueError(f"early_stopping=True holds out the latest "
                         f"validation_fraction={validation_fraction:g} of "
                         f"{len(order)} interactions: nothing is left on one side.")
    data = (users, items, times, ratings, builder)
    train = RowDataset(order[:len(order) - n_valid], *data)
    valid = RowDataset(order[len(order) - n_valid:], *data) if n_valid else None
    return train, valid


def encode_item_features(item_features, item_ids, feature_encoder):
    """The items' features as the module takes them, and their vocabulary.

    Parameters
    ----------
    item_features : dict, DataFrame or None
        A mapping ``item_id -> iterable of feature labels`` (flat) or ``item_id
        -> [root, ..., leaf]`` (hierarchical), or a 0/1 DataFrame indexed by
        item id with one column per feature (flat). Items missing from it have
        no feature.
    item_ids : ndarray
        The items of the training log; row ``i`` of the matrix is ``item_ids[i]``.
    feature_encoder : {"flat", "hierarchical"} or None
        None: no features (``item_features`` must be None too).

    Returns
    -------
    matrix : ndarray or None
        float32 indicator matrix ``(n_items, n_features)`` (flat) or int64
        path matrix ``(n_items, depth)``, root first, padded with -1
        (hierarchical).
    names : ndarray or None
        The feature vocabulary, which columns / path entries index.
    """
    if feature_encoder is None:
        if item_features is not None:
            raise ValueError("item_features were given but feature_encoder=None; "
                             "set feature_encoder='flat' or 'hierarchical'.")
        return None, None
    if item_features is None:
        raise ValueError(f"feature_encoder={feature_encoder!r} needs "
                         "item_features in fit.")
    if hasattr(item_features, "columns"):  # 0/1 DataFrame indexed by item id
        if feature_encoder != "flat":
            raise ValueError("A DataFrame of item features is flat; give a mapping "
                             "item_id -> [root, ..., leaf] for 'hierarchical'.")
        if not hasattr(item_features, "index"):
            raise TypeError(
                "A DataFrame of item features is a pandas DataFrame indexed by "
                f"item id; got {type(item_features).__module__}."
                f"{type(item_features).__name__}, which has no index: convert "
                "it, e.g. frame.to_pandas().set_index('item_id').")
        # NA is NaN there, and a NaN (!= 0) would give the item the feature
        values = _as_numeric_array(item_features, where="item_features",
                                   code="item_features")
        names = np.asarray(list(item_features.columns))
        if np.isnan(values).any():
            row, column = (int(k[0]) for k in np.nonzero(np.isnan(values)))
            # as Python values: an Int64Index's np.int64(2) would be named so
            item = item_features.index[[row]].tolist()[0]
            feature = item_features.columns[[column]].tolist()[0]
            raise ValueError(
                f"item_features has a missing value for item {item!r}, feature "
                f"{feature!r}: each cell says whether the item has the feature "
                "(1) or not (0).")
        item_features = {i: names[row != 0].tolist() for i, row in
                         zip(item_features.index.tolist(), values)}
    if not hasattr(item_features, "items"):
        raise TypeError("item_features must be a mapping item_id -> features or a "
                        f"DataFrame; got {type(item_features).__name__}.")
    lists = [list(item_features.get(i, ())) for i in item_ids.tolist()]
    names = unique_ids(np.asarray([f for fs in lists for f in fs] or [0],
                                  dtype=object))
    vocab = {f: k for k, f in enumerate(names.tolist())}
    if feature_encoder == "flat":
        matrix = np.zeros((len(lists), len(names)), dtype=np.float32)
        for row, fs in enumerate(lists):
            matrix[row, [vocab[f] for f in fs]] = 1.0
    else:
        matrix = np.full((len(lists), max(1, max(map(len, lists)))), -1, np.int64)
        for row, fs in enumerate(lists):
            matrix[row, :len(fs)] = [vocab[f] for f in fs]
    return matrix, names


def forward_queries(module, builder, users, items, times, *, device, keep_batch=False):
    """The module on query rows, in batches: ``(rating, a_u, a_v[, batch])`` on CPU.

    Eval mode, no gradients, :data:`_PREDICT_ROWS` rows per forward pass.
    ``a_u`` and ``a_v`` (the attention over each side's history) are None for
    a backbone without attention; with ``keep_batch``, the module's inputs of
    all rows too. Batches are concatenated with their history axis zero-padded
    to the widest.
    """
    module.eval()
    parts, batches = [], []
    for start in range(0, len(users), _PREDICT_ROWS):
        rows = slice(start, start + _PREDICT_ROWS)
        batch = builder(users[rows], items[rows], times[rows])
        # the net's device decides where the module computes, not torch's default
        with torch.no_grad(), _cpu_default_device():
            out = module(**{k: v.to(device) for k, v in batch.items()})
        parts.append(tuple(None if o is None else o.cpu() for o in out))
        batches.append(batch)
    rating = torch.cat([p[0] for p in parts])
    if parts[0][1] is None:
        return rating, None, None
    a_u = _pad_cat([p[1] for p in parts])
    a_v = _pad_cat([p[2] for p in parts])
    if not keep_batch:
        return rating, a_u, a_v
    merged = {k: _pad_cat([b[k] for b in batches]) for k in batches[0]}
    return rating, a_u, a_v, merged


def explained_rows(batch, a_u, a_v, users, items, times, *, user_ids, item_ids):
    """Each query's histories and attention, by id: ``IARNRecommender.explain``.

    Parameters
    ----------
    batch, a_u, a_v
        What :func:`forward_queries` returns with ``keep_batch`` (an
        attention backbone): the module's inputs and each side's attention.
    users, items : ndarray of int64, shape (n_queries,)
        Codes of the queries, -1 for an id not seen in fit.
    times : ndarray of float64, shape (n_queries,)
    user_ids, item_ids : ndarray
        The ids the codes index.

    Returns
    -------
    explanations : list of dict
        One per query: ``user``, ``item`` (None when unseen), ``time``,
        ``user_history`` (item ids, oldest first), ``user_attention``,
        ``item_history`` (user ids) and ``item_attention``.
    """
    out = []
    for row in range(len(users)):
        n_u, n_v = int(batch["user_lengths"][row]), int(batch["item_lengths"][row])
        out.append({
            "user": user_ids[users[row]] if users[row] >= 0 else None,
            "item": item_ids[items[row]] if items[row] >= 0 else None,
            "time": float(times[row]),
            "user_history": item_ids[batch["user_history"][row, :n_u].numpy()],
            "user_attention": a_u[row, :n_u].double().numpy(),
            "item_history": user_ids[batch["item_history"][row, :n_v].numpy()],
            "item_attention": a_v[row, :n_v].double().numpy(),
        })
    return out


def _pad_cat(parts):
    """Concatenate batches along rows, zero-padding axis 1 to the widest."""
    if parts[0].dim() < 2:
        return torch.cat(parts)
    width = max(p.shape[1] for p in parts)
    return torch.cat([torch.nn.functional.pad(p, (0, width - p.shape[1])) for p in parts])
