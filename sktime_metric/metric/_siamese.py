"""SiameseRNNEmbedder: siamese recurrent networks as a scikit-learn transformer.

The estimator of Pei, Tax and van der Maaten (2016): its parameters, its fit on
pairs (or triplets) drawn from labels or given explicitly, its embeddings and
its learned distance. The network and its similarity head are
:mod:`sktime_metric.nn.siamese`; the training pairs come from the plan of
:mod:`._pairs`; the Euclidean distance of embeddings from
:class:`._mixin.PairMetricMixin`.
"""

import copy
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ..base import BaseSequenceNet, derive_seed, warn_if_metric_not_learned
from .._framing import (
    FramingTransformerMixin,
    resolve_framing,
    warn_if_shorter_than_window,
)
from ..nn.losses import SiameseLoss
from ..nn.siamese import SiameseRNNModule
from ..utils._skorch import (
    LRDecayOnPlateau,
    ResampleEachEpoch,
    SiameseNet,
    fixed_validation,
    pair_auc_scoring,
)
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils.validation import padded_float32
from ._mixin import PairMetricMixin
from ._pairs import pair_plan
from ._sampling import check_pair_kinds, check_pairs

__all__ = ["SiameseRNNEmbedder"]


class SiameseRNNEmbedder(
    PairMetricMixin, ClassNamePrefixFeaturesOutMixin, FramingTransformerMixin,
    BaseSequenceNet,
):
    """Siamese recurrent network: a learned similarity between sequences.

    One recurrent network, shared by both sides of a pair, maps a sequence of
    any length to a vector ``h``; two sequences are similar with probability
    ``s = sigmoid(h1^T diag(v) h2 + c)``. Network and head are trained jointly
    on similar pairs (same label) and dissimilar pairs (different labels),
    drawn from ``y`` inside :meth:`fit` (or given to :meth:`fit_pairs`). The
    similarity is global, not per class, so it applies to classes never seen in
    training (one-shot learning). :meth:`transform` returns ``h``.

    Parameters
    ----------
    pooling : {"last", "mean"}, default="last"
        ``"last"``: the state at each sequence's last step (SRN-L); ``"mean"``:
        the average state over its steps (SRN-A).
    hidden_size : int, default=64
        Embedding size; the paper tunes it over 8 to 512.
    cell : {"gru", "rnn", "lstm", "none", "identity"}, default="gru"
        ``"rnn"`` is the paper's single-layer Elman RNN; ``"none"`` drops the
        recurrence (each frame alone, ``z_t = g(W x_t + b)``): with
        ``pooling`` "last" / "mean" the paper's baselines SN-L / SN-A.
        ``"identity"`` has no hidden units (``h`` is the pooled frames,
        ``hidden_size`` ignored): with ``pooling="mean"`` and
        ``loss="pair_logistic"``, which it needs (the head is its only
        weight), the paper's "logistic" baseline. The GRU is the default:
        with the contrastive loss its 1-NN accuracy was higher than the RNN's
        (measured: see :ref:`metric_learning_defaults`).
    nonlinearity : {"relu", "tanh"}, default="relu"
        Activation of ``cell="rnn"`` and ``cell="none"``.
    similarity : {"diagonal", "full", "low_rank"}, default="diagonal"
        Form of the symmetric matrix ``M`` in ``h1^T M h2``: the paper's
        ``diag(v)``, a full matrix, or ``U^T diag(lambda) U`` of rank ``rank``.
    rank : int or None, default=None
        Rank of ``similarity="low_rank"``; None means ``hidden_size // 4``.
    dropout : float, default=0.0
        On the hidden states before pooling; the paper tunes {0, 0.2, 0.4}.
    window_size : int or "auto", default="auto"
        Concatenate ``window_size`` consecutive frames into one, after
        standardising (:func:`~sktime_metric.nn._chain.frame_windows`;
        ``window_size_`` holds the value used); the paper uses 2 or 3 (with
        ``stride=1``). "auto": the classifiers' frame rule, about 30 values per
        frame and at most a sixth of the median length (2 frames on
        JapaneseVowels' 12 channels, 5 on BasicMotions' 6, up to 30 on a long
        univariate series): better than single steps on 14 of 16 UCR and
        embedded sets, and fits several times faster on long series (measured:
        see :ref:`metric_learning_defaults`). A series shorter than the window
        is extended by repeating its last frame, with a warning.
    stride : int or "auto", default="auto"
        Steps between the starts of two windows, at most ``window_size``
        (``stride_`` holds the value used). "auto": ``ceil(window_size / 2)``,
        windows overlapping by half (1 for the paper's window of 2): the
        recurrence runs about ``2 * T / window_size`` steps instead of ``T``.
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance over the training
        series' steps. Not in the paper (``False`` mimics it).
    loss : {"contrastive", "pair_logistic", "triplet"}, default="contrastive"
        "pair_logistic": the paper's binary cross-entropy on ``s``. It shapes
        the Euclidean geometry of ``h`` only loosely (a 1-NN on ``h`` fell
        below 1-NN DTW), so "contrastive" is the default (measured: see
        :ref:`metric_learning_defaults`).
        "contrastive", "triplet": pytorch-metric-learning's losses on the
        Euclidean distance between embeddings; the learned distance is then
        that distance, and the similarity head is unused. "triplet" draws
        (anchor, positive, negative) triplets and needs :meth:`fit` with labels.
    margin : float, default=1.0
        Margin of "contrastive" (for dissimilar pairs) and "triplet".
    n_pairs : int, default=2000
        Pairs (or triplets) drawn from the labels for each epoch, and for the
        validation set when ``early_stopping=True``. The authors checked the
        validation AUC every 10,000 pairs; smaller epochs check more often.
    positive_fraction : float, default=0.5
        Fraction of similar pairs among them.
    resample_pairs : bool, default=True
        Draw fresh pairs every epoch; False draws one fixed list.
    init_range : float or None, default=0.1
        Every weight starts in ``U[-init_range, init_range]`` (the paper); None
        keeps torch's initialisation.
    max_epochs : int, default=100
        Epochs of ``n_pairs`` pairs (at most 200,000 pairs, 4,000 mini-batches,
        by default; the authors' cap was 50,000 mini-batches).
    lr : float or None, default=None
        None means ``1e-3 * 32 / hidden_size``, the authors' rule.
    batch_size : int, default=50
        Pairs per mini-batch (the paper's 50).
    optimizer : {"rmsprop", "adam", "adamw", "sgd"} or torch optimizer class, \
            default="rmsprop"
        "rmsprop" has alpha=0.95, eps=1e-8 as in the authors' code.
    weight_decay : float, default=0.0
    grad_clip_value : float or None, default=5.0
        Element-wise clipping of the mini-batch gradient (the paper's [-5, 5]);
        the pair loss is summed over the mini-batch before clipping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the series (stratified), score the
        pair AUC on ``n_pairs`` validation pairs each epoch, multiply the
        learning rate by 0.4 and reload the best weights after
        ``n_iter_no_change // 4`` epochs without improvement, stop after
        ``n_iter_no_change``, and keep the best epoch (the paper's schedule).
    validation_fraction : float, default=0.15
        For :meth:`fit_pairs`, the fraction of the pairs held out.
    validation : {"stratified", "disjoint_classes"}, default="stratified"
        How ``early_stopping`` holds out its ``validation_fraction`` of the
        series: stratified (every class on both sides), or whole classes
        ("disjoint_classes", at least 2 on each side), which scores the metric
        on classes it never saw: the choice for a metric meant for new classes
        (one-shot or out-of-domain use, see :ref:`metric_learning`; measured:
        see :ref:`metric_learning_defaults`).
    n_iter_no_change : int, default=16
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds the pair draws, the validation split, initialisation, shuffling
        and dropout.

    Attributes
    ----------
    n_features_in_ : int
        Number of channels seen in ``fit``.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics used by ``standardize`` (only when it is True).
    window_size_, stride_ : int
        The window and stride used (see ``window_size``).
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the
        :class:`~sktime_metric.nn.SiameseRNNModule`.
    history_ : skorch.History
        Per-epoch training loss (and ``valid_auc`` with early stopping).

    See Also
    --------
    sktime_metric.evaluation.pair_auc : The paper's similarity-prediction score.
    sktime_metric.evaluation.one_shot_accuracy : Its one-shot 1-NN protocol.

    Notes
    -----
    The learned distance (:meth:`pair_distance`, :meth:`pairwise_distances`) is
    ``1 - s`` with the pair-logistic loss and the Euclidean distance between
    embeddings with the other losses; :meth:`pair_score` is ``s`` or minus that
    distance. ``1 - s`` is not a metric: ``s(x, x)`` is not 1 and the triangle
    inequality does not hold, so use ``algorithm="brute"`` with neighbours.

    References
    ----------
    .. [1] W. Pei, D. M. J. Tax and L. van der Maaten, "Modeling Time Series
       Similarity with Siamese Recurrent Networks", arXiv:1603.04713, 2016.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import SiameseRNNEmbedder
    >>> X, y = make_sequence_classification(n_samples=40, random_state=0)
    >>> srn = SiameseRNNEmbedder(pooling="mean", hidden_size=8, n_pairs=200,
    ...                          lr=0.03, max_epochs=5, random_state=0).fit(X, y)
    >>> srn.transform(X).shape, srn.pairwise_distances(X[:5], X).shape
    ((40, 8), (5, 40))
    >>> pipe = make_pipeline(SiameseRNNEmbedder(hidden_size=8, n_pairs=200, lr=0.03,
    ...                                         max_epochs=5, random_state=0),
    ...                      KNeighborsClassifier(n_neighbors=1))
    >>> pipe.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    # what an archive written before a parameter existed loads with: the value
    # that reproduces the model it holds (persistence.load_weights): frames
    # one step apart
    _PARAMETERS_ADDED = {"stride": 1}
    _ATTRIBUTES_ADDED = {"window_size_": ("window_size", int),
                         "stride_": ("stride", int)}

    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        "validation": [StrOptions({"stratified", "disjoint_classes"})],
        "pooling": [StrOptions({"last", "mean"})],
        "cell": [StrOptions({"rnn", "gru", "lstm", "none", "identity"})],
        "nonlinearity": [StrOptions({"relu", "tanh"})],
        "similarity": [StrOptions({"diagonal", "full", "low_rank"})],
        "rank": [Interval(Integral, 1, None, closed="left"), None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "window_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "stride": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "standardize": ["boolean"],
        "loss": [StrOptions({"pair_logistic", "contrastive", "triplet"})],
        "margin": [Interval(Real, 0, None, closed="neither")],
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "positive_fraction": [Interval(Real, 0, 1, closed="neither")],
        "resample_pairs": ["boolean"],
        "init_range": [Interval(Real, 0, None, closed="neither"), None],
        "lr": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self,
        pooling="last",
        *,
        hidden_size=64,
        cell="gru",
        nonlinearity="relu",
        similarity="diagonal",
        rank=None,
        dropout=0.0,
        window_size="auto",
        stride="auto",
        standardize=True,
        loss="contrastive",
        margin=1.0,
        n_pairs=2000,
        positive_fraction=0.5,
        resample_pairs=True,
        init_range=0.1,
        max_epochs=100,
        lr=None,
        batch_size=50,
        optimizer="rmsprop",
        weight_decay=0.0,
        grad_clip_value=5.0,
        early_stopping=False,
        validation_fraction=0.15, validation="stratified",
        n_iter_no_change=16,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.pooling = pooling
        self.hidden_size = hidden_size
        self.cell = cell
        self.nonlinearity = nonlinearity
        self.similarity = similarity
        self.rank = rank
        self.dropout = dropout
        self.window_size = window_size
        self.stride = stride
        self.standardize = standardize
        self.loss = loss
        self.margin = margin
        self.n_pairs = n_pairs
        self.positive_fraction = positive_fraction
        self.resample_pairs = resample_pairs
        self.init_range = init_range
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_value = grad_clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation = validation
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------

    def fit(self, X, y):
        """Fit on similar / dissimilar pairs drawn from the class labels ``y``.

        Pairs are drawn here, among the rows of ``X``, so cross-validation
        splits series, never pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : array-like of shape (n_samples,)
            Class labels, any type; equal labels make similar pairs.

        Returns
        -------
        self : object
        """
        # validate
        self._check_params()
        reset_fitted_state(self)
        X_given = X  # the distance check reads the series as given
        X, lengths = self._validate_X(X, reset=True)
        y = self._check_labels(
            X, y, instead="Use fit_pairs(X, pairs, pair_labels) to fit on explicit "
            "pairs.",
        )
        framing = resolve_framing(self.window_size, self.stride, X.shape[2], lengths,
                                  parameter="window_size")
        # seed
        seed = derive_seed(self.random_state)
        # what to train on: pairs (triplets) drawn from y, afresh each epoch
        plan = pair_plan(
            len(X), y=y, n_pairs=self.n_pairs, positive_fraction=self.positive_fraction,
            triplets=self.loss == "triplet", resample=self.resample_pairs,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            validation=self.validation, random_state=seed,
        )
        self._build_and_train(X, lengths, plan, framing, seed)
        warn_if_metric_not_learned(self, X_given, np.unique(y, return_inverse=True)[1], seed)
        return self

    def fit_pairs(self, X, pairs, pair_labels):
        """Fit on explicit pairs of rows of ``X``.

        For supervision that labels do not express, e.g. signature
        verification, where dissimilar pairs are (genuine, skilled forgery) of
        the same person. One epoch is one pass over the given pairs; ``n_pairs``,
        ``positive_fraction`` and ``resample_pairs`` do not apply. With
        ``early_stopping``, a random ``validation_fraction`` of the pairs is held
        out. Pairs index rows, so this is not for cross-validation: use
        :meth:`fit` there.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            The pool of sequences the pairs index.
        pairs : array-like of shape (n_pairs, 2)
            Integer row indices into ``X``; a series paired with itself may
            be similar, not dissimilar (see
            :func:`~sktime_metric.metric.check_pairs`).
        pair_labels : array-like of shape (n_pairs,)
            1 (or True, or +1) for similar, 0 (or False, or -1) for dissimilar;
            both kinds are needed (a ``ValueError`` otherwise).

        Returns
        -------
        self : object
        """
        # validate
        self._check_params()
        if self.loss == "triplet":
            raise ValueError(
                "loss='triplet' draws triplets from class labels; use fit(X, y), "
                "or loss='pair_logistic' or 'contrastive' with fit_pairs."
            )
        reset_fitted_state(self)
        X, lengths = self._validate_X(X, reset=True)
        pairs, pair_labels = check_pairs(pairs, pair_labels, len(X))
        check_pair_kinds(
            pair_labels, type(self).__name__,
            "On one kind alone the pair loss has a trivial minimum that measures "
            "nothing: similar pairs only, every series embedded at one point "
            "(or, with 'pair_logistic', every pair called similar); dissimilar "
            "pairs only, all of them pushed apart.")
        framing = resolve_framing(self.window_size, self.stride, X.shape[2], lengths,
                                  parameter="window_size")
        # seed
        seed = derive_seed(self.random_state)
        # what to train on: the given pairs
        plan = pair_plan(
            len(X), pairs=pairs, pair_labels=pair_labels,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            random_state=seed,
        )
        return self._build_and_train(X, lengths, plan, framing, seed)

    def _check_params(self):
        self._validate_params()
        if self.cell == "identity" and self.loss != "pair_logistic":
            raise ValueError(
                f"cell='identity' has no encoder weights: with loss={self.loss!r} "
                "there is nothing to train. It is the paper's logistic baseline "
                "with loss='pair_logistic' (the similarity head's weights)."
            )

    def _build_and_train(self, X, lengths, plan, framing, seed):
        """Build the siamese net for ``plan``'s tuples, train it, set attributes.

        ``framing``: the ``(window, stride)`` resolved from the data.
        """
        window, stride = framing
        # build: the pair loss on the shared encoder's embeddings (and the
        # bilinear head's logits); with early stopping, the pair AUC on the
        # validation tuples decides, and a stall multiplies the learning rate
        # by 0.4 and reloads the best weights (the paper's schedule)
        train_set, valid_set = plan.datasets(padded_float32(X, lengths), lengths)
        scoring = [("resample_pairs", ResampleEachEpoch())] if plan.resample else []
        if self.early_stopping:
            scoring.append(("valid_auc", pair_auc_scoring()))
        net = self._make_net(
            SiameseNet,
            SiameseRNNModule,
            dict(
                n_features=X.shape[2],
                hidden_size=self.hidden_size,
                cell=self.cell,
                nonlinearity=self.nonlinearity,
                pooling=self.pooling,
                dropout=self.dropout,
                similarity=self.similarity,
                rank=self.rank,
                init_range=self.init_range,
                window=window,
                stride=stride,
            ),
            criterion=SiameseLoss,
            criterion__loss=self.loss,
            criterion__margin=float(self.margin),
            lr=1e-3 * 32 / self.hidden_size if self.lr is None else self.lr,
            train_split=fixed_validation(valid_set),
            callbacks=self._training_callbacks(
                "valid_auc", lower_is_better=False, scoring=scoring,
                lr_schedule=LRDecayOnPlateau(
                    "valid_auc", False, factor=0.4,
                    patience=max(1, self.n_iter_no_change // 4),
                ),
            ),
        )
        # train
        self.net_ = self._train(net, train_set, None, seed)
        # attributes: the validation pairs were only needed in training; do
        # not pickle them
        self.net_.train_split = None
        self.window_size_, self.stride_ = window, stride
        return self

    # -- transforming --------------------------------------------------------

    def transform(self, X):
        """Embed each sequence: the pooled hidden state ``h``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_size)
        """
        return self._embed(X)

    def _embed(self, X, name="X"):
        # transform's work, unaffected by set_output (the metric methods need
        # arrays); name: the argument X came in, for the messages ("Y", "X2")
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False, name=name)
        warn_if_shorter_than_window(lengths, self.window_size_, name,
                                    parameter="window_size")
        h = self._predict_batches(self._net_input(X, lengths, name), lengths,
                                  name=name)[0]
        return h.double().numpy()

    @property
    def _n_features_out(self):
        return self.net_.module_.encoder.output_size

    # -- the learned metric: 1 - s with the pair-logistic loss, else Euclidean
    # (PairMetricMixin) --------------------------------------------------------

    def _metric_inputs(self, X, name="X"):
        return self._embed(X, name)

    def _head(self):
        """The similarity head, in float64 on the CPU, detached from training."""
        head = copy.deepcopy(self.net_.module_.similarity)
        return head.cpu().double().requires_grad_(False)

    def _paired_distances(self, A, B):
        if self.loss != "pair_logistic":
            return super()._paired_distances(A, B)
        return self._head().distance(torch.from_numpy(A), torch.from_numpy(B)).numpy()

    def _pairwise_block(self, A, B):
        if self.loss != "pair_logistic":
            return super()._pairwise_block(A, B)
        return self._head().pairwise_distance(torch.from_numpy(A),
                                              torch.from_numpy(B)).numpy()

    def _score_from_distance(self, distance):
        return 1.0 - distance if self.loss == "pair_logistic" else -distance

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # pairs come from the labels
        return tags
