"""IARNRecommender: interacting attention-gated recurrent networks on an interaction log."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from .._learning import check_sample
from .._regressor_learning import _REGRESSOR_CHECK_ROWS
from ..base import BaseSequenceNet, derive_seed, warn_if_regressor_not_learned
from ..nn.iarn import IARNModule
from ..utils._interactions import check_interaction_log, encode_ids, unique_ids
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils._skorch import SequenceNet, fixed_validation
from ._histories import (BatchBuilder, HistoryIndex, encode_item_features, explained_rows,
                         forward_queries, row_datasets)
from ._log import (_COLUMNS, _RATING_PREDICTOR, check_rating_range, decode_queries,
                   predict_ratings, rank_items)

__all__ = ["IARNRecommender"]

# early_stopping="auto" holds out a validation tail of logs longer than this
# (scikit-learn's HistGradientBoosting rule)
_AUTO_EARLY_STOPPING = 10_000

_SHARED = ("hidden_size", "max_epochs", "lr", "batch_size", "optimizer", "weight_decay",
           "grad_clip_value", "early_stopping", "validation_fraction",
           "n_iter_no_change", "callbacks", "device", "verbose", "random_state")


class IARNRecommender(RegressorMixin, BaseSequenceNet):
    """Interacting Attention-gated Recurrent Network: time-aware rating prediction.

    A user is the time-ordered sequence of the items she rated, an item the
    time-ordered sequence of the users who rated it. One recurrent network per
    side, gated by one scalar attention score per step (the TAGM cell); each
    side's attention also sees a summary of the other side, so which of a
    user's past items matter depends on the item being scored, and vice versa.
    The predicted rating is the inner product of the two final representations
    (thesis eqs. 6.1-6.13), trained on squared error. A fit whose squared
    errors are not clearly below those of the training mean (on the held-out
    tail when early stopping keeps one, else on the training ratings) raises
    scikit-learn's ``ConvergenceWarning``.

    Histories are causal: the prediction for ``(user, item, t)`` reads the
    interactions of the training log strictly before ``t`` (the query's own
    interaction, and anything at ``t`` or later, never), cut to the
    ``max_history`` most recent; a training row is scored the same way.
    ``predict`` reads histories from the log given to ``fit`` only.

    Parameters
    ----------
    embedding_dim : int, default=25
        Size of the learned user and item embeddings, the sequences' inputs
        (the thesis' latent size 25 for MovieLens and Netflix).
    hidden_size : int, default=64
        Units of every recurrent layer (the thesis' 64).
    attention_size : int, default=64
        Width of the interacting attention's fusion layer.
    output_dim : int or None, default=None
        Size of the final user and item representations; None: ``embedding_dim``.
    backbone : {"iarn", "tagm", "lstm", "rnn"}, default="iarn"
        "iarn": interacting attention (IARN-Plain without item features, IARN
        with them). "tagm": the same gated recurrence with each side attending
        to its own history only. "lstm" / "rnn": an LSTM / ReLU RNN per side,
        no attention (the comparison backbones of the thesis' Fig. 6.3).
    feature_encoder : {"flat", "hierarchical"} or None, default=None
        How ``item_features`` (a fit parameter) project the item side's inputs
        (thesis eqs. 6.11 and 6.12). None: no features.
    max_history : int, default=100
        Most recent steps kept of each history.
    dropout : float, default=0.0
        On the recurrences' inputs and on their last states; the thesis
        validates it in {0, 0.25, 0.5}.
    unknown : {"empty_history", "global_mean", "error"}, default="empty_history"
        A query whose user or item did not occur in ``fit``: "empty_history"
        runs the network with an empty history for the unseen side (as for
        every user's first training rating, which it was trained on);
        "global_mean" predicts the training mean rating; "error" raises
        ValueError. The default is the baselines' policy too (their known
        side's terms), and had the lower RMSE where most test ratings are by
        new users (measured: see :ref:`recommendation_defaults`).
    center_ratings : bool, default=True
        Train on ratings minus their training mean and add it back at predict
        time (not in the thesis, whose eq. 6.1 has no offset): the inner
        product then starts near the mean, not near 0.
    biases : bool, default=False
        Add a learned bias of the rating's user and one of its item to the
        inner product, ``b_u + b_i``, zero at the start (not in the thesis,
        whose eq. 6.1 is the inner product alone: the bias terms of biased
        matrix factorisation); a user or item unseen in ``fit`` adds 0. They
        helped on MovieLens-100K, where IARN alone rated below a bias-only
        model, and hurt on a log whose users' tastes drift, so they are off by
        default (measured: see :ref:`recommendation_defaults`).
    rating_range : tuple of 2 floats or None, default=None
        Clip predictions to ``(low, high)``, e.g. ``(1, 5)`` (not in the thesis).
    user_col, item_col, time_col, rating_col : str, default="user_id", \
            "item_id", "timestamp", "rating"
        Column names of a DataFrame ``X``.
    max_epochs : int, default=20
    lr : float, default=1e-3
    batch_size : int, default=50
        The thesis' mini-batches of 50 user-item pairs.
    optimizer : {"rmsprop", "adam", "adamw", "sgd"} or torch optimizer class, \
            default="rmsprop"
    weight_decay : float, default=0.0
        L2 penalty (the thesis grids a regularisation coefficient).
    grad_clip_value : float or None, default=10.0
        Element-wise gradient clipping to ``[-v, v]`` (the thesis' 10).
    early_stopping : "auto" or bool, default="auto"
        Validate on the latest ``validation_fraction`` of the training log (a
        time-ordered tail), stop when its loss has not improved for
        ``n_iter_no_change`` epochs and restore the best weights. "auto": on
        when the log has more than 10,000 interactions (scikit-learn's rule
        for its gradient boosting), where a held-out tail costs the model
        little; ``early_stopping_`` holds the choice. Without it, on
        MovieLens-100K the 20 epochs overfit, to about the global mean's test
        RMSE (measured: see :ref:`recommendation_defaults`).
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=5
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout.

    Attributes
    ----------
    user_ids_, item_ids_ : ndarray
        The users and items of the training log; codes are positions here.
    global_mean_ : float
        Mean training rating.
    early_stopping_ : bool
        Whether the fit held out a validation tail (``early_stopping``).
    log_users_, log_items_ : ndarray of int64, shape (n_interactions,)
        The training log, encoded: the histories every prediction reads.
    log_times_ : ndarray of float64, shape (n_interactions,)
        Its timestamps in seconds (numbers as given, dates since 1970).
    log_times_zoned_ : bool or None
        Whether the log's times were dates with a time zone (None: numbers);
        later dates (``predict``'s, ``recommend``'s ``at``) must agree.
    item_features_ : ndarray or None
        The items' features as the module takes them: a float32 indicator
        matrix ``(n_items, n_features)`` (flat) or an int64 path matrix
        ``(n_items, depth)``, root first, padded with -1 (hierarchical).
    feature_names_ : ndarray or None
        The feature vocabulary (columns / path entries index it).
    net_ : skorch.NeuralNet
        ``net_.module_`` is the :class:`~sktime_metric.nn.IARNModule`.
    history_ : skorch.History

    See Also
    --------
    sktime_metric.evaluation.temporal_split : The chapter's global time cut.
    sktime_metric.evaluation.ranking_auc : Per-user AUC of a rating predictor.

    References
    ----------
    .. [1] W. Pei, J. Yang, Z. Sun, J. Zhang, A. Bozzon and D. M. J. Tax,
       "Interacting Attention-gated Recurrent Networks for Recommendation",
       CIKM 2017 (chapter 6 of W. Pei's PhD thesis, TU Delft).

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.recommendation import IARNRecommender
    >>> rng = np.random.RandomState(0)
    >>> X = np.column_stack([rng.randint(0, 8, 80), rng.randint(0, 20, 80),
    ...                      np.arange(80)])                  # user, item, time
    >>> y = 1.0 + X[:, 1] % 5  # each item has its own rating, 1 to 5
    >>> rec = IARNRecommender(embedding_dim=4, hidden_size=8, attention_size=4,
    ...                       lr=0.01, max_epochs=20, random_state=0).fit(X, y)
    >>> rec.predict([[0, 1, 100], [99, 1, 100]]).shape      # 99: an unseen user
    (2,)
    >>> [len(items) for items in rec.recommend([0, 1], n=3)]
    [3, 3]
    >>> sorted(rec.explain([[0, 1, 50]])[0])
    ['item', 'item_attention', 'item_history', 'time', 'user', 'user_attention', 'user_history']
    """

    # what an archive written before a parameter existed loads with: the value
    # that reproduces the model it holds (persistence.load_weights)
    _PARAMETERS_ADDED = {"biases": False}

    _parameter_constraints: dict = {
        **{k: BaseSequenceNet._parameter_constraints[k] for k in _SHARED},
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "attention_size": [Interval(Integral, 1, None, closed="left")],
        "output_dim": [Interval(Integral, 1, None, closed="left"), None],
        "backbone": [StrOptions({"iarn", "tagm", "lstm", "rnn"})],
        "feature_encoder": [StrOptions({"flat", "hierarchical"}), None],
        "max_history": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "center_ratings": ["boolean"],
        "biases": ["boolean"],
        **_RATING_PREDICTOR, **_COLUMNS,
    }

    def __init__(
        self,
        embedding_dim=25,
        hidden_size=64,
        *,
        attention_size=64,
        output_dim=None,
        backbone="iarn",
        feature_encoder=None,
        max_history=100,
        dropout=0.0,
        unknown="empty_history",
        center_ratings=True,
        biases=False,
        rating_range=None,
        user_col="user_id",
        item_col="item_id",
        time_col="timestamp",
        rating_col="rating",
        max_epochs=20,
        lr=1e-3,
        batch_size=50,
        optimizer="rmsprop",
        weight_decay=0.0,
        grad_clip_value=10.0,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=5,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.attention_size = attention_size
        self.output_dim = output_dim
        self.backbone = backbone
        self.feature_encoder = feature_encoder
        self.max_history = max_history
        self.dropout = dropout
        self.unknown = unknown
        self.center_ratings = center_ratings
        self.biases = biases
        self.rating_range = rating_range
        self.user_col = user_col
        self.item_col = item_col
        self.time_col = time_col
        self.rating_col = rating_col
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_value = grad_clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def fit(self, X, y=None, item_features=None):
        """Learn both sides' networks from an interaction log.

        Parameters
        ----------
        X : array-like of shape (n_interactions, 3) or DataFrame
            Rows ``[user_id, item_id, timestamp]`` (ids: any hashable;
            timestamps: numbers or dates), in any order; a DataFrame names its
            columns by ``user_col``, ``item_col``, ``time_col`` and may hold the
            ratings in ``rating_col``.
        y : array-like of shape (n_interactions,) or None, default=None
            Ratings; None: the DataFrame's ``rating_col``.
        item_features : dict, DataFrame or None, default=None
            Needed by ``feature_encoder``. "flat": a mapping ``item_id ->
            iterable of feature labels``, or a 0/1 DataFrame indexed by item id
            with one column per feature. "hierarchical": a mapping ``item_id ->
            [root, ..., leaf]`` category path. Items missing from it have no
            feature (their inputs pass unchanged).

        Returns
        -------
        self : object
        """
        # validate
        self._validate_params()
        reset_fitted_state(self)
        log = check_interaction_log(X, y, columns=self._columns(),
                                    rating_col=self.rating_col, caller=type(self).__name__)
        check_rating_range(self)
        self.user_ids_ = unique_ids(log.users)
        self.item_ids_ = unique_ids(log.items)
        users = encode_ids(self.user_ids_, log.users)
        items = encode_ids(self.item_ids_, log.items)
        self.item_features_, self.feature_names_ = encode_item_features(
            item_features, self.item_ids_, self.feature_encoder)
        self.global_mean_ = float(log.ratings.mean())
        target = log.ratings - (self.global_mean_ if self.center_ratings else 0.0)
        early_stopping = (len(users) > _AUTO_EARLY_STOPPING
                          if self.early_stopping == "auto" else self.early_stopping)
        # seed
        seed = derive_seed(self.random_state)
        # build: histories of every row from the log itself, causal
        index = HistoryIndex(users, items, log.times, len(self.user_ids_),
                             len(self.item_ids_), self.max_history)
        train, valid = row_datasets(
            users, items, log.times, target.astype(np.float32),
            BatchBuilder(index, self.item_features_),
            self.validation_fraction if early_stopping else None)
        net = self._make_net(
            SequenceNet,
            IARNModule,
            dict(
                n_users=len(self.user_ids_),
                n_items=len(self.item_ids_),
                embedding_dim=self.embedding_dim,
                hidden_size=self.hidden_size,
                attention_size=self.attention_size,
                output_dim=self.output_dim,
                backbone=self.backbone,
                n_features=0 if self.feature_names_ is None else len(self.feature_names_),
                feature_structure=self.feature_encoder or "flat",
                dropout=self.dropout,
                biases=self.biases,
            ),
            criterion=torch.nn.MSELoss,  # thesis eq. 6.13
            callbacks=self._training_callbacks("valid_loss", lower_is_better=True,
                                               early_stopping=early_stopping),
            train_split=fixed_validation(valid),
            iterator_train__collate_fn=train.collate,
            iterator_valid__collate_fn=train.collate,
        )
        # train
        self.net_ = self._train(net, train, None, seed)
        # attributes
        self.log_users_, self.log_items_, self.log_times_ = users, items, log.times
        self.log_times_zoned_ = log.zoned
        self.early_stopping_ = early_stopping
        # did it learn? Against predicting the training mean: on the held-out
        # tail (with the best epoch's weights, which early stopping restored),
        # else on the training rows; the final model in eval mode either way,
        # on at most a seeded sample of 10,000 of them
        rows = check_sample(valid.rows if early_stopping else train.rows,
                            _REGRESSOR_CHECK_ROWS, seed)
        predicted = self._ratings(users[rows], items[rows], log.times[rows])
        if not self.center_ratings:
            # the network's float32 outputs are the ratings themselves, rounded
            # at their scale in float32: the check's floor follows that dtype
            # (exact: they are float32 values). Centred, the output is a
            # deviation added to the mean in float64, rounded at float64's
            predicted = predicted.astype(np.float32)
        warn_if_regressor_not_learned(
            self, log.ratings[rows], predicted, self.global_mean_,
            "validation" if early_stopping else "training")
        return self

    # -- queries -------------------------------------------------------------

    def predict(self, X):
        """Predicted ratings of ``(user, item[, timestamp])`` queries.

        Parameters
        ----------
        X : array-like of shape (n_queries, 3) or (n_queries, 2), or DataFrame
            Rows ``[user_id, item_id, timestamp]``: the rating ``user`` would
            give ``item`` at that time, from the training interactions strictly
            before it. Without a timestamp: after the whole training log.

        Returns
        -------
        y_pred : ndarray of shape (n_queries,)
            Unseen users or items as ``unknown`` says.
        """
        check_is_fitted(self, "net_")
        return predict_ratings(self, X, self._ratings)

    def explain(self, X):
        """Per-step attention of both sides for ``(user, item[, timestamp])`` queries.

        Parameters
        ----------
        X : array-like of shape (n_queries, 3) or (n_queries, 2), or DataFrame

        Returns
        -------
        explanations : list of dict
            One per query, with ``user``, ``item``, ``time`` (seconds; ``inf``
            without a timestamp), ``user_history`` (the item ids the network
            read, oldest first), ``user_attention`` (``a_it`` of each, in [0, 1]),
            ``item_history`` (user ids) and ``item_attention`` (``a_jt``). An
            unseen user or item has an empty history.

        Raises
        ------
        ValueError
            For ``backbone`` "lstm" or "rnn", which have no attention.
        """
        check_is_fitted(self, "net_")
        if self.backbone not in ("iarn", "tagm"):
            raise ValueError(f"backbone={self.backbone!r} has no attention to explain; "
                             "use backbone='iarn' or 'tagm'.")
        users, items, times = self._queries(X)
        _, a_u, a_v, batch = self._forward(users, items, times, keep_batch=True)
        return explained_rows(batch, a_u, a_v, users, items, times,
                              user_ids=self.user_ids_, item_ids=self.item_ids_)

    def recommend(self, users, n=10, *, at=None, exclude_seen=True):
        """The ``n`` items of the training log with the highest predicted rating.

        Parameters
        ----------
        users : array-like of shape (n_users,)
            User ids. A user not seen in fit is scored with an empty history
            (whatever ``unknown`` says: ranking needs the network's scores).
        n : int, default=10
        at : number, date or None, default=None
            The time of the recommendation; None: after the whole training log.
        exclude_seen : bool, default=True
            Leave out the items the user rated in the training log (before ``at``).

        Returns
        -------
        items : list of ndarray
            For each user, up to ``n`` item ids, best first (fewer when she
            rated almost every item).
        """
        check_is_fitted(self, "net_")
        return rank_items(
            self, users, n, at, exclude_seen,
            lambda users, items, times: self._forward(users, items, times)[0]
            .double().numpy(),
        )

    # -- helpers -------------------------------------------------------------

    def _columns(self):
        return (self.user_col, self.item_col, self.time_col)

    def _queries(self, X):
        return decode_queries(self, X)

    def _ratings(self, users, items, times):
        """The network's ratings of encoded queries, in the units of ``y``."""
        rating = self._forward(users, items, times)[0].double().numpy()
        return rating + self.global_mean_ if self.center_ratings else rating

    def _forward(self, users, items, times, keep_batch=False):
        """The module on query rows, histories read from the training log."""
        index = HistoryIndex(self.log_users_, self.log_items_, self.log_times_,
                             len(self.user_ids_), len(self.item_ids_), self.max_history)
        return forward_queries(self.net_.module_, BatchBuilder(index, self.item_features_),
                               users, items, times, device=self.net_.device,
                               keep_batch=keep_batch)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = False
        tags.input_tags.allow_nan = False
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.allow_variable_length = False
        return tags

