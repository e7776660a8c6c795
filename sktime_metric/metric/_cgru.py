"""CoupledGRUMetric: the coupled GRU's learned distance, a scikit-learn transformer."""

from functools import partial
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from ..base import (
    BaseSequenceNet,
    check_device,
    derive_seed,
    steps_batch_size,
    warn_if_metric_not_learned,
)
from .._framing import framed_series, resolve_framing, warn_if_shorter_than_window
from ..nn.cgru import CoupledGRU
from ..nn.losses import ContrastiveLoss, StructuralLoss
from ..utils._parallel import check_n_jobs, map_in_parallel
from ..utils._scaling import validate_and_standardize
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils._skorch import (
    NearestNeighborScoring,
    RecordModuleStatistic,
    ResampleEachEpoch,
    SequenceNet,
    class_balanced_loader,
    gradient_norm_clipping,
)
from ..utils.validation import padded_float32, sequence_lengths
from ._mixin import PairMetricMixin, _check_chunk_size
from ._pairs import pair_plan
from ._sampling import check_pair_kinds, check_pairs
from ._shortlist import check_embedding, check_shortlist, shortlist_graph
from ._training_distances import TrainingDistancesMixin

__all__ = ["CoupledGRUMetric"]


class CoupledGRUMetric(PairMetricMixin, TrainingDistancesMixin, BaseSequenceNet):
    """Coupled GRU: a distance learned as the synchronisation of two GRUs.

    Two GRUs with shared weights read the two series of a pair in step; at every
    step a coupling gate mixes each branch's candidate state with the other's,
    so that series with similar dynamics synchronise. The distance is the
    Euclidean distance between the two final states. ``coupling=False`` is the
    plain siamese GRU (SGRU), the thesis's control. Trained from class labels
    with the structural loss over all pairs of class-balanced batches (the
    thesis), or with the contrastive loss on drawn or given pairs.

    A distance needs a joint pass over the pair: there is no per-series
    embedding. :meth:`transform` returns the distances to the training series,
    so ``Pipeline([("cgru", CoupledGRUMetric()), ("knn",
    KNeighborsClassifier(1, metric="precomputed"))])`` is the thesis's 1-NN.

    Parameters
    ----------
    hidden_size : int, default=50
        Units per layer (the thesis: 20 for UCI HAR, 100 for SHL). 50 because
        20 measured less accurate on data the model was not developed on, most
        with many classes; 50 takes about twice as long to fit (measured: see
        :ref:`metric_learning_defaults`).
    num_layers : int, default=1
    coupling : bool, default=True
        False gives the siamese GRU (SGRU).
    couple_layers : {"all", "last"} or list of int, default="all"
        Which layers are coupled (not stated in the thesis).
    align : {"end", "start"}, default="end"
        Series of different lengths end (or start) together; the thesis has
        equal lengths only, where both are its model.
    coupling_init_std : float, default=0.1
        Standard deviation of the initial coupling weights (the thesis).
    coupling_bias_init : float or None, default=-4.0
        Initial bias of the coupling gate: -4 starts with weak coupling (the
        gate near 0.02), the thesis's stated intent; None initialises it like
        the GRU's biases (the literal thesis: the gate starts near 0.5). The
        default because strongly coupled from the start, the branches of
        every pair synchronise and the structural loss barely moves
        (measured: see :ref:`metric_learning_defaults`).
    coupling_penalty : float, default=0.01
        Weight of the coupling-weight norm added to the loss (the thesis).
    coupling_penalty_norm : {"fro", "fro2"}, default="fro"
        Frobenius norm of the coupling weights, or its square.
    loss : {"structural", "contrastive"}, default="structural"
        "structural": the thesis's hardness-aware loss over all pairs of each
        class-balanced batch. "contrastive": the contrastive loss on pairs
        drawn from the labels (``n_pairs`` per epoch) or given to
        :meth:`fit_pairs`.
    margin, eta, global_weight : float, default=0.2, 0.05, 0.5
        Margin, temperature and global-term weight of the structural loss.
    var_margin_pos, var_margin_neg : float, default=0.01, 0.1
        Variance margins of the structural loss's global term.
    ema_momentum : float, default=0.95
        Momentum of the moving mean distances of the structural loss.
    positive_pairs : {"ordered", "unordered"}, default="ordered"
        Whether both members of a positive pair act as anchors.
    contrastive_margin : float, default=1.0
    n_pairs : int, default=1000
        Pairs drawn per epoch with ``loss="contrastive"``.
    window_size : int or "auto", default="auto"
        Concatenate ``window_size`` consecutive steps into one frame before the
        recurrence (:func:`~sktime_metric.nn._chain.frame_windows`;
        ``window_size_`` holds the value used). "auto": the frame rule the
        classifiers and the siamese embedder share, about 30 values a frame
        and at most a sixth of the median length (1 on series of fewer than 12
        steps); with ``stride="auto"`` the coupled recurrence runs over about
        ``2 * T / window_size`` frames. 1: single steps, the thesis's
        configuration (its series are 128 steps at most). "auto" because a
        recurrent state carried through hundreds of single steps forgets, and
        frames fit many times faster; it costs accuracy on a few sets
        (measured: see :ref:`metric_learning_defaults`). A series shorter
        than the window is one frame, its last step repeated to fill it, with
        a warning.
    stride : int or "auto", default="auto"
        Steps between the starts of two frames, at most ``window_size``
        (``stride_`` holds the value used); "auto": ``ceil(window_size / 2)``.
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance over the training
        series' steps (``mean_``, ``scale_``), in training and in every
        distance, as the library's other estimators do; ``False`` reads the
        series as given, as the thesis does. Without it the learned distance
        depends on the units the channels are recorded in (BasicMotions,
        seeds 0-2: mean 1-NN accuracy from 0.60 to 0.98 as its acceleration
        and rotation units change, 0.86 standardised in any units), and
        channels on large scales saturate the GRU (13 spoken-digit MFCCs:
        0.79 as given, 0.95 standardised; measured: see
        :ref:`metric_learning_defaults`).
    samples_per_class : int or None, default=None
        Series per class in a structural batch, at least 2 so that every batch
        holds positive and negative pairs; None means
        ``max(2, batch_size // n_classes)``. A batch holds
        ``min(n_classes, batch_size // samples_per_class)`` classes.
    max_epochs : int, default=200
    lr : float, default=1e-3
    batch_size : int, default=36
        Series per batch ("structural": all their pairs are compared) or pairs
        per batch ("contrastive"). A structural epoch has at least 8 batches:
        fewer than ``8 * batch_size`` training series are cut into batches of
        ``ceil(n / 8)``, never fewer than 2 classes of ``samples_per_class``
        (2 if None) series (see :func:`~sktime_metric.base.steps_batch_size`;
        measured: see :ref:`metric_learning_defaults`).
    optimizer : {"rmsprop", "adam", "adamw", "sgd"} or torch optimizer class, \
            default="adam"
    weight_decay : float, default=1e-4
    grad_clip_norm : float or None, default=6.0
        Clip the gradient's global norm (the thesis).
    grad_clip_value : float or None, default=None
        Element-wise gradient clipping, as the other estimators offer.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the series (stratified), score the
        1-NN accuracy of the held-out series against the training series each
        epoch (``valid_knn_acc``), halve the learning rate after
        ``n_iter_no_change // 4`` stale epochs, stop after ``n_iter_no_change``
        and keep the best epoch.
    validation_fraction : float, default=0.15
    validation : {"stratified", "disjoint_classes"}, default="stratified"
        How ``early_stopping`` holds out its ``validation_fraction`` of the
        series: stratified (every class on both sides), or whole classes
        ("disjoint_classes", at least 2 on each side), which scores the metric
        on classes it never saw: the choice for a metric meant for new classes
        (one-shot or out-of-domain use, see :ref:`metric_learning`).
    n_iter_no_change : int, default=20
    chunk_size : int or "auto", default="auto"
        Pairs per chunk in distance computations; "auto" is 1024 on CPU and
        65536 on a GPU. :meth:`pairwise_distances` may override it per call.
    n_jobs : int or None, default=None
        Threads computing chunks of distance matrices on the CPU (or the
        workers of a :func:`joblib.parallel_config` context's backend, e.g.
        ``"dask"``); :meth:`pairwise_distances` may override it per call.
    checkpoint_steps : int or None, default=None
        Gradient checkpointing of the coupled recurrence in training, for long
        series: the steps run in chunks of ``checkpoint_steps``, backward keeps
        only the states between chunks and runs each chunk again, so memory
        grows with ``sqrt(n_timestamps)`` instead of ``n_timestamps``; the
        fitted model is the same up to float32 rounding. None: chunks of
        about ``sqrt(n_timestamps)`` steps once a batch's graph would pass
        ~256 MB, none below (measured: see :ref:`scaling_long_recordings`).
        0: never. Distances keep no graph and are not affected.
    compile_step : bool, default=False
        Fuse each coupled training step with ``torch.compile`` (the same
        model up to float rounding; needs a working ``torch.compile``, on a
        CPU a C++ compiler). Off by default: on a CPU it barely pays for its
        one-off compilation (measured: see :ref:`scaling_long_recordings`).
        Distances stay on the uncompiled step, which is as fast.
    shortlist_size : int or None, default=None
        None: distance matrices are exact, every pair coupled. An int ``m``:
        :meth:`pairwise_distances` (and so :meth:`transform` and
        :meth:`fit_transform`) couples only the ``m`` series :meth:`embed`
        puts nearest to each row and returns a sparse neighbours graph (see
        there for the trade-off).
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, batches, pair draws and the validation split.

    Attributes
    ----------
    n_features_in_ : int
        Number of channels seen in ``fit``.
    X_fit_ : ndarray of shape (n_train, n_timestamps, n_channels)
        The training series, the columns of :meth:`transform` (as given, not
        framed).
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics used by ``standardize`` (only when it is True).
    window_size_, stride_ : int
        The frame length and the steps between frames used.
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` is the :class:`~sktime_metric.nn.CoupledGRU`.
    history_ : skorch.History
        Per-epoch ``train_loss``, ``coupling_norm`` (the coupling-weight norm,
        with coupling) and ``valid_knn_acc`` (with early stopping).

    See Also
    --------
    SiameseRNNEmbedder : A siamese RNN with a per-series embedding.

    Notes
    -----
    An ``n x m`` distance matrix costs ``n m`` coupled passes (``n (n - 1) / 2``
    for :meth:`pairwise_distances` of one set); the part of the work that does
    not depend on the partner is done once per series. The distance is
    symmetric and ``d(x, x) = 0``, but not a metric (no triangle inequality):
    use brute-force neighbours, as ``metric="precomputed"`` does. For k-NN,
    ``shortlist_size`` cuts the cost to ``m`` coupled passes per query, at
    the price of missing a true neighbour that the shortlisting embedding does
    not rank among the ``m`` nearest.

    Long series: ``checkpoint_steps`` keeps training memory growing as the
    square root of the length (measured: see :ref:`scaling_long_recordings`).

    References
    ----------
    .. [1] P. Compagnon, "Sequence metric learning: application to human
       activity recognition", PhD thesis, INSA Lyon, 2021, chapter 4.
    .. [2] P. Compagnon, G. Lefebvre, S. Duffner and C. Garcia, "Sequence Metric
       Learning as Synchronization of Recurrent Neural Networks", IJCNN 2021.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.metric import CoupledGRUMetric
    >>> X, y = make_sequence_classification(n_samples=30, random_state=0)
    >>> cgru = CoupledGRUMetric(hidden_size=8, batch_size=12, lr=0.03, max_epochs=3,
    ...                         random_state=0).fit(X, y)
    >>> cgru.pairwise_distances(X[:4], X).shape, cgru.transform(X[:4]).shape
    ((4, 30), (4, 30))
    >>> pipe = make_pipeline(cgru, KNeighborsClassifier(1, metric="precomputed"))
    >>> pipe.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    # what an archive written before a parameter existed loads with: the value
    # that reproduces the model it holds (persistence.load_weights): the
    # channels as given, one step a frame, the whole graph kept, no compile
    _PARAMETERS_ADDED = {"standardize": False, "window_size": 1, "stride": 1,
                         "checkpoint_steps": 0, "compile_step": False}
    _ATTRIBUTES_ADDED = {"window_size_": ("window_size", int),
                         "stride_": ("stride", int)}

    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        "validation": [StrOptions({"stratified", "disjoint_classes"})],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "coupling": ["boolean"],
        "couple_layers": [StrOptions({"all", "last"}), list, tuple],
        "align": [StrOptions({"end", "start"})],
        "coupling_init_std": [Interval(Real, 0, None, closed="left")],
        "coupling_bias_init": [Interval(Real, None, None, closed="neither"), None],
        "coupling_penalty": [Interval(Real, 0, None, closed="left")],
        "coupling_penalty_norm": [StrOptions({"fro", "fro2"})],
        "loss": [StrOptions({"structural", "contrastive"})],
        "margin": [Interval(Real, 0, None, closed="left")],
        "eta": [Interval(Real, 0, None, closed="neither")],
        "global_weight": [Interval(Real, 0, None, closed="left")],
        "var_margin_pos": [Interval(Real, 0, None, closed="left")],
        "var_margin_neg": [Interval(Real, 0, None, closed="left")],
        "ema_momentum": [Interval(Real, 0, 1, closed="both")],
        "positive_pairs": [StrOptions({"ordered", "unordered"})],
        "contrastive_margin": [Interval(Real, 0, None, closed="neither")],
        "n_pairs": [Interval(Integral, 1, None, closed="left")],
        "window_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "stride": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "samples_per_class": [Interval(Integral, 2, None, closed="left"), None],
        "grad_clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "chunk_size": [Interval(Integral, 1, None, closed="left"),
                       StrOptions({"auto"})],
        # joblib's: None or a non-zero int (checked here, not after training)
        "n_jobs": [Interval(Integral, None, -1, closed="right"),
                   Interval(Integral, 1, None, closed="left"), None],
        "checkpoint_steps": [Interval(Integral, 0, None, closed="left"), None],
        "compile_step": ["boolean"],
        "shortlist_size": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        hidden_size=50,
        *,
        num_layers=1,
        coupling=True,
        couple_layers="all",
        align="end",
        coupling_init_std=0.1,
        coupling_bias_init=-4.0,
        coupling_penalty=0.01,
        coupling_penalty_norm="fro",
        loss="structural",
        margin=0.2,
        eta=0.05,
        global_weight=0.5,
        var_margin_pos=0.01,
        var_margin_neg=0.1,
        ema_momentum=0.95,
        positive_pairs="ordered",
        contrastive_margin=1.0,
        n_pairs=1000,
        window_size="auto",
        stride="auto",
        standardize=True,
        samples_per_class=None,
        max_epochs=200,
        lr=1e-3,
        batch_size=36,
        optimizer="adam",
        weight_decay=1e-4,
        grad_clip_norm=6.0,
        grad_clip_value=None,
        early_stopping=False,
        validation_fraction=0.15, validation="stratified",
        n_iter_no_change=20,
        chunk_size="auto",
        n_jobs=None,
        checkpoint_steps=None,
        compile_step=False,
        shortlist_size=None,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.coupling = coupling
        self.couple_layers = couple_layers
        self.align = align
        self.coupling_init_std = coupling_init_std
        self.coupling_bias_init = coupling_bias_init
        self.coupling_penalty = coupling_penalty
        self.coupling_penalty_norm = coupling_penalty_norm
        self.loss = loss
        self.margin = margin
        self.eta = eta
        self.global_weight = global_weight
        self.var_margin_pos = var_margin_pos
        self.var_margin_neg = var_margin_neg
        self.ema_momentum = ema_momentum
        self.positive_pairs = positive_pairs
        self.contrastive_margin = contrastive_margin
        self.n_pairs = n_pairs
        self.window_size = window_size
        self.stride = stride
        self.standardize = standardize
        self.samples_per_class = samples_per_class
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_norm = grad_clip_norm
        self.grad_clip_value = grad_clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation = validation
        self.n_iter_no_change = n_iter_no_change
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs
        self.checkpoint_steps = checkpoint_steps
        self.compile_step = compile_step
        self.shortlist_size = shortlist_size
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------

    def fit(self, X, y):
        """Fit the distance from class labels: equal labels mean similar series.

        Batches (or pairs) are formed here, among the rows of ``X``, so
        cross-validation splits series, never pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            Sequences, NaN-padded at the end, or a list of ``(T_i, d)`` arrays.
        y : array-like of shape (n_samples,)
            Class labels, any type.

        Returns
        -------
        self : object
        """
        # validate
        self._validate_params()
        self._check_batch_size()
        reset_fitted_state(self)
        X_given = X  # the distance check reads the series as given
        # the checked series as given are the columns of transform (X_fit_);
        # the net reads them standardised (with standardize)
        X, lengths, X_fit = validate_and_standardize(self, X, reset=True,
                                                     return_given=True)
        y = self._check_labels(
            X, y, instead="Use fit_pairs(X, pairs, pair_labels) to fit on explicit "
            "pairs.",
        )
        y = LabelEncoder().fit_transform(y).astype(np.int64)
        framing = resolve_framing(self.window_size, self.stride, X.shape[2], lengths,
                                  parameter="window_size")
        # seed
        seed = derive_seed(self.random_state)
        # what to train on: the rows of y (and, for the contrastive loss, pairs
        # drawn among them afresh each epoch); early stopping holds out series
        plan = pair_plan(
            len(X), y=y, n_pairs=self.n_pairs, resample=True,
            validation_fraction=self.validation_fraction if self.early_stopping else None,
            validation=self.validation, random_state=seed,
        )
        self._build_and_train(X_fit, X, lengths, y, plan, framing, seed)
        warn_if_metric_not_learned(self, X_given, y, seed)
        return self

    def fit_pairs(self, X, pairs, pair_labels):
        """Fit with the contrastive loss on explicit pairs of rows of ``X``.

        Needs ``loss="contrastive"``; one epoch is one pass over the pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
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
        self._validate_params()
        if self.loss != "contrastive" or self.early_stopping:
            raise ValueError(
                "fit_pairs trains with loss='contrastive' and early_stopping=False "
                "(1-NN validation needs class labels); use fit(X, y) otherwise."
            )
        reset_fitted_state(self)
        X, lengths, X_fit = validate_and_standardize(self, X, reset=True,
                                                     return_given=True)  # as in fit
        pairs, pair_labels = check_pairs(pairs, pair_labels, len(X))
        check_pair_kinds(
            pair_labels, type(self).__name__,
            "On one kind alone the contrastive loss has a trivial minimum that "
            "measures nothing: similar pairs only, every pair at distance 0; "
            "dissimilar pairs only, all of them pushed apart.")
        framing = resolve_framing(self.window_size, self.stride, X.shape[2], lengths,
                                  parameter="window_size")
        # seed
        seed = derive_seed(self.random_state)
        # what to train on: the given pairs
        plan = pair_plan(len(X), pairs=pairs, pair_labels=pair_labels, random_state=seed)
        return self._build_and_train(X_fit, X, lengths, None, plan, framing, seed)

    def _check_batch_size(self):
        if self.loss != "structural":
            return
        if self.batch_size < 4:
            raise ValueError(
                "loss='structural' compares the series of a batch with each other "
                "and needs positive and negative pairs in every batch (2 classes x 2 "
                f"series): batch_size must be at least 4, got {self.batch_size}."
            )
        if self.samples_per_class is not None and 2 * self.samples_per_class > self.batch_size:
            raise ValueError(
                "loss='structural' needs 2 classes in every batch: samples_per_class "
                f"must be between 2 and batch_size // 2 = {self.batch_size // 2}, got "
                f"samples_per_class={self.samples_per_class} with "
                f"batch_size={self.batch_size}."
            )

    def _build_and_train(self, X_fit, X, lengths, y, plan, framing, seed):
        """Build the net for ``plan`` (labels ``y`` or pairs), train, set attributes.

        ``X_fit``: the checked series as given; ``X``: as the net reads them
        (standardised with ``standardize``); ``framing``: the ``(window,
        stride)`` resolved from the data.
        """
        X = framed_series(X, *framing)
        lengths = sequence_lengths(X)
        x = padded_float32(X, lengths)
        # build: what training records and scores, before the shared callbacks
        scoring = []
        if self.grad_clip_norm is not None:
            scoring.append(("grad_norm_clip", gradient_norm_clipping(self.grad_clip_norm)))
        if self.coupling:  # thesis Hypothesis 4.1: the norm grows as accuracy improves
            scoring.append(("coupling_norm",
                            RecordModuleStatistic("coupling_norm", "coupling_norm")))
        if plan.valid_index is not None:
            # 1-NN accuracy of the held-out series; held-out classes have no
            # training series to be the nearest of, so with disjoint classes
            # each validation series is classified by its nearest other one
            disjoint = self.validation == "disjoint_classes"
            reference = plan.valid_index if disjoint else plan.train_index
            subset = lambda rows: (x[rows], lengths[rows], y[rows])  # noqa: E731
            scoring.append(("valid_knn_acc", NearestNeighborScoring(
                subset(reference), subset(plan.valid_index),
                chunk_size=self._chunk_size(device=check_device(self.device)),
                leave_one_out=disjoint,
            )))
        if y is not None and self.loss == "structural":
            # class-balanced batches whose pairs are all compared (thesis
            # eqs. 3.29-3.36)
            train = plan.train_index
            data, target = {"x": x[train], "lengths": lengths[train]}, y[train]
            # small training sets are cut into at least 8 batches an epoch, never
            # below the 2 classes of samples_per_class (>= 2) series a structural
            # batch needs (measured: user guide)
            smallest = 2 * (self.samples_per_class or 2)
            criterion = dict(
                batch_size=max(smallest, steps_batch_size(self.batch_size, len(train))),
                criterion=StructuralLoss,
                criterion__margin=self.margin,
                criterion__eta=self.eta,
                criterion__global_weight=self.global_weight,
                criterion__var_margin_pos=self.var_margin_pos,
                criterion__var_margin_neg=self.var_margin_neg,
                criterion__ema_momentum=self.ema_momentum,
                criterion__positive_pairs=self.positive_pairs,
                iterator_train=class_balanced_loader,
                iterator_train__samples_per_class=self.samples_per_class,
            )
        else:
            # the contrastive loss on pairs, drawn from y afresh each epoch or
            # the given ones
            if plan.resample:
                scoring.insert(0, ("resample_pairs", ResampleEachEpoch()))
            data, target = plan.datasets(x, lengths)[0], None
            # Hadsell et al.'s loss on the distances the coupled GRU outputs
            criterion = dict(criterion=ContrastiveLoss,
                             criterion__margin=self.contrastive_margin,
                             criterion__distance="precomputed")
        net = self._make_net(
            SequenceNet,
            CoupledGRU,
            dict(
                n_features=X.shape[2],
                hidden_size=self.hidden_size,
                num_layers=self.num_layers,
                coupling=self.coupling,
                couple_layers=self.couple_layers,
                align=self.align,
                coupling_init_std=self.coupling_init_std,
                coupling_bias_init=self.coupling_bias_init,
                coupling_penalty=self.coupling_penalty,
                coupling_penalty_norm=self.coupling_penalty_norm,
                checkpoint_steps=self.checkpoint_steps,
                compile_step=self.compile_step,
            ),
            callbacks=self._training_callbacks("valid_knn_acc", lower_is_better=False,
                                               scoring=scoring),
            **criterion,
        )
        # train
        self.net_ = self._train(net, data, target, seed)
        # attributes: the fitted series, which distances are computed against;
        # the scoring's copies of them are not pickled
        self.X_fit_ = np.array(X_fit)  # a copy: the caller may change X later
        self.window_size_, self.stride_ = framing
        for _, callback in self.net_.callbacks_:
            if isinstance(callback, NearestNeighborScoring):
                callback.reference = callback.valid = None
        return self

    # -- distances -------------------------------------------------------------

    def _chunk_size(self, chunk_size=None, device=None):
        """Pairs per chunk on ``device``, by default the fitted net's (which a
        model unpickled without CUDA moved to the CPU: not ``self.device``)."""
        if chunk_size is not None:  # a call's own, checked like the mixin's
            return _check_chunk_size(chunk_size, None)
        if self.chunk_size != "auto":
            return int(self.chunk_size)
        # CPU: per-step work of ~1000 pairs hides the per-op overhead and stays
        # in cache (larger chunks measured slower); a GPU needs far more pairs.
        device = torch.device(self.net_.device if device is None else device)
        return 65536 if device.type == "cuda" else 1024

    def _tensors(self, X):
        lengths = sequence_lengths(X)
        device = self.net_.device
        return (
            torch.as_tensor(padded_float32(X, lengths), device=device),
            torch.as_tensor(lengths, device=device),
        )

    def pairwise_distances(self, X, Y=None, *, n_jobs=None, chunk_size=None,
                           shortlist_size=None, shortlist="uncoupled"):
        """Learned distances between every series of ``X`` and every one of ``Y``.

        Computed in chunks of ``chunk_size`` pairs of series of similar
        lengths. With ``Y=None`` only the pairs ``i < j`` run: the matrix is
        symmetric with a zero diagonal. With a shortlist, a two-stage k-NN
        search: only the ``shortlist_size`` series of ``Y`` nearest
        (Euclidean) to a row in the ``shortlist`` embedding are coupled, and
        the result is scikit-learn's sparse neighbours graph.

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_timestamps, n_channels) or list
        Y : array-like of shape (n_samples_Y, n_timestamps_Y, n_channels), \
                list or None, default=None
        n_jobs : int or None, default=None
            Threads computing chunks on the CPU, or the workers of a
            :func:`joblib.parallel_config` context's backend (``"dask"``
            spreads them over a ``dask.distributed`` cluster); None: the
            ``n_jobs`` parameter. The result does not depend on it.
        chunk_size : int or None, default=None
            Most pairs per chunk; None: the ``chunk_size`` parameter. The
            distances are the same up to float32 rounding.
        shortlist_size : int or None, default=None
            Candidates per row, ``m``; None: the ``shortlist_size`` parameter
            (None there too: the exact, dense matrix). ``m >= n_samples_Y``
            scores every pair: the exact distances, in the sparse format.
        shortlist : "uncoupled", fitted transformer or callable, \
                default="uncoupled"
            What embeds each series of ``X`` and ``Y`` alone to rank the
            candidates. "uncoupled": :meth:`embed` (this model, coupling gates
            shut; with ``coupling=False`` its distances are the model's, so
            the candidates are scored on it without another pass). A fitted
            transformer: its ``transform``, e.g. a
            :class:`~sktime_metric.metric.SiameseRNNEmbedder` fitted on the
            same series. A callable ``f(X) -> (n_samples, k)`` embeddings, e.g.
            the :meth:`embed` of ``CoupledGRUMetric(coupling=False)``.

        Returns
        -------
        distances : ndarray of shape (n_samples_X, n_samples_Y), or \
                scipy.sparse.csr_matrix of that shape with a shortlist
            With a shortlist, row ``i`` stores exactly ``min(m, n_samples_Y)``
            entries, sorted by distance (zeros stored explicitly): its
            candidates' coupled distances, equal to the exact matrix's. Entries
            not stored mean "not scored" (an infinite distance), not 0:
            ``KNeighborsClassifier(metric="precomputed")`` reads them as "not
            a neighbour", ``toarray()`` as 0. A dense matrix with ``np.inf``
            there::

                D = D.tocoo()
                dense = np.full(D.shape, np.inf)
                dense[D.row, D.col] = D.data

        Notes
        -----
        A shortlist costs one embedding pass per series and at most ``n_X m``
        coupled passes (the exact matrix: ``n_X n_Y``, or ``n_X (n_X - 1) / 2``
        with ``Y=None``). The ``k <= m`` nearest neighbours read from the
        graph are the exact ones whenever a row's true ``k`` nearest are
        shortlisted; otherwise the nearest candidates stand in, silently
        (``benchmarks/bench_cgru.py`` measures how often). scikit-learn refuses
        ``n_neighbors`` larger than the stored entries of a row.
        """
        n_jobs = check_n_jobs(self.n_jobs if n_jobs is None else n_jobs)
        chunk_size = self._chunk_size(chunk_size)
        shortlist, m = check_shortlist(
            shortlist, self.shortlist_size if shortlist_size is None else shortlist_size
        )
        X_checked = self._metric_inputs(X)
        Y_checked = None if Y is None else self._metric_inputs(Y, "Y")
        if m is not None:
            E = self._shortlist_embedding(shortlist, X, X_checked, "X")
            E2 = E if Y is None else self._shortlist_embedding(shortlist, Y, Y_checked, "Y")
            if not self.coupling and isinstance(shortlist, str):
                # without coupling the distance is the Euclidean one between
                # the embed() rows the shortlist ranked: no pass to run again
                # (and no padded copy of the series to make)
                return shortlist_graph(
                    E, E2, m, lambda left, right: np.linalg.norm(E[left] - E2[right], axis=1),
                    symmetric=Y is None)
        x, lengths = self._tensors(X_checked)
        x2, lengths2 = (None, None) if Y is None else self._tensors(Y_checked)
        # chunks on threads or a joblib context's workers (dask), in any order
        # (each carries its pairs); one device runs one chunk at a time
        map_chunks = partial(map_in_parallel, ordered=False,
                             n_jobs=n_jobs if self.net_.device == "cpu" else 1)

        module = self.net_.module_
        if m is None:
            distances = module.pairwise_distances(
                x, lengths, x2, lengths2, chunk_size=chunk_size,
                map_chunks=map_chunks,
            )
            return distances.cpu().double().numpy()

        def score_pairs(left, right):  # the coupled passes, candidates only
            return module.paired_distances(
                x, lengths, torch.as_tensor(left, device=x.device),
                torch.as_tensor(right, device=x.device), x2, lengths2,
                chunk_size=chunk_size, map_chunks=map_chunks,
            ).cpu().double().numpy()

        return shortlist_graph(E, E2, m, score_pairs, symmetric=Y is None)

    def _shortlist_embedding(self, shortlist, X, X_checked, name):
        if isinstance(shortlist, str):  # "uncoupled"
            return self._embed_checked(X_checked, name)
        return check_embedding(shortlist(X), len(X_checked), name)

    def _embed_checked(self, X, name="X"):
        lengths = sequence_lengths(X)
        return self._predict_batches(
            self._net_input(X, lengths, name), lengths,
            lambda module, x, lengths: module.embed(x, lengths), name=name,
        )[0].double().numpy()

    def embed(self, X):
        """Each series alone through the GRU, uncoupled: its final state.

        With ``coupling=False`` (the siamese GRU) the learned distance is the
        Euclidean distance between these vectors. With coupling, they come from
        the same weights with the coupling gates shut (``c_t = 0``): they only
        approximate how the coupled distance ranks pairs, which is enough to
        shortlist candidates for it (the default ``shortlist`` of
        :meth:`pairwise_distances`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        embedding : ndarray of shape (n_samples, hidden_size)
        """
        return self._embed_checked(self._metric_inputs(X))

    # -- PairMetricMixin hooks -------------------------------------------------

    def _metric_inputs(self, X, name="X"):
        # every distance reads the series as the net was trained on them: framed
        check_is_fitted(self, "net_")
        window = getattr(self, "window_size_", 1)
        checked, lengths = self._validate_X(X, reset=False, name=name)
        if X is not getattr(self, "X_fit_", None):  # transform's columns: fit warned
            warn_if_shorter_than_window(lengths, window, name, parameter="window_size")
        # (framed_series names a value beyond float32's range, which the
        # distances' float32 copy, in _tensors, no longer could)
        return framed_series(checked, window, getattr(self, "stride_", 1), name=name)

    def _paired_distances(self, A, B):
        (x, lengths), (x2, lengths2) = self._tensors(A), self._tensors(B)
        rows = torch.arange(len(lengths), device=x.device)
        return self.net_.module_.paired_distances(
            x, lengths, rows, rows, x2, lengths2, chunk_size=self._chunk_size(),
        ).cpu().double().numpy()

    def _indexed_pair_distances(self, X, pairs):
        """Distances of the pairs ``(X[i], X[j])``; each series projected once."""
        x, lengths = self._tensors(self._metric_inputs(X))
        pairs = torch.as_tensor(np.asarray(pairs), device=x.device)
        return self.net_.module_.paired_distances(
            x, lengths, pairs[:, 0], pairs[:, 1], chunk_size=self._chunk_size(),
        ).cpu().double().numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # batches and pairs come from the labels
        return tags
