"""skorch nets for sequence modules, and our parameters translated into skorch's.

Estimators compose one of these nets inside ``fit`` (subclassing
``NeuralNetClassifier`` fails many scikit-learn checks).
"""

import math

import numpy as np
import torch
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EarlyStopping, LRScheduler, ProgressBar
from skorch.dataset import ValidSplit
from skorch.helper import predefined_split

from .training import AfterLearningStarts, GradientValueClipping, ParameterAveraging


class _SequenceLossMixin:
    """The loss hooks every sequence module may use.

    - A module may return ``(output, extras...)``; the loss reads the first item
      (skorch's ``predict_proba`` already takes the first element of a tuple).
    - A module may define ``penalty()``, a scalar tensor added to the training
      loss (e.g. an L2 term on some parameters only, which the optimiser's
      ``weight_decay`` cannot express). It is left out of validation losses, so
      early stopping watches the data term.
    - A training loss that is not finite stops the fit with a ValueError
      (scikit-learn's ``SGDClassifier`` does the same on an overflow): the
      weights are lost, and going on would hand the user a model that
      predicts NaN (measured: ``IARNRecommender``'s ReLU recurrences on
      histories of 100 at lr 3e-3).
    """

    # False: the criterion receives the module's whole output tuple.
    _loss_reads_first_output = True

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if isinstance(y_pred, tuple) and self._loss_reads_first_output:
            y_pred = y_pred[0]
        loss = super().get_loss(y_pred, y_true, X=X, training=training)
        if loss.dim():
            # a criterion built with reduction="none": per-sample losses, and the
            # batch's "sample_weight" (sample and class weights together) makes
            # their weighted mean, sum(w l) / sum(w), as CrossEntropyLoss(weight)
            weight = X["sample_weight"].to(device=loss.device, dtype=loss.dtype)
            # a batch of zero weights contributes 0 (not 0 / 0)
            total = weight.sum().clamp_min(torch.finfo(loss.dtype).tiny)
            loss = (weight * loss).sum() / total
        penalty = getattr(self.module_, "penalty", None)
        if training and penalty is not None:
            loss = loss + penalty()
        if training and not torch.isfinite(loss):
            # skorch records a batch's row before running it: this batch's number
            batch = len(self.history[-1, "batches"]) if self.history else 1
            raise ValueError(
                f"Training diverged: the training loss is {float(loss)} at epoch "
                f"{len(self.history)}, batch {batch}, and the weights are no "
                "longer usable. Try a lower learning rate (lr), gradient clipping "
                "(grad_clip_value or grad_clip_norm), shorter sequences, or inputs "
                "on a smaller scale."
            )
        return loss

    def infer(self, x, **fit_params):
        # the weights ride in the batch dict to get_loss; the module never sees them
        if isinstance(x, dict) and "sample_weight" in x:
            x = {k: v for k, v in x.items() if k != "sample_weight"}
        return super().infer(x, **fit_params)


class SequenceNet(_SequenceLossMixin, NeuralNet):
    """skorch ``NeuralNet`` whose module may return a tuple."""


class SequenceNetClassifier(_SequenceLossMixin, NeuralNetClassifier):
    """skorch ``NeuralNetClassifier`` (so ``valid_acc`` is scored) on encoded labels."""


class SiameseNet(_SequenceLossMixin, NeuralNet):
    """skorch ``NeuralNet`` for tuples of sequences (pairs, triplets).

    The module returns ``(logits, embeddings)`` and the criterion reads both
    (:class:`~sktime_metric.nn.SiameseLoss`).
    """

    _loss_reads_first_output = False


class EpisodicNet(SequenceNet):
    """skorch ``NeuralNet`` for few-shot episodes (one episode per batch).

    The module returns ``(log_alpha, is_support)`` and the criterion reads
    both (:class:`~sktime_metric.nn.EpisodeNLLLoss`): its loss has one term
    per query, so a batch's ``sample_weight`` is cut to the queries' weights.
    """

    _loss_reads_first_output = False

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if isinstance(X, dict) and "sample_weight" in X:
            # the episodic loss has one term per query: their weights
            weight = X["sample_weight"]
            X = {**X, "sample_weight": weight[~y_pred[1].to(weight.device)]}
        return super().get_loss(y_pred, y_true, X=X, training=training)


# Optimiser names accepted by every estimator. RMSprop uses the decay and epsilon
# of Torch7's optim.rmsprop (alpha=0.95, eps=1e-8), with which the TAGM and HULM
# reference code was run; torch's own defaults are alpha=0.99, eps=1e-8.
_OPTIMIZERS = {
    "rmsprop": (torch.optim.RMSprop, {"alpha": 0.95, "eps": 1e-8}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
}


def resolve_optimizer(optimizer):
    """``(optimizer class, extra skorch params)`` for a name or a class."""
    if isinstance(optimizer, str):
        cls, defaults = _OPTIMIZERS[optimizer]
        return cls, {f"optimizer__{k}": v for k, v in defaults.items()}
    return optimizer, {}


def plateau_lr_schedule(monitor, *, lower_is_better, factor, patience, **kwargs):
    """The learning-rate decay on a plateau: skorch's ``LRScheduler`` callback.

    torch's ``ReduceLROnPlateau`` multiplies the learning rate by ``factor``
    once ``monitor`` (a history key, recorded by a callback placed before
    this one) has not improved for *more than* ``patience`` epochs, then
    restarts the count. ``kwargs``: its other arguments (``threshold``,
    ``min_lr``, ...), torch's defaults otherwise. The variant that also
    reloads the best weights at each decay is :class:`.LRDecayOnPlateau`.

    Parameters
    ----------
    monitor : str
    lower_is_better : bool
    factor : float
    patience : int

    Returns
    -------
    skorch.callbacks.LRScheduler
    """
    return LRScheduler(
        policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
        monitor=monitor,
        mode="min" if lower_is_better else "max",
        factor=factor,
        patience=patience,
        **kwargs,
    )


def training_callbacks(
    *,
    grad_clip_value,
    early_stopping,
    n_iter_no_change,
    monitor,
    lower_is_better,
    verbose,
    user_callbacks,
    scoring=(),
    lr_schedule=None,
    after=(),
    tol=None,
    baseline=None,
    max_epochs=None,
):
    """The callbacks an estimator's parameters ask for, then the user's own.

    ``scoring``: ``(name, callback)`` pairs that run first (per-epoch data
    resampling, the scores early stopping monitors). ``lr_schedule``: replaces
    the default learning-rate halving on a plateau. ``after``: ``(name,
    callback)`` pairs that run after the built-in ones (so at the end of
    training after early stopping has reloaded the best weights), before the
    user's. ``tol``: without ``early_stopping``, training ends once the
    training loss converged (:func:`train_loss_stopping`), counting from the
    first epoch below ``baseline`` in the last two thirds of ``max_epochs``;
    None: every epoch runs.
    """
    callbacks = list(scoring)
    if grad_clip_value is not None:
        callbacks.append(("grad_clip", GradientValueClipping(grad_clip_value)))
    if early_stopping:
        callbacks.append(
            (
                "early_stopping",
                EarlyStopping(
                    monitor=monitor,
                    lower_is_better=lower_is_better,
                    patience=n_iter_no_change,
                    load_best=True,
                ),
            )
        )
        # Halve the learning rate when the monitored score has stalled for a
        # quarter of the patience (the reference code: 6 of 24 evaluations).
        callbacks.append(
            ("lr_plateau", lr_schedule)
            if lr_schedule is not None
            else (
                "lr_plateau",
                plateau_lr_schedule(
                    monitor,
                    lower_is_better=lower_is_better,
                    factor=0.5,
                    patience=max(1, n_iter_no_change // 4),
                ),
            )
        )
    elif tol is not None:
        callbacks.append(("train_loss_stopping", train_loss_stopping(
            n_iter_no_change, tol, baseline, min_epochs=(max_epochs or 0) // 3)))
    if verbose > 0:
        callbacks.append(("progress_bar", ProgressBar()))
    callbacks.extend(after)
    for i, cb in enumerate(user_callbacks or []):
        callbacks.append(cb if isinstance(cb, tuple) else (f"user_{i}", cb))
    return callbacks


def check_validation_size(n_samples, validation_fraction, n_required, *, why="one per class"):
    """Raise a clear error when a hold-out split of ``n_samples`` is too small.

    scikit-learn's splitters hold out ``ceil(validation_fraction * n_samples)``
    rows; each part needs at least ``n_required`` of them (one per class for a
    stratified split, two series to make a pair). Their own errors ("test_size =
    1 should be greater or equal to the number of classes") do not say that
    ``early_stopping`` asked for the split, nor which parameter to change.
    """
    n_valid = math.ceil(validation_fraction * n_samples)
    n_train = n_samples - n_valid
    if min(n_valid, n_train) < n_required:
        raise ValueError(
            f"early_stopping=True holds out validation_fraction={validation_fraction:g} "
            f"of the {n_samples} training series: {n_valid} for validation and "
            f"{n_train} for training, but each part needs at least {n_required} "
            f"({why}). Raise validation_fraction (or lower it, if the "
            "training part is the short one), fit on more series, or set "
            "early_stopping=False."
        )


def validation_split(early_stopping, validation_fraction, stratified, seed, y=None,
                     classes=None):
    """skorch ``train_split``: none unless early stopping needs a validation set.

    With ``y``, a split too small for its classes raises a clear error first
    (:func:`check_validation_size`); ``classes``: the labels of ``y``'s codes,
    for naming a class in it.
    """
    if not early_stopping:
        return None
    if y is not None:
        codes, counts = np.unique(y, return_counts=True)
        check_validation_size(len(y), validation_fraction,
                              len(codes) if stratified else 1,
                              why="one per class" if stratified else "one series")
        if stratified and counts.min() < 2:
            # scikit-learn's own error ("The least populated class in y has
            # only 1 member") names neither the parameter nor the class
            single = codes[counts.argmin()]
            label = single if classes is None else np.asarray(classes)[single]
            raise ValueError(
                f"early_stopping=True holds out validation_fraction="
                f"{validation_fraction:g} of every class, but class "
                f"{np.asarray(label).tolist()!r} has a single series: a stratified "
                "split needs at least 2 of each. Fit on more series of that class "
                "or set early_stopping=False."
            )
    return ValidSplit(validation_fraction, stratified=stratified, random_state=seed)


def fixed_validation(dataset):
    """skorch ``train_split`` validating on a given dataset (None: no validation)."""
    return None if dataset is None else predefined_split(dataset)


def training_loss_callbacks(*, lr_schedule, average_from, early_stopping,
                            n_iter_no_change, baseline=None):
    """The HULM authors' SGD rules, driven by the training loss (their code).

    Without early stopping (no validation split), training stops once the
    training loss has not improved for ``n_iter_no_change`` epochs (as
    scikit-learn's ``MLPClassifier`` does); ``lr_schedule="plateau"`` halves the
    learning rate after every ``n_iter_no_change // 4`` such epochs, and
    ``average_from`` (a fraction of ``max_epochs``, or None) starts parameter
    averaging. With early stopping, ``training_callbacks`` already watches the
    validation set (it stops, halves the learning rate and restores the best
    epoch), so only an ``"exponential"`` schedule is added.

    ``baseline``: the training loss of predicting the class frequencies. The
    plateau schedule and the stop count no epoch before the loss first falls
    below it (:class:`AfterLearningStarts`), so an early rise of the loss can
    neither decay the learning rate to nothing nor end training before the
    model learned anything.
    """
    callbacks = []
    if lr_schedule == "exponential":  # the authors' "sgd1": x0.99 per epoch
        callbacks.append((
            "lr_exponential",
            LRScheduler(policy=torch.optim.lr_scheduler.ExponentialLR, gamma=0.99),
        ))
    if early_stopping:
        return callbacks
    if lr_schedule == "plateau":  # the authors' "sgd2"
        callbacks.append((
            "lr_plateau",
            AfterLearningStarts(plateau_lr_schedule(
                "train_loss",
                lower_is_better=True,
                factor=0.5,
                patience=max(1, n_iter_no_change // 4),
                threshold=0.0,
            ), baseline),
        ))
    if average_from is not None:  # before the stop, so its last epoch counts
        callbacks.append(("parameter_averaging", ParameterAveraging(float(average_from))))
    callbacks.append(("train_loss_stopping",
                      train_loss_stopping(n_iter_no_change, 0.0, baseline)))
    return callbacks


def train_loss_stopping(n_iter_no_change, tol, baseline, min_epochs=0):
    """Stop once the training loss converged, never before it learned.

    Nearly scikit-learn's ``MLPClassifier`` rule (skorch's ``EarlyStopping``
    with an absolute threshold): training ends after ``n_iter_no_change``
    epochs in a row whose loss is not more than ``tol`` below that of the
    last epoch that was; the last weights are kept. Epochs count only once
    the loss first fell below ``baseline`` (the class frequencies' loss) and
    from the ``min_epochs``-th on (:class:`AfterLearningStarts`): a loss
    resting at or just below the uniform prediction's is a model that has
    not started, or is crossing a plateau, not one that converged (measured
    without the conditions: the GRU on UCR EthanolLevel, 4 classes, stopped
    at epoch 20 at chance; Bi-TAGM on UCR Fish, 7 classes, at epoch 51 with
    training accuracy 0.22, its loss 1.83 against ln 7 = 1.95).
    """
    return AfterLearningStarts(
        EarlyStopping(monitor="train_loss", patience=n_iter_no_change,
                      threshold=tol, threshold_mode="abs", load_best=False),
        baseline, min_epochs=min_epochs,
    )


def gradient_norm_clipping(max_norm):
    """Clip the global norm of the gradient to ``max_norm`` (skorch's callback)."""
    from skorch.callbacks import GradientNormClipping

    return GradientNormClipping(gradient_clip_value=max_norm)
