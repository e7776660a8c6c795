"""The baselines a user would run before IARN: item popularity, biased matrix
factorisation and a time-aware baseline predictor, on the same interaction log.

They take what :class:`~sktime_metric.recommendation.IARNRecommender` takes
(``fit(X, y)`` on rows ``[user_id, item_id, timestamp]`` with ratings, or a
DataFrame; ``predict`` on ``[user, item[, timestamp]]`` queries) and offer the
same ``recommend``, so the benchmark and a user's code swap them freely. None
needs torch: matrix factorisation is alternating least squares, the baseline
predictor one sparse ridge regression.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import lsqr
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..utils._interactions import (
    check_interaction_log,
    encode_ids,
    id_array,
    to_seconds,
    unique_ids,
)
from ..utils._sklearn_compat import Interval, StrOptions

__all__ = ["MatrixFactorizationRecommender", "PopularityRecommender",
           "TimeAwareBaselineRecommender"]

_COLUMNS = {"user_col": [str], "item_col": [str], "time_col": [str], "rating_col": [str]}
_RATING_PREDICTOR = {
    "unknown": [StrOptions({"global_mean", "empty_history", "error"})],
    "rating_range": [tuple, None],
}


class _LogRecommender(BaseEstimator):
    """The encoded training log, query decoding and ``recommend`` of the baselines.

    A subclass's ``fit`` calls :meth:`_fit_log` and sets its own parameters;
    its ``_scores(users, items, times)`` scores encoded queries (code -1: an
    id not seen in fit, scored as a user or item without training ratings).
    """

    def _columns(self):
        return (self.user_col, self.item_col, self.time_col)

    def _fit_log(self, X, y, require_rating=True):
        """Check and encode the log; set the log attributes; return its columns."""
        log = check_interaction_log(X, y, columns=self._columns(),
                                    rating_col=self.rating_col,
                                    require_rating=require_rating,
                                    caller=type(self).__name__)
        self.user_ids_ = unique_ids(log.users)
        self.item_ids_ = unique_ids(log.items)
        self.log_users_ = encode_ids(self.user_ids_, log.users)
        self.log_items_ = encode_ids(self.item_ids_, log.items)
        self.log_times_ = log.times
        return self.log_users_, self.log_items_, log.times, log.ratings

    def _queries(self, X):
        log = check_interaction_log(X, None, columns=self._columns(), rating_col=None,
                                    require_time=False, require_rating=False,
                                    caller=type(self).__name__)
        times = np.full(len(log), np.inf) if log.times is None else log.times
        return (encode_ids(self.user_ids_, log.users),
                encode_ids(self.item_ids_, log.items), times)

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
        name = type(self).__name__
        if not (isinstance(n, Integral) and n >= 1):
            raise ValueError(f"{name}: n must be a positive int, got {n!r}.")
        users = np.asarray(users, dtype=object if isinstance(users, list) else None)
        codes = encode_ids(self.user_ids_, id_array(users.ravel(), "user id", name))
        time = np.inf if at is None else to_seconds(np.asarray([at], dtype=object),
                                                    name)[0]
        n_items = len(self.item_ids_)
        all_items = np.arange(n_items)
        out = []
        for code in codes:
            scores = self._scores(np.full(n_items, code), all_items,
                                  np.full(n_items, time)).astype(np.float64)
            if exclude_seen and code >= 0:
                seen = self.log_items_[(self.log_users_ == code) & (self.log_times_ < time)]
                scores[seen] = -np.inf
            ranked = np.argsort(-scores, kind="stable")[:n]
            out.append(self.item_ids_[ranked[np.isfinite(scores[ranked])]])
        return out

    def _predict_ratings(self, X):
        """``predict`` of a rating predictor: ``unknown`` and ``rating_range`` applied."""
        check_is_fitted(self, "global_mean_")
        users, items, times = self._queries(X)
        unseen = (users < 0) | (items < 0)
        if self.unknown == "error" and unseen.any():
            row = int(np.flatnonzero(unseen)[0])
            raise ValueError(
                f"{type(self).__name__}: row {row} asks about a user or item not seen "
                "in fit (unknown='error'); set unknown='global_mean' or "
                "'empty_history'.")
        rating = self._scores(users, items, times)
        if self.unknown == "global_mean":
            rating[unseen] = self.global_mean_
        if self.rating_range is not None:
            rating = np.clip(rating, *self.rating_range)
        return rating

    def _check_rating_range(self):
        if self.rating_range is not None and (
                len(self.rating_range) != 2
                or not self.rating_range[0] < self.rating_range[1]):
            raise ValueError(f"{type(self).__name__}: rating_range must be (low, high) "
                             f"with low < high, got {self.rating_range!r}.")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = False
        return tags


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


class MatrixFactorizationRecommender(RegressorMixin, _LogRecommender):
    """Biased matrix factorisation ("SVD"), fitted by alternating least squares.

    The rating of user ``u`` for item ``i`` is ``mu + b_u + b_i + p_u . q_i``
    (Koren, Bell and Volinsky's biased MF, the "MF" of the IARN chapter's
    Table 6.2 and scikit-surprise's ``SVD``), minimising the squared error
    plus ``reg * (n_u (b_u^2 + |p_u|^2) + n_i (b_i^2 + |q_i|^2))``, where
    ``n_u`` and ``n_i`` count the user's and the item's training ratings: the
    objective that per-rating SGD minimises, solved here by alternating exact
    ridge solves for all users then all items (ALS-WR, Zhou et al. 2008), so
    each sweep lowers it. ``mu`` is the training mean. Timestamps are not used.

    Parameters
    ----------
    n_factors : int, default=20
        Size of ``p_u`` and ``q_i``.
    reg : float, default=0.1
        Weight of the penalty, per rating (ALS-WR's lambda). The default was
        the best of {0.02, 0.05, 0.1, 0.2} on MovieLens-100K's training log
        (fit before 1998-02-01, validated on February 1998).
    max_iter : int, default=20
        Alternating sweeps (users, then items).
    init_std : float, default=0.1
        Standard deviation of the normal initial item factors.
    unknown : {"empty_history", "global_mean", "error"}, default="empty_history"
        A query whose user or item did not occur in ``fit``: "empty_history"
        scores it as one without training ratings (its bias and factors 0: an
        unseen user gets ``mu + b_i``); "global_mean" predicts ``mu``;
        "error" raises ValueError.
    rating_range : tuple of 2 floats or None, default=None
        Clip predictions to ``(low, high)``, e.g. ``(1, 5)``.
    user_col, item_col, time_col, rating_col : str, default="user_id", \
            "item_id", "timestamp", "rating"
        Column names of a DataFrame ``X``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial item factors.

    Attributes
    ----------
    user_ids_, item_ids_ : ndarray
        The users and items of the training log; codes are positions here.
    global_mean_ : float
        ``mu``, the mean training rating.
    user_bias_, item_bias_ : ndarray of shape (n_users,), (n_items,)
    user_factors_, item_factors_ : ndarray of shape (n_users, n_factors), \
            (n_items, n_factors)
    loss_curve_ : list of float
        The penalised objective over the number of ratings after each sweep
        (non-increasing).
    log_users_, log_items_, log_times_ : ndarray of shape (n_interactions,)
        The training log, encoded (what ``recommend`` excludes).

    See Also
    --------
    TimeAwareBaselineRecommender : Biases that drift over time.
    IARNRecommender : The recurrent, time-aware model these are baselines for.

    References
    ----------
    .. [1] Y. Koren, R. Bell and C. Volinsky, "Matrix factorization techniques
       for recommender systems", IEEE Computer 42(8), 2009.
    .. [2] Y. Zhou, D. Wilkinson, R. Schreiber and R. Pan, "Large-scale parallel
       collaborative filtering for the Netflix prize", AAIM 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.recommendation import MatrixFactorizationRecommender
    >>> rng = np.random.RandomState(0)
    >>> X = np.column_stack([rng.randint(0, 8, 80), rng.randint(0, 20, 80),
    ...                      np.arange(80)])                  # user, item, time
    >>> y = rng.randint(1, 6, 80).astype(float)
    >>> mf = MatrixFactorizationRecommender(n_factors=3, random_state=0).fit(X, y)
    >>> mf.predict([[0, 1, 100], [99, 1, 100]]).shape       # 99: an unseen user
    (2,)
    >>> [len(items) for items in mf.recommend([0, 99], n=3)]
    [3, 3]
    """

    _parameter_constraints: dict = {
        "n_factors": [Interval(Integral, 1, None, closed="left")],
        "reg": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "init_std": [Interval(Real, 0, None, closed="left")],
        **_RATING_PREDICTOR, **_COLUMNS, "random_state": ["random_state"],
    }

    def __init__(self, n_factors=20, *, reg=0.1, max_iter=20, init_std=0.1,
                 unknown="empty_history", rating_range=None, user_col="user_id",
                 item_col="item_id", time_col="timestamp", rating_col="rating",
                 random_state=None):
        self.n_factors = n_factors
        self.reg = reg
        self.max_iter = max_iter
        self.init_std = init_std
        self.unknown = unknown
        self.rating_range = rating_range
        self.user_col = user_col
        self.item_col = item_col
        self.time_col = time_col
        self.rating_col = rating_col
        self.random_state = random_state

    def fit(self, X, y=None):
        """Learn the biases and factors from an interaction log.

        Parameters
        ----------
        X : array-like of shape (n_interactions, 3) or DataFrame
            Rows ``[user_id, item_id, timestamp]``, as for
            :class:`~sktime_metric.recommendation.IARNRecommender`.
        y : array-like of shape (n_interactions,) or None
            Ratings; None: the DataFrame's ``rating_col``.

        Returns
        -------
        self : object
        """
        self._validate_params()
        self._check_rating_range()
        users, items, _, ratings = self._fit_log(X, y)
        n_users, n_items, k = len(self.user_ids_), len(self.item_ids_), self.n_factors
        rng = check_random_state(self.random_state)
        self.global_mean_ = float(ratings.mean())
        target = ratings - self.global_mean_
        item_side = np.hstack([np.zeros((n_items, 1)),
                               self.init_std * rng.standard_normal((n_items, k))])
        user_side = np.zeros((n_users, k + 1))
        by_user, by_item = _groups(users, n_users), _groups(items, n_items)
        self.loss_curve_ = []
        for _ in range(self.max_iter):
            # users: [b_u, p_u] from targets r - mu - b_i against [1, q_i]
            user_side = _ridge_rows(by_user, items, target - item_side[items, 0],
                                    item_side[:, 1:], self.reg)
            item_side = _ridge_rows(by_item, users, target - user_side[users, 0],
                                    user_side[:, 1:], self.reg)
            error = target - self._raw(user_side, item_side, users, items)
            penalty = self.reg * (np.bincount(users, minlength=n_users)
                                  @ (user_side ** 2).sum(1)
                                  + np.bincount(items, minlength=n_items)
                                  @ (item_side ** 2).sum(1))
            self.loss_curve_.append(float((error @ error + penalty) / len(target)))
        self.user_bias_, self.user_factors_ = user_side[:, 0], user_side[:, 1:]
        self.item_bias_, self.item_factors_ = item_side[:, 0], item_side[:, 1:]
        return self

    @staticmethod
    def _raw(user_side, item_side, users, items):
        return (user_side[users, 0] + item_side[items, 0]
                + np.einsum("nk,nk->n", user_side[users, 1:], item_side[items, 1:]))

    def predict(self, X):
        """Predicted ratings of ``(user, item[, timestamp])`` queries.

        Parameters
        ----------
        X : array-like of shape (n_queries, 3) or (n_queries, 2), or DataFrame
            Rows ``[user_id, item_id[, timestamp]]``; the time is not used.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
            Unseen users or items as ``unknown`` says.
        """
        return self._predict_ratings(X)

    def _scores(self, users, items, times):
        user_side = np.vstack([np.column_stack([self.user_bias_, self.user_factors_]),
                               np.zeros((1, self.n_factors + 1))])  # row -1: unseen
        item_side = np.vstack([np.column_stack([self.item_bias_, self.item_factors_]),
                               np.zeros((1, self.n_factors + 1))])
        return self.global_mean_ + self._raw(user_side, item_side, users, items)


def _groups(owners, n_owners):
    """Rows of each owner: ``(order, starts)``; owner ``o``'s rows are
    ``order[starts[o]:starts[o + 1]]``."""
    order = np.argsort(owners, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(owners, minlength=n_owners))])
    return order, starts


def _ridge_rows(groups, others, target, other_factors, reg):
    """Each owner's ``[bias, factors]``: the ridge solution on its own rows.

    Owner ``o`` minimises ``sum_rows (t - b - p . q_other)^2 + reg n_o (b^2 +
    |p|^2)`` over its ``n_o`` rows: one ``(k + 1)``-square solve.
    """
    order, starts = groups
    k = other_factors.shape[1]
    out = np.zeros((len(starts) - 1, k + 1))
    design = np.hstack([np.ones((len(others), 1)), other_factors[others]])
    eye = np.eye(k + 1)
    for owner in range(len(starts) - 1):
        rows = order[starts[owner]:starts[owner + 1]]
        if len(rows) == 0:
            continue
        A = design[rows]
        out[owner] = np.linalg.solve(A.T @ A + reg * len(rows) * eye, A.T @ target[rows])
    return out


class TimeAwareBaselineRecommender(RegressorMixin, _LogRecommender):
    """Koren's time-aware baseline predictor: user and item biases that drift.

    The rating of user ``u`` for item ``i`` at time ``t`` is

    ``b_ui(t) = mu + b_u + alpha_u dev_u(t) + b_i + b_{i,Bin(t)}``

    (Koren 2009, eq. 10 without the day-specific user bias): ``dev_u(t) =
    sign(t - t_u) |t - t_u|^beta`` is the distance, in ``time_scale`` units
    (days), of ``t`` from the mean time ``t_u`` of the user's training
    ratings, and ``Bin(t)`` one of ``n_bins`` equal slices of the training
    period. Past the training data the drifts hold their last value, they are
    not extrapolated: a later ``t`` falls in the last bin, and ``dev_u`` stops
    at the user's last training rating (first, before it). The parameters are
    the ridge solution of the squared error plus
    ``reg (b_u^2 + b_i^2) + reg_time (alpha_u^2 + b_{i,bin}^2)``, solved
    exactly (to ``lsqr``'s tolerance) in one sparse least-squares problem;
    no randomness. The day-specific user bias ``b_{u,t}`` of the paper is
    left out: a future day has none.

    Parameters
    ----------
    n_bins : int, default=30
        Time slices of the item biases (the paper's 30 over 6 years of Netflix).
    beta : float, default=0.4
        Exponent of ``dev_u`` (the paper's 0.4).
    reg : float, default=10.0
        Ridge penalty of the static biases ``b_u``, ``b_i``.
    reg_time : float, default=100.0
        Ridge penalty of the drift terms ``alpha_u``, ``b_{i,bin}``. The
        defaults of ``reg`` and ``reg_time`` were the best of {5, 10, 25} x
        {1, 10, 100} on MovieLens-100K's training log (fit before 1998-02-01,
        validated on February 1998); the drift terms helped there only when
        held at their last training value, and did not beat static biases.
    time_scale : float, default=86400.0
        Seconds per unit of ``dev_u``: days for Unix timestamps and dates.
    unknown : {"empty_history", "global_mean", "error"}, default="empty_history"
        A query whose user or item did not occur in ``fit``: "empty_history"
        drops the unseen side's terms (an unseen user gets ``mu + b_i +
        b_{i,Bin(t)}``); "global_mean" predicts ``mu``; "error" raises
        ValueError.
    rating_range : tuple of 2 floats or None, default=None
        Clip predictions to ``(low, high)``, e.g. ``(1, 5)``.
    user_col, item_col, time_col, rating_col : str, default="user_id", \
            "item_id", "timestamp", "rating"
        Column names of a DataFrame ``X``.

    Attributes
    ----------
    user_ids_, item_ids_ : ndarray
        The users and items of the training log; codes are positions here.
    global_mean_ : float
        ``mu``, the mean training rating.
    user_bias_, user_drift_ : ndarray of shape (n_users,)
        ``b_u`` and ``alpha_u``.
    user_mean_time_ : ndarray of shape (n_users,)
        ``t_u`` in seconds.
    user_time_range_ : ndarray of shape (n_users, 2)
        The first and last training time of each user (where ``dev_u`` stops).
    item_bias_ : ndarray of shape (n_items,)
        ``b_i``.
    item_bin_bias_ : ndarray of shape (n_items, n_bins)
        ``b_{i,bin}``.
    bin_edges_ : ndarray of shape (n_bins + 1,)
        The slices' bounds in seconds (the training period).
    log_users_, log_items_, log_times_ : ndarray of shape (n_interactions,)
        The training log, encoded.

    See Also
    --------
    MatrixFactorizationRecommender : Static biases plus latent factors.

    References
    ----------
    .. [1] Y. Koren, "Collaborative filtering with temporal dynamics", KDD 2009
       (section 4, the baseline predictors of timeSVD++).

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.recommendation import TimeAwareBaselineRecommender
    >>> day = 86400
    >>> X = np.array([[0, 0, 0], [0, 1, 10 * day], [1, 0, 20 * day],
    ...               [1, 1, 30 * day]])
    >>> base = TimeAwareBaselineRecommender(n_bins=2, reg=1.0, reg_time=1.0)
    >>> base = base.fit(X, [5, 3, 4, 2])    # both users' ratings fall over time
    >>> base.user_drift_.round(2)
    array([-0.34, -0.34])
    >>> base.predict([[0, 0, 1 * day], [0, 0, 31 * day], [7, 0, 31 * day]]).round(2)
    array([4.73, 3.25, 3.64])
    """

    _parameter_constraints: dict = {
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="left")],
        "reg": [Interval(Real, 0, None, closed="neither")],
        "reg_time": [Interval(Real, 0, None, closed="neither")],
        "time_scale": [Interval(Real, 0, None, closed="neither")],
        **_RATING_PREDICTOR, **_COLUMNS,
    }

    def __init__(self, n_bins=30, *, beta=0.4, reg=10.0, reg_time=100.0,
                 time_scale=86400.0, unknown="empty_history", rating_range=None,
                 user_col="user_id", item_col="item_id", time_col="timestamp",
                 rating_col="rating"):
        self.n_bins = n_bins
        self.beta = beta
        self.reg = reg
        self.reg_time = reg_time
        self.time_scale = time_scale
        self.unknown = unknown
        self.rating_range = rating_range
        self.user_col = user_col
        self.item_col = item_col
        self.time_col = time_col
        self.rating_col = rating_col

    def fit(self, X, y=None):
        """Solve for the biases of an interaction log.

        Parameters
        ----------
        X : array-like of shape (n_interactions, 3) or DataFrame
            Rows ``[user_id, item_id, timestamp]``, as for
            :class:`~sktime_metric.recommendation.IARNRecommender`.
        y : array-like of shape (n_interactions,) or None
            Ratings; None: the DataFrame's ``rating_col``.

        Returns
        -------
        self : object
        """
        self._validate_params()
        self._check_rating_range()
        users, items, times, ratings = self._fit_log(X, y)
        n_users, n_items = len(self.user_ids_), len(self.item_ids_)
        self.global_mean_ = float(ratings.mean())
        self.user_mean_time_ = (np.bincount(users, weights=times, minlength=n_users)
                                / np.bincount(users, minlength=n_users))
        self.user_time_range_ = np.full((n_users, 2), [np.inf, -np.inf])
        np.minimum.at(self.user_time_range_[:, 0], users, times)
        np.maximum.at(self.user_time_range_[:, 1], users, times)
        self.bin_edges_ = np.linspace(times.min(), times.max(), self.n_bins + 1)
        design = self._design(users, items, times)
        scale = np.concatenate([np.full(n_users, self.reg), np.full(n_users, self.reg_time),
                                np.full(n_items, self.reg),
                                np.full(n_items * self.n_bins, self.reg_time)]) ** -0.5
        # ridge with one penalty per block = plain damped least squares in w / scale
        solution = lsqr(design @ sp.diags(scale), ratings - self.global_mean_, damp=1.0,
                        atol=1e-12, btol=1e-12, iter_lim=20 * design.shape[1])[0]
        w = solution * scale
        self.user_bias_, self.user_drift_ = w[:n_users], w[n_users:2 * n_users]
        self.item_bias_ = w[2 * n_users:2 * n_users + n_items]
        self.item_bin_bias_ = w[2 * n_users + n_items:].reshape(n_items, self.n_bins)
        return self

    def _dev(self, users, times):
        """``dev_u(t)`` of each row, ``t`` held within the user's training
        times; 0 for an unseen user (code -1)."""
        known = np.maximum(users, 0)
        first, last = self.user_time_range_[known].T
        delta = np.clip(times, first, last) - self.user_mean_time_[known]
        delta = np.where(users >= 0, delta, 0.0) / self.time_scale
        return np.sign(delta) * np.abs(delta) ** self.beta

    def _bins(self, times):
        """``Bin(t)``: the slice of the training period; before / after it, the
        first / last."""
        inner = self.bin_edges_[1:-1]
        return np.searchsorted(inner, times, side="right")

    def _design(self, users, items, times):
        """The sparse design: columns ``[b_u | alpha_u | b_i | b_{i,bin}]``."""
        n_users, n_items = len(self.user_ids_), len(self.item_ids_)
        rows = np.arange(len(users))
        cols = np.concatenate([users, n_users + users, 2 * n_users + items,
                               2 * n_users + n_items + items * self.n_bins
                               + self._bins(times)])
        data = np.concatenate([np.ones(len(users)), self._dev(users, times),
                               np.ones(2 * len(users))])
        shape = (len(users), 2 * n_users + n_items * (1 + self.n_bins))
        return sp.csr_matrix((data, (np.tile(rows, 4), cols)), shape=shape)

    def predict(self, X):
        """Predicted ratings of ``(user, item[, timestamp])`` queries.

        Parameters
        ----------
        X : array-like of shape (n_queries, 3) or (n_queries, 2), or DataFrame
            Rows ``[user_id, item_id, timestamp]``. Without a timestamp: after
            the whole training log (the last bin, ``dev_u`` of the last
            training time).

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
            Unseen users or items as ``unknown`` says.
        """
        return self._predict_ratings(X)

    def _scores(self, users, items, times):
        times = np.where(np.isfinite(times), times, self.bin_edges_[-1])
        known_u, known_i = users >= 0, items >= 0
        u, i = np.maximum(users, 0), np.maximum(items, 0)
        user = np.where(known_u, self.user_bias_[u]
                        + self.user_drift_[u] * self._dev(users, times), 0.0)
        item = np.where(known_i, self.item_bias_[i]
                        + self.item_bin_bias_[i, self._bins(times)], 0.0)
        return self.global_mean_ + user + item
