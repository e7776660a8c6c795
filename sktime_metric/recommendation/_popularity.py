"""PopularityRecommender: the item-popularity ranking baseline of IARN."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ._log import _COLUMNS, _LogRecommender

__all__ = ["PopularityRecommender"]


class PopularityRecommender(_LogRecommender):
    """Item popularity: an item's score is how often it occurs in the training log.

    The ranking baseline every recommender is measured against: the same
    scores for every user, the items rated most often first. Counts are
    causal like IARN's histories: a query at time ``t`` counts the training
    interactions strictly before ``t`` (all of them without a timestamp).
    Ratings are not used.

    Parameters
    ----------
    user_col, item_col, time_col, rating_col : str, default="user_id", \
            "item_id", "timestamp", "rating"
        Column names of a DataFrame ``X`` (a ``rating_col`` column is allowed
        and ignored).

    Attributes
    ----------
    user_ids_, item_ids_ : ndarray
        The users and items of the training log; codes are positions here.
    item_counts_ : ndarray of int64, shape (n_items,)
        Training interactions of each item.
    log_users_, log_items_ : ndarray of int64, shape (n_interactions,)
        The training log, encoded.
    log_times_ : ndarray of float64, shape (n_interactions,)
        Its timestamps in seconds.
    log_times_zoned_ : bool or None
        Whether the log's times were dates with a time zone (None: numbers);
        later dates (``predict``'s, ``recommend``'s ``at``) must agree.

    See Also
    --------
    MatrixFactorizationRecommender : Personalised rating predictions.
    sktime_metric.evaluation.ranking_auc : The ranking score it is a baseline for.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.recommendation import PopularityRecommender
    >>> X = np.array([[0, "a", 1], [1, "a", 2], [1, "b", 3], [2, "a", 4]], dtype=object)
    >>> pop = PopularityRecommender().fit(X)
    >>> pop.predict([[5, "a"], [5, "b"], [5, "new"]])      # after the whole log
    array([3., 1., 0.])
    >>> pop.predict([[5, "a", 3]])                           # before time 3
    array([2.])
    >>> [items.tolist() for items in pop.recommend([2, 9], n=1)]  # 2 rated "a"; 9 is new
    [['b'], ['a']]
    """

    _parameter_constraints: dict = dict(_COLUMNS)

    def __init__(self, *, user_col="user_id", item_col="item_id", time_col="timestamp",
                 rating_col="rating"):
        self.user_col = user_col
        self.item_col = item_col
        self.time_col = time_col
        self.rating_col = rating_col

    def fit(self, X, y=None):
        """Count the items of an interaction log.

        Parameters
        ----------
        X : array-like of shape (n_interactions, 3) or DataFrame
            Rows ``[user_id, item_id, timestamp]``, as for
            :class:`~sktime_metric.recommendation.IARNRecommender`.
        y : array-like of shape (n_interactions,) or None, default=None
            Ratings: checked, not used.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reset_fitted_state(self)
        _, items, times, _ = self._fit_log(X, y, require_rating=False)
        self.item_counts_ = np.bincount(items, minlength=len(self.item_ids_))
        order = np.lexsort((times, items))
        self._sorted_times = times[order]
        self._starts = np.concatenate([[0], np.cumsum(self.item_counts_)])
        return self

    def predict(self, X):
        """Popularity of the queried items.

        Parameters
        ----------
        X : array-like of shape (n_queries, 3) or (n_queries, 2), or DataFrame
            Rows ``[user_id, item_id, timestamp]``; the user does not matter.
            Without a timestamp: after the whole training log.

        Returns
        -------
        scores : ndarray of shape (n_queries,)
            Training interactions of the item before the query's time; 0 for
            an item not seen in fit.
        """
        check_is_fitted(self, "item_counts_")
        return self._scores(*self._queries(X))

    def _scores(self, users, items, times):
        scores = np.zeros(len(items))
        for item in np.unique(items[items >= 0]):
            mine = items == item
            before = self._sorted_times[self._starts[item]:self._starts[item + 1]]
            scores[mine] = np.searchsorted(before, times[mine], side="left")
        return scores
