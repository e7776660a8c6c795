"""MatchingNetworkClassifier: few-shot sequence classification (SSMN)."""

import math
from numbers import Integral, Real

import numpy as np
import torch
from skorch.dataset import Dataset
from sklearn.base import (
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import TransformerTags
from sklearn.utils.validation import check_is_fitted

from .._fitted import reset_fitted_state
from .._predicting import _refuse_non_finite
from ..base import BaseSequenceNet, derive_seed, warn_if_not_learned
from ..nn.matching import (
    EpisodeNLLLoss,
    MatchingNetworkModule,
    cosine_temperature,
    leave_self_out,
)
from ..nn.seq2seq import Seq2SeqLoss, Seq2SeqMetricModule
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils._warnings import warn
from ..utils._skorch import (
    EarlyStoppingFromStart,
    EpisodeAccuracyScoring,
    EpisodicNet,
    InitialModuleState,
    SiameseNet,
    episode_iterators,
    fixed_validation,
    gradient_norm_clipping,
    plateau_lr_schedule,
    training_callbacks,
    warn_if_episodes_cannot_query,
    warn_if_episodes_repeat,
)
from ..metric._pairs import holdout_split

__all__ = ["MatchingNetworkClassifier"]


class MatchingNetworkClassifier(
    ClassNamePrefixFeaturesOutMixin, ClassifierMixin, TransformerMixin, BaseSequenceNet
):
    """Matching network on sequences, trained on episodes (SSMN).

    A GRU encoder embeds each series; a support set of labelled series is
    read in full context by a bidirectional GRU, each query is refined by an
    attention GRU, and a query's class posterior is the softmax-attention mass
    of the support series of that class. Training is episodic (N-way K-shot
    episodes of the training classes, drawn by a seeded batch sampler inside
    skorch). After ``fit``, the training data is the support set, so
    ``predict`` and ``cross_val_score`` work as usual; :meth:`set_support`
    swaps in labelled examples of new classes without any gradient step.

    The defaults are measured as an ordinary classifier (fit on a training
    set, predict a test set against all of it), on datasets the model was not
    developed on; the thesis's configuration is ``support_context=True,
    pooling="last", min_episodes=1, center=False, class_prior="support",
    n_way=3, temperature=1.0``, which collapsed there
    (:ref:`few_shot_defaults` has the measurements behind every default). A
    fit whose leave-one-out accuracy on its own training series (each left
    out of the support set) is no better than predicting the most frequent
    class, nor its balanced accuracy better than chance, raises a
    ``ConvergenceWarning``, as does a training set with a
    single series in every class (no episode has a query; the encoder is
    left untrained).

    Parameters
    ----------
    hidden_size : int, default=100
        Units of the GRU encoder.
    projection_size : int or None, default=None
        Size of the trainable linear layer after the encoder; None: none.
    support_context : bool, default=False
        Bidirectional-GRU full-context embedding of the support set (the
        thesis). Off by default: trained on episodes of ``n_way * k_shot``
        support series, the bi-GRU then reads the whole training set as the
        support after ``fit``, far outside what it was trained on (measured
        to collapse). Turn it on for few-shot use with small support sets.
    processing_steps : int, default=1
        ``p`` of the attention GRU; 0 disables it.
    attention_variant : {"thesis", "vinyals"}, default="thesis"
    metric : {"cosine", "euclidean"}, default="cosine"
    temperature : float or "auto", default="auto"
        Divides the similarities before the softmax. "auto": with
        ``metric="cosine"``, AdaCos's fixed scale for the classes of a
        training episode (:func:`~sktime_metric.nn.matching.cosine_temperature`:
        1.0 up to 3 classes, 0.34 for 9, 0.20 for 37), 1.0 with
        ``metric="euclidean"``; ``temperature_`` holds the value used. At 1.0
        the cosines cap how far one class's posterior can exceed another's,
        and networks trained on many classes underfit (measured:
        :ref:`few_shot_defaults`).
    n_way : int or "all", default="all"
        Classes per training episode, at least 2 (capped at the number of
        classes).
        "all": every training class in every episode, so that training
        chooses among as many classes as ``predict`` does against the whole
        training set (the thesis's suggestion for its full, all-class
        setting, section 5.2.1); each episode then holds every training
        series. On 2 or 3 classes it draws the same episodes as the thesis's
        3-way ones; on more, it measured better as an ordinary classifier, at
        several times the fitting time on many classes
        (:ref:`few_shot_defaults`). For few-shot use on new classes, the
        number of classes a test episode has (the thesis: 3).
    k_shot : int, default=1
        Support series per class in training episodes.
    n_query : int or None, default=None
        Queries per class and episode; None: all the class's other series
        (with ``n_way="all"`` an episode, one batch, is then the whole
        training set: set it to bound an episode's memory and time on large
        training sets).
    min_episodes : int, default=8
        Training episodes per epoch, at least: an epoch is one pass over the
        training classes in groups of ``n_way``, extended with further
        episodes (fresh class groups) up to this many, as
        :func:`~sktime_metric.base.steps_batch_size` gives every small
        training set 8 batches per epoch. The thesis's epoch
        (``min_episodes=1``) is one optimiser step per epoch on a 3-class set,
        which measured too few to learn.
    pretrain_epochs : int, default=0
        Epochs of denoising Seq2Seq pretraining of the encoder (on ``X`` or
        ``X_pretrain``, labels unused) before the episodes; 0: none, the
        encoder is trained end to end with the episodic loss. For new classes,
        ``pretrain_epochs=50, freeze_encoder=False, early_stopping=True``
        with ``n_way`` the test episodes' classes measured best on average
        over three few-shot datasets (:ref:`few_shot`).
    pretrain_lr : float, default=0.01
    input_mask_p : float, default=0.3
        Pretraining corruption: each value zeroed with this probability.
    freeze_encoder : bool, default=True
        Keep a pretrained encoder fixed (ignored without pretraining).
    spectral_radius : float or None, default=1.1
        Recurrent gate matrices start orthogonal times this value (the
        thesis's initialisation); None: torch's default.
    pooling : {"last", "mean", "attention"}, default="mean"
        The encoder's state at each series' last step (the thesis), its
        mean over the valid steps, or its attended mean (learned weights over
        the valid steps, the attended regressor's eqs. 4.4-4.6). The last two
        read the whole series: on long series the last state forgets their
        start. "attention" measured no better than "mean", at ~20 % more
        fitting time.
    center : bool, default=True
        Compare the queries and the support series around the support set's
        mean embedding (each side in its own embedding, see
        :meth:`~sktime_metric.nn.MatchingNetworkModule.query_scores`), as
        SimpleShot's centring does (Wang et al. 2019), rather than around the
        origin as the thesis does (``center=False``). The mean of the
        encoder's states over a long series is nearly the same vector for
        every series, so the plain cosines are all about 1, the matching
        weights uniform and the training loss can stay at ln(n_way).
    default_support : {"all", "k_shot"}, default="all"
        The support set after ``fit``: all training series, or ``k_shot``
        random series per class (seeded).
    class_prior : {"uniform", "support"}, default="uniform"
        The class prior of the posterior. "support": a class's probability is
        the sum of the matching weights of its support series (Vinyals et al.'s
        eq. 1, the thesis's), so it grows with the class's number of support
        series; training episodes are class-balanced (``k_shot`` series per
        class) and never teach the model to undo that. "uniform": each class's
        sum divided by its number of support series, then renormalised, so
        every class starts equal, as in the episodes. The two agree on a
        support set with as many series of every class; on unbalanced
        training sets "support" can predict the majority class for every
        series.
    support_order : {"given", "class_sorted"}, default="given"
        The bi-GRU context depends on the order of the support series: keep
        the order given, or sort them by class (stable).
    standardize : bool, default=True
        Scale each channel to zero mean and unit variance with the statistics
        of the training series (``mean_``, ``scale_``), for the support set,
        the queries and the pretraining series alike.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes' queries in the episodic loss, ``{label:
        weight}`` or "balanced" (``n_samples / (n_classes * count)``).
    max_epochs : int, default=100
        An epoch is ``min_episodes`` episodes or one pass over the training
        classes in groups of ``n_way``, whichever is more.
    lr : float, default=1e-3
    batch_size : int, default=10
        Batch size of the pretraining only (an episode is one batch).
    optimizer : {"adam", "rmsprop", "adamw", "sgd"} or class, default="adam"
    weight_decay : float, default=0.0
    grad_clip_norm : float or None, default=6.0
        Global gradient-norm clipping.
    lr_patience : int, default=10
        Halve the learning rate when the training loss has not decreased for
        this many epochs.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training series, score the
        accuracy of fixed validation episodes drawn among them (``valid_acc``
        in ``history_``) before training and after every epoch, stop when it
        has not improved for ``n_iter_no_change`` epochs, and keep the best
        weights, the untrained (or pretrained) ones included (the thesis's
        early stopping on a validation support set). The setting for few-shot
        use on new classes: on few base classes episodic training specialises
        the encoder to them, and an untrained one can match new classes
        better.
    validation_fraction : float, default=0.15
    validation : {"disjoint_classes", "stratified"}, default="disjoint_classes"
        What ``early_stopping`` holds out: whole base classes (at least 2, and
        2 left to train on), so that the score measures matching on classes
        the encoder never trained on, what a few-shot model is for; or a
        stratified share of every class's series. With fewer than 4 classes
        no class can be held out: a warning, and the encoder is kept as
        initialised (or pretrained), since no epoch could be judged on
        classes it did not train on.
    n_iter_no_change : int, default=5
        Epochs without a better validation accuracy before early stopping.
        Few: an epoch's score on a few held-out classes is noisy, and the
        longer the wait the likelier an epoch beats the untrained weights by
        chance.
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, pretraining noise and the episodes.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Channel statistics of the training series (only when ``standardize``).
    classes_ : ndarray of shape (n_classes,)
        Labels of the current support set.
    n_features_in_ : int
    net_ : skorch.NeuralNet
        ``net_.module_`` is the :class:`~sktime_metric.nn.MatchingNetworkModule`.
    pretrain_net_ : skorch.NeuralNet or None
        The Seq2Seq pretraining net, when ``pretrain_epochs > 0``.
    temperature_ : float
        The temperature used (``temperature``, or the value of "auto").

    References
    ----------
    .. [1] O. Vinyals, C. Blundell, T. Lillicrap, K. Kavukcuoglu and D. Wierstra,
       "Matching Networks for One Shot Learning", NeurIPS 2016.

    Examples
    --------
    >>> from sktime_metric.classification import MatchingNetworkClassifier
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(n_samples=30, random_state=0)
    >>> clf = MatchingNetworkClassifier(hidden_size=8, n_way=2, max_epochs=2,
    ...                                 random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:4]).shape, clf.transform(X[:4]).shape
    ((4, 3), (4, 8))
    >>> clf.set_support(X[:6], ["a", "a", "b", "b", "c", "d"]).classes_
    array(['a', 'b', 'c', 'd'], dtype='<U1')
    """

    # what an archive written before a parameter existed loads with: the value
    # that reproduces the model it holds (persistence.load_weights): the
    # thesis's uncentred cosines and support-frequency prior; no class weights,
    # one pass over the classes an epoch, no early stopping (these and the
    # unused validation settings only affect refitting)
    _PARAMETERS_ADDED = {"center": False, "class_prior": "support",
                         "class_weight": None, "min_episodes": 1,
                         "early_stopping": False, "n_iter_no_change": 10,
                         "validation": "stratified", "validation_fraction": 0.2}
    _ATTRIBUTES_ADDED = {"temperature_": ("temperature", float)}

    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        "projection_size": [Interval(Integral, 1, None, closed="left"), None],
        "support_context": ["boolean"],
        "processing_steps": [Interval(Integral, 0, None, closed="left")],
        "attention_variant": [StrOptions({"thesis", "vinyals"})],
        "metric": [StrOptions({"cosine", "euclidean"})],
        "temperature": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "n_way": [Interval(Integral, 2, None, closed="left"), StrOptions({"all"})],
        "k_shot": [Interval(Integral, 1, None, closed="left")],
        "n_query": [Interval(Integral, 1, None, closed="left"), None],
        "min_episodes": [Interval(Integral, 1, None, closed="left")],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "pretrain_lr": [Interval(Real, 0, None, closed="neither")],
        "input_mask_p": [Interval(Real, 0, 1, closed="left")],
        "freeze_encoder": ["boolean"],
        "spectral_radius": [Interval(Real, 0, None, closed="neither"), None],
        "pooling": [StrOptions({"last", "mean", "attention"})],
        "center": ["boolean"],
        "default_support": [StrOptions({"all", "k_shot"})],
        "class_prior": [StrOptions({"uniform", "support"})],
        "support_order": [StrOptions({"given", "class_sorted"})],
        "grad_clip_norm": [Interval(Real, 0, None, closed="neither"), None],
        "lr_patience": [Interval(Integral, 1, None, closed="left")],
        "validation": [StrOptions({"disjoint_classes", "stratified"})],
    }

    def __init__(self, hidden_size=100, *, projection_size=None, support_context=False,
                 processing_steps=1, attention_variant="thesis", metric="cosine",
                 temperature="auto", n_way="all", k_shot=1, n_query=None, min_episodes=8,
                 pretrain_epochs=0,
                 pretrain_lr=0.01, input_mask_p=0.3, freeze_encoder=True,
                 spectral_radius=1.1, pooling="mean", center=True,
                 default_support="all", class_prior="uniform", support_order="given",
                 standardize=True,
                 class_weight=None,
                 max_epochs=100, lr=1e-3,
                 batch_size=10, optimizer="adam", weight_decay=0.0, grad_clip_norm=6.0,
                 lr_patience=10, early_stopping=False, validation_fraction=0.15,
                 validation="disjoint_classes", n_iter_no_change=5, callbacks=None,
                 device="cpu", verbose=0, random_state=None):
        self.hidden_size = hidden_size
        self.projection_size = projection_size
        self.support_context = support_context
        self.processing_steps = processing_steps
        self.attention_variant = attention_variant
        self.metric = metric
        self.temperature = temperature
        self.n_way = n_way
        self.k_shot = k_shot
        self.n_query = n_query
        self.min_episodes = min_episodes
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_lr = pretrain_lr
        self.input_mask_p = input_mask_p
        self.freeze_encoder = freeze_encoder
        self.spectral_radius = spectral_radius
        self.pooling = pooling
        self.center = center
        self.default_support = default_support
        self.class_prior = class_prior
        self.support_order = support_order
        self.standardize = standardize
        self.class_weight = class_weight
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_norm = grad_clip_norm
        self.lr_patience = lr_patience
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation = validation
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def fit(self, X, y, X_pretrain=None, sample_weight=None):
        """Pretrain (optionally), train on episodes, keep a default support set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
            NaN-padded series of the base (training) classes.
        y : array-like of shape (n_samples,)
        X_pretrain : array-like or None, default=None
            Unlabelled series for the Seq2Seq pretraining (same channels);
            None: ``X``. Only used when ``pretrain_epochs > 0``. Through
            ``GridSearchCV(...).fit(X, y, X_pretrain=...)`` or
            ``cross_validate(..., params=...)``, scikit-learn cuts a fit
            parameter with as many rows as ``X`` into the training fold's
            rows, as it cuts ``sample_weight``; a set of another size is
            passed whole.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each series when it is a query of a training episode
            (the episode's loss is the weighted mean over its queries),
            multiplied by its class's ``class_weight``. It does not weigh the
            channel statistics (``mean_``, ``scale_``), unlike the other
            classifiers': a series of weight 0 is still a support series, in
            the training episodes and in the default support set of
            ``predict``, so the network reads it whatever its weight.

        Returns
        -------
        self : object
        """
        # validate
        self._validate_params()
        reset_fitted_state(self)
        X, lengths = self._validate_X(X, reset=True, standardize=False)
        y = self._check_labels(X, y)
        codes = LabelEncoder().fit_transform(y).astype(np.int64)
        weights = self._training_weights(y, sample_weight)
        # unweighted: the weights weigh a series as a query only, and every
        # series is read as a support series whatever its weight
        X = self._fit_standardize(X, None)
        n_classes = int(codes.max()) + 1
        # "all": as wide as the classes (the sampler caps n_way at the
        # classes of the series it draws from), and the same classes in
        # every episode by choice, so no warning that they repeat
        if self.n_way == "all":
            n_way = n_classes
        else:
            n_way = self.n_way
            warn_if_episodes_repeat(n_classes, n_way)
        temperature = self.temperature
        if temperature == "auto":  # the episode's classes set the cosine scale
            temperature = (cosine_temperature(min(n_way, n_classes))
                           if self.metric == "cosine" else 1.0)
        pre_name = "X" if X_pretrain is None else "X_pretrain"
        X_pre, lengths_pre = (X, lengths) if X_pretrain is None else \
            self._validate_X(X_pretrain, reset=False, name=pre_name)
        # seed
        seed = derive_seed(self.random_state)
        clip = ([("grad_clip", gradient_norm_clipping(self.grad_clip_norm))]
                if self.grad_clip_norm is not None else [])
        # build and train the denoising Seq2Seq pretraining (thesis section
        # 2.1.4.4): the SS2S net on single series, reconstruction only; seeded
        # apart from the episodes (seed + 1) so that turning it on does not
        # change which episodes are drawn
        self.pretrain_net_ = None
        encoder_state = None
        if self.pretrain_epochs:
            pretrain = self._make_net(
                SiameseNet,
                Seq2SeqMetricModule,
                dict(n_features=X.shape[2], hidden_size=self.hidden_size, cell="gru",
                     input_mask_p=float(self.input_mask_p)),
                criterion=Seq2SeqLoss,
                callbacks=clip,
                lr=self.pretrain_lr,
                max_epochs=self.pretrain_epochs,
            )
            self.pretrain_net_ = self._train(
                pretrain, self._net_input(X_pre, lengths_pre, pre_name), None,
                seed + 1)
            encoder_state = {k: v.detach().clone() for k, v in
                             pretrain.module_.autoencoder.state_dict().items()}
        # what to train and validate on: with early stopping, held-out base
        # classes (or series) make fixed validation episodes
        train_rows, valid_set = np.arange(len(y)), None
        keep_initial = (self.early_stopping and self.validation == "disjoint_classes"
                        and n_classes < 4)
        if keep_initial:
            # no 2 classes can be held out with 2 left to train on, so no
            # epoch can be judged on classes it did not train on: only the
            # initial weights, the first candidate of early stopping, remain
            # (BasicMotions' 2 base classes: see the user guide)
            warn(
                f"validation='disjoint_classes' needs at least 4 training "
                f"classes (2 held out, 2 to train on); y has {n_classes}. No "
                "epoch can be validated on classes it did not train on, so the "
                "encoder is kept as initialised (or pretrained). Use "
                "validation='stratified' to train on these classes anyway.",
                UserWarning,
            )
        if not keep_initial and not warn_if_episodes_cannot_query(codes):
            keep_initial = True  # no query: no loss to train on
        early_stopping = self.early_stopping and not keep_initial
        if early_stopping:
            train_rows, valid_rows = (np.sort(part) for part in holdout_split(
                codes, self.validation_fraction, seed, validation=self.validation))
            valid_inputs = self._net_input(X[valid_rows], lengths[valid_rows])
            if weights is not None:
                valid_inputs = {**valid_inputs, "sample_weight": weights[valid_rows]}
            valid_set = Dataset(valid_inputs, codes[valid_rows])
        # build the episodic net: one N-way K-shot episode per batch, drawn
        # by a seeded sampler; no value clipping; the learning rate halves when
        # the training loss stalls; early stopping watches the validation
        # episodes' loss
        lr_plateau = plateau_lr_schedule(
            "train_loss", lower_is_better=True, factor=0.5, patience=self.lr_patience)
        callbacks = training_callbacks(
            grad_clip_value=None, early_stopping=early_stopping,
            n_iter_no_change=self.n_iter_no_change, monitor="valid_acc",
            lower_is_better=False, verbose=self.verbose, user_callbacks=self.callbacks,
            scoring=[
                *([("valid_acc", EpisodeAccuracyScoring())] if early_stopping else []),
                *([("load_encoder", InitialModuleState(encoder_state, "autoencoder"))]
                  if encoder_state is not None else []),
                *clip,
                *([] if early_stopping else [("lr_plateau", lr_plateau)]),
            ],
            lr_schedule=lr_plateau,
        )
        # the weights before training are a candidate of early stopping
        callbacks = [(name, EarlyStoppingFromStart(**cb.get_params()))
                     if name == "early_stopping" else (name, cb)
                     for name, cb in callbacks]
        net = self._make_net(
            EpisodicNet,
            MatchingNetworkModule,
            dict(
                n_features=X.shape[2],
                hidden_size=self.hidden_size,
                projection_size=self.projection_size,
                support_context=self.support_context,
                processing_steps=self.processing_steps,
                attention_variant=self.attention_variant,
                metric=self.metric,
                temperature=temperature,
                input_mask_p=self.input_mask_p,
                freeze_encoder=self.freeze_encoder and self.pretrain_epochs > 0,
                spectral_radius=self.spectral_radius,
                pooling=self.pooling,
                center=self.center,
            ),
            criterion=EpisodeNLLLoss,
            # weighted: per-query losses, averaged with the weights by the net
            criterion__reduction="mean" if weights is None else "none",
            callbacks=callbacks,
            train_split=fixed_validation(valid_set),
            **({"max_epochs": 0} if keep_initial else {}),
            **episode_iterators(n_way, self.k_shot, self.n_query,
                                n_episodes=self._n_episodes(codes[train_rows], n_way),
                                validation_seed=seed if early_stopping else None),
            # as many fixed validation episodes as training episodes an
            # epoch: one pass over 2 held-out classes is a single 1-shot
            # episode, whose score hangs on which series drew the support
            **({"iterator_valid__n_episodes": self._n_episodes(codes[valid_rows], n_way)}
               if early_stopping else {}),
        )
        # train
        inputs = self._net_input(X[train_rows], lengths[train_rows])
        if weights is not None:
            inputs = {**inputs, "sample_weight": weights[train_rows]}
        self.net_ = self._train(net, inputs, codes[train_rows], seed)
        self.net_.train_split = None  # do not pickle the validation series
        # attributes: the temperature used, the default support set
        self.temperature_ = float(temperature)
        keep = np.arange(len(y))
        if self.default_support == "k_shot":
            rng = np.random.RandomState(seed)
            keep = np.sort(np.concatenate([
                rng.permutation(np.flatnonzero(y == c))[: self.k_shot]
                for c in np.unique(y)]))
        order = self._set_support_checked(X[keep], lengths[keep], y[keep])
        # with its training series in the support set, each would match
        # itself: the check leaves it out of its own support set, so that a
        # collapsed model cannot pass on self-matches (measured: the
        # full-context default at 0.246 test accuracy on JapaneseVowels
        # raised no warning before)
        self_pairs = leave_self_out(len(y), keep[order], self._support_codes)
        proba = torch.as_tensor(self._posterior(X, lengths, exclude=self_pairs),
                                device="cpu")
        warn_if_not_learned(
            self, np.searchsorted(self.classes_, y), torch.log(proba + 1e-12),
            by="accuracy")
        return self

    def _n_episodes(self, codes, n_way):
        """Training episodes per epoch: a pass over the classes, >= min_episodes."""
        n_classes = len(np.unique(codes))
        return max(math.ceil(n_classes / min(n_way, n_classes)), self.min_episodes)

    # -- support set -------------------------------------------------------

    def _embed(self, X, lengths, name="X", order=None):
        """Context-free embeddings ``(n, d)`` as a CPU tensor (no gradients)
        of the rows ``order`` of ``X`` (None: all, as given); ``name``: the
        argument ``X`` came in, for the messages."""
        def embed(module, x, lengths):
            return module.embed(x, lengths)

        inputs = self._net_input(X, lengths, name)  # names rows as given
        if order is None:
            return self._predict_batches(inputs, lengths, embed, name=name)[0]
        out = self._predict_batches({k: v[order] for k, v in inputs.items()},
                                    lengths[order], embed, finite=False)[0]
        # a series that overflowed is named by its row in X, not in ``order``
        _refuse_non_finite(out[np.argsort(order)], slice(None), lengths, name)
        return out

    def _support(self, X, lengths, y, names=("X", "y")):
        """``(classes, codes, S', order)`` of a support set, in ``support_order``."""
        y = self._check_labels(X, y, names=names)
        encoder = LabelEncoder().fit(y)
        codes = encoder.transform(y)
        order = np.arange(len(y))
        if self.support_order == "class_sorted":
            order = np.argsort(codes, kind="stable")
        # on the fitted net's device (not the ``device`` parameter: a model
        # unpickled without CUDA runs on the CPU), kept on the CPU, so that a
        # model fitted on a GPU pickles and loads where there is none
        embedded = self._embed(X, lengths, names[0], order).to(self.net_.device)
        with torch.no_grad():
            context = self.net_.module_.support_embedding(embedded).cpu()
        return encoder.classes_, codes[order], context, order

    def _set_support_checked(self, X, lengths, y):
        """Store the support set; return the order of its series."""
        (self.classes_, self._support_codes, self._support_context,
         order) = self._support(X, lengths, y)
        return order

    def _posterior(self, X, lengths, support=None, exclude=None):
        """``P(c | x, S)`` of validated ``X`` on ``support`` ``(S', codes, n_classes)``.

        ``support=None``: the stored support set.
        """
        context, codes, n_classes = support or (
            self._support_context, self._support_codes, len(self.classes_))
        with torch.no_grad():
            device = self.net_.device
            queries = self._embed(X, lengths).to(device)
            return self.net_.module_.posterior(
                queries, context.to(device), codes, n_classes, exclude=exclude,
                class_prior=self.class_prior).cpu().numpy()

    def set_support(self, X, y):
        """Replace the support set (no gradient step); updates ``classes_``.

        The support series are kept in the order given (or sorted by class,
        see ``support_order``): the bi-GRU context embedding depends on it.
        It changes the fitted model, as a ``partial_fit`` would: a predict
        running meanwhile in another thread may read the old set's classes
        with the new set's posteriors. For a per-call set, pass
        ``X_support`` / ``y_support`` to :meth:`predict` instead.

        Parameters
        ----------
        X : array-like of shape (n_support, n_timestamps, n_channels) or list
        y : array-like of shape (n_support,)
            Any labels, new classes included.

        Returns
        -------
        self : object
        """
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False)
        self._set_support_checked(X, lengths, y)
        return self

    # -- prediction --------------------------------------------------------

    def predict_proba(self, X, X_support=None, y_support=None):
        """Class posteriors ``P(c | x, S)`` against the support set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        X_support, y_support : array-like or None, default=None
            A one-off support set (the stored one is left unchanged); the
            columns are then its sorted labels, not ``classes_``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._proba(X, X_support, y_support)[1]

    def predict_log_proba(self, X, X_support=None, y_support=None):
        """Log of the class posteriors (:meth:`predict_proba`).

        The posterior is a sum of attention weights, so a class whose
        weights all underflow has probability 0 and log-probability -inf.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        X_support, y_support : array-like or None, default=None
            See :meth:`predict_proba`.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):  # log(0) = -inf, as said above
            return np.log(self._proba(X, X_support, y_support)[1])

    def _proba(self, X, X_support, y_support):
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False)
        if X_support is None:
            if y_support is not None:
                raise ValueError("y_support was given without X_support: pass both "
                                 "for a one-off support set, or neither.")
            return self.classes_, self._posterior(X, lengths)
        Xs, ls = self._validate_X(X_support, reset=False, name="X_support")
        classes, codes, context, _ = self._support(
            Xs, ls, y_support, names=("X_support", "y_support"))
        return classes, self._posterior(X, lengths, (context, codes, len(classes)))

    def predict(self, X, X_support=None, y_support=None):
        """Labels of the most probable support class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        X_support, y_support : array-like or None, default=None
            See :meth:`predict_proba`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        classes, proba = self._proba(X, X_support, y_support)
        return classes[proba.argmax(axis=1)]

    def fit_transform(self, X, y, X_pretrain=None, sample_weight=None):
        """Fit, then return the embeddings of ``X`` (see :meth:`transform`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        y : array-like of shape (n_samples,)
        X_pretrain : array-like or None, default=None
        sample_weight : array-like of shape (n_samples,), default=None
            As in :meth:`fit`.

        Returns
        -------
        embeddings : ndarray of shape (n_samples, d)
        """
        return self.fit(X, y, X_pretrain=X_pretrain,
                        sample_weight=sample_weight).transform(X)

    def transform(self, X):
        """Context-free embeddings ``y`` (encoder, then the linear layer).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_channels) or list

        Returns
        -------
        embeddings : ndarray of shape (n_samples, d)
        """
        check_is_fitted(self, "net_")
        X, lengths = self._validate_X(X, reset=False)
        return self._embed(X, lengths).double().numpy()

    @property
    def _n_features_out(self):
        """Columns of :meth:`transform` (for ``get_feature_names_out``)."""
        return self.net_.module_.embedding_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # transform gives float64 embeddings whatever the input dtype
        tags.transformer_tags = TransformerTags(preserves_dtype=[])
        return tags
