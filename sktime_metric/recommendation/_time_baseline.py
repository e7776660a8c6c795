"""TimeAwareBaselineRecommender: Koren's baseline predictor with drifting biases."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import lsqr
from sklearn.base import RegressorMixin

from .._fitted import reset_fitted_state
from ..utils._sklearn_compat import Interval
from ._log import _COLUMNS, _RATING_PREDICTOR, _LogRecommender, check_rating_range

__all__ = ["TimeAwareBaselineRecommender"]


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
    log_times_zoned_ : bool or None
        Whether the log's times were dates with a time zone (None: numbers);
        later dates (``predict``'s, ``recommend``'s ``at``) must agree.

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
        y : array-like of shape (n_interactions,) or None, default=None
            Ratings; None: the DataFrame's ``rating_col``.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reset_fitted_state(self)
        check_rating_range(self)
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
