"""The recommendation protocol of Pei's thesis, chapter 6 (section 6.4.1).

Users and items with more than 3 ratings are kept (:func:`filter_interactions`),
the log is cut at one global time (:func:`temporal_split`: training before, test
from then on), and a model is scored by RMSE on the test ratings and by the
per-user ranking AUC (:func:`ranking_auc`).
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from ..utils._interactions import (
    check_interaction_log,
    check_time_zone,
    column_names,
    encode_ids,
    id_array,
    time_value,
    to_seconds,
    unique_ids,
)
from ..utils._sklearn_compat import Interval, validate_params

__all__ = ["filter_interactions", "ranking_auc", "temporal_split"]


def _column(X, name, position, caller, raw=False):
    """One column of a DataFrame (by name) or of a 2-D array (by position);
    ``raw``: a DataFrame's column as it is (a polars / pyarrow time column
    keeps its time zone on its type, which ``to_seconds`` reads)."""
    if hasattr(X, "columns"):
        names = column_names(X)
        if name not in names:
            raise ValueError(f"{caller}: the DataFrame has no column {name!r} (its "
                             f"columns: {names}).")
        return X[name] if raw else np.asarray(X[name])
    X = np.asarray(X) if not isinstance(X, list) else np.asarray(X, dtype=object)
    if X.ndim != 2 or X.shape[1] <= position:
        raise ValueError(f"{caller}: X must be a DataFrame or a 2-D array with columns "
                         f"[user, item, timestamp]; got shape {X.shape}.")
    return X[:, position]


def _rows(X, mask):
    if hasattr(X, "iloc"):
        return X.iloc[np.flatnonzero(mask)]
    if hasattr(X, "columns") and hasattr(X, "filter"):  # polars, pyarrow: same type
        return X.filter(np.asarray(mask, dtype=bool))
    X = np.asarray(X) if not isinstance(X, list) else np.asarray(X, dtype=object)
    return X[mask]


def _split_result(X, y, mask):
    if y is None:
        return _rows(X, mask), _rows(X, ~mask)
    y = np.asarray(y)
    return _rows(X, mask), y[mask], _rows(X, ~mask), y[~mask]


def temporal_split(X, y=None, *, split_time, time_col="timestamp"):
    """Cut an interaction log at one global time: training before, test after.

    The protocol of the thesis' chapter 6 (e.g. MovieLens: training before
    January 1st 2010, test the rest): every test interaction is later than every
    training one, so a model is judged on the future of what it learned from.

    Parameters
    ----------
    X : array-like of shape (n_interactions, 3) or DataFrame
        Rows ``[user_id, item_id, timestamp]``; a DataFrame's time column is
        ``time_col`` (other columns are carried along).
    y : array-like of shape (n_interactions,) or None, default=None
        Ratings, split alike.
    split_time : number, date string or datetime64
        Interactions strictly before it go to training, the rest to test. A
        date is compared as seconds since 1970-01-01, so it also cuts Unix
        timestamps (MovieLens, Amazon). A date with a time zone cuts dates
        with one (its instant), a date without dates without.
    time_col : str, default="timestamp"

    Returns
    -------
    X_train, y_train, X_test, y_test
        Rows of ``X`` (same type) and of ``y``; without ``y``: ``X_train, X_test``.

    Raises
    ------
    ValueError
        If the log is empty, a timestamp is missing, one side of the cut is
        empty, ``y`` has not one rating per row, or
        ``split_time`` and the timestamps are dates of which only one side
        has a time zone.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.evaluation import temporal_split
    >>> X = np.array([[1, 10, 5], [2, 10, 1], [1, 11, 9]])
    >>> X_tr, y_tr, X_te, y_te = temporal_split(X, [4, 3, 5], split_time=5)
    >>> X_tr.tolist(), y_te.tolist()
    ([[2, 10, 1]], [4, 5])
    >>> X_tr, X_te = temporal_split(X, split_time="1970-01-01T00:00:06")
    >>> len(X_tr), len(X_te)
    (2, 1)
    """
    caller = "temporal_split"
    times, zoned = to_seconds(_column(X, time_col, 2, caller, raw=True), caller)
    if not len(times):  # check_interaction_log's message (ranking_auc's)
        raise ValueError(f"{caller}: the log has no interaction.")
    cut, cut_zoned = time_value(split_time, caller, "split_time")
    check_time_zone(zoned, cut_zoned, caller, "split_time", of="X's timestamps")
    before = times < cut
    if y is not None and len(np.asarray(y)) != len(times):
        raise ValueError(f"{caller}: {len(np.asarray(y))} ratings for {len(times)} "
                         "interactions.")
    if before.all() or not before.any():
        side = "test" if before.all() else "training"
        raise ValueError(
            f"{caller}: split_time={split_time!r} leaves the {side} part empty (the "
            f"log spans {times.min():g} to {times.max():g} seconds).")
    return _split_result(X, y, before)


@validate_params(
    {
        # 0 (or 1) keeps every row: no filter, a valid choice
        "min_user_ratings": [Interval(Integral, 0, None, closed="left")],
        "min_item_ratings": [Interval(Integral, 0, None, closed="left")],
        "iterative": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def filter_interactions(X, y=None, *, min_user_ratings=4, min_item_ratings=4,
                        iterative=False, user_col="user_id", item_col="item_id"):
    """Keep the interactions of users and items with enough ratings.

    The thesis keeps "users and items with more than 3 ratings" (the defaults,
    at least 4), counted once on the whole log. ``iterative=True`` repeats the
    count until it is stable (a k-core), since removing rare items can leave a
    user with too few ratings.

    Parameters
    ----------
    X : array-like of shape (n_interactions, >= 2) or DataFrame
        Rows ``[user_id, item_id, ...]``; a DataFrame's columns are named by
        ``user_col`` and ``item_col``.
    y : array-like of shape (n_interactions,) or None, default=None
    min_user_ratings, min_item_ratings : int, default=4
        At least 0 (0 and 1 keep every row).
    iterative : bool, default=False
    user_col, item_col : str, default="user_id", "item_id"

    Returns
    -------
    X_kept, y_kept
        Rows of ``X`` (same type) and of ``y``; without ``y``: ``X_kept``.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.evaluation import filter_interactions
    >>> X = np.array([[u, i, 0] for u in range(5) for i in range(4)] + [[9, 0, 0]])
    >>> len(X), len(filter_interactions(X))     # user 9 rated once
    (21, 20)
    """
    caller = "filter_interactions"
    users = id_array(_column(X, user_col, 0, caller), "user id", caller)
    items = id_array(_column(X, item_col, 1, caller), "item id", caller)
    if not len(users):  # check_interaction_log's message (ranking_auc's)
        raise ValueError(f"{caller}: the log has no interaction.")
    if y is not None and len(np.asarray(y)) != len(users):
        # else numpy's boolean-index IndexError, after the counting
        raise ValueError(f"{caller}: {len(np.asarray(y))} ratings for "
                         f"{len(users)} interactions.")
    keep = np.ones(len(users), dtype=bool)
    while True:
        u_codes = encode_ids(unique_ids(users), users)
        i_codes = encode_ids(unique_ids(items), items)
        u_count = np.bincount(u_codes[keep], minlength=u_codes.max() + 1)
        i_count = np.bincount(i_codes[keep], minlength=i_codes.max() + 1)
        new = keep & (u_count[u_codes] >= min_user_ratings) \
            & (i_count[i_codes] >= min_item_ratings)
        if not iterative or (new == keep).all():
            keep = new
            break
        keep = new
    if y is None:
        return _rows(X, keep)
    return _rows(X, keep), np.asarray(y)[keep]


# prefer_skip_nested_validation=False: the estimator is the caller's, not
# validated here
@validate_params(
    {
        "n_negatives": [Interval(Integral, 1, None, closed="left")],
        "return_per_user": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,
)
def ranking_auc(estimator, X_test, *, X_train=None, items=None, n_negatives=100,
                return_per_user=False, random_state=None, user_col="user_id",
                item_col="item_id", time_col="timestamp"):
    """Per-user AUC of a rating predictor: its test items above items never rated.

    For each user of ``X_test``: her test items are the positives; up to
    ``n_negatives`` items she never rated (neither in ``X_train`` nor in the
    test log) are drawn from the catalogue. All are scored by
    ``estimator.predict`` at one time, her first test timestamp; her AUC is the
    fraction of (positive, negative) pairs ordered correctly (ties count a
    half). The result is the mean over users with a positive and a negative:
    the AUC of BPR (Rendle et al., UAI 2009), which the thesis reports in
    chapter 6 without describing its protocol, with sampled negatives.

    Parameters
    ----------
    estimator : fitted estimator
        Its ``predict`` takes rows ``[user, item, timestamp]``.
    X_test : array-like of shape (n_interactions, 3) or DataFrame
    X_train : array-like or DataFrame, default=None
        The training log, so that items a user rated there are not drawn as
        negatives. None: only her test items are excluded.
    items : array-like or None, default=None
        The catalogue negatives are drawn from; None: ``estimator.item_ids_``
        when it has them, else the items of ``X_train`` and ``X_test``.
    n_negatives : int, default=100
        At least 1.
    return_per_user : bool, default=False
        Also return ``{user: auc}``.
    random_state : int, RandomState instance or None, default=None
        Seeds the negatives.
    user_col, item_col, time_col : str, default="user_id", "item_id", "timestamp"
        Column names of DataFrame logs.

    Returns
    -------
    auc : float
    per_user : dict, only with ``return_per_user``

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.evaluation import ranking_auc
    >>> class ItemIdScore:                 # "predicts" the item id as the rating
    ...     item_ids_ = np.arange(10)
    ...     def predict(self, X):
    ...         return np.asarray(X, dtype=float)[:, 1]
    >>> X_test = np.array([[0, 9, 100], [1, 0, 100]])
    >>> ranking_auc(ItemIdScore(), X_test, random_state=0)   # user 0: 1.0, user 1: 0.0
    0.5
    """
    caller = "ranking_auc"
    columns = (user_col, item_col, time_col)
    test = check_interaction_log(X_test, None, columns=columns, rating_col=None,
                                 require_time=False, require_rating=False, caller=caller)
    train = None if X_train is None else check_interaction_log(
        X_train, None, columns=columns, rating_col=None, require_time=False,
        require_rating=False, caller=caller)
    if items is None:
        items = getattr(estimator, "item_ids_", None)
    if items is None:
        items = np.concatenate([test.items] + ([] if train is None else [train.items]))
    catalogue = unique_ids(id_array(np.asarray(items).ravel(), "item id", caller))
    rng = check_random_state(random_state)
    rated = {}
    for log in ([train] if train is not None else []) + [test]:
        for u, i in zip(log.users.tolist(), log.items.tolist()):
            rated.setdefault(u, set()).add(i)
    test_users = unique_ids(test.users)
    user_codes = encode_ids(test_users, test.users)
    rows, owners, labels = [], [], []
    for code, user in enumerate(test_users.tolist()):
        mine = user_codes == code
        positives = list(dict.fromkeys(test.items[mine].tolist()))
        seen = rated.get(user, set())
        pool = [i for i in catalogue.tolist() if i not in seen]
        if not positives or not pool:
            continue
        # int(): True is an int to the checks, not to numpy
        chosen = rng.choice(len(pool), size=min(int(n_negatives), len(pool)),
                            replace=False)
        negatives = [pool[k] for k in chosen]
        time = () if test.times is None else (float(test.times[mine].min()),)
        for item, label in [(i, 1) for i in positives] + [(i, 0) for i in negatives]:
            rows.append((user, item, *time))
            owners.append(code)
            labels.append(label)
    if not rows:
        raise ValueError(f"{caller}: no test user has both a test item and an item "
                         "left to draw as a negative.")
    queries = np.empty((len(rows), len(rows[0])), dtype=object)
    queries[:] = rows
    scores = np.asarray(estimator.predict(queries), dtype=np.float64)
    if scores.shape not in ((len(rows),), (len(rows), 1)):
        raise ValueError(f"{caller}: estimator.predict gave an array of shape "
                         f"{scores.shape} for {len(rows)} rows, not one score per "
                         "row.")
    scores = scores.reshape(-1)
    if np.isnan(scores).any():
        # NaN is neither above nor below an item: counted as a wrong order,
        # it gave an AUC, silently
        raise ValueError(f"{caller}: estimator.predict gave NaN for "
                         f"{int(np.isnan(scores).sum())} of {len(rows)} (user, item) "
                         "rows; every item needs a score to be ranked.")
    owners, labels = np.asarray(owners), np.asarray(labels)
    per_user = {}
    for code in np.unique(owners):
        mine = owners == code
        pos = scores[mine & (labels == 1)]
        neg = scores[mine & (labels == 0)]
        # compared, not subtracted: two infinite scores of one sign tie
        # (their difference would be NaN, a wrong order)
        pos, neg = pos[:, None], neg[None, :]
        per_user[test_users[code]] = float(((pos > neg) + 0.5 * (pos == neg)).mean())
    auc = float(np.mean(list(per_user.values())))
    return (auc, per_user) if return_per_user else auc
