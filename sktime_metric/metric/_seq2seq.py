"""Seq2SeqEmbedder: the siamese sequence-to-sequence metric learner (SS2S).

The estimator of Compagnon's thesis, chapter 3: its parameters and their valid
combinations, its fit in one or two stages (reconstruction on single series,
the metric on pairs), its embeddings and its reconstructions. The network, its
criterion and the KISSME head are :mod:`sktime_metric.nn.seq2seq` and
:mod:`sktime_metric.nn.kissme`; ``M``'s closed form and its factor
:mod:`._kissme_closed_form`; the pairs and the held-out series the plan of
:mod:`._pairs`; the Euclidean distance of embeddings
:class:`._mixin.PairMetricMixin`.
"""

import copy
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from .._framing import (
    FramingTransformerMixin,
    framed_series,
    frames_to_steps,
    resolve_framing,
    warn_if_shorter_than_window,
)
from ..base import (
    BaseSequenceNet,
    check_device,
    derive_seed,
    warn_if_metric_not_learned,
)
from ..nn._chain import framed_length
from ..nn.seq2seq import RECONSTRUCTION_LOSSES, Seq2SeqLoss, Seq2SeqMetricModule
from ..utils._skorch import (
    InitialModuleState,
    KISSMEUpdate,
    ResampleEachEpoch,
    SiameseNet,
    fixed_validation,
    gradient_norm_clipping,
    plateau_lr_schedule,
)
from ..utils._labels import check_groups
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils.validation import padded_float32
from ._kissme_closed_form import (
    kissme_from_differences,
    mahalanobis_factor,
    warn_if_zero_metric,
)
from ._mixin import PairMetricMixin
from ._pairs import pair_plan
from ._sampling import check_pairs

__all__ = ["Seq2SeqEmbedder"]

# The stages each ``training`` runs, in order.
_STAGES = {
    "joint": ("joint",),
    "disjoint": ("reconstruction", "metric"),
    "reconstruction_only": ("reconstruction",),
}
# The metric losses that train each ``metric``; the first is its "auto".
_METRIC_LOSSES = {
    "euclidean": ("contrastive", "pml_contrastive"),
    "cosine": ("cosine",),
    "kissme": ("kissme_contrastive", "kissme_logratio"),
}


class Seq2SeqEmbedder(
    PairMetricMixin, ClassNamePrefixFeaturesOutMixin, FramingTransformerMixin,
    BaseSequenceNet,
):
    """Siamese sequence-to-sequence embedder (SS2S): autoencoder + learned metric.

    A recurrent encoder maps each sequence, read as frames of consecutive
    steps (``window_size``), to its last state ``y``; a decoder
    reconstructs the sequence from ``y`` (a denoising autoencoder: 30 % of the
    input values are zeroed in training), and a metric branch learns a
    distance between the ``y`` of two sequences: Euclidean, cosine, or KISSME
    (a projection ``z = W_p^T y`` and a Mahalanobis matrix ``M`` updated in
    closed form every ``kissme_update_every`` epochs). Similar pairs share a
    label ``y`` (and, with ``groups``, come from different groups), or are
    given to :meth:`fit_pairs`. :meth:`transform` returns embeddings whose
    Euclidean distances rank pairs as the learned distance does, so a
    ``KNeighborsClassifier`` after it uses the learned metric.

    Parameters
    ----------
    metric : {"kissme", "euclidean", "cosine"}, default="kissme"
        The learned distance: ``sqrt(Delta M Delta^T)`` on ``z``, ``||y1 - y2||``,
        or ``1 - cos(y1, y2)``.
    training : {"disjoint", "joint", "reconstruction_only"}, default="disjoint"
        "joint": one stage on pairs, loss ``lambda L_rec + (1 - lambda)
        L_metric``. "disjoint" (best in the thesis): the autoencoder on single
        series first (reconstruction only), then the metric on pairs (metric
        loss only; the KISSME variant trains ``W_p`` alone). "reconstruction_only":
        the first stage only, no labels needed (not with ``metric="kissme"``).
    hidden_size : int, default=100
    cell : {"lstm", "gru", "rnn"}, default="lstm"
    num_layers : int, default=1
    projection_dim : int, default=50
        Size of ``z`` for ``metric="kissme"`` (``M`` is square of this size).
    window_size : int or "auto", default="auto"
        Concatenate ``window_size`` consecutive steps into one frame, after
        standardising (:func:`~sktime_metric.nn._chain.frame_windows`;
        ``window_size_`` holds the value used): the encoder reads, and the
        decoder reconstructs, frames of ``window_size * n_channels`` values.
        "auto": the frame rule the classifiers, the siamese embedder and the
        coupled GRU share, about 30 values a frame and at most a sixth of the
        median length (1 on series of fewer than 12 steps). 1: single steps,
        the thesis's configuration. "auto" because the embedding, the
        encoder's last state, depends on the last ten or so steps it reads
        only, so on long series single steps embed the series' end (on the
        UCR set Coffee, 286 steps, below chance). Measured (see
        :ref:`metric_learning_defaults`): the embedding's 1-NN test accuracy
        on 16 UCR and embedded sets, 0.71 with frames against 0.54 with
        single steps (1-NN DTW 0.76), better on 13 of them, and every
        seq2seq row of the routine benchmark clusters better; fits were
        faster on 15 of the 16 sets. A series shorter than the window is one
        frame, its last step repeated to fill it, with a warning.
    stride : int or "auto", default="auto"
        Steps between the starts of two frames, at most ``window_size``
        (``stride_`` holds the value used); "auto": ``ceil(window_size_ / 2)``,
        frames overlapping by half (1 for single steps), as the siblings'.
    input_mask_p : float, default=0.3
        Masking noise: fraction of the values the encoder reads (those of
        its frames) set to 0 in training.
    metric_loss : {"auto", "contrastive", "pml_contrastive", "cosine", \
            "kissme_contrastive", "kissme_logratio"}, default="auto"
        "auto": Hadsell's "contrastive" loss for euclidean, the margin "cosine"
        loss for cosine, "kissme_contrastive" (eq. 3.47) for kissme.
        "pml_contrastive" (euclidean): pytorch-metric-learning's loss.
        "kissme_logratio" (eqs. 3.43-3.44) makes ``W_p`` orthonormal and clips
        the gradient norm at 6 unless ``grad_clip_norm`` says otherwise.
    margin : float or None, default=None
        None: 0.5 for the cosine loss; for "kissme_contrastive", 2.0 in the
        units of ``margin_scale`` (1.0 with ``margin_scale="absolute"``, the
        thesis's configuration); 1.0 otherwise (thesis values).
    margin_scale : {"dim", "relative", "absolute"}, default="dim"
        Units of the "kissme_contrastive" margin (unused by the other losses;
        :class:`~sktime_metric.nn.Seq2SeqLoss`). "dim": squared
        distances ``Delta M Delta^T`` are divided by ``projection_dim``, so
        the default margin pushes dissimilar pairs beyond twice the squared
        distance per dimension; "relative": the margin is in units of the
        batch's mean similar-pair squared distance; "absolute": as printed
        in the thesis, for reproduction. "dim" is the default because
        closed-form ``M`` whitens the similar pairs, so their squared
        distances are about ``projection_dim``: against that, an absolute
        margin of 1 leaves the hinge almost never active (measured: see
        :ref:`metric_learning_defaults`).
    reconstruction_loss : {"auto", "mse", "cosine"}, default="auto"
        "auto": the cosine reconstruction loss (CRL) for ``metric="cosine"``,
        MSE otherwise (the thesis's pairing).
    reconstruction_weight : float, default=0.5
        ``lambda`` of joint training.
    freeze_encoder : bool or None, default=None
        Freeze the encoder in the metric stage of disjoint training; None:
        frozen for kissme (thesis), fine-tuned otherwise.
    kissme_update_every : int, default=30
        Epochs between two closed-form updates of ``M`` (also done when the
        metric's training starts and when it ends, so the kept ``M`` is the
        closed form of the final projection).
    kissme_regularization : float, default=0.1
        Relative ridge of the covariances in the update of ``M``: ``r tr(Sigma)
        / d`` is added to each covariance, which bounds ``M``'s largest
        eigenvalue by ``d / (r tr(Sigma_S))`` (so its scale follows the data's)
        and the condition number of the regularised covariances by
        ``1 + d / r``. 0.1 because at 1e-3 the pairs' squared distances are
        so heavy-tailed that ``W_p`` barely moves (measured: see
        :ref:`metric_learning_defaults`).
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance (training statistics).
    n_pairs : int, default=1000
        Pairs drawn from the labels per epoch (and once for validation).
    positive_fraction : float, default=0.5
    resample_pairs : bool, default=True
    max_epochs : int, default=100
        Per stage.
    lr : float, default=1e-3
        Divided by 10 when the training loss has not decreased for 10 epochs.
    batch_size : int, default=50
        Pairs (or single series in the reconstruction stage) per mini-batch.
    optimizer : {"adam", "adamw", "rmsprop", "sgd"} or class, default="adam"
    weight_decay : float, default=0.0
    grad_clip_value : float or None, default=None
        Element-wise gradient clipping.
    grad_clip_norm : float or None, default=None
        Gradient-norm clipping.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the series (of the pairs, for
        :meth:`fit_pairs`), stop on the validation loss; the best epoch is kept.
    validation_fraction : float, default=0.15
    validation : {"stratified", "disjoint_classes"}, default="stratified"
        How ``early_stopping`` holds out its ``validation_fraction`` of the
        series: stratified (every class on both sides), or whole classes
        ("disjoint_classes", at least 2 on each side), which scores the metric
        on classes it never saw: the choice for a metric meant for new classes
        (one-shot or out-of-domain use, see :ref:`metric_learning`).
    n_iter_no_change : int, default=30
        Keep it >= ``kissme_update_every``: an update of ``M`` makes the loss jump.
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    n_features_in_ : int
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics (only when ``standardize``).
    window_size_, stride_ : int
        The frame length and the steps between frames used.
    metric_matrix_ : ndarray of shape (projection_dim, projection_dim)
        ``M`` (kissme only).
    components_ : ndarray of shape (projection_dim, projection_dim)
        ``L`` with ``M = L^T L``; :meth:`transform` is ``z L^T`` (kissme only).
    net_ : skorch.NeuralNet
        The final net; ``net_.module_`` is a
        :class:`~sktime_metric.nn.Seq2SeqMetricModule`.
    history_ : skorch.History
        Of the last stage.
    stage1_history_ : skorch.History or None
        Of the first stage of disjoint training (the autoencoder alone); None
        otherwise.

    References
    ----------
    .. [1] P. Compagnon, "Sequence metric learning: application to human
       activity recognition", PhD thesis, INSA Lyon, 2021, chapter 3.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import Seq2SeqEmbedder

    The encoder summarises each series in its last state; within a few epochs
    that summary catches a motif spanning most of the series, not a short one
    hidden in noise, so the toy motifs here take 16 of the 16 to 24 steps:

    >>> X, y = make_sequence_classification(n_samples=40, motif_length=16,
    ...                                     min_length=16, max_length=24,
    ...                                     random_state=0)
    >>> s2s = Seq2SeqEmbedder(hidden_size=8, projection_dim=4, n_pairs=100,
    ...                       max_epochs=3, random_state=0).fit(X, y)
    >>> s2s.transform(X).shape, s2s.pairwise_distances(X[:5], X).shape
    ((40, 4), (5, 40))
    >>> s2s.reconstruct(X).shape == X.shape
    True
    >>> pipe = make_pipeline(Seq2SeqEmbedder(metric="euclidean", hidden_size=8,
    ...                                      n_pairs=100, max_epochs=3,
    ...                                      random_state=0),
    ...                      KNeighborsClassifier(n_neighbors=1))
    >>> pipe.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    # what an archive written before a parameter existed loads with: the value
    # that reproduces the model it holds (persistence.load_weights): one step
    # a frame
    _PARAMETERS_ADDED = {"window_size": 1, "stride": 1}
    _ATTRIBUTES_ADDED = {"window_size_": ("window_size", int),
                         "stride_": ("stride", int)}

    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        "validation": [StrOptions({"stratified", "disjoint_classes"})],
        "metric": [StrOptions({"kissme", "euclidean", "cosine"})],
        "training": [StrOptions({"disjoint", "joint", "reconstruction_only"})],
        "cell": [StrOptions({"lstm", "gru", "rnn"})],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "projection_dim": [Interval(Integral, 1, None, closed="left")],
        "window_size": [Interval(Integral, 1, None, closed="left"),
                        StrOptions({"auto"})],
        "stride": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "input_mask_p": [Interval(Real, 0, 1, closed="left")],
        "metric_loss": [StrOptions({"auto", "contrastive", "pml_contrastive", "cosine",
                                    "kissme_contrastive", "kissme_logratio"})],
        "margin": [Interval(Real, 0, None, closed="neither"), None],
        "margin_scale": [StrOptions({"dim", "relative", "absolute"})],
        "reconstruction_loss": [StrOptions({"auto", "mse", "cosine"})],
        "reconstruction_weight": [Interval(Real, 0, 1, closed="both")],
        "freeze_encoder": ["boolean", None],
        "kissme_update_every": [Interval(Integral, 1, None, closed="left")],
        "kissme_regularization": [Interval(Real, 0, None, closed="left")],
        "standardize": ["boolean"],
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "positive_fraction": [Interval(Real, 0, 1, closed="neither")],
        "resample_pairs": ["boolean"],
        "grad_clip_norm": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(
        self, metric="kissme", *, training="disjoint", hidden_size=100, cell="lstm",
        num_layers=1, projection_dim=50, window_size="auto", stride="auto",
        input_mask_p=0.3, metric_loss="auto", margin=None, margin_scale="dim",
        reconstruction_loss="auto", reconstruction_weight=0.5, freeze_encoder=None,
        kissme_update_every=30, kissme_regularization=0.1, standardize=True,
        n_pairs=1000, positive_fraction=0.5, resample_pairs=True,
        max_epochs=100, lr=1e-3, batch_size=50, optimizer="adam", weight_decay=0.0,
        grad_clip_value=None, grad_clip_norm=None, early_stopping=False,
        validation_fraction=0.15, validation="stratified",
        n_iter_no_change=30, callbacks=None, device="cpu", verbose=0,
        random_state=None,
    ):
        self.metric = metric
        self.training = training
        self.hidden_size = hidden_size
        self.cell = cell
        self.num_layers = num_layers
        self.projection_dim = projection_dim
        self.window_size = window_size
        self.stride = stride
        self.input_mask_p = input_mask_p
        self.metric_loss = metric_loss
        self.margin = margin
        self.margin_scale = margin_scale
        self.reconstruction_loss = reconstruction_loss
        self.reconstruction_weight = reconstruction_weight
        self.freeze_encoder = freeze_encoder
        self.kissme_update_every = kissme_update_every
        self.kissme_regularization = kissme_regularization
        self.standardize = standardize
        self.n_pairs = n_pairs
        self.positive_fraction = positive_fraction
        self.resample_pairs = resample_pairs
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_value = grad_clip_value
        self.grad_clip_norm = grad_clip_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation = validation
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------

    def fit(self, X, y=None, groups=None):
        """Fit on pairs drawn from the labels ``y`` (and ``groups``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : array-like of shape (n_samples,) or None, default=None
            Labels; equal labels make similar pairs. Only
            ``training="reconstruction_only"`` does without.
        groups : array-like of shape (n_samples,) or None, default=None
            Two series of one group are never a similar pair: with ``y`` the
            time slot and ``groups`` the day, similar means "same slot,
            different day" (the routine setting).
            ``cross_val_score(..., groups=g)`` gives ``groups`` to the CV
            splitter only; under metadata routing,
            ``set_fit_request(groups=True)`` and ``params={"groups": g}``
            give them here too.

        Returns
        -------
        self : object
        """
        # validate
        self._validate_params()
        self._check_combination()
        reset_fitted_state(self)
        X_given = X  # the distance check reads the series as given
        X, lengths = self._validate_X(X, reset=True)
        if self.training == "reconstruction_only":
            y = groups = None  # single series: labels unused
        else:
            y = self._check_labels(
                X, y, instead="Use fit_pairs(X, pairs, pair_labels) to fit on "
                "explicit pairs, or training='reconstruction_only'.",
            )
            if groups is not None:
                groups = check_groups(groups, len(X))
        # seed
        seed = derive_seed(self.random_state)
        # what to train on: series, and pairs drawn from y afresh each epoch
        plan = pair_plan(
            len(X), y=y, groups=groups, n_pairs=self.n_pairs,
            positive_fraction=self.positive_fraction, resample=self.resample_pairs,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            validation=self.validation, random_state=seed,
        )
        self._build_and_train(X, lengths, plan, seed)
        if y is not None and groups is None:
            # class labels say what "similar" means: a distance that does not
            # put series of one class nearer each other has not learned it.
            # Not checked without labels (reconstruction only), nor with
            # groups: there y is a time slot, and a routine's nearest window
            # may rightly be a neighbouring slot's (measured: user guide)
            warn_if_metric_not_learned(
                self, X_given, np.unique(y, return_inverse=True)[1], seed)
        return self

    def fit_pairs(self, X, pairs, pair_labels):
        """Fit on explicit pairs of rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            The pool of sequences the pairs index (all of them train the
            autoencoder).
        pairs : array-like of shape (n_pairs, 2)
            Integer row indices into ``X``; a series paired with itself may
            be similar, not dissimilar (see
            :func:`~sktime_metric.metric.check_pairs`).
        pair_labels : array-like of shape (n_pairs,)
            1 (or True, +1) similar; 0 (or False, -1) dissimilar.

        Returns
        -------
        self : object
        """
        # validate
        self._validate_params()
        self._check_combination()
        reset_fitted_state(self)
        X, lengths = self._validate_X(X, reset=True)
        pairs, pair_labels = check_pairs(pairs, pair_labels, len(X))
        # seed
        seed = derive_seed(self.random_state)
        # what to train on: the given pairs
        plan = pair_plan(
            len(X), pairs=pairs, pair_labels=pair_labels,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            random_state=seed,
        )
        return self._build_and_train(X, lengths, plan, seed)

    def _build_and_train(self, X, lengths, plan, seed):
        """Train each stage of ``training`` on ``plan``; set the attributes.

        ``X``: the checked series, standardised with ``standardize``; the net
        reads them framed.
        """
        metric_loss, reconstruction_loss, margin = self._losses()
        framing = resolve_framing(self.window_size, self.stride, X.shape[2], lengths,
                                  parameter="window_size")
        X, lengths = self._framed(X, lengths, *framing)
        x = padded_float32(X, lengths)
        stages = _STAGES[self.training]
        self.stage1_history_, state = None, None
        for stage in stages:
            # build: the stage's data, callbacks and loss
            scoring, after = [], []
            if state is not None:  # the metric stage starts from stage 1's weights
                scoring.append(("initial_state", InitialModuleState(state)))
            if stage == "reconstruction":  # validated on held-out series
                data, valid = plan.series_datasets(
                    x, lengths,
                    self.validation_fraction if self.early_stopping else None, seed)
            else:
                data, valid = plan.datasets(x, lengths)
                if plan.resample:
                    scoring.append(("resample_pairs", ResampleEachEpoch()))
                if self.metric == "kissme":
                    # after early stopping: the update at train end sees the
                    # weights it reloads (thesis section 3.3.3: M in closed form)
                    after.append(("kissme_update", KISSMEUpdate(
                        kissme_from_differences, every=self.kissme_update_every,
                        regularization=self.kissme_regularization,
                    )))
            clip = self.grad_clip_norm
            if (clip is None and metric_loss == "kissme_logratio"
                    and stage != "reconstruction"):
                clip = 6.0
            if clip is not None:
                scoring.append(("grad_norm_clip", gradient_norm_clipping(clip)))
            # the thesis's schedule: lr / 10 after 10 epochs without a lower
            # training loss
            lr_schedule = plateau_lr_schedule(
                "train_loss", lower_is_better=True, factor=0.1, patience=10)
            if not self.early_stopping:
                scoring.append(("lr_plateau", lr_schedule))
            net = self._make_net(
                SiameseNet,  # the criterion reads the module's whole output
                Seq2SeqMetricModule,
                dict(
                    n_features=X.shape[2],
                    hidden_size=self.hidden_size,
                    cell=self.cell,
                    num_layers=self.num_layers,
                    input_mask_p=self.input_mask_p,
                    projection_dim=self.projection_dim if self.metric == "kissme" else None,
                    projection_constraint=(
                        "orthogonal" if metric_loss == "kissme_logratio" else "none"),
                    reconstruct=stage != "metric",
                    freeze_encoder=stage == "metric" and self._frozen(),
                ),
                criterion=Seq2SeqLoss,
                criterion__metric_loss=metric_loss,
                criterion__margin=float(margin),
                criterion__margin_scale=self.margin_scale,
                criterion__reconstruction_loss=reconstruction_loss,
                criterion__reconstruction_weight=float(
                    {"joint": self.reconstruction_weight, "reconstruction": 1.0,
                     "metric": 0.0}[stage]),
                train_split=fixed_validation(valid),
                callbacks=self._training_callbacks(
                    "valid_loss", lower_is_better=True, scoring=scoring,
                    lr_schedule=lr_schedule, after=after,
                ),
            )
            # train
            self.net_ = self._train(net, data, None, seed)
            self.net_.train_split = None  # do not pickle the validation data
            if stage == "reconstruction" and len(stages) > 1:
                self.stage1_history_ = self.net_.history
                state = copy.deepcopy(self.net_.module_.state_dict())
        self.window_size_, self.stride_ = framing
        # attributes: M and its factor L (M = L^T L), so that transform's
        # Euclidean distances are the learned ones
        if self.metric == "kissme":
            M = self.net_.module_.kissme_head.M.detach().double().cpu().numpy()
            self.metric_matrix_ = (M + M.T) / 2
            eigenvalues, eigenvectors = np.linalg.eigh(self.metric_matrix_)
            warn_if_zero_metric(
                eigenvalues, type(self).__name__,
                "The encoder's states do not tell the classes apart: on long "
                "series, read frames (window_size='auto'); or try "
                "metric='euclidean'.")
            self.components_ = mahalanobis_factor(eigenvalues, eigenvectors)
        return self

    def _losses(self):
        """``(metric_loss, reconstruction_loss, margin)`` after resolving "auto"."""
        metric_loss = self.metric_loss
        if metric_loss == "auto":
            metric_loss = _METRIC_LOSSES[self.metric][0]
        reconstruction = self.reconstruction_loss
        if reconstruction == "auto":
            reconstruction = "cosine" if self.metric == "cosine" else "mse"
        margin = self.margin
        if margin is None:
            margin = 0.5 if metric_loss == "cosine" else 1.0
            if metric_loss == "kissme_contrastive" and self.margin_scale != "absolute":
                margin = 2.0  # measured: user guide, "Defaults, measured"
        return metric_loss, reconstruction, margin

    def _frozen(self):
        if self.freeze_encoder is None:
            return self.metric == "kissme"
        return bool(self.freeze_encoder)

    def _check_combination(self):
        metric_loss = self._losses()[0]
        if metric_loss not in _METRIC_LOSSES[self.metric]:
            raise ValueError(
                f"metric_loss={metric_loss!r} does not train metric={self.metric!r}; "
                f"use one of {list(_METRIC_LOSSES[self.metric])} or 'auto'."
            )
        on_mps = torch.device(check_device(self.device)).type == "mps"
        if self.metric == "kissme" and on_mps:
            raise ValueError(
                "metric='kissme' keeps its Mahalanobis matrix M in float64 (its "
                "eigenvalues lie decades apart: float32 rounding breaks its "
                "positive semi-definiteness), and MPS has no float64. Use "
                "device='cpu' or 'cuda', or metric='euclidean' on MPS."
            )
        if self.metric == "kissme" and self.training == "reconstruction_only":
            raise ValueError(
                "metric='kissme' learns W_p and M on pairs; training="
                "'reconstruction_only' trains no metric. Use metric='euclidean' "
                "(or a pipeline with KISSMETransformer) for a pure autoencoder."
            )
        if (self.training == "disjoint" and self.metric != "kissme"
                and self._frozen()):
            raise ValueError(
                f"With metric={self.metric!r} and a frozen encoder, the metric stage "
                "of disjoint training has nothing to train; use training="
                "'reconstruction_only'."
            )
        if (metric_loss == "kissme_logratio"
                and self.projection_dim > self.hidden_size):
            raise ValueError(
                f"metric_loss='kissme_logratio' needs an orthonormal projection: "
                f"projection_dim={self.projection_dim} must be <= hidden_size="
                f"{self.hidden_size}."
            )

    # -- embedding and reconstruction -------------------------------------------

    def _prepared(self, X, name="X"):
        """``X`` as the net reads it, and its lengths: checked, standardised
        (with ``standardize``) and framed."""
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False, name=name)  # standardised there
        warn_if_shorter_than_window(lengths, self.window_size_, name,
                                    parameter="window_size")
        return self._framed(X, lengths, self.window_size_, self.stride_, name)

    @staticmethod
    def _framed(X, lengths, window, stride, name="X"):
        """The series ``X`` (of ``lengths`` steps) as frames, and their lengths
        in frames: ``X`` and ``lengths`` themselves for single steps."""
        if window == stride == 1:
            return X, lengths
        lengths = np.asarray(lengths, dtype=np.int64)
        return (framed_series(X, window, stride, name=name),
                framed_length(torch.from_numpy(lengths), window, stride).numpy())

    def transform(self, X):
        """Embed each sequence so that Euclidean distances follow the learned one.

        euclidean: ``y``; kissme: ``z L^T`` with ``M = L^T L``, so Euclidean
        distances are ``sqrt(Delta M Delta^T)``; cosine: ``y / ||y||``, whose
        Euclidean distances are ``sqrt(2 (1 - cos))``, ranked as ``1 - cos``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        Z : ndarray of shape (n_samples, n_features_out)
        """
        return self._embed(X)

    def _embed(self, X, name="X"):
        # transform's work, unaffected by set_output (the metric methods need
        # arrays); name: the argument X came in, for the messages ("Y", "X2")
        X, lengths = self._prepared(X, name)
        z = self._predict_batches(
            self._net_input(X, lengths, name), lengths,
            lambda module, x, lengths: module.encode(x, lengths), name=name,
        )[0].double().numpy()
        if self.metric == "kissme":
            # z L^T = y W_p L^T, in float64: M's large eigenvalues would amplify
            # a float32 rounding of the projection
            with torch.no_grad():
                w_p_t = self.net_.module_.kissme_head.projection().double().cpu().numpy()
            return z @ (self.components_ @ w_p_t).T
        if self.metric == "cosine":
            return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        return z

    def reconstruct(self, X):
        """The decoder's reconstruction of each sequence (clean input, eval mode).

        After disjoint training with a fine-tuned encoder, the decoder is the
        first stage's and the encoder the second's. With frames (``window_size_
        > 1``), the decoder reconstructs each frame, and each step is the mean
        of its reconstructions in the frames that hold it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        X_hat : ndarray of shape (n_samples, n_timestamps, n_channels)
            In the input's units, NaN past each series' length.
        """
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False)  # standardised there
        window, stride = self.window_size_, self.stride_
        warn_if_shorter_than_window(lengths, window, parameter="window_size")
        frames, n_frames = self._framed(X, lengths, window, stride)
        x_hat = self._predict_batches(
            self._net_input(frames, n_frames), n_frames,
            lambda module, x, lengths: module.reconstruction(x, lengths),
        )[0]
        # the frames back on the steps (overlap-add); NaN past each length
        out = frames_to_steps(x_hat.numpy(), lengths, window, stride, X.shape[1])
        if self.standardize:
            out = out * self.scale_ + self.mean_
        return out

    def reconstruction_error(self, X):
        """Per-sequence reconstruction loss (MSE or CRL, on standardised data).

        The training loss: on what the net reads and the decoder returns, so
        with frames (``window_size_ > 1``) on the frames, where a step held by
        two frames counts twice, not on :meth:`reconstruct`'s steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        errors : ndarray of shape (n_samples,)
        """
        X, lengths = self._prepared(X)
        loss = RECONSTRUCTION_LOSSES[self._losses()[1]](reduction="none")

        def error(module, x, lengths):
            x = x[:, : int(lengths.max())]
            return loss(module.reconstruction(x, lengths), x, lengths)

        return self._predict_batches(self._net_input(X, lengths), lengths,
                                     error)[0].double().numpy()

    @property
    def _n_features_out(self):
        return self.projection_dim if self.metric == "kissme" else self.hidden_size

    # -- the learned metric: 1 - cos for cosine (rows are unit vectors), else
    # Euclidean (PairMetricMixin) ----------------------------------------------

    def _metric_inputs(self, X, name="X"):
        return self._embed(X, name)

    def _paired_distances(self, A, B):
        if self.metric == "cosine":
            return np.clip(1.0 - (A * B).sum(axis=1), 0.0, 2.0)
        return super()._paired_distances(A, B)

    def _pairwise_block(self, A, B):
        if self.metric == "cosine":
            return np.clip(1.0 - A @ B.T, 0.0, 2.0)
        return super()._pairwise_block(A, B)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = self.training != "reconstruction_only"
        return tags
