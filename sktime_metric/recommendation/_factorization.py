"""MatrixFactorizationRecommender: biased matrix factorisation by alternating least squares."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils import check_random_state

from .._fitted import reset_fitted_state
from ..utils._sklearn_compat import Interval
from ._log import _COLUMNS, _RATING_PREDICTOR, _LogRecommender, check_rating_range

__all__ = ["MatrixFactorizationRecommender"]


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
    n_iter_ : int
        Sweeps run (``max_iter``: there is no convergence test).
    log_users_, log_items_, log_times_ : ndarray of shape (n_interactions,)
        The training log, encoded (what ``recommend`` excludes).
    log_times_zoned_ : bool or None
        Whether the log's times were dates with a time zone (None: numbers);
        later dates (``predict``'s, ``recommend``'s ``at``) must agree.

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
        y : array-like of shape (n_interactions,) or None, default=None
            Ratings; None: the DataFrame's ``rating_col``.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reset_fitted_state(self)
        check_rating_range(self)
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
        self.n_iter_ = len(self.loss_curve_)
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
