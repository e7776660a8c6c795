"""What every recommender on an interaction log shares: queries and rankings.

:func:`decode_queries` checks and encodes ``predict``'s query rows;
:func:`predict_ratings` is a rating predictor's ``predict`` (``unknown`` and
``rating_range`` applied) and :func:`rank_items` ``recommend``'s ranking of the
training log's items for given users at a given time, both from any scoring
function; :func:`check_rating_range` checks ``rating_range``.
:class:`_LogRecommender` is the base of the numpy baselines
(:mod:`._popularity`, :mod:`._factorization`, :mod:`._time_baseline`), which
also encodes the training log.
:class:`~sktime_metric.recommendation.IARNRecommender` (on the shared network
base) calls the functions.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ..utils._interactions import (
    check_interaction_log,
    check_time_zone,
    encode_ids,
    id_array,
    time_value,
    unique_ids,
)
from ..utils._sklearn_compat import StrOptions

_COLUMNS = {"user_col": [str], "item_col": [str], "time_col": [str], "rating_col": [str]}
_RATING_PREDICTOR = {
    "unknown": [StrOptions({"global_mean", "empty_history", "error"})],
    "rating_range": [tuple, None],
}


def decode_queries(estimator, X):
    """Encoded ``(users, items, times)`` of query rows ``[user, item[, time]]``.

    Ids not seen in fit get code -1; without a time column every query is
    after the whole training log (``inf``). Dates with a time zone where the
    training log's had none (or back) are refused.
    """
    caller = type(estimator).__name__
    log = check_interaction_log(
        X, None, columns=(estimator.user_col, estimator.item_col, estimator.time_col),
        rating_col=None, require_time=False, require_rating=False, caller=caller)
    check_time_zone(_fitted_zone(estimator), log.zoned, caller, "X's timestamps")
    times = np.full(len(log), np.inf) if log.times is None else log.times
    return (encode_ids(estimator.user_ids_, log.users),
            encode_ids(estimator.item_ids_, log.items), times)


def _fitted_zone(estimator):
    """Whether the training log's times had a time zone (None: numbers, or
    an estimator fitted before ``log_times_zoned_`` existed: not checked)."""
    return getattr(estimator, "log_times_zoned_", None)


def check_rating_range(estimator):
    """Raise ValueError unless ``estimator.rating_range`` is None or ``(low, high)``."""
    rating_range = estimator.rating_range
    if rating_range is not None and (
            len(rating_range) != 2 or not rating_range[0] < rating_range[1]):
        raise ValueError(f"{type(estimator).__name__}: rating_range must be (low, high) "
                         f"with low < high, got {rating_range!r}.")


def predict_ratings(estimator, X, score):
    """``predict`` of a rating predictor: ``unknown`` and ``rating_range`` applied.

    ``score(users, items, times)`` rates encoded queries (float64; code -1:
    an id not seen in fit). With ``unknown="error"`` such a query raises
    before anything is scored; with "global_mean" it gets ``global_mean_``.
    """
    users, items, times = estimator._queries(X)
    unseen = (users < 0) | (items < 0)
    if estimator.unknown == "error" and unseen.any():
        row = int(np.flatnonzero(unseen)[0])
        raise ValueError(
            f"{type(estimator).__name__}: row {row} asks about a user or item not seen "
            "in fit (unknown='error'); set unknown='global_mean' or "
            "'empty_history'.")
    rating = score(users, items, times)
    if estimator.unknown == "global_mean":
        rating[unseen] = estimator.global_mean_
    if estimator.rating_range is not None:
        rating = np.clip(rating, *estimator.rating_range)
    return rating


def rank_items(estimator, users, n, at, exclude_seen, score):
    """``recommend``: each user's ``n`` best-scored items of the training log.

    ``score(users, items, times)`` scores encoded queries (float64); a user not
    seen in fit has code -1. Items the user rated before ``at`` are left out
    with ``exclude_seen``; ties keep the order of ``item_ids_``.
    """
    name = type(estimator).__name__
    if not (isinstance(n, Integral) and n >= 1):
        raise ValueError(f"{name}: n must be a positive int, got {n!r}.")
    users = np.asarray(users, dtype=object if isinstance(users, list) else None)
    codes = encode_ids(estimator.user_ids_, id_array(users.ravel(), "user id", name))
    time = np.inf
    if at is not None:
        time, zoned = time_value(at, name, "the time 'at'")
        check_time_zone(_fitted_zone(estimator), zoned, name, "the time 'at'")
    n_items = len(estimator.item_ids_)
    all_items = np.arange(n_items)
    out = []
    for code in codes:
        scores = np.asarray(score(np.full(n_items, code), all_items,
                                  np.full(n_items, time)), dtype=np.float64)
        if exclude_seen and code >= 0:
            seen = estimator.log_items_[(estimator.log_users_ == code)
                                        & (estimator.log_times_ < time)]
            scores[seen] = -np.inf
        ranked = np.argsort(-scores, kind="stable")[:n]
        out.append(estimator.item_ids_[ranked[np.isfinite(scores[ranked])]])
    return out


class _LogRecommender(BaseEstimator):
    """The encoded training log, query decoding and ``recommend`` of the baselines.

    A subclass's ``fit`` calls :meth:`_fit_log` and sets its own parameters;
    its ``_scores(users, items, times)`` scores encoded queries (code -1: an
    id not seen in fit, scored as a user or item without training ratings).
    """

    def _fit_log(self, X, y, require_rating=True):
        """Check and encode the log; set the log attributes; return its columns."""
        log = check_interaction_log(X, y, columns=(self.user_col, self.item_col, self.time_col),
                                    rating_col=self.rating_col,
                                    require_rating=require_rating,
                                    caller=type(self).__name__)
        self.user_ids_ = unique_ids(log.users)
        self.item_ids_ = unique_ids(log.items)
        self.log_users_ = encode_ids(self.user_ids_, log.users)
        self.log_items_ = encode_ids(self.item_ids_, log.items)
        self.log_times_ = log.times
        self.log_times_zoned_ = log.zoned
        return self.log_users_, self.log_items_, log.times, log.ratings

    def _queries(self, X):
        return decode_queries(self, X)

    def recommend(self, users, n=10, *, at=None, exclude_seen=True):
        """The ``n`` items of the training log with the highest scores.

        Parameters
        ----------
        users : array-like of shape (n_users,)
            User ids. A user not seen in fit is scored as one without training
            ratings (whatever ``unknown`` says: ranking needs scores).
        n : int, default=10
        at : number, date or None, default=None
            The time of the recommendation; None: after the whole training log.
        exclude_seen : bool, default=True
            Leave out the items the user rated in the training log (before ``at``).

        Returns
        -------
        items : list of ndarray
            For each user, up to ``n`` item ids, best first (ties in the order
            of ``item_ids_``; fewer when she rated almost every item).
        """
        check_is_fitted(self, "item_ids_")
        return rank_items(self, users, n, at, exclude_seen, self._scores)

    def _predict_ratings(self, X):
        """``predict`` of a rating predictor: ``unknown`` and ``rating_range`` applied."""
        check_is_fitted(self, "global_mean_")
        return predict_ratings(self, X, self._scores)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = False
        return tags


